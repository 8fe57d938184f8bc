//! An inventory to bytes: a table in tCO2e for people, CSV for spreadsheets, and JSON with
//! exact decimal strings in kg CO2e for CI jobs (the schema is documented in the README).

use crate::model::{
    value_of, ExactSum, GroupKey, Headline, HeadlineBy, Inventory, MarketBasis, ScopeClass, Totals,
    GASES,
};
use crate::num::{display_grouped, exact_string};
use crate::report::inventory_json::{
    ActivityJson, FactorSetJson, InventoryJson, Kg, MarketBasisJson, NhsCategoryJson,
    NhsFootprintJson, Ordered, RowsJson, ScopesJson, TierJson, TotalsJson, SCHEMA,
};
use crate::report::nhs::{NhsFigures, NhsSums};
use crate::report::table::Table;
use crate::Result;
use rust_decimal::Decimal;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Arc;

/// The GHG Protocol's fifteen scope 3 categories.
pub const CATEGORY_NAMES: [&str; 15] = [
    "Purchased goods and services",
    "Capital goods",
    "Fuel- and energy-related activities",
    "Upstream transportation and distribution",
    "Waste generated in operations",
    "Business travel",
    "Employee commuting",
    "Upstream leased assets",
    "Downstream transportation and distribution",
    "Processing of sold products",
    "Use of sold products",
    "End-of-life treatment of sold products",
    "Downstream leased assets",
    "Franchises",
    "Investments",
];

/// Facts about the run that reports print beside the figures.
#[derive(Clone, Debug, Default)]
pub struct RunFacts {
    /// Factor sets used: (id, title, SHA-256 of the file).
    pub sets: Vec<(String, String, String)>,
    /// Notes to print (fallbacks taken, assumptions).
    pub notes: Vec<String>,
}

/// The headline figures as exact decimals, in kg CO2e.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Figures {
    /// Scope 1.
    pub scope_1: Decimal,
    /// Scope 2 location-based.
    pub scope_2_location: Decimal,
    /// Scope 2 market-based.
    pub scope_2_market: Decimal,
    /// Scope 3.
    pub scope_3: Decimal,
    /// Total, location-based.
    pub total_location: Decimal,
    /// Total, market-based.
    pub total_market: Decimal,
    /// Outside of scopes.
    pub outside_of_scopes: Decimal,
    /// Scope 3 by category 1..15.
    pub categories: [Decimal; 15],
}

impl Figures {
    /// Exact figures from exact sums; an error only on overflow.
    pub fn of(h: &Headline) -> Result<Figures> {
        let ov = || crate::Error::overflow(crate::Position::default(), "a total");
        let mut categories = [Decimal::ZERO; 15];
        for (c, s) in categories.iter_mut().zip(&h.categories) {
            *c = value_of(s, "a scope 3 category total")?;
        }
        Ok(Figures {
            scope_1: value_of(&h.scope_1, "the scope 1 total")?,
            scope_2_location: value_of(&h.scope_2_location, "the scope 2 total")?,
            scope_2_market: value_of(&h.scope_2_market, "the scope 2 total")?,
            scope_3: value_of(&h.scope_3, "the scope 3 total")?,
            total_location: value_of(&h.total_location().ok_or_else(ov)?, "the total")?,
            total_market: value_of(&h.total_market().ok_or_else(ov)?, "the total")?,
            outside_of_scopes: value_of(&h.outside, "the outside-of-scopes total")?,
            categories,
        })
    }

    /// The seven scope figures as inventory.json writes them.
    pub fn scopes(&self) -> ScopesJson {
        ScopesJson {
            scope_1: Kg(self.scope_1),
            scope_2_location: Kg(self.scope_2_location),
            scope_2_market: Kg(self.scope_2_market),
            scope_3: Kg(self.scope_3),
            total_location: Kg(self.total_location),
            total_market: Kg(self.total_market),
            outside_of_scopes: Kg(self.outside_of_scopes),
        }
    }

    fn named(&self) -> [(&'static str, Decimal); 7] {
        [
            ("scope_1", self.scope_1),
            ("scope_2_location", self.scope_2_location),
            ("scope_2_market", self.scope_2_market),
            ("scope_3", self.scope_3),
            ("total_location", self.total_location),
            ("total_market", self.total_market),
            ("outside_of_scopes", self.outside_of_scopes),
        ]
    }

    fn categories_json(&self) -> Ordered<Kg> {
        self.categories
            .iter()
            .enumerate()
            .map(|(i, v)| ((i + 1).to_string(), Kg(*v)))
            .collect()
    }
}

fn by<K: Ord + std::hash::Hash + Clone>(
    inv: &Inventory,
    key: impl Fn(&GroupKey) -> K,
) -> Result<BTreeMap<K, Figures>> {
    let ov = || crate::Error::overflow(crate::Position::default(), "a breakdown total");
    figures(inv.headline_by(key).ok_or_else(ov)?)
}

/// The figures of headlines by a value.
fn figures<K: Ord>(sums: BTreeMap<K, Headline>) -> Result<BTreeMap<K, Figures>> {
    sums.into_iter()
        .map(|(k, h)| Ok((k, Figures::of(&h)?)))
        .collect()
}

/// Figures per name of a grouping: the groups are summed by a key that is cheap to make and
/// compare (a shared name, a period), then by the name outputs print, so no text is made per
/// group and the names sort as text.
fn by_name<K: Ord + std::hash::Hash + Clone, N: Ord>(
    inv: &Inventory,
    key: impl Fn(&GroupKey) -> K,
    name: impl Fn(&K) -> N,
) -> Result<BTreeMap<N, Figures>> {
    let ov = || crate::Error::overflow(crate::Position::default(), "a breakdown total");
    named_figures(inv.headline_by(key).ok_or_else(ov)?, name)
}

/// The figures of headlines by a value, summed by the value's name.
fn named_figures<K, N: Ord>(
    sums: BTreeMap<K, Headline>,
    name: impl Fn(&K) -> N,
) -> Result<BTreeMap<N, Figures>> {
    let ov = || crate::Error::overflow(crate::Position::default(), "a breakdown total");
    let mut named: BTreeMap<N, Headline> = BTreeMap::new();
    for (k, h) in sums {
        named
            .entry(name(&k))
            .or_default()
            .merge(&h)
            .ok_or_else(ov)?;
    }
    named
        .into_iter()
        .map(|(n, h)| Ok((n, Figures::of(&h)?)))
        .collect()
}

/// A site's name as outputs print it.
fn site_name(site: &Arc<str>) -> String {
    site.to_string()
}

/// A period as outputs print it (empty for none).
fn period_name(p: &Option<crate::activity::Period>) -> String {
    p.map(|p| p.to_string()).unwrap_or_default()
}

/// A reporting year as outputs print it (empty for none).
fn year_name(y: &Option<crate::activity::ReportingYear>) -> String {
    y.map(|y| y.to_string()).unwrap_or_default()
}

/// One row of the by-activity breakdown.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct ActivityKey {
    set: String,
    factor: String,
    upstream_of: String,
    scope: String,
    category: Option<u8>,
}

struct ActivityRow {
    label: String,
    unit: String,
    quantity: ExactSum,
    kg: ExactSum,
    kg_market: ExactSum,
    lines: u64,
}

/// Sums by activity (set, factor, upstream factor, class), a group at a time.
#[derive(Default)]
struct ActivitySums<'a> {
    /// By shared names (no text made per group, no name's count changed), named once per
    /// activity at the end. Hashed, not ordered: the sums are exact, so the order they are
    /// made in cannot show.
    fine: rustc_hash::FxHashMap<ActivityNames<'a>, ActivitySum>,
}

/// An activity by its shared names: set, factor, upstream factor, and class.
type ActivityNames<'a> = (&'a str, &'a str, Option<&'a str>, ScopeClass);

/// An activity's quantity, kg, market kg and ledger lines.
type ActivitySum = (ExactSum, ExactSum, ExactSum, u64);

impl<'a> ActivitySums<'a> {
    /// Adds one group; `None` on overflow.
    fn add(&mut self, k: &'a GroupKey, t: &Totals) -> Option<()> {
        let key = (&*k.set, &*k.factor, k.upstream_of.as_deref(), k.class);
        let (quantity, kg, kg_market, lines) = self.fine.entry(key).or_default();
        quantity.merge(&t.quantity)?;
        kg.merge(&t.kg)?;
        kg_market.merge(t.market(k.market))?;
        *lines += t.lines;
        Some(())
    }

    /// The rows, each activity named by `describe` (set, factor) once.
    fn finish(
        self,
        describe: &dyn Fn(&str, &str) -> (String, String),
    ) -> Result<BTreeMap<ActivityKey, ActivityRow>> {
        let ov = || crate::Error::overflow(crate::Position::default(), "an activity total");
        let mut out: BTreeMap<ActivityKey, ActivityRow> = BTreeMap::new();
        for ((set, factor, upstream_of, class), (quantity, kg, kg_market, lines)) in self.fine {
            let key = ActivityKey {
                set: set.to_string(),
                factor: factor.to_string(),
                upstream_of: upstream_of.unwrap_or("").to_string(),
                scope: class.scope_str().to_string(),
                category: class.category(),
            };
            let row = out.entry(key).or_insert_with(|| {
                let (label, unit) = describe(set, factor);
                ActivityRow {
                    label,
                    unit,
                    quantity: ExactSum::ZERO,
                    kg: ExactSum::ZERO,
                    kg_market: ExactSum::ZERO,
                    lines: 0,
                }
            });
            row.quantity.merge(&quantity).ok_or_else(ov)?;
            row.kg.merge(&kg).ok_or_else(ov)?;
            row.kg_market.merge(&kg_market).ok_or_else(ov)?;
            row.lines += lines;
        }
        Ok(out)
    }
}

/// The inventory as JSON. `describe(set, key)` gives a factor's label and unit.
pub fn inventory_json(
    inv: &Inventory,
    facts: &RunFacts,
    describe: &dyn Fn(&str, &str) -> (String, String),
) -> Result<String> {
    inventory_doc(inv, facts, describe)?.to_text()
}

/// Groups from which inventory.json's breakdowns are summed on two threads: below it, a
/// thread costs more than it saves.
const TWO_THREADS_FROM: usize = 4096;

/// Scope 2 market-based kg CO2e by how it was found.
struct MarketSums {
    /// Contractual, residual mix, location fallback.
    kg: [ExactSum; 3],
    /// Lines priced by the location fallback.
    fallback_lines: u64,
}

/// The NHS figures, the by-activity rows, kg CO2e by gas and the market-based sums: the
/// breakdowns not summed by a key of the group.
type Unkeyed = (
    Headline,
    NhsFigures,
    BTreeMap<ActivityKey, ActivityRow>,
    [ExactSum; 4],
    MarketSums,
);

/// The headline and the breakdowns of [`Unkeyed`], in one pass over the groups.
fn unkeyed(inv: &Inventory, describe: &dyn Fn(&str, &str) -> (String, String)) -> Result<Unkeyed> {
    let ov = || crate::Error::overflow(crate::Position::default(), "a total");
    let mut headline = Headline::default();
    let mut nhs = NhsSums::default();
    let mut activities = ActivitySums::default();
    let mut gases = [ExactSum::ZERO; 4];
    let mut market = MarketSums {
        kg: [ExactSum::ZERO, ExactSum::ZERO, ExactSum::ZERO],
        fallback_lines: 0,
    };
    for (k, t) in &inv.groups {
        headline.add(k.class, k.market, t).ok_or_else(ov)?;
        nhs.add(k, t).ok_or_else(ov)?;
        activities.add(k, t).ok_or_else(ov)?;
        // By gas over scopes 1-3, location-based.
        if !matches!(k.class, ScopeClass::Outside | ScopeClass::NhsOnly) {
            for (a, b) in gases.iter_mut().zip(&t.gases) {
                a.merge(b).ok_or_else(ov)?;
            }
        }
        let i = match k.market {
            MarketBasis::Contractual => 0,
            MarketBasis::ResidualMix => 1,
            MarketBasis::LocationFallback => {
                market.fallback_lines += t.lines;
                2
            }
            MarketBasis::NotApplicable => continue,
        };
        market.kg[i].merge(&t.kg_market).ok_or_else(ov)?;
    }
    Ok((
        headline,
        nhs.finish()?,
        activities.finish(describe)?,
        gases,
        market,
    ))
}

/// The inventory as the typed inventory.json document.
pub fn inventory_doc(
    inv: &Inventory,
    facts: &RunFacts,
    describe: &dyn Fn(&str, &str) -> (String, String),
) -> Result<InventoryJson> {
    doc_from(inv, facts, describe, TWO_THREADS_FROM)
}

/// [`inventory_doc`], its breakdowns on two threads from `two_threads_from` groups. (The
/// second thread runs once the engine's workers are done, so a run never has more threads
/// busy than it had while reading.)
fn doc_from(
    inv: &Inventory,
    facts: &RunFacts,
    describe: &dyn Fn(&str, &str) -> (String, String),
    two_threads_from: usize,
) -> Result<InventoryJson> {
    let factor_sets = facts
        .sets
        .iter()
        .map(|(id, title, sha)| FactorSetJson {
            id: id.clone(),
            title: title.clone(),
            sha256: sha.clone(),
        })
        .collect();
    let figures_map = |m: BTreeMap<String, Figures>| -> Ordered<ScopesJson> {
        m.into_iter().map(|(k, f)| (k, f.scopes())).collect()
    };
    // The breakdowns by a key are summed on a thread of their own while this one sums the
    // rest: each is a pass over every group, and a large inventory has tens of thousands.
    let keyed = || -> Result<_> {
        // One pass over the groups for the five.
        let ov = || crate::Error::overflow(crate::Position::default(), "a breakdown total");
        let mut site = HeadlineBy::new(|k: &GroupKey| k.site.clone());
        let mut period = HeadlineBy::new(|k: &GroupKey| k.period);
        let mut year = HeadlineBy::new(|k: &GroupKey| k.reporting_year);
        let mut quality = HeadlineBy::new(|k: &GroupKey| k.quality.as_str());
        let mut nhs = HeadlineBy::new(|k: &GroupKey| k.nhs_category);
        for (k, t) in &inv.groups {
            site.add(k, t).ok_or_else(ov)?;
            period.add(k, t).ok_or_else(ov)?;
            year.add(k, t).ok_or_else(ov)?;
            quality.add(k, t).ok_or_else(ov)?;
            nhs.add(k, t).ok_or_else(ov)?;
        }
        Ok((
            named_figures(site.finish(), site_name)?,
            named_figures(period.finish(), period_name)?,
            named_figures(year.finish(), year_name)?,
            named_figures(quality.finish(), |q| q.to_string())?,
            figures(nhs.finish())?,
        ))
    };
    let (keyed, rest) = if inv.groups.len() >= two_threads_from {
        std::thread::scope(|scope| {
            let handle = scope.spawn(keyed);
            let rest = unkeyed(inv, describe);
            let keyed = handle.join().unwrap_or_else(|_| {
                Err(crate::Error::usage(
                    "internal error: a breakdown thread panicked",
                ))
            });
            (keyed, rest)
        })
    } else {
        (keyed(), unkeyed(inv, describe))
    };
    let (by_site, by_period, by_reporting_year, by_data_quality, ghg_by_nhs) = keyed?;
    let (headline, nhs, activity_rows, gases, market) = rest?;
    let total = Figures::of(&headline)?;
    let by_site = figures_map(by_site);
    let by_period = figures_map(by_period);
    let by_reporting_year = figures_map(by_reporting_year);
    let by_data_quality = figures_map(by_data_quality);
    let by_nhs_category = nhs
        .by_category
        .iter()
        .map(|(c, n)| {
            (
                c.as_str().to_string(),
                NhsCategoryJson {
                    title: c.title().to_string(),
                    nhs_footprint: c.footprint().map(|f| f.as_str().to_string()),
                    parent: c.parent().map(|p| p.as_str().to_string()),
                    kg_co2e: Kg(n.kg),
                    outside_ghg_protocol_kg_co2e: Kg(n.outside_ghg_protocol),
                    lines: n.lines,
                    scopes: ghg_by_nhs.get(c).map(Figures::scopes),
                },
            )
        })
        .collect();
    let mut by_activity = Vec::new();
    for (k, r) in activity_rows {
        by_activity.push(ActivityJson {
            factor_set: k.set,
            factor_key: k.factor,
            label: r.label,
            scope: k.scope,
            category: k.category,
            upstream_of: (!k.upstream_of.is_empty()).then_some(k.upstream_of),
            quantity: Kg(value_of(&r.quantity, "a quantity")?),
            unit: r.unit,
            kg_co2e: Kg(value_of(&r.kg, "an activity total")?),
            kg_co2e_market: Kg(value_of(&r.kg_market, "an activity total")?),
            lines: r.lines,
        });
    }
    let by_gas_kg_co2e = GASES
        .iter()
        .zip(&gases)
        .map(|(name, s)| Ok((name.to_string(), Kg(value_of(s, "a gas total")?))))
        .collect::<Result<_>>()?;
    let [contractual, residual, fallback] = &market.kg;
    Ok(InventoryJson {
        schema: SCHEMA.to_string(),
        unit: "kg CO2e".to_string(),
        factor_sets,
        rows: RowsJson {
            read: inv.rows.read,
            used: inv.rows.used,
            rejected: inv.rows.rejected,
            blank_lines_skipped: inv.rows.blank,
            spend_without_price_year: inv.rows.spend_undated,
        },
        totals_kg_co2e: TotalsJson::new(total.scopes(), total.categories_json()),
        scope_3_categories_kg_co2e: total.categories_json(),
        scope_2_market_basis: MarketBasisJson {
            contractual_kg_co2e: Kg(value_of(contractual, "a total")?),
            residual_mix_kg_co2e: Kg(value_of(residual, "a total")?),
            location_fallback_kg_co2e: Kg(value_of(fallback, "a total")?),
            location_fallback_lines: market.fallback_lines,
        },
        by_gas_kg_co2e,
        by_site,
        by_period,
        by_reporting_year,
        nhs_footprint_kg_co2e: NhsFootprintJson {
            carbon_footprint: Kg(nhs.carbon_footprint),
            footprint_plus: Kg(nhs.footprint_plus),
            outside_nhs_footprints: Kg(nhs.outside_nhs_footprints),
            outside_ghg_protocol: Kg(nhs.outside_ghg_protocol),
            ghg_protocol_total: Kg(nhs.ghg_protocol_total),
        },
        by_nhs_category,
        by_data_quality,
        by_tier: by_tier_json(inv)?,
        by_activity,
        notes: facts.notes.clone(),
    })
}

/// One tier's figures: kg CO2e of every line in scopes 1-3 (location-based) and GBP spend of
/// spend rows, with each as a share of the whole.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TierFigures {
    /// The tier.
    pub tier: crate::model::Quality,
    /// kg CO2e.
    pub kg: Decimal,
    /// Percent of all kg CO2e.
    pub kg_share: Decimal,
    /// GBP spend (nominal, as the rows give it).
    pub spend: Decimal,
    /// Percent of all GBP spend.
    pub spend_share: Decimal,
}

/// Emissions and spend by tier, all four tiers in order; the shares of each add to exactly
/// 100 (see `supply::shares`), or are all zero when there is nothing to share.
pub fn by_tier(inv: &Inventory) -> Result<Vec<TierFigures>> {
    use crate::supply::metrics::TIERS;
    let ov = || crate::Error::overflow(crate::Position::default(), "a tier total");
    let mut kg = [ExactSum::ZERO; 4];
    for (k, t) in &inv.groups {
        if matches!(
            k.class,
            crate::model::ScopeClass::Outside | crate::model::ScopeClass::NhsOnly
        ) {
            continue;
        }
        if let Some(i) = TIERS.iter().position(|q| *q == k.quality) {
            kg[i].merge(&t.kg).ok_or_else(ov)?;
        }
    }
    let kg: Vec<Decimal> = kg
        .iter()
        .map(|s| value_of(s, "a tier total"))
        .collect::<Result<_>>()?;
    let spend: Vec<Decimal> = TIERS
        .iter()
        .map(|q| {
            inv.supply.tiers.get(q).map_or(Ok(Decimal::ZERO), |t| {
                value_of(&t.spend_gbp, "a tier total")
            })
        })
        .collect::<Result<_>>()?;
    let kg_shares = crate::supply::shares(&kg).ok_or_else(ov)?;
    let spend_shares = crate::supply::shares(&spend).ok_or_else(ov)?;
    Ok((0..TIERS.len())
        .map(|i| TierFigures {
            tier: TIERS[i],
            kg: kg[i],
            kg_share: kg_shares[i],
            spend: spend[i],
            spend_share: spend_shares[i],
        })
        .collect())
}

fn by_tier_json(inv: &Inventory) -> Result<Ordered<TierJson>> {
    Ok(by_tier(inv)?
        .into_iter()
        .map(|t| {
            (
                t.tier.as_str().to_string(),
                TierJson {
                    kg_co2e: Kg(t.kg),
                    emissions_share_percent: Kg(t.kg_share),
                    spend_gbp: Kg(t.spend),
                    spend_share_percent: Kg(t.spend_share),
                },
            )
        })
        .collect())
}

/// kg to tonnes, exactly.
fn tonnes(kg: Decimal) -> Decimal {
    let mut t = kg;
    // Dividing by 1000 moves the decimal point; the scale has room unless already at 28.
    if t.set_scale(t.scale() + 3).is_err() {
        t = kg / Decimal::ONE_THOUSAND;
    }
    t
}

fn t2(kg: Decimal) -> String {
    display_grouped(tonnes(kg), 2)
}

/// The inventory as a table for people, in tCO2e to two places.
pub fn inventory_table(inv: &Inventory, facts: &RunFacts) -> Result<String> {
    let ov = || crate::Error::overflow(crate::Position::default(), "a total");
    let f = Figures::of(&inv.headline().ok_or_else(ov)?)?;
    let mut rows: Vec<(String, String)> = vec![
        ("Scope 1".into(), t2(f.scope_1)),
        ("Scope 2 (location-based)".into(), t2(f.scope_2_location)),
        ("Scope 2 (market-based)".into(), t2(f.scope_2_market)),
        ("Scope 3".into(), t2(f.scope_3)),
    ];
    for (i, v) in f.categories.iter().enumerate() {
        if !v.is_zero() {
            rows.push((format!("  {:>2} {}", i + 1, CATEGORY_NAMES[i]), t2(*v)));
        }
    }
    rows.push(("Total (location-based)".into(), t2(f.total_location)));
    rows.push(("Total (market-based)".into(), t2(f.total_market)));
    if !f.outside_of_scopes.is_zero() {
        rows.push((
            "Outside of scopes (biogenic CO2)".into(),
            t2(f.outside_of_scopes),
        ));
    }
    let mut out = String::new();
    let sets: Vec<&str> = facts.sets.iter().map(|(id, _, _)| id.as_str()).collect();
    let sets = if sets.is_empty() {
        "none used".to_string()
    } else {
        sets.join(", ")
    };
    let _ = writeln!(out, "Greenhouse gas inventory, tCO2e (factor sets: {sets})");
    let _ = writeln!(
        out,
        "Rows: {} read, {} used, {} rejected\n",
        inv.rows.read, inv.rows.used, inv.rows.rejected
    );
    let mut headline = Table::figures(2);
    for (l, v) in rows {
        headline.row([l, v]);
    }
    out.push_str(&headline.render());
    let sites = by_name(inv, |k| k.site.clone(), site_name)?;
    if sites.len() > 1 || sites.keys().any(|s| !s.is_empty()) {
        breakdown_table(&mut out, "site", "(no site)", &sites);
    }
    let nhs = NhsFigures::of(inv)?;
    let _ = writeln!(out, "\nNHS footprints (location-based), tCO2e");
    let mut table = Table::figures(3).with_row([
        "NHS category".to_string(),
        "footprint".into(),
        "tCO2e".into(),
    ]);
    for (c, n) in &nhs.by_category {
        table.row([
            c.title().to_string(),
            c.footprint().map_or("neither", |f| f.as_str()).to_string(),
            t2(n.kg),
        ]);
    }
    for (name, v) in [
        ("NHS Carbon Footprint", nhs.carbon_footprint),
        (
            "Footprint Plus beyond the Carbon Footprint",
            nhs.footprint_plus,
        ),
        ("Outside both NHS footprints", nhs.outside_nhs_footprints),
    ] {
        table.row([name.to_string(), String::new(), t2(v)]);
    }
    if !nhs.outside_ghg_protocol.is_zero() {
        table.row([
            "of which outside the GHG Protocol scopes".to_string(),
            String::new(),
            t2(nhs.outside_ghg_protocol),
        ]);
    }
    out.push_str(&table.render());
    let years = by_name(inv, |k| k.reporting_year, year_name)?;
    if years.len() > 1 {
        breakdown_table(&mut out, "reporting year", "(no period)", &years);
    }
    if !inv.supply.tiers.is_empty() {
        let _ = writeln!(out, "\nBy data-quality tier");
        let mut table = Table::figures(5).with_row([
            "tier".to_string(),
            "tCO2e".into(),
            "% of emissions".into(),
            "spend GBP".into(),
            "% of spend".into(),
        ]);
        for t in by_tier(inv)? {
            table.row([
                t.tier.as_str().to_string(),
                t2(t.kg),
                display_grouped(t.kg_share, 1),
                display_grouped(t.spend, 0),
                display_grouped(t.spend_share, 1),
            ]);
        }
        out.push_str(&table.render());
    }
    // Rounded parts need not add up to the rounded total; say so rather than adjust.
    let parts = [f.scope_1, f.scope_2_location, f.scope_3]
        .iter()
        .map(|v| crate::num::round_for_display(tonnes(*v), 2))
        .fold(Decimal::ZERO, |a, b| a + b);
    if parts != crate::num::round_for_display(tonnes(f.total_location), 2) {
        let _ = writeln!(
            out,
            "\nFigures are rounded separately, so they may not add up to the totals."
        );
    }
    for n in &facts.notes {
        let _ = writeln!(out, "note: {n}");
    }
    Ok(out)
}

/// The inventory as CSV: one row per breakdown entry, exact kg CO2e.
pub fn inventory_csv(inv: &Inventory) -> Result<String> {
    let ov = || crate::Error::overflow(crate::Position::default(), "a total");
    let mut w = csv::Writer::from_writer(Vec::new());
    let header = [
        "breakdown",
        "name",
        "scope_1",
        "scope_2_location",
        "scope_2_market",
        "scope_3",
        "total_location",
        "total_market",
        "outside_of_scopes",
    ];
    let err = |e: csv::Error| crate::Error::usage(format!("writing CSV: {e}"));
    w.write_record(header).map_err(err)?;
    let mut put = |breakdown: &str, name: &str, f: &Figures| -> Result<()> {
        let mut rec = vec![breakdown.to_string(), name.to_string()];
        rec.extend(f.named().iter().map(|(_, v)| exact_string(*v)));
        w.write_record(&rec).map_err(err)
    };
    put("total", "", &Figures::of(&inv.headline().ok_or_else(ov)?)?)?;
    for (c, f) in by(inv, |k| k.class.category())? {
        if let Some(c) = c {
            put(
                "scope_3_category",
                &format!("{c} {}", CATEGORY_NAMES[usize::from(c) - 1]),
                &f,
            )?;
        }
    }
    for (s, f) in by_name(inv, |k| k.site.clone(), site_name)? {
        put("site", &s, &f)?;
    }
    for (p, f) in by_name(inv, |k| k.period, period_name)? {
        put("period", &p, &f)?;
    }
    for (y, f) in by_name(inv, |k| k.reporting_year, year_name)? {
        put("reporting_year", &y, &f)?;
    }
    for (c, f) in by(inv, |k| k.nhs_category)? {
        put("nhs_category", c.as_str(), &f)?;
    }
    for (q, f) in by(inv, |k| k.quality.as_str())? {
        put("data_quality", q, &f)?;
    }
    for (a, f) in by_name(
        inv,
        |k| (k.set.clone(), k.factor.clone()),
        |(set, factor)| format!("{set}/{factor}"),
    )? {
        put("activity", &a, &f)?;
    }
    let bytes = w
        .into_inner()
        .map_err(|e| crate::Error::usage(e.to_string()))?;
    String::from_utf8(bytes).map_err(|e| crate::Error::usage(e.to_string()))
}

/// One breakdown (by site, by reporting year) as a right-aligned table of its scope totals:
/// a heading, then a row per key, `empty` standing for the rows that have no key.
fn breakdown_table(out: &mut String, name: &str, empty: &str, rows: &BTreeMap<String, Figures>) {
    let _ = writeln!(out, "\nBy {name}, tCO2e");
    let mut table = Table::figures(6).with_row([
        name.to_string(),
        "scope 1".into(),
        "scope 2 (loc)".into(),
        "scope 2 (mkt)".into(),
        "scope 3".into(),
        "total (loc)".into(),
    ]);
    for (k, f) in rows {
        table.row([
            if k.is_empty() {
                empty.to_string()
            } else {
                k.clone()
            },
            t2(f.scope_1),
            t2(f.scope_2_location),
            t2(f.scope_2_market),
            t2(f.scope_3),
            t2(f.total_location),
        ]);
    }
    out.push_str(&table.render());
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::run::{Run, RunOptions};

    /// On one thread or two, inventory.json is the same bytes: over sites, months, scopes,
    /// categories and NHS categories, with contractual and residual-mix market-based lines.
    #[test]
    fn breakdowns_on_two_threads_are_the_one_thread_breakdowns() {
        let dir = tempfile::tempdir().unwrap();
        let csv = dir.path().join("a.csv");
        let mut text = String::from("site,period,activity,quantity,unit,market_factor\n");
        let activities = [
            ("1_100_1004_6", "kWh"),
            ("1_101_1011_8", "litres"),
            ("7_400_4000_5", "kWh"),
            ("17_404_4005_1", "cubic metres"),
        ];
        for site in 0..120 {
            for month in 1..=12 {
                for (i, (activity, unit)) in activities.iter().enumerate() {
                    let market = if i == 2 && site % 3 == 0 { "0.1" } else { "" };
                    text.push_str(&format!(
                        "S{site:03},2024-{month:02},{activity},{}.{i}5,{unit},{market}\n",
                        100 + site * month
                    ));
                }
            }
        }
        std::fs::write(&csv, text).unwrap();
        let run = Run {
            options: RunOptions {
                factors: Some("tests/fixtures/factors/mini-desnz-2025.toml".into()),
                fallback_factors: vec![],
                residual_mix: Some("0.3".into()),
                ..RunOptions::default()
            },
            inputs: vec![csv],
            threads: 2,
        };
        let out = run.execute().unwrap();
        assert!(out.inventory.groups.len() >= TWO_THREADS_FROM);
        let describe = |_: &str, _: &str| (String::new(), String::new());
        let one = doc_from(&out.inventory, &out.facts, &describe, usize::MAX).unwrap();
        let two = doc_from(&out.inventory, &out.facts, &describe, 0).unwrap();
        assert_eq!(one.to_text().unwrap(), two.to_text().unwrap());
        assert_eq!(one.by_site.0.len(), 120);
        assert_eq!(one.by_period.0.len(), 12);
        let basis = &one.scope_2_market_basis;
        assert!(!basis.contractual_kg_co2e.0.is_zero() && !basis.residual_mix_kg_co2e.0.is_zero());
    }
}
