//! `ghg trajectory` and `ghg bridge`: targets, growth, interventions, plan errors, the example
//! trust's plan and charts, and the year-on-year bridge.

use crate::util::Session;
use rust_decimal::Decimal;
use serde_json::Value;
use std::str::FromStr;

fn d(v: &Value) -> Decimal {
    Decimal::from_str(
        v.as_str()
            .unwrap_or_else(|| panic!("not a decimal string: {v}")),
    )
    .unwrap_or_else(|e| panic!("{v}: {e}"))
}

fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

/// The row of `year` in a trajectory JSON.
fn year<'a>(j: &'a Value, label: &str) -> &'a Value {
    j["years"]
        .as_array()
        .unwrap()
        .iter()
        .find(|y| y["year"] == label)
        .unwrap_or_else(|| panic!("no year {label}"))
}

#[test]
fn sbti_one_point_five_from_ten_thousand_tonnes_is_linear() {
    let s = Session::new();
    s.write("plan.toml", "# no slices: the baseline is one slice\n");
    let out = s.ghg(&[
        "trajectory",
        "--plan",
        "plan.toml",
        "--baseline-kg",
        "10000000",
        "--base-year",
        "2019/20",
        "--target",
        "sbti-1.5c",
        "--target",
        "sbti-wb2c",
        "--to",
        "2030/31",
        "--format",
        "json",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let j = out.json();
    assert_eq!(j["schema"], "ghg-trajectory/1");
    // 10,000 t less 4.2% of 10,000 t a year: 9,580 t, and 5,800 t ten years on.
    assert_eq!(
        d(&year(&j, "2020/21")["targets"]["sbti-1.5c"]),
        dec("9580000")
    );
    assert_eq!(
        d(&year(&j, "2029/30")["targets"]["sbti-1.5c"]),
        dec("5800000")
    );
    assert_eq!(
        d(&year(&j, "2029/30")["targets"]["sbti-wb2c"]),
        dec("7500000")
    );
    // Nothing planned: emissions stay at 10,000 t, so the gap in 2029/30 is 4,200 t.
    assert_eq!(d(&year(&j, "2029/30")["with_plan_kg"]), dec("10000000"));
    assert_eq!(
        d(&year(&j, "2029/30")["gap_kg"]["sbti-1.5c"]),
        dec("4200000")
    );
    // Budget 2020/21 to 2021/22: 9,580 + 9,160 t.
    assert_eq!(
        d(&year(&j, "2021/22")["budget_kg"]["sbti-1.5c"]),
        dec("18740000")
    );
    assert_eq!(d(&year(&j, "2021/22")["cumulative_kg"]), dec("20000000"));
    assert_eq!(j["years"].as_array().unwrap().len(), 12);
}

#[test]
fn two_percent_growth_compounds_to_1061_208_tonnes_in_three_years() {
    let s = Session::new();
    s.write(
        "plan.toml",
        "base_year = \"2019/20\"\nbaseline_kg = 1000000\n\n[[slice]]\nname = \"estate\"\nbaseline_kg = 1000000\ngrowth_pct = \"2\"\n",
    );
    let out = s.ghg(&[
        "trajectory",
        "--plan",
        "plan.toml",
        "--to",
        "2022/23",
        "--format",
        "csv",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let last = out.stdout.lines().last().unwrap();
    assert!(last.starts_with("2022/23,1061208,1061208,"), "{last}");
}

#[test]
fn ten_and_twenty_percent_on_one_slice_remove_twenty_eight() {
    let s = Session::new();
    s.write(
        "plan.toml",
        r#"base_year = "2019/20"
baseline_kg = "1000000"

[[intervention]]
name = "lighting"
slice = "all"
start = "2020/21"
reduction_pct = "10"

[[intervention]]
name = "controls"
slice = "all"
start = "2020/21"
reduction_pct = "20"
"#,
    );
    let out = s.ghg(&[
        "trajectory",
        "--plan",
        "plan.toml",
        "--to",
        "2021/22",
        "--format",
        "json",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let j = out.json();
    let y = year(&j, "2020/21");
    assert_eq!(d(&y["bau_kg"]), dec("1000000"));
    assert_eq!(d(&y["with_plan_kg"]), dec("720000")); // 28% removed, not 30%
    assert_eq!(d(&y["wedges_kg"]["lighting"]), dec("100000"));
    assert_eq!(d(&y["wedges_kg"]["controls"]), dec("180000"));
    assert_eq!(d(&y["overlap_kg"]), dec("20000"));
}

#[test]
fn plan_errors_name_the_plan_file_line_and_column() {
    let s = Session::new();
    let run = |plan: &str| {
        s.write("plan.toml", plan);
        s.ghg(&[
            "trajectory",
            "--plan",
            "plan.toml",
            "--baseline-kg",
            "1000",
            "--base-year",
            "2019/20",
        ])
    };
    let out = run("[[slice]]\nname = \"gas\"\nbaseline_kg = 1000\n\n[[intervention]]\nname = \"boilers\"\nslice = \"gass\"\nstart = 2025\nreduction_pct = 10\n");
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .contains("plan.toml:7:9: intervention.slice: \"gass\""),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("one of the plan's slices: gas"),
        "{}",
        out.stderr
    );

    let out = run("[[intervention]]\nname = \"led\"\nslice = \"all\"\nstart = \"2025/26\"\nend = \"2023/24\"\nreduction_pct = 10\n");
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .contains("plan.toml:5:7: intervention.end: \"2023/24\""),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("cannot end before it starts"),
        "{}",
        out.stderr
    );

    let out = run("[[target]]\nname = \"board\"\npoints = [\n  { year = \"2018/19\", pct_of_baseline = \"90\" },\n]\n");
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .contains("plan.toml:4:12: target \"board\" year: \"2018/19\""),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("after the base year 2019/20"),
        "{}",
        out.stderr
    );
}

#[test]
fn with_no_arguments_the_example_plan_reaches_2045_and_draws_both_charts() {
    let s = Session::new();
    let out = s.ghg(&["trajectory", "--out", "out"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout.lines().any(|l| l.starts_with("2045/46 ")),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("base year 2016/17 = 48,706.99"),
        "{}",
        out.stdout
    );
    for name in ["trajectory.json", "trajectory.csv"] {
        assert!(s.path(&format!("out/{name}")).is_file(), "{name}");
    }
    let svg = s.read("out/trajectory.svg");
    assert!(svg.starts_with("<svg"));
    for label in [
        "Emissions, tCO2e a year",
        "Year",
        "business as usual",
        "with plan",
        "target: nhs-carbon-footprint",
        "target: sbti-1.5c",
        "wedge: Heat pumps",
        "2045/46",
    ] {
        assert!(svg.contains(label), "trajectory.svg lacks {label:?}");
    }
    let macc = s.read("out/macc.svg");
    for label in [
        "GBP per tCO2e, 2022 prices",
        "Lifetime abatement, tCO2e",
        "carbon value",
        "Heat pumps",
    ] {
        assert!(macc.contains(label), "macc.svg lacks {label:?}");
    }
    // The JSON on disk has the baseline of the example trust and exact strings.
    let j: Value = serde_json::from_str(&s.read("out/trajectory.json")).unwrap();
    assert_eq!(j["base_year"], "2016/17");
    let y = year(&j, "2016/17");
    assert_eq!(y["bau_kg"], y["with_plan_kg"]);
    assert_eq!(
        j["years"].as_array().unwrap().last().unwrap()["year"],
        "2045/46"
    );
}

#[test]
fn an_actual_run_is_shown_in_its_year() {
    let s = Session::new();
    s.write(
        "y.csv",
        "site,period,activity,quantity,unit\nX,2021/22,electricity,1000,kWh\n",
    );
    let inv = s.ghg(&[
        "inventory",
        "y.csv",
        "--factors",
        "desnz-2021",
        "--no-upstream",
        "--out",
        "run21",
    ]);
    assert_eq!(inv.code, 0, "{}", inv.stderr);
    s.write("plan.toml", "");
    let out = s.ghg(&[
        "trajectory",
        "--plan",
        "plan.toml",
        "--baseline-kg",
        "500",
        "--base-year",
        "2019/20",
        "--to",
        "2022/23",
        "--actual",
        "run21",
        "--format",
        "json",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let j = out.json();
    // DESNZ 2021 UK electricity: 0.21233 kg CO2e per kWh.
    assert_eq!(d(&year(&j, "2021/22")["actual_kg"]), dec("212.33"));
    assert_eq!(year(&j, "2020/21")["actual_kg"], Value::Null);
}

/// Checks that every total of a bridge adds up and matches both runs' inventory.json.
fn check_bridge(s: &Session, a: &str, b: &str) -> Value {
    let out = s.ghg(&["bridge", a, b, "--format", "json"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let j = out.json();
    assert_eq!(j["schema"], "ghg-bridge/1");
    let inv = |dir: &str| -> Value {
        serde_json::from_str(&s.read(&format!("{dir}/inventory.json"))).unwrap()
    };
    let (ia, ib) = (inv(a), inv(b));
    let adds_up = |p: &Value| {
        let change = d(&p["kg_b"]) - d(&p["kg_a"]);
        assert_eq!(d(&p["change_kg"]), change, "{p}");
        let parts = d(&p["activity_effect_kg"])
            + d(&p["factor_effect_kg"])
            + d(&p["only_in_a_kg"])
            + d(&p["only_in_b_kg"]);
        assert_eq!(parts, change, "{p}");
    };
    adds_up(&j["total"]);
    assert_eq!(j["total"]["kg_a"], ia["totals_kg_co2e"]["total_location"]);
    assert_eq!(j["total"]["kg_b"], ib["totals_kg_co2e"]["total_location"]);
    for (scope, field) in [
        ("1", "scope_1"),
        ("2", "scope_2_location"),
        ("3", "scope_3"),
    ] {
        if let Some(p) = j["by_scope"].get(scope) {
            adds_up(p);
            assert_eq!(p["kg_a"], ia["totals_kg_co2e"][field], "scope {scope}");
            assert_eq!(p["kg_b"], ib["totals_kg_co2e"][field], "scope {scope}");
        }
    }
    for (c, p) in j["by_category"].as_object().unwrap() {
        adds_up(p);
        assert_eq!(
            p["kg_a"], ia["scope_3_categories_kg_co2e"][c],
            "category {c}"
        );
    }
    for (site, p) in j["by_site"].as_object().unwrap() {
        adds_up(p);
        if let Some(f) = ia["by_site"].get(site) {
            assert_eq!(p["kg_a"], f["total_location"], "site {site}");
        }
    }
    for l in j["lines"].as_array().unwrap() {
        adds_up(l);
    }
    j
}

#[test]
fn bridge_of_the_example_trust_under_two_editions_adds_up_in_every_total() {
    let s = Session::new();
    for (set, dir) in [("desnz-2023", "a"), ("desnz-2025", "b")] {
        let out = s.ghg(&["inventory", "--factors", set, "--out", dir]);
        assert_eq!(out.code, 0, "{}", out.stderr);
    }
    let j = check_bridge(&s, "a", "b");
    // Same activity data: no activity effect; the change is all factors.
    assert_eq!(d(&j["total"]["activity_effect_kg"]), Decimal::ZERO);
    assert_eq!(d(&j["total"]["only_in_a_kg"]), Decimal::ZERO);
    // UK electricity at REF12 moved from 0.207074288590604 to 0.177 kg per kWh.
    let line = j["lines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["site"] == "REF12" && l["factor_key"] == "7_400_4000_5")
        .unwrap();
    let q = d(&line["quantity_b"]);
    assert_eq!(
        d(&line["factor_effect_kg"]),
        q * (dec("0.177") - dec("0.207074288590604"))
    );
    let table = s.ghg(&["bridge", "a", "b"]);
    assert!(table.stdout.contains("by scope"), "{}", table.stdout);
    assert!(
        table
            .stderr
            .contains("checked: both ledgers add to their inventory.json totals"),
        "{}",
        table.stderr
    );
}

#[test]
fn bridge_splits_activity_factor_and_lines_in_one_run_only() {
    let s = Session::new();
    s.write(
        "a.csv",
        "site,activity,quantity,unit\nX,electricity,1000,kWh\nY,electricity,500,kWh\n",
    );
    s.write(
        "b.csv",
        "site,activity,quantity,unit\nX,electricity,900,kWh\nZ,electricity,200,kWh\n",
    );
    for (csv, set, dir) in [("a.csv", "desnz-2023", "a"), ("b.csv", "desnz-2025", "b")] {
        let out = s.ghg(&[
            "inventory",
            csv,
            "--factors",
            set,
            "--no-upstream",
            "--spend-factors",
            "none",
            "--out",
            dir,
        ]);
        assert_eq!(out.code, 0, "{}", out.stderr);
    }
    let j = check_bridge(&s, "a", "b");
    let x = &j["by_site"]["X"];
    // -100 kWh at 0.207074288590604; 900 kWh at (0.177 - 0.207074288590604).
    assert_eq!(d(&x["activity_effect_kg"]), dec("-20.7074288590604"));
    assert_eq!(d(&x["factor_effect_kg"]), dec("-27.0668597315436"));
    assert_eq!(
        d(&j["by_site"]["Y"]["only_in_a_kg"]),
        dec("-103.537144295302")
    );
    assert_eq!(d(&j["by_site"]["Z"]["only_in_b_kg"]), dec("35.4"));
    assert_eq!(d(&j["total"]["change_kg"]), dec("-115.911432885906"));
}

#[test]
fn a_grid_slice_of_a_run_moves_onto_the_green_book_series() {
    let s = Session::new();
    s.write(
        "e.csv",
        "site,period,activity,quantity,unit\nX,2019/20,electricity,1000000,kWh\n",
    );
    let inv = s.ghg(&[
        "inventory",
        "e.csv",
        "--spend-factors",
        "none",
        "--out",
        "run",
    ]);
    assert_eq!(inv.code, 0, "{}", inv.stderr);
    s.write(
        "plan.toml",
        r#"[[slice]]
name = "electricity"
factor_key = ["7_400_4000_5", "13_402_4000_5"]
grid = true

[[intervention]]
name = "LED"
slice = "electricity"
start = "2021/22"
reduction_pct = "10"
"#,
    );
    let out = s.ghg(&[
        "trajectory",
        "--baseline",
        "run",
        "--plan",
        "plan.toml",
        "--target",
        "sbti-1.5c",
        "--to",
        "2040/41",
        "--format",
        "json",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let j = out.json();
    assert_eq!(j["base_year"], "2019/20");
    // DESNZ 2019: generation 0.2556 + T&D 0.0217 = 277,300 kg; WTT lines (the slice `other`)
    // 38,680 kg stay as they are.
    assert_eq!(d(&year(&j, "2019/20")["bau_kg"]), dec("315980"));
    let elec = |y: &str| d(&year(&j, y)["by_slice"]["electricity"]["bau_kg"]);
    // Green Book 2025: 0.207185 kg per kWh, T&D included.
    assert_eq!(elec("2025/26"), dec("207185"));
    // Halfway (3 of 6 years) from 277,300 to 207,185.
    assert_eq!(elec("2022/23"), dec("242242.5"));
    // After 2039 the last value, 0.008441, is held.
    assert_eq!(elec("2040/41"), dec("8441"));
    // LED takes 10% of what the grid leaves: 20,718.5 kg in 2025/26.
    assert_eq!(d(&year(&j, "2025/26")["wedges_kg"]["LED"]), dec("20718.5"));
    assert_eq!(d(&year(&j, "2025/26")["with_plan_kg"]), dec("225146.5"));
    assert!(j["notes"].to_string().contains("appraisal basis"));
}

#[test]
fn a_slice_that_matches_no_baseline_line_is_located() {
    let s = Session::new();
    s.write(
        "e.csv",
        "site,period,activity,quantity,unit\nX,2019/20,electricity,1000,kWh\n",
    );
    let inv = s.ghg(&[
        "inventory",
        "e.csv",
        "--spend-factors",
        "none",
        "--out",
        "run",
    ]);
    assert_eq!(inv.code, 0, "{}", inv.stderr);
    s.write(
        "plan.toml",
        "[[slice]]\nname = \"gas\"\nactivity = \"natural gas\"\n",
    );
    let out = s.ghg(&["trajectory", "--baseline", "run", "--plan", "plan.toml"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .contains("plan.toml:1:1: slice \"gas\" matches no line of the baseline"),
        "{}",
        out.stderr
    );
    // A target nobody knows is refused by name.
    let out = s.ghg(&["trajectory", "--baseline", "run", "--target", "paris"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("no target named \"paris\""),
        "{}",
        out.stderr
    );
}
