//! From what a row names (activity, unit, period) to the factor it uses, the exact conversion
//! into the factor's unit, and the upstream factors that go with it. Resolved once per distinct
//! (activity, unit, edition), not per row.

use crate::activity::{Period, ReportingYear};
use crate::factors::{Factor, FactorSet, Scope, SetKind};
use crate::nhs::{NhsCategory, NhsMapping};
use crate::units::{conversion, parse_unit, Conversion, Dimension, Unit};
use rust_decimal::Decimal;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

/// A factor by set and position, small enough to key maps with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FactorRef {
    /// Index into [`Resolver::sets`].
    pub set: u16,
    /// Index into that set's factors.
    pub index: u32,
}

/// Which activity set applies to a row.
#[derive(Clone, Debug)]
pub enum Edition {
    /// One set for every row (`--factors desnz-2025`).
    Fixed(u16),
    /// The DESNZ edition of each row's reporting year (the calendar year holding the greater
    /// part of it, so every row of FY 2024/25 takes desnz-2024); rows without a period, or
    /// with a year past the newest edition, use the newest; years before the oldest are
    /// rejected.
    ByPeriod(BTreeMap<u16, u16>),
}

/// A price index for moving spend between price years, by calendar year.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PriceIndex {
    /// Series identifier (`D7BT`), as written to the ledger.
    pub id: String,
    /// Series name as cited (`ONS D7BT, CPI 2015=100`).
    pub name: String,
    /// Index value by year.
    pub values: BTreeMap<u16, Decimal>,
}

/// Everything resolution needs, shared read-only by all worker threads.
#[derive(Clone, Debug)]
pub struct Resolver {
    /// Every set rows may resolve to; [`FactorRef::set`] indexes it.
    pub sets: Vec<Arc<FactorSet>>,
    /// Activity set choice.
    pub edition: Edition,
    /// Sets searched after the activity set, in order, by index into `sets` (`--fallback-factors`:
    /// by default the clinical set, then the spend sets).
    pub spend: Vec<u16>,
    /// Alias (as normalised by `factors::tables::normalise_name`) to the factor keys it may
    /// stand for, tried in order.
    pub aliases: HashMap<String, Vec<String>>,
    /// Price index by currency (`GBP`, `USD`), for spend rows with a price year.
    pub deflators: BTreeMap<String, PriceIndex>,
    /// Whether to add upstream (well-to-tank, T&D) lines.
    pub upstream: bool,
    /// A residual-mix factor, kg CO2e per kWh, for market-based scope 2 electricity rows
    /// without a contractual factor; overrides a set's own `residual-mix` factor.
    pub residual_mix: Option<Decimal>,
    /// The supplier register and hybrid-method settings, when spend is priced by supplier.
    pub supply: Option<Arc<crate::supply::Supply>>,
    /// `--year`: the one reporting year of the run; rows dated outside it are rejected, rows
    /// without a period belong to it. `None`: each row's own (NHS financial years by default).
    pub year: Option<ReportingYear>,
    /// Default NHS category of each factor (`factors/tables/nhs_categories.toml`).
    pub nhs: NhsMapping,
}

/// The key a set may give its residual-mix factor (kg CO2e per kWh).
pub const RESIDUAL_MIX_KEY: &str = "residual-mix";

/// Which field of a row a resolution failure is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Blame {
    /// The activity names no usable factor.
    Activity,
    /// The unit is unknown or does not fit the factor.
    Unit,
}

/// Why a row's activity and unit could not be resolved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResolveError {
    /// The field at fault.
    pub blame: Blame,
    /// What is wrong and what was expected.
    pub reason: String,
}

fn blame(blame: Blame, reason: String) -> ResolveError {
    ResolveError { blame, reason }
}

/// A set index that names no set: rows whose period no DESNZ edition covers may still
/// resolve in the spend sets.
pub const NO_SET: u16 = u16::MAX;

/// A factor and how to get a row's quantity into its unit.
#[derive(Clone, Debug)]
pub struct Applied {
    /// The factor.
    pub factor: FactorRef,
    /// Its value, kg CO2e per unit.
    pub value: Decimal,
    /// Row unit to factor unit.
    pub conversion: Conversion,
}

/// The outcome of resolving a row's activity and unit.
#[derive(Clone, Debug)]
pub struct Resolved {
    /// The factor the row multiplies.
    pub primary: Applied,
    /// Linked factors (upstream, then outside of scopes), each with its own conversion.
    pub upstream: Vec<Applied>,
    /// The row's unit, parsed.
    pub unit: Unit,
    /// Conversion from the row's unit to kWh, for a contractual (market-based) factor.
    pub to_kwh: Option<Conversion>,
    /// For a spend factor: its currency's price year, to deflate to.
    pub price_year: Option<u16>,
    /// For scope 2 electricity: the residual-mix factor (kg CO2e per kWh), if any.
    pub residual_mix: Option<Decimal>,
    /// The primary factor's default NHS category.
    pub nhs: NhsCategory,
}

impl Resolver {
    /// A resolver over one set for every row: no spend sets, aliases, deflators or residual
    /// mix; upstream lines on.
    pub fn single(set: Arc<FactorSet>) -> Resolver {
        Resolver {
            sets: vec![set],
            edition: Edition::Fixed(0),
            spend: Vec::new(),
            aliases: HashMap::new(),
            deflators: BTreeMap::new(),
            upstream: true,
            residual_mix: None,
            supply: None,
            year: None,
            nhs: NhsMapping::default(),
        }
    }

    /// The reporting year of a row with this period, or why the row is outside `--year`.
    pub fn reporting_year(&self, period: Option<Period>) -> Result<Option<ReportingYear>, String> {
        match (self.year, period) {
            (None, p) => Ok(p.map(ReportingYear::of)),
            (Some(y), None) => Ok(Some(y)),
            (Some(y), Some(p)) if y.contains(p) => Ok(Some(y)),
            (Some(y), Some(p)) => Err(format!(
                "dated {p}, outside the reporting year {y} ({}) given with --year; \
                 correct the date, or run that year with its own --year",
                y.describe()
            )),
        }
    }

    /// The set index for a row's reporting year, or why none applies.
    pub fn activity_set(&self, year: Option<ReportingYear>) -> Result<u16, String> {
        match &self.edition {
            Edition::Fixed(i) => Ok(*i),
            Edition::ByPeriod(by_year) => {
                let newest = by_year
                    .iter()
                    .next_back()
                    .map(|(_, i)| *i)
                    .ok_or_else(|| "no DESNZ factor set is available".to_string())?;
                let Some(p) = year else {
                    return Ok(newest);
                };
                let y = p.edition_year();
                if let Some(i) = by_year.get(&y) {
                    return Ok(*i);
                }
                match by_year.keys().next() {
                    Some(&first) if y < first => Err(format!(
                        "no DESNZ edition covers {p} (the oldest is {first}); pass --factors to choose a set"
                    )),
                    _ => Ok(newest),
                }
            }
        }
    }

    /// Looks up an activity in the row's set, then in the spend sets; aliases first; `SET:KEY`
    /// names a set of this run and a key in it. Where an alias names several factors
    /// (desflurane per kg, per litre, per bottle; gas per kWh or m3), the row's unit picks: the
    /// first in the unit itself, else the first it converts to, else the first.
    pub fn find(&self, set: u16, activity: &str, unit: Option<&Unit>) -> Option<FactorRef> {
        if let Some((set_id, key)) = activity.split_once(':') {
            if let Some(s) = self.sets.iter().position(|s| s.id() == set_id.trim()) {
                let i = self.sets[s].index_of(key.trim())?;
                return Some(FactorRef {
                    set: s as u16,
                    index: i as u32,
                });
            }
        }
        let alias = self
            .aliases
            .get(&crate::factors::tables::normalise_name(activity));
        let lookup = |s: u16| -> Option<FactorRef> {
            let fs = self.sets.get(s as usize)?;
            let found: Vec<usize> = alias
                .into_iter()
                .flatten()
                .filter_map(|k| fs.index_of(k))
                .chain(fs.index_of(activity))
                .collect();
            let unit_of = |i: &&usize| fs.factors.get(**i).map(|f| f.unit);
            let i = unit
                .and_then(|u| {
                    found
                        .iter()
                        .find(|i| unit_of(i).is_some_and(|f| f.name == u.name))
                        .or_else(|| {
                            found
                                .iter()
                                .find(|i| unit_of(i).is_some_and(|f| conversion(u, &f).is_ok()))
                        })
                })
                .or(found.first())
                .copied()?;
            Some(FactorRef {
                set: s,
                index: i as u32,
            })
        };
        lookup(set).or_else(|| self.spend.iter().find_map(|&s| lookup(s)))
    }

    /// The index of the set with this id among the run's sets.
    pub fn set_index(&self, id: &str) -> Option<u16> {
        self.sets
            .iter()
            .position(|s| s.id() == id.trim())
            .map(|i| i as u16)
    }

    /// The ids of the run's sets, each once, in order.
    pub fn set_ids(&self) -> Vec<&str> {
        let mut ids: Vec<&str> = Vec::new();
        for s in &self.sets {
            if !ids.contains(&s.id()) {
                ids.push(s.id());
            }
        }
        ids
    }

    /// The factor behind a reference.
    pub fn factor(&self, r: FactorRef) -> &Factor {
        &self.sets[r.set as usize].factors[r.index as usize]
    }

    /// The set behind a reference.
    pub fn set(&self, r: FactorRef) -> &FactorSet {
        &self.sets[r.set as usize]
    }

    /// Resolves an activity and unit text for a set; `Err` is the reject reason.
    pub fn resolve(
        &self,
        set: u16,
        activity: &str,
        unit_text: &str,
    ) -> Result<Resolved, ResolveError> {
        let row_unit = parse_unit(unit_text);
        let Some(fref) = self.find(set, activity, row_unit.as_ref()) else {
            return Err(blame(Blame::Activity, self.unknown_activity(set, activity)));
        };
        let f = self.factor(fref);
        let fs = self.set(fref);
        let value = usable_value(fs, f).map_err(|r| blame(Blame::Activity, r))?;
        let unit = row_unit.ok_or_else(|| {
            let reason = if unit_text.trim().eq_ignore_ascii_case("ml") {
                format!("unit {unit_text:?} is ambiguous; write mL for millilitres or \"million litres\"")
            } else {
                format!("unknown unit {unit_text:?}; expected a unit such as kWh, litres, km, tonnes or GBP")
            };
            blame(Blame::Unit, reason)
        })?;
        let conv = conversion(&unit, &f.unit)
            .map_err(|e| blame(Blame::Unit, format!("{e} ({} {})", fs.id(), f.key)))?;
        let mut upstream = Vec::new();
        // Upstream lines unless --no-upstream; outside-of-scopes (biogenic) lines always, as
        // they are reported apart from the totals.
        let upstream_links = if self.upstream { &f.upstream[..] } else { &[] };
        for link in upstream_links.iter().chain(&f.outside) {
            let Some(i) = fs.index_of(link) else { continue };
            let lf = &fs.factors[i];
            let Some(v) = lf.value() else { continue };
            let Ok(c) = conversion(&unit, &lf.unit) else {
                continue;
            };
            upstream.push(Applied {
                factor: FactorRef {
                    set: fref.set,
                    index: i as u32,
                },
                value: v,
                conversion: c,
            });
        }
        let to_kwh = (f.scope == Scope::Two && unit.dimension == Dimension::Energy)
            .then(|| parse_unit("kWh").and_then(|k| conversion(&unit, &k).ok()))
            .flatten();
        let price_year = (fs.header.kind == Some(SetKind::Spend))
            .then_some(fs.header.price_year)
            .flatten();
        let electricity = f
            .labels
            .iter()
            .any(|l| l.to_ascii_lowercase().contains("electricity"));
        let residual_mix = (to_kwh.is_some() && electricity)
            .then(|| {
                self.residual_mix.or_else(|| {
                    fs.get(RESIDUAL_MIX_KEY)
                        .filter(|r| r.unit.name == "kWh")
                        .and_then(|r| r.kg_co2e)
                })
            })
            .flatten();
        Ok(Resolved {
            primary: Applied {
                factor: fref,
                value,
                conversion: conv,
            },
            upstream,
            unit,
            to_kwh,
            price_year,
            residual_mix,
            nhs: self.nhs.category(fs.id(), f),
        })
    }
}

impl Resolver {
    /// The reason an activity no set of the run has is rejected: what it is not, what it may
    /// be (aliases spelled alike and a label search of the set in use), and how to find a key
    /// and how to map one's own names.
    fn unknown_activity(&self, set: u16, full: &str) -> String {
        // A cell of any length is named by its first characters only.
        let shown = crate::activity::shorten(full);
        let activity: &str = &shown;
        let set_name = self
            .sets
            .get(set as usize)
            .map_or("the row's set", |s| s.id());
        let or_spend = if self.spend.is_empty() {
            ""
        } else {
            " or the fallback sets"
        };
        let how = format!(
            "find a key with `ghg factors show {set_name} WORDS`, or map your own names with \
             --aliases FILE ([[alias]] tables with name and key)"
        );
        let norm = crate::factors::tables::normalise_name(full);
        if let Some(keys) = self.aliases.get(&norm) {
            // An alias whose keys this set lacks: the publisher has no such factor, or the
            // alias table needs fixing; suggesting the alias back would send the user in a circle.
            return format!(
                "alias {activity:?} stands for {}, and {set_name}{or_spend} has no factor with \
                 that key; correct the alias's key, or price the row with a set that has it \
                 (`ghg factors aliases {norm}` shows the shipped sets that have it; choose one \
                 with --factors or --fallback-factors)",
                keys.iter()
                    .map(|k| format!("{k:?}"))
                    .collect::<Vec<_>>()
                    .join(" or "),
            );
        }
        if let Some((set_id, key)) = activity.split_once(':') {
            let set_id = set_id.trim();
            if self.sets.iter().any(|s| s.id() == set_id) {
                return format!(
                    "no factor {:?} in {set_id}; {}",
                    key.trim(),
                    how.replace(set_name, set_id)
                );
            }
            if !set_id.is_empty() && !set_id.contains(' ') {
                return format!(
                    "{activity:?} names the set {set_id:?}, which this run does not use; add it \
                     with --fallback-factors {set_id} (`ghg factors list` lists the sets)"
                );
            }
        }
        let hint = self.suggest(set, full);
        format!(
            "unknown activity {activity:?}: not a factor key, publisher ID or alias in \
             {set_name}{or_spend}{}; {how}",
            if hint.is_empty() {
                String::new()
            } else {
                format!("; did you mean {}?", hint.join(", "))
            }
        )
    }

    /// Up to three aliases spelled like the activity or sharing a word with it, then up to
    /// three factors of the set whose labels hold its words. The label search runs once per
    /// distinct name and set, however many rows repeat it.
    fn suggest(&self, set: u16, activity: &str) -> Vec<String> {
        // Edit distance costs length squared: nothing near a key is this long anyway.
        if activity.chars().count() > 100 {
            return Vec::new();
        }
        let norm = crate::factors::tables::normalise_name(activity);
        let words = search_words(&norm);
        let mut aliases: Vec<(usize, usize, &str)> = self
            .aliases
            .keys()
            .filter_map(|name| {
                let shared = words
                    .iter()
                    .filter(|w| name.split(' ').any(|n| n == w.as_str()))
                    .count();
                // Short names are one slip from many others: one edit only.
                let near = if norm.len() <= 5 {
                    1
                } else {
                    (norm.len() / 4).min(3)
                };
                let d = if norm.len().abs_diff(name.len()) <= near {
                    edit_distance(&norm, name)
                } else {
                    usize::MAX
                };
                (shared > 0 || (d <= near && d < norm.len())).then_some((
                    usize::MAX - shared,
                    d,
                    name.as_str(),
                ))
            })
            .collect();
        aliases.sort_unstable();
        let mut out: Vec<String> = aliases
            .iter()
            .take(3)
            .map(|(_, _, name)| {
                let fs = self.sets.get(set as usize);
                let keys = self
                    .aliases
                    .get(*name)
                    .map(Vec::as_slice)
                    .unwrap_or_default();
                let hit = keys
                    .iter()
                    .find_map(|k| fs.and_then(|s| s.get(k)))
                    .map(|f| format!("{} {}", f.key, f.label()));
                let what = hit.unwrap_or_else(|| keys.first().cloned().unwrap_or_default());
                format!("{name:?} ({what})")
            })
            .collect();
        if let Some(fs) = self.sets.get(set as usize) {
            for hit in label_search(fs, &words) {
                let key = hit.split(' ').next().unwrap_or_default();
                if !out.iter().any(|o| o.contains(&format!("({key} "))) {
                    out.push(hit);
                }
            }
        }
        out
    }
}

/// Words of a name worth searching labels for: three letters or more, not filler.
fn search_words(norm: &str) -> Vec<String> {
    const FILLER: &[&str] = &["the", "and", "for", "with", "from", "total", "usage", "use"];
    let mut words: Vec<String> = norm
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() >= 3 && !FILLER.contains(w))
        .map(str::to_string)
        .collect();
    words.dedup();
    words
}

/// Memo of label searches by set (its file's digest) and words; bounded so a column of
/// distinct junk cannot grow it without end.
type SearchMemo = std::sync::Mutex<HashMap<(String, Vec<String>), Vec<String>>>;

fn search_memo() -> &'static SearchMemo {
    static MEMO: std::sync::OnceLock<SearchMemo> = std::sync::OnceLock::new();
    MEMO.get_or_init(Default::default)
}

/// The words of a set's labels, each with the published factors whose label holds it: built
/// once per set, so a label search looks words up instead of reading every label.
struct LabelIndex {
    words: HashMap<String, Vec<u32>>,
    /// The words by first letter and length, for near spellings.
    shapes: HashMap<(char, usize), Vec<String>>,
    label_len: Vec<usize>,
}

fn label_index(fs: &FactorSet) -> Arc<LabelIndex> {
    type Indexes = std::sync::Mutex<HashMap<String, Arc<LabelIndex>>>;
    static INDEXES: std::sync::OnceLock<Indexes> = std::sync::OnceLock::new();
    let all = INDEXES.get_or_init(Default::default);
    if let Some(hit) = all.lock().ok().and_then(|m| m.get(&fs.sha256).cloned()) {
        return hit;
    }
    let mut words: HashMap<String, Vec<u32>> = HashMap::new();
    let mut label_len = Vec::with_capacity(fs.factors.len());
    for (i, f) in fs.factors.iter().enumerate() {
        let label = f.label().to_lowercase();
        label_len.push(label.len());
        if f.scope == Scope::Total || f.value().is_none() {
            continue;
        }
        for w in label.split(|c: char| !c.is_alphanumeric()) {
            if w.is_empty() {
                continue;
            }
            let list = words.entry(w.to_string()).or_default();
            if list.last() != Some(&(i as u32)) {
                list.push(i as u32);
            }
        }
    }
    let mut shapes: HashMap<(char, usize), Vec<String>> = HashMap::new();
    for w in words.keys() {
        if let Some(c) = w.chars().next() {
            shapes.entry((c, w.len())).or_default().push(w.clone());
        }
    }
    let index = Arc::new(LabelIndex {
        words,
        shapes,
        label_len,
    });
    if let Ok(mut m) = all.lock() {
        m.insert(fs.sha256.clone(), index.clone());
    }
    index
}

/// Up to three published factors of `fs` whose labels hold the most of `words` (a word
/// within one edit counts, for words of five letters or more), shortest label first, as
/// `key (label, per unit)`.
fn label_search(fs: &FactorSet, words: &[String]) -> Vec<String> {
    if words.is_empty() {
        return Vec::new();
    }
    let memo_key = (fs.sha256.clone(), words.to_vec());
    if let Some(hit) = search_memo()
        .lock()
        .ok()
        .and_then(|m| m.get(&memo_key).cloned())
    {
        return hit;
    }
    let index = label_index(fs);
    let mut score: HashMap<u32, usize> = HashMap::new();
    for w in words {
        if let Some(list) = index.words.get(w) {
            for &i in list {
                *score.entry(i).or_default() += 2;
            }
            continue;
        }
        if w.len() < 5 {
            continue;
        }
        let Some(first) = w.chars().next() else {
            continue;
        };
        let mut near: Vec<u32> = (w.len() - 1..=w.len() + 1)
            .filter_map(|len| index.shapes.get(&(first, len)))
            .flatten()
            .filter(|l| edit_distance(w, l) <= 1)
            .filter_map(|l| index.words.get(l))
            .flatten()
            .copied()
            .collect();
        near.sort_unstable();
        near.dedup();
        for i in near {
            *score.entry(i).or_default() += 1;
        }
    }
    let mut scored: Vec<(usize, usize, u32)> = score
        .into_iter()
        .map(|(i, s)| (usize::MAX - s, index.label_len[i as usize], i))
        .collect();
    scored.sort_unstable();
    let found: Vec<String> = scored
        .iter()
        .take(3)
        .map(|&(_, _, i)| {
            let f = &fs.factors[i as usize];
            format!("{} ({}, per {})", f.key, f.label(), f.unit.name)
        })
        .collect();
    if let Ok(mut m) = search_memo().lock() {
        if m.len() >= 10_000 {
            m.clear();
        }
        m.insert(memo_key, found.clone());
    }
    found
}

/// Levenshtein distance, for suggestions only.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != *cb))
                .min(prev[j + 1] + 1)
                .min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

fn usable_value(fs: &FactorSet, f: &Factor) -> Result<Decimal, String> {
    if f.scope == Scope::Total {
        return Err(format!(
            "{} {} is a derived total the publisher gives for convenience; use its parts",
            fs.id(),
            f.key
        ));
    }
    f.kg_co2e.ok_or_else(|| {
        format!(
            "{} publishes no value for {} ({})",
            fs.id(),
            f.key,
            f.label()
        )
    })
}
