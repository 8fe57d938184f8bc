//! Marginal abatement cost of each intervention: the present value of its costs minus its
//! savings over its lifetime, divided by the tonnes it removes over that lifetime (its wedge in
//! the plan, so overlaps are not counted twice), compared with the appraisal carbon value.
//!
//! Money is first moved to one price year with the shipped CPI (ONS D7BT): amount x
//! I(price year) / I(intervention's price year). Capital is spent in the start year (year 0);
//! operating costs and savings fall in each lifetime year 0 .. lifetime-1, discounted by
//! 1 / (1 + r)^t, r the plan's rate (the Green Book's 3.5% by default; it applies the same
//! rate throughout, where the Green Book would drop to 3.0% after year 30). Each division keeps
//! rust_decimal's 28 significant digits. Tonnes are not discounted.

use super::plan::{Intervention, Plan};
use super::project::Projection;
use super::tables::CarbonValues;
use crate::factors::tables::Deflators;
use crate::{Error, Position, Result};
use rust_decimal::Decimal;

/// The price index the costs are moved with.
pub const PRICE_INDEX: &str = "D7BT";

/// One intervention's abatement cost.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Macc {
    /// Its name.
    pub name: String,
    /// First year.
    pub start: u16,
    /// Lifetime, years.
    pub lifetime_years: u16,
    /// tCO2e removed over the lifetime.
    pub tonnes: Decimal,
    /// Present value of costs minus savings, GBP in the common price year, at the start year.
    pub pv_gbp: Decimal,
    /// GBP per tCO2e; none when it removes nothing.
    pub gbp_per_tco2e: Option<Decimal>,
    /// Central appraisal carbon value in its start year, GBP per tCO2e.
    pub carbon_value: Option<Decimal>,
}

/// The abatement costs of a plan.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MaccTable {
    /// Price year of every GBP figure.
    pub price_year: u16,
    /// Discount rate, a fraction.
    pub discount_rate: Decimal,
    /// Where the carbon values come from.
    pub carbon_values_source: String,
    /// Interventions with costs, cheapest per tonne first.
    pub rows: Vec<Macc>,
}

fn ov(what: &str) -> Error {
    Error::overflow(Position::default(), what.to_string())
}

fn real(i: &Intervention, gbp: Decimal, to: u16, deflators: &Deflators) -> Result<Decimal> {
    let from = i.price_year.unwrap_or(to);
    if from == to || gbp.is_zero() {
        return Ok(gbp);
    }
    let index = |y: u16| {
        deflators.index(PRICE_INDEX, y).ok_or_else(|| {
            Error::malformed(
                i.pos.clone(),
                format!(
                    "intervention {:?}: no CPI ({PRICE_INDEX}) figure for {y} to move its prices to {to}",
                    i.name
                ),
            )
        })
    };
    gbp.checked_mul(index(to)?)
        .and_then(|v| v.checked_div(index(from).ok()?))
        .ok_or_else(|| ov("a deflated cost"))
}

/// Abatement costs of the plan's interventions that state costs.
pub fn macc(
    plan: &Plan,
    projection: &Projection,
    deflators: &Deflators,
    carbon_values: &CarbonValues,
) -> Result<MaccTable> {
    let price_year = plan.price_year.unwrap_or(carbon_values.price_year);
    let one_plus_r = Decimal::ONE + plan.discount_rate;
    let mut rows = Vec::new();
    for (n, i) in plan.interventions.iter().enumerate() {
        let has_money = !(i.capex_gbp.is_zero() && i.opex_gbp.is_zero() && i.saving_gbp.is_zero());
        let Some(life) = i.lifetime_years else {
            if has_money {
                return Err(Error::malformed(
                    i.pos.clone(),
                    format!(
                        "intervention {:?} has costs but no lifetime_years, so its cost per tonne cannot be found",
                        i.name
                    ),
                ));
            }
            continue;
        };
        let capex = real(i, i.capex_gbp, price_year, deflators)?;
        let net = real(i, i.opex_gbp, price_year, deflators)?
            - real(i, i.saving_gbp, price_year, deflators)?;
        let mut pv = capex;
        let mut df = Decimal::ONE;
        let mut kg = Decimal::ZERO;
        for t in 0..life {
            let year = i.start + t;
            if t > 0 {
                df = df
                    .checked_div(one_plus_r)
                    .ok_or_else(|| ov("a discount factor"))?;
            }
            pv = net
                .checked_mul(df)
                .and_then(|v| pv.checked_add(v))
                .ok_or_else(|| ov("a present value"))?;
            let w = projection.row(year).map_or(Decimal::ZERO, |r| r.wedges[n]);
            kg = kg.checked_add(w).ok_or_else(|| ov("lifetime tonnes"))?;
        }
        let tonnes = kg / Decimal::ONE_THOUSAND;
        rows.push(Macc {
            name: i.name.clone(),
            start: i.start,
            lifetime_years: life,
            tonnes,
            pv_gbp: pv,
            gbp_per_tco2e: (!tonnes.is_zero())
                .then(|| pv.checked_div(tonnes))
                .flatten(),
            carbon_value: carbon_values.central(i.start),
        });
    }
    // Cheapest first, as a MACC is drawn; ties keep plan order.
    rows.sort_by(|a, b| match (a.gbp_per_tco2e, b.gbp_per_tco2e) {
        (Some(x), Some(y)) => x.cmp(&y),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => std::cmp::Ordering::Equal,
    });
    Ok(MaccTable {
        price_year,
        discount_rate: plan.discount_rate,
        carbon_values_source: carbon_values.source.clone(),
        rows,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::trajectory::baseline::from_total;
    use crate::trajectory::plan::parse_plan;
    use crate::trajectory::project::project;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn cost_per_tonne_discounts_money_not_tonnes() {
        // 100 t a year for 2 years; capex 1,000; saving 103.5 a year; 3.5%, prices of 2022.
        let text = "price_year = 2022\n[[intervention]]\nname = \"led\"\nslice = \"all\"\nstart = 2025\nreduction_tco2e = 100\ncapex_gbp = 1000\nsaving_gbp_per_year = \"103.5\"\nprice_year = 2022\nlifetime_years = 2\n";
        let plan = parse_plan("p.toml", text).unwrap();
        let slices = from_total(d("1000000"), &plan).unwrap();
        let grid = crate::trajectory::tables::shipped_grid().unwrap();
        let p = project(2019, 2030, &slices, &grid, &plan.interventions, vec![]).unwrap();
        let cv = crate::trajectory::tables::shipped_carbon_values().unwrap();
        let m = macc(&plan, &p, &Deflators::shipped().unwrap(), &cv).unwrap();
        let r = &m.rows[0];
        assert_eq!(r.tonnes, d("200"));
        // 1000 - 103.5 - 103.5/1.035 = 1000 - 103.5 - 100 = 796.5
        assert_eq!(r.pv_gbp, d("796.5"));
        assert_eq!(r.gbp_per_tco2e, Some(d("3.9825")));
        assert_eq!(r.carbon_value, Some(d("273.06")));
    }
}
