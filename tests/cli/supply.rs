//! Supply chain: `ghg inventory --suppliers`, the hybrid method's tiers, the anchor metrics
//! and `ghg report procurement`. Spend is priced with the shipped Defra SIC 2022 factors and
//! moved between years with the shipped ONS CPI (D7BT: 2022 = 121.7, 2023 = 130.5,
//! 2024 = 133.9), so every figure below is worked by hand from those published values.

use crate::util::Session;
use rust_decimal::Decimal;
use std::str::FromStr;

const HEADER: &str = "supplier_id,name,companies_house,postcode,local_authority,sme,vcse,crp,crp_date,crp_url,scope_1_tco2e,scope_2_tco2e,scope_3_upstream_tco2e,reporting_year,revenue_gbp\n";

/// Five suppliers: two report scope 1, 2 and upstream 3 (supplier-specific), one scope 1 and
/// 2 only (hybrid), two nothing (spend-based). `s3` is the third supplier's row.
fn register(s3: &str) -> String {
    format!(
        "{HEADER}\
         S1,Kernow Medical Ltd,01234567,TR1 3LJ,,no,no,full,2024-03-31,https://kernow.example/crp.pdf,100,50,350,2023,\"£2,000,000\"\n\
         S2,Tamar Pharma,,PL1 1AA,Plymouth,no,no,net zero commitment,2024-01-15,https://tamar.example/nzc,30,10,,2024,800000\n\
         {s3}\n\
         S4,Big IT plc,SC123456,EC1A 1BB,City of London,no,no,full,2023-06-30,https://bigit.example/crp,1000,1000,8000,2022,100000000\n\
         S5,Truro Cleaning Ltd,,TR4 9XX,,yes,no,none,,,,,,,\n"
    )
}

const S3_NONE: &str = "S3,Cornwall Food Co-op CIC,,,Cornwall,yes,yes,none,,,,,,,";
const S3_FULL: &str = "S3,Cornwall Food Co-op CIC,,,Cornwall,yes,yes,full,2025-01-31,https://coop.example/crp,2,1,7,2022,200000";

const SPEND: &str = "activity,amount,currency,price_year,supplier,ref\n\
sic-32,1217,GBP,2022,S1,PO-1\n\
sic-21,12170,GBP,2022,tamar  pharma,PO-2\n\
sic-56,5000,GBP,2022,S3,PO-3\n\
sic-62,20000,GBP,2022,S4,PO-4\n\
sic-81,3000,GBP,2022,S5,PO-5\n\
sic-17,8613,GBP,2022,Paper Direct,PO-6\n";

const LOCAL: &str = "# Cornwall\nlocal_authorities = [\"Cornwall\"]\npostcode_areas = [\"TR\"]\n";

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

fn dj(v: &serde_json::Value) -> Decimal {
    d(v.as_str()
        .unwrap_or_else(|| panic!("not a decimal string: {v}")))
}

fn session(s3: &str) -> Session {
    let s = Session::new();
    s.write("register.csv", &register(s3));
    s.write("spend.csv", SPEND);
    s.write("local.toml", LOCAL);
    s
}

fn run(s: &Session, out: &str) -> crate::util::Run {
    let r = s.ghg(&[
        "inventory",
        "spend.csv",
        "--suppliers",
        "register.csv",
        "--local-area",
        "local.toml",
        "--spend-factors",
        "defra-sic-2022",
        "--format",
        "json",
        "--out",
        out,
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    r
}

fn procurement(s: &Session, dir: &str) -> serde_json::Value {
    serde_json::from_str(&s.read(&format!("{dir}/procurement.json"))).unwrap()
}

/// Ledger rows (header + records) as maps from column name to value.
fn ledger(s: &Session, dir: &str) -> Vec<std::collections::HashMap<String, String>> {
    let text = s.read(&format!("{dir}/ledger.csv"));
    let mut rdr = csv::Reader::from_reader(text.as_bytes());
    let head: Vec<String> = rdr.headers().unwrap().iter().map(String::from).collect();
    rdr.records()
        .map(|r| {
            let r = r.unwrap();
            head.iter()
                .cloned()
                .zip(r.iter().map(String::from))
                .collect()
        })
        .collect()
}

fn bucket<'a>(list: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    list.as_array()
        .unwrap()
        .iter()
        .find(|b| b["name"] == name)
        .unwrap_or_else(|| panic!("no {name} in {list}"))
}

#[test]
fn five_suppliers_by_hand() {
    let s = session(S3_NONE);
    let inv = run(&s, "run").json();
    let lines = ledger(&s, "run");
    let of = |r#ref: &str| -> Vec<&std::collections::HashMap<String, String>> {
        lines.iter().filter(|l| l["ref"] == r#ref).collect()
    };

    // S1 reports 100 + 50 + 350 t on £2,000,000: 0.25 kg per GBP. The £1,217 of 2022 is
    // £1,217 x 130.5 / 121.7 = £1,305 of 2023, its reporting year: 1305 x 0.25 = 326.25 kg.
    let l = of("PO-1");
    assert_eq!(l.len(), 1);
    assert_eq!(l[0]["tier"], "supplier-specific");
    assert_eq!(l[0]["factor_value"], "0.25");
    assert_eq!(l[0]["supplier_id"], "S1");
    assert_eq!(
        (l[0]["deflator_from"].as_str(), l[0]["deflator_to"].as_str()),
        ("121.7", "130.5")
    );
    assert_eq!(l[0]["converted_quantity"], "1305");
    assert_eq!(l[0]["kg_co2e"], "326.25");

    // S2 (named by its name, in another case and spacing) reports scope 1 and 2 only:
    // (30 + 10) t / £800,000 = 0.05 kg per GBP on £12,170 x 133.9 / 121.7 = £13,390 of 2024,
    // 669.5 kg, plus the whole spend factor for what is upstream: 12170 x 0.240241960139895.
    let l = of("PO-2");
    assert_eq!(l.len(), 2);
    assert!(l
        .iter()
        .all(|l| l["tier"] == "hybrid" && l["supplier_id"] == "S2"));
    assert_eq!(l[0]["kg_co2e"], "669.5");
    assert_eq!(l[1]["kg_co2e"], "2923.74465490252215");
    assert_eq!(l[1]["factor_key"], "sic-21");

    // S3 and S5 report nothing, and "Paper Direct" is not in the register: spend factor.
    assert_eq!(of("PO-3")[0]["kg_co2e"], "1459.649529701555");
    assert_eq!(of("PO-3")[0]["tier"], "spend-based");
    assert_eq!(of("PO-5")[0]["kg_co2e"], "494.159657211291");
    let p6 = of("PO-6");
    assert_eq!(p6[0]["kg_co2e"], "6933.44207988721773");
    assert_eq!(p6[0]["supplier_id"], "");
    assert!(
        p6[0]["method"].contains("not in the register"),
        "{:?}",
        p6[0]
    );
    // S4 reports for 2022, the spend's own price year: 20000 x (10,000 t / £100m) = 2000 kg.
    assert_eq!(of("PO-4")[0]["kg_co2e"], "2000");
    assert_eq!(of("PO-4")[0]["factor_value"], "0.1");

    let total = d("326.25")
        + d("669.5")
        + d("2923.74465490252215")
        + d("1459.649529701555")
        + d("2000")
        + d("494.159657211291")
        + d("6933.44207988721773");
    assert_eq!(dj(&inv["totals_kg_co2e"]["scope_3"]), total);
    assert_eq!(inv["rows"]["used"], 6);

    // Tiers: spend 1217 + 20000 = 21217 supplier-specific, 12170 hybrid, 5000 + 3000 + 8613 =
    // 16613 spend-based, of £50,000.
    let t = &inv["by_tier"];
    assert_eq!(t["supplier-specific"]["spend_gbp"], "21217");
    assert_eq!(t["supplier-specific"]["spend_share_percent"], "42.434");
    assert_eq!(t["hybrid"]["spend_share_percent"], "24.34");
    assert_eq!(t["spend-based"]["spend_share_percent"], "33.226");
    assert_eq!(t["average-data"]["spend_share_percent"], "0");
    assert_eq!(dj(&t["supplier-specific"]["kg_co2e"]), d("2326.25"));
    assert_eq!(dj(&t["hybrid"]["kg_co2e"]), d("3593.24465490252215"));
    let names = ["supplier-specific", "hybrid", "spend-based", "average-data"];
    let sum = |field: &str| -> Decimal { names.iter().map(|n| dj(&t[*n][field])).sum() };
    assert_eq!(sum("spend_share_percent"), d("100"));
    assert_eq!(sum("emissions_share_percent"), d("100"));
    assert_eq!(
        dj(&t["supplier-specific"]["emissions_share_percent"]),
        d("232625") / total
    );

    let p = procurement(&s, "run");
    // Local: S1 (TR1) and S5 (TR4) by postcode, S3 by local authority: 1217 + 5000 + 3000.
    assert_eq!(bucket(&p["anchor"], "local")["spend_gbp"], "9217");
    assert_eq!(
        bucket(&p["anchor"], "local")["spend_share_percent"],
        "18.434"
    );
    // SMEs: S3 and S5; VCSE: S3.
    assert_eq!(bucket(&p["anchor"], "sme")["spend_share_percent"], "16");
    assert_eq!(bucket(&p["anchor"], "vcse")["spend_share_percent"], "10");
    // CRP: full S1 + S4, NZC S2, none S3 + S5, and the unmatched spend.
    let crp = &p["by_crp"];
    assert_eq!(bucket(crp, "full")["spend_share_percent"], "42.434");
    assert_eq!(
        bucket(crp, "net-zero-commitment")["spend_share_percent"],
        "24.34"
    );
    assert_eq!(bucket(crp, "none")["spend_share_percent"], "16");
    assert_eq!(
        bucket(crp, "not-in-register")["spend_share_percent"],
        "17.226"
    );
    assert_eq!(dj(&bucket(crp, "full")["kg_co2e"]), d("2326.25"));
    assert_eq!(
        dj(&bucket(crp, "full")["emissions_share_percent"]),
        d("232625") / total
    );
    let shares: Decimal = crp
        .as_array()
        .unwrap()
        .iter()
        .map(|b| dj(&b["emissions_share_percent"]))
        .sum();
    assert_eq!(shares, d("100"));
    // The unmatched supplier is named, never dropped.
    assert_eq!(p["unmatched"][0]["supplier"], "Paper Direct");
    assert_eq!(p["unmatched"][0]["spend_gbp"], "8613");
    assert_eq!(p["totals"]["spend_gbp"], "50000");
    assert_eq!(p["top_by_emissions"][0]["supplier_id"], "S2");
    assert_eq!(p["top_by_spend"][0]["supplier_id"], "S4");
    // kg per GBP: S2 3593.24.../12170 = 0.2952..., S3 0.2919..., S1 326.25/1217 = 0.268...,
    // S5 0.1647..., S4 0.1.
    let order: Vec<&str> = p["top_by_intensity"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["supplier_id"].as_str().unwrap())
        .collect();
    assert_eq!(order, ["S2", "S3", "S1", "S5", "S4"]);
    assert_eq!(p["top_by_intensity"][4]["kg_co2e_per_gbp"], "0.1");
}

#[test]
fn a_full_crp_with_reported_emissions_moves_lines_and_totals_by_the_difference() {
    let before = session(S3_NONE);
    let a = run(&before, "run").json();
    let after = session(S3_FULL);
    let b = run(&after, "run").json();
    // S3 now reports 2 + 1 + 7 t on £200,000 for 2022: 0.05 kg per GBP, 5000 x 0.05 = 250 kg,
    // where the spend factor gave 5000 x 0.291929905940311 = 1459.649529701555 kg.
    let line = ledger(&after, "run")
        .into_iter()
        .find(|l| l["ref"] == "PO-3")
        .unwrap();
    assert_eq!(line["tier"], "supplier-specific");
    assert_eq!(line["kg_co2e"], "250");
    let diff = d("250") - d("1459.649529701555");
    for k in ["scope_3", "total_location", "total_market"] {
        assert_eq!(
            dj(&b["totals_kg_co2e"][k]) - dj(&a["totals_kg_co2e"][k]),
            diff,
            "{k}"
        );
    }
    assert_eq!(b["by_tier"]["supplier-specific"]["spend_gbp"], "26217");
    let p = procurement(&after, "run");
    assert_eq!(bucket(&p["by_crp"], "full")["spend_gbp"], "26217");
    assert_eq!(bucket(&p["by_crp"], "none")["spend_gbp"], "3000");
}

#[test]
fn a_bad_register_is_refused_with_line_and_column() {
    let s = Session::new();
    s.write("spend.csv", SPEND);
    s.write(
        "register.csv",
        &format!(
            "{HEADER}\
             S1,Kernow Medical Ltd,,,,no,no,none,,,,,,,\n\
             S1,Kernow Medical again,,,,no,no,none,,,,,,,\n\
             S2,Tamar Pharma,,,,no,no,partial,,,,,,,\n\
             S3,Co-op,,,,yes,yes,none,,,1,2,,2023,-5000\n"
        ),
    );
    let r = s.ghg(&["inventory", "spend.csv", "--suppliers", "register.csv"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    // supplier_id is field 1, crp field 8, revenue_gbp field 15.
    assert!(
        r.stderr.contains("register.csv:3:1: supplier_id: \"S1\""),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("already on line 2"), "{}", r.stderr);
    assert!(
        r.stderr.contains("register.csv:4:8: crp: \"partial\""),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("none, net-zero-commitment or full"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr
            .contains("register.csv:5:15: revenue_gbp: \"-5000\""),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("not negative"), "{}", r.stderr);
    assert!(r.stdout.is_empty());

    // Each alone is refused too.
    s.write(
        "one.csv",
        &format!("{HEADER}S1,A,,,,no,no,none,,,,,,,\nS2,B,,,,no,no,none,,,10,5,,2023,-1\n"),
    );
    let r = s.ghg(&["inventory", "spend.csv", "--suppliers", "one.csv"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("one.csv:3:15: revenue_gbp: \"-1\""),
        "{}",
        r.stderr
    );
}

#[test]
fn an_unmatched_supplier_is_priced_by_spend_factor_and_listed() {
    let s = session(S3_NONE);
    s.write(
        "more.csv",
        "activity,amount,price_year,supplier\nsic-17,100,2022,Nobody Ltd\nsic-17,50,2022,\n",
    );
    let r = s.ghg(&[
        "inventory",
        "more.csv",
        "--suppliers",
        "register.csv",
        "--spend-factors",
        "defra-sic-2022",
        "--format",
        "json",
        "--out",
        "run",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("\"Nobody Ltd\""), "{}", r.stderr);
    let j = r.json();
    assert_eq!(j["rows"]["used"], 2);
    // 150 x 0.80499733889321
    assert_eq!(j["totals_kg_co2e"]["scope_3"], "120.7496008339815");
    assert_eq!(j["by_tier"]["spend-based"]["spend_share_percent"], "100");
    let p = procurement(&s, "run");
    let names: Vec<&str> = p["unmatched"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["supplier"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["", "Nobody Ltd"]);
    assert_eq!(p["unmatched"][1]["kg_co2e"], "80.499733889321");
    assert_eq!(p["totals"]["unmatched_spend_gbp"], "150");
    // No local area was given: no local share, and a note says so.
    assert!(p["anchor"]
        .as_array()
        .unwrap()
        .iter()
        .all(|a| a["name"] != "local"));
}

#[test]
fn report_procurement_in_every_format() {
    let s = session(S3_NONE);
    run(&s, "run");
    let table = s.ghg(&["report", "procurement", "run"]);
    assert_eq!(table.code, 0, "{}", table.stderr);
    assert!(
        table.stdout.contains("Top by emissions"),
        "{}",
        table.stdout
    );
    assert!(table.stdout.contains("Paper Direct"), "{}", table.stdout);
    // 42.434% of spend is supplier-specific, shown to one place.
    assert!(table.stdout.contains("42.4"), "{}", table.stdout);

    let json = s.ghg(&["report", "procurement", "run", "--format", "json"]);
    assert_eq!(json.stdout, s.read("run/procurement.json"));

    let csv_out = s.ghg(&["report", "procurement", "run", "--format", "csv"]);
    assert!(
        csv_out.stdout.contains("anchor,local,,9217,18.434,"),
        "{}",
        csv_out.stdout
    );
    assert!(
        csv_out.stdout.contains("unmatched,Paper Direct,,8613,"),
        "{}",
        csv_out.stdout
    );

    let x = s.ghg(&[
        "report",
        "procurement",
        "run",
        "--format",
        "xlsx",
        "--out",
        "p.xlsx",
    ]);
    assert_eq!(x.code, 0, "{}", x.stderr);
    use calamine::{open_workbook, Data, Reader, Xlsx};
    let mut wb: Xlsx<_> = open_workbook(s.path("p.xlsx")).unwrap();
    let sheets = wb.sheet_names();
    for want in [
        "Summary",
        "By tier",
        "Anchor",
        "By CRP",
        "Top by emissions",
        "Unmatched",
        "Suppliers",
        "About",
    ] {
        assert!(sheets.iter().any(|n| n == want), "{sheets:?}");
    }
    let anchor = wb.worksheet_range("Anchor").unwrap();
    assert_eq!(
        anchor.get((1, 0)),
        Some(&Data::String("local suppliers".into()))
    );
    assert_eq!(anchor.get((1, 1)), Some(&Data::Float(9217.0)));
    assert_eq!(anchor.get((1, 2)), Some(&Data::Float(18.434)));
    let tiers = wb.worksheet_range("By tier").unwrap();
    // tCO2e: 2326.25 kg supplier-specific.
    assert_eq!(tiers.get((1, 3)), Some(&Data::Float(2.32625)));

    let none = s.ghg(&["report", "procurement", "."]);
    assert_eq!(none.code, 2);
    assert!(none.stderr.contains("--suppliers"), "{}", none.stderr);
}

#[test]
fn verify_reruns_with_the_register_and_sees_it_change() {
    let s = session(S3_NONE);
    run(&s, "run");
    let ok = s.ghg(&["verify", "run"]);
    assert_eq!(ok.code, 0, "{}{}", ok.stdout, ok.stderr);
    assert!(ok.stdout.contains("5 outputs"), "{}", ok.stdout);
    s.write("register.csv", &register(S3_FULL));
    let changed = s.ghg(&["verify", "run"]);
    assert_eq!(changed.code, 1, "{}{}", changed.stdout, changed.stderr);
    assert!(
        changed.stdout.contains("register.csv"),
        "{}",
        changed.stdout
    );
    assert!(
        changed.stdout.contains("procurement.json"),
        "{}",
        changed.stdout
    );
}

#[test]
fn explain_reproduces_a_supplier_specific_line() {
    let s = session(S3_NONE);
    run(&s, "run");
    let e = s.ghg(&["explain", "run", "--line", "spend.csv:2"]);
    assert_eq!(e.code, 0, "{}{}", e.stdout, e.stderr);
    assert!(
        e.stdout.contains("supplier-register S1 = 0.25"),
        "{}",
        e.stdout
    );
    assert!(
        e.stdout.contains("1217 x 130.5 x 0.25 / 121.7 = 326.25"),
        "{}",
        e.stdout
    );
}

#[test]
fn row_order_and_threads_change_nothing() {
    let s = session(S3_NONE);
    run(&s, "a");
    let mut rows: Vec<&str> = SPEND.lines().skip(1).collect();
    rows.reverse();
    s.write(
        "spend.csv",
        &format!("{}\n{}\n", SPEND.lines().next().unwrap(), rows.join("\n")),
    );
    let r = s.ghg(&[
        "inventory",
        "spend.csv",
        "--suppliers",
        "register.csv",
        "--local-area",
        "local.toml",
        "--spend-factors",
        "defra-sic-2022",
        "-j",
        "1",
        "--out",
        "b",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(s.read("a/procurement.json"), s.read("b/procurement.json"));
    assert_eq!(s.read("a/inventory.json"), s.read("b/inventory.json"));
}

#[test]
fn upstream_share_scales_the_hybrid_line_only() {
    let s = session(S3_NONE);
    let r = s.ghg(&[
        "inventory",
        "spend.csv",
        "--suppliers",
        "register.csv",
        "--spend-factors",
        "defra-sic-2022",
        "--upstream-share",
        "0.5",
        "--out",
        "half",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let lines = ledger(&s, "half");
    let po2: Vec<_> = lines.iter().filter(|l| l["ref"] == "PO-2").collect();
    // The supplier's own 669.5 kg is unchanged; the upstream line is 12170 x 0.240241960139895 x 0.5.
    assert_eq!(po2[0]["kg_co2e"], "669.5");
    assert_eq!(po2[1]["factor_value"], "0.1201209800699475");
    assert_eq!(po2[1]["kg_co2e"], "1461.872327451261075");
    assert_eq!(procurement(&s, "half")["upstream_share"], "0.5");
    // The other tiers do not move.
    let po1 = lines.iter().find(|l| l["ref"] == "PO-1").unwrap();
    assert_eq!(po1["kg_co2e"], "326.25");

    let bad = s.ghg(&[
        "inventory",
        "spend.csv",
        "--suppliers",
        "register.csv",
        "--upstream-share",
        "1.5",
    ]);
    assert_eq!(bad.code, 2);
    assert!(bad.stderr.contains("from 0 to 1"), "{}", bad.stderr);
}

#[test]
fn the_example_trust_register_runs_as_the_readme_says() {
    let s = Session::new();
    let ex = crate::util::root().join("examples/nhs-trust");
    let mut args: Vec<String> = vec!["inventory".into()];
    for f in [
        "energy",
        "fleet",
        "procurement",
        "refrigerants",
        "travel",
        "waste",
        "wastewater",
        "water",
    ] {
        args.push(ex.join(format!("{f}.csv")).display().to_string());
    }
    for a in [
        "--suppliers",
        &ex.join("supply/register.csv").display().to_string(),
        "--local-area",
        &ex.join("supply/local-area.toml").display().to_string(),
        "--format",
        "json",
        "--out",
        "run",
    ] {
        args.push(a.to_string());
    }
    let argv: Vec<&str> = args.iter().map(String::as_str).collect();
    let r = s.ghg(&argv);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("\"IT suppliers\""), "{}", r.stderr);
    let p = procurement(&s, "run");
    let tier = |id: &str| {
        p["suppliers"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["supplier_id"] == id)
            .map(|x| x["tier"].as_str().unwrap().to_string())
    };
    assert_eq!(tier("EX-PHARMA").as_deref(), Some("supplier-specific"));
    assert_eq!(tier("EX-MEDSUP").as_deref(), Some("hybrid"));
    assert_eq!(tier("EX-CATERING").as_deref(), Some("spend-based"));
    // £41.25m of £76.45m of spend is supplier-specific; the activity rows are average-data.
    assert_eq!(p["totals"]["spend_gbp"], "76450000");
    assert_eq!(
        bucket(&p["by_tier"], "supplier-specific")["spend_gbp"],
        "41250000"
    );
    // Local: the caterer (TR1) and the cleaning CIC (Cornwall): 2.8m + 4.6m.
    assert_eq!(bucket(&p["anchor"], "local")["spend_gbp"], "7400000");
    let inv = r.json();
    assert_ne!(inv["by_tier"]["average-data"]["kg_co2e"], "0");
    let t = &inv["by_tier"];
    let sum: Decimal = ["supplier-specific", "hybrid", "spend-based", "average-data"]
        .iter()
        .map(|n| dj(&t[*n]["emissions_share_percent"]))
        .sum();
    assert_eq!(sum, d("100"));
    let rep = s.ghg(&["report", "procurement", "run"]);
    assert_eq!(rep.code, 0, "{}", rep.stderr);
    assert!(rep.stdout.contains("not-in-register"), "{}", rep.stdout);
}
