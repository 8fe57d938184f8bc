//! Property: one activity file split into any k parts (by row ranges, by site or by month),
//! each part run on its own with `ghg inventory --out` and the runs combined with `ghg merge`,
//! gives the inventory.json of the single run over the whole file, byte for byte.
//!
//! Each case runs the real binary k + 2 times, so there are 16 cases, not 256; the library
//! properties (tests/robust_properties.rs, tests/properties.rs) cover the engine at 256+.

use crate::util::{mini_set, Session};
use proptest::prelude::*;
use rust_decimal::Decimal;
use std::str::FromStr;

/// Activities of the mini DESNZ 2025 set (scope 1 with a WTT link, scope 2 with T&D and WTT
/// links, scope 1 liquid, scope 3 water) and one no set knows, which is rejected.
const ACTIVITIES: [(&str, &str); 5] = [
    ("1_100_1004_6", "kWh"),
    ("7_400_4000_5", "kWh"),
    ("1_101_1011_8", "litres"),
    ("17_404_4005_1", "m3"),
    ("unobtainium", "kg"),
];

const HEADER: &str = "site,period,activity,quantity,unit,ref\n";

/// One row: site 0-3, month 1-12, activity, quantity as whole and hundredths.
type Row = (usize, u32, usize, u64, u32);

fn line(i: usize, r: &Row) -> String {
    let (site, month, act, whole, cents) = *r;
    let (key, unit) = ACTIVITIES[act];
    format!(
        "SITE-{site},2025-{month:02},{key},{whole}.{cents:02},{unit},R{i}\n",
        site = ["A", "B", "C", "D"][site]
    )
}

/// How the rows are split into parts, each part keeping the file's row order.
#[derive(Debug, Clone)]
enum Split {
    /// Cut after these row counts (sorted, deduplicated).
    Ranges(Vec<usize>),
    /// One part per site, in order of first appearance.
    BySite,
    /// One part per month, in order of first appearance.
    ByMonth,
}

fn split() -> impl Strategy<Value = Split> {
    prop_oneof![
        prop::collection::vec(0usize..40, 1..4).prop_map(Split::Ranges),
        Just(Split::BySite),
        Just(Split::ByMonth),
    ]
}

/// The parts' texts (each with the header), never empty of rows.
fn parts(lines: &[String], rows: &[Row], how: &Split) -> Vec<String> {
    let mut groups: Vec<Vec<usize>> = Vec::new();
    match how {
        Split::Ranges(cuts) => {
            let mut cuts: Vec<usize> = cuts.iter().map(|c| c % lines.len()).collect();
            cuts.push(lines.len());
            cuts.sort_unstable();
            cuts.dedup();
            let mut start = 0;
            for c in cuts {
                if c > start {
                    groups.push((start..c).collect());
                    start = c;
                }
            }
        }
        Split::BySite | Split::ByMonth => {
            let mut keys: Vec<u32> = Vec::new();
            for (i, r) in rows.iter().enumerate() {
                let k = match how {
                    Split::BySite => r.0 as u32,
                    _ => r.1,
                };
                match keys.iter().position(|x| *x == k) {
                    Some(g) => groups[g].push(i),
                    None => {
                        keys.push(k);
                        groups.push(vec![i]);
                    }
                }
            }
        }
    }
    groups
        .iter()
        .map(|g| {
            let mut t = HEADER.to_string();
            for &i in g {
                t.push_str(&lines[i]);
            }
            t
        })
        .collect()
}

fn inventory(s: &Session, file: &str, out: &str) {
    let mini = mini_set();
    let r = s.ghg(&[
        "inventory",
        file,
        "--factors",
        &mini,
        "--fallback-factors",
        "none",
        "--allow-rejects",
        "--out",
        out,
    ]);
    assert_eq!(r.code, 0, "{file}: {}", r.stderr);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 16, .. ProptestConfig::default() })]

    #[test]
    fn merge_of_any_split_is_the_single_run_byte_for_byte(
        rows in prop::collection::vec((0usize..4, 1u32..13, 0usize..5, 1u64..1_000_000, 0u32..100), 1..40),
        how in split(),
    ) {
        let s = Session::new();
        let lines: Vec<String> = rows.iter().enumerate().map(|(i, r)| line(i, r)).collect();
        s.write("all.csv", &format!("{HEADER}{}", lines.concat()));
        inventory(&s, "all.csv", "whole");
        let texts = parts(&lines, &rows, &how);
        let mut dirs = Vec::new();
        for (i, t) in texts.iter().enumerate() {
            let (file, dir) = (format!("part-{i}.csv"), format!("run-{i}"));
            s.write(&file, t);
            inventory(&s, &file, &dir);
            dirs.push(dir);
        }
        let mut args = vec!["merge", "--out", "merged"];
        args.extend(dirs.iter().map(String::as_str));
        let m = s.ghg(&args);
        prop_assert_eq!(m.code, 0, "{}", m.stderr);
        let whole = s.read("whole/inventory.json");
        prop_assert_eq!(&s.read("merged/inventory.json"), &whole, "{:?} into {} parts", how, texts.len());
        // Real figures, not just agreement: every row is read and the unknown ones rejected.
        let j: serde_json::Value = serde_json::from_str(&whole).unwrap();
        let unknown = rows.iter().filter(|r| r.2 == 4).count();
        prop_assert_eq!(j["rows"]["read"].as_u64(), Some(rows.len() as u64));
        prop_assert_eq!(j["rows"]["rejected"].as_u64(), Some(unknown as u64));
        // Gas: the sum of its quantities times the mini set's 0.18296 kg CO2e per kWh.
        let gas: Decimal = rows
            .iter()
            .filter(|r| r.2 == 0)
            .map(|r| Decimal::from(r.3) + Decimal::new(i64::from(r.4), 2))
            .sum();
        let listed = j["by_activity"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["factor_key"] == "1_100_1004_6")
            .map(|a| Decimal::from_str(a["kg_co2e"].as_str().unwrap()).unwrap());
        let want = rows
            .iter()
            .any(|r| r.2 == 0)
            .then(|| gas * Decimal::from_str("0.18296").unwrap());
        prop_assert_eq!(listed, want);
    }
}
