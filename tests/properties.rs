//! Properties over generated input: junk never panics, row order never matters, and the ledger
//! adds up to the totals.

use ghg::activity::Input;
use ghg::engine::{self, Resolver, Sinks};
use ghg::factors::Catalog;
use proptest::prelude::*;
use rust_decimal::Decimal;
use std::str::FromStr;

fn resolver() -> Resolver {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/factors/mini-desnz-2025.toml"
    );
    let set = Catalog::discover(&[]).unwrap().load(path).unwrap();
    Resolver::single(set)
}

/// `f` run in a pool of `threads` threads (the engine runs one worker per thread).
fn on_threads<T: Send>(threads: usize, f: impl FnOnce() -> T + Send) -> T {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap();
    pool.install(f)
}

/// `text` written to `in.csv` in a directory of its own (kept while the guard lives).
fn in_csv(text: &[u8]) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("in.csv");
    std::fs::write(&p, text).unwrap();
    (dir, p)
}

fn run(text: &[u8], ledger: bool) -> ghg::Result<(engine::RunOutput, Vec<u8>)> {
    let (_dir, p) = in_csv(text);
    let mut buf = Vec::new();
    let sinks = Sinks {
        ledger: if ledger { Some(&mut buf) } else { None },
        rejects: None,
    };
    let out = engine::run(vec![Input::Path(p)], &resolver(), sinks)?;
    Ok((out, buf))
}

/// Runs `text` the fast way (no ledger) and row by row (with a ledger), checks that both
/// give the same groups, and returns the fast run.
fn same_on_both_paths(text: &[u8]) -> engine::RunOutput {
    let (fast, _) = run(text, false).unwrap();
    let (per_row, _) = run(text, true).unwrap();
    assert_eq!(fast.inventory.groups, per_row.inventory.groups);
    fast
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
    #![proptest_config(ProptestConfig { cases: 256, .. ProptestConfig::default() })]

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

/// A TOML basic string holding `s` exactly.
fn toml_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Text for a numeric field: decimals across the whole range (28 places, MAX, MIN), TOML
/// number forms, and junk.
fn number_text() -> impl Strategy<Value = String> {
    prop_oneof![
        (any::<i128>(), 0u32..=28).prop_map(|(m, s)| {
            Decimal::try_from_i128_with_scale(m % 79_228_162_514_264_337_593_543_950_336, s)
                .map(|d| d.to_string())
                .unwrap_or_default()
        }),
        Just(Decimal::MAX.to_string()),
        Just(Decimal::MIN.to_string()),
        Just("0.0000000000000000000000000001".to_string()),
        Just("-0.0000000000000000000000000001".to_string()),
        Just("79228162514264337593543950336".to_string()),
        Just("1e999".to_string()),
        Just("1e-999".to_string()),
        Just("9.65519999999227e-05".to_string()),
        Just("-0".to_string()),
        Just("nan".to_string()),
        Just("inf".to_string()),
        Just("1_000.5".to_string()),
        Just("0x1F".to_string()),
        Just("99999999999999999999".to_string()),
        Just("-9223372036854775808".to_string()),
        "[0-9.eE+_-]{0,40}",
        any::<String>(),
    ]
}

/// A numeric field as written in TOML: quoted, or bare when it could be a TOML number.
fn number_value() -> impl Strategy<Value = String> {
    (number_text(), any::<bool>()).prop_map(|(t, bare)| {
        let could_be_bare = !t.is_empty()
            && t.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"._+-".contains(&b));
        if bare && could_be_bare {
            t
        } else {
            toml_string(&t)
        }
    })
}

const FACTOR_NUMBERS: [&str; 6] = ["kg_co2e", "co2", "ch4", "n2o", "other", "category"];
const HEADER_NUMBERS: [&str; 4] = ["edition", "price_year", "source_rows", "published_dp"];

proptest! {
    #![proptest_config(ProptestConfig { cases: 500, .. ProptestConfig::default() })]

    /// Any values in the numeric fields of a factor file: problems or a set, never a panic.
    #[test]
    fn factor_file_numbers_never_panic(
        header in prop::collection::vec(prop::option::of(number_value()), 4),
        factors in prop::collection::vec(
            (prop_oneof![
                Just("\"1\"".to_string()),
                Just("\"3\"".to_string()),
                Just("3".to_string()),
                Just("\"outside\"".to_string()),
                number_value(),
            ],
             prop::collection::vec(prop::option::weighted(0.8, number_value()), 6),
             prop::collection::vec(number_value(), 0..3),
             any::<bool>()),
            1..4),
        spend in any::<bool>(),
        published_dp in prop::option::of(0u32..=28),
    ) {
        let mut text = String::from("[set]\nid = \"t\"\npublisher = \"P\"\ntitle = \"T\"\nlicence = \"L\"\ngwp = \"AR5\"\n");
        if spend {
            text.push_str("kind = \"spend\"\ncurrency = \"GBP\"\n");
        }
        for (name, v) in HEADER_NUMBERS.iter().zip(&header) {
            match (name, v, published_dp) {
                (&"published_dp", None, Some(dp)) => text.push_str(&format!("published_dp = {dp}\n")),
                (_, Some(v), _) => text.push_str(&format!("{name} = {v}\n")),
                _ => {}
            }
        }
        for (i, (scope, fields, extra, published)) in factors.iter().enumerate() {
            text.push_str(&format!("\n[[factor]]\nkey = \"k{i}\"\nscope = {scope}\nunit = \"kWh\"\nupstream = [\"k{}\"]\n", (i + 1) % factors.len()));
            if !published {
                text.push_str("published = false\n");
            }
            for (name, v) in FACTOR_NUMBERS.iter().zip(fields) {
                if let Some(v) = v {
                    text.push_str(&format!("{name} = {v}\n"));
                }
            }
            if !extra.is_empty() {
                text.push_str("[factor.gases]\n");
                for (j, v) in extra.iter().enumerate() {
                    text.push_str(&format!("g{j} = {v}\n"));
                }
            }
        }
        let (set, problems) = ghg::factors::parse_set("p.toml", &text);
        for p in &problems {
            prop_assert!(p.pos.line >= 1, "{:?}", p);
        }
        if problems.is_empty() {
            prop_assert_eq!(set.factors.len(), factors.len());
        }
    }

    /// Any factor value, gwp_value and GWP table value through `--gwp`: a problem, an error or
    /// a recomputed set, never a panic.
    #[test]
    fn gwp_values_never_panic(kg in number_value(), old in number_value(), new in number_value()) {
        let text = format!(
            "[set]\nid = \"g\"\npublisher = \"P\"\nedition = 2024\ntitle = \"T\"\nlicence = \"L\"\n\
             gwp = \"AR5\"\n\n[[factor]]\nkey = \"k\"\nscope = \"1\"\nunit = \"kg\"\n\
             kg_co2e = {kg}\ngwp_gas = \"x\"\ngwp_value = {old}\ngwp_basis = \"AR5\"\n"
        );
        let (set, problems) = ghg::factors::parse_set("g.toml", &text);
        let table = format!("[[gas]]\nname = \"x\"\ncode = \"X\"\ncas = \"1\"\nar6 = {new}\nsource = \"s\"\n");
        if let (true, Ok(t)) = (problems.is_empty(), ghg::factors::gwp::parse_gwp("t.toml", &table)) {
            let _ = ghg::factors::gwp::with_basis(&set, ghg::factors::gwp::Basis::Ar6, &t);
        }
    }

    /// Any values in the deflator and alias tables: an error or a table, never a panic.
    #[test]
    fn deflator_and_alias_values_never_panic(
        values in prop::collection::vec((number_text(), number_value()), 0..6),
        names in prop::collection::vec(any::<String>(), 0..4),
    ) {
        let mut text = String::from("[[series]]\nid = \"D7BT\"\nname = \"CPI\"\npublisher = \"ONS\"\nlicence = \"OGL\"\ncurrency = \"GBP\"\nbase = \"2015=100\"\nvintage = \"v\"\nsource_url = \"u\"\n\n[series.values]\n");
        for (year, v) in &values {
            text.push_str(&format!("{} = {v}\n", toml_string(year)));
        }
        let _ = ghg::factors::tables::parse_deflators("d.toml", &text);
        let mut text = String::new();
        for (i, n) in names.iter().enumerate() {
            text.push_str(&format!("[[alias]]\nname = {}\nkey = \"k{i}\"\nalso = [{}]\n", toml_string(n), toml_string(n)));
        }
        let _ = ghg::factors::tables::parse_aliases("a.toml", &text);
    }
}

/// Quantities so large that a running sum fills every few hundred rows: full sums are moved
/// out and summed exactly, within a worker and when the workers' sums are added together, so
/// the groups are the per-row path's on 1, 2 and 5 threads.
#[test]
fn running_sums_that_fill_lose_nothing_on_any_thread_count() {
    let mut text = String::from("activity,quantity,unit,site,period\n");
    for i in 0..60_000u64 {
        text.push_str(&format!(
            "1_100_1004_6,{}000000000000000.{},kWh,site-{},2025-0{}\n",
            1 + i % 9,
            i % 10,
            i % 3,
            1 + i % 2
        ));
    }
    assert!(text.len() > 2 << 20, "spans several blocks");
    let (_dir, p) = in_csv(text.as_bytes());
    let run_on = |threads: usize, ledger: bool| {
        let mut buf = Vec::new();
        let sinks = Sinks {
            ledger: if ledger { Some(&mut buf) } else { None },
            rejects: None,
        };
        let input = vec![Input::Path(p.clone())];
        on_threads(threads, || engine::run(input, &resolver(), sinks))
            .unwrap()
            .inventory
    };
    let per_row = run_on(1, true);
    assert_eq!(per_row.rows.used, 60_000);
    assert_eq!(
        per_row.groups.len(),
        6 * 2,
        "three sites, two months, two lines each"
    );
    for threads in [1, 2, 5] {
        assert_eq!(run_on(threads, false), per_row, "{threads} threads");
    }
}

/// Several blocks' worth of rows (quoted fields with line breaks, rejects, blank lines, rows on
/// the fast and the per-row path): the inventory, the ledger and the rejects are the same bytes
/// on 1, 2 and 5 threads, and the fast path (no ledger) gives the per-row path's figures.
#[test]
fn results_do_not_depend_on_threads_or_blocks() {
    let acts = [
        "1_100_1004_6,{q},kWh",
        "7_400_4000_5,{q},MWh",
        "1_101_1011_8,{q},litres",
        "17_404_4005_1,{q},m3",
        "1_100_1004_6,\"{q}\",\"k\nWh\"",
        "nonsense,{q},kWh",
        "1_101_1011_8,-{q},litres",
        ",,",
        "7_400_4000_5,\"1,{q}\",kWh",
    ];
    let mut text = String::from("activity,quantity,unit,site,period\n");
    let mut state = 7u64;
    for i in 0..120_000u64 {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let a = acts[(state >> 33) as usize % acts.len()];
        let q = format!("{}.{}", (state >> 20) % 100_000, i % 1000);
        text.push_str(&a.replace("{q}", &q));
        text.push_str(&format!(",site-{},2025-{:02}\n", i % 37, 1 + i % 12));
    }
    assert!(text.len() > 3 << 20, "spans several blocks");
    let (_dir, p) = in_csv(text.as_bytes());
    let run_on = |threads: usize, ledger: bool| {
        let mut buf = Vec::new();
        let mut rejects = Vec::new();
        let mut keep = |r: &ghg::model::Reject| -> ghg::Result<()> {
            rejects.push(r.to_string());
            Ok(())
        };
        let sinks = Sinks {
            ledger: if ledger { Some(&mut buf) } else { None },
            rejects: Some(&mut keep),
        };
        let input = vec![Input::Path(p.clone())];
        let out = on_threads(threads, || engine::run(input, &resolver(), sinks)).unwrap();
        (out.inventory, out.files[0].records, buf, rejects)
    };
    let one = run_on(1, true);
    assert!(one.0.rows.rejected > 10_000 && one.0.rows.used > 50_000);
    assert_eq!(one.0.rows.blank + one.0.rows.read, one.1);
    for threads in [2, 5] {
        let other = run_on(threads, true);
        assert_eq!(one.0, other.0, "{threads} threads");
        assert!(one.2 == other.2, "ledger bytes differ on {threads} threads");
        assert_eq!(one.3, other.3);
        let fast = run_on(threads, false);
        assert_eq!(one.0, fast.0, "fast path on {threads} threads");
        assert_eq!(one.3, fast.3);
    }
    // A quoted line break moves line numbers on: a reject names the line its row starts on.
    let at = text.find("\nnonsense").unwrap() + 1;
    let line = text[..at].matches('\n').count() + 1;
    assert!(
        one.3[0..20]
            .iter()
            .any(|r| r.contains(&format!("in.csv:{line}:1: unknown activity"))),
        "{line}: {:?}",
        &one.3[0..5]
    );
}

/// A plain file on disk is cut into raw blocks that the workers parse; anything else (here
/// the same text shipped in memory) is parsed by the reader alone. Over block boundaries
/// that fall inside quoted fields holding line breaks, in a CRLF file with a byte-order
/// mark, blank lines, bare carriage returns, a runaway quote near the end and no final line
/// feed, both give the same inventory, ledger bytes, rejects and record count, on 1 and 2
/// threads.
#[test]
fn raw_blocks_give_the_one_reader_results() {
    blocks_match_the_reader(true);
}

/// As [`raw_blocks_give_the_one_reader_results`], for blocks with no quote, which workers
/// split in place instead of parsing: rows on the fast path, rows priced one by one (rejects,
/// non-ASCII sites, extra fields) and blank lines among CRLF, LF and bare CR line ends.
#[test]
fn unquoted_blocks_split_in_place_give_the_one_reader_results() {
    blocks_match_the_reader(false);
}

/// As [`raw_blocks_give_the_one_reader_results`], for the same texts saved as UTF-16 (big-
/// endian with quotes, little-endian without): decoded as read, cut into blocks of the
/// decoded text, with the file's own bytes hashed and counted.
#[test]
fn utf16_blocks_give_the_one_reader_results() {
    blocks_match_the_reader_in(true, Some(false));
    blocks_match_the_reader_in(false, Some(true));
}

fn blocks_match_the_reader(quoted: bool) {
    blocks_match_the_reader_in(quoted, None);
}

/// The check, with the file saved as UTF-16 (little-endian when `Some(true)`) if asked.
fn blocks_match_the_reader_in(quoted: bool, utf16: Option<bool>) {
    let acts = if quoted {
        [
            "1_100_1004_6,{q},kWh",
            "\"7_400_4000_5\",\"{q}\",\"MWh\"",
            "\"1_101_1011_8\nwith a break\",{q},litres",
            "17_404_4005_1,{q},\"m\r\n3\"",
            "nonsense,{q},kWh",
            "",
            ",,",
            "1_100_1004_6,{q},kWh\r",
        ]
    } else {
        [
            "1_100_1004_6,{q},kWh",
            "7_400_4000_5, {q} ,MWh",
            "1_101_1011_8,-{q},litres",
            "17_404_4005_1,{q},m3\r",
            "nonsense,{q},kWh",
            "",
            ",,,,",
            "1_100_1004_6,{q}£,kWh",
        ]
    };
    let mut text = String::from("\u{feff}activity,quantity,unit,site,period\r\n");
    let mut state = 11u64;
    let mut i = 0u64;
    while text.len() < 5 << 20 {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let a = acts[(state >> 33) as usize % acts.len()];
        let q = format!("{}.{}", (state >> 20) % 100_000, i % 1000);
        text.push_str(&a.replace("{q}", &q));
        if !a.is_empty() && quoted {
            text.push_str(&format!(",\"site\r\n{}\",2025-{:02}", i % 37, 1 + i % 12));
        } else if !a.is_empty() && !a.starts_with(',') {
            let site = ["café", "ward 7 🏥", "x"][i as usize % 3];
            text.push_str(&format!(",{site} {},2025-{:02}", i % 37, 1 + i % 12));
            if i % 101 == 0 {
                text.push_str(",extra");
            }
        }
        text.push_str(["\r\n", "\n", "\r"][i as usize % 3]);
        i += 1;
    }
    if quoted {
        text.push_str("1_100_1004_6,\"5,kWh,s,2025-01\r\n1_100_1004_6,6,kWh,s,2025-02");
    } else {
        text.push_str("1_100_1004_6,6,kWh,s,2025-02");
    }
    let bytes: Vec<u8> = match utf16 {
        None => text.clone().into_bytes(),
        Some(little) => (text.encode_utf16())
            .flat_map(|u| {
                if little {
                    u.to_le_bytes()
                } else {
                    u.to_be_bytes()
                }
            })
            .collect(),
    };
    let (_dir, p) = in_csv(&bytes);
    let shipped: &'static str = Box::leak(text.into_boxed_str());
    let run_on = |input: Input, threads: usize, ledger: bool| {
        let mut buf = Vec::new();
        let mut rejects = Vec::new();
        let mut keep = |r: &ghg::model::Reject| -> ghg::Result<()> {
            rejects.push(r.to_string());
            Ok(())
        };
        let sinks = Sinks {
            ledger: if ledger { Some(&mut buf) } else { None },
            rejects: Some(&mut keep),
        };
        let layout = ghg::activity::Layout::default();
        let out = engine::run_on(
            threads,
            vec![input],
            &layout,
            &resolver(),
            sinks,
            &mut |_| {},
            true,
        )
        .unwrap();
        let f = &out.files[0];
        let file = (f.records, f.sha256.clone(), f.bytes);
        (out.inventory, file, buf, rejects)
    };
    let name = p.display().to_string();
    let want = run_on(Input::Embedded(name, shipped), 1, true);
    assert!(want.0.rows.used > 30_000 && want.0.rows.rejected > 5_000);
    assert!(want.0.rows.blank > 5_000);
    if quoted {
        let last = want.3.last().unwrap();
        assert!(last.contains("never closed"), "{last}");
    }
    for threads in [1, 2] {
        for ledger in [true, false] {
            let got = run_on(Input::Path(p.clone()), threads, ledger);
            assert_eq!(want.0, got.0, "{threads} threads, ledger {ledger}");
            if utf16.is_some() {
                // The file's own bytes are hashed and counted, not the decoded text.
                let sha = format!("{:x}", <sha2::Sha256 as sha2::Digest>::digest(&bytes));
                assert_eq!((want.1 .0, sha, bytes.len() as u64), got.1);
            } else {
                assert_eq!(want.1, got.1, "{threads} threads");
            }
            if ledger {
                assert!(want.2 == got.2, "ledger bytes differ on {threads} threads");
            }
            assert_eq!(want.3, got.3, "{threads} threads");
        }
    }
}

#[test]
fn a_factor_reached_by_two_units_is_one_group_on_both_paths() {
    // The fast path keeps one running sum per (period, activity, unit) as written, so kWh and
    // MWh rows of one factor become two sums; they must still make one group, equal to the
    // per-row path's.
    let text = b"site,period,activity,quantity,unit\n\
        S,2025-01,7_400_4000_5,1000,kWh\n\
        S,2025-01,7_400_4000_5,1,MWh\n\
        S,2025-01, 7_400_4000_5,500,kWh\n";
    let fast = same_on_both_paths(text);
    let groups: Vec<_> = fast.inventory.groups.iter().collect();
    // One primary line and its upstream (well-to-tank, T&D) lines, each once.
    let mut keys: Vec<String> = groups
        .iter()
        .map(|(k, _)| format!("{}:{:?}", k.factor, k.upstream_of))
        .collect();
    keys.dedup();
    assert_eq!(keys.len(), groups.len(), "{keys:?}");
    let (_, primary) = groups
        .iter()
        .find(|(k, _)| k.upstream_of.is_none())
        .unwrap();
    assert_eq!(primary.lines, 3);
    assert_eq!(primary.quantity.value(), Some(Decimal::from(2500)));
    // 2,500 kWh x 0.177 kg CO2e/kWh
    assert_eq!(
        primary.kg.value(),
        Some(Decimal::from_str("442.5").unwrap())
    );
}

#[test]
fn full_running_sums_are_moved_into_the_group_sums() {
    // The fast path sums quantities of one (period, activity, unit, site) in an i64 at the
    // widest scale seen. Rows near i64::MAX, and a small decimal that widens the scale, fill
    // it: each full sum moves into the exact group sums and summing starts again. The
    // figures must be the per-row path's, to the last digit.
    let text = b"site,period,activity,quantity,unit\n\
        S,2025-01,7_400_4000_5,5000000000000000000,kWh\n\
        S,2025-01,7_400_4000_5,5000000000000000000,kWh\n\
        S,2025-01,7_400_4000_5,0.5,kWh\n\
        S,2025-01,7_400_4000_5,9000000000000000000,kWh\n\
        T,2025-01,7_400_4000_5,0.000000001,kWh\n\
        T,2025-01,7_400_4000_5,9000000000,kWh\n\
        T,2025-01,7_400_4000_5,7,kWh\n";
    let fast = same_on_both_paths(text);
    assert_eq!(fast.inventory.rows.used, 7);
    let primary = |site: &str| {
        let (_, t) = (fast.inventory.groups.iter())
            .find(|(k, _)| k.upstream_of.is_none() && &*k.site == site)
            .unwrap();
        (t.lines, t.quantity.value().unwrap().to_string())
    };
    assert_eq!(primary("S"), (4, "19000000000000000000.5".to_string()));
    assert_eq!(primary("T"), (3, "9000000007.000000001".to_string()));
}

#[test]
fn groups_summed_on_both_paths_at_once_are_one_group() {
    // In one run, rows of one group go both ways: a plain quantity the fast way, a quantity
    // with a thousands separator (or a trailing space inside quotes) row by row. A worker's
    // end takes its per-row groups and its running sums in one key order and sums equal keys,
    // so each group is once, with the per-row path's figures.
    let mut text = String::from("site,period,activity,quantity,unit\n");
    for site in ["A", "B", "C"] {
        for m in 1..=3 {
            text.push_str(&format!("{site},2025-{m:02},7_400_4000_5,1000,kWh\n"));
            text.push_str(&format!("{site},2025-{m:02},7_400_4000_5,\"1,000\",kWh\n"));
            text.push_str(&format!("{site},2025-{m:02},1_100_1004_6,250.5,kWh\n"));
        }
        text.push_str(&format!("{site},2025-01,1_100_1004_6,\"1,250\",kWh\n"));
    }
    let fast = same_on_both_paths(text.as_bytes());
    assert_eq!(fast.inventory.rows.used, 30);
    let keys: Vec<_> = fast.inventory.groups.keys().collect();
    assert!(
        keys.windows(2).all(|w| w[0] < w[1]),
        "sorted, each key once"
    );
    let (_, t) = (fast.inventory.groups.iter())
        .find(|(k, _)| {
            &*k.site == "B"
                && k.factor.as_ref() == "7_400_4000_5"
                && k.upstream_of.is_none()
                && k.period.map(|p| p.to_string()).as_deref() == Some("2025-02")
        })
        .unwrap();
    assert_eq!(
        (t.lines, t.quantity.value()),
        (2, Some(Decimal::from(2000)))
    );
}
