//! `ghg report nhs`: the Greener NHS summary and the annual report's sustainability tables
//! from one or more inventory output directories.

use super::output::{stdout, write_atomic};
use super::Outcome;
use crate::audit::ledger::read_ledger;
use crate::report::greener_nhs::{
    build, render_csv, render_json, render_table, render_xlsx, Denominators, RunInput,
};
use crate::{Error, Result};
use rust_decimal::Decimal;
use std::path::{Path, PathBuf};

/// Reports built from inventory runs.
#[derive(Debug, clap::Subcommand)]
pub enum ReportCommand {
    /// Greener NHS summary (NHS Carbon Footprint and Footprint Plus by NHS category, this year,
    /// prior year and baseline) and annual-report tables (emissions by scope with energy in kWh,
    /// waste by disposal route, water, costs; intensities) from `ghg inventory --out` directories.
    Nhs(NhsArgs),
}

/// Arguments of `ghg report nhs`.
#[derive(Debug, Clone, clap::Args)]
pub struct NhsArgs {
    /// Run directories written by `ghg inventory --out`, in any order: they are ordered by
    /// reporting year, the newest being this year, the one before the prior year, the oldest
    /// the baseline (with three or more).
    #[arg(required = true, value_name = "RUN_DIR")]
    pub runs: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ReportFormat::Table)]
    pub format: ReportFormat,
    /// Write to this file (atomically) instead of standard output; needed for xlsx.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Gross internal floor area in m2, for kg CO2e per m2.
    #[arg(long, value_name = "M2", value_parser = positive)]
    pub floor_area: Option<Decimal>,
    /// Staff, full-time equivalent, for kg CO2e per FTE.
    #[arg(long, value_name = "FTE", value_parser = positive)]
    pub fte: Option<Decimal>,
    /// Beds, for kg CO2e per bed.
    #[arg(long, value_name = "BEDS", value_parser = positive)]
    pub beds: Option<Decimal>,
    /// Operating expense in GBP, for kg CO2e per GBP.
    #[arg(long, value_name = "GBP", value_parser = positive)]
    pub opex: Option<Decimal>,
}

/// Output formats of `ghg report nhs`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportFormat {
    /// Text tables, rounded for display.
    Table,
    /// Every table in one CSV, exact figures.
    Csv,
    /// Exact figures, documented schema.
    Json,
    /// A workbook, one sheet per table, numbers as numbers.
    Xlsx,
}

fn positive(text: &str) -> std::result::Result<Decimal, String> {
    match crate::activity::parse_amount(text) {
        Ok((v, _)) if v > Decimal::ZERO => Ok(v),
        _ => Err(format!("{text:?} is not a positive number")),
    }
}

/// Reads one run directory: its ledger, and the factor sets and notes of its inventory.json.
fn read_run(dir: &Path) -> Result<RunInput> {
    let name = dir.display().to_string();
    let ledger_path = dir.join("ledger.csv");
    let bytes = std::fs::read(&ledger_path).map_err(|e| Error::io(&ledger_path, e))?;
    let ledger = read_ledger(&ledger_path.display().to_string(), &bytes)?;
    let inv_path = dir.join("inventory.json");
    let text = std::fs::read_to_string(&inv_path).map_err(|e| Error::io(&inv_path, e))?;
    let v: serde_json::Value = serde_json::from_str(&text).map_err(|e| {
        Error::malformed(
            crate::Position::new(
                inv_path.display().to_string(),
                e.line() as u64,
                e.column() as u64,
            ),
            format!("not an inventory.json written by ghg inventory: {e}"),
        )
    })?;
    let factor_sets = v["factor_sets"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|s| {
                    (
                        s["id"].as_str().unwrap_or_default().to_string(),
                        s["title"].as_str().unwrap_or_default().to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    let notes = v["notes"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|n| n.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    Ok(RunInput {
        name,
        ledger,
        factor_sets,
        notes,
    })
}

/// Runs `ghg report`.
pub fn run(cmd: &ReportCommand) -> Result<Outcome> {
    let ReportCommand::Nhs(args) = cmd;
    if args.format == ReportFormat::Xlsx && args.out.is_none() {
        return Err(Error::usage(
            "--format xlsx writes a workbook: give --out FILE.xlsx",
        ));
    }
    let runs = args
        .runs
        .iter()
        .map(|d| read_run(d))
        .collect::<Result<Vec<_>>>()?;
    let d = Denominators {
        floor_area_m2: args.floor_area,
        fte: args.fte,
        beds: args.beds,
        opex_gbp: args.opex,
    };
    let report = build(runs, &d)?;
    let bytes = match args.format {
        ReportFormat::Table => render_table(&report).into_bytes(),
        ReportFormat::Csv => render_csv(&report)?.into_bytes(),
        ReportFormat::Json => render_json(&report)?.into_bytes(),
        ReportFormat::Xlsx => render_xlsx(&report)?,
    };
    match &args.out {
        Some(p) => write_atomic(p, &bytes)?,
        None => stdout(&bytes)?,
    }
    Ok(Outcome::Clean)
}
