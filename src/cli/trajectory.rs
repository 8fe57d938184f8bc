//! `ghg trajectory`: a baseline and a plan to yearly business as usual, plan, targets, gaps,
//! budgets and abatement costs; with `--out`, JSON, CSV and two SVG charts.

use super::output::{stdout, write_atomic};
use super::{GlobalArgs, Outcome};
use crate::audit::ledger::{read_ledger, LedgerLine};
use crate::engine::{self, Sinks, LEDGER_HEADER};
use crate::factors::tables::Deflators;
use crate::num::{exact_string, parse_decimal};
use crate::report::inventory_json::InventoryJson;
use crate::trajectory::baseline::{from_ledger, from_total, ledger_total, run_year};
use crate::trajectory::chart::{macc_svg, trajectory_svg};
use crate::trajectory::macc::macc;
use crate::trajectory::plan::{parse_plan, Plan};
use crate::trajectory::project::{project, target_defs};
use crate::trajectory::render::{
    trajectory_csv, trajectory_json, trajectory_table, Actual, Report,
};
use crate::trajectory::tables::{shipped_carbon_values, shipped_grid};
use crate::trajectory::targets::NHS_BASE_YEAR;
use crate::trajectory::YearStyle;
use crate::{Error, Result};
use clap::Parser;
use rust_decimal::Decimal;
use std::path::{Path, PathBuf};

/// Project emissions year by year: business as usual, the plan's interventions, targets, the
/// gap and carbon budget to each, and each intervention's cost per tonne.
#[derive(Debug, Clone, clap::Args)]
pub struct TrajectoryArgs {
    /// Baseline: a `ghg inventory --out` directory (its ledger.csv is cut into the plan's
    /// slices; its year is the base year unless given).
    #[arg(long, value_name = "RUN_DIR", conflicts_with = "baseline_kg")]
    pub baseline: Option<PathBuf>,
    /// Baseline as one figure in kg CO2e (needs --base-year); slices then take `baseline_kg`.
    #[arg(long, value_name = "KG", requires = "base_year")]
    pub baseline_kg: Option<String>,
    /// Base year: `2019/20` (NHS financial year) or `2019` with --calendar.
    #[arg(long, value_name = "YEAR")]
    pub base_year: Option<String>,
    /// The plan [default: with --baseline or --baseline-kg, none (one flat slice, every
    /// built-in target); with neither, the example trust's examples/nhs-trust/plan.toml].
    #[arg(long, value_name = "PLAN.toml")]
    pub plan: Option<PathBuf>,
    /// Target to show, repeatable: nhs-carbon-footprint, nhs-footprint-plus, sbti-1.5c,
    /// sbti-wb2c, or a [[target]] of the plan [default: the plan's `targets`, else all].
    #[arg(long = "target", value_name = "NAME")]
    pub targets: Vec<String>,
    /// Last year projected [default: the plan's `to`, else 2045/46].
    #[arg(long, value_name = "YEAR")]
    pub to: Option<String>,
    /// An inventory run of a later year, shown against the projection; repeatable.
    #[arg(long = "actual", value_name = "RUN_DIR")]
    pub actuals: Vec<PathBuf>,
    /// Name years as calendar years, not NHS financial years (April to March).
    #[arg(long)]
    pub calendar: bool,
    /// Output format on standard output.
    #[arg(long, value_enum, default_value_t = TrajectoryFormat::Table)]
    pub format: TrajectoryFormat,
    /// Also write trajectory.json, trajectory.csv, trajectory.svg and macc.svg to this directory.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

/// Output formats of `ghg trajectory`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum TrajectoryFormat {
    /// tCO2e by year, for people.
    Table,
    /// Exact kg CO2e, one row a year.
    Csv,
    /// Exact kg CO2e, schema ghg-trajectory/1.
    Json,
}

/// The default horizon: the NHS Footprint Plus net-zero year.
const DEFAULT_TO: u16 = 2045;

/// An inventory run read back: its ledger lines and inventory.json.
pub struct Run {
    /// The directory as named.
    pub name: String,
    /// Its ledger lines.
    pub lines: Vec<LedgerLine>,
    /// Its inventory.json.
    pub inventory: InventoryJson,
}

/// Reads `DIR/ledger.csv` and `DIR/inventory.json`.
pub fn read_run(dir: &Path) -> Result<Run> {
    let name = dir.display().to_string();
    let ledger_path = dir.join("ledger.csv");
    let bytes = std::fs::read(&ledger_path).map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            // The usual slip is a folder that is not a run (or a typo), not a lost file.
            Error::usage(format!(
                "{name}: not an inventory run (no ledger.csv there); name a directory \
                 `ghg inventory --out DIR` wrote"
            ))
        } else {
            Error::io(&ledger_path, e)
        }
    })?;
    let lines = read_ledger(&ledger_path.display().to_string(), &bytes)?;
    let inv_path = dir.join("inventory.json");
    let text = std::fs::read_to_string(&inv_path).map_err(|e| Error::io(&inv_path, e))?;
    let inventory = InventoryJson::parse(&inv_path.display().to_string(), &text)?;
    Ok(Run {
        name,
        lines,
        inventory,
    })
}

/// The run's location-based total as inventory.json gives it.
fn run_total(run: &Run) -> Result<Decimal> {
    Ok(run.inventory.totals_kg_co2e.total_location.0)
}

/// The example trust's ledger lines, computed in-process as `ghg inventory` would.
fn example_lines(global: &GlobalArgs) -> Result<Vec<LedgerLine>> {
    #[derive(Parser)]
    struct Wrap {
        #[command(flatten)]
        args: super::inventory::InventoryArgs,
    }
    let args = Wrap::try_parse_from(["ghg"])
        .map_err(|e| Error::usage(format!("internal: inventory arguments: {e}")))?
        .args;
    let catalog = global.catalog()?;
    let prepared = super::inventory::prepare(&args, &catalog)?;
    let mut ledger: Vec<u8> = Vec::new();
    let mut header = csv::Writer::from_writer(Vec::new());
    header
        .write_record(LEDGER_HEADER)
        .map_err(|e| Error::usage(format!("ledger header: {e}")))?;
    ledger.extend(
        header
            .into_inner()
            .map_err(|e| Error::usage(e.to_string()))?,
    );
    let out = engine::run(
        prepared.inputs.clone(),
        &prepared.resolver,
        Sinks {
            ledger: Some(&mut ledger),
            rejects: None,
        },
    )?;
    if out.inventory.rows.rejected > 0 {
        return Err(Error::usage(
            "the shipped example trust has rejected rows; run `ghg inventory` to see them",
        ));
    }
    read_ledger("examples/nhs-trust (in-process inventory)", &ledger)
}

fn year_arg(text: &str, what: &str) -> Result<u16> {
    YearStyle::parse(text).ok_or_else(|| {
        Error::usage(format!(
            "{what} {text:?}: expected a year such as 2019/20 (or 2019 with --calendar)"
        ))
    })
}

/// Builds the trajectory report `ghg trajectory` prints (also drawn by `ghg report html`).
pub fn build(args: &TrajectoryArgs, global: &GlobalArgs) -> Result<Report> {
    let plan: Plan = match &args.plan {
        Some(p) => {
            // A located error for a plan that is not UTF-8 (UTF-16 named), not the bare OS one.
            let text = crate::factors::catalog::read_text(p)?;
            if text.trim().is_empty() {
                // An empty file is more often a save gone wrong than a wish for no plan.
                crate::say!(
                    "warning: {}: the plan is empty: one flat slice and every built-in target",
                    p.display()
                );
            }
            parse_plan(&p.display().to_string(), &text)?
        }
        // Your own baseline without a plan: one slice, flat, every built-in target.
        None if args.baseline.is_some() || args.baseline_kg.is_some() => {
            parse_plan("(no plan)", "")?
        }
        None => {
            let text = crate::embedded::example_file("nhs-trust/plan.toml")
                .ok_or_else(|| Error::usage("no plan given and no example plan shipped"))?;
            parse_plan("examples/nhs-trust/plan.toml", text)?
        }
    };
    let style = if args.calendar {
        YearStyle::Calendar
    } else {
        plan.style
    };
    let mut notes = Vec::new();
    let asked_base = args
        .base_year
        .as_deref()
        .map(|y| year_arg(y, "--base-year"))
        .transpose()?
        .or(plan.base_year.as_ref().map(|b| b.value));
    let (slices, base_year, baseline_source) = if let Some(dir) = &args.baseline {
        let run = read_run(dir)?;
        let slices = from_ledger(&run.lines, &plan)?;
        let sum = ledger_total(&run.lines).unwrap_or_default();
        let total = run_total(&run)?;
        if sum != total {
            return Err(Error::usage(format!(
                "{}: ledger.csv adds to {} kg CO2e but inventory.json says {}; rerun `ghg inventory --out`",
                run.name,
                exact_string(sum),
                exact_string(total)
            )));
        }
        let year = match asked_base {
            Some(y) => {
                if let Ok(r) = run_year(&run.name, &run.lines, style) {
                    if r != y {
                        let n = format!(
                            "base year {} as given, but {}'s rows are of {}",
                            style.label(y),
                            run.name,
                            style.label(r)
                        );
                        crate::say!("warning: {n}");
                        notes.push(n);
                    }
                }
                y
            }
            None => run_year(&run.name, &run.lines, style)?,
        };
        (slices, year, format!("inventory run {}", run.name))
    } else if let Some(kg) = args
        .baseline_kg
        .as_deref()
        .map(str::to_string)
        .or_else(|| plan.baseline_kg.map(exact_string))
    {
        let total = parse_decimal(&kg)
            .map_err(|e| Error::usage(format!("baseline kg {kg:?}: expected {}", e.describe())))?;
        if total.is_sign_negative() && !total.is_zero() {
            return Err(Error::usage(format!(
                "baseline {kg} kg: emissions cannot be negative"
            )));
        }
        let year = asked_base.ok_or_else(|| {
            Error::usage(
                "a baseline in kg needs its year: --base-year 2019/20 or base_year in the plan",
            )
        })?;
        (
            from_total(total, &plan)?,
            year,
            format!("{} kg CO2e as given", exact_string(total)),
        )
    } else {
        crate::say!("no --baseline given: using the shipped example NHS trust's inventory, computed in-process");
        let lines = example_lines(global)?;
        let slices = from_ledger(&lines, &plan)?;
        let year = match asked_base {
            Some(y) => y,
            None => run_year("examples/nhs-trust", &lines, style)?,
        };
        (
            slices,
            year,
            "the example trust's inventory, computed in-process".to_string(),
        )
    };
    plan.check_years(base_year)?;
    let to = match &args.to {
        Some(t) => year_arg(t, "--to")?,
        None => plan.to.unwrap_or(DEFAULT_TO),
    };
    if to <= base_year {
        // Name where the year came from: --to, or the plan's `to`.
        let from = match (&args.to, &args.plan) {
            (None, Some(p)) if plan.to.is_some() => format!("{}: to", p.display()),
            _ => "--to".to_string(),
        };
        return Err(Error::usage(format!(
            "{from} {}: must be after the base year {}",
            style.label(to),
            style.label(base_year)
        )));
    }
    let targets = target_defs(&plan, &args.targets, &slices)?;
    if base_year != NHS_BASE_YEAR && targets.iter().any(|t| t.name.starts_with("nhs-")) {
        notes.push(format!(
            "NHS targets are set against 2019/20; this baseline is {}, so their paths start from its figure",
            style.label(base_year)
        ));
    }
    let grid = match &plan.grid {
        Some(g) => g.clone(),
        None => shipped_grid()?,
    };
    if slices.iter().any(|s| s.spec.grid) {
        notes.push(format!(
            "grid slices follow {}{}; consumption-based, so T&D losses are included and not added again",
            grid.source,
            if plan.grid.is_none() {
                ": an appraisal basis (long-run marginal), not a forecast of the reported grid average"
            } else {
                ""
            }
        ));
    }
    let projection = project(base_year, to, &slices, &grid, &plan.interventions, targets)?;
    let carbon_values = shipped_carbon_values()?;
    let macc_table = macc(&plan, &projection, &Deflators::shipped()?, &carbon_values)?;
    let mut actuals = Vec::new();
    for dir in &args.actuals {
        let run = read_run(dir)?;
        actuals.push(Actual {
            year: run_year(&run.name, &run.lines, style)?,
            kg: run_total(&run)?,
            run: run.name,
        });
    }
    actuals.sort_by_key(|a| a.year);
    for a in &actuals {
        if a.year < base_year || a.year > to {
            crate::say!(
                "warning: --actual {}: its year {} is outside {} to {}, so it is listed but not drawn",
                a.run,
                style.label(a.year),
                style.label(base_year),
                style.label(to)
            );
        }
    }
    let report = Report {
        plan: plan.name.clone(),
        style,
        baseline_source,
        slices,
        interventions: plan.interventions.clone(),
        grid_source: grid.source.clone(),
        projection,
        macc: macc_table,
        actuals,
        notes,
    };
    Ok(report)
}

/// Runs `ghg trajectory`.
pub fn run(args: &TrajectoryArgs, global: &GlobalArgs) -> Result<Outcome> {
    let report = build(args, global)?;
    let json = trajectory_json(&report)?;
    let csv_text = trajectory_csv(&report)?;
    if let Some(d) = &args.out {
        std::fs::create_dir_all(d).map_err(|e| Error::io(d, e))?;
        write_atomic(&d.join("trajectory.json"), json.as_bytes())?;
        write_atomic(&d.join("trajectory.csv"), csv_text.as_bytes())?;
        write_atomic(
            &d.join("trajectory.svg"),
            trajectory_svg(&report)?.as_bytes(),
        )?;
        write_atomic(
            &d.join("macc.svg"),
            macc_svg(&report.macc, &report.plan)?.as_bytes(),
        )?;
        crate::say!(
            "wrote trajectory.json, trajectory.csv, trajectory.svg and macc.svg to {}",
            d.display()
        );
    }
    match args.format {
        TrajectoryFormat::Table => stdout(trajectory_table(&report).as_bytes())?,
        TrajectoryFormat::Csv => stdout(csv_text.as_bytes())?,
        TrajectoryFormat::Json => stdout(json.as_bytes())?,
    }
    Ok(Outcome::Clean)
}
