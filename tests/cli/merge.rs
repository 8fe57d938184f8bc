//! `ghg merge`: an inventory split into parts by site and month, each part run on its own,
//! then merged, is byte for byte the inventory of one run over every part.

use crate::util::Session;

/// Sites and month ranges of the seven parts.
const PARTS: [(&[&str], std::ops::RangeInclusive<u32>); 7] = [
    (&["ward-a", "ward-b"], 1..=2),
    (&["ward-a", "ward-b"], 3..=4),
    (&["ward-a", "ward-b"], 5..=6),
    (&["theatre"], 1..=3),
    (&["theatre"], 4..=6),
    (&["estates"], 1..=3),
    (&["estates"], 4..=6),
];

/// Gas (with its WTT line), electricity (T&D and WTT lines), diesel (a biogenic outside line),
/// water, one rejected row per part and a column the run does not read.
fn part_csv(sites: &[&str], months: std::ops::RangeInclusive<u32>) -> (String, u32) {
    let mut text = String::from("site,period,activity,quantity,unit,ref,notes\n");
    let mut gas_rows = 0;
    for site in sites {
        for m in months.clone() {
            text.push_str(&format!(
                "{site},2025-{m:02},natural gas,1000,kWh,G-{site}-{m},\n"
            ));
            gas_rows += 1;
            text.push_str(&format!(
                "{site},2025-{m:02},7_400_4000_5,{}.5,kWh,E-{site}-{m},\n",
                2000 + m
            ));
            text.push_str(&format!(
                "{site},2025-{m:02},1_101_1011_8,12.25,litres,D-{site}-{m},\n"
            ));
            text.push_str(&format!(
                "{site},2025-{m:02},17_404_4005_1,3.3,m3,W-{site}-{m},meter\n"
            ));
        }
    }
    text.push_str(&format!("{},2025-01,unobtainium,1,kg,X,\n", sites[0]));
    (text, gas_rows)
}

/// Copies the shipped example trust's file `from` (under examples/nhs-trust) into the
/// session as `to`, and returns its text.
fn example(s: &Session, from: &str, to: &str) -> String {
    let path = crate::util::root().join("examples/nhs-trust").join(from);
    let text = std::fs::read_to_string(&path).unwrap();
    s.write(to, &text);
    text
}

/// The example trust's 7 purchases written as parts of `rows` rows each (`spend-1.csv`,
/// `spend-2.csv` ...), each with the header; returns their names.
fn purchases_in_parts(s: &Session, rows: usize) -> Vec<String> {
    let spend = example(s, "procurement.csv", "procurement.csv");
    let mut lines = spend.lines();
    let header = lines.next().unwrap();
    let all: Vec<&str> = lines.collect();
    assert_eq!(all.len(), 7);
    let mut names = Vec::new();
    for (i, part) in all.chunks(rows).enumerate() {
        let name = format!("spend-{}.csv", i + 1);
        s.write(&name, &format!("{header}\n{}\n", part.join("\n")));
        names.push(name);
    }
    names
}

/// As a user would: one run over every part into `all`, then each part on its own into
/// `run-N` (as a scheduler would run them), merged into `merged`. Returns the merge.
fn single_run_and_merged_parts(
    s: &Session,
    options: &[&str],
    parts: &[String],
) -> crate::util::Run {
    let mut args = vec!["inventory", "--out", "all"];
    args.extend(options);
    args.extend(parts.iter().map(String::as_str));
    let whole = s.ghg(&args);
    assert_eq!(whole.code, 0, "{}", whole.stderr);
    let mut dirs = Vec::new();
    for (i, part) in parts.iter().enumerate() {
        let dir = format!("run-{}", i + 1);
        let mut args = vec!["inventory", "--out", &dir];
        args.extend(options);
        args.push(part);
        let r = s.ghg(&args);
        assert_eq!(r.code, 0, "{}", r.stderr);
        dirs.push(dir);
    }
    let mut margs = vec!["merge", "--out", "merged"];
    margs.extend(dirs.iter().map(String::as_str));
    let m = s.ghg(&margs);
    assert_eq!(m.code, 0, "{}", m.stderr);
    m
}

#[test]
fn seven_parts_by_site_and_month_merge_into_the_single_run_byte_for_byte() {
    let s = Session::new();
    let mut names = Vec::new();
    let mut gas_rows = 0;
    for (i, (sites, months)) in PARTS.iter().enumerate() {
        let (text, gas) = part_csv(sites, months.clone());
        gas_rows += gas;
        let name = format!("part-{}.csv", i + 1);
        s.write(&name, &text);
        names.push(name);
    }
    single_run_and_merged_parts(&s, &["--factors", "desnz-2025", "--allow-rejects"], &names);
    assert_eq!(
        s.read("merged/inventory.json"),
        s.read("all/inventory.json")
    );
    assert_eq!(s.read("merged/inventory.csv"), s.read("all/inventory.csv"));
    assert_eq!(s.read("merged/ledger.csv"), s.read("all/ledger.csv"));
    assert_eq!(s.read("merged/rejects.csv"), s.read("all/rejects.csv"));

    // Real figures, by hand: 24 site-months (2 x 6 + 6 + 6) of gas at 1,000 kWh x 0.18296.
    assert_eq!(gas_rows, 24);
    let j: serde_json::Value = serde_json::from_str(&s.read("merged/inventory.json")).unwrap();
    assert_eq!(j["rows"]["read"], 24 * 4 + 7);
    assert_eq!(j["rows"]["rejected"], 7);
    let gas = j["by_activity"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["factor_key"] == "1_100_1004_6")
        .unwrap();
    assert_eq!(gas["kg_co2e"], "4391.04"); // 24 x 1000 x 0.18296
    assert_eq!(gas["lines"], 24);
    // Every part's "notes" column warning, in part order, as the single run lists them.
    let notes: Vec<&str> = j["notes"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|n| n.as_str())
        .collect();
    assert_eq!(
        notes
            .iter()
            .filter(|n| n.contains("not used: notes"))
            .count(),
        7
    );

    // The manifest names the parts.
    let mf: serde_json::Value = serde_json::from_str(&s.read("merged/manifest.json")).unwrap();
    assert_eq!(mf["schema"], "ghg-merge/1");
    assert_eq!(mf["parts"].as_array().unwrap().len(), 7);
    assert_eq!(mf["parts"][6]["dir"], "run-7");
    assert_eq!(mf["parts"][6]["inputs"][0]["name"], "part-7.csv");
}

#[test]
fn merge_refuses_runs_made_with_different_factor_sets() {
    let s = Session::new();
    let (a, _) = part_csv(&["ward-a"], 1..=2);
    let (b, _) = part_csv(&["ward-b"], 1..=2);
    s.write("a.csv", &a);
    s.write("b.csv", &b);
    for (dir, set, file) in [("ra", "desnz-2025", "a.csv"), ("rb", "desnz-2024", "b.csv")] {
        let r = s.ghg(&[
            "inventory",
            "--factors",
            set,
            "--out",
            dir,
            "--allow-rejects",
            file,
        ]);
        assert_eq!(r.code, 0, "{}", r.stderr);
    }
    let m = s.ghg(&["merge", "--out", "merged", "ra", "rb"]);
    assert_eq!(m.code, 2);
    assert!(
        m.stderr.contains("different factor sets")
            && m.stderr.contains("\"desnz-2025\" in ra")
            && m.stderr.contains("\"desnz-2024\" in rb"),
        "{}",
        m.stderr
    );
    assert!(!s.path("merged/inventory.json").exists());
    // Different options are refused too, naming the option.
    let r = s.ghg(&[
        "inventory",
        "--factors",
        "desnz-2025",
        "--no-upstream",
        "--out",
        "rc",
        "--allow-rejects",
        "b.csv",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let m = s.ghg(&["merge", "--out", "merged", "ra", "rc"]);
    assert_eq!(m.code, 2);
    assert!(
        m.stderr
            .contains("--no-upstream is false in ra but true in rc"),
        "{}",
        m.stderr
    );
}

/// The documented fan-out (examples/fan-out.sh: GNU parallel, or xargs -P without it) gives
/// the single run's inventory.json.
#[test]
fn fan_out_script_merges_into_the_single_run() {
    let s = Session::new();
    let mut names = Vec::new();
    for (i, (sites, months)) in PARTS.iter().enumerate().take(3) {
        let name = format!("part-{}.csv", i + 1);
        s.write(&name, &part_csv(sites, months.clone()).0);
        names.push(name);
    }
    let mut args = vec![
        "inventory",
        "--factors",
        "desnz-2025",
        "--out",
        "all",
        "--allow-rejects",
    ];
    args.extend(names.iter().map(String::as_str));
    assert_eq!(s.ghg(&args).code, 0);
    let script = crate::util::root().join("examples/fan-out.sh");
    let out = std::process::Command::new("bash")
        .arg(script)
        .arg("national")
        .args(&names)
        .current_dir(s.dir())
        .env("GHG", env!("CARGO_BIN_EXE_ghg"))
        .env("GHG_ARGS", "--factors desnz-2025")
        .output()
        .expect("run bash");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        s.read("national/inventory.json"),
        s.read("all/inventory.json")
    );
}

#[test]
fn parts_priced_from_a_supplier_register_merge_into_the_single_run() {
    // The shipped trust's purchases, split into three parts by row. Its register prices one
    // supplier from its own figures (supplier-specific) and one as a hybrid (its own scope
    // 1 and 2, plus the spend factor times the upstream share); the rest by spend factor.
    // A fourth part mixes energy rows (with their upstream lines) between spend rows: one
    // with a supplier the register does not name, one naming none, one in US dollars.
    let s = Session::new();
    example(&s, "supply/register.csv", "register.csv");
    example(&s, "supply/local-area.toml", "local-area.toml");
    let mut names = purchases_in_parts(&s, 3);
    s.write(
        "mixed.csv",
        "site,period,activity,quantity,unit,amount,currency,price_year,ref,supplier\n\
         AGGRE,2016/17,natural gas,134490,kWh,,,,gas,\n\
         ,2016/17,sic-56,,,\"1,000.50\",GBP,2016,catering extra,Kernow Pasties\n\
         AGGRE,2016/17,electricity,93755,kWh,,,,power,\n\
         ,2016/17,naics-339112,,,2500,USD,2016,dollars,EX-MEDSUP\n\
         ,2016/17,sic-21,,,700,GBP,2016,no supplier named,\n",
    );
    names.push("mixed.csv".to_string());
    let options = [
        "--suppliers",
        "register.csv",
        "--local-area",
        "local-area.toml",
        "--upstream-share",
        "0.4",
    ];
    let m = single_run_and_merged_parts(&s, &options, &names);
    assert_eq!(
        s.read("merged/inventory.json"),
        s.read("all/inventory.json")
    );
    assert_eq!(s.read("merged/inventory.csv"), s.read("all/inventory.csv"));
    assert_eq!(s.read("merged/ledger.csv"), s.read("all/ledger.csv"));
    // The anchor metrics too, from the register and the spend rows' ledger lines.
    assert_eq!(
        s.read("merged/procurement.json"),
        s.read("all/procurement.json")
    );
    assert!(!m.stderr.contains("not merged"), "{}", m.stderr);
    let p: serde_json::Value = serde_json::from_str(&s.read("merged/procurement.json")).unwrap();
    // 7 + 3 spend rows; the dollars are counted as a row, not as GBP spend. The shipped
    // purchases' "IT suppliers" is not in the register either.
    assert_eq!(p["totals"]["rows"], 10);
    assert_eq!(p["totals"]["rows_not_gbp"], 1);
    assert_eq!(p["totals"]["unmatched_spend_gbp"], "5301700.5");
    let unmatched: Vec<&str> = p["unmatched"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["supplier"].as_str().unwrap())
        .collect();
    assert_eq!(unmatched, ["", "IT suppliers", "Kernow Pasties"]);
    let medsup = p["suppliers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["supplier_id"] == "EX-MEDSUP")
        .unwrap();
    assert_eq!(medsup["rows"], 2);
    assert_eq!(medsup["spend_gbp"], "18400000");

    // The supplier-priced lines name the spend factor they stand in for, and the quantity
    // they add to its group: the spend in the factor's 2022 prices, counted once per row.
    let ledger = s.read("all/ledger.csv");
    let mut rdr = csv::Reader::from_reader(ledger.as_bytes());
    let head = rdr.headers().unwrap().clone();
    let col = |n: &str| head.iter().position(|h| h == n).unwrap();
    let own: Vec<csv::StringRecord> = rdr
        .records()
        .map(Result::unwrap)
        .filter(|r| &r[col("factor_set")] == "supplier-register")
        .collect();
    let spend_keys: Vec<(&str, &str)> = own
        .iter()
        .map(|r| (&r[col("spend_factor_set")], &r[col("spend_factor_key")]))
        .collect();
    assert_eq!(
        spend_keys,
        [("defra-sic-2022", "sic-21"), ("defra-sic-2022", "sic-32")]
    );
    let j: serde_json::Value = serde_json::from_str(&s.read("merged/inventory.json")).unwrap();
    let quantity = |key: &str| {
        j["by_activity"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|a| a["factor_key"] == key)
            .map(|a| a["quantity"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    // One activity row per factor: the supplier's line and the hybrid's upstream part add the
    // row's spend once between them.
    assert_eq!(quantity("sic-32").len(), 1);
    assert_eq!(
        quantity("sic-32")[0],
        own[1][col("spend_quantity")].to_string()
    );
}

#[test]
fn a_supplier_part_from_an_older_ledger_is_refused_naming_the_supplier() {
    // A ledger written before the spend-factor columns cannot say which group a supplier's
    // line belongs to: the merge stops and says which line and what to do.
    let s = Session::new();
    example(&s, "supply/register.csv", "register.csv");
    example(&s, "procurement.csv", "spend.csv");
    for dir in ["one", "two"] {
        let r = s.ghg(&[
            "inventory",
            "--suppliers",
            "register.csv",
            "--out",
            dir,
            "spend.csv",
        ]);
        assert_eq!(r.code, 0, "{}", r.stderr);
    }
    // Part two's ledger as an older ghg wrote it: without the last three columns.
    let ledger = s.read("two/ledger.csv");
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(ledger.as_bytes());
    let mut w = csv::Writer::from_writer(Vec::new());
    for r in rdr.records() {
        let r = r.unwrap();
        assert_eq!(r.len(), 39);
        w.write_record(r.iter().take(36)).unwrap();
    }
    s.write_bytes("two/ledger.csv", &w.into_inner().unwrap());
    let m = s.ghg(&["merge", "--out", "merged", "one", "two"]);
    assert_eq!(m.code, 2, "{}", m.stderr);
    assert!(
        m.stderr.contains("two/ledger.csv:2")
            && m.stderr.contains("supplier \"EX-PHARMA\"")
            && m.stderr.contains("names no spend factor"),
        "{}",
        m.stderr
    );
    assert!(!s.path("merged").exists());
}

#[test]
fn procurement_is_merged_only_from_the_register_the_parts_read() {
    // The anchor metrics are made from the register the parts name. Edited since, the merge
    // stops and says which part read another; gone, the inventory merges without them.
    let s = Session::new();
    let register = example(&s, "supply/register.csv", "register.csv");
    let parts = purchases_in_parts(&s, 4);
    for (dir, file) in ["one", "two"].iter().zip(&parts) {
        let r = s.ghg(&[
            "inventory",
            "--suppliers",
            "register.csv",
            "--out",
            dir,
            file,
        ]);
        assert_eq!(r.code, 0, "{}", r.stderr);
    }
    let fine = s.ghg(&["merge", "--out", "merged", "one", "two"]);
    assert_eq!(fine.code, 0, "{}", fine.stderr);
    assert!(s.path("merged/procurement.json").exists());

    // One supplier fewer: not the register the parts read.
    let shorter: Vec<&str> = register
        .lines()
        .filter(|l| !l.starts_with("EX-OFFICE"))
        .collect();
    s.write("register.csv", &format!("{}\n", shorter.join("\n")));
    let edited = s.ghg(&["merge", "--out", "edited", "one", "two"]);
    assert_eq!(edited.code, 2, "{}", edited.stderr);
    assert!(
        edited
            .stderr
            .contains("one/procurement.json was made with the register register.csv")
            && edited.stderr.contains("re-run that part"),
        "{}",
        edited.stderr
    );
    assert!(!s.path("edited").exists());

    std::fs::remove_file(s.path("register.csv")).unwrap();
    let gone = s.ghg(&["merge", "--out", "without", "one", "two"]);
    assert_eq!(gone.code, 0, "{}", gone.stderr);
    assert!(
        gone.stderr.contains("procurement.json is not merged")
            && gone.stderr.contains("register.csv"),
        "{}",
        gone.stderr
    );
    assert!(!s.path("without/procurement.json").exists());
    assert_eq!(
        s.read("without/inventory.json"),
        s.read("merged/inventory.json")
    );
}

#[test]
fn a_part_whose_ledger_was_reordered_is_refused() {
    // Rows moved whole still add up to the same groups, but not to the same supplier sums
    // when a row's lines are parted; either way the ledger is not the one its run wrote.
    let s = Session::new();
    example(&s, "supply/register.csv", "register.csv");
    example(&s, "procurement.csv", "spend.csv");
    example(&s, "energy.csv", "energy.csv");
    for (dir, file) in [("spend", "spend.csv"), ("energy", "energy.csv")] {
        let r = s.ghg(&[
            "inventory",
            "--suppliers",
            "register.csv",
            "--upstream-share",
            "0.4",
            "--out",
            dir,
            file,
        ]);
        assert_eq!(r.code, 0, "{}", r.stderr);
    }
    let reorder = |dir: &str, f: &dyn Fn(&mut Vec<&str>)| {
        let ledger = s.read(&format!("{dir}/ledger.csv"));
        let mut lines: Vec<&str> = ledger.lines().collect();
        f(&mut lines);
        s.write(
            &format!("{dir}/ledger.csv"),
            &format!("{}\n", lines.join("\n")),
        );
    };
    // Energy rows, each with its upstream lines: the first row's lines moved to the end.
    reorder("energy", &|lines| {
        let first_row: Vec<&str> = lines
            .iter()
            .skip(1)
            .take_while(|l| l.split(',').nth(1) == Some("2"))
            .copied()
            .collect();
        assert!(first_row.len() > 1);
        lines.drain(1..1 + first_row.len());
        lines.extend(first_row);
    });
    let moved = s.ghg(&["merge", "--out", "m1", "spend", "energy"]);
    assert_eq!(moved.code, 2, "{}", moved.stderr);
    assert!(
        moved
            .stderr
            .contains("energy/ledger.csv is not the ledger its run wrote"),
        "{}",
        moved.stderr
    );
    // The purchases' lines reversed: a hybrid's upstream part now comes before its row.
    reorder("spend", &|lines| lines[1..].reverse());
    let reversed = s.ghg(&["merge", "--out", "m2", "spend"]);
    assert_eq!(reversed.code, 2, "{}", reversed.stderr);
    assert!(
        reversed.stderr.contains("spend/ledger.csv:")
            && reversed.stderr.contains("was the ledger sorted?"),
        "{}",
        reversed.stderr
    );
    assert!(!s.path("m1").exists() && !s.path("m2").exists());
}
