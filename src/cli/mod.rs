//! The command line: clap types, one file per subcommand, and where output goes. This is the
//! only module that prints, reads environment variables or picks exit codes.
//!
//! Exit codes: 0 done and clean; 1 done with findings (rejected rows, a failed check, a
//! difference over a threshold); 2 could not run (bad usage, unreadable input, invalid set).

pub mod compare;
pub mod explain;
pub mod factors;
pub mod inventory;
pub mod manifest;
pub mod output;
pub mod report;
pub mod run_dir;
pub mod verify;

use crate::factors::Catalog;
use crate::Error;
use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

/// Exact, reproducible greenhouse-gas inventories for NHS organisations.
#[derive(Debug, Parser)]
#[command(name = "ghg", version, about, long_about = None)]
pub struct Cli {
    /// Options every subcommand accepts.
    #[command(flatten)]
    pub global: GlobalArgs,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Options every subcommand accepts.
#[derive(Debug, Clone, clap::Args)]
pub struct GlobalArgs {
    /// A directory of your own factor sets (supplier-specific, contract); repeatable.
    /// They are validated like the shipped sets; each needs an id no other set has.
    #[arg(
        long = "factors-dir",
        global = true,
        env = "GHG_FACTORS_DIR",
        value_delimiter = ':'
    )]
    pub factors_dirs: Vec<PathBuf>,
}

impl GlobalArgs {
    /// The catalog of shipped and user factor sets.
    pub fn catalog(&self) -> Result<Catalog, Error> {
        Catalog::discover(&self.factors_dirs)
    }
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// List, show, validate, compare and import emission-factor sets.
    #[command(subcommand)]
    Factors(factors::FactorsCommand),
    /// Compute a scope 1, 2 and 3 inventory from activity CSVs [default: the example NHS trust].
    ///
    /// Columns (any order, any case): activity (a factor key such as 1_100_1004_6, a DESNZ ID,
    /// or an alias such as "natural gas"), quantity and unit (kWh, MWh, GJ, therms, litres, m3,
    /// kg, tonnes, km, miles, passenger.km, GBP ...); optional site, period (2024, 2024-05,
    /// 2024-05-31, 2024/25), ref, supplier, market_factor (kg CO2e per kWh, contractual); for
    /// spend rows amount, currency and price_year instead of quantity and unit.
    ///
    /// Every row is used or rejected with its reason; any reject makes the exit code 1 unless
    /// --allow-rejects. Exit 2 when the run cannot start (unreadable file, invalid factor set).
    Inventory(inventory::InventoryArgs),
    /// Re-run the inventory in DIR/manifest.json and report any input, factor or output that differs.
    Verify(verify::VerifyArgs),
    /// Show how a ledger line, factor or total in an output directory was computed.
    Explain(explain::ExplainArgs),
    /// Compare one inventory under two factor sets: change by scope, category, site, and drivers.
    Compare(compare::CompareArgs),
    /// Reports from a run directory (`report procurement RUN_DIR`).
    #[command(subcommand)]
    Report(report::ReportCommand),
}

/// The outcome of a subcommand that ran.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Done, nothing to report.
    Clean,
    /// Done, with findings that should fail a CI job.
    Findings,
}

/// Runs the parsed command line and returns the process exit code.
pub fn run(cli: Cli) -> ExitCode {
    let result = match &cli.command {
        Command::Factors(cmd) => factors::run(cmd, &cli.global),
        Command::Inventory(args) => inventory::run(args, &cli.global),
        Command::Verify(args) => verify::run(args),
        Command::Explain(args) => explain::run(args),
        Command::Compare(args) => compare::run(args, &cli.global),
        Command::Report(cmd) => report::run(cmd),
    };
    match result {
        Ok(Outcome::Clean) => ExitCode::SUCCESS,
        Ok(Outcome::Findings) => ExitCode::from(1),
        Err(e) => {
            if output::is_broken_pipe(&e) {
                return ExitCode::SUCCESS;
            }
            crate::say!("error: {e}");
            ExitCode::from(2)
        }
    }
}
