//! A stored manifest against the manifest of a re-run, and stored outputs against re-run
//! outputs: every difference as a [`Finding`] that names the file and shows both versions.

use super::manifest::{FileEntry, Manifest};
use std::collections::BTreeMap;
use std::fmt;

/// One difference between a run as recorded and as it comes out now.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Finding {
    /// An input, factor set or table is not what the run read.
    Read {
        /// `input`, `factor set` or `table`.
        what: &'static str,
        /// Its name (and id, for a set).
        name: String,
        /// How it differs.
        change: Change,
    },
    /// An output file no longer has the hash the manifest recorded.
    OutputEdited {
        /// File name in the output directory.
        name: String,
        /// SHA-256 in the manifest.
        expected: String,
        /// SHA-256 of the file now.
        actual: String,
    },
    /// An output file differs from the one a re-run writes.
    OutputDiffers {
        /// File name in the output directory.
        name: String,
        /// The first line that differs.
        diff: LineDiff,
    },
}

/// How a file read by the run differs now.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Change {
    /// Same name, other contents.
    Hash {
        /// SHA-256 in the manifest.
        expected: String,
        /// SHA-256 now.
        actual: String,
    },
    /// Read by the run, not by the re-run.
    NoLongerRead,
    /// Read by the re-run, not by the run.
    NewlyRead,
}

/// The first line where two texts differ, from 1; `None` where a text has no such line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineDiff {
    /// Line number, from 1.
    pub line: u64,
    /// That line in the stored file.
    pub stored: Option<String>,
    /// That line in the re-run's file.
    pub rerun: Option<String>,
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Finding::Read { what, name, change } => match change {
                Change::Hash { expected, actual } => write!(
                    f,
                    "{what} {name} changed since the run\n    sha256 in manifest: {expected}\n    sha256 now:         {actual}"
                ),
                Change::NoLongerRead => write!(f, "{what} {name} was read by the run but not by the re-run"),
                Change::NewlyRead => write!(f, "{what} {name} is read by the re-run but was not by the run"),
            },
            Finding::OutputEdited {
                name,
                expected,
                actual,
            } => write!(
                f,
                "output {name} was changed after the run\n    sha256 in manifest: {expected}\n    sha256 now:         {actual}"
            ),
            Finding::OutputDiffers { name, diff } => {
                let show = |l: &Option<String>| match l {
                    Some(t) => format!("{t:?}"),
                    None => "(no such line)".to_string(),
                };
                write!(
                    f,
                    "output {name} differs from a re-run at line {}\n    stored: {}\n    re-run: {}",
                    diff.line,
                    show(&diff.stored),
                    show(&diff.rerun)
                )
            }
        }
    }
}

fn entry_name(e: &FileEntry) -> String {
    match &e.id {
        Some(id) => format!("{id} ({})", e.name),
        None => e.name.clone(),
    }
}

/// Compares two lists of files read, keyed by `key`; in the order of the stored list.
fn compare_entries(
    what: &'static str,
    stored: &[FileEntry],
    rerun: &[FileEntry],
    key: impl Fn(&FileEntry) -> String,
    out: &mut Vec<Finding>,
) {
    let now: BTreeMap<String, &FileEntry> = rerun.iter().map(|e| (key(e), e)).collect();
    for e in stored {
        let change = match now.get(&key(e)) {
            Some(n) if n.sha256 == e.sha256 => continue,
            Some(n) => Change::Hash {
                expected: e.sha256.clone(),
                actual: n.sha256.clone(),
            },
            None => Change::NoLongerRead,
        };
        out.push(Finding::Read {
            what,
            name: entry_name(e),
            change,
        });
    }
    let before: BTreeMap<String, &FileEntry> = stored.iter().map(|e| (key(e), e)).collect();
    for e in rerun {
        if !before.contains_key(&key(e)) {
            out.push(Finding::Read {
                what,
                name: entry_name(e),
                change: Change::NewlyRead,
            });
        }
    }
}

/// What the re-run read that differs from what the run read: inputs (by position and name),
/// factor sets (by id) and tables (by name).
pub fn compare_reads(stored: &Manifest, rerun: &Manifest) -> Vec<Finding> {
    let mut out = Vec::new();
    // Inputs by position as well as name: the same file given twice is read twice.
    let read = |name: &str, change: Change| Finding::Read {
        what: "input",
        name: name.to_string(),
        change,
    };
    for i in 0..stored.inputs.len().max(rerun.inputs.len()) {
        match (stored.inputs.get(i), rerun.inputs.get(i)) {
            (Some(a), Some(b)) if a.name == b.name => {
                if a.sha256 != b.sha256 {
                    out.push(read(
                        &a.name,
                        Change::Hash {
                            expected: a.sha256.clone(),
                            actual: b.sha256.clone(),
                        },
                    ));
                }
            }
            (a, b) => {
                if let Some(a) = a {
                    out.push(read(&a.name, Change::NoLongerRead));
                }
                if let Some(b) = b {
                    out.push(read(&b.name, Change::NewlyRead));
                }
            }
        }
    }
    compare_entries(
        "factor set",
        &stored.factor_sets,
        &rerun.factor_sets,
        |e| e.id.clone().unwrap_or_else(|| e.name.clone()),
        &mut out,
    );
    compare_entries(
        "table",
        &stored.tables,
        &rerun.tables,
        |e| e.name.clone(),
        &mut out,
    );
    out
}

/// The first line at which `stored` and `rerun` differ, or `None` if they are equal.
pub fn first_difference(stored: &[u8], rerun: &[u8]) -> Option<LineDiff> {
    if stored == rerun {
        return None;
    }
    let mut a = stored.split_inclusive(|&b| b == b'\n');
    let mut b = rerun.split_inclusive(|&b| b == b'\n');
    let text = |l: &[u8]| {
        String::from_utf8_lossy(l)
            .trim_end_matches(['\n', '\r'])
            .to_string()
    };
    let mut line = 0u64;
    loop {
        line += 1;
        match (a.next(), b.next()) {
            (Some(x), Some(y)) if x == y => continue,
            (None, None) => {
                // Equal line by line yet unequal: cannot happen, but never claim equality.
                return Some(LineDiff {
                    line,
                    stored: None,
                    rerun: None,
                });
            }
            (x, y) => {
                return Some(LineDiff {
                    line,
                    stored: x.map(text),
                    rerun: y.map(text),
                })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::manifest::{Build, Origin, RecordedOptions, SCHEMA};

    fn entry(name: &str, id: Option<&str>, sha: &str) -> FileEntry {
        FileEntry {
            bytes: 1,
            id: id.map(str::to_string),
            name: name.into(),
            origin: Origin::File,
            sha256: sha.into(),
        }
    }

    fn manifest(inputs: Vec<FileEntry>, sets: Vec<FileEntry>) -> Manifest {
        Manifest {
            command: vec![],
            factor_sets: sets,
            ghg: Build::current(),
            inputs,
            options: RecordedOptions::default(),
            outputs: vec![],
            run_dir: ".".into(),
            run_options: None,
            schema: SCHEMA.into(),
            tables: vec![],
            timestamp: None,
        }
    }

    #[test]
    fn changed_input_and_set_are_named() {
        let a = manifest(
            vec![entry("a.csv", None, "1")],
            vec![entry("s.toml", Some("s"), "x")],
        );
        let b = manifest(
            vec![entry("a.csv", None, "2")],
            vec![entry("s.toml", Some("s"), "y")],
        );
        let f = compare_reads(&a, &b);
        assert_eq!(f.len(), 2);
        assert!(
            f[0].to_string().starts_with("input a.csv changed"),
            "{}",
            f[0]
        );
        assert!(
            f[1].to_string()
                .starts_with("factor set s (s.toml) changed"),
            "{}",
            f[1]
        );
        assert!(compare_reads(&a, &a).is_empty());
    }

    #[test]
    fn first_difference_shows_both_lines() {
        let d = first_difference(b"a\nb\nc\n", b"a\nB\nc\n").unwrap();
        assert_eq!(
            (d.line, d.stored.as_deref(), d.rerun.as_deref()),
            (2, Some("b"), Some("B"))
        );
        let d = first_difference(b"a\n", b"a\nb\n").unwrap();
        assert_eq!((d.line, d.stored, d.rerun.as_deref()), (2, None, Some("b")));
        assert_eq!(first_difference(b"x", b"x"), None);
        let d = first_difference(b"a", b"a\n").unwrap();
        assert_eq!(d.line, 1);
    }
}
