//! `ghg inventory`.

use crate::util::{mini_set, Session};

const ACCEPTANCE: &str = "activity,quantity,unit\n1_100_1004_6,100,MWh\n7_400_4000_5,\"50,000\",kWh\n1_101_1011_8,2000,litres\n";

fn inventory_json(s: &Session, files: &[&str], extra: &[&str]) -> crate::util::Run {
    let set = mini_set();
    let mut args = vec!["inventory"];
    args.extend_from_slice(files);
    args.extend_from_slice(&[
        "--factors",
        &set,
        "--fallback-factors",
        "none",
        "--format",
        "json",
    ]);
    args.extend_from_slice(extra);
    s.ghg(&args)
}

#[test]
fn worked_example_gas_electricity_diesel() {
    let s = Session::new();
    s.write("a.csv", ACCEPTANCE);
    let run = inventory_json(&s, &["a.csv"], &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let j = run.json();
    let t = &j["totals_kg_co2e"];
    // 100,000 kWh x 0.18296 + 2,000 l x 2.57082
    assert_eq!(t["scope_1"], "23437.64");
    // 50,000 kWh x 0.177
    assert_eq!(t["scope_2_location"], "8850");
    assert_eq!(t["scope_2_market"], "8850");
    // 3021 + 926.5 + 2295 + 198.5 + 1222.02
    assert_eq!(t["scope_3_categories_kg_co2e"]["3"], "7663.02");
    assert_eq!(j["scope_3_categories_kg_co2e"]["3"], "7663.02");
    assert_eq!(t["scope_3"], "7663.02");
    assert_eq!(t["total_location"], "39950.66");
    assert_eq!(j["rows"]["read"], 3);
    assert_eq!(j["rows"]["used"], 3);
    assert_eq!(j["rows"]["rejected"], 0);
}

#[test]
fn no_upstream_leaves_out_category_3() {
    let s = Session::new();
    s.write("a.csv", ACCEPTANCE);
    let j = inventory_json(&s, &["a.csv"], &["--no-upstream"]).json();
    assert_eq!(j["totals_kg_co2e"]["scope_3"], "0");
    assert_eq!(j["totals_kg_co2e"]["scope_1"], "23437.64");
}

#[test]
fn gases_add_up_to_the_total() {
    let s = Session::new();
    s.write("a.csv", ACCEPTANCE);
    let j = inventory_json(&s, &["a.csv"], &[]).json();
    let g = &j["by_gas_kg_co2e"];
    let sum: rust_decimal::Decimal = ["co2", "ch4", "n2o", "not_split_by_gas"]
        .iter()
        .map(|k| {
            g[*k]
                .as_str()
                .unwrap()
                .parse::<rust_decimal::Decimal>()
                .unwrap()
        })
        .sum();
    assert_eq!(sum.normalize().to_string(), "39950.66");
    // 100,000 x 0.18259 + 2,000 x 2.53763 + 50,000 x 0.17489 + 50,000 x 0.01834 (T&D)
    assert_eq!(g["co2"], "32995.76");
}

#[test]
fn market_factor_sets_scope_2_market_based() {
    let s = Session::new();
    s.write(
        "m.csv",
        "activity,quantity,unit,market_factor\n7_400_4000_5,10,MWh,0.05\n7_400_4000_5,1000,kWh,\n",
    );
    let j = inventory_json(&s, &["m.csv"], &[]).json();
    assert_eq!(j["totals_kg_co2e"]["scope_2_location"], "1947");
    // 10,000 kWh x 0.05 contractual + 1,000 kWh x 0.177 location fallback
    assert_eq!(j["totals_kg_co2e"]["scope_2_market"], "677");
    assert_eq!(j["scope_2_market_basis"]["location_fallback_lines"], 1);
}

fn shuffled(text: &str, seed: u64) -> String {
    let mut lines: Vec<&str> = text.lines().collect();
    let header = lines.remove(0);
    let mut state = seed;
    for i in (1..lines.len()).rev() {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let j = (state >> 33) as usize % (i + 1);
        lines.swap(i, j);
    }
    let mut out = String::from(header);
    out.push('\n');
    for l in lines {
        out.push_str(l);
        out.push('\n');
    }
    out
}

fn many_rows(n: usize) -> String {
    let acts = [
        ("1_100_1004_6", "kWh", "123.456"),
        ("7_400_4000_5", "MWh", "1.5"),
        ("1_101_1011_8", "litres", "77.7"),
        ("17_404_4005_1", "m3", "12"),
        ("18_405_4006_1", "cubic metres", "0.333"),
    ];
    let mut s = String::from("site,period,activity,quantity,unit\n");
    for i in 0..n {
        let (a, u, q) = acts[i % acts.len()];
        s.push_str(&format!(
            "site-{},2025-{:02},{a},{q}{},{u}\n",
            i % 7,
            1 + i % 12,
            i % 10
        ));
    }
    s
}

#[test]
fn output_is_the_same_for_any_row_order_file_split_and_thread_count() {
    let s = Session::new();
    // More rows than one chunk, so chunking and parallel merge are exercised.
    let text = many_rows(40_000);
    s.write("all.csv", &text);
    let base = inventory_json(&s, &["all.csv"], &[]);
    assert_eq!(base.code, 0, "{}", base.stderr);
    s.write("shuffled.csv", &shuffled(&text, 7));
    let shuffled_run = inventory_json(&s, &["shuffled.csv"], &[]);
    assert_eq!(base.stdout, shuffled_run.stdout);
    let lines: Vec<&str> = text.lines().collect();
    let (a, b) = lines[1..].split_at(12_345);
    s.write("part1.csv", &format!("{}\n{}\n", lines[0], a.join("\n")));
    s.write("part2.csv", &format!("{}\n{}\n", lines[0], b.join("\n")));
    let split = inventory_json(&s, &["part2.csv", "part1.csv"], &[]);
    assert_eq!(base.stdout, split.stdout);
    for threads in ["1", "2", "5"] {
        let set = mini_set();
        let run = s.ghg_env(
            &[
                "inventory",
                "all.csv",
                "--factors",
                &set,
                "--fallback-factors",
                "none",
                "--format",
                "json",
            ],
            &[("RAYON_NUM_THREADS", threads)],
        );
        assert_eq!(base.stdout, run.stdout, "RAYON_NUM_THREADS={threads}");
    }
    let j1 = inventory_json(&s, &["all.csv"], &["-j", "1", "--out", "o1"]);
    let j4 = inventory_json(&s, &["all.csv"], &["-j", "4", "--out", "o4"]);
    assert_eq!(j1.stdout, j4.stdout);
    for f in [
        "inventory.json",
        "inventory.csv",
        "ledger.csv",
        "rejects.csv",
    ] {
        assert_eq!(
            s.read(&format!("o1/{f}")),
            s.read(&format!("o4/{f}")),
            "{f}"
        );
    }
    assert_eq!(base.json()["rows"]["read"], 40_000);
}

#[test]
fn messy_rows_are_rejected_with_reasons_and_good_rows_still_count() {
    let s = Session::new();
    let good = "A,1_100_1004_6,100,MWh\r\nB,7_400_4000_5,\"£1,234.50\",kWh\r\n";
    let mut bytes = b"\xef\xbb\xbfsite,activity,quantity,unit\r\n".to_vec();
    bytes.extend_from_slice(good.as_bytes());
    bytes.extend_from_slice(
        b"A,1_100_1004_6,,kWh\r\nA,1_100_1004_6,\"12,3a\",kWh\r\nB,no-such-factor,5,kWh\r\nB,7_400_4000_5,10,litres\r\n",
    );
    s.write_bytes("messy.csv", &bytes);
    s.write(
        "good.csv",
        &format!("site,activity,quantity,unit\n{}", good.replace('\r', "")),
    );
    let run = inventory_json(&s, &["messy.csv"], &["--out", "out"]);
    assert_eq!(run.code, 1, "rejected rows make the exit code 1");
    let j = run.json();
    assert_eq!(j["rows"]["read"], 6);
    assert_eq!(j["rows"]["used"], 2);
    assert_eq!(j["rows"]["rejected"], 4);
    let clean = inventory_json(&s, &["good.csv"], &[]).json();
    assert_eq!(j["totals_kg_co2e"], clean["totals_kg_co2e"]);
    let rejects = s.read("out/rejects.csv");
    let lines: Vec<&str> = rejects.lines().collect();
    assert_eq!(lines[0], "file,line,column,value,reason");
    assert!(
        lines[1].starts_with("messy.csv,4,3,,\"blank quantity"),
        "{}",
        lines[1]
    );
    assert!(
        lines[2].starts_with("messy.csv,5,3,\"12,3a\",quantity is not a number"),
        "{}",
        lines[2]
    );
    assert!(
        lines[3].starts_with("messy.csv,6,2,no-such-factor,\"unknown activity"),
        "{}",
        lines[3]
    );
    assert!(
        lines[4].starts_with("messy.csv,7,4,litres,"),
        "{}",
        lines[4]
    );
    assert!(
        lines[4].contains("cannot be converted to kWh"),
        "{}",
        lines[4]
    );
    assert_eq!(lines.len(), 5);
    // --allow-rejects: same figures, exit 0.
    let allowed = inventory_json(&s, &["messy.csv"], &["--allow-rejects"]);
    assert_eq!(allowed.code, 0);
    assert_eq!(allowed.stdout, run.stdout);
}

#[test]
fn net_cv_against_a_gross_cv_factor_is_rejected() {
    let s = Session::new();
    s.write(
        "cv.csv",
        "activity,quantity,unit\n1_100_1004_6,10,kWh (Net CV)\n1_100_1004_6,10,kWh (Gross CV)\n1_100_1004_7,10,kWh (Net CV)\n",
    );
    let run = inventory_json(&s, &["cv.csv"], &["--out", "o"]);
    assert_eq!(run.code, 1);
    let j = run.json();
    assert_eq!(j["rows"]["rejected"], 1);
    // 10 x 0.18296 + 10 x 0.2027
    assert_eq!(j["totals_kg_co2e"]["scope_1"], "3.8566");
    assert!(s.read("o/rejects.csv").contains("calorific basis"));
}

#[test]
fn unit_conversions_are_exact() {
    let s = Session::new();
    s.write(
        "u.csv",
        "activity,quantity,unit\n7_400_4000_5,3.6,GJ\n7_400_4000_5,1,GWh\n17_404_4005_1,2000,litres\n",
    );
    let j = inventory_json(&s, &["u.csv"], &["--no-upstream"]).json();
    // 3.6 GJ = 1000 kWh; 1 GWh = 1,000,000 kWh; x 0.177
    assert_eq!(j["totals_kg_co2e"]["scope_2_location"], "177177");
    // 2000 litres = 2 m3 x 0.1913
    assert_eq!(
        j["totals_kg_co2e"]["scope_3_categories_kg_co2e"]["1"],
        "0.3826"
    );
}

#[test]
fn ledger_has_a_line_per_row_and_per_upstream_line() {
    let s = Session::new();
    s.write("a.csv", ACCEPTANCE);
    let run = inventory_json(&s, &["a.csv"], &["--out", "out"]);
    assert_eq!(run.code, 0);
    let ledger = s.read("out/ledger.csv");
    let lines: Vec<&str> = ledger.lines().collect();
    assert!(lines[0].starts_with(
        "file,line,activity,quantity,unit,factor_set,factor_key,factor_value,converted_quantity,kg_co2e,scope,category,converted_unit"
    ));
    // gas + WTT, electricity + T&D + 2 WTT, diesel + WTT
    assert_eq!(lines.len(), 1 + 2 + 4 + 2);
    assert!(lines[1].starts_with("a.csv,2,1_100_1004_6,100,MWh,mini-desnz-2025,1_100_1004_6,0.18296,100000,18296,1,,kWh (Gross CV),"), "{}", lines[1]);
    assert!(lines[2].starts_with("a.csv,2,1_100_1004_6,100,MWh,mini-desnz-2025,11_100_1004_6,0.03021,100000,3021,3,3,kWh (Gross CV),"), "{}", lines[2]);
}

#[test]
fn missing_columns_stop_the_run_with_the_file_named() {
    let s = Session::new();
    s.write("bad.csv", "site,quantity,unit\nA,1,kWh\n");
    let run = inventory_json(&s, &["bad.csv"], &[]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("bad.csv:1"), "{}", run.stderr);
    assert!(run.stderr.contains("activity"), "{}", run.stderr);
}

#[test]
fn reads_standard_input() {
    let s = Session::new();
    let set = mini_set();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_ghg"))
        .args([
            "inventory",
            "-",
            "--factors",
            &set,
            "--fallback-factors",
            "none",
            "--format",
            "json",
        ])
        .current_dir(s.dir())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(ACCEPTANCE.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let j: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(j["totals_kg_co2e"]["scope_1"], "23437.64");
}

#[test]
fn spreadsheet_exports_are_read() {
    let s = Session::new();
    // Semicolon-delimited, a title above the header, UK dates, Windows-1252 pound signs.
    let mut bytes = b"Trust energy return;;;\n;;;\nsite;activity;quantity;unit;period\n".to_vec();
    bytes.extend_from_slice(b"A;7_400_4000_5;\xa31,000;kWh;31/05/2025\n");
    bytes.extend_from_slice(b"A;1_101_1011_8;2000;litres;May-25\n;;;;\n");
    s.write_bytes("export.csv", &bytes);
    let run = inventory_json(&s, &["export.csv"], &["--no-upstream"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let j = run.json();
    assert_eq!(j["rows"]["read"], 2);
    assert_eq!(j["rows"]["blank_lines_skipped"], 1);
    // 1,000 x 0.177 and 2,000 x 2.57082
    assert_eq!(j["totals_kg_co2e"]["scope_2_location"], "177");
    assert_eq!(j["totals_kg_co2e"]["scope_1"], "5141.64");
    assert!(
        j["by_period"]["2025-05-31"].is_object(),
        "{}",
        j["by_period"]
    );
    assert!(
        run.stderr.contains("2 line(s) above the header row"),
        "{}",
        run.stderr
    );
}

#[test]
fn table_and_csv_formats() {
    let s = Session::new();
    s.write("a.csv", &ACCEPTANCE.replace("100,MWh", "100000,MWh"));
    let set = mini_set();
    let run = s.ghg(&[
        "inventory",
        "a.csv",
        "--factors",
        &set,
        "--fallback-factors",
        "none",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    // 100,000 MWh x 0.18296 = 18,296,000 kg + 5,141.64 kg = 18,301.14164 t, shown to 2 places.
    let line = run
        .stdout
        .lines()
        .find(|l| l.starts_with("Scope 1"))
        .unwrap();
    assert!(line.ends_with("18,301.14"), "{line}");
    let line = run
        .stdout
        .lines()
        .find(|l| l.contains("3 Fuel- and energy-related"))
        .unwrap();
    // 3,021,000 + 926.5 + 2,295 + 198.5 + 1,222.02 kg
    assert!(line.ends_with("3,025.64"), "{line}");
    let csv = s.ghg(&[
        "inventory",
        "a.csv",
        "--factors",
        &set,
        "--fallback-factors",
        "none",
        "--format",
        "csv",
    ]);
    let mut lines = csv.stdout.lines();
    assert_eq!(
        lines.next().unwrap(),
        "breakdown,name,scope_1,scope_2_location,scope_2_market,scope_3,total_location,total_market,outside_of_scopes"
    );
    assert_eq!(
        lines.next().unwrap(),
        "total,,18301141.64,8850,8850,3025642.02,21335633.66,21335633.66,0"
    );
}

#[test]
fn worked_example_with_the_shipped_desnz_2025_set() {
    let s = Session::new();
    s.write("a.csv", ACCEPTANCE);
    let run = s.ghg(&[
        "inventory",
        "a.csv",
        "--factors",
        "desnz-2025",
        "--format",
        "json",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let t = &run.json()["totals_kg_co2e"];
    assert_eq!(t["scope_1"], "23437.64");
    assert_eq!(t["scope_2_location"], "8850");
    assert_eq!(t["scope_3_categories_kg_co2e"]["3"], "7663.02");
}

#[test]
fn without_factors_each_row_uses_the_edition_of_its_period() {
    let s = Session::new();
    s.write(
        "p.csv",
        "activity,quantity,unit,period\nelectricity,1000,kWh,2016/17\nelectricity,1000,kWh,2024-03\nelectricity,1000,kWh,2031\nelectricity,1000,kWh,2012\n",
    );
    let run = s.ghg(&[
        "inventory",
        "p.csv",
        "--format",
        "json",
        "--no-upstream",
        "--out",
        "o",
    ]);
    assert_eq!(run.code, 1, "the 2012 row has no edition");
    let j = run.json();
    // 1000 x 0.41205 (2016) + 1000 x 0.207074288590604 (2024-03 is in FY 2023/24: desnz-2023)
    // + 1000 x 0.177 (2025, newest)
    assert_eq!(j["totals_kg_co2e"]["scope_2_location"], "796.124288590604");
    let sets: Vec<&str> = j["factor_sets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap())
        .collect();
    assert_eq!(sets, ["desnz-2016", "desnz-2023", "desnz-2025"]);
    assert!(s
        .read("o/rejects.csv")
        .contains("no DESNZ edition covers 2012"));
}

#[test]
fn spend_rows_are_deflated_to_the_factor_price_year() {
    let s = Session::new();
    s.write(
        "spend.csv",
        "activity,amount,currency,price_year\nsic-21,\"£1,000,000\",GBP,2016\nsic-21,1000000,GBP,2022\n",
    );
    let run = s.ghg(&[
        "inventory",
        "spend.csv",
        "--factors",
        "desnz-2025",
        "--format",
        "json",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let j = run.json();
    // 1,000,000 x 121.7 / 100.7 (ONS CPI D7BT 2022 over 2016) x 0.240241960139895, plus
    // 1,000,000 x 0.240241960139895.
    let deflated = rust_decimal::Decimal::from(1_000_000)
        * rust_decimal::Decimal::new(1217, 1)
        * "0.240241960139895"
            .parse::<rust_decimal::Decimal>()
            .unwrap()
        / rust_decimal::Decimal::new(1007, 1);
    let expected = deflated + "240241.960139895".parse::<rust_decimal::Decimal>().unwrap();
    let got: rust_decimal::Decimal = j["totals_kg_co2e"]["scope_3_categories_kg_co2e"]["1"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(got.round_dp(12), expected.round_dp(12));
    assert!(j["by_data_quality"]["spend-based"].is_object());
}

#[test]
fn the_shipped_example_runs_clean() {
    let s = Session::new();
    let run = s.ghg(&["inventory", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let j = run.json();
    assert_eq!(j["rows"]["rejected"], 0);
    assert!(j["rows"]["read"].as_u64().unwrap() > 30);
    assert!(run.stderr.contains("example NHS trust"));
}

#[test]
fn residual_mix_fills_market_based_scope_2_without_a_contract() {
    let s = Session::new();
    s.write(
        "m.csv",
        "activity,quantity,unit,market_factor\n7_400_4000_5,10,MWh,0.05\n7_400_4000_5,1000,kWh,\n",
    );
    let j = inventory_json(&s, &["m.csv"], &["--residual-mix", "0.3", "--out", "o"]).json();
    // 10,000 kWh x 0.05 contractual + 1,000 kWh x 0.3 residual mix
    assert_eq!(j["totals_kg_co2e"]["scope_2_market"], "800");
    assert_eq!(j["totals_kg_co2e"]["scope_2_location"], "1947");
    assert_eq!(j["scope_2_market_basis"]["residual_mix_kg_co2e"], "300");
    assert_eq!(j["scope_2_market_basis"]["location_fallback_lines"], 0);
    let ledger = s.read("o/ledger.csv");
    assert!(
        ledger
            .lines()
            .any(|l| l.contains(",300,residual-mix,") && l.contains(",0.3,")),
        "{ledger}"
    );
    // A factor named SET:KEY works too, and must be per kWh.
    let set = mini_set();
    let by_key = inventory_json(
        &s,
        &["m.csv"],
        &["--residual-mix", &format!("{set}:7_400_4000_5")],
    )
    .json();
    assert_eq!(by_key["totals_kg_co2e"]["scope_2_market"], "677");
    let bad = inventory_json(
        &s,
        &["m.csv"],
        &["--residual-mix", &format!("{set}:1_101_1011_8")],
    );
    assert_eq!(bad.code, 2);
    assert!(bad.stderr.contains("per kWh"), "{}", bad.stderr);
    // verify re-runs with the same residual mix.
    assert_eq!(s.ghg(&["verify", "o"]).code, 0);
}

#[test]
fn upstream_lines_take_category_3_or_their_travel_category() {
    let s = Session::new();
    s.write(
        "t.csv",
        "activity,quantity,unit\n25_315_3147_11,1000,passenger.km\n1_101_1011_8,100,litres\n",
    );
    let run = s.ghg(&[
        "inventory",
        "t.csv",
        "--factors",
        "desnz-2025",
        "--format",
        "json",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let c = &run.json()["totals_kg_co2e"]["scope_3_categories_kg_co2e"];
    // Rail 1000 x 0.03546 and its WTT 1000 x 0.00897 in category 6; diesel WTT 100 x 0.61101 in 3.
    assert_eq!(c["6"], "44.43");
    assert_eq!(c["3"], "61.101");
}

#[test]
fn biogenic_co2_of_a_biofuel_blend_is_reported_outside_the_scopes() {
    let s = Session::new();
    s.write("d.csv", "activity,quantity,unit\ndiesel,2000,litres\n");
    let run = s.ghg(&[
        "inventory",
        "d.csv",
        "--factors",
        "desnz-2025",
        "--format",
        "json",
        "--no-upstream",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let t = &run.json()["totals_kg_co2e"];
    // 2,000 l x 2.57082 in scope 1; 2,000 l x 0.14 biogenic CO2 (99_604_1011_8) outside.
    assert_eq!(t["scope_1"], "5141.64");
    assert_eq!(t["outside_of_scopes"], "280");
    assert_eq!(t["total_location"], "5141.64");
}

#[test]
fn review_findings_on_messy_files() {
    let s = Session::new();
    // An unquoted thousands separator gives the row one field too many: rejected, not 1 kWh.
    s.write("x3.csv", "activity,unit,quantity\n7_400_4000_5,kWh,1,234\n");
    let run = inventory_json(&s, &["x3.csv"], &["--out", "o3"]);
    assert_eq!(run.code, 1);
    assert!(s
        .read("o3/rejects.csv")
        .contains("x3.csv,2,4,234,\"the row has 4 fields but the header has 3"));
    // Lines ending in bare carriage returns.
    s.write(
        "cr.csv",
        "activity,quantity,unit,site\r7_400_4000_5,1,kWh,A\r7_400_4000_5,500,kWh,B\r",
    );
    let j = inventory_json(&s, &["cr.csv"], &["--no-upstream"]).json();
    assert_eq!(j["rows"]["read"], 2);
    assert_eq!(j["totals_kg_co2e"]["scope_2_location"], "88.677");
    // Columns not understood are named on stderr and in the notes.
    s.write(
        "cols.csv",
        "activity,quantity,unit,notes\n7_400_4000_5,1,kWh,hello\n",
    );
    let run = inventory_json(&s, &["cols.csv"], &[]);
    assert_eq!(run.code, 0);
    assert!(
        run.stderr.contains("column(s) not used: notes"),
        "{}",
        run.stderr
    );
    let notes = run.json()["notes"].clone();
    let about_file = notes
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n.as_str().unwrap().starts_with("cols.csv"))
        .count();
    assert_eq!(about_file, 1, "{notes}");
    // A column given twice cannot be read: which is meant? Exit 2, naming it.
    s.write(
        "twice.csv",
        "activity,quantity,unit,notes,quantity\n7_400_4000_5,1,kWh,hello,9\n",
    );
    let run = inventory_json(&s, &["twice.csv"], &[]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains(
            "error: twice.csv:1: the header names a column twice: quantity (two columns for one field would leave one unread)"
        ),
        "{}",
        run.stderr
    );
    // A title line with a semicolon above a comma header.
    s.write(
        "t.csv",
        "Estates return; 2024/25 (draft)\nactivity,quantity,unit\n7_400_4000_5,10,kWh\n",
    );
    let run = inventory_json(&s, &["t.csv"], &["--no-upstream"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.json()["totals_kg_co2e"]["scope_2_location"], "1.77");
}

#[test]
fn spend_rows_need_no_desnz_edition_for_their_period() {
    let s = Session::new();
    s.write(
        "old.csv",
        "activity,amount,price_year,period\nsic-21,1000,2022,2014/15\nelectricity,1,2022,2014/15\n",
    );
    let run = s.ghg(&["inventory", "old.csv", "--format", "json", "--out", "o"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let j = run.json();
    assert_eq!(j["rows"]["used"], 1);
    // 1,000 GBP x 0.240241960139895, already in 2022 prices.
    assert_eq!(j["totals_kg_co2e"]["scope_3"], "240.241960139895");
    assert!(s
        .read("o/rejects.csv")
        .contains("no DESNZ edition covers 2014/15"));
}

/// NHS SDU 2016-17 (column 2016-17 of `CarbonFactors.csv`): scope 3 rows price with the
/// category the importer gives them, and upstream links add their lines by hand-checked figures.
#[test]
fn nhs_sdu_2016_17_prices_water_waste_energy_and_travel_by_category() {
    let s = Session::new();
    s.write(
        "sdu.csv",
        "activity,quantity,unit\n\
         electricity-generated/electricity-uk,10000,kWh\n\
         gaseous-fuels/natural-gas,20000,kWh\n\
         water-supply/water-supply,1500,m3\n\
         water-treatment/water-treatment,1400,m3\n\
         clinical-waste/clinical-waste,12.5,tonnes\n\
         refuse/landfill-domestic-waste,3,tonnes\n\
         flights/domestic-flight,1000,km\n\
         wtt-flights/short-haul-wtt,500,km\n",
    );
    let run = s.ghg(&[
        "inventory",
        "sdu.csv",
        "--factors",
        "nhs-sdu-2016-17",
        "--fallback-factors",
        "none",
        "--format",
        "json",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let j = run.json();
    assert_eq!(j["rows"]["used"], 8, "{}", run.stderr);
    let t = &j["totals_kg_co2e"];
    // Natural gas 20,000 kWh x 0.183997
    assert_eq!(t["scope_1"], "3679.94");
    // Electricity: UK 10,000 kWh x 0.41205
    assert_eq!(t["scope_2_location"], "4120.5");
    let c = &t["scope_3_categories_kg_co2e"];
    // Water supply 1,500 m3 x 0.344
    assert_eq!(c["1"], "516");
    // Electricity T&D 0.03727, WTT generation 0.06188, WTT T&D 0.0056, each x 10,000 kWh
    // (372.7 + 618.8 + 56), and natural gas WTT 20,000 kWh x 0.02499 (499.8)
    assert_eq!(c["3"], "1547.3");
    // Water treatment 1,400 m3 x 0.708 (991.2), clinical waste 12.5 t x 240.05 (3000.625),
    // landfill (domestic) 3 t x 421 (1263)
    assert_eq!(c["5"], "5254.825");
    // Domestic flight 1,000 km x 0.27867 with its WTT x 0.02963 (278.67 + 29.63), and short-haul
    // WTT used on its own, 500 km x 0.01791 (8.955)
    assert_eq!(c["6"], "317.255");
    assert_eq!(t["scope_3"], "7635.38");
    assert_eq!(t["total_location"], "15435.82");
}

#[test]
fn undated_spend_is_counted_and_said() {
    let s = Session::new();
    s.write("u.csv", "activity,amount\nsic-21,1000\nsic-21,1000\n");
    let run = s.ghg(&["inventory", "u.csv", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let j = run.json();
    assert_eq!(j["rows"]["spend_without_price_year"], 2);
    assert!(
        run.stderr
            .contains("2 spend row(s) had neither price_year nor period"),
        "{}",
        run.stderr
    );
    // Taken as 2022 prices: 2 x 1,000 x 0.240241960139895.
    assert_eq!(j["totals_kg_co2e"]["scope_3"], "480.48392027979");
}

#[test]
fn second_review_findings() {
    let s = Session::new();
    s.write("a.csv", ACCEPTANCE);
    // The same file twice would double the inventory.
    let run = inventory_json(&s, &["a.csv", "./a.csv"], &[]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("are the same file"), "{}", run.stderr);
    // A very long unknown activity is rejected promptly (no edit distance over it).
    let long = "Z".repeat(200_000);
    s.write(
        "long.csv",
        &format!("activity,quantity,unit\n{long},100,kWh\n"),
    );
    let started = std::time::Instant::now();
    let run = inventory_json(&s, &["long.csv"], &[]);
    assert_eq!(run.code, 1);
    assert!(started.elapsed() < std::time::Duration::from_secs(20));
    // A period after the newest edition is priced with it, and said.
    s.write(
        "late.csv",
        "activity,quantity,unit,period\nelectricity,1,kWh,2099\n",
    );
    let run = s.ghg(&["inventory", "late.csv", "--format", "json"]);
    assert_eq!(run.code, 0);
    assert!(
        run.stderr
            .contains("period(s) 2099 are after the newest DESNZ edition"),
        "{}",
        run.stderr
    );
    // An empty search is a usage error, not every factor.
    assert_eq!(s.ghg(&["factors", "show", "desnz-2025", ""]).code, 2);
}

#[test]
fn one_factor_reached_by_two_units_is_one_group() {
    // kWh and MWh rows reach the same factor: the fast path (JSON to standard output) keeps a
    // running sum per spelling and sums them into one group, as the per-row path (--out,
    // which writes the ledger) does line by line.
    let s = Session::new();
    s.write(
        "a.csv",
        "site,period,activity,quantity,unit\n\
         S,2025-01,7_400_4000_5,1000,kWh\n\
         S,2025-01,7_400_4000_5,1,MWh\n\
         T,2025-01,7_400_4000_5,0.5,MWh\n\
         S,2025-01,7_400_4000_5,500,kWh\n",
    );
    let fast = inventory_json(&s, &["a.csv"], &["--no-upstream"]);
    assert_eq!(fast.code, 0, "{}", fast.stderr);
    let j = fast.json();
    // S: 2,500 kWh x 0.177; T: 500 kWh x 0.177.
    assert_eq!(j["by_site"]["S"]["scope_2_location"], "442.5");
    assert_eq!(j["by_site"]["T"]["scope_2_location"], "88.5");
    let activities = j["by_activity"].as_array().unwrap();
    assert_eq!(activities.len(), 1, "{activities:?}");
    assert_eq!(activities[0]["quantity"], "3000");
    assert_eq!(activities[0]["lines"], 4);
    let set = mini_set();
    let ledger = s.ghg(&[
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
    assert_eq!(ledger.code, 0, "{}", ledger.stderr);
    let written: serde_json::Value = serde_json::from_str(&s.read("out/inventory.json")).unwrap();
    assert_eq!(written, j);
}

#[test]
fn a_set_read_from_the_cache_gives_the_same_inventory() {
    // The first run parses the DESNZ 2024 TOML (the edition of 2024/25, which January 2025
    // falls in) and stores the parse; the second reads it back
    // (a one-row run then takes about 20 ms instead of 60). A damaged entry is not believed.
    let s = Session::new();
    s.write(
        "one.csv",
        "site,period,activity,quantity,unit\nS,2025-01,electricity,1000,kWh\n",
    );
    let cache = s.path("cache");
    let cache = cache.to_str().unwrap();
    let args = ["inventory", "one.csv", "--format", "json"];
    let uncached = s.ghg_env(&args, &[("GHG_CACHE_DIR", "off")]);
    assert_eq!(uncached.code, 0, "{}", uncached.stderr);
    // 1,000 kWh x 0.20705 kg CO2e/kWh (DESNZ 2024 UK electricity, location-based)
    assert_eq!(
        uncached.json()["totals_kg_co2e"]["scope_2_location"],
        "207.05"
    );
    let first = s.ghg_env(&args, &[("GHG_CACHE_DIR", cache)]);
    let entries: Vec<_> = std::fs::read_dir(s.path("cache"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(entries.len(), 1, "{entries:?}");
    let second = s.ghg_env(&args, &[("GHG_CACHE_DIR", cache)]);
    assert_eq!(first.stdout, uncached.stdout);
    assert_eq!(second.stdout, uncached.stdout);
    let mut bytes = std::fs::read(&entries[0]).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0x20;
    std::fs::write(&entries[0], &bytes).unwrap();
    let damaged = s.ghg_env(&args, &[("GHG_CACHE_DIR", cache)]);
    assert_eq!(damaged.code, 0, "{}", damaged.stderr);
    assert_eq!(damaged.stdout, uncached.stdout);
}
