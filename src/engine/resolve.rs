//! From what a row names (activity, unit, period) to the factor it uses, the exact conversion
//! into the factor's unit, and the upstream factors that go with it. Resolved once per distinct
//! (activity, unit, edition), not per row.

use crate::activity::Period;
use crate::factors::{Factor, FactorSet, Scope, SetKind};
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
    /// The DESNZ edition of each row's period start year; rows without a period, or with a
    /// year past the newest edition, use the newest; years before the oldest are rejected.
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
    /// Sets searched after the activity set, in order, by index into `sets` (`--spend-factors`:
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
        }
    }

    /// The set index for a row's period, or why none applies.
    pub fn activity_set(&self, period: Option<Period>) -> Result<u16, String> {
        match &self.edition {
            Edition::Fixed(i) => Ok(*i),
            Edition::ByPeriod(by_year) => {
                let newest = by_year
                    .iter()
                    .next_back()
                    .map(|(_, i)| *i)
                    .ok_or_else(|| "no DESNZ factor set is available".to_string())?;
                let Some(p) = period else {
                    return Ok(newest);
                };
                let y = p.start_year();
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

    /// Looks up an activity in the row's set, then in the spend sets; aliases first. Where an
    /// alias names several factors (desflurane per kg, per litre, per bottle), the row's unit
    /// picks: the first in the unit itself, else the first it converts to, else the first.
    pub fn find(&self, set: u16, activity: &str, unit: Option<&Unit>) -> Option<FactorRef> {
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
            let set_name = self.sets.get(set as usize).map_or("", |s| s.id());
            // An alias whose keys resolve nowhere: the alias table needs fixing, not the row
            // (suggesting the alias's own name back would send the user in a circle).
            if let Some(keys) = self
                .aliases
                .get(&crate::factors::tables::normalise_name(activity))
            {
                return Err(blame(
                    Blame::Activity,
                    format!(
                    "alias {activity:?} stands for {}, and {set_name}{} has no factor with that \
                     key; correct the alias's key, or price the row with a set that has it",
                    keys.iter().map(|k| format!("{k:?}")).collect::<Vec<_>>().join(" or "),
                    if self.spend.is_empty() { "" } else { " or the spend sets" },
                ),
                ));
            }
            let hint = self.suggest(set, activity);
            return Err(blame(Blame::Activity, format!(
                "unknown activity {activity:?}: not a factor key, publisher ID or alias in {set_name}{}{}",
                if self.spend.is_empty() { "" } else { " or the spend sets" },
                if hint.is_empty() { String::new() } else { format!("; did you mean {}?", hint.join(", ")) }
            )));
        };
        let f = self.factor(fref);
        let fs = self.set(fref);
        let value = usable_value(fs, f).map_err(|r| blame(Blame::Activity, r))?;
        let unit = row_unit.ok_or_else(|| {
            blame(
                Blame::Unit,
                format!("unknown unit {unit_text:?}; expected a unit such as kWh, litres, km, tonnes or GBP"),
            )
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
        })
    }
}

impl Resolver {
    /// Up to three aliases or keys close to a mistyped activity.
    fn suggest(&self, set: u16, activity: &str) -> Vec<String> {
        // Edit distance costs length squared: nothing near a key is this long anyway.
        if activity.chars().count() > 100 {
            return Vec::new();
        }
        let a = activity.to_lowercase();
        let mut scored: Vec<(usize, String)> = self
            .aliases
            .keys()
            .map(|k| (edit_distance(&a, k), format!("{k:?}")))
            .filter(|(d, _)| *d <= 2.max(a.len() / 4))
            .collect();
        if let Some(fs) = self.sets.get(set as usize) {
            scored.extend(
                fs.factors
                    .iter()
                    .map(|f| (edit_distance(activity, &f.key), format!("{:?}", f.key)))
                    .filter(|(d, _)| *d <= 2),
            );
        }
        scored.sort();
        scored.dedup_by(|x, y| x.1 == y.1);
        scored.into_iter().take(3).map(|(_, s)| s).collect()
    }
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
