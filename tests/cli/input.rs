//! Activity data as trusts keep it: workbooks, wide sheets, their own names and columns,
//! finance exports, and the reader defects of issue 17. Each test starts from a file as a
//! spreadsheet or finance system saves it.

use crate::util::{mini_set, root, Session};
use rust_decimal::Decimal;
use std::str::FromStr;

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

/// Copies a fixture from tests/fixtures/activity into the session.
fn fixture(s: &Session, name: &str) {
    let bytes = std::fs::read(root().join("tests/fixtures/activity").join(name)).unwrap();
    s.write_bytes(name, &bytes);
}

/// `ghg inventory FILES --factors mini --fallback-factors none --no-upstream --format json`.
fn mini(s: &Session, files: &[&str], extra: &[&str]) -> crate::util::Run {
    let set = mini_set();
    let mut args = vec!["inventory"];
    args.extend_from_slice(files);
    args.extend_from_slice(&[
        "--factors",
        &set,
        "--fallback-factors",
        "none",
        "--no-upstream",
        "--format",
        "json",
    ]);
    args.extend_from_slice(extra);
    s.ghg(&args)
}

#[test]
fn a_workbook_with_a_title_row_and_a_wide_layout_equals_its_long_csv_twin() {
    let s = Session::new();
    fixture(&s, "estates-wide.xlsx");
    fixture(&s, "estates-long.csv");
    // Months are Excel dates in 2024: the DESNZ 2024 edition, as by period.
    let set = ["--factors", "desnz-2024"];
    let wide = s.ghg(&[
        "inventory",
        "estates-wide.xlsx",
        "--format",
        "csv",
        set[0],
        set[1],
    ]);
    let long = s.ghg(&[
        "inventory",
        "estates-long.csv",
        "--format",
        "csv",
        set[0],
        set[1],
    ]);
    assert_eq!(wide.code, 0, "{}", wide.stderr);
    assert_eq!(long.code, 0, "{}", long.stderr);
    assert_eq!(
        wide.stdout, long.stdout,
        "the same inventory to the last digit"
    );
    assert!(
        wide.stderr.contains(
            "note: estates-wide.xlsx#Energy 2024-25: 2 line(s) above the header row were skipped"
        ),
        "{}",
        wide.stderr
    );
    assert!(wide.stderr.contains("8 rows read, 8 used, 0 rejected"));
    let j = s
        .ghg(&[
            "inventory",
            "estates-wide.xlsx",
            "--format",
            "json",
            set[0],
            set[1],
        ])
        .json();
    let t = &j["totals_kg_co2e"];
    // Electricity 120.5 + 98.25 + 10.1 MWh =
    // 228,850 kWh x 0.20705.
    assert_eq!(t["scope_2_location"], "47383.3925");
    // Gas 45,000 + 38,000.5 + 0.1 kWh x 0.1829 + heating oil (burning oil) 1,200 + 350.75
    // litres x 2.54015: 15180.80974 + 3939.1376125.
    assert_eq!(t["scope_1"], "19119.9473525");
    // A sheet by name, and a cell that is not a number, located as a spreadsheet names it.
    fixture(&s, "estates-bad.xlsx");
    let bad = s.ghg(&["inventory", "estates-bad.xlsx#Energy", set[0], set[1]]);
    assert_eq!(bad.code, 1);
    assert!(
        bad.stderr.contains(
            "rejected: estates-bad.xlsx#Energy!D2: quantity is not a number; expected a decimal number such as 1204.5 or 9.6552e-05 (value \"n/a\")"
        ),
        "{}",
        bad.stderr
    );
    let none = s.ghg(&["inventory", "estates-wide.xlsx#Gas", set[0], set[1]]);
    assert_eq!(none.code, 2);
    assert!(
        none.stderr.contains(
            "no sheet named \"Gas\"; the workbook has: Energy 2024-25, Notes (name one as FILE#Sheet name)"
        ),
        "{}",
        none.stderr
    );
}

#[test]
fn other_binary_files_are_refused_by_what_they_look_like() {
    let s = Session::new();
    s.write_bytes("bill.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj");
    let run = s.ghg(&["inventory", "bill.pdf"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains(
            "error: bill.pdf: this looks like a PDF document, not a CSV file or a workbook; open it and save or export the table as CSV (UTF-8) or .xlsx"
        ),
        "{}",
        run.stderr
    );
    s.write_bytes("data.csv", b"PK\x03\x04\x14\x00\x00\x00garbage");
    let run = s.ghg(&["inventory", "data.csv"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("this looks like a zip archive"),
        "{}",
        run.stderr
    );
}

#[test]
fn when_no_layout_fits_the_error_lists_the_columns_and_shows_an_example() {
    let s = Session::new();
    s.write("odd.csv", "Meter,Reading,When\r\nM1,100,2024-05\r\n");
    let run = mini(&s, &["odd.csv"], &[]);
    assert_eq!(run.code, 2);
    for want in [
        "error: odd.csv:1: the header \"Meter,Reading,When\" lacks an `activity` column (a factor key, publisher ID or alias), and no other layout fits: columns found: Meter, Reading, When.",
        "Site,Month,Electricity (MWh),Gas (kWh)",
        "  activity,quantity,unit\n  electricity,12000,kWh\n  natural gas,54000,kWh\n",
        "--column activity=Type --column quantity=Consumption",
    ] {
        assert!(run.stderr.contains(want), "{want}\n{}", run.stderr);
    }
    assert!(!run.stderr.contains('\r'));
    // The user's own column names, and a wide header mapped by hand.
    s.write(
        "own.csv",
        "Type,Consumption,Units,Site code,Site name\n7_400_4000_5,1000,kWh,RX1,Royal Infirmary\n",
    );
    let run = mini(
        &s,
        &["own.csv"],
        &[
            "--column",
            "activity=Type",
            "--column",
            "quantity=Consumption",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.json()["totals_kg_co2e"]["scope_2_location"], "177");
    assert!(run.json()["by_site"]["RX1"].is_object(), "{}", run.stdout);
    s.write("w.csv", "Site,Month,Power use\nRX1,2024-05,2.5\n");
    let run = mini(&s, &["w.csv"], &["--wide", "Power use=7_400_4000_5:MWh"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    // 2.5 MWh = 2,500 kWh x 0.177
    assert_eq!(run.json()["totals_kg_co2e"]["scope_2_location"], "442.5");
}

#[test]
fn everyday_names_resolve_and_an_unknown_one_says_how_to_search_and_alias() {
    let s = Session::new();
    s.write(
        "names.csv",
        "activity,quantity,unit\nGas,1000,kWh\nGrid electricity,1000,kWh\nWater,10,m3\n\
         Sewerage,10,m3\nGrey fleet,100,miles\nRail,50,passenger.km\nHotel,2,room per night\n\
         Clinical waste,1,tonnes\nOffensive waste,1,tonnes\nrecycling,1,tonnes\n\
         Heating oil,100,litres\nBiomass,1000,kWh\nElectric car,100,km\n",
    );
    let run = s.ghg(&[
        "inventory",
        "names.csv",
        "--factors",
        "desnz-2025",
        "--out",
        "o",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("13 rows read, 13 used, 0 rejected"));
    let ledger = s.read("o/ledger.csv");
    assert!(
        ledger.contains("names.csv,2,Gas,1000,kWh,desnz-2025,1_100_1004_6,0.18296,1000,182.96,1,")
    );
    assert!(ledger.contains("names.csv,6,Grey fleet,100,miles,desnz-2025,25_301_3074_9,"));
    s.write(
        "sdu.csv",
        "activity,quantity,unit\nelectricity,1000,kWh\nClinical waste,2,tonnes\n",
    );
    let run = s.ghg(&[
        "inventory",
        "sdu.csv",
        "--factors",
        "nhs-sdu-2020-21",
        "--format",
        "json",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    // 1,000 kWh x 0.23314
    assert_eq!(run.json()["totals_kg_co2e"]["scope_2_location"], "233.14");
    s.write("typo.csv", "activity,quantity,unit\nGass,1000,kWh\n");
    let run = s.ghg(&["inventory", "typo.csv", "--factors", "desnz-2025"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr
            .contains("did you mean \"gas\" (1_100_1004_6 Fuels > Gaseous fuels > Natural gas)"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains(
        "find a key with `ghg factors show desnz-2025 WORDS`, or map your own names with --aliases FILE"
    ));
    let list = s.ghg(&["factors", "aliases", "grey", "fleet"]);
    assert_eq!(list.code, 0, "{}", list.stderr);
    assert!(list.stdout.starts_with(
        "grey fleet  ->  25_301_3074_9, 25_301_3074_4, cars-by-size/car-average-size\n"
    ));
    assert!(list.stdout.contains(
        "in nhs-sdu-2007-08 .. nhs-sdu-2020-21 (14 sets): cars-by-size/car-average-size (Cars (by size) > Car average size, per km)"
    ), "{}", list.stdout);
}

#[test]
fn a_finance_export_with_brackets_credit_notes_and_quarters_reconciles_exactly() {
    let s = Session::new();
    s.write(
        "ledger-export.csv",
        "Supplier,Category,Period,Net amount,Currency,Ref\n\
         Acme Pharma,sic-21,Q1 2024/25,\"£5,000.00\",,INV-1\n\
         Acme Pharma,sic-21,Q1 2024/25,\"(£1,200.00)\",,CN-1\n\
         Bolt Builders,sic-41,Q1 2024/25,£800.00,,INV-2\n\
         Bolt Builders,sic-41,Q1 2024/25,(£1000),,CN-2\n\
         Kit Ltd,sic-26,45413,£300,,INV-3\n\
         Meter Co,sic-35,Q1 2024/25,1000,kWh,INV-4\n",
    );
    let run = s.ghg(&[
        "inventory",
        "ledger-export.csv",
        "--column",
        "activity=Category",
        "--format",
        "json",
        "--out",
        "o",
    ]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let j = run.json();
    let rows = &j["rows"];
    assert_eq!(rows["read"], 6);
    assert_eq!(rows["used"], 3);
    assert_eq!(rows["rejected"], 3);
    // The credit note that outweighs its invoice: both lines named, both refused.
    assert!(run.stderr.contains(
        "rejected: ledger-export.csv:4:4: credit notes exceed the invoices they net against: supplier \"Bolt Builders\", \"sic-41\", period \"Q1 2024/25\": line 4 (800) and line 5 (-1000) net to -200"
    ), "{}", run.stderr);
    assert!(run
        .stderr
        .contains("rejected: ledger-export.csv:5:4: credit notes exceed"));
    // An amount in kWh is not money.
    assert!(run.stderr.contains(
        "rejected: ledger-export.csv:7:5: amount is money, but its currency \"kWh\" is a unit of kWh, not money"
    ), "{}", run.stderr);
    // Hand calculation: each spend row is moved from 2024 prices (the quarter and the Excel
    // date 45413 = 2024-05-01 both start in 2024) to the factor's 2022 prices with ONS CPI
    // D7BT (121.7 / 133.9), then times its Defra SIC factor; the credit note nets by sign.
    let row = |amount: &str, factor: &str| d(amount) * d("121.7") * d(factor) / d("133.9");
    let sic21 = "0.240241960139895";
    let sic26 = "0.50743682948173";
    let expected = row("5000", sic21) + row("-1200", sic21) + row("300", sic26);
    let total = d(j["totals_kg_co2e"]["scope_3"].as_str().unwrap());
    assert_eq!(total, expected);
    assert_eq!(total.round_dp(6), d("968.101684"));
    let ledger = s.read("o/ledger.csv");
    assert!(ledger.contains("ledger-export.csv,3,sic-21,-1200,GBP,defra-sic-2022,sic-21,"));
    assert!(ledger.contains(",Q1 2024/25,CN-1,Acme Pharma,"));
    assert!(ledger.contains(",2024-05-01,INV-3,Kit Ltd,"));
}

#[test]
fn an_unterminated_quote_does_not_swallow_the_rows_below() {
    let s = Session::new();
    let mut text = String::from("activity,quantity,unit,ref\n");
    text.push_str("7_400_4000_5,100,kWh,\"INV 1 (broken\n");
    for i in 0..20 {
        text.push_str(&format!("7_400_4000_5,100,kWh,INV {}\n", i + 2));
    }
    s.write("q.csv", &text);
    let run = mini(&s, &["q.csv"], &[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let j = run.json();
    assert_eq!(j["rows"]["read"], 21);
    assert_eq!(j["rows"]["used"], 20);
    // 20 rows x 100 kWh x 0.177
    assert_eq!(j["totals_kg_co2e"]["scope_2_location"], "354");
    assert!(run.stderr.contains(
        "rejected: q.csv:2:4: a quote opened in this field is never closed, so the rows below would be read into it"
    ), "{}", run.stderr);
    // A quoted cell that really spans two lines is still one cell.
    s.write(
        "ok.csv",
        "activity,quantity,unit,supplier\n7_400_4000_5,100,kWh,\"Unit 4\nLeeds\"\n",
    );
    let run = mini(&s, &["ok.csv"], &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
}

#[test]
fn a_bare_cr_inside_a_crlf_file_does_not_merge_rows() {
    let s = Session::new();
    s.write(
        "cr.csv",
        "activity,quantity,unit,site,ref\r\n7_400_4000_5,100,kWh,A,R1\r7_400_4000_5,200,kWh,B,R2\r\n7_400_4000_5,300,kWh,C,R3\r\n",
    );
    let run = mini(&s, &["cr.csv"], &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let j = run.json();
    assert_eq!(j["rows"]["read"], 3);
    // 600 kWh x 0.177
    assert_eq!(j["totals_kg_co2e"]["scope_2_location"], "106.2");
    let sites: Vec<&String> = j["by_site"].as_object().unwrap().keys().collect();
    assert_eq!(sites, ["A", "B", "C"]);
}

#[test]
fn in_a_semicolon_file_the_comma_is_the_decimal_mark_and_never_a_silent_thousand() {
    let s = Session::new();
    s.write(
        "eu.csv",
        "activity;quantity;unit\n7_400_4000_5;100,5;kWh\n7_400_4000_5;1.234,50;kWh\n7_400_4000_5;1,234;kWh\n",
    );
    let run = mini(&s, &["eu.csv"], &[]);
    assert_eq!(run.code, 1);
    let j = run.json();
    assert_eq!(j["rows"]["used"], 2);
    // (100.5 + 1234.5) kWh x 0.177
    assert_eq!(j["totals_kg_co2e"]["scope_2_location"], "236.295");
    assert!(run.stderr.contains(
        "rejected: eu.csv:4:2: quantity is not a number; expected a number that reads one way only"
    ), "{}", run.stderr);
}

#[test]
fn a_header_naming_a_column_twice_is_an_error() {
    let s = Session::new();
    s.write(
        "h.csv",
        "site,site,activity,quantity,unit\nA,B,7_400_4000_5,1,kWh\n",
    );
    let run = mini(&s, &["h.csv"], &[]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("error: h.csv:1: the header names a column twice: site"),
        "{}",
        run.stderr
    );
    // A code beside a name is not a column twice: the name is kept as a label.
    s.write(
        "n.csv",
        "site code,site name,activity,quantity,unit\nRX1,Royal,7_400_4000_5,1,kWh\n",
    );
    assert_eq!(mini(&s, &["n.csv"], &["--out", "o"]).code, 0);
    let ledger = s.read("o/ledger.csv");
    assert!(ledger.lines().next().unwrap().contains(",site_name,"));
    assert!(
        ledger.lines().nth(1).unwrap().contains(",Royal,"),
        "{ledger}"
    );
}

#[test]
fn one_latin1_byte_decodes_its_own_field_only() {
    let s = Session::new();
    let mut bytes = b"activity,quantity,unit,site,supplier\n".to_vec();
    bytes.extend_from_slice("7_400_4000_5,100,kWh,Sité,Acme\n".as_bytes());
    bytes.extend_from_slice(b"7_400_4000_5,100,kWh,Sit\xc3\xa9,Caf\xe9 Ltd\n");
    s.write_bytes("l.csv", &bytes);
    let run = mini(&s, &["l.csv"], &["--out", "o"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let j = run.json();
    let sites: Vec<&String> = j["by_site"].as_object().unwrap().keys().collect();
    assert_eq!(sites, ["Sité"], "one site, not two");
    assert!(s.read("o/ledger.csv").contains("Café Ltd"));
}

#[test]
fn utf16_files_are_decoded() {
    let s = Session::new();
    let text = "activity,quantity,unit\r\n7_400_4000_5,1000,kWh\r\n";
    let mut bytes = vec![0xFF, 0xFE];
    for u in text.encode_utf16() {
        bytes.extend_from_slice(&u.to_le_bytes());
    }
    s.write_bytes("u16.csv", &bytes);
    let run = mini(&s, &["u16.csv"], &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.json()["totals_kg_co2e"]["scope_2_location"], "177");
}

#[test]
fn utf16_not_valid_is_refused_naming_the_byte_and_piped_utf16_is_read() {
    let s = Session::new();
    let text = "activity,quantity,unit\r\n7_400_4000_5,1000,kWh\r\n";
    let mut bytes = vec![0xFF, 0xFE];
    for u in text.encode_utf16() {
        bytes.extend_from_slice(&u.to_le_bytes());
    }
    s.write_bytes("good.csv", &bytes);
    // A low surrogate with no high one before it, after the 2 + 2 x 47 bytes above.
    bytes.extend_from_slice(&[0x00, 0xDC]);
    s.write_bytes("bad.csv", &bytes);
    let run = mini(&s, &["bad.csv"], &[]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("bad.csv: the file is UTF-16 LE text but byte 96 is not valid UTF-16 LE")
            && run.stderr.contains("save it as CSV UTF-8"),
        "{}",
        run.stderr
    );
    // The same text on standard input, as `ghg inventory - < good.csv` reads it.
    let set = mini_set();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_ghg"))
        .args([
            "inventory",
            "-",
            "--factors",
            &set,
            "--no-upstream",
            "--format",
            "json",
        ])
        .current_dir(s.dir())
        .stdin(std::fs::File::open(s.path("good.csv")).unwrap())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let j: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(j["totals_kg_co2e"]["scope_2_location"], "177");
}

#[test]
fn piped_input_gives_what_the_file_gives() {
    // Over 3 MB, so the rows after the header go to the workers in several blocks: quoted
    // fields with line breaks, CRLF and LF, a byte-order mark, a preamble line, rejects.
    let s = Session::new();
    let mut text = String::from(
        "\u{feff}Exported from the estates system\r\nactivity,quantity,unit,site,period\r\n",
    );
    let mut i = 0u32;
    while text.len() < 3 << 20 {
        let row = match i % 5 {
            0 => format!(
                "7_400_4000_5,{}.{},kWh,S{},2025-{:02}",
                i % 977,
                i % 10,
                i % 13,
                1 + i % 12
            ),
            1 => format!(
                "\"1_100_1004_6\",\"{}\",kWh,\"ward\r\n{}\",2025-01",
                i % 311,
                i % 7
            ),
            2 => format!(
                "17_404_4005_1,{},m3,S{},2025-{:02}",
                i % 89,
                i % 5,
                1 + i % 12
            ),
            3 => format!("nonsense,{},kWh,S1,2025-02", i % 17),
            _ => format!(
                "1_101_1011_8,{}.25,litres,caf\u{e9} {},2025-03",
                i % 53,
                i % 3
            ),
        };
        text.push_str(&row);
        text.push_str(if i % 2 == 0 { "\r\n" } else { "\n" });
        i += 1;
    }
    s.write("in.csv", &text);
    let set = mini_set();
    let args = |out: &'static str, input: &'static str| {
        vec![
            "inventory".to_string(),
            input.to_string(),
            "--factors".to_string(),
            set.clone(),
            "--allow-rejects".to_string(),
            "--out".to_string(),
            out.to_string(),
        ]
    };
    let file = s.ghg(
        &args("file", "in.csv")
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>(),
    );
    assert_eq!(file.code, 0, "{}", file.stderr);
    let piped = std::process::Command::new(env!("CARGO_BIN_EXE_ghg"))
        .args(args("piped", "-"))
        .current_dir(s.dir())
        .stdin(std::fs::File::open(s.path("in.csv")).unwrap())
        .output()
        .unwrap();
    assert_eq!(piped.status.code(), Some(0));
    // The same figures and notes, the input named as given.
    let piped_json = s
        .read("piped/inventory.json")
        .replace("\"-: ", "\"in.csv: ");
    assert!(
        piped_json == s.read("file/inventory.json"),
        "inventory.json differs"
    );
    for csv in ["ledger.csv", "rejects.csv"] {
        let named = |dir: &str, name: &str| -> Vec<String> {
            s.read(&format!("{dir}/{csv}"))
                .lines()
                .map(|l| l.replacen(name, "INPUT", 1))
                .collect()
        };
        assert!(
            named("piped", "-,") == named("file", "in.csv,"),
            "{csv} differs"
        );
    }
    let j: serde_json::Value = serde_json::from_str(&s.read("file/inventory.json")).unwrap();
    assert!(j["rows"]["rejected"].as_u64().unwrap() > 1000);
    // Standard input is hashed and counted as it is read: the file's bytes, once.
    let m: serde_json::Value = serde_json::from_str(&s.read("piped/manifest.json")).unwrap();
    let f: serde_json::Value = serde_json::from_str(&s.read("file/manifest.json")).unwrap();
    assert_eq!(m["inputs"][0]["sha256"], f["inputs"][0]["sha256"]);
    assert_eq!(m["inputs"][0]["bytes"], text.len() as u64);
}

#[test]
fn a_huge_cell_is_not_echoed_whole() {
    let s = Session::new();
    let big = "x".repeat(5 << 20);
    s.write("big.csv", &format!("activity,quantity,unit\n{big},1,kWh\n"));
    let run = mini(&s, &["big.csv"], &[]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.len() < 5_000,
        "{} bytes of stderr",
        run.stderr.len()
    );
    assert!(
        run.stderr.contains("... (5242880 bytes in all)"),
        "{}",
        &run.stderr[..run.stderr.len().min(2000)]
    );
}

#[test]
fn rows_choose_their_set_and_a_tariff_pricing_location_based_scope_2_is_warned() {
    let s = Session::new();
    s.write(
        "sup/green.toml",
        "[set]\nid = \"green-tariff\"\npublisher = \"Green Power Ltd\"\nedition = 2024\n\
         period = \"2024\"\nvalid_from = \"2024-01-01\"\nvalid_to = \"2024-12-31\"\n\
         title = \"Green Power Ltd renewable tariff\"\nlicence = \"supplier\"\ngwp = \"AR5\"\n\
         kind = \"activity\"\nquality = \"supplier-specific\"\n\n[[factor]]\nkey = \"renewable\"\n\
         scope = \"2\"\nlabels = [\"Electricity\", \"Renewable tariff\"]\nunit = \"kWh\"\n\
         kg_co2e = \"0\"\n",
    );
    s.write(
        "rows.csv",
        "activity,quantity,unit,factor_set\nrenewable,1000,kWh,\nelectricity,100,kWh,desnz-2025\n\
         desnz-2025:7_400_4000_5,10,kWh,\nelectricity,10,kWh,desnz-2019\n",
    );
    let run = s.ghg(&[
        "--factors-dir",
        "sup",
        "inventory",
        "rows.csv",
        "--factors",
        "green-tariff",
        "--spend-factors",
        "desnz-2025",
        "--no-upstream",
        "--format",
        "json",
    ]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let j = run.json();
    assert_eq!(j["rows"]["used"], 3);
    // 0 for the tariff, then (100 + 10) kWh x 0.177 from desnz-2025 by column and by SET:KEY.
    assert_eq!(j["totals_kg_co2e"]["scope_2_location"], "19.47");
    for want in [
        "warning: --spend-factors is now --fallback-factors",
        "warning: location-based scope 2 is priced by green-tariff:renewable, not a grid-average factor",
        "rejected: rows.csv:5:4: no factor set \"desnz-2019\" in this run; add it with --fallback-factors desnz-2019 (the run has green-tariff, desnz-2025)",
    ] {
        assert!(run.stderr.contains(want), "{want}\n{}", run.stderr);
    }
}
