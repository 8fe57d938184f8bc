//! Robustness properties (256 cases each): any bytes as an activity file, a factor set or a
//! trajectory plan give an answer or an error that says where, never a panic; scaling every quantity by k scales
//! every total by k exactly, in any row order.

use ghg::activity::Input;
use ghg::engine::{self, Resolver, Sinks};
use ghg::factors::Catalog;
use ghg::model::Headline;
use proptest::prelude::*;
use rust_decimal::Decimal;

const PLAN: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/nhs-trust/plan.toml");

const MINI: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/factors/mini-desnz-2025.toml"
);

fn resolver() -> Resolver {
    Resolver::single(Catalog::discover(&[]).unwrap().load(MINI).unwrap())
}

fn run(text: &[u8]) -> ghg::Result<engine::RunOutput> {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("in.csv");
    std::fs::write(&p, text).unwrap();
    let sinks = Sinks {
        ledger: None,
        rejects: None,
    };
    engine::run(vec![Input::Path(p)], &resolver(), sinks)
}

/// Scope 1, 2 (both bases), 3 and the location total, exactly.
fn totals(h: &Headline) -> [Decimal; 5] {
    [
        h.scope_1.value().unwrap(),
        h.scope_2_location.value().unwrap(),
        h.scope_2_market.value().unwrap(),
        h.scope_3.value().unwrap(),
        h.total_location().unwrap().value().unwrap(),
    ]
}

/// Bytes that look like an activity file often enough to reach the row reader.
fn activity_bytes() -> impl Strategy<Value = Vec<u8>> {
    let piece = prop_oneof![
        Just(b"activity,quantity,unit\n".to_vec()),
        Just(b"1_100_1004_6,100,kWh\n".to_vec()),
        Just(b"\"unterminated,1,kWh\n".to_vec()),
        Just(b"\r".to_vec()),
        Just(b"\xff\xfe".to_vec()),
        Just(b"\xef\xbb\xbf".to_vec()),
        Just(b"\0".to_vec()),
        Just(b",,,,,,,,\n".to_vec()),
        Just("S\u{e9}t\u{e9},\u{2212}5,kWh\n".as_bytes().to_vec()),
        Just(b"S\xe9t\xe9,5,kWh\n".to_vec()),
        prop::collection::vec(any::<u8>(), 0..40),
    ];
    prop::collection::vec(piece, 0..12).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, .. ProptestConfig::default() })]

    /// Any bytes as an activity file: every row used or rejected, or an error naming the file.
    #[test]
    fn any_bytes_as_an_activity_file_answer_or_say_where(bytes in activity_bytes()) {
        match run(&bytes) {
            Ok(out) => {
                let rows = out.inventory.rows;
                prop_assert_eq!(rows.read, rows.used + rows.rejected);
                for r in &out.first_rejects {
                    prop_assert!(r.line >= 1, "{:?}", r);
                    prop_assert!(r.file.ends_with("in.csv"), "{:?}", r);
                }
            }
            Err(e) => {
                let text = e.to_string();
                prop_assert!(text.contains("in.csv"), "{}", text);
            }
        }
    }

    /// Any bytes spliced into a valid factor set: problems at a line of the file, or a set.
    #[test]
    fn any_bytes_in_a_factor_set_give_located_problems(
        at in 0usize..3100,
        junk in prop::collection::vec(any::<u8>(), 0..64),
        whole in any::<bool>(),
    ) {
        let base = std::fs::read(MINI).unwrap();
        let bytes = if whole {
            junk.clone()
        } else {
            let at = at.min(base.len());
            [&base[..at], &junk[..], &base[at..]].concat()
        };
        let text = String::from_utf8_lossy(&bytes);
        let lines = text.lines().count().max(1) as u64;
        let (set, problems) = ghg::factors::parse_set("p.toml", &text);
        for p in &problems {
            prop_assert!(p.pos.line >= 1 && p.pos.line <= lines + 1, "{:?}", p);
            prop_assert_eq!(&p.pos.file, "p.toml");
        }
        if problems.is_empty() {
            prop_assert!(!set.id().is_empty());
        }
    }

    /// Any bytes spliced into the shipped example's plan: a plan, or an error naming the plan
    /// file at a line inside it (or no line at all); never a panic.
    #[test]
    fn any_bytes_in_a_plan_give_a_plan_or_a_located_error(
        at in 0usize..3500,
        junk in prop::collection::vec(any::<u8>(), 0..64),
        whole in any::<bool>(),
    ) {
        let base = std::fs::read(PLAN).unwrap();
        let bytes = if whole {
            junk.clone()
        } else {
            let at = at.min(base.len());
            [&base[..at], &junk[..], &base[at..]].concat()
        };
        let text = String::from_utf8_lossy(&bytes);
        let lines = text.lines().count().max(1) as u64;
        match ghg::trajectory::plan::parse_plan("plan.toml", &text) {
            Ok(plan) => {
                let _ = plan.check_years(2019);
            }
            Err(e) => {
                prop_assert!(e.to_string().contains("plan.toml"), "{}", e);
                if let Some(p) = e.position() {
                    prop_assert_eq!(&p.file, "plan.toml");
                    prop_assert!(p.line <= lines + 1, "{:?}", p);
                }
            }
        }
    }

    /// Every quantity times k, rows in another order: every total is k times the original,
    /// exactly.
    #[test]
    fn scaling_quantities_by_k_scales_totals_by_k(
        rows in prop::collection::vec((0usize..4, 0u64..10_000_000, 0u32..5), 1..30),
        k_mantissa in 1i64..100_000,
        k_scale in 0u32..4,
        seed in any::<u64>(),
    ) {
        let k = Decimal::new(k_mantissa, k_scale);
        let acts = [
            ("1_100_1004_6", "kWh"),
            ("7_400_4000_5", "MWh"),
            ("1_101_1011_8", "litres"),
            ("17_404_4005_1", "m3"),
        ];
        let mut original = Vec::new();
        let mut scaled = Vec::new();
        for (a, q, s) in &rows {
            let (key, unit) = acts[*a];
            let q = Decimal::new(*q as i64, *s);
            original.push(format!("{key},{q},{unit}"));
            scaled.push(format!("{key},{},{unit}", q * k));
        }
        let mut state = seed;
        for i in (1..scaled.len()).rev() {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1);
            scaled.swap(i, (state >> 33) as usize % (i + 1));
        }
        let file = |lines: &[String]| format!("activity,quantity,unit\n{}\n", lines.join("\n"));
        let a = run(file(&original).as_bytes()).unwrap();
        let b = run(file(&scaled).as_bytes()).unwrap();
        prop_assert_eq!(a.inventory.rows.rejected, 0);
        prop_assert_eq!(b.inventory.rows.rejected, 0);
        let ta = totals(&a.inventory.headline().unwrap());
        let tb = totals(&b.inventory.headline().unwrap());
        for (x, y) in ta.iter().zip(&tb) {
            prop_assert_eq!((*x * k).normalize(), y.normalize());
        }
    }
}

/// Every known unit, parsed from its canonical name.
fn all_units() -> Vec<ghg::units::Unit> {
    ghg::units::known_unit_names()
        .into_iter()
        .map(|n| ghg::units::parse_unit(n).unwrap_or_else(|| panic!("unit {n} does not parse")))
        .collect()
}

/// True when `a * b` is exactly `p`, worked in 128-bit integers (Decimal's own
/// multiplication rounds past 28 digits, so it cannot check itself).
fn exact_product(a: Decimal, b: Decimal, p: Decimal) -> bool {
    let Some(m) = a.mantissa().checked_mul(b.mantissa()) else {
        return false;
    };
    let s = a.scale() + b.scale();
    let ten = |n: u32| 10i128.checked_pow(n);
    if p.scale() >= s {
        ten(p.scale() - s).and_then(|t| m.checked_mul(t)) == Some(p.mantissa())
    } else {
        ten(s - p.scale()).and_then(|t| p.mantissa().checked_mul(t)) == Some(m)
    }
}

/// `q` moved by a conversion as the engine moves it: times `num`, then over `den`; `None`
/// where that overflows, and whether the result is exact (no digit rounded away).
fn apply(q: Decimal, c: &ghg::units::Conversion) -> Option<(Decimal, bool)> {
    let product = q.checked_mul(c.num)?;
    let out = product.checked_div(c.den)?;
    let exact = exact_product(q, c.num, product) && exact_product(out, c.den, product);
    Some((out, exact))
}

/// A to B and B to A are inverse ratios, exactly, for every pair of units that convert.
#[test]
fn unit_conversions_there_and_back_are_inverse_ratios() {
    let units = all_units();
    let mut pairs = 0;
    for a in &units {
        for b in &units {
            let (Ok(there), Ok(back)) =
                (ghg::units::conversion(a, b), ghg::units::conversion(b, a))
            else {
                continue;
            };
            pairs += 1;
            assert_eq!(
                there.num * back.num,
                there.den * back.den,
                "{} -> {} -> {}: {there:?} then {back:?}",
                a.name,
                b.name,
                a.name
            );
        }
    }
    // Every unit with itself at least, and many more (kWh, MWh, GJ, therms, ...).
    assert!(pairs > units.len() * 2, "{pairs} pairs");
}

/// Any decimal, whole or not, of any scale.
fn any_decimal() -> impl Strategy<Value = Decimal> {
    (
        any::<u32>(),
        any::<u32>(),
        any::<u32>(),
        any::<bool>(),
        0u32..=28,
    )
        .prop_map(|(lo, mid, hi, neg, scale)| Decimal::from_parts(lo, mid, hi, neg, scale))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, .. ProptestConfig::default() })]

    /// Any decimal moved A -> B -> A never panics; where both steps are exact (most
    /// quantities people write, in units a whole or decimal ratio apart) it comes back equal.
    #[test]
    fn unit_conversion_round_trips_exactly_and_never_panics(
        q in prop_oneof![
            any_decimal(),
            (1i64..1_000_000_000_000, 0u32..6).prop_map(|(m, s)| Decimal::new(m, s)),
        ],
        i in any::<prop::sample::Index>(),
        j in any::<prop::sample::Index>(),
    ) {
        let units = all_units();
        let (a, b) = (i.get(&units), j.get(&units));
        if let (Ok(there), Ok(back)) = (ghg::units::conversion(a, b), ghg::units::conversion(b, a)) {
            if let Some((mid, exact_there)) = apply(q, &there) {
                if let Some((again, exact_back)) = apply(mid, &back) {
                    if exact_there && exact_back {
                        prop_assert_eq!(again, q, "{} -> {} ({}) -> {}", a.name, b.name, mid, a.name);
                    }
                }
            }
        }
    }
}

/// The round trip is exact for the units people mix most, at quantities with few digits.
#[test]
fn common_unit_round_trips_come_back_exactly() {
    let q = Decimal::new(123_456_789, 3); // 123456.789
    for (a, b) in [
        ("kWh", "MWh"),
        ("kWh", "GWh"),
        ("litres", "cubic metres"),
        ("kg", "tonnes"),
        ("miles", "km"),
        ("UK gallons", "litres"),
    ] {
        let (ua, ub) = (
            ghg::units::parse_unit(a).unwrap(),
            ghg::units::parse_unit(b).unwrap(),
        );
        let there = ghg::units::conversion(&ua, &ub).unwrap();
        let back = ghg::units::conversion(&ub, &ua).unwrap();
        let (mid, e1) = apply(q, &there).unwrap();
        let (again, e2) = apply(mid, &back).unwrap();
        assert!(e1, "{a} -> {b}: {mid} is not exact");
        if e2 {
            assert_eq!(again, q, "{a} -> {b} -> {a}");
        }
    }
}
