//! `ghg import eric FILE --org CODE`: an ERIC estates return to an activity CSV that
//! `ghg inventory` reads, with a summary on standard error of what was read and left out.

use super::output::{stdout, write_atomic};
use super::Outcome;
use crate::activity::eric::{self, Import};
use crate::activity::eric_layouts::Level;
use crate::num::exact_string;
use crate::{Error, Result};
use clap::Subcommand;
use std::path::PathBuf;

/// Importers of activity data.
#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// An ERIC estates return (NHS Digital CSV, site, trust or PFI file, 2013-14 to 2016-17) to
    /// an activity CSV for one organisation: energy, water and waste by site.
    ///
    /// Columns written: activity, quantity, unit, site (ERIC site code), period (the ERIC year
    /// as an NHS financial year, 2016/17), ref (the ERIC column). "Not Applicable", "No Data
    /// Provided" and blanks are missing, not zero: counted and listed on standard error, with
    /// the energy, water and waste columns not imported and why. Zero cells give no row.
    /// Historic re-run: `ghg import eric FILE --org REF | ghg inventory - --factors
    /// nhs-sdu-2016-17`. Exit 1 when a quantity was left out (a negative cell, a fuel ERIC does
    /// not name, an unrecognised column); 2 when the file cannot be read (unknown layout, an
    /// organisation not in the file, a site listed twice, a cell that is not a number).
    Eric(EricArgs),
}

/// Arguments of `ghg import eric`.
#[derive(Debug, clap::Args)]
pub struct EricArgs {
    /// The ERIC CSV as NHS Digital publishes it (e.g. eric_2016-17_site.csv), or `-` for
    /// standard input.
    pub file: PathBuf,
    /// Organisation code, as in the file's "Organisation Code" column (e.g. REF).
    #[arg(long)]
    pub org: String,
    /// Only this site (ERIC site code, e.g. REF01).
    #[arg(long)]
    pub site: Option<String>,
    /// Write the activity CSV here (atomically) instead of standard output.
    #[arg(long, short)]
    pub out: Option<PathBuf>,
    /// Also write the summary as JSON here (atomically), every missing cell included.
    #[arg(long)]
    pub summary: Option<PathBuf>,
}

/// Runs an importer.
pub fn run(cmd: &ImportCommand) -> Result<Outcome> {
    match cmd {
        ImportCommand::Eric(a) => run_eric(a),
    }
}

/// Missing cells listed on standard error before the rest are only counted.
const SHOWN_MISSING: usize = 20;

fn run_eric(a: &EricArgs) -> Result<Outcome> {
    let (name, bytes) = if a.file.as_os_str() == "-" {
        let mut b = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin(), &mut b).map_err(|e| Error::io("-", e))?;
        ("-".to_string(), b)
    } else {
        let b = std::fs::read(&a.file).map_err(|e| Error::io(&a.file, e))?;
        (a.file.display().to_string(), b)
    };
    let imp = eric::read(
        &name,
        &bytes,
        a.org.trim(),
        a.site.as_deref().map(str::trim),
    )?;
    let csv = eric::to_csv(&imp.rows)?;
    // Everything is built before anything is written: an error leaves no file behind.
    let json = match &a.summary {
        Some(_) => Some(
            serde_json::to_string_pretty(&eric::summary_json(&imp))
                .map_err(|e| Error::usage(format!("summary JSON: {e}")))?
                + "\n",
        ),
        None => None,
    };
    match &a.out {
        Some(p) => write_atomic(p, &csv)?,
        None => stdout(&csv)?,
    }
    if let (Some(p), Some(j)) = (&a.summary, json) {
        write_atomic(p, j.as_bytes())?;
    }
    report(&imp, a);
    let s = &imp.summary;
    let unrecognised = s
        .not_imported
        .iter()
        .any(|n| n.reason.starts_with("not recognised"));
    Ok(
        if s.negative.is_empty() && s.skipped.is_empty() && !unrecognised {
            Outcome::Clean
        } else {
            Outcome::Findings
        },
    )
}

/// The summary on standard error.
fn report(imp: &Import, a: &EricArgs) {
    let s = &imp.summary;
    crate::say!(
        "eric: {} file; {} {}, {}: {} {}",
        s.layout,
        s.org,
        s.org_name,
        s.period,
        s.sites.len(),
        if s.sites.len() == 1 { "site" } else { "sites" },
    );
    if !s.sites.is_empty() {
        crate::say!("eric: sites: {}", s.sites.join(", "));
    }
    if s.subtotal_rows > 0 {
        crate::say!(
            "eric: {} subtotal rows of the file (\"... Result\", \"Grand Total\") passed over: \
             they sum the site rows",
            s.subtotal_rows
        );
    }
    if !s.absent.is_empty() {
        crate::say!(
            "warning: {} columns of the {} layout are not in the file, so none of their \
             quantities are imported: {}",
            s.absent.len(),
            s.layout,
            s.absent
                .iter()
                .map(|c| format!("{c:?}"))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    if imp.level != Level::Site {
        crate::say!(
            "eric: this {} file holds no energy, water or waste quantities (ERIC reports them \
             per site): import the site file of the same year",
            s.layout
        );
    }
    let kinds: Vec<String> = s
        .missing_by_kind
        .iter()
        .map(|(k, n)| format!("{k} {n}"))
        .collect();
    crate::say!(
        "eric: {} cells read: {} rows written, {} zero (no row), {} missing{}, {} negative",
        s.cells,
        s.rows,
        s.zero,
        s.missing_count(),
        if kinds.is_empty() {
            String::new()
        } else {
            format!(" ({})", kinds.join(", "))
        },
        s.negative.len()
    );
    for c in s.missing.iter().take(SHOWN_MISSING) {
        crate::say!(
            "eric: missing: {}: {} {}: {:?}",
            c.pos,
            c.site,
            c.column,
            c.value
        );
    }
    if s.missing.len() > SHOWN_MISSING {
        crate::say!(
            "eric: missing: ... and {} more{}",
            s.missing.len() - SHOWN_MISSING,
            if a.summary.is_some() {
                " (all in the --summary file)"
            } else {
                "; --summary FILE lists them all"
            }
        );
    }
    for c in &s.negative {
        crate::say!(
            "warning: {}: {} {}: {} is negative: not imported (ghg inventory refuses negative \
             quantities); correct the return",
            c.pos,
            c.site,
            c.column,
            c.value
        );
    }
    for (c, why) in &s.skipped {
        crate::say!(
            "warning: {}: {} {}: {} not imported: {why}",
            c.pos,
            c.site,
            c.column,
            c.value
        );
    }
    for site in &s.chp_over_fuel {
        crate::say!(
            "warning: {site}: the CHP fuel input is more than the gas, oil and coal consumed; \
             ERIC counts CHP fuel within them, so check the return"
        );
    }
    for m in &s.memos {
        crate::say!(
            "eric: not a row: {}: {} {} in all ({})",
            m.column,
            exact_string(m.total),
            m.unit,
            m.reason
        );
    }
    if !s.not_imported.is_empty() {
        let cols: Vec<String> = s
            .not_imported
            .iter()
            .filter(|n| !s.memos.iter().any(|m| m.column == n.column))
            .map(|n| format!("{:?} ({})", n.column, n.reason))
            .collect();
        if !cols.is_empty() {
            crate::say!(
                "eric: energy, water and waste columns not imported: {}",
                cols.join("; ")
            );
        }
    }
    if s.rows > 0 {
        let target = a
            .out
            .as_ref()
            .map_or_else(|| "-".to_string(), |p| p.display().to_string());
        crate::say!(
            "eric: price the {} return with: ghg inventory {target} --factors {}",
            s.period,
            imp.sdu_set
        );
    }
}
