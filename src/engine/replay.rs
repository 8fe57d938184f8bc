//! Ledger lines back into group sums, through the same arithmetic and the same accumulation
//! as the run that wrote them: how `ghg merge` combines runs over disjoint inputs into exactly
//! the figures one run over all of them gives.

use super::amounts::{line_amounts, Deflation};
use super::apply::{Line, Work};
use super::resolve::{Applied, FactorRef, Resolver};
use crate::activity::{Period, ReportingYear};
use crate::model::ledger::LedgerLine;
use crate::model::{MarketBasis, Quality, ScopeClass};
use crate::nhs::NhsCategory;
use crate::supply::{SupplyTotals, METHOD_ACTIVITY, METHOD_HYBRID_UPSTREAM};
use crate::units::{conversion, parse_unit};
use crate::{Error, Position, Result};
use rust_decimal::Decimal;

/// Adds ledger lines to a worker's group sums, recomputing each line's gases (which the
/// ledger does not carry) from its factor and checking its kg CO2e against the ledger. With a
/// supplier register (`resolver.supply`), it also sums spend rows by supplier and tier, as
/// the engine does for procurement.json.
pub struct Replay<'a> {
    work: Work<'a>,
    supply: SupplyTotals,
    /// The spend row whose lines are being read, until the next row's first line.
    row: Option<SpendRow>,
    /// Input file and line of the row whose lines are being read (spend or not).
    row_at: Option<(String, u64)>,
}

/// A spend row's part of [`SupplyTotals`], gathered over its ledger lines.
struct SpendRow {
    /// Register index, or the row's `supplier` text.
    who: std::result::Result<u32, String>,
    tier: Quality,
    quantity: Decimal,
    gbp: bool,
    /// kg CO2e of its lines in scopes 1-3.
    kg: Decimal,
}

impl<'a> Replay<'a> {
    /// An empty replay over the sets of `resolver` (the sets the runs used).
    pub fn new(resolver: &'a Resolver) -> Self {
        Replay {
            work: Work::new(resolver, false),
            supply: SupplyTotals::default(),
            row: None,
            row_at: None,
        }
    }

    /// Adds one ledger line; `name` names the ledger in errors.
    pub fn add(&mut self, name: &str, l: &LedgerLine) -> Result<()> {
        let resolver = self.work.resolver;
        let here = |what: String| Error::malformed(Position::new(name, l.ledger_line, 0), what);
        // A line priced from a supplier's own figures (--suppliers) stands in for the row's
        // spend factor: its group is that factor's, and it adds the quantity that factor
        // sees, which the ledger records beside it.
        let own = l.factor_set == crate::supply::SUPPLIER_SET;
        let (set_id, key) = if own {
            if l.spend_factor_key.is_empty() || l.spend_quantity.is_none() {
                return Err(here(format!(
                    "line priced from supplier {:?}'s own figures (--suppliers) names no spend \
                     factor: the ledger was written by an older ghg; re-run the part with this one",
                    l.factor_key
                )));
            }
            (l.spend_factor_set.as_str(), l.spend_factor_key.as_str())
        } else {
            (l.factor_set.as_str(), l.factor_key.as_str())
        };
        let set = resolver
            .sets
            .iter()
            .position(|s| s.id() == set_id)
            .ok_or_else(|| here(format!("factor set {set_id:?} is not among the runs' sets")))?;
        let fs = resolver.sets[set].get().map_err(|e| here(e.to_string()))?;
        let index = |key: &str| -> Result<FactorRef> {
            let i = fs
                .index_of(key)
                .ok_or_else(|| here(format!("{} has no factor {key:?}", fs.id())))?;
            Ok(FactorRef {
                set: set as u16,
                index: i as u32,
            })
        };
        let factor = index(key)?;
        let upstream_of = match l.upstream_of.as_str() {
            "" => None,
            k => Some(index(k)?),
        };
        let f = &fs.factors[factor.index as usize];
        let class = match (l.scope.as_str(), l.category) {
            ("1", _) => ScopeClass::One,
            ("2", _) => ScopeClass::Two,
            ("3", Some(c)) => ScopeClass::Three(c),
            ("outside", _) => ScopeClass::Outside,
            ("nhs-only", _) => ScopeClass::NhsOnly,
            (s, _) => {
                return Err(here(format!(
                    "scope {s:?} is not 1, 2, 3 with a category, outside or nhs-only"
                )))
            }
        };
        let market = match l.market_basis.as_str() {
            "" => MarketBasis::NotApplicable,
            "contractual" => MarketBasis::Contractual,
            "residual-mix" => MarketBasis::ResidualMix,
            "location-fallback" => MarketBasis::LocationFallback,
            m => return Err(here(format!("unknown market basis {m:?}"))),
        };
        let unit = parse_unit(&l.unit).ok_or_else(|| here(format!("unknown unit {:?}", l.unit)))?;
        let conv = conversion(&unit, &f.unit).map_err(|e| here(e.to_string()))?;
        let defl = Deflation {
            row_year: None,
            num: l.deflator_to.unwrap_or(Decimal::ONE),
            den: l.deflator_from.unwrap_or(Decimal::ONE),
            applied: None,
            undated: false,
        };
        let applied = Applied {
            factor,
            value: l.factor_value,
            conversion: conv,
        };
        // A supplier's figures and a hybrid's upstream share are not split by gas.
        let hybrid_upstream = l.method == METHOD_HYBRID_UPSTREAM;
        let split = if own || hybrid_upstream {
            &[][..]
        } else {
            &f.gases[..]
        };
        let (kg, converted, gases) = line_amounts(l.quantity, &applied, split, &defl)
            .ok_or_else(|| here("quantity x factor overflows".to_string()))?;
        if kg != l.kg_co2e || converted != l.converted_quantity {
            return Err(here(format!(
                "kg_co2e {} does not follow from {} {} x {} {} in {}: the ledger was edited or the set differs",
                l.kg_co2e, l.quantity, l.unit, l.factor_value, l.factor_key, fs.id()
            )));
        }
        let period = match l.period.as_str() {
            "" => None,
            p => Some(Period::parse(p).ok_or_else(|| here(format!("not a period: {p:?}")))?),
        };
        let year = match l.reporting_year.as_str() {
            "" => None,
            y => Some(
                ReportingYear::parse(y)
                    .ok_or_else(|| here(format!("not a reporting year: {y:?}")))?,
            ),
        };
        let nhs = NhsCategory::parse(&l.nhs_category).ok_or_else(|| {
            here(format!(
                "nhs_category {:?} is not one of {}: the ledger is from another ghg build or was edited",
                l.nhs_category,
                NhsCategory::valid_list()
            ))
        })?;
        let site = self.work.site_id(&l.site);
        let line = Line {
            factor,
            value: l.factor_value,
            class,
            upstream_of,
            kg,
            kg_market: l.kg_co2e_market,
            market,
            converted,
            gases,
            method: METHOD_ACTIVITY,
            supplier: None,
            // As the run added them: the spend factor's quantity for a supplier's line, none
            // for a hybrid's upstream part (the row's quantity counts once).
            group_qty: match (own, hybrid_upstream) {
                (true, _) => l.spend_quantity.unwrap_or(converted),
                (_, true) => Decimal::ZERO,
                _ => converted,
            },
            nhs,
        };
        // The row's tier is its groups' quality (a supplier's figures or a hybrid decide it);
        // ledgers written before the tier was recorded have the set's.
        let quality = match l.tier.as_str() {
            "" => fs.quality(),
            "hybrid" => crate::model::Quality::Hybrid,
            t => crate::model::Quality::parse(t)
                .ok_or_else(|| here(format!("tier {t:?} is not a data-quality tier")))?,
        };
        self.work
            .add_to_groups(std::slice::from_ref(&line), site, period, year, quality)
            .ok_or_else(|| here("the sums overflow".to_string()))?;
        if let Some(supply) = resolver.supply.as_deref() {
            self.add_to_supply(supply, l, &unit, class, quality)
                .map_err(here)?;
        }
        Ok(())
    }

    /// Adds a line to its spend row's supplier sums. A row's lines are together in the
    /// ledger, its own line first: the next line that is not upstream of it (nor a hybrid's
    /// upstream part) starts the next row. A line of another input line in between means the
    /// ledger was reordered, and is refused: the rows' sums would be wrong.
    fn add_to_supply(
        &mut self,
        supply: &crate::supply::Supply,
        l: &LedgerLine,
        unit: &crate::units::Unit,
        class: ScopeClass,
        tier: Quality,
    ) -> std::result::Result<(), String> {
        let starts_row = l.upstream_of.is_empty() && l.method != METHOD_HYBRID_UPSTREAM;
        if !starts_row {
            if let Some((file, line)) = &self.row_at {
                if (file.as_str(), *line) != (l.file.as_str(), l.line) {
                    return Err(format!(
                        "this line, of {} line {}, follows the lines of {file} line {line}: a \
                         row's lines are together, its own line first, as ghg writes them; was \
                         the ledger sorted? Use the part's ledger.csv as its run wrote it",
                        l.file, l.line
                    ));
                }
            }
        } else {
            self.flush_row()?;
            self.row_at = Some((l.file.clone(), l.line));
            // A spend row's own line says how it was priced; an activity row's does not.
            if l.method != METHOD_ACTIVITY {
                let who = match l.supplier_id.as_str() {
                    "" => Err(l.supplier.clone()),
                    id => Ok(supply
                        .register
                        .find(id)
                        .filter(|&i| supply.register.get(i).is_some_and(|s| s.id == id))
                        .ok_or_else(|| {
                            format!(
                                "supplier_id {id:?} is not in the register {}: the run used another register",
                                supply.register.file
                            )
                        })?),
                };
                self.row = Some(SpendRow {
                    who,
                    tier,
                    quantity: l.quantity,
                    gbp: unit.dimension.base_name() == "GBP",
                    kg: Decimal::ZERO,
                });
            }
        }
        if let Some(row) = self.row.as_mut() {
            if !matches!(class, ScopeClass::Outside | ScopeClass::NhsOnly) {
                row.kg = row
                    .kg
                    .checked_add(l.kg_co2e)
                    .ok_or_else(|| "the supplier sums overflow".to_string())?;
            }
        }
        Ok(())
    }

    /// Adds the spend row being read, if any, to the supplier sums.
    fn flush_row(&mut self) -> std::result::Result<(), String> {
        let Some(r) = self.row.take() else {
            return Ok(());
        };
        let who = match &r.who {
            Ok(i) => Ok(*i),
            Err(name) => Err(name.as_str()),
        };
        self.supply
            .add(who, r.tier, r.quantity, r.gbp, r.kg)
            .ok_or_else(|| "the supplier sums overflow".to_string())
    }

    /// The groups, named and sorted, and the spend rows' sums by supplier and tier (empty
    /// without a register).
    pub fn finish(mut self) -> Result<(crate::model::Groups, SupplyTotals)> {
        self.flush_row()
            .map_err(|e| Error::overflow(Position::default(), e))?;
        let groups = self
            .work
            .finish()
            .map(|(_, g, _): super::Partial| g)
            .ok_or_else(|| Error::overflow(Position::default(), "the inventory total"))?;
        Ok((groups, self.supply))
    }
}

/// Merges groups, adding equal keys.
pub fn merge_groups(parts: Vec<crate::model::Groups>) -> Result<crate::model::Groups> {
    crate::model::groups::merge_sorted(parts)
        .ok_or_else(|| Error::overflow(Position::default(), "the inventory total"))
}
