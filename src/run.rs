//! A run: the options that decide the figures ([`RunOptions`]), the inputs, and
//! [`Run::execute`], which reads them and returns the typed result ([`RunOutput`]): the
//! inventory, the rejects, the notes and the factor sets used. Every command that computes an
//! inventory calls this, in-process: `ghg inventory`, `verify` (from the options the manifest
//! recorded), `compare` (once a factor set) and `trajectory` (the example trust). Nothing here
//! prints or parses arguments; what a front end should tell the user is in
//! [`RunOutput::messages`].
//!
//! An option that changes the figures is a field of [`RunOptions`] (which the manifest
//! records and `verify` reads back), its flag in `cli::inventory::ComputeArgs` and the one
//! conversion from those arguments, and its use in [`Run::prepare`].
//!
//! ```
//! use ghg::run::{Run, RunOptions};
//!
//! // The shipped example NHS trust (no inputs), priced with DESNZ 2024, without upstream lines.
//! let run = Run {
//!     options: RunOptions {
//!         factors: Some("desnz-2024".to_string()),
//!         no_upstream: true,
//!         ..RunOptions::default()
//!     },
//!     ..Run::default()
//! };
//! let out = run.execute().unwrap();
//! assert_eq!(out.inventory.rows.rejected, 0);
//! assert!(out.rejects.is_empty());
//! assert!(out.inventory.rows.used > 0);
//! assert!(out.facts.sets.iter().any(|(id, _, _)| id == "desnz-2024"));
//! // The same bytes `ghg inventory --format json` prints.
//! assert!(out.json().unwrap().contains("\"totals_kg_co2e\""));
//! ```

use crate::activity::read::FileInfo;
use crate::activity::{Input, Layout, ReportingYear};
use crate::engine::{self, Edition, LazySet, PriceIndex, Resolver, Sinks};
use crate::factors::gwp::Basis;
use crate::factors::{Catalog, FactorSet};
use crate::model::{Inventory, Reject};
use crate::report::inventory::{inventory_csv, inventory_json, inventory_table, RunFacts};
use crate::supply::metrics::Procurement;
use crate::supply::{LocalArea, Supply};
use crate::{Error, Result};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The options that decide a run's figures, in one place: `ghg inventory`'s flags become this
/// (`cli::inventory`), the manifest records it (`run_options`) and `verify` re-runs from it.
/// Relative paths are read from the current directory. Fields are in alphabetical order, so
/// the manifest's keys stay sorted.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RunOptions {
    /// `--aliases`: a TOML file of extra aliases, on top of the shipped ones.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aliases: Option<PathBuf>,
    /// `--column FIELD=HEADER` choices, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub columns: Vec<String>,
    /// `--deflator`: the price index moving GBP spend to a factor's price year.
    pub deflator: Deflator,
    /// `--factors`: a set id or a path to a `.toml` set; `None` for the DESNZ edition of each
    /// row's reporting year.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub factors: Option<String>,
    /// `--factors-dir` (and `GHG_FACTORS_DIR`): directories of the user's own factor sets.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub factors_dirs: Vec<PathBuf>,
    /// `--fallback-factors`: sets searched, in order, for rows the main set has no factor for
    /// (empty for none).
    pub fallback_factors: Vec<String>,
    /// `--gwp`: recompute gas-mass factors on this GWP100 basis.
    #[serde(default, skip_serializing_if = "Option::is_none", with = "basis_text")]
    pub gwp: Option<Basis>,
    /// `--local-area`: the local area TOML, for the share of spend with local suppliers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub local_area: Option<PathBuf>,
    /// `--no-upstream`: leave out well-to-tank and T&D lines.
    #[serde(default)]
    pub no_upstream: bool,
    /// `--residual-mix`: kg CO2e per kWh, or `SET:KEY`, for market-based scope 2 electricity
    /// without a contractual factor.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub residual_mix: Option<String>,
    /// `--suppliers`: the supplier register CSV (hybrid method for spend rows).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suppliers: Option<PathBuf>,
    /// `--upstream-share`: share of the spend factor counted upstream of a hybrid-tier
    /// supplier, 0 to 1 (`None`: the whole factor).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub upstream_share: Option<Decimal>,
    /// `--wide HEADER=ACTIVITY:UNIT` choices, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub wide: Vec<String>,
    /// `--year`: the reporting year; rows dated outside it are rejected.
    #[serde(default, skip_serializing_if = "Option::is_none", with = "year_text")]
    pub year: Option<ReportingYear>,
}

/// The fallback sets `ghg inventory` searches when none are named: clinical, then spend.
pub const DEFAULT_FALLBACK_SETS: [&str; 3] = [CLINICAL_SET, "defra-sic-2022", "epa-sc-1.3"];

impl Default for RunOptions {
    /// What `ghg inventory` does with no options.
    fn default() -> RunOptions {
        RunOptions {
            aliases: None,
            columns: Vec::new(),
            deflator: Deflator::Cpi,
            factors: None,
            factors_dirs: Vec::new(),
            fallback_factors: DEFAULT_FALLBACK_SETS.map(String::from).to_vec(),
            gwp: None,
            local_area: None,
            no_upstream: false,
            residual_mix: None,
            suppliers: None,
            upstream_share: None,
            wide: Vec::new(),
            year: None,
        }
    }
}

impl RunOptions {
    /// `--upstream-share` as given on the command line: a share from 0 to 1.
    pub fn parse_upstream_share(text: &str) -> Result<Decimal> {
        crate::num::parse_decimal(text)
            .ok()
            .filter(|v| !v.is_sign_negative() && *v <= Decimal::ONE)
            .ok_or_else(|| {
                Error::usage(format!(
                    "--upstream-share {text:?}: expected a share from 0 to 1, such as 0.85"
                ))
            })
    }

    /// The catalog these options search: the shipped sets and `factors_dirs`.
    pub fn catalog(&self) -> Result<Catalog> {
        Catalog::discover(&self.factors_dirs)
    }
}

/// `--gwp` in the manifest: `ar4`, `ar5`, `ar6`, as on the command line.
mod basis_text {
    use crate::factors::gwp::Basis;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(b: &Option<Basis>, s: S) -> Result<S::Ok, S::Error> {
        match b {
            Some(b) => s.serialize_str(&b.as_str().to_ascii_lowercase()),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Basis>, D::Error> {
        match Option::<String>::deserialize(d)? {
            None => Ok(None),
            Some(t) => Basis::parse(&t).map(Some).ok_or_else(|| {
                serde::de::Error::custom(format!("{t:?} is not a GWP basis (ar4, ar5, ar6)"))
            }),
        }
    }
}

/// `--year` in the manifest: `2024/25` or `2024`, as on the command line.
mod year_text {
    use crate::activity::ReportingYear;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(y: &Option<ReportingYear>, s: S) -> Result<S::Ok, S::Error> {
        match y {
            Some(y) => s.collect_str(y),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<ReportingYear>, D::Error> {
        match Option::<String>::deserialize(d)? {
            None => Ok(None),
            Some(t) => ReportingYear::parse(&t).map(Some).ok_or_else(|| {
                serde::de::Error::custom(format!("{t:?} is not a reporting year (2024/25 or 2024)"))
            }),
        }
    }
}

/// One inventory run: options, inputs and how many threads to use.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Run {
    /// The options that decide the figures.
    pub options: RunOptions,
    /// Activity files as given (`-` for standard input; glob patterns are expanded); empty for
    /// the shipped example NHS trust.
    pub inputs: Vec<PathBuf>,
    /// Worker threads, 0 for all cores; the figures never depend on it.
    pub threads: usize,
}

/// What a run computed, and what it read to compute it.
pub struct RunOutput {
    /// The inventory.
    pub inventory: Inventory,
    /// What was read from each input, in input order.
    pub files: Vec<FileInfo>,
    /// The first rejects, for display (every reject went to the rejects sink, if one).
    pub first_rejects: Vec<Reject>,
    /// Every reject, in input order, from [`Run::execute`]; empty from [`Prepared::execute`],
    /// whose caller takes them in its own sink (a file of millions of bad rows is not held).
    pub rejects: Vec<Reject>,
    /// The factor sets used (id, title, SHA-256) and the notes, as inventory.json gives them.
    pub facts: RunFacts,
    /// Warnings and notes for the user, each starting `warning: ` or `note: `, in order.
    pub messages: Vec<String>,
    /// The supply-chain metrics of a run with a supplier register.
    pub procurement: Option<Procurement>,
    /// What the run was prepared from: resolver (the factor sets), inputs, catalog.
    pub prepared: Prepared,
}

impl RunOutput {
    /// Every factor set the run parsed, in the order the resolver searches them.
    pub fn sets(&self) -> impl Iterator<Item = &FactorSet> {
        self.prepared.resolver.loaded_sets().map(|s| &**s)
    }

    /// A factor's label and unit name, or empty strings for one the run does not know.
    pub fn describe(&self, set: &str, key: &str) -> (String, String) {
        self.sets()
            .find(|s| s.id() == set)
            .and_then(|s| s.get(key))
            .map(|f| (f.label(), f.unit.name.to_string()))
            .unwrap_or_default()
    }

    /// inventory.json, as `ghg inventory --format json` prints it.
    pub fn json(&self) -> Result<String> {
        inventory_json(&self.inventory, &self.facts, &|s, k| self.describe(s, k))
    }

    /// inventory.csv, as `ghg inventory --format csv` prints it.
    pub fn csv(&self) -> Result<String> {
        inventory_csv(&self.inventory)
    }

    /// The table `ghg inventory` prints.
    pub fn table(&self) -> Result<String> {
        inventory_table(&self.inventory, &self.facts)
    }
}

impl Run {
    /// Runs it: the inventory, every reject, the notes and the sets used (no ledger kept;
    /// [`Run::prepare`] then [`Prepared::execute`] streams it to a writer).
    pub fn execute(&self) -> Result<RunOutput> {
        let mut rejects = Vec::new();
        let mut keep = |r: &Reject| -> Result<()> {
            rejects.push(r.clone());
            Ok(())
        };
        let sinks = Sinks {
            ledger: None,
            rejects: Some(&mut keep),
        };
        let mut out = self.prepare()?.execute(sinks, &mut |_| {})?;
        out.rejects = rejects;
        Ok(out)
    }
}
/// The clinical factor set (anaesthetic gases, inhalers), first of the sets searched after the
/// activity set by default: no DESNZ or SDU set prices them per kg, bottle or device.
pub const CLINICAL_SET: &str = "nhs-clinical";

/// Price index series for GBP spend (`--deflator`; `cpi`, `gdp` in the manifest).
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Deflator {
    /// ONS CPI (D7BT), 2010-2025.
    Cpi,
    /// ONS GDP deflator at market prices (YBGB), 2010-2024.
    Gdp,
}

impl Deflator {
    /// `cpi` or `gdp`, as on the command line and in the manifest.
    pub fn name(self) -> &'static str {
        match self {
            Deflator::Cpi => "cpi",
            Deflator::Gdp => "gdp",
        }
    }

    /// `cpi` or `gdp` (any case).
    pub fn parse(text: &str) -> Option<Deflator> {
        match text.trim().to_ascii_lowercase().as_str() {
            "cpi" => Some(Deflator::Cpi),
            "gdp" => Some(Deflator::Gdp),
            _ => None,
        }
    }
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

/// Everything a run needs, built from its options: the factor sets, parsed or ready to parse,
/// and the inputs. Built before any row is read, so a bad option fails first.
pub struct Prepared {
    /// The catalog of factor sets the run searched (shipped and `factors_dirs`).
    pub catalog: Catalog,
    /// Worker threads, 0 for all cores.
    pub threads: usize,
    /// Warnings and notes for the user so far (`warning: ...`).
    pub messages: Vec<String>,
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
    /// Whether each input's SHA-256 is taken (true unless the caller records no manifest:
    /// the figures never depend on it).
    pub hash_inputs: bool,
}

impl Run {
    /// Builds the resolver and inputs from the options: the catalog, the sets named, the
    /// tables and the supplier register are read now; DESNZ editions and fallback sets when a
    /// row first needs them.
    pub fn prepare(&self) -> Result<Prepared> {
        let o = &self.options;
        let owned = o.catalog()?;
        let catalog = &owned;
        let mut messages = Vec::new();
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
        let edition = match &o.factors {
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
        let layout = Layout::parse(&o.columns, &o.wide)?;
        for name in &o.fallback_factors {
            if name.is_empty() || name == "none" {
                continue;
            }
            // Already the activity set: searched first anyway.
            if name == CLINICAL_SET && o.factors.as_deref() == Some(CLINICAL_SET) {
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
        let aliases = load_aliases(o.aliases.as_deref())?;
        let residual_mix = match &o.residual_mix {
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
            o.residual_mix.as_deref().unwrap_or_default()
        ));
        }
        let deflators = load_deflators(o.deflator)?;
        let (supply, local_area) = load_supply(o)?;
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
                messages.push(format!("warning: {w}"));
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
        if let Some(basis) = o.gwp {
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
            upstream: !o.no_upstream,
            residual_mix,
            supply: supply.clone(),
            year: o.year,
            nhs: crate::nhs::NhsMapping::shipped()?,
        };
        if let Some(y) = o.year {
            notes.push(format!(
            "reporting year {y} ({}) given with --year: rows dated outside it are rejected, rows \
             without a period are counted in it",
            y.describe()
        ));
        }
        let inputs = if self.inputs.is_empty() {
            let ex = example_inputs();
            if ex.is_empty() {
                return Err(Error::usage("no input files given and no example shipped"));
            }
            ex
        } else {
            let paths = expand_globs(&self.inputs)?;
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
            catalog: owned,
            threads: self.threads,
            messages,
            resolver,
            inputs,
            notes,
            supply,
            local_area,
            layout,
            gwp_notes,
            hash_inputs: true,
        })
    }
}

/// The supplier register, its hybrid-method share and the local area, when asked for.
pub fn load_supply(c: &RunOptions) -> Result<(Option<Arc<Supply>>, Option<LocalArea>)> {
    let Some(path) = &c.suppliers else {
        return Ok((None, None));
    };
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    let register = crate::supply::Register::parse(&path.display().to_string(), &bytes)?;
    let upstream_share = c
        .upstream_share
        .unwrap_or(crate::supply::DEFAULT_UPSTREAM_SHARE);
    let local = match &c.local_area {
        None => None,
        Some(p) => {
            let name = p.display().to_string();
            let bytes = std::fs::read(p).map_err(|e| Error::io(p, e))?;
            // The line and column of the first bad byte, and UTF-16 named, as for the register.
            let text = crate::factors::catalog::utf8_text(&name, bytes)?;
            Some(LocalArea::parse(&name, &text)?)
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
    inv: &crate::model::Inventory,
    desnz: &BTreeMap<u16, String>,
    find_set: &dyn Fn(&str) -> Option<&'s FactorSet>,
) -> Result<Vec<(String, bool)>> {
    // One pass over the groups for every note (a pass over tens of thousands of groups costs
    // about what reading them from memory does): what each note is about, by distinct value.
    let newest = desnz.keys().next_back().copied();
    let mut later = std::collections::BTreeSet::new();
    let mut scope_2 = std::collections::BTreeSet::new();
    let mut priced_with: BTreeMap<Option<ReportingYear>, Vec<&str>> = BTreeMap::new();
    let mut last_priced = None;
    let mut nhs = crate::report::nhs::NhsSums::default();
    for (k, t) in &inv.groups {
        if let (Some(newest), Some(y)) = (newest, k.reporting_year) {
            if y.edition_year() > newest {
                later.insert(y.to_string());
            }
        }
        if k.class == crate::model::ScopeClass::Two && k.upstream_of.is_none() {
            scope_2.insert((&*k.set, &*k.factor));
        }
        // Only the DESNZ editions are chosen by year; other sets are searched after them.
        if last_priced != Some((k.reporting_year, &*k.set)) {
            last_priced = Some((k.reporting_year, &*k.set));
            let sets = priced_with.entry(k.reporting_year).or_default();
            let is_desnz = desnz.values().any(|id| id.as_str() == &*k.set);
            if is_desnz && !sets.contains(&&*k.set) {
                sets.push(&k.set);
            }
        }
        nhs.add(k, t)
            .ok_or_else(|| crate::Error::overflow(crate::Position::default(), "an NHS total"))?;
    }
    let mut notes = Vec::new();
    if let Some(newest) = newest {
        let later: Vec<String> = later.into_iter().collect();
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
    let mut not_grid: Vec<String> = (scope_2.into_iter())
        .filter(|(set, factor)| {
            let set = find_set(set);
            let supplier =
                set.is_some_and(|s| s.quality() == crate::factors::DataQuality::SupplierSpecific);
            let zero = set
                .and_then(|s| s.get(factor))
                .and_then(|f| f.kg_co2e)
                .is_some_and(|v| v.is_zero());
            supplier || zero
        })
        .map(|(set, factor)| format!("{set}:{factor}"))
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
    notes.extend(edition_notes(priced_with).into_iter().map(|n| (n, false)));
    notes.extend(nhs.finish()?.notes().into_iter().map(|n| (n, false)));
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

/// One note per reporting year priced by a DESNZ edition (`priced_with`: the DESNZ sets each
/// year's groups used, in order of first use): which set and why.
fn edition_notes(priced_with: BTreeMap<Option<ReportingYear>, Vec<&str>>) -> Vec<String> {
    let mut out = Vec::new();
    for (year, sets) in priced_with {
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

impl Prepared {
    /// Reads every input through the engine: ledger lines to `sinks.ledger` and rejects to
    /// `sinks.rejects` as they come, `progress` called with the bytes read so far. Then the
    /// notes on the figures, the factor sets used and, with a supplier register, the
    /// procurement metrics.
    pub fn execute(mut self, sinks: Sinks<'_>, progress: &mut dyn FnMut(u64)) -> Result<RunOutput> {
        let result = engine::run_on(
            self.threads,
            self.inputs.clone(),
            &self.layout,
            &self.resolver,
            sinks,
            progress,
            self.hash_inputs,
        )?;
        let inv = result.inventory;
        let mut messages = std::mem::take(&mut self.messages);
        let mut notes = self.notes.clone();
        let desnz = desnz_editions(&self.resolver);
        for n in figure_notes(&inv, &desnz, &|id| {
            self.resolver
                .loaded_sets()
                .find(|s| s.id() == id)
                .map(|s| &**s)
        })? {
            if n.1 {
                messages.push(format!("warning: {}", n.0));
            }
            notes.push(n.0);
        }
        for f in &result.files {
            for w in f.columns.warnings() {
                messages.push(format!("warning: {}: {w}", f.name));
                notes.push(format!("{}: {w}", f.name));
            }
            if f.rows_without_figures > 0 {
                let n = format!(
                    "{}: {} row(s) have no figure in any activity column (read as nothing used)",
                    f.name, f.rows_without_figures
                );
                messages.push(format!("warning: {n}"));
                notes.push(n);
            }
            if f.records == 0 {
                messages.push(format!("warning: {}: a header but no data rows", f.name));
                notes.push(format!("{}: a header but no data rows", f.name));
            }
            if f.preamble_lines > 0 {
                let n = f.preamble_lines;
                messages.push(format!(
                    "note: {}: {n} line(s) above the header row were skipped",
                    f.name
                ));
                notes.push(format!(
                    "{}: {n} line(s) above the header row skipped",
                    f.name
                ));
            }
        }
        // Groups of a set come together: each run of them adds its set once.
        let mut used_sets: Vec<&str> = Vec::new();
        for k in inv.groups.keys() {
            if used_sets.last() != Some(&&*k.set) {
                used_sets.push(&k.set);
            }
        }
        used_sets.sort_unstable();
        used_sets.dedup();
        for (id, note) in &self.gwp_notes {
            if used_sets.contains(&id.as_str()) {
                notes.push(note.clone());
            }
        }
        let facts = RunFacts {
            sets: used_sets
                .iter()
                .filter_map(|id| self.resolver.loaded_sets().find(|s| s.id() == *id))
                .map(|s| (s.id().to_string(), s.header.title.clone(), s.sha256.clone()))
                .collect(),
            notes,
        };
        let procurement = match &self.supply {
            Some(supply) => {
                let p = crate::supply::metrics::procurement(
                    supply,
                    &inv.supply,
                    self.local_area.as_ref(),
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
                    messages.push(format!(
                        "note: spend of {} supplier name(s) not in the register {} was priced by spend factor: {}{}",
                        p.unmatched.len(),
                        supply.register.file,
                        names.join(", "),
                        if p.unmatched.len() > 10 { ", ..." } else { "" }
                    ));
                }
                Some(p)
            }
            None => None,
        };
        Ok(RunOutput {
            inventory: inv,
            files: result.files,
            first_rejects: result.first_rejects,
            rejects: Vec::new(),
            facts,
            messages,
            procurement,
            prepared: self,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::manifest::{Build, Manifest, RecordedOptions, SCHEMA};
    use std::str::FromStr;

    /// Every field away from its default.
    fn every_option() -> RunOptions {
        RunOptions {
            aliases: Some("tables/aliases.toml".into()),
            columns: vec!["quantity=Consumption".into()],
            deflator: Deflator::Gdp,
            factors: Some("sets/own.toml".into()),
            factors_dirs: vec!["../factors".into()],
            fallback_factors: vec![CLINICAL_SET.into(), "epa-sc-1.3".into()],
            gwp: Some(Basis::Ar6),
            local_area: Some("area.toml".into()),
            no_upstream: true,
            residual_mix: Some("0.3379".into()),
            suppliers: Some("register.csv".into()),
            upstream_share: Some(Decimal::from_str("0.85").unwrap()),
            wide: vec!["Electricity (MWh)=electricity:MWh".into()],
            year: ReportingYear::parse("2024/25"),
        }
    }

    fn manifest(run_options: Option<RunOptions>, recorded: RecordedOptions) -> Manifest {
        Manifest {
            command: vec!["ghg".into()],
            factor_sets: vec![],
            ghg: Build::current(),
            inputs: vec![],
            options: recorded,
            outputs: vec![],
            run_dir: ".".into(),
            run_options,
            schema: SCHEMA.into(),
            tables: vec![],
            timestamp: None,
        }
    }

    #[test]
    fn execute_returns_the_inventory_every_reject_and_the_sets_used() {
        let dir = tempfile::tempdir().unwrap();
        let csv = dir.path().join("a.csv");
        std::fs::write(
            &csv,
            "activity,quantity,unit\n7_400_4000_5,1000,kWh\n7_400_4000_5,lots,kWh\n",
        )
        .unwrap();
        let set = "tests/fixtures/factors/mini-desnz-2025.toml";
        let run = Run {
            options: RunOptions {
                factors: Some(set.into()),
                fallback_factors: vec![],
                no_upstream: true,
                ..RunOptions::default()
            },
            inputs: vec![csv.clone()],
            threads: 1,
        };
        let out = run.execute().unwrap();
        assert_eq!(
            (out.inventory.rows.used, out.inventory.rows.rejected),
            (1, 1)
        );
        assert_eq!(out.rejects.len(), 1);
        assert_eq!(
            (out.rejects[0].line, out.rejects[0].value.as_str()),
            (3, "lots")
        );
        assert_eq!(out.facts.sets[0].0, "mini-desnz-2025");
        // 1000 kWh x 0.177 kg; no T&D or well-to-tank line with no_upstream.
        let json: serde_json::Value = serde_json::from_str(&out.json().unwrap()).unwrap();
        assert_eq!(json["totals_kg_co2e"]["scope_2_location"], "177");
        assert_eq!(json["totals_kg_co2e"]["scope_3"], "0");
        // With upstream lines: 1000 x (0.01853 + 0.0459 + 0.00397) = 68.4 kg more in scope 3.
        let run = Run {
            options: RunOptions {
                no_upstream: false,
                ..run.options
            },
            ..run
        };
        let json: serde_json::Value =
            serde_json::from_str(&run.execute().unwrap().json().unwrap()).unwrap();
        assert_eq!(json["totals_kg_co2e"]["scope_3"], "68.4");
    }

    #[test]
    fn run_options_round_trip_through_the_manifest_json() {
        let o = every_option();
        let inputs = vec!["a.csv".to_string(), "-".to_string()];
        let m = manifest(Some(o.clone()), RecordedOptions::of(&o, inputs.clone()));
        let text = m.to_json().unwrap();
        let back = Manifest::parse("manifest.json", &text).unwrap();
        assert_eq!(back, m);
        let run = back.run("manifest.json").unwrap();
        assert_eq!(run.options, o);
        assert_eq!(run.inputs, [PathBuf::from("a.csv"), PathBuf::from("-")]);
        // As the command line spells them.
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        let r = &v["run_options"];
        assert_eq!(r["year"], "2024/25");
        assert_eq!(r["gwp"], "ar6");
        assert_eq!(r["deflator"], "gdp");
        assert_eq!(r["upstream_share"], "0.85");
        // The defaults round-trip too, with the optional keys left out.
        let d = RunOptions::default();
        let m = manifest(Some(d.clone()), RecordedOptions::of(&d, vec![]));
        let text = m.to_json().unwrap();
        assert!(!text.contains("\"year\""), "{text}");
        let back = Manifest::parse("manifest.json", &text).unwrap();
        assert_eq!(back.run("manifest.json").unwrap().options, d);
    }

    #[test]
    fn a_manifest_without_run_options_is_read_from_its_flags() {
        let o = every_option();
        let m = manifest(None, RecordedOptions::of(&o, vec!["a.csv".into()]));
        let text = m.to_json().unwrap();
        assert!(!text.contains("run_options"), "{text}");
        let run = Manifest::parse("m.json", &text)
            .unwrap()
            .run("m.json")
            .unwrap();
        assert_eq!(run.options, o);
        assert_eq!(run.inputs, [PathBuf::from("a.csv")]);

        let mut bad = RecordedOptions::of(&o, vec![]);
        bad.deflator = "rpi".into();
        let err = manifest(None, bad).run("m.json").unwrap_err().to_string();
        assert!(err.starts_with("m.json"), "{err}");
        assert!(
            err.contains("options.deflator \"rpi\" is not cpi or gdp"),
            "{err}"
        );
    }

    #[test]
    fn unknown_run_options_are_refused_not_ignored() {
        let d = RunOptions::default();
        let text = manifest(Some(d.clone()), RecordedOptions::of(&d, vec![]))
            .to_json()
            .unwrap()
            .replace(
                "\"deflator\": \"cpi\",",
                "\"deflator\": \"cpi\",\n    \"site\": \"A\",",
            );
        let err = Manifest::parse("m.json", &text).unwrap_err().to_string();
        assert!(err.contains("unknown field `site`"), "{err}");
    }
}
