//! `ghg verify DIR`: re-run the inventory DIR/manifest.json records and check that every
//! input, factor set, table and output is what the run read and wrote.
//!
//! Files are found relative to the run directory the manifest records (`run_dir`, relative
//! to DIR), else relative to the current directory. The re-run is in-process: the manifest's
//! typed run options (or, for an older manifest, the same read from its flags) given to the
//! same library run `ghg inventory` calls, from that directory, into a temporary directory.

use super::inventory::{execute, Writing};
use super::manifest::hash_file;
use super::output::stdout;
use super::Outcome;
use crate::audit::manifest::{Manifest, Origin, FILE_NAME};
use crate::audit::verify::{compare_reads, first_difference, Change, Finding};
use crate::{Error, Result};
use std::fmt::Write as _;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

/// Re-run the inventory recorded in DIR/manifest.json and report any input, factor set or
/// output that differs (exit 1), or OK (exit 0).
#[derive(Debug, Clone, clap::Args)]
pub struct VerifyArgs {
    /// An output directory written by `ghg inventory --out DIR`.
    pub dir: PathBuf,
}

/// Reads and parses DIR/manifest.json; a missing or broken manifest is an error (exit 2).
pub fn load_manifest(dir: &Path) -> Result<Manifest> {
    let path = dir.join(FILE_NAME);
    let text = match std::fs::read(&path) {
        Ok(b) => crate::factors::catalog::utf8_text(&path.display().to_string(), b)?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(Error::usage(format!(
                "{}: no manifest; `ghg inventory --out {}` writes one beside its outputs",
                path.display(),
                dir.display()
            )))
        }
        Err(e) => return Err(Error::io(&path, e)),
    };
    Manifest::parse(&path.display().to_string(), &text)
}

/// A manifest path on disk: absolute as is, else under `base`.
pub(super) fn on_disk(base: &Path, name: &str) -> PathBuf {
    let p = Path::new(name);
    if p.is_absolute() {
        p.to_path_buf()
    } else {
        base.join(p)
    }
}

/// The directory to re-run from: the recorded run directory if every file is found from it,
/// else the current one; or the list of what is missing.
fn base_dir(dir: &Path, m: &Manifest) -> std::result::Result<PathBuf, Vec<String>> {
    let candidates = [dir.join(&m.run_dir), PathBuf::from(".")];
    let mut first_missing = None;
    for base in candidates {
        let missing: Vec<String> = m
            .files_needed()
            .into_iter()
            .filter(|(_, name)| !on_disk(&base, name).exists())
            .map(|(what, name)| {
                format!(
                    "{what} {name} (looked for {})",
                    on_disk(&base, name).display()
                )
            })
            .collect();
        if missing.is_empty() {
            return Ok(base);
        }
        first_missing.get_or_insert(missing);
    }
    Err(first_missing.unwrap_or_default())
}

/// Hashes the files on disk the manifest names, for when a re-run cannot be made.
fn direct_findings(base: &Path, m: &Manifest) -> Vec<Finding> {
    let mut out = Vec::new();
    let lists = [
        ("input", &m.inputs),
        ("factor set", &m.factor_sets),
        ("table", &m.tables),
    ];
    for (what, list) in lists {
        for e in list.iter().filter(|e| e.origin == Origin::File) {
            if let Ok((sha, _)) = hash_file(&on_disk(base, &e.name)) {
                if sha != e.sha256 {
                    out.push(Finding::Read {
                        what,
                        name: match &e.id {
                            Some(id) => format!("{id} ({})", e.name),
                            None => e.name.clone(),
                        },
                        change: Change::Hash {
                            expected: e.sha256.clone(),
                            actual: sha,
                        },
                    });
                }
            }
        }
    }
    out
}

/// Runs `ghg verify`.
pub fn run(args: &VerifyArgs) -> Result<Outcome> {
    let dir = &args.dir;
    let stored = load_manifest(dir)?;
    let base = base_dir(dir, &stored).map_err(|missing| {
        Error::usage(format!(
            "{}: the manifest names files that no longer exist:\n  {}",
            dir.join(FILE_NAME).display(),
            missing.join("\n  ")
        ))
    })?;
    // The outputs are the four files `inventory --out` writes, in the run directory; a manifest
    // naming anything else (or leaving one out) has been edited.
    let mut names: Vec<&str> = stored.outputs.iter().map(|o| o.name.as_str()).collect();
    names.sort_unstable();
    // A run with a supplier register also writes procurement.json.
    let with_register = stored.options.suppliers.is_some();
    names.retain(|n| !(with_register && *n == super::inventory::PROCUREMENT_FILE));
    if names != OUTPUT_NAMES || with_register && stored.outputs.len() != OUTPUT_NAMES.len() + 1 {
        return Err(Error::usage(format!(
            "{}: the manifest's outputs are {:?}; a run writes exactly {:?}",
            dir.join(FILE_NAME).display(),
            names,
            OUTPUT_NAMES
        )));
    }
    let mut missing_outputs = Vec::new();
    for o in &stored.outputs {
        if !dir.join(&o.name).exists() {
            missing_outputs.push(dir.join(&o.name).display().to_string());
        }
    }
    if !missing_outputs.is_empty() {
        return Err(Error::usage(format!(
            "{}: outputs the manifest lists are missing: {}",
            dir.display(),
            missing_outputs.join(", ")
        )));
    }
    let stdin = stored.inputs.iter().any(|i| i.origin == Origin::Stdin);
    if stdin && std::io::stdin().is_terminal() {
        return Err(Error::usage(
            "the run read standard input: pipe the same data in, as in `ghg verify DIR < data.csv`",
        ));
    }

    let spec = stored.run(&dir.join(FILE_NAME).display().to_string())?;
    let tmp = tempfile::tempdir().map_err(|e| Error::io(std::env::temp_dir(), e))?;
    let again = rerun(&spec, &base, tmp.path());
    let mut report = String::new();
    let fresh = match &again {
        Err(_) => None,
        Ok(()) => load_manifest(tmp.path()).ok(),
    };
    let Some(fresh) = fresh else {
        let stopped = match again {
            Err(e) => format!("error: {e}"),
            Ok(()) => format!("error: the re-run wrote no readable {FILE_NAME}"),
        };
        // The re-run stopped: say which recorded file changed, if one did.
        let findings = direct_findings(&base, &stored);
        if findings.is_empty() {
            return Err(Error::usage(format!(
                "could not re-run the inventory {} records:\n{}",
                dir.join(FILE_NAME).display(),
                stopped
            )));
        }
        write_findings(&mut report, dir, &findings);
        let _ = writeln!(report, "the re-run stopped:\n{stopped}");
        stdout(report.as_bytes())?;
        return Ok(Outcome::Findings);
    };

    let mut findings = compare_reads(&stored, &fresh);
    for o in &stored.outputs {
        let path = dir.join(&o.name);
        let (sha, _) = hash_file(&path)?;
        if sha != o.sha256 {
            findings.push(Finding::OutputEdited {
                name: o.name.clone(),
                expected: o.sha256.clone(),
                actual: sha,
            });
        }
        let now = std::fs::read(&path).map_err(|e| Error::io(&path, e))?;
        let rerun_path = tmp.path().join(&o.name);
        let again_bytes = std::fs::read(&rerun_path).unwrap_or_default();
        if let Some(diff) = first_difference(&now, &again_bytes) {
            findings.push(Finding::OutputDiffers {
                name: o.name.clone(),
                diff,
            });
        }
    }
    let mut notes = Vec::new();
    if stored.ghg != fresh.ghg {
        notes.push(format!(
            "note: the run was made by ghg {} (commit {}); this is ghg {} (commit {})",
            stored.ghg.version, stored.ghg.commit, fresh.ghg.version, fresh.ghg.commit
        ));
    }
    if findings.is_empty() {
        let _ = writeln!(
            report,
            "OK {}: {} input{}, {} factor set{}, {} table{} and {} output{} match a re-run",
            dir.display(),
            stored.inputs.len(),
            plural(stored.inputs.len()),
            stored.factor_sets.len(),
            plural(stored.factor_sets.len()),
            stored.tables.len(),
            plural(stored.tables.len()),
            stored.outputs.len(),
            plural(stored.outputs.len()),
        );
    } else {
        write_findings(&mut report, dir, &findings);
    }
    for n in &notes {
        let _ = writeln!(report, "{n}");
    }
    stdout(report.as_bytes())?;
    Ok(if findings.is_empty() {
        Outcome::Clean
    } else {
        Outcome::Findings
    })
}

/// Re-runs `spec` as the original run did: from directory `base` (the recorded paths are
/// relative to it), into `out`. The working directory is the recorded run directory only for
/// the re-run, and restored after it, even when the run fails.
fn rerun(spec: &crate::run::Run, base: &Path, out: &Path) -> Result<()> {
    struct Back(PathBuf);
    impl Drop for Back {
        fn drop(&mut self) {
            let _ = std::env::set_current_dir(&self.0);
        }
    }
    let here = std::env::current_dir().map_err(|e| Error::io(".", e))?;
    // `out` is used from `base`: made absolute first.
    let out = here.join(out);
    let _back = Back(here);
    std::env::set_current_dir(base).map_err(|e| Error::io(base, e))?;
    let prepared = spec.prepare()?;
    let how = Writing {
        out: Some(&out),
        quiet: true,
        timestamp: None,
        csv: false,
    };
    execute(spec, prepared, &how).map(|_| ())
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// The files `ghg inventory --out` writes beside the manifest, in sorted order.
const OUTPUT_NAMES: [&str; 4] = [
    "inventory.csv",
    "inventory.json",
    "ledger.csv",
    "rejects.csv",
];

/// The differences found, one a line, under a count.
fn write_findings(report: &mut String, dir: &Path, findings: &[Finding]) {
    let _ = writeln!(
        report,
        "{}: {} difference{}",
        dir.display(),
        findings.len(),
        plural(findings.len())
    );
    for f in findings {
        let _ = writeln!(report, "{f}");
    }
}
