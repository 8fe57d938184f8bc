//! A worker: blocks of raw records to a partial inventory, each block's rejects, and (if
//! asked) its ledger lines as CSV bytes. One per thread for the whole run, so its interned
//! sites, resolutions and group sums are built once; everything it reads is shared and immutable.

use super::amounts::{
    classify, deflation, line_amounts, market_based, read_market_factor, Deflation,
};
use super::fast::{line_totals, Fast, SiteAcc};
use super::ranks::KeyRanks;
use super::resolve::{Blame, FactorRef, ResolveError, Resolved, Resolver, NO_SET};
use crate::activity::cells::{
    check_width, field, read_cost, read_nhs_category, read_period, read_quantity, reject, Quantity,
    RowReject,
};
use crate::activity::{Chunk, Columns, Period, ReportingYear};
use crate::factors::Scope;
use crate::model::groups::SHRINK_EVERY;
use crate::model::{GroupKey, Groups, MarketBasis, Quality, Reject, RowCounts, ScopeClass, Totals};
use crate::nhs::NhsCategory;
use crate::num::exact_string;
use rust_decimal::Decimal;
use rustc_hash::FxHashMap as HashMap;
use std::sync::Arc;

use crate::model::ledger::LedgerRecord;
pub use crate::model::ledger::LEDGER_HEADER;

/// What one chunk produced, written out in chunk order.
#[derive(Debug, Default)]
pub struct BlockOutput {
    /// The block's position in the run.
    pub seq: u64,
    /// Index of the block's file.
    pub file: usize,
    /// Records read (rows and blank lines).
    pub records: u64,
    /// Records the worker parsed from the block's raw bytes (counted into the file's records
    /// when the reader did not parse them itself).
    pub parsed: u64,
    /// Bytes of input read by the end of the chunk.
    pub bytes: u64,
    /// Its rejected rows, in line order.
    pub rejects: Vec<Reject>,
    /// Its ledger lines as CSV (no header), when a ledger was asked for.
    pub ledger: Vec<u8>,
}

/// A group as the worker knows it: sites and factors by number, not by name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(super) struct LocalKey {
    pub(super) class: ScopeClass,
    pub(super) site: u32,
    pub(super) period: Option<Period>,
    pub(super) year: Option<ReportingYear>,
    pub(super) nhs: NhsCategory,
    pub(super) factor: FactorRef,
    pub(super) upstream_of: Option<FactorRef>,
    pub(super) quality: Quality,
    pub(super) market: MarketBasis,
}

/// Fast-path lines from which a run's one finish sorts, prices and names its groups in two
/// halves on two threads.
pub(super) const HALVES_FROM: usize = 1 << 13;

/// One worker thread's state for the whole run: caches, interned sites, group sums.
pub struct Work<'a> {
    pub(super) resolver: &'a Resolver,
    want_ledger: bool,
    /// Resolutions by activity text, then (set, unit text): looked up without allocating.
    cache: HashMap<String, Vec<(u16, String, usize)>>,
    resolved: Vec<Result<Resolved, ResolveError>>,
    sites: HashMap<Vec<u8>, u32>,
    site_names: Vec<Arc<str>>,
    pub(super) groups: HashMap<LocalKey, Totals>,
    /// Lines of running sums that filled before the end of the run, moved out early
    /// (equal keys not yet summed); the rest are priced in `finish`.
    pub(super) fast_groups: Vec<(LocalKey, Totals)>,
    ledger: Option<csv::Writer<Vec<u8>>>,
    /// The current row's lines; a buffer kept from row to row.
    lines: Vec<Line>,
    /// Ledger text of each factor used: exact value and label.
    factor_text: HashMap<FactorRef, (String, String)>,
    /// Row counts over every block this worker read.
    rows: RowCounts,
    /// The fast path's interned keys and running sums.
    pub(super) fast: Fast,
    /// Spend rows by supplier and tier.
    supply: crate::supply::SupplyTotals,
    /// Record buffers for raw blocks, reused from block to block.
    parsed: Vec<csv::ByteRecord>,
    /// Field ends of a record split in place, reused from record to record.
    ends: Vec<usize>,
}

/// One line about to be added: a row's primary factor or one of its upstream factors.
pub(super) struct Line {
    pub(super) factor: FactorRef,
    pub(super) value: Decimal,
    pub(super) class: ScopeClass,
    pub(super) upstream_of: Option<FactorRef>,
    pub(super) kg: Decimal,
    pub(super) kg_market: Decimal,
    pub(super) market: MarketBasis,
    pub(super) converted: Decimal,
    pub(super) gases: [Decimal; 4],
    /// How the line was computed (the ledger's `method`).
    pub(super) method: &'static str,
    /// Priced from this register supplier's own figures, moved to its reporting year by the
    /// row's supplier deflation rather than the spend factor's.
    pub(super) supplier: Option<u32>,
    /// Quantity added to the group, in the factor's unit: `converted`, except for lines priced
    /// from a supplier, where the row's quantity counts once, as the spend factor sees it.
    pub(super) group_qty: Decimal,
    pub(super) nhs: NhsCategory,
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

    pub(super) fn site_id(&mut self, site: &str) -> u32 {
        if let Some(&i) = self.sites.get(site.as_bytes()) {
            return i;
        }
        let i = self.site_names.len() as u32;
        self.site_names.push(Arc::from(site));
        self.sites.insert(site.as_bytes().to_vec(), i);
        i
    }

    /// One row: read and check its cells, resolve its factor, compute its lines, then add
    /// them to the groups and the ledger. Nothing is added unless the whole row is good.
    fn row(
        &mut self,
        c: &Columns,
        file: &str,
        rec: &csv::ByteRecord,
        line: u64,
    ) -> Result<(), RowReject> {
        check_width(rec, c)?;
        if let Some(reason) = c.credit_rejects.get(&line) {
            let amount = field(rec, c.amount)?;
            return Err(reject(c.amount, amount, reason.clone()));
        }
        let activity = field(rec, c.activity)?;
        if activity.is_empty() {
            return Err(reject(
                c.activity,
                "",
                "empty activity; expected a factor key, publisher ID or alias",
            ));
        }
        let (period, period_text) = read_period(rec, c)?;
        let year = self
            .resolver
            .reporting_year(period)
            .map_err(|reason| reject(c.period, period_text, reason))?;
        let Quantity {
            qty,
            col: qty_col,
            unit: unit_text,
            unit_col,
        } = read_quantity(rec, c)?;
        let cost = read_cost(rec, c, qty_col, qty, unit_text)?;
        // A row may name its set (`factor_set`); else the run's choice for its reporting year.
        // A period no DESNZ edition covers can still price a spend row: try the spend sets.
        let set_text = field(rec, c.factor_set)?;
        let (set, no_edition) = if !set_text.is_empty() {
            let i = self.resolver.set_index(set_text).ok_or_else(|| {
                reject(
                    c.factor_set,
                    set_text,
                    format!(
                        "no factor set {set_text:?} in this run; add it with --fallback-factors \
                         {set_text} (the run has {})",
                        self.resolver.set_ids().join(", ")
                    ),
                )
            })?;
            (i, None)
        } else {
            match self.resolver.activity_set(year) {
                Ok(s) => (s, None),
                Err(reason) => (NO_SET, Some(reason)),
            }
        };
        let site_text = field(rec, c.site)?;
        let reference = field(rec, c.reference)?;
        let supplier = field(rec, c.supplier)?;
        let site = self.site_id(site_text);
        let slot = self.resolution(set, activity, unit_text);
        let resolver = self.resolver;
        let resolved = match &self.resolved[slot] {
            Ok(r) => r,
            Err(e) => {
                return Err(match (e.blame, no_edition) {
                    (Blame::Activity, Some(reason)) => reject(c.period, period_text, reason),
                    (Blame::Activity, None) => reject(c.activity, activity, e.reason.clone()),
                    (Blame::Unit, _) => reject(unit_col, unit_text, e.reason.clone()),
                });
            }
        };
        let pf = resolver.factor(resolved.primary.factor);
        let pset = resolver.set(resolved.primary.factor);
        let defl = deflation(rec, c, period, resolved, resolver)?;
        let undated = defl.undated;
        let market_factor = read_market_factor(rec, c, pf, resolved)?;
        let nhs = read_nhs_category(rec, c)?.unwrap_or(resolved.nhs);
        // Patient and visitor travel and inhaler use count for the NHS only: outside the
        // organisation's GHG Protocol scopes, so outside its totals.
        let nhs_only = nhs.outside_ghg_scopes();
        let class = match classify(pf, pset, c, activity)? {
            ScopeClass::Outside => ScopeClass::Outside,
            _ if nhs_only => ScopeClass::NhsOnly,
            class => class,
        };
        let quality = pset.quality();
        let overflow = || {
            reject(
                qty_col,
                &qty.to_string(),
                "quantity x factor overflows the exact decimal range",
            )
        };

        let (kg, converted, gases) =
            line_amounts(qty, &resolved.primary, &pf.gases, &defl).ok_or_else(overflow)?;
        let (kg_market, market, market_value) =
            market_based(class, qty, kg, market_factor, resolved).ok_or_else(overflow)?;
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
            group_qty: converted,
            method: if resolved.price_year.is_some() {
                crate::supply::METHOD_SPEND
            } else {
                crate::supply::METHOD_ACTIVITY
            },
            supplier: None,
            nhs,
        });
        // A spend row whose supplier is in the register: its line priced from the supplier's
        // own figures, by tier (src/supply/mod.rs).
        let sp = super::supplied::reprice(&mut lines, resolver, resolved, supplier, qty, &defl, c)?;
        let tier = sp.tier.unwrap_or(quality);
        let is_spend = resolved.price_year.is_some();
        let currency = resolved.unit.dimension.base_name();
        // Upstream of fuel and energy the organisation uses itself (scopes 1 and 2) is
        // category 3; upstream of a scope 3 activity (business travel's fuel, freight's fuel)
        // belongs to that activity's own category, as the GHG Protocol files it.
        let up_category = match class {
            ScopeClass::Three(c) => c,
            _ => 3,
        };
        for u in &resolved.upstream {
            let uf = resolver.factor(u.factor);
            let (kg, converted, gases) =
                line_amounts(qty, u, &uf.gases, &defl).ok_or_else(overflow)?;
            let (class, up_nhs) = if uf.scope == Scope::Outside {
                (ScopeClass::Outside, nhs)
            } else if nhs_only {
                (ScopeClass::NhsOnly, nhs)
            } else if up_category == 3 {
                // Well-to-tank and T&D of the energy the organisation uses: an NHS Carbon
                // Footprint category of its own.
                (ScopeClass::Three(3), NhsCategory::EnergyWttTd)
            } else {
                (ScopeClass::Three(up_category), nhs)
            };
            lines.push(Line {
                factor: u.factor,
                value: u.value,
                class,
                upstream_of: Some(resolved.primary.factor),
                kg,
                kg_market: kg,
                market: MarketBasis::NotApplicable,
                converted,
                gases,
                group_qty: converted,
                method: crate::supply::METHOD_ACTIVITY,
                supplier: None,
                nhs: up_nhs,
            });
        }
        self.add_to_groups(&lines, site, period, year, tier)
            .ok_or_else(overflow)?;
        if is_spend {
            let mut kg_row = Decimal::ZERO;
            let in_scopes = |c: ScopeClass| !matches!(c, ScopeClass::Outside | ScopeClass::NhsOnly);
            for l in lines.iter().filter(|l| in_scopes(l.class)) {
                kg_row = kg_row.checked_add(l.kg).ok_or_else(overflow)?;
            }
            let who = sp.matched.ok_or(supplier);
            self.supply
                .add(who, tier, qty, currency == "GBP", kg_row)
                .ok_or_else(overflow)?;
        }
        if self.ledger.is_some() {
            let row = LedgerRow {
                file,
                line,
                activity,
                qty,
                unit: unit_text,
                site: site_text,
                site_name: field(rec, c.site_name)?,
                period,
                year,
                reference,
                supplier,
                quality,
                market_value,
                deflation: &defl,
                tier,
                supplier_deflation: sp.deflation.as_ref(),
                supplier_index: sp.matched,
                cost,
            };
            self.write_ledger(&lines, &row)
                .map_err(|e| reject(None, "", format!("ledger: {e}")))?;
        }
        self.lines = lines;
        if undated {
            self.rows.spend_undated += 1;
        }
        Ok(())
    }

    /// Adds a row's lines to the chunk's groups; `None` on overflow.
    pub(super) fn add_to_groups(
        &mut self,
        lines: &[Line],
        site: u32,
        period: Option<Period>,
        year: Option<ReportingYear>,
        quality: Quality,
    ) -> Option<()> {
        for l in lines {
            let key = LocalKey {
                class: l.class,
                site,
                period,
                year,
                nhs: l.nhs,
                factor: l.factor,
                upstream_of: l.upstream_of,
                quality,
                market: l.market,
            };
            let t = self.groups.entry(key).or_default();
            t.kg.add(l.kg)?;
            // Outside scope 2 the market figure is the location figure: not summed twice.
            if l.market != MarketBasis::NotApplicable {
                t.kg_market.add(l.kg_market)?;
            }
            for (s, v) in t.gases.iter_mut().zip(l.gases) {
                if !v.is_zero() {
                    s.add(v)?;
                }
            }
            t.quantity.add(l.group_qty)?;
            t.lines += 1;
        }
        Some(())
    }

    /// Writes a row's lines to the chunk's ledger bytes.
    fn write_ledger(&mut self, lines: &[Line], row: &LedgerRow<'_>) -> csv::Result<()> {
        let Some(w) = self.ledger.as_mut() else {
            return Ok(());
        };
        let resolver = self.resolver;
        let line_s = row.line.to_string();
        let qty_s = exact_string(row.qty);
        let period_s = row.period.map(|p| p.to_string()).unwrap_or_default();
        let year_s = row.year.map(|y| y.to_string()).unwrap_or_default();
        let (cost_s, cost_currency) = row
            .cost
            .map_or((String::new(), ""), |(v, cur)| (exact_string(v), cur));
        let market_value_s = row.market_value.map(exact_string).unwrap_or_default();
        let row_defl = deflation_text(row.deflation);
        let supplier_defl = row.supplier_deflation.map(deflation_text);
        let supply = resolver.supply.as_deref();
        for l in lines {
            let f = resolver.factor(l.factor);
            let s = resolver.set(l.factor);
            let (series, price_year_s, defl_from_s, defl_to_s) = match (&supplier_defl, l.supplier)
            {
                (Some(d), Some(_)) => d,
                _ => &row_defl,
            };
            let own = l.supplier.and_then(|i| supply?.register.get(i));
            let (set_id, key): (&str, &str) = match own {
                Some(sup) => (crate::supply::SUPPLIER_SET, &sup.id),
                None => (s.id(), &f.key),
            };
            // Per-factor text is made once per chunk, not once per line; a line whose value
            // is not the factor's (a supplier's intensity, a hybrid's upstream share) has its own.
            let own_text: (String, String);
            let (value_s, label_s) = if own.is_some() || l.value != f.kg_co2e.unwrap_or(l.value) {
                own_text = (
                    exact_string(l.value),
                    own.map_or_else(|| f.label(), crate::supply::Supplier::label),
                );
                (&own_text.0, &own_text.1)
            } else {
                let (v, lb) = self
                    .factor_text
                    .entry(l.factor)
                    .or_insert_with(|| (exact_string(l.value), f.label()));
                (&*v, &*lb)
            };
            let kg_s = exact_string(l.kg);
            let spend_qty_s = if own.is_some() {
                exact_string(l.group_qty)
            } else {
                String::new()
            };
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
            let supplier_id = row
                .supplier_index
                .and_then(|i| supply?.register.get(i))
                .map_or("", |s| s.id.as_str());
            let footprint = l.class.nhs_footprint(l.nhs).map_or("", |f| f.as_str());
            // The cost goes on the row's own line only, so that summing the column counts it once.
            let primary = l.upstream_of.is_none();
            let record = LedgerRecord {
                file: row.file,
                line: &line_s,
                activity: row.activity,
                quantity: &qty_s,
                unit: row.unit,
                factor_set: set_id,
                factor_key: key,
                factor_value: value_s,
                converted_quantity: &exact_string(l.converted),
                kg_co2e: &kg_s,
                scope: l.class.scope_str(),
                category: &category,
                converted_unit: f.unit.name,
                kg_co2e_market: &kg_market_s,
                market_basis: l.market.as_str(),
                upstream_of: up,
                site: row.site,
                period: &period_s,
                reference: row.reference,
                supplier: row.supplier,
                quality: row.quality.as_str(),
                factor_label: label_s,
                market_factor: if l.upstream_of.is_none() {
                    &market_value_s
                } else {
                    ""
                },
                price_year: price_year_s,
                deflator: series,
                deflator_from: defl_from_s,
                deflator_to: defl_to_s,
                tier: row.tier.as_str(),
                method: l.method,
                supplier_id,
                site_name: row.site_name,
                reporting_year: &year_s,
                nhs_category: l.nhs.as_str(),
                nhs_footprint: footprint,
                cost: if primary { &cost_s } else { "" },
                cost_currency: if primary { cost_currency } else { "" },
                spend_factor_set: if own.is_some() { s.id() } else { "" },
                spend_factor_key: if own.is_some() { &f.key } else { "" },
                spend_quantity: if own.is_some() { &spend_qty_s } else { "" },
            };
            w.write_record(record.fields())?;
        }
        Ok(())
    }
}

/// The ledger's deflation columns: series, price year, index of the price year, index of
/// the year moved to.
fn deflation_text<'d>(d: &Deflation<'d>) -> (&'d str, String, String, String) {
    match d.applied {
        Some((id, year)) => (
            id,
            year.to_string(),
            exact_string(d.den),
            exact_string(d.num),
        ),
        None => ("", String::new(), String::new(), String::new()),
    }
}

/// What the ledger says of a row besides its lines.
struct LedgerRow<'a> {
    file: &'a str,
    line: u64,
    activity: &'a str,
    qty: Decimal,
    unit: &'a str,
    site: &'a str,
    site_name: &'a str,
    period: Option<Period>,
    year: Option<ReportingYear>,
    reference: &'a str,
    supplier: &'a str,
    quality: Quality,
    market_value: Option<Decimal>,
    deflation: &'a Deflation<'a>,
    /// The row's tier (the set's data quality unless a supplier's figures priced it).
    tier: Quality,
    /// How the spend moved to the supplier's reporting year, for lines priced by the supplier.
    supplier_deflation: Option<&'a Deflation<'a>>,
    /// The register supplier the row names, if any.
    supplier_index: Option<u32>,
    cost: Option<(Decimal, &'a str)>,
}

impl<'a> Work<'a> {
    /// A worker with nothing read yet; `want_ledger` asks for ledger lines per block.
    pub fn new(resolver: &'a Resolver, want_ledger: bool) -> Self {
        Work {
            resolver,
            want_ledger,
            cache: HashMap::default(),
            resolved: Vec::new(),
            sites: HashMap::default(),
            site_names: Vec::new(),
            groups: HashMap::default(),
            fast_groups: Vec::new(),
            ledger: None,
            lines: Vec::new(),
            factor_text: HashMap::default(),
            rows: RowCounts::default(),
            fast: Fast::default(),
            supply: crate::supply::SupplyTotals::default(),
            parsed: Vec::new(),
            ends: Vec::new(),
        }
    }

    /// One record: blank, priced on the fast path, or read and priced row by row from the
    /// `csv` record `parsed` gives (a record split in place is made into one only then).
    fn take_row<'r, R: super::fast::Fields>(
        &mut self,
        cols: &Columns,
        file: &str,
        rec: &R,
        parsed: impl FnOnce() -> std::borrow::Cow<'r, csv::ByteRecord>,
        rejects: &mut Vec<Reject>,
    ) {
        if (0..rec.count()).all(|i| rec.field(i).unwrap_or_default().trim_ascii().is_empty()) {
            self.rows.blank += 1;
            return;
        }
        self.rows.read += 1;
        if !self.want_ledger && self.fast_row(cols, rec) {
            self.rows.used += 1;
            return;
        }
        let line = rec.line();
        let rec = parsed();
        let rec = &*rec;
        // A row that is not UTF-8 is read as Windows-1252, the encoding Excel on Windows
        // saves "CSV" in (a pound sign is byte 0xA3 there).
        let transcoded;
        let r = if std::str::from_utf8(rec.as_slice()).is_ok() {
            rec
        } else {
            transcoded = windows_1252(rec);
            &transcoded
        };
        match self.row(cols, file, r, line) {
            Ok(()) => self.rows.used += 1,
            Err(e) => {
                self.rows.rejected += 1;
                rejects.push(Reject {
                    file: file.to_string(),
                    line,
                    column: e.column.map_or(0, |c| source_column(r, cols, c)),
                    value: crate::activity::shorten(&e.value).into_owned(),
                    reason: e.reason,
                })
            }
        }
    }

    /// Reads and prices every record of a chunk (`seq`: its place in the run, `bytes`: input
    /// it stands for). Without a ledger, rows go through the fast path when they can (see
    /// `fast.rs`), and through [`Work::row`] otherwise.
    pub fn chunk(&mut self, chunk: &Chunk, seq: u64, bytes: u64) -> BlockOutput {
        let cols = &*chunk.columns;
        let file = &*chunk.name;
        if self.want_ledger {
            self.ledger = Some(csv::WriterBuilder::new().from_writer(Vec::new()));
        }
        let mut rejects = Vec::new();
        let mut buf = std::mem::take(&mut self.parsed);
        let mut parsed_rejects = 0;
        let mut ends = std::mem::take(&mut self.ends);
        // A block with no quote is split in place, no record copied, unless a ledger is
        // written (every row then takes the per-row path).
        let plain = if chunk.is_raw() && !self.want_ledger {
            chunk.for_each_plain(&mut ends, |r| {
                let parsed = || std::borrow::Cow::Owned(r.to_record());
                self.take_row(cols, file, r, parsed, &mut rejects)
            })
        } else {
            None
        };
        self.ends = ends;
        let (records, parsed) = if let Some(n) = plain {
            (&buf[..0], n)
        } else if chunk.is_raw() {
            let (len, parsed) = chunk.parse(&mut buf, &mut rejects);
            // Rows the parse refused (a runaway quote), as the reader's own in `chunk.rejects`.
            self.rows.read += rejects.len() as u64;
            self.rows.rejected += rejects.len() as u64;
            parsed_rejects = rejects.len();
            (&buf[..len], parsed)
        } else {
            (chunk.records(), 0)
        };
        for rec in records {
            self.take_row(
                cols,
                file,
                rec,
                || std::borrow::Cow::Borrowed(rec),
                &mut rejects,
            );
        }
        // Rows the reader refused (a runaway quote) join the chunk's rejects, in line order.
        if parsed_rejects > 0 {
            rejects.sort_by_key(|r| r.line);
        }
        if !chunk.rejects.is_empty() {
            let n = chunk.rejects.len() as u64;
            self.rows.read += n;
            self.rows.rejected += n;
            rejects.extend(chunk.rejects.iter().cloned());
            rejects.sort_by_key(|r| r.line);
        }
        let ledger = self
            .ledger
            .take()
            .and_then(|wr| wr.into_inner().ok())
            .unwrap_or_default();
        let records = if plain.is_some() {
            parsed
        } else {
            records.len() as u64
        };
        self.parsed = buf;
        BlockOutput {
            seq,
            file: chunk.file,
            records,
            parsed,
            bytes,
            rejects,
            ledger,
        }
    }

    /// Running sums and groups held.
    pub fn held(&self) -> usize {
        self.fast.accs.len() + self.groups.len() + self.fast_groups.len()
    }

    /// Takes another worker's row counts and sums into this one's, so that the run's groups
    /// are priced, named and sorted once, with no merge of two named lists; `None` on
    /// overflow. The sums are exact, so which worker takes which does not show.
    pub fn absorb(&mut self, mut other: Work<'_>) -> Option<()> {
        self.rows.add(&other.rows);
        self.supply.merge(std::mem::take(&mut other.supply))?;
        // The other's site numbers to this worker's, by name.
        let site_map: Vec<u32> = (other.site_names.iter()).map(|n| self.site_id(n)).collect();
        for (mut k, t) in other.groups.drain() {
            k.site = site_map[k.site as usize];
            self.groups.entry(k).or_default().merge(&t)?;
        }
        for (mut k, t) in other.fast_groups.drain(..) {
            k.site = site_map[k.site as usize];
            self.fast_groups.push((k, t));
        }
        self.absorb_fast(std::mem::take(&mut other.fast), &site_map)
    }

    /// The worker's row counts, groups (named and sorted by key) and spend by supplier and
    /// tier; `None` on overflow.
    ///
    /// The groups are the per-row path's map, sums moved out early, and the fast path's
    /// running sums times each of their lines. They are put in order by one `u128` each:
    /// the class, the site, the (period, reporting year) and the rest of the key (NHS
    /// category, set, factor, upstream factor, quality, market), each ranked among the values
    /// in use, names by name, so comparing numbers is comparing keys as [`GroupKey`] orders
    /// them and equal numbers are equal names. A fast-path group is priced only when its
    /// place is known, so no heavy group is moved while sorting.
    pub fn finish(self) -> Option<super::Partial> {
        self.finish_in(false)
    }

    /// [`Work::finish`], from [`HALVES_FROM`] lines in two halves by key on two threads
    /// when `halves` (the run's one finish, once the workers are done).
    pub fn finish_in(mut self, halves: bool) -> Option<super::Partial> {
        let mut fast = std::mem::take(&mut self.fast);
        if fast.overflowed {
            return None;
        }
        let mut held = std::mem::take(&mut self.fast_groups);
        held.extend(std::mem::take(&mut self.groups));
        let sums: Vec<SiteAcc> = std::mem::take(&mut fast.accs).into_iter().collect();
        let templates = (fast.res.iter()).flat_map(|r| r.lines.iter().map(|l| &l.key));
        let ranks = KeyRanks::new(
            self.resolver,
            &self.site_names,
            held.iter().map(|(k, _)| k).chain(templates),
            (held.iter().map(|(k, _)| (k.period, k.year)))
                .chain(fast.combos.iter().map(|c| (c.period, c.year))),
        );
        // Per combination its period's rank; per template line its class's and rest's.
        let combo_period: Vec<u128> = (fast.combos.iter())
            .map(|c| ranks.period((c.period, c.year)))
            .collect();
        let line_ranks: Vec<Vec<(u128, u128)>> = (fast.res.iter())
            .map(|r| r.lines.iter().map(|l| ranks.line(&l.key)).collect())
            .collect();

        // The held groups by their numbers, largest first, and the fast path's as numbers
        // with where their totals are (a running sum and a line of it), also largest first:
        // both are taken from their ends in ascending order, each list giving its memory back
        // as the named list grows (with many sites, or a ledger, they are large).
        held.sort_by_cached_key(|(k, _)| std::cmp::Reverse(ranks.key(k)));
        let lines: usize = (sums.iter())
            .map(|s| line_ranks[fast.combos[fast.combo_index(s)].res as usize].len())
            .sum();
        // A sum's index and its line's share one u64.
        if sums.len() > u32::MAX as usize {
            return None;
        }
        let mut order: Vec<(u128, u64)> = Vec::with_capacity(lines);
        for (i, s) in sums.iter().enumerate() {
            let combo = fast.combo_index(s);
            let site = fast.site_of[s.site()];
            let ranks_of = &line_ranks[fast.combos[combo].res as usize];
            for (line, &class_rest) in ranks_of.iter().enumerate() {
                let key = ranks.pack(class_rest, site, combo_period[combo]);
                order.push((key, (i as u64) << 32 | line as u64));
            }
        }
        let site_names = &self.site_names;
        // Sorts and names one range of keys: its fast-path lines and its held groups.
        let name = |mut order: Vec<(u128, u64)>, mut held: Vec<(LocalKey, Totals)>| {
            order.sort_unstable_by(|a, b| b.cmp(a));
            let mut named: Vec<(GroupKey, Totals)> = Vec::with_capacity(order.len() + held.len());
            let mut last = None;
            let mut next_held = held.last().map(|(k, _)| ranks.key(k));
            loop {
                let next_fast = order.last().map(|&(key, _)| key);
                let (key, k, t) = match (next_held, next_fast) {
                    (None, None) => break,
                    (Some(h), f) if f.is_none_or(|f| h <= f) => {
                        let (k, t) = held.pop()?;
                        if held.len() % SHRINK_EVERY == 0 {
                            held.shrink_to_fit();
                        }
                        next_held = held.last().map(|(k, _)| ranks.key(k));
                        (h, k, t)
                    }
                    (_, f) => {
                        let key = f?;
                        let (_, from) = order.pop()?;
                        if order.len() % SHRINK_EVERY == 0 {
                            order.shrink_to_fit();
                        }
                        let s = &sums[(from >> 32) as usize];
                        let combo = &fast.combos[fast.combo_index(s)];
                        let lines = &fast.res[combo.res as usize].lines;
                        let line = &lines[(from & 0xffff_ffff) as usize];
                        let k = LocalKey {
                            site: fast.site_of[s.site()],
                            period: combo.period,
                            year: combo.year,
                            ..line.key
                        };
                        (key, k, line_totals(s.acc(), line)?)
                    }
                };
                // Equal numbers are equal keys: the fast path's repeats, and numbers that
                // name alike.
                if last == Some(key) {
                    named.last_mut()?.1.merge(&t)?;
                    continue;
                }
                last = Some(key);
                named.push((ranks.name(&k, site_names), t));
            }
            Some(named)
        };
        let named = if halves && order.len() >= HALVES_FROM {
            // Cut at the middle key: the keys above it and their held groups are sorted,
            // priced and named on a second thread. Equal keys fall on one side.
            let mid = order.len() / 2;
            let pivot = order.select_nth_unstable(mid).1 .0;
            let (upper, lower): (Vec<_>, Vec<_>) = order.into_iter().partition(|&(k, _)| k > pivot);
            let lower_held = held.split_off(held.partition_point(|(k, _)| ranks.key(k) > pivot));
            let (lower, upper) = std::thread::scope(|scope| {
                let upper = scope.spawn(|| name(upper, held));
                (name(lower, lower_held), upper.join())
            });
            // A panic on the other thread goes on here, as a panic, not as an overflow.
            let upper = upper.unwrap_or_else(|p| std::panic::resume_unwind(p))?;
            // The halves stay two runs: the upper is not copied behind the lower.
            Groups::from_runs(vec![lower?, upper])
        } else {
            Groups::from_runs(vec![name(order, held)?])
        };
        Some((self.rows, named, self.supply))
    }
}

/// The column (from 1) a field came from: a wide layout's added fields (activity, quantity,
/// unit) are the cell whose header and value they were read from.
fn source_column(rec: &csv::ByteRecord, cols: &Columns, field: usize) -> u64 {
    if cols.synthetic > 0 && field >= cols.width && field < cols.width + cols.synthetic {
        let origin = rec
            .get(cols.width + 3)
            .and_then(|f| std::str::from_utf8(f).ok())
            .and_then(|s| s.parse::<u64>().ok());
        if let Some(c) = origin {
            return c + 1;
        }
    }
    field as u64 + 1
}

/// A record's fields decoded from Windows-1252 into UTF-8, position kept; fields that are
/// valid UTF-8 already are kept as they are (one Latin-1 byte must not re-decode its row).
fn windows_1252(rec: &csv::ByteRecord) -> csv::ByteRecord {
    // 0x80-0x9F differ from Latin-1; the rest of the upper half maps to U+00A0..U+00FF.
    const HIGH: [char; 32] = [
        '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8d}', 'Ž',
        '\u{8f}', '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9d}',
        'ž', 'Ÿ',
    ];
    let mut out = csv::ByteRecord::new();
    for field in rec.iter() {
        if std::str::from_utf8(field).is_ok() {
            out.push_field(field);
            continue;
        }
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
