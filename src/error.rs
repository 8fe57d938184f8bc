//! One error type for the whole crate, in the mould of `csv::Error`: a boxed kind whose
//! variants carry the facts (file, line, column, value, what was expected), so the human
//! renderer and the JSON renderer read the same data.

use std::fmt;
use std::path::{Path, PathBuf};

/// Where a problem sits in an input file. Lines and columns count from 1; 0 means unknown.
#[derive(
    Clone,
    Debug,
    Default,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    serde::Serialize,
    serde::Deserialize,
)]
pub struct Position {
    /// The file as the user named it (or `-` for standard input).
    pub file: String,
    /// Line number, from 1.
    pub line: u64,
    /// Column number (characters for TOML, fields for CSV), from 1; 0 when unknown.
    pub column: u64,
}

impl Position {
    /// A position at `file:line:column`.
    pub fn new(file: impl Into<String>, line: u64, column: u64) -> Self {
        Position {
            file: file.into(),
            line,
            column,
        }
    }
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let at = crate::activity::workbook::location(&self.file, self.line, self.column);
        f.write_str(&at)
    }
}

/// Anything that stops a run; one pointer wide.
#[derive(Debug)]
pub struct Error(Box<ErrorKind>);

/// What went wrong, with the facts needed to say so precisely.
#[derive(Debug)]
#[non_exhaustive]
#[allow(missing_docs)] // the fields are the facts each variant names
pub enum ErrorKind {
    /// Reading or writing a file failed.
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    /// A value in an input file is not what was expected.
    BadValue {
        pos: Position,
        field: String,
        value: String,
        expected: String,
    },
    /// A file as a whole is malformed (bad TOML, wrong header, unknown layout).
    Malformed { pos: Position, message: String },
    /// A factor set was asked for that does not exist.
    UnknownSet { name: String, known: Vec<String> },
    /// A computation would exceed the range of a 96-bit decimal.
    Overflow { pos: Position, what: String },
    /// Anything else the user must fix, already phrased for them.
    Usage(String),
}

impl Error {
    /// The kind of error, for callers that need to match.
    pub fn kind(&self) -> &ErrorKind {
        &self.0
    }

    /// An I/O error that names the path it happened on.
    pub fn io(path: impl AsRef<Path>, source: std::io::Error) -> Self {
        ErrorKind::Io {
            path: path.as_ref().to_path_buf(),
            source,
        }
        .into()
    }

    /// A bad value at a position.
    pub fn bad_value(
        pos: Position,
        field: impl Into<String>,
        value: impl Into<String>,
        expected: impl Into<String>,
    ) -> Self {
        ErrorKind::BadValue {
            pos,
            field: field.into(),
            value: value.into(),
            expected: expected.into(),
        }
        .into()
    }

    /// A malformed file.
    pub fn malformed(pos: Position, message: impl Into<String>) -> Self {
        ErrorKind::Malformed {
            pos,
            message: message.into(),
        }
        .into()
    }

    /// An arithmetic overflow.
    pub fn overflow(pos: Position, what: impl Into<String>) -> Self {
        ErrorKind::Overflow {
            pos,
            what: what.into(),
        }
        .into()
    }

    /// A user-facing message with no position.
    pub fn usage(message: impl Into<String>) -> Self {
        ErrorKind::Usage(message.into()).into()
    }

    /// The position the error points at, if it has one.
    pub fn position(&self) -> Option<&Position> {
        match &*self.0 {
            ErrorKind::BadValue { pos, .. }
            | ErrorKind::Malformed { pos, .. }
            | ErrorKind::Overflow { pos, .. } => Some(pos),
            _ => None,
        }
    }
}

impl From<ErrorKind> for Error {
    fn from(kind: ErrorKind) -> Self {
        Error(Box::new(kind))
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &*self.0 {
            ErrorKind::Io { path, source } => write!(f, "{}: {}", path.display(), source),
            ErrorKind::BadValue {
                pos,
                field,
                value,
                expected,
            } => write!(
                f,
                "{pos}: {field}: {value:?} is not valid; expected {expected}"
            ),
            ErrorKind::Malformed { pos, message } => write!(f, "{pos}: {message}"),
            ErrorKind::UnknownSet { name, known } => {
                write!(f, "no factor set named {name:?}")?;
                if !known.is_empty() {
                    write!(f, "; known sets: {}", known.join(", "))?;
                }
                Ok(())
            }
            ErrorKind::Overflow { pos, what } if pos.file.is_empty() => {
                write!(f, "{what} overflows the exact decimal range")
            }
            ErrorKind::Overflow { pos, what } => {
                write!(f, "{pos}: {what} overflows the exact decimal range")
            }
            ErrorKind::Usage(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &*self.0 {
            ErrorKind::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// The crate's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
