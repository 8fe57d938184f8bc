//! `ghg import eric`: ERIC estates returns to activity CSVs, priced with the SDU set of the year.

use crate::util::{root, Run, Session};
use rust_decimal::Decimal;
use std::io::Write;
use std::process::{Command, Stdio};
use std::str::FromStr;

fn fixture(name: &str) -> String {
    root()
        .join("tests/fixtures/eric")
        .join(name)
        .display()
        .to_string()
}

fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap_or_else(|e| panic!("{s:?}: {e}"))
}

fn sum(cells: &[&str]) -> Decimal {
    cells.iter().map(|c| dec(c)).sum()
}

/// `ghg import eric ARGS | ghg inventory - INVENTORY_ARGS`: the import's stdout fed to the
/// inventory's stdin, as a shell pipe does.
fn pipe(s: &Session, import: &[&str], inventory: &[&str]) -> (Run, Run) {
    let mut args = vec!["import", "eric"];
    args.extend_from_slice(import);
    let first = s.ghg(&args);
    let mut child = Command::new(env!("CARGO_BIN_EXE_ghg"))
        .arg("inventory")
        .arg("-")
        .args(inventory)
        .current_dir(s.dir())
        .env_remove("GHG_FACTORS_DIR")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run ghg inventory");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(first.stdout.as_bytes())
        .expect("write stdin");
    let out = child.wait_with_output().expect("wait");
    let second = Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    };
    (first, second)
}

#[test]
fn royal_cornwall_2016_17_scope_1_and_2_equal_the_eric_cells_times_the_sdu_factors() {
    let s = Session::new();
    let (import, inv) = pipe(
        &s,
        &[&fixture("eric_2016-17_site_REF.csv"), "--org", "REF"],
        &["--factors", "nhs-sdu-2016-17", "--format", "json"],
    );
    assert_eq!(import.code, 0, "{}", import.stderr);
    assert_eq!(inv.code, 0, "{}", inv.stderr);
    let j = inv.json();
    // ERIC 2016-17, REF's four sites (AGGRE, REF01, REF02, REF12). Oil, coal, steam, hot water,
    // green-tariff and third-party renewable electricity are all 0 in the return.
    let electricity = sum(&["93755", "976350", "934731", "14780334"]);
    let gas = sum(&["134490", "2153120", "1717436", "21174831"]);
    // NHS SDU carbon factors, column 2016-17: "Electricity: UK" 0.41205 (scope 2) and
    // "Natural gas" 0.183997 (scope 1), kg CO2e per kWh.
    let scope_1 = gas * dec("0.183997");
    let scope_2 = electricity * dec("0.41205");
    let t = &j["totals_kg_co2e"];
    assert_eq!(dec(t["scope_1"].as_str().unwrap()), scope_1);
    assert_eq!(dec(t["scope_2_location"].as_str().unwrap()), scope_2);
    // By hand: 25,179,877 kWh x 0.183997 and 16,785,170 kWh x 0.41205.
    assert_eq!(scope_1, dec("4633021.828369"));
    assert_eq!(scope_2, dec("6916329.2985"));
    // Every row read is used: 4 sites' electricity and gas, 3 sites' water (supply and
    // treatment), incineration and recycling, and REF12's other recovery.
    assert_eq!(j["rows"]["read"], 21);
    assert_eq!(j["rows"]["used"], 21);
    assert_eq!(j["rows"]["rejected"], 0);
    assert!(
        import
            .stderr
            .contains("price the 2016/17 return with: ghg inventory - --factors nhs-sdu-2016-17"),
        "{}",
        import.stderr
    );
}

#[test]
fn royal_cornwall_2014_15_counts_renewable_electricity_at_the_grid_factor() {
    let s = Session::new();
    let import = s.ghg(&[
        "import",
        "eric",
        &fixture("eric_2014-15_site_REF.csv"),
        "--org",
        "REF",
        "--out",
        "ref.csv",
    ]);
    assert_eq!(import.code, 0, "{}", import.stderr);
    assert_eq!(import.stdout, "", "the CSV goes to --out");
    let csv = s.read("ref.csv");
    assert!(csv
        .contains("electricity,19387,kWh,REF12,2014/15,Electricity consumed - renewable (kWh)\n"));
    let inv = s.ghg(&[
        "inventory",
        "ref.csv",
        "--factors",
        "nhs-sdu-2014-15",
        "--format",
        "json",
    ]);
    assert_eq!(inv.code, 0, "{}", inv.stderr);
    let t = &inv.json()["totals_kg_co2e"];
    // Utility electricity of the four sites plus REF12's renewable 19,387 kWh, which the SDU
    // prices "same as grid factor"; SDU 2014-15: electricity 0.49426, natural gas 0.184973.
    let electricity = sum(&["131944", "1135000", "914722", "15249722", "19387"]);
    let gas = sum(&["131111", "2106667", "1801111", "19960278"]);
    assert_eq!(
        dec(t["scope_2_location"].as_str().unwrap()),
        electricity * dec("0.49426")
    );
    assert_eq!(electricity * dec("0.49426"), dec("8625220.0515"));
    assert_eq!(dec(t["scope_1"].as_str().unwrap()), gas * dec("0.184973"));
    // The PFI part of the 2014-15 return is "Not Applicable" for REF: missing, not zero.
    assert!(
        import.stderr.contains("8 missing (Not Applicable 8)"),
        "{}",
        import.stderr
    );
}

#[test]
fn every_eric_year_of_royal_cornwall_prices_with_its_sdu_set_without_a_reject() {
    // Rows counted by hand from the fixtures' cells above zero (water gives two rows):
    // 2013-14: electricity 4, gas 4, water 3x2, high temperature 4, landfill 4, WEEE 2,
    //   re-use 1, recycling 4 = 29 (REF12's 464,570 kWh non-fossil fuel is named, not a row);
    // 2014-15: electricity 4 + REF12 renewable 1, gas 4, water 3x2, recycling 4, other
    //   recovery 4, high temperature 4, landfill 4, WEEE 1 = 32;
    // 2015-16: electricity 4 + 1, gas 4, water 3x2, clinical waste 3 = 18 (special waste named);
    // 2016-17: electricity 4, gas 4, water 3x2, incineration 3, recycling 3, other recovery 1.
    for (file, year, rows, code) in [
        ("eric_2013-14_site_REF.csv", "2013-14", 29, 1),
        ("eric_2014-15_site_REF.csv", "2014-15", 32, 0),
        ("eric_2015-16_site_REF.csv", "2015-16", 18, 1),
        ("eric_2016-17_site_REF.csv", "2016-17", 21, 0),
    ] {
        let s = Session::new();
        let (import, inv) = pipe(
            &s,
            &[&fixture(file), "--org", "REF"],
            &["--factors", &format!("nhs-sdu-{year}"), "--format", "json"],
        );
        assert_eq!(import.code, code, "{file}: {}", import.stderr);
        assert_eq!(import.stdout.lines().count(), rows + 1, "{file}");
        assert_eq!(inv.code, 0, "{file}: {}", inv.stderr);
        let j = inv.json();
        assert_eq!(j["rows"]["used"], rows, "{file}");
        assert_eq!(j["rows"]["rejected"], 0, "{file}");
        let period = year.replace('-', "/");
        assert!(import
            .stdout
            .lines()
            .skip(1)
            .all(|l| l.contains(&format!(",{period},"))));
    }
}

#[test]
fn the_names_the_import_writes_resolve_in_every_shipped_desnz_and_sdu_set() {
    let s = Session::new();
    let names = s.ghg(&["factors", "list"]);
    assert_eq!(names.code, 0, "{}", names.stderr);
    let sets: Vec<&str> = names
        .stdout
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .filter(|id| id.starts_with("desnz-") || id.starts_with("nhs-sdu-"))
        .collect();
    assert_eq!(sets.len(), 10 + 14, "{}", names.stdout);
    // One row per distinct (activity, unit) the four site layouts write.
    let mut csv = String::from("activity,quantity,unit\n");
    for (activity, unit) in [
        ("electricity", "kWh"),
        ("natural gas", "kWh"),
        ("fuel oil kwh", "kWh"),
        ("coal kwh", "kWh"),
        ("district heat", "kWh"),
        ("water supply", "m3"),
        ("water treatment", "m3"),
        ("waste commercial landfill", "tonnes"),
        ("waste commercial incineration", "tonnes"),
        ("waste high temperature incineration", "tonnes"),
        ("waste non-burn treatment", "tonnes"),
        ("waste recycling", "tonnes"),
        ("waste preparing for re-use", "tonnes"),
        ("waste weee", "tonnes"),
        ("clinical waste", "tonnes"),
    ] {
        csv.push_str(&format!("{activity},1,{unit}\n"));
    }
    s.write("all.csv", &csv);
    for set in sets {
        let run = s.ghg(&["inventory", "all.csv", "--factors", set, "--format", "json"]);
        assert_eq!(run.code, 0, "{set}: {}", run.stderr);
        assert_eq!(run.json()["rows"]["used"], 15, "{set}");
    }
}

#[test]
fn missing_cells_are_counted_and_listed_never_zero() {
    let s = Session::new();
    let text = std::fs::read_to_string(fixture("eric_2016-17_site_REF.csv")).unwrap();
    // REF01's electricity "Not Applicable", REF02's gas left blank.
    let text = text
        .replacen(",976350,", ",Not Applicable,", 1)
        .replacen(",1717436,", ",,", 1);
    s.write("eric.csv", &text);
    let run = s.ghg(&[
        "import",
        "eric",
        "eric.csv",
        "--org",
        "REF",
        "--summary",
        "summary.json",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout.lines().count(), 1 + 19);
    assert!(!run
        .stdout
        .contains("REF01,2016/17,Electricity consumed (kWh)"));
    assert!(!run.stdout.contains("REF02,2016/17,Gas consumed (kWh)"));
    assert!(
        run.stderr.contains("2 missing (Not Applicable 1, blank 1)"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains(
            "eric: missing: eric.csv:3:58: REF01 Electricity consumed (kWh): \"Not Applicable\""
        ),
        "{}",
        run.stderr
    );
    let j: serde_json::Value = serde_json::from_str(&s.read("summary.json")).unwrap();
    assert_eq!(j["missing"], 2);
    assert_eq!(j["rows"], 19);
    assert_eq!(j["missing_cells"][1]["site"], "REF02");
    assert_eq!(j["missing_cells"][1]["field"], "Gas consumed (kWh)");
    assert_eq!(j["missing_cells"][1]["line"], 4);
    assert_eq!(j["missing_cells"][1]["column"], 59);
    assert_eq!(j["memos"][5]["total"], "11996");
    assert!(j["not_imported"]
        .as_array()
        .unwrap()
        .iter()
        .any(|n| n["field"] == "Non-fossil fuel consumed - renewable (kWh)"));
}

#[test]
fn a_negative_cell_is_named_and_left_out_with_exit_1() {
    let s = Session::new();
    let text = std::fs::read_to_string(fixture("eric_2016-17_site_REF.csv")).unwrap();
    s.write("eric.csv", &text.replacen(",976350,", ",-976350,", 1));
    let run = s.ghg(&["import", "eric", "eric.csv", "--org", "REF"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains(
            "warning: eric.csv:3:58: REF01 Electricity consumed (kWh): -976350 is negative: not imported"
        ),
        "{}",
        run.stderr
    );
    assert_eq!(run.stdout.lines().count(), 1 + 20);
}

#[test]
fn trust_and_pfi_files_are_known_and_give_no_rows() {
    let s = Session::new();
    for file in ["eric_2016-17_trust_REF.csv", "eric_2016-17_pfi_REF.csv"] {
        let run = s.ghg(&["import", "eric", &fixture(file), "--org", "REF"]);
        assert_eq!(run.code, 0, "{file}: {}", run.stderr);
        assert_eq!(run.stdout, "activity,quantity,unit,site,period,ref\n");
        assert!(
            run.stderr.contains("import the site file"),
            "{}",
            run.stderr
        );
    }
    let run = s.ghg(&[
        "import",
        "eric",
        &fixture("eric_2016-17_pfi_REF.csv"),
        "--org",
        "REF",
    ]);
    assert!(
        run.stderr
            .contains("\"Energy costs (all energy supplies) (£)\" (a cost, not a quantity)"),
        "{}",
        run.stderr
    );
}

#[test]
fn one_site_with_site() {
    let s = Session::new();
    let run = s.ghg(&[
        "import",
        "eric",
        &fixture("eric_2016-17_site_REF.csv"),
        "--org",
        "REF",
        "--site",
        "REF02",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout,
        "activity,quantity,unit,site,period,ref\n\
         electricity,934731,kWh,REF02,2016/17,Electricity consumed (kWh)\n\
         natural gas,1717436,kWh,REF02,2016/17,Gas consumed (kWh)\n\
         water supply,4644,m3,REF02,2016/17,Water volume (including borehole) (m³)\n\
         water treatment,4644,m3,REF02,2016/17,Water volume (including borehole) (m³)\n\
         waste high temperature incineration,88,tonnes,REF02,2016/17,Incineration disposal volume (Tonnes)\n\
         waste recycling,18,tonnes,REF02,2016/17,Waste reycling volume (Tonnes)\n"
    );
    let run = s.ghg(&[
        "import",
        "eric",
        &fixture("eric_2016-17_site_REF.csv"),
        "--org",
        "REF",
        "--site",
        "RX101",
    ]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("Site Code: \"RX101\""),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("(AGGRE, REF01, REF02, REF12)"),
        "{}",
        run.stderr
    );
}

#[test]
fn bad_files_name_file_row_and_column_and_write_nothing() {
    let s = Session::new();
    s.write("out.csv", "previous\n");
    let text = std::fs::read_to_string(fixture("eric_2016-17_site_REF.csv")).unwrap();
    let mut lines: Vec<&str> = text.lines().collect();
    // REF01 listed twice: its row again at line 6.
    lines.push(lines[2]);
    s.write("twice.csv", &(lines.join("\n") + "\n"));
    let run = s.ghg(&[
        "import",
        "eric",
        "twice.csv",
        "--org",
        "REF",
        "--out",
        "out.csv",
    ]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("error: twice.csv:6:6: Site Code: \"REF01\" is not valid"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("also on line 3"), "{}", run.stderr);
    assert_eq!(s.read("out.csv"), "previous\n", "nothing half-written");

    let run = s.ghg(&[
        "import",
        "eric",
        &fixture("eric_2016-17_site_REF.csv"),
        "--org",
        "RX1",
        "--out",
        "out.csv",
    ]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("Organisation Code: \"RX1\" is not valid"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("as in its column 2 (lines 2 to 5 hold 1 organisations: REF)"),
        "{}",
        run.stderr
    );
    assert_eq!(s.read("out.csv"), "previous\n");

    s.write(
        "other.csv",
        "period,Organisation Code,Site Code,Electricity (kWh)\n2016-17,REF,REF01,5\n",
    );
    let run = s.ghg(&[
        "import",
        "eric",
        "other.csv",
        "--org",
        "REF",
        "--out",
        "out.csv",
    ]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("error: other.csv:1: not an ERIC layout ghg knows"),
        "{}",
        run.stderr
    );
    assert_eq!(s.read("out.csv"), "previous\n");

    let bad = text.replacen(",976350,", ",976 350,", 1);
    s.write("bad.csv", &bad);
    let run = s.ghg(&[
        "import", "eric", "bad.csv", "--org", "REF", "--out", "out.csv",
    ]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("bad.csv:3:58: Electricity consumed (kWh): \"976 350\" is not valid"),
        "{}",
        run.stderr
    );
    assert_eq!(s.read("out.csv"), "previous\n");
}
