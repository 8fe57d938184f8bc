//! The clinical factor set `nhs-clinical` (anaesthetic gases and inhalers) and the GWP table
//! `factors/tables/gwp.toml`, from the shared data's `clinical/` folder and the NHS SDU file.
//!
//! - GWP table: the IPCC GWP100 (AR4, AR5, AR6) of each gas in
//!   `gwp100_anaesthetic_and_propellant_gases.csv`, as the file gives them (a value that is not
//!   a number, HFO-1234ze(E) AR5 `<1`, is left out and named in the source line).
//! - Anaesthetic gases, scope 1, on IPCC AR5 (the basis of the DESNZ 2023-2025 factors, so
//!   an inventory priced with them is on one basis); `--gwp` recomputes them on AR4 or AR6.
//!   - Desflurane, isoflurane, sevoflurane: per kg of agent (the GWP), per litre and per mL
//!     of liquid (density x GWP), per bottle (pack size x density x GWP). The density is the
//!     one the NHS SDU's factor implies with the GWP it used (the Association of Anaesthetists'
//!     values after Sulbaek Andersen et al. 2012): SDU kg CO2e per litre / GWP, which must come
//!     out exact (desflurane 3721.1 / 2540 = 1.465 kg/L). Bottle sizes are the openFDA ones.
//!   - Nitrous oxide: per kg (the GWP) and per litre of gas; Entonox (50:50 N2O/O2) per litre of
//!     gas. The shared data has no density of N2O gas: the per-litre figures are the SDU's
//!     (0.559 and 0.278 kg CO2e per litre at GWP 298) rebased to AR5, `x 265 / 298`, rounded at
//!     [`crate::factors::gwp::RATIO_DP`] places since the quotient does not terminate.
//!   - Not shipped, for want of data: volatile agents per litre of vapour (no vapour density),
//!     nitrous oxide per litre of liquid, Entonox per kg (no oxygen density or molar masses).
//! - Inhalers, scope 3 category 1, per device: by product, OpenPrescribing's kg CO2e per
//!   salbutamol inhaler keyed `salbutamol/<description>` with the BNF code as `id` (published
//!   as CO2e on an unstated basis, so `--gwp` leaves them alone); by class, Wilkinson et al.
//!   2019's footprint midpoint, which is propellant mass x GWP (HFA-134a at 1300, the AR5 value;
//!   HFA-227ea at the paper's own 3320), so `--gwp` recomputes them.

use super::{sdu, slug, unique_key};
use crate::factors::gwp::{parse_gwp, rescale, Basis};
use crate::factors::model::{Factor, FactorSet, GasGwp, Scope, SetHeader, SetKind};
use crate::factors::sha256_hex;
use crate::factors::write::quote;
use crate::num::parse_decimal;
use crate::units::{parse_unit, Unit};
use crate::{Error, Position, Result};
use rust_decimal::Decimal;
use std::collections::{BTreeMap, HashSet};
use std::fmt::Write as _;

/// Path of the clinical set under `factors/`.
pub const SET_PATH: &str = "clinical/nhs-clinical.toml";

/// The shared-data files read, relative to the shared data directory.
pub const GWP_CSV: &str = "clinical/gwp100_anaesthetic_and_propellant_gases.csv";
/// Bottle sizes of the volatile agents.
pub const PACKS_CSV: &str = "clinical/anaesthetic_pack_sizes_openfda.csv";
/// kg CO2e per salbutamol inhaler by BNF code.
pub const SALBUTAMOL_CSV: &str = "clinical/inhaler_salbutamol_kgco2e_openprescribing.csv";
/// Footprint by inhaler class.
pub const CLASS_CSV: &str = "clinical/inhaler_class_footprint_wilkinson2019.csv";
/// The SDU carbon factors.
pub const SDU_CSV: &str = "nhs_sdu_reporting_portal/sdu_factors/CarbonFactors.csv";

/// The basis the shipped set is on.
pub const BASIS: Basis = Basis::Ar5;

/// The literature basis the SDU's anaesthetic factors use, as the GWP file names it.
const SDU_BASIS: &str = "AAGBI_SULBAEK_ANDERSEN_2012";

/// The volatile agents: name as in the GWP file, SDU row key.
const VOLATILE: [(&str, &str); 3] = [
    ("desflurane", "anaesthetic-gases/desflurane"),
    ("isoflurane", "anaesthetic-gases/isoflurane"),
    ("sevoflurane", "anaesthetic-gases/sevoflurane"),
];

fn file_name(rel: &str) -> &str {
    rel.rsplit('/').next().unwrap_or(rel)
}

/// Rows of a CSV as header-name maps, with their line numbers.
fn rows(file: &str, bytes: &[u8], need: &[&str]) -> Result<Vec<(u64, BTreeMap<String, String>)>> {
    let mut rdr = csv::ReaderBuilder::new().from_reader(bytes);
    let csv_err = |e: csv::Error| {
        let line = e.position().map_or(0, |p| p.line());
        Error::malformed(Position::new(file, line, 0), format!("not valid CSV: {e}"))
    };
    let headers: Vec<String> = rdr
        .headers()
        .map_err(csv_err)?
        .iter()
        .map(|h| h.trim_start_matches('\u{feff}').to_string())
        .collect();
    for n in need {
        if !headers.iter().any(|h| h == n) {
            return Err(Error::malformed(
                Position::new(file, 1, 0),
                format!("no column {n:?}; expected {}", need.join(", ")),
            ));
        }
    }
    let mut out = Vec::new();
    for rec in rdr.records() {
        let rec = rec.map_err(csv_err)?;
        let line = rec.position().map_or(0, |p| p.line());
        let m = headers
            .iter()
            .zip(rec.iter())
            .map(|(h, v)| (h.clone(), v.trim().to_string()))
            .collect();
        out.push((line, m));
    }
    Ok(out)
}

fn get<'a>(row: &'a BTreeMap<String, String>, name: &str) -> &'a str {
    row.get(name).map_or("", String::as_str)
}

fn num(file: &str, line: u64, row: &BTreeMap<String, String>, name: &str) -> Result<Decimal> {
    let raw = get(row, name);
    parse_decimal(raw)
        .map_err(|e| Error::bad_value(Position::new(file, line, 0), name, raw, e.describe()))
}

/// GWP rows: (gas code, common name, cas, basis, value text, source ids).
struct GwpRow {
    line: u64,
    code: String,
    name: String,
    cas: String,
    basis: String,
    value: String,
    source: String,
}

fn read_gwp_rows(file: &str, bytes: &[u8]) -> Result<Vec<GwpRow>> {
    let need = ["gas", "common_name", "cas", "basis", "gwp100", "source_id"];
    Ok(rows(file, bytes, &need)?
        .into_iter()
        .map(|(line, r)| {
            let name = get(&r, "common_name");
            // "HFA-134a (inhaler propellant)" -> "HFA-134a".
            let name = name.split(" (").next().unwrap_or(name).trim().to_string();
            GwpRow {
                line,
                code: get(&r, "gas").to_string(),
                name,
                cas: get(&r, "cas").to_string(),
                basis: get(&r, "basis").to_string(),
                value: get(&r, "gwp100").to_string(),
                source: get(&r, "source_id").to_string(),
            }
        })
        .collect())
}

/// Renders `factors/tables/gwp.toml` from the GWP file.
pub fn render_gwp_table(file: &str, bytes: &[u8]) -> Result<String> {
    let rows = read_gwp_rows(file, bytes)?;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# Generated by `ghg factors import all` from {GWP_CSV}.\n\
         # Do not edit by hand: change the importer (src/importer/clinical.rs) and regenerate.\n\
         #\n\
         # GWP100 of the gases clinical and refrigerant factors are made of, by IPCC basis, for\n\
         # `ghg inventory --gwp ar4|ar5|ar6`. Values as the source file gives them\n\
         # (sha256 {}).\n\
         # Sources: IPCC AR4 WG1 Table 2.14, AR5 WG1 Table 8.A.1, AR6 WG1 Table 7.SM.7,\n\
         # as collected in the GHG Protocol \"Global Warming Potential Values\" table (GHGP_TABLE);\n\
         # AR5 cross-checked against US 40 CFR 98 Subpart A Table A-1 (CFR98_A1); AR6 unrounded\n\
         # values in the IPCC AR6 WG1 chapter 7 metrics input (AR6_CH7_INPUT); DESNZ_* = the UK\n\
         # Government GHG conversion factors of those years, which use the same values.\n\
         # A gas a basis gives no number for has no entry for it.",
        sha256_hex(bytes)
    );
    let mut order: Vec<String> = Vec::new();
    let mut by_code: BTreeMap<String, Vec<&GwpRow>> = BTreeMap::new();
    for r in &rows {
        if Basis::parse(&r.basis).is_none() {
            continue; // literature values: kept in the clinical set's notes, not here
        }
        if !by_code.contains_key(&r.code) {
            order.push(r.code.clone());
        }
        by_code.entry(r.code.clone()).or_default().push(r);
    }
    for code in &order {
        let rs = &by_code[code];
        let first = rs[0];
        let _ = writeln!(out, "\n[[gas]]");
        let _ = writeln!(out, "name = {}", quote(&first.name));
        let _ = writeln!(out, "code = {}", quote(code));
        let _ = writeln!(out, "cas = {}", quote(&first.cas));
        let mut sources = Vec::new();
        for r in rs {
            let Some(b) = Basis::parse(&r.basis) else {
                continue;
            };
            if r.value.is_empty() {
                sources.push(format!("{b}: none listed ({})", r.source));
                continue;
            }
            match parse_decimal(&r.value) {
                Ok(_) => {
                    let _ = writeln!(
                        out,
                        "{} = {}",
                        b.as_str().to_ascii_lowercase(),
                        quote(&r.value)
                    );
                    sources.push(format!("{b}: {}", r.source));
                }
                Err(_) => sources.push(format!(
                    "{b}: given as {:?}, not a number, left out (line {}; {})",
                    r.value, r.line, r.source
                )),
            }
        }
        let _ = writeln!(out, "source = {}", quote(&sources.join("; ")));
    }
    parse_gwp(file, &out)?;
    Ok(out)
}

fn literature(rows: &[GwpRow], name: &str, basis: &str) -> Option<Decimal> {
    rows.iter()
        .find(|r| r.name == name && r.basis == basis)
        .and_then(|r| parse_decimal(&r.value).ok())
}

struct Builder {
    factors: Vec<Factor>,
    used: HashSet<String>,
}

impl Builder {
    #[allow(clippy::too_many_arguments)]
    fn push(
        &mut self,
        key: String,
        id: Option<String>,
        scope: Scope,
        labels: Vec<String>,
        unit: &str,
        kg: Decimal,
        gwp: Option<GasGwp>,
        note: String,
    ) -> Result<()> {
        let unit: Unit = parse_unit(unit)
            .ok_or_else(|| Error::usage(format!("clinical importer: unknown unit {unit}")))?;
        let key = unique_key(key, &mut self.used);
        self.factors.push(Factor {
            key,
            id,
            category: (scope == Scope::Three).then_some(1),
            scope,
            labels,
            column: String::new(),
            unit,
            kg_co2e: Some(kg.normalize()),
            gases: Vec::new(),
            upstream: Vec::new(),
            outside: Vec::new(),
            note,
            line: 0,
            gwp,
        });
        Ok(())
    }
}

fn overflow(what: &str) -> Error {
    Error::overflow(Position::default(), what.to_string())
}

/// Builds `nhs-clinical`. `read` returns a shared-data file's bytes by relative path.
pub fn build(read: &mut dyn FnMut(&str) -> Result<Vec<u8>>) -> Result<FactorSet> {
    let gwp_bytes = read(GWP_CSV)?;
    let packs_bytes = read(PACKS_CSV)?;
    let salb_bytes = read(SALBUTAMOL_CSV)?;
    let class_bytes = read(CLASS_CSV)?;
    let sdu_bytes = read(SDU_CSV)?;
    let gwp_file = file_name(GWP_CSV);
    let gwp_rows = read_gwp_rows(gwp_file, &gwp_bytes)?;
    let table = parse_gwp(gwp_file, &render_gwp_table(gwp_file, &gwp_bytes)?)?;
    let ipcc = |gas: &str| -> Result<Decimal> {
        table
            .value(gas, BASIS)
            .ok_or_else(|| Error::usage(format!("{gwp_file}: no {BASIS} GWP for {gas}")))
    };

    // The SDU's anaesthetic rows, the same in every year (checked), in kg per litre.
    let sdu_sets = sdu::build(file_name(SDU_CSV), &sdu_bytes)?;
    let sdu_value = |key: &str| -> Result<Decimal> {
        let mut value = None;
        for (set, _) in &sdu_sets {
            let v = set.get(key).and_then(|f| f.kg_co2e).ok_or_else(|| {
                Error::usage(format!(
                    "{}: no value for {key} in {}",
                    file_name(SDU_CSV),
                    set.id()
                ))
            })?;
            if value.is_some_and(|w| w != v) {
                return Err(Error::usage(format!(
                    "{}: {key} differs between years; the clinical set takes one value",
                    file_name(SDU_CSV)
                )));
            }
            value = Some(v);
        }
        value.ok_or_else(|| Error::usage(format!("{}: no years", file_name(SDU_CSV))))
    };

    // Bottle sizes in mL by agent, largest first (so unit "bottle" means 250 mL).
    let packs_file = file_name(PACKS_CSV);
    let mut packs: BTreeMap<String, BTreeMap<u32, Vec<String>>> = BTreeMap::new();
    for (line, r) in rows(
        packs_file,
        &packs_bytes,
        &["agent", "labeler", "package_description"],
    )? {
        let desc = get(&r, "package_description");
        let ml = desc
            .split(" / ")
            .last()
            .and_then(|s| s.split(" mL in 1 BOTTLE").next())
            .and_then(|s| s.trim().parse::<u32>().ok())
            .ok_or_else(|| {
                Error::bad_value(
                    Position::new(packs_file, line, 0),
                    "package_description",
                    desc,
                    "\"... N mL in 1 BOTTLE ...\"",
                )
            })?;
        packs
            .entry(get(&r, "agent").to_string())
            .or_default()
            .entry(ml)
            .or_default()
            .push(get(&r, "labeler").to_string());
    }

    let mut b = Builder {
        factors: Vec::new(),
        used: HashSet::new(),
    };
    let label = |agent: &str, what: &str| {
        let mut name = agent.to_string();
        if let Some(c) = name.get_mut(..1) {
            c.make_ascii_uppercase();
        }
        vec!["Anaesthetic gases".to_string(), name, what.to_string()]
    };
    let gas = |name: &str, value: Decimal| GasGwp {
        gas: name.to_string(),
        value,
        basis: BASIS.as_str().to_string(),
    };
    let mut densities = Vec::new();
    for (agent, sdu_key) in VOLATILE {
        let gwp = ipcc(agent)?;
        let lit = literature(&gwp_rows, agent, SDU_BASIS)
            .ok_or_else(|| Error::usage(format!("{gwp_file}: no {SDU_BASIS} GWP for {agent}")))?;
        let sdu_kg = sdu_value(sdu_key)?;
        let density = sdu_kg
            .checked_div(lit)
            .map(|d| d.normalize())
            .filter(|d| d.checked_mul(lit) == Some(sdu_kg) && d.scale() <= 6)
            .ok_or_else(|| {
                Error::usage(format!(
                    "{}: {sdu_key} {sdu_kg} kg CO2e per litre / GWP {lit} is not an exact density",
                    file_name(SDU_CSV)
                ))
            })?;
        densities.push(format!("{agent} {density} kg/L ({sdu_kg} / {lit})"));
        let why_density = format!(
            "density {density} kg/L: the NHS SDU factor ({sdu_kg} kg CO2e per litre of liquid, \
             {}) / the GWP it uses ({lit}, Association of Anaesthetists after Sulbaek Andersen et \
             al. 2012)",
            file_name(SDU_CSV)
        );
        let per_l = density
            .checked_mul(gwp)
            .ok_or_else(|| overflow("density x GWP"))?;
        b.push(
            format!("{agent}/kg"),
            None,
            Scope::One,
            label(agent, "per kg of agent"),
            "kg",
            gwp,
            Some(gas(agent, gwp)),
            format!("1 kg x GWP100 {gwp} ({BASIS})"),
        )?;
        b.push(
            format!("{agent}/litre-liquid"),
            None,
            Scope::One,
            label(agent, "per litre of liquid"),
            "litres",
            per_l,
            Some(gas(agent, gwp)),
            format!("{density} kg x GWP100 {gwp} ({BASIS}); {why_density}"),
        )?;
        b.push(
            format!("{agent}/ml-liquid"),
            None,
            Scope::One,
            label(agent, "per mL of liquid"),
            "mL",
            per_l / Decimal::ONE_THOUSAND,
            Some(gas(agent, gwp)),
            format!("{density} g x GWP100 {gwp} ({BASIS}); {why_density}"),
        )?;
        let sizes = packs
            .get(agent)
            .ok_or_else(|| Error::usage(format!("{packs_file}: no bottle size for {agent}")))?;
        for (ml, labelers) in sizes.iter().rev() {
            let litres = Decimal::from(*ml) / Decimal::ONE_THOUSAND;
            let kg = litres
                .checked_mul(density)
                .ok_or_else(|| overflow("bottle mass"))?;
            let mut labelers = labelers.clone();
            labelers.sort();
            labelers.dedup();
            b.push(
                format!("{agent}/bottle-{ml}ml"),
                None,
                Scope::One,
                label(agent, &format!("per {ml} mL bottle")),
                "items",
                kg.checked_mul(gwp).ok_or_else(|| overflow("bottle"))?,
                Some(gas(agent, gwp)),
                format!(
                    "{ml} mL x {density} kg/L = {} kg x GWP100 {gwp} ({BASIS}); bottle size from \
                     the US FDA NDC directory (openFDA): {}; {why_density}",
                    kg.normalize(),
                    labelers.join(", ")
                ),
            )?;
        }
    }

    // Nitrous oxide and Entonox.
    let n2o = "nitrous oxide";
    let n2o_gwp = ipcc(n2o)?;
    let sdu_n2o_gwp = literature(&gwp_rows, n2o, SDU_BASIS)
        .ok_or_else(|| Error::usage(format!("{gwp_file}: no {SDU_BASIS} GWP for {n2o}")))?;
    b.push(
        "nitrous-oxide/kg".into(),
        None,
        Scope::One,
        label(n2o, "per kg"),
        "kg",
        n2o_gwp,
        Some(gas(n2o, n2o_gwp)),
        format!("1 kg x GWP100 {n2o_gwp} ({BASIS})"),
    )?;
    let no_density = format!(
        "the shared data holds no density of N2O gas, so the density used is the one the SDU's \
         figure implies ({{sdu}} / {sdu_n2o_gwp} kg of N2O per litre; the SDU states no temperature \
         or pressure); rebased to {BASIS}: x {n2o_gwp} / {sdu_n2o_gwp}, rounded half away from zero \
         at {} decimal places",
        crate::factors::gwp::RATIO_DP
    );
    for (key, sdu_key, what, extra) in [
        (
            "nitrous-oxide/litre-gas",
            "anaesthetic-gases/nitrous-oxide",
            "per litre of gas",
            "",
        ),
        (
            "entonox/litre-gas",
            "anaesthetic-gases/nitrous-oxide-with-oxygen-50-50-split",
            "Entonox (50:50 nitrous oxide and oxygen) per litre of gas",
            "; the SDU's own Entonox row (half its N2O figure would be 0.2795: the SDU rounds \
             differently)",
        ),
    ] {
        let sdu_kg = sdu_value(sdu_key)?;
        let v = rescale(sdu_kg, n2o_gwp, sdu_n2o_gwp).ok_or_else(|| overflow(key))?;
        let labels = if key.starts_with("entonox") {
            vec!["Anaesthetic gases".into(), "Entonox".into(), what.into()]
        } else {
            label(n2o, what)
        };
        b.push(
            key.into(),
            None,
            Scope::One,
            labels,
            "litres",
            v,
            Some(gas(n2o, n2o_gwp)),
            format!(
                "NHS SDU {sdu_kg} kg CO2e per litre of gas at GWP {sdu_n2o_gwp} ({}, given there in \
                 tonnes){extra}; {}",
                file_name(SDU_CSV),
                no_density.replace("{sdu}", &sdu_kg.to_string())
            ),
        )?;
    }

    // Inhalers by product.
    let salb_file = file_name(SALBUTAMOL_CSV);
    for (line, r) in rows(
        salb_file,
        &salb_bytes,
        &["bnf_code", "description", "kg_co2e_per_inhaler"],
    )? {
        let bnf = get(&r, "bnf_code");
        let desc = get(&r, "description");
        let kg = num(salb_file, line, &r, "kg_co2e_per_inhaler")?;
        b.push(
            format!("salbutamol/{}", slug(desc)),
            Some(bnf.to_string()),
            Scope::Three,
            vec![
                "Inhalers by product (OpenPrescribing, salbutamol)".into(),
                desc.to_string(),
            ],
            "items",
            kg,
            None,
            format!(
                "BNF {bnf}; kg CO2e per inhaler from OpenPrescribing measure carbon_salbutamol \
                 (reviewed 2024-08-06); boundary and GWP basis not stated by the source, so --gwp \
                 leaves it as published"
            ),
        )?;
    }

    // Inhalers by class.
    let class_file = file_name(CLASS_CSV);
    let need = [
        "inhaler_class",
        "example_product",
        "propellant",
        "hfa_propellant_g_min",
        "hfa_propellant_g_max",
        "gwp100_used",
        "footprint_g_co2e_min",
        "footprint_g_co2e_max",
        "footprint_g_co2e_midpoint",
        "actuations_per_inhaler",
        "note",
    ];
    for (line, r) in rows(class_file, &class_bytes, &need)? {
        let class = get(&r, "inhaler_class");
        let propellant = get(&r, "propellant");
        let used = num(class_file, line, &r, "gwp100_used")?;
        let (lo, hi) = (
            num(class_file, line, &r, "footprint_g_co2e_min")?,
            num(class_file, line, &r, "footprint_g_co2e_max")?,
        );
        let (grams, how) = if get(&r, "footprint_g_co2e_midpoint").is_empty() {
            if lo != hi {
                return Err(Error::bad_value(
                    Position::new(class_file, line, 0),
                    "footprint_g_co2e_midpoint",
                    "",
                    "a midpoint where min and max differ",
                ));
            }
            (lo, "the published figure (min = max)".to_string())
        } else {
            (
                num(class_file, line, &r, "footprint_g_co2e_midpoint")?,
                format!("the published midpoint of {lo}-{hi} g"),
            )
        };
        let basis = if table.value(propellant, BASIS) == Some(used) {
            BASIS.as_str().to_string()
        } else {
            "Wilkinson et al. 2019 (matches no IPCC report)".to_string()
        };
        let mut note = format!(
            "{how} CO2e per inhaler / 1000; propellant {propellant} {}-{} g at GWP {used}; {} \
             actuations; Wilkinson AJK et al., Costs of switching to low global warming potential \
             inhalers, BMJ Open 2019;9:e028763, Table 2",
            get(&r, "hfa_propellant_g_min"),
            get(&r, "hfa_propellant_g_max"),
            get(&r, "actuations_per_inhaler")
        );
        if !get(&r, "note").is_empty() {
            note.push_str("; ");
            note.push_str(get(&r, "note"));
        }
        b.push(
            format!("inhaler-class/{}", slug(class)),
            None,
            Scope::Three,
            vec![
                "Inhalers by class (Wilkinson et al. 2019)".into(),
                class.to_string(),
                format!("e.g. {}", get(&r, "example_product")),
            ],
            "items",
            grams / Decimal::ONE_THOUSAND,
            Some(GasGwp {
                gas: propellant.to_string(),
                value: used,
                basis,
            }),
            note,
        )?;
    }

    let sources = [
        (GWP_CSV, &gwp_bytes),
        (PACKS_CSV, &packs_bytes),
        (SALBUTAMOL_CSV, &salb_bytes),
        (CLASS_CSV, &class_bytes),
        (SDU_CSV, &sdu_bytes),
    ]
    .iter()
    .map(|(p, b)| format!("{} (sha256 {})", file_name(p), sha256_hex(b)))
    .collect::<Vec<_>>()
    .join(", ");
    let header = SetHeader {
        id: "nhs-clinical".into(),
        publisher: "Compiled by ghg from IPCC, NHS SDU, US FDA, OpenPrescribing and Wilkinson et al. 2019"
            .into(),
        edition: 2024,
        title: format!("Clinical carbon factors: anaesthetic gases (GWP100 {BASIS}) and inhalers"),
        licence: "IPCC values (facts, cite IPCC); NHS SDU, Open Government Licence v3.0; openFDA, \
                  CC0; OpenPrescribing, MIT; Wilkinson et al. 2019, open access (cite the paper)"
            .into(),
        gwp: "mixed".into(),
        kind: Some(SetKind::Activity),
        source_file: gwp_file.to_string(),
        source_sha256: sha256_hex(&gwp_bytes),
        notes: [
            format!("Sources: {sources}."),
            format!(
                "Anaesthetic gases (scope 1, the gas is released where it is used) on IPCC {BASIS} \
                 GWP100, the basis of the DESNZ 2023-2025 conversion factors; `ghg inventory --gwp \
                 ar4|ar5|ar6` recomputes every factor that records its gas (gwp_gas, gwp_value). \
                 The NHS SDU and the Association of Anaesthetists use other values (desflurane 2540, \
                 isoflurane 510, sevoflurane 130, N2O 298, after Sulbaek Andersen et al. 2012): the \
                 nhs-sdu sets keep them."
            ),
            format!(
                "Densities of the liquid agents, implied exactly by the SDU factors and the GWPs they \
                 use: {}. Bottle sizes from the US FDA NDC directory (openFDA); unit bottle means the \
                 250 mL bottle, the 100 mL isoflurane bottle is isoflurane/bottle-100ml.",
                densities.join(", ")
            ),
            "Not in this set, for want of data in the shared reference data: the volatile agents \
             per litre of vapour (no vapour density), nitrous oxide per litre of liquid, Entonox per \
             kg (no oxygen density or molar masses). Nitrous oxide and Entonox per litre of gas rest \
             on the SDU's figures (density implied, temperature and pressure not stated)."
                .to_string(),
            "Inhalers (scope 3 category 1, per device): by product, OpenPrescribing's kg CO2e per \
             salbutamol inhaler, key salbutamol/<description>, id the BNF code, published as CO2e \
             on a basis the source does not state (kept by --gwp); by class, Wilkinson et al. 2019 \
             Table 2, propellant only, key inhaler-class/<class>, recomputed by --gwp from the GWP \
             the paper used (HFA-134a 1300 = AR5; HFA-227ea 3320, the paper's own)."
                .to_string(),
            "Activity names: factors/aliases.toml maps desflurane, isoflurane, sevoflurane, \
             nitrous oxide and entonox to these keys; the row's unit picks the factor (kg, litres \
             or mL of liquid, bottle; litres of gas for nitrous oxide and Entonox)."
                .to_string(),
        ]
        .join("\n"),
        ..SetHeader::default()
    };
    Ok(FactorSet::new(
        header,
        b.factors,
        String::new(),
        String::new(),
    ))
}
