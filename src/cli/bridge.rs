//! `ghg bridge RUN_A RUN_B`: why emissions moved between two inventory runs, split line by line
//! into the activity effect, the factor effect and lines found in one run only.

use super::output::{stdout, write_atomic};
use super::trajectory::read_run;
use super::Outcome;
use crate::num::exact_string;
use crate::trajectory::bridge::{bridge, disagreements};
use crate::trajectory::render::{bridge_csv, bridge_json, bridge_table};
use crate::{Error, Result};
use std::path::PathBuf;

/// Explain the change between two inventory runs (`ghg inventory --out`): the activity effect
/// (change of quantity at A's factors), the factor effect (change of factor at B's quantities),
/// lines only in A and lines only in B, by scope, scope 3 category and site. The parts add
/// exactly to the change; exit 1 if a run's ledger does not add to its inventory.json.
#[derive(Debug, Clone, clap::Args)]
pub struct BridgeArgs {
    /// The earlier run's directory (ledger.csv and inventory.json).
    pub run_a: PathBuf,
    /// The later run's directory.
    pub run_b: PathBuf,
    /// Output format on standard output.
    #[arg(long, value_enum, default_value_t = BridgeFormat::Table)]
    pub format: BridgeFormat,
    /// Also write bridge.json and bridge.csv to this directory.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

/// Output formats of `ghg bridge`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum BridgeFormat {
    /// tCO2e by scope, category and site, for people.
    Table,
    /// Exact kg CO2e, one row per matched line.
    Csv,
    /// Exact kg CO2e, schema ghg-bridge/1, with every line.
    Json,
}

/// Runs `ghg bridge`.
pub fn run(args: &BridgeArgs) -> Result<Outcome> {
    let a = read_run(&args.run_a)?;
    let b = read_run(&args.run_b)?;
    let br = bridge(&a.lines, &b.lines)?;
    for l in &br.lines {
        if l.parts.sum_of_parts() != l.parts.change() {
            return Err(Error::usage(format!(
                "internal: the parts of line {:?} do not add to its change",
                l.key
            )));
        }
    }
    let json = bridge_json(&br, &a.name, &b.name)?;
    let csv_text = bridge_csv(&br)?;
    if let Some(d) = &args.out {
        std::fs::create_dir_all(d).map_err(|e| Error::io(d, e))?;
        write_atomic(&d.join("bridge.json"), json.as_bytes())?;
        write_atomic(&d.join("bridge.csv"), csv_text.as_bytes())?;
    }
    match args.format {
        BridgeFormat::Table => stdout(bridge_table(&br, &a.name, &b.name).as_bytes())?,
        BridgeFormat::Csv => stdout(csv_text.as_bytes())?,
        BridgeFormat::Json => stdout(json.as_bytes())?,
    }
    let mut outcome = Outcome::Clean;
    for (run, side_a) in [(&a, true), (&b, false)] {
        for (what, ours, theirs) in disagreements(&br, side_a, &run.inventory) {
            crate::say!(
                "warning: {}: the ledger's {what} is {} kg CO2e but inventory.json says {}",
                run.name,
                exact_string(ours),
                theirs.map_or("nothing".to_string(), exact_string)
            );
            outcome = Outcome::Findings;
        }
    }
    if outcome == Outcome::Clean {
        crate::say!(
            "checked: both ledgers add to their inventory.json totals (total, scopes, categories, sites), and the parts add to the change on every line"
        );
    }
    Ok(outcome)
}
