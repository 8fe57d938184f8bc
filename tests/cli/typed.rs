//! inventory.json read back through its types (`ghg::report::inventory_json`): the bytes a
//! run writes come back unchanged, and `explain` reads older `ghg-inventory/1` files.

use crate::util::{mini_set, root, Session};
use ghg::report::inventory_json::InventoryJson;

/// Two rows of the mini set: 100 MWh of gas (x 1000 x 0.18296 = 18296 kg, scope 1) and
/// 1000 kWh of electricity (x 0.177 = 177 kg, scope 2).
const ROWS: &str = "site,activity,quantity,unit\nA,1_100_1004_6,100,MWh\nA,7_400_4000_5,1000,kWh\n";

fn run(s: &Session, args: &[&str]) {
    let r = s.ghg(args);
    assert_eq!(r.code, 0, "{}", r.stderr);
}

/// A session whose `out/` holds a run of [`ROWS`] over the mini set, without upstream lines.
fn session_with_run_in_out() -> Session {
    let s = Session::new();
    s.write("a.csv", ROWS);
    let set = mini_set();
    run(
        &s,
        &[
            "inventory",
            "a.csv",
            "--factors",
            &set,
            "--fallback-factors",
            "none",
            "--no-upstream",
            "--out",
            "out",
        ],
    );
    s
}

#[test]
fn the_shipped_examples_inventory_json_round_trips_through_its_types() {
    let s = Session::new();
    let ex = root().join("examples/nhs-trust");
    let register = ex.join("supply/register.csv").display().to_string();
    let mut args = vec!["inventory".to_string()];
    for f in [
        "energy",
        "fleet",
        "procurement",
        "refrigerants",
        "travel",
        "waste",
        "water",
    ] {
        args.push(ex.join(format!("{f}.csv")).display().to_string());
    }
    args.extend(["--suppliers".into(), register, "--out".into(), "sup".into()]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    run(&s, &args);
    run(&s, &["inventory", "--out", "example"]);
    for dir in ["example", "sup"] {
        let text = s.read(&format!("{dir}/inventory.json"));
        let inv = InventoryJson::parse("inventory.json", &text).unwrap();
        assert_eq!(
            inv.to_text().unwrap(),
            text,
            "{dir}: serialize(deserialize(x)) != x"
        );
        // The typed figures are the file's.
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(
            ghg::num::exact_string(inv.totals_kg_co2e.total_location.0),
            v["totals_kg_co2e"]["total_location"].as_str().unwrap()
        );
        assert_eq!(
            inv.by_activity.len(),
            v["by_activity"].as_array().unwrap().len()
        );
    }
    // The shipped example's scope 1, as the README's worked example gives it.
    let text = s.read("example/inventory.json");
    let inv = InventoryJson::parse("inventory.json", &text).unwrap();
    assert_eq!(
        inv.totals_kg_co2e.scope_1.0.to_string(),
        "4839293.672681890749075"
    );
}

#[test]
fn explain_reads_an_inventory_json_without_the_fields_added_since_the_schema_began() {
    let s = session_with_run_in_out();
    // An early ghg-inventory/1 file: no market basis, NHS, reporting-year, quality or tier
    // breakdowns; without a manifest, so explain does not check its hash.
    let mut v: serde_json::Value = serde_json::from_str(&s.read("out/inventory.json")).unwrap();
    let m = v.as_object_mut().unwrap();
    for k in [
        "scope_2_market_basis",
        "by_reporting_year",
        "nhs_footprint_kg_co2e",
        "by_nhs_category",
        "by_data_quality",
        "by_tier",
    ] {
        assert!(m.remove(k).is_some(), "{k}");
    }
    s.write(
        "out/inventory.json",
        &serde_json::to_string_pretty(&v).unwrap(),
    );
    std::fs::remove_file(s.path("out/manifest.json")).unwrap();
    let e = s.ghg(&["explain", "out", "--scope", "1"]);
    assert_eq!(e.code, 0, "{}", e.stderr);
    assert!(
        e.stdout
            .contains("  result     100 x 1000 x 0.18296 = 18296 kg CO2e\n"),
        "{}",
        e.stdout
    );
    assert!(
        e.stdout
            .contains("  = inventory.json scope 1 18296 kg CO2e\n"),
        "{}",
        e.stdout
    );
    let all = s.ghg(&["explain", "out"]);
    assert_eq!(all.code, 0, "{}", all.stderr);
    assert!(
        all.stdout
            .contains("  = inventory.json total (location-based) 18473 kg CO2e\n"),
        "{}",
        all.stdout
    );
    assert!(
        all.stdout
            .contains("  site \"A\" total (location-based)  18473 kg CO2e\n"),
        "{}",
        all.stdout
    );
}

#[test]
fn explain_refuses_an_inventory_json_of_another_schema() {
    let s = session_with_run_in_out();
    let text = s
        .read("out/inventory.json")
        .replace("ghg-inventory/1", "ghg-inventory/9");
    s.write("out/inventory.json", &text);
    std::fs::remove_file(s.path("out/manifest.json")).unwrap();
    let e = s.ghg(&["explain", "out"]);
    assert_eq!(e.code, 2, "{}", e.stdout);
    assert!(
        e.stderr
            .contains("schema \"ghg-inventory/9\" is not \"ghg-inventory/1\""),
        "{}",
        e.stderr
    );
}
