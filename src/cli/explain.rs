//! `ghg explain DIR`: how a figure in DIR was made, from DIR/ledger.csv and DIR/inventory.json
//! (and the factor-set files DIR/manifest.json names, for where each factor is defined).

use super::manifest::hash_file;
use super::output::stdout;
use super::verify::load_manifest;
use super::Outcome;
use crate::audit::explain::{
    explain, read_ledger, render_json, render_text, FactorSource, Selection,
};
use crate::audit::ledger::LedgerLine;
use crate::audit::manifest::{Manifest, Origin};
use crate::factors::{parse_set, sha256_hex};
use crate::report::inventory_json::InventoryJson;
use crate::{Error, Result};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Show the chain behind a figure: input quantity and unit, exact unit conversion, factor
/// (set, key, label, value, where it is defined), `quantity x factor = kg CO2e`, and the totals
/// it rolls into. Filters combine; none explains the whole inventory.
#[derive(Debug, Clone, clap::Args)]
pub struct ExplainArgs {
    /// An output directory written by `ghg inventory --out DIR`.
    pub dir: PathBuf,
    /// An input row, as FILE:LINE with FILE as the ledger names it (`energy.csv:14`).
    #[arg(long, value_name = "FILE:LINE")]
    pub line: Option<String>,
    /// A factor, as SET:KEY or KEY (`desnz-2025:7_400_4000_5`).
    #[arg(long, value_name = "[SET:]KEY")]
    pub factor: Option<String>,
    /// Lines of this site.
    #[arg(long)]
    pub site: Option<String>,
    /// Lines of this scope: 1, 2, 3, outside or nhs-only.
    #[arg(long, value_parser = ["1", "2", "3", "outside", "nhs-only"])]
    pub scope: Option<String>,
    /// Lines of this scope 3 category (1-15).
    #[arg(long, value_parser = clap::value_parser!(u8).range(1..=15))]
    pub category: Option<u8>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ExplainFormat::Text)]
    pub format: ExplainFormat,
    /// Lines shown in full in text output (0 for all); the sums always cover every line.
    #[arg(long, default_value_t = 20)]
    pub limit: usize,
}

/// Output formats of `ghg explain`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ExplainFormat {
    /// For people.
    Text,
    /// Exact decimals as strings, every selected line.
    Json,
}

fn selection(args: &ExplainArgs) -> Result<Selection> {
    let line = match &args.line {
        Some(t) => {
            let (file, n) = t
                .rsplit_once(':')
                .and_then(|(f, n)| Some((f, n.parse::<u64>().ok()?)))
                .ok_or_else(|| {
                    Error::usage(format!(
                        "--line {t:?}: expected FILE:LINE, as in energy.csv:14"
                    ))
                })?;
            Some((file.to_string(), n))
        }
        None => None,
    };
    let factor = args.factor.as_ref().map(|f| match f.split_once(':') {
        Some((s, k)) => (Some(s.to_string()), k.to_string()),
        None => (None, f.clone()),
    });
    Ok(Selection {
        line,
        factor,
        site: args.site.clone(),
        scope: args.scope.clone(),
        category: args.category,
    })
}

/// Where each factor set's factors are defined: set id to (file name, key to line and, for a
/// run with `--gwp` that recomputed the factor, how), for the sets whose file still has the
/// hash the manifest recorded.
type FactorLines = BTreeMap<String, (String, BTreeMap<String, (u64, Option<String>)>)>;

fn factor_lines(dir: &Path, m: &Manifest) -> FactorLines {
    let basis = m
        .options
        .gwp
        .as_deref()
        .and_then(crate::factors::gwp::Basis::parse);
    let table = basis.and_then(|_| crate::factors::gwp::GwpTable::shipped().ok());
    let recomputed = |f: &crate::factors::Factor| -> Option<String> {
        let (basis, g) = (basis?, f.gwp.as_ref()?);
        let new = table.as_ref()?.value(&g.gas, basis)?;
        (new != g.value).then(|| {
            format!(
                "GWP100 recomputed by --gwp {}: {} {new} ({basis}); the file has {} ({})",
                basis.as_str().to_ascii_lowercase(),
                g.gas,
                g.value,
                g.basis
            )
        })
    };
    let mut out = BTreeMap::new();
    for e in &m.factor_sets {
        let Some(id) = &e.id else { continue };
        let text = match e.origin {
            Origin::Embedded => e
                .name
                .strip_prefix("factors/")
                .and_then(crate::embedded::factor_file)
                .map(str::to_string),
            _ => {
                let p = Path::new(&e.name);
                let p = if p.is_absolute() {
                    p.to_path_buf()
                } else {
                    dir.join(&m.run_dir).join(p)
                };
                match hash_file(&p) {
                    Ok((sha, _)) if sha == e.sha256 => std::fs::read_to_string(&p).ok(),
                    _ => None,
                }
            }
        };
        let Some(text) = text.filter(|t| sha256_hex(t.as_bytes()) == e.sha256) else {
            continue;
        };
        let (set, _) = parse_set(&e.name, &text);
        let lines = set
            .factors
            .iter()
            .map(|f| (f.key.clone(), (f.line, recomputed(f))))
            .collect();
        out.insert(id.clone(), (e.name.clone(), lines));
    }
    out
}

/// Refuses a ledger or inventory that is not byte for byte what the run recorded in its
/// manifest: an edited (forged) line would otherwise be explained as if the run had made it.
fn check_recorded(dir: &Path, m: &Manifest, name: &str, bytes: &[u8]) -> Result<()> {
    let path = dir.join(name);
    let Some(entry) = m.outputs.iter().find(|o| o.name == name) else {
        return Err(Error::usage(format!(
            "{}: the manifest records no {name}, so its lines cannot be checked; \
             re-run `ghg inventory --out {}`",
            dir.join(crate::audit::manifest::FILE_NAME).display(),
            dir.display()
        )));
    };
    let sha = sha256_hex(bytes);
    if sha != entry.sha256 {
        return Err(Error::usage(format!(
            "{}: changed since the run wrote it (sha256 {sha}, the manifest records {}); \
             its lines are not the run's, so they are not explained. `ghg verify {}` shows \
             what differs; re-run `ghg inventory --out {}` for a ledger to explain",
            path.display(),
            entry.sha256,
            dir.display(),
            dir.display()
        )));
    }
    Ok(())
}

/// Refuses a filter that no line of this run could ever match (a site or factor the run does
/// not have, a scope 3 category with another scope), naming the ones there are: such a
/// question is a typo, and answering it with "0 lines" would read as a real zero.
fn check_selection(ledger: &Path, lines: &[LedgerLine], sel: &Selection) -> Result<()> {
    if let (Some(scope), Some(c)) = (&sel.scope, sel.category) {
        // nhs-only lines may carry a category; scopes 1, 2 and outside never do.
        if matches!(scope.as_str(), "1" | "2" | "outside") {
            return Err(Error::usage(format!(
                "--scope {scope} --category {c}: categories 1-15 are scope 3 categories, so no \
                 line can be both; use --scope 3 --category {c}, or drop --category"
            )));
        }
    }
    if let Some(site) = &sel.site {
        if !lines.iter().any(|l| &l.site == site) {
            let sites: BTreeSet<&str> = lines
                .iter()
                .map(|l| l.site.as_str())
                .filter(|s| !s.is_empty())
                .collect();
            return Err(Error::usage(format!(
                "{}: --site {site:?} is not a site in this run; {}",
                ledger.display(),
                listing("sites", "--site", &sites)
            )));
        }
    }
    if let Some((set, key)) = &sel.factor {
        let matches = |l: &LedgerLine| {
            &l.factor_key == key && set.as_ref().is_none_or(|s| &l.factor_set == s)
        };
        if !lines.iter().any(matches) {
            let factors: BTreeSet<String> = lines
                .iter()
                .map(|l| format!("{}:{}", l.factor_set, l.factor_key))
                .collect();
            let factors: BTreeSet<&str> = factors.iter().map(String::as_str).collect();
            let asked = match set {
                Some(s) => format!("{s}:{key}"),
                None => key.clone(),
            };
            return Err(Error::usage(format!(
                "{}: --factor {asked:?} is used by no line of this run; {}",
                ledger.display(),
                listing("factors", "--factor", &factors)
            )));
        }
    }
    Ok(())
}

/// "the sites there are: A, B" (the first 40, then how many more), or that there are none.
fn listing(what: &str, flag: &str, names: &BTreeSet<&str>) -> String {
    if names.is_empty() {
        return format!("the run has no {what}, so drop {flag}");
    }
    let shown: Vec<&str> = names.iter().take(40).copied().collect();
    let more = names.len() - shown.len();
    let tail = if more > 0 {
        format!(" and {more} more")
    } else {
        String::new()
    };
    format!("the {what} there are: {}{tail}", shown.join(", "))
}

/// Runs `ghg explain`.
pub fn run(args: &ExplainArgs) -> Result<Outcome> {
    let sel = selection(args)?;
    let dir = &args.dir;
    let ledger_path = dir.join("ledger.csv");
    let ledger = std::fs::read(&ledger_path).map_err(|e| Error::io(&ledger_path, e))?;
    // The manifest is optional for totals, but a single line is only explained once its
    // ledger is known to be the one the run wrote.
    let manifest = match load_manifest(dir) {
        Ok(m) => Some(m),
        Err(e) if sel.line.is_some() => return Err(e),
        Err(_) => None,
    };
    if let Some(m) = &manifest {
        check_recorded(dir, m, "ledger.csv", &ledger)?;
    }
    let lines = read_ledger(&ledger_path.display().to_string(), &ledger)?;
    check_selection(&ledger_path, &lines, &sel)?;
    let inv_path = dir.join("inventory.json");
    let inv_text = std::fs::read_to_string(&inv_path).map_err(|e| Error::io(&inv_path, e))?;
    if let Some(m) = &manifest {
        check_recorded(dir, m, "inventory.json", inv_text.as_bytes())?;
    }
    let inventory = InventoryJson::parse(&inv_path.display().to_string(), &inv_text)?;
    // Without a manifest, factors are shown without their source line.
    let sources = manifest
        .as_ref()
        .map(|m| factor_lines(dir, m))
        .unwrap_or_default();
    let source = |set: &str, key: &str| -> Option<FactorSource> {
        let (file, lines) = sources.get(set)?;
        let (line, gwp) = lines.get(key)?;
        Some(FactorSource {
            file: file.clone(),
            line: *line,
            gwp: gwp.clone(),
        })
    };
    let e = explain(&lines, &sel, &inventory, &source)?;
    // A total with no lines (a category with no emissions) is an answer, zero; a row or
    // factor that is not in the ledger is a mistake in the question.
    if e.chains.is_empty() && (sel.line.is_some() || sel.factor.is_some()) {
        return Err(Error::usage(format!(
            "{}: no ledger line matches {}",
            ledger_path.display(),
            e.selection
        )));
    }
    match args.format {
        ExplainFormat::Text => stdout(render_text(&e, args.limit).as_bytes())?,
        ExplainFormat::Json => stdout(render_json(&e)?.as_bytes())?,
    }
    Ok(if e.chains.iter().all(|c| c.reproduced()) && e.agrees() {
        Outcome::Clean
    } else {
        Outcome::Findings
    })
}
