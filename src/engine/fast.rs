//! The fast path: a row whose figures are exact products of its quantity and constants of its
//! resolution adds its quantity, as an exact scaled integer, to one running sum per
//! (resolution, site, period). Every line's kg, gases, market figure and converted quantity
//! are then that sum times the line's constants, taken once at the end of the run (after the
//! other workers' sums are added in, as integers, unless there are very many): the same
//! exact values the per-row path adds line by line, for one hash lookup and one `i128`
//! addition per row: the sums are found by the row's (site, period, activity, unit) as
//! written, hashed where they lie in the record, so nothing is copied and only the pairs
//! of (resolution, period) and site that occur hold a sum.
//!
//! A row takes the fast path only when nothing about it could differ from the per-row path:
//! ASCII text, no extra fields, a plain non-negative quantity small enough that every product
//! of the per-row path is exact, an activity set found, and a resolution with no unit
//! division, spend deflation, residual mix or contractual factor. Anything else (including
//! every row that would be rejected) goes the per-row way, which owns all the messages: so do
//! rows that give an `amount` (cost, credit notes), a `factor_set` or an `nhs_category`, wide
//! layouts' rows and files with decimal commas. A fast row's keys carry its reporting year and
//! NHS category as the per-row path's do.

use super::amounts::classify;
use super::apply::{LocalKey, Work};
use super::resolve::Resolved;
use crate::activity::{Columns, Period, ReportingYear};
use crate::factors::Scope;
use crate::model::{ExactSum, MarketBasis, Quality, ScopeClass, Totals};
use crate::nhs::NhsCategory;
use ethnum::I256;
use rust_decimal::Decimal;
use rustc_hash::FxHashMap as HashMap;

/// No fast resolution: take the per-row path.
const SLOW: u32 = u32::MAX;

/// A slot's site not yet interned: no row has been added to it.
const NO_SITE: u32 = u32::MAX;

/// An exact decimal as mantissa and scale.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Exact {
    m: i128,
    scale: u32,
}

impl Exact {
    fn of(d: Decimal) -> Exact {
        Exact {
            m: d.mantissa(),
            scale: d.scale(),
        }
    }

    fn mul(self, o: Exact) -> Option<Exact> {
        Some(Exact {
            m: self.m.checked_mul(o.m)?,
            scale: self.scale + o.scale,
        })
    }

    /// The mantissa at a larger scale.
    fn at(self, scale: u32) -> Option<i128> {
        self.m
            .checked_mul(10i128.checked_pow(scale.checked_sub(self.scale)?)?)
    }

    fn sub(self, o: Exact) -> Option<Exact> {
        let s = self.scale.max(o.scale);
        Some(Exact {
            m: self.at(s)?.checked_sub(o.at(s)?)?,
            scale: s,
        })
    }

    fn add(self, o: Exact) -> Option<Exact> {
        let s = self.scale.max(o.scale);
        Some(Exact {
            m: self.at(s)?.checked_add(o.at(s)?)?,
            scale: s,
        })
    }
}

/// One ledger line a fast row stands for, with its figures per unit of the row's quantity.
#[derive(Clone, Debug)]
pub(super) struct LineTemplate {
    /// The line's key, site, period and reporting year left to the running sum.
    pub(super) key: LocalKey,
    /// kg CO2e per unit (conversion x factor).
    kg: Exact,
    /// kg by gas per unit: CO2, CH4, N2O, and the rest.
    gases: [Exact; 4],
    /// Factor-unit quantity per unit (the conversion).
    converted: Exact,
}

/// A resolution the fast path can price, and the largest quantity (mantissa, scale) for
/// which every per-row product is exact.
#[derive(Clone, Debug)]
pub(super) struct FastRes {
    pub(super) lines: Vec<LineTemplate>,
    max_mantissa: u64,
    max_scale: u32,
}

/// The running quantity of one (resolution, site, period).
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct Acc {
    q: i128,
    scale: u32,
    rows: u64,
}

/// A (resolution, period) seen on the fast path.
#[derive(Debug)]
pub(super) struct Combo {
    pub(super) res: u32,
    pub(super) period: Option<Period>,
    pub(super) year: Option<ReportingYear>,
}

/// The running quantity of one (combination, site) while it is read: an [`Acc`] kept small,
/// found by one lookup of the row's period, activity, unit and site bytes.
#[derive(Clone, Copy, Debug)]
pub(super) struct SiteAcc {
    /// The hash of the four strings.
    hash: u64,
    /// The combination's number in `combo_keys` (high half) and the site's in `site_keys`
    /// (low half): the strings the sum is found by.
    key: u64,
    q: i64,
    rows: u32,
    scale: u8,
}

impl SiteAcc {
    /// The combination's number in `combo_keys` (`Fast::combo_index` gives its index into
    /// `combos`).
    fn combo_key(&self) -> usize {
        (self.key >> 32) as usize
    }

    /// Index into the fast path's sites (not the worker's site number: see `site_of`).
    pub(super) fn site(&self) -> usize {
        (self.key & u64::from(u32::MAX)) as usize
    }

    pub(super) fn acc(&self) -> Acc {
        Acc {
            q: i128::from(self.q),
            scale: u32::from(self.scale),
            rows: u64::from(self.rows),
        }
    }
}

/// A byte string read as two words and its length, where it lies. For 16 bytes or fewer the
/// words hold every byte, so equal parts are equal strings: a row's keys are compared with
/// the interned ones word by word, without going to their bytes. Longer strings are compared
/// byte by byte as well.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Part {
    first: u64,
    last: u64,
    len: u32,
}

/// Strings longer than this are compared byte by byte.
const WORDS_HOLD: u32 = 16;

/// Constants of the part hash (digits of pi: no structure shared with the data).
const K0: u64 = 0x243f_6a88_85a3_08d3;
const K1: u64 = 0x1319_8a2e_0370_7344;

impl Part {
    #[inline(always)]
    fn of(s: &[u8]) -> Part {
        let n = s.len();
        let w8 = |i: usize| {
            s.get(i..i + 8)
                .map_or(0, |w| u64::from_le_bytes(w.try_into().unwrap_or_default()))
        };
        let w4 = |i: usize| {
            s.get(i..i + 4).map_or(0, |w| {
                u64::from(u32::from_le_bytes(w.try_into().unwrap_or_default()))
            })
        };
        let (first, last) = match n {
            0 => (0, 0),
            // Bytes 0, n/2 and n-1 are every byte of a string of one to three.
            1..=3 => (
                u64::from(s[0]) | u64::from(s[n / 2]) << 8 | u64::from(s[n - 1]) << 16,
                0,
            ),
            4..=7 => (w4(0), w4(n - 4)),
            _ => (w8(0), w8(n - 8)),
        };
        Part {
            first,
            last,
            len: n.min(u32::MAX as usize) as u32,
        }
    }

    /// A hash of the string `s` this part was read from: its words multiplied together, and
    /// for a long string its middle too (so strings alike at both ends still spread).
    #[inline(always)]
    fn hash(&self, s: &[u8]) -> u64 {
        let h = fold(
            self.first ^ K0.wrapping_add(u64::from(self.len)),
            self.last ^ K1,
        );
        if self.len > WORDS_HOLD {
            self.hash_middle(h, s)
        } else {
            h
        }
    }

    /// [`Part::hash`] of a long string: its middle folded in too.
    #[cold]
    fn hash_middle(&self, mut h: u64, s: &[u8]) -> u64 {
        for w in s[8..s.len() - 8].chunks(8) {
            let mut word = [0u8; 8];
            word[..w.len()].copy_from_slice(w);
            h = fold(h ^ u64::from_le_bytes(word), K1);
        }
        h
    }
}

/// The high and low halves of a 128-bit product, xored: every bit of each operand reaches
/// the middle bits.
#[inline]
fn fold(x: u64, y: u64) -> u64 {
    let m = u128::from(x) * u128::from(y);
    (m as u64) ^ ((m >> 64) as u64)
}

/// The hash of a key of several strings.
#[inline(always)]
fn key_hash<const N: usize>(strings: &[&[u8]; N], parts: &[Part; N]) -> u64 {
    let mut h = 0u64;
    for (s, p) in strings.iter().zip(parts) {
        h = h.rotate_left(23) ^ p.hash(s);
    }
    h
}

/// Keys of `N` byte strings (a site; a period, activity and unit) numbered in order of first
/// sight, found by the bytes where they lie in the record: hashed and compared in place, copied
/// once, when first seen.
#[derive(Debug)]
struct Interned<const N: usize> {
    index: hashbrown::HashTable<u32>,
    /// Each key's hash, where its bytes start in `bytes`, and its strings as [`Part`]s.
    items: Vec<(u64, usize, [Part; N])>,
    bytes: Vec<u8>,
}

impl<const N: usize> Default for Interned<N> {
    fn default() -> Self {
        Interned {
            index: hashbrown::HashTable::new(),
            items: Vec::new(),
            bytes: Vec::new(),
        }
    }
}

impl<const N: usize> Interned<N> {
    /// The key's number, if seen.
    fn find(&self, hash: u64, strings: &[&[u8]; N], parts: &[Part; N]) -> Option<u32> {
        let found = self.index.find(hash, |&i| {
            self.items[i as usize].0 == hash && self.is(i, strings, parts)
        });
        found.copied()
    }

    /// The strings of key `i`.
    fn strings(&self, i: u32) -> [&[u8]; N] {
        let (_, mut at, parts) = &self.items[i as usize];
        parts.map(|p| {
            let end = at + p.len as usize;
            let s = &self.bytes[at..end];
            at = end;
            s
        })
    }

    /// Whether key `i` is the strings `strings` (read as `parts`).
    #[inline]
    fn is(&self, i: u32, strings: &[&[u8]; N], parts: &[Part; N]) -> bool {
        let (_, mut at, ref held) = self.items[i as usize];
        if held != parts {
            return false;
        }
        if parts.iter().all(|p| p.len <= WORDS_HOLD) {
            return true;
        }
        strings.iter().all(|s| {
            let end = at + s.len();
            let ok = self.bytes.get(at..end) == Some(*s);
            at = end;
            ok
        })
    }

    /// Numbers a key not seen before.
    fn insert(&mut self, hash: u64, strings: &[&[u8]; N], parts: &[Part; N]) -> u32 {
        let i = self.items.len() as u32;
        let at = self.bytes.len();
        for s in strings {
            self.bytes.extend_from_slice(s);
        }
        self.items.push((hash, at, *parts));
        let items = &self.items;
        self.index.insert_unique(hash, i, |&j| items[j as usize].0);
        i
    }
}

/// A worker's fast-path state.
#[derive(Debug, Default)]
pub(super) struct Fast {
    /// (period, activity, unit) as written, numbered; `combo_of` gives each one's index
    /// into `combos`, or [`SLOW`].
    combo_keys: Interned<3>,
    combo_of: Vec<u32>,
    pub(super) combos: Vec<Combo>,
    /// Sites as written, numbered; `site_of` gives each one's number in [`Work::site_id`],
    /// or [`NO_SITE`] until a row of the site is taken (a site is interned only for a row
    /// taken, as the per-row path does).
    site_keys: Interned<1>,
    pub(super) site_of: Vec<u32>,
    /// The running sums, one per (combination, site) that holds rows.
    pub(super) accs: hashbrown::HashTable<SiteAcc>,
    /// (set, activity, unit) to an index into `res`, or [`SLOW`].
    res_index: HashMap<(u16, Vec<u8>, Vec<u8>), u32>,
    pub(super) res: Vec<FastRes>,
    /// A full running sum could not be moved into the exact sums (past about 10^48 kg):
    /// the run ends with an overflow error rather than lose or double a row.
    pub(super) overflowed: bool,
}

impl Fast {
    /// The number of a site's key (`site` read as `part`), interned (not yet named: see
    /// `site_of`) if new.
    fn site_key(&mut self, site: &[u8], part: Part) -> u32 {
        let hash = key_hash(&[site], &[part]);
        match self.site_keys.find(hash, &[site], &[part]) {
            Some(k) => k,
            None => {
                self.site_of.push(NO_SITE);
                self.site_keys.insert(hash, &[site], &[part])
            }
        }
    }

    /// The index into `combos` of a running sum's combination.
    pub(super) fn combo_index(&self, s: &SiteAcc) -> usize {
        self.combo_of[s.combo_key()] as usize
    }
}

/// A record's fields, parsed into a `csv` record or split in place from a block's bytes.
pub(super) trait Fields {
    /// Fields in the record.
    fn count(&self) -> usize;
    /// Field `i`.
    fn field(&self, i: usize) -> Option<&[u8]>;
    /// Every byte of the fields (delimiters may be among them: they are ASCII).
    fn text(&self) -> &[u8];
    /// The record's line in its file.
    fn line(&self) -> u64;
    /// Whether every byte is ASCII and none is a vertical tab, the one ASCII byte
    /// `str::trim` trims and `trim_ascii` does not.
    fn plain_ascii(&self) -> bool;
}

impl Fields for csv::ByteRecord {
    fn count(&self) -> usize {
        self.len()
    }
    fn field(&self, i: usize) -> Option<&[u8]> {
        self.get(i)
    }
    fn text(&self) -> &[u8] {
        self.as_slice()
    }
    fn line(&self) -> u64 {
        self.position().map_or(0, |p| p.line())
    }
    fn plain_ascii(&self) -> bool {
        let text = self.as_slice();
        text.is_ascii() && memchr::memchr(0x0b, text).is_none()
    }
}

impl Fields for crate::activity::PlainRecord<'_> {
    #[inline]
    fn count(&self) -> usize {
        self.len()
    }
    #[inline]
    fn field(&self, i: usize) -> Option<&[u8]> {
        self.get(i)
    }
    #[inline]
    fn text(&self) -> &[u8] {
        self.text()
    }
    #[inline]
    fn line(&self) -> u64 {
        self.line()
    }
    #[inline]
    fn plain_ascii(&self) -> bool {
        self.is_plain_ascii()
    }
}

/// Field `col` without the ASCII white space around it (none, for nearly every field: that is
/// checked first).
#[inline(always)]
fn trimmed<R: Fields>(rec: &R, col: Option<usize>) -> &[u8] {
    let Some(f) = col.and_then(|c| rec.field(c)) else {
        return b"";
    };
    match (f.first(), f.last()) {
        // White space is at or below b' '.
        (Some(&a), Some(&z)) if a > b' ' && z > b' ' => f,
        _ => f.trim_ascii(),
    }
}

/// `123`, `123.45`: digits with at most one point between digits, at most 19 digits.
#[inline]
fn plain_quantity(b: &[u8]) -> Option<(u64, u32)> {
    if b.len() > 19 {
        return plain_quantity_checked(b);
    }
    // Nineteen digits or fewer fit a u64: no check per digit.
    let mut m: u64 = 0;
    let mut point = None;
    for (i, &c) in b.iter().enumerate() {
        let d = c.wrapping_sub(b'0');
        if d < 10 {
            m = m * 10 + u64::from(d);
        } else if c == b'.' && point.is_none() && i > 0 && i + 1 < b.len() {
            point = Some(i);
        } else {
            return None;
        }
    }
    let scale = point.map_or(0, |p| b.len() - p - 1) as u32;
    (!b.is_empty()).then_some((m, scale))
}

/// [`plain_quantity`] for longer text, checking each digit for overflow.
fn plain_quantity_checked(b: &[u8]) -> Option<(u64, u32)> {
    let mut m: u64 = 0;
    let mut scale = 0u32;
    let mut digits = 0;
    let mut point = None;
    for (i, &c) in b.iter().enumerate() {
        match c {
            b'0'..=b'9' => {
                m = m.checked_mul(10)?.checked_add(u64::from(c - b'0'))?;
                digits += 1;
                if point.is_some() {
                    scale += 1;
                }
            }
            b'.' if point.is_none() && i > 0 && i + 1 < b.len() => point = Some(i),
            _ => return None,
        }
    }
    (digits > 0).then_some((m, scale))
}

/// Adds a quantity (mantissa below `i64::MAX`, scale at most 28) to a running sum. A full
/// sum is taken out, returned, and started again from the quantity alone.
#[inline]
fn add_quantity(acc: &mut SiteAcc, qm: u64, qs: u32) -> Option<Acc> {
    add_sum(acc, qm as i64, qs as u8, 1)
}

/// Adds `rows` rows summing to `q x 10^-qs` to a running sum; a full sum is taken out,
/// returned, and started again from the addition alone.
#[inline]
fn add_sum(acc: &mut SiteAcc, q: i64, qs: u8, rows: u32) -> Option<Acc> {
    let added = if qs == acc.scale {
        acc.q.checked_add(q)
    } else if qs < acc.scale {
        10i64
            .checked_pow(u32::from(acc.scale - qs))
            .and_then(|p| q.checked_mul(p))
            .and_then(|q| acc.q.checked_add(q))
    } else {
        10i64
            .checked_pow(u32::from(qs - acc.scale))
            .and_then(|p| acc.q.checked_mul(p))
            .and_then(|a| a.checked_add(q))
    };
    match added.zip(acc.rows.checked_add(rows)) {
        Some((v, total)) => {
            acc.q = v;
            acc.scale = acc.scale.max(qs);
            acc.rows = total;
            None
        }
        None => {
            let full = acc.acc();
            (acc.q, acc.scale, acc.rows) = (q, qs, rows);
            Some(full)
        }
    }
}

impl Work<'_> {
    /// Prices a row on the fast path and returns true, or returns false having changed
    /// nothing but caches, for the per-row path to take it.
    pub(super) fn fast_row<R: Fields>(&mut self, c: &Columns, rec: &R) -> bool {
        // Key lengths are kept as u32: a longer record goes the per-row way.
        if rec.count() > c.width
            || c.synthetic > 0
            || c.decimal_comma
            || !rec.plain_ascii()
            || rec.text().len() > u32::MAX as usize
        {
            return false;
        }
        let activity = trimmed(rec, c.activity);
        if activity.is_empty()
            || !trimmed(rec, c.market_factor).is_empty()
            || !trimmed(rec, c.amount).is_empty()
            || !trimmed(rec, c.factor_set).is_empty()
            || !trimmed(rec, c.nhs_category).is_empty()
        {
            return false;
        }
        if !c.credit_rejects.is_empty() && c.credit_rejects.contains_key(&rec.line()) {
            return false;
        }
        let Some((qm, qs)) = c
            .quantity
            .and_then(|_| plain_quantity(trimmed(rec, c.quantity)))
        else {
            return false;
        };
        let unit = trimmed(rec, c.unit);
        if unit.is_empty() {
            return false;
        }
        let (period, site) = (trimmed(rec, c.period), trimmed(rec, c.site));
        let strings = [period, activity, unit, site];
        let parts = strings.map(Part::of);
        let f = &mut self.fast;
        // One lookup by the four strings finds the running sum of a (combination, site)
        // seen before: nearly every row.
        let hash = key_hash(&strings, &parts);
        let (combos, sites) = (&f.combo_keys, &f.site_keys);
        let [p, a, u, s] = parts;
        let found = f.accs.find_mut(hash, |acc| {
            acc.hash == hash
                && combos.is(
                    (acc.key >> 32) as u32,
                    &[period, activity, unit],
                    &[p, a, u],
                )
                && sites.is(acc.key as u32, &[site], &[s])
        });
        let acc = match found {
            Some(acc) => {
                let combo = &f.combos[f.combo_of[(acc.key >> 32) as usize] as usize];
                let r = &f.res[combo.res as usize];
                // The running sum is an i64: a larger quantity goes the per-row way.
                if qm > r.max_mantissa || qs > r.max_scale || qm > i64::MAX as u64 {
                    return false;
                }
                acc
            }
            None => {
                let Some(acc) = self.new_site_acc(c, hash, strings, parts, (qm, qs)) else {
                    return false;
                };
                // A new running sum is empty: it cannot be full.
                add_quantity(acc, qm, qs);
                return true;
            }
        };
        let key = acc.key;
        if let Some(full) = add_quantity(acc, qm, qs) {
            // The row is in the new running sum: it must not go the per-row way too.
            let ci = self.fast.combo_of[(key >> 32) as usize];
            let site_id = self.fast.site_of[(key & u64::from(u32::MAX)) as usize];
            if self.flush_acc(ci, site_id, full).is_none() {
                self.fast.overflowed = true;
            }
        }
        true
    }

    /// The running sum for a (combination, site) not seen before, made if the row can go the
    /// fast way, with quantity `q` (mantissa, scale); `None` for the per-row path.
    fn new_site_acc(
        &mut self,
        c: &Columns,
        hash: u64,
        strings: [&[u8]; 4],
        parts: [Part; 4],
        q: (u64, u32),
    ) -> Option<&mut SiteAcc> {
        let f = &mut self.fast;
        let [p, a, u, s] = parts;
        let (combo, combo_parts) = ([strings[0], strings[1], strings[2]], [p, a, u]);
        let combo_hash = key_hash(&combo, &combo_parts);
        let (ck, ci) = match f.combo_keys.find(combo_hash, &combo, &combo_parts) {
            Some(k) => (k, f.combo_of[k as usize]),
            None => {
                let ci = self.new_combo(c, combo[0], combo[1], combo[2]);
                let f = &mut self.fast;
                let k = f.combo_keys.insert(combo_hash, &combo, &combo_parts);
                f.combo_of.push(ci);
                (k, ci)
            }
        };
        if ci == SLOW {
            return None;
        }
        let f = &mut self.fast;
        let r = &f.res[f.combos[ci as usize].res as usize];
        let (qm, qs) = q;
        if qm > r.max_mantissa || qs > r.max_scale || qm > i64::MAX as u64 {
            return None;
        }
        let site = strings[3];
        let fs = f.site_key(site, s);
        if f.site_of[fs as usize] == NO_SITE {
            // ASCII checked by the caller, so this cannot fail.
            let id = self.site_id(std::str::from_utf8(site).unwrap_or_default());
            self.fast.site_of[fs as usize] = id;
        }
        let f = &mut self.fast;
        let acc = SiteAcc {
            hash,
            key: u64::from(ck) << 32 | u64::from(fs),
            q: 0,
            rows: 0,
            scale: 0,
        };
        Some(f.accs.insert_unique(hash, acc, |a| a.hash).into_mut())
    }

    /// Works out whether (period, activity, unit) can be priced on the fast path.
    fn new_combo(&mut self, c: &Columns, period: &[u8], activity: &[u8], unit: &[u8]) -> u32 {
        let parsed = if period.is_empty() {
            Some(None)
        } else {
            std::str::from_utf8(period)
                .ok()
                .and_then(Period::parse)
                .map(Some)
        };
        let Some(p) = parsed else { return SLOW };
        let Ok(year) = self.resolver.reporting_year(p) else {
            return SLOW;
        };
        let Ok(set) = self.resolver.activity_set(year) else {
            return SLOW;
        };
        let key = (set, activity.to_vec(), unit.to_vec());
        let ri = match self.fast.res_index.get(&key) {
            Some(&i) => i,
            None => {
                let i = self.new_fast_res(c, set, activity, unit);
                self.fast.res_index.insert(key, i);
                i
            }
        };
        if ri == SLOW {
            return SLOW;
        }
        self.fast.combos.push(Combo {
            res: ri,
            period: p,
            year,
        });
        (self.fast.combos.len() - 1) as u32
    }

    /// Works out whether (set, activity, unit) can be priced on the fast path.
    fn new_fast_res(&mut self, c: &Columns, set: u16, activity: &[u8], unit: &[u8]) -> u32 {
        let (Ok(a), Ok(u)) = (std::str::from_utf8(activity), std::str::from_utf8(unit)) else {
            return SLOW;
        };
        let Ok(r) = self.resolver.resolve(set, a, u) else {
            return SLOW;
        };
        match self.fast_res(c, a, &r) {
            Some(fr) => {
                self.fast.res.push(fr);
                (self.fast.res.len() - 1) as u32
            }
            None => SLOW,
        }
    }

    fn fast_res(&self, c: &Columns, activity: &str, r: &Resolved) -> Option<FastRes> {
        let resolver = self.resolver;
        if r.price_year.is_some() {
            return None;
        }
        let pf = resolver.factor(r.primary.factor);
        let pset = resolver.set(r.primary.factor);
        // As the per-row path does: NHS-only categories sit outside the GHG Protocol scopes.
        let nhs = r.nhs;
        let nhs_only = nhs.outside_ghg_scopes();
        let class = match classify(pf, pset, c, activity).ok()? {
            ScopeClass::Outside => ScopeClass::Outside,
            _ if nhs_only => ScopeClass::NhsOnly,
            class => class,
        };
        let market = match class {
            ScopeClass::Two if r.residual_mix.is_some() && r.to_kwh.is_some() => return None,
            ScopeClass::Two => MarketBasis::LocationFallback,
            _ => MarketBasis::NotApplicable,
        };
        let quality: Quality = pset.quality();
        let up_category = match class {
            ScopeClass::Three(c) => c,
            _ => 3,
        };
        let mut lines = Vec::new();
        let mut max_mantissa = u64::MAX;
        let mut max_scale = 28u32;
        let applied = std::iter::once((&r.primary, class, nhs, None, market)).chain(
            r.upstream.iter().map(|u| {
                let uf = resolver.factor(u.factor);
                let (class, up_nhs) = if uf.scope == Scope::Outside {
                    (ScopeClass::Outside, nhs)
                } else if nhs_only {
                    (ScopeClass::NhsOnly, nhs)
                } else if up_category == 3 {
                    (ScopeClass::Three(3), NhsCategory::EnergyWttTd)
                } else {
                    (ScopeClass::Three(up_category), nhs)
                };
                (
                    u,
                    class,
                    up_nhs,
                    Some(r.primary.factor),
                    MarketBasis::NotApplicable,
                )
            }),
        );
        for (a, class, nhs, upstream_of, market) in applied {
            if a.conversion.den != Decimal::ONE {
                return None;
            }
            let f = resolver.factor(a.factor);
            let num = Exact::of(a.conversion.num);
            let kg = num.mul(Exact::of(a.value))?;
            // Every product the per-row path takes (the conversion, kg, each gas part) and
            // the sums it makes of them must stay exact for the row's quantity.
            let mut products = vec![num, kg];
            let mut gases = [Exact { m: 0, scale: 0 }; 4];
            let mut split = Exact { m: 0, scale: 0 };
            for (g, v) in &f.gases {
                let slot = match g.as_str() {
                    "co2" => 0,
                    "ch4" => 1,
                    "n2o" => 2,
                    _ => continue,
                };
                let part = num.mul(Exact::of(*v))?;
                products.push(part);
                gases[slot] = gases[slot].add(part)?;
                split = split.add(part)?;
            }
            gases[3] = kg.sub(split)?;
            products.extend(gases);
            let top = products.iter().map(|p| p.scale).max().unwrap_or(0);
            if top > 28 {
                return None;
            }
            let mut widest: u128 = 0;
            for p in &products {
                widest = widest.max(p.at(top)?.unsigned_abs());
            }
            let terms = products.len() as u128;
            let limit = ((1u128 << 96) - 1) / widest.max(1).checked_mul(terms)?;
            max_mantissa = max_mantissa.min(u64::try_from(limit).unwrap_or(u64::MAX));
            max_scale = max_scale.min(28 - top);
            lines.push(LineTemplate {
                key: LocalKey {
                    class,
                    site: 0,
                    period: None,
                    year: None,
                    nhs,
                    factor: a.factor,
                    upstream_of,
                    quality,
                    market,
                },
                kg,
                gases,
                converted: num,
            });
        }
        Some(FastRes {
            lines,
            max_mantissa,
            max_scale,
        })
    }

    /// Adds another worker's running sums to this one's, found by their strings (each worker
    /// numbers its keys as it meets them); `site_map` gives this worker's number for each of
    /// the other's sites. `None` on overflow.
    pub(super) fn absorb_fast(&mut self, other: Fast, site_map: &[u32]) -> Option<()> {
        if other.overflowed {
            return None;
        }
        // The other's resolutions are the same for the same (set, activity, unit): its own
        // numbers mapped to this worker's, each copied in when new here.
        let mut res_map = vec![SLOW; other.res.len()];
        for (key, &ri) in &other.res_index {
            if ri == SLOW {
                continue;
            }
            let mine = match self.fast.res_index.get(key) {
                Some(&m) if m != SLOW => m,
                found => {
                    // New here; or (never, as a resolution depends on its key alone) one this
                    // worker could not price on the fast path: the other's lines, copied.
                    self.fast.res.push(other.res[ri as usize].clone());
                    let m = (self.fast.res.len() - 1) as u32;
                    if found.is_none() {
                        self.fast.res_index.insert(key.clone(), m);
                    }
                    m
                }
            };
            res_map[ri as usize] = mine;
        }
        // This worker's key number for each of the other's combinations and sites, made
        // when first needed.
        let mut combo_keys = vec![None; other.combo_of.len()];
        let mut site_keys = vec![None; other.site_of.len()];
        for s in other.accs {
            let theirs = s.combo_key();
            let combo = other.combo_keys.strings(theirs as u32);
            let combo_parts = combo.map(Part::of);
            let ck = match combo_keys[theirs] {
                Some(ck) => ck,
                None => {
                    let hash = key_hash(&combo, &combo_parts);
                    let f = &mut self.fast;
                    let found = f.combo_keys.find(hash, &combo, &combo_parts);
                    let ck = match found {
                        Some(k) if f.combo_of[k as usize] != SLOW => k,
                        _ => {
                            // New here, or met here on rows that all went the per-row way:
                            // the other's combination, with this worker's resolution.
                            let c = &other.combos[other.combo_of[theirs] as usize];
                            f.combos.push(Combo {
                                res: res_map[c.res as usize],
                                period: c.period,
                                year: c.year,
                            });
                            let ci = (f.combos.len() - 1) as u32;
                            match found {
                                Some(k) => {
                                    f.combo_of[k as usize] = ci;
                                    k
                                }
                                None => {
                                    f.combo_of.push(ci);
                                    f.combo_keys.insert(hash, &combo, &combo_parts)
                                }
                            }
                        }
                    };
                    combo_keys[theirs] = Some(ck);
                    ck
                }
            };
            let site = other.site_keys.strings(s.site() as u32)[0];
            let site_part = Part::of(site);
            let fs = match site_keys[s.site()] {
                Some(fs) => fs,
                None => {
                    let f = &mut self.fast;
                    let fs = f.site_key(site, site_part);
                    // The other worker named the site: the name's number here.
                    f.site_of[fs as usize] = site_map[other.site_of[s.site()] as usize];
                    site_keys[s.site()] = Some(fs);
                    fs
                }
            };
            let [p, a, u] = combo;
            let [pp, ap, up] = combo_parts;
            let hash = key_hash(&[p, a, u, site], &[pp, ap, up, site_part]);
            let f = &mut self.fast;
            let key = u64::from(ck) << 32 | u64::from(fs);
            match f.accs.find_mut(hash, |acc| acc.key == key) {
                Some(acc) => {
                    if let Some(full) = add_sum(acc, s.q, s.scale, s.rows) {
                        let (ci, site_id) = (f.combo_of[ck as usize], f.site_of[fs as usize]);
                        self.flush_acc(ci, site_id, full)?;
                    }
                }
                None => {
                    f.accs
                        .insert_unique(hash, SiteAcc { hash, key, ..s }, |a| a.hash);
                }
            }
        }
        Some(())
    }

    /// Adds a full running sum's lines to the group sums, to go on summing from zero;
    /// `None` on overflow.
    fn flush_acc(&mut self, ci: u32, site: u32, acc: Acc) -> Option<()> {
        if acc.rows == 0 {
            return Some(());
        }
        let combo = &self.fast.combos[ci as usize];
        let (period, year) = (combo.period, combo.year);
        let res = &self.fast.res[combo.res as usize];
        for l in &res.lines {
            let key = LocalKey {
                site,
                period,
                year,
                ..l.key
            };
            // Pushed, not looked up: finish() sums equal keys after sorting.
            self.fast_groups.push((key, line_totals(acc, l)?));
        }
        Some(())
    }
}

/// One line's totals for a running sum: the sum times the line's constants, exact, as the
/// per-row path's line-by-line sums would give; `None` on overflow.
pub(super) fn line_totals(acc: Acc, l: &LineTemplate) -> Option<Totals> {
    let mut t = Totals::default();
    // Each sum starts empty, so it is set to the product: a decimal while that is exact
    // (nearly always), else added in 256 bits.
    let product = |sum: &mut ExactSum, e: Exact| -> Option<()> {
        let scale = acc.scale + e.scale;
        if let Some(d) = acc
            .q
            .checked_mul(e.m)
            .and_then(|p| Decimal::try_from_i128_with_scale(p, scale).ok())
        {
            *sum = ExactSum::of(d);
            return Some(());
        }
        sum.add_scaled(I256::from(acc.q).checked_mul(I256::from(e.m))?, scale)
    };
    product(&mut t.kg, l.kg)?;
    // Outside scope 2 the market figure is the location figure: not summed twice.
    if l.key.market != MarketBasis::NotApplicable {
        t.kg_market = t.kg.clone();
    }
    for (sum, g) in t.gases.iter_mut().zip(l.gases) {
        if g.m != 0 {
            product(sum, g)?;
        }
    }
    product(&mut t.quantity, l.converted)?;
    t.lines = acc.rows;
    Some(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The quick quantity reader agrees with the checked one on every text up to 19 bytes.
    #[test]
    fn quick_quantities_are_the_checked_ones() {
        let alphabet = b"0951.x-";
        let mut state = 0x2545_F491_4F6C_DD1Du64;
        for _ in 0..200_000 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let len = (state % 20) as usize;
            let text: Vec<u8> = (0..len)
                .map(|i| alphabet[((state >> (3 * i % 60)) % alphabet.len() as u64) as usize])
                .collect();
            assert_eq!(
                plain_quantity(&text),
                plain_quantity_checked(&text),
                "{text:?}"
            );
        }
        assert_eq!(
            plain_quantity(b"9999999999999999999"),
            Some((9_999_999_999_999_999_999, 0))
        );
        assert_eq!(plain_quantity(b"12.50"), Some((1250, 2)));
        assert_eq!(plain_quantity(b"99999999999999999999"), None);
    }

    /// Two strings read as parts are equal parts exactly when they are equal strings, up to
    /// the length parts hold whole (longer strings are compared byte by byte too); equal
    /// strings hash alike; and interned keys are found by their strings, however the bytes
    /// split between them (short, word-sized and long strings).
    #[test]
    fn interned_keys_are_found_by_their_bytes() {
        let text: Vec<u8> = (0..40u8).map(|i| b'a' + i % 7).collect();
        for n in 0..=40 {
            for m in 0..=40 {
                let (a, mut b) = (&text[..n], text[..m].to_vec());
                let held = n.max(m) <= WORDS_HOLD as usize;
                let same = |b: &[u8]| Part::of(a) == Part::of(b);
                assert_eq!(held && same(&b), held && a == &b[..], "{n} {m}");
                assert_eq!(Part::of(a).hash(a) == Part::of(&b).hash(&b), a == &b[..]);
                // Every byte matters: change each in turn.
                for i in 0..b.len() {
                    b[i] ^= 1;
                    assert_eq!(held && same(&b), held && a == &b[..], "{n} {m} byte {i}");
                    b[i] ^= 1;
                }
            }
        }
        let mut keys = Interned::<3>::default();
        let mut seen = Vec::new();
        for i in 0..=20 {
            for j in 0..=20 - i {
                let k = 20 - i - j;
                let parts = [&text[..i], &text[i..i + j], &text[i + j..i + j + k]];
                let words = parts.map(Part::of);
                let hash = key_hash(&parts, &words);
                assert_eq!(keys.find(hash, &parts, &words), None, "{i} {j} {k}");
                seen.push((parts, keys.insert(hash, &parts, &words)));
            }
        }
        for (parts, n) in &seen {
            let words = parts.map(Part::of);
            assert_eq!(keys.find(key_hash(parts, &words), parts, &words), Some(*n));
        }
    }
}
