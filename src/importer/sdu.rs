//! The NHS Sustainable Development Unit's carbon factors (`CarbonFactors.csv`: category, name,
//! unit, scope, one column per financial year 2007-08 to 2020-21, comments) to one set per
//! financial year, `nhs-sdu-2007-08` ... `nhs-sdu-2020-21`.
//!
//! - Key: `slug(category)/slug(name)`, the same in every year; the two (category, name) pairs
//!   the file repeats (`Disposal Method`/`Closed Loop or Open Loop`, `Anaesthetic Gases`/
//!   `Nitrous oxide with oxygen 50/50 split`) get `--2` on their second row.
//! - Scope: `N/A` (a derived total of the rows above it) is `total`; `Outside` is outside.
//!   The scope is the file's, with one exception: a row named `... total` in a category that
//!   already has a derived total is one too (`Electricity from Grid total` reads 1 but gives
//!   the same figures as its twin `Electricity UK total`, N/A). Anaesthetic gases read 1 and
//!   stay scope 1.
//! - Scope 3 category: the file gives none, so each scope 3 row gets the GHG Protocol category
//!   of what its `category` column names ([`category`]); a scope 3 row whose `category` the
//!   table does not know stops the import, so a new row is never left uncategorised:
//!
//!   - 1, purchased goods and services: `Water supply`, `Mains Water` (its total), `Paper`,
//!     `Procurement eClass - Category A` ... `Z`.
//!   - 3, fuel- and energy-related activities: `T&D- UK electricity`, `WTT- UK electricity
//!     (generation)`, `WTT- UK electricity (T&D)`, `WTT- heat and steam`, `Distribution -
//!     district heat & steam`, `WTT- district heat & steam distribution`, `WTT - gaseous
//!     fuels`, `WTT - liquid fuels`, `WTT - solid fuels`, `WTT - biomass`, `WTT- Liquid fuels`,
//!     `Electrical export (gas fired CHP) WTT`, and the EV WTT rows: `Battery EV` and `Plug in
//!     hybrid EV` (their scope 3 row, `Average car - WTT`), `Average Battery and Plugin Hybrid
//!     EV WTT`.
//!   - 5, waste generated in operations: `Water treatment`, `Drains waste water` (its total),
//!     `Disposal Method`, `Waste Recycling`, `Preparing for re-use`, `Refuse`, `Composted`,
//!     `Electrical Items`, `WEEE`, `High Temperature Disposal Waste` and its `... with Energy
//!     Recovery`, `Non Burn Treatment Disposal Waste`, `Commercial and industrial waste`,
//!     `Landfill disposal waste`, `Incineration`, `Clinical waste`.
//!   - 6, business travel: `Flights`, `WTT - Flights`, `Air - Domestic`, `Air - Short Haul
//!     International Flights`, `Air - Long Haul International Flights`, `Cars (by size)`, `WTT -
//!     cars (by size)`, `Road`, `Rail`, `WTT - rail`, `Bus`, `Bus - WTT`, `Taxi`, `Taxi - WTT`.
//!   - The SDU's own spend rows, `SDU - Trust`, `SDU - Care org` and `SDU - CCG`, by `name`:
//!     `Freight transport` 4, `Waste products and recycling` 5, `Business Travel and fleet` 6,
//!     and 1 for the rest (business services, construction, food and catering, ICT,
//!     manufactured fuels chemicals and gases, medical instruments, other manufactured
//!     products, other procurement, paper products, pharmaceuticals, water and sanitation,
//!     commissioned health and social care services).
//!
//!   WTT and T&D of energy used in scopes 1 and 2 are category 3 (fuel- and energy-related
//!   activities). The WTT of business travel is 6 with the travel: the engine files a linked
//!   upstream line in its activity's category anyway, but a WTT factor used on its own needs
//!   one. An EV's WTT is 3 because the file puts the EV itself in scope 2. The SDU's spend rows
//!   are the only ones the table reads by name; construction stays 1 (it would be 2, capital
//!   goods, for capital spend, which only the user can tell) and water and sanitation 1 (a
//!   purchased utility service; the figure does not split off sewerage, which alone would be
//!   5). A row with no value in a year (eClass L and X,
//!   `-1`) gets no category either.
//! - Units: `kWH` is kWh, `£` GBP, `pkm` passenger.km, `litre` litres.
//! - Tonnes: the five `Anaesthetic Gases` rows ([`TONNE_CATEGORIES`]) are in tonnes CO2e per
//!   litre while every other row is kg (desflurane 3.7211 = 1.465 kg/L x GWP 2540 / 1000), so
//!   their values are multiplied by 1,000, exactly, and the note keeps the source figure. The
//!   litre is one of liquid agent for desflurane, isoflurane and sevoflurane, and one of gas for
//!   nitrous oxide and Entonox (0.559 kg per litre is about 1.9 g of N2O x GWP 298).
//! - No value is negative except `-1` in two procurement rows (eClass L "Fuel Light Power &
//!   Water" and X "Transportation", every year). That is not a credit: spend on fuel, power,
//!   water and transport is counted from activity data, and `-1` marks the category as not to
//!   be used. Those factors are `published = false`, the `-1` kept in the note.
//! - Upstream links: only the pairs the file itself sets side by side (a factor and its WTT,
//!   T&D or distribution-loss rows), listed in [`LINKS`].
//! - The unnamed trailing columns hold stray worksheet figures unrelated to the factors and
//!   are ignored.

use super::slug;
use crate::factors::model::{Factor, FactorSet, Scope, SetHeader, SetKind};
use crate::factors::sha256_hex;
use crate::num::parse_decimal;
use crate::units::parse_unit;
use crate::{Error, Position, Result};
use rust_decimal::Decimal;
use std::collections::HashSet;

/// The financial years the file covers.
pub const YEARS: [&str; 14] = [
    "2007-08", "2008-09", "2009-10", "2010-11", "2011-12", "2012-13", "2013-14", "2014-15",
    "2015-16", "2016-17", "2017-18", "2018-19", "2019-20", "2020-21",
];

/// A factor's (category, name) and those of its upstream factors.
pub type LinkTable<'a> = &'a [((&'a str, &'a str), &'a [(&'a str, &'a str)])];

/// (factor, upstream factors) by (category, name), as the file pairs them.
pub const LINKS: LinkTable<'static> = &[
    (
        ("Electricity generated", "Electricity: UK"),
        &[
            ("T&D- UK electricity", "Electricity: UK TD"),
            ("WTT- UK electricity (generation)", "Electricity: UK WTT"),
            ("WTT- UK electricity (T&D)", "Electricity: UK TD WTT"),
        ],
    ),
    (
        ("Heat and steam", "Onsite heat and steam"),
        &[("WTT- heat and steam", "Onsite heat and steam")],
    ),
    (
        ("Heat and steam", "District heat and steam"),
        &[
            ("WTT- heat and steam", "District heat and steam"),
            ("Distribution - district heat & steam", "5% loss"),
            ("WTT- district heat & steam distribution", "5% loss"),
        ],
    ),
    (
        ("Gaseous fuels", "Natural gas"),
        &[("WTT - gaseous fuels", "Natural gas WTT")],
    ),
    (
        ("Liquid fuels", "Fuel oil"),
        &[("WTT - liquid fuels", "Fuel oil WTT")],
    ),
    (
        ("Solid fuels", "Coal (industrial)"),
        &[("WTT - solid fuels", "Coal (industrial) WTT")],
    ),
    (
        ("Biomass", "Wood logs"),
        &[("WTT - biomass", "Wood logs WTT")],
    ),
    (
        ("Biomass", "Wood chips"),
        &[("WTT - biomass", "Wood chips WTT")],
    ),
    (
        ("Biomass", "Wood pellets"),
        &[("WTT - biomass", "Wood pellets WTT")],
    ),
    (
        ("Flights", "Domestic Flight"),
        &[("WTT - Flights", "Domestic Flight WTT")],
    ),
    (
        ("Flights", "Short Haul"),
        &[("WTT - Flights", "Short Haul WTT")],
    ),
    (
        ("Flights", "Long Haul"),
        &[("WTT - Flights", "Long Haul WTT")],
    ),
    (
        ("Cars (by size)", "Car average size"),
        &[("WTT - cars (by size)", "Car WTT average size")],
    ),
    (
        ("Rail", "National rail"),
        &[("WTT - rail", "National rail WTT")],
    ),
    (("Bus", "Local Bus"), &[("Bus - WTT", "Local Bus WTT")]),
    (("Taxi", "Taxi"), &[("Taxi - WTT", "Taxi WTT")]),
    (
        ("Battery EV", "Average car"),
        &[("Battery EV", "Average car - WTT")],
    ),
    (
        ("Plug in hybrid EV", "Average car"),
        &[("Plug in hybrid EV", "Average car - WTT")],
    ),
    (
        (
            "Average Battery and Plugin Hybrid EV",
            "Average Battery and Plugin Hybrid EV",
        ),
        &[(
            "Average Battery and Plugin Hybrid EV WTT",
            "Average Battery and Plugin Hybrid EV WTT",
        )],
    ),
    (
        ("Liquid fuels", "Petrol direct"),
        &[("WTT- Liquid fuels", "Petrol WTT")],
    ),
    (
        ("Liquid fuels", "Diesel direct"),
        &[("WTT- Liquid fuels", "Diesel WTT")],
    ),
    (
        (
            "Electrical export (gas fired CHP)",
            "Elec exported (gas fired CHP)",
        ),
        &[(
            "Electrical export (gas fired CHP) WTT",
            "Elect exported (gas fired CHP) WTT",
        )],
    ),
];

/// Categories whose rows the file gives in tonnes CO2e per unit, not kg.
pub const TONNE_CATEGORIES: [&str; 1] = ["Anaesthetic Gases"];

/// The SDU's own spend rows (kg CO2e per £ by procurement group), one block per kind of
/// organisation; categorised by `name`.
const SDU_SPEND: [&str; 3] = ["SDU - Trust", "SDU - Care org", "SDU - CCG"];

/// GHG Protocol scope 3 category (1-15) of a scope 3 row, from its `category` column (and for
/// [`SDU_SPEND`] rows its `name`); `None` for one the table (in the module doc) does not know.
pub fn category(category: &str, name: &str) -> Option<u8> {
    if SDU_SPEND.contains(&category) {
        return Some(match name {
            "Freight transport" => 4,
            "Waste products and recycling" => 5,
            "Business Travel and fleet" => 6,
            "Business services"
            | "Construction"
            | "Food and catering"
            | "Information and communication technologies"
            | "Manufactured fuels chemicals and gases"
            | "Medical Instruments /equipment"
            | "Other manufactured products"
            | "Other procurement"
            | "Paper products"
            | "Pharmaceuticals"
            | "Water and sanitation"
            | "Commissioned health and social care services" => 1,
            _ => return None,
        });
    }
    if category
        .strip_prefix("Procurement eClass - Category ")
        .is_some_and(|c| c.len() == 1 && c.bytes().all(|b| b.is_ascii_uppercase()))
    {
        return Some(1);
    }
    Some(match category {
        "Water supply" | "Mains Water" | "Paper" => 1,
        "T&D- UK electricity"
        | "WTT- UK electricity (generation)"
        | "WTT- UK electricity (T&D)"
        | "WTT- heat and steam"
        | "Distribution - district heat & steam"
        | "WTT- district heat & steam distribution"
        | "WTT - gaseous fuels"
        | "WTT - liquid fuels"
        | "WTT - solid fuels"
        | "WTT - biomass"
        | "WTT- Liquid fuels"
        | "Electrical export (gas fired CHP) WTT"
        | "Battery EV"
        | "Plug in hybrid EV"
        | "Average Battery and Plugin Hybrid EV WTT" => 3,
        "Water treatment"
        | "Drains waste water"
        | "Disposal Method"
        | "Waste Recycling"
        | "Preparing for re-use"
        | "Refuse"
        | "Composted"
        | "Electrical Items"
        | "WEEE"
        | "High Temperature Disposal Waste with Energy Recovery"
        | "High Temperature Disposal Waste"
        | "Non Burn Treatment Disposal Waste"
        | "Commercial and industrial waste"
        | "Landfill disposal waste"
        | "Incineration"
        | "Clinical waste" => 5,
        "Flights"
        | "WTT - Flights"
        | "Air - Domestic"
        | "Air - Short Haul International Flights"
        | "Air - Long Haul International Flights"
        | "Cars (by size)"
        | "WTT - cars (by size)"
        | "Road"
        | "Rail"
        | "WTT - rail"
        | "Bus"
        | "Bus - WTT"
        | "Taxi"
        | "Taxi - WTT" => 6,
        _ => return None,
    })
}

/// The key of a (category, name) pair before de-duplication.
pub fn sdu_key(category: &str, name: &str) -> String {
    format!("{}/{}", slug(category), slug(name))
}

/// The set's path under `factors/` for a financial year `2016-17`.
pub fn set_path(fy: &str) -> String {
    format!("nhs-sdu/{fy}.toml")
}

struct SduRow {
    line: u64,
    key: String,
    category: String,
    name: String,
    unit: crate::units::Unit,
    scope: Scope,
    /// GHG Protocol scope 3 category, for scope 3 rows.
    ghg_category: Option<u8>,
    values: Vec<String>,
    comments: String,
}

/// Builds the 14 sets, in year order, with the number of upstream links each carries.
pub fn build(file: &str, bytes: &[u8]) -> Result<Vec<(FactorSet, usize)>> {
    build_with(file, bytes, LINKS)
}

fn build_with(file: &str, bytes: &[u8], table: LinkTable<'_>) -> Result<Vec<(FactorSet, usize)>> {
    let rows = read(file, bytes)?;
    let sha = sha256_hex(bytes);
    let mut sets = Vec::with_capacity(YEARS.len());
    for (y, fy) in YEARS.iter().enumerate() {
        let mut factors = Vec::with_capacity(rows.len());
        for r in &rows {
            let raw = r.values.get(y).map(String::as_str).unwrap_or("");
            let at = Position::new(file, r.line, 5 + y as u64);
            let (value, mut note) = if raw.is_empty() {
                (None, String::new())
            } else if raw == "-1" {
                (None, "source value -1, taken as a marker that the category is not to be used (the SDU counts energy, water and transport from activity data)".to_string())
            } else {
                let v = parse_decimal(raw)
                    .map_err(|e| Error::bad_value(at.clone(), *fy, raw, e.describe()))?;
                if v.is_sign_negative() && !v.is_zero() {
                    return Err(Error::bad_value(
                        at,
                        *fy,
                        raw,
                        "zero or more, or -1 (not to be used)",
                    ));
                }
                if TONNE_CATEGORIES.contains(&r.category.as_str()) {
                    let kg = v
                        .checked_mul(Decimal::ONE_THOUSAND)
                        .ok_or_else(|| Error::overflow(at, "tonnes to kg"))?
                        .normalize();
                    (
                        Some(kg),
                        format!(
                            "source value {raw} t CO2e per {} (this category is in tonnes; x 1000 to kg)",
                            r.unit.name.trim_end_matches('s')
                        ),
                    )
                } else {
                    (Some(v), String::new())
                }
            };
            if !r.comments.is_empty() {
                if !note.is_empty() {
                    note.push_str("; ");
                }
                note.push_str(&r.comments);
            }
            factors.push(Factor {
                key: r.key.clone(),
                id: None,
                scope: r.scope,
                // No value, no category: a factor nobody can use is filed nowhere.
                category: value.and(r.ghg_category),
                labels: vec![r.category.clone(), r.name.clone()],
                column: String::new(),
                unit: r.unit,
                kg_co2e: value,
                gases: Vec::new(),
                upstream: Vec::new(),
                outside: Vec::new(),
                note,
                line: r.line,
                gwp: None,
            });
        }
        let links = add_links(file, &rows, &mut factors, table)?;
        let header = header(fy, file, &sha, rows.len());
        sets.push((
            FactorSet::new(header, factors, String::new(), String::new()),
            links,
        ));
    }
    Ok(sets)
}

fn read(file: &str, bytes: &[u8]) -> Result<Vec<SduRow>> {
    let mut rdr = csv::ReaderBuilder::new().flexible(true).from_reader(bytes);
    let csv_err = |e: csv::Error| {
        let line = e.position().map_or(0, |p| p.line());
        Error::malformed(Position::new(file, line, 0), format!("not valid CSV: {e}"))
    };
    let headers = rdr.headers().map_err(csv_err)?.clone();
    let expected: Vec<&str> = ["category", "name", "unit", "scope"]
        .into_iter()
        .chain(YEARS)
        .chain(["comments"])
        .collect();
    for (i, name) in expected.iter().enumerate() {
        let got = headers.get(i).unwrap_or("").trim_start_matches('\u{feff}');
        if got != *name {
            return Err(Error::malformed(
                Position::new(file, 1, i as u64 + 1),
                format!(
                    "column {} is {got:?}, expected {name:?}; the SDU file has: {}",
                    i + 1,
                    expected.join(", ")
                ),
            ));
        }
    }
    let mut used = HashSet::new();
    // Categories with a derived-total (N/A) row, so a twin total elsewhere in the file is
    // read the same way rather than as a usable scope 1 factor.
    let mut total_categories: HashSet<String> = HashSet::new();
    let mut rows = Vec::new();
    for rec in rdr.records() {
        let rec = rec.map_err(csv_err)?;
        let line = rec.position().map_or(0, |p| p.line());
        let get = |i: usize| rec.get(i).unwrap_or("").trim();
        let at = |i: usize| Position::new(file, line, i as u64 + 1);
        let (category, name) = (get(0), get(1));
        if category.is_empty() && name.is_empty() {
            continue;
        }
        let unit = parse_unit(get(2)).ok_or_else(|| {
            Error::bad_value(
                at(2),
                "unit",
                get(2),
                "kWh, kWH, £, pkm, km, litre(s), tonnes or cubic metres",
            )
        })?;
        let mut scope = Scope::parse(get(3))
            .ok_or_else(|| Error::bad_value(at(3), "scope", get(3), "1, 2, 3, N/A or Outside"))?;
        if scope == Scope::Total {
            total_categories.insert(category.to_ascii_lowercase());
        } else if name.to_ascii_lowercase().ends_with(" total")
            && total_categories.contains(&category.to_ascii_lowercase())
        {
            scope = Scope::Total;
        }
        let ghg_category = match scope {
            Scope::Three => Some(self::category(category, name).ok_or_else(|| {
                Error::bad_value(
                    at(0),
                    "category",
                    category,
                    "a scope 3 category listed in the table of src/importer/sdu.rs \
                     (add the row's GHG Protocol category there)",
                )
            })?),
            _ => None,
        };
        let key = super::unique_key(sdu_key(category, name), &mut used);
        rows.push(SduRow {
            line,
            key,
            category: category.to_string(),
            name: name.to_string(),
            unit,
            scope,
            ghg_category,
            values: (4..4 + YEARS.len()).map(|i| get(i).to_string()).collect(),
            comments: get(4 + YEARS.len()).to_string(),
        });
    }
    Ok(rows)
}

fn add_links(
    file: &str,
    rows: &[SduRow],
    factors: &mut [Factor],
    table: LinkTable<'_>,
) -> Result<usize> {
    let find = |(c, n): (&str, &str)| -> Result<usize> {
        let hits: Vec<usize> = rows
            .iter()
            .enumerate()
            .filter(|(_, r)| r.category == c && r.name == n)
            .map(|(i, _)| i)
            .collect();
        match hits.as_slice() {
            [i] => Ok(*i),
            _ => Err(Error::malformed(
                Position::new(file, 0, 0),
                format!(
                    "upstream table: {c:?} / {n:?} matches {} rows, not one",
                    hits.len()
                ),
            )),
        }
    };
    let mut links = 0;
    for (from, tos) in table {
        let i = find(*from)?;
        for to in *tos {
            let j = find(*to)?;
            if factors[i].kg_co2e.is_some() && factors[j].kg_co2e.is_some() {
                let key = factors[j].key.clone();
                factors[i].upstream.push(key);
                links += 1;
            }
        }
    }
    Ok(links)
}

fn header(fy: &str, file: &str, sha: &str, rows: usize) -> SetHeader {
    let start: u16 = fy.get(..4).and_then(|y| y.parse().ok()).unwrap_or(0);
    let period = format!("{start}/{}", fy.get(5..).unwrap_or(""));
    SetHeader {
        id: format!("nhs-sdu-{fy}"),
        publisher: "NHS Sustainable Development Unit".to_string(),
        edition: start,
        version: String::new(),
        period: period.clone(),
        valid_from: format!("{start}-04-01"),
        valid_to: format!("{}-03-31", start + 1),
        title: format!("NHS Sustainable Development Unit carbon factors, financial year {period}"),
        url: String::new(),
        licence: "Open Government Licence v3.0".to_string(),
        gwp: "unstated".to_string(),
        kind: Some(SetKind::Activity),
        currency: None,
        price_year: None,
        source_file: file.to_string(),
        source_sha256: sha.to_string(),
        source_rows: Some(rows as u64),
        published_dp: None,
        quality: None,
        notes: [
            format!(
                "Source: the SDU's sustainability-reporting carbon factors, one column per NHS financial \
                 year (April to March); this set is column {fy}. The file gives no publication URL or \
                 GWP basis; its energy and travel rows follow the UK Government conversion factors of \
                 the time, its anaesthetic-gas and procurement rows are the SDU's own. Edition is the \
                 first calendar year of the financial year."
            ),
            "Scope: N/A rows are the file's derived totals of the rows above them (scope total, not \
             for direct use with their parts); Outside is biogenic CO2 outside the scopes. The file gives \
             no scope 3 category; ghg assigns one by the row's category column: water supply, paper \
             and procurement eClass 1; WTT, T&D and distribution losses of electricity, heat and \
             fuels (and EV WTT, the EVs being scope 2) 3; water treatment and every waste and \
             disposal row, clinical waste included, 5; flights, cars, rail, bus and taxi with their \
             WTT and totals 6. The SDU's own spend rows (SDU - Trust, Care org, CCG) by name: \
             freight transport 4, waste products and recycling 5, business travel and fleet 6, the \
             rest 1 (construction would be 2 for capital spend). Table in src/importer/sdu.rs."
                .to_string(),
            "Keys: slug(category)/slug(name), the same in every year; repeated pairs get --2. \
             Procurement categories L (Fuel Light Power & Water) and X (Transportation) read -1 in every \
             year; taken as a marker that the category is not to be used (energy, water and transport \
             are counted from activity data), not as a negative factor: published = false. £ factors are per GBP at the prices of the year (no price year is given)."
                .to_string(),
            "Anaesthetic gases: the file gives these five rows in tonnes CO2e per litre (every other row \
             is kg); ghg multiplies them by 1,000 (desflurane 3.7211 t = 3,721.1 kg per litre of liquid, \
             1.465 kg/L x GWP 2540). Per litre of liquid agent for desflurane, isoflurane and \
             sevoflurane; per litre of gas for nitrous oxide and Entonox. The source figure is in each \
             factor's note."
                .to_string(),
            "Upstream links: only factors the file pairs with their WTT, T&D or distribution-loss rows \
             (table in src/importer/sdu.rs)."
                .to_string(),
        ]
        .join("\n"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn csv() -> String {
        let years = YEARS.join(",");
        let vals = |v: &str| vec![v; 14].join(",");
        format!(
            "category,name,unit,scope,{years},comments,,\n\
             Electricity generated,Electricity: UK,kWh,2,{},,1,\n\
             T&D- UK electricity,Electricity: UK TD,kWh,3,{},,,\n\
             WTT- UK electricity (generation),Electricity: UK WTT,kWh,3,{},,,\n\
             WTT- UK electricity (T&D),Electricity: UK TD WTT,kWh,3,{},,,\n\
             Electricity from Grid,Electricity UK total,kWH,N/A,{},note,,\n\
             Procurement eClass - Category L,Fuel Light Power & Water,£,3,{},,,\n\
             Disposal Method,Closed Loop or Open Loop,tonnes,3,{},a,,\n\
             Disposal Method,Closed Loop or Open Loop,tonnes,3,{},b,,\n",
            vals("0.23314"),
            vals("0.02005"),
            vals("0.03217"),
            vals("0.00277"),
            vals("0.28813"),
            vals("-1"),
            vals("21"),
            vals("21")
        )
    }

    #[test]
    fn rows_become_factors_in_every_year() {
        let file = csv();
        let rows = read("c.csv", file.as_bytes()).unwrap();
        let keys: Vec<&str> = rows.iter().map(|r| r.key.as_str()).collect();
        assert_eq!(keys[0], "electricity-generated/electricity-uk");
        assert_eq!(keys[6], "disposal-method/closed-loop-or-open-loop");
        assert_eq!(keys[7], "disposal-method/closed-loop-or-open-loop--2");
        assert_eq!(rows[4].scope, Scope::Total);
        assert_eq!(rows[4].unit.name, "kWh");
        assert_eq!(rows[5].unit.name, "GBP");
    }

    #[test]
    fn minus_one_is_not_published_and_links_follow_the_table() {
        let table: LinkTable<'_> = &[(
            ("Electricity generated", "Electricity: UK"),
            &[
                ("T&D- UK electricity", "Electricity: UK TD"),
                ("WTT- UK electricity (T&D)", "Electricity: UK TD WTT"),
            ],
        )];
        let sets = build_with("c.csv", csv().as_bytes(), table).unwrap();
        assert_eq!(sets.len(), 14);
        let (set, links) = &sets[9];
        assert_eq!(set.header.id, "nhs-sdu-2016-17");
        assert_eq!(set.header.period, "2016/17");
        assert_eq!(
            (set.header.valid_from.as_str(), set.header.valid_to.as_str()),
            ("2016-04-01", "2017-03-31")
        );
        assert_eq!(*links, 2);
        let elec = set.get("electricity-generated/electricity-uk").unwrap();
        assert_eq!(
            elec.upstream,
            [
                "t-d-uk-electricity/electricity-uk-td",
                "wtt-uk-electricity-t-d/electricity-uk-td-wtt"
            ]
        );
        let l = set
            .get("procurement-eclass-category-l/fuel-light-power-water")
            .unwrap();
        assert_eq!(l.kg_co2e, None);
        assert!(l.note.starts_with("source value -1"));
        let missing: LinkTable<'_> = &[(("Nope", "Nope"), &[])];
        assert!(build_with("c.csv", csv().as_bytes(), missing).is_err());
    }

    #[test]
    fn scope_3_rows_get_their_ghg_protocol_category() {
        let sets = build_with("c.csv", csv().as_bytes(), &[]).unwrap();
        let set = &sets[9].0;
        let cat = |key: &str| set.get(key).unwrap().category;
        assert_eq!(cat("electricity-generated/electricity-uk"), None);
        assert_eq!(cat("t-d-uk-electricity/electricity-uk-td"), Some(3));
        assert_eq!(cat("wtt-uk-electricity-t-d/electricity-uk-td-wtt"), Some(3));
        assert_eq!(cat("electricity-from-grid/electricity-uk-total"), None);
        assert_eq!(cat("disposal-method/closed-loop-or-open-loop--2"), Some(5));
        // -1: no value, so no category.
        assert_eq!(
            cat("procurement-eclass-category-l/fuel-light-power-water"),
            None
        );
        assert_eq!(category("Water supply", "Water supply"), Some(1));
        assert_eq!(category("Clinical waste", "Clinical waste"), Some(5));
        assert_eq!(category("WTT - Flights", "Long Haul WTT"), Some(6));
        assert_eq!(
            category("Procurement eClass - Category A", "Provisions"),
            Some(1)
        );
        assert_eq!(category("SDU - CCG", "Freight transport"), Some(4));
        assert_eq!(
            category("SDU - Trust", "Business Travel and fleet"),
            Some(6)
        );
        assert_eq!(category("SDU - Trust", "Something new"), None);
    }

    #[test]
    fn anaesthetic_gases_are_tonnes_in_the_file_and_kg_in_the_set() {
        let text = format!(
            "{}Anaesthetic Gases,Desflurane,litre,1,{},SDU carbon work on anaesthetic gases,,\n\
             Anaesthetic Gases,Nitrous oxide,litre,1,{},,,\n",
            csv(),
            vec!["3.7211"; 14].join(","),
            vec!["0.000559"; 14].join(",")
        );
        let sets = build_with("c.csv", text.as_bytes(), &[]).unwrap();
        let set = &sets[9].0;
        let des = set.get("anaesthetic-gases/desflurane").unwrap();
        // 1.465 kg/L x GWP 2540 = 3721.1 kg CO2e per litre of liquid desflurane.
        assert_eq!(des.kg_co2e.unwrap().to_string(), "3721.1");
        assert_eq!(des.scope, Scope::One);
        assert_eq!(
            des.note,
            "source value 3.7211 t CO2e per litre (this category is in tonnes; x 1000 to kg); \
             SDU carbon work on anaesthetic gases"
        );
        let n2o = set.get("anaesthetic-gases/nitrous-oxide").unwrap();
        assert_eq!(n2o.kg_co2e.unwrap().to_string(), "0.559");
        // Every other row stays as the file gives it, in kg.
        let elec = set.get("electricity-generated/electricity-uk").unwrap();
        assert_eq!(elec.kg_co2e.unwrap().to_string(), "0.23314");
    }

    #[test]
    fn a_scope_3_row_the_table_does_not_know_stops_the_import() {
        let text = format!(
            "{}Teleporting,Per jump,km,3,{},,,\n",
            csv(),
            vec!["1"; 14].join(",")
        );
        let e = build_with("c.csv", text.as_bytes(), &[])
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("c.csv:10:1: category: \"Teleporting\""),
            "{e}"
        );
        // The same row in scope 1 needs no category.
        let text = text.replace("Per jump,km,3,", "Per jump,km,1,");
        assert!(build_with("c.csv", text.as_bytes(), &[]).is_ok());
    }

    #[test]
    fn a_twin_of_a_derived_total_is_a_derived_total_too() {
        let vals = |v: &str| vec![v; 14].join(",");
        let text = format!(
            "{}Electricity from Grid,Electricity from Grid total,kWh,1,{},,,\n\
             Mains Water,Mains water total,cubic metres,3,{},,,\n",
            csv(),
            vals("0.28813"),
            vals("0.344")
        );
        let rows = read("c.csv", text.as_bytes()).unwrap();
        // It reads 1 in the file but gives the figures of its twin `Electricity UK total`
        // (N/A); a total in a category with no N/A row (mains water) keeps the file's scope.
        assert_eq!(
            rows[8].key,
            "electricity-from-grid/electricity-from-grid-total"
        );
        assert_eq!(rows[8].scope, Scope::Total);
        assert_eq!(rows[9].scope, Scope::Three);
    }
}
