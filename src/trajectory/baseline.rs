//! The baseline cut into the plan's slices: from the ledger lines of an inventory run, or
//! from kg figures in the plan. Outside-of-scopes lines (biogenic CO2) are left out, as they
//! are from the inventory totals; scope 2 counts location-based.

use super::plan::{Plan, SliceSpec};
use super::YearStyle;
use crate::activity::Period;
use crate::model::ledger::LedgerLine;
use crate::model::ExactSum;
use crate::{Error, Result};
use rust_decimal::Decimal;
use std::collections::BTreeSet;

/// One slice of the baseline.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SliceBase {
    /// The slice's name.
    pub name: String,
    /// kg CO2e in the base year.
    pub kg: Decimal,
    /// kWh of the slice's own (not upstream) lines measured in kWh: a grid slice's activity.
    pub kwh: Decimal,
    /// Ledger lines it took.
    pub lines: u64,
    /// How it moves (the plan's `[[slice]]`; defaults for the implicit slices).
    pub spec: SliceSpec,
}

/// Name of the slice that takes lines no `[[slice]]` matches.
pub const OTHER: &str = "other";

fn implicit(name: &str) -> SliceSpec {
    SliceSpec {
        name: name.to_string(),
        pos: crate::Position::default(),
        select: Default::default(),
        growth_pct: Decimal::ZERO,
        factor_change_pct: Decimal::ZERO,
        grid: false,
        baseline_kg: None,
        baseline_kwh: None,
    }
}

/// The year a period falls in: its NHS financial year (April to March) or calendar year.
pub fn year_of(p: Period, style: YearStyle) -> u16 {
    match (style, p) {
        (YearStyle::Financial, Period::Month(y, m) | Period::Day(y, m, _)) if m < 4 => {
            y.saturating_sub(1)
        }
        _ => p.start_year(),
    }
}

/// The one year a run's lines fall in; `name` names the run in errors.
pub fn run_year(name: &str, lines: &[LedgerLine], style: YearStyle) -> Result<u16> {
    let years: BTreeSet<u16> = lines
        .iter()
        .filter_map(|l| Period::parse(&l.period))
        .map(|p| year_of(p, style))
        .collect();
    match years.len() {
        1 => Ok(years.into_iter().next().unwrap_or_default()),
        0 => Err(Error::usage(format!(
            "{name}: no ledger line has a period, so its year is unknown; give the base year (--base-year 2019/20 or base_year in the plan)"
        ))),
        _ => Err(Error::usage(format!(
            "{name}: lines fall in several years ({}); a baseline or an actual is one year's inventory",
            years
                .iter()
                .map(|y| style.label(*y))
                .collect::<Vec<_>>()
                .join(", ")
        ))),
    }
}

/// The baseline's slices from a run's ledger lines: each line goes to the first slice (in plan
/// order) it matches, else to the slice `other`; a plan without slices has one, `all`.
pub fn from_ledger(lines: &[LedgerLine], plan: &Plan) -> Result<Vec<SliceBase>> {
    let mut specs: Vec<SliceSpec> = plan.slices.clone();
    let catch_all = specs.iter().any(|s| s.select.is_all());
    if specs.is_empty() {
        specs.push(implicit("all"));
    } else if !catch_all {
        let name = if specs.iter().any(|s| s.name == OTHER) {
            "other lines"
        } else {
            OTHER
        };
        specs.push(implicit(name));
    }
    struct Acc {
        base: SliceBase,
        sum_kg: ExactSum,
        sum_kwh: ExactSum,
    }
    let mut out: Vec<Acc> = specs
        .into_iter()
        .map(|spec| Acc {
            base: SliceBase {
                name: spec.name.clone(),
                kg: Decimal::ZERO,
                kwh: Decimal::ZERO,
                lines: 0,
                spec,
            },
            sum_kg: ExactSum::ZERO,
            sum_kwh: ExactSum::ZERO,
        })
        .collect();
    for l in lines.iter().filter(|l| l.scope != "outside") {
        let Some(s) = out.iter_mut().find(|s| s.base.spec.select.matches(l)) else {
            continue; // unreachable: the last slice takes every line
        };
        let ov = || Error::overflow(crate::Position::default(), format!("slice {}", s.base.name));
        s.sum_kg.add(l.kg_co2e).ok_or_else(ov)?;
        if l.upstream_of.is_empty() && l.converted_unit.eq_ignore_ascii_case("kWh") {
            s.sum_kwh.add(l.converted_quantity).ok_or_else(ov)?;
        }
        s.base.lines += 1;
    }
    let mut out: Vec<SliceBase> = out
        .into_iter()
        .map(|s| {
            let ov =
                || Error::overflow(crate::Position::default(), format!("slice {}", s.base.name));
            Ok(SliceBase {
                kg: s.sum_kg.value().ok_or_else(ov)?,
                kwh: s.sum_kwh.value().ok_or_else(ov)?,
                ..s.base
            })
        })
        .collect::<Result<_>>()?;
    for s in &out {
        if s.lines == 0 && !s.spec.pos.file.is_empty() {
            return Err(Error::malformed(
                s.spec.pos.clone(),
                format!(
                    "slice {:?} matches no line of the baseline; check its scope, category, site, factor_key and activity",
                    s.name
                ),
            ));
        }
        if s.spec.grid && s.kwh.is_zero() {
            return Err(Error::malformed(
                s.spec.pos.clone(),
                format!("slice {:?} follows the grid but has no kWh lines", s.name),
            ));
        }
    }
    out.retain(|s| s.lines > 0 || !s.spec.pos.file.is_empty());
    Ok(out)
}

/// kg CO2e of every line but outside-of-scopes ones, summed exactly: the run's location-based
/// total, as inventory.json gives it.
pub fn ledger_total(lines: &[LedgerLine]) -> Option<Decimal> {
    let mut s = ExactSum::ZERO;
    for l in lines.iter().filter(|l| l.scope != "outside") {
        s.add(l.kg_co2e)?;
    }
    s.value()
}

/// The baseline's slices from a total in kg: slices giving `baseline_kg` are carved out of it,
/// the rest is the slice `other` (or `all` for a plan without slices).
pub fn from_total(total: Decimal, plan: &Plan) -> Result<Vec<SliceBase>> {
    let mut out = Vec::new();
    let mut rest = total;
    for spec in &plan.slices {
        let kg = spec.baseline_kg.ok_or_else(|| {
            Error::malformed(
                spec.pos.clone(),
                format!(
                    "slice {:?} needs baseline_kg when the baseline is a kg figure (or use --baseline RUN_DIR)",
                    spec.name
                ),
            )
        })?;
        let kwh = match (spec.grid, spec.baseline_kwh) {
            (true, None) => {
                return Err(Error::malformed(
                    spec.pos.clone(),
                    format!("grid slice {:?} needs baseline_kwh", spec.name),
                ))
            }
            (_, k) => k.unwrap_or_default(),
        };
        rest = rest.checked_sub(kg).ok_or_else(|| {
            Error::overflow(spec.pos.clone(), "baseline minus the slices' baseline_kg")
        })?;
        out.push(SliceBase {
            name: spec.name.clone(),
            kg,
            kwh,
            lines: 0,
            spec: spec.clone(),
        });
    }
    if rest.is_sign_negative() && !rest.is_zero() {
        return Err(Error::usage(format!(
            "{}: the slices' baseline_kg add to more than the baseline ({} kg)",
            plan.file,
            crate::num::exact_string(total)
        )));
    }
    if out.is_empty() || !rest.is_zero() {
        let name = if out.is_empty() { "all" } else { OTHER };
        out.push(SliceBase {
            name: name.to_string(),
            kg: rest,
            kwh: Decimal::ZERO,
            lines: 0,
            spec: implicit(name),
        });
    }
    Ok(out)
}
