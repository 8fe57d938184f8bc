//! Reading activity CSVs as blocks of whole records, hashing every byte on the way so the
//! audit manifest can name exactly what was read. The reader only finds record boundaries
//! (line feeds outside quotes); worker threads parse the blocks, so parsing scales with cores.

use super::Columns;
use crate::factors::hex_digest;
use crate::{Error, Position, Result};
use sha2::{Digest, Sha256};
use std::io::Read;
use std::path::PathBuf;
use std::sync::Arc;

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

/// A run of whole records from one file: what a worker thread parses and prices.
#[derive(Debug)]
pub struct Block {
    /// Position of the block among all blocks of the run: outputs are written in this order.
    pub seq: u64,
    /// Index of the file in the inputs.
    pub file: usize,
    /// The file's display name.
    pub name: Arc<str>,
    /// The file's columns.
    pub columns: Arc<Columns>,
    /// The file's field delimiter.
    pub delimiter: u8,
    /// Line in the file of the block's first byte, from 1.
    pub first_line: u64,
    /// The bytes: whole records, line feeds ending lines.
    pub bytes: Vec<u8>,
}

impl Block {
    /// A CSV reader over the block, set up as the file's header was read.
    pub fn reader(&self) -> csv::Reader<&[u8]> {
        csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(self.delimiter)
            // csv counts lines wrongly for CRLF files when \r ends records; ending records at
            // \n alone keeps line numbers right, and the stray \r is trimmed with the field.
            .terminator(csv::Terminator::Any(b'\n'))
            .from_reader(&self.bytes[..])
    }

    /// The file line of a record read from [`Block::reader`].
    pub fn line_of(&self, rec: &csv::ByteRecord) -> u64 {
        rec.position().map_or(0, |p| self.first_line + p.line() - 1)
    }
}

/// Where a block may end: just after the last line feed outside double quotes, or `None`
/// when no line feed qualifies. Quote parity is counted from the block start, which is always
/// a record boundary.
fn cut_point(buf: &[u8]) -> Option<usize> {
    let mut quotes = memchr::memchr_iter(b'"', buf).count();
    let mut end = buf.len();
    loop {
        let nl = memchr::memrchr(b'\n', &buf[..end])?;
        quotes -= memchr::memchr_iter(b'"', &buf[nl + 1..end]).count();
        if quotes % 2 == 0 {
            return Some(nl + 1);
        }
        end = nl;
    }
}

/// An open input: its bytes so far are hashed as they are read, before any translation.
struct Source {
    inner: Box<dyn Read + Send>,
    hasher: Sha256,
    bytes: u64,
    cr_only: bool,
    eof: bool,
}

impl Source {
    /// Reads until `buf` holds at least `want` bytes or the input ends.
    fn fill(&mut self, buf: &mut Vec<u8>, want: usize, name: &str) -> Result<()> {
        while buf.len() < want && !self.eof {
            let old = buf.len();
            buf.resize(want.max(old + 1), 0);
            let n = loop {
                match self.inner.read(&mut buf[old..]) {
                    Ok(n) => break n,
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                    Err(e) => {
                        buf.truncate(old);
                        return Err(Error::io(name, e));
                    }
                }
            };
            buf.truncate(old + n);
            if n == 0 {
                self.eof = true;
            }
            self.hasher.update(&buf[old..]);
            self.bytes += n as u64;
            if self.cr_only {
                // Old Mac exports end lines in a bare carriage return: read them as line feeds.
                for b in &mut buf[old..] {
                    if *b == b'\r' {
                        *b = b'\n';
                    }
                }
            }
        }
        Ok(())
    }
}

/// Bytes per block: big enough that per-block costs vanish, small enough that two threads
/// finish together and memory stays flat.
pub const BLOCK_BYTES: usize = 1 << 20;

/// Reads inputs one after another and hands out blocks of whole records, in file order,
/// hashing every byte on the way.
pub struct BlockReader {
    inputs: Vec<Input>,
    /// Per input, what was learned so far.
    pub files: Vec<FileInfo>,
    seq: u64,
    spares: Option<std::sync::mpsc::Receiver<Vec<u8>>>,
}

impl BlockReader {
    /// A reader over the inputs, in the order given.
    pub fn new(inputs: Vec<Input>) -> Self {
        let files = inputs
            .iter()
            .map(|i| FileInfo {
                name: i.display_name(),
                ..FileInfo::default()
            })
            .collect();
        BlockReader {
            inputs,
            files,
            seq: 0,
            spares: None,
        }
    }

    /// Takes block buffers back from `spares` for reuse.
    pub fn with_spares(mut self, spares: std::sync::mpsc::Receiver<Vec<u8>>) -> Self {
        self.spares = Some(spares);
        self
    }

    fn fresh_buf(&self) -> Vec<u8> {
        match self.spares.as_ref().and_then(|r| r.try_recv().ok()) {
            Some(mut b) => {
                b.clear();
                b
            }
            None => Vec::with_capacity(BLOCK_BYTES),
        }
    }

    /// Reads every input, handing each block to `send` in order; stops early (without error)
    /// when `send` returns false.
    pub fn read_all(&mut self, mut send: impl FnMut(Block) -> bool) -> Result<()> {
        for idx in 0..self.inputs.len() {
            if !self.read_file(idx, &mut send)? {
                break;
            }
        }
        Ok(())
    }

    fn read_file(&mut self, idx: usize, send: &mut impl FnMut(Block) -> bool) -> Result<bool> {
        let input = &self.inputs[idx];
        let name = input.display_name();
        let mut src = Source {
            inner: input.open()?,
            hasher: Sha256::new(),
            bytes: 0,
            cr_only: false,
            eof: false,
        };
        let mut buf = Vec::with_capacity(BLOCK_BYTES);
        src.fill(&mut buf, BLOCK_BYTES, &name)?;
        // The header is looked for in the first lines: make sure they are all here.
        let mut want = BLOCK_BYTES;
        while !src.eof
            && memchr::memchr2_iter(b'\n', b'\r', &buf).count() <= HEADER_SEARCH_LINES as usize
        {
            want *= 2;
            src.fill(&mut buf, want, &name)?;
        }
        let (delimiter, cr_only) = sniff(&buf);
        if cr_only {
            src.cr_only = true;
            for b in &mut buf {
                if *b == b'\r' {
                    *b = b'\n';
                }
            }
        }
        let (columns, body_start, first_line) = self.find_header(idx, &name, &buf, delimiter)?;
        buf.drain(..body_start);
        let name: Arc<str> = Arc::from(name.as_str());
        let columns = Arc::new(columns);
        let mut line = first_line;
        loop {
            src.fill(&mut buf, BLOCK_BYTES, &name)?;
            let cut = if src.eof {
                buf.len()
            } else {
                match cut_point(&buf) {
                    Some(c) => c,
                    None => {
                        // One record longer than a block (or an unbalanced quote): read on.
                        let more = buf.len() * 2;
                        src.fill(&mut buf, more, &name)?;
                        continue;
                    }
                }
            };
            if cut == 0 {
                break;
            }
            let mut next = self.fresh_buf();
            next.extend_from_slice(&buf[cut..]);
            let mut bytes = std::mem::replace(&mut buf, next);
            bytes.truncate(cut);
            let lines = memchr::memchr_iter(b'\n', &bytes).count() as u64;
            let block = Block {
                seq: self.seq,
                file: idx,
                name: name.clone(),
                columns: columns.clone(),
                delimiter,
                first_line: line,
                bytes,
            };
            self.seq += 1;
            line += lines;
            if !send(block) {
                return Ok(false);
            }
        }
        let info = &mut self.files[idx];
        info.sha256 = hex_digest(&src.hasher.finalize());
        info.bytes = src.bytes;
        Ok(true)
    }

    /// The header row among the first lines: its columns, the byte offset of the first data
    /// record and its line.
    fn find_header(
        &mut self,
        idx: usize,
        name: &str,
        head: &[u8],
        delimiter: u8,
    ) -> Result<(Columns, usize, u64)> {
        let mut rdr = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(delimiter)
            .terminator(csv::Terminator::Any(b'\n'))
            .from_reader(head);
        // The header is the first record naming the required columns; spreadsheets often put
        // a title or notes above it. Lines above it are reported, not read as rows.
        let mut header = csv::ByteRecord::new();
        let mut first: Option<(Vec<String>, &'static str, u64)> = None;
        loop {
            let got = rdr
                .read_byte_record(&mut header)
                .map_err(|e| csv_error(name, e))?;
            if !got {
                return Err(match first {
                    Some((names, what, line)) => Error::malformed(
                        Position::new(name, line, 0),
                        format!("the header {:?} lacks {what}", names.join(",")),
                    ),
                    None => Error::malformed(
                        Position::new(name, 1, 0),
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
                    self.files[idx].columns = columns.clone();
                    let next = rdr.position();
                    return Ok((columns, next.byte() as usize, next.line()));
                }
                Some(what) => {
                    if first.is_none() {
                        first = Some((names, what, line));
                    }
                    if line >= HEADER_SEARCH_LINES {
                        let (names, what, line) = first.unwrap_or_default();
                        return Err(Error::malformed(
                            Position::new(name, line, 0),
                            format!("the header {:?} lacks {what}", names.join(",")),
                        ));
                    }
                }
            }
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
