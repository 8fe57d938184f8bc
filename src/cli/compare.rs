//! `ghg compare`: the same activity data under two factor sets, for a change of edition or a
//! base-year recalculation; `--out DIR` keeps both inventories, each with its manifest, and
//! `restatement.json` with both figures side by side.

use super::inventory::{execute, ComputeArgs, Writing};
use super::manifest::hash_file;
use super::output::{stdout, write_atomic};
use super::{GlobalArgs, Outcome};
use crate::audit::compare::{compare, render_json, render_text, to_json, FactorInfo};
use crate::audit::manifest::FILE_NAME;
use crate::engine::Sinks;
use crate::run::{Run, RunOutput};
use crate::{Error, Result};
use rust_decimal::Decimal;
use serde_json::json;
use std::path::{Path, PathBuf};

/// Compare one inventory under two factor sets: the change by scope, scope 3 category and
/// site, and the factors that drive it, largest first.
#[derive(Debug, Clone, clap::Args)]
pub struct CompareArgs {
    /// Activity CSV files [default: the shipped example NHS trust].
    pub inputs: Vec<PathBuf>,
    /// The original factor set (the baseline as reported), by id or path.
    #[arg(long, value_name = "SET")]
    pub factors: String,
    /// The factor set to compare with (the restated baseline), by id or path.
    #[arg(long, value_name = "SET")]
    pub against: String,
    /// Options that decide the figures, the same for both runs.
    #[command(flatten)]
    pub compute: ComputeArgs,
    /// Exit 1 when the location-based total changes by more than this many percent (`5%`).
    #[arg(long, value_name = "PERCENT", value_parser = super::factors::parse_percent)]
    pub fail_above: Option<Decimal>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = CompareFormat::Table)]
    pub format: CompareFormat,
    /// Drivers shown in the table (0 for all); JSON lists all.
    #[arg(long, default_value_t = 10)]
    pub top: usize,
    /// Write DIR/original and DIR/restated (each an `inventory --out` directory with its
    /// manifest) and DIR/restatement.json.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

/// Output formats of `ghg compare`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum CompareFormat {
    /// kg CO2e to two places, for people.
    Table,
    /// Exact kg CO2e as strings.
    Json,
}

/// Runs `ghg compare`.
pub fn run(args: &CompareArgs, global: &GlobalArgs) -> Result<Outcome> {
    // The same options and inputs (paths as given, read from this directory) on both sides.
    let side = |factors: &str| -> Result<Run> {
        Ok(Run {
            options: args
                .compute
                .run_options(Some(factors.to_string()), None, global)?,
            inputs: args.inputs.clone(),
            threads: 0,
        })
    };
    let sides = [side(&args.factors)?, side(&args.against)?];
    // Both prepared before either runs: a bad set name fails before anything is written.
    let mut prepared = Vec::new();
    for s in &sides {
        let mut p = s.prepare()?;
        for m in p.messages.drain(..) {
            crate::say!("{m}");
        }
        prepared.push(p);
    }
    if args.compute.spend_factors_old.is_some() {
        crate::say!("warning: {}", super::inventory::SPEND_FACTORS_RENAMED);
    }
    if args.inputs.is_empty() {
        crate::say!(
            "no input files given: comparing the shipped example NHS trust (examples/nhs-trust/)"
        );
    }
    let mut runs = Vec::new();
    for ((s, p), sub) in sides.iter().zip(prepared).zip(SIDES) {
        // With --out each side is an `inventory --out` directory, written as the run goes.
        let out = match &args.out {
            Some(dir) => {
                std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
                let how = Writing {
                    out: Some(&dir.join(sub)),
                    quiet: true,
                    timestamp: None,
                    csv: false,
                };
                execute(s, p, &how)?.output
            }
            None => p.execute(Sinks::default(), &mut |_| {})?,
        };
        runs.push(out);
    }
    let lookup = |side: usize, key: &str| -> Option<FactorInfo> {
        runs.get(side)?.sets().find_map(|s| {
            let f = s.get(key)?;
            Some((f.kg_co2e?, f.label(), f.unit.name.to_string()))
        })
    };
    let name = |r: &RunOutput, given: &str| -> String {
        r.prepared
            .resolver
            .sets
            .first()
            .map_or(given.to_string(), |s| s.id().to_string())
    };
    let (a, b) = (&runs[0], &runs[1]);
    let c = compare(
        &name(a, &args.factors),
        &a.inventory,
        &name(b, &args.against),
        &b.inventory,
        &lookup,
    )?;

    if let Some(dir) = &args.out {
        write_restatement(dir, &sides, &c)?;
        crate::say!(
            "wrote {0}/original, {0}/restated (each with manifest.json) and {0}/restatement.json",
            dir.display()
        );
    }
    match args.format {
        CompareFormat::Table => stdout(render_text(&c, args.top).as_bytes())?,
        CompareFormat::Json => stdout(render_json(&c)?.as_bytes())?,
    }
    if let (Some(limit), Some(total)) = (args.fail_above, c.total()) {
        let over = match total.percent {
            Some(p) => p.abs() > limit,
            None => !total.kg.is_zero(),
        };
        if over {
            crate::say!(
                "total (location-based) changed by {}, more than --fail-above {limit}%",
                total.percent.map_or(
                    "an undefined percentage (from zero)".to_string(),
                    |p| format!("{p}%")
                )
            );
            return Ok(Outcome::Findings);
        }
    }
    Ok(Outcome::Clean)
}

/// The two sides' directories under `compare --out DIR`.
const SIDES: [&str; 2] = ["original", "restated"];

/// DIR/restatement.json, beside DIR/original and DIR/restated (written by the runs).
fn write_restatement(
    dir: &Path,
    sides: &[Run; 2],
    c: &crate::audit::compare::Comparison,
) -> Result<()> {
    let mut manifests = Vec::new();
    for (sub, o) in SIDES.iter().zip(sides) {
        let (sha, _) = hash_file(&dir.join(sub).join(FILE_NAME))?;
        manifests.push((sub, &o.options, sha));
    }
    let side = |i: usize, set: &str| {
        let (sub, o, sha) = &manifests[i];
        json!({
            "factor_set": set,
            "factors": o.factors,
            "dir": sub,
            "manifest_sha256": sha,
        })
    };
    let v = json!({
        "schema": "ghg-restatement/1",
        "policy": "GHG Protocol base-year recalculation: the base year as originally reported (original) and recalculated with the restated factor set (restated), side by side; both directories verify with `ghg verify`",
        "original": side(0, &c.original),
        "restated": side(1, &c.restated),
        "comparison": to_json(c),
    });
    let mut s = serde_json::to_string_pretty(&v).map_err(|e| Error::usage(e.to_string()))?;
    s.push('\n');
    write_atomic(&dir.join("restatement.json"), s.as_bytes())
}
