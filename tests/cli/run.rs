//! The library run behind `inventory`, `verify` and `compare`: a run directory made with
//! options other than the defaults is re-run in-process from the options its manifest records
//! (typed `run_options`, or the flags of an older manifest) and verifies.

use crate::util::{root, Session};
use serde_json::Value;

/// Grid power (an alias) and gas in the reporting year 2024/25, and one row dated before it.
const ROWS: &str = "activity,Consumption,unit,period\n\
grid power,1000,kWh,2024-05\n\
1_100_1004_6,10,MWh,2025-01\n\
7_400_4000_5,5,kWh,2023-06\n";

/// Every option here changes the figures or what is read: without the alias file `grid power`
/// is rejected, without `--column` there is no quantity, without `--year` the 2023 row counts,
/// and without `--no-upstream` well-to-tank and T&D lines are added.
const OPTIONS: [&str; 18] = [
    "--factors",
    "sets/mini-desnz-2025.toml",
    "--fallback-factors",
    "none",
    "--aliases",
    "aliases.toml",
    "--column",
    "quantity=Consumption",
    "--no-upstream",
    "--year",
    "2024/25",
    "--gwp",
    "ar6",
    "--deflator",
    "gdp",
    "--allow-rejects",
    "--out",
    "out",
];

fn session() -> Session {
    let s = Session::new();
    s.write("b.csv", ROWS);
    s.write(
        "aliases.toml",
        "[[alias]]\nname = \"grid power\"\nkey = \"7_400_4000_5\"\n",
    );
    let set = std::fs::read_to_string(root().join("tests/fixtures/factors/mini-desnz-2025.toml"))
        .expect("fixture set");
    s.write("sets/mini-desnz-2025.toml", &set);
    s
}

fn run_with_options(s: &Session) {
    let mut args = vec!["inventory", "b.csv"];
    args.extend(OPTIONS);
    let run = s.ghg(&args);
    assert_eq!(run.code, 0, "{}", run.stderr);
}

fn json_of(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}):\n{text}"))
}

/// 1000 kWh x 0.177 = 177 (scope 2) and 10 MWh = 10000 kWh x 0.18296 = 1829.6 (scope 1),
/// no upstream lines; the 2023-06 row is outside 2024/25.
fn assert_figures(s: &Session) {
    let inv = json_of(&s.read("out/inventory.json"));
    let t = &inv["totals_kg_co2e"];
    assert_eq!(t["scope_1"], "1829.6", "{t}");
    assert_eq!(t["scope_2_location"], "177", "{t}");
    assert_eq!(t["total_location"], "2006.6", "{t}");
    assert_eq!(inv["rows"]["rejected"], 1);
}

#[test]
fn verify_re_runs_a_run_made_with_non_default_options() {
    let s = session();
    run_with_options(&s);
    assert_figures(&s);
    // The manifest records the options typed, as the library runs them.
    let m = json_of(&s.read("out/manifest.json"));
    let o = &m["run_options"];
    assert_eq!(o["aliases"], "aliases.toml", "{o}");
    assert_eq!(o["columns"][0], "quantity=Consumption", "{o}");
    assert_eq!(o["deflator"], "gdp", "{o}");
    assert_eq!(o["factors"], "sets/mini-desnz-2025.toml", "{o}");
    assert_eq!(
        o["fallback_factors"].as_array().map(Vec::len),
        Some(0),
        "{o}"
    );
    assert_eq!(o["gwp"], "ar6", "{o}");
    assert_eq!(o["no_upstream"], true, "{o}");
    assert_eq!(o["year"], "2024/25", "{o}");
    // The flags stay too, for readers of older manifests.
    assert_eq!(m["options"]["no_upstream"], true);
    assert_eq!(m["options"]["year"], "2024/25");

    let v = s.ghg(&["verify", "out"]);
    assert_eq!(v.code, 0, "{}{}", v.stdout, v.stderr);
    assert_eq!(
        v.stdout,
        "OK out: 1 input, 1 factor set, 3 tables and 4 outputs match a re-run\n"
    );

    // One digit of the input changed: the input and every output that follows from it named.
    let text = s.read("b.csv");
    s.write(
        "b.csv",
        &text.replace("grid power,1000,", "grid power,1001,"),
    );
    let v = s.ghg(&["verify", "out"]);
    assert_eq!(v.code, 1, "{}{}", v.stdout, v.stderr);
    assert!(
        v.stdout.contains("input b.csv changed since the run"),
        "{}",
        v.stdout
    );
    // 1001 x 0.177 = 177.177: the re-run read the alias, the column and --no-upstream again.
    assert!(
        v.stdout
            .contains("re-run: \"    \\\"scope_2_location\\\": \\\"177.177\\\",\""),
        "{}",
        v.stdout
    );
    assert!(
        v.stdout
            .contains("stored: \"total,,1829.6,177,177,0,2006.6,2006.6,0\""),
        "{}",
        v.stdout
    );
}

/// out/manifest.json as a ghg from before `run_options` wrote it: the typed options removed,
/// and `edit` applied to the flags.
fn make_old_format(s: &Session, edit: &dyn Fn(&mut Value)) {
    let mut m = json_of(&s.read("out/manifest.json"));
    let obj = m.as_object_mut().expect("manifest object");
    obj.remove("run_options");
    edit(&mut m["options"]);
    let mut text = serde_json::to_string_pretty(&m).unwrap();
    text.push('\n');
    s.write("out/manifest.json", &text);
}

#[test]
fn an_old_format_manifest_still_verifies_from_its_flags() {
    let s = session();
    run_with_options(&s);
    assert!(s.read("out/manifest.json").contains("\"run_options\""));
    make_old_format(&s, &|_| {});
    assert!(!s.read("out/manifest.json").contains("\"run_options\""));
    let v = s.ghg(&["verify", "out"]);
    assert_eq!(v.code, 0, "{}{}", v.stdout, v.stderr);
    assert!(v.stdout.starts_with("OK out: "), "{}", v.stdout);

    // The flags are what the re-run used: recorded without --no-upstream, the re-run adds the
    // upstream lines (10 MWh x 0.03021 kg well-to-tank = 302.1 kg more in scope 3).
    make_old_format(&s, &|o| o["no_upstream"] = Value::Bool(false));
    let v = s.ghg(&["verify", "out"]);
    assert_eq!(v.code, 1, "{}{}", v.stdout, v.stderr);
    assert!(
        v.stdout
            .contains("output inventory.json differs from a re-run"),
        "{}",
        v.stdout
    );
}

#[test]
fn an_old_format_manifest_with_an_unreadable_flag_is_a_clear_error() {
    let s = session();
    run_with_options(&s);
    make_old_format(&s, &|o| o["year"] = Value::String("2024-25x".into()));
    let v = s.ghg(&["verify", "out"]);
    assert_eq!(v.code, 2, "{}{}", v.stdout, v.stderr);
    assert!(
        v.stderr
            .contains("options.year \"2024-25x\" is not a reporting year"),
        "{}",
        v.stderr
    );
    assert!(v.stderr.contains("out/manifest.json"), "{}", v.stderr);
}
