//! Any bytes as an activity CSV: the run finishes with every row used or rejected, or stops
//! with an error naming the file; it never panics.
#![no_main]

use ghg::activity::Input;
use ghg::engine::{self, Resolver, Sinks};
use ghg::factors::Catalog;
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

fn resolver() -> &'static Resolver {
    static R: OnceLock<Resolver> = OnceLock::new();
    R.get_or_init(|| {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../tests/fixtures/factors/mini-desnz-2025.toml"
        );
        Resolver::single(Catalog::discover(&[]).unwrap().load(path).unwrap())
    })
}

fuzz_target!(|data: &[u8]| {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("in.csv");
    std::fs::write(&p, data).unwrap();
    let mut ledger = Vec::new();
    let sinks = Sinks {
        ledger: Some(&mut ledger),
        rejects: None,
    };
    match engine::run(vec![Input::Path(p)], resolver(), sinks) {
        Ok(out) => {
            let rows = out.inventory.rows;
            assert_eq!(rows.read, rows.used + rows.rejected);
        }
        Err(e) => assert!(e.to_string().contains("in.csv"), "{e}"),
    }
});
