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
