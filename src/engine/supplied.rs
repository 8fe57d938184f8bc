//! The engine's one hook for the supply chain: a spend row whose supplier is in the register
//! has its line re-priced from the supplier's own figures (see `crate::supply` for the tiers).

use super::amounts::{line_amounts, to_year, Deflation};
use super::apply::Line;
use super::resolve::{Applied, Resolved, Resolver};
use crate::activity::cells::{reject, RowReject};
use crate::activity::Columns;
use crate::model::{MarketBasis, Quality};
use crate::supply::{Pricing, METHOD_HYBRID_OWN, METHOD_HYBRID_UPSTREAM, METHOD_SUPPLIER};
use rust_decimal::Decimal;

/// What re-pricing decided for a row.
pub(super) struct Supplied<'a> {
    /// The row's tier, when the register decided it.
    pub(super) tier: Option<Quality>,
    /// The register supplier the row names.
    pub(super) matched: Option<u32>,
    /// How the spend moved to the supplier's reporting year.
    pub(super) deflation: Option<Deflation<'a>>,
}

/// Re-prices a spend row's primary line (`lines[0]`) by its supplier's tier: supplier-specific
/// replaces it, hybrid replaces it and adds the upstream part. Nothing changes for activity
/// rows, runs without a register, or suppliers the register does not price.
pub(super) fn reprice<'a>(
    lines: &mut Vec<Line>,
    resolver: &'a Resolver,
    resolved: &Resolved,
    supplier: &str,
    qty: Decimal,
    defl: &Deflation<'_>,
    c: &Columns,
) -> Result<Supplied<'a>, RowReject> {
    let mut out = Supplied {
        tier: None,
        matched: None,
        deflation: None,
    };
    let (Some(supply), Some(_)) = (resolver.supply.as_deref(), resolved.price_year) else {
        return Ok(out);
    };
    let Some(first) = lines.first_mut() else {
        return Ok(out);
    };
    let currency = resolved.unit.dimension.base_name();
    let (i, s, hybrid) = match supply.pricing(supplier, currency) {
        Pricing::SpendFactor { supplier, method } => {
            out.matched = supplier.map(|(i, _)| i);
            first.method = method;
            return Ok(out);
        }
        Pricing::SupplierSpecific(i, s) => (i, s, false),
        Pricing::Hybrid(i, s) => (i, s, true),
    };
    out.matched = Some(i);
    let (Some(intensity), Some(year)) = (s.intensity, s.reporting_year) else {
        return Ok(out);
    };
    let overflow = || {
        reject(
            c.amount.or(c.quantity),
            &qty.to_string(),
            "spend x supplier intensity overflows the exact decimal range",
        )
    };
    let to = to_year(defl.row_year, year, resolver, c.price_year)?;
    let own = Applied {
        factor: resolved.primary.factor,
        value: intensity,
        conversion: resolved.primary.conversion,
    };
    // Supplier figures are not split by gas: the whole line is `not_split_by_gas`.
    let (kg, converted, gases) = line_amounts(qty, &own, &[], &to).ok_or_else(overflow)?;
    let class = first.class;
    let nhs = first.nhs;
    let group_qty = first.converted;
    *first = Line {
        factor: resolved.primary.factor,
        value: intensity,
        class,
        upstream_of: None,
        kg,
        kg_market: kg,
        market: MarketBasis::NotApplicable,
        converted,
        gases,
        group_qty,
        nhs,
        method: if hybrid {
            METHOD_HYBRID_OWN
        } else {
            METHOD_SUPPLIER
        },
        supplier: Some(i),
    };
    if hybrid {
        // Everything upstream of the supplier: the spend factor, times the upstream share.
        let value = resolved
            .primary
            .value
            .checked_mul(supply.upstream_share)
            .ok_or_else(overflow)?;
        let up = Applied {
            factor: resolved.primary.factor,
            value,
            conversion: resolved.primary.conversion,
        };
        let (kg, converted, gases) = line_amounts(qty, &up, &[], defl).ok_or_else(overflow)?;
        lines.push(Line {
            factor: resolved.primary.factor,
            value,
            class,
            upstream_of: None,
            kg,
            kg_market: kg,
            market: MarketBasis::NotApplicable,
            converted,
            gases,
            group_qty: Decimal::ZERO,
            nhs,
            method: METHOD_HYBRID_UPSTREAM,
            supplier: None,
        });
    }
    out.tier = Some(if hybrid {
        Quality::Hybrid
    } else {
        Quality::SupplierSpecific
    });
    out.deflation = Some(to);
    Ok(out)
}
