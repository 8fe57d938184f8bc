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
    // One run over every part, in order.
    let mut args = vec![
        "inventory",
        "--factors",
        "desnz-2025",
        "--out",
        "all",
        "--allow-rejects",
    ];
    args.extend(names.iter().map(String::as_str));
    let whole = s.ghg(&args);
    assert_eq!(whole.code, 0, "{}", whole.stderr);
    // Each part on its own (as a scheduler would run them), then merged.
    let mut dirs = Vec::new();
    for (i, name) in names.iter().enumerate() {
        let dir = format!("run-{}", i + 1);
        let r = s.ghg(&[
            "inventory",
            "--factors",
            "desnz-2025",
            "--out",
            &dir,
            "--allow-rejects",
            name,
        ]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        dirs.push(dir);
    }
    let mut margs = vec!["merge", "--out", "merged"];
    margs.extend(dirs.iter().map(String::as_str));
    let m = s.ghg(&margs);
    assert_eq!(m.code, 0, "{}", m.stderr);
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
