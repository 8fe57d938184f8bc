//! Reading activity CSVs as raw records, in fixed-size chunks, hashing every byte on the way
//! so the audit manifest can name exactly what was read.

use super::Columns;
use crate::factors::hex_digest;
use crate::{Error, Position, Result};
use sha2::{Digest, Sha256};
use std::io::{BufRead, Read};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

/// Rows per chunk: fixed in code, never derived from the thread count, so results cannot
/// depend on it.
pub const CHUNK_ROWS: usize = 1 << 13;

/// Where activity rows come from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Input {
    /// A file on disk.
    Path(PathBuf),
    /// Standard input (`-`).
    Stdin,
    /// A file shipped inside the binary (the example trust), by name and contents.
    Embedded(String, &'static str),
}

impl Input {
    /// The name used in ledgers, rejects and messages.
    pub fn display_name(&self) -> String {
        match self {
            Input::Path(p) => p.display().to_string(),
            Input::Stdin => "-".to_string(),
            Input::Embedded(name, _) => name.clone(),
        }
    }

    fn open(&self) -> Result<Box<dyn Read + Send>> {
        Ok(match self {
            Input::Path(p) => Box::new(std::fs::File::open(p).map_err(|e| Error::io(p, e))?),
            Input::Stdin => Box::new(std::io::stdin()),
            Input::Embedded(_, text) => Box::new(text.as_bytes()),
        })
    }
}

/// What was learned about one input file.
#[derive(Clone, Debug, Default)]
pub struct FileInfo {
    /// The file's display name.
    pub name: String,
    /// Its columns.
    pub columns: Columns,
    /// SHA-256 of its bytes, once read to the end.
    pub sha256: String,
    /// Its size in bytes, once read to the end.
    pub bytes: u64,
    /// Lines above the header row (titles, notes), not read as rows.
    pub preamble_lines: u64,
    /// Records read after the header (rows and blank lines).
    pub records: u64,
}

/// A run of records from one file.
#[derive(Debug, Default)]
pub struct Chunk {
    /// Index of the file in the inputs.
    pub file: usize,
    /// The file's display name.
    pub name: Arc<str>,
    /// The file's columns.
    pub columns: Arc<Columns>,
    /// Record buffers; the first `len` hold this chunk's records, each with its position.
    buf: Vec<csv::ByteRecord>,
    len: usize,
}

impl Chunk {
    /// The records, each with its position in the file.
    pub fn records(&self) -> &[csv::ByteRecord] {
        &self.buf[..self.len]
    }
}

/// SHA-256 and size of the bytes read so far, shared with the reader that feeds it.
type HashState = Arc<Mutex<(Sha256, u64)>>;

/// Hashes every byte as it is read from the file itself, before any translation.
struct Hashing<R> {
    inner: R,
    state: HashState,
}

impl<R: Read> Read for Hashing<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        if let Ok(mut st) = self.state.lock() {
            st.0.update(&buf[..n]);
            st.1 += n as u64;
        }
        Ok(n)
    }
}

/// Reads a file whose lines end in a bare carriage return (old Mac exports) as if they ended
/// in line feeds, so records and line numbers come out right.
struct CrToLf<R>(R);

impl<R: Read> Read for CrToLf<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.0.read(buf)?;
        for b in &mut buf[..n] {
            if *b == b'\r' {
                *b = b'\n';
            }
        }
        Ok(n)
    }
}

type Reader = csv::Reader<Box<dyn Read + Send>>;

/// How far down a file the header row is looked for.
const HEADER_SEARCH_LINES: u64 = 20;

/// Fields of one line split at `delim` outside double quotes, quotes removed.
fn split_line(line: &[u8], delim: u8) -> Vec<String> {
    let mut fields = vec![String::new()];
    let mut quoted = false;
    for &b in line {
        match b {
            b'"' => quoted = !quoted,
            b if b == delim && !quoted => fields.push(String::new()),
            b'\r' => {}
            b => {
                if let Some(f) = fields.last_mut() {
                    f.push(char::from(b));
                }
            }
        }
    }
    fields
}

/// How the first bytes of a file are laid out: its delimiter, and whether its lines end in
/// bare carriage returns. The delimiter is the one that makes a line within the first
/// [`HEADER_SEARCH_LINES`] a header naming an activity column (a title above the header may
/// contain anything); failing that, the most frequent of `,`, `;`, tab and `|` on line 1.
fn sniff(head: &[u8]) -> (u8, bool) {
    let cr_only = head.contains(&b'\r') && !head.contains(&b'\n');
    let eol = if cr_only { b'\r' } else { b'\n' };
    let cands = [b',', b';', b'\t', b'|'];
    for line in head.split(|&b| b == eol).take(HEADER_SEARCH_LINES as usize) {
        for &d in &cands {
            let fields = split_line(line, d);
            let refs: Vec<&str> = fields.iter().map(String::as_str).collect();
            if fields.len() > 1 && Columns::names_activity(&refs) {
                return (d, cr_only);
            }
        }
    }
    let first = head.split(|&b| b == eol).next().unwrap_or(head);
    let best = cands
        .iter()
        .copied()
        .max_by_key(|&d| (split_line(first, d).len(), usize::from(d == b',')))
        .unwrap_or(b',');
    (best, cr_only)
}

/// The file being read: its index, reader, name, columns and running hash.
struct OpenFile {
    index: usize,
    reader: Reader,
    name: Arc<str>,
    columns: Arc<Columns>,
    hash: HashState,
}

/// Reads inputs one after another and hands out chunks of records, in file order.
pub struct ChunkReader {
    inputs: Vec<Input>,
    /// Per input, what was learned so far.
    pub files: Vec<FileInfo>,
    current: Option<OpenFile>,
    next_input: usize,
    spare: Vec<Vec<csv::ByteRecord>>,
}

impl ChunkReader {
    /// A reader over the inputs, in the order given.
    pub fn new(inputs: Vec<Input>) -> Self {
        let files = inputs
            .iter()
            .map(|i| FileInfo {
                name: i.display_name(),
                ..FileInfo::default()
            })
            .collect();
        ChunkReader {
            inputs,
            files,
            current: None,
            next_input: 0,
            spare: Vec::new(),
        }
    }

    /// Gives a chunk's buffers back for reuse.
    pub fn recycle(&mut self, chunk: Chunk) {
        if self.spare.len() < 64 {
            self.spare.push(chunk.buf);
        }
    }

    fn open_next(&mut self) -> Result<bool> {
        let Some(input) = self.inputs.get(self.next_input) else {
            return Ok(false);
        };
        let idx = self.next_input;
        self.next_input += 1;
        let name = input.display_name();
        let state: HashState = Arc::new(Mutex::new((Sha256::new(), 0)));
        let source = Hashing {
            inner: input.open()?,
            state: state.clone(),
        };
        let mut buffered = std::io::BufReader::with_capacity(1 << 16, source);
        let (delimiter, cr_only) = sniff(buffered.fill_buf().map_err(|e| Error::io(&name, e))?);
        let reader: Box<dyn Read + Send> = if cr_only {
            Box::new(CrToLf(buffered))
        } else {
            Box::new(buffered)
        };
        let mut rdr = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(delimiter)
            // csv counts lines wrongly for CRLF files when \r ends records; ending records at
            // \n alone keeps line numbers right, and the stray \r is trimmed with the field.
            .terminator(csv::Terminator::Any(b'\n'))
            .from_reader(reader);
        // The header is the first record naming the required columns; spreadsheets often put
        // a title or notes above it. Lines above it are reported, not read as rows.
        let mut header = csv::ByteRecord::new();
        let mut first: Option<(Vec<String>, &'static str, u64)> = None;
        let columns = loop {
            let got = rdr
                .read_byte_record(&mut header)
                .map_err(|e| csv_error(&name, e))?;
            if !got {
                return Err(match first {
                    Some((names, what, line)) => Error::malformed(
                        Position::new(&name, line, 0),
                        format!("the header {:?} lacks {what}", names.join(",")),
                    ),
                    None => Error::malformed(
                        Position::new(&name, 1, 0),
                        "the file is empty; expected a header row such as activity,quantity,unit",
                    ),
                });
            }
            let names: Vec<String> = header
                .iter()
                .map(|f| String::from_utf8_lossy(f).into_owned())
                .collect();
            let refs: Vec<&str> = names.iter().map(String::as_str).collect();
            let columns = Columns::from_header(&refs);
            let line = header.position().map_or(1, |p| p.line());
            match columns.missing() {
                None => {
                    if line > 1 {
                        self.files[idx].preamble_lines = line - 1;
                    }
                    break columns;
                }
                Some(what) => {
                    if first.is_none() {
                        first = Some((names, what, line));
                    }
                    if line >= HEADER_SEARCH_LINES {
                        let (names, what, line) = first.unwrap_or_default();
                        return Err(Error::malformed(
                            Position::new(&name, line, 0),
                            format!("the header {:?} lacks {what}", names.join(",")),
                        ));
                    }
                }
            }
        };
        self.files[idx].columns = columns.clone();
        self.current = Some(OpenFile {
            index: idx,
            reader: rdr,
            name: Arc::from(name.as_str()),
            columns: Arc::new(columns),
            hash: state,
        });
        Ok(true)
    }

    /// The next chunk, or `None` when every input has been read.
    pub fn next_chunk(&mut self) -> Result<Option<Chunk>> {
        loop {
            if self.current.is_none() && !self.open_next()? {
                return Ok(None);
            }
            let Some(open) = self.current.as_mut() else {
                continue;
            };
            let (file, name_arc, columns) = (open.index, open.name.clone(), open.columns.clone());
            let rdr = &mut open.reader;
            // Record buffers are reused from chunk to chunk: no allocation per row.
            let mut buf = self.spare.pop().unwrap_or_default();
            let mut len = 0;
            let name = &self.files[file].name;
            while len < CHUNK_ROWS {
                if len == buf.len() {
                    buf.push(csv::ByteRecord::new());
                }
                if !rdr
                    .read_byte_record(&mut buf[len])
                    .map_err(|e| csv_error(name, e))?
                {
                    break;
                }
                len += 1;
            }
            self.files[file].records += len as u64;
            if len < CHUNK_ROWS {
                // End of this file: finish its hash.
                if let Some(OpenFile {
                    reader,
                    hash: state,
                    ..
                }) = self.current.take()
                {
                    drop(reader);
                    let (hasher, bytes) = match Arc::try_unwrap(state) {
                        Ok(m) => m.into_inner().unwrap_or_else(|p| p.into_inner()),
                        Err(shared) => match shared.lock() {
                            Ok(g) => g.clone(),
                            Err(p) => p.into_inner().clone(),
                        },
                    };
                    let info = &mut self.files[file];
                    info.sha256 = hex_digest(&hasher.finalize());
                    info.bytes = bytes;
                }
            }
            if len > 0 {
                return Ok(Some(Chunk {
                    file,
                    name: name_arc,
                    columns,
                    buf,
                    len,
                }));
            }
            self.spare.push(buf);
        }
    }
}

fn csv_error(name: &str, e: csv::Error) -> Error {
    let line = e.position().map_or(0, |p| p.line());
    match e.into_kind() {
        csv::ErrorKind::Io(io) => Error::io(name, io),
        other => Error::malformed(Position::new(name, line, 0), format!("{other:?}")),
    }
}
