//! NHS reporting: reporting years (`--year`, NHS financial years by default), the NHS
//! category and footprint of every ledger line, and `ghg report nhs`.

use crate::util::Session;

/// Electricity, 1,000 kWh a month from April 2024 to March 2025, one row a month.
fn monthly_fy_2024_25() -> String {
    let mut t = String::from("site,period,activity,quantity,unit\n");
    for (y, m) in (4..=12).map(|m| (2024, m)).chain((1..=3).map(|m| (2025, m))) {
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
    assert!(lines.iter().all(|r| &r[col] == "2024/25" && &r[set] == "desnz-2024"));
    let csv_out = s.read("run/inventory.csv");
    assert!(csv_out.contains("reporting_year,2024/25,0,2484.6,"), "{csv_out}");
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
    assert_eq!(j["by_reporting_year"]["2024"]["scope_2_location"], "1863.45");
    assert!(run.stderr.contains("outside the reporting year 2024 (calendar year"));
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
    assert_eq!(j["by_reporting_year"]["2024/25"]["scope_2_location"], "207.05");
    assert_eq!(j["by_reporting_year"]["2025/26"]["scope_2_location"], "177");
    assert_eq!(j["totals_kg_co2e"]["scope_2_location"], "384.05");
}

#[test]
fn a_bad_year_is_a_usage_error() {
    let s = Session::new();
    s.write("months.csv", &monthly_fy_2024_25());
    let run = run_json(&s, &["--year", "2024/26"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("not a reporting year"), "{}", run.stderr);
}
