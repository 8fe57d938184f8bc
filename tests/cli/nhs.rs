//! NHS reporting: reporting years (`--year`, NHS financial years by default), the NHS
//! category and footprint of every ledger line, and `ghg report nhs`.

use crate::util::Session;

/// Electricity, 1,000 kWh a month from April 2024 to March 2025, one row a month.
fn monthly_fy_2024_25() -> String {
    let mut t = String::from("site,period,activity,quantity,unit\n");
    for (y, m) in (4..=12)
        .map(|m| (2024, m))
        .chain((1..=3).map(|m| (2025, m)))
    {
        t.push_str(&format!("RX1,{y}-{m:02},electricity,1000,kWh\n"));
    }
    t
}

fn run_json(s: &Session, extra: &[&str]) -> crate::util::Run {
    let mut args = vec![
        "inventory",
        "months.csv",
        "--spend-factors",
        "none",
        "--no-upstream",
        "--format",
        "json",
    ];
    args.extend_from_slice(extra);
    s.ghg(&args)
}

#[test]
fn a_financial_year_of_months_is_priced_with_one_desnz_edition() {
    let s = Session::new();
    s.write("months.csv", &monthly_fy_2024_25());
    let run = run_json(&s, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let j = run.json();
    let sets: Vec<&str> = j["factor_sets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap())
        .collect();
    // January to March 2025 belong to 2024/25 and take desnz-2024 too, not desnz-2025.
    assert_eq!(sets, ["desnz-2024"]);
    // 12 x 1,000 kWh x 0.20705 (desnz-2024 7_400_4000_5)
    assert_eq!(j["totals_kg_co2e"]["scope_2_location"], "2484.6");
    let years = j["by_reporting_year"].as_object().unwrap();
    assert_eq!(years.len(), 1);
    assert_eq!(years["2024/25"]["scope_2_location"], "2484.6");
    let notes = j["notes"].to_string();
    assert!(
        notes.contains("reporting year 2024/25")
            && notes.contains("priced with desnz-2024")
            && notes.contains("greater part"),
        "{notes}"
    );
    // With the shipped defaults (spend sets searched, upstream lines on) too.
    let plain = s
        .ghg(&["inventory", "months.csv", "--format", "json"])
        .json();
    assert_eq!(plain["factor_sets"].as_array().unwrap().len(), 1);
    assert_eq!(plain["factor_sets"][0]["id"], "desnz-2024");
    // Every ledger line names its reporting year.
    let run = s.ghg(&[
        "inventory",
        "months.csv",
        "--spend-factors",
        "none",
        "--no-upstream",
        "--out",
        "run",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let ledger = s.read("run/ledger.csv");
    let mut rdr = csv::Reader::from_reader(ledger.as_bytes());
    let h = rdr.headers().unwrap().clone();
    let col = h.iter().position(|c| c == "reporting_year").unwrap();
    let set = h.iter().position(|c| c == "factor_set").unwrap();
    let lines: Vec<csv::StringRecord> = rdr.records().map(|r| r.unwrap()).collect();
    assert_eq!(lines.len(), 12);
    assert!(lines
        .iter()
        .all(|r| &r[col] == "2024/25" && &r[set] == "desnz-2024"));
    let csv_out = s.read("run/inventory.csv");
    assert!(
        csv_out.contains("reporting_year,2024/25,0,2484.6,"),
        "{csv_out}"
    );
}

#[test]
fn with_year_a_row_dated_outside_it_is_rejected_with_its_line() {
    let s = Session::new();
    let text = monthly_fy_2024_25() + "RX1,2025-04,electricity,1000,kWh\n";
    s.write("months.csv", &text);
    let run = run_json(&s, &["--year", "2024/25"]);
    assert_eq!(run.code, 1, "a rejected row is a finding: {}", run.stderr);
    let j = run.json();
    assert_eq!(j["rows"]["read"], 13);
    assert_eq!(j["rows"]["rejected"], 1);
    // Only the twelve months of 2024/25 count.
    assert_eq!(j["totals_kg_co2e"]["scope_2_location"], "2484.6");
    assert!(
        run.stderr
            .contains("months.csv:14:2: dated 2025-04, outside the reporting year 2024/25"),
        "{}",
        run.stderr
    );
    assert_eq!(
        j["by_reporting_year"]["2024/25"]["total_location"],
        "2484.6"
    );
}

#[test]
fn a_calendar_year_keeps_january_to_december() {
    let s = Session::new();
    s.write("months.csv", &monthly_fy_2024_25());
    let run = run_json(&s, &["--year", "2024", "--allow-rejects"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let j = run.json();
    // April to December 2024: 9 x 1,000 kWh x 0.20705; January to March 2025 rejected.
    assert_eq!(j["rows"]["rejected"], 3);
    assert_eq!(j["totals_kg_co2e"]["scope_2_location"], "1863.45");
    assert_eq!(
        j["by_reporting_year"]["2024"]["scope_2_location"],
        "1863.45"
    );
    assert!(run
        .stderr
        .contains("outside the reporting year 2024 (calendar year"));
}

#[test]
fn rows_of_two_financial_years_take_their_own_editions() {
    let s = Session::new();
    // March 2025 is 2024/25 (desnz-2024); April 2025 is 2025/26 (desnz-2025, 0.177).
    s.write(
        "months.csv",
        "period,activity,quantity,unit\n2025-03,electricity,1000,kWh\n2025-04-01,electricity,1000,kWh\n",
    );
    let j = run_json(&s, &[]).json();
    assert_eq!(
        j["by_reporting_year"]["2024/25"]["scope_2_location"],
        "207.05"
    );
    assert_eq!(j["by_reporting_year"]["2025/26"]["scope_2_location"], "177");
    assert_eq!(j["totals_kg_co2e"]["scope_2_location"], "384.05");
}

#[test]
fn a_bad_year_is_a_usage_error() {
    let s = Session::new();
    s.write("months.csv", &monthly_fy_2024_25());
    let run = run_json(&s, &["--year", "2024/26"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("not a reporting year"),
        "{}",
        run.stderr
    );
}

/// A JSON figure as an exact count of 10^-28 kg, so that sums in the test never round.
fn fixed(v: &serde_json::Value) -> i128 {
    let s = v
        .as_str()
        .unwrap_or_else(|| panic!("not a string figure: {v}"));
    let (neg, s) = s.strip_prefix('-').map_or((false, s), |r| (true, r));
    let (int, frac) = s.split_once('.').unwrap_or((s, ""));
    assert!(frac.len() <= 28, "{s}");
    let digits = format!("{int}{frac:0<28}");
    let n: i128 = digits.parse().unwrap();
    if neg {
        -n
    } else {
        n
    }
}

/// Decimal of a JSON string figure.
fn dec(v: &serde_json::Value) -> rust_decimal::Decimal {
    v.as_str()
        .unwrap_or_else(|| panic!("not a string figure: {v}"))
        .parse()
        .unwrap()
}

#[test]
fn the_example_trust_reconciles_nhs_footprints_with_the_ghg_protocol_total() {
    let s = Session::new();
    let run = s.ghg(&["inventory", "--year", "2016/17", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let j = run.json();
    assert_eq!(j["rows"]["rejected"], 0);
    let n = &j["nhs_footprint_kg_co2e"];
    let total = dec(&j["totals_kg_co2e"]["total_location"]);
    // No patient travel or inhaler use in the example: every line is in the GHG total.
    assert_eq!(n["outside_ghg_protocol"], "0");
    assert_eq!(
        fixed(&n["carbon_footprint"])
            + fixed(&n["footprint_plus"])
            + fixed(&n["outside_nhs_footprints"]),
        fixed(&j["totals_kg_co2e"]["total_location"])
    );
    assert_eq!(dec(&n["ghg_protocol_total"]), total);
    // The Footprint Plus is the procurement spend (procurement.csv, the rows without a site)
    // and nothing else; energy, travel, waste and water are all Carbon Footprint.
    assert_eq!(n["footprint_plus"], j["by_site"][""]["total_location"]);
    // Each category's lines sum to its footprint (each category total is rounded once, to 28
    // significant digits, so the sums agree to far below a gram).
    let mut cf = rust_decimal::Decimal::ZERO;
    let mut plus = rust_decimal::Decimal::ZERO;
    for (_, c) in j["by_nhs_category"].as_object().unwrap() {
        match c["nhs_footprint"].as_str() {
            Some("carbon-footprint") => cf += dec(&c["kg_co2e"]),
            Some("footprint-plus") => plus += dec(&c["kg_co2e"]),
            other => panic!("footprint {other:?}"),
        }
        assert_eq!(dec(&c["kg_co2e"]), dec(&c["total_location"]));
    }
    assert_eq!(cf.round_dp(12), dec(&n["carbon_footprint"]).round_dp(12));
    assert_eq!(plus.round_dp(12), dec(&n["footprint_plus"]).round_dp(12));
    assert_eq!(
        j["by_nhs_category"]["energy-wtt-and-td"]["kg_co2e"],
        j["totals_kg_co2e"]["scope_3_categories_kg_co2e"]["3"]
    );
}

#[test]
fn every_ledger_line_has_an_nhs_category_and_footprint() {
    let s = Session::new();
    s.write(
        "a.csv",
        "activity,quantity,unit\n1_100_1004_6,100,MWh\n7_400_4000_5,\"50,000\",kWh\n1_101_1011_8,2000,litres\n",
    );
    let set = crate::util::mini_set();
    let run = s.ghg(&[
        "inventory",
        "a.csv",
        "--factors",
        &set,
        "--spend-factors",
        "none",
        "--format",
        "json",
        "--out",
        "run",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let j = run.json();
    let c = &j["by_nhs_category"];
    // natural gas 100,000 kWh x 0.18296 + electricity 50,000 kWh x 0.177
    assert_eq!(c["building-energy"]["kg_co2e"], "27146");
    // diesel 2,000 litres x 2.57082: vehicle fuel by default
    assert_eq!(c["nhs-fleet-and-leased-vehicles"]["kg_co2e"], "5141.64");
    // every well-to-tank and T&D line (scope 3 category 3): NHS Carbon Footprint
    assert_eq!(c["energy-wtt-and-td"]["kg_co2e"], "7663.02");
    assert_eq!(c["energy-wtt-and-td"]["nhs_footprint"], "carbon-footprint");
    assert_eq!(j["nhs_footprint_kg_co2e"]["carbon_footprint"], "39950.66");
    assert_eq!(j["nhs_footprint_kg_co2e"]["footprint_plus"], "0");
    let ledger = s.read("run/ledger.csv");
    let mut rdr = csv::Reader::from_reader(ledger.as_bytes());
    let h = rdr.headers().unwrap().clone();
    let at = |name: &str| h.iter().position(|c| c == name).unwrap();
    let (key, cat, fp, scope) = (
        at("factor_key"),
        at("nhs_category"),
        at("nhs_footprint"),
        at("scope"),
    );
    let lines: Vec<csv::StringRecord> = rdr.records().map(|r| r.unwrap()).collect();
    let find = |k: &str| lines.iter().find(|r| &r[key] == k).unwrap();
    assert_eq!(&find("7_400_4000_5")[cat], "building-energy");
    assert_eq!(&find("13_402_4000_5")[cat], "energy-wtt-and-td");
    assert_eq!(&find("13_402_4000_5")[fp], "carbon-footprint");
    assert_eq!(&find("1_101_1011_8")[cat], "nhs-fleet-and-leased-vehicles");
    assert_eq!(&find("1_101_1011_8")[scope], "1");
    // explain still reads the ledger, and the sum of all lines is the total.
    let run = s.ghg(&["explain", "run", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
}

#[test]
fn patient_travel_counts_for_the_nhs_outside_the_ghg_protocol_total() {
    let s = Session::new();
    s.write(
        "a.csv",
        "activity,quantity,unit,amount,price_year,nhs_category\n\
         7_400_4000_5,1000,kWh,,,\n\
         1_101_1011_8,100,litres,,,Patient and visitor travel\n\
         sic-21,,,1000,2022,\n\
         7_400_4000_5,1000,kWh,,,energy\n",
    );
    let set = crate::util::mini_set();
    let run = s.ghg(&[
        "inventory",
        "a.csv",
        "--factors",
        &set,
        "--no-upstream",
        "--format",
        "json",
        "--out",
        "run",
    ]);
    assert_eq!(run.code, 1, "the unknown category is a reject");
    assert!(
        run.stderr
            .contains("a.csv:5:6: unknown nhs_category; expected one of building-energy,"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("patient-and-visitor-travel"));
    let j = run.json();
    assert_eq!(j["rows"]["rejected"], 1);
    let t = &j["totals_kg_co2e"];
    // electricity 1,000 x 0.177 + sic-21 1,000 GBP x 0.240241960139895 (2022 prices);
    // the diesel (100 l x 2.57082 = 257.082) is patients' travel: not in the GHG totals.
    assert_eq!(t["total_location"], "417.241960139895");
    assert_eq!(t["scope_1"], "0");
    let n = &j["nhs_footprint_kg_co2e"];
    assert_eq!(n["carbon_footprint"], "177");
    assert_eq!(n["footprint_plus"], "497.323960139895");
    assert_eq!(n["outside_nhs_footprints"], "0");
    assert_eq!(n["outside_ghg_protocol"], "257.082");
    // 177 + 497.323960139895 + 0 - 257.082 = 417.241960139895
    assert_eq!(
        fixed(&n["carbon_footprint"])
            + fixed(&n["footprint_plus"])
            + fixed(&n["outside_nhs_footprints"])
            - fixed(&n["outside_ghg_protocol"]),
        fixed(&t["total_location"])
    );
    let p = &j["by_nhs_category"]["patient-and-visitor-travel"];
    assert_eq!(p["kg_co2e"], "257.082");
    assert_eq!(p["outside_ghg_protocol_kg_co2e"], "257.082");
    assert_eq!(p["nhs_footprint"], "footprint-plus");
    assert_eq!(
        j["by_nhs_category"]["medicines-and-chemicals"]["kg_co2e"],
        "240.241960139895"
    );
    assert!(j["notes"]
        .to_string()
        .contains("outside the organisation's GHG Protocol scopes"));
    let ledger = s.read("run/ledger.csv");
    assert!(
        ledger.contains(",nhs-only,")
            && ledger.contains(",patient-and-visitor-travel,footprint-plus"),
        "{ledger}"
    );
    // explain's sum of the whole ledger leaves the NHS-only line out, as the total does.
    let run = s.ghg(&["explain", "run", "--scope", "nhs-only"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("257.082"), "{}", run.stdout);
}

#[test]
fn report_nhs_xlsx_read_back_equals_the_json() {
    use calamine::{open_workbook, Data, Reader, Xlsx};
    let s = Session::new();
    let run = s.ghg(&["inventory", "--year", "2016/17", "--out", "fy1617"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let run = s.ghg(&[
        "report", "nhs", "fy1617", "--format", "json", "--beds", "750",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let j = run.json();
    assert_eq!(j["runs"][0]["role"], "this year");
    assert_eq!(j["runs"][0]["reporting_year"], "2016/17");
    // The summary's Carbon Footprint is inventory.json's, in tonnes.
    let inv: serde_json::Value = serde_json::from_str(&s.read("fy1617/inventory.json")).unwrap();
    let summary = &j["tables"][0];
    assert_eq!(summary["sheet"], "Greener NHS summary");
    let cf_row = summary["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["NHS category"] == "NHS Carbon Footprint")
        .unwrap();
    assert_eq!(
        dec(&cf_row["this year 2016/17 tCO2e"]) * rust_decimal::Decimal::ONE_THOUSAND,
        dec(&inv["nhs_footprint_kg_co2e"]["carbon_footprint"])
    );
    let run = s.ghg(&[
        "report", "nhs", "fy1617", "--format", "xlsx", "--out", "nhs.xlsx", "--beds", "750",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let mut wb: Xlsx<_> = open_workbook(s.path("nhs.xlsx")).unwrap();
    let tables = j["tables"].as_array().unwrap();
    assert_eq!(wb.sheet_names().len(), tables.len());
    let mut numbers = 0;
    for t in tables {
        let name = t["sheet"].as_str().unwrap();
        let range = wb.worksheet_range(name).unwrap();
        let columns: Vec<&str> = t["columns"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_str().unwrap())
            .collect();
        for (c, col) in columns.iter().enumerate() {
            assert_eq!(range.get((0, c)), Some(&Data::String(col.to_string())));
        }
        for (r, row) in t["rows"].as_array().unwrap().iter().enumerate() {
            for (c, col) in columns.iter().enumerate() {
                let want = &row[*col];
                let got = range.get((r + 1, c)).unwrap_or(&Data::Empty);
                match got {
                    Data::Float(x) => {
                        // Stored as a number: the JSON's exact figure as the nearest double.
                        let exact: f64 = want.as_str().unwrap().parse().unwrap();
                        assert_eq!(*x, exact, "{name} row {r} {col}");
                        numbers += 1;
                    }
                    Data::String(text) => assert_eq!(want.as_str(), Some(text.as_str())),
                    Data::Empty => assert!(want.is_null(), "{name} row {r} {col}: {want}"),
                    other => panic!("{name} row {r} {col}: unexpected cell {other:?}"),
                }
            }
        }
    }
    assert!(numbers > 40, "{numbers}");
    assert!(wb
        .sheet_names()
        .contains(&"Factor sets and notes".to_string()));
}

#[test]
fn report_nhs_over_three_years_with_costs_and_intensities() {
    let s = Session::new();
    let set = crate::util::mini_set();
    for (i, fy) in ["2022/23", "2023/24", "2024/25"].iter().enumerate() {
        let kwh = 1000 * (i + 1);
        s.write(
            &format!("e{i}.csv"),
            &format!(
                "period,activity,quantity,unit,amount\n{fy},electricity,{kwh},kWh,\"£1,000.50\"\n"
            ),
        );
        let dir = format!("run{i}");
        let file = format!("e{i}.csv");
        let run = s.ghg(&[
            "inventory",
            &file,
            "--factors",
            &set,
            "--no-upstream",
            "--spend-factors",
            "none",
            "--out",
            &dir,
        ]);
        assert_eq!(run.code, 0, "{}", run.stderr);
    }
    // Given in any order: ordered by reporting year.
    let run = s.ghg(&[
        "report", "nhs", "run2", "run0", "run1", "--format", "json", "--fte", "2",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let j = run.json();
    let roles: Vec<(&str, &str)> = j["runs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["role"].as_str().unwrap(),
                r["reporting_year"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        roles,
        [
            ("baseline", "2022/23"),
            ("prior year", "2023/24"),
            ("this year", "2024/25")
        ]
    );
    let table = |name: &str| {
        j["tables"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["sheet"] == name)
            .unwrap()["rows"]
            .clone()
    };
    let summary = table("Greener NHS summary");
    let energy = &summary[0];
    assert_eq!(energy["NHS category"], "Building energy");
    // 1,000, 2,000 and 3,000 kWh x 0.177 kg
    assert_eq!(energy["baseline 2022/23 tCO2e"], "0.177");
    assert_eq!(energy["prior year 2023/24 tCO2e"], "0.354");
    assert_eq!(energy["this year 2024/25 tCO2e"], "0.531");
    assert_eq!(energy["this year 2024/25 share"], "1");
    // (531 - 354) / 354 and (531 - 177) / 177
    assert_eq!(energy["change vs prior year"], "0.5");
    assert_eq!(energy["change vs baseline"], "2");
    let scopes = table("Emissions by scope");
    assert_eq!(scopes[1]["scope"], "Scope 2 (location-based)");
    assert_eq!(scopes[1]["tCO2e"], "0.531");
    assert_eq!(scopes[1]["energy kWh"], "3000");
    assert_eq!(scopes[1]["cost GBP"], "1000.5");
    let intensity = table("Intensity");
    // 531 kg over 2 FTE
    assert_eq!(intensity[0]["kgCO2e per FTE"], "265.5");
    let csv = s.ghg(&["report", "nhs", "run0", "run1", "run2", "--format", "csv"]);
    assert!(
        csv.stdout.contains(
            "Greener NHS summary,Building energy,carbon-footprint,0.177,1,0.354,1,0.531,1"
        ),
        "{}",
        csv.stdout
    );
    let text = s.ghg(&["report", "nhs", "run0", "run1", "run2"]).stdout;
    assert!(text.contains("this year 2024/25 tCO2e"), "{text}");
    // xlsx needs a file; a directory that is not a run is an error naming the file.
    assert_eq!(
        s.ghg(&["report", "nhs", "run0", "--format", "xlsx"]).code,
        2
    );
    let run = s.ghg(&["report", "nhs", "nowhere"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("nowhere/ledger.csv"), "{}", run.stderr);
}
