//! `ghg compare`: the same activity data under two factor sets, for a change of edition or a
//! base-year recalculation; `--out DIR` keeps both inventories, each with its manifest, and
//! `restatement.json` with both figures side by side.

use super::inventory::{prepare, ComputeArgs, InventoryArgs};
use super::manifest::{hash_file, options, rerun};
use super::output::{stdout, write_atomic};
use super::{GlobalArgs, Outcome};
use crate::audit::compare::{compare, render_json, render_text, to_json, FactorInfo};
use crate::audit::manifest::{path_text, RunOptions, FILE_NAME};
use crate::engine::{self, Sinks};
use crate::{Error, Result};
use clap::Parser;
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

#[derive(Parser)]
struct Wrap {
    #[command(flatten)]
    args: InventoryArgs,
}

/// The `inventory` arguments of one side, parsed as `ghg inventory` would parse them.
fn inventory_args(options: &RunOptions) -> Result<InventoryArgs> {
    Wrap::try_parse_from(options.inventory_args(None))
        .map(|w| w.args)
        .map_err(|e| {
            Error::usage(format!(
                "internal: cannot rebuild the inventory arguments: {e}"
            ))
        })
}

/// Runs `ghg compare`.
pub fn run(args: &CompareArgs, global: &GlobalArgs) -> Result<Outcome> {
    let catalog = global.catalog()?;
    // Paths exactly as given: both sides run from this directory.
    let dirs: Vec<String> = global.factors_dirs.iter().map(|d| path_text(d)).collect();
    let side = |factors: &str| {
        options(
            &args.compute,
            Some(factors.to_string()),
            args.inputs.iter().map(|p| path_text(p)).collect(),
            dirs.clone(),
            &|p| path_text(p),
        )
    };
    if args.compute.spend_factors_old.is_some() {
        crate::say!("warning: {}", super::inventory::SPEND_FACTORS_RENAMED);
    }
    let sides = [side(&args.factors), side(&args.against)];
    if args.inputs.is_empty() {
        crate::say!(
            "no input files given: comparing the shipped example NHS trust (examples/nhs-trust/)"
        );
    }
    let mut runs = Vec::new();
    for o in &sides {
        let prepared = prepare(&inventory_args(o)?, &catalog)?;
        let out = engine::run_with(
            prepared.inputs.clone(),
            &prepared.layout,
            &prepared.resolver,
            Sinks::default(),
        )?;
        runs.push((prepared, out.inventory));
    }
    let lookup = |side: usize, key: &str| -> Option<FactorInfo> {
        let (p, _) = runs.get(side)?;
        p.resolver.sets.iter().find_map(|s| {
            let f = s.get(key)?;
            Some((f.kg_co2e?, f.label(), f.unit.name.to_string()))
        })
    };
    let name = |p: &crate::cli::inventory::Prepared, given: &str| -> String {
        p.resolver
            .sets
            .first()
            .map_or(given.to_string(), |s| s.id().to_string())
    };
    let (pa, ia) = &runs[0];
    let (pb, ib) = &runs[1];
    let c = compare(
        &name(pa, &args.factors),
        ia,
        &name(pb, &args.against),
        ib,
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

/// DIR/original and DIR/restated by re-running `ghg inventory`, then DIR/restatement.json.
fn write_restatement(
    dir: &Path,
    sides: &[RunOptions; 2],
    c: &crate::audit::compare::Comparison,
) -> Result<()> {
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let mut manifests = Vec::new();
    for (sub, o) in ["original", "restated"].iter().zip(sides) {
        let out = dir.join(sub);
        let r = rerun(o, Path::new("."), &out, false)?;
        if r.code == 2 {
            return Err(Error::usage(format!(
                "writing {}: the inventory run failed:\n{}",
                out.display(),
                r.stderr.trim_end()
            )));
        }
        let (sha, _) = hash_file(&out.join(FILE_NAME))?;
        manifests.push((sub, o, sha));
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
