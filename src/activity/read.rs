//! Reading activity CSVs as raw records, in fixed-size chunks, hashing every byte on the way
//! (when a run directory records it) so the audit manifest can name exactly what was read.

use super::stream::{
    decode_utf16, hash_result, hash_state, utf16_encoding, BareCrToLf, HashState, Hashing, Tape,
    Utf16Reader,
};
use super::workbook::{self, is_workbook, split_sheet};
use super::{shorten, Columns, Layout, LAYOUTS_WANTED};
use crate::model::Reject;
use crate::{Error, Position, Result};
use rust_decimal::Decimal;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, VecDeque};
use std::io::{BufRead, Read};
use std::path::PathBuf;
use std::sync::Arc;

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
    /// SHA-256 of its bytes, once read to the end; empty when the reader was told not to
    /// hash ([`ChunkReader::with_hashing`]).
    pub sha256: String,
    /// Its size in bytes, once read to the end.
    pub bytes: u64,
    /// Lines above the header row (titles, notes), not read as rows.
    pub preamble_lines: u64,
    /// Records read after the header (rows and blank lines).
    pub records: u64,
    /// Wide-layout rows with no figure in any activity column.
    pub rows_without_figures: u64,
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
    /// Rows the reader itself refused (an unterminated quote), in line order.
    pub rejects: Vec<Reject>,
    /// Whole records as raw bytes, for the worker to parse ([`Chunk::parse`]); empty when the
    /// reader parsed the records itself.
    raw: Vec<u8>,
    /// Line in the file of the raw bytes' first byte, from 1.
    first_line: u64,
    /// The file's field delimiter.
    delimiter: u8,
}

impl Chunk {
    /// The records, each with its position in the file.
    pub fn records(&self) -> &[csv::ByteRecord] {
        &self.buf[..self.len]
    }

    /// Whether the chunk is raw bytes for the worker to parse.
    pub fn is_raw(&self) -> bool {
        !self.raw.is_empty()
    }

    /// Calls `each` with every record of a raw chunk that holds no quote, in order, split
    /// without copying (`ends` is a buffer for field ends), and returns the records read; or
    /// `None`, calling nothing, for a chunk with a quote (read it with [`Chunk::parse`]). The
    /// records are the ones `csv` reads: fields split at every delimiter, empty lines skipped
    /// and each record at the line `csv` gives it (where it began looking: after the last
    /// record's line feed).
    pub fn for_each_plain(
        &self,
        ends: &mut Vec<usize>,
        mut each: impl FnMut(&PlainRecord<'_>),
    ) -> Option<u64> {
        let raw = &self.raw[..];
        if raw.is_empty() {
            return None;
        }
        // One search finds a quote (the block is not plain) or a vertical tab (no record is
        // plain ASCII until shown to be, below); one more says whether the block is ASCII.
        let vt = match memchr::memchr2(b'"', 0x0b, raw) {
            None => false,
            Some(i) if raw[i] == b'"' => return None,
            Some(i) => {
                if memchr::memchr(b'"', &raw[i..]).is_some() {
                    return None;
                }
                true
            }
        };
        let all_ascii = !vt && raw.is_ascii();
        let (mut line, mut at, mut records) = (self.first_line, self.first_line, 0u64);
        let mut start = 0;
        let mut emit = |start: usize, end: usize, ends: &mut Vec<usize>| {
            let text = &raw[start..end];
            line += 1;
            if !text.is_empty() {
                ends.push(text.len());
                records += 1;
                let ascii = all_ascii || (text.is_ascii() && memchr::memchr(0x0b, text).is_none());
                each(&PlainRecord {
                    text,
                    ends,
                    line: at,
                    ascii,
                });
                at = line;
            }
            ends.clear();
        };
        ends.clear();
        // Sixty-four bytes at a time: every line feed and delimiter, in order, in one pass; a
        // field end is kept as an offset from its record's start.
        let mut block_at = 0;
        while block_at < raw.len() {
            let (feeds, delims, valid) = match raw[block_at..].first_chunk::<64>() {
                Some(b) => {
                    let (f, d) = byte_masks(b, b'\n', self.delimiter);
                    (f, d, u64::MAX)
                }
                None => {
                    let rest = &raw[block_at..];
                    let mut b = [0u8; 64];
                    b[..rest.len()].copy_from_slice(rest);
                    let (f, d) = byte_masks(&b, b'\n', self.delimiter);
                    (f, d, (1u64 << rest.len()) - 1)
                }
            };
            let feeds = feeds & valid;
            let mut hits = (feeds | delims) & valid;
            while hits != 0 {
                let bit = hits.trailing_zeros();
                hits &= hits - 1;
                let pos = block_at + bit as usize;
                if feeds >> bit & 1 != 0 {
                    emit(start, pos, ends);
                    start = pos + 1;
                } else {
                    ends.push(pos - start);
                }
            }
            block_at += 64;
        }
        if start < raw.len() {
            emit(start, raw.len(), ends);
        }
        Some(records)
    }

    /// Parses a raw chunk's records into `out` (its buffers reused) exactly as the reader
    /// would have: positions name file lines, a runaway quote's record is refused into
    /// `rejects` and the lines it swallowed are read again. Returns the records it holds and
    /// the records read (rows and blank lines, before a runaway quote is split).
    pub fn parse(&self, out: &mut Vec<csv::ByteRecord>, rejects: &mut Vec<Reject>) -> (usize, u64) {
        let mut rdr = reader_builder(self.delimiter).from_reader(&self.raw[..]);
        let mut len = 0;
        let mut raw = 0u64;
        let mut pending = VecDeque::new();
        loop {
            if len == out.len() {
                out.push(csv::ByteRecord::new());
            }
            let rec = &mut out[len];
            // Reading bytes already in memory cannot fail: csv reports only I/O errors for
            // byte records read flexibly.
            if !rdr.read_byte_record(rec).unwrap_or(false) {
                break;
            }
            raw += 1;
            let line = rec.position().map_or(0, |p| p.line()) + self.first_line - 1;
            let mut pos = csv::Position::new();
            pos.set_line(line);
            rec.set_position(Some(pos));
            if self.columns.wide.is_empty() && !rec.as_slice().contains(&b'\n') {
                len += 1;
                continue;
            }
            let rec = std::mem::take(rec);
            expand(
                rec,
                &self.columns,
                self.delimiter,
                &self.name,
                &mut pending,
                rejects,
            );
            for r in pending.drain(..) {
                if len == out.len() {
                    out.push(r);
                } else {
                    out[len] = r;
                }
                len += 1;
            }
        }
        (len, raw)
    }
}

/// Bit `i` of the first mask is set where byte `i` of `block` is `a`, of the second where it
/// is `b`.
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
#[inline]
fn byte_masks(block: &[u8; 64], a: u8, b: u8) -> (u64, u64) {
    // SAFETY: the function asks for SSE2 alone, which the `cfg` above says every processor
    // this build runs on has (it is part of x86-64 itself). Nothing else in it is unsafe.
    unsafe { byte_masks_sse2(block, a, b) }
}

/// [`byte_masks`] sixteen bytes a compare. It reads the bytes as integers (no pointers).
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
#[target_feature(enable = "sse2")]
#[inline]
fn byte_masks_sse2(block: &[u8; 64], a: u8, b: u8) -> (u64, u64) {
    use std::arch::x86_64::{_mm_cmpeq_epi8, _mm_movemask_epi8, _mm_set1_epi8, _mm_set_epi64x};
    let (va, vb) = (_mm_set1_epi8(a as i8), _mm_set1_epi8(b as i8));
    let (mut ma, mut mb) = (0u64, 0u64);
    for (k, c) in block.chunks_exact(16).enumerate() {
        let word = |i: usize| i64::from_le_bytes(c[i..i + 8].try_into().unwrap_or_default());
        let v = _mm_set_epi64x(word(8), word(0));
        // movemask sets the low 16 bits of an i32, one a byte.
        let bits = |m: i32| u64::from(m as u16) << (16 * k);
        ma |= bits(_mm_movemask_epi8(_mm_cmpeq_epi8(v, va)));
        mb |= bits(_mm_movemask_epi8(_mm_cmpeq_epi8(v, vb)));
    }
    (ma, mb)
}

/// [`byte_masks`] where SSE2 is not to be had.
#[cfg(not(all(target_arch = "x86_64", target_feature = "sse2")))]
#[inline]
fn byte_masks(block: &[u8; 64], a: u8, b: u8) -> (u64, u64) {
    byte_masks_words(block, a, b)
}

/// [`byte_masks`] eight bytes at a time, in plain integer arithmetic (compiled everywhere, so
/// its test runs on x86-64 too).
#[cfg_attr(all(target_arch = "x86_64", target_feature = "sse2"), allow(dead_code))]
fn byte_masks_words(block: &[u8; 64], a: u8, b: u8) -> (u64, u64) {
    const LO: u64 = 0x0101_0101_0101_0101;
    // The high bit of each zero byte of `w`, and no other bit: exact, as no sum carries from
    // one byte into the next (the usual `(w - LO) & !w` may also mark a byte after a zero one).
    let zero_bytes = |w: u64| {
        let low7 = !(LO << 7);
        !(((w & low7) + low7) | w | low7)
    };
    // The eight high bits gathered into the low byte, byte 0's lowest.
    let gather = |z: u64| ((z >> 7).wrapping_mul(0x0102_0408_1020_4080)) >> 56;
    let (la, lb) = (LO * u64::from(a), LO * u64::from(b));
    let (mut ma, mut mb) = (0u64, 0u64);
    for (k, c) in block.chunks_exact(8).enumerate() {
        let w = u64::from_le_bytes(c.try_into().unwrap_or_default());
        ma |= gather(zero_bytes(w ^ la)) << (8 * k);
        mb |= gather(zero_bytes(w ^ lb)) << (8 * k);
    }
    (ma, mb)
}

/// A record of a raw chunk with no quote, as its bytes and where each field ends.
#[derive(Debug)]
pub struct PlainRecord<'a> {
    text: &'a [u8],
    /// Offset in `text` of each field's end (its delimiter, or the end of the text).
    ends: &'a [usize],
    line: u64,
    /// Every byte is ASCII and none is a vertical tab.
    ascii: bool,
}

impl PlainRecord<'_> {
    /// Fields.
    #[inline]
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// Whether the record has no field (never: an empty line is no record).
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// Field `i`.
    #[inline]
    pub fn get(&self, i: usize) -> Option<&[u8]> {
        let end = *self.ends.get(i)?;
        let start = if i == 0 { 0 } else { self.ends[i - 1] + 1 };
        self.text.get(start..end)
    }

    /// The record's bytes, delimiters included.
    #[inline]
    pub fn text(&self) -> &[u8] {
        self.text
    }

    /// Its line in the file.
    #[inline]
    pub fn line(&self) -> u64 {
        self.line
    }

    /// Whether every byte is ASCII and none is a vertical tab (the one ASCII byte
    /// `str::trim` trims and `trim_ascii` does not).
    #[inline]
    pub fn is_plain_ascii(&self) -> bool {
        self.ascii
    }

    /// The record as `csv` reads it.
    pub fn to_record(&self) -> csv::ByteRecord {
        let mut r = csv::ByteRecord::with_capacity(self.text.len(), self.ends.len());
        for i in 0..self.ends.len() {
            r.push_field(self.get(i).unwrap_or_default());
        }
        let mut pos = csv::Position::new();
        pos.set_line(self.line);
        r.set_position(Some(pos));
        r
    }
}

type Reader = csv::Reader<Box<dyn Read + Send>>;

/// Where a file's records come from: a CSV parser, or a sheet already read.
enum Records {
    Csv(Reader),
    /// CSV bytes as they are on disk (no UTF-16, not a workbook): may be read as raw blocks.
    Plain(Reader),
    /// UTF-16 text (little-endian when `true`) decoded as it is read: a file may be read as
    /// raw blocks through the same decoding.
    Utf16(Reader, bool),
    /// Standard input as it is, read through a [`Tape`]: may be read as raw blocks from
    /// where the header ends.
    Piped(Reader, Tape),
    Sheet(std::vec::IntoIter<csv::ByteRecord>),
}

/// Bytes per raw block: big enough that per-block costs vanish, small enough that two
/// threads finish together and memory stays flat. Fixed in code, like [`CHUNK_ROWS`].
pub const BLOCK_BYTES: usize = 1 << 18;

/// A plain CSV file read as raw blocks of whole records, which the workers parse: the
/// common case (a UTF-8 or ASCII file on disk, not wide) parsed on every thread. The file is
/// read again from its start, so every byte is hashed once, header and preamble included.
/// A UTF-16 file is read the same way through its decoding.
struct RawSource {
    file: Box<dyn Read + Send>,
    /// Whether the bytes read are the file's own, to hash and count as read (not UTF-16
    /// decoded, whose file bytes are hashed and counted below the decoding). A plain file is
    /// hashed here rather than through [`Hashing`]: read straight from the `File`, the block
    /// is read into spare capacity without zeroing it first.
    hashing: bool,
    delimiter: u8,
    /// Bytes read and not yet handed out; they start at a record boundary.
    buf: Vec<u8>,
    /// Bytes of `buf` whose bare carriage returns are already read as line feeds.
    clean: usize,
    /// Line of `buf`'s first byte.
    line: u64,
    eof: bool,
}

impl RawSource {
    /// A stream already hashed and counted as it is read (see [`Tape`]), whose next byte
    /// starts line `line`.
    fn from_stream(file: Box<dyn Read + Send>, delimiter: u8, line: u64) -> Self {
        RawSource {
            file,
            hashing: false,
            delimiter,
            buf: Vec::new(),
            clean: 0,
            line,
            eof: false,
        }
    }

    /// Opens `path` and skips the header (`body` bytes, hashed into `state`), so the next
    /// byte starts line `line`; UTF-16 (little-endian when `utf16` is `Some(true)`) is
    /// decoded, and `body` and `line` are then in the decoded text.
    fn open(
        path: &std::path::Path,
        utf16: Option<bool>,
        delimiter: u8,
        body: u64,
        line: u64,
        state: &HashState,
    ) -> Result<Self> {
        let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
        if let Ok(mut st) = state.lock() {
            let hashing = st.0.is_some();
            *st = (hashing.then(Sha256::new), 0);
        }
        let (file, hashing): (Box<dyn Read + Send>, bool) = match utf16 {
            None => (Box::new(file), true),
            Some(little) => (
                Box::new(Utf16Reader::new(
                    Hashing {
                        inner: file,
                        state: state.clone(),
                    },
                    little,
                )),
                false,
            ),
        };
        let mut src = RawSource {
            file,
            hashing,
            delimiter,
            buf: Vec::new(),
            clean: 0,
            line,
            eof: false,
        };
        let want = usize::try_from(body).unwrap_or(usize::MAX);
        src.fill(want, state, path)?;
        if src.buf.len() < want {
            // The file changed under us: read it as it now is, the slow way.
            return Err(Error::io(
                path,
                std::io::Error::other("the file became shorter while it was read"),
            ));
        }
        src.buf.drain(..want);
        src.clean = src.clean.saturating_sub(want);
        Ok(src)
    }

    /// Reads until `buf` holds `want` bytes or the file ends, hashing each byte as read and
    /// reading bare carriage returns as line feeds (as [`BareCrToLf`] does).
    fn fill(&mut self, want: usize, state: &HashState, path: &std::path::Path) -> Result<()> {
        while self.buf.len() < want && !self.eof {
            let old = self.buf.len();
            let room = (want - old).clamp(1, BLOCK_BYTES);
            self.buf.reserve(room);
            // Read into the spare capacity as it is: zeroing it first cost as much as the read.
            let n = match (&mut self.file)
                .take(room as u64)
                .read_to_end(&mut self.buf)
            {
                Ok(n) => n,
                Err(e) => {
                    self.buf.truncate(old);
                    return Err(Error::io(path, e));
                }
            };
            // `take` reads until `room` bytes or the end of the file.
            if n < room {
                self.eof = true;
            }
            if !self.hashing {
                continue;
            }
            if let Ok(mut st) = state.lock() {
                if let Some(h) = st.0.as_mut() {
                    h.update(&self.buf[old..]);
                }
                st.1 += n as u64;
            }
        }
        // A carriage return is bare when the next byte is not a line feed; the last byte
        // waits for the next read unless the file has ended.
        let end = self.buf.len();
        let from = self.clean;
        if let Some(first) = memchr::memchr(b'\r', &self.buf[from..]) {
            for i in from + first..end {
                if self.buf[i] == b'\r' {
                    match self.buf.get(i + 1) {
                        Some(b'\n') => {}
                        Some(_) => self.buf[i] = b'\n',
                        None if self.eof => self.buf[i] = b'\n',
                        None => {
                            self.clean = i;
                            return Ok(());
                        }
                    }
                }
            }
        }
        self.clean = end;
        Ok(())
    }

    /// The next block of whole records (about `block` bytes) and the line it starts on, or
    /// `None` at the end.
    fn next_block(
        &mut self,
        block: usize,
        spare: Vec<u8>,
        state: &HashState,
        path: &std::path::Path,
    ) -> Result<Option<(Vec<u8>, u64)>> {
        let mut limit = block.max(1);
        let cut = loop {
            self.fill(limit, state, path)?;
            let whole = self.eof && self.clean == self.buf.len();
            if whole && self.buf.len() <= limit {
                break self.buf.len();
            }
            match cut_point(&self.buf[..self.clean.min(limit)], self.delimiter) {
                Some(c) => break c,
                // One record longer than a block (or a quote never closed): read on.
                None if whole => break self.buf.len(),
                None => limit = limit.saturating_mul(2),
            }
        };
        if cut == 0 {
            return Ok(None);
        }
        let mut next = spare;
        next.clear();
        next.extend_from_slice(&self.buf[cut..]);
        let mut out = std::mem::replace(&mut self.buf, next);
        out.truncate(cut);
        self.clean -= cut;
        let line = self.line;
        self.line += memchr::memchr_iter(b'\n', &out).count() as u64;
        Ok(Some((out, line)))
    }
}

/// Where a block of `buf` (which starts where a record starts) may end: just after the last
/// line feed that ends a record, or `None` when none does. As `csv_core` reads: a quote opens
/// a quoted field only as a field's first byte, and an empty line ends no record (its line
/// feed is skipped, and the next record's position is where the skipping began, so a block
/// may not start there). Blocks with no quote need no scan.
fn cut_point(buf: &[u8], delimiter: u8) -> Option<usize> {
    #[derive(Clone, Copy, PartialEq)]
    enum S {
        Record,
        Field0,
        Field,
        Quoted,
        QuoteInQuoted,
    }
    if memchr::memchr(b'"', buf).is_none() {
        // The last line feed that ends a non-empty line.
        let mut end = buf.len();
        while let Some(i) = memchr::memrchr(b'\n', &buf[..end]) {
            if i > 0 && buf[i - 1] != b'\n' {
                return Some(i + 1);
            }
            end = i;
        }
        return None;
    }
    let mut s = S::Record;
    let mut cut = None;
    for (i, &b) in buf.iter().enumerate() {
        s = match (s, b) {
            (S::Quoted, b'"') => S::QuoteInQuoted,
            (S::Quoted, _) => S::Quoted,
            (S::QuoteInQuoted, b'"') => S::Quoted,
            (S::Record | S::Field0, b'"') => S::Quoted,
            (S::Record, b'\n') => S::Record,
            (_, b'\n') => {
                cut = Some(i + 1);
                S::Record
            }
            (_, d) if d == delimiter => S::Field0,
            _ => S::Field,
        };
    }
    cut
}

impl Records {
    fn read(&mut self, rec: &mut csv::ByteRecord, name: &str) -> Result<bool> {
        match self {
            Records::Csv(r) | Records::Plain(r) | Records::Utf16(r, _) | Records::Piped(r, _) => {
                r.read_byte_record(rec).map_err(|e| csv_error(name, e))
            }
            Records::Sheet(rows) => Ok(match rows.next() {
                Some(r) => {
                    *rec = r;
                    true
                }
                None => false,
            }),
        }
    }
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

/// A file's delimiter: the one that makes a line within the first [`HEADER_SEARCH_LINES`] a
/// header naming an activity column (a title above the header may contain anything); failing
/// that, the most frequent of `,`, `;`, tab and `|` on line 1. Lines may end in LF, CRLF or CR.
fn sniff(head: &[u8]) -> u8 {
    let cands = [b',', b';', b'\t', b'|'];
    let lines = || {
        head.split(|&b| b == b'\n' || b == b'\r')
            .filter(|l| !l.is_empty())
    };
    for line in lines().take(HEADER_SEARCH_LINES as usize) {
        for &d in &cands {
            let fields = split_line(line, d);
            let refs: Vec<&str> = fields.iter().map(String::as_str).collect();
            let c = Columns::from_header(&refs);
            if fields.len() > 1 && (c.activity.is_some() || !c.wide.is_empty()) {
                return d;
            }
        }
    }
    let first = lines().next().unwrap_or(head);
    cands
        .iter()
        .copied()
        .max_by_key(|&d| (split_line(first, d).len(), usize::from(d == b',')))
        .unwrap_or(b',')
}

/// The file being read: its index, records, name, columns and running hash, and records
/// made from a raw one (a wide row's cells, the rows a runaway quote had swallowed).
struct OpenFile {
    index: usize,
    reader: Records,
    name: Arc<str>,
    columns: Arc<Columns>,
    hash: HashState,
    delimiter: u8,
    pending: VecDeque<csv::ByteRecord>,
    /// Set when the file is read as raw blocks.
    raw: Option<RawSource>,
    path: PathBuf,
}

/// Reads inputs one after another and hands out chunks of records, in file order.
pub struct ChunkReader {
    inputs: Vec<Input>,
    /// Per input, what was learned so far.
    pub files: Vec<FileInfo>,
    current: Option<OpenFile>,
    next_input: usize,
    spare: Vec<Vec<csv::ByteRecord>>,
    layout: Layout,
    /// Reading a file ahead to net its credit notes: no netting within.
    prescan: bool,
    /// Plain files on disk go to the workers as raw blocks (off only to compare the two ways).
    blocks: bool,
    /// Raw block buffers given back for reuse.
    spare_raw: Vec<Vec<u8>>,
    /// Bytes per raw block: [`BLOCK_BYTES`] (tests cut smaller blocks).
    block_bytes: usize,
    /// Whether each input's SHA-256 is taken as it is read (off when nothing records it).
    hashing: bool,
}

/// The project's CSV settings.
fn reader_builder(delimiter: u8) -> csv::ReaderBuilder {
    let mut b = csv::ReaderBuilder::new();
    b.has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        // csv counts lines wrongly for CRLF files when \r ends records; ending records at
        // \n alone keeps line numbers right, and the stray \r is trimmed with the field.
        .terminator(csv::Terminator::Any(b'\n'));
    b
}

/// A CSV reader with the project's settings over any bytes.
fn csv_reader(source: Box<dyn Read + Send>, delimiter: u8) -> Reader {
    reader_builder(delimiter).from_reader(source)
}

/// Reads to the end, mapping errors to the file.
fn read_all(mut r: impl Read, name: &str) -> Result<Vec<u8>> {
    let mut bytes = Vec::new();
    r.read_to_end(&mut bytes).map_err(|e| Error::io(name, e))?;
    Ok(bytes)
}

impl ChunkReader {
    /// A reader over the inputs, in the order given.
    pub fn new(inputs: Vec<Input>) -> Self {
        ChunkReader::with_layout(inputs, Layout::default())
    }

    /// A reader over the inputs with the user's column and wide-layout choices.
    pub fn with_layout(inputs: Vec<Input>, layout: Layout) -> Self {
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
            layout,
            prescan: false,
            blocks: true,
            spare_raw: Vec::new(),
            block_bytes: BLOCK_BYTES,
            hashing: true,
        }
    }

    /// Whether each input's SHA-256 is taken as it is read (the default) or left empty in
    /// [`FileInfo::sha256`]: a run that writes no manifest records no hash, and at about
    /// 1.2 GB/s the hash is a fifth of a large run's work.
    pub fn with_hashing(mut self, hashing: bool) -> Self {
        self.hashing = hashing;
        self
    }

    /// Whether plain files on disk are read as raw blocks for the workers to parse (the
    /// default) or parsed by the reader itself: the records are the same either way.
    pub fn with_blocks(mut self, blocks: bool) -> Self {
        self.blocks = blocks;
        self
    }

    /// Gives a chunk's buffers back for reuse.
    pub fn recycle(&mut self, chunk: Chunk) {
        if chunk.is_raw() {
            if self.spare_raw.len() < 64 {
                self.spare_raw.push(chunk.raw);
            }
        } else if self.spare.len() < 64 {
            self.spare.push(chunk.buf);
        }
    }

    /// Opens an input as records: a workbook's sheet, or CSV text in any of the encodings
    /// spreadsheets save. Returns the name to show (`book.xlsx#Sheet1` for a sheet), the
    /// records and the delimiter.
    fn open_records(input: &Input, state: &HashState) -> Result<(String, Records, u8)> {
        let display = input.display_name();
        let sheet_records = |file: &str, bytes: &[u8], sheet: Option<&str>| {
            workbook::read_sheet(file, bytes, sheet).map(|s| {
                (
                    format!("{file}#{}", s.name),
                    Records::Sheet(s.records.into_iter()),
                    b',',
                )
            })
        };
        if let Input::Path(p) = input {
            let (file, sheet) = split_sheet(p);
            if is_workbook(&file) {
                let name = file.display().to_string();
                let f = std::fs::File::open(&file).map_err(|e| Error::io(&file, e))?;
                let bytes = read_all(
                    Hashing {
                        inner: f,
                        state: state.clone(),
                    },
                    &name,
                )?;
                return sheet_records(&name, &bytes, sheet.as_deref());
            }
        }
        let hashed = Hashing {
            inner: input.open()?,
            state: state.clone(),
        };
        // Standard input is read once: what the header search reads of it is kept, so the
        // rest can still go to the workers as raw blocks.
        let (source, tape): (Box<dyn Read + Send>, _) = if *input == Input::Stdin {
            let tape = Tape::new(Box::new(hashed));
            (Box::new(tape.clone()), Some(tape))
        } else {
            (Box::new(hashed), None)
        };
        let mut buffered = std::io::BufReader::with_capacity(1 << 16, source);
        let head = buffered
            .fill_buf()
            .map_err(|e| Error::io(&display, e))?
            .to_vec();
        if let Some(what) = workbook::looks_like(&head) {
            // A workbook saved under another name is read as one; anything else is refused.
            if head.starts_with(b"PK") || head.starts_with(&[0xD0, 0xCF]) {
                if let Some(t) = &tape {
                    t.stop();
                }
                let bytes = read_all(buffered, &display)?;
                if let Ok(found) = sheet_records(&display, &bytes, None) {
                    return Ok(found);
                }
            }
            return Err(Error::malformed(
                Position::new(&display, 0, 0),
                format!(
                    "this looks like {what}, not a CSV file or a workbook; open it and save or \
                     export the table as CSV (UTF-8) or .xlsx"
                ),
            ));
        }
        if let Some(little) = utf16_encoding(&head) {
            if let Some(t) = &tape {
                t.stop();
            }
            // Decoded as it is read: a UTF-16 file is never held whole.
            let mut text = Vec::new();
            let _ = decode_utf16(&head, little, false, &mut text);
            let text = text.strip_prefix("\u{feff}".as_bytes()).unwrap_or(&text);
            let delimiter = sniff(&text[..text.len().min(1 << 16)]);
            let source: Box<dyn Read + Send> = Box::new(BareCrToLf {
                inner: Utf16Reader::new(buffered, little),
                ahead: None,
            });
            return Ok((
                display,
                Records::Utf16(csv_reader(source, delimiter), little),
                delimiter,
            ));
        }
        let delimiter = sniff(&head);
        let source: Box<dyn Read + Send> = Box::new(BareCrToLf {
            inner: buffered,
            ahead: None,
        });
        let rdr = csv_reader(source, delimiter);
        let records = match (input, tape) {
            (Input::Path(_), _) => Records::Plain(rdr),
            (_, Some(tape)) => Records::Piped(rdr, tape),
            _ => Records::Csv(rdr),
        };
        Ok((display, records, delimiter))
    }

    fn open_next(&mut self) -> Result<bool> {
        let Some(input) = self.inputs.get(self.next_input).cloned() else {
            return Ok(false);
        };
        let idx = self.next_input;
        self.next_input += 1;
        let state = hash_state(self.hashing);
        let (name, mut rdr, delimiter) = Self::open_records(&input, &state)?;
        self.files[idx].name = name.clone();
        // The header is the first record naming the required columns; spreadsheets often put
        // a title or notes above it. Lines above it are reported, not read as rows.
        let mut header = csv::ByteRecord::new();
        let mut first: Option<(Vec<String>, &'static str, u64)> = None;
        let empty = if matches!(rdr, Records::Sheet(_)) {
            "the sheet is empty"
        } else {
            "the file is empty"
        };
        let no_layout = |first: Option<(Vec<String>, &'static str, u64)>| match first {
            Some((names, what, line)) => Error::malformed(
                Position::new(&name, line, 0),
                format!(
                    "the header {:?} lacks {what}, and no other layout fits: columns found: {}. \
                     Wanted {LAYOUTS_WANTED}",
                    names.join(","),
                    names.join(", ")
                ),
            ),
            None => Error::malformed(
                Position::new(&name, 1, 0),
                format!(
                    "{empty}; expected a header row such as activity,quantity,unit: \
                     {LAYOUTS_WANTED}"
                ),
            ),
        };
        let columns = loop {
            if !rdr.read(&mut header, &name)? {
                return Err(no_layout(first));
            }
            let names: Vec<String> = header
                .iter()
                .map(|f| shorten(String::from_utf8_lossy(f).trim()).into_owned())
                .collect();
            let refs: Vec<&str> = names.iter().map(String::as_str).collect();
            let mut columns = Columns::with_layout(&refs, &self.layout);
            columns.decimal_comma = delimiter == b';';
            let line = header.position().map_or(1, |p| p.line());
            match columns.missing() {
                None => {
                    if !columns.duplicates.is_empty() {
                        return Err(Error::malformed(
                            Position::new(&name, line, 0),
                            format!(
                                "the header names a column twice: {} (two columns for one field \
                                 would leave one unread); rename or delete one, or say which to \
                                 read with --column FIELD=HEADER",
                                columns.duplicates.join(", ")
                            ),
                        ));
                    }
                    if line > 1 {
                        self.files[idx].preamble_lines = line - 1;
                    }
                    break columns;
                }
                Some(what) => {
                    let non_empty: Vec<String> =
                        names.iter().filter(|n| !n.is_empty()).cloned().collect();
                    if first.is_none() && !non_empty.is_empty() {
                        first = Some((non_empty, what, line));
                    }
                    if line >= HEADER_SEARCH_LINES {
                        return Err(no_layout(first));
                    }
                }
            }
        };
        let mut columns = columns;
        if columns.amount.is_some() && !self.prescan && input != Input::Stdin {
            columns.credit_rejects = net_credit_notes(&input, &self.layout)?;
        }
        // A plain file on disk (UTF-16 decoded) is read again as raw blocks from just after
        // its header, for the workers to parse; anything else is parsed here.
        let raw = match (&input, &rdr) {
            (Input::Path(p), Records::Plain(r) | Records::Utf16(r, _))
                if self.blocks
                    && !self.prescan
                    && columns.wide.is_empty()
                    && std::fs::metadata(p).is_ok_and(|m| m.is_file()) =>
            {
                let at = r.position();
                let utf16 = match &rdr {
                    Records::Utf16(_, little) => Some(*little),
                    _ => None,
                };
                Some(RawSource::open(
                    p,
                    utf16,
                    delimiter,
                    at.byte(),
                    at.line(),
                    &state,
                )?)
            }
            (_, Records::Piped(r, tape)) if self.blocks && columns.wide.is_empty() => {
                let at = r.position();
                (tape.take(at.byte()))
                    .map(|rest| RawSource::from_stream(rest, delimiter, at.line()))
            }
            (_, Records::Piped(_, tape)) => {
                tape.stop();
                None
            }
            _ => None,
        };
        self.files[idx].columns = columns.clone();
        self.current = Some(OpenFile {
            index: idx,
            reader: rdr,
            name: Arc::from(name.as_str()),
            columns: Arc::new(columns),
            hash: state,
            delimiter,
            pending: VecDeque::new(),
            raw,
            // Errors name standard input as `-`, as the rest of the run does.
            path: match &input {
                Input::Path(p) => p.clone(),
                _ => PathBuf::from(name.as_str()),
            },
        });
        Ok(true)
    }

    /// Bytes of input read so far, over every file (for a progress bar: a file is read a
    /// little ahead of the records handed out).
    pub fn bytes_read(&self) -> u64 {
        let done: u64 = self.files[..self.next_input.saturating_sub(1)]
            .iter()
            .map(|f| f.bytes)
            .sum();
        let current = match &self.current {
            Some(open) => open.hash.lock().map_or(0, |g| g.1),
            None => self
                .files
                .get(self.next_input.saturating_sub(1))
                .map_or(0, |f| f.bytes),
        };
        done + current
    }

    /// End of the current file: finish its hash.
    fn finish_file(&mut self, file: usize) {
        if let Some(OpenFile {
            reader,
            hash: state,
            ..
        }) = self.current.take()
        {
            drop(reader);
            let (sha256, bytes) = hash_result(state);
            let info = &mut self.files[file];
            info.sha256 = sha256.unwrap_or_default();
            info.bytes = bytes;
        }
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
            if let Some(src) = open.raw.as_mut() {
                let spare = self.spare_raw.pop().unwrap_or_default();
                if let Some((raw, first_line)) =
                    src.next_block(self.block_bytes, spare, &open.hash, &open.path)?
                {
                    return Ok(Some(Chunk {
                        file,
                        name: name_arc,
                        columns,
                        raw,
                        first_line,
                        delimiter: open.delimiter,
                        ..Chunk::default()
                    }));
                }
                self.finish_file(file);
                continue;
            }
            // Record buffers are reused from chunk to chunk: no allocation per row.
            let mut buf = self.spare.pop().unwrap_or_default();
            let mut len = 0;
            let mut rejects = Vec::new();
            let mut raw = 0u64;
            let mut eof = false;
            while len < CHUNK_ROWS {
                if let Some(r) = open.pending.pop_front() {
                    if len == buf.len() {
                        buf.push(r);
                    } else {
                        buf[len] = r;
                    }
                    len += 1;
                    continue;
                }
                if len == buf.len() {
                    buf.push(csv::ByteRecord::new());
                }
                if !open.reader.read(&mut buf[len], &name_arc)? {
                    eof = true;
                    break;
                }
                raw += 1;
                if columns.wide.is_empty() && !buf[len].as_slice().contains(&b'\n') {
                    len += 1;
                    continue;
                }
                let rec = std::mem::take(&mut buf[len]);
                let empty_wide = expand(
                    rec,
                    &columns,
                    open.delimiter,
                    &name_arc,
                    &mut open.pending,
                    &mut rejects,
                );
                self.files[file].rows_without_figures += empty_wide;
            }
            self.files[file].records += raw;
            if eof {
                self.finish_file(file);
            }
            if len > 0 || !rejects.is_empty() {
                return Ok(Some(Chunk {
                    file,
                    name: name_arc,
                    columns,
                    buf,
                    len,
                    rejects,
                    ..Chunk::default()
                }));
            }
            self.spare.push(buf);
        }
    }
}

/// Spend rows netted by supplier, category (activity) and period: the lines of every group
/// whose credit notes (negative amounts) bring it below zero, each with the reason naming
/// the group's lines. Reads the file once ahead (standard input cannot be read twice).
fn net_credit_notes(input: &Input, layout: &Layout) -> Result<BTreeMap<u64, String>> {
    type Group = (Decimal, Vec<(u64, Decimal)>, bool);
    // The file is hashed by the reading that follows, not by this look ahead.
    let mut ahead =
        ChunkReader::with_layout(vec![input.clone()], layout.clone()).with_hashing(false);
    ahead.prescan = true;
    let mut groups: BTreeMap<(String, String, String), Group> = BTreeMap::new();
    while let Some(chunk) = ahead.next_chunk()? {
        let c = &chunk.columns;
        let text = |rec: &csv::ByteRecord, col: Option<usize>| -> String {
            col.and_then(|i| rec.get(i))
                .map(|f| String::from_utf8_lossy(f).trim().to_string())
                .unwrap_or_default()
        };
        for rec in chunk.records() {
            if !text(rec, c.quantity).is_empty() {
                continue;
            }
            let amount = text(rec, c.amount);
            let parsed = if c.decimal_comma {
                super::parse_amount_decimal_comma(&amount)
            } else {
                super::parse_amount(&amount)
            };
            let Ok((v, _)) = parsed else { continue };
            let period = text(rec, c.period);
            let period = super::Period::parse(&period).map_or(period, |p| p.to_string());
            let key = (text(rec, c.supplier), text(rec, c.activity), period);
            let g = groups
                .entry(key)
                .or_insert((Decimal::ZERO, Vec::new(), false));
            g.0 = g.0.checked_add(v).unwrap_or(g.0);
            g.1.push((rec.position().map_or(0, |p| p.line()), v));
            g.2 |= v.is_sign_negative() && !v.is_zero();
        }
    }
    let mut out = BTreeMap::new();
    for ((supplier, activity, period), (net, lines, credit)) in groups {
        if !credit || !net.is_sign_negative() || net.is_zero() {
            continue;
        }
        let list: Vec<String> = lines
            .iter()
            .map(|(l, v)| format!("line {l} ({})", crate::num::exact_string(*v)))
            .collect();
        let reason = format!(
            "credit notes exceed the invoices they net against: supplier {supplier:?}, \
             {activity:?}, period {period:?}: {} net to {}; a credit note is netted against \
             invoices of the same supplier, category and period: check its period and supplier",
            list.join(" and "),
            crate::num::exact_string(net)
        );
        for (l, _) in lines {
            out.insert(l, reason.clone());
        }
    }
    Ok(out)
}

/// A raw record to the records the engine reads: a runaway quote's record is refused and
/// the lines it swallowed are read again as rows; a wide row becomes one record per non-empty
/// activity cell (the header's fields, then activity, quantity, unit and the cell's column).
/// Returns 1 for a wide row with no figure in any activity column, else 0.
fn expand(
    rec: csv::ByteRecord,
    cols: &Columns,
    delimiter: u8,
    name: &str,
    pending: &mut VecDeque<csv::ByteRecord>,
    rejects: &mut Vec<Reject>,
) -> u64 {
    let mut empty = 0;
    let mut work = VecDeque::from([rec]);
    while let Some(r) = work.pop_front() {
        if let Some((col, head, rest)) = runaway_quote(&r, delimiter, cols.width) {
            let line = r.position().map_or(0, |p| p.line());
            rejects.push(Reject {
                file: name.to_string(),
                line,
                column: col as u64 + 1,
                value: shorten(&head).into_owned(),
                reason: "a quote opened in this field is never closed, so the rows below would \
                         be read into it; close the quote (\"like this\") or remove it"
                    .to_string(),
            });
            let mut again = csv_reader(Box::new(std::io::Cursor::new(rest)), delimiter);
            let mut recovered = Vec::new();
            let mut rr = csv::ByteRecord::new();
            while let Ok(true) = again.read_byte_record(&mut rr) {
                let mut pos = rr.position().cloned().unwrap_or_else(csv::Position::new);
                pos.set_line(line + pos.line());
                rr.set_position(Some(pos));
                recovered.push(std::mem::take(&mut rr));
            }
            for x in recovered.into_iter().rev() {
                work.push_front(x);
            }
            continue;
        }
        if cols.wide.is_empty() {
            pending.push_back(r);
            continue;
        }
        if r.iter().all(|f| f.trim_ascii().is_empty()) {
            pending.push_back(r); // a blank line, counted as one
            continue;
        }
        let mut any = false;
        for w in &cols.wide {
            let cell = r.get(w.column).unwrap_or(b"");
            if cell.trim_ascii().is_empty() {
                continue;
            }
            any = true;
            let mut out = csv::ByteRecord::new();
            for i in 0..cols.width {
                out.push_field(r.get(i).unwrap_or(b""));
            }
            out.push_field(w.activity.as_bytes());
            out.push_field(cell);
            out.push_field(w.unit.as_bytes());
            out.push_field(w.column.to_string().as_bytes());
            for f in r.iter().skip(cols.width) {
                out.push_field(f);
            }
            out.set_position(r.position().cloned());
            pending.push_back(out);
        }
        if !any {
            empty += 1;
        }
    }
    empty
}

/// A field holding a line break whose next line is a whole row (as many delimiters as the
/// header): a quote opened and never closed. Returns the field's column, its text up to the
/// break, and the swallowed text to read again.
fn runaway_quote(
    r: &csv::ByteRecord,
    delimiter: u8,
    width: usize,
) -> Option<(usize, String, Vec<u8>)> {
    let (col, field) = r.iter().enumerate().find(|(_, f)| f.contains(&b'\n'))?;
    let cut = field.iter().position(|&b| b == b'\n')?;
    let mut rest = field[cut + 1..].to_vec();
    for f in r.iter().skip(col + 1) {
        rest.push(delimiter);
        rest.extend_from_slice(f);
    }
    let next_line = rest.split(|&b| b == b'\n').next().unwrap_or_default();
    let delims = next_line.iter().filter(|&&b| b == delimiter).count();
    if width < 2 || delims + 1 < width {
        return None;
    }
    let head = String::from_utf8_lossy(field[..cut].trim_ascii()).into_owned();
    Some((col, head, rest))
}

fn csv_error(name: &str, e: csv::Error) -> Error {
    let line = e.position().map_or(0, |p| p.line());
    match e.into_kind() {
        csv::ErrorKind::Io(io) => Error::io(name, io),
        other => Error::malformed(Position::new(name, line, 0), format!("{other:?}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byte_masks_mark_every_byte_that_matches_and_no_other() {
        let naive = |block: &[u8; 64], x: u8| {
            (block.iter().enumerate()).fold(0u64, |m, (i, &c)| m | u64::from(c == x) << i)
        };
        // Every byte value at every place (the rest random among the targets, bytes one above
        // and one below them, the neighbours a carry between bytes would wrongly mark, and
        // high bytes).
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        for round in 0..64 * 256 {
            let mut block = [0u8; 64];
            for c in block.iter_mut() {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                *c = match seed % 6 {
                    0 => b'\n',
                    1 => b',',
                    2 => b'\n' + 1,
                    3 => b',' - 1,
                    4 => 0x80 | (seed >> 8) as u8,
                    _ => (seed >> 16) as u8,
                };
            }
            block[round % 64] = (round / 64) as u8;
            let want = (naive(&block, b'\n'), naive(&block, b','));
            assert_eq!(byte_masks(&block, b'\n', b','), want, "{block:?}");
            assert_eq!(byte_masks_words(&block, b'\n', b','), want, "{block:?}");
        }
    }

    /// Records (line and fields), rejects, record count, and hash with size.
    type Read = (Vec<(u64, Vec<Vec<u8>>)>, Vec<String>, u64, String);

    /// What is read from `text`, by the reader itself or (with `block` set) as raw blocks of
    /// that size parsed afterwards.
    fn read(text: &[u8], block: Option<usize>) -> Read {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("in.csv");
        std::fs::write(&p, text).unwrap();
        let name = p.display().to_string();
        let mut r = ChunkReader::new(vec![Input::Path(p)]).with_blocks(block.is_some());
        r.block_bytes = block.unwrap_or(BLOCK_BYTES);
        let (mut recs, mut rejects, mut parsed) = (Vec::new(), Vec::new(), 0);
        let mut buf = Vec::new();
        let shown = |rec: &csv::ByteRecord| {
            let line = rec.position().map_or(0, |p| p.line());
            (line, rec.iter().map(<[u8]>::to_vec).collect::<Vec<_>>())
        };
        loop {
            match r.next_chunk() {
                Ok(Some(chunk)) => {
                    let mut rj = chunk.rejects.clone();
                    if chunk.is_raw() {
                        assert!(block.is_some());
                        let (len, n) = chunk.parse(&mut buf, &mut rj);
                        parsed += n;
                        recs.extend(buf[..len].iter().map(shown));
                    } else {
                        recs.extend(chunk.records().iter().map(shown));
                    }
                    rejects.extend(
                        (rj.iter())
                            .map(|r| format!("{}:{} {} {}", r.line, r.column, r.value, r.reason)),
                    );
                }
                Ok(None) => break,
                Err(e) => {
                    rejects.push(format!("error: {}", e.to_string().replace(&*name, "")));
                    break;
                }
            }
        }
        let f = &r.files[0];
        (
            recs,
            rejects,
            f.records + parsed,
            format!("{} {}", f.sha256, f.bytes),
        )
    }

    /// A reader told not to hash reads the same records and size, and leaves the hash
    /// empty; one that hashes gives the SHA-256 of every byte, header included.
    #[test]
    fn hashing_off_reads_the_same_and_records_no_hash() {
        let text = b"activity,quantity,unit\na,1,kWh\nb,2,kWh\n";
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("in.csv");
        std::fs::write(&p, text).unwrap();
        for blocks in [true, false] {
            let mut seen = Vec::new();
            for hashing in [true, false] {
                let mut r = ChunkReader::new(vec![Input::Path(p.clone())])
                    .with_blocks(blocks)
                    .with_hashing(hashing);
                let mut rows = Vec::new();
                while let Some(chunk) = r.next_chunk().unwrap() {
                    let mut buf = Vec::new();
                    if chunk.is_raw() {
                        let (len, _) = chunk.parse(&mut buf, &mut Vec::new());
                        buf.truncate(len);
                    } else {
                        buf = chunk.records().to_vec();
                    }
                    rows.extend(buf.iter().map(|r| r.as_slice().to_vec()));
                }
                let f = &r.files[0];
                assert_eq!(f.bytes, text.len() as u64);
                let want = if hashing {
                    crate::factors::sha256_hex(text)
                } else {
                    String::new()
                };
                assert_eq!(f.sha256, want, "blocks {blocks}, hashing {hashing}");
                seen.push(rows);
            }
            assert_eq!(seen[0], seen[1]);
            assert_eq!(seen[0].len(), 2);
        }
    }

    #[test]
    fn raw_blocks_read_the_records_the_reader_reads() {
        let texts: &[&[u8]] = &[
            b"activity,quantity,unit\na,1,kWh\nb,2,kWh\n",
            b"activity,quantity,unit\na,1,kWh\nb,2,kWh",
            b"activity,quantity,unit\r\na,1,kWh\r\n\r\nb,2,kWh\r\n",
            b"activity,quantity,unit\ra,1,kWh\rb,2,kWh\r",
            b"activity,quantity,unit\r\na,1,k\rWh\r\nb,2,kWh\r",
            b"\xEF\xBB\xBFactivity,quantity,unit\na,1,kWh\n",
            b"activity,quantity,unit,site\n\"a\nb\",1,kWh,\"x,\ny\"\nc,2,kWh,s\n",
            b"activity,quantity,unit\n12\" pipe,1,kWh\nb,2,\"kW\nh\"\nc,3,kWh\n",
            b"activity,quantity,unit\na,\"1,kWh\nb,2,kWh\nc,3,kWh\n",
            b"activity,quantity,unit\n\"a\"\"\nb\",1,kWh\nc,2,kWh\n",
            b"activity,quantity,unit\n\"a\"x\ny,1,kWh\n\"q\"\"\",2,kWh\n",
            b"Title\n\nactivity,quantity,unit\na,1,kWh\n",
            b"activity,quantity,unit\n\n,,\na,1,kWh\n\n\n",
            b"activity;quantity;unit\na;1,5;kWh\n\"b;\n\";2;kWh\n",
            b"activity,quantity,unit\n",
            b"activity,quantity,unit",
            b"\"activity\",\"quantity\",\"unit\"\r\n\"a\",\"1\",\"kWh\"\r\n",
        ];
        for text in texts {
            let want = read(text, None);
            for block in [1, 2, 3, 5, 8, 13, 64, BLOCK_BYTES] {
                assert_eq!(
                    want,
                    read(text, Some(block)),
                    "{block}-byte blocks of {:?}",
                    String::from_utf8_lossy(text)
                );
            }
        }
        // Random bodies of the bytes that matter to splitting.
        let alphabet = b"ab1,,;\"\"\n\n\r \t";
        let mut state = 0x2545_F491_4F6C_DD1Du64;
        for _ in 0..400 {
            let mut text = b"activity,quantity,unit\n".to_vec();
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            for _ in 0..(state % 120) {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                text.push(alphabet[(state % alphabet.len() as u64) as usize]);
            }
            let want = read(&text, None);
            for block in [1, 4, 9, 32] {
                assert_eq!(
                    want,
                    read(&text, Some(block)),
                    "{block}-byte blocks of {:?}",
                    String::from_utf8_lossy(&text)
                );
            }
        }
    }

    /// Records split in place from blocks with no quote are the ones `csv` parses from the
    /// same blocks, at the same lines, with each record's ASCII flag (no byte above 0x7F, no
    /// vertical tab) right; for every delimiter, line end and block size, the 64-byte spans
    /// the split reads straddling records and fields.
    #[test]
    fn records_split_in_place_are_the_parsed_records() {
        let alphabet: &[u8] = b"ab1,,;;\t\n\n\r \x0b\xc3\xa9";
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let (mut plain_blocks, mut records) = (0, 0);
        for round in 0..300 {
            let delimiter = [b',', b';', b'\t'][round % 3];
            let mut text = vec![b'h'; 0];
            text.extend(match delimiter {
                b',' => &b"activity,quantity,unit\n"[..],
                b';' => b"activity;quantity;unit\n",
                _ => b"activity\tquantity\tunit\n",
            });
            for _ in 0..(next() % 200) {
                text.push(alphabet[(next() % alphabet.len() as u64) as usize]);
            }
            let dir = tempfile::tempdir().unwrap();
            let p = dir.path().join("in.csv");
            std::fs::write(&p, &text).unwrap();
            let mut r = ChunkReader::new(vec![Input::Path(p)]).with_blocks(true);
            r.block_bytes = [1, 7, 16, 64, BLOCK_BYTES][round % 5];
            let (mut buf, mut rejects, mut ends) = (Vec::new(), Vec::new(), Vec::new());
            while let Ok(Some(chunk)) = r.next_chunk() {
                if !chunk.is_raw() {
                    continue;
                }
                let (len, n) = chunk.parse(&mut buf, &mut rejects);
                let mut split = Vec::new();
                let got = chunk.for_each_plain(&mut ends, |rec| {
                    let t = rec.text();
                    let ascii = t.is_ascii() && !t.contains(&0x0b);
                    assert_eq!(
                        rec.is_plain_ascii(),
                        ascii,
                        "{:?}",
                        String::from_utf8_lossy(t)
                    );
                    split.push(rec.to_record());
                });
                let Some(got) = got else { continue };
                plain_blocks += 1;
                records += len;
                assert_eq!(got, n);
                let shown = |recs: &[csv::ByteRecord]| {
                    (recs.iter())
                        .map(|r| {
                            (
                                r.position().map(|p| p.line()),
                                r.iter().map(<[u8]>::to_vec).collect::<Vec<_>>(),
                            )
                        })
                        .collect::<Vec<_>>()
                };
                assert_eq!(
                    shown(&split),
                    shown(&buf[..len]),
                    "{:?}",
                    String::from_utf8_lossy(&text)
                );
            }
        }
        assert!(
            plain_blocks > 500 && records > 2000,
            "{plain_blocks} {records}"
        );
    }
}
