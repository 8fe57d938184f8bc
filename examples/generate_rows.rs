//! Writes the benchmark's activity file: ROWS rows of 8 activities over SITES sites (200 unless
//! given) and the 12 months of 2025, a unique `ref` per row, in a fixed pseudo-random order (the
//! same file on every machine).
//!
//! ```text
//! cargo run --release --example generate_rows -- 1000000 /tmp/rows-1m.csv
//! cargo run --release --example generate_rows -- 5000000 /tmp/rows-5m.csv 100000
//! ```

use std::io::Write;

/// Activity key, unit and a typical quantity scale (the quantity is this times 1-1000).
const ACTIVITIES: [(&str, &str, u64); 8] = [
    ("1_100_1004_6", "kWh", 100),  // natural gas (gross CV), scope 1
    ("7_400_4000_5", "kWh", 100),  // UK electricity, scope 2
    ("1_101_1011_8", "litres", 1), // diesel (average biofuel blend), scope 1
    ("1_101_1017_8", "litres", 1), // petrol (average biofuel blend), scope 1
    ("17_404_4005_1", "m3", 1),    // water supply, scope 3 category 1
    ("18_405_4006_1", "m3", 1),    // water treatment, scope 3 category 5
    ("25_301_3076_4", "km", 10),   // business travel, average car, scope 3 category 6
    ("4_301_3076_4", "km", 10),    // owned fleet, average car, scope 1
];

fn main() {
    let mut args = std::env::args().skip(1);
    let rows: u64 = args
        .next()
        .and_then(|a| a.parse().ok())
        .expect("usage: generate_rows ROWS OUT.csv [SITES]");
    let out = args
        .next()
        .expect("usage: generate_rows ROWS OUT.csv [SITES]");
    let sites: u64 = args
        .next()
        .map_or(Some(200), |a| a.parse().ok().filter(|n| *n > 0))
        .expect("SITES: a whole number above zero");
    let file = std::fs::File::create(&out).expect("create the output file");
    let mut w = std::io::BufWriter::with_capacity(1 << 20, file);
    writeln!(w, "site,period,activity,quantity,unit,ref").expect("write");
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    for i in 0..rows {
        // splitmix64: fixed, fast, good enough to spread rows over the keys.
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        let (key, unit, scale) = ACTIVITIES[(z % 8) as usize];
        let site = (z >> 8) % sites;
        let month = 1 + (z >> 16) % 12;
        let cents = 100 + (z >> 24) % 99_900;
        let q = cents * scale;
        writeln!(
            w,
            "SITE-{site:03},2025-{month:02},{key},{}.{:02},{unit},INV-{i:09}",
            q / 100,
            q % 100
        )
        .expect("write");
    }
    w.flush().expect("flush");
}
