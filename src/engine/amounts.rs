//! A line's arithmetic: spend deflation, quantity x factor with its one division, the
//! split by gas, and the market-based scope 2 figure. Every step is checked: an overflow is
//! `None` (a reject at the row), never a wrap or a panic.

use super::resolve::{Applied, Resolved, Resolver};
use crate::activity::cells::{field, reject, RowReject};
use crate::activity::{Columns, Period};
use crate::factors::{Factor, FactorSet, Scope};
use crate::model::{MarketBasis, ScopeClass};
use crate::num::parse_decimal;
use rust_decimal::Decimal;

/// How a spend amount moves from its price year to the factor's: multiply by `num`
/// (I(factor year)), divide by `den` (I(price year)); one and one when not moved.
pub(super) struct Deflation<'a> {
    pub(super) num: Decimal,
    pub(super) den: Decimal,
    /// Series id and the row's price year, when moved.
    pub(super) applied: Option<(&'a str, u16)>,
    /// A spend row with neither price_year nor period, taken to be in the factor's prices.
    pub(super) undated: bool,
    /// The row's price year (`price_year`, else its period's start year), if it has one.
    pub(super) row_year: Option<u16>,
}

/// The deflation a spend row needs; none for activity rows or spend already in the factor's
/// prices. A row without `price_year` is taken to be in its period's prices.
pub(super) fn deflation<'a>(
    rec: &csv::ByteRecord,
    c: &Columns,
    period: Option<Period>,
    resolved: &Resolved,
    resolver: &'a Resolver,
) -> Result<Deflation<'a>, RowReject> {
    let none = Deflation {
        num: Decimal::ONE,
        den: Decimal::ONE,
        applied: None,
        undated: false,
        row_year: None,
    };
    let Some(fy) = resolved.price_year else {
        return Ok(none);
    };
    let py_text = field(rec, c.price_year)?;
    // The column the row's price year came from: price_year, else the period it defaults to.
    let (year_col, year_text) = if py_text.is_empty() {
        (c.period, field(rec, c.period)?)
    } else {
        (c.price_year, py_text)
    };
    let row_year = if py_text.is_empty() {
        period.map(|p| p.start_year())
    } else {
        Some(
            py_text
                .parse::<u16>()
                .ok()
                .filter(|y| (1900..=2200).contains(y))
                .ok_or_else(|| {
                    reject(
                        c.price_year,
                        py_text,
                        "price_year is not a year such as 2023",
                    )
                })?,
        )
    };
    let none = Deflation { row_year, ..none };
    let ry = match row_year {
        Some(ry) if ry != fy => ry,
        Some(_) => return Ok(none),
        None => {
            return Ok(Deflation {
                undated: true,
                ..none
            })
        }
    };
    let currency = resolved.unit.dimension.base_name();
    let idx = resolver.deflators.get(currency).ok_or_else(|| {
        reject(
            year_col,
            year_text,
            format!("no price index for {currency} to move spend from {ry} to {fy} prices"),
        )
    })?;
    let (Some(i_f), Some(i_r)) = (idx.values.get(&fy), idx.values.get(&ry)) else {
        return Err(reject(
            year_col,
            year_text,
            format!(
                "{} has no value for {} or {}; give a price_year it covers",
                idx.name, ry, fy
            ),
        ));
    };
    Ok(Deflation {
        num: *i_f,
        den: *i_r,
        applied: Some((idx.id.as_str(), ry)),
        undated: false,
        row_year,
    })
}

/// How a GBP spend row moves from its price year to a supplier's reporting year `to`, with
/// the same price index as spend deflation; none when already there or undated.
pub(super) fn to_year<'a>(
    from: Option<u16>,
    to: u16,
    resolver: &'a Resolver,
    price_year_col: Option<usize>,
) -> Result<Deflation<'a>, RowReject> {
    let none = Deflation {
        num: Decimal::ONE,
        den: Decimal::ONE,
        applied: None,
        undated: false,
        row_year: from,
    };
    let Some(from) = from.filter(|f| *f != to) else {
        return Ok(none);
    };
    let reason = |what: String| reject(price_year_col, &from.to_string(), what);
    let idx = resolver.deflators.get("GBP").ok_or_else(|| {
        reason(format!(
            "no GBP price index to move spend from {from} to the supplier's reporting year {to}"
        ))
    })?;
    let (Some(i_to), Some(i_from)) = (idx.values.get(&to), idx.values.get(&from)) else {
        return Err(reason(format!(
            "{} has no value for {from} or {to} (the supplier's reporting year in the register)",
            idx.name
        )));
    };
    Ok(Deflation {
        num: *i_to,
        den: *i_from,
        applied: Some((idx.id.as_str(), from)),
        undated: false,
        row_year: Some(from),
    })
}

/// Where the primary line counts.
pub(super) fn classify(
    pf: &Factor,
    pset: &FactorSet,
    c: &Columns,
    activity: &str,
) -> Result<ScopeClass, RowReject> {
    Ok(match pf.scope {
        Scope::One => ScopeClass::One,
        Scope::Two => ScopeClass::Two,
        Scope::Three => ScopeClass::Three(pf.category.ok_or_else(|| {
            reject(
                c.activity,
                activity,
                format!("{} {} is scope 3 but names no category", pset.id(), pf.key),
            )
        })?),
        Scope::Outside => ScopeClass::Outside,
        Scope::Total => return Err(reject(c.activity, activity, "derived total")),
    })
}

/// kg CO2e, the quantity in the factor's unit, and kg by gas (CO2, CH4, N2O, and what the
/// factor does not split) for one line: quantity x multiplier x factor, then one division.
/// `None` on overflow.
pub(super) fn line_amounts(
    qty: Decimal,
    a: &Applied,
    gases_of: &[(String, Decimal)],
    defl: &Deflation<'_>,
) -> Option<(Decimal, Decimal, [Decimal; 4])> {
    let num = a.conversion.num.checked_mul(defl.num)?;
    let den = a.conversion.den.checked_mul(defl.den)?;
    let base = qty.checked_mul(num)?;
    let scale = |v: Decimal| -> Option<Decimal> {
        let p = base.checked_mul(v)?;
        if den == Decimal::ONE {
            Some(p)
        } else {
            p.checked_div(den)
        }
    };
    let kg = scale(a.value)?;
    let converted = if den == Decimal::ONE {
        base
    } else {
        base.checked_div(den)?
    };
    let mut gases = [Decimal::ZERO; 4];
    let mut split = Decimal::ZERO;
    for (g, v) in gases_of {
        let slot = match g.as_str() {
            "co2" => 0,
            "ch4" => 1,
            "n2o" => 2,
            _ => continue,
        };
        let part = scale(*v)?;
        gases[slot] = gases[slot].checked_add(part)?;
        split = split.checked_add(part)?;
    }
    gases[3] = kg.checked_sub(split)?;
    Some((kg, converted, gases))
}

/// Market-based scope 2: the row's contractual factor, else a residual mix, else the
/// location-based figure, flagged. Returns the figure, its basis and the factor used.
pub(super) fn market_based(
    class: ScopeClass,
    qty: Decimal,
    kg: Decimal,
    market_factor: Option<Decimal>,
    resolved: &Resolved,
) -> Option<(Decimal, MarketBasis, Option<Decimal>)> {
    let per_kwh = |m: Decimal, k: crate::units::Conversion| -> Option<Decimal> {
        let kgm = qty.checked_mul(k.num)?.checked_mul(m)?;
        if k.den == Decimal::ONE {
            Some(kgm)
        } else {
            kgm.checked_div(k.den)
        }
    };
    Some(
        match (class, market_factor, resolved.residual_mix, resolved.to_kwh) {
            (ScopeClass::Two, Some(m), _, Some(k)) => {
                (per_kwh(m, k)?, MarketBasis::Contractual, Some(m))
            }
            (ScopeClass::Two, None, Some(r), Some(k)) => {
                (per_kwh(r, k)?, MarketBasis::ResidualMix, Some(r))
            }
            (ScopeClass::Two, _, _, _) => (kg, MarketBasis::LocationFallback, None),
            _ => (kg, MarketBasis::NotApplicable, None),
        },
    )
}

/// The row's contractual kg CO2e per kWh, if it gives one; only scope 2 energy rows may.
pub(super) fn read_market_factor(
    rec: &csv::ByteRecord,
    c: &Columns,
    pf: &Factor,
    resolved: &Resolved,
) -> Result<Option<Decimal>, RowReject> {
    let text = field(rec, c.market_factor)?;
    if text.is_empty() {
        return Ok(None);
    }
    let m = parse_decimal(text).map_err(|e| {
        reject(
            c.market_factor,
            text,
            format!("market_factor is not a number; expected {}", e.describe()),
        )
    })?;
    if pf.scope != Scope::Two || resolved.to_kwh.is_none() {
        return Err(reject(
            c.market_factor,
            text,
            "market_factor (kg CO2e per kWh) applies only to scope 2 energy rows",
        ));
    }
    if m.is_sign_negative() && !m.is_zero() {
        return Err(reject(c.market_factor, text, "negative market_factor"));
    }
    Ok(Some(m))
}
