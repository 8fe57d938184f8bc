//! The engine on 1M generated rows, beside a bare CSV parse of the same bytes (the ceiling).
//! The README reports the ratio of the two, measured in one run on one machine.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use ghg::activity::Input;
use ghg::engine::{self, Resolver, Sinks};
use ghg::factors::Catalog;
use std::io::Write;

const ROWS: usize = 1_000_000;

fn generate(path: &std::path::Path) -> u64 {
    let acts = [
        ("1_100_1004_6", "kWh", "123.456"),
        ("7_400_4000_5", "MWh", "1.5"),
        ("1_101_1011_8", "litres", "77.7"),
        ("17_404_4005_1", "m3", "12"),
        ("18_405_4006_1", "cubic metres", "0.333"),
    ];
    let mut w = std::io::BufWriter::new(std::fs::File::create(path).expect("create"));
    writeln!(w, "site,period,activity,quantity,unit,ref").expect("write");
    for i in 0..ROWS {
        let (a, u, q) = acts[i % acts.len()];
        writeln!(
            w,
            "site-{},2025-{:02},{a},{q}{},{u},INV-{i}",
            i % 50,
            1 + i % 12,
            i % 10
        )
        .expect("write");
    }
    w.flush().expect("flush");
    std::fs::metadata(path).expect("meta").len()
}

fn bench(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("rows.csv");
    let bytes = generate(&path);
    let set_path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/factors/mini-desnz-2025.toml"
    );
    let catalog = Catalog::discover(&[]).expect("catalog");
    let set = catalog.load(set_path).expect("fixture set");
    let resolver = Resolver::single(set);
    let mut g = c.benchmark_group("1M rows");
    g.sample_size(10);
    g.throughput(Throughput::Bytes(bytes));
    g.bench_function("bare csv parse", |b| {
        b.iter(|| {
            let mut rdr = csv::ReaderBuilder::new()
                .has_headers(true)
                .from_path(&path)
                .expect("open");
            let mut rec = csv::ByteRecord::new();
            let mut n = 0usize;
            while rdr.read_byte_record(&mut rec).expect("read") {
                n += 1;
            }
            assert_eq!(n, ROWS);
        })
    });
    g.bench_function("inventory", |b| {
        b.iter(|| {
            let out = engine::run(vec![Input::Path(path.clone())], &resolver, Sinks::default())
                .expect("run");
            assert_eq!(out.inventory.rows.used, ROWS as u64);
        })
    });
    g.bench_function("inventory with ledger", |b| {
        b.iter(|| {
            let mut sink = std::io::sink();
            let sinks = Sinks {
                ledger: Some(&mut sink),
                rejects: None,
            };
            let out = engine::run(vec![Input::Path(path.clone())], &resolver, sinks).expect("run");
            assert_eq!(out.inventory.rows.used, ROWS as u64);
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
