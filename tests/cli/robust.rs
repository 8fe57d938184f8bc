//! Robustness: closed and full standard error, shadowing factor-set ids, odd numbers, thread
//! counts and forged ledger lines. Each test is a user's session with the real binary.

use crate::util::{mini_set, Session};
use std::process::{Command, Stdio};

/// One good row, one rejected row and an unknown column, so `ghg` has a warning, a reject and
/// a summary to print on standard error.
const WARNS: &str = "activity,quantity,unit,notes\n1_100_1004_6,100,kWh,x\nno-such-fuel,1,kWh,y\n";

fn ghg_cmd(s: &Session, args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_ghg"));
    cmd.args(args)
        .current_dir(s.dir())
        .env_remove("GHG_FACTORS_DIR")
        .stdin(Stdio::null());
    cmd
}

fn out_args(set: &str) -> Vec<&str> {
    vec![
        "inventory",
        "a.csv",
        "--factors",
        set,
        "--spend-factors",
        "none",
        "--out",
        "out",
    ]
}

/// 100 kWh x 0.18296 kg CO2e per kWh of natural gas in the mini set.
fn assert_run_written(s: &Session) {
    let j: serde_json::Value = serde_json::from_str(&s.read("out/inventory.json")).unwrap();
    assert_eq!(j["totals_kg_co2e"]["scope_1"], "18.296");
    assert_eq!(j["rows"]["rejected"], 1);
    assert!(s.read("out/rejects.csv").contains("no-such-fuel"));
    assert!(s.path("out/manifest.json").exists());
}

#[test]
fn a_full_stderr_does_not_panic_and_out_is_still_written() {
    let s = Session::new();
    s.write("a.csv", WARNS);
    let set = mini_set();
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .expect("/dev/full");
    let out = ghg_cmd(&s, &out_args(&set))
        .stderr(full)
        .output()
        .expect("run ghg");
    // 1: a row was rejected; never 101 (a panic).
    assert_eq!(out.status.code(), Some(1));
    assert_run_written(&s);
}

#[test]
fn a_closed_stderr_does_not_panic_and_out_is_still_written() {
    let s = Session::new();
    s.write("a.csv", WARNS);
    let set = mini_set();
    let mut child = ghg_cmd(&s, &out_args(&set))
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run ghg");
    // Nobody reads standard error: every write to it is a broken pipe.
    drop(child.stderr.take());
    let status = child.wait().expect("wait");
    assert_eq!(status.code(), Some(1));
    assert_run_written(&s);
}

#[test]
fn stderr_and_stdout_into_a_reader_that_stops_after_one_line() {
    // `ghg inventory a.csv 2>&1 | head -1`, with ghg's own exit code kept in code.txt.
    let s = Session::new();
    s.write("a.csv", WARNS);
    let set = mini_set();
    let out = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "( \"$GHG\" inventory a.csv --factors '{set}' --spend-factors none 2>&1; \
             echo $? > code.txt ) | head -1"
        ))
        .env("GHG", env!("CARGO_BIN_EXE_ghg"))
        .current_dir(s.dir())
        .output()
        .expect("sh");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "warning: a.csv: column(s) not used: notes (known: activity, quantity, unit, site, \
         period, ref, supplier, amount, currency, price_year, market_factor)\n"
    );
    // The rejected row keeps exit 1 (not 101 for a panic, not 0 for the lost messages).
    assert_eq!(s.read("code.txt").trim(), "1");
}

#[test]
fn an_error_to_a_closed_stderr_still_exits_2() {
    let s = Session::new();
    let mut child = ghg_cmd(&s, &["inventory", "missing.csv"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run ghg");
    drop(child.stderr.take());
    assert_eq!(child.wait().expect("wait").code(), Some(2));
}
