//! `ghg report html`: one self-contained page built from inventory runs, its figures the
//! runs' JSON rounded for display (tCO2e to 2 places, half away from zero).

use crate::util::{root, Session};
use rust_decimal::{Decimal, RoundingStrategy};
use std::str::FromStr;

/// kg CO2e as the page shows it: tCO2e, 2 places, half away from zero, thousands grouped.
fn shown(kg: &str) -> String {
    let t = Decimal::from_str(kg).unwrap() / Decimal::ONE_THOUSAND;
    let r = t.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
    let s = format!("{r:.2}");
    let (int, frac) = s.split_once('.').unwrap();
    let (sign, int) = int.strip_prefix('-').map_or(("", int), |i| ("-", i));
    let mut g = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            g.push(',');
        }
        g.push(c);
    }
    format!("{sign}{g}.{frac}")
}

/// The text of the element carrying `data-key="KEY"` (its first occurrence).
fn keyed(page: &str, key: &str) -> String {
    let at = page
        .find(&format!("data-key=\"{key}\""))
        .unwrap_or_else(|| panic!("no data-key {key} on the page"));
    let rest = &page[at..];
    let start = rest.find('>').unwrap() + 1;
    let end = rest[start..].find('<').unwrap() + start;
    rest[start..end].to_string()
}

fn assert_self_contained(page: &str) {
    for bad in [
        "http://", "https://", "<link", "<script", "src=", "url(http", "@import",
    ] {
        assert!(!page.contains(bad), "the page contains {bad:?}");
    }
}

#[test]
fn the_example_trust_on_one_page_with_no_outside_reference_and_inventory_json_rounded() {
    let s = Session::new();
    let inv = s.ghg(&["inventory", "--out", "run"]);
    assert_eq!(inv.code, 0, "{}", inv.stderr);
    let r = s.ghg(&["report", "html", "run", "--out", "report.html"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let page = s.read("report.html");
    assert!(page.starts_with("<!DOCTYPE html>"));
    assert_self_contained(&page);
    let j: serde_json::Value = serde_json::from_str(&s.read("run/inventory.json")).unwrap();
    for key in [
        "scope_1",
        "scope_2_location",
        "scope_2_market",
        "scope_3",
        "total_location",
        "total_market",
    ] {
        let kg = j["totals_kg_co2e"][key].as_str().unwrap();
        assert_eq!(keyed(&page, key), format!("{} tCO2e", shown(kg)), "{key}");
    }
    for key in ["carbon_footprint", "footprint_plus"] {
        let kg = j["nhs_footprint_kg_co2e"][key].as_str().unwrap();
        assert_eq!(keyed(&page, key), format!("{} tCO2e", shown(kg)), "{key}");
    }
    // By hand: scope 1 is 4,839,293.672681890749075 kg, so 4,839.293... t shows as 4,839.29;
    // Footprint Plus in full adds the Carbon Footprint (14,569,301.42...) and the rest
    // (34,137,687.07...): 48,706,988.49... kg, 48,706.99 t.
    assert_eq!(keyed(&page, "scope_1"), "4,839.29 tCO2e");
    assert_eq!(keyed(&page, "footprint_plus_total"), "48,706.99 tCO2e");
    // The exact figure sits beside the rounded one.
    assert!(page.contains("4839293.672681890749075 kg CO2e exactly"));
    assert_eq!(keyed(&page, "rows_rejected"), "0");
    assert_eq!(
        keyed(&page, "rows_read"),
        j["rows"]["read"].as_u64().unwrap().to_string()
    );
    // One year, no plan: those sections say why they are absent; no empty chart.
    assert!(page.contains("Only one year was given, so the year-on-year bridge is left out"));
    assert!(page.contains("No plan was given, so the trajectory"));
    assert!(!page.contains("id=\"bridge\" viewBox"));
    // Accessible charts, a print layout, a phone layout, the auditor's hashes.
    assert!(page.contains("<title id=\"scopes-t\">Emissions by scope, tCO2e</title>"));
    assert!(page.contains("@media print") && page.contains("break-inside:avoid"));
    assert!(page.contains("name=\"viewport\""));
    let m: serde_json::Value = serde_json::from_str(&s.read("run/manifest.json")).unwrap();
    for f in m["inputs"].as_array().unwrap() {
        assert!(page.contains(f["sha256"].as_str().unwrap()));
    }
    assert!(page.contains("<code>ghg verify run</code>"));
    // Factor sets with their licence.
    assert!(page.contains("desnz-2016") && page.contains("Open Government Licence"));
}

/// The example trust a year on: 2017/18, energy down a tenth, one travel line gone.
fn next_year(s: &Session) {
    for f in std::fs::read_dir(root().join("examples/nhs-trust")).unwrap() {
        let p = f.unwrap().path();
        if p.extension().and_then(|e| e.to_str()) != Some("csv") {
            continue;
        }
        let name = p.file_name().unwrap().to_str().unwrap().to_string();
        let text = std::fs::read_to_string(&p)
            .unwrap()
            .replace("2016/17", "2017/18");
        let mut out = String::new();
        for (i, line) in text.lines().enumerate() {
            if name == "travel.csv" && i == 2 {
                continue;
            }
            if name == "energy.csv" && i > 0 {
                let mut cells: Vec<String> = line.split(',').map(str::to_string).collect();
                let q: u64 = cells[3].parse().unwrap();
                cells[3] = (q * 9 / 10).to_string();
                out.push_str(&cells.join(","));
            } else {
                out.push_str(line);
            }
            out.push('\n');
        }
        s.write(&format!("next/{name}"), &out);
    }
}

#[test]
fn two_years_and_a_plan_give_the_change_the_bridge_and_the_trajectory() {
    let s = Session::new();
    next_year(&s);
    assert_eq!(s.ghg(&["inventory", "--out", "y2016"]).code, 0);
    let files: Vec<String> = [
        "energy",
        "fleet",
        "procurement",
        "refrigerants",
        "travel",
        "waste",
        "wastewater",
        "water",
    ]
    .iter()
    .map(|f| format!("next/{f}.csv"))
    .collect();
    let mut args = vec!["inventory"];
    args.extend(files.iter().map(String::as_str));
    args.extend(["--out", "y2017"]);
    let inv = s.ghg(&args);
    assert_eq!(inv.code, 0, "{}", inv.stderr);
    let plan = root().join("examples/nhs-trust/plan.toml");
    let r = s.ghg(&[
        "report",
        "html",
        "y2017",
        "--actual",
        "y2016",
        "--plan",
        plan.to_str().unwrap(),
        "--out",
        "report.html",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let page = s.read("report.html");
    assert_self_contained(&page);
    assert!(page.contains("<h1>Greenhouse gas inventory, 2017/18</h1>"));
    // The change on the prior year: percentages of the two inventory.json totals.
    let a: serde_json::Value = serde_json::from_str(&s.read("y2016/inventory.json")).unwrap();
    let b: serde_json::Value = serde_json::from_str(&s.read("y2017/inventory.json")).unwrap();
    let d = |v: &serde_json::Value| Decimal::from_str(v.as_str().unwrap()).unwrap();
    let (ta, tb) = (
        d(&a["totals_kg_co2e"]["total_location"]),
        d(&b["totals_kg_co2e"]["total_location"]),
    );
    let pc = ((tb - ta) * Decimal::ONE_HUNDRED / ta)
        .round_dp_with_strategy(1, RoundingStrategy::MidpointAwayFromZero);
    assert!(page.contains(&format!("{pc}% on 2016/17")), "{pc}");
    assert!(pc < Decimal::ZERO);
    // The bridge shows `ghg bridge`'s figures, rounded.
    let br = s.ghg(&["bridge", "y2016", "y2017", "--format", "json"]);
    assert_eq!(br.code, 0, "{}", br.stderr);
    let bj = br.json();
    for key in [
        "kg_a",
        "activity_effect_kg",
        "factor_effect_kg",
        "only_in_a_kg",
        "only_in_b_kg",
        "kg_b",
    ] {
        let kg = bj["total"][key].as_str().unwrap();
        assert_eq!(keyed(&page, &format!("bridge.{key}")), shown(kg), "{key}");
    }
    // Energy down: the activity effect is a decrease; one travel line gone: removed lines.
    assert!(d(&bj["total"]["activity_effect_kg"]) < Decimal::ZERO);
    assert!(d(&bj["total"]["only_in_a_kg"]) < Decimal::ZERO);
    assert!(page.contains("<title id=\"bridge-t\">Bridge from 2016/17 to 2017/18, tCO2e</title>"));
    // The trajectory chart is inline, with its exact figures.
    assert!(page.contains("Plan: Example trust Green Plan (illustrative)"));
    assert!(page.contains("Exact figures by year (kg CO2e, as trajectory.csv)"));
    assert!(!page.contains("No plan was given"));
    assert!(!page.contains("Only one year was given"));
}
