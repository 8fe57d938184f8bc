//! An output directory written as a unit. A run builds its files in a hidden sibling
//! directory (`.DIR.ghg-tmp-PID-N`), hashing each byte as it is written, then swaps that
//! directory into place in one step. A reader, a second writer or a kill at any moment sees
//! DIR hold one complete run: the previous one or this one, never a mix. A killed run leaves
//! only its named sibling, which the next run into DIR removes.
//!
//! On Linux the swap is `renameat2(RENAME_EXCHANGE)`, atomic even when DIR exists. Elsewhere
//! (or on a file system without it) an existing DIR is renamed aside first, so for an instant
//! DIR is absent, never partial.

use crate::audit::manifest::{FileEntry, Origin};
use crate::factors::hex_digest;
use crate::{Error, Result};
use sha2::{Digest, Sha256};
use std::io::Write;
use std::path::{Path, PathBuf};

/// The files a run directory may hold; anything else in an existing DIR means it is not a
/// run directory, and replacing it as a whole would delete the user's files.
pub const RUN_FILES: [&str; 6] = [
    "inventory.csv",
    "inventory.json",
    "ledger.csv",
    "manifest.json",
    "procurement.json",
    "rejects.csv",
];

/// What marks a sibling as this module's: `.DIR.ghg-tmp-PID-N`.
const TMP_TAG: &str = ".ghg-tmp-";

/// A run directory under construction; dropped without [`RunDir::commit`], it is removed.
pub struct RunDir {
    target: PathBuf,
    tmp: PathBuf,
    outputs: Vec<FileEntry>,
    committed: bool,
}

/// A file being written into a [`RunDir`], hashed as it goes.
pub struct OutputFile {
    name: String,
    path: PathBuf,
    file: std::io::BufWriter<std::fs::File>,
    hash: Sha256,
    bytes: u64,
}

impl Write for OutputFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.file.write(buf)?;
        self.hash.update(&buf[..n]);
        self.bytes += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.file.flush()
    }
}

impl RunDir {
    /// Starts a run into `target`: refuses a DIR that holds files a run does not write,
    /// removes what killed runs into DIR left behind, and makes the hidden sibling to build in.
    pub fn create(target: &Path) -> Result<RunDir> {
        let name = target
            .file_name()
            .filter(|n| !n.is_empty() && *n != "." && *n != "..")
            .ok_or_else(|| {
                Error::usage(format!(
                    "--out {}: name a directory (such as out or reports/2024), not {:?}",
                    target.display(),
                    target.display().to_string()
                ))
            })?
            .to_string_lossy()
            .into_owned();
        let parent = match target.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        std::fs::create_dir_all(&parent).map_err(|e| Error::io(&parent, e))?;
        check_replaceable(target)?;
        clean_leftovers(&parent, &name);
        let prefix = format!(".{name}{TMP_TAG}{}-", std::process::id());
        let tmp = tempfile::Builder::new()
            .prefix(&prefix)
            .suffix("")
            .rand_bytes(6)
            .tempdir_in(&parent)
            .map_err(|e| Error::io(&parent, e))?
            .keep();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&tmp, std::fs::Permissions::from_mode(0o755))
                .map_err(|e| Error::io(&tmp, e))?;
        }
        Ok(RunDir {
            target: target.to_path_buf(),
            tmp,
            outputs: Vec::new(),
            committed: false,
        })
    }

    /// Where the directory will be once committed.
    pub fn target(&self) -> &Path {
        &self.target
    }

    /// Opens `name` for streaming into the run. Errors name the file where it will be
    /// (`DIR/ledger.csv`), not the hidden directory it is built in.
    pub fn open(&self, name: &str) -> Result<OutputFile> {
        let path = self.target.join(name);
        let file = std::fs::File::create(self.tmp.join(name)).map_err(|e| self.failed(&path, e))?;
        Ok(OutputFile {
            name: name.to_string(),
            path,
            file: std::io::BufWriter::with_capacity(1 << 20, file),
            hash: Sha256::new(),
            bytes: 0,
        })
    }

    /// Finishes a streamed file: flushed, on disk, and its hash recorded for the manifest.
    pub fn close(&mut self, f: OutputFile) -> Result<()> {
        let OutputFile {
            name,
            path,
            file,
            hash,
            bytes,
        } = f;
        let file = file
            .into_inner()
            .map_err(|e| self.failed(&path, e.into_error()))?;
        file.sync_all().map_err(|e| self.failed(&path, e))?;
        self.outputs.push(FileEntry {
            bytes,
            id: None,
            name,
            origin: Origin::Output,
            sha256: hex_digest(&hash.finalize()),
        });
        Ok(())
    }

    /// Writes a whole file into the run.
    pub fn write(&mut self, name: &str, bytes: &[u8]) -> Result<()> {
        let mut f = self.open(name)?;
        if let Err(e) = f.write_all(bytes) {
            return Err(self.failed(&f.path, e));
        }
        self.close(f)
    }

    /// A write into the run failed (a full disk, a file-size limit): say so, and that DIR
    /// still holds what it held.
    pub fn failed(&self, path: &Path, e: std::io::Error) -> Error {
        let note = if self.target.exists() {
            format!(
                "{e}; {} still holds the previous run",
                self.target.display()
            )
        } else {
            format!("{e}; nothing was written to {}", self.target.display())
        };
        Error::io(path, std::io::Error::new(e.kind(), note))
    }

    /// The files written so far, with the SHA-256 of the bytes this run wrote (never re-read
    /// from the folder, which another run may have replaced).
    pub fn outputs(&self) -> &[FileEntry] {
        &self.outputs
    }

    /// Puts the finished directory in place of DIR in one step and removes what it replaced.
    pub fn commit(mut self) -> Result<()> {
        sync_dir(&self.tmp);
        let mut tries = 0;
        loop {
            tries += 1;
            match std::fs::symlink_metadata(&self.target) {
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                    match std::fs::rename(&self.tmp, &self.target) {
                        Ok(()) => break,
                        // Another run made DIR in the meantime: swap with it instead.
                        Err(_) if tries < 5 => continue,
                        Err(e) => return Err(Error::io(&self.target, e)),
                    }
                }
                Err(e) => return Err(Error::io(&self.target, e)),
                Ok(_) => match exchange(&self.tmp, &self.target) {
                    // self.tmp now holds the run DIR had, to remove below.
                    Ok(()) => break,
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound && tries < 5 => continue,
                    Err(e) => return Err(Error::io(&self.target, e)),
                },
            }
        }
        self.committed = true;
        if let Some(p) = self.target.parent() {
            sync_dir(if p.as_os_str().is_empty() {
                Path::new(".")
            } else {
                p
            });
        }
        let _ = std::fs::remove_dir_all(&self.tmp);
        Ok(())
    }
}

/// Writes a whole run directory whose files are already in memory (such as a merge of runs):
/// each file, then the manifest built from their hashes, then the swap into place. Runs whose
/// ledger is streamed use [`RunDir`] directly, as `ghg inventory` does.
pub fn write_run_dir(
    target: &Path,
    files: &[(&str, &[u8])],
    manifest: impl FnOnce(&[FileEntry]) -> Result<Vec<u8>>,
) -> Result<()> {
    let mut run = RunDir::create(target)?;
    for (name, bytes) in files {
        run.write(name, bytes)?;
    }
    let m = manifest(run.outputs())?;
    run.write(crate::audit::manifest::FILE_NAME, &m)?;
    run.commit()
}

impl Drop for RunDir {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_dir_all(&self.tmp);
        }
    }
}

/// An existing DIR must be a directory holding only what a run writes.
fn check_replaceable(target: &Path) -> Result<()> {
    match std::fs::metadata(target) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Ok(m) if !m.is_dir() => {
            return Err(Error::usage(format!(
                "--out {}: is a file, not a directory; name a directory for the run's outputs",
                target.display()
            )))
        }
        _ => {}
    }
    let rd = match std::fs::read_dir(target) {
        Ok(rd) => rd,
        Err(e) => return Err(Error::io(target, e)),
    };
    let mut foreign = Vec::new();
    for e in rd {
        let e = e.map_err(|e| Error::io(target, e))?;
        let name = e.file_name().to_string_lossy().into_owned();
        if !RUN_FILES.contains(&name.as_str()) {
            foreign.push(name);
        }
    }
    if foreign.is_empty() {
        return Ok(());
    }
    foreign.sort();
    let shown: Vec<&str> = foreign.iter().take(5).map(String::as_str).collect();
    Err(Error::usage(format!(
        "--out {}: the directory holds files a run does not write ({}{}); a run replaces its \
         output directory as a whole, so name a new or empty directory, or one an earlier \
         `ghg inventory --out` wrote",
        target.display(),
        shown.join(", "),
        if foreign.len() > shown.len() {
            format!(" and {} more", foreign.len() - shown.len())
        } else {
            String::new()
        }
    )))
}

/// Removes `.DIR.ghg-tmp-PID-*` siblings whose process is gone (a killed run's partial
/// directory, or the previous run it swapped out). Only where a process can be looked up
/// (Linux `/proc`); elsewhere they stay, named after DIR and the process that made them.
fn clean_leftovers(parent: &Path, name: &str) {
    let prefix = format!(".{name}{TMP_TAG}");
    let Ok(rd) = std::fs::read_dir(parent) else {
        return;
    };
    for e in rd.flatten() {
        let file_name = e.file_name().to_string_lossy().into_owned();
        let Some(rest) = file_name.strip_prefix(&prefix) else {
            continue;
        };
        let Some(pid) = rest.split('-').next().and_then(|p| p.parse::<u32>().ok()) else {
            continue;
        };
        if pid != std::process::id() && process_gone(pid) {
            let _ = std::fs::remove_dir_all(e.path());
        }
    }
}

#[cfg(target_os = "linux")]
fn process_gone(pid: u32) -> bool {
    Path::new("/proc").is_dir() && !Path::new("/proc").join(pid.to_string()).exists()
}

#[cfg(not(target_os = "linux"))]
fn process_gone(_pid: u32) -> bool {
    false
}

/// Swaps two directories' names in one step.
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    use rustix::fs::{renameat_with, RenameFlags, CWD};
    match renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE) {
        Ok(()) => Ok(()),
        Err(e) if e == rustix::io::Errno::INVAL || e == rustix::io::Errno::NOSYS => {
            exchange_in_two_steps(a, b)
        }
        Err(e) => Err(e.into()),
    }
}

#[cfg(not(target_os = "linux"))]
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    exchange_in_two_steps(a, b)
}

/// `b` renamed aside to a name beside `a`, `a` renamed to `b`, then the old `b` renamed to
/// `a`'s name so the caller removes it; for an instant `b` does not exist.
fn exchange_in_two_steps(a: &Path, b: &Path) -> std::io::Result<()> {
    let mut aside = a.as_os_str().to_owned();
    aside.push("-old");
    let aside = PathBuf::from(aside);
    std::fs::rename(b, &aside)?;
    if let Err(e) = std::fs::rename(a, b) {
        let _ = std::fs::rename(&aside, b);
        return Err(e);
    }
    std::fs::rename(&aside, a)
}

/// Makes a directory's entries durable; best effort (not every system can open a directory).
fn sync_dir(dir: &Path) {
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_run_replaces_the_previous_one_whole_and_leaves_nothing_beside_it() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("out");
        let manifest = |o: &[FileEntry]| -> Result<Vec<u8>> {
            Ok(o.iter()
                .map(|e| format!("{} {}\n", e.name, e.sha256))
                .collect::<String>()
                .into_bytes())
        };
        write_run_dir(
            &dir,
            &[("ledger.csv", b"one\n"), ("rejects.csv", b"")],
            manifest,
        )
        .unwrap();
        // A killed run's leftover, from a process that no longer exists.
        let stale = tmp.path().join(".out.ghg-tmp-4000000000-abc");
        std::fs::create_dir(&stale).unwrap();
        write_run_dir(&dir, &[("ledger.csv", b"two\n")], manifest).unwrap();
        let mut names: Vec<String> = std::fs::read_dir(tmp.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(names, ["out"]);
        assert_eq!(
            std::fs::read_to_string(dir.join("ledger.csv")).unwrap(),
            "two\n"
        );
        assert!(
            !dir.join("rejects.csv").exists(),
            "nothing of the old run is kept"
        );
        // sha256("two\n")
        assert_eq!(
            std::fs::read_to_string(dir.join("manifest.json")).unwrap(),
            "ledger.csv 27dd8ed44a83ff94d557f9fd0412ed5a8cbca69ea04922d88c01184a07300a5a\n"
        );
    }

    #[test]
    fn a_directory_with_other_files_is_not_replaced() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::write(tmp.path().join("thesis.docx"), "years of work").unwrap();
        let e = write_run_dir(tmp.path(), &[], |_| Ok(Vec::new()))
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("holds files a run does not write (thesis.docx)"),
            "{e}"
        );
        assert!(tmp.path().join("thesis.docx").exists());
    }
}
