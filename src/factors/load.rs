//! TOML text to a [`FactorSet`] and the problems found on the way, each at its file, line and
//! column. Values are read from their source text, never through `f64`: a factor written as
//! `"0.207074288590604"` or as a bare `0.207074288590604` is that decimal exactly.

use super::model::{DataQuality, Factor, FactorSet, GasGwp, Scope, SetHeader, SetKind};
use super::validate::{check_duplicate_keys, check_set, FactorSpans};
use crate::num::parse_decimal;
use crate::units::{known_unit_names, parse_unit};
use crate::Position;
use rust_decimal::Decimal;
use sha2::{Digest, Sha256};
use std::ops::Range;
use toml::de::{DeTable, DeValue};
use toml::Spanned;

/// One thing wrong with a factor file, at its place in the file.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
pub struct Problem {
    /// Where.
    pub pos: Position,
    /// What is wrong and what was expected.
    pub message: String,
}

/// Byte offsets to 1-based line and character column.
pub(crate) struct LineIndex<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    pub(crate) fn new(text: &'a str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { text, starts }
    }

    pub(crate) fn line_col(&self, offset: usize) -> (u64, u64) {
        let line = self.starts.partition_point(|&s| s <= offset).max(1);
        let start = self.starts[line - 1];
        let end = offset.min(self.text.len());
        let col = self
            .text
            .get(start..end)
            .map_or(end - start, |s| s.chars().count())
            + 1;
        (line as u64, col as u64)
    }
}

/// SHA-256 of bytes, lower-case hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex_digest(&Sha256::digest(bytes))
}

/// A finished digest as lower-case hex: the one spelling of a hash in every output.
pub fn hex_digest(digest: &[u8]) -> String {
    use std::fmt::Write as _;
    let mut s = String::with_capacity(digest.len() * 2);
    for b in digest {
        let _ = write!(s, "{b:02x}");
    }
    s
}

pub(super) struct Ctx<'a> {
    file: &'a str,
    pub(super) lines: LineIndex<'a>,
    problems: Vec<Problem>,
}

impl Ctx<'_> {
    pub(super) fn pos(&self, span: &Range<usize>) -> Position {
        let (line, column) = self.lines.line_col(span.start);
        Position::new(self.file, line, column)
    }

    pub(super) fn problem(&mut self, span: &Range<usize>, message: impl Into<String>) {
        let pos = self.pos(span);
        self.problems.push(Problem {
            pos,
            message: message.into(),
        });
    }
}

type Table<'i> = DeTable<'i>;
type Val<'i> = Spanned<DeValue<'i>>;

/// Parses a factor file. Returns the set (as far as it could be read) and every problem
/// found: TOML syntax, schema, unknown units, duplicate keys, missing or negative values,
/// published scope 3 factors without a category, per-gas parts that do not add up, links that
/// do not resolve. `file` names the file in
/// positions; the set is usable only when the problem list is empty.
pub fn parse_set(file: &str, text: &str) -> (FactorSet, Vec<Problem>) {
    let mut cx = Ctx {
        file,
        lines: LineIndex::new(text),
        problems: Vec::new(),
    };
    let sha = sha256_hex(text.as_bytes());
    let root = match DeTable::parse(text) {
        Ok(t) => t,
        Err(e) => {
            let span = e.span().unwrap_or(0..0);
            let msg = e.message().to_string();
            cx.problem(&span, format!("not valid TOML: {msg}"));
            let set = FactorSet::new(SetHeader::default(), Vec::new(), file.to_string(), sha);
            return (set, cx.problems);
        }
    };
    let root_span = root.span();
    let root = root.into_inner();
    for (k, v) in root.iter() {
        if !matches!(k.get_ref().as_ref(), "set" | "factor") {
            cx.problem(
                &v.span(),
                format!(
                    "unknown top-level item {:?}; expected [set] and [[factor]]",
                    k.get_ref()
                ),
            );
        }
    }
    let header = match root.get("set") {
        Some(v) => match v.get_ref() {
            DeValue::Table(t) => read_header(&mut cx, t, &v.span()),
            _ => {
                cx.problem(&v.span(), "[set] must be a table");
                SetHeader::default()
            }
        },
        None => {
            cx.problem(
                &root_span,
                "missing [set] table (id, publisher, edition, ...)",
            );
            SetHeader::default()
        }
    };
    let mut factors = Vec::new();
    let mut spans = Vec::new();
    let mut keys: Vec<(String, Range<usize>)> = Vec::new();
    match root.get("factor").map(|v| (v.get_ref(), v.span())) {
        Some((DeValue::Array(items), _)) => {
            factors.reserve(items.len());
            keys.reserve(items.len());
            for item in items.iter() {
                match item.get_ref() {
                    DeValue::Table(t) => {
                        if let Some(k) = t.get("key") {
                            if let DeValue::String(s) = k.get_ref() {
                                keys.push((s.to_string(), k.span()));
                            }
                        }
                        if let Some(f) = read_factor(&mut cx, t, &item.span()) {
                            spans.push(FactorSpans::of(t, item.span()));
                            factors.push(f);
                        }
                    }
                    _ => cx.problem(&item.span(), "each factor must be a [[factor]] table"),
                }
            }
        }
        Some((_, span)) => cx.problem(&span, "factor must be an array of [[factor]] tables"),
        None => cx.problem(&root_span, "no [[factor]] entries"),
    }
    check_duplicate_keys(&mut cx, &keys);
    check_set(&mut cx, &header, &factors, &spans);
    let mut problems = cx.problems;
    problems.sort();
    let set = FactorSet::new(header, factors, file.to_string(), sha);
    (set, problems)
}

fn read_header(cx: &mut Ctx<'_>, t: &Table<'_>, span: &Range<usize>) -> SetHeader {
    const KNOWN: &[&str] = &[
        "id",
        "publisher",
        "edition",
        "version",
        "period",
        "valid_from",
        "valid_to",
        "title",
        "url",
        "licence",
        "gwp",
        "kind",
        "currency",
        "price_year",
        "source_file",
        "source_sha256",
        "source_rows",
        "published_dp",
        "quality",
        "notes",
    ];
    unknown_fields(cx, t, KNOWN, "[set]");
    let mut h = SetHeader {
        id: req_str(cx, t, "id", span),
        publisher: req_str(cx, t, "publisher", span),
        version: opt_str(cx, t, "version"),
        period: opt_str(cx, t, "period"),
        valid_from: opt_str(cx, t, "valid_from"),
        valid_to: opt_str(cx, t, "valid_to"),
        title: req_str(cx, t, "title", span),
        url: opt_str(cx, t, "url"),
        licence: req_str(cx, t, "licence", span),
        gwp: req_str(cx, t, "gwp", span),
        currency: Some(opt_str(cx, t, "currency")).filter(|s| !s.is_empty()),
        source_file: opt_str(cx, t, "source_file"),
        source_sha256: opt_str(cx, t, "source_sha256"),
        notes: opt_str(cx, t, "notes"),
        ..SetHeader::default()
    };
    h.edition = match opt_int(cx, t, "edition") {
        Some(y) if (1990..=2100).contains(&y) => y as u16,
        Some(_) => {
            let s = t.get("edition").map(|v| v.span()).unwrap_or(span.clone());
            cx.problem(&s, "edition: expected a year between 1990 and 2100");
            0
        }
        None => {
            cx.problem(span, "[set] is missing edition (a year)");
            0
        }
    };
    h.price_year = opt_int(cx, t, "price_year").map(|y| y.clamp(0, u16::MAX as i64) as u16);
    h.source_rows = opt_int(cx, t, "source_rows").map(|n| n.max(0) as u64);
    h.published_dp = match opt_int(cx, t, "published_dp") {
        Some(dp) if (0..=28).contains(&dp) => Some(dp as u32),
        Some(_) => {
            let s = t
                .get("published_dp")
                .map(|v| v.span())
                .unwrap_or(span.clone());
            cx.problem(
                &s,
                "published_dp: expected a number of decimal places, 0 to 28",
            );
            None
        }
        None => None,
    };
    if let Some(v) = t.get("quality") {
        match v.get_ref() {
            DeValue::String(q) => match DataQuality::parse(q) {
                Some(dq) => h.quality = Some(dq),
                None => cx.problem(
                    &v.span(),
                    format!("quality {q:?}: expected \"supplier-specific\", \"average-data\" or \"spend-based\""),
                ),
            },
            _ => cx.problem(&v.span(), "quality: expected a string"),
        }
    }
    if !h.id.is_empty()
        && !h
            .id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.')
    {
        let s = t.get("id").map(|v| v.span()).unwrap_or(span.clone());
        cx.problem(
            &s,
            format!(
                "id {:?}: expected lower-case letters, digits, '-' and '.'",
                h.id
            ),
        );
    }
    if !h.gwp.is_empty() && !matches!(h.gwp.as_str(), "AR4" | "AR5" | "AR6" | "mixed" | "unstated")
    {
        let s = t.get("gwp").map(|v| v.span()).unwrap_or(span.clone());
        cx.problem(
            &s,
            format!("gwp {:?}: expected AR4, AR5, AR6, mixed or unstated", h.gwp),
        );
    }
    if let Some(v) = t.get("kind") {
        match v.get_ref() {
            DeValue::String(s) if s == "activity" => h.kind = Some(SetKind::Activity),
            DeValue::String(s) if s == "spend" => h.kind = Some(SetKind::Spend),
            _ => cx.problem(&v.span(), "kind: expected \"activity\" or \"spend\""),
        }
    } else {
        h.kind = Some(SetKind::Activity);
    }
    if h.kind == Some(SetKind::Spend) && (h.currency.is_none() || h.price_year.is_none()) {
        cx.problem(span, "a spend set needs currency and price_year");
    }
    for (name, v) in [("valid_from", &h.valid_from), ("valid_to", &h.valid_to)] {
        if !v.is_empty() && !is_iso_date(v) {
            let s = t.get(name).map(|v| v.span()).unwrap_or(span.clone());
            cx.problem(&s, format!("{name} {v:?}: expected a date YYYY-MM-DD"));
        }
    }
    h
}

fn is_iso_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
}

fn read_factor(cx: &mut Ctx<'_>, t: &Table<'_>, span: &Range<usize>) -> Option<Factor> {
    const KNOWN: &[&str] = &[
        "key",
        "id",
        "scope",
        "category",
        "labels",
        "column",
        "unit",
        "kg_co2e",
        "co2",
        "ch4",
        "n2o",
        "other",
        "gases",
        "upstream",
        "outside",
        "note",
        "published",
        "gwp_gas",
        "gwp_value",
        "gwp_basis",
    ];
    unknown_fields(cx, t, KNOWN, "[[factor]]");
    let key = req_str(cx, t, "key", span);
    let id = Some(opt_str(cx, t, "id")).filter(|s| !s.is_empty());
    let scope = match t.get("scope") {
        Some(v) => match v.get_ref() {
            DeValue::String(s) => Scope::parse(s).or_else(|| {
                cx.problem(
                    &v.span(),
                    format!("scope {s:?}: expected \"1\", \"2\", \"3\", \"outside\" or \"total\""),
                );
                None
            }),
            DeValue::Integer(i) => Scope::parse(i.as_str()).or_else(|| {
                cx.problem(&v.span(), "scope: expected 1, 2 or 3");
                None
            }),
            _ => {
                cx.problem(
                    &v.span(),
                    "scope: expected \"1\", \"2\", \"3\" or \"outside\"",
                );
                None
            }
        },
        None => {
            cx.problem(span, format!("factor {key:?} is missing scope"));
            None
        }
    };
    let category = match opt_int(cx, t, "category") {
        Some(c) if (1..=15).contains(&c) => Some(c as u8),
        Some(_) => {
            let s = t.get("category").map(|v| v.span()).unwrap_or(span.clone());
            cx.problem(
                &s,
                "category: expected a GHG Protocol scope 3 category, 1 to 15",
            );
            None
        }
        None => None,
    };
    let unit = match t.get("unit") {
        Some(v) => match v.get_ref() {
            DeValue::String(s) => parse_unit(s).or_else(|| {
                cx.problem(
                    &v.span(),
                    format!(
                        "unit {s:?} is not a known unit; expected one of: {}",
                        known_unit_names().join(", ")
                    ),
                );
                None
            }),
            _ => {
                cx.problem(&v.span(), "unit: expected a string such as \"kWh\"");
                None
            }
        },
        None => {
            cx.problem(span, format!("factor {key:?} is missing unit"));
            None
        }
    };
    let published = match t.get("published") {
        Some(v) => match v.get_ref() {
            DeValue::Boolean(b) => *b,
            _ => {
                cx.problem(&v.span(), "published: expected true or false");
                true
            }
        },
        None => true,
    };
    let kg_co2e = opt_num(cx, t, "kg_co2e");
    match (&kg_co2e, published) {
        (None, true) if t.get("kg_co2e").is_none() => {
            cx.problem(
                span,
                format!(
                    "factor {key:?} has no kg_co2e value; give one, or mark the factor \
                     published = false where the source publishes none"
                ),
            );
        }
        (Some(_), false) => {
            let s = t.get("published").map(|v| v.span()).unwrap_or(span.clone());
            cx.problem(
                &s,
                format!("factor {key:?} has a value but says published = false"),
            );
        }
        _ => {}
    }
    if let (Some(v), Some(val)) = (kg_co2e, t.get("kg_co2e")) {
        if v.is_sign_negative() && !v.is_zero() {
            cx.problem(
                &val.span(),
                format!("kg_co2e {v} is negative; expected zero or more"),
            );
        }
    }
    // The engine cannot file a scope 3 line without its category; say so here, where the
    // factor is, rather than at every activity row that uses it.
    if scope == Some(Scope::Three) && published && t.get("category").is_none() {
        let s = t.get("scope").map(|v| v.span()).unwrap_or(span.clone());
        cx.problem(
            &s,
            format!("factor {key:?} is scope 3 but names no category (1-15)"),
        );
    }
    let mut gases = Vec::new();
    for gas in ["co2", "ch4", "n2o", "other"] {
        if let Some(v) = opt_num(cx, t, gas) {
            if let Some(val) = t.get(gas) {
                negative_part(cx, gas, v, &val.span());
            }
            gases.push((gas.to_string(), v));
        }
    }
    if let Some(v) = t.get("gases") {
        match v.get_ref() {
            DeValue::Table(g) => {
                for (name, gv) in g.iter() {
                    if let Some(d) = num_of(cx, name.get_ref(), gv) {
                        negative_part(cx, name.get_ref(), d, &gv.span());
                        gases.push((name.get_ref().to_string(), d));
                    }
                }
            }
            _ => cx.problem(&v.span(), "gases: expected a table of gas = \"value\""),
        }
    }
    let labels = str_list(cx, t, "labels");
    let upstream = str_list(cx, t, "upstream");
    let outside = str_list(cx, t, "outside");
    let gwp = read_gas_gwp(cx, t, span, &key);
    let (line, _) = cx.lines.line_col(span.start);
    Some(Factor {
        key,
        id,
        scope: scope?,
        category,
        labels,
        column: opt_str(cx, t, "column"),
        unit: unit?,
        kg_co2e,
        gases,
        upstream,
        outside,
        note: opt_str(cx, t, "note"),
        line,
        gwp,
    })
}

/// `gwp_gas`, `gwp_value` and `gwp_basis`: all three or none; the GWP positive.
fn read_gas_gwp(cx: &mut Ctx<'_>, t: &Table<'_>, span: &Range<usize>, key: &str) -> Option<GasGwp> {
    let names = ["gwp_gas", "gwp_value", "gwp_basis"];
    let given = names.iter().filter(|n| t.get(**n).is_some()).count();
    if given == 0 {
        return None;
    }
    if given < names.len() {
        cx.problem(
            span,
            format!(
                "factor {key:?}: gwp_gas, gwp_value and gwp_basis go together (the gas, the GWP100 \
                 its kg_co2e uses, and where that GWP comes from); give all three or none"
            ),
        );
        return None;
    }
    let gas = opt_str(cx, t, "gwp_gas");
    let basis = opt_str(cx, t, "gwp_basis");
    let value = opt_num(cx, t, "gwp_value")?;
    if value <= Decimal::ZERO {
        let s = t.get("gwp_value").map(|v| v.span()).unwrap_or(span.clone());
        cx.problem(&s, format!("gwp_value {value}: expected a GWP above zero"));
        return None;
    }
    if gas.is_empty() || basis.is_empty() {
        cx.problem(
            span,
            format!("factor {key:?}: gwp_gas and gwp_basis must not be empty"),
        );
        return None;
    }
    Some(GasGwp { gas, value, basis })
}

/// A per-gas part is a share of the total, never a credit: negative is a problem, as for
/// `kg_co2e`.
fn negative_part(cx: &mut Ctx<'_>, gas: &str, v: Decimal, span: &Range<usize>) {
    if v.is_sign_negative() && !v.is_zero() {
        cx.problem(
            span,
            format!("{gas} {v} is negative; expected zero or more"),
        );
    }
}

fn unknown_fields(cx: &mut Ctx<'_>, t: &Table<'_>, known: &[&str], what: &str) {
    for (k, _) in t.iter() {
        if !known.contains(&k.get_ref().as_ref()) {
            cx.problem(
                &k.span(),
                format!(
                    "unknown field {:?} in {what}; expected one of: {}",
                    k.get_ref(),
                    known.join(", ")
                ),
            );
        }
    }
}

fn req_str(cx: &mut Ctx<'_>, t: &Table<'_>, name: &str, span: &Range<usize>) -> String {
    match t.get(name) {
        Some(_) => {
            let s = opt_str(cx, t, name);
            if s.is_empty() {
                let sp = t.get(name).map(|v| v.span()).unwrap_or(span.clone());
                cx.problem(&sp, format!("{name}: expected a non-empty string"));
            }
            s
        }
        None => {
            cx.problem(span, format!("missing {name}"));
            String::new()
        }
    }
}

fn opt_str(cx: &mut Ctx<'_>, t: &Table<'_>, name: &str) -> String {
    match t.get(name) {
        Some(v) => match v.get_ref() {
            DeValue::String(s) => s.to_string(),
            _ => {
                cx.problem(&v.span(), format!("{name}: expected a string"));
                String::new()
            }
        },
        None => String::new(),
    }
}

fn opt_int(cx: &mut Ctx<'_>, t: &Table<'_>, name: &str) -> Option<i64> {
    let v = t.get(name)?;
    match v.get_ref() {
        DeValue::Integer(i) => match i.as_str().replace('_', "").parse::<i64>() {
            Ok(n) if i.radix() == 10 => Some(n),
            _ => {
                cx.problem(&v.span(), format!("{name}: expected a whole number"));
                None
            }
        },
        DeValue::String(s) if s.parse::<i64>().is_ok() => s.parse().ok(),
        _ => {
            cx.problem(&v.span(), format!("{name}: expected a whole number"));
            None
        }
    }
}

fn opt_num(cx: &mut Ctx<'_>, t: &Table<'_>, name: &str) -> Option<Decimal> {
    let v = t.get(name)?;
    num_of(cx, name, v)
}

/// A number from a string (`"0.177"`) or a bare TOML number (`0.177`), read from its text.
fn num_of(cx: &mut Ctx<'_>, name: &str, v: &Val<'_>) -> Option<Decimal> {
    let raw: String = match v.get_ref() {
        DeValue::String(s) => s.to_string(),
        DeValue::Float(f) => f.as_str().replace('_', ""),
        DeValue::Integer(i) if i.radix() == 10 => i.as_str().replace('_', ""),
        _ => {
            cx.problem(
                &v.span(),
                format!("{name}: expected a decimal number such as \"0.18296\""),
            );
            return None;
        }
    };
    match parse_decimal(&raw) {
        Ok(d) => Some(d),
        Err(e) => {
            cx.problem(
                &v.span(),
                format!("{name}: {raw:?} is not a number; expected {}", e.describe()),
            );
            None
        }
    }
}

fn str_list(cx: &mut Ctx<'_>, t: &Table<'_>, name: &str) -> Vec<String> {
    let Some(v) = t.get(name) else {
        return Vec::new();
    };
    match v.get_ref() {
        DeValue::Array(items) => items
            .iter()
            .filter_map(|it| match it.get_ref() {
                DeValue::String(s) => Some(s.to_string()),
                _ => {
                    cx.problem(&it.span(), format!("{name}: expected a list of strings"));
                    None
                }
            })
            .collect(),
        DeValue::String(s) => vec![s.to_string()],
        _ => {
            cx.problem(&v.span(), format!("{name}: expected a list of strings"));
            Vec::new()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEAD: &str = "[set]\nid = \"t\"\npublisher = \"P\"\nedition = 2023\ntitle = \"T\"\nlicence = \"OGL\"\ngwp = \"AR5\"\n";

    fn one(factor: &str) -> (FactorSet, Vec<Problem>) {
        parse_set(
            "t.toml",
            &format!("{HEAD}\n[[factor]]\nkey = \"k\"\nscope = \"2\"\nunit = \"kWh\"\n{factor}"),
        )
    }

    #[test]
    fn bare_and_quoted_values_are_read_exactly() {
        let (set, p) = one(
            "kg_co2e = 0.207074288590604\nco2 = 9.65519999999227e-05\nch4 = \"0.20697773659\"\n",
        );
        assert!(p.is_empty(), "{p:?}");
        let f = &set.factors[0];
        assert_eq!(f.kg_co2e.unwrap().to_string(), "0.207074288590604");
        assert_eq!(f.gases[0].1.to_string(), "0.0000965519999999227");
        // 17 significant digits, past what an f64 round-trips: still exact.
        let (set, p) = one("kg_co2e = \"0.12345678901234567891\"\n");
        assert!(p.is_empty(), "{p:?}");
        assert_eq!(
            set.factors[0].kg_co2e.unwrap().to_string(),
            "0.12345678901234567891"
        );
    }

    #[test]
    fn problems_point_at_the_value() {
        let (_, p) = one("kg_co2e = \"12,3a\"\n");
        assert_eq!(p.len(), 1);
        assert_eq!((p[0].pos.line, p[0].pos.column), (13, 11));
        assert!(p[0].message.contains("12,3a"));
        let (_, p) = one("kg_co2e = \"-1\"\n");
        assert!(p[0].message.contains("negative"), "{p:?}");
        let (_, p) = one("");
        assert!(p[0].message.contains("no kg_co2e"), "{p:?}");
        let (_, p) = one("published = false\n");
        assert!(p.is_empty(), "{p:?}");
    }

    #[test]
    fn a_published_scope_3_factor_needs_a_category() {
        let three = |rest: &str| {
            parse_set(
                "t.toml",
                &format!("{HEAD}\n[[factor]]\nkey = \"w\"\nscope = \"3\"\nunit = \"m3\"\n{rest}"),
            )
        };
        let (_, p) = three("kg_co2e = \"0.344\"\n");
        assert_eq!(p.len(), 1, "{p:?}");
        assert_eq!(
            p[0].message,
            "factor \"w\" is scope 3 but names no category (1-15)"
        );
        // At the scope value: line 11, column 9.
        assert_eq!((p[0].pos.line, p[0].pos.column), (11, 9));
        let (set, p) = three("category = 1\nkg_co2e = \"0.344\"\n");
        assert!(p.is_empty(), "{p:?}");
        assert_eq!(set.factors[0].category, Some(1));
        // A factor with no value is used by nobody: no category needed.
        let (_, p) = three("published = false\n");
        assert!(p.is_empty(), "{p:?}");
        // Out of range: one problem, not two.
        let (_, p) = three("category = 16\nkg_co2e = \"0.344\"\n");
        assert_eq!(p.len(), 1, "{p:?}");
        assert!(p[0].message.starts_with("category: expected"), "{p:?}");
    }

    #[test]
    fn gas_parts_must_add_up_within_rounding() {
        let (_, p) =
            one("kg_co2e = \"0.18296\"\nco2 = \"0.18259\"\nch4 = \"0.00028\"\nn2o = \"9e-05\"\n");
        assert!(p.is_empty(), "{p:?}");
        let (_, p) =
            one("kg_co2e = \"0.18296\"\nco2 = \"0.18259\"\nch4 = \"0.00028\"\nn2o = \"0.00019\"\n");
        assert_eq!(p.len(), 1, "{p:?}");
        assert!(
            p[0].message.contains("per-gas parts add up to 0.18306"),
            "{p:?}"
        );
    }

    const MAX: &str = "79228162514264337593543950335";

    #[test]
    fn twenty_eight_decimal_places_are_checked_without_panic() {
        let tiny = "0.0000000000000000000000000001";
        let (_, p) = one(&format!(
            "kg_co2e = \"0.0000000000000000000000000002\"\nco2 = \"{tiny}\"\nch4 = \"{tiny}\"\n"
        ));
        assert!(p.is_empty(), "{p:?}");
        let (_, p) = one(&format!(
            "kg_co2e = \"0.0000000000000000000000000009\"\nco2 = \"{tiny}\"\nch4 = \"{tiny}\"\n"
        ));
        assert_eq!(p.len(), 1, "{p:?}");
        assert!(p[0].message.contains("per-gas parts add up to"), "{p:?}");
        // published_dp 28 and a value at 28 places: the same, through the other branch.
        let text = set(
            "published_dp = 27",
            &format!("kg_co2e = \"{tiny}\"\nco2 = \"{tiny}\"\nch4 = \"0\""),
        );
        let (_, p) = parse_set("t.toml", &text);
        assert!(p.is_empty(), "{p:?}");
    }

    #[test]
    fn a_negative_gas_part_is_a_problem_at_its_value() {
        let (_, p) = one(&format!(
            "kg_co2e = \"{MAX}\"\nco2 = \"-{MAX}\"\nch4 = \"0\"\n"
        ));
        assert_eq!(p.len(), 1, "{p:?}");
        assert_eq!(
            p[0].message,
            format!("co2 -{MAX} is negative; expected zero or more")
        );
        assert_eq!((p[0].pos.line, p[0].pos.column), (14, 7));
        let (_, p) = one("kg_co2e = \"1\"\n[factor.gases]\nco2 = \"1.5\"\nhfc = \"-0.5\"\n");
        assert_eq!(p.len(), 1, "{p:?}");
        assert!(p[0].message.starts_with("hfc -0.5 is negative"), "{p:?}");
        assert_eq!((p[0].pos.line, p[0].pos.column), (16, 7));
    }

    #[test]
    fn gas_sums_past_the_decimal_range_are_problems() {
        let (_, p) = one(&format!(
            "kg_co2e = \"{MAX}\"\nco2 = \"{MAX}\"\nch4 = \"{MAX}\"\n"
        ));
        assert_eq!(p.len(), 1, "{p:?}");
        assert!(
            p[0].message.contains("add up to more than a decimal holds"),
            "{p:?}"
        );
        let (_, p) = one(&format!(
            "kg_co2e = \"-{MAX}\"\nco2 = \"{MAX}\"\nch4 = \"0\"\n"
        ));
        assert_eq!(p.len(), 2, "{p:?}");
        // Sorted by place: the sum at the factor's header, then the total at its value.
        assert!(
            p[0].message.contains("larger than a decimal holds"),
            "{p:?}"
        );
        assert!(p[1].message.contains("is negative"), "{p:?}");
    }

    fn set(extra_header: &str, factor: &str) -> String {
        format!(
            "[set]\nid = \"t\"\npublisher = \"P\"\nedition = 2017\ntitle = \"T\"\nlicence = \"L\"\n\
             gwp = \"AR4\"\n{extra_header}\n[[factor]]\nkey = \"k\"\nscope = \"1\"\nunit = \"miles\"\n{factor}\n"
        )
    }

    // DESNZ 2017, Delivery vehicles, Rigid (>3.5 - 7.5 tonnes), 100% Laden, miles: the per-km
    // figures rounded to 5 places, times 1.609344.
    const MILES: &str = "kg_co2e = \"0.93533463936\"\nco2 = \"0.923763456\"\n\
                         ch4 = \"0.00035405568\"\nn2o = \"0.01120103424\"";

    #[test]
    fn parts_rounded_before_a_unit_conversion_need_published_dp() {
        let (_, problems) = parse_set("t.toml", &set("", MILES));
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].message.contains("per-gas parts add up to"));
        let (s, problems) = parse_set("t.toml", &set("published_dp = 5", MILES));
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(s.header.published_dp, Some(5));
    }

    #[test]
    fn published_dp_still_catches_real_gaps() {
        let off = MILES.replace("0.923763456", "0.92366");
        let (_, problems) = parse_set("t.toml", &set("published_dp = 5", &off));
        assert_eq!(problems.len(), 1, "{problems:?}");
    }

    #[test]
    fn a_gas_and_its_gwp_go_together() {
        let (set, p) = one(
            "kg_co2e = \"1790\"\ngwp_gas = \"desflurane\"\ngwp_value = \"1790\"\ngwp_basis = \"AR5\"\n",
        );
        assert!(p.is_empty(), "{p:?}");
        let g = set.factors[0].gwp.as_ref().unwrap();
        assert_eq!(
            (g.gas.as_str(), g.value.to_string(), g.basis.as_str()),
            ("desflurane", "1790".into(), "AR5")
        );
        let (_, p) = one("kg_co2e = \"1790\"\ngwp_gas = \"desflurane\"\n");
        assert_eq!(p.len(), 1, "{p:?}");
        assert!(p[0].message.contains("go together"), "{p:?}");
        let (_, p) =
            one("kg_co2e = \"1\"\ngwp_gas = \"x\"\ngwp_value = \"0\"\ngwp_basis = \"AR5\"\n");
        assert_eq!(p.len(), 1, "{p:?}");
        assert_eq!(p[0].message, "gwp_value 0: expected a GWP above zero");
        assert_eq!((p[0].pos.line, p[0].pos.column), (15, 13));
    }

    #[test]
    fn unstated_gwp_is_accepted() {
        let text = set("", "kg_co2e = \"1\"").replace("\"AR4\"", "\"unstated\"");
        let (_, problems) = parse_set("t.toml", &text);
        assert!(problems.is_empty(), "{problems:?}");
        let text = set("", "kg_co2e = \"1\"").replace("\"AR4\"", "\"SAR\"");
        let (_, problems) = parse_set("t.toml", &text);
        assert!(problems[0]
            .message
            .contains("expected AR4, AR5, AR6, mixed or unstated"));
    }
}
