//! `ghg factors aliases [WORDS]`: the shipped vocabulary of everyday activity names, what
//! each stands for, and the key it takes in every DESNZ and NHS SDU set.

use super::super::output::stdout;
use super::super::{GlobalArgs, Outcome};
use crate::factors::tables::{parse_aliases, Alias, Aliases};
use crate::factors::FactorSet;
use crate::{Error, Result};
use std::fmt::Write as _;
use std::path::PathBuf;
use std::sync::Arc;

/// Arguments of `ghg factors aliases`.
#[derive(Debug, clap::Args)]
pub struct AliasesArgs {
    /// Words to look for in names and notes (all must appear); with words, each alias found is
    /// shown with the key it takes in every shipped DESNZ edition and NHS SDU set.
    pub words: Vec<String>,
    /// Your own alias file (as for `inventory --aliases`), listed after the shipped names.
    #[arg(long, value_name = "FILE")]
    pub aliases: Option<PathBuf>,
}

/// Runs `ghg factors aliases`.
pub fn run(args: &AliasesArgs, global: &GlobalArgs) -> Result<Outcome> {
    let mut all = Aliases::shipped()?.aliases;
    if let Some(p) = &args.aliases {
        let text = std::fs::read_to_string(p).map_err(|e| Error::io(p, e))?;
        all.extend(parse_aliases(&p.display().to_string(), &text)?.aliases);
    }
    let words: Vec<String> = args
        .words
        .iter()
        .flat_map(|w| w.split_whitespace())
        .map(str::to_lowercase)
        .collect();
    // The name asked for first, then names holding the words, then notes that mention them.
    let phrase = words.join(" ");
    let mut found: Vec<(u8, &Alias)> = all
        .iter()
        .filter_map(|a| {
            let note = a.note.to_lowercase();
            let rank = if a.name == phrase {
                0
            } else if words.iter().all(|w| a.name.contains(w.as_str())) {
                1
            } else if words
                .iter()
                .all(|w| a.name.contains(w.as_str()) || note.contains(w.as_str()))
            {
                2
            } else {
                return None;
            };
            Some((rank, a))
        })
        .collect();
    found.sort_by_key(|(rank, _)| *rank);
    let found: Vec<&Alias> = found.into_iter().map(|(_, a)| a).collect();
    if found.is_empty() {
        return Err(Error::usage(format!(
            "no alias name or note contains all of: {}; `ghg factors aliases` lists them all, \
             `ghg factors show SET WORDS` searches a set's labels",
            words.join(", ")
        )));
    }
    let sets = if words.is_empty() {
        Vec::new()
    } else {
        shipped_activity_sets(global)?
    };
    let mut out = String::new();
    for a in found {
        let mut keys = vec![a.key.clone()];
        keys.extend(a.also.iter().cloned());
        let _ = writeln!(out, "{}  ->  {}", a.name, keys.join(", "));
        if !a.note.is_empty() {
            let _ = writeln!(out, "  {}", a.note);
        }
        if !sets.is_empty() {
            for line in coverage(a, &sets) {
                let _ = writeln!(out, "  {line}");
            }
        }
    }
    stdout(out.as_bytes())?;
    Ok(Outcome::Clean)
}

/// The shipped DESNZ and NHS SDU sets, in catalog order.
fn shipped_activity_sets(global: &GlobalArgs) -> Result<Vec<Arc<FactorSet>>> {
    let catalog = global.catalog()?;
    catalog
        .entries()
        .iter()
        .filter(|e| e.id.starts_with("desnz-") || e.id.starts_with("nhs-sdu-"))
        .map(|e| catalog.load(&e.id))
        .collect()
}

/// For each key the alias takes, the sets where it is the first key found; then the sets
/// that have none of its keys.
fn coverage(a: &Alias, sets: &[Arc<FactorSet>]) -> Vec<String> {
    let mut keys = vec![a.key.as_str()];
    keys.extend(a.also.iter().map(String::as_str));
    let mut by_key: Vec<(String, Vec<&str>)> = Vec::new();
    let mut missing = Vec::new();
    for s in sets {
        match keys.iter().find_map(|k| s.get(k)) {
            Some(f) => {
                let what = format!("{} ({}, per {})", f.key, f.label(), f.unit.name);
                match by_key.iter_mut().find(|(w, _)| *w == what) {
                    Some((_, ids)) => ids.push(s.id()),
                    None => by_key.push((what, vec![s.id()])),
                }
            }
            None => missing.push(s.id()),
        }
    }
    let mut lines: Vec<String> = by_key
        .into_iter()
        .map(|(what, ids)| format!("in {}: {what}", span(&ids)))
        .collect();
    if !missing.is_empty() {
        lines.push(format!("not published in {}", span(&missing)));
    }
    lines
}

/// Sets named compactly, a family at a time: `desnz-2016 .. desnz-2025 (10 sets)`.
fn span(ids: &[&str]) -> String {
    let family = |id: &str| id.split('-').next().unwrap_or_default().to_string();
    let mut groups: Vec<(String, Vec<&str>)> = Vec::new();
    for id in ids {
        match groups.last_mut() {
            Some((f, g)) if *f == family(id) => g.push(id),
            _ => groups.push((family(id), vec![id])),
        }
    }
    groups
        .iter()
        .map(|(_, g)| match g.as_slice() {
            [first, .., last] if g.len() > 2 => format!("{first} .. {last} ({} sets)", g.len()),
            _ => g.join(", "),
        })
        .collect::<Vec<_>>()
        .join("; ")
}
