//! `ghg report procurement RUN_DIR`: the anchor metrics a run made with `--suppliers` wrote to
//! procurement.json, for a procurement lead and a board.

use super::ReportFormat;
use crate::cli::output::{stdout, write_atomic};
use crate::cli::Outcome;
use crate::report::procurement::{
    procurement_csv, procurement_json, procurement_table, procurement_xlsx,
};
use crate::supply::metrics::Procurement;
use crate::{Error, Result};
use std::io::IsTerminal;
use std::path::PathBuf;

/// `ghg report procurement RUN_DIR`.
#[derive(Debug, Clone, clap::Args)]
pub struct ProcurementArgs {
    /// A directory written by `ghg inventory --suppliers REGISTER.csv --out DIR`.
    pub run_dir: PathBuf,
    /// Output format: table (rounded, for people), csv and json (exact), xlsx (a sheet per table).
    #[arg(long, value_enum, default_value_t = ReportFormat::Table)]
    pub format: ReportFormat,
    /// Write to this file (atomically) instead of standard output.
    #[arg(long)]
    pub out: Option<PathBuf>,
}

/// Runs `ghg report procurement`.
pub fn run(args: &ProcurementArgs) -> Result<Outcome> {
    let path = args.run_dir.join(crate::cli::inventory::PROCUREMENT_FILE);
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(Error::usage(format!(
                "{}: no procurement.json; run `ghg inventory ... --suppliers REGISTER.csv --out {}` first",
                path.display(),
                args.run_dir.display()
            )))
        }
        Err(e) => return Err(Error::io(&path, e)),
    };
    // A file that no longer matches the run's manifest has been edited since.
    if let Ok(m) = crate::cli::verify::load_manifest(&args.run_dir) {
        if let Some(entry) = m
            .outputs
            .iter()
            .find(|o| o.name == crate::cli::inventory::PROCUREMENT_FILE)
        {
            if crate::factors::sha256_hex(text.as_bytes()) != entry.sha256 {
                crate::say!(
                    "warning: {} differs from the one the run wrote (manifest.json); `ghg verify {}` says more",
                    path.display(),
                    args.run_dir.display()
                );
            }
        }
    }
    let p = Procurement::parse(&path.display().to_string(), &text)?;
    let bytes = match args.format {
        ReportFormat::Table => procurement_table(&p)?.into_bytes(),
        ReportFormat::Csv => procurement_csv(&p)?.into_bytes(),
        ReportFormat::Json => procurement_json(&p)?.into_bytes(),
        ReportFormat::Xlsx => procurement_xlsx(&p)?,
    };
    match &args.out {
        Some(f) => write_atomic(f, &bytes)?,
        None if args.format == ReportFormat::Xlsx && std::io::stdout().is_terminal() => {
            return Err(Error::usage(
                "an XLSX workbook is not for a terminal: pass --out FILE.xlsx or redirect standard output",
            ))
        }
        None => stdout(&bytes)?,
    }
    Ok(Outcome::Clean)
}
