//! `ghg factors list|show|validate|diff|import`.

use super::output::stdout;
use super::{GlobalArgs, Outcome};
use crate::factors::catalog::{load_source, Source};
use crate::factors::table_files::{check_table, kind_of, unknown_table, FileKind};
use crate::factors::{Factor, FactorSet};
use crate::report::factors::{describe_factor, describe_set, factor_json};
use crate::report::table::{Align, Table};
use crate::{Error, Result};
use clap::Subcommand;
use rust_decimal::Decimal;
use std::fmt::Write as _;
use std::path::PathBuf;

mod aliases;
mod import;

/// Subcommands of `ghg factors`.
#[derive(Debug, Subcommand)]
pub enum FactorsCommand {
    /// Every factor set with its publisher, edition, licence and factor count.
    List {
        /// Output format (json: one object per set).
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// One factor by key or publisher ID, or a search by label words.
    ///
    /// `ghg factors show desnz-2023 7_400_4000_5`; `ghg factors show desnz-2025 natural gas gross`.
    Show {
        /// The set id, such as desnz-2025.
        set: String,
        /// A factor key, a publisher ID, or words to find in the labels and unit.
        query: Vec<String>,
        /// Output format (json: values as exact decimal strings).
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Check factor files: schema, units, duplicate keys, missing or negative values, scope 3
    /// categories, per-gas sums and links. Every problem is printed with file:line:col; exit 1
    /// if any, 2 if a directory named holds no .toml file.
    ///
    /// `aliases.toml` and the tables in `tables/` (deflators, gwp, nhs_categories,
    /// grid-projection, carbon-values) are checked as what they are, with the loader the
    /// engine reads them with: `ghg factors validate factors` checks the whole shipped tree.
    Validate {
        /// Files or directories to check [default: every shipped and user set].
        paths: Vec<PathBuf>,
        /// Output format (json: every file with its kind, count and problems).
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Added, removed, relabelled and changed factors between two sets, with absolute and
    /// percentage change.
    Diff {
        /// The older set.
        from: String,
        /// The newer set.
        to: String,
        /// Exit 1 when any factor's value changes by more than this (`10%` or `10`).
        #[arg(long, value_parser = parse_percent)]
        threshold: Option<Decimal>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// The everyday activity names `inventory` understands (`Gas`, `Grey fleet`, `Clinical
    /// waste` ...), the factor each stands for and why; with WORDS, the key each takes in every
    /// DESNZ edition and NHS SDU set.
    Aliases(aliases::AliasesArgs),
    /// Generate factor sets from publisher files: a DESNZ flat file, or every shipped file.
    #[command(subcommand)]
    Import(import::ImportCommand),
}

/// Output formats for commands that print a report.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// For people.
    Table,
    /// For CI jobs and scripts.
    Json,
}

/// `10%`, `10` or `2.5%` to a percentage.
pub fn parse_percent(s: &str) -> std::result::Result<Decimal, String> {
    let t = s.trim().trim_end_matches('%').trim();
    crate::num::parse_decimal(t)
        .ok()
        .filter(|d| !d.is_sign_negative())
        .ok_or_else(|| format!("{s:?} is not a percentage such as 10% or 2.5"))
}

/// Runs a `ghg factors` subcommand.
pub fn run(cmd: &FactorsCommand, global: &GlobalArgs) -> Result<Outcome> {
    match cmd {
        FactorsCommand::List { format } => list(global, *format),
        FactorsCommand::Show { set, query, format } => show(global, set, query, *format),
        FactorsCommand::Validate { paths, format } => validate(global, paths, *format),
        FactorsCommand::Diff {
            from,
            to,
            threshold,
            format,
        } => diff(global, from, to, *threshold, *format),
        FactorsCommand::Import(cmd) => import::run(cmd, global),
        FactorsCommand::Aliases(args) => aliases::run(args, global),
    }
}

fn list(global: &GlobalArgs, format: Format) -> Result<Outcome> {
    let catalog = global.catalog()?;
    let mut json_rows = Vec::new();
    let mut rows = vec![[
        "id".to_string(),
        "publisher".into(),
        "edition".into(),
        "licence".into(),
        "factors".into(),
        "source rows".into(),
        "origin".into(),
    ]];
    for e in catalog.entries() {
        let (set, problems) = load_source(&e.source)?;
        let h = &set.header;
        json_rows.push(serde_json::json!({
            "id": e.id,
            "publisher": h.publisher,
            "edition": h.edition,
            "licence": h.licence,
            "factors": set.factors.len(),
            "problems": problems.len(),
            "source_rows": h.source_rows,
            "origin": e.source.display_name(),
        }));
        let count = if problems.is_empty() {
            set.factors.len().to_string()
        } else {
            format!(
                "{} (invalid: {} problems)",
                set.factors.len(),
                problems.len()
            )
        };
        rows.push([
            e.id.clone(),
            h.publisher.clone(),
            h.edition.to_string(),
            h.licence.clone(),
            count,
            h.source_rows.map_or("-".into(), |n| n.to_string()),
            e.source.display_name(),
        ]);
    }
    match format {
        Format::Table => stdout(render_columns(&rows).as_bytes())?,
        Format::Json => stdout(json_text(&serde_json::Value::Array(json_rows))?.as_bytes())?,
    }
    Ok(Outcome::Clean)
}

/// Pretty JSON with a final newline.
fn json_text(v: &serde_json::Value) -> Result<String> {
    serde_json::to_string_pretty(v)
        .map(|t| t + "\n")
        .map_err(|e| Error::usage(format!("cannot write JSON: {e}")))
}

/// Left-aligned columns separated by two spaces.
pub(crate) fn render_columns<const N: usize>(rows: &[[String; N]]) -> String {
    let mut t = Table::new([Align::Left; N]);
    for r in rows {
        t.row(r.iter().cloned());
    }
    t.render()
}

fn show(global: &GlobalArgs, set_name: &str, query: &[String], format: Format) -> Result<Outcome> {
    let catalog = global.catalog()?;
    let set = catalog.load(set_name)?;
    if format == Format::Json {
        let v = show_json(&set, query)?;
        stdout(json_text(&v)?.as_bytes())?;
        return Ok(Outcome::Clean);
    }
    let mut out = String::new();
    if query.is_empty() {
        describe_set(&set, &mut out);
        stdout(out.as_bytes())?;
        return Ok(Outcome::Clean);
    }
    let found = find(&set, query)?;
    for (i, f) in found.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        describe_factor(&set, f, &mut out);
    }
    stdout(out.as_bytes())?;
    Ok(Outcome::Clean)
}

/// The factors a `show` query names: the one with that key or publisher ID, or every factor
/// whose labels hold all the words; an error when none does.
fn find<'a>(set: &'a FactorSet, query: &[String]) -> Result<Vec<&'a Factor>> {
    if query.len() == 1 {
        if let Some(f) = set.get(&query[0]) {
            return Ok(vec![f]);
        }
    }
    let words: Vec<&str> = query.iter().flat_map(|q| q.split_whitespace()).collect();
    if words.is_empty() {
        return Err(Error::usage(
            "give a factor key, a publisher ID or words to search for",
        ));
    }
    let found = set.search(&words);
    if found.is_empty() {
        return Err(Error::usage(format!(
            "no factor in {} has key or ID {:?} or labels containing all of: {}",
            set.id(),
            query.join(" "),
            words.join(", ")
        )));
    }
    Ok(found)
}

/// `factors show --format json`: the set's header without a query, else `{"set", "factors"}`.
fn show_json(set: &FactorSet, query: &[String]) -> Result<serde_json::Value> {
    let h = &set.header;
    let header = serde_json::json!({
        "id": h.id,
        "title": h.title,
        "publisher": h.publisher,
        "edition": h.edition,
        "version": h.version,
        "period": h.period,
        "valid_from": h.valid_from,
        "valid_to": h.valid_to,
        "licence": h.licence,
        "gwp": h.gwp,
        "source_file": h.source_file,
        "url": h.url,
        "source_sha256": h.source_sha256,
        "factors": set.factors.len(),
        "file": set.origin,
        "sha256": set.sha256,
    });
    if query.is_empty() {
        return Ok(header);
    }
    let factors: Vec<serde_json::Value> = find(set, query)?
        .into_iter()
        .map(|f| factor_json(set, f))
        .collect();
    Ok(serde_json::json!({ "set": set.id(), "factors": factors }))
}

fn validate(global: &GlobalArgs, paths: &[PathBuf], format: Format) -> Result<Outcome> {
    let mut sources = Vec::new();
    if paths.is_empty() {
        let catalog = global.catalog()?;
        sources.extend(catalog.entries().iter().map(|e| e.source.clone()));
    } else {
        for p in paths {
            if p.is_dir() {
                let mut files = Vec::new();
                walk(p, &mut files)?;
                // Named on purpose and empty: a wrong path, not a clean bill of health.
                if files.is_empty() {
                    return Err(Error::usage(format!(
                        "{}: no .toml factor file in this directory or below it",
                        p.display()
                    )));
                }
                files.sort();
                sources.extend(files.into_iter().map(Source::File));
            } else {
                sources.push(Source::File(p.clone()));
            }
        }
    }
    let mut problems = 0usize;
    let mut report = String::new();
    let mut err = String::new();
    let mut files = Vec::new();
    let (mut sets, mut tables) = (0usize, 0usize);
    for s in &sources {
        let kind = match s {
            Source::File(p) => kind_of(p),
            Source::Embedded(..) => FileKind::Set,
        };
        // (kind, id, count, problems)
        let (what, id, count, ps) = match kind {
            FileKind::Set => {
                sets += 1;
                let (set, ps) = load_source(s)?;
                (
                    "factor set",
                    Some(set.id().to_string()),
                    set.factors.len(),
                    ps,
                )
            }
            FileKind::Table(t) => {
                tables += 1;
                let name = s.display_name();
                match check_table(t, &name, &s.read()?) {
                    Ok(n) => (t.name(), None, n, Vec::new()),
                    Err(p) => (t.name(), None, 0, vec![p]),
                }
            }
            FileKind::UnknownTable => {
                tables += 1;
                (
                    "unknown table",
                    None,
                    0,
                    vec![unknown_table(&s.display_name())],
                )
            }
        };
        if ps.is_empty() {
            let _ = match (&kind, &id) {
                (FileKind::Set, Some(id)) => {
                    writeln!(report, "ok  {} ({id}, {count} factors)", s.display_name())
                }
                _ => writeln!(
                    report,
                    "ok  {} ({what} table, {count} entries)",
                    s.display_name()
                ),
            };
        } else {
            problems += ps.len();
            for p in &ps {
                let _ = writeln!(err, "{}: {}", p.pos, p.message);
            }
        }
        files.push(serde_json::json!({
            "file": s.display_name(),
            "kind": what,
            "id": id,
            "entries": count,
            "valid": ps.is_empty(),
            "problems": ps.iter().map(|p| serde_json::json!({
                "file": p.pos.file,
                "line": p.pos.line,
                "column": p.pos.column,
                "message": p.message,
            })).collect::<Vec<_>>(),
        }));
    }
    if format == Format::Json {
        let v = serde_json::json!({
            "files": files,
            "checked": sources.len(),
            "problems": problems,
        });
        stdout(json_text(&v)?.as_bytes())?;
    } else {
        stdout(report.as_bytes())?;
        super::output::stderr_text(&err);
    }
    let what = match (sets, tables) {
        (s, 0) => format!("{s} factor set(s)"),
        (s, t) => format!("{s} factor set(s) and {t} table(s)"),
    };
    if problems > 0 {
        crate::say!("{problems} problem(s) in {} file(s) checked", sources.len());
        Ok(Outcome::Findings)
    } else {
        crate::say!("{what} valid");
        Ok(Outcome::Clean)
    }
}

fn walk(dir: &std::path::Path, out: &mut Vec<PathBuf>) -> Result<()> {
    for e in std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))? {
        let p = e.map_err(|e| Error::io(dir, e))?.path();
        if p.is_dir() {
            walk(&p, out)?;
        } else if p.extension().is_some_and(|x| x == "toml") {
            out.push(p);
        }
    }
    Ok(())
}

fn diff(
    global: &GlobalArgs,
    from: &str,
    to: &str,
    threshold: Option<Decimal>,
    format: Format,
) -> Result<Outcome> {
    let catalog = global.catalog()?;
    let (a, b) = (catalog.load(from)?, catalog.load(to)?);
    let d = crate::factors::diff::diff_sets(&a, &b);
    let text = match format {
        Format::Table => crate::report::diff::diff_text(&d, threshold),
        Format::Json => crate::report::diff::diff_json(&d, threshold),
    };
    stdout(text.as_bytes())?;
    match threshold {
        Some(t) if !d.over_threshold(t).is_empty() => Ok(Outcome::Findings),
        _ => Ok(Outcome::Clean),
    }
}
