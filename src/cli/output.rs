//! Where bytes go: standard output, or files written atomically (a temporary file in the
//! same directory, then a rename), so a reader never sees half a file.

use crate::{Error, ErrorKind, Result};
use std::io::Write;
use std::path::Path;

/// Replaces `path` with `bytes` in one step, or leaves it as it was.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(|e| Error::io(dir, e))?;
    readable(&tmp).map_err(|e| Error::io(path, e))?;
    tmp.write_all(bytes)
        .and_then(|()| tmp.as_file().sync_all())
        .map_err(|e| Error::io(path, e))?;
    tmp.persist(path).map_err(|e| Error::io(path, e.error))?;
    Ok(())
}

/// Writes bytes to standard output.
/// A reader that stops early (`ghg ... | head`) is not an error, and the command still ends
/// with the exit code its findings call for.
pub fn stdout(bytes: &[u8]) -> Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(bytes).and_then(|()| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        r => r.map_err(|e| Error::io("<stdout>", e)),
    }
}

/// Writes one line to standard error. A closed, broken or full stderr loses the line but
/// never stops the run: there is nowhere left to report the failure, and the outputs and the
/// exit code must not depend on whether anyone is reading the messages.
pub fn stderr_line(text: std::fmt::Arguments<'_>) {
    let mut err = std::io::stderr().lock();
    let _ = err.write_fmt(text).and_then(|()| err.write_all(b"\n"));
}

/// Writes text to standard error as it is (no newline added); failures are ignored as in
/// [`stderr_line`].
pub fn stderr_text(text: &str) {
    let _ = std::io::stderr().lock().write_all(text.as_bytes());
}

/// `eprintln!` that never panics: a line to standard error through [`stderr_line`].
#[macro_export]
#[doc(hidden)]
macro_rules! say {
    ($($arg:tt)*) => {
        $crate::cli::output::stderr_line(format_args!($($arg)*))
    };
}

/// True for an error writing to a closed pipe (`ghg ... | head`), which is not a failure.
pub fn is_broken_pipe(e: &Error) -> bool {
    matches!(e.kind(), ErrorKind::Io { source, .. } if source.kind() == std::io::ErrorKind::BrokenPipe)
}

/// Temporary files are created owner-only; outputs are ordinary files others may read.
pub fn readable(tmp: &tempfile::NamedTempFile) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(0o644))?;
    }
    #[cfg(not(unix))]
    let _ = tmp;
    Ok(())
}
