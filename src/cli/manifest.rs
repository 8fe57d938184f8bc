//! Writing `manifest.json` after `ghg inventory --out DIR`, and re-running the inventory a
//! manifest records (for `verify` and `compare --out`). The manifest's shape and its rules
//! for paths are in `audit::manifest`.

use super::inventory::{ComputeArgs, Deflator, InventoryArgs, Prepared};
use super::run_dir::RunDir;
use super::GlobalArgs;
use crate::activity::read::FileInfo;
use crate::activity::Input;
use crate::audit::manifest::{
    path_text, relative_path, Build, FileEntry, Manifest, Origin, RunOptions, FILE_NAME, SCHEMA,
};
use crate::factors::{hex_digest, sha256_hex, Catalog, Source};
use crate::{Error, Result};
use sha2::{Digest, Sha256};
use std::io::Read;
use std::path::{Path, PathBuf};

/// The files `ghg inventory --out` writes, by name; the manifest hashes each.
pub const OUTPUTS: [&str; 4] = [
    "inventory.csv",
    "inventory.json",
    "ledger.csv",
    "rejects.csv",
];

/// SHA-256 and size of a file, read in blocks.
pub fn hash_file(path: &Path) -> Result<(String, u64)> {
    let mut f = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    let mut n = 0u64;
    loop {
        let k = f.read(&mut buf).map_err(|e| Error::io(path, e))?;
        if k == 0 {
            break;
        }
        h.update(&buf[..k]);
        n += k as u64;
    }
    Ok((hex_digest(&h.finalize()), n))
}

/// Absolute and free of `.` and `..`, following symlinks when the path exists.
fn absolute(p: &Path, cwd: &Path) -> PathBuf {
    let joined = cwd.join(p);
    joined.canonicalize().unwrap_or(joined)
}

/// How a path is recorded: relative paths as given, absolute ones made relative to `cwd`.
fn recorded(p: &Path, cwd: &Path) -> String {
    if p.is_absolute() {
        path_text(&relative_path(cwd, &absolute(p, cwd)))
    } else {
        path_text(p)
    }
}

fn deflator_name(d: Deflator) -> String {
    use clap::ValueEnum;
    d.to_possible_value()
        .map(|v| v.get_name().to_string())
        .unwrap_or_default()
}

/// The options of a run, as the manifest records them.
pub fn run_options(
    args: &InventoryArgs,
    global: &GlobalArgs,
    catalog: &Catalog,
    cwd: &Path,
) -> RunOptions {
    // As Catalog::load reads it: a known id first, else a path.
    let factors = args.factors.as_ref().map(|f| {
        if catalog.entry(f).is_some() {
            f.clone()
        } else {
            recorded(Path::new(f), cwd)
        }
    });
    let mut o = options(
        &args.compute,
        factors,
        args.inputs.iter().map(|p| path_text(p)).collect(),
        global
            .factors_dirs
            .iter()
            .map(|d| recorded(d, cwd))
            .collect(),
        &|p| recorded(p, cwd),
    );
    o.year = args.year.map(|y| y.to_string());
    o
}

/// Run options from the shared computing options; `path` records a path the way the caller
/// needs (relative to the run directory for a manifest, as given for compare).
pub fn options(
    compute: &ComputeArgs,
    factors: Option<String>,
    inputs: Vec<String>,
    factors_dirs: Vec<String>,
    path: &dyn Fn(&Path) -> String,
) -> RunOptions {
    RunOptions {
        aliases: compute.aliases.as_deref().map(path),
        deflator: deflator_name(compute.deflator),
        factors,
        factors_dirs,
        inputs,
        no_upstream: compute.no_upstream,
        residual_mix: compute.residual_mix.clone(),
        local_area: compute.local_area.as_deref().map(path),
        suppliers: compute.suppliers.as_deref().map(path),
        upstream_share: compute.upstream_share.clone(),
        columns: compute.columns.clone(),
        wide: compute.wide.clone(),
        year: None,
        gwp: compute.gwp.map(|b| b.as_str().to_ascii_lowercase()),
        spend_factors: compute
            .fallback_sets()
            .iter()
            .filter(|s| !s.is_empty() && *s != "none")
            .cloned()
            .collect(),
    }
}

/// Writes `manifest.json` into a run directory whose outputs are written, with the hashes of
/// the bytes this run wrote; paths are recorded relative to where the directory will be.
pub fn write(
    run: &mut RunDir,
    args: &InventoryArgs,
    global: &GlobalArgs,
    catalog: &Catalog,
    prepared: &Prepared,
    files: &[FileInfo],
) -> Result<()> {
    let cwd = std::env::current_dir().map_err(|e| Error::io(".", e))?;
    let cwd = cwd.canonicalize().unwrap_or(cwd);
    let out = run.target().to_path_buf();
    let out = out.as_path();
    // DIR may not exist until the run is committed; its parent does.
    let out_abs = match (out.parent(), out.file_name()) {
        (Some(p), Some(n)) => absolute(
            if p.as_os_str().is_empty() {
                Path::new(".")
            } else {
                p
            },
            &cwd,
        )
        .join(n),
        _ => absolute(out, &cwd),
    };
    let options = run_options(args, global, catalog, &cwd);

    let inputs = prepared
        .inputs
        .iter()
        .zip(files)
        .map(|(input, info)| FileEntry {
            bytes: info.bytes,
            id: None,
            name: path_text(Path::new(&info.name)),
            origin: match input {
                Input::Path(_) => Origin::File,
                Input::Stdin => Origin::Stdin,
                Input::Embedded(..) => Origin::Embedded,
            },
            sha256: info.sha256.clone(),
        })
        .collect();

    let mut factor_sets = Vec::new();
    for set in &prepared.resolver.sets {
        let embedded = matches!(
            catalog.entry(set.id()).map(|e| &e.source),
            Some(s @ Source::Embedded(..)) if s.display_name() == set.origin
        );
        factor_sets.push(FileEntry {
            // The sets are parsed from text, so its bytes are the file's.
            bytes: factor_text_len(set, embedded),
            id: Some(set.id().to_string()),
            name: if embedded {
                set.origin.clone()
            } else {
                recorded(Path::new(&set.origin), &cwd)
            },
            origin: if embedded {
                Origin::Embedded
            } else {
                Origin::File
            },
            sha256: set.sha256.clone(),
        });
    }

    let mut tables = Vec::new();
    for rel in ["aliases.toml", "tables/deflators.toml"] {
        if let Some(text) = crate::embedded::factor_file(rel) {
            tables.push(FileEntry {
                bytes: text.len() as u64,
                id: None,
                name: format!("factors/{rel}"),
                origin: Origin::Embedded,
                sha256: sha256_hex(text.as_bytes()),
            });
        }
    }
    // The supplier register and local area decide figures too: hashed, so verify sees a change.
    let supply_files = [&args.compute.suppliers, &args.compute.local_area];
    for p in supply_files.into_iter().flatten() {
        let (sha256, bytes) = hash_file(p)?;
        tables.push(FileEntry {
            bytes,
            id: None,
            name: recorded(p, &cwd),
            origin: Origin::File,
            sha256,
        });
    }
    if let Some(p) = &args.compute.aliases {
        let (sha256, bytes) = hash_file(p)?;
        tables.push(FileEntry {
            bytes,
            id: None,
            name: recorded(p, &cwd),
            origin: Origin::File,
            sha256,
        });
    }

    let mut outputs = Vec::new();
    let procurement = args
        .compute
        .suppliers
        .as_ref()
        .map(|_| super::inventory::PROCUREMENT_FILE);
    for name in OUTPUTS.into_iter().chain(procurement) {
        let entry = run
            .outputs()
            .iter()
            .find(|o| o.name == name)
            .ok_or_else(|| Error::usage(format!("internal: {name} was not written")))?;
        outputs.push(entry.clone());
    }

    let mut command = vec!["ghg".to_string()];
    command.extend(options.inventory_args(Some(&recorded(out, &cwd))));
    let manifest = Manifest {
        command,
        factor_sets,
        ghg: Build::current(),
        inputs,
        options,
        outputs,
        run_dir: path_text(&relative_path(&out_abs, &cwd)),
        schema: SCHEMA.to_string(),
        tables,
        timestamp: args.timestamp.clone(),
    };
    run.write(FILE_NAME, manifest.to_json()?.as_bytes())
}

fn factor_text_len(set: &crate::factors::FactorSet, embedded: bool) -> u64 {
    if embedded {
        if let Some(text) = set
            .origin
            .strip_prefix("factors/")
            .and_then(crate::embedded::factor_file)
        {
            return text.len() as u64;
        }
    }
    std::fs::metadata(&set.origin).map_or(0, |m| m.len())
}

/// What a re-run of `ghg inventory` did.
pub struct Rerun {
    /// Its exit code (0 clean, 1 rows rejected, 2 could not run).
    pub code: i32,
    /// What it printed on standard error.
    pub stderr: String,
}

/// Runs `ghg inventory` with `options` from directory `cwd`, writing to `out`. The same binary
/// runs, so the same code makes the same files; standard input is passed on when `stdin`.
pub fn rerun(options: &RunOptions, cwd: &Path, out: &Path, stdin: bool) -> Result<Rerun> {
    let exe = std::env::current_exe().map_err(|e| Error::io("<ghg executable>", e))?;
    let out_text = out.to_string_lossy().into_owned();
    let mut args = options.inventory_args(Some(&out_text));
    // Display options go before the `--` that ends the options.
    args.splice(1..1, ["--format".to_string(), "csv".to_string()]);
    let result = std::process::Command::new(&exe)
        .args(&args)
        .current_dir(cwd)
        // The manifest lists every factors directory; none may come from the environment.
        .env_remove("GHG_FACTORS_DIR")
        .stdin(if stdin {
            std::process::Stdio::inherit()
        } else {
            std::process::Stdio::null()
        })
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .output()
        .map_err(|e| Error::io(&exe, e))?;
    Ok(Rerun {
        code: result.status.code().unwrap_or(2),
        stderr: String::from_utf8_lossy(&result.stderr).into_owned(),
    })
}
