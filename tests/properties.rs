//! Properties over generated input: junk never panics, row order never matters, and the ledger
//! adds up to the totals.

use ghg::activity::Input;
use ghg::engine::{self, Edition, Resolver, Sinks};
use ghg::factors::Catalog;
use proptest::prelude::*;
use rust_decimal::Decimal;
use std::collections::{BTreeMap, HashMap};
use std::str::FromStr;

fn resolver() -> Resolver {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/factors/mini-desnz-2025.toml"
    );
    let set = Catalog::discover(&[]).unwrap().load(path).unwrap();
    Resolver {
        sets: vec![set],
        edition: Edition::Fixed(0),
        spend: Vec::new(),
        aliases: HashMap::new(),
        deflators: BTreeMap::new(),
        upstream: true,
        residual_mix: None,
    }
}

fn run(text: &[u8], ledger: bool) -> ghg::Result<(engine::RunOutput, Vec<u8>)> {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("in.csv");
    std::fs::write(&p, text).unwrap();
    let mut buf = Vec::new();
    let sinks = Sinks {
        ledger: if ledger { Some(&mut buf) } else { None },
        rejects: None,
    };
    let out = engine::run(vec![Input::Path(p)], &resolver(), sinks)?;
    Ok((out, buf))
}

fn cell() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just("1_100_1004_6".to_string()),
        Just("7_400_4000_5".to_string()),
        Just("kWh".to_string()),
        Just("MWh (Net CV)".to_string()),
        Just("litres".to_string()),
        Just("£1,234.50".to_string()),
        Just("1e40".to_string()),
        Just("79228162514264337593543950335".to_string()),
        Just("2024/25".to_string()),
        "[0-9.,eE+-]{0,12}",
        any::<String>(),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, .. ProptestConfig::default() })]

    /// Any cells in any row: the run finishes, and every row is used or rejected.
    #[test]
    fn junk_rows_are_counted_never_panic(rows in prop::collection::vec(prop::collection::vec(cell(), 0..7), 0..20)) {
        let mut text = String::from("site,period,activity,quantity,unit,market_factor\n");
        for r in &rows {
            let quoted: Vec<String> = r.iter().map(|c| format!("\"{}\"", c.replace('"', "\"\""))).collect();
            text.push_str(&quoted.join(","));
            text.push('\n');
        }
        let (out, _) = run(text.as_bytes(), true).unwrap();
        let rows = out.inventory.rows;
        prop_assert_eq!(rows.read, rows.used + rows.rejected);
    }

    /// Arbitrary bytes as a whole file: an error or a result, never a panic.
    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        let mut text = b"activity,quantity,unit\n".to_vec();
        text.extend_from_slice(&bytes);
        if let Ok((out, _)) = run(&text, false) {
            let rows = out.inventory.rows;
            prop_assert_eq!(rows.read, rows.used + rows.rejected);
        }
    }

    /// Shuffling rows changes no total, and ledger lines add up to the totals.
    #[test]
    fn order_free_and_ledger_adds_up(qs in prop::collection::vec((0usize..4, 0u64..10_000_000, 0u32..6), 1..40), seed in any::<u64>()) {
        let acts = ["1_100_1004_6,kWh", "7_400_4000_5,MWh", "1_101_1011_8,litres", "17_404_4005_1,m3"];
        let mut lines: Vec<String> = qs.iter().map(|(a, q, s)| {
            let parts: Vec<&str> = acts[*a].split(',').collect();
            format!("{},{},{}", parts[0], Decimal::new(*q as i64, *s), parts[1])
        }).collect();
        let header = "activity,quantity,unit\n";
        let a = format!("{header}{}\n", lines.join("\n"));
        let mut state = seed;
        for i in (1..lines.len()).rev() {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1);
            lines.swap(i, (state >> 33) as usize % (i + 1));
        }
        let b = format!("{header}{}\n", lines.join("\n"));
        let (ra, ledger) = run(a.as_bytes(), true).unwrap();
        let (rb, _) = run(b.as_bytes(), false).unwrap();
        prop_assert_eq!(&ra.inventory.groups, &rb.inventory.groups);
        let total = ra.inventory.headline().unwrap().total_location().unwrap().value().unwrap();
        let mut sum = Decimal::ZERO;
        let mut rdr = csv::ReaderBuilder::new().has_headers(false).from_reader(ledger.as_slice());
        for rec in rdr.records() {
            let rec = rec.unwrap();
            sum += Decimal::from_str(&rec[9]).unwrap();
        }
        prop_assert_eq!(sum.normalize(), total.normalize());
    }
}

/// A product too large for 96 bits is a reject at its row, not a wrap or a panic.
#[test]
fn overflow_is_a_reject() {
    let text = "activity,quantity,unit\n7_400_4000_5,79228162514264337593543950335,GWh\n7_400_4000_5,1,kWh\n";
    let (out, _) = run(text.as_bytes(), false).unwrap();
    assert_eq!(out.inventory.rows.rejected, 1);
    assert!(
        out.first_rejects[0].reason.contains("overflow"),
        "{}",
        out.first_rejects[0].reason
    );
    assert_eq!(out.inventory.rows.used, 1);
}
