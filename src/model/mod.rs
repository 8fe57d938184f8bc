//! Ledger lines summed into an inventory: totals by GHG Protocol scope (scope 2 both location-
//! and market-based) and scope 3 category, and breakdowns by site, period, activity and gas.
//! Partial inventories merge exactly, so chunks, files and whole runs can be combined in any
//! grouping and give the same figures.

pub mod groups;
pub mod ledger;
pub mod sum;

use crate::activity::{Period, ReportingYear};
use crate::nhs::{NhsCategory, NhsFootprint};
pub use groups::Groups;
use rust_decimal::Decimal;
use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;
pub use sum::ExactSum;

/// Where a ledger line counts in the GHG Protocol.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ScopeClass {
    /// Scope 1.
    One,
    /// Scope 2 (location- and market-based figures both kept on the line).
    Two,
    /// Scope 3 with its category, 1 to 15.
    Three(u8),
    /// Outside of scopes (biogenic CO2), reported beside the totals, never in them.
    Outside,
    /// Outside the organisation's GHG Protocol scopes but counted in an NHS footprint
    /// (patient and visitor travel, inhaler use): reported apart, never in the GHG totals.
    NhsOnly,
}

impl ScopeClass {
    /// The NHS footprint a line of this class and NHS category counts to: none for biogenic
    /// CO2 (outside every total) or a category outside both footprints.
    pub fn nhs_footprint(self, category: NhsCategory) -> Option<NhsFootprint> {
        match self {
            ScopeClass::Outside => None,
            _ => category.footprint(),
        }
    }

    /// `1`, `2`, `3`, `outside`.
    pub fn scope_str(self) -> &'static str {
        match self {
            ScopeClass::One => "1",
            ScopeClass::Two => "2",
            ScopeClass::Three(_) => "3",
            ScopeClass::Outside => "outside",
            ScopeClass::NhsOnly => "nhs-only",
        }
    }

    /// The scope 3 category, if any.
    pub fn category(self) -> Option<u8> {
        match self {
            ScopeClass::Three(c) => Some(c),
            _ => None,
        }
    }
}

/// How good the data behind a line is: the factor set's data-quality type.
pub use crate::factors::DataQuality as Quality;

/// How a scope 2 line's market-based figure was found.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum MarketBasis {
    /// Not a scope 2 line: market equals location.
    NotApplicable,
    /// The row's contractual `market_factor`.
    Contractual,
    /// No contractual factor: a residual-mix factor (`--residual-mix`, or a factor keyed
    /// `residual-mix` in the row's set).
    ResidualMix,
    /// No contractual factor or residual mix: the location-based factor, flagged.
    LocationFallback,
}

impl MarketBasis {
    /// The spelling used in outputs.
    pub fn as_str(self) -> &'static str {
        match self {
            MarketBasis::NotApplicable => "",
            MarketBasis::Contractual => "contractual",
            MarketBasis::ResidualMix => "residual-mix",
            MarketBasis::LocationFallback => "location-fallback",
        }
    }
}

/// The finest grouping an inventory keeps; every breakdown is a sum over these.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct GroupKey {
    /// Scope and category.
    pub class: ScopeClass,
    /// Site as written on the rows (empty when not given).
    pub site: Arc<str>,
    /// Period, if given.
    pub period: Option<Period>,
    /// Reporting year: `--year`, or the NHS financial year (calendar year for a row dated by
    /// year) the period falls in; `None` for rows without a period and no `--year`.
    pub reporting_year: Option<ReportingYear>,
    /// NHS category (its footprint follows from it, except for biogenic lines: none).
    pub nhs_category: NhsCategory,
    /// Factor set id.
    pub set: Arc<str>,
    /// Factor key.
    pub factor: Arc<str>,
    /// For an upstream line: the key of the factor it is upstream of.
    pub upstream_of: Option<Arc<str>>,
    /// Data-quality tier.
    pub quality: Quality,
    /// Market-based basis for scope 2.
    pub market: MarketBasis,
}

/// Sums kept per group, every one exact.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Totals {
    /// kg CO2e (location-based for scope 2).
    pub kg: ExactSum,
    /// kg CO2e, market-based; kept for scope 2 groups only (see [`Totals::market`]).
    pub kg_market: ExactSum,
    /// kg CO2e by gas: CO2, CH4, N2O, and the part the factor does not split by gas.
    pub gases: [ExactSum; 4],
    /// Activity in the factor's unit.
    pub quantity: ExactSum,
    /// Ledger lines.
    pub lines: u64,
}

/// Gas names in the order of [`Totals::gases`].
pub const GASES: [&str; 4] = ["co2", "ch4", "n2o", "not_split_by_gas"];

impl Totals {
    /// The market-based figure: the scope 2 market sum, or the location figure elsewhere.
    pub fn market(&self, market: MarketBasis) -> &ExactSum {
        match market {
            MarketBasis::NotApplicable => &self.kg,
            _ => &self.kg_market,
        }
    }

    /// Adds another group's totals.
    pub fn merge(&mut self, o: &Totals) -> Option<()> {
        self.kg.merge(&o.kg)?;
        self.kg_market.merge(&o.kg_market)?;
        for (a, b) in self.gases.iter_mut().zip(&o.gases) {
            a.merge(b)?;
        }
        self.quantity.merge(&o.quantity)?;
        self.lines += o.lines;
        Some(())
    }
}

/// Row counts: every row read is used or rejected.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RowCounts {
    /// Data rows read (header rows excluded).
    pub read: u64,
    /// Rows that produced ledger lines.
    pub used: u64,
    /// Rows rejected with a reason.
    pub rejected: u64,
    /// Lines with no text in any field (`,,,` as spreadsheets export), not counted as rows.
    pub blank: u64,
    /// Spend rows with neither price_year nor period, taken to be in the factor's prices.
    pub spend_undated: u64,
}

impl RowCounts {
    /// Adds another part's counts (every field: a new one must be added here to compile).
    pub fn add(&mut self, o: &RowCounts) {
        let RowCounts {
            read,
            used,
            rejected,
            blank,
            spend_undated,
        } = *o;
        self.read += read;
        self.used += used;
        self.rejected += rejected;
        self.blank += blank;
        self.spend_undated += spend_undated;
    }
}

/// A rejected row.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Reject {
    /// Input file.
    pub file: String,
    /// Line in the file, from 1.
    pub line: u64,
    /// Column (field number) from 1; 0 for the row as a whole.
    pub column: u64,
    /// The offending value.
    pub value: String,
    /// Why, and what was expected.
    pub reason: String,
}

impl fmt::Display for Reject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let at = crate::activity::workbook::location(&self.file, self.line, self.column);
        write!(f, "{at}: {}", self.reason)?;
        if !self.value.is_empty() {
            write!(f, " (value {:?})", self.value)?;
        }
        Ok(())
    }
}

/// An inventory, or a part of one.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Inventory {
    /// Totals per group.
    pub groups: Groups,
    /// Row counts.
    pub rows: RowCounts,
    /// Spend rows summed by supplier and tier, for the supply-chain views.
    pub supply: crate::supply::SupplyTotals,
}

/// The headline figures, in kg CO2e.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Headline {
    /// Scope 1.
    pub scope_1: ExactSum,
    /// Scope 2, location-based.
    pub scope_2_location: ExactSum,
    /// Scope 2, market-based.
    pub scope_2_market: ExactSum,
    /// Scope 3.
    pub scope_3: ExactSum,
    /// Scope 3 by category (index 0 is category 1).
    pub categories: [ExactSum; 15],
    /// Outside of scopes.
    pub outside: ExactSum,
    /// Counted for the NHS only, outside the organisation's GHG Protocol scopes.
    pub nhs_only: ExactSum,
}

impl Headline {
    /// Scopes 1 + 2 (location) + 3.
    pub fn total_location(&self) -> Option<ExactSum> {
        let mut t = self.scope_1.clone();
        t.merge(&self.scope_2_location)?;
        t.merge(&self.scope_3)?;
        Some(t)
    }

    /// Scopes 1 + 2 (market) + 3.
    pub fn total_market(&self) -> Option<ExactSum> {
        let mut t = self.scope_1.clone();
        t.merge(&self.scope_2_market)?;
        t.merge(&self.scope_3)?;
        Some(t)
    }

    /// Adds another headline's figures, each to its own.
    pub fn merge(&mut self, o: &Headline) -> Option<()> {
        self.scope_1.merge(&o.scope_1)?;
        self.scope_2_location.merge(&o.scope_2_location)?;
        self.scope_2_market.merge(&o.scope_2_market)?;
        self.scope_3.merge(&o.scope_3)?;
        for (a, b) in self.categories.iter_mut().zip(&o.categories) {
            a.merge(b)?;
        }
        self.outside.merge(&o.outside)?;
        self.nhs_only.merge(&o.nhs_only)
    }

    /// Adds one group's totals in its place.
    pub fn add(&mut self, class: ScopeClass, market: MarketBasis, t: &Totals) -> Option<()> {
        match class {
            ScopeClass::One => self.scope_1.merge(&t.kg),
            ScopeClass::Two => {
                self.scope_2_location.merge(&t.kg)?;
                self.scope_2_market.merge(t.market(market))
            }
            ScopeClass::Three(c) => {
                self.scope_3.merge(&t.kg)?;
                let i = usize::from(c.clamp(1, 15)) - 1;
                self.categories[i].merge(&t.kg)
            }
            ScopeClass::Outside => self.outside.merge(&t.kg),
            ScopeClass::NhsOnly => self.nhs_only.merge(&t.kg),
        }
    }
}

impl Inventory {
    /// Adds a partial inventory; `None` on overflow.
    pub fn merge(&mut self, other: Inventory) -> Option<()> {
        self.rows.add(&other.rows);
        self.supply.merge(other.supply)?;
        self.groups.merge(other.groups)
    }

    /// Headline totals of the groups `keep` selects.
    pub fn headline_where(&self, keep: impl Fn(&GroupKey) -> bool) -> Option<Headline> {
        let mut h = Headline::default();
        for (k, t) in &self.groups {
            if keep(k) {
                h.add(k.class, k.market, t)?;
            }
        }
        Some(h)
    }

    /// Headline totals of the whole inventory.
    pub fn headline(&self) -> Option<Headline> {
        self.headline_where(|_| true)
    }

    /// Headline totals per value of a grouping (site, period, activity ...), in key order.
    pub fn headline_by<K: Ord + std::hash::Hash + Clone>(
        &self,
        key: impl Fn(&GroupKey) -> K,
    ) -> Option<BTreeMap<K, Headline>> {
        let mut by = HeadlineBy::new(key);
        for (k, t) in &self.groups {
            by.add(k, t)?;
        }
        Some(by.finish())
    }
}

/// Headline totals per value of a grouping, summed a group at a time: several of them are
/// summed in one pass over the groups (a pass over tens of thousands of groups costs about
/// what reading them from memory does).
pub struct HeadlineBy<K, F> {
    key: F,
    index: rustc_hash::FxHashMap<K, usize>,
    sums: Vec<(K, Headline)>,
    /// The last value and its place: groups come in key order (class, site, period ...), so
    /// a value's groups often come together (a site's, above all), and its place is looked
    /// up once a run.
    last: Option<(K, usize)>,
}

impl<K: Ord + std::hash::Hash + Clone, F: Fn(&GroupKey) -> K> HeadlineBy<K, F> {
    /// Empty sums by the value `key` gives.
    pub fn new(key: F) -> Self {
        HeadlineBy {
            key,
            index: Default::default(),
            sums: Vec::new(),
            last: None,
        }
    }

    /// Adds one group; `None` on overflow.
    pub fn add(&mut self, k: &GroupKey, t: &Totals) -> Option<()> {
        let value = (self.key)(k);
        let i = match &self.last {
            Some((v, i)) if *v == value => *i,
            _ => {
                let sums = &mut self.sums;
                let i = *self.index.entry(value.clone()).or_insert_with(|| {
                    sums.push((value.clone(), Headline::default()));
                    sums.len() - 1
                });
                self.last = Some((value, i));
                i
            }
        };
        self.sums[i].1.add(k.class, k.market, t)
    }

    /// The sums, in value order.
    pub fn finish(self) -> BTreeMap<K, Headline> {
        self.sums.into_iter().collect()
    }
}

/// An exact sum as a decimal, or an overflow error naming what overflowed.
pub fn value_of(s: &ExactSum, what: &str) -> crate::Result<Decimal> {
    s.value()
        .ok_or_else(|| crate::Error::overflow(crate::Position::default(), what.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::activity::Period;

    /// Groups of three sites, twelve months and three classes, with scope 2 market figures.
    fn inventory() -> Inventory {
        let mut inv = Inventory::default();
        let classes = [ScopeClass::One, ScopeClass::Two, ScopeClass::Three(6)];
        for (c, class) in classes.into_iter().enumerate() {
            for site in ["A", "B", "C"] {
                for month in 1..=12u32 {
                    let n = Decimal::from(month * 7 + c as u32 * 100) / Decimal::from(8);
                    let market = match class {
                        ScopeClass::Two => MarketBasis::ResidualMix,
                        _ => MarketBasis::NotApplicable,
                    };
                    let key = GroupKey {
                        class,
                        site: site.into(),
                        period: Period::parse(&format!("2025-{month:02}")),
                        reporting_year: None,
                        nhs_category: crate::nhs::NhsCategory::EnergyWttTd,
                        set: "s".into(),
                        factor: "f".into(),
                        upstream_of: None,
                        quality: Quality::AverageData,
                        market,
                    };
                    let t = Totals {
                        kg: ExactSum::of(n),
                        kg_market: ExactSum::of(n * Decimal::from(3)),
                        lines: 1,
                        ..Totals::default()
                    };
                    inv.groups.insert(key, t);
                }
            }
        }
        inv
    }

    /// A group at a time into the map: what `headline_by` sums by runs.
    fn one_by_one<K: Ord>(inv: &Inventory, key: impl Fn(&GroupKey) -> K) -> BTreeMap<K, Headline> {
        let mut out: BTreeMap<K, Headline> = BTreeMap::new();
        for (k, t) in &inv.groups {
            out.entry(key(k))
                .or_default()
                .add(k.class, k.market, t)
                .unwrap();
        }
        out
    }

    #[test]
    fn headlines_by_a_value_are_the_headlines_summed_group_by_group() {
        let inv = inventory();
        // Sites come in long runs, months in runs of one, classes in one run each.
        let by_site = inv.headline_by(|k| k.site.clone()).unwrap();
        assert_eq!(by_site, one_by_one(&inv, |k| k.site.clone()));
        let by_period = inv.headline_by(|k| k.period).unwrap();
        assert_eq!(by_period, one_by_one(&inv, |k| k.period));
        assert_eq!(by_period.len(), 12);
        let by_class = inv.headline_by(|k| k.class).unwrap();
        assert_eq!(by_class, one_by_one(&inv, |k| k.class));
        // March at every site: scope 1 3 x 21/8, scope 2 3 x 121/8 and x3 market-based.
        let march = &by_period[&Period::parse("2025-03")];
        assert_eq!(march.scope_1.value(), Some(Decimal::new(7875, 3)));
        assert_eq!(march.scope_2_market.value(), Some(Decimal::new(136125, 3)));
    }
}
