//! Loading a full DESNZ edition (about 3,500 factors) from TOML, exactly. Goal: under 20 ms.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use ghg::factors::parse_set;

fn bench(c: &mut Criterion) {
    let (name, text) = ["desnz/2025.toml", "desnz/2024.toml"]
        .iter()
        .find_map(|n| ghg::embedded::factor_file(n).map(|t| (*n, t)))
        .unwrap_or((
            "mini-desnz-2025.toml",
            include_str!("../tests/fixtures/factors/mini-desnz-2025.toml"),
        ));
    let (set, problems) = parse_set(name, text);
    assert!(problems.is_empty(), "{problems:?}");
    let count = set.factors.len();
    let mut g = c.benchmark_group("factor set");
    g.throughput(Throughput::Bytes(text.len() as u64));
    g.bench_function(format!("load {name} ({count} factors)"), |b| {
        b.iter(|| {
            let (s, p) = parse_set(name, text);
            assert!(p.is_empty());
            assert_eq!(s.factors.len(), count);
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
