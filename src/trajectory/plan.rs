//! `plan.toml`: the slices a baseline is cut into, how each grows, the targets and the
//! interventions. Read with `toml::Spanned` so that every problem names the plan file's line
//! and column. Numbers are exact: strings (`"3.5"`) or integers; a bare float is refused
//! because TOML floats reach a decimal through `f64`.

use super::{position, toml_error, YearStyle};
use crate::model::ledger::LedgerLine;
use crate::num::parse_decimal;
use crate::{Error, Position, Result};
use rust_decimal::Decimal;
use serde::Deserialize;
use std::collections::BTreeMap;
use toml::Spanned;

type Val = Spanned<toml::Value>;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPlan {
    name: Option<String>,
    years: Option<Spanned<String>>,
    base_year: Option<Val>,
    to: Option<Val>,
    baseline_kg: Option<Val>,
    discount_rate_pct: Option<Val>,
    price_year: Option<Val>,
    targets: Option<Vec<Spanned<String>>>,
    grid: Option<RawGrid>,
    #[serde(default)]
    slice: Vec<Spanned<RawSlice>>,
    #[serde(default)]
    target: Vec<Spanned<RawTarget>>,
    #[serde(default)]
    intervention: Vec<Spanned<RawIntervention>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawGrid {
    source: String,
    kg_co2e_per_kwh: BTreeMap<String, Val>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSlice {
    name: Spanned<String>,
    scope: Option<Val>,
    category: Option<Val>,
    site: Option<Val>,
    factor_key: Option<Val>,
    activity: Option<Val>,
    growth_pct: Option<Val>,
    factor_change_pct: Option<Val>,
    grid: Option<bool>,
    baseline_kg: Option<Val>,
    baseline_kwh: Option<Val>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTarget {
    name: Spanned<String>,
    covers: Option<Vec<Spanned<String>>>,
    points: Option<Vec<Spanned<RawPoint>>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPoint {
    year: Val,
    #[serde(alias = "pct")]
    pct_of_baseline: Val,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawIntervention {
    name: Spanned<String>,
    slice: Spanned<String>,
    #[serde(alias = "start_year")]
    start: Val,
    #[serde(alias = "end_year")]
    end: Option<Val>,
    #[serde(alias = "ramp_up_years")]
    ramp_years: Option<Val>,
    #[serde(alias = "reduction_percent")]
    reduction_pct: Option<Val>,
    #[serde(alias = "reduction_t", alias = "reduction_tonnes")]
    reduction_tco2e: Option<Val>,
    #[serde(alias = "capital_gbp")]
    capex_gbp: Option<Val>,
    #[serde(alias = "opex_gbp")]
    opex_gbp_per_year: Option<Val>,
    #[serde(alias = "saving_gbp", alias = "savings_gbp_per_year")]
    saving_gbp_per_year: Option<Val>,
    price_year: Option<Val>,
    #[serde(alias = "lifetime")]
    lifetime_years: Option<Val>,
}

/// A validated plan.
#[derive(Clone, Debug, Default)]
pub struct Plan {
    /// The plan file as the user named it.
    pub file: String,
    /// The plan's title.
    pub name: String,
    /// How years are named.
    pub style: YearStyle,
    /// Base year, if the plan states it (else the baseline run's period).
    pub base_year: Option<Located<u16>>,
    /// Last year projected, if the plan states it.
    pub to: Option<u16>,
    /// Baseline in kg CO2e, for a plan used without a run directory.
    pub baseline_kg: Option<Decimal>,
    /// Discount rate for abatement costs, as a fraction (0.035 for the Green Book's 3.5%).
    pub discount_rate: Decimal,
    /// Price year costs are moved to (default: the carbon values' price year).
    pub price_year: Option<u16>,
    /// Targets to show, by name, if the plan chooses.
    pub show_targets: Option<Vec<Located<String>>>,
    /// The user's grid projection, replacing the shipped one.
    pub grid: Option<GridSeries>,
    /// Slices, in file order (a line belongs to the first slice it matches).
    pub slices: Vec<SliceSpec>,
    /// Custom targets and coverage of built-in ones.
    pub targets: Vec<TargetSpec>,
    /// Interventions, in file order (the order reductions are applied in).
    pub interventions: Vec<Intervention>,
}

/// A value with the place in the plan it came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Located<T> {
    /// The value.
    pub value: T,
    /// Where it is written.
    pub pos: Position,
}

/// A grid electricity emission-factor series, kg CO2e per kWh by year.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GridSeries {
    /// Where the figures come from.
    pub source: String,
    /// kg CO2e per kWh (consumption-based, T&D losses included) by year.
    pub values: BTreeMap<u16, Decimal>,
}

/// Which ledger lines a slice takes: every criterion given must match; none given takes all.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Selector {
    /// `1`, `2` or `3`.
    pub scope: Option<String>,
    /// Scope 3 categories.
    pub categories: Vec<u8>,
    /// Sites as written in the activity data.
    pub sites: Vec<String>,
    /// Factor keys (a scope 2 electricity slice names the generation and T&D keys).
    pub factor_keys: Vec<String>,
    /// Activity texts, compared without regard to case.
    pub activities: Vec<String>,
}

impl Selector {
    /// True when the line belongs to this selection.
    pub fn matches(&self, l: &LedgerLine) -> bool {
        self.scope.as_ref().is_none_or(|s| *s == l.scope)
            && (self.categories.is_empty()
                || l.category.is_some_and(|c| self.categories.contains(&c)))
            && (self.sites.is_empty() || self.sites.contains(&l.site))
            && (self.factor_keys.is_empty() || self.factor_keys.contains(&l.factor_key))
            && (self.activities.is_empty()
                || self
                    .activities
                    .iter()
                    .any(|a| a.eq_ignore_ascii_case(&l.activity)))
    }

    /// True when no criterion is given (the slice takes every line left).
    pub fn is_all(&self) -> bool {
        *self == Selector::default()
    }
}

/// A slice of the baseline and how it moves without action.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SliceSpec {
    /// Its name, as interventions and targets refer to it.
    pub name: String,
    /// Where the `[[slice]]` table is.
    pub pos: Position,
    /// The lines it takes.
    pub select: Selector,
    /// Activity growth per year, percent, compound.
    pub growth_pct: Decimal,
    /// Change of the emission factor per year, percent, compound (not for grid slices).
    pub factor_change_pct: Decimal,
    /// True when its emission factor follows the grid projection.
    pub grid: bool,
    /// kg CO2e in the base year, for a plan without a run directory.
    pub baseline_kg: Option<Decimal>,
    /// kWh in the base year, for a grid slice without a run directory.
    pub baseline_kwh: Option<Decimal>,
}

/// A `[[target]]` table: a custom target with points, or the coverage of a built-in one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TargetSpec {
    /// Its name.
    pub name: Located<String>,
    /// The slices it covers (empty: all).
    pub covers: Vec<String>,
    /// (year, percent of the base-year emissions remaining) checkpoints; empty for a built-in.
    pub points: Vec<Located<(u16, Decimal)>>,
}

/// How much an intervention removes once fully ramped up.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reduction {
    /// A percentage of what remains of its slice.
    Percent(Decimal),
    /// kg CO2e a year (given in the plan in tCO2e), at most what remains of its slice.
    AbsoluteKg(Decimal),
}

/// A planned project acting on one slice.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Intervention {
    /// Its name.
    pub name: String,
    /// Where its table is.
    pub pos: Position,
    /// The slice it acts on.
    pub slice: String,
    /// First year it removes anything.
    pub start: u16,
    /// Last year it removes anything (none: to the end of the projection).
    pub end: Option<u16>,
    /// Years to reach its full effect (1: full from the start year).
    pub ramp_years: u16,
    /// Its full effect.
    pub reduction: Reduction,
    /// Capital cost, GBP, spent in the start year.
    pub capex_gbp: Decimal,
    /// Operating cost, GBP a year over its lifetime.
    pub opex_gbp: Decimal,
    /// Saving (energy bills avoided), GBP a year over its lifetime.
    pub saving_gbp: Decimal,
    /// Price year of the money figures.
    pub price_year: Option<u16>,
    /// Years over which costs and tonnes are counted for its abatement cost.
    pub lifetime_years: Option<u16>,
}

struct Cx<'a> {
    file: &'a str,
    text: &'a str,
}

impl Cx<'_> {
    fn pos(&self, offset: usize) -> Position {
        position(self.file, self.text, offset)
    }

    fn bad(&self, v: &Val, field: &str, expected: &str) -> Error {
        Error::bad_value(self.pos(v.span().start), field, show(v), expected)
    }

    /// An exact decimal from a string or an integer.
    fn dec(&self, v: &Val, field: &str) -> Result<Decimal> {
        match v.get_ref() {
            toml::Value::String(s) => {
                parse_decimal(s).map_err(|e| self.bad(v, field, e.describe()))
            }
            toml::Value::Integer(i) => Ok(Decimal::from(*i)),
            toml::Value::Float(_) => Err(self.bad(
                v,
                field,
                "an exact number written as a string, such as \"3.5\" (TOML floats are not exact)",
            )),
            _ => Err(self.bad(v, field, "a number such as \"3.5\"")),
        }
    }

    fn year(&self, v: &Val, field: &str) -> Result<u16> {
        let y = match v.get_ref() {
            toml::Value::String(s) => YearStyle::parse(s),
            toml::Value::Integer(i) => u16::try_from(*i).ok().filter(|y| (1900..=2200).contains(y)),
            _ => None,
        };
        y.ok_or_else(|| self.bad(v, field, "a year such as \"2019/20\" or 2030"))
    }

    fn count(&self, v: &Val, field: &str, min: i64) -> Result<u16> {
        match v.get_ref() {
            toml::Value::Integer(i) if *i >= min && *i <= 200 => Ok(*i as u16),
            _ => Err(self.bad(v, field, &format!("a whole number of years, {min} to 200"))),
        }
    }

    fn strings(&self, v: &Val, field: &str) -> Result<Vec<String>> {
        match v.get_ref() {
            toml::Value::String(s) => Ok(vec![s.clone()]),
            toml::Value::Array(a) if a.iter().all(|x| x.is_str()) => Ok(a
                .iter()
                .filter_map(|x| x.as_str().map(str::to_string))
                .collect()),
            _ => Err(self.bad(v, field, "a text or a list of texts")),
        }
    }
}

fn show(v: &Val) -> String {
    match v.get_ref() {
        toml::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The built-in target names, in the order they are shown.
pub const BUILT_IN_TARGETS: [&str; 4] = [
    "nhs-carbon-footprint",
    "nhs-footprint-plus",
    "sbti-1.5c",
    "sbti-wb2c",
];

/// Reads and checks a plan; `file` names it in errors.
pub fn parse_plan(file: &str, text: &str) -> Result<Plan> {
    let raw: RawPlan = toml::from_str(text).map_err(|e| toml_error(file, text, &e))?;
    let cx = Cx { file, text };
    let style = match raw.years.as_ref().map(|s| s.get_ref().as_str()) {
        None | Some("financial") => YearStyle::Financial,
        Some("calendar") => YearStyle::Calendar,
        Some(other) => {
            let s = raw.years.as_ref().map_or(0, |s| s.span().start);
            return Err(Error::bad_value(
                cx.pos(s),
                "years",
                other,
                "\"financial\" (NHS years, 2019/20) or \"calendar\"",
            ));
        }
    };
    let base_year = match &raw.base_year {
        Some(v) => Some(Located {
            value: cx.year(v, "base_year")?,
            pos: cx.pos(v.span().start),
        }),
        None => None,
    };
    let to = raw.to.as_ref().map(|v| cx.year(v, "to")).transpose()?;
    let baseline_kg = match &raw.baseline_kg {
        Some(v) => Some(non_negative(&cx, v, "baseline_kg")?),
        None => None,
    };
    let discount_pct = match &raw.discount_rate_pct {
        Some(v) => non_negative(&cx, v, "discount_rate_pct")?,
        None => Decimal::new(35, 1),
    };
    let price_year = raw
        .price_year
        .as_ref()
        .map(|v| cx.year(v, "price_year"))
        .transpose()?;
    let grid = match &raw.grid {
        None => None,
        Some(g) => {
            let mut values = BTreeMap::new();
            for (year, v) in &g.kg_co2e_per_kwh {
                let y = YearStyle::parse(year).ok_or_else(|| {
                    Error::bad_value(
                        cx.pos(v.span().start),
                        "grid.kg_co2e_per_kwh",
                        year.clone(),
                        "a year such as 2030",
                    )
                })?;
                values.insert(y, non_negative(&cx, v, "grid.kg_co2e_per_kwh")?);
            }
            if values.is_empty() || g.source.trim().is_empty() {
                return Err(Error::usage(format!(
                    "{file}: [grid] needs a source and at least one kg_co2e_per_kwh value"
                )));
            }
            Some(GridSeries {
                source: g.source.clone(),
                values,
            })
        }
    };

    let mut slices: Vec<SliceSpec> = Vec::new();
    for s in &raw.slice {
        let pos = cx.pos(s.span().start);
        let r = s.get_ref();
        let name = r.name.get_ref().trim().to_string();
        if name.is_empty() || slices.iter().any(|x| x.name == name) {
            return Err(Error::bad_value(
                cx.pos(r.name.span().start),
                "slice.name",
                r.name.get_ref().clone(),
                "a name not used by another slice",
            ));
        }
        let mut select = Selector::default();
        if let Some(v) = &r.scope {
            let s = match v.get_ref() {
                toml::Value::Integer(i) => i.to_string(),
                toml::Value::String(s) => s.trim().to_string(),
                _ => String::new(),
            };
            if !matches!(s.as_str(), "1" | "2" | "3") {
                return Err(cx.bad(v, "slice.scope", "1, 2 or 3"));
            }
            select.scope = Some(s);
        }
        if let Some(v) = &r.category {
            let list: Vec<&toml::Value> = match v.get_ref() {
                toml::Value::Array(a) => a.iter().collect(),
                one => vec![one],
            };
            for c in list {
                match c.as_integer() {
                    Some(c @ 1..=15) => select.categories.push(c as u8),
                    _ => return Err(cx.bad(v, "slice.category", "scope 3 categories, 1 to 15")),
                }
            }
        }
        if let Some(v) = &r.site {
            select.sites = cx.strings(v, "slice.site")?;
        }
        if let Some(v) = &r.factor_key {
            select.factor_keys = cx.strings(v, "slice.factor_key")?;
        }
        if let Some(v) = &r.activity {
            select.activities = cx.strings(v, "slice.activity")?;
        }
        let pct = |v: &Option<Val>, field: &str| -> Result<Decimal> {
            match v {
                None => Ok(Decimal::ZERO),
                Some(v) => {
                    let d = cx.dec(v, field)?;
                    if d <= -Decimal::ONE_HUNDRED {
                        return Err(cx.bad(v, field, "a yearly change above -100 percent"));
                    }
                    Ok(d)
                }
            }
        };
        let grid = r.grid.unwrap_or(false);
        if grid && r.factor_change_pct.is_some() {
            return Err(Error::malformed(
                pos,
                format!("slice {name:?}: a grid slice follows the grid projection; remove factor_change_pct or grid = true"),
            ));
        }
        slices.push(SliceSpec {
            growth_pct: pct(&r.growth_pct, "slice.growth_pct")?,
            factor_change_pct: pct(&r.factor_change_pct, "slice.factor_change_pct")?,
            grid,
            baseline_kg: r
                .baseline_kg
                .as_ref()
                .map(|v| non_negative(&cx, v, "slice.baseline_kg"))
                .transpose()?,
            baseline_kwh: r
                .baseline_kwh
                .as_ref()
                .map(|v| non_negative(&cx, v, "slice.baseline_kwh"))
                .transpose()?,
            name,
            pos,
            select,
        });
    }
    let slice_names: Vec<&str> = slices.iter().map(|s| s.name.as_str()).collect();
    let known_slice = |s: &Spanned<String>, field: &str| -> Result<String> {
        let name = s.get_ref().trim();
        if slice_names.contains(&name) || (slice_names.is_empty() && name == "all") {
            Ok(name.to_string())
        } else {
            Err(Error::bad_value(
                cx.pos(s.span().start),
                field,
                s.get_ref().clone(),
                format!(
                    "one of the plan's slices: {}",
                    if slice_names.is_empty() {
                        "all (the plan has no [[slice]] tables)".to_string()
                    } else {
                        slice_names.join(", ")
                    }
                ),
            ))
        }
    };

    let mut targets: Vec<TargetSpec> = Vec::new();
    for t in &raw.target {
        let r = t.get_ref();
        let name = r.name.get_ref().trim().to_string();
        let name_pos = cx.pos(r.name.span().start);
        if name.is_empty() || targets.iter().any(|x| x.name.value == name) {
            return Err(Error::bad_value(
                name_pos,
                "target.name",
                name,
                "a name not used by another target",
            ));
        }
        let covers = r
            .covers
            .iter()
            .flatten()
            .map(|s| known_slice(s, "target.covers"))
            .collect::<Result<Vec<_>>>()?;
        let mut points = Vec::new();
        for p in r.points.iter().flatten() {
            let pr = p.get_ref();
            let year = cx.year(&pr.year, "target.points.year")?;
            let pct = non_negative(&cx, &pr.pct_of_baseline, "target.points.pct_of_baseline")?;
            points.push(Located {
                value: (year, pct),
                pos: cx.pos(pr.year.span().start),
            });
        }
        let built_in = BUILT_IN_TARGETS.contains(&name.as_str());
        if built_in && !points.is_empty() {
            return Err(Error::malformed(
                name_pos,
                format!("target {name:?} is built in: give your own target another name to draw it from points"),
            ));
        }
        if !built_in && points.is_empty() {
            return Err(Error::malformed(
                name_pos,
                format!(
                    "target {name:?} is not built in ({}) and has no points: add points = [{{ year = \"2030/31\", pct_of_baseline = \"50\" }}]",
                    BUILT_IN_TARGETS.join(", ")
                ),
            ));
        }
        for w in points.windows(2) {
            if let [a, b] = w {
                if b.value.0 <= a.value.0 {
                    return Err(Error::malformed(
                        b.pos.clone(),
                        format!("target {name:?}: points must be in increasing year order"),
                    ));
                }
            }
        }
        targets.push(TargetSpec {
            name: Located {
                value: name,
                pos: name_pos,
            },
            covers,
            points,
        });
    }
    let show_targets = match &raw.targets {
        None => None,
        Some(list) => {
            let mut out = Vec::new();
            for s in list {
                let n = s.get_ref().trim().to_string();
                let pos = cx.pos(s.span().start);
                if !BUILT_IN_TARGETS.contains(&n.as_str())
                    && !targets.iter().any(|t| t.name.value == n)
                {
                    return Err(Error::bad_value(
                        pos,
                        "targets",
                        n,
                        format!(
                            "a built-in target ({}) or a [[target]] of the plan",
                            BUILT_IN_TARGETS.join(", ")
                        ),
                    ));
                }
                out.push(Located { value: n, pos });
            }
            Some(out)
        }
    };

    let mut interventions: Vec<Intervention> = Vec::new();
    for i in &raw.intervention {
        let r = i.get_ref();
        let pos = cx.pos(i.span().start);
        let name = r.name.get_ref().trim().to_string();
        if name.is_empty() || interventions.iter().any(|x| x.name == name) {
            return Err(Error::bad_value(
                cx.pos(r.name.span().start),
                "intervention.name",
                name,
                "a name not used by another intervention",
            ));
        }
        let slice = known_slice(&r.slice, "intervention.slice")?;
        let start = cx.year(&r.start, "intervention.start")?;
        let end = match &r.end {
            None => None,
            Some(v) => {
                let e = cx.year(v, "intervention.end")?;
                if e < start {
                    return Err(Error::bad_value(
                        cx.pos(v.span().start),
                        "intervention.end",
                        show(v),
                        format!(
                            "a year at or after the start ({}): intervention {name:?} cannot end before it starts",
                            style.label(start)
                        ),
                    ));
                }
                Some(e)
            }
        };
        let reduction = match (&r.reduction_pct, &r.reduction_tco2e) {
            (Some(v), None) => {
                let p = non_negative(&cx, v, "intervention.reduction_pct")?;
                if p > Decimal::ONE_HUNDRED {
                    return Err(cx.bad(v, "intervention.reduction_pct", "a percentage, 0 to 100"));
                }
                Reduction::Percent(p)
            }
            (None, Some(v)) => {
                let t = non_negative(&cx, v, "intervention.reduction_tco2e")?;
                Reduction::AbsoluteKg(t.checked_mul(Decimal::ONE_THOUSAND).ok_or_else(|| {
                    Error::overflow(cx.pos(v.span().start), "reduction_tco2e in kg")
                })?)
            }
            _ => {
                return Err(Error::malformed(
                    pos,
                    format!(
                    "intervention {name:?}: give exactly one of reduction_pct or reduction_tco2e"
                ),
                ))
            }
        };
        let money = |v: &Option<Val>, field: &str| -> Result<Decimal> {
            v.as_ref()
                .map_or(Ok(Decimal::ZERO), |v| non_negative(&cx, v, field))
        };
        let capex_gbp = money(&r.capex_gbp, "intervention.capex_gbp")?;
        let opex_gbp = money(&r.opex_gbp_per_year, "intervention.opex_gbp_per_year")?;
        let saving_gbp = money(&r.saving_gbp_per_year, "intervention.saving_gbp_per_year")?;
        let has_money = r.capex_gbp.is_some()
            || r.opex_gbp_per_year.is_some()
            || r.saving_gbp_per_year.is_some();
        let price_year = r
            .price_year
            .as_ref()
            .map(|v| cx.year(v, "intervention.price_year"))
            .transpose()?;
        if has_money && price_year.is_none() {
            return Err(Error::malformed(
                pos,
                format!("intervention {name:?}: costs need their price_year (the year whose prices they are in), e.g. price_year = 2024"),
            ));
        }
        let lifetime_years = r
            .lifetime_years
            .as_ref()
            .map(|v| cx.count(v, "intervention.lifetime_years", 1))
            .transpose()?;
        interventions.push(Intervention {
            name,
            pos,
            slice,
            start,
            end,
            ramp_years: r
                .ramp_years
                .as_ref()
                .map(|v| cx.count(v, "intervention.ramp_years", 0))
                .transpose()?
                .unwrap_or(1)
                .max(1),
            reduction,
            capex_gbp,
            opex_gbp,
            saving_gbp,
            price_year,
            lifetime_years,
        });
    }
    Ok(Plan {
        file: file.to_string(),
        name: raw.name.unwrap_or_default(),
        style,
        base_year,
        to,
        baseline_kg,
        discount_rate: discount_pct / Decimal::ONE_HUNDRED,
        price_year,
        show_targets,
        grid,
        slices,
        targets,
        interventions,
    })
}

fn non_negative(cx: &Cx<'_>, v: &Val, field: &str) -> Result<Decimal> {
    let d = cx.dec(v, field)?;
    if d.is_sign_negative() && !d.is_zero() {
        return Err(cx.bad(v, field, "a number zero or above"));
    }
    Ok(d)
}

impl Plan {
    /// Checks the plan's years against the base year: no target point at or before it, no
    /// intervention starting before it.
    pub fn check_years(&self, base_year: u16) -> Result<()> {
        for t in &self.targets {
            for p in &t.points {
                if p.value.0 <= base_year {
                    return Err(Error::bad_value(
                        p.pos.clone(),
                        format!("target {:?} year", t.name.value),
                        self.style.label(p.value.0),
                        format!(
                            "a year after the base year {} (the path starts there at 100%)",
                            self.style.label(base_year)
                        ),
                    ));
                }
            }
        }
        for i in &self.interventions {
            if i.start < base_year {
                return Err(Error::malformed(
                    i.pos.clone(),
                    format!(
                        "intervention {:?} starts in {}, before the base year {} (its effect is already in the baseline)",
                        i.name,
                        self.style.label(i.start),
                        self.style.label(base_year)
                    ),
                ));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_slice_is_located() {
        let text = "[[slice]]\nname = \"gas\"\nactivity = \"natural gas\"\n\n[[intervention]]\nname = \"heat pumps\"\nslice = \"gass\"\nstart = \"2025/26\"\nreduction_pct = 50\n";
        let e = parse_plan("plan.toml", text).unwrap_err().to_string();
        assert!(
            e.starts_with("plan.toml:7:9: intervention.slice: \"gass\""),
            "{e}"
        );
        assert!(e.contains("gas"), "{e}");
    }

    #[test]
    fn end_before_start_is_located() {
        let text = "[[intervention]]\nname = \"led\"\nslice = \"all\"\nstart = \"2025/26\"\nend = \"2024/25\"\nreduction_pct = \"5\"\n";
        let e = parse_plan("p.toml", text).unwrap_err().to_string();
        assert!(
            e.starts_with("p.toml:5:7: intervention.end: \"2024/25\""),
            "{e}"
        );
    }

    #[test]
    fn floats_are_refused_with_the_fix() {
        let text = "discount_rate_pct = 3.5\n";
        let e = parse_plan("p.toml", text).unwrap_err().to_string();
        assert!(e.starts_with("p.toml:1:21:"), "{e}");
        assert!(e.contains("\"3.5\""), "{e}");
    }

    #[test]
    fn target_year_before_base_year_is_located() {
        let text = "base_year = \"2019/20\"\n[[target]]\nname = \"board\"\npoints = [{ year = \"2018/19\", pct_of_baseline = \"90\" }]\n";
        let plan = parse_plan("p.toml", text).unwrap();
        let e = plan.check_years(2019).unwrap_err().to_string();
        assert!(e.starts_with("p.toml:4:20:"), "{e}");
        assert!(e.contains("2018/19"), "{e}");
    }
}
