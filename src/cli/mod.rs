//! The command line: clap types, one file per subcommand, and where output goes. This is the
//! only module that prints, reads environment variables or picks exit codes.
//!
//! Exit codes: 0 done and clean; 1 done with findings (rejected rows, a failed check, a
//! difference over a threshold); 2 could not run (bad usage, unreadable input, invalid set).

pub mod bridge;
pub mod compare;
pub mod explain;
pub mod factors;
pub mod import;
pub mod inventory;
pub mod manifest;
pub mod merge;
pub mod output;
pub mod report;
pub mod run_dir;
pub mod trajectory;
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
    /// Compute a scope 1, 2 and 3 inventory from activity CSVs or workbooks [default: the
    /// example NHS trust].
    ///
    /// Files: CSV (any delimiter, UTF-8, Windows-1252 or UTF-16), .xlsx, .xlsm, .xls or .ods
    /// (first sheet, or FILE.xlsx#Sheet name). Layouts: long, or wide (a column per activity,
    /// unit in brackets: Electricity (MWh)); name your own columns with --column, map wide
    /// headers with --wide.
    ///
    /// Columns (any order, any case): activity (a factor key such as 1_100_1004_6, a DESNZ ID,
    /// SET:KEY, or a name such as "Gas" or "Grey fleet": ghg factors aliases), quantity and
    /// unit (kWh, MWh, GJ, therms, litres, m3, kg, tonnes, km, miles, passenger.km, GBP ...);
    /// optional site, period (2024, 2024-05, 2024-05-31, 2024/25, Q1 2024/25), ref, supplier,
    /// site_name, factor_set, market_factor (kg CO2e per kWh, contractual); for spend rows
    /// amount ((£1,200.00) and credit notes netted), currency and price_year instead of
    /// quantity and unit; beside a quantity, amount is the row's cost (reported, not used in
    /// the figures); nhs_category overrides the row's default NHS category. Months and dates
    /// are NHS financial years.
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
    /// Project emissions to a year: business as usual, a plan's interventions, targets (NHS,
    /// SBTi, custom), gaps, carbon budgets and abatement costs [default: the example trust's plan].
    Trajectory(trajectory::TrajectoryArgs),
    /// Explain the change between two inventory runs: activity effect, factor effect, lines in
    /// one run only, by scope, category and site; the parts add exactly to the change.
    Bridge(bridge::BridgeArgs),
    /// Turn published returns into activity CSVs: `ghg import eric FILE --org CODE`.
    #[command(subcommand)]
    Import(import::ImportCommand),
    /// Reports from inventory runs: `ghg report nhs RUN_DIR...` (Greener NHS summary and
    /// annual-report tables, as table, CSV, JSON or XLSX) and `ghg report procurement RUN_DIR`
    /// (supply chain and anchor metrics of a run with --suppliers) and
    /// `ghg report html RUN_DIR --out FILE` (one self-contained page for a board and an auditor).
    #[command(subcommand)]
    Report(report::ReportCommand),
    /// Combine runs over disjoint inputs (by site, month or file) into the inventory one run
    /// over all the inputs gives, byte for byte.
    Merge(merge::MergeArgs),
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
        Command::Trajectory(args) => trajectory::run(args, &cli.global),
        Command::Bridge(args) => bridge::run(args),
        Command::Import(cmd) => import::run(cmd),
        Command::Report(cmd) => report::run(cmd, &cli.global),
        Command::Merge(args) => merge::run(args, &cli.global),
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
