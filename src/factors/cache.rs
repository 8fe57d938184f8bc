//! Parsed factor sets kept on disk, so a run reads a set it has read before in a few
//! milliseconds instead of parsing its TOML again (a DESNZ edition is 0.6 MB of TOML, about
//! 30 ms to parse: most of a one-row run).
//!
//! An entry is found by the SHA-256 of the set's text and a hash of the source `ghg` was built
//! from, so a different file or a different build never reads it; the entry carries a SHA-256
//! of its own bytes, so a torn or damaged file is never believed. Anything unexpected (no
//! cache directory, a read or write failure, a mismatch) falls back to parsing, which gives
//! the same set: the cache changes how fast a set is read, never what is read.
//!
//! Where: `GHG_CACHE_DIR` if set (empty or `off`: no cache), else `$XDG_CACHE_HOME/ghg/sets`,
//! else `$HOME/.cache/ghg/sets`.

use super::load::{parse_set, sha256_hex, Problem};
use super::model::{Factor, FactorSet, SetHeader};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::io::Write;
use std::path::{Path, PathBuf};

/// A hash of the source this binary was built from: a build that parses differently never
/// reads another build's entries.
const BUILD: &str = env!("GHG_SOURCE_HASH");

/// Factors per part of an entry. The parts are decoded in as many runs as the machine has
/// cores, each on a thread of its own: a DESNZ edition's 3,500 factors take about 4 ms to
/// decode on one, and a thread per part costs more than it saves on two cores.
const FACTORS_PER_PART: usize = 512;

/// What an entry holds: the parse of one set's text, its factors in parts.
#[derive(Serialize, Deserialize)]
struct Entry<'a> {
    text_sha256: String,
    build: String,
    header: SetHeader,
    /// Each the postcard bytes of a `Vec<Factor>`, in file order.
    #[serde(borrow)]
    parts: Vec<Blob<'a>>,
    problems: Vec<Problem>,
}

/// Bytes kept as bytes (serde writes a `&[u8]` as a sequence of numbers), read in place.
struct Blob<'a>(&'a [u8]);

impl Serialize for Blob<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bytes(self.0)
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Blob<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Borrowed;
        impl<'de> serde::de::Visitor<'de> for Borrowed {
            type Value = &'de [u8];
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("bytes")
            }
            fn visit_borrowed_bytes<E>(self, v: &'de [u8]) -> Result<&'de [u8], E> {
                Ok(v)
            }
        }
        d.deserialize_bytes(Borrowed).map(Blob)
    }
}

/// The cache directory, if there is one.
pub fn dir() -> Option<PathBuf> {
    match std::env::var_os("GHG_CACHE_DIR") {
        Some(d) if d.is_empty() || d == "off" => None,
        Some(d) => Some(PathBuf::from(d)),
        None => std::env::var_os("XDG_CACHE_HOME")
            .filter(|d| !d.is_empty())
            .map(PathBuf::from)
            .or_else(|| {
                std::env::var_os("HOME")
                    .filter(|d| !d.is_empty())
                    .map(|h| PathBuf::from(h).join(".cache"))
            })
            .map(|d| d.join("ghg").join("sets")),
    }
}

/// Parses a set's text as [`parse_set`] does, reading the parse from the cache when it holds
/// this text for this build, and storing it there when it does not.
pub fn parse_set_cached(file: &str, text: &str) -> (FactorSet, Vec<Problem>) {
    parse_known_cached(file, text, &sha256_hex(text.as_bytes()))
}

/// [`parse_set_cached`] of a text whose SHA-256 (lower-case hex) is known: a shipped set's,
/// taken when `ghg` was built.
pub fn parse_known_cached(file: &str, text: &str, sha: &str) -> (FactorSet, Vec<Problem>) {
    match dir() {
        Some(dir) => parse_known_in(&dir, file, text, sha),
        None => parse_set(file, text),
    }
}

/// [`parse_set_cached`] with the cache in `dir`.
pub fn parse_set_in(dir: &Path, file: &str, text: &str) -> (FactorSet, Vec<Problem>) {
    parse_known_in(dir, file, text, &sha256_hex(text.as_bytes()))
}

/// [`parse_known_cached`] with the cache in `dir`.
fn parse_known_in(dir: &Path, file: &str, text: &str, sha: &str) -> (FactorSet, Vec<Problem>) {
    let path = dir.join(format!("{sha}-{BUILD}.bin"));
    if let Some(found) = read(&path, sha, file) {
        return found;
    }
    let (set, problems) = parse_set(file, text);
    // A cache that cannot be written is no cache: the run goes on as without one.
    let _ = write(dir, &path, sha, &set, &problems);
    (set, problems)
}

/// The entry at `path`, if it is whole and is the parse of this text by this build.
fn read(path: &Path, sha: &str, file: &str) -> Option<(FactorSet, Vec<Problem>)> {
    let bytes = std::fs::read(path).ok()?;
    let (payload, digest) = bytes.split_at_checked(bytes.len().checked_sub(32)?)?;
    // The parts are decoded while the digest is checked; nothing decoded is used unless
    // the digest matches. An entry of another text or build is not decoded at all.
    let entry: Entry = postcard::from_bytes(payload).ok()?;
    if entry.text_sha256 != sha || entry.build != BUILD {
        return None;
    }
    let decode = |parts: &[Blob]| -> Option<Vec<Factor>> {
        let mut factors = Vec::new();
        for p in parts {
            factors.extend(postcard::from_bytes::<Vec<Factor>>(p.0).ok()?);
        }
        Some(factors)
    };
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    let runs = entry.parts.len().clamp(1, cores);
    // A set of no factors has no parts: one empty run.
    let per_run = entry.parts.len().div_ceil(runs).max(1);
    let (whole, decoded) = std::thread::scope(|scope| {
        let mut runs = entry.parts.chunks(per_run);
        let first = runs.next().unwrap_or_default();
        let later: Vec<_> = runs
            .map(|run| {
                let thread = std::thread::Builder::new();
                thread
                    .spawn_scoped(scope, move || decode(run))
                    .map_err(|_| run)
            })
            .collect();
        let whole = Sha256::digest(payload).as_slice() == digest;
        let mut decoded = vec![decode(first)];
        decoded.extend(later.into_iter().map(|h| match h {
            // A thread that panicked read a damaged entry: the set is parsed again.
            Ok(h) => h.join().ok().flatten(),
            // No thread to be had: decoded here.
            Err(run) => decode(run),
        }));
        (whole, decoded)
    });
    if !whole {
        return None;
    }
    let mut factors = Vec::with_capacity(decoded.iter().flatten().map(Vec::len).sum());
    for run in decoded {
        factors.extend(run?);
    }
    // Problems name the file as this run calls it, not as the run that stored them did.
    let problems = (entry.problems.into_iter())
        .map(|mut p| {
            p.pos.file = file.to_string();
            p
        })
        .collect();
    let set = FactorSet::new(entry.header, factors, file.to_string(), sha.to_string());
    Some((set, problems))
}

/// Stores a parse (a temporary file, then a rename: readers see a whole entry or none), and
/// removes the entries of all but the latest few other builds.
fn write(
    dir: &Path,
    path: &Path,
    sha: &str,
    set: &FactorSet,
    problems: &[Problem],
) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let mut parts = Vec::new();
    for chunk in set.factors.chunks(FACTORS_PER_PART) {
        parts.push(postcard::to_stdvec(chunk).map_err(std::io::Error::other)?);
    }
    let entry = Entry {
        text_sha256: sha.to_string(),
        build: BUILD.to_string(),
        header: set.header.clone(),
        parts: parts.iter().map(|p| Blob(p)).collect(),
        problems: problems.to_vec(),
    };
    let mut bytes = postcard::to_stdvec(&entry).map_err(std::io::Error::other)?;
    let digest = Sha256::digest(&bytes);
    bytes.extend_from_slice(&digest);
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    tmp.write_all(&bytes)?;
    tmp.persist(path).map_err(|e| e.error)?;
    prune(dir)
}

/// Builds besides this one whose entries are kept: a pinned release beside a current one
/// (an auditor re-running an old run, a comparison of two builds) does not make each parse
/// its sets again on every run, and the directory stays bounded.
const OTHER_BUILDS_KEPT: usize = 3;

/// Removes the entries of other builds but the [`OTHER_BUILDS_KEPT`] most recently written.
fn prune(dir: &Path) -> std::io::Result<()> {
    // Each other build's entries, and when its newest was written.
    let mut builds: std::collections::BTreeMap<String, (std::time::SystemTime, Vec<PathBuf>)> =
        std::collections::BTreeMap::new();
    for e in std::fs::read_dir(dir)?.flatten() {
        let name = e.file_name();
        let name = name.to_string_lossy();
        let Some(build) = name.strip_suffix(".bin").and_then(|n| n.rsplit_once('-')) else {
            continue;
        };
        if build.1 == BUILD {
            continue;
        }
        let written = e
            .metadata()
            .and_then(|m| m.modified())
            .unwrap_or(std::time::UNIX_EPOCH);
        let b = builds
            .entry(build.1.to_string())
            .or_insert((std::time::UNIX_EPOCH, Vec::new()));
        b.0 = b.0.max(written);
        b.1.push(e.path());
    }
    let mut by_age: Vec<_> = builds.into_values().collect();
    by_age.sort_by_key(|b| std::cmp::Reverse(b.0));
    for (_, paths) in by_age.into_iter().skip(OTHER_BUILDS_KEPT) {
        for p in paths {
            let _ = std::fs::remove_file(p);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shipped(rel: &str) -> &'static str {
        crate::embedded::factor_file(rel).expect("a shipped set")
    }

    fn same(a: &(FactorSet, Vec<Problem>), b: &(FactorSet, Vec<Problem>)) {
        assert_eq!(a.0.header, b.0.header);
        assert_eq!(a.0.factors, b.0.factors);
        assert_eq!(a.0.origin, b.0.origin);
        assert_eq!(a.0.sha256, b.0.sha256);
        assert_eq!(a.1, b.1);
    }

    fn entries(dir: &Path) -> Vec<PathBuf> {
        let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn a_stored_set_reads_back_as_the_parse_gives_it() {
        let dir = tempfile::tempdir().unwrap();
        let text = shipped("desnz/2025.toml");
        let parsed = parse_set("a.toml", text);
        assert!(parsed.0.factors.len() > 1000);
        let first = parse_set_in(dir.path(), "a.toml", text);
        same(&first, &parsed);
        let stored = entries(dir.path());
        assert_eq!(stored.len(), 1, "{stored:?}");
        let again = parse_set_in(dir.path(), "a.toml", text);
        same(&again, &parsed);
        // The second read came from the entry: it is the one there, unchanged.
        assert_eq!(entries(dir.path()), stored);
        let found = read(&stored[0], &parsed.0.sha256, "a.toml").expect("a cache hit");
        same(&found, &parsed);
    }

    #[test]
    fn every_shipped_set_reads_back_from_its_entry() {
        // Each unit is stored by name and read back through the unit table: an entry that
        // did not read back would be parsed again on every run.
        let dir = tempfile::tempdir().unwrap();
        let sets = (crate::embedded::FACTOR_FILES.iter()).filter(|f| {
            f.path.ends_with(".toml") && !f.path.starts_with("tables/") && f.path.contains('/')
        });
        let mut n = 0;
        for f in sets {
            let (rel, text) = (f.path, f.text);
            let (set, _) = parse_set_in(dir.path(), rel, text);
            let path = dir.path().join(format!("{}-{BUILD}.bin", set.sha256));
            let (found, _) = read(&path, &set.sha256, rel).unwrap_or_else(|| panic!("{rel}"));
            assert_eq!(found.factors, set.factors, "{rel}");
            n += 1;
        }
        assert!(n >= 20, "{n} sets");
    }

    #[test]
    fn a_large_set_is_stored_in_parts_and_an_empty_one_in_none() {
        let dir = tempfile::tempdir().unwrap();
        let text = shipped("desnz/2025.toml");
        let (set, _) = parse_set_in(dir.path(), "a.toml", text);
        let stored = std::fs::read(&entries(dir.path())[0]).unwrap();
        let entry: Entry = postcard::from_bytes(&stored[..stored.len() - 32]).unwrap();
        assert_eq!(
            entry.parts.len(),
            set.factors.len().div_ceil(FACTORS_PER_PART)
        );
        assert!(entry.parts.len() > 1, "{} parts", entry.parts.len());
        let found = read(&entries(dir.path())[0], &set.sha256, "a.toml").unwrap();
        assert_eq!(found.0.factors, set.factors);

        let dir = tempfile::tempdir().unwrap();
        let text = "[set]\nid = \"empty\"\nname = \"x\"\nyear = 2025\n";
        let parsed = parse_set("e.toml", text);
        parse_set_in(dir.path(), "e.toml", text);
        let path = entries(dir.path()).remove(0);
        let found = read(&path, &parsed.0.sha256, "e.toml").expect("a cache hit");
        same(&found, &parsed);
        assert!(found.0.factors.is_empty());
    }

    #[test]
    fn problems_read_back_name_the_file_as_this_run_calls_it() {
        let dir = tempfile::tempdir().unwrap();
        let text = "[set]\nid = \"x\"\n\n[[factor]]\nkey = \"k\"\nunit = \"furlongs\"\n";
        let parsed = parse_set("old.toml", text);
        assert!(!parsed.1.is_empty());
        parse_set_in(dir.path(), "old.toml", text);
        let later = parse_set_in(dir.path(), "new.toml", text);
        same(&later, &parse_set("new.toml", text));
        assert!(later.1.iter().all(|p| p.pos.file == "new.toml"));
    }

    #[test]
    fn a_damaged_or_foreign_entry_is_never_believed() {
        let dir = tempfile::tempdir().unwrap();
        let text = shipped("desnz/2024.toml");
        let parsed = parse_set("b.toml", text);
        parse_set_in(dir.path(), "b.toml", text);
        let path = entries(dir.path()).remove(0);
        // One byte changed in the middle of the entry: its digest no longer matches.
        let mut bytes = std::fs::read(&path).unwrap();
        let mid = bytes.len() / 2;
        bytes[mid] ^= 0x01;
        std::fs::write(&path, &bytes).unwrap();
        assert!(read(&path, &parsed.0.sha256, "b.toml").is_none());
        same(&parse_set_in(dir.path(), "b.toml", text), &parsed);
        // Rewritten whole by that parse.
        assert!(read(&path, &parsed.0.sha256, "b.toml").is_some());
        // Cut short.
        let whole = std::fs::read(&path).unwrap();
        std::fs::write(&path, &whole[..whole.len() - 40]).unwrap();
        assert!(read(&path, &parsed.0.sha256, "b.toml").is_none());
        // Whole, but the parse of another text.
        std::fs::write(&path, &whole).unwrap();
        assert!(read(&path, &"0".repeat(64), "b.toml").is_none());
    }

    #[test]
    fn entries_of_all_but_the_latest_other_builds_are_removed_when_one_is_stored() {
        let dir = tempfile::tempdir().unwrap();
        // Five other builds, written a minute apart, build 4 last; two entries of build 2.
        let start = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
        let entry = |set: char, build: u32, minutes: u64| {
            let p = dir
                .path()
                .join(format!("{}-{build:016}.bin", set.to_string().repeat(64)));
            let f = std::fs::File::create(&p).unwrap();
            f.set_modified(start + std::time::Duration::from_secs(60 * minutes))
                .unwrap();
        };
        for build in 0..5 {
            entry('a', build, u64::from(build));
        }
        // Build 0 wrote again after build 4 once: it is among the latest.
        entry('b', 0, 10);
        parse_set_in(dir.path(), "c.toml", shipped("desnz/2023.toml"));
        let mut left: Vec<String> = entries(dir.path())
            .iter()
            .map(|p| {
                let n = p.file_name().unwrap().to_string_lossy();
                n[65..n.len() - 4].to_string()
            })
            .collect();
        left.sort();
        let mut want = vec![
            format!("{:016}", 0),
            format!("{:016}", 0),
            format!("{:016}", 3),
            format!("{:016}", 4),
            BUILD.to_string(),
        ];
        want.sort();
        assert_eq!(left, want);
    }
}
