//! `ghg factors validate|show|diff|list` against fixture sets and the shipped sets.

use crate::util::{root, Session};

fn fixture() -> String {
    std::fs::read_to_string(root().join("tests/fixtures/factors/mini-desnz-2025.toml")).unwrap()
}

/// Line and column (from 1) of the first occurrence of `needle` in `text`, plus `offset` chars.
fn pos_of(text: &str, needle: &str, offset: usize) -> (usize, usize) {
    let at = text
        .find(needle)
        .unwrap_or_else(|| panic!("{needle} not in fixture"));
    let line = text[..at].matches('\n').count() + 1;
    let col = at - text[..at].rfind('\n').map_or(0, |i| i + 1) + 1 + offset;
    (line, col)
}

fn validate_broken(s: &Session, name: &str, text: &str) -> crate::util::Run {
    s.write(name, text);
    s.ghg(&["factors", "validate", name])
}

#[test]
fn the_fixture_validates() {
    let s = Session::new();
    let run = validate_broken(&s, "ok.toml", &fixture());
    assert_eq!(run.code, 0, "{}", run.stderr);
}

#[test]
fn broken_copies_fail_at_the_exact_place() {
    let s = Session::new();
    let good = fixture();
    // Text where a number belongs: points at the value.
    let bad = good.replacen("kg_co2e = \"0.177\"", "kg_co2e = \"0.17x7\"", 1);
    let (l, c) = pos_of(&bad, "\"0.17x7\"", 0);
    let run = validate_broken(&s, "text.toml", &bad);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains(&format!(
            "text.toml:{l}:{c}: kg_co2e: \"0.17x7\" is not a number"
        )),
        "{}",
        run.stderr
    );

    // Unknown unit: points at the unit.
    let bad = good.replacen("unit = \"litres\"", "unit = \"hogsheads\"", 1);
    let (l, c) = pos_of(&bad, "\"hogsheads\"", 0);
    let run = validate_broken(&s, "unit.toml", &bad);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains(&format!(
            "unit.toml:{l}:{c}: unit \"hogsheads\" is not a known unit"
        )),
        "{}",
        run.stderr
    );

    // Duplicate key: points at the second key.
    let bad = good.replacen("key = \"1_100_1004_7\"", "key = \"1_100_1004_6\"", 1);
    let first = pos_of(&bad, "key = \"1_100_1004_6\"", 0).0;
    let second_at = bad
        .match_indices("key = \"1_100_1004_6\"")
        .nth(1)
        .unwrap()
        .0;
    let l = bad[..second_at].matches('\n').count() + 1;
    let run = validate_broken(&s, "dup.toml", &bad);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains(&format!(
            "dup.toml:{l}:7: duplicate key \"1_100_1004_6\"; first defined at line {first}"
        )),
        "{}",
        run.stderr
    );

    // Missing value: points at the factor table.
    let bad = good.replacen("kg_co2e = \"0.2027\"\n", "", 1);
    let (l, _) = pos_of(&bad, "key = \"1_100_1004_7\"", 0);
    let run = validate_broken(&s, "missing.toml", &bad);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains(&format!(
            "missing.toml:{}:1: factor \"1_100_1004_7\" has no kg_co2e value",
            l - 1
        )),
        "{}",
        run.stderr
    );

    // Dangling link: points at the link.
    let bad = good.replacen(
        "upstream = [\"11_100_1004_6\"]",
        "upstream = [\"11_999\"]",
        1,
    );
    let (l, c) = pos_of(&bad, "\"11_999\"", 0);
    let run = validate_broken(&s, "link.toml", &bad);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains(&format!(
            "link.toml:{l}:{c}: factor \"1_100_1004_6\": upstream link \"11_999\" does not resolve"
        )),
        "{}",
        run.stderr
    );

    // Not TOML at all.
    let run = validate_broken(&s, "syntax.toml", "[set\nid = 1\n");
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("syntax.toml:1:"), "{}", run.stderr);
}

#[test]
fn a_user_set_directory_is_held_to_the_same_validation() {
    let s = Session::new();
    s.write("mine/ok.toml", &fixture());
    let run = s.ghg(&[
        "--factors-dir",
        "mine",
        "factors",
        "show",
        "mini-desnz-2025",
        "7_400_4000_5",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("7_400_4000_5 0.177 kg CO2e per kWh"),
        "{}",
        run.stdout
    );
    s.write(
        "mine/ok.toml",
        &fixture().replacen("kg_co2e = \"0.177\"", "kg_co2e = \"x\"", 1),
    );
    let run = s.ghg(&[
        "--factors-dir",
        "mine",
        "factors",
        "show",
        "mini-desnz-2025",
        "7_400_4000_5",
    ]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("is not valid"), "{}", run.stderr);
    let run = s.ghg_env(&["factors", "validate"], &[("GHG_FACTORS_DIR", "mine")]);
    assert_eq!(run.code, 1);
}

#[test]
fn show_prints_a_factor_exactly_by_key_or_by_words() {
    let s = Session::new();
    let run = s.ghg(&["factors", "show", "desnz-2023", "7_400_4000_5"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let first = run.stdout.lines().next().unwrap();
    assert_eq!(first, "7_400_4000_5 0.207074288590604 kg CO2e per kWh");
    assert!(run.stdout.contains("scope     scope 2"), "{}", run.stdout);
    let run = s.ghg(&["factors", "show", "desnz-2025", "natural", "gas", "gross"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout
            .contains("1_100_1004_6 0.18296 kg CO2e per kWh (Gross CV)"),
        "{}",
        run.stdout
    );
    let run = s.ghg(&["factors", "show", "desnz-2025", "no such thing at all"]);
    assert_eq!(run.code, 2);
}

#[test]
fn list_shows_every_shipped_set_with_its_count() {
    let s = Session::new();
    let run = s.ghg(&["factors", "list"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let mut ids = Vec::new();
    for y in 2016..=2025 {
        ids.push(format!("desnz-{y}"));
    }
    for y in 2007..=2020 {
        ids.push(format!("nhs-sdu-{y}-{:02}", (y + 1) % 100));
    }
    ids.push("defra-sic-2022".into());
    ids.push("epa-sc-1.3".into());
    for id in &ids {
        assert!(
            run.stdout.lines().any(|l| l.starts_with(&format!("{id} "))),
            "{id} missing:\n{}",
            run.stdout
        );
    }
    let line = run
        .stdout
        .lines()
        .find(|l| l.starts_with("desnz-2025 "))
        .unwrap();
    // factor count and the source's row count
    assert_eq!(
        line.split_whitespace().filter(|t| *t == "3483").count(),
        2,
        "{line}"
    );
}

#[test]
fn diff_reports_uk_electricity_and_fails_a_threshold() {
    let s = Session::new();
    let run = s.ghg(&["factors", "diff", "desnz-2024", "desnz-2025"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("7_400_4000_5  UK electricity > Electricity generated > Electricity: UK > kWh [kWh]: 0.20705 -> 0.177 (-14.51%)"),
        "{}",
        run.stdout
    );
    // The 2025 edition relabelled 42 waste factors "Incineration with Energy Recovery".
    assert!(
        run.stdout.contains("42 relabelled"),
        "{}",
        run.stdout.lines().next().unwrap()
    );
    let run = s.ghg(&[
        "factors",
        "diff",
        "desnz-2024",
        "desnz-2025",
        "--threshold",
        "10%",
        "--format",
        "json",
    ]);
    assert_eq!(run.code, 1);
    let j = run.json();
    let elec = j["changed"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["key"] == "7_400_4000_5")
        .unwrap();
    assert_eq!(elec["from"], "0.20705");
    assert_eq!(elec["to"], "0.177");
    assert_eq!(elec["change"], "-0.03005");
    assert_eq!(elec["change_percent"], "-14.51");
    assert!(j["over_threshold"]
        .as_array()
        .unwrap()
        .iter()
        .any(|k| k == "7_400_4000_5"));
    // A generous threshold passes.
    let run = s.ghg(&[
        "factors",
        "diff",
        "desnz-2025",
        "desnz-2025",
        "--threshold",
        "0%",
    ]);
    assert_eq!(run.code, 0);
}

#[test]
fn every_shipped_set_validates() {
    let s = Session::new();
    let run = s.ghg(&["factors", "validate"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout.lines().filter(|l| l.starts_with("ok  ")).count(),
        27
    );
}

#[test]
fn validate_of_a_directory_with_no_toml_file_is_an_error_naming_it() {
    let s = Session::new();
    std::fs::create_dir_all(s.path("empty/sub")).unwrap();
    s.write("empty/sub/readme.txt", "not a factor set");
    let run = s.ghg(&["factors", "validate", "empty"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("empty: no .toml factor file in this directory or below it"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("valid"), "{}", run.stderr);
    // Beside a directory that has one, still an error.
    s.write("mine/ok.toml", &fixture());
    let run = s.ghg(&["factors", "validate", "mine", "empty"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("empty: no .toml"), "{}", run.stderr);
}

#[test]
fn a_supplier_set_says_its_lines_are_supplier_specific() {
    let s = Session::new();
    s.write(
        "mine/supplier.toml",
        "[set]\nid = \"acme-crp-2024\"\npublisher = \"Acme Medical Ltd (Carbon Reduction Plan 2024)\"\nedition = 2024\ntitle = \"Acme supplier-specific factors\"\nlicence = \"supplied to the trust\"\ngwp = \"AR5\"\nkind = \"spend\"\ncurrency = \"GBP\"\nprice_year = 2024\nquality = \"supplier-specific\"\n\n[[factor]]\nkey = \"acme-gloves\"\nscope = \"3\"\ncategory = 1\nlabels = [\"Acme\", \"Nitrile gloves\"]\nunit = \"GBP\"\nkg_co2e = \"0.31\"\n",
    );
    s.write(
        "spend.csv",
        "activity,amount,price_year\nacme-gloves,1000,2024\nsic-21,1000,2022\n",
    );
    let run = s.ghg(&[
        "--factors-dir",
        "mine",
        "inventory",
        "spend.csv",
        "--factors",
        "desnz-2025",
        "--fallback-factors",
        "acme-crp-2024,defra-sic-2022",
        "--format",
        "json",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let j = run.json();
    assert_eq!(j["by_data_quality"]["supplier-specific"]["scope_3"], "310");
    assert_eq!(
        j["by_data_quality"]["spend-based"]["scope_3"],
        "240.241960139895"
    );
    s.write(
        "mine/supplier.toml",
        &s.read("mine/supplier.toml")
            .replace("supplier-specific", "very good"),
    );
    let run = s.ghg(&["--factors-dir", "mine", "factors", "validate"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("quality \"very good\""),
        "{}",
        run.stderr
    );
}

#[test]
fn validate_of_the_shipped_factors_tree_checks_aliases_and_tables_as_tables() {
    let s = Session::new();
    let tree = root().join("factors");
    let run = s.ghg(&["factors", "validate", tree.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let count = |rel: &str, header: &str| {
        std::fs::read_to_string(tree.join(rel))
            .unwrap()
            .lines()
            .filter(|l| l.trim() == header)
            .count()
    };
    for (rel, kind, n) in [
        (
            "aliases.toml",
            "aliases",
            count("aliases.toml", "[[alias]]"),
        ),
        (
            "tables/gwp.toml",
            "gwp",
            count("tables/gwp.toml", "[[gas]]"),
        ),
        (
            "tables/deflators.toml",
            "deflators",
            count("tables/deflators.toml", "[[series]]"),
        ),
        (
            "tables/nhs_categories.toml",
            "nhs categories",
            count("tables/nhs_categories.toml", "[[rule]]"),
        ),
    ] {
        let want = format!("factors/{rel} ({kind} table, {n} entries)");
        assert!(n > 0, "{rel}");
        assert!(
            run.stdout.lines().any(|l| l.ends_with(&want)),
            "{want}\n{}",
            run.stdout
        );
    }
    assert!(
        run.stderr.contains("27 factor set(s) and 6 table(s) valid"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_broken_or_unknown_table_is_reported_at_its_place() {
    let s = Session::new();
    let aliases = std::fs::read_to_string(root().join("factors/aliases.toml")).unwrap();
    s.write(
        "tree/aliases.toml",
        &format!("{aliases}\n[[alias]]\nname = \"electricity\"\nkey = \"x\"\nnote = \"twice\"\n"),
    );
    s.write("tree/tables/extra.toml", "[set]\n");
    let run = s.ghg(&["factors", "validate", "tree"]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    let line = aliases.lines().count() + 3;
    assert!(
        run.stderr.contains(&format!("tree/aliases.toml:{line}:")),
        "line {line}:\n{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("tree/tables/extra.toml: not a table ghg reads"),
        "{}",
        run.stderr
    );
    let run = s.ghg(&["factors", "validate", "tree", "--format", "json"]);
    assert_eq!(run.code, 1);
    let v = run.json();
    assert_eq!(v["checked"], 2);
    assert_eq!(v["problems"], 2);
    assert_eq!(v["files"][0]["kind"], "aliases");
    assert_eq!(v["files"][0]["valid"], false);
    assert_eq!(v["files"][0]["problems"][0]["line"], line as u64);
    assert_eq!(v["files"][1]["kind"], "unknown table");
}

#[test]
fn list_show_and_validate_speak_json_with_exact_decimals() {
    let s = Session::new();
    let run = s.ghg(&[
        "factors",
        "show",
        "desnz-2023",
        "7_400_4000_5",
        "--format",
        "json",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let v = run.json();
    assert_eq!(v["set"], "desnz-2023");
    let f = &v["factors"][0];
    assert_eq!(f["key"], "7_400_4000_5");
    assert_eq!(f["kg_co2e"], "0.207074288590604");
    assert_eq!(f["scope"], "2");
    assert_eq!(f["unit"], "kWh");
    let run = s.ghg(&["factors", "show", "desnz-2023", "--format", "json"]);
    assert_eq!(run.json()["id"], "desnz-2023");

    let text = std::fs::read_to_string(root().join("factors/desnz/2025.toml")).unwrap();
    let n = text.lines().filter(|l| l.trim() == "[[factor]]").count();
    let run = s.ghg(&["factors", "list", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let sets = run.json();
    let d = sets
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["id"] == "desnz-2025")
        .expect("desnz-2025 listed");
    assert_eq!(d["factors"], n as u64);
    assert_eq!(d["edition"], 2025);
    assert_eq!(d["problems"], 0);

    s.write("ok.toml", &fixture());
    let run = s.ghg(&["factors", "validate", "ok.toml", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let v = run.json();
    assert_eq!(v["problems"], 0);
    assert_eq!(v["files"][0]["kind"], "factor set");
    assert_eq!(v["files"][0]["valid"], true);
}
