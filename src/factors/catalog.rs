//! Finding factor sets: the ones shipped inside the binary, then any in the user's own
//! directories (`--factors-dir`, `GHG_FACTORS_DIR`), which are held to the same validation.

use super::load::Problem;
use super::model::FactorSet;
use super::peek::peek_id;
use crate::embedded::{Shipped, FACTOR_FILES};
use crate::{Error, ErrorKind, Result};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// Where a factor file lives.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    /// Shipped in the binary.
    Embedded(&'static Shipped),
    /// A file on disk.
    File(PathBuf),
}

impl Source {
    /// How the source is named in messages, ledgers and manifests.
    pub fn display_name(&self) -> String {
        match self {
            Source::Embedded(f) => format!("factors/{}", f.path),
            Source::File(p) => p.display().to_string(),
        }
    }

    /// The file's text.
    pub fn read(&self) -> Result<String> {
        match self {
            Source::Embedded(f) => Ok(f.text.to_string()),
            Source::File(p) => read_text(p),
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

/// A user's TOML file as text; see [`utf8_text`] for a file that is not UTF-8.
pub fn read_text(path: &Path) -> Result<String> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    utf8_text(&path.display().to_string(), bytes)
}

/// Bytes as UTF-8 text, or an error at the line and column of the first bad byte (naming
/// UTF-16 when the bytes start with its byte order mark) that says how to fix it.
pub fn utf8_text(file: &str, bytes: Vec<u8>) -> Result<String> {
    String::from_utf8(bytes).map_err(|e| {
        let bytes = e.as_bytes();
        let at = e.utf8_error().valid_up_to();
        if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
            return Error::malformed(
                crate::Position::new(file, 1, 1),
                "the file is UTF-16 text (it starts with a UTF-16 byte order mark); save it as \
                 UTF-8",
            );
        }
        let before = &bytes[..at];
        let line = before.iter().filter(|&&b| b == b'\n').count() as u64 + 1;
        let line_start = before
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1);
        // Characters before the bad byte on its line, counted as the TOML errors count them.
        let column = String::from_utf8_lossy(&before[line_start..])
            .chars()
            .count() as u64
            + 1;
        Error::malformed(
            crate::Position::new(file, line, column),
            format!(
                "byte 0x{:02X} is not UTF-8 text (a Latin-1 or Windows-1252 file?); save the \
                 file as UTF-8",
                bytes[at]
            ),
        )
    })
}

/// True for files under `factors/` that are factor sets (not tables such as deflators or aliases).
fn is_set_file(rel: &str) -> bool {
    rel.ends_with(".toml") && !rel.starts_with("tables/") && rel != "aliases.toml"
}

impl Catalog {
    /// The shipped sets plus every `*.toml` factor set under `user_dirs`. A user set may not
    /// reuse a shipped set's id, nor another user set's: either would silently change which
    /// factors a named set holds, so both are errors naming the two files.
    pub fn discover(user_dirs: &[PathBuf]) -> Result<Catalog> {
        let mut by_id: BTreeMap<String, Entry> = BTreeMap::new();
        for f in FACTOR_FILES {
            if !is_set_file(f.path) {
                continue;
            }
            // Read when `ghg` was built, as `peek_id` reads it: 26 TOML headers a run need
            // not parse.
            let id = match f.set_id {
                Some(id) => id.to_string(),
                None => f.path.trim_end_matches(".toml").replace('/', "-"),
            };
            by_id.insert(
                id.clone(),
                Entry {
                    id,
                    source: Source::Embedded(f),
                },
            );
        }
        for dir in user_dirs {
            let mut files = Vec::new();
            collect_toml(dir, &mut files)?;
            files.sort();
            for p in files {
                let text = read_text(&p)?;
                // Tables (aliases, deflators) may sit beside the sets: files with no [set] are
                // skipped; a [set] without a readable id is loaded by path and reported there.
                let id = match peek_id(&text) {
                    Some(id) => id,
                    None if text.contains("[set]") => p.display().to_string(),
                    None => continue,
                };
                if let Some(first) = by_id.get(&id) {
                    return Err(shadowing(&id, &first.source, &p));
                }
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

/// The error for a user set whose id is already taken by a shipped set or another user set.
fn shadowing(id: &str, first: &Source, second: &Path) -> Error {
    let whose = match first {
        Source::Embedded(..) => "the shipped set",
        Source::File(_) => "the set in",
    };
    Error::usage(format!(
        "{}: factor set id {id:?} is already used by {whose} {}; two sets with one id would make \
         `--factors {id}` ambiguous. Give this set its own id in its [set] table (for example \
         id = \"{id}-own\") and name that id in --factors",
        second.display(),
        first.display_name()
    ))
}

/// Parses the file behind a source.
pub fn load_source(source: &Source) -> Result<(FactorSet, Vec<Problem>)> {
    let name = source.display_name();
    Ok(match source {
        // The text's hash was taken when `ghg` was built: a set read from the cache is
        // neither copied nor hashed.
        Source::Embedded(f) => super::cache::parse_known_cached(&name, f.text, f.sha256),
        Source::File(_) => super::cache::parse_set_cached(&name, &source.read()?),
    })
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The ids and hashes `build.rs` read are the ones a run would read from the files.
    #[test]
    fn shipped_ids_and_hashes_are_those_of_the_files() {
        let mut sets = 0;
        for f in FACTOR_FILES {
            assert_eq!(f.set_id.map(str::to_string), peek_id(f.text), "{}", f.path);
            assert_eq!(
                f.sha256,
                crate::factors::sha256_hex(f.text.as_bytes()),
                "{}",
                f.path
            );
            sets += usize::from(is_set_file(f.path));
        }
        assert!(sets >= 26, "{sets} sets");
        let catalog = Catalog::discover(&[]).unwrap();
        let set = catalog.load("desnz-2025").unwrap();
        assert_eq!(set.id(), "desnz-2025");
        let shipped = FACTOR_FILES.iter().find(|f| f.path == "desnz/2025.toml");
        assert_eq!(Some(set.sha256.as_str()), shipped.map(|f| f.sha256));
    }
}
