//! Every file shipped under `factors/` (except the hand-written `aliases.toml`), generated
//! from the reference data in `shared/data`, in memory: the caller writes them only once all
//! have been generated and validated.
//!
//! DESNZ values are read from the normalized CSVs and checked, factor by factor, against the
//! published workbooks, which are also what the headers name and hash. Editions are built from
//! 2025 back to 2016 so that each edition without factor IDs is keyed against the ones after it.

use super::desnz::{self, DesnzInput, LinkReport};
use super::desnz_match::{render_matching, MatchReport};
use super::desnz_read::{read_csv, read_workbook, DesnzRow};
use super::{clinical, deflators, preamble, projections, render_checked, sdu, spend, Generated};
use crate::factors::model::FactorSet;
use crate::factors::sha256_hex;
use crate::{Error, Result};

/// The DESNZ editions shipped.
pub const DESNZ_YEARS: std::ops::RangeInclusive<u16> = 2016..=2025;

const COMMAND: &str = "ghg factors import all";

/// The flat-file workbook of an edition, relative to the shared data directory.
pub fn desnz_workbook(year: u16) -> String {
    let ext = match year {
        2017..=2019 | 2021 | 2022 => "xls",
        _ => "xlsx",
    };
    format!(
        "desnz_ghg_conversion_factors/raw/flat_files/ghg-conversion-factors-{year}-flat-file.{ext}"
    )
}

/// The normalized CSV of an edition, relative to the shared data directory.
pub fn desnz_csv(year: u16) -> String {
    format!("desnz_ghg_conversion_factors/normalized/desnz_ghg_factors_{year}.csv")
}

fn file_name(rel: &str) -> &str {
    rel.rsplit('/').next().unwrap_or(rel)
}

/// What was generated, for the summary printed by the command.
#[derive(Clone, Debug, Default)]
pub struct Summary {
    /// DESNZ editions in year order: keys, links, factor count.
    pub desnz: Vec<(MatchReport, LinkReport, usize)>,
    /// Other sets: (id, factors, upstream links).
    pub sets: Vec<(String, usize, usize)>,
}

/// Checks that the workbook and the CSV give the same factors, in the same order, with the
/// same labels, values (as text) and notes; the first difference is an error naming both.
pub fn compare_rows(
    csv_file: &str,
    csv: &[DesnzRow],
    wb_file: &str,
    wb: &[DesnzRow],
) -> Result<()> {
    if csv.len() != wb.len() {
        return Err(Error::usage(format!(
            "{csv_file} has {} factors but {wb_file} has {}",
            csv.len(),
            wb.len()
        )));
    }
    let text = |d: Option<rust_decimal::Decimal>| d.map(|d| d.to_string()).unwrap_or_default();
    for (a, b) in csv.iter().zip(wb) {
        let fa = (
            &a.factor_id,
            &a.scope,
            &a.levels,
            &a.column,
            &a.unit,
            &a.note,
        );
        let fb = (
            &b.factor_id,
            &b.scope,
            &b.levels,
            &b.column,
            &b.unit,
            &b.note,
        );
        let va = [text(a.kg_co2e), text(a.co2), text(a.ch4), text(a.n2o)];
        let vb = [text(b.kg_co2e), text(b.co2), text(b.ch4), text(b.n2o)];
        if fa != fb || va != vb {
            return Err(Error::usage(format!(
                "{csv_file}:{} and {wb_file} (sheet \"Factors by Category\", row {}) differ:\n  csv:      {fa:?} {va:?}\n  workbook: {fb:?} {vb:?}",
                a.line, b.line
            )));
        }
    }
    Ok(())
}

/// Generates everything. `read` returns the bytes of a file given its path relative to the
/// shared data directory.
pub fn import_all(
    read: &mut dyn FnMut(&str) -> Result<Vec<u8>>,
) -> Result<(Vec<Generated>, Summary)> {
    let mut files = Vec::new();
    let mut summary = Summary::default();

    // DESNZ, newest first.
    let mut built: Vec<desnz::DesnzOutput> = Vec::new();
    for year in DESNZ_YEARS.rev() {
        let (csv_rel, wb_rel) = (desnz_csv(year), desnz_workbook(year));
        let (csv_file, wb_file) = (file_name(&csv_rel), file_name(&wb_rel));
        let csv_bytes = read(&csv_rel)?;
        let wb_bytes = read(&wb_rel)?;
        let rows = read_csv(csv_file, &csv_bytes, year)?;
        let (wb_rows, info) = read_workbook(wb_file, &wb_bytes, year)?;
        compare_rows(csv_file, &rows, wb_file, &wb_rows)?;
        let input = DesnzInput {
            year,
            rows,
            rows_file: csv_file.to_string(),
            source_file: wb_file.to_string(),
            source_sha256: sha256_hex(&wb_bytes),
            version: info.version.unwrap_or_default(),
            values_from: format!(
                "from the normalized CSV {csv_file}, checked identical, factor by factor, to the \
                 workbook's cells read with 15 significant digits"
            ),
        };
        let later: Vec<&FactorSet> = built.iter().rev().map(|o| &o.set).collect();
        let out = desnz::build(&input, &later)?;
        built.push(out);
    }
    built.reverse();
    let mut reports = Vec::new();
    let mut links = Vec::new();
    for out in &built {
        let year = out.set.header.edition;
        let title = &out.set.header.title;
        files.push(render_checked(
            &out.set,
            &preamble(COMMAND, &format!("{} ({title})", desnz_workbook(year))),
            &desnz::set_path(year),
        )?);
        reports.push(out.matching.clone());
        links.push((year, out.links.factors, out.links.links));
        summary.desnz.push((
            out.matching.clone(),
            out.links.clone(),
            out.set.factors.len(),
        ));
    }
    files.push(Generated {
        path: "desnz/MATCHING.md".into(),
        bytes: render_matching(&reports, &links).into_bytes(),
    });

    // NHS SDU.
    let sdu_rel = "nhs_sdu_reporting_portal/sdu_factors/CarbonFactors.csv";
    let sdu_bytes = read(sdu_rel)?;
    for (set, n_links) in sdu::build(file_name(sdu_rel), &sdu_bytes)? {
        let fy = set.header.id.trim_start_matches("nhs-sdu-").to_string();
        files.push(render_checked(
            &set,
            &preamble(COMMAND, sdu_rel),
            &sdu::set_path(&fy),
        )?);
        summary
            .sets
            .push((set.header.id.clone(), set.factors.len(), n_links));
    }

    // Clinical: anaesthetic gases and inhalers, and the GWP table --gwp reads.
    let clinical_set = clinical::build(&mut *read)?;
    files.push(render_checked(
        &clinical_set,
        &preamble(
            COMMAND,
            &format!(
                "{}, {}, {}, {} and {sdu_rel}",
                clinical::GWP_CSV,
                clinical::PACKS_CSV,
                clinical::SALBUTAMOL_CSV,
                clinical::CLASS_CSV
            ),
        ),
        clinical::SET_PATH,
    )?);
    summary.sets.push((
        clinical_set.header.id.clone(),
        clinical_set.factors.len(),
        0,
    ));
    let gwp_table =
        clinical::render_gwp_table(file_name(clinical::GWP_CSV), &read(clinical::GWP_CSV)?)?;
    files.push(Generated {
        path: crate::factors::gwp::PATH.into(),
        bytes: gwp_table.into_bytes(),
    });

    // Spend.
    let sic_rel = "defra_uk_carbon_footprint_sic_factors/defra_sic_factors_2022.csv";
    let ods_rel = "defra_uk_carbon_footprint_sic_factors/raw/eeio-factors-by-sic-2022.ods";
    let sic_rows = spend::read_sic(file_name(sic_rel), &read(sic_rel)?)?;
    let ods = read(ods_rel)?;
    spend::check_sic_against_ods(file_name(ods_rel), &ods, &sic_rows)?;
    let sic = spend::sic_set(&sic_rows, file_name(sic_rel), file_name(ods_rel), &ods)?;
    files.push(render_checked(
        &sic,
        &preamble(COMMAND, ods_rel),
        spend::SIC_PATH,
    )?);
    summary
        .sets
        .push((sic.header.id.clone(), sic.factors.len(), 0));
    let epa_rel = "usepa_supply_chain_ghg_factors/SupplyChainGHGEmissionFactors_v1.3.0_NAICS_CO2e_USD2022.csv";
    let epa = spend::epa_set(file_name(epa_rel), &read(epa_rel)?)?;
    files.push(render_checked(
        &epa,
        &preamble(COMMAND, epa_rel),
        spend::EPA_PATH,
    )?);
    summary
        .sets
        .push((epa.header.id.clone(), epa.factors.len(), 0));

    // Deflators.
    let mut csvs = Vec::new();
    for s in &deflators::SERIES {
        csvs.push((s.file, read(&format!("uk_price_indices/{}", s.file))?));
    }
    let refs: Vec<(&str, &[u8])> = csvs.iter().map(|(n, b)| (*n, b.as_slice())).collect();
    let table = deflators::render(&refs)?;
    crate::factors::tables::parse_deflators(deflators::PATH, &table)?;
    files.push(Generated {
        path: deflators::PATH.into(),
        bytes: table.into_bytes(),
    });

    // Projections for `ghg trajectory`.
    for (csv, path, render) in [
        (
            projections::GRID_CSV,
            projections::GRID_PATH,
            projections::render_grid as fn(&[u8]) -> Result<String>,
        ),
        (
            projections::VALUES_CSV,
            projections::VALUES_PATH,
            projections::render_values,
        ),
    ] {
        files.push(Generated {
            path: path.into(),
            bytes: render(&read(csv)?)?.into_bytes(),
        });
    }
    Ok((files, summary))
}
