//! Embeds every file under `factors/` and `examples/` into the binary, so that an installed
//! `ghg` finds its shipped factor sets and example trust from any directory.

use sha2::{Digest, Sha256};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

#[path = "src/factors/peek.rs"]
mod peek;

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
        let factors = name == "FACTOR_FILES";
        if factors {
            // A run finds a shipped set by id and its cached parse by hash: both read here
            // once, not from every file on every run.
            writeln!(
                code,
                "/// Files under `{dir}/`, with their set ids and hashes."
            )
            .unwrap();
            writeln!(code, "pub static {name}: &[Shipped] = &[").unwrap();
        } else {
            writeln!(
                code,
                "/// Files under `{dir}/`, as (path relative to it, contents)."
            )
            .unwrap();
            writeln!(code, "pub static {name}: &[(&str, &str)] = &[").unwrap();
        }
        for f in &files {
            let rel = f
                .strip_prefix(root.join(dir))
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            let include = format!("include_str!({:?})", f.to_string_lossy());
            if factors {
                // `include_str!` refuses a file that is not UTF-8 as well: say which.
                let text =
                    std::fs::read_to_string(f).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
                let id = peek::peek_id(&text);
                let sha: String = Sha256::digest(text.as_bytes())
                    .iter()
                    .map(|b| format!("{b:02x}"))
                    .collect();
                writeln!(
                    code,
                    "    Shipped {{ path: {rel:?}, text: {include}, set_id: {id:?}, sha256: {sha:?} }},"
                )
                .unwrap();
            } else {
                writeln!(code, "    ({rel:?}, {include}),").unwrap();
            }
        }
        writeln!(code, "];").unwrap();
    }
    println!("cargo:rustc-env=GHG_COMMIT={}", source_commit(&root));
    println!("cargo:rerun-if-changed=src");
    println!("cargo:rerun-if-changed=Cargo.lock");
    println!("cargo:rustc-env=GHG_SOURCE_HASH={}", source_hash(&root));
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets this")).join("embedded.rs");
    std::fs::write(out, code).expect("write embedded.rs");
}

/// The commit the binary is built from, for the audit manifest: `GHG_COMMIT` if set (builds from
/// a tarball), else `git rev-parse HEAD`, else "unknown". Rebuilds when HEAD moves.
fn source_commit(root: &Path) -> String {
    println!("cargo:rerun-if-env-changed=GHG_COMMIT");
    if let Ok(c) = std::env::var("GHG_COMMIT") {
        if !c.trim().is_empty() {
            return c.trim().to_string();
        }
    }
    let watch = |p: &str| {
        // A path that does not exist would make cargo rerun this script on every build.
        let p = root.join(p);
        if p.exists() {
            println!("cargo:rerun-if-changed={}", p.display());
        }
    };
    let git = |args: &[&str]| -> Option<String> {
        let out = std::process::Command::new("git")
            .args(args)
            .current_dir(root)
            .output()
            .ok()?;
        let text = String::from_utf8(out.stdout).ok()?;
        (out.status.success() && !text.trim().is_empty()).then(|| text.trim().to_string())
    };
    // Only this project's own repository: a packaged crate unpacked inside another is "unknown".
    let top = git(&["rev-parse", "--show-toplevel"]).map(PathBuf::from);
    let same = |a: &Path, b: &Path| {
        a.canonicalize()
            .ok()
            .is_some_and(|a| b.canonicalize().ok() == Some(a))
    };
    if !top.as_deref().is_some_and(|t| same(t, root)) {
        return "unknown".to_string();
    }
    // HEAD itself, the branch it points to, and packed refs: any of them moving changes the commit.
    for name in ["HEAD", "packed-refs"] {
        if let Some(p) = git(&["rev-parse", "--git-path", name]) {
            watch(&p);
        }
    }
    if let Some(branch) = git(&["symbolic-ref", "-q", "HEAD"]) {
        if let Some(p) = git(&["rev-parse", "--git-path", &branch]) {
            watch(&p);
        }
    }
    git(&["rev-parse", "HEAD"]).unwrap_or_else(|| "unknown".to_string())
}

/// A hash of every file under `src/` and of `Cargo.lock`: the key under which a
/// build's parsed factor sets are cached, so that no other build reads them. Not for
/// security: it tells builds apart.
fn source_hash(root: &Path) -> String {
    use std::hash::Hasher;
    let mut files = Vec::new();
    collect_all(&root.join("src"), &mut files);
    files.push(root.join("Cargo.lock"));
    files.sort();
    // SipHash with fixed keys: the same source gives the same hash on every machine.
    let mut h = std::hash::DefaultHasher::new();
    for f in files {
        h.write(
            f.strip_prefix(root)
                .unwrap_or(&f)
                .to_string_lossy()
                .as_bytes(),
        );
        h.write(&std::fs::read(&f).unwrap_or_default());
    }
    format!("{:016x}", h.finish())
}

/// Every file under `dir`.
fn collect_all(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            collect_all(&p, out);
        } else {
            out.push(p);
        }
    }
}
