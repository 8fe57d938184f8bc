//! `ghg inventory`: activity CSVs to a scope 1, 2 and 3 inventory.

use super::output::stdout;
use super::run_dir::{OutputFile, RunDir};
use super::{GlobalArgs, Outcome};
use crate::activity::{Input, ReportingYear};
use crate::engine::{Sinks, LEDGER_HEADER};
use crate::model::Reject;
use crate::run::{Run, RunOptions, RunOutput};
use crate::{Error, Result};
use std::io::Write;
use std::path::{Path, PathBuf};

// Moved to the library's `run` module; named here too for callers of the old paths.
pub use crate::run::{
    desnz_editions, example_inputs, figure_notes, load_aliases, load_deflators, Deflator, Prepared,
    CLINICAL_SET,
};

/// Compute a GHG Protocol scope 1, 2 (location and market) and 3 inventory from activity CSVs.
#[derive(Debug, Clone, clap::Args)]
pub struct InventoryArgs {
    /// Activity files (CSV, .xlsx, .xlsm, .xls, .ods; `book.xlsx#Sheet` for a sheet), or `-`
    /// for standard input [default: the shipped example NHS trust].
    pub inputs: Vec<PathBuf>,
    /// Factor set for activity rows [default: the DESNZ edition of each row's reporting year].
    #[arg(long)]
    pub factors: Option<String>,
    /// Reporting year: `2024/25` (NHS financial year, April to March) or `2024` (calendar).
    /// Rows dated outside it are rejected; rows without a period belong to it. Without it,
    /// each row's own year counts, months and dates read as NHS financial years.
    #[arg(long, value_name = "YEAR", value_parser = parse_year)]
    pub year: Option<ReportingYear>,
    /// Options that decide the figures.
    #[command(flatten)]
    pub compute: ComputeArgs,
    /// Output format on standard output.
    #[arg(long, value_enum, default_value_t = InventoryFormat::Table)]
    pub format: InventoryFormat,
    /// Also write inventory.json, inventory.csv, ledger.csv, rejects.csv, manifest.json (what
    /// `ghg verify` checks) and, with --suppliers, procurement.json to this directory.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Exit 0 even when rows were rejected (they are still reported).
    #[arg(long)]
    pub allow_rejects: bool,
    /// Worker threads [default: all cores; at most 256]; results never depend on it.
    #[arg(short = 'j', long)]
    pub threads: Option<usize>,
    /// No progress bar (one is drawn on standard error for long runs when it is a terminal).
    #[arg(short, long)]
    pub quiet: bool,
    /// A timestamp to record in DIR/manifest.json (none by default, so reruns are identical).
    #[arg(long, requires = "out")]
    pub timestamp: Option<String>,
}

/// The options that decide the figures, shared by `inventory` and `compare`.
#[derive(Debug, Clone, clap::Args)]
pub struct ComputeArgs {
    /// Sets searched, in order, for rows the main set (--factors, or the DESNZ edition of the
    /// row's period) has no factor for: the clinical set (anaesthetic gases, inhalers), spend
    /// sets, supplier or SDU sets; `none` for none. A row may also name its set in a
    /// `factor_set` column or as SET:KEY in `activity`, from the sets of the run.
    #[arg(
        long = "fallback-factors",
        value_delimiter = ',',
        default_value = "nhs-clinical,defra-sic-2022,epa-sc-1.3",
        value_name = "SETS"
    )]
    pub spend_factors: Vec<String>,
    /// Old name of --fallback-factors, still read (with a warning).
    #[arg(long = "spend-factors", value_delimiter = ',', hide = true)]
    pub spend_factors_old: Option<Vec<String>>,
    /// Name the column that holds a field, as FIELD=HEADER (repeatable): `--column
    /// activity=Type --column quantity=Consumption`. Fields: activity, quantity, unit, site,
    /// site_name, period, ref, supplier, amount, currency, price_year, market_factor, factor_set.
    #[arg(long = "column", value_name = "FIELD=HEADER")]
    pub columns: Vec<String>,
    /// A wide layout's column: its header, the activity and the unit its cells are in
    /// (repeatable): `--wide 'Electricity (MWh)=electricity:MWh'`. Headers with a known unit
    /// in brackets (`Gas (kWh)`) need no mapping.
    #[arg(long = "wide", value_name = "HEADER=ACTIVITY:UNIT")]
    pub wide: Vec<String>,
    /// A TOML file of extra aliases, in the format of factors/aliases.toml (`[[alias]]` tables
    /// with `name` and `key`); its names take precedence over the shipped ones.
    #[arg(long)]
    pub aliases: Option<PathBuf>,
    /// Price index for moving GBP spend to the factor's price year.
    #[arg(long, value_enum, default_value_t = Deflator::Cpi)]
    pub deflator: Deflator,
    /// Leave out upstream lines (well-to-tank, T&D).
    #[arg(long)]
    pub no_upstream: bool,
    /// Residual-mix factor for market-based scope 2 electricity rows without a contractual
    /// `market_factor`: kg CO2e per kWh (`0.3379`) or a factor as `SET:KEY` (e.g. from your own
    /// set in --factors-dir). A set's own factor keyed `residual-mix` is used when this is absent.
    #[arg(long, value_name = "VALUE|SET:KEY")]
    pub residual_mix: Option<String>,
    /// Supplier register CSV (columns in the README): spend rows are joined to it on their
    /// `supplier` column and priced by the hybrid method (supplier-specific, hybrid or
    /// spend-based tier); with --out, DIR/procurement.json holds the anchor metrics.
    #[arg(long, value_name = "REGISTER.csv")]
    pub suppliers: Option<PathBuf>,
    /// The local area, a TOML file: local_authorities = ["..."] and/or postcode_areas = ["TR"],
    /// for the share of spend with local suppliers.
    #[arg(
        long,
        alias = "local",
        value_name = "AREA.toml",
        requires = "suppliers"
    )]
    pub local_area: Option<PathBuf>,
    /// Share of the spend factor counted as upstream of a hybrid-tier supplier (one that
    /// reports scope 1 and 2 only), 0 to 1 [default: 1, the whole factor: published spend
    /// factors do not give the producer's own direct part, so none is taken off unless you
    /// cite a figure].
    #[arg(long, value_name = "SHARE", requires = "suppliers")]
    pub upstream_share: Option<String>,
    /// Recompute factors defined as a mass of a named gas times its GWP (anaesthetic gases,
    /// propellants, refrigerants whose set records the gas) on IPCC AR4, AR5 or AR6 GWP100
    /// (factors/tables/gwp.toml); factors published only as CO2e keep their basis. The notes
    /// name each basis used.
    #[arg(long, value_name = "ar4|ar5|ar6", value_parser = parse_gwp_basis)]
    pub gwp: Option<crate::factors::gwp::Basis>,
}

/// The warning for the old name of `--fallback-factors`.
pub const SPEND_FACTORS_RENAMED: &str =
    "--spend-factors is now --fallback-factors (sets searched, in order, after the main one); the old name still works";

impl ComputeArgs {
    /// The fallback sets, in order, under their new or old option name.
    pub fn fallback_sets(&self) -> &[String] {
        self.spend_factors_old
            .as_deref()
            .unwrap_or(&self.spend_factors)
    }

    /// The run options these flags give, with the main set (`--factors`), the reporting year
    /// and the factors directories of the command: the one place flags become [`RunOptions`]
    /// (no `..`, so a new field must be set here).
    pub fn run_options(
        &self,
        factors: Option<String>,
        year: Option<ReportingYear>,
        global: &GlobalArgs,
    ) -> Result<RunOptions> {
        Ok(RunOptions {
            aliases: self.aliases.clone(),
            columns: self.columns.clone(),
            deflator: self.deflator,
            factors,
            factors_dirs: global.factors_dirs.clone(),
            fallback_factors: self
                .fallback_sets()
                .iter()
                .filter(|s| !s.is_empty() && *s != "none")
                .cloned()
                .collect(),
            gwp: self.gwp,
            local_area: self.local_area.clone(),
            no_upstream: self.no_upstream,
            residual_mix: self.residual_mix.clone(),
            suppliers: self.suppliers.clone(),
            upstream_share: self
                .upstream_share
                .as_deref()
                .map(RunOptions::parse_upstream_share)
                .transpose()?,
            wide: self.wide.clone(),
            year,
        })
    }
}

impl TryFrom<(&InventoryArgs, &GlobalArgs)> for Run {
    type Error = Error;

    /// `ghg inventory`'s arguments as a library run.
    fn try_from((args, global): (&InventoryArgs, &GlobalArgs)) -> Result<Run> {
        Ok(Run {
            options: args
                .compute
                .run_options(args.factors.clone(), args.year, global)?,
            inputs: args.inputs.clone(),
            threads: worker_threads(args.threads),
        })
    }
}

/// `ar4`, `AR5`, ... to a GWP basis.
fn parse_gwp_basis(s: &str) -> std::result::Result<crate::factors::gwp::Basis, String> {
    crate::factors::gwp::Basis::parse(s)
        .ok_or_else(|| format!("{s:?} is not a GWP basis; expected ar4, ar5 or ar6"))
}

/// Output formats of `ghg inventory`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum InventoryFormat {
    /// tCO2e by scope and category, for people.
    Table,
    /// Exact kg CO2e by breakdown, for spreadsheets.
    Csv,
    /// Exact kg CO2e, documented schema, for CI jobs.
    Json,
}

/// Runs `ghg inventory`, once per process: the run's memory is left to the process exit
/// (callers in-process use [`execute`] or the library's `Run`).
pub fn run(args: &InventoryArgs, global: &GlobalArgs) -> Result<Outcome> {
    let run = Run::try_from((args, global))?;
    let mut prepared = run.prepare()?;
    for m in prepared.messages.drain(..) {
        crate::say!("{m}");
    }
    if args.compute.spend_factors_old.is_some() {
        crate::say!("warning: {SPEND_FACTORS_RENAMED}");
    }
    if args.inputs.is_empty() {
        crate::say!(
            "no input files given: running the shipped example NHS trust (examples/nhs-trust/)"
        );
    }
    let out_dir = args.out.as_deref();
    let written = execute(
        &run,
        prepared,
        &Writing {
            out: out_dir,
            quiet: args.quiet,
            timestamp: args.timestamp.as_deref(),
            csv: args.format == InventoryFormat::Csv,
        },
    )?;
    let result = &written.output;
    for m in &result.messages {
        crate::say!("{m}");
    }
    match args.format {
        InventoryFormat::Table => stdout(result.table()?.as_bytes())?,
        InventoryFormat::Csv => stdout(written.csv.as_bytes())?,
        InventoryFormat::Json => stdout(written.json.as_bytes())?,
    }
    let inv = &result.inventory;
    crate::say!(
        "{} rows read, {} used, {} rejected",
        inv.rows.read,
        inv.rows.used,
        inv.rows.rejected
    );
    for r in &result.first_rejects {
        crate::say!("rejected: {r}");
    }
    if inv.rows.rejected as usize > result.first_rejects.len() {
        crate::say!(
            "... and {} more rejected rows{}",
            inv.rows.rejected as usize - result.first_rejects.len(),
            if out_dir.is_some() {
                " (all in rejects.csv)"
            } else {
                "; pass --out DIR for rejects.csv"
            }
        );
    }
    let outcome = if inv.rows.rejected > 0 && !args.allow_rejects {
        Outcome::Findings
    } else {
        Outcome::Clean
    };
    // Everything is written: the run's memory goes back with the process. Freeing tens of
    // thousands of groups and the factor sets one by one took a few ms of a short run.
    std::mem::forget(written);
    Ok(outcome)
}

/// Where a run's files go and how it shows progress; nothing here changes the figures.
pub struct Writing<'a> {
    /// `--out DIR`: write the run directory (outputs and manifest) there.
    pub out: Option<&'a Path>,
    /// No progress bar.
    pub quiet: bool,
    /// `--timestamp`, recorded in the manifest.
    pub timestamp: Option<&'a str>,
    /// inventory.csv is wanted even without `--out`.
    pub csv: bool,
}

/// A run carried out, with its renderings.
pub struct Written {
    /// The run's typed result.
    pub output: RunOutput,
    /// inventory.json.
    pub json: String,
    /// inventory.csv, when written or asked for; else empty.
    pub csv: String,
}

/// Executes a prepared run: the ledger and rejects streamed into the run directory while the
/// engine runs, then inventory.json, inventory.csv, procurement.json and manifest.json, the
/// directory swapped into place as a unit. Used by `inventory`, `verify` (the re-run) and
/// `compare --out`; prints nothing (the caller shows [`RunOutput::messages`]).
pub fn execute(run: &Run, mut prepared: Prepared, how: &Writing) -> Result<Written> {
    // The inputs' hashes go only to the manifest: without --out nothing records them.
    prepared.hash_inputs = how.out.is_some();
    // Everything --out writes is built beside DIR and swapped in at the end (run_dir.rs).
    let mut run_dir = how.out.map(RunDir::create).transpose()?;
    let mut ledger_tmp = run_dir.as_ref().map(new_ledger).transpose()?;
    let mut rejects_tmp = run_dir
        .as_ref()
        .map(|r| {
            new_csv(
                r,
                "rejects.csv",
                &["file", "line", "column", "value", "reason"],
            )
        })
        .transpose()?;
    let result = {
        let mut reject_fn = |r: &Reject| -> Result<()> {
            if let Some(w) = rejects_tmp.as_mut() {
                let line = r.line.to_string();
                let col = r.column.to_string();
                w.write_record([r.file.as_str(), &line, &col, &r.value, &r.reason])
                    .map_err(|e| Error::usage(format!("writing rejects.csv: {e}")))?;
            }
            Ok(())
        };
        let mut ledger_w = ledger_tmp.as_mut().map(|w| w as &mut (dyn Write + Send));
        let sinks = Sinks {
            ledger: ledger_w.take(),
            rejects: Some(&mut reject_fn),
        };
        let bar = progress_bar(how.quiet, &prepared.inputs);
        let output = prepared.execute(sinks, &mut |done| {
            if let Some(b) = &bar {
                b.set_position(done);
            }
        });
        if let Some(b) = bar {
            b.finish_and_clear();
        }
        match (output, run_dir.as_ref()) {
            // The ledger is streamed into the run directory while the engine runs.
            (Err(e), Some(r)) => match e.kind() {
                crate::ErrorKind::Io { path, source } if path == Path::new("ledger.csv") => {
                    let path = r.target().join("ledger.csv");
                    return Err(r.failed(
                        &path,
                        std::io::Error::new(source.kind(), source.to_string()),
                    ));
                }
                _ => return Err(e),
            },
            (output, _) => output?,
        }
    };
    let json = result.json()?;
    // Each rendering costs a pass over every group: only the ones that are written.
    let csv_text = if run_dir.is_some() || how.csv {
        result.csv()?
    } else {
        String::new()
    };
    if let Some(mut dir) = run_dir.take() {
        if let Some(w) = ledger_tmp.take() {
            dir.close(w)?;
        }
        if let Some(w) = rejects_tmp.take() {
            let f = w
                .into_inner()
                .map_err(|e| Error::usage(format!("writing rejects.csv: {}", e.error())))?;
            dir.close(f)?;
        }
        dir.write("inventory.json", json.as_bytes())?;
        dir.write("inventory.csv", csv_text.as_bytes())?;
        if let Some(p) = &result.procurement {
            dir.write(PROCUREMENT_FILE, p.to_json()?.as_bytes())?;
        }
        super::manifest::write(&mut dir, run, &result, how.timestamp)?;
        dir.commit()?;
    }
    Ok(Written {
        output: result,
        json,
        csv: csv_text,
    })
}

/// The anchor metrics `--suppliers` writes beside the inventory, for `ghg report procurement`.
pub const PROCUREMENT_FILE: &str = "procurement.json";
/// `--year`: `2024/25` or `2024`.
fn parse_year(text: &str) -> std::result::Result<ReportingYear, String> {
    ReportingYear::parse(text).ok_or_else(|| {
        format!("{text:?} is not a reporting year; expected an NHS financial year such as 2024/25 or a calendar year such as 2024")
    })
}

/// A progress bar over the inputs' bytes on standard error, when that is a terminal, the
/// inputs are files of some size (a few blocks at least), and not `--quiet`.
fn progress_bar(quiet: bool, inputs: &[Input]) -> Option<indicatif::ProgressBar> {
    use std::io::IsTerminal;
    if quiet || !std::io::stderr().is_terminal() {
        return None;
    }
    let total: u64 = inputs
        .iter()
        .filter_map(|i| match i {
            Input::Path(p) => std::fs::metadata(p).ok().map(|m| m.len()),
            _ => None,
        })
        .sum();
    if total < 16 * (1u64 << 20) {
        return None;
    }
    let bar = indicatif::ProgressBar::with_draw_target(
        Some(total),
        indicatif::ProgressDrawTarget::stderr(),
    );
    if let Ok(style) = indicatif::ProgressStyle::with_template(
        "{bar:40} {bytes}/{total_bytes} {bytes_per_sec} eta {eta}",
    ) {
        bar.set_style(style);
    }
    Some(bar)
}

/// More worker threads than this only costs memory and start-up time (the work is split in
/// chunks of rows, and results never depend on the count); `-j 100000` would spend minutes
/// starting threads.
pub const MAX_THREADS: usize = 256;

/// The worker thread count for `-j`: 0 or absent is all cores, above [`MAX_THREADS`] is capped
/// with a note.
/// RAYON_NUM_THREADS, which the pool reads when `-j` is absent, is capped the same way.
fn worker_threads(asked: Option<usize>) -> usize {
    let (n, from) = match asked {
        Some(n) => (n, "-j"),
        None => match std::env::var("RAYON_NUM_THREADS")
            .ok()
            .and_then(|v| v.trim().parse::<usize>().ok())
        {
            Some(n) => (n, "RAYON_NUM_THREADS="),
            None => (0, ""),
        },
    };
    if n > MAX_THREADS {
        crate::say!(
            "note: {from}{}{n} is more worker threads than useful; using {MAX_THREADS}",
            if from == "-j" { " " } else { "" }
        );
        return MAX_THREADS;
    }
    n
}

fn new_csv(run: &RunDir, name: &str, header: &[&str]) -> Result<csv::Writer<OutputFile>> {
    let mut w = csv::Writer::from_writer(run.open(name)?);
    w.write_record(header)
        .map_err(|e| Error::usage(format!("writing {name}: {e}")))?;
    Ok(w)
}

fn new_ledger(run: &RunDir) -> Result<OutputFile> {
    let mut w = run.open("ledger.csv")?;
    let mut header = csv::Writer::from_writer(Vec::new());
    header
        .write_record(LEDGER_HEADER)
        .map_err(|e| Error::usage(format!("ledger header: {e}")))?;
    let bytes = header
        .into_inner()
        .map_err(|e| Error::usage(e.to_string()))?;
    w.write_all(&bytes)
        .map_err(|e| Error::io(run.target().join("ledger.csv"), e))?;
    Ok(w)
}
