//! The bad-input corpus (tests/corpus/cases.toml): each case's files are copied into a fresh
//! directory, `ghg` runs on them, and the exit code and every expected message fragment must
//! match exactly. No case may panic (exit 101, "panicked").

use crate::util::{mini_set, root, Session};
use serde::Deserialize;

#[derive(Deserialize)]
struct Corpus {
    case: Vec<Case>,
}

#[derive(Deserialize)]
struct Case {
    name: String,
    /// (corpus path, session path) copied before anything runs.
    copy: Vec<(String, String)>,
    /// ghg commands run first, each expected to finish (exit 0 or 1).
    #[serde(default)]
    before: Vec<Vec<String>>,
    /// (corpus path, session path) copied after `before`, over what it wrote.
    #[serde(default)]
    overlay: Vec<(String, String)>,
    args: Vec<String>,
    exit: i32,
    expect: Vec<String>,
}

fn args(a: &[String], mini: &str) -> Vec<String> {
    a.iter().map(|x| x.replace("{mini}", mini)).collect()
}

fn copy(s: &Session, files: &[(String, String)]) {
    for (from, to) in files {
        let bytes = std::fs::read(root().join("tests/corpus").join(from))
            .unwrap_or_else(|e| panic!("tests/corpus/{from}: {e}"));
        let p = s.path(to);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, bytes).unwrap();
    }
}

#[test]
fn every_corpus_case_gives_its_exit_code_and_message() {
    let text = std::fs::read_to_string(root().join("tests/corpus/cases.toml")).unwrap();
    let corpus: Corpus = toml::from_str(&text).expect("tests/corpus/cases.toml");
    assert!(corpus.case.len() >= 80, "{} cases", corpus.case.len());
    let mini = mini_set();
    let mut failures = Vec::new();
    for c in &corpus.case {
        let s = Session::new();
        copy(&s, &c.copy);
        for b in &c.before {
            let a = args(b, &mini);
            let run = s.ghg(&a.iter().map(String::as_str).collect::<Vec<_>>());
            assert!(
                run.code == 0 || run.code == 1,
                "{}: before {a:?}: {}",
                c.name,
                run.stderr
            );
        }
        copy(&s, &c.overlay);
        let a = args(&c.args, &mini);
        let run = s.ghg(&a.iter().map(String::as_str).collect::<Vec<_>>());
        let said = format!("{}{}", run.stderr, run.stdout);
        let mut wrong = Vec::new();
        if run.code != c.exit {
            wrong.push(format!("exit {} (expected {})", run.code, c.exit));
        }
        if run.code == 101 || said.contains("panicked") {
            wrong.push("panicked".to_string());
        }
        for e in &c.expect {
            if !said.contains(e.as_str()) {
                wrong.push(format!("missing {e:?}"));
            }
        }
        if !wrong.is_empty() {
            failures.push(format!(
                "{}: {}\n  said: {}",
                c.name,
                wrong.join("; "),
                said.trim_end()
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} corpus cases failed:\n{}",
        failures.len(),
        corpus.case.len(),
        failures.join("\n")
    );
}
