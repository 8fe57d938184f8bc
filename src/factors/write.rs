//! A [`FactorSet`] to TOML text, in one fixed layout, so that regenerating a set from the
//! same source gives the same bytes.

use super::model::{FactorSet, SetKind};
use std::fmt::Write as _;

/// Quotes a TOML basic string.
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn bare_key(k: &str) -> String {
    if !k.is_empty()
        && k.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    {
        k.to_string()
    } else {
        quote(k)
    }
}

fn list(items: &[String]) -> String {
    let quoted: Vec<String> = items.iter().map(|s| quote(s)).collect();
    format!("[{}]", quoted.join(", "))
}

/// Renders a set; `preamble` lines become `#` comments at the top (how it was generated).
pub fn render_set(set: &FactorSet, preamble: &[String]) -> String {
    let h = &set.header;
    let mut out = String::with_capacity(256 * set.factors.len() + 2048);
    for line in preamble {
        let _ = writeln!(out, "# {line}");
    }
    if !preamble.is_empty() {
        out.push('\n');
    }
    out.push_str("[set]\n");
    let mut kv = |k: &str, v: String| {
        let _ = writeln!(out, "{k} = {v}");
    };
    kv("id", quote(&h.id));
    kv("publisher", quote(&h.publisher));
    kv("edition", h.edition.to_string());
    if !h.version.is_empty() {
        kv("version", quote(&h.version));
    }
    if !h.period.is_empty() {
        kv("period", quote(&h.period));
    }
    if !h.valid_from.is_empty() {
        kv("valid_from", quote(&h.valid_from));
    }
    if !h.valid_to.is_empty() {
        kv("valid_to", quote(&h.valid_to));
    }
    kv("title", quote(&h.title));
    if !h.url.is_empty() {
        kv("url", quote(&h.url));
    }
    kv("licence", quote(&h.licence));
    kv("gwp", quote(&h.gwp));
    kv("kind", quote(h.kind.unwrap_or(SetKind::Activity).as_str()));
    if let Some(c) = &h.currency {
        kv("currency", quote(c));
    }
    if let Some(y) = h.price_year {
        kv("price_year", y.to_string());
    }
    if !h.source_file.is_empty() {
        kv("source_file", quote(&h.source_file));
    }
    if !h.source_sha256.is_empty() {
        kv("source_sha256", quote(&h.source_sha256));
    }
    if let Some(n) = h.source_rows {
        kv("source_rows", n.to_string());
    }
    if let Some(dp) = h.published_dp {
        kv("published_dp", dp.to_string());
    }
    if let Some(q) = h.quality {
        kv("quality", quote(q.as_str()));
    }
    if !h.notes.is_empty() {
        kv("notes", quote(&h.notes));
    }
    for f in &set.factors {
        out.push_str("\n[[factor]]\n");
        let _ = writeln!(out, "key = {}", quote(&f.key));
        if let Some(id) = &f.id {
            let _ = writeln!(out, "id = {}", quote(id));
        }
        let _ = writeln!(out, "scope = {}", quote(f.scope.as_str()));
        if let Some(c) = f.category {
            let _ = writeln!(out, "category = {c}");
        }
        let mut labels = f.labels.clone();
        while labels.last().is_some_and(|l| l.is_empty()) {
            labels.pop();
        }
        let _ = writeln!(out, "labels = {}", list(&labels));
        if !f.column.is_empty() {
            let _ = writeln!(out, "column = {}", quote(&f.column));
        }
        let _ = writeln!(out, "unit = {}", quote(f.unit.name));
        match f.kg_co2e {
            Some(v) => {
                let _ = writeln!(out, "kg_co2e = {}", quote(&v.to_string()));
            }
            None => out.push_str("published = false\n"),
        }
        let mut others = Vec::new();
        for (g, v) in &f.gases {
            if matches!(g.as_str(), "co2" | "ch4" | "n2o" | "other") {
                let _ = writeln!(out, "{g} = {}", quote(&v.to_string()));
            } else {
                others.push(format!("{} = {}", bare_key(g), quote(&v.to_string())));
            }
        }
        if !others.is_empty() {
            let _ = writeln!(out, "gases = {{ {} }}", others.join(", "));
        }
        if !f.upstream.is_empty() {
            let _ = writeln!(out, "upstream = {}", list(&f.upstream));
        }
        if !f.outside.is_empty() {
            let _ = writeln!(out, "outside = {}", list(&f.outside));
        }
        if let Some(g) = &f.gwp {
            let _ = writeln!(out, "gwp_gas = {}", quote(&g.gas));
            let _ = writeln!(out, "gwp_value = {}", quote(&g.value.to_string()));
            let _ = writeln!(out, "gwp_basis = {}", quote(&g.basis));
        }
        if !f.note.is_empty() {
            let _ = writeln!(out, "note = {}", quote(&f.note));
        }
    }
    out
}
