//! DESNZ flat-file rows to a factor set: header, keys, GHG Protocol scope 3 categories and
//! upstream links, so that the engine adds well-to-tank and T&D lines by itself.
//!
//! Scope 3 categories, by level 1 (scope 3 factors only):
//! - `WTT- business travel- air`, `- sea` -> 6, with the travel they are the upstream of.
//! - Other `WTT- ...`, `Transmission and distribution`, `UK electricity T&D for EVs` -> 3, fuel-
//!   and energy-related activities. `WTT- pass vehs & travel- land` and `WTT- delivery vehs &
//!   freight` serve both owned vehicles (scope 1, whose WTT is category 3) and business travel
//!   or freight; the engine files an upstream line with the scope 3 activity it belongs to.
//! - `Water supply`, `Material use` -> 1, purchased goods and services.
//! - `Freighting goods` -> 4, upstream transportation.
//! - `Water treatment`, `Waste disposal` -> 5, waste.
//! - `Business travel- air/land/sea`, `Hotel stay` -> 6, business travel.
//! - `Homeworking` -> 7, employee commuting (where the GHG Protocol puts teleworking).
//! - `Managed assets- electricity/vehicles` -> 8, upstream leased assets: DESNZ describes
//!   them as electricity used "at a site or in an asset not directly owned or operated by the
//!   reporting organisation" and vehicles "used by a reporting organisation, but not owned",
//!   which is the lessee's category 8, not the lessor's 13.
//!
//! Upstream links (only from a published factor to a published twin with the same unit):
//! - `Fuels`, `Bioenergy` -> their `WTT- fuels`, `WTT- bioenergy` twin (same level 2-4 and unit);
//! - `Passenger vehicles`, `Business travel- land` -> `WTT- pass vehs & travel- land`;
//!   `Business travel- air`, `- sea` -> their WTT; `Delivery vehicles`, `Freighting goods` ->
//!   `WTT- delivery vehs & freight`; `Heat and steam` -> `WTT- heat and steam`;
//! - `UK electricity for EVs` -> `UK electricity T&D for EVs`, and for battery electric vehicles
//!   also the WTT twin. A battery electric vehicle's scope 1 factor is zero, so its WTT (which
//!   covers the electricity) hangs on the electricity factor; a plug-in hybrid's WTT covers
//!   fuel and electricity and hangs on its scope 1 factor, which every PHEV user records. Either
//!   way a vehicle's WTT is counted once.
//! - `UK electricity` and `Managed assets- electricity` (Electricity: UK) -> T&D, WTT of
//!   generation and WTT of T&D (DESNZ's guidance for both sheets asks for T&D and WTT);
//! - district heat and steam -> also the 5% distribution loss and its WTT.
//!
//! Outside-of-scopes links (`outside`): a forecourt biofuel blend (`Diesel (average biofuel
//! blend)`) and each `Bioenergy` factor -> its `Outside of scopes` twin, the biogenic CO2 the
//! GHG Protocol asks to be reported apart from scopes 1-3 (same level 3, column and unit).

use super::desnz_match::{assign_keys, norm_path, MatchReport, NormPath};
use super::desnz_read::DesnzRow;
use crate::factors::model::{Factor, FactorSet, Scope, SetHeader, SetKind};
use crate::units::parse_unit;
use crate::{Error, Position, Result};
use rust_decimal::Decimal;
use std::collections::{BTreeMap, HashMap};

/// What goes into a DESNZ set besides its rows.
#[derive(Clone, Debug, Default)]
pub struct DesnzInput {
    /// Edition year.
    pub year: u16,
    /// The factors, as read.
    pub rows: Vec<DesnzRow>,
    /// The file the rows were read from, for messages.
    pub rows_file: String,
    /// The publisher's workbook (or, lacking it, the CSV) named in the header.
    pub source_file: String,
    /// SHA-256 of that file.
    pub source_sha256: String,
    /// The workbook's front-page version, if known.
    pub version: String,
    /// How the values were read, for the notes ("from the workbook's cells ...").
    pub values_from: String,
}

/// A built set and how it was keyed and linked.
#[derive(Clone, Debug)]
pub struct DesnzOutput {
    /// The set.
    pub set: FactorSet,
    /// How its keys were found.
    pub matching: MatchReport,
    /// Its upstream links.
    pub links: LinkReport,
}

/// Upstream links made in one edition.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LinkReport {
    /// The edition.
    pub year: u16,
    /// Factors with at least one link.
    pub factors: usize,
    /// Links in all.
    pub links: usize,
    /// Links by rule.
    pub by_rule: BTreeMap<&'static str, usize>,
    /// Twins looked for and not found.
    pub missing: usize,
    /// Twins found but with no published value (not linked).
    pub unpublished: usize,
    /// Twins found more than once (not linked).
    pub ambiguous: usize,
    /// Factors linked to their outside-of-scopes (biogenic CO2) twin.
    pub outside: usize,
}

/// Who published an edition: Defra to 2019, BEIS 2020-2022, DESNZ from 2023.
pub fn publisher(year: u16) -> &'static str {
    match year {
        ..=2019 => "Defra",
        2020..=2022 => "BEIS",
        _ => "DESNZ",
    }
}

/// The set's path under `factors/`.
pub fn set_path(year: u16) -> String {
    format!("desnz/{year}.toml")
}

/// The IPCC assessment whose 100-year GWPs an edition uses, and the evidence.
fn gwp(year: u16) -> (&'static str, Decimal, Decimal, String) {
    if year <= 2022 {
        (
            "AR4",
            Decimal::from(25),
            Decimal::from(298),
            "AR4. The flat file states no basis; the set's own Kyoto-gas factors are the IPCC AR4 \
             100-year GWPs (methane 25, nitrous oxide 298, HFC-134a 1430, SF6 22800 kg CO2e per kg), \
             checked for methane and nitrous oxide when the set is generated."
                .to_string(),
        )
    } else {
        let stated = if year >= 2024 {
            format!(
                " DESNZ states it in the Introduction sheet of the {year} full set \
                 (ghg-conversion-factors-{year}-full-set.xlsx): \"The GWPs used in the calculation of \
                 CO2e are based on the ... Fifth Assessment Report (AR5) over a 100-year period\"."
            )
        } else {
            " The 2023 flat file's front page refers to converting factors \"to AR5\" (version 1.1 \
             note); no 2023 guidance sheet is at hand to quote."
                .to_string()
        };
        (
            "AR5",
            Decimal::from(28),
            Decimal::from(265),
            format!(
                "AR5. The set's own Kyoto-gas factors are the IPCC AR5 100-year GWPs (methane 28, \
                 nitrous oxide 265, HFC-134a 1300, SF6 23500 kg CO2e per kg), checked for methane and \
                 nitrous oxide when the set is generated.{stated}"
            ),
        )
    }
}

/// GHG Protocol scope 3 category of a scope 3 factor, from its normalised level 1.
pub fn category(scope: Scope, level1_norm: &str) -> Option<u8> {
    if scope != Scope::Three {
        return None;
    }
    Some(match level1_norm {
        // Unambiguously business travel's own WTT; the other WTT sheets serve both a scope 1
        // use (own vehicles) and a scope 3 one, and the engine refiles them by the line they
        // are upstream of.
        "wttbusinesstravelair" | "wttbusinesstravelsea" => 6,
        l if l.starts_with("wtt") => 3,
        "transmissionanddistribution" | "ukelectricitytdforevs" => 3,
        "watersupply" | "materialuse" => 1,
        "freightinggoods" => 4,
        "watertreatment" | "wastedisposal" => 5,
        "businesstravelair" | "businesstravelland" | "businesstravelsea" | "hotelstay" => 6,
        "homeworking" => 7,
        "managedassetselectricity" | "managedassetsvehicles" => 8,
        _ => return None,
    })
}

fn to_factor(file: &str, year: u16, row: &DesnzRow) -> Result<Factor> {
    let pos = |field: u64| Position::new(file, row.line, field);
    let scope = Scope::parse(&row.scope).ok_or_else(|| {
        Error::bad_value(
            pos(0),
            "scope",
            &row.scope,
            "Scope 1, Scope 2, Scope 3 or Outside of Scopes",
        )
    })?;
    let unit = parse_unit(&row.unit).ok_or_else(|| {
        Error::bad_value(
            pos(0),
            "unit",
            &row.unit,
            format!(
                "a unit ghg knows ({}); add it to src/units.rs if the {year} edition introduced it",
                crate::units::known_unit_names().join(", ")
            ),
        )
    })?;
    let mut labels: Vec<String> = row.levels.to_vec();
    while labels.last().is_some_and(|l| l.is_empty()) {
        labels.pop();
    }
    let gases = [("co2", row.co2), ("ch4", row.ch4), ("n2o", row.n2o)]
        .into_iter()
        .filter_map(|(g, v)| v.map(|v| (g.to_string(), v)))
        .collect();
    Ok(Factor {
        key: String::new(),
        id: Some(row.factor_id.clone()).filter(|s| !s.is_empty()),
        scope,
        category: None,
        labels,
        column: row.column.clone(),
        unit,
        kg_co2e: row.kg_co2e,
        gases,
        upstream: Vec::new(),
        outside: Vec::new(),
        note: row.note.clone(),
        line: row.line,
        gwp: None,
    })
}

/// Checks the GWP basis against the set's own methane and nitrous oxide factors.
fn check_gwp(file: &str, year: u16, factors: &[Factor]) -> Result<()> {
    let (name, ch4, n2o, _) = gwp(year);
    for (gas, expected) in [("Methane", ch4), ("Nitrous oxide", n2o)] {
        let found: Vec<&Factor> = factors
            .iter()
            .filter(|f| {
                f.labels.first().is_some_and(|l| l == "Refrigerant & other")
                    && f.labels.get(2).is_some_and(|l| l == gas)
                    && (f.column.is_empty()
                        || f.column == "Emissions including only Kyoto products")
            })
            .collect();
        match found.as_slice() {
            [f] if f.kg_co2e == Some(expected) => {}
            [f] => {
                return Err(Error::bad_value(
                    Position::new(file, f.line, 0),
                    gas,
                    f.kg_co2e.map_or("none".into(), |v| v.to_string()),
                    format!(
                        "{expected}, the {name} GWP this importer records for the {year} edition"
                    ),
                ))
            }
            _ => {
                return Err(Error::malformed(
                    Position::new(file, 0, 0),
                    format!(
                        "cannot check the GWP basis: {} refrigerant rows for {gas}",
                        found.len()
                    ),
                ))
            }
        }
    }
    Ok(())
}

const TWINS: [(&str, &str); 10] = [
    ("fuels", "wttfuels"),
    ("bioenergy", "wttbioenergy"),
    ("passengervehicles", "wttpassvehstravelland"),
    ("businesstravelland", "wttpassvehstravelland"),
    ("businesstravelair", "wttbusinesstravelair"),
    ("businesstravelsea", "wttbusinesstravelsea"),
    ("deliveryvehicles", "wttdeliveryvehsfreight"),
    ("freightinggoods", "wttdeliveryvehsfreight"),
    ("heatandsteam", "wttheatandsteam"),
    ("ukelectricityforevs", "ukelectricitytdforevs"),
];

/// Level 2 labels that differ between a sheet and its WTT sheet, normalised.
fn twin_level2(l2: &str) -> &str {
    match l2 {
        "hgvsrefrigeratedalldiesel" => "hgvrefrigeratedalldiesel",
        other => other,
    }
}

/// The normalised paths a factor's upstream twins would have, with the rule's name.
fn upstream_targets(p: &NormPath) -> Vec<(&'static str, NormPath)> {
    let mut out = Vec::new();
    let (l1, l2, l3, column) = (p[1].as_str(), p[2].as_str(), p[3].as_str(), p[5].as_str());
    let with = |l1: &str, l2: &str, l3: &str| -> NormPath {
        let mut t = p.clone();
        t[0] = Scope::Three.as_str().to_string();
        t[1] = l1.to_string();
        t[2] = l2.to_string();
        t[3] = l3.to_string();
        t
    };
    let bev = column == "batteryelectricvehicle";
    if let Some((_, twin)) = TWINS.iter().find(|(from, _)| *from == l1) {
        let scope1_bev = bev && matches!(l1, "passengervehicles" | "deliveryvehicles");
        if !scope1_bev {
            let rule = if l1 == "ukelectricityforevs" {
                "EV electricity T&D"
            } else {
                "WTT twin"
            };
            out.push((rule, with(twin, twin_level2(l2), l3)));
        }
    }
    if l1 == "ukelectricityforevs" && bev {
        let wtt = if l2 == "vans" {
            "wttdeliveryvehsfreight"
        } else {
            "wttpassvehstravelland"
        };
        out.push(("EV electricity WTT", with(wtt, l2, l3)));
    }
    if matches!(l1, "ukelectricity" | "managedassetselectricity") && l3 == "electricityuk" {
        out.push((
            "electricity T&D",
            with("transmissionanddistribution", "tdukelectricity", l3),
        ));
        out.push((
            "electricity WTT",
            with("wttukelectricity", "ukelectricitygeneration", l3),
        ));
        out.push((
            "electricity WTT",
            with("wttukelectricity", "ukelectricitytd", l3),
        ));
    }
    if l1 == "heatandsteam" && l3 == "districtheatandsteam" {
        out.push((
            "district heat loss",
            with(
                "transmissionanddistribution",
                "distributiondistrictheatsteam",
                "5loss",
            ),
        ));
        out.push((
            "district heat loss",
            with("wttheatandsteam", "districtheatsteamdistribution", "5loss"),
        ));
    }
    out
}

/// The normalised path of a factor's outside-of-scopes twin (its biogenic CO2): a forecourt
/// biofuel blend's under `Forecourt fuels containing biofuel`, a bioenergy factor's under the
/// same level 2 (`Biofuel`, `Biomass`, `Biogas`); same level 3, 4, column and unit.
fn outside_target(p: &NormPath) -> Option<NormPath> {
    let l2 = match (p[1].as_str(), p[3].as_str()) {
        ("fuels", l3) if l3.contains("biofuelblend") => {
            "forecourtfuelscontainingbiofuel".to_string()
        }
        ("bioenergy", _) => p[2].clone(),
        _ => return None,
    };
    let mut t = p.clone();
    t[0] = Scope::Outside.as_str().to_string();
    t[1] = "outsideofscopes".to_string();
    t[2] = l2;
    Some(t)
}

/// Adds upstream links (see the module documentation) and counts them.
pub fn link(year: u16, factors: &mut [Factor]) -> LinkReport {
    let paths: Vec<NormPath> = factors.iter().map(norm_path).collect();
    let mut index: HashMap<&NormPath, Vec<usize>> = HashMap::new();
    for (i, p) in paths.iter().enumerate() {
        index.entry(p).or_default().push(i);
    }
    let mut report = LinkReport {
        year,
        ..LinkReport::default()
    };
    let mut planned: Vec<(usize, String)> = Vec::new();
    let mut planned_outside: Vec<(usize, String)> = Vec::new();
    for (i, p) in paths.iter().enumerate() {
        if factors[i].kg_co2e.is_none() {
            continue;
        }
        let mut any = false;
        for (rule, target) in upstream_targets(p) {
            match index.get(&target).map(Vec::as_slice) {
                None | Some([]) => report.missing += 1,
                Some([j]) if *j == i => report.missing += 1,
                Some([j]) if factors[*j].kg_co2e.is_none() => report.unpublished += 1,
                Some([j]) => {
                    planned.push((i, factors[*j].key.clone()));
                    *report.by_rule.entry(rule).or_default() += 1;
                    report.links += 1;
                    any = true;
                }
                Some(_) => report.ambiguous += 1,
            }
        }
        if any {
            report.factors += 1;
        }
        if let Some(target) = outside_target(p) {
            if let Some([j]) = index.get(&target).map(Vec::as_slice) {
                if factors[*j].value().is_some() {
                    planned_outside.push((i, factors[*j].key.clone()));
                }
            }
        }
    }
    for (i, key) in planned {
        if let Some(f) = factors.get_mut(i) {
            f.upstream.push(key);
        }
    }
    report.outside = planned_outside.len();
    for (i, key) in planned_outside {
        if let Some(f) = factors.get_mut(i) {
            f.outside.push(key);
        }
    }
    report
}

/// Builds the set for one edition. `later` are the keyed sets of later editions, nearest
/// first, used to key an edition without factor IDs.
pub fn build(input: &DesnzInput, later: &[&FactorSet]) -> Result<DesnzOutput> {
    let year = input.year;
    let mut factors = input
        .rows
        .iter()
        .map(|r| to_factor(&input.rows_file, year, r))
        .collect::<Result<Vec<_>>>()?;
    check_gwp(&input.rows_file, year, &factors)?;
    let matching = assign_keys(year, &mut factors, later);
    let mut uncategorised = 0usize;
    for f in &mut factors {
        let l1 = norm_path(f)[1].clone();
        f.category = category(f.scope, &l1);
        if f.scope == Scope::Three && f.category.is_none() {
            uncategorised += 1;
        }
    }
    if uncategorised > 0 {
        return Err(Error::usage(format!(
            "{}: {uncategorised} scope 3 factors have a level 1 with no GHG Protocol category in the importer's table (src/importer/desnz.rs)",
            input.rows_file
        )));
    }
    let links = link(year, &mut factors);
    let header = header(input, factors.len(), &matching, &links);
    let set = FactorSet::new(header, factors, String::new(), String::new());
    Ok(DesnzOutput {
        set,
        matching,
        links,
    })
}

fn header(input: &DesnzInput, n: usize, m: &MatchReport, l: &LinkReport) -> SetHeader {
    let year = input.year;
    let (gwp_name, _, _, gwp_note) = gwp(year);
    let url = format!("https://www.gov.uk/government/publications/greenhouse-gas-reporting-conversion-factors-{year}");
    let title =
        format!("UK Government GHG Conversion Factors for Company Reporting {year} (flat file)");
    let keys = if m.own_id == m.rows {
        "the DESNZ factor_id of each factor.".to_string()
    } else {
        format!(
            "the edition has no factor IDs; {} of {} factors take the key of the same factor in a later \
             edition, matched by label path (rules in src/importer/desnz_match.rs), and {} have a key \
             derived from their labels (listed in factors/desnz/MATCHING.md).",
            m.matched_total(),
            m.rows,
            m.unmatched.len()
        )
    };
    let version = if input.version.is_empty() {
        String::new()
    } else {
        format!(", front-page version {}", input.version)
    };
    let notes = [
        format!(
            "Source: {title}, published by {} at {url} under the Open Government Licence v3.0. \
             Workbook {} (sheet \"Factors by Category\"{version}); values {}. One factor per factor row \
             of the source ({n}); a row with no kg CO2e value is published = false and keeps the \
             publisher's text in note. The workbook's SECR kWh-per-unit rows are not emission factors \
             and are left out. For reporting in calendar year {year}.",
            publisher(year),
            input.source_file,
            input.values_from
        ),
        format!("GWP: {gwp_note}"),
        format!("Keys: {keys}"),
        "Scope 3 categories (GHG Protocol), by level 1: WTT- business travel- air and - sea 6; other \
         WTT- and T&D factors 3 (the engine files an upstream line with the scope 3 activity it \
         belongs to); Water supply and Material use 1; Freighting goods 4; \
         Water treatment and Waste disposal 5; Business travel and Hotel stay 6; Homeworking 7; \
         Managed assets 8 (upstream leased assets: DESNZ describes them as assets used but not owned \
         or operated by the reporting organisation)."
            .to_string(),
        format!(
            "Upstream links: {} factors carry {} links to their WTT, T&D and distribution-loss factors \
             (rules in src/importer/desnz.rs); a battery EV's WTT hangs on its electricity factor, \
             not its zero scope 1 factor. {} biofuel and bioenergy factors link to their outside-of-scopes \
             factor (biogenic CO2, published as CO2 only), reported apart from the scope totals.",
            l.factors, l.links, l.outside
        ),
    ]
    .join("\n");
    SetHeader {
        id: format!("desnz-{year}"),
        publisher: publisher(year).to_string(),
        edition: year,
        version: input.version.clone(),
        period: year.to_string(),
        valid_from: format!("{year}-01-01"),
        valid_to: format!("{year}-12-31"),
        title,
        url,
        licence: "Open Government Licence v3.0".to_string(),
        gwp: gwp_name.to_string(),
        kind: Some(SetKind::Activity),
        currency: None,
        price_year: None,
        source_file: input.source_file.clone(),
        source_sha256: input.source_sha256.clone(),
        source_rows: Some(n as u64),
        published_dp: Some(5),
        quality: None,
        notes,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(
        id: &str,
        scope: &str,
        levels: [&str; 4],
        column: &str,
        unit: &str,
        v: Option<&str>,
    ) -> DesnzRow {
        DesnzRow {
            line: 1,
            factor_id: id.into(),
            scope: scope.into(),
            levels: levels.map(str::to_string),
            column: column.into(),
            unit: unit.into(),
            kg_co2e: v.map(|v| v.parse().unwrap()),
            co2: None,
            ch4: None,
            n2o: None,
            note: String::new(),
        }
    }

    fn rows() -> Vec<DesnzRow> {
        vec![
            row(
                "1_100_1004_6",
                "Scope 1",
                ["Fuels", "Gaseous fuels", "Natural gas", ""],
                "",
                "kWh (Gross CV)",
                Some("0.18296"),
            ),
            row(
                "11_100_1004_6",
                "Scope 3",
                ["WTT- fuels", "Gaseous fuels", "Natural gas", ""],
                "",
                "kWh (Gross CV)",
                Some("0.03021"),
            ),
            row(
                "7_400_4000_5",
                "Scope 2",
                [
                    "UK electricity",
                    "Electricity generated",
                    "Electricity: UK",
                    "kWh",
                ],
                "",
                "kWh",
                Some("0.177"),
            ),
            row(
                "13_402_4000_5",
                "Scope 3",
                [
                    "Transmission and distribution",
                    "T&D- UK electricity",
                    "Electricity: UK",
                    "kWh",
                ],
                "",
                "kWh",
                Some("0.01853"),
            ),
            row(
                "15_917_4000_5",
                "Scope 3",
                [
                    "WTT- UK electricity",
                    "WTT- UK electricity (generation)",
                    "Electricity: UK",
                    "kWh",
                ],
                "",
                "kWh",
                Some("0.0459"),
            ),
            row(
                "15_918_4000_5",
                "Scope 3",
                [
                    "WTT- UK electricity",
                    "WTT- UK electricity (T&D)",
                    "Electricity: UK",
                    "kWh",
                ],
                "",
                "kWh",
                Some("0.00397"),
            ),
            row(
                "3_200_2000_3",
                "Scope 1",
                [
                    "Refrigerant & other",
                    "Kyoto protocol products",
                    "Methane",
                    "",
                ],
                "Emissions including only Kyoto products",
                "kg",
                Some("28"),
            ),
            row(
                "3_200_2001_3",
                "Scope 1",
                [
                    "Refrigerant & other",
                    "Kyoto protocol products",
                    "Nitrous oxide",
                    "",
                ],
                "Emissions including only Kyoto products",
                "kg",
                Some("265"),
            ),
            row(
                "4_301_3076_4",
                "Scope 1",
                ["Passenger vehicles", "Cars (by size)", "Average car", ""],
                "Battery Electric Vehicle",
                "km",
                Some("0"),
            ),
            row(
                "8_301_3076_4",
                "Scope 2",
                [
                    "UK electricity for EVs",
                    "Cars (by size)",
                    "Average car",
                    "",
                ],
                "Battery Electric Vehicle",
                "km",
                Some("0.03663"),
            ),
            row(
                "14_301_3076_4",
                "Scope 3",
                [
                    "UK electricity T&D for EVs",
                    "Cars (by size)",
                    "Average car",
                    "",
                ],
                "Battery Electric Vehicle",
                "km",
                Some("0.00384"),
            ),
            row(
                "26_904_3076_4",
                "Scope 3",
                [
                    "WTT- pass vehs & travel- land",
                    "WTT- cars (by size)",
                    "Average car",
                    "",
                ],
                "Battery Electric Vehicle",
                "km",
                Some("0.01049"),
            ),
            row(
                "1_100_1000_6",
                "Scope 1",
                ["Fuels", "Gaseous fuels", "Butane", ""],
                "",
                "kWh (Gross CV)",
                Some("0.22241"),
            ),
            row(
                "11_100_1000_6",
                "Scope 3",
                ["WTT- fuels", "Gaseous fuels", "Butane", ""],
                "",
                "kWh (Gross CV)",
                None,
            ),
        ]
    }

    #[test]
    fn links_categories_and_keys_of_a_small_edition() {
        let input = DesnzInput {
            year: 2025,
            rows: rows(),
            rows_file: "t.csv".into(),
            ..DesnzInput::default()
        };
        let out = build(&input, &[]).unwrap();
        let set = &out.set;
        let up = |k: &str| set.get(k).unwrap().upstream.clone();
        assert_eq!(up("1_100_1004_6"), ["11_100_1004_6"]);
        assert_eq!(
            up("7_400_4000_5"),
            ["13_402_4000_5", "15_917_4000_5", "15_918_4000_5"]
        );
        assert_eq!(up("8_301_3076_4"), ["14_301_3076_4", "26_904_3076_4"]);
        assert!(
            up("4_301_3076_4").is_empty(),
            "a BEV's scope 1 factor carries no WTT"
        );
        assert!(
            up("1_100_1000_6").is_empty(),
            "no link to an unpublished twin"
        );
        assert_eq!(out.links.unpublished, 1);
        assert_eq!(set.get("11_100_1004_6").unwrap().category, Some(3));
        assert_eq!(set.get("1_100_1004_6").unwrap().category, None);
        assert_eq!(set.header.gwp, "AR5");
        assert_eq!(set.header.publisher, "DESNZ");
    }

    #[test]
    fn a_gwp_that_disagrees_with_the_edition_is_an_error() {
        let mut rows = rows();
        rows[6].kg_co2e = Some(Decimal::from(25));
        let input = DesnzInput {
            year: 2025,
            rows,
            rows_file: "t.csv".into(),
            ..DesnzInput::default()
        };
        let e = build(&input, &[]).unwrap_err().to_string();
        assert!(e.contains("Methane: \"25\""), "{e}");
    }

    #[test]
    fn categories_follow_the_table() {
        assert_eq!(category(Scope::Three, "wttfuels"), Some(3));
        assert_eq!(category(Scope::Three, "hotelstay"), Some(6));
        assert_eq!(category(Scope::Three, "managedassetsvehicles"), Some(8));
        assert_eq!(category(Scope::Three, "homeworking"), Some(7));
        assert_eq!(category(Scope::One, "fuels"), None);
    }
}
