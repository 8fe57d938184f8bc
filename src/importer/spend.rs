//! Spend-based factor sets: kg CO2e per unit of money at a stated price year.
//!
//! - Defra, UK carbon footprint factors by SIC product group, 2022 (`defra-sic-2022`): kg CO2e
//!   per GBP at 2022 purchaser prices, key `sic-<code>` with the code as the file writes it
//!   (leading zeros kept; the one space, in `10.2 -3`, dropped from the key, kept in `id`).
//!   All factors are scope 3 category 1 (purchased goods and services); the capital-goods
//!   product groups (machinery, vehicles, construction) would be category 2 when the spend is
//!   capital expenditure, which only the user knows. The CO2-only column is kept as `co2`: a
//!   single part never triggers the per-gas sum check, which needs two parts or more.
//! - US EPA Supply Chain GHG Emission Factors v1.3.0 by 2017 NAICS code (`epa-sc-1.3`): kg CO2e
//!   per 2022 USD, purchaser price; `kg_co2e` is the factor *with* margins (cradle to shelf,
//!   what a purchaser's spend needs); the factor without margins, the margins and the USEEIO
//!   code are in the note. Scope 3 category 1.

use crate::factors::model::{Factor, FactorSet, Scope, SetHeader, SetKind};
use crate::factors::sha256_hex;
use crate::num::parse_decimal;
use crate::units::parse_unit;
use crate::{Error, Position, Result};
use rust_decimal::Decimal;

/// Path of the Defra SIC set under `factors/`.
pub const SIC_PATH: &str = "spend/defra-sic-2022.toml";
/// Path of the EPA set under `factors/`.
pub const EPA_PATH: &str = "spend/epa-sc-1.3.toml";

fn csv_err(file: &str) -> impl Fn(csv::Error) -> Error + '_ {
    move |e: csv::Error| {
        let line = e.position().map_or(0, |p| p.line());
        Error::malformed(Position::new(file, line, 0), format!("not valid CSV: {e}"))
    }
}

/// Column positions by header name, or an error naming the missing one.
fn columns<const N: usize>(
    file: &str,
    headers: &csv::StringRecord,
    names: [&str; N],
) -> Result<[usize; N]> {
    let mut idx = [0usize; N];
    for (slot, name) in idx.iter_mut().zip(names) {
        *slot = headers
            .iter()
            .position(|h| h.trim_start_matches('\u{feff}') == name)
            .ok_or_else(|| {
                Error::malformed(
                    Position::new(file, 1, 0),
                    format!("no column {name:?}; expected {}", names.join(", ")),
                )
            })?;
    }
    Ok(idx)
}

/// One SIC row: code, description, kg CO2e per GBP, kg CO2 per GBP.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SicRow {
    /// CSV line.
    pub line: u64,
    /// SIC product-group code as written (`01`, `10.2 -3`, `68.2IMP`).
    pub code: String,
    /// Product group.
    pub description: String,
    /// kg CO2e per GBP.
    pub kg_co2e: Decimal,
    /// kg CO2 per GBP.
    pub kg_co2: Option<Decimal>,
}

/// Reads `defra_sic_factors_2022.csv`.
pub fn read_sic(file: &str, bytes: &[u8]) -> Result<Vec<SicRow>> {
    let mut rdr = csv::ReaderBuilder::new().from_reader(bytes);
    let headers = rdr.headers().map_err(csv_err(file))?.clone();
    let idx = columns(
        file,
        &headers,
        [
            "year",
            "sic_code",
            "description",
            "kg_co2e_per_gbp",
            "kg_co2_per_gbp",
        ],
    )?;
    let mut rows = Vec::new();
    for rec in rdr.records() {
        let rec = rec.map_err(csv_err(file))?;
        let line = rec.position().map_or(0, |p| p.line());
        let get = |i: usize| rec.get(idx[i]).unwrap_or("").trim();
        let at = |i: usize| Position::new(file, line, idx[i] as u64 + 1);
        if get(0) != "2022" {
            return Err(Error::bad_value(at(0), "year", get(0), "2022"));
        }
        let kg_co2e = parse_decimal(get(3))
            .map_err(|e| Error::bad_value(at(3), "kg_co2e_per_gbp", get(3), e.describe()))?;
        let kg_co2 = match get(4) {
            "" => None,
            v => Some(
                parse_decimal(v)
                    .map_err(|e| Error::bad_value(at(4), "kg_co2_per_gbp", v, e.describe()))?,
            ),
        };
        if get(1).is_empty() {
            return Err(Error::bad_value(
                at(1),
                "sic_code",
                "",
                "a SIC product-group code",
            ));
        }
        rows.push(SicRow {
            line,
            code: get(1).to_string(),
            description: get(2).to_string(),
            kg_co2e,
            kg_co2,
        });
    }
    Ok(rows)
}

/// Checks the CSV against the published `.ods` (first sheet: code, description, kg CO2e per
/// £, kg CO2 per £), reading the spreadsheet numbers with 15 significant digits.
pub fn check_sic_against_ods(ods_file: &str, ods: &[u8], rows: &[SicRow]) -> Result<()> {
    use calamine::{Data, Reader};
    let mut wb: calamine::Ods<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(ods))
        .map_err(|e| {
            Error::malformed(
                Position::new(ods_file, 0, 0),
                format!("cannot read the spreadsheet: {e}"),
            )
        })?;
    let sheet = wb.sheet_names().first().cloned().unwrap_or_default();
    let range = wb.worksheet_range(&sheet).map_err(|e| {
        Error::malformed(
            Position::new(ods_file, 0, 0),
            format!("sheet {sheet:?}: {e}"),
        )
    })?;
    let mut found = Vec::new();
    for row in range.rows() {
        // Codes such as 21 and 30.1 are stored as numbers.
        let text = |i: usize| match row.get(i) {
            Some(Data::String(s)) => s.trim().to_string(),
            Some(Data::Float(f)) => super::desnz_read::float_decimal(*f)
                .map(|d| d.to_string())
                .unwrap_or_default(),
            _ => String::new(),
        };
        let num = |i: usize| match row.get(i) {
            Some(Data::Float(f)) => super::desnz_read::float_decimal(*f),
            _ => None,
        };
        let code = text(0);
        if let (false, Some(v), Some(Data::String(_))) = (code.is_empty(), num(2), row.get(1)) {
            found.push((code, text(1), v, num(3)));
        }
    }
    let ours: Vec<(String, String, Decimal, Option<Decimal>)> = rows
        .iter()
        .map(|r| (r.code.clone(), r.description.clone(), r.kg_co2e, r.kg_co2))
        .collect();
    if found.len() != ours.len() {
        return Err(Error::usage(format!(
            "{ods_file} has {} factor rows, the CSV {}",
            found.len(),
            ours.len()
        )));
    }
    for (a, b) in found.iter().zip(&ours) {
        if a.0 != b.0
            || a.2.to_string() != b.2.to_string()
            || a.3.map(|d| d.to_string()) != b.3.map(|d| d.to_string())
        {
            return Err(Error::usage(format!(
                "{ods_file}: SIC {} reads {} / {:?} in the spreadsheet but {} / {:?} in the CSV",
                a.0, a.2, a.3, b.2, b.3
            )));
        }
    }
    Ok(())
}

/// The Defra SIC set. `source_file`/`source_bytes` are the published `.ods`, hashed in the header.
pub fn sic_set(
    rows: &[SicRow],
    csv_file: &str,
    source_file: &str,
    source_bytes: &[u8],
) -> Result<FactorSet> {
    let gbp = parse_unit("GBP").ok_or_else(|| Error::usage("unit GBP is not known"))?;
    let factors = rows
        .iter()
        .map(|r| Factor {
            key: format!("sic-{}", r.code.replace(char::is_whitespace, "")),
            id: Some(r.code.clone()),
            scope: Scope::Three,
            category: Some(1),
            labels: vec![r.description.clone()],
            column: String::new(),
            unit: gbp,
            kg_co2e: Some(r.kg_co2e),
            gases: r
                .kg_co2
                .map(|v| vec![("co2".to_string(), v)])
                .unwrap_or_default(),
            upstream: Vec::new(),
            outside: Vec::new(),
            note: String::new(),
            line: r.line,
            gwp: None,
        })
        .collect::<Vec<_>>();
    let header = SetHeader {
        id: "defra-sic-2022".into(),
        publisher: "Defra".into(),
        edition: 2022,
        version: String::new(),
        period: "2022".into(),
        valid_from: "2022-01-01".into(),
        valid_to: "2022-12-31".into(),
        title: "UK carbon footprint: greenhouse gas emission factors by SIC product group, 2022".into(),
        url: "https://www.gov.uk/government/statistics/uks-carbon-footprint".into(),
        licence: "Open Government Licence v3.0".into(),
        gwp: "unstated".into(),
        kind: Some(SetKind::Spend),
        currency: Some("GBP".into()),
        price_year: Some(2022),
        source_file: source_file.into(),
        source_sha256: sha256_hex(source_bytes),
        source_rows: Some(rows.len() as u64),
        published_dp: None,
        quality: None,
        notes: [
            format!(
                "Source: Defra's spreadsheet {source_file} (GHG, kg CO2e per £, and CO2, kg CO2 per £, \
                 by SIC product group, purchaser prices); values from its normalized CSV {csv_file}, \
                 checked identical to the spreadsheet's numbers read with 15 significant digits."
            ),
            "Denominator: GBP at 2022 purchaser prices; deflate spend of other years with \
             factors/tables/deflators.toml. GWP basis: not stated in the source."
                .to_string(),
            "Keys: sic-<code>, the code as published (leading zeros kept, the space in 10.2 -3 \
             dropped); id is the code verbatim. Scope 3 category 1 throughout: the capital-goods \
             groups would be category 2 for capital spend, which only the user can tell. co2 is the \
             CO2-only factor (no CH4 or N2O parts are published)."
                .to_string(),
        ]
        .join("\n"),
    };
    Ok(FactorSet::new(
        header,
        factors,
        String::new(),
        String::new(),
    ))
}

/// The EPA supply-chain set from `SupplyChainGHGEmissionFactors_v1.3.0_NAICS_CO2e_USD2022.csv`.
pub fn epa_set(file: &str, bytes: &[u8]) -> Result<FactorSet> {
    const NAMES: [&str; 8] = [
        "2017 NAICS Code",
        "2017 NAICS Title",
        "GHG",
        "Unit",
        "Supply Chain Emission Factors without Margins",
        "Margins of Supply Chain Emission Factors",
        "Supply Chain Emission Factors with Margins",
        "Reference USEEIO Code",
    ];
    let usd = parse_unit("USD").ok_or_else(|| Error::usage("unit USD is not known"))?;
    let mut rdr = csv::ReaderBuilder::new().from_reader(bytes);
    let headers = rdr.headers().map_err(csv_err(file))?.clone();
    let idx = columns(file, &headers, NAMES)?;
    let mut factors = Vec::new();
    for rec in rdr.records() {
        let rec = rec.map_err(csv_err(file))?;
        let line = rec.position().map_or(0, |p| p.line());
        let get = |i: usize| rec.get(idx[i]).unwrap_or("").trim();
        let at = |i: usize| Position::new(file, line, idx[i] as u64 + 1);
        if get(2) != "All GHGs" {
            return Err(Error::bad_value(at(2), NAMES[2], get(2), "All GHGs"));
        }
        if get(3) != "kg CO2e/2022 USD, purchaser price" {
            return Err(Error::bad_value(
                at(3),
                NAMES[3],
                get(3),
                "kg CO2e/2022 USD, purchaser price",
            ));
        }
        let code = get(0);
        if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
            return Err(Error::bad_value(
                at(0),
                NAMES[0],
                code,
                "a six-digit 2017 NAICS code",
            ));
        }
        let num = |i: usize| {
            parse_decimal(get(i))
                .map_err(|e| Error::bad_value(at(i), NAMES[i], get(i), e.describe()))
        };
        let (without, margins, with) = (num(4)?, num(5)?, num(6)?);
        factors.push(Factor {
            key: format!("naics-{code}"),
            id: Some(code.to_string()),
            scope: Scope::Three,
            category: Some(1),
            labels: vec![get(1).to_string()],
            column: String::new(),
            unit: usd,
            kg_co2e: Some(with),
            gases: Vec::new(),
            upstream: Vec::new(),
            outside: Vec::new(),
            note: format!(
                "with margins (kg_co2e) {with}; without margins {without}; margins {margins}; USEEIO {}",
                get(7)
            ),
            line,
            gwp: None,
        });
    }
    let header = SetHeader {
        id: "epa-sc-1.3".into(),
        publisher: "US EPA".into(),
        edition: 2022,
        version: "1.3.0".into(),
        period: "2022".into(),
        valid_from: "2022-01-01".into(),
        valid_to: "2022-12-31".into(),
        title: "Supply Chain Greenhouse Gas Emission Factors for US Commodities and Industries v1.3.0, by 2017 NAICS code".into(),
        url: "https://catalog.data.gov/dataset/supply-chain-greenhouse-gas-emission-factors-for-us-industries-and-commodities".into(),
        licence: "US Government work, public domain".into(),
        gwp: "AR5".into(),
        kind: Some(SetKind::Spend),
        currency: Some("USD".into()),
        price_year: Some(2022),
        source_file: file.into(),
        source_sha256: sha256_hex(bytes),
        source_rows: Some(factors.len() as u64),
        published_dp: None,
        quality: None,
        notes: [
            "Source: US EPA supply-chain emission factors v1.3.0 (USEEIO), all GHGs, kg CO2e per 2022 USD \
             at purchaser price, one factor per 2017 NAICS code. Edition is the data's price year; the \
             file states no publication date."
                .to_string(),
            "kg_co2e is the factor with margins (cradle to shelf, for a purchaser's spend); the factor \
             without margins (cradle to factory gate), the margins and the USEEIO code are in each note. \
             The source rounds each to 3 significant figures, so with != without + margins for some codes."
                .to_string(),
            "GWP: AR5, inferred: the file states no basis, and its CO2e factors agree with the EPA's \
             by-gas file (SupplyChainGHGEmissionFactors_v1.3.0_NAICS_byGHG_USD2022.csv) weighted by AR5 \
             100-year GWPs: on the 55 codes where methane is over 30% of the total, CO2 + 28 CH4 + \
             265 N2O is within 0.4% of the CO2e factor at the median (AR4 weights: 3.7%; AR6: 2.9%)."
                .to_string(),
            "Scope 3 category 1 (purchased goods and services) throughout; deflate spend of other \
             years with factors/tables/deflators.toml (US GDP deflator)."
                .to_string(),
        ]
        .join("\n"),
    };
    Ok(FactorSet::new(
        header,
        factors,
        String::new(),
        String::new(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sic_keys_keep_leading_zeros() {
        let csv = "year,sic_code,description,kg_co2e_per_gbp,kg_co2_per_gbp\n\
                   2022,01,\"Products of agriculture, hunting\",2.63302861757527,0.640932121635878\n\
                   2022,10.2 -3,Fish,0.83192564000359,0.368230157371602\n";
        let rows = read_sic("s.csv", csv.as_bytes()).unwrap();
        let set = sic_set(&rows, "s.csv", "s.ods", b"x").unwrap();
        assert_eq!(set.factors[0].key, "sic-01");
        assert_eq!(set.factors[1].key, "sic-10.2-3");
        assert_eq!(set.factors[1].id.as_deref(), Some("10.2 -3"));
        assert_eq!(
            set.factors[0].kg_co2e.unwrap().to_string(),
            "2.63302861757527"
        );
        assert_eq!(set.factors[0].gases[0].1.to_string(), "0.640932121635878");
    }

    #[test]
    fn epa_takes_the_factor_with_margins() {
        let csv = "2017 NAICS Code,2017 NAICS Title,GHG,Unit,Supply Chain Emission Factors without Margins,Margins of Supply Chain Emission Factors,Supply Chain Emission Factors with Margins,Reference USEEIO Code\n\
                   111110,Soybean Farming,All GHGs,\"kg CO2e/2022 USD, purchaser price\",0.488,0.044,0.532,1111A0\n";
        let set = epa_set("e.csv", csv.as_bytes()).unwrap();
        let f = &set.factors[0];
        assert_eq!(f.key, "naics-111110");
        assert_eq!(f.kg_co2e.unwrap().to_string(), "0.532");
        assert_eq!(
            f.note,
            "with margins (kg_co2e) 0.532; without margins 0.488; margins 0.044; USEEIO 1111A0"
        );
        let bad = csv.replace("All GHGs", "CO2");
        assert!(epa_set("e.csv", bad.as_bytes())
            .unwrap_err()
            .to_string()
            .starts_with("e.csv:2:3: GHG"));
    }
}
