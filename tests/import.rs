//! The importers and the sets they generated: shipped sets (embedded in the binary), small
//! fixtures under tests/fixtures/, and the full reference data in ../shared/data (those tests
//! are ignored by default, never passed by skipping; `.ci/run` runs them when it is present).

use ghg::factors::tables::{Aliases, Deflators};
use ghg::factors::write::render_set;
use ghg::factors::{parse_set, Catalog, FactorSet};
use ghg::importer::all::{compare_rows, desnz_csv, desnz_workbook, import_all, DESNZ_YEARS};
use ghg::importer::desnz_read::{read_csv, read_workbook};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Arc;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn fixture(name: &str) -> PathBuf {
    root().join("tests/fixtures/desnz").join(name)
}

fn shipped(id: &str) -> Arc<FactorSet> {
    Catalog::discover(&[])
        .and_then(|c| c.load(id))
        .unwrap_or_else(|e| panic!("{id}: {e}"))
}

fn value(set: &FactorSet, key: &str) -> String {
    let f = set
        .get(key)
        .unwrap_or_else(|| panic!("{} has no {key}", set.id()));
    f.kg_co2e.map(|v| v.to_string()).unwrap_or_default()
}

fn ghg(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ghg"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run ghg")
}

/// The shared reference data. The tests that need it are `#[ignore]`d, so `cargo test` never
/// passes them by skipping; `.ci/run` runs them with `--ignored` when ../shared/data exists,
/// and there a missing directory is a failure.
fn shared_data() -> PathBuf {
    let dir = std::env::var_os("GHG_SHARED_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("../shared/data"));
    assert!(
        dir.join("desnz_ghg_conversion_factors").is_dir(),
        "shared reference data not found at {} (set GHG_SHARED_DATA)",
        dir.display()
    );
    dir
}

#[test]
fn desnz_2023_electricity_keeps_its_fifteen_digits_through_a_round_trip() {
    let set = shipped("desnz-2023");
    assert_eq!(value(&set, "7_400_4000_5"), "0.207074288590604");
    let text = render_set(&set, &[]);
    let (again, problems) = parse_set("again.toml", &text);
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(value(&again, "7_400_4000_5"), "0.207074288590604");
}

#[test]
fn exponent_notation_in_the_source_converts_exactly() {
    // desnz_ghg_factors_2016.csv writes the CNG N2O part as 9.65519999999227e-05.
    let set = shipped("desnz-2016");
    let cng = set
        .factors
        .iter()
        .find(|f| f.labels.get(2).is_some_and(|l| l == "CNG") && f.column == "Energy - Gross CV")
        .expect("2016 CNG gross CV");
    let n2o = cng
        .gases
        .iter()
        .find(|(g, _)| g == "n2o")
        .map(|(_, v)| v.to_string());
    assert_eq!(n2o.as_deref(), Some("0.0000965519999999227"));
    let rows = read_csv(
        "mini-2016.csv",
        &std::fs::read(fixture("mini-2016.csv")).unwrap(),
        2016,
    )
    .unwrap();
    assert_eq!(rows[0].n2o.unwrap().to_string(), "0.0000965519999999227");
}

#[test]
fn desnz_2016_natural_gas_gross_cv_has_the_2023_key() {
    let set = shipped("desnz-2016");
    let gas = set
        .factors
        .iter()
        .find(|f| {
            f.labels == ["Fuels", "Gaseous fuels", "Natural gas"] && f.column == "Energy - Gross CV"
        })
        .expect("2016 natural gas gross CV");
    assert_eq!(gas.key, "1_100_1004_6");
    assert_eq!(gas.unit.name, "kWh (Gross CV)");
    assert_eq!(gas.id, None, "2016 has no publisher IDs");
}

#[test]
fn desnz_2025_has_3483_factors_and_validates() {
    let text = ghg::embedded::factor_file("desnz/2025.toml").expect("shipped desnz-2025");
    let (set, problems) = parse_set("factors/desnz/2025.toml", text);
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(set.factors.len(), 3483);
    assert_eq!(set.header.source_rows, Some(3483));
}

#[test]
fn every_shipped_set_validates_and_counts_its_source_rows() {
    let catalog = Catalog::discover(&[]).unwrap();
    assert!(catalog.entries().len() >= 26);
    for e in catalog.entries() {
        let set = catalog.load(&e.id).unwrap_or_else(|err| panic!("{err}"));
        if e.id == "nhs-clinical" {
            // Compiled from five files (a factor per agent and unit, per product, per class):
            // no one source's row count to match, so none is claimed.
            assert_eq!(set.header.source_rows, None);
            assert_eq!(set.factors.len(), 41);
            continue;
        }
        assert_eq!(
            set.header.source_rows,
            Some(set.factors.len() as u64),
            "{}",
            e.id
        );
    }
}

#[test]
fn desnz_2025_links_fuels_and_electricity_to_their_upstream_factors() {
    let set = shipped("desnz-2025");
    let links = |k: &str| -> Vec<(String, String)> {
        set.get(k)
            .unwrap()
            .upstream
            .iter()
            .map(|u| (u.clone(), value(&set, u)))
            .collect()
    };
    assert_eq!(value(&set, "1_100_1004_6"), "0.18296");
    assert_eq!(
        links("1_100_1004_6"),
        [("11_100_1004_6".into(), "0.03021".into())]
    );
    assert_eq!(value(&set, "1_101_1011_8"), "2.57082");
    assert_eq!(
        links("1_101_1011_8"),
        [("11_101_1011_8".into(), "0.61101".into())]
    );
    assert_eq!(value(&set, "7_400_4000_5"), "0.177");
    assert_eq!(
        links("7_400_4000_5"),
        [
            ("13_402_4000_5".into(), "0.01853".into()),
            ("15_917_4000_5".into(), "0.0459".into()),
            ("15_918_4000_5".into(), "0.00397".into()),
        ]
    );
    assert_eq!(set.get("11_100_1004_6").unwrap().category, Some(3));
}

#[test]
fn aliases_resolve_in_desnz_2023_to_2025() {
    let aliases = Aliases::shipped().unwrap();
    assert!(aliases.aliases.len() >= 30);
    assert_eq!(aliases.resolve("Natural Gas"), Some("1_100_1004_6"));
    // Aliases of anaesthetic gases name nhs-clinical keys (agent/unit): each, and each of its
    // `also` keys, must be a published factor there.
    let (desnz, clinical): (Vec<_>, Vec<_>) =
        aliases.aliases.iter().partition(|a| !a.key.contains("/"));
    assert_eq!(clinical.len(), 5);
    let set = shipped("nhs-clinical");
    for a in &clinical {
        for k in std::iter::once(&a.key).chain(&a.also) {
            let f = set
                .get(k)
                .unwrap_or_else(|| panic!("alias {:?}: no {k} in nhs-clinical", a.name));
            assert!(f.kg_co2e.is_some(), "alias {:?}: {k} has no value", a.name);
        }
    }
    for id in ["desnz-2023", "desnz-2024", "desnz-2025"] {
        let set = shipped(id);
        for a in &desnz {
            let f = set
                .get(&a.key)
                .unwrap_or_else(|| panic!("alias {:?}: no {} in {id}", a.name, a.key));
            assert!(
                f.kg_co2e.is_some(),
                "alias {:?}: {} has no value in {id}",
                a.name,
                a.key
            );
        }
    }
}

#[test]
fn shipped_deflators_are_exact() {
    let d = Deflators::shipped().unwrap();
    assert_eq!(d.index("D7BT", 2022).unwrap().to_string(), "121.7");
    assert_eq!(d.index("YBGB", 2022).unwrap().to_string(), "100.0");
    assert_eq!(
        d.index("A191RD3A086NBEA", 2017).unwrap().to_string(),
        "100.000"
    );
    assert_eq!(d.index("YBGB", 2025), None, "the vintage stops at 2024");
}

#[test]
fn the_workbook_and_its_csv_give_the_same_factors() {
    let (wb, info) = read_workbook(
        "mini-2025.xlsx",
        &std::fs::read(fixture("mini-2025.xlsx")).unwrap(),
        2025,
    )
    .unwrap();
    let csv = read_csv(
        "mini-2025.csv",
        &std::fs::read(fixture("mini-2025.csv")).unwrap(),
        2025,
    )
    .unwrap();
    compare_rows("mini-2025.csv", &csv, "mini-2025.xlsx", &wb).unwrap();
    assert_eq!(info.version.as_deref(), Some("1"));
    assert_eq!(info.energy_rows, 1, "the SECR kWh row is skipped");
    let iceland = wb.iter().find(|r| r.factor_id == "15_999_9999_5").unwrap();
    assert_eq!(
        iceland.kg_co2e.unwrap().to_string(),
        "0.000000690735827342981"
    );
}

#[test]
fn cli_imports_a_workbook_and_keys_an_older_csv_against_it() {
    let tmp = tempfile::tempdir().unwrap();
    let out = ghg(
        &[
            "factors",
            "import",
            "desnz-flat",
            fixture("mini-2025.xlsx").to_str().unwrap(),
            "--year",
            "2025",
            "--out",
            "2025.toml",
        ],
        tmp.path(),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(tmp.path().join("2025.toml")).unwrap();
    let (set, problems) = parse_set("2025.toml", &text);
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(set.factors.len(), 10);
    assert_eq!(set.get("7_400_4000_5").unwrap().upstream.len(), 3);
    assert_eq!(set.header.version, "1");

    let out = ghg(
        &[
            "factors",
            "import",
            "desnz-flat",
            fixture("mini-2016.csv").to_str().unwrap(),
            "--from-csv",
            "--year",
            "2016",
            "--keys-from",
            "2025.toml",
            "--out",
            "2016.toml",
        ],
        tmp.path(),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(tmp.path().join("2016.toml")).unwrap();
    let (old, problems) = parse_set("2016.toml", &text);
    assert!(problems.is_empty(), "{problems:?}");
    let keys: Vec<&str> = old.factors.iter().map(|f| f.key.as_str()).collect();
    assert_eq!(
        keys,
        [
            "1_100_1004_6",
            "refrigerant-other/kyoto-protocol-standard/methane/kg",
            "refrigerant-other/kyoto-protocol-standard/nitrous-oxide/kg",
            "7_400_4000_5",
            "11_100_1004_6",
            "13_402_4000_5",
            "15_917_4000_5",
            "15_918_4000_5",
        ]
    );
    assert_eq!(old.header.gwp, "AR4");
    assert_eq!(old.get("1_100_1004_6").unwrap().upstream, ["11_100_1004_6"]);
    assert_eq!(value(&old, "1_100_1004_6"), "0.183996818181275");
}

#[test]
fn cli_refuses_an_unknown_layout_or_the_wrong_year_and_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let bad = fixture("mini-2025-badheader.xlsx");
    let out = ghg(
        &[
            "factors",
            "import",
            "desnz-flat",
            bad.to_str().unwrap(),
            "--year",
            "2025",
            "--out",
            "x.toml",
        ],
        tmp.path(),
    );
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("mini-2025-badheader.xlsx:6:")
            && err.contains("sheet \"Factors by Category\", row 6")
            && err.contains("Level 1"),
        "{err}"
    );
    let good = fixture("mini-2025.xlsx");
    let out = ghg(
        &[
            "factors",
            "import",
            "desnz-flat",
            good.to_str().unwrap(),
            "--year",
            "2024",
            "--out",
            "x.toml",
        ],
        tmp.path(),
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("GHG Conversion Factor 2025"));
    assert!(!tmp.path().join("x.toml").exists());
}

#[test]
#[ignore = "needs ../shared/data; .ci/run runs it with --ignored"]
fn all_ten_workbooks_give_exactly_the_normalized_csv_values() {
    let dir = shared_data();
    for year in DESNZ_YEARS {
        let (wb_rel, csv_rel) = (desnz_workbook(year), desnz_csv(year));
        let wb_bytes = std::fs::read(dir.join(&wb_rel)).unwrap();
        let csv_bytes = std::fs::read(dir.join(&csv_rel)).unwrap();
        let (wb, _) = read_workbook(&wb_rel, &wb_bytes, year).unwrap_or_else(|e| panic!("{e}"));
        let csv = read_csv(&csv_rel, &csv_bytes, year).unwrap_or_else(|e| panic!("{e}"));
        compare_rows(&csv_rel, &csv, &wb_rel, &wb).unwrap_or_else(|e| panic!("{e}"));
    }
}

#[test]
#[ignore = "needs ../shared/data; .ci/run runs it with --ignored"]
fn import_all_reproduces_the_shipped_files_byte_for_byte() {
    let dir = shared_data();
    let mut read =
        |rel: &str| std::fs::read(dir.join(rel)).map_err(|e| ghg::Error::io(dir.join(rel), e));
    let (files, _) = import_all(&mut read).unwrap_or_else(|e| panic!("{e}"));
    let factors = root().join("factors");
    let mut expected: Vec<String> = files.iter().map(|f| f.path.clone()).collect();
    expected.push("aliases.toml".into());
    // Hand-written, like the aliases: the NHS category of each factor.
    expected.push("tables/nhs_categories.toml".into());
    expected.sort();
    let mut on_disk = Vec::new();
    walk(&factors, &factors, &mut on_disk);
    on_disk.sort();
    assert_eq!(on_disk, expected, "files under factors/");
    for f in &files {
        let shipped = std::fs::read(factors.join(&f.path)).unwrap();
        assert!(
            shipped == f.bytes,
            "factors/{} differs from what `ghg factors import all` generates",
            f.path
        );
    }
}

fn walk(base: &Path, dir: &Path, out: &mut Vec<String>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            walk(base, &p, out);
        } else {
            out.push(
                p.strip_prefix(base)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/"),
            );
        }
    }
}
