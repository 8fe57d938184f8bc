//! `ghg report nhs`: the Greener NHS summary and the annual report's sustainability tables
//! from one or more inventory output directories; `ghg report procurement` (in
//! `report/procurement.rs`): the supply-chain and anchor metrics of a run with a supplier register.

pub mod procurement;

use super::output::{stdout, write_atomic};
use super::{GlobalArgs, Outcome};
use crate::audit::ledger::read_ledger;
use crate::report::greener_nhs::{
    build, render_csv, render_json, render_table, render_xlsx, Denominators, RunInput,
};
use crate::report::html::{render, FactorSource, Page, RunView, TrajectoryView};
use crate::report::inventory_json::InventoryJson;
use crate::trajectory::baseline::run_year;
use crate::trajectory::bridge::bridge;
use crate::trajectory::chart::trajectory_svg;
use crate::trajectory::render::trajectory_csv;
use crate::trajectory::YearStyle;
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
    /// Supply chain and anchor metrics of a run made with --suppliers: spend and emissions by
    /// tier and by Carbon Reduction Plan status, local, SME and VCSE shares of spend, the top
    /// suppliers by emissions, spend and kg CO2e per GBP, and spend not matched to the register.
    Procurement(procurement::ProcurementArgs),
    /// One self-contained HTML page for a board and an auditor: headline figures, charts by
    /// scope, NHS category, scope 3 category and site, the trajectory (with --plan), the
    /// year-on-year bridge (with --actual), data quality, the annual-report tables, factor
    /// sources and the manifest's hashes.
    Html(HtmlArgs),
}

/// Arguments of `ghg report html`.
#[derive(Debug, Clone, clap::Args)]
pub struct HtmlArgs {
    /// This year's run: a directory written by `ghg inventory --out`.
    #[arg(value_name = "RUN_DIR")]
    pub run: PathBuf,
    /// Another year's run (repeatable): the year before this one gives the change on the prior
    /// year and the bridge; all are drawn as actuals on the trajectory.
    #[arg(long = "actual", value_name = "RUN_DIR")]
    pub actuals: Vec<PathBuf>,
    /// A Green Plan (as `ghg trajectory --plan`) for the trajectory, targets and gap.
    #[arg(long, value_name = "PLAN.toml")]
    pub plan: Option<PathBuf>,
    /// The HTML file to write (atomically).
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
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
    let v = InventoryJson::parse(&inv_path.display().to_string(), &text)?;
    let factor_sets = v.factor_sets.into_iter().map(|s| (s.id, s.title)).collect();
    let notes = v.notes;
    Ok(RunInput {
        name,
        ledger,
        factor_sets,
        notes,
    })
}

/// Runs `ghg report`.
pub fn run(cmd: &ReportCommand, global: &GlobalArgs) -> Result<Outcome> {
    match cmd {
        ReportCommand::Nhs(args) => nhs(args),
        ReportCommand::Procurement(args) => procurement::run(args),
        ReportCommand::Html(args) => html(args, global),
    }
}

/// Runs `ghg report nhs`.
fn nhs(args: &NhsArgs) -> Result<Outcome> {
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

/// A run for the page: its ledger lines (for the bridge) and its reporting year.
fn view(dir: &Path) -> Result<(RunView, Vec<crate::audit::ledger::LedgerLine>, Option<u16>)> {
    let run = super::trajectory::read_run(dir)?;
    let year = run_year(&run.name, &run.lines, YearStyle::Financial).ok();
    let mpath = dir.join("manifest.json");
    let manifest = match std::fs::read_to_string(&mpath) {
        Ok(t) => serde_json::from_str(&t).map_err(|e| {
            Error::malformed(
                crate::Position::new(
                    mpath.display().to_string(),
                    e.line() as u64,
                    e.column() as u64,
                ),
                format!("not a manifest.json written by ghg inventory: {e}"),
            )
        })?,
        Err(e) => return Err(Error::io(&mpath, e)),
    };
    Ok((
        RunView {
            name: run.name,
            year: year.map(|y| YearStyle::Financial.label(y)),
            // The page still addresses figures by JSON pointer; the value comes from the
            // typed, schema-checked document.
            inventory: serde_json::to_value(&run.inventory)
                .map_err(|e| Error::usage(format!("inventory.json: {e}")))?,
            manifest,
        },
        run.lines,
        year,
    ))
}

/// Runs `ghg report html`.
fn html(args: &HtmlArgs, global: &GlobalArgs) -> Result<Outcome> {
    let (this, this_lines, this_year) = view(&args.run)?;
    let mut others = Vec::new();
    for d in &args.actuals {
        others.push(view(d)?);
    }
    // The prior year: the newest run before this one.
    let prior = this_year.and_then(|ty| {
        others
            .iter()
            .enumerate()
            .filter(|(_, (_, _, y))| y.is_some_and(|y| y < ty))
            .max_by_key(|(_, (_, _, y))| *y)
            .map(|(i, _)| i)
    });
    let bridge = match prior {
        Some(i) => Some(bridge(&others[i].1, &this_lines)?),
        None => None,
    };
    let mut inputs = vec![read_run(&args.run)?];
    for d in &args.actuals {
        inputs.push(read_run(d)?);
    }
    let nhs = match build(inputs, &Denominators::default()) {
        Ok(r) => Some(r),
        Err(e) => {
            crate::say!("warning: the annual-report tables are left out: {e}");
            None
        }
    };
    let trajectory = match &args.plan {
        None => None,
        Some(plan) => {
            // The oldest run given is the baseline unless the plan states one in kg.
            let text = crate::factors::catalog::read_text(plan)?;
            let parsed = crate::trajectory::plan::parse_plan(&plan.display().to_string(), &text)?;
            let mut dirs: Vec<(Option<u16>, PathBuf)> = vec![(this_year, args.run.clone())];
            for (d, (_, _, y)) in args.actuals.iter().zip(&others) {
                dirs.push((*y, d.clone()));
            }
            dirs.sort_by_key(|(y, _)| *y);
            let (baseline, actuals) = if parsed.baseline_kg.is_some() {
                (None, dirs.into_iter().map(|(_, d)| d).collect())
            } else {
                let mut it = dirs.into_iter().map(|(_, d)| d);
                (it.next(), it.collect())
            };
            let targs = super::trajectory::TrajectoryArgs {
                baseline,
                baseline_kg: None,
                base_year: None,
                plan: Some(plan.clone()),
                targets: Vec::new(),
                to: None,
                actuals,
                calendar: false,
                format: super::trajectory::TrajectoryFormat::Table,
                out: None,
            };
            let r = super::trajectory::build(&targs, global)?;
            Some(TrajectoryView {
                plan: r.plan.clone(),
                svg: trajectory_svg(&r)?,
                csv: trajectory_csv(&r)?,
                notes: r.notes.clone(),
            })
        }
    };
    let catalog = global.catalog()?;
    let mut sources = Vec::new();
    for s in this
        .inventory
        .get("factor_sets")
        .and_then(serde_json::Value::as_array)
        .into_iter()
        .flatten()
    {
        let id = s
            .get("id")
            .and_then(serde_json::Value::as_str)
            .unwrap_or("");
        let sha256 = s
            .get("sha256")
            .and_then(serde_json::Value::as_str)
            .unwrap_or("");
        let (title, publisher, url, licence) = match catalog.load(id) {
            Ok(set) => {
                let h = &set.header;
                (
                    h.title.clone(),
                    h.publisher.clone(),
                    h.url.clone(),
                    h.licence.clone(),
                )
            }
            Err(_) => (
                s.get("title")
                    .and_then(serde_json::Value::as_str)
                    .unwrap_or("")
                    .to_string(),
                "(not in this catalogue)".to_string(),
                String::new(),
                String::new(),
            ),
        };
        sources.push(FactorSource {
            id: id.to_string(),
            title,
            publisher,
            url,
            licence,
            sha256: sha256.to_string(),
        });
    }
    let page = Page {
        run: &this,
        prior: prior.map(|i| &others[i].0),
        nhs: nhs.as_ref(),
        bridge: bridge.as_ref(),
        trajectory: trajectory.as_ref(),
        sources: &sources,
    };
    let text = render(&page)?;
    write_atomic(&args.out, text.as_bytes())?;
    crate::say!("wrote {}", args.out.display());
    Ok(Outcome::Clean)
}
