//! `ghg report`: reports from run directories written by `ghg inventory --out DIR`.

pub mod procurement;

use super::Outcome;
use crate::Result;

/// Reports from a run directory.
#[derive(Debug, Clone, clap::Subcommand)]
pub enum ReportCommand {
    /// Supply chain and anchor metrics of a run made with --suppliers: spend and emissions by
    /// tier and by Carbon Reduction Plan status, local, SME and VCSE shares of spend, the top
    /// suppliers by emissions, spend and kg CO2e per GBP, and spend not matched to the register.
    Procurement(procurement::ProcurementArgs),
}

/// Formats of `ghg report`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportFormat {
    /// Tables for people, figures rounded for display.
    Table,
    /// Every table in one CSV, exact figures.
    Csv,
    /// Exact figures, documented schema.
    Json,
    /// A workbook, one sheet per table, numbers as numbers.
    Xlsx,
}

/// Runs `ghg report`.
pub fn run(cmd: &ReportCommand) -> Result<Outcome> {
    match cmd {
        ReportCommand::Procurement(args) => procurement::run(args),
    }
}
