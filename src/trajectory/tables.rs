//! The shipped projection tables: the Green Book grid electricity series
//! (`factors/tables/grid-projection.toml`) and the appraisal carbon values
//! (`factors/tables/carbon-values.toml`), both copied from DESNZ with their sources.

use super::plan::GridSeries;
use super::toml_error;
use crate::num::parse_decimal;
use crate::{Error, Position, Result};
use rust_decimal::Decimal;
use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Deserialize)]
struct GridFile {
    series: GridRaw,
}

#[derive(Deserialize)]
struct GridRaw {
    name: String,
    publisher: String,
    values: BTreeMap<String, String>,
}

#[derive(Deserialize)]
struct ValuesFile {
    values: ValuesRaw,
}

#[derive(Deserialize)]
struct ValuesRaw {
    publisher: String,
    price_year: u16,
    gbp_per_tco2e: BTreeMap<String, [String; 3]>,
}

/// Appraisal carbon values, GBP per tCO2e in one price year.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CarbonValues {
    /// Where they come from.
    pub source: String,
    /// The price year of the values.
    pub price_year: u16,
    /// (low, central, high) by year.
    pub values: BTreeMap<u16, [Decimal; 3]>,
}

impl CarbonValues {
    /// The central value for `year`, the nearest published year outside the series.
    pub fn central(&self, year: u16) -> Option<Decimal> {
        let (first, last) = (self.values.keys().next()?, self.values.keys().next_back()?);
        let y = year.clamp(*first, *last);
        self.values.get(&y).map(|v| v[1])
    }
}

fn shipped_text(rel: &str) -> Result<&'static str> {
    crate::embedded::factor_file(rel)
        .ok_or_else(|| Error::usage(format!("factors/{rel} is not in this build of ghg")))
}

fn year_value(file: &str, year: &str, value: &str) -> Result<(u16, Decimal)> {
    let pos = Position::new(file, 0, 0);
    let y: u16 = year
        .parse()
        .map_err(|_| Error::bad_value(pos.clone(), "year", year, "a calendar year"))?;
    let v = parse_decimal(value).map_err(|e| Error::bad_value(pos, year, value, e.describe()))?;
    Ok((y, v))
}

/// The shipped grid projection.
pub fn shipped_grid() -> Result<GridSeries> {
    let text = shipped_text("tables/grid-projection.toml")?;
    parse_grid("factors/tables/grid-projection.toml", text)
}

/// Reads a grid projection table (`grid-projection.toml`), naming `file` in errors.
pub fn parse_grid(file: &str, text: &str) -> Result<GridSeries> {
    let f: GridFile = toml::from_str(text).map_err(|e| toml_error(file, text, &e))?;
    let mut values = BTreeMap::new();
    for (y, v) in &f.series.values {
        let (y, v) = year_value(file, y, v)?;
        values.insert(y, v);
    }
    Ok(GridSeries {
        source: format!("{} ({})", f.series.name, f.series.publisher),
        values,
    })
}

/// The shipped appraisal carbon values.
pub fn shipped_carbon_values() -> Result<CarbonValues> {
    let text = shipped_text("tables/carbon-values.toml")?;
    parse_carbon_values("factors/tables/carbon-values.toml", text)
}

/// Reads an appraisal carbon values table (`carbon-values.toml`), naming `file` in errors.
pub fn parse_carbon_values(file: &str, text: &str) -> Result<CarbonValues> {
    let f: ValuesFile = toml::from_str(text).map_err(|e| toml_error(file, text, &e))?;
    let mut values = BTreeMap::new();
    for (y, [lo, mid, hi]) in &f.values.gbp_per_tco2e {
        let (yr, lo) = year_value(file, y, lo)?;
        let (_, mid) = year_value(file, y, mid)?;
        let (_, hi) = year_value(file, y, hi)?;
        values.insert(yr, [lo, mid, hi]);
    }
    Ok(CarbonValues {
        source: f.values.publisher,
        price_year: f.values.price_year,
        values,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    #[test]
    fn shipped_tables_read_as_published() {
        let g = shipped_grid().unwrap();
        assert_eq!(g.values.len(), 15);
        assert_eq!(g.values[&2025], Decimal::from_str("0.207185").unwrap());
        assert_eq!(g.values[&2039], Decimal::from_str("0.008441").unwrap());
        let c = shipped_carbon_values().unwrap();
        assert_eq!(c.price_year, 2022);
        assert_eq!(c.central(2030), Some(Decimal::from_str("294.5").unwrap()));
        assert_eq!(c.central(2060), Some(Decimal::from_str("397.54").unwrap()));
    }
}
