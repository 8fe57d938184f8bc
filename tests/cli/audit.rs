//! The audit trail: `inventory --out` manifests, `verify`, `explain` and `compare`.

use crate::util::{root, Run, Session};
use rust_decimal::Decimal;
use serde_json::Value;
use std::str::FromStr;

/// Rows that exercise conversions with a divisor (GJ, MJ), decimal ones (MWh, litres to
/// cubic metres, UK gallons) and upstream lines, over two sites.
const ROWS: &str = "site,activity,quantity,unit\n\
A,1_100_1004_6,100,MWh\n\
A,7_400_4000_5,\"50,000\",kWh\n\
B,1_101_1011_8,2000,litres\n\
B,1_101_1011_8,12.5,UK gallons\n\
B,7_400_4000_5,3.6,GJ\n\
B,7_400_4000_5,7,MJ\n\
A,17_404_4005_1,2000,litres\n\
A,18_405_4006_1,123.456,m3\n";

/// A session with the rows in a.csv and copies of the mini sets under sets/, so every path
/// in the manifest is relative.
fn session() -> Session {
    let s = Session::new();
    s.write("a.csv", ROWS);
    for y in ["2024", "2025"] {
        let name = format!("mini-desnz-{y}.toml");
        let text = std::fs::read_to_string(root().join("tests/fixtures/factors").join(&name))
            .expect("fixture set");
        s.write(&format!("sets/{name}"), &text);
    }
    s
}

fn inventory(s: &Session, out: &str, extra: &[&str]) -> Run {
    let mut args = vec![
        "inventory",
        "a.csv",
        "--factors",
        "sets/mini-desnz-2025.toml",
        "--fallback-factors",
        "none",
        "--out",
        out,
    ];
    args.extend_from_slice(extra);
    let run = s.ghg(&args);
    assert_eq!(run.code, 0, "{}", run.stderr);
    run
}

fn json_of(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}):\n{text}"))
}

fn d(v: &Value) -> Decimal {
    Decimal::from_str(v.as_str().unwrap_or_else(|| panic!("not a string: {v}")))
        .unwrap_or_else(|e| panic!("{v}: {e}"))
}

/// Replaces the first `from` in a session file with `to`, which must differ by one digit.
fn edit(s: &Session, name: &str, from: &str, to: &str) {
    let text = s.read(name);
    assert!(text.contains(from), "{name} has no {from:?}");
    s.write(name, &text.replacen(from, to, 1));
}

#[test]
fn inventory_out_then_verify_is_ok() {
    let s = session();
    inventory(&s, "out", &[]);
    let m = json_of(&s.read("out/manifest.json"));
    assert_eq!(m["schema"], "ghg-manifest/1");
    assert_eq!(m["ghg"]["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(m["run_dir"], "..");
    assert_eq!(m["inputs"][0]["name"], "a.csv");
    assert_eq!(
        m["inputs"][0]["sha256"],
        ghg::factors::sha256_hex(ROWS.as_bytes())
    );
    assert_eq!(m["factor_sets"][0]["id"], "mini-desnz-2025");
    assert_eq!(m["factor_sets"][0]["name"], "sets/mini-desnz-2025.toml");
    assert_eq!(m["options"]["factors"], "sets/mini-desnz-2025.toml");
    let outputs: Vec<&str> = m["outputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        outputs,
        [
            "inventory.csv",
            "inventory.json",
            "ledger.csv",
            "rejects.csv"
        ]
    );
    for o in m["outputs"].as_array().unwrap() {
        let name = o["name"].as_str().unwrap();
        let bytes = std::fs::read(s.path(&format!("out/{name}"))).unwrap();
        assert_eq!(o["sha256"], ghg::factors::sha256_hex(&bytes), "{name}");
    }
    assert!(
        !s.read("out/manifest.json")
            .contains(&*s.dir().to_string_lossy()),
        "no absolute path"
    );
    let v = s.ghg(&["verify", "out"]);
    assert_eq!(v.code, 0, "{}{}", v.stdout, v.stderr);
    assert!(
        v.stdout.starts_with("OK out: 1 input, 1 factor set"),
        "{}",
        v.stdout
    );
}

#[test]
fn verify_finds_out_dir_moved_with_its_inputs() {
    let s = session();
    inventory(&s, "reports/2025", &[]);
    // The whole tree moves: the manifest finds its inputs through run_dir.
    let moved = Session::new();
    for f in ["a.csv", "sets/mini-desnz-2025.toml"] {
        moved.write(f, &s.read(f));
    }
    for f in [
        "inventory.csv",
        "inventory.json",
        "ledger.csv",
        "rejects.csv",
        "manifest.json",
    ] {
        moved.write(
            &format!("reports/2025/{f}"),
            &s.read(&format!("reports/2025/{f}")),
        );
    }
    let v = moved.ghg(&["verify", "reports/2025"]);
    assert_eq!(v.code, 0, "{}{}", v.stdout, v.stderr);
    // And from another directory.
    let v = moved.ghg(&["verify", &moved.path("reports/2025").display().to_string()]);
    assert_eq!(v.code, 0, "{}{}", v.stdout, v.stderr);
}

#[test]
fn verify_names_an_input_edited_by_one_digit() {
    let s = session();
    inventory(&s, "out", &[]);
    edit(
        &s,
        "a.csv",
        "B,1_101_1011_8,2000,litres",
        "B,1_101_1011_8,2001,litres",
    );
    let v = s.ghg(&["verify", "out"]);
    assert_eq!(v.code, 1, "{}{}", v.stdout, v.stderr);
    assert!(
        v.stdout.contains("input a.csv changed since the run"),
        "{}",
        v.stdout
    );
    assert!(v.stdout.contains("sha256 in manifest: "), "{}", v.stdout);
    // The outputs a re-run writes differ too, shown line against line.
    assert!(
        v.stdout
            .contains("output ledger.csv differs from a re-run at line 8"),
        "{}",
        v.stdout
    );
    assert!(
        v.stdout
            .contains("stored: \"a.csv,4,1_101_1011_8,2000,litres,"),
        "{}",
        v.stdout
    );
    assert!(
        v.stdout
            .contains("re-run: \"a.csv,4,1_101_1011_8,2001,litres,"),
        "{}",
        v.stdout
    );
}

#[test]
fn verify_names_a_factor_edited_by_one_digit_in_a_copied_set() {
    let s = session();
    inventory(&s, "out", &[]);
    // Water supply, 17_404_4005_1: 0.1913 -> 0.1914.
    edit(
        &s,
        "sets/mini-desnz-2025.toml",
        "kg_co2e = \"0.1913\"",
        "kg_co2e = \"0.1914\"",
    );
    let v = s.ghg(&["verify", "out"]);
    assert_eq!(v.code, 1, "{}{}", v.stdout, v.stderr);
    assert!(
        v.stdout.contains(
            "factor set mini-desnz-2025 (sets/mini-desnz-2025.toml) changed since the run"
        ),
        "{}",
        v.stdout
    );
    assert!(
        v.stdout
            .contains("output inventory.json differs from a re-run"),
        "{}",
        v.stdout
    );
}

#[test]
fn verify_names_an_output_total_edited_by_one_digit() {
    let s = session();
    inventory(&s, "out", &[]);
    let j = json_of(&s.read("out/inventory.json"));
    let total = j["totals_kg_co2e"]["total_location"]
        .as_str()
        .unwrap()
        .to_string();
    let last = total.chars().last().unwrap();
    let other = if last == '9' {
        '8'
    } else {
        char::from(last as u8 + 1)
    };
    let edited = format!("{}{other}", &total[..total.len() - 1]);
    edit(
        &s,
        "out/inventory.json",
        &format!("\"total_location\": \"{total}\""),
        &format!("\"total_location\": \"{edited}\""),
    );
    let v = s.ghg(&["verify", "out"]);
    assert_eq!(v.code, 1, "{}{}", v.stdout, v.stderr);
    assert!(
        v.stdout
            .contains("output inventory.json was changed after the run"),
        "{}",
        v.stdout
    );
    assert!(
        v.stdout
            .contains(&format!("\"total_location\\\": \\\"{edited}\\\"")),
        "{}",
        v.stdout
    );
    assert!(
        v.stdout
            .contains(&format!("\"total_location\\\": \\\"{total}\\\"")),
        "{}",
        v.stdout
    );
    assert!(!v.stdout.contains("input a.csv"), "{}", v.stdout);
}

#[test]
fn missing_or_broken_manifest_exits_2_with_a_clear_message() {
    let s = session();
    let v = s.ghg(&["verify", "nowhere"]);
    assert_eq!(v.code, 2);
    assert!(
        v.stderr.contains("nowhere/manifest.json: no manifest"),
        "{}",
        v.stderr
    );

    inventory(&s, "out", &[]);
    let text = s.read("out/manifest.json");
    s.write("out/manifest.json", &text[..text.len() / 3]);
    let v = s.ghg(&["verify", "out"]);
    assert_eq!(v.code, 2, "{}{}", v.stdout, v.stderr);
    assert!(v.stderr.contains("out/manifest.json:"), "{}", v.stderr);
    assert!(v.stderr.contains("truncated"), "{}", v.stderr);
    assert!(!v.stderr.contains("panicked"), "{}", v.stderr);

    s.write("out/manifest.json", "{\"schema\": \"ghg-manifest/1\"}");
    let v = s.ghg(&["verify", "out"]);
    assert_eq!(v.code, 2, "{}{}", v.stdout, v.stderr);
    assert!(v.stderr.contains("expected fields"), "{}", v.stderr);
}

#[test]
fn manifest_naming_files_that_are_gone_exits_2() {
    let s = session();
    inventory(&s, "out", &[]);
    std::fs::remove_file(s.path("sets/mini-desnz-2025.toml")).unwrap();
    let v = s.ghg(&["verify", "out"]);
    assert_eq!(v.code, 2, "{}{}", v.stdout, v.stderr);
    assert!(v.stderr.contains("no longer exist"), "{}", v.stderr);
    assert!(
        v.stderr.contains("factor set sets/mini-desnz-2025.toml"),
        "{}",
        v.stderr
    );

    let s = session();
    inventory(&s, "out", &[]);
    std::fs::remove_file(s.path("out/ledger.csv")).unwrap();
    let v = s.ghg(&["verify", "out"]);
    assert_eq!(v.code, 2, "{}{}", v.stdout, v.stderr);
    assert!(v.stderr.contains("ledger.csv"), "{}", v.stderr);
}

#[test]
fn two_runs_give_identical_outputs_and_manifest_bytes() {
    let s = session();
    inventory(&s, "out", &[]);
    let first: Vec<Vec<u8>> = [
        "inventory.csv",
        "inventory.json",
        "ledger.csv",
        "rejects.csv",
        "manifest.json",
    ]
    .iter()
    .map(|f| std::fs::read(s.path(&format!("out/{f}"))).unwrap())
    .collect();
    inventory(&s, "out", &["-j", "1"]);
    for (i, f) in [
        "inventory.csv",
        "inventory.json",
        "ledger.csv",
        "rejects.csv",
        "manifest.json",
    ]
    .iter()
    .enumerate()
    {
        assert_eq!(
            first[i],
            std::fs::read(s.path(&format!("out/{f}"))).unwrap(),
            "{f}"
        );
    }
    // A timestamp only when passed in, and verify ignores it.
    assert!(!s.read("out/manifest.json").contains("timestamp"));
    inventory(&s, "out", &["--timestamp", "2025-04-01T09:00:00Z"]);
    assert_eq!(
        json_of(&s.read("out/manifest.json"))["timestamp"],
        "2025-04-01T09:00:00Z"
    );
    assert_eq!(s.ghg(&["verify", "out"]).code, 0);
}

#[test]
fn verify_keeps_the_original_options() {
    let s = session();
    s.write(
        "aliases.toml",
        "[[alias]]\nname = \"grid power\"\nkey = \"7_400_4000_5\"\n",
    );
    s.write("b.csv", "activity,quantity,unit\ngrid power,1000,kWh\n");
    let run = s.ghg(&[
        "inventory",
        "b.csv",
        "--factors",
        "sets/mini-desnz-2025.toml",
        "--fallback-factors",
        "none",
        "--aliases",
        "aliases.toml",
        "--no-upstream",
        "--out",
        "out",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let m = json_of(&s.read("out/manifest.json"));
    assert_eq!(m["options"]["no_upstream"], true);
    assert_eq!(m["options"]["aliases"], "aliases.toml");
    let tables: Vec<&str> = m["tables"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert!(tables.contains(&"aliases.toml"), "{tables:?}");
    let v = s.ghg(&["verify", "out"]);
    assert_eq!(v.code, 0, "{}{}", v.stdout, v.stderr);
    edit(
        &s,
        "aliases.toml",
        "name = \"grid power\"",
        "name = \"grid  power\"",
    );
    let v = s.ghg(&["verify", "out"]);
    assert_eq!(v.code, 1, "{}{}", v.stdout, v.stderr);
    assert!(
        v.stdout.contains("table aliases.toml changed"),
        "{}",
        v.stdout
    );
}

#[test]
fn explain_reproduces_every_ledger_line() {
    let s = session();
    inventory(&s, "out", &[]);
    let run = s.ghg(&["explain", "out", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let e = run.json();
    let lines = e["lines"].as_array().unwrap();
    let ledger = s.read("out/ledger.csv");
    let mut rdr = csv::Reader::from_reader(ledger.as_bytes());
    let kg_col = rdr
        .headers()
        .unwrap()
        .iter()
        .position(|h| h == "kg_co2e")
        .unwrap();
    let ledger_kg: Vec<Decimal> = rdr
        .records()
        .map(|r| Decimal::from_str(&r.unwrap()[kg_col]).unwrap())
        .collect();
    assert_eq!(lines.len(), ledger_kg.len());
    let mut with_divisor = 0;
    for (l, want) in lines.iter().zip(&ledger_kg) {
        let q = d(&l["quantity"]);
        let m = d(&l["conversion"]["multiply_by"]);
        let div = d(&l["conversion"]["divide_by"]);
        let f = d(&l["factor"]["value"]);
        // As the engine computes it: one division at the very end.
        let kg = if div == Decimal::ONE {
            q * m * f
        } else {
            q * m * f / div
        };
        assert_eq!(kg, *want, "{l}");
        assert_eq!(d(&l["kg_co2e"]), *want);
        assert_eq!(l["reproduced"], true);
        assert!(l["factor"]["source"]["line"].as_u64().unwrap() > 0, "{l}");
        if div != Decimal::ONE {
            with_divisor += 1;
        }
    }
    assert!(with_divisor >= 2, "GJ and MJ rows");
    // The whole selection is the inventory's location-based total.
    let total = &e["equals"];
    assert_eq!(total["pointer"], "/totals_kg_co2e/total_location");
    assert_eq!(d(&total["kg_co2e"]), d(&e["kg_co2e"]));
}

#[test]
fn explain_a_row_shows_conversion_factor_source_and_totals() {
    let s = session();
    inventory(&s, "out", &[]);
    let run = s.ghg(&["explain", "out", "--line", "a.csv:6"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let t = &run.stdout;
    assert!(t.contains("a.csv:6  7_400_4000_5 3.6 GJ"), "{t}");
    assert!(
        t.contains("convert    3.6 GJ x 10000 / 36 = 1000 kWh"),
        "{t}"
    );
    assert!(
        t.contains("factor     mini-desnz-2025 7_400_4000_5 = 0.177 kg CO2e per kWh"),
        "{t}"
    );
    assert!(t.contains("defined at sets/mini-desnz-2025.toml:53"), "{t}");
    assert!(
        t.contains("result     3.6 x 10000 x 0.177 / 36 = 177 kg CO2e"),
        "{t}"
    );
    assert!(t.contains("(upstream of 7_400_4000_5)"), "{t}");
    assert!(t.contains("scope 2 (location-based)"), "{t}");
    assert!(t.contains("site \"B\" total (location-based)"), "{t}");

    let run = s.ghg(&[
        "explain",
        "out",
        "--scope",
        "3",
        "--category",
        "3",
        "--format",
        "json",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let e = run.json();
    assert_eq!(
        e["equals"]["pointer"],
        "/totals_kg_co2e/scope_3_categories_kg_co2e/3"
    );
    assert_eq!(d(&e["equals"]["kg_co2e"]), d(&e["kg_co2e"]));

    let run = s.ghg(&[
        "explain",
        "out",
        "--factor",
        "mini-desnz-2025:7_400_4000_5",
        "--site",
        "A",
        "--format",
        "json",
    ]);
    let e = run.json();
    assert_eq!(e["lines"].as_array().unwrap().len(), 1);
    assert_eq!(e["kg_co2e"], "8850");

    let run = s.ghg(&["explain", "out", "--line", "a.csv:99"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("no ledger line matches input row a.csv:99"),
        "{}",
        run.stderr
    );
}

fn compare(s: &Session, file: &str, extra: &[&str]) -> Run {
    let mut args = vec![
        "compare",
        file,
        "--factors",
        "sets/mini-desnz-2024.toml",
        "--against",
        "sets/mini-desnz-2025.toml",
        "--fallback-factors",
        "none",
    ];
    args.extend_from_slice(extra);
    s.ghg(&args)
}

#[test]
fn compare_names_electricity_as_the_largest_driver() {
    let s = session();
    s.write(
        "c.csv",
        "site,activity,quantity,unit\nA,7_400_4000_5,50000,kWh\nA,1_100_1004_6,100000,kWh\nB,17_404_4005_1,100,m3\n",
    );
    let run = compare(&s, "c.csv", &["--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let j = run.json();
    assert_eq!(j["original"], "mini-desnz-2024");
    assert_eq!(j["restated"], "mini-desnz-2025");
    let total = |name: &str| -> Value {
        j["totals"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["name"] == name)
            .cloned()
            .unwrap()
    };
    // Scope 2 location-based by hand: 50,000 kWh x 0.20705 = 10,352.5 kg (2024),
    // 50,000 kWh x 0.177 = 8,850 kg (2025); change -1,502.5 kg, -1502.5 / 10352.5 = -14.5134%.
    let s2 = total("scope_2_location");
    assert_eq!(s2["original_kg_co2e"], "10352.5");
    assert_eq!(s2["restated_kg_co2e"], "8850");
    assert_eq!(s2["change_kg_co2e"], "-1502.5");
    assert_eq!(s2["change_percent"], "-14.51");
    // Scope 1: 100,000 kWh x (0.18296 - 0.1829) = +6 kg.
    assert_eq!(total("scope_1")["change_kg_co2e"], "6");
    let drivers = j["drivers"].as_array().unwrap();
    let first = &drivers[0];
    assert_eq!(first["factor_key"], "7_400_4000_5");
    assert_eq!(first["original_factor"], "0.20705");
    assert_eq!(first["restated_factor"], "0.177");
    assert_eq!(first["factor_change_percent"], "-14.51");
    assert_eq!(first["change_kg_co2e"], "-1502.5");
    // Then T&D 50,000 x (0.01853 - 0.0183) = +11.5, gas +6, water 100 x (0.1913 - 0.15311) = +3.819.
    let keys: Vec<&str> = drivers
        .iter()
        .map(|d| d["factor_key"].as_str().unwrap())
        .collect();
    assert_eq!(
        keys,
        [
            "7_400_4000_5",
            "13_402_4000_5",
            "1_100_1004_6",
            "17_404_4005_1"
        ]
    );
    assert_eq!(drivers[3]["change_kg_co2e"], "3.819");
    let site_a = j["by_site"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["name"] == "A")
        .cloned()
        .unwrap();
    assert_eq!(site_a["change_kg_co2e"], "-1485");

    let table = compare(&s, "c.csv", &[]);
    assert_eq!(table.code, 0);
    assert!(table.stdout.contains("7_400_4000_5"), "{}", table.stdout);
    assert!(table.stdout.contains("-14.51%"), "{}", table.stdout);
}

#[test]
fn compare_fail_above_exits_1_over_the_threshold() {
    let s = session();
    s.write("e.csv", "activity,quantity,unit\n7_400_4000_5,50000,kWh\n");
    // With upstream: 50,000 x (0.20705 + 0.0183 + 0.0459 + 0.00397) = 13,761 kg in 2024,
    // 50,000 x (0.177 + 0.01853 + 0.0459 + 0.00397) = 12,270 kg in 2025: -10.83%.
    let run = compare(&s, "e.csv", &["--fail-above", "5%", "--format", "json"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let t = &run.json()["totals"][4];
    assert_eq!(t["name"], "total_location");
    assert_eq!(t["change_percent"], "-10.83");
    assert!(
        run.stderr.contains("more than --fail-above 5%"),
        "{}",
        run.stderr
    );
    assert_eq!(compare(&s, "e.csv", &["--fail-above", "11"]).code, 0);
    assert_eq!(compare(&s, "e.csv", &["--fail-above", "ten"]).code, 2);
}

#[test]
fn compare_out_keeps_a_verifiable_restatement() {
    let s = session();
    let run = compare(&s, "a.csv", &["--out", "restate", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let r = json_of(&s.read("restate/restatement.json"));
    assert_eq!(r["schema"], "ghg-restatement/1");
    assert_eq!(r["original"]["factor_set"], "mini-desnz-2024");
    assert_eq!(r["restated"]["factor_set"], "mini-desnz-2025");
    for side in ["original", "restated"] {
        let manifest = std::fs::read(s.path(&format!("restate/{side}/manifest.json"))).unwrap();
        assert_eq!(
            r[side]["manifest_sha256"],
            ghg::factors::sha256_hex(&manifest)
        );
        let v = s.ghg(&["verify", &format!("restate/{side}")]);
        assert_eq!(v.code, 0, "{side}: {}{}", v.stdout, v.stderr);
    }
    // Both figures side by side, and the same as each directory's inventory.json.
    let orig = json_of(&s.read("restate/original/inventory.json"));
    let rest = json_of(&s.read("restate/restated/inventory.json"));
    let total = &r["comparison"]["totals"][4];
    assert_eq!(
        total["original_kg_co2e"],
        orig["totals_kg_co2e"]["total_location"]
    );
    assert_eq!(
        total["restated_kg_co2e"],
        rest["totals_kg_co2e"]["total_location"]
    );
    assert_eq!(r["comparison"], run.json());
}

#[test]
fn explain_reproduces_deflated_spend_and_contractual_lines() {
    let s = Session::new();
    s.write(
        "mixed.csv",
        "activity,quantity,unit,amount,currency,price_year,market_factor\n\
         sic-21,,,\"£1,000,000\",GBP,2016,\n\
         7_400_4000_5,10,MWh,,,,0.05\n",
    );
    let run = s.ghg(&[
        "inventory",
        "mixed.csv",
        "--factors",
        "desnz-2025",
        "--out",
        "out",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let run = s.ghg(&[
        "explain",
        "out",
        "--line",
        "mixed.csv:2",
        "--format",
        "json",
    ]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let text = s.ghg(&["explain", "out", "--line", "mixed.csv:2"]).stdout;
    assert!(text.contains("deflate    x 121.7 / 100.7: D7BT"), "{text}");
    assert!(!text.contains("warning"), "{text}");
    let text = s.ghg(&["explain", "out", "--line", "mixed.csv:3"]).stdout;
    assert!(text.contains("market     500 kg CO2e"), "{text}");
    let ledger = s.read("out/ledger.csv");
    assert!(ledger
        .lines()
        .next()
        .unwrap()
        // Later columns only ever get added after these.
        .contains("factor_label,market_factor,price_year,deflator,deflator_from,deflator_to"));
}

#[test]
fn verify_names_a_residual_mix_set_that_changed() {
    let s = session();
    s.write(
        "rm.toml",
        "[set]\nid = \"rm\"\npublisher = \"AIB (as copied by the user)\"\nedition = 2024\ntitle = \"Residual mix\"\nlicence = \"user\"\ngwp = \"AR5\"\n\n[[factor]]\nkey = \"residual-mix\"\nscope = \"2\"\nlabels = [\"UK electricity\", \"Residual mix\"]\nunit = \"kWh\"\nkg_co2e = \"0.3\"\n",
    );
    s.write("e.csv", "activity,quantity,unit\n7_400_4000_5,1000,kWh\n");
    let run = s.ghg(&[
        "inventory",
        "e.csv",
        "--factors",
        "sets/mini-desnz-2025.toml",
        "--fallback-factors",
        "none",
        "--residual-mix",
        "rm.toml:residual-mix",
        "--out",
        "out",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(s.ghg(&["verify", "out"]).code, 0);
    edit(&s, "rm.toml", "\"0.3\"", "\"0.4\"");
    let v = s.ghg(&["verify", "out"]);
    assert_eq!(v.code, 1);
    assert!(v.stdout.contains("rm.toml"), "{}", v.stdout);
}

#[test]
fn compare_on_the_example_trust_names_uk_electricity_first() {
    let s = Session::new();
    let run = s.ghg(&[
        "compare",
        "--factors",
        "desnz-2024",
        "--against",
        "desnz-2025",
        "--format",
        "json",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let j = run.json();
    let d = &j["drivers"][0];
    assert_eq!(d["factor_key"], "7_400_4000_5");
    assert_eq!(d["factor_change_percent"], "-14.51");
    // The example's grid electricity, by hand: ERIC 2016-17 sites of REF, kWh.
    let kwh: i64 = 93_755 + 976_350 + 934_731 + 14_780_334;
    let change = Decimal::from(kwh)
        * (Decimal::from_str("0.177").unwrap() - Decimal::from_str("0.20705").unwrap());
    let s2 = j["totals"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == "scope_2_location")
        .unwrap();
    assert_eq!(s2["change_kg_co2e"], change.normalize().to_string());
    assert_eq!(
        s2["original_kg_co2e"],
        (Decimal::from(kwh) * Decimal::from_str("0.20705").unwrap())
            .normalize()
            .to_string()
    );
}

#[test]
fn explain_of_an_empty_total_is_zero_and_verify_refuses_foreign_outputs() {
    let s = session();
    inventory(&s, "out", &[]);
    let run = s.ghg(&["explain", "out", "--scope", "3", "--category", "6"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains("Selection total: 0 kg CO2e"),
        "{}",
        run.stdout
    );
    let text = s
        .read("out/manifest.json")
        .replace("\"inventory.csv\"", "\"../../../../etc/passwd\"");
    s.write("out/manifest.json", &text);
    let v = s.ghg(&["verify", "out"]);
    assert_eq!(v.code, 2);
    assert!(v.stderr.contains("a run writes exactly"), "{}", v.stderr);
}

#[test]
fn explain_of_a_site_factor_or_scope_the_run_cannot_have_names_the_ones_there_are() {
    let s = session();
    inventory(&s, "out", &[]);
    let run = s.ghg(&["explain", "out", "--site", "NOPE"]);
    assert_eq!(run.code, 2, "{}{}", run.stdout, run.stderr);
    assert!(run.stdout.is_empty(), "{}", run.stdout);
    assert!(
        run.stderr
            .contains("--site \"NOPE\" is not a site in this run; the sites there are: A, B"),
        "{}",
        run.stderr
    );
    let run = s.ghg(&["explain", "out", "--factor", "9_999"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("--factor \"9_999\" is used by no line of this run")
            && run.stderr.contains("mini-desnz-2025:7_400_4000_5")
            && run.stderr.contains("mini-desnz-2025:1_100_1004_6"),
        "{}",
        run.stderr
    );
    let run = s.ghg(&["explain", "out", "--scope", "1", "--category", "6"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("categories 1-15 are scope 3 categories"),
        "{}",
        run.stderr
    );
    // A site that is there still explains, with its own total.
    let run = s.ghg(&["explain", "out", "--site", "B"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
}
