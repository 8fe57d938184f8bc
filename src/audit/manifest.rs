//! `manifest.json`: what an inventory run read, with which options, and what it wrote.
//!
//! Every file is named and hashed (SHA-256 of its bytes): activity inputs, factor-set files,
//! tables (aliases, deflators) and outputs. The options that change figures are kept as
//! fields, so `ghg verify` can rebuild the exact command. Paths are kept relative: inputs
//! exactly as given (they appear so in `ledger.csv`), other paths relative to the directory
//! the run was made from, and that directory relative to the manifest's own (`run_dir`), so an
//! output directory moved together with its inputs still verifies. Nothing depends on the
//! clock or the machine: two runs of the same command give the same bytes. A timestamp is
//! recorded only when passed in, and `verify` ignores it.
//!
//! Keys are in sorted order: the structs below declare their fields alphabetically.

use crate::{Error, Position, Result};
use serde::{Deserialize, Serialize};
use std::path::{Component, Path, PathBuf};

/// The `schema` value of manifests this version writes and reads.
pub const SCHEMA: &str = "ghg-manifest/1";

/// The manifest's file name inside an output directory.
pub const FILE_NAME: &str = "manifest.json";

/// Everything needed to re-run an inventory and check it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// The equivalent command line (display options such as `--format` and `-j` left out).
    pub command: Vec<String>,
    /// Every factor-set file loaded, in the order the resolver searches them.
    pub factor_sets: Vec<FileEntry>,
    /// The `ghg` that made the run.
    pub ghg: Build,
    /// Activity inputs, in the order read.
    pub inputs: Vec<FileEntry>,
    /// The options that decide the figures, as flags (kept for manifests made before
    /// `run_options`, and for the inputs as given).
    pub options: RecordedOptions,
    /// Files written to the output directory (the manifest itself excluded), by name.
    pub outputs: Vec<FileEntry>,
    /// The directory the run was made from, relative to the manifest's directory.
    pub run_dir: String,
    /// The options that decide the figures, typed, as the library runs them (paths relative to
    /// `run_dir`); absent from manifests made before it, which are read from `options`.
    /// [`Manifest::parse`] reads it in a second pass, so the derived reader's messages (which
    /// count the fields) stay as they were for older manifests' sake.
    #[serde(default, skip_serializing_if = "Option::is_none", skip_deserializing)]
    pub run_options: Option<crate::run::RunOptions>,
    /// Always [`SCHEMA`].
    pub schema: String,
    /// Other tables read: aliases, deflators.
    pub tables: Vec<FileEntry>,
    /// A timestamp, only when one was passed in (`--timestamp`); not compared by `verify`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timestamp: Option<String>,
}

/// Which `ghg` made a run.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Build {
    /// Source commit (`git rev-parse HEAD` at build time), or `unknown`.
    pub commit: String,
    /// Package version.
    pub version: String,
}

impl Build {
    /// This binary.
    pub fn current() -> Build {
        Build {
            commit: env!("GHG_COMMIT").to_string(),
            version: env!("CARGO_PKG_VERSION").to_string(),
        }
    }
}

/// Where a file came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Origin {
    /// Shipped inside the `ghg` binary (example trust, shipped factor sets and tables).
    Embedded,
    /// A file on disk, by its path.
    File,
    /// Standard input.
    Stdin,
    /// Written by the run into the output directory.
    Output,
}

/// One file read or written, and its hash.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileEntry {
    /// Size in bytes.
    pub bytes: u64,
    /// For a factor set: its id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Its name: a path (relative to `run_dir` unless absolute), `examples/...` or
    /// `factors/...` for embedded files, `-` for standard input, a file name for outputs.
    pub name: String,
    /// Where it came from.
    pub origin: Origin,
    /// SHA-256 of its bytes, lower-case hex.
    pub sha256: String,
}

/// The options of `ghg inventory` that decide the figures, as flags (paths relative to the
/// run directory): the manifest's `options`, written beside the typed `run_options` (and
/// derived from them) so older readers and older manifests keep working.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordedOptions {
    /// `--aliases FILE`.
    pub aliases: Option<String>,
    /// `--column FIELD=HEADER` choices, in order (keys stay in sorted order).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub columns: Vec<String>,
    /// `--deflator` (`cpi`, `gdp`).
    pub deflator: String,
    /// `--factors`: a set id or a path to a `.toml` file; `None` for the edition by period.
    pub factors: Option<String>,
    /// `--factors-dir` (and `GHG_FACTORS_DIR`) directories.
    pub factors_dirs: Vec<String>,
    /// Input paths exactly as given; empty for the shipped example trust.
    pub inputs: Vec<String>,
    /// `--local-area FILE`, if given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub local_area: Option<String>,
    /// `--no-upstream`.
    pub no_upstream: bool,
    /// `--residual-mix` (a value, or `SET:KEY`), if given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub residual_mix: Option<String>,
    /// `--fallback-factors` (formerly `--spend-factors`), in order.
    pub spend_factors: Vec<String>,
    /// `--suppliers FILE` (the supplier register), if given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suppliers: Option<String>,
    /// `--upstream-share`, if given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub upstream_share: Option<String>,
    /// `--wide HEADER=ACTIVITY:UNIT` choices, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub wide: Vec<String>,
    /// `--gwp` (`ar4`, `ar5`, `ar6`), if given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gwp: Option<String>,
    /// `--year` (`2024/25`, `2024`), if given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub year: Option<String>,
}

impl RecordedOptions {
    /// The flags of typed run options; `inputs` as given.
    pub fn of(o: &crate::run::RunOptions, inputs: Vec<String>) -> RecordedOptions {
        let path = |p: &Option<PathBuf>| p.as_deref().map(path_text);
        RecordedOptions {
            aliases: path(&o.aliases),
            columns: o.columns.clone(),
            deflator: o.deflator.name().to_string(),
            factors: o.factors.clone(),
            factors_dirs: o.factors_dirs.iter().map(|d| path_text(d)).collect(),
            inputs,
            local_area: path(&o.local_area),
            no_upstream: o.no_upstream,
            residual_mix: o.residual_mix.clone(),
            spend_factors: o.fallback_factors.clone(),
            suppliers: path(&o.suppliers),
            upstream_share: o.upstream_share.map(|d| d.to_string()),
            wide: o.wide.clone(),
            gwp: o.gwp.map(|b| b.as_str().to_ascii_lowercase()),
            year: o.year.map(|y| y.to_string()),
        }
    }

    /// The typed run options these flags give, for a manifest without `run_options`; the
    /// error names the field and value that cannot be read.
    pub fn run_options(&self) -> std::result::Result<crate::run::RunOptions, String> {
        let bad = |field: &str, value: &str, expected: &str| {
            format!("options.{field} {value:?} is not {expected}")
        };
        let path = |p: &Option<String>| p.as_ref().map(PathBuf::from);
        Ok(crate::run::RunOptions {
            aliases: path(&self.aliases),
            columns: self.columns.clone(),
            deflator: crate::run::Deflator::parse(&self.deflator)
                .ok_or_else(|| bad("deflator", &self.deflator, "cpi or gdp"))?,
            factors: self.factors.clone(),
            factors_dirs: self.factors_dirs.iter().map(PathBuf::from).collect(),
            fallback_factors: self.spend_factors.clone(),
            gwp: self
                .gwp
                .as_deref()
                .map(|g| {
                    crate::factors::gwp::Basis::parse(g)
                        .ok_or_else(|| bad("gwp", g, "ar4, ar5 or ar6"))
                })
                .transpose()?,
            local_area: path(&self.local_area),
            no_upstream: self.no_upstream,
            residual_mix: self.residual_mix.clone(),
            suppliers: path(&self.suppliers),
            upstream_share: self
                .upstream_share
                .as_deref()
                .map(|s| {
                    crate::run::RunOptions::parse_upstream_share(s)
                        .map_err(|_| bad("upstream_share", s, "a share from 0 to 1"))
                })
                .transpose()?,
            wide: self.wide.clone(),
            year: self
                .year
                .as_deref()
                .map(|y| {
                    crate::activity::ReportingYear::parse(y)
                        .ok_or_else(|| bad("year", y, "a reporting year (2024/25 or 2024)"))
                })
                .transpose()?,
        })
    }

    /// Arguments of `ghg` (from `inventory` on) that redo the run, writing to `out` if given.
    /// Inputs come last, after `--`, so that no file name is taken for an option.
    pub fn inventory_args(&self, out: Option<&str>) -> Vec<String> {
        let mut a = vec!["inventory".to_string()];
        if let Some(f) = &self.factors {
            a.extend(["--factors".to_string(), f.clone()]);
        }
        let spend = if self.spend_factors.is_empty() {
            "none".to_string()
        } else {
            self.spend_factors.join(",")
        };
        a.extend(["--fallback-factors".to_string(), spend]);
        for c in &self.columns {
            a.push(format!("--column={c}"));
        }
        for w in &self.wide {
            a.push(format!("--wide={w}"));
        }
        if let Some(p) = &self.aliases {
            a.extend(["--aliases".to_string(), p.clone()]);
        }
        a.extend(["--deflator".to_string(), self.deflator.clone()]);
        if self.no_upstream {
            a.push("--no-upstream".to_string());
        }
        if let Some(r) = &self.residual_mix {
            a.extend(["--residual-mix".to_string(), r.clone()]);
        }
        if let Some(g) = &self.gwp {
            a.extend(["--gwp".to_string(), g.clone()]);
        }
        if let Some(y) = &self.year {
            a.extend(["--year".to_string(), y.clone()]);
        }
        for d in &self.factors_dirs {
            a.push(format!("--factors-dir={d}"));
        }
        if let Some(p) = &self.suppliers {
            a.extend(["--suppliers".to_string(), p.clone()]);
        }
        if let Some(p) = &self.local_area {
            a.extend(["--local-area".to_string(), p.clone()]);
        }
        if let Some(v) = &self.upstream_share {
            a.extend(["--upstream-share".to_string(), v.clone()]);
        }
        if let Some(o) = out {
            a.extend(["--out".to_string(), o.to_string()]);
        }
        if !self.inputs.is_empty() {
            a.push("--".to_string());
            a.extend(self.inputs.iter().cloned());
        }
        a
    }
}

impl Manifest {
    /// The manifest as pretty JSON with a final newline; keys in sorted order.
    pub fn to_json(&self) -> Result<String> {
        let mut s = serde_json::to_string_pretty(self)
            .map_err(|e| Error::usage(format!("writing the manifest: {e}")))?;
        s.push('\n');
        Ok(s)
    }

    /// Parses a manifest; `file` names it in errors, which point at line and column.
    pub fn parse(file: &str, text: &str) -> Result<Manifest> {
        let located = |e: serde_json::Error| {
            let what = match e.classify() {
                serde_json::error::Category::Eof => "the manifest ends early (truncated?)",
                serde_json::error::Category::Syntax => "the manifest is not valid JSON",
                _ => "the manifest does not have the expected fields",
            };
            Error::malformed(
                Position::new(file, e.line() as u64, e.column() as u64),
                format!("{what}: {e}"),
            )
        };
        /// The typed options alone (every other key ignored).
        #[derive(Deserialize)]
        struct Typed {
            #[serde(default)]
            run_options: Option<crate::run::RunOptions>,
        }
        let mut m: Manifest = serde_json::from_str(text).map_err(located)?;
        m.run_options = serde_json::from_str::<Typed>(text)
            .map_err(located)?
            .run_options;
        if m.schema != SCHEMA {
            return Err(Error::malformed(
                Position::new(file, 0, 0),
                format!(
                    "schema {:?} is not {SCHEMA:?}, the one this ghg reads",
                    m.schema
                ),
            ));
        }
        Ok(m)
    }

    /// The run this manifest records: its typed `run_options`, or for a manifest made before
    /// them, the same read from `options`; inputs as given. `file` names the manifest in errors.
    pub fn run(&self, file: &str) -> Result<crate::run::Run> {
        let options = match &self.run_options {
            Some(o) => o.clone(),
            None => self
                .options
                .run_options()
                .map_err(|e| Error::malformed(Position::new(file, 0, 0), e))?,
        };
        Ok(crate::run::Run {
            options,
            inputs: self.options.inputs.iter().map(PathBuf::from).collect(),
            threads: 0,
        })
    }

    /// Every file on disk the re-run needs, as named in the manifest (relative to `run_dir`
    /// unless absolute), with what it is.
    pub fn files_needed(&self) -> Vec<(&'static str, &str)> {
        let mut out = Vec::new();
        for f in &self.inputs {
            if f.origin == Origin::File {
                out.push(("input", f.name.as_str()));
            }
        }
        for f in &self.factor_sets {
            if f.origin == Origin::File {
                out.push(("factor set", f.name.as_str()));
            }
        }
        for f in &self.tables {
            if f.origin == Origin::File {
                out.push(("table", f.name.as_str()));
            }
        }
        for d in &self.options.factors_dirs {
            out.push(("factors directory", d.as_str()));
        }
        out
    }
}

/// The path that leads from directory `from` to `to`, both absolute and free of `.` and `..`
/// (as `canonicalize` gives them): `/a/b` to `/a/c/d` is `../c/d`. `to` itself when they
/// share no root (another drive).
pub fn relative_path(from: &Path, to: &Path) -> PathBuf {
    let f: Vec<Component> = from.components().collect();
    let t: Vec<Component> = to.components().collect();
    if f.first() != t.first() {
        return to.to_path_buf();
    }
    let common = f.iter().zip(&t).take_while(|(a, b)| a == b).count();
    let mut out = PathBuf::new();
    for _ in common..f.len() {
        out.push("..");
    }
    for c in &t[common..] {
        out.push(c.as_os_str());
    }
    if out.as_os_str().is_empty() {
        out.push(".");
    }
    out
}

/// A path as manifest text, with `/` separators on every platform.
pub fn path_text(p: &Path) -> String {
    let s = p.to_string_lossy();
    if std::path::MAIN_SEPARATOR == '/' {
        s.into_owned()
    } else {
        s.replace(std::path::MAIN_SEPARATOR, "/")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Manifest {
        Manifest {
            command: vec!["ghg".into(), "inventory".into()],
            factor_sets: vec![FileEntry {
                bytes: 10,
                id: Some("mini".into()),
                name: "sets/mini.toml".into(),
                origin: Origin::File,
                sha256: "ab".into(),
            }],
            ghg: Build::current(),
            inputs: vec![FileEntry {
                bytes: 3,
                id: None,
                name: "a.csv".into(),
                origin: Origin::File,
                sha256: "cd".into(),
            }],
            options: RecordedOptions {
                deflator: "cpi".into(),
                inputs: vec!["a.csv".into()],
                factors: Some("sets/mini.toml".into()),
                ..RecordedOptions::default()
            },
            outputs: vec![],
            run_dir: "..".into(),
            run_options: None,
            schema: SCHEMA.into(),
            tables: vec![],
            timestamp: None,
        }
    }

    fn keys_sorted(v: &serde_json::Value) -> bool {
        match v {
            serde_json::Value::Object(m) => {
                let keys: Vec<&String> = m.keys().collect();
                keys.windows(2).all(|w| w[0] < w[1]) && m.values().all(keys_sorted)
            }
            serde_json::Value::Array(a) => a.iter().all(keys_sorted),
            _ => true,
        }
    }

    #[test]
    fn round_trips_with_sorted_keys() {
        let m = sample();
        let text = m.to_json().unwrap();
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert!(keys_sorted(&v), "{text}");
        assert_eq!(Manifest::parse("m.json", &text).unwrap(), m);
        assert!(!text.contains("timestamp"));
    }

    #[test]
    fn truncated_manifest_is_a_located_error() {
        let text = sample().to_json().unwrap();
        let err = Manifest::parse("out/manifest.json", &text[..text.len() / 2]).unwrap_err();
        let msg = err.to_string();
        assert!(msg.starts_with("out/manifest.json:"), "{msg}");
        assert!(msg.contains("truncated"), "{msg}");
    }

    #[test]
    fn args_rebuild_the_run() {
        let m = sample();
        assert_eq!(
            m.options.inventory_args(Some("o")),
            [
                "inventory",
                "--factors",
                "sets/mini.toml",
                "--fallback-factors",
                "none",
                "--deflator",
                "cpi",
                "--out",
                "o",
                "--",
                "a.csv"
            ]
        );
    }

    #[test]
    fn relative_paths() {
        assert_eq!(
            relative_path(Path::new("/a/b"), Path::new("/a/c/d")),
            Path::new("../c/d")
        );
        assert_eq!(
            relative_path(Path::new("/a/b/out"), Path::new("/a/b")),
            Path::new("..")
        );
        assert_eq!(
            relative_path(Path::new("/a"), Path::new("/a")),
            Path::new(".")
        );
        assert_eq!(
            relative_path(Path::new("/"), Path::new("/x/y")),
            Path::new("x/y")
        );
    }
}
