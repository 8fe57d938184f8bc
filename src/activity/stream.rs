//! Byte streams under the CSV parser: the running hash of what is read, bare carriage
//! returns read as line feeds, UTF-16 decoded as it is read, and the tape that lets standard
//! input be read as raw blocks after its header.

use sha2::{Digest, Sha256};
use std::io::Read;
use std::sync::{Arc, Mutex};

/// SHA-256 (when the run records it) and size of the bytes read so far, shared with the
/// reader that feeds it.
pub(crate) type HashState = Arc<Mutex<(Option<Sha256>, u64)>>;

/// A fresh [`HashState`]: hashing, or only counting bytes.
pub(crate) fn hash_state(hashing: bool) -> HashState {
    Arc::new(Mutex::new((hashing.then(Sha256::new), 0)))
}

/// The SHA-256 (lower-case hex; `None` when not hashing) and size of everything read
/// through `state`, once its readers are done.
pub(crate) fn hash_result(state: HashState) -> (Option<String>, u64) {
    let (hasher, bytes) = match Arc::try_unwrap(state) {
        Ok(m) => m.into_inner().unwrap_or_else(|p| p.into_inner()),
        Err(shared) => match shared.lock() {
            Ok(g) => g.clone(),
            Err(p) => p.into_inner().clone(),
        },
    };
    (
        hasher.map(|h| crate::factors::hex_digest(&h.finalize())),
        bytes,
    )
}

/// Hashes every byte as it is read from the file itself, before any translation.
pub(crate) struct Hashing<R> {
    pub(crate) inner: R,
    pub(crate) state: HashState,
}

impl<R: Read> Read for Hashing<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        if let Ok(mut st) = self.state.lock() {
            if let Some(h) = st.0.as_mut() {
                h.update(&buf[..n]);
            }
            st.1 += n as u64;
        }
        Ok(n)
    }
}

/// Reads a bare carriage return (old Mac exports, or one stray CR inside a CRLF file) as a
/// line feed, so no two rows are ever read as one; a CR before a LF is left for the field
/// trim. A read ending in CR looks one byte ahead, kept for the next read.
pub(super) struct BareCrToLf<R> {
    pub(super) inner: R,
    pub(super) ahead: Option<u8>,
}

impl<R: Read> Read for BareCrToLf<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        let mut n = 0;
        if let Some(b) = self.ahead.take() {
            buf[0] = b;
            n = 1;
        }
        n += self.inner.read(&mut buf[n..])?;
        if n == 0 {
            return Ok(0);
        }
        if !buf[..n].contains(&b'\r') {
            return Ok(n);
        }
        for i in 0..n - 1 {
            if buf[i] == b'\r' && buf[i + 1] != b'\n' {
                buf[i] = b'\n';
            }
        }
        if buf[n - 1] == b'\r' {
            let mut next = [0u8; 1];
            let got = loop {
                match self.inner.read(&mut next) {
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                    other => break other?,
                }
            };
            if got == 1 {
                self.ahead = Some(next[0]);
            }
            if !(got == 1 && next[0] == b'\n') {
                buf[n - 1] = b'\n';
            }
        }
        Ok(n)
    }
}

/// A stream read by the header search that keeps what it reads until told otherwise, so
/// the rest of the stream can be read as raw blocks from where the header ends.
#[derive(Clone)]
pub(super) struct Tape(Arc<Mutex<TapeState>>);

struct TapeState {
    /// The stream; `None` once taken for raw blocks.
    inner: Option<Box<dyn Read + Send>>,
    /// What has been read of it; `None` when no longer kept.
    kept: Option<Vec<u8>>,
}

impl Tape {
    pub(super) fn new(inner: Box<dyn Read + Send>) -> Self {
        Tape(Arc::new(Mutex::new(TapeState {
            inner: Some(inner),
            kept: Some(Vec::new()),
        })))
    }

    /// Keeps nothing more (the stream is read by the reader alone).
    pub(super) fn stop(&self) {
        if let Ok(mut t) = self.0.lock() {
            t.kept = None;
        }
    }

    /// The stream from byte `body` on: what was kept past it, then the rest. `None` when
    /// that cannot be (nothing kept).
    pub(super) fn take(&self, body: u64) -> Option<Box<dyn Read + Send>> {
        let mut t = self.0.lock().ok()?;
        let kept = t.kept.take()?;
        let rest = t.inner.take()?;
        let mut ahead = std::io::Cursor::new(kept);
        ahead.set_position(body);
        Some(Box::new(ahead.chain(rest)))
    }
}

/// Most a [`Tape`] keeps: a header found further in (past long lines, or an unclosed quote)
/// leaves the stream to the reader alone rather than held twice.
const TAPE_KEEPS: usize = 64 << 20;

impl Read for Tape {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let mut t = self
            .0
            .lock()
            .map_err(|_| std::io::Error::other("a reader thread panicked"))?;
        let TapeState { inner, kept } = &mut *t;
        let Some(inner) = inner.as_mut() else {
            return Ok(0);
        };
        let n = inner.read(buf)?;
        if let Some(k) = kept.as_mut() {
            if k.len() + n > TAPE_KEEPS {
                *kept = None;
            } else {
                k.extend_from_slice(&buf[..n]);
            }
        }
        Ok(n)
    }
}

/// UTF-16 text (with a byte-order mark, or ASCII with every other byte NUL) to UTF-8, or
/// `None` when it is not UTF-16.
pub(super) fn utf16_encoding(head: &[u8]) -> Option<bool> {
    if head.starts_with(&[0xFF, 0xFE]) {
        return Some(true);
    }
    if head.starts_with(&[0xFE, 0xFF]) {
        return Some(false);
    }
    let pairs = head.len() / 2;
    if pairs >= 4 {
        let odd_nul = head
            .chunks_exact(2)
            .filter(|p| p[1] == 0 && p[0] != 0)
            .count();
        let even_nul = head
            .chunks_exact(2)
            .filter(|p| p[0] == 0 && p[1] != 0)
            .count();
        if odd_nul * 10 >= pairs * 9 {
            return Some(true);
        }
        if even_nul * 10 >= pairs * 9 {
            return Some(false);
        }
    }
    None
}

/// Decodes the whole UTF-16 units of `bytes` onto `out` as UTF-8 and returns the bytes used:
/// all but a last odd byte or a surrogate whose pair is not read yet, unless `last` (the
/// input's end: an odd byte is then a unit of its own). `Err(i)`: byte `i` is not valid.
pub(super) fn decode_utf16(
    bytes: &[u8],
    little: bool,
    last: bool,
    out: &mut Vec<u8>,
) -> std::result::Result<usize, usize> {
    let unit = |i: usize| -> u16 {
        // A last odd byte is a unit with a zero byte beside it.
        let pair = [bytes[i], bytes.get(i + 1).copied().unwrap_or(0)];
        if little {
            u16::from_le_bytes(pair)
        } else {
            u16::from_be_bytes(pair)
        }
    };
    let whole = if last { bytes.len() } else { bytes.len() & !1 };
    let mut i = 0;
    while i < whole {
        let u = unit(i);
        // ASCII, nearly every unit of a CSV file: its one byte.
        if u < 0x80 {
            out.push(u as u8);
            i += 2;
            continue;
        }
        let (c, used) = match u {
            0xD800..=0xDBFF if i + 2 >= whole => {
                if last {
                    return Err(i);
                }
                break;
            }
            0xD800..=0xDBFF => match unit(i + 2) {
                v @ 0xDC00..=0xDFFF => (
                    0x10000 + ((u32::from(u) - 0xD800) << 10) + (u32::from(v) - 0xDC00),
                    4,
                ),
                _ => return Err(i),
            },
            0xDC00..=0xDFFF => return Err(i),
            _ => (u32::from(u), 2),
        };
        let c = char::from_u32(c).ok_or(i)?;
        out.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes());
        i += used;
    }
    Ok(i.min(bytes.len()))
}

/// UTF-16 text read as UTF-8, decoded a block at a time (its byte-order mark dropped); a
/// byte that is not valid UTF-16 is an `InvalidData` error naming it.
pub(super) struct Utf16Reader<R> {
    inner: R,
    little: bool,
    /// Bytes read and not yet decoded (an odd byte, a surrogate waiting for its pair).
    raw: Vec<u8>,
    /// Decoded bytes not yet handed out, from `at`.
    text: Vec<u8>,
    at: usize,
    /// Bytes of the input decoded before `raw`.
    offset: u64,
    eof: bool,
}

impl<R: Read> Utf16Reader<R> {
    pub(super) fn new(inner: R, little: bool) -> Self {
        Utf16Reader {
            inner,
            little,
            raw: Vec::new(),
            text: Vec::new(),
            at: 0,
            offset: 0,
            eof: false,
        }
    }

    /// Decodes the next block into `text`; false at the end.
    fn refill(&mut self) -> std::io::Result<bool> {
        self.text.clear();
        self.at = 0;
        while self.text.is_empty() {
            if self.eof {
                return Ok(false);
            }
            let kept = self.raw.len();
            self.raw.resize(kept + (1 << 16), 0);
            let n = loop {
                match self.inner.read(&mut self.raw[kept..]) {
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                    r => break r,
                }
            };
            let n = match n {
                Ok(n) => n,
                Err(e) => {
                    self.raw.truncate(kept);
                    return Err(e);
                }
            };
            self.raw.truncate(kept + n);
            self.eof = n == 0;
            let encoding = if self.little {
                "UTF-16 LE"
            } else {
                "UTF-16 BE"
            };
            let bad = |at: u64| {
                std::io::Error::new(
                    std::io::ErrorKind::InvalidData,
                    format!(
                        "the file is {encoding} text but byte {at} is not valid {encoding}; save \
                         it as CSV UTF-8 from your spreadsheet"
                    ),
                )
            };
            let used = match decode_utf16(&self.raw, self.little, self.eof, &mut self.text) {
                Ok(used) => used,
                Err(i) => {
                    // Nothing more is read after an error, not even what decoded before it.
                    self.text.clear();
                    self.raw.clear();
                    self.eof = true;
                    return Err(bad(self.offset + i as u64));
                }
            };
            if self.offset == 0 && self.text.starts_with("\u{feff}".as_bytes()) {
                self.at = 3;
                if self.text.len() == 3 {
                    self.text.clear();
                    self.at = 0;
                }
            }
            self.raw.drain(..used);
            self.offset += used as u64;
        }
        Ok(true)
    }
}

impl<R: Read> Read for Utf16Reader<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.at == self.text.len() && !self.refill()? {
            return Ok(0);
        }
        let n = buf.len().min(self.text.len() - self.at);
        buf[..n].copy_from_slice(&self.text[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reads `n` bytes at most per call, to cut UTF-16 units and surrogate pairs anywhere.
    struct Trickle<'a>(&'a [u8], usize);

    impl std::io::Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let n = self.1.min(buf.len()).min(self.0.len());
            buf[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }

    fn utf16(text: &str, little: bool) -> Vec<u8> {
        (text.encode_utf16())
            .flat_map(|u| {
                if little {
                    u.to_le_bytes()
                } else {
                    u.to_be_bytes()
                }
            })
            .collect()
    }

    /// Decoded as read, whatever the reads' sizes: ASCII, two- and three-byte characters and
    /// surrogate pairs, in either byte order, the byte-order mark dropped.
    #[test]
    fn utf16_is_decoded_across_any_read_boundary() {
        let text = "activity,quantity,unit\r\n\u{e9}lectricit\u{e9} \u{1f3e5},12.5,kWh\n\u{20ac}\u{1f600}x,1,\u{b2}";
        for little in [true, false] {
            for bom in [true, false] {
                let with = if bom {
                    format!("\u{feff}{text}")
                } else {
                    text.to_string()
                };
                let bytes = utf16(&with, little);
                for n in [1, 2, 3, 5, 64, 1 << 16] {
                    let mut out = String::new();
                    Utf16Reader::new(Trickle(&bytes, n), little)
                        .read_to_string(&mut out)
                        .unwrap();
                    assert_eq!(out, text, "little {little}, bom {bom}, reads of {n}");
                }
            }
        }
    }

    /// A lone surrogate is refused, naming its byte; a last odd byte is a unit of its own.
    #[test]
    fn utf16_that_is_not_valid_names_the_byte() {
        let mut bytes = utf16("ab", true);
        bytes.extend_from_slice(&0xDC00u16.to_le_bytes());
        bytes.extend_from_slice(&utf16("c", true));
        let err = |bytes: &[u8], n: usize| {
            let mut out = Vec::new();
            Utf16Reader::new(Trickle(bytes, n), true)
                .read_to_end(&mut out)
                .unwrap_err()
                .to_string()
        };
        for n in [1, 3, 64] {
            let e = err(&bytes, n);
            assert!(e.contains("byte 4 is not valid UTF-16 LE"), "{e}");
        }
        // A high surrogate the input ends on.
        let mut bytes = utf16("abc", true);
        bytes.extend_from_slice(&0xD83Cu16.to_le_bytes());
        assert!(err(&bytes, 1).contains("byte 6 is not valid"));
        let mut out = String::new();
        Utf16Reader::new(Trickle(b"a\0b", 2), true)
            .read_to_string(&mut out)
            .unwrap();
        assert_eq!(out, "ab");
    }
}
