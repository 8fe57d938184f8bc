//! An output directory survives being killed and being written by two runs at once: after a
//! SIGKILL at any point of a large run, and after two concurrent runs, `out/` holds one
//! complete run whose files match its manifest, and `ghg verify out` agrees.

use crate::util::{mini_set, Session};
use sha2::{Digest, Sha256};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const ROWS: usize = 300_000;

/// `ROWS` rows of `qty` kWh of natural gas over 50 sites.
fn activity(qty: u32) -> String {
    let mut s = String::with_capacity(ROWS * 32);
    s.push_str("activity,quantity,unit,site\n");
    for i in 0..ROWS {
        s.push_str(&format!("1_100_1004_6,{qty},kWh,site{}\n", i % 50));
    }
    s
}

fn start(s: &Session, input: &str) -> std::process::Child {
    let set = mini_set();
    Command::new(env!("CARGO_BIN_EXE_ghg"))
        .args([
            "inventory",
            input,
            "--factors",
            &set,
            "--fallback-factors",
            "none",
            "--no-upstream",
            "-j",
            "2",
            "--format",
            "csv",
            "--out",
            "out",
        ])
        .current_dir(s.dir())
        .env_remove("GHG_FACTORS_DIR")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("run ghg")
}

fn sha256(bytes: &[u8]) -> String {
    format!("{:x}", Sha256::digest(bytes))
}

/// `out/` holds exactly the five files of one run, each as its manifest records, with the
/// figures of the input it names; returns that input's name.
fn assert_one_complete_run(s: &Session, when: &str) -> String {
    let mut names: Vec<String> = std::fs::read_dir(s.path("out"))
        .unwrap_or_else(|e| panic!("{when}: out/ is missing: {e}"))
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "inventory.csv",
            "inventory.json",
            "ledger.csv",
            "manifest.json",
            "rejects.csv"
        ],
        "{when}"
    );
    let m: serde_json::Value = serde_json::from_str(&s.read("out/manifest.json"))
        .unwrap_or_else(|e| panic!("{when}: manifest: {e}"));
    let outputs = m["outputs"].as_array().expect("outputs");
    assert_eq!(outputs.len(), 4, "{when}");
    for o in outputs {
        let name = o["name"].as_str().unwrap();
        let bytes = std::fs::read(s.path(&format!("out/{name}"))).unwrap();
        assert_eq!(o["bytes"], bytes.len() as u64, "{when}: {name} size");
        assert_eq!(o["sha256"], sha256(&bytes), "{when}: {name} hash");
    }
    let input = m["inputs"][0]["name"].as_str().unwrap().to_string();
    let j: serde_json::Value = serde_json::from_str(&s.read("out/inventory.json")).unwrap();
    assert_eq!(j["rows"]["read"], ROWS as u64, "{when}");
    // 300,000 rows x 10 kWh x 0.18296 = 548,880; x 20 kWh = 1,097,760.
    let expected = match input.as_str() {
        "a.csv" => "548880",
        "b.csv" => "1097760",
        other => panic!("{when}: manifest names input {other}"),
    };
    assert_eq!(j["totals_kg_co2e"]["scope_1"], expected, "{when}");
    assert_eq!(
        s.read("out/ledger.csv").lines().count(),
        ROWS + 1,
        "{when}: ledger lines"
    );
    input
}

/// Hidden siblings a run builds in, left by killed runs.
fn leftovers(s: &Session) -> Vec<String> {
    std::fs::read_dir(s.dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".out.ghg-tmp-"))
        .collect()
}

#[test]
fn out_dir_holds_one_complete_run_through_kills_and_concurrent_writers() {
    let s = Session::new();
    s.write("a.csv", &activity(10));
    s.write("b.csv", &activity(20));

    let t0 = Instant::now();
    let status = start(&s, "a.csv").wait().unwrap();
    let full = t0.elapsed();
    assert_eq!(status.code(), Some(0));
    assert_eq!(assert_one_complete_run(&s, "first run"), "a.csv");

    // Killed early, midway, late and at the very end of the run, alternating inputs.
    let mut last = "a.csv".to_string();
    for (i, fraction) in [0.1, 0.45, 0.8, 0.97].into_iter().enumerate() {
        let input = if i % 2 == 0 { "b.csv" } else { "a.csv" };
        let mut child = start(&s, input);
        std::thread::sleep(full.mul_f64(fraction));
        let _ = child.kill(); // SIGKILL; an error means it had already finished
        let status = child.wait().unwrap();
        let when = format!("killed at {:.0}% ({input})", fraction * 100.0);
        let now = assert_one_complete_run(&s, &when);
        // Either the run it replaced or, had it swapped its directory in before the kill
        // landed (it may still be exiting, so killed), the killed run itself; never a mix.
        assert!(now == last || now == input, "{when}: {now} ({status})");
        last = now;
    }

    // Two writers at once: both finish, one of them is what out/ holds, nothing is left over.
    let (mut a, mut b) = (start(&s, "a.csv"), start(&s, "b.csv"));
    assert_eq!(a.wait().unwrap().code(), Some(0));
    assert_eq!(b.wait().unwrap().code(), Some(0));
    assert_one_complete_run(&s, "two writers");
    assert_eq!(
        leftovers(&s),
        Vec::<String>::new(),
        "killed runs' leftovers"
    );

    let deadline = Duration::from_secs(600);
    assert!(t0.elapsed() < deadline);
    let v = s.ghg(&["verify", "out"]);
    assert_eq!(v.code, 0, "{}{}", v.stdout, v.stderr);
    assert!(v.stdout.starts_with("OK out: 1 input"), "{}", v.stdout);
}

#[test]
fn a_write_that_fails_midway_leaves_the_previous_run_and_no_leftovers() {
    // A full disk, as a file-size limit: the ledger write fails with EFBIG part way through.
    let s = Session::new();
    let set = mini_set();
    let mut small = String::from("activity,quantity,unit,site\n");
    let mut big = small.clone();
    for i in 0..50_000 {
        let line = format!("1_100_1004_6,10,kWh,site{}\n", i % 50);
        if i < 100 {
            small.push_str(&line);
        }
        big.push_str(&line);
    }
    s.write("small.csv", &small);
    s.write("big.csv", &big);
    let first = s.ghg(&[
        "inventory",
        "small.csv",
        "--factors",
        &set,
        "--spend-factors",
        "none",
        "--no-upstream",
        "--out",
        "out",
    ]);
    assert_eq!(first.code, 0, "{}", first.stderr);
    let before: Vec<Vec<u8>> = ["inventory.json", "ledger.csv", "manifest.json"]
        .iter()
        .map(|n| std::fs::read(s.path(&format!("out/{n}"))).unwrap())
        .collect();
    let out = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "trap '' XFSZ; ulimit -f 1000; exec \"$GHG\" inventory big.csv --factors '{set}' \
             --spend-factors none --no-upstream --out out"
        ))
        .env("GHG", env!("CARGO_BIN_EXE_ghg"))
        .current_dir(s.dir())
        .output()
        .expect("sh");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains(
            "error: out/ledger.csv: File too large (os error 27); out still holds the previous run"
        ),
        "{stderr}"
    );
    let after: Vec<Vec<u8>> = ["inventory.json", "ledger.csv", "manifest.json"]
        .iter()
        .map(|n| std::fs::read(s.path(&format!("out/{n}"))).unwrap())
        .collect();
    assert!(before == after, "the previous run was changed");
    assert_eq!(leftovers(&s), Vec::<String>::new());
    let v = s.ghg(&["verify", "out"]);
    assert_eq!(v.code, 0, "{}{}", v.stdout, v.stderr);
}
