//! Writing `manifest.json` after `ghg inventory --out DIR` (and the re-runs of `verify` and
//! `compare --out`, which run in-process through the same code). The manifest's shape and its rules
//! for paths are in `audit::manifest`.

use super::run_dir::RunDir;
use crate::activity::Input;
use crate::audit::manifest::{
    path_text, relative_path, Build, FileEntry, Manifest, Origin, RecordedOptions, FILE_NAME,
    SCHEMA,
};
use crate::factors::{hex_digest, sha256_hex, Catalog, Source};
use crate::run::{Run, RunOptions, RunOutput};
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

/// The options of a run as the manifest records them: paths relative to `cwd` (see
/// [`recorded`]), a `--factors` that is not a known id as a path.
pub fn recorded_options(options: &RunOptions, catalog: &Catalog, cwd: &Path) -> RunOptions {
    let path = |p: &Option<PathBuf>| p.as_deref().map(|p| PathBuf::from(recorded(p, cwd)));
    RunOptions {
        // As Catalog::load reads it: a known id first, else a path.
        factors: options.factors.as_ref().map(|f| {
            if catalog.entry(f).is_some() {
                f.clone()
            } else {
                recorded(Path::new(f), cwd)
            }
        }),
        factors_dirs: options
            .factors_dirs
            .iter()
            .map(|d| PathBuf::from(recorded(d, cwd)))
            .collect(),
        aliases: path(&options.aliases),
        local_area: path(&options.local_area),
        suppliers: path(&options.suppliers),
        ..options.clone()
    }
}

/// Writes `manifest.json` into a run directory whose outputs are written, with the hashes of
/// the bytes this run wrote; paths are recorded relative to where the directory will be.
pub fn write(
    run: &mut RunDir,
    spec: &Run,
    output: &RunOutput,
    timestamp: Option<&str>,
) -> Result<()> {
    let prepared = &output.prepared;
    let catalog = &prepared.catalog;
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
    let run_options = recorded_options(&spec.options, catalog, &cwd);
    let options = RecordedOptions::of(
        &run_options,
        spec.inputs.iter().map(|p| path_text(p)).collect(),
    );

    let inputs = prepared
        .inputs
        .iter()
        .zip(&output.files)
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
    // The sets the run parsed: the ones its rows needed (verify re-runs and parses the same).
    for set in prepared.resolver.loaded_sets() {
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
    let supply_files = [&spec.options.suppliers, &spec.options.local_area];
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
    if let Some(p) = &spec.options.aliases {
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
    let procurement = spec
        .options
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
        run_options: Some(run_options),
        schema: SCHEMA.to_string(),
        tables,
        timestamp: timestamp.map(String::from),
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
