//! One chunk of raw records to a partial inventory, its rejects, and (if asked) its ledger
//! lines as CSV bytes. Runs on worker threads; everything it reads is shared and immutable.

use super::resolve::{Applied, Blame, FactorRef, ResolveError, Resolved, Resolver, NO_SET};
use crate::activity::{parse_amount, Columns, Period};
use crate::factors::{Scope, SetKind};
use crate::inventory::{
    ExactSum, GroupKey, Inventory, MarketBasis, Quality, Reject, ScopeClass, Totals,
};
use crate::num::{exact_string, parse_decimal};
use rust_decimal::Decimal;
use rustc_hash::FxHashMap as HashMap;
use std::sync::Arc;

/// Header of ledger.csv: one line per input row and per upstream line. The first twelve
/// columns are the contract, in its order; later columns only ever get added.
pub const LEDGER_HEADER: &[&str] = &[
    "file",
    "line",
    "activity",
    "quantity",
    "unit",
    "factor_set",
    "factor_key",
    "factor_value",
    "converted_quantity",
    "kg_co2e",
    "scope",
    "category",
    "converted_unit",
    "kg_co2e_market",
    "market_basis",
    "upstream_of",
    "site",
    "period",
    "ref",
    "supplier",
    "quality",
    "factor_label",
    "market_factor",
    "price_year",
    "deflator",
    "deflator_from",
    "deflator_to",
];

/// What one chunk produced.
#[derive(Debug, Default)]
pub struct ChunkOutput {
    /// Its partial inventory.
    pub inventory: Inventory,
    /// Its rejected rows, in line order.
    pub rejects: Vec<Reject>,
    /// Its ledger lines as CSV (no header), when a ledger was asked for.
    pub ledger: Vec<u8>,
}

#[derive(Clone, Copy, PartialEq, Eq, Hash)]
struct LocalKey {
    class: ScopeClass,
    site: u32,
    period: Option<Period>,
    factor: FactorRef,
    upstream_of: Option<FactorRef>,
    quality: Quality,
    market: MarketBasis,
}

struct RowReject {
    column: Option<usize>,
    value: String,
    reason: String,
}

fn reject(column: Option<usize>, value: &str, reason: impl Into<String>) -> RowReject {
    RowReject {
        column,
        value: value.to_string(),
        reason: reason.into(),
    }
}

/// Per-chunk state: caches and interned sites.
struct Work<'a> {
    resolver: &'a Resolver,
    cols: &'a Columns,
    file: &'a str,
    /// Resolutions by activity text, then (set, unit text): looked up without allocating.
    cache: HashMap<String, Vec<(u16, String, usize)>>,
    resolved: Vec<Result<Resolved, ResolveError>>,
    sites: HashMap<Vec<u8>, u32>,
    site_names: Vec<Arc<str>>,
    groups: HashMap<LocalKey, Totals>,
    ledger: Option<csv::Writer<Vec<u8>>>,
    /// The current row's lines; a buffer kept from row to row.
    lines: Vec<Line>,
    /// Ledger text of each factor used: exact value and label.
    factor_text: HashMap<FactorRef, (String, String)>,
}

/// One line about to be added: a row's primary factor or one of its upstream factors.
struct Line {
    factor: FactorRef,
    value: Decimal,
    class: ScopeClass,
    upstream_of: Option<FactorRef>,
    kg: Decimal,
    kg_market: Decimal,
    market: MarketBasis,
    converted: Decimal,
    gases: [Decimal; 4],
}

fn field(rec: &csv::ByteRecord, col: Option<usize>) -> Result<&str, RowReject> {
    let Some(c) = col else { return Ok("") };
    let bytes = rec.get(c).unwrap_or(b"");
    std::str::from_utf8(bytes).map(str::trim).map_err(|_| {
        reject(
            Some(c),
            &String::from_utf8_lossy(bytes),
            "not valid UTF-8 text",
        )
    })
}

impl Work<'_> {
    /// Index into `resolved` for (set, activity, unit), resolving on first sight.
    fn resolution(&mut self, set: u16, activity: &str, unit: &str) -> usize {
        if let Some(v) = self.cache.get(activity) {
            if let Some((_, _, i)) = v.iter().find(|(s, u, _)| *s == set && u == unit) {
                return *i;
            }
        }
        let i = self.resolved.len();
        self.resolved
            .push(self.resolver.resolve(set, activity, unit));
        self.cache
            .entry(activity.to_string())
            .or_default()
            .push((set, unit.to_string(), i));
        i
    }

    fn site_id(&mut self, site: &str) -> u32 {
        if let Some(&i) = self.sites.get(site.as_bytes()) {
            return i;
        }
        let i = self.site_names.len() as u32;
        self.site_names.push(Arc::from(site));
        self.sites.insert(site.as_bytes().to_vec(), i);
        i
    }

    fn row(&mut self, rec: &csv::ByteRecord, line: u64) -> Result<(), RowReject> {
        let c = self.cols;
        // More fields than the header usually means an unquoted thousands separator
        // (7_400_4000_5,kWh,1,234): reading on would take 1 kWh for 1,234.
        if let Some((i, extra)) = rec
            .iter()
            .enumerate()
            .skip(c.width)
            .find(|(_, f)| !f.trim_ascii().is_empty())
        {
            return Err(reject(
                Some(i),
                &String::from_utf8_lossy(extra),
                format!(
                    "the row has {} fields but the header has {}; quote a number with a \
                     thousands separator (\"1,234\")",
                    rec.len(),
                    c.width
                ),
            ));
        }
        let activity = field(rec, c.activity)?;
        if activity.is_empty() {
            return Err(reject(
                c.activity,
                "",
                "empty activity; expected a factor key, publisher ID or alias",
            ));
        }
        let period_text = field(rec, c.period)?;
        let period = if period_text.is_empty() {
            None
        } else {
            Some(Period::parse(period_text).ok_or_else(|| {
                reject(
                    c.period,
                    period_text,
                    "not a period; expected 2024, 2024-05, 2024-05-31 or 2024/25",
                )
            })?)
        };
        let qty_text = field(rec, c.quantity)?;
        let amount_text = field(rec, c.amount)?;
        let (qty, qty_col, unit_text) = if !qty_text.is_empty() || amount_text.is_empty() {
            let (q, sign) = parse_amount(qty_text).map_err(|e| {
                let what = if qty_text.is_empty() {
                    "blank quantity"
                } else {
                    "quantity is not a number"
                };
                reject(
                    c.quantity.or(c.amount),
                    qty_text,
                    format!("{what}; expected {}", e.describe()),
                )
            })?;
            let unit = field(rec, c.unit)?;
            let unit = match (unit.is_empty(), sign) {
                (false, _) => unit,
                (true, Some(cur)) => cur,
                (true, None) => {
                    return Err(reject(
                        c.unit,
                        "",
                        "empty unit; expected a unit such as kWh, litres or km",
                    ))
                }
            };
            (q, c.quantity, unit)
        } else {
            let (q, sign) = parse_amount(amount_text).map_err(|e| {
                reject(
                    c.amount,
                    amount_text,
                    format!("amount is not a number; expected {}", e.describe()),
                )
            })?;
            let currency = field(rec, c.currency)?;
            let unit = if !currency.is_empty() {
                currency
            } else {
                sign.unwrap_or("GBP")
            };
            (q, c.amount, unit)
        };
        if qty.is_sign_negative() && !qty.is_zero() {
            return Err(reject(
                qty_col,
                &qty.to_string(),
                "negative quantity; net corrections in the source data",
            ));
        }
        // A period no DESNZ edition covers can still price a spend row: try the spend sets.
        let (set, no_edition) = match self.resolver.activity_set(period) {
            Ok(s) => (s, None),
            Err(reason) => (NO_SET, Some(reason)),
        };
        let site_text = field(rec, c.site)?;
        let site = self.site_id(site_text);
        let slot = self.resolution(set, activity, unit_text);
        let resolver = self.resolver;
        let resolved = match &self.resolved[slot] {
            Ok(r) => r,
            Err(e) => {
                return Err(match (e.blame, no_edition) {
                    (Blame::Activity, Some(reason)) => reject(c.period, period_text, reason),
                    (Blame::Activity, None) => reject(c.activity, activity, e.reason.clone()),
                    (Blame::Unit, _) => reject(c.unit, unit_text, e.reason.clone()),
                });
            }
        };
        let pf = resolver.factor(resolved.primary.factor);
        let pset = resolver.set(resolved.primary.factor);

        // Spend: move the amount from its price year to the factor's.
        // (I(factor year), I(row year), series id, row year) when deflating.
        let mut deflation: Option<(&str, u16)> = None;
        let (defl_num, defl_den) = match resolved.price_year {
            Some(fy) => {
                let py_text = field(rec, c.price_year)?;
                let row_year = if py_text.is_empty() {
                    period.map(|p| p.start_year())
                } else {
                    Some(
                        py_text
                            .parse::<u16>()
                            .ok()
                            .filter(|y| (1900..=2200).contains(y))
                            .ok_or_else(|| {
                                reject(
                                    c.price_year,
                                    py_text,
                                    "price_year is not a year such as 2023",
                                )
                            })?,
                    )
                };
                match row_year {
                    Some(ry) if ry != fy => {
                        let currency = resolved.unit.dimension.base_name();
                        let idx = resolver.deflators.get(currency).ok_or_else(|| {
                            reject(c.price_year, py_text, format!("no price index for {currency} to move spend from {ry} to {fy} prices"))
                        })?;
                        let (Some(i_f), Some(i_r)) = (idx.values.get(&fy), idx.values.get(&ry))
                        else {
                            return Err(reject(
                                c.price_year,
                                &ry.to_string(),
                                format!(
                                    "{} has no value for {} or {}; give a price_year it covers",
                                    idx.name, ry, fy
                                ),
                            ));
                        };
                        deflation = Some((idx.id.as_str(), ry));
                        (*i_f, *i_r)
                    }
                    _ => (Decimal::ONE, Decimal::ONE),
                }
            }
            None => (Decimal::ONE, Decimal::ONE),
        };

        let market_text = field(rec, c.market_factor)?;
        let market_factor = if market_text.is_empty() {
            None
        } else {
            let m = parse_decimal(market_text).map_err(|e| {
                reject(
                    c.market_factor,
                    market_text,
                    format!("market_factor is not a number; expected {}", e.describe()),
                )
            })?;
            if pf.scope != Scope::Two || resolved.to_kwh.is_none() {
                return Err(reject(
                    c.market_factor,
                    market_text,
                    "market_factor (kg CO2e per kWh) applies only to scope 2 energy rows",
                ));
            }
            if m.is_sign_negative() && !m.is_zero() {
                return Err(reject(
                    c.market_factor,
                    market_text,
                    "negative market_factor",
                ));
            }
            Some(m)
        };

        let overflow = || {
            reject(
                qty_col,
                &qty.to_string(),
                "quantity x factor overflows the exact decimal range",
            )
        };
        let class = match pf.scope {
            Scope::One => ScopeClass::One,
            Scope::Two => ScopeClass::Two,
            Scope::Three => ScopeClass::Three(pf.category.ok_or_else(|| {
                reject(
                    c.activity,
                    activity,
                    format!("{} {} is scope 3 but names no category", pset.id(), pf.key),
                )
            })?),
            Scope::Outside => ScopeClass::Outside,
            Scope::Total => return Err(reject(c.activity, activity, "derived total")),
        };
        let quality = if pset.header.kind == Some(SetKind::Spend) {
            Quality::SpendBased
        } else {
            Quality::AverageData
        };
        let compute = |a: &Applied,
                       gases_of: &[(String, Decimal)]|
         -> Option<(Decimal, Decimal, [Decimal; 4])> {
            let num = a.conversion.num.checked_mul(defl_num)?;
            let den = a.conversion.den.checked_mul(defl_den)?;
            let base = qty.checked_mul(num)?;
            let scale = |v: Decimal| -> Option<Decimal> {
                let p = base.checked_mul(v)?;
                if den == Decimal::ONE {
                    Some(p)
                } else {
                    p.checked_div(den)
                }
            };
            let kg = scale(a.value)?;
            let converted = if den == Decimal::ONE {
                base
            } else {
                base.checked_div(den)?
            };
            let mut gases = [Decimal::ZERO; 4];
            let mut split = Decimal::ZERO;
            for (g, v) in gases_of {
                let slot = match g.as_str() {
                    "co2" => 0,
                    "ch4" => 1,
                    "n2o" => 2,
                    _ => continue,
                };
                let part = scale(*v)?;
                gases[slot] = gases[slot].checked_add(part)?;
                split = split.checked_add(part)?;
            }
            gases[3] = kg.checked_sub(split)?;
            Some((kg, converted, gases))
        };

        let (kg, converted, gases) = compute(&resolved.primary, &pf.gases).ok_or_else(overflow)?;
        // Market-based scope 2: the row's contractual factor, else a residual mix, else the
        // location-based figure, flagged.
        let per_kwh = |m: Decimal, k: crate::units::Conversion| -> Option<Decimal> {
            let kgm = qty.checked_mul(k.num)?.checked_mul(m)?;
            if k.den == Decimal::ONE {
                Some(kgm)
            } else {
                kgm.checked_div(k.den)
            }
        };
        let (kg_market, market, market_value) =
            match (class, market_factor, resolved.residual_mix, resolved.to_kwh) {
                (ScopeClass::Two, Some(m), _, Some(k)) => (
                    per_kwh(m, k).ok_or_else(overflow)?,
                    MarketBasis::Contractual,
                    Some(m),
                ),
                (ScopeClass::Two, None, Some(r), Some(k)) => (
                    per_kwh(r, k).ok_or_else(overflow)?,
                    MarketBasis::ResidualMix,
                    Some(r),
                ),
                (ScopeClass::Two, _, _, _) => (kg, MarketBasis::LocationFallback, None),
                _ => (kg, MarketBasis::NotApplicable, None),
            };
        let market_value_s = market_value.map(exact_string).unwrap_or_default();
        let mut lines = std::mem::take(&mut self.lines);
        lines.clear();
        lines.push(Line {
            factor: resolved.primary.factor,
            value: resolved.primary.value,
            class,
            upstream_of: None,
            kg,
            kg_market,
            market,
            converted,
            gases,
        });
        // Upstream of fuel and energy the organisation uses itself (scopes 1 and 2) is
        // category 3; upstream of a scope 3 activity (business travel's fuel, freight's fuel)
        // belongs to that activity's own category, as the GHG Protocol files it.
        let up_category = match class {
            ScopeClass::Three(c) => c,
            _ => 3,
        };
        for u in &resolved.upstream {
            let uf = resolver.factor(u.factor);
            let (kg, converted, gases) = compute(u, &uf.gases).ok_or_else(overflow)?;
            lines.push(Line {
                factor: u.factor,
                value: u.value,
                class: if uf.scope == Scope::Outside {
                    ScopeClass::Outside
                } else {
                    ScopeClass::Three(up_category)
                },
                upstream_of: Some(resolved.primary.factor),
                kg,
                kg_market: kg,
                market: MarketBasis::NotApplicable,
                converted,
                gases,
            });
        }

        for l in &lines {
            let key = LocalKey {
                class: l.class,
                site,
                period,
                factor: l.factor,
                upstream_of: l.upstream_of,
                quality,
                market: l.market,
            };
            let t = self.groups.entry(key).or_default();
            let add = |s: &mut ExactSum, v: Decimal| s.add(v).ok_or_else(overflow);
            add(&mut t.kg, l.kg)?;
            // Outside scope 2 the market figure is the location figure: not summed twice.
            if l.market != MarketBasis::NotApplicable {
                add(&mut t.kg_market, l.kg_market)?;
            }
            for (s, v) in t.gases.iter_mut().zip(l.gases) {
                if !v.is_zero() {
                    add(s, v)?;
                }
            }
            add(&mut t.quantity, l.converted)?;
            t.lines += 1;
        }
        if let Some(w) = self.ledger.as_mut() {
            let reference = field(rec, c.reference)?;
            let supplier = field(rec, c.supplier)?;
            let line_s = line.to_string();
            let qty_s = exact_string(qty);
            let period_s = period.map(|p| p.to_string()).unwrap_or_default();
            let price_year_s = deflation.map(|(_, y)| y.to_string()).unwrap_or_default();
            let (defl_from_s, defl_to_s) = if deflation.is_some() {
                (exact_string(defl_den), exact_string(defl_num))
            } else {
                (String::new(), String::new())
            };
            for l in &lines {
                let f = resolver.factor(l.factor);
                let s = resolver.set(l.factor);
                // Per-factor text is made once per chunk, not once per line.
                let (value_s, label_s) = self
                    .factor_text
                    .entry(l.factor)
                    .or_insert_with(|| (exact_string(l.value), f.label()));
                let kg_s = exact_string(l.kg);
                let kg_market_s = if l.kg_market == l.kg {
                    kg_s.clone()
                } else {
                    exact_string(l.kg_market)
                };
                let up = l
                    .upstream_of
                    .map(|u| resolver.factor(u).key.as_str())
                    .unwrap_or("");
                let category = l
                    .class
                    .category()
                    .map(|c| c.to_string())
                    .unwrap_or_default();
                let record: [&str; 27] = [
                    self.file,
                    &line_s,
                    activity,
                    &qty_s,
                    unit_text,
                    s.id(),
                    &f.key,
                    value_s,
                    &exact_string(l.converted),
                    &kg_s,
                    l.class.scope_str(),
                    &category,
                    f.unit.name,
                    &kg_market_s,
                    l.market.as_str(),
                    up,
                    site_text,
                    &period_s,
                    reference,
                    supplier,
                    quality.as_str(),
                    label_s,
                    if l.upstream_of.is_none() {
                        &market_value_s
                    } else {
                        ""
                    },
                    &price_year_s,
                    deflation.map_or("", |(id, _)| id),
                    &defl_from_s,
                    &defl_to_s,
                ];
                w.write_record(record)
                    .map_err(|e| reject(None, "", format!("ledger: {e}")))?;
            }
        }
        self.lines = lines;
        Ok(())
    }
}

/// Applies the resolver to every record of a chunk.
pub fn apply_chunk(
    records: &[csv::ByteRecord],
    cols: &Columns,
    file: &str,
    resolver: &Resolver,
    want_ledger: bool,
) -> ChunkOutput {
    let mut w = Work {
        resolver,
        cols,
        file,
        cache: HashMap::default(),
        resolved: Vec::new(),
        sites: HashMap::default(),
        site_names: Vec::new(),
        groups: HashMap::default(),
        ledger: want_ledger.then(|| csv::WriterBuilder::new().from_writer(Vec::new())),
        lines: Vec::new(),
        factor_text: HashMap::default(),
    };
    let mut rejects = Vec::new();
    let mut used = 0u64;
    let mut blank = 0u64;
    for rec in records {
        if rec.iter().all(|f| f.trim_ascii().is_empty()) {
            blank += 1;
            continue;
        }
        let line = rec.position().map_or(0, |p| p.line());
        // A row that is not UTF-8 is read as Windows-1252, the encoding Excel on Windows
        // saves "CSV" in (a pound sign is byte 0xA3 there).
        let transcoded;
        let rec = if std::str::from_utf8(rec.as_slice()).is_ok() {
            rec
        } else {
            transcoded = windows_1252(rec);
            &transcoded
        };
        match w.row(rec, line) {
            Ok(()) => used += 1,
            Err(r) => rejects.push(Reject {
                file: file.to_string(),
                line,
                column: r.column.map_or(0, |c| c as u64 + 1),
                value: r.value,
                reason: r.reason,
            }),
        }
    }
    let mut inventory = Inventory::default();
    inventory.rows.read = records.len() as u64 - blank;
    inventory.rows.blank = blank;
    inventory.rows.used = used;
    inventory.rows.rejected = rejects.len() as u64;
    for (k, t) in w.groups.drain() {
        let f = resolver.factor(k.factor);
        let key = GroupKey {
            class: k.class,
            site: w.site_names[k.site as usize].clone(),
            period: k.period,
            set: Arc::from(resolver.set(k.factor).id()),
            factor: Arc::from(f.key.as_str()),
            upstream_of: k
                .upstream_of
                .map(|u| Arc::from(resolver.factor(u).key.as_str())),
            quality: k.quality,
            market: k.market,
        };
        // Distinct local keys map to distinct group keys, so insertion never collides.
        inventory.groups.insert(key, t);
    }
    let ledger = w
        .ledger
        .take()
        .and_then(|wr| wr.into_inner().ok())
        .unwrap_or_default();
    ChunkOutput {
        inventory,
        rejects,
        ledger,
    }
}

/// A record's fields decoded from Windows-1252 into UTF-8, position kept.
fn windows_1252(rec: &csv::ByteRecord) -> csv::ByteRecord {
    // 0x80-0x9F differ from Latin-1; the rest of the upper half maps to U+00A0..U+00FF.
    const HIGH: [char; 32] = [
        '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8d}', 'Ž',
        '\u{8f}', '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9d}',
        'ž', 'Ÿ',
    ];
    let mut out = csv::ByteRecord::new();
    for field in rec.iter() {
        let text: String = field
            .iter()
            .map(|&b| match b {
                0x80..=0x9f => HIGH[usize::from(b - 0x80)],
                _ => char::from(b),
            })
            .collect();
        out.push_field(text.as_bytes());
    }
    out.set_position(rec.position().cloned());
    out
}
