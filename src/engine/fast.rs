//! The fast path: a row whose figures are exact products of its quantity and constants of its
//! resolution adds its quantity, as an exact scaled integer, to one running sum per
//! (resolution, site, period). Every line's kg, gases, market figure and converted quantity
//! are then that sum times the line's constants, taken once when the worker finishes: the same
//! exact values the per-row path adds line by line, for one hash lookup and one `i128`
//! addition per row.
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
use crate::model::{MarketBasis, Quality, ScopeClass, Totals};
use crate::nhs::NhsCategory;
use ethnum::I256;
use rust_decimal::Decimal;
use rustc_hash::FxHashMap as HashMap;

/// No fast resolution: take the per-row path.
const SLOW: u32 = u32::MAX;

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
struct LineTemplate {
    key: LocalKey,
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
struct FastRes {
    lines: Vec<LineTemplate>,
    max_mantissa: u64,
    max_scale: u32,
}

/// The running quantity of one (resolution, site, period).
#[derive(Clone, Copy, Debug, Default)]
struct Acc {
    q: i128,
    scale: u32,
    rows: u64,
}

/// A (resolution, period) seen on the fast path, with its running sums by site number.
#[derive(Debug)]
struct Combo {
    res: u32,
    period: Option<Period>,
    year: Option<ReportingYear>,
    by_site: Vec<Acc>,
}

/// A worker's fast-path state.
#[derive(Debug, Default)]
pub(super) struct Fast {
    /// (period, activity, unit) as written to an index into `combos`, or [`SLOW`]: one
    /// lookup per row finds everything but the site.
    combo_index: HashMap<Vec<u8>, u32>,
    combos: Vec<Combo>,
    /// (set, activity, unit) to an index into `res`, or [`SLOW`].
    res_index: HashMap<(u16, Vec<u8>, Vec<u8>), u32>,
    res: Vec<FastRes>,
    key: Vec<u8>,
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
}

impl Fields for crate::activity::PlainRecord<'_> {
    fn count(&self) -> usize {
        self.len()
    }
    fn field(&self, i: usize) -> Option<&[u8]> {
        self.get(i)
    }
    fn text(&self) -> &[u8] {
        self.text()
    }
    fn line(&self) -> u64 {
        self.line()
    }
}

fn trimmed<R: Fields>(rec: &R, col: Option<usize>) -> &[u8] {
    col.and_then(|c| rec.field(c)).unwrap_or(b"").trim_ascii()
}

/// `123`, `123.45`: digits with at most one point between digits, at most 19 digits.
fn plain_quantity(b: &[u8]) -> Option<(u64, u32)> {
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

impl Work<'_> {
    /// Prices a row on the fast path and returns true, or returns false having changed
    /// nothing but caches, for the per-row path to take it.
    pub(super) fn fast_row<R: Fields>(&mut self, c: &Columns, rec: &R) -> bool {
        // Vertical tab is the one ASCII byte `str::trim` trims and `trim_ascii` does not.
        let text = rec.text();
        if rec.count() > c.width
            || c.synthetic > 0
            || c.decimal_comma
            || !text.is_ascii()
            || memchr::memchr(0x0b, text).is_some()
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
        let period = trimmed(rec, c.period);
        let f = &mut self.fast;
        f.key.clear();
        f.key.extend_from_slice(period);
        f.key.push(0x1f);
        f.key.extend_from_slice(activity);
        f.key.push(0x1f);
        f.key.extend_from_slice(unit);
        let ci = match f.combo_index.get(&f.key[..]) {
            Some(&i) => i,
            None => {
                let i = self.new_combo(c, period, activity, unit);
                self.fast.combo_index.insert(self.fast.key.clone(), i);
                i
            }
        };
        if ci == SLOW {
            return false;
        }
        let ri = self.fast.combos[ci as usize].res;
        let r = &self.fast.res[ri as usize];
        if qm > r.max_mantissa || qs > r.max_scale {
            return false;
        }
        let site_bytes = trimmed(rec, c.site);
        // ASCII checked above, so this cannot fail.
        let site = self.site_id(std::str::from_utf8(site_bytes).unwrap_or_default()) as usize;
        let by_site = &mut self.fast.combos[ci as usize].by_site;
        if by_site.len() <= site {
            by_site.resize(site + 1, Acc::default());
        }
        let acc = &mut by_site[site];
        let q = i128::from(qm);
        let added = if qs == acc.scale {
            acc.q.checked_add(q)
        } else if qs < acc.scale {
            10i128
                .checked_pow(acc.scale - qs)
                .and_then(|p| q.checked_mul(p))
                .and_then(|q| acc.q.checked_add(q))
        } else {
            10i128
                .checked_pow(qs - acc.scale)
                .and_then(|p| acc.q.checked_mul(p))
                .and_then(|a| a.checked_add(q))
                .inspect(|_| acc.scale = qs)
        };
        match added {
            Some(v) => {
                acc.q = v;
                acc.rows += 1;
                true
            }
            None => {
                // The running sum is full: move it into the exact group sums and start again.
                let full = *acc;
                *acc = Acc {
                    q,
                    scale: qs,
                    rows: 1,
                };
                self.flush_acc(ci, site as u32, full).is_some()
            }
        }
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
            by_site: Vec::new(),
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

    /// Adds one running sum's lines to the group sums; `None` on overflow.
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
            // Pushed, not looked up: keys repeat only where two activity spellings share a
            // factor, and finish() sums equal keys after sorting. A map here held twice the
            // memory of the groups at 100,000 sites.
            self.fast_groups.push((key, Totals::default()));
            let (_, t) = self.fast_groups.last_mut()?;
            // In i128 while the product fits (nearly always), in 256 bits beyond.
            let times = |e: Exact| -> Option<(I256, u32)> {
                let p = match acc.q.checked_mul(e.m) {
                    Some(p) => I256::from(p),
                    None => I256::from(acc.q).checked_mul(I256::from(e.m))?,
                };
                Some((p, acc.scale + e.scale))
            };
            let (kg, s) = times(l.kg)?;
            t.kg.add_scaled(kg, s)?;
            // Outside scope 2 the market figure is the location figure: not summed twice.
            if l.key.market != MarketBasis::NotApplicable {
                t.kg_market.add_scaled(kg, s)?;
            }
            for (sum, g) in t.gases.iter_mut().zip(l.gases) {
                if g.m != 0 {
                    let (v, s) = times(g)?;
                    sum.add_scaled(v, s)?;
                }
            }
            let (conv, s) = times(l.converted)?;
            t.quantity.add_scaled(conv, s)?;
            t.lines += acc.rows;
        }
        Some(())
    }

    /// Moves every running sum into the group sums; `None` on overflow.
    pub(super) fn flush_fast(&mut self) -> Option<()> {
        // Only the slots that hold rows become groups: the per-site vectors are dense, so
        // with many sites most slots of a (resolution, period) are empty.
        let lines: usize = (self.fast.combos.iter())
            .map(|c| {
                let used = c.by_site.iter().filter(|a| a.rows > 0).count();
                used * self.fast.res[c.res as usize].lines.len()
            })
            .sum();
        self.fast_groups.reserve(lines);
        for ci in 0..self.fast.combos.len() {
            let by_site = std::mem::take(&mut self.fast.combos[ci].by_site);
            for (site, acc) in by_site.into_iter().enumerate() {
                self.flush_acc(ci as u32, site as u32, acc)?;
            }
        }
        Some(())
    }
}
