//! Finding factor sets: the ones shipped inside the binary, then any in the user's own
//! directories (`--factors-dir`, `GHG_FACTORS_DIR`), which are held to the same validation.

use super::load::{parse_set, Problem};
use super::model::FactorSet;
use crate::embedded::FACTOR_FILES;
use crate::{Error, ErrorKind, Result};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// Where a factor file lives.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    /// Shipped in the binary, by path under `factors/`.
    Embedded(&'static str, &'static str),
    /// A file on disk.
    File(PathBuf),
}

impl Source {
    /// How the source is named in messages, ledgers and manifests.
    pub fn display_name(&self) -> String {
        match self {
            Source::Embedded(rel, _) => format!("factors/{rel}"),
            Source::File(p) => p.display().to_string(),
        }
    }

    /// The file's text.
    pub fn read(&self) -> Result<String> {
        match self {
            Source::Embedded(_, text) => Ok((*text).to_string()),
            Source::File(p) => std::fs::read_to_string(p).map_err(|e| Error::io(p, e)),
        }
    }
}

/// One factor file known to the catalog.
#[derive(Clone, Debug)]
pub struct Entry {
    /// The set id, read from the file's `[set]` table.
    pub id: String,
    /// Where it is.
    pub source: Source,
}

/// Every factor set `ghg` can see, by id, loaded on first use.
#[derive(Debug, Default)]
pub struct Catalog {
    entries: Vec<Entry>,
    loaded: Mutex<BTreeMap<String, Arc<FactorSet>>>,
}

/// The `id = "..."` of a factor file's `[set]` table, found without parsing the whole file.
pub fn peek_id(text: &str) -> Option<String> {
    let mut in_set = false;
    for line in text.lines().take(200) {
        let l = line.trim();
        if l.starts_with('[') {
            in_set = l == "[set]";
            continue;
        }
        if in_set {
            if let Some(rest) = l.strip_prefix("id") {
                let rest = rest.trim_start().strip_prefix('=')?.trim();
                return Some(rest.trim_matches('"').to_string());
            }
        }
    }
    None
}

/// True for files under `factors/` that are factor sets (not tables such as deflators or aliases).
fn is_set_file(rel: &str) -> bool {
    rel.ends_with(".toml") && !rel.starts_with("tables/") && rel != "aliases.toml"
}

impl Catalog {
    /// The shipped sets plus every `*.toml` factor set under `user_dirs`; a user set with the
    /// same id as a shipped one takes its place.
    pub fn discover(user_dirs: &[PathBuf]) -> Result<Catalog> {
        let mut by_id: BTreeMap<String, Entry> = BTreeMap::new();
        for (rel, text) in FACTOR_FILES {
            if !is_set_file(rel) {
                continue;
            }
            let id =
                peek_id(text).unwrap_or_else(|| rel.trim_end_matches(".toml").replace('/', "-"));
            by_id.insert(
                id.clone(),
                Entry {
                    id,
                    source: Source::Embedded(rel, text),
                },
            );
        }
        for dir in user_dirs {
            let mut files = Vec::new();
            collect_toml(dir, &mut files)?;
            files.sort();
            for p in files {
                let text = std::fs::read_to_string(&p).map_err(|e| Error::io(&p, e))?;
                if !text.contains("[set]") {
                    continue;
                }
                let id = peek_id(&text).unwrap_or_else(|| p.display().to_string());
                by_id.insert(
                    id.clone(),
                    Entry {
                        id,
                        source: Source::File(p),
                    },
                );
            }
        }
        Ok(Catalog {
            entries: by_id.into_values().collect(),
            loaded: Mutex::new(BTreeMap::new()),
        })
    }

    /// Every known set, in id order.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// The entry for an id.
    pub fn entry(&self, id: &str) -> Option<&Entry> {
        self.entries.iter().find(|e| e.id == id)
    }

    /// Loads a set by id, or by path to a `.toml` file; a set with problems is an error that
    /// lists them.
    pub fn load(&self, name: &str) -> Result<Arc<FactorSet>> {
        if let Some(s) = self.loaded.lock().ok().and_then(|m| m.get(name).cloned()) {
            return Ok(s);
        }
        let source = match self.entry(name) {
            Some(e) => e.source.clone(),
            None if name.ends_with(".toml") && Path::new(name).exists() => {
                Source::File(PathBuf::from(name))
            }
            None => {
                return Err(ErrorKind::UnknownSet {
                    name: name.to_string(),
                    known: self.entries.iter().map(|e| e.id.clone()).collect(),
                }
                .into())
            }
        };
        let (set, problems) = load_source(&source)?;
        if !problems.is_empty() {
            return Err(invalid_set(&source, &problems));
        }
        let set = Arc::new(set);
        if let Ok(mut m) = self.loaded.lock() {
            m.insert(name.to_string(), set.clone());
        }
        Ok(set)
    }
}

/// Parses the file behind a source.
pub fn load_source(source: &Source) -> Result<(FactorSet, Vec<Problem>)> {
    let text = source.read()?;
    Ok(parse_set(&source.display_name(), &text))
}

/// The error for a set that did not validate: its first problems, and how to see them all.
pub fn invalid_set(source: &Source, problems: &[Problem]) -> Error {
    let mut msg = format!(
        "factor set {} is not valid ({} problem{}):",
        source.display_name(),
        problems.len(),
        if problems.len() == 1 { "" } else { "s" }
    );
    for p in problems.iter().take(10) {
        msg.push_str(&format!("\n  {}: {}", p.pos, p.message));
    }
    if problems.len() > 10 {
        msg.push_str("\n  ... run `ghg factors validate` for the full list");
    }
    Error::usage(msg)
}

fn collect_toml(dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    let rd = std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))?;
    for e in rd {
        let e = e.map_err(|e| Error::io(dir, e))?;
        let p = e.path();
        if p.is_dir() {
            collect_toml(&p, out)?;
        } else if p.extension().is_some_and(|x| x == "toml") {
            out.push(p);
        }
    }
    Ok(())
}
