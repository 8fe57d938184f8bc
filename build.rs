//! Embeds every file under `factors/` and `examples/` into the binary, so that an installed
//! `ghg` finds its shipped factor sets and example trust from any directory.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            collect(&p, out);
        } else if matches!(
            p.extension().and_then(|x| x.to_str()),
            Some("toml" | "csv" | "md")
        ) {
            out.push(p);
        }
    }
}

fn main() {
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets this"));
    let mut code = String::new();
    for (name, dir) in [("FACTOR_FILES", "factors"), ("EXAMPLE_FILES", "examples")] {
        println!("cargo:rerun-if-changed={dir}");
        let mut files = Vec::new();
        collect(&root.join(dir), &mut files);
        files.sort();
        writeln!(
            code,
            "/// Files under `{dir}/`, as (path relative to it, contents)."
        )
        .unwrap();
        writeln!(code, "pub static {name}: &[(&str, &str)] = &[").unwrap();
        for f in &files {
            let rel = f
                .strip_prefix(root.join(dir))
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            writeln!(
                code,
                "    ({rel:?}, include_str!({:?})),",
                f.to_string_lossy()
            )
            .unwrap();
        }
        writeln!(code, "];").unwrap();
    }
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets this")).join("embedded.rs");
    std::fs::write(out, code).expect("write embedded.rs");
}
