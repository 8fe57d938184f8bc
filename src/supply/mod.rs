//! Supply chain by the hybrid method (GHG Protocol scope 3 guidance, category 1) and the
//! anchor-institution view of the same spend.
//!
//! A spend row whose `supplier` is in the register ([`register`]) is priced from what the
//! supplier reports, by tier:
//! - **supplier-specific**: scope 1, 2 and upstream scope 3 and revenue reported: spend moved
//!   to the supplier's reporting year (the shipped GBP price index) x kg CO2e per GBP of revenue;
//! - **hybrid**: scope 1 and 2 only: the same allocation of scope 1 + 2, plus the spend factor x
//!   the upstream share ([`Supply::upstream_share`]) for everything upstream of the supplier;
//! - **spend-based**: otherwise the spend factor, as without a register.
//!
//! Activity rows keep their set's tier (`average-data`). [`SupplyTotals`] sums spend and
//! emissions per supplier and tier as the engine goes; [`metrics`] turns them into the anchor
//! metrics (local, SME and VCSE spend, Carbon Reduction Plans, top suppliers, unmatched spend).

pub mod local;
pub mod metrics;
pub mod register;

pub use local::LocalArea;
pub use register::{Crp, Register, Supplier};

use crate::model::{ExactSum, Quality};
use rust_decimal::Decimal;
use std::collections::BTreeMap;

/// The factor-set name ledger lines priced from a supplier's own figures carry.
pub const SUPPLIER_SET: &str = "supplier-register";

/// Upstream share used for hybrid lines unless `--upstream-share` says otherwise: the whole
/// spend factor. Neither Defra's nor US EPA's spend factors publish the part of a factor that
/// is the producing industry's own direct emissions, so none can be taken off without a
/// figure the user cites; 1 errs on the side of counting too much, not too little.
pub const DEFAULT_UPSTREAM_SHARE: Decimal = Decimal::ONE;

/// What the engine needs to price spend by supplier; shared read-only by worker threads.
#[derive(Clone, Debug)]
pub struct Supply {
    /// The register.
    pub register: Register,
    /// The share of a spend factor taken for a hybrid line's upstream part, 0 to 1.
    pub upstream_share: Decimal,
}

/// How one spend row is priced.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pricing<'a> {
    /// The spend factor; the register did not change it, for the reason given.
    SpendFactor {
        /// The matched supplier, if any.
        supplier: Option<(u32, &'a Supplier)>,
        /// The ledger's `method` text.
        method: &'static str,
    },
    /// Spend x the supplier's scope 1+2+3 upstream intensity.
    SupplierSpecific(u32, &'a Supplier),
    /// Spend x the supplier's scope 1+2 intensity, plus spend factor x upstream share.
    Hybrid(u32, &'a Supplier),
}

/// `method` of a line priced by a factor from a set (activity or spend).
pub const METHOD_ACTIVITY: &str = "quantity x factor";
/// `method` of a spend line priced by its spend factor.
pub const METHOD_SPEND: &str = "spend x spend factor";
/// ... when a register was given but the supplier is not in it.
pub const METHOD_SPEND_UNMATCHED: &str = "spend x spend factor (supplier not in the register)";
/// ... when the supplier reports no emissions.
pub const METHOD_SPEND_UNREPORTED: &str = "spend x spend factor (supplier reports no emissions)";
/// ... when the spend is not in GBP (the supplier's revenue is).
pub const METHOD_SPEND_NOT_GBP: &str = "spend x spend factor (spend not in GBP)";
/// `method` of a supplier-specific line.
pub const METHOD_SUPPLIER: &str =
    "spend in reporting-year prices x supplier kg CO2e per GBP revenue (scope 1+2+3 upstream)";
/// `method` of a hybrid line's own part.
pub const METHOD_HYBRID_OWN: &str =
    "spend in reporting-year prices x supplier kg CO2e per GBP revenue (scope 1+2)";
/// `method` of a hybrid line's upstream part.
pub const METHOD_HYBRID_UPSTREAM: &str = "spend x spend factor x upstream share";

impl Supply {
    /// How a spend row naming `supplier`, in currency `currency`, is priced.
    pub fn pricing(&self, supplier: &str, currency: &str) -> Pricing<'_> {
        let Some(i) = self.register.find(supplier) else {
            return Pricing::SpendFactor {
                supplier: None,
                method: METHOD_SPEND_UNMATCHED,
            };
        };
        let Some(s) = self.register.get(i) else {
            return Pricing::SpendFactor {
                supplier: None,
                method: METHOD_SPEND_UNMATCHED,
            };
        };
        let matched = Some((i, s));
        if currency != "GBP" {
            return Pricing::SpendFactor {
                supplier: matched,
                method: METHOD_SPEND_NOT_GBP,
            };
        }
        match s.tier() {
            Quality::SupplierSpecific => Pricing::SupplierSpecific(i, s),
            Quality::Hybrid => Pricing::Hybrid(i, s),
            _ => Pricing::SpendFactor {
                supplier: matched,
                method: METHOD_SPEND_UNREPORTED,
            },
        }
    }
}

/// Spend and emissions of one supplier (or one unmatched supplier name).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SupplierTotals {
    /// Spend in GBP as the rows give it (nominal, not deflated).
    pub spend_gbp: ExactSum,
    /// kg CO2e of its spend rows' lines.
    pub kg: ExactSum,
    /// Spend rows.
    pub rows: u64,
    /// Spend rows not in GBP (their spend is not in `spend_gbp`; their emissions are in `kg`).
    pub rows_not_gbp: u64,
}

impl SupplierTotals {
    fn merge(&mut self, o: &SupplierTotals) -> Option<()> {
        self.spend_gbp.merge(&o.spend_gbp)?;
        self.kg.merge(&o.kg)?;
        self.rows += o.rows;
        self.rows_not_gbp += o.rows_not_gbp;
        Some(())
    }
}

/// Spend-row sums by supplier and by tier; partial sums merge exactly, in any grouping.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SupplyTotals {
    /// By register index.
    pub registered: BTreeMap<u32, SupplierTotals>,
    /// By the `supplier` text of rows not in the register (all rows when there is none).
    pub unmatched: BTreeMap<String, SupplierTotals>,
    /// GBP spend and kg CO2e of spend rows by tier.
    pub tiers: BTreeMap<Quality, SupplierTotals>,
}

impl SupplyTotals {
    /// Adds one spend row: its supplier (register index, or the text it gives), tier, amount
    /// (counted as spend only in GBP) and the kg CO2e of its lines. `None` on overflow.
    pub fn add(
        &mut self,
        supplier: Result<u32, &str>,
        tier: Quality,
        amount: Decimal,
        gbp: bool,
        kg: Decimal,
    ) -> Option<()> {
        let mut one = SupplierTotals {
            rows: 1,
            ..SupplierTotals::default()
        };
        if gbp {
            one.spend_gbp.add(amount)?;
        } else {
            one.rows_not_gbp = 1;
        }
        one.kg.add(kg)?;
        let t = match supplier {
            Ok(i) => self.registered.entry(i).or_default(),
            Err(name) => match self.unmatched.get_mut(name) {
                Some(t) => t,
                None => self.unmatched.entry(name.to_string()).or_default(),
            },
        };
        t.merge(&one)?;
        self.tiers.entry(tier).or_default().merge(&one)
    }

    /// Adds another part's sums.
    pub fn merge(&mut self, o: SupplyTotals) -> Option<()> {
        for (k, t) in o.registered {
            self.registered.entry(k).or_default().merge(&t)?;
        }
        for (k, t) in o.unmatched {
            self.unmatched.entry(k).or_default().merge(&t)?;
        }
        for (k, t) in o.tiers {
            self.tiers.entry(k).or_default().merge(&t)?;
        }
        Some(())
    }
}

/// Percentages of a whole that add up to exactly 100: each part is 100 x part / whole to 28
/// significant digits, except the last non-zero part, which is 100 minus the others (so it
/// absorbs the rounding of the 28th digit). All zero when the whole is zero. `None` on overflow.
pub fn shares(parts: &[Decimal]) -> Option<Vec<Decimal>> {
    let mut whole = ExactSum::ZERO;
    for p in parts {
        whole.add(*p)?;
    }
    let whole = whole.value()?;
    if whole.is_zero() {
        return Some(vec![Decimal::ZERO; parts.len()]);
    }
    let last = parts.iter().rposition(|p| !p.is_zero());
    let mut out = Vec::with_capacity(parts.len());
    let mut used = Decimal::ZERO;
    for (i, p) in parts.iter().enumerate() {
        let s = if Some(i) == last {
            Decimal::ONE_HUNDRED.checked_sub(used)?
        } else {
            share(*p, whole)?
        };
        used = used.checked_add(s)?;
        out.push(s);
    }
    Some(out)
}

/// 100 x part / whole to 28 significant digits; zero when the whole is zero.
pub fn share(part: Decimal, whole: Decimal) -> Option<Decimal> {
    if whole.is_zero() {
        return Some(Decimal::ZERO);
    }
    part.checked_mul(Decimal::ONE_HUNDRED)?.checked_div(whole)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn shares_add_to_exactly_100() {
        let s = shares(&[d("1"), d("1"), d("1"), d("0")]).unwrap();
        assert_eq!(s[0], s[1]);
        assert_eq!(s[3], Decimal::ZERO);
        assert_eq!(s.iter().sum::<Decimal>(), d("100"));
        assert!(s[2] > s[0]);
        let s = shares(&[d("250"), d("750")]).unwrap();
        assert_eq!(s, vec![d("25"), d("75")]);
        assert_eq!(shares(&[d("0"), d("0")]).unwrap(), vec![d("0"), d("0")]);
    }
}
