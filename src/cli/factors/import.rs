//! `ghg factors import desnz-flat|all`: publisher files to the TOML sets shipped under
//! `factors/`. Everything is generated and validated in memory first; files are then written
//! one by one, each atomically (temporary file in the same directory, then rename), so no file
//! is ever half-written.

use super::super::output::write_atomic;
use super::super::{GlobalArgs, Outcome};
use crate::factors::{parse_set, sha256_hex, FactorSet};
use crate::importer::all::{compare_rows, import_all};
use crate::importer::desnz::{self, DesnzInput};
use crate::importer::desnz_read::{read_csv, read_workbook};
use crate::importer::{preamble, render_checked};
use crate::{Error, Result};
use clap::Subcommand;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Importers.
#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// A DESNZ/BEIS/Defra flat file (`.xls` or `.xlsx`, sheet "Factors by Category") to a set.
    ///
    /// Editions before 2023 have no factor IDs: their keys come from the same factors in later
    /// editions (the shipped desnz-YEAR+1 ... desnz-2025, or --keys-from).
    DesnzFlat(DesnzFlatArgs),
    /// Regenerate every shipped file under factors/ (except aliases.toml) from the shared
    /// reference data: DESNZ 2016-2025 and MATCHING.md, NHS SDU, Defra SIC, US EPA, deflators.
    All(AllArgs),
}

/// Arguments of `ghg factors import desnz-flat`.
#[derive(Debug, clap::Args)]
pub struct DesnzFlatArgs {
    /// The workbook (ghg-conversion-factors-YEAR-flat-file.xlsx or .xls); with --from-csv, the
    /// normalized CSV (desnz_ghg_factors_YEAR.csv).
    pub file: PathBuf,
    /// The edition year.
    #[arg(long)]
    pub year: u16,
    /// FILE is the normalized CSV, not the workbook.
    #[arg(long)]
    pub from_csv: bool,
    /// With --from-csv: the workbook the CSV was made from; it is named and hashed in the header
    /// and every value is checked against it.
    #[arg(long, requires = "from_csv")]
    pub workbook: Option<PathBuf>,
    /// Keyed sets of later editions to take keys from, nearest first
    /// [default: the shipped desnz-YEAR+1 ... desnz-2025].
    #[arg(long = "keys-from")]
    pub keys_from: Vec<PathBuf>,
    /// Where to write the set [default: desnz-YEAR.toml].
    #[arg(long, short)]
    pub out: Option<PathBuf>,
}

/// Arguments of `ghg factors import all`.
#[derive(Debug, clap::Args)]
pub struct AllArgs {
    /// The shared reference-data directory.
    #[arg(long, default_value = "../shared/data")]
    pub shared: PathBuf,
    /// The factors directory to write: the sets under desnz/ (with desnz/MATCHING.md),
    /// nhs-sdu/, spend/ and clinical/, and tables/gwp.toml, deflators.toml,
    /// grid-projection.toml and carbon-values.toml; the hand-written aliases.toml and
    /// tables/nhs_categories.toml are left alone.
    #[arg(long, default_value = "factors")]
    pub out: PathBuf,
}

/// Runs an importer.
pub fn run(cmd: &ImportCommand, global: &GlobalArgs) -> Result<Outcome> {
    match cmd {
        ImportCommand::DesnzFlat(a) => desnz_flat(a, global),
        ImportCommand::All(a) => all(a),
    }
}

fn read(path: &Path) -> Result<Vec<u8>> {
    std::fs::read(path).map_err(|e| Error::io(path, e))
}

fn name_of(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

fn later_sets(a: &DesnzFlatArgs, global: &GlobalArgs) -> Result<Vec<Arc<FactorSet>>> {
    let mut out = Vec::new();
    if !a.keys_from.is_empty() {
        for p in &a.keys_from {
            let text = std::fs::read_to_string(p).map_err(|e| Error::io(p, e))?;
            let (set, problems) = parse_set(&p.display().to_string(), &text);
            if let Some(pr) = problems.first() {
                return Err(Error::usage(format!(
                    "--keys-from {}: not a valid factor set ({} problems; first: {}: {})",
                    p.display(),
                    problems.len(),
                    pr.pos,
                    pr.message
                )));
            }
            out.push(Arc::new(set));
        }
        return Ok(out);
    }
    if a.year >= 2023 {
        return Ok(out);
    }
    let catalog = global.catalog()?;
    for y in a.year + 1..=2025 {
        if catalog.entry(&format!("desnz-{y}")).is_some() {
            out.push(catalog.load(&format!("desnz-{y}"))?);
        }
    }
    if out.is_empty() {
        crate::say!("warning: no later DESNZ edition to take keys from; every key will be derived from labels");
    }
    Ok(out)
}

fn desnz_flat(a: &DesnzFlatArgs, global: &GlobalArgs) -> Result<Outcome> {
    let bytes = read(&a.file)?;
    let file = name_of(&a.file);
    let mut input = DesnzInput {
        year: a.year,
        rows_file: file.clone(),
        ..DesnzInput::default()
    };
    if a.from_csv {
        input.rows = read_csv(&file, &bytes, a.year)?;
        match &a.workbook {
            Some(wb_path) => {
                let wb_bytes = read(wb_path)?;
                let wb = name_of(wb_path);
                let (wb_rows, info) = read_workbook(&wb, &wb_bytes, a.year)?;
                compare_rows(&file, &input.rows, &wb, &wb_rows)?;
                input.source_file = wb;
                input.source_sha256 = sha256_hex(&wb_bytes);
                input.version = info.version.unwrap_or_default();
                input.values_from = format!(
                    "from the normalized CSV {file}, checked identical, factor by factor, to the \
                     workbook's cells read with 15 significant digits"
                );
            }
            None => {
                input.source_sha256 = sha256_hex(&bytes);
                input.source_file = file.clone();
                input.values_from = format!("from the normalized CSV {file}");
            }
        }
    } else {
        let (rows, info) = read_workbook(&file, &bytes, a.year)?;
        input.rows = rows;
        input.source_file = file.clone();
        input.source_sha256 = sha256_hex(&bytes);
        input.version = info.version.unwrap_or_default();
        input.values_from =
            "from the workbook's cells read with 15 significant digits (the precision \
                             of the normalized CSVs)"
                .to_string();
    }
    let later = later_sets(a, global)?;
    let refs: Vec<&FactorSet> = later.iter().map(|s| s.as_ref()).collect();
    let out = desnz::build(&input, &refs)?;
    let path = a
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from(format!("desnz-{}.toml", a.year)));
    let generated = render_checked(
        &out.set,
        &preamble(
            &format!("ghg factors import desnz-flat {file} --year {}", a.year),
            &format!("{file} ({})", out.set.header.title),
        ),
        &path.display().to_string(),
    )?;
    write_atomic(&path, &generated.bytes)?;
    let m = &out.matching;
    crate::say!(
        "wrote {} ({}, {} factors): {} keyed by factor ID, {} matched to later editions, {} unmatched; {} factors with {} upstream links",
        path.display(),
        out.set.header.id,
        out.set.factors.len(),
        m.own_id,
        m.matched_total(),
        m.unmatched.len(),
        out.links.factors,
        out.links.links
    );
    Ok(Outcome::Clean)
}

fn all(a: &AllArgs) -> Result<Outcome> {
    let shared = a.shared.clone();
    let mut reader = |rel: &str| read(&shared.join(rel));
    let (files, summary) = import_all(&mut reader)?;
    for f in &files {
        let path = a.out.join(&f.path);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        }
        write_atomic(&path, &f.bytes)?;
    }
    crate::say!(
        "edition     factors  own-ID  matched  unmatched  linked-factors  links  \
         twin-missing  twin-unpublished  twin-ambiguous"
    );
    for (m, l, n) in &summary.desnz {
        crate::say!(
            "desnz-{}  {:>7}  {:>6}  {:>7}  {:>9}  {:>14}  {:>5}  {:>12}  {:>16}  {:>14}",
            m.year,
            n,
            m.own_id,
            m.matched_total(),
            m.unmatched.len(),
            l.factors,
            l.links,
            l.missing,
            l.unpublished,
            l.ambiguous
        );
    }
    for (id, n, links) in &summary.sets {
        crate::say!("{id}: {n} factors, {links} upstream links");
    }
    crate::say!("wrote {} files under {}", files.len(), a.out.display());
    Ok(Outcome::Clean)
}
