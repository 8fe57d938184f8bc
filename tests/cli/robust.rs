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
        "--fallback-factors",
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
            "( \"$GHG\" inventory a.csv --factors '{set}' --fallback-factors none 2>&1; \
             echo $? > code.txt ) | head -1"
        ))
        .env("GHG", env!("CARGO_BIN_EXE_ghg"))
        .current_dir(s.dir())
        .output()
        .expect("sh");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "warning: a.csv: column(s) not used: notes (known: activity, quantity, unit, site, \
         site_name, period, ref, supplier, amount, currency, price_year, market_factor, \
         factor_set, nhs_category; name yours with --column FIELD=HEADER)\n"
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

/// The mini DESNZ 2025 set with its `id = "mini-desnz-2025"` line replaced by `id_line`.
fn user_set(id_line: &str) -> String {
    let text = std::fs::read_to_string(mini_set()).expect("mini set");
    text.replacen("id = \"mini-desnz-2025\"", id_line, 1)
}

#[test]
fn a_user_set_reusing_a_shipped_id_is_refused_however_the_id_is_spelt() {
    for line in [
        "id = \"desnz-2025\"",
        "id = 'desnz-2025'",
        "\"id\" = \"desnz-2025\"",
        "id = \"desnz-2025\" # our own copy",
    ] {
        let s = Session::new();
        s.write("mine/own.toml", &user_set(line));
        s.write("a.csv", "activity,quantity,unit\n1_100_1004_6,100,kWh\n");
        let run = s.ghg(&[
            "--factors-dir",
            "mine",
            "inventory",
            "a.csv",
            "--factors",
            "desnz-2025",
        ]);
        assert_eq!(run.code, 2, "{line}: {}", run.stderr);
        assert_eq!(
            run.stderr,
            "error: mine/own.toml: factor set id \"desnz-2025\" is already used by the shipped \
             set factors/desnz/2025.toml; two sets with one id would make `--factors desnz-2025` \
             ambiguous. Give this set its own id in its [set] table (for example \
             id = \"desnz-2025-own\") and name that id in --factors\n",
            "{line}"
        );
    }
}

#[test]
fn two_user_sets_with_one_id_name_both_files() {
    let s = Session::new();
    s.write("mine/a.toml", &user_set("id = 'supplier-x'"));
    s.write("mine/b.toml", &user_set("id = \"supplier-x\""));
    let run = s.ghg(&["--factors-dir", "mine", "factors", "list"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert_eq!(
        run.stderr,
        "error: mine/b.toml: factor set id \"supplier-x\" is already used by the set in \
         mine/a.toml; two sets with one id would make `--factors supplier-x` ambiguous. Give \
         this set its own id in its [set] table (for example id = \"supplier-x-own\") and name \
         that id in --factors\n"
    );
}

#[test]
fn an_id_with_a_comment_or_single_quotes_is_usable_by_name() {
    for line in ["id = \"supplier-x\" # contract 2025", "'id' = 'supplier-x'"] {
        let s = Session::new();
        s.write("mine/own.toml", &user_set(line));
        s.write("a.csv", "activity,quantity,unit\n1_100_1004_6,100,kWh\n");
        let run = s.ghg(&[
            "--factors-dir",
            "mine",
            "inventory",
            "a.csv",
            "--factors",
            "supplier-x",
            "--fallback-factors",
            "none",
            "--format",
            "json",
        ]);
        assert_eq!(run.code, 0, "{line}: {}", run.stderr);
        // 100 kWh x 0.18296
        assert_eq!(run.json()["totals_kg_co2e"]["scope_1"], "18.296", "{line}");
    }
}

#[test]
fn odd_numbers_are_rejected_at_their_column_never_read_as_plus() {
    let s = Session::new();
    s.write(
        "n.csv",
        &std::fs::read_to_string(crate::util::root().join("tests/fixtures/odd-numbers.csv"))
            .unwrap(),
    );
    let run = s.ghg(&["inventory", "n.csv", "--out", "out", "--format", "json"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let j = run.json();
    assert_eq!(j["rows"]["read"], 14);
    assert_eq!(j["rows"]["rejected"], 12);
    // Only `£1,000` of pharmaceuticals (2022 prices) and `−5` (U+2212 is a minus sign: a
    // credit note, netted against the £1,000 of the same category and period) are used:
    // (1000 - 5) x 0.240241960139895.
    assert_eq!(j["totals_kg_co2e"]["scope_3"], "239.040750339195525");
    let not_a_number =
        "amount is not a number; expected a decimal number such as 1204.5 or 9.6552e-05";
    let too_big = "\"amount is not a number; expected a number smaller than 79,228,162,514,264,337,593,543,950,335\"";
    let expected = [
        "file,line,column,value,reason".to_string(),
        format!("n.csv,2,2,--5,{not_a_number}"),
        format!("n.csv,3,2,-£-5,{not_a_number}"),
        format!("n.csv,4,2,- -5,{not_a_number}"),
        format!("n.csv,6,2,\u{ff11}\u{ff10}\u{ff10},{not_a_number}"),
        format!("n.csv,7,2,NaN,{not_a_number}"),
        format!("n.csv,8,2,inf,{not_a_number}"),
        format!("n.csv,9,2,{},{too_big}", "9".repeat(60)),
        format!("n.csv,10,2,1e30,{too_big}"),
        "n.csv,11,3,EUR,\"unknown unit \"\"EUR\"\"; expected a unit such as kWh, litres, km, tonnes or GBP\"".to_string(),
        // No currency column: a dollar sign in `amount` (column 2) is the unit.
        "n.csv,12,2,USD,\"a quantity in USD cannot be converted to GBP, the factor's unit (defra-sic-2022 sic-21)\"".to_string(),
        // No price_year column: the price year came from `period` (column 4).
        "n.csv,13,4,1990,\"UK CPI index 00: all items, calendar-year average (ONS MM23) (D7BT, 2015=100) has no value for 1990 or 2022; give a price_year it covers\"".to_string(),
        "n.csv,14,2,GBP,\"a quantity in GBP cannot be converted to kWh (Gross CV), the factor's unit (desnz-2022 1_100_1004_6)\"".to_string(),
    ];
    let got = s.read("out/rejects.csv");
    let got: Vec<&str> = got.lines().collect();
    assert_eq!(got, expected);
}

#[test]
fn a_huge_thread_count_is_capped_with_a_note_and_changes_nothing() {
    let s = Session::new();
    s.write("a.csv", "activity,quantity,unit\n1_100_1004_6,100,kWh\n");
    let set = mini_set();
    let args = |j: &'static str| {
        vec![
            "inventory",
            "a.csv",
            "--factors",
            &set,
            "--fallback-factors",
            "none",
            "--format",
            "json",
            "-j",
            j,
        ]
    };
    let start = std::time::Instant::now();
    let big = s.ghg(&args("100000"));
    assert!(start.elapsed().as_secs() < 60, "took {:?}", start.elapsed());
    assert_eq!(big.code, 0, "{}", big.stderr);
    assert!(
        big.stderr
            .contains("note: -j 100000 is more worker threads than useful; using 256\n"),
        "{}",
        big.stderr
    );
    let one = s.ghg(&args("1"));
    assert_eq!(big.stdout, one.stdout);
    assert_eq!(big.json()["totals_kg_co2e"]["scope_1"], "18.296");
}

/// `ghg inventory --out out` of two rows, for explain.
fn explained_run(s: &Session) {
    s.write(
        "a.csv",
        "activity,quantity,unit\n1_100_1004_6,100,kWh\n1_100_1004_6,200,kWh\n",
    );
    let set = mini_set();
    let run = s.ghg(&[
        "inventory",
        "a.csv",
        "--factors",
        &set,
        "--fallback-factors",
        "none",
        "--no-upstream",
        "--out",
        "out",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
}

#[test]
fn explain_refuses_a_forged_ledger_line() {
    let s = Session::new();
    explained_run(&s);
    let ok = s.ghg(&["explain", "out", "--line", "a.csv:3"]);
    assert_eq!(ok.code, 0, "{}", ok.stderr);
    // 200 kWh x 0.18296
    assert!(ok.stdout.contains("36.592"), "{}", ok.stdout);
    // Someone halves the second row, consistently: quantity, converted quantity and kg.
    let ledger = s.read("out/ledger.csv");
    let forged = ledger
        .replace(",200,kWh,", ",100,kWh,")
        .replace(",200,36.592,", ",100,18.296,")
        .replace(",36.592,", ",18.296,");
    assert_ne!(forged, ledger);
    s.write("out/ledger.csv", &forged);
    let run = s.ghg(&["explain", "out", "--line", "a.csv:3"]);
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert!(run.stdout.is_empty(), "{}", run.stdout);
    assert!(
        run.stderr
            .starts_with("error: out/ledger.csv: changed since the run wrote it (sha256 "),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("`ghg verify out` shows what differs"),
        "{}",
        run.stderr
    );
    // Without the manifest there is nothing to check a line against.
    std::fs::remove_file(s.path("out/manifest.json")).unwrap();
    let run = s.ghg(&["explain", "out", "--line", "a.csv:3"]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        "error: out/manifest.json: no manifest; `ghg inventory --out out` writes one beside its outputs\n"
    );
}

#[test]
fn validate_finds_upstream_loops_and_links_the_engine_could_not_apply() {
    let s = Session::new();
    let fixture = crate::util::root().join("tests/fixtures/factors/bad-links.toml");
    s.write(
        "mine/links.toml",
        &std::fs::read_to_string(fixture).unwrap(),
    );
    let run = s.ghg(&["factors", "validate", "mine/links.toml"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(
        run.stderr,
        "mine/links.toml:18:24: factor \"gas\": upstream link \"diesel\" is a scope 1 factor; \
         upstream (well-to-tank, T&D) factors are scope 3: link a scope 3 factor or remove the link\n\
         mine/links.toml:18:34: factor \"gas\" (per kWh): upstream link \"litres-wtt\" is per litres, \
         which a quantity in kWh cannot be converted to; link a factor in a compatible unit\n\
         mine/links.toml:18:48: factor \"gas\": upstream link \"unpublished-wtt\" has no published \
         value, so its line would be dropped; link a published factor or remove the link\n\
         mine/links.toml:36:13: upstream links loop: gas-wtt -> loop-b -> gas-wtt; an upstream \
         factor must not lead back to the factor it is upstream of\n\
         4 problem(s) in 1 file(s) checked\n"
    );
    // Used for a run, the set is refused before any row is read (exit 2).
    s.write("a.csv", "activity,quantity,unit\ngas,100,kWh\n");
    let run = s.ghg(&["inventory", "a.csv", "--factors", "mine/links.toml"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr
            .starts_with("error: factor set mine/links.toml is not valid (4 problems):\n"),
        "{}",
        run.stderr
    );
}

#[test]
fn no_shipped_sdu_set_offers_a_derived_grid_total_as_scope_1() {
    let s = Session::new();
    s.write(
        "a.csv",
        "activity,quantity,unit\nelectricity-from-grid/electricity-from-grid-total,100,kWh\n\
         electricity-from-grid/electricity-uk-total,100,kWh\n",
    );
    let run = s.ghg(&[
        "inventory",
        "a.csv",
        "--factors",
        "nhs-sdu-2020-21",
        "--out",
        "out",
    ]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let rejects = s.read("out/rejects.csv");
    for (line, key) in [
        (2, "electricity-from-grid/electricity-from-grid-total"),
        (3, "electricity-from-grid/electricity-uk-total"),
    ] {
        assert!(
            rejects.contains(&format!(
                "a.csv,{line},1,{key},nhs-sdu-2020-21 {key} is a derived total the publisher \
                 gives for convenience; use its parts"
            )),
            "{rejects}"
        );
    }
}

#[test]
fn exit_codes_are_0_done_1_findings_2_could_not_run() {
    let s = Session::new();
    let set = mini_set();
    s.write("good.csv", "activity,quantity,unit\n1_100_1004_6,100,kWh\n");
    s.write("bad.csv", "activity,quantity,unit\n1_100_1004_6,--5,kWh\n");
    let inv = |file: &str, extra: &[&str]| {
        let mut a = vec![
            "inventory",
            file,
            "--factors",
            &set,
            "--fallback-factors",
            "none",
        ];
        a.extend_from_slice(extra);
        s.ghg(&a)
    };
    // 0: done, nothing to report.
    assert_eq!(inv("good.csv", &["--out", "out"]).code, 0);
    assert_eq!(s.ghg(&["verify", "out"]).code, 0);
    assert_eq!(s.ghg(&["factors", "validate", &set]).code, 0);
    assert_eq!(inv("bad.csv", &["--allow-rejects"]).code, 0);
    // 1: done, with findings.
    assert_eq!(inv("bad.csv", &[]).code, 1);
    s.write("out/inventory.csv", "edited\n");
    let v = s.ghg(&["verify", "out"]);
    assert_eq!(v.code, 1, "{}", v.stdout);
    assert!(
        v.stdout
            .contains("output inventory.csv was changed after the run"),
        "{}",
        v.stdout
    );
    let links = crate::util::root().join("tests/fixtures/factors/bad-links.toml");
    assert_eq!(
        s.ghg(&["factors", "validate", links.to_str().unwrap()])
            .code,
        1
    );
    // 2: could not run.
    let run = inv("missing.csv", &[]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.starts_with("error: missing.csv: "),
        "{}",
        run.stderr
    );
    assert_eq!(s.ghg(&["inventory", "--no-such-option"]).code, 2);
    let run = s.ghg(&["inventory", "good.csv", "--factors", "no-such-set"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .starts_with("error: no factor set named \"no-such-set\""),
        "{}",
        run.stderr
    );
    s.write("notes/readme.txt", "mine\n");
    let run = inv("good.csv", &["--out", "notes"]);
    assert_eq!(run.code, 2);
    assert_eq!(
        s.read("notes/readme.txt"),
        "mine\n",
        "a refused --out touches nothing"
    );
}
