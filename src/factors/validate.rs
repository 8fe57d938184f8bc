//! Checks across a whole factor set, after each table is read: duplicate keys and publisher
//! IDs, links that do not resolve, loop, or point at a factor the engine could not apply as
//! linked (another unit, no published value, not scope 3), per-gas parts that do not add up to
//! the total within the publisher's rounding, spend units.

use super::load::Ctx;
use super::model::{Factor, Scope, SetHeader, SetKind};
use rust_decimal::Decimal;
use std::collections::HashMap;
use std::ops::Range;
use toml::de::{DeTable, DeValue};

/// Spans of the parts of a factor table that set-wide checks point at.
pub(super) struct FactorSpans {
    table: Range<usize>,
    upstream: Vec<Range<usize>>,
    outside: Vec<Range<usize>>,
}

impl FactorSpans {
    pub(super) fn of(t: &DeTable<'_>, table: Range<usize>) -> Self {
        let spans_of = |name: &str| match t.get(name).map(|v| (v.get_ref(), v.span())) {
            Some((DeValue::Array(items), _)) => items.iter().map(|i| i.span()).collect(),
            Some((_, span)) => vec![span],
            None => Vec::new(),
        };
        FactorSpans {
            upstream: spans_of("upstream"),
            outside: spans_of("outside"),
            table,
        }
    }
}

/// Every key once; checked over all factor tables, even those with other problems.
pub(super) fn check_duplicate_keys(cx: &mut Ctx<'_>, keys: &[(String, Range<usize>)]) {
    let mut seen: HashMap<&str, &Range<usize>> = HashMap::with_capacity(keys.len());
    for (k, span) in keys {
        if let Some(first) = seen.get(k.as_str()) {
            let (line, _) = cx.lines.line_col(first.start);
            cx.problem(
                span,
                format!("duplicate key {k:?}; first defined at line {line}"),
            );
        } else {
            seen.insert(k, span);
        }
    }
}

/// Set-wide checks: duplicate publisher IDs, links, per-gas sums, spend units.
pub(super) fn check_set(
    cx: &mut Ctx<'_>,
    h: &SetHeader,
    factors: &[Factor],
    spans: &[FactorSpans],
) {
    let keys: HashMap<&str, usize> = factors
        .iter()
        .enumerate()
        .map(|(i, f)| (f.key.as_str(), i))
        .rev()
        .collect();
    let mut ids: HashMap<&str, usize> = HashMap::new();
    for (i, f) in factors.iter().enumerate() {
        if let Some(id) = &f.id {
            if let Some(&first) = ids.get(id.as_str()) {
                cx.problem(
                    &spans[i].table,
                    format!(
                        "duplicate publisher id {id:?}; first used at line {}",
                        factors[first].line
                    ),
                );
            } else {
                ids.insert(id, i);
            }
        }
    }
    for (i, f) in factors.iter().enumerate() {
        for (kind, links, link_spans) in [
            ("upstream", &f.upstream, &spans[i].upstream),
            ("outside", &f.outside, &spans[i].outside),
        ] {
            for (n, link) in links.iter().enumerate() {
                let span = link_spans.get(n).unwrap_or(&spans[i].table);
                match keys.get(link.as_str()) {
                    None => cx.problem(
                        span,
                        format!(
                            "factor {:?}: {kind} link {link:?} does not resolve to a factor in this set",
                            f.key
                        ),
                    ),
                    Some(&j) if j == i => cx.problem(
                        span,
                        format!("factor {:?} links to itself as {kind}", f.key),
                    ),
                    Some(&j) if kind == "outside" && factors[j].scope != Scope::Outside => cx
                        .problem(
                            span,
                            format!(
                                "factor {:?}: outside link {link:?} is not an outside-of-scopes factor",
                                f.key
                            ),
                        ),
                    Some(&j) => {
                        if let Some(message) = link_problem(f, kind, link, &factors[j]) {
                            cx.problem(span, message);
                        }
                    }
                }
            }
        }
        if let Some(total) = f.kg_co2e {
            check_gas_sum(cx, f, total, h.published_dp, &spans[i].table);
        }
    }
    check_upstream_cycles(cx, factors, spans, &keys);
    if h.kind == Some(SetKind::Spend) {
        for (i, f) in factors.iter().enumerate() {
            if !matches!(
                f.unit.dimension,
                crate::units::Dimension::Gbp | crate::units::Dimension::Usd
            ) {
                cx.problem(
                    &spans[i].table,
                    format!("factor {:?}: a spend set's unit must be a currency", f.key),
                );
            }
        }
    }
}

/// Why the engine could not apply a resolved link as the set intends, if it could not: at run
/// time such a line would be dropped (no value, another unit) or filed under the wrong scope.
fn link_problem(f: &Factor, kind: &str, link: &str, target: &Factor) -> Option<String> {
    if kind == "upstream" && target.scope != Scope::Three {
        return Some(format!(
            "factor {:?}: upstream link {link:?} is a {} factor; upstream (well-to-tank, \
             T&D) factors are scope 3: link a scope 3 factor or remove the link",
            f.key, target.scope
        ));
    }
    if target.value().is_none() {
        return Some(format!(
            "factor {:?}: {kind} link {link:?} has no published value, so its line would be \
             dropped; link a published factor or remove the link",
            f.key
        ));
    }
    if crate::units::conversion(&f.unit, &target.unit).is_err() {
        return Some(format!(
            "factor {:?} (per {}): {kind} link {link:?} is per {}, which a quantity in {} cannot \
             be converted to; link a factor in a compatible unit",
            f.key, f.unit.name, target.unit.name, f.unit.name
        ));
    }
    None
}

/// Upstream links must not loop (`a -> b -> a`): reported once per loop, at the link that
/// closes it, with the whole path.
fn check_upstream_cycles(
    cx: &mut Ctx<'_>,
    factors: &[Factor],
    spans: &[FactorSpans],
    keys: &HashMap<&str, usize>,
) {
    // 0 unvisited, 1 on the current path, 2 done. Iterative, so a long chain cannot overflow
    // the stack.
    let mut state = vec![0u8; factors.len()];
    for start in 0..factors.len() {
        if state[start] != 0 {
            continue;
        }
        // (factor, next link to follow)
        let mut stack: Vec<(usize, usize)> = vec![(start, 0)];
        state[start] = 1;
        while let Some(&mut (i, ref mut next)) = stack.last_mut() {
            let Some(link) = factors[i].upstream.get(*next) else {
                state[i] = 2;
                stack.pop();
                continue;
            };
            let n = *next;
            *next += 1;
            let Some(&j) = keys.get(link.as_str()) else {
                continue;
            };
            if j == i {
                continue; // reported as a link to itself
            }
            match state[j] {
                0 => {
                    state[j] = 1;
                    stack.push((j, 0));
                }
                1 => {
                    let from = stack.iter().position(|&(k, _)| k == j).unwrap_or(0);
                    let mut path: Vec<&str> = stack[from..]
                        .iter()
                        .map(|&(k, _)| factors[k].key.as_str())
                        .collect();
                    path.push(&factors[j].key);
                    let span = spans[i].upstream.get(n).unwrap_or(&spans[i].table);
                    cx.problem(
                        span,
                        format!(
                            "upstream links loop: {}; an upstream factor must not lead back to \
                             the factor it is upstream of",
                            path.join(" -> ")
                        ),
                    );
                }
                _ => {}
            }
        }
    }
}

/// The per-gas parts must add up to the total within the rounding of the published figures:
/// half a unit in the last place of each figure, or in the `published_dp`-th decimal place
/// if that is coarser. (DESNZ 2017 and 2018 give per-mile factors as their per-km figures,
/// rounded to 5 places, times 1.609344 exactly: the products carry 11 places, but the
/// rounding that makes parts and total differ happened at the 5th.)
pub(super) fn check_gas_sum(
    cx: &mut Ctx<'_>,
    f: &Factor,
    total: Decimal,
    published_dp: Option<u32>,
    span: &Range<usize>,
) {
    let parts: Vec<Decimal> = f
        .gases
        .iter()
        .filter(|(g, _)| matches!(g.as_str(), "co2" | "ch4" | "n2o" | "other"))
        .map(|(_, v)| *v)
        .collect();
    // A negative part is reported where it is written; a sum with it in says nothing more.
    if parts.len() < 2 || parts.iter().any(|p| p.is_sign_negative() && !p.is_zero()) {
        return;
    }
    let half = |v: Decimal| match published_dp {
        Some(dp) if dp < v.scale() => half_unit(dp),
        _ => half_unit(v.scale()),
    };
    // Parts near Decimal::MAX overflow their sum or its difference from the total: that is a
    // problem to report, not a panic.
    let mut tolerance = half(total);
    let mut sum = Some(Decimal::ZERO);
    for p in &parts {
        sum = sum.and_then(|s| s.checked_add(*p));
        tolerance = tolerance.checked_add(half(*p)).unwrap_or(Decimal::MAX);
    }
    let message = match sum {
        None => format!(
            "factor {:?}: per-gas parts add up to more than a decimal holds, not the total {total}",
            f.key
        ),
        Some(sum) => match sum.checked_sub(total).map(|g| g.abs()) {
            Some(gap) if gap <= tolerance => return,
            Some(gap) => format!(
                "factor {:?}: per-gas parts add up to {sum}, not the total {total} (difference {gap}, \
                 more than the publisher's rounding allows, {tolerance})",
                f.key
            ),
            None => format!(
                "factor {:?}: per-gas parts add up to {sum}, not the total {total} (a difference \
                 larger than a decimal holds)",
                f.key
            ),
        },
    };
    cx.problem(span, message);
}

/// Half a unit in the `dp`-th decimal place (`dp` = 2: 0.005). Past 28 places, which a
/// decimal cannot hold, the smallest step there is, 1e-28.
pub(super) fn half_unit(dp: u32) -> Decimal {
    dp.checked_add(1)
        .and_then(|scale| Decimal::try_new(5, scale).ok())
        .unwrap_or(Decimal::from_parts(1, 0, 0, false, 28))
}
