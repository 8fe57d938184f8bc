//! `ghg inventory`: activity CSVs to a scope 1, 2 and 3 inventory.

use super::output::stdout;
use super::run_dir::{OutputFile, RunDir};
use super::{GlobalArgs, Outcome};
use crate::activity::{Input, Layout, ReportingYear};
use crate::engine::{self, Edition, LazySet, PriceIndex, Resolver, Sinks, LEDGER_HEADER};
use crate::factors::{Catalog, FactorSet};
use crate::inventory::Reject;
use crate::report::inventory::{inventory_csv, inventory_json, inventory_table, RunFacts};
use crate::supply::{LocalArea, Supply};
use crate::{Error, Result};
use std::collections::{BTreeMap, HashMap};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

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
}

/// `ar4`, `AR5`, ... to a GWP basis.
fn parse_gwp_basis(s: &str) -> std::result::Result<crate::factors::gwp::Basis, String> {
    crate::factors::gwp::Basis::parse(s)
        .ok_or_else(|| format!("{s:?} is not a GWP basis; expected ar4, ar5 or ar6"))
}

/// The clinical factor set (anaesthetic gases, inhalers), first of the sets searched after the
/// activity set by default: no DESNZ or SDU set prices them per kg, bottle or device.
pub const CLINICAL_SET: &str = "nhs-clinical";

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

/// Price index series for GBP spend.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Deflator {
    /// ONS CPI (D7BT), 2010-2025.
    Cpi,
    /// ONS GDP deflator at market prices (YBGB), 2010-2024.
    Gdp,
}

/// The shipped example trust's activity files.
pub fn example_inputs() -> Vec<Input> {
    crate::embedded::EXAMPLE_FILES
        .iter()
        // Activity files are the trust folder's own; subfolders (supply/) hold other tables.
        .filter(|(p, _)| {
            p.strip_prefix("nhs-trust/")
                .is_some_and(|f| f.ends_with(".csv") && !f.contains('/'))
        })
        .map(|(p, text)| Input::Embedded(format!("examples/{p}"), text))
        .collect()
}

/// Everything a run needs, built from the arguments.
pub struct Prepared {
    /// The resolver.
    pub resolver: Resolver,
    /// The inputs.
    pub inputs: Vec<Input>,
    /// Notes on choices made.
    pub notes: Vec<String>,
    /// The supplier register and its settings, with `--suppliers`.
    pub supply: Option<Arc<Supply>>,
    /// The local area, with `--local-area`.
    pub local_area: Option<LocalArea>,
    /// How the input files are laid out (`--column`, `--wide`).
    pub layout: Layout,
    /// With `--gwp`: by set id, the note naming the GWP bases its figures rest on.
    pub gwp_notes: Vec<(String, String)>,
}

/// Builds the resolver and inputs from the arguments.
pub fn prepare(args: &InventoryArgs, catalog: &Catalog) -> Result<Prepared> {
    let mut sets: Vec<LazySet> = Vec::new();
    let mut notes = Vec::new();
    // A set named on the command line is parsed now, so a bad name fails before any row;
    // the DESNZ editions and spend sets are parsed when a row first needs them.
    let lazy = |id: &str| -> Result<LazySet> {
        match catalog.entry(id) {
            Some(e) => Ok(LazySet::lazy(id, e.source.clone())),
            None => catalog.load(id).map(LazySet::loaded),
        }
    };
    let edition = match &args.factors {
        Some(name) => {
            sets.push(LazySet::loaded(catalog.load(name)?));
            Edition::Fixed(0)
        }
        None => {
            let mut by_year = BTreeMap::new();
            for e in catalog.entries() {
                if let Some(y) =
                    e.id.strip_prefix("desnz-")
                        .and_then(|y| y.parse::<u16>().ok())
                {
                    by_year.insert(y, e.id.clone());
                }
            }
            let mut idx = BTreeMap::new();
            for (y, id) in by_year {
                idx.insert(y, sets.len() as u16);
                sets.push(lazy(&id)?);
            }
            if idx.is_empty() {
                return Err(Error::usage("no DESNZ factor set found; pass --factors"));
            }
            notes.push(
                "factor set chosen per reporting year (DESNZ's rule: one set per reporting year, that of \
                 the calendar year holding the greater part of it); rows without a period or past the \
                 newest edition take the newest"
                    .to_string(),
            );
            Edition::ByPeriod(idx)
        }
    };
    let mut spend = Vec::new();
    let layout = Layout::parse(&args.compute.columns, &args.compute.wide)?;
    for name in args.compute.fallback_sets() {
        if name.is_empty() || name == "none" {
            continue;
        }
        // Already the activity set: searched first anyway.
        if name == CLINICAL_SET && args.factors.as_deref() == Some(CLINICAL_SET) {
            continue;
        }
        match lazy(name) {
            Ok(s) => {
                spend.push(sets.len() as u16);
                sets.push(s);
            }
            Err(e) if catalog.entry(name).is_none() && is_default_spend(name) => {
                // Shipped defaults may be absent from a trimmed build; say so, don't fail.
                notes.push(format!("spend set {name} not available: {e}"));
            }
            Err(e) => return Err(e),
        }
    }
    let aliases = load_aliases(args.compute.aliases.as_deref())?;
    let residual_mix = match &args.compute.residual_mix {
        None => None,
        Some(text) => {
            let (value, set) = residual_mix(text, catalog)?;
            // Kept among the sets so the manifest hashes the file it came from.
            sets.extend(set.map(LazySet::loaded));
            Some(value)
        }
    };
    if let Some(r) = residual_mix {
        notes.push(format!(
            "market-based scope 2 electricity without a contractual factor uses the residual mix {} kg CO2e per kWh (--residual-mix {})",
            crate::num::exact_string(r),
            args.compute.residual_mix.as_deref().unwrap_or_default()
        ));
    }
    let deflators = load_deflators(args.compute.deflator)?;
    let (supply, local_area) = load_supply(&args.compute)?;
    if let Some(s) = &supply {
        let gbp = deflators.get("GBP");
        let name = gbp.map_or("the GBP price index", |i| i.name.as_str());
        s.register
            .check_years(&|y| gbp.is_some_and(|i| i.values.contains_key(&y)), name)?;
    }
    if let Some(s) = &supply {
        if !s.register.ignored_columns.is_empty() {
            notes.push(format!(
                "{}: column(s) not used: {}",
                s.register.file,
                s.register.ignored_columns.join(", ")
            ));
        }
        for w in &s.register.warnings {
            crate::say!("warning: {w}");
            notes.push(w.clone());
        }
        notes.push(format!(
            "spend rows joined to the supplier register {} ({} suppliers) on `supplier`; hybrid-tier upstream share {}",
            s.register.file,
            s.register.suppliers.len(),
            crate::num::exact_string(s.upstream_share)
        ));
    }
    let mut gwp_notes = Vec::new();
    if let Some(basis) = args.compute.gwp {
        let table = crate::factors::gwp::GwpTable::shipped()?;
        // Recomputed up front, every set: parsing only the sets rows need is for plain runs.
        for set in sets.iter_mut() {
            let parsed = set.get().map_err(|e| Error::usage(e.to_string()))?.clone();
            let (recomputed, how) = crate::factors::gwp::with_basis(&parsed, basis, &table)?;
            gwp_notes.push((set.id().to_string(), how.describe(&recomputed, basis)));
            *set = LazySet::loaded(Arc::new(recomputed));
        }
    }
    let resolver = Resolver {
        sets,
        edition,
        spend,
        aliases,
        deflators,
        upstream: !args.compute.no_upstream,
        residual_mix,
        supply: supply.clone(),
        year: args.year,
        nhs: crate::nhs::NhsMapping::shipped()?,
    };
    if let Some(y) = args.year {
        notes.push(format!(
            "reporting year {y} ({}) given with --year: rows dated outside it are rejected, rows \
             without a period are counted in it",
            y.describe()
        ));
    }
    let inputs = if args.inputs.is_empty() {
        let ex = example_inputs();
        if ex.is_empty() {
            return Err(Error::usage("no input files given and no example shipped"));
        }
        ex
    } else {
        let paths = expand_globs(&args.inputs)?;
        check_distinct(&paths)?;
        paths
            .iter()
            .map(|p| {
                if p.as_os_str() == "-" {
                    Input::Stdin
                } else {
                    Input::Path(p.clone())
                }
            })
            .collect()
    };
    Ok(Prepared {
        resolver,
        inputs,
        notes,
        supply,
        local_area,
        layout,
        gwp_notes,
    })
}

/// The supplier register, its hybrid-method share and the local area, when asked for.
fn load_supply(c: &ComputeArgs) -> Result<(Option<Arc<Supply>>, Option<LocalArea>)> {
    let Some(path) = &c.suppliers else {
        return Ok((None, None));
    };
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    let register = crate::supply::Register::parse(&path.display().to_string(), &bytes)?;
    let upstream_share = match &c.upstream_share {
        None => crate::supply::DEFAULT_UPSTREAM_SHARE,
        Some(t) => crate::num::parse_decimal(t)
            .ok()
            .filter(|v| !v.is_sign_negative() && *v <= rust_decimal::Decimal::ONE)
            .ok_or_else(|| {
                Error::usage(format!(
                    "--upstream-share {t:?}: expected a share from 0 to 1, such as 0.85"
                ))
            })?,
    };
    let local = match &c.local_area {
        None => None,
        Some(p) => {
            let text = std::fs::read_to_string(p).map_err(|e| Error::io(p, e))?;
            Some(LocalArea::parse(&p.display().to_string(), &text)?)
        }
    };
    Ok((
        Some(Arc::new(Supply {
            register,
            upstream_share,
        })),
        local,
    ))
}

/// `--residual-mix`: a kg CO2e per kWh value, or `SET:KEY` naming a published kWh factor
/// (returned with its set).
fn residual_mix(
    text: &str,
    catalog: &Catalog,
) -> Result<(rust_decimal::Decimal, Option<Arc<FactorSet>>)> {
    if let Ok(v) = crate::num::parse_decimal(text) {
        if v.is_sign_negative() {
            return Err(Error::usage(format!(
                "--residual-mix {text}: a factor cannot be negative"
            )));
        }
        return Ok((v, None));
    }
    let (set, key) = text.rsplit_once(':').ok_or_else(|| {
        Error::usage(format!(
            "--residual-mix {text:?}: expected kg CO2e per kWh (0.3379) or SET:KEY"
        ))
    })?;
    let s = catalog.load(set)?;
    let f = s
        .get(key)
        .ok_or_else(|| Error::usage(format!("--residual-mix: no factor {key:?} in {set}")))?;
    match (f.kg_co2e, f.unit.name) {
        (Some(v), "kWh") => Ok((v, Some(s.clone()))),
        _ => Err(Error::usage(format!(
            "--residual-mix: {set}:{key} must be a published factor per kWh (it is per {})",
            f.unit.name
        ))),
    }
}

/// Inputs with glob patterns (`data/*.csv`, `trust-?/**/*.csv`) expanded, each pattern's
/// matches in name order, for shells and schedulers that pass patterns through unexpanded. A
/// path that exists as written is taken as written; a pattern that matches nothing is an error.
fn expand_globs(inputs: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for p in inputs {
        let text = p.to_string_lossy();
        if p.exists() || !text.contains(['*', '?', '[']) {
            out.push(p.clone());
            continue;
        }
        let bad = |e: String| Error::usage(format!("{text}: not a usable pattern: {e}"));
        let mut found: Vec<PathBuf> = glob::glob(&text)
            .map_err(|e| bad(e.to_string()))?
            .collect::<std::result::Result<_, _>>()
            .map_err(|e| bad(e.to_string()))?;
        found.retain(|f| f.is_file());
        if found.is_empty() {
            return Err(Error::usage(format!(
                "{text}: no file matches this pattern"
            )));
        }
        found.sort();
        out.extend(found);
    }
    Ok(out)
}

/// The same file named twice (a pasted path, an overlapping glob) would be counted twice.
fn check_distinct(inputs: &[PathBuf]) -> Result<()> {
    let mut seen: BTreeMap<PathBuf, &Path> = BTreeMap::new();
    let mut stdin = 0;
    for p in inputs {
        if p.as_os_str() == "-" {
            stdin += 1;
            if stdin > 1 {
                return Err(Error::usage("standard input (-) is named more than once"));
            }
            continue;
        }
        let Ok(real) = std::fs::canonicalize(p) else {
            continue; // reported when it is opened
        };
        if let Some(first) = seen.insert(real, p) {
            return Err(Error::usage(format!(
                "{} and {} are the same file; each input is read once",
                first.display(),
                p.display()
            )));
        }
    }
    Ok(())
}

fn is_default_spend(name: &str) -> bool {
    matches!(name, CLINICAL_SET | "defra-sic-2022" | "epa-sc-1.3")
}

/// Shipped aliases, then the user's file on top (its names win): normalised name to the keys
/// to try, in order.
pub fn load_aliases(extra: Option<&Path>) -> Result<HashMap<String, Vec<String>>> {
    use crate::factors::tables::{parse_aliases, Aliases};
    let mut map = HashMap::new();
    let mut add = |a: Aliases| {
        for alias in a.aliases {
            let mut keys = vec![alias.key];
            keys.extend(alias.also);
            map.insert(alias.name, keys);
        }
    };
    if crate::embedded::factor_file("aliases.toml").is_some() {
        add(Aliases::shipped()?);
    }
    if let Some(p) = extra {
        let text = crate::factors::catalog::read_text(p)?;
        add(parse_aliases(&p.display().to_string(), &text)?);
    }
    Ok(map)
}

/// Price indices from the shipped deflator table, by currency.
pub fn load_deflators(gbp: Deflator) -> Result<BTreeMap<String, PriceIndex>> {
    let mut out = BTreeMap::new();
    if crate::embedded::factor_file("tables/deflators.toml").is_none() {
        return Ok(out);
    }
    let tables = crate::factors::tables::Deflators::shipped()?;
    let gbp_series = match gbp {
        Deflator::Cpi => "D7BT",
        Deflator::Gdp => "YBGB",
    };
    for (currency, id) in [("GBP", gbp_series), ("USD", "A191RD3A086NBEA")] {
        if let Some(s) = tables.series(id) {
            out.insert(
                currency.to_string(),
                PriceIndex {
                    id: s.id.clone(),
                    name: format!("{} ({}, {})", s.name, s.id, s.base),
                    values: s.values.clone(),
                },
            );
        }
    }
    Ok(out)
}

/// The DESNZ editions a run chooses by reporting year (edition year to set id); empty when
/// one set prices every row (`--factors`).
pub fn desnz_editions(resolver: &Resolver) -> BTreeMap<u16, String> {
    match &resolver.edition {
        Edition::ByPeriod(by_year) => by_year
            .iter()
            .filter_map(|(&y, &i)| {
                resolver
                    .sets
                    .get(usize::from(i))
                    .map(|s| (y, s.id().to_string()))
            })
            .collect(),
        Edition::Fixed(_) => BTreeMap::new(),
    }
}

/// Notes that depend on the run's figures, in the order a run writes them, each with whether
/// it is also printed as a warning. Shared with `ghg merge`, which recomputes them for the
/// merged figures: `desnz` is [`desnz_editions`], `find_set` finds a set the groups name.
pub fn figure_notes<'s>(
    inv: &crate::inventory::Inventory,
    desnz: &BTreeMap<u16, String>,
    find_set: &dyn Fn(&str) -> Option<&'s FactorSet>,
) -> Result<Vec<(String, bool)>> {
    let mut notes = Vec::new();
    if let Some((&newest, _)) = desnz.iter().next_back() {
        let mut later: Vec<String> = inv
            .groups
            .keys()
            .filter_map(|k| k.reporting_year)
            .filter(|y| y.edition_year() > newest)
            .map(|y| y.to_string())
            .collect();
        later.sort();
        later.dedup();
        if !later.is_empty() {
            notes.push((
                format!(
                    "period(s) {} are after the newest DESNZ edition ({newest}) and were priced with it",
                    later.join(", ")
                ),
                true,
            ));
        }
    }
    // Location-based scope 2 takes the grid average; a supplier's tariff (a supplier-specific
    // set, a zero-carbon tariff) belongs in market_factor, or it silently replaces the grid.
    let mut not_grid: Vec<String> = inv
        .groups
        .keys()
        .filter(|k| k.class == crate::inventory::ScopeClass::Two && k.upstream_of.is_none())
        .filter(|k| {
            let set = find_set(&k.set);
            let supplier =
                set.is_some_and(|s| s.quality() == crate::factors::DataQuality::SupplierSpecific);
            let zero = set
                .and_then(|s| s.get(&k.factor))
                .and_then(|f| f.kg_co2e)
                .is_some_and(|v| v.is_zero());
            supplier || zero
        })
        .map(|k| format!("{}:{}", k.set, k.factor))
        .collect();
    not_grid.sort();
    not_grid.dedup();
    if !not_grid.is_empty() {
        notes.push((
            format!(
                "location-based scope 2 is priced by {}, not a grid-average factor (DESNZ or SDU UK \
                 electricity); give a supplier's or tariff's factor in a market_factor column, where \
                 it prices market-based scope 2",
                not_grid.join(", ")
            ),
            true,
        ));
    }
    notes.extend(edition_notes(inv, desnz).into_iter().map(|n| (n, false)));
    notes.extend(
        crate::report::nhs::NhsFigures::of(inv)?
            .notes()
            .into_iter()
            .map(|n| (n, false)),
    );
    if inv.rows.spend_undated > 0 {
        notes.push((
            format!(
                "{} spend row(s) had neither price_year nor period: taken to be in the factor's price year",
                inv.rows.spend_undated
            ),
            true,
        ));
    }
    Ok(notes)
}

/// Runs `ghg inventory`.
pub fn run(args: &InventoryArgs, global: &GlobalArgs) -> Result<Outcome> {
    let catalog = global.catalog()?;
    let prepared = prepare(args, &catalog)?;
    if args.compute.spend_factors_old.is_some() {
        crate::say!("warning: {SPEND_FACTORS_RENAMED}");
    }
    if args.inputs.is_empty() {
        crate::say!(
            "no input files given: running the shipped example NHS trust (examples/nhs-trust/)"
        );
    }
    let out_dir = args.out.as_deref();
    // Everything --out writes is built beside DIR and swapped in at the end (run_dir.rs).
    let mut run_dir = out_dir.map(RunDir::create).transpose()?;
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
        let bar = progress_bar(args.quiet, &prepared.inputs);
        let run = engine::run_on(
            worker_threads(args.threads),
            prepared.inputs.clone(),
            &prepared.layout,
            &prepared.resolver,
            sinks,
            &mut |done| {
                if let Some(b) = &bar {
                    b.set_position(done);
                }
            },
        );
        if let Some(b) = bar {
            b.finish_and_clear();
        }
        match (run, run_dir.as_ref()) {
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
            (run, _) => run?,
        }
    };
    let inv = &result.inventory;
    let mut notes = prepared.notes.clone();
    let desnz = desnz_editions(&prepared.resolver);
    for n in figure_notes(inv, &desnz, &|id| {
        prepared
            .resolver
            .loaded_sets()
            .find(|s| s.id() == id)
            .map(|s| &**s)
    })? {
        if n.1 {
            crate::say!("warning: {}", n.0);
        }
        notes.push(n.0);
    }
    for f in &result.files {
        for w in f.columns.warnings() {
            crate::say!("warning: {}: {w}", f.name);
            notes.push(format!("{}: {w}", f.name));
        }
        if f.rows_without_figures > 0 {
            let n = format!(
                "{}: {} row(s) have no figure in any activity column (read as nothing used)",
                f.name, f.rows_without_figures
            );
            crate::say!("warning: {n}");
            notes.push(n);
        }
        if f.records == 0 {
            crate::say!("warning: {}: a header but no data rows", f.name);
            notes.push(format!("{}: a header but no data rows", f.name));
        }
        if f.preamble_lines > 0 {
            let n = f.preamble_lines;
            crate::say!(
                "note: {}: {n} line(s) above the header row were skipped",
                f.name
            );
            notes.push(format!(
                "{}: {n} line(s) above the header row skipped",
                f.name
            ));
        }
    }
    let mut used_sets: Vec<&str> = inv.groups.keys().map(|k| &*k.set).collect();
    used_sets.sort_unstable();
    used_sets.dedup();
    for (id, note) in &prepared.gwp_notes {
        if used_sets.contains(&id.as_str()) {
            notes.push(note.clone());
        }
    }
    let facts = RunFacts {
        sets: used_sets
            .iter()
            .filter_map(|id| prepared.resolver.loaded_sets().find(|s| s.id() == *id))
            .map(|s| (s.id().to_string(), s.header.title.clone(), s.sha256.clone()))
            .collect(),
        notes,
    };
    let describe = |set: &str, key: &str| -> (String, String) {
        prepared
            .resolver
            .loaded_sets()
            .find(|s| s.id() == set)
            .and_then(|s| s.get(key))
            .map(|f| (f.label(), f.unit.name.to_string()))
            .unwrap_or_default()
    };
    let procurement = match &prepared.supply {
        Some(supply) => {
            let p = crate::supply::metrics::procurement(
                supply,
                &inv.supply,
                prepared.local_area.as_ref(),
            )?;
            if !p.unmatched.is_empty() {
                let names: Vec<String> = p
                    .unmatched
                    .iter()
                    .take(10)
                    .map(|u| {
                        if u.supplier.is_empty() {
                            "(no supplier named)".to_string()
                        } else {
                            format!("{:?}", u.supplier)
                        }
                    })
                    .collect();
                crate::say!(
                    "note: spend of {} supplier name(s) not in the register {} was priced by spend factor: {}{}",
                    p.unmatched.len(),
                    supply.register.file,
                    names.join(", "),
                    if p.unmatched.len() > 10 { ", ..." } else { "" }
                );
            }
            Some(p)
        }
        None => None,
    };
    let json = inventory_json(inv, &facts, &describe)?;
    // Each rendering costs a pass over every group: only the ones that are written.
    let csv_text = if run_dir.is_some() || args.format == InventoryFormat::Csv {
        inventory_csv(inv)?
    } else {
        String::new()
    };
    if let Some(mut run) = run_dir.take() {
        if let Some(w) = ledger_tmp.take() {
            run.close(w)?;
        }
        if let Some(w) = rejects_tmp.take() {
            let f = w
                .into_inner()
                .map_err(|e| Error::usage(format!("writing rejects.csv: {}", e.error())))?;
            run.close(f)?;
        }
        run.write("inventory.json", json.as_bytes())?;
        run.write("inventory.csv", csv_text.as_bytes())?;
        if let Some(p) = &procurement {
            run.write(PROCUREMENT_FILE, p.to_json()?.as_bytes())?;
        }
        super::manifest::write(&mut run, args, global, &catalog, &prepared, &result.files)?;
        run.commit()?;
    }
    match args.format {
        InventoryFormat::Table => stdout(inventory_table(inv, &facts)?.as_bytes())?,
        InventoryFormat::Csv => stdout(csv_text.as_bytes())?,
        InventoryFormat::Json => stdout(json.as_bytes())?,
    }
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
    if inv.rows.rejected > 0 && !args.allow_rejects {
        return Ok(Outcome::Findings);
    }
    Ok(Outcome::Clean)
}

/// The anchor metrics `--suppliers` writes beside the inventory, for `ghg report procurement`.
pub const PROCUREMENT_FILE: &str = "procurement.json";
/// `--year`: `2024/25` or `2024`.
fn parse_year(text: &str) -> std::result::Result<ReportingYear, String> {
    ReportingYear::parse(text).ok_or_else(|| {
        format!("{text:?} is not a reporting year; expected an NHS financial year such as 2024/25 or a calendar year such as 2024")
    })
}

/// One note per reporting year priced by DESNZ edition: which set and why.
fn edition_notes(inv: &crate::inventory::Inventory, desnz: &BTreeMap<u16, String>) -> Vec<String> {
    if desnz.is_empty() {
        return Vec::new();
    }
    let mut seen: BTreeMap<Option<ReportingYear>, Vec<&str>> = BTreeMap::new();
    for k in inv.groups.keys() {
        let sets = seen.entry(k.reporting_year).or_default();
        // Only the DESNZ editions are chosen by year; other sets are searched after them.
        let is_desnz = desnz.values().any(|id| id.as_str() == &*k.set);
        if is_desnz && !sets.contains(&&*k.set) {
            sets.push(&k.set);
        }
    }
    let mut out = Vec::new();
    for (year, sets) in seen {
        if sets.is_empty() {
            continue;
        }
        let sets = sets.join(", ");
        out.push(match year {
            Some(y) => format!(
                "reporting year {y} ({}) priced with {sets}: one DESNZ set per reporting year, that \
                 of the calendar year holding the greater part of it ({})",
                y.describe(),
                y.edition_months()
            ),
            None => format!("rows without a period priced with {sets}, the newest DESNZ edition"),
        });
    }
    out
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
