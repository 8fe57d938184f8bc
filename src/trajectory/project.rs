//! Year by year from the base year: business as usual per slice, the interventions' wedges,
//! the plan's emissions, each target's level, the gap to it, and cumulative emissions against
//! each target's budget. Exact decimals throughout; growth compounds by repeated
//! multiplication, never `powf`.
//!
//! Order of reductions: on each slice, interventions act in the order the plan lists them,
//! each on what the ones before it left: a percentage takes that share of the remainder, an
//! absolute cut takes at most the remainder. So two cuts of 10% and 20% remove 28%, not 30%.
//! An intervention's wedge is what it removes in that order; the overlap is the sum of what
//! each would remove alone from business as usual minus what they remove together.

use super::baseline::SliceBase;
use super::plan::{GridSeries, Intervention, Plan, Reduction, BUILT_IN_TARGETS};
use super::targets::{self, Path};
use crate::{Error, Position, Result};
use rust_decimal::Decimal;

/// A target as projected: its path and the slices it covers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TargetDef {
    /// Its name.
    pub name: String,
    /// Its path.
    pub path: Path,
    /// Indices of the slices it covers.
    pub covers: Vec<usize>,
    /// Where it comes from (built-in) or `the plan` (custom).
    pub source: String,
}

/// Figures for one year, kg CO2e, unrounded.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct YearRow {
    /// The year (a financial year by the calendar year it starts in).
    pub year: u16,
    /// Business as usual.
    pub bau_kg: Decimal,
    /// With the plan's interventions.
    pub with_plan_kg: Decimal,
    /// Business as usual by slice.
    pub bau_by_slice: Vec<Decimal>,
    /// With the plan by slice.
    pub plan_by_slice: Vec<Decimal>,
    /// What each intervention removes, in plan order (the wedges add to BAU minus plan).
    pub wedges: Vec<Decimal>,
    /// What each intervention would remove alone from business as usual.
    pub standalone: Vec<Decimal>,
    /// Sum of the standalone cuts minus the wedges: what overlapping projects would have
    /// counted twice.
    pub overlap_kg: Decimal,
    /// Each target's level.
    pub targets: Vec<Decimal>,
    /// The plan's emissions over each target's slices.
    pub covered_kg: Vec<Decimal>,
    /// Covered emissions minus the target level (above zero: over the target).
    pub gap_kg: Vec<Decimal>,
    /// Emissions with the plan, summed from the year after the base year to this one.
    pub cumulative_kg: Decimal,
    /// The same over each target's slices.
    pub cumulative_covered_kg: Vec<Decimal>,
    /// Each target's levels summed over the same years: its carbon budget so far.
    pub budget_kg: Vec<Decimal>,
}

/// A projection from the base year to the last year any figure is needed for.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Projection {
    /// Base year.
    pub base_year: u16,
    /// Last year reported (rows past it are kept for lifetime abatement).
    pub to: u16,
    /// Slice names, in order.
    pub slices: Vec<String>,
    /// Base-year kg by slice.
    pub slice_base_kg: Vec<Decimal>,
    /// Intervention names, in plan order.
    pub interventions: Vec<String>,
    /// Targets, in the order shown.
    pub targets: Vec<TargetDef>,
    /// One row a year from the base year.
    pub rows: Vec<YearRow>,
}

impl Projection {
    /// The rows up to the last year reported.
    pub fn reported(&self) -> &[YearRow] {
        let n = self.rows.iter().take_while(|r| r.year <= self.to).count();
        &self.rows[..n]
    }

    /// The row of `year`, if projected.
    pub fn row(&self, year: u16) -> Option<&YearRow> {
        self.rows.iter().find(|r| r.year == year)
    }
}

/// Which targets to show and the slices each covers: the names asked for, else the plan's
/// `targets` list, else the four built-in ones and the plan's own.
pub fn target_defs(plan: &Plan, asked: &[String], slices: &[SliceBase]) -> Result<Vec<TargetDef>> {
    let names: Vec<String> = if !asked.is_empty() {
        asked.to_vec()
    } else if let Some(list) = &plan.show_targets {
        list.iter().map(|l| l.value.clone()).collect()
    } else {
        BUILT_IN_TARGETS
            .iter()
            .map(|s| s.to_string())
            .chain(
                plan.targets
                    .iter()
                    .filter(|t| !t.points.is_empty())
                    .map(|t| t.name.value.clone()),
            )
            .collect()
    };
    let mut out = Vec::new();
    for name in names {
        let spec = plan.targets.iter().find(|t| t.name.value == name);
        let path = match (Path::built_in(&name), spec) {
            (Some(p), _) => p,
            (None, Some(s)) => Path::Points(s.points.iter().map(|p| p.value).collect()),
            (None, None) => {
                let custom: Vec<&str> =
                    plan.targets.iter().map(|t| t.name.value.as_str()).collect();
                return Err(Error::usage(format!(
                    "no target named {name:?}; built in: {}{}",
                    BUILT_IN_TARGETS.join(", "),
                    if custom.is_empty() {
                        String::new()
                    } else {
                        format!("; in the plan: {}", custom.join(", "))
                    }
                )));
            }
        };
        let covers: Vec<usize> = match spec.filter(|s| !s.covers.is_empty()) {
            Some(s) => slices
                .iter()
                .enumerate()
                .filter(|(_, sl)| s.covers.contains(&sl.name))
                .map(|(i, _)| i)
                .collect(),
            None => (0..slices.len()).collect(),
        };
        out.push(TargetDef {
            source: targets::source(&name)
                .map_or_else(|| format!("custom, from {}", plan.file), str::to_string),
            name,
            path,
            covers,
        });
    }
    Ok(out)
}

/// A sum that is an error, not a panic, past the decimal range.
fn sum(values: impl IntoIterator<Item = Decimal>) -> Result<Decimal> {
    values
        .into_iter()
        .try_fold(Decimal::ZERO, |a, v| a.checked_add(v))
        .ok_or_else(|| ov("a sum"))
}

fn ov(what: &str) -> Error {
    Error::overflow(Position::default(), what.to_string())
}

/// The grid factor in `year`: the series' value, straight lines between published years,
/// the nearest end outside them.
pub fn grid_at(grid: &GridSeries, year: u16) -> Option<Decimal> {
    if let Some(v) = grid.values.get(&year) {
        return Some(*v);
    }
    let before = grid.values.range(..year).next_back();
    let after = grid.values.range(year..).next();
    match (before, after) {
        (Some((&y0, &v0)), Some((&y1, &v1))) => {
            let t = v1.checked_sub(v0)?.checked_mul(Decimal::from(year - y0))?;
            v0.checked_add(t.checked_div(Decimal::from(y1 - y0))?)
        }
        (Some((_, &v)), None) | (None, Some((_, &v))) => Some(v),
        (None, None) => None,
    }
}

/// A grid slice's emissions in `year` at base-year activity.
///
/// With a base year before the series starts: the base-year figure, then straight towards
/// kWh x the series' first value, then kWh x the series (the series replaces the base-year
/// generation and T&D factors together, being consumption-based). With a base year inside the
/// series: the base-year figure scaled by the series' change since the base year.
fn grid_kg(s: &SliceBase, grid: &GridSeries, base: u16, year: u16) -> Option<Decimal> {
    let (&first, _) = grid.values.iter().next()?;
    if year <= base {
        return Some(s.kg);
    }
    if base < first {
        if year < first {
            let end = s.kwh.checked_mul(grid_at(grid, first)?)?;
            let t = end
                .checked_sub(s.kg)?
                .checked_mul(Decimal::from(year - base))?;
            return s
                .kg
                .checked_add(t.checked_div(Decimal::from(first - base))?);
        }
        return s.kwh.checked_mul(grid_at(grid, year)?);
    }
    let g0 = grid_at(grid, base)?;
    s.kg.checked_mul(grid_at(grid, year)?)?.checked_div(g0)
}

/// Share of an intervention's full effect in `year`: 0 before its start and after its end,
/// then 1/ramp, 2/ramp, ... up to 1.
pub fn ramp(i: &Intervention, year: u16) -> Decimal {
    if year < i.start || i.end.is_some_and(|e| year > e) {
        return Decimal::ZERO;
    }
    let k = Decimal::from(year - i.start + 1);
    let r = Decimal::from(i.ramp_years.max(1));
    if k >= r {
        Decimal::ONE
    } else {
        k / r
    }
}

/// What an intervention removes from `remaining` in a year with ramp share `share`.
pub fn cut(reduction: Reduction, remaining: Decimal, share: Decimal) -> Option<Decimal> {
    if share.is_zero() || remaining <= Decimal::ZERO {
        return Some(Decimal::ZERO);
    }
    match reduction {
        Reduction::Percent(p) => remaining
            .checked_mul(p)?
            .checked_mul(share)?
            .checked_div(Decimal::ONE_HUNDRED),
        Reduction::AbsoluteKg(kg) => Some(kg.checked_mul(share)?.min(remaining)),
    }
}

/// Projects from `base_year` to `to` (and further, to the end of every intervention's
/// lifetime, for abatement costs).
pub fn project(
    base_year: u16,
    to: u16,
    slices: &[SliceBase],
    grid: &GridSeries,
    interventions: &[Intervention],
    targets: Vec<TargetDef>,
) -> Result<Projection> {
    let horizon = interventions
        .iter()
        .filter_map(|i| i.lifetime_years.map(|l| i.start.saturating_add(l - 1)))
        .fold(to, u16::max);
    let slice_of: Vec<usize> = interventions
        .iter()
        .map(|i| slices.iter().position(|s| s.name == i.slice))
        .collect::<Option<Vec<_>>>()
        .ok_or_else(|| Error::usage("an intervention names a slice the baseline does not have"))?;
    let base_cover: Vec<Decimal> = targets
        .iter()
        .map(|t| sum(t.covers.iter().map(|&i| slices[i].kg)))
        .collect::<Result<_>>()?;
    let hundred = Decimal::ONE_HUNDRED;
    let change = |pct: Decimal| -> Result<Decimal> {
        hundred
            .checked_add(pct)
            .and_then(|v| v.checked_div(hundred))
            .ok_or_else(|| ov("a yearly change"))
    };
    let mut growth: Vec<Decimal> = vec![Decimal::ONE; slices.len()];
    let mut factor: Vec<Decimal> = vec![Decimal::ONE; slices.len()];
    let mut rows = Vec::new();
    let mut cumulative = Decimal::ZERO;
    // Kept so every sum a report makes of these rows (wedges over years) is known to fit.
    let mut cumulative_bau = Decimal::ZERO;
    let mut cum_cover = vec![Decimal::ZERO; targets.len()];
    let mut budget = vec![Decimal::ZERO; targets.len()];
    for year in base_year..=horizon {
        let mut bau_by_slice = Vec::with_capacity(slices.len());
        for (i, s) in slices.iter().enumerate() {
            if year > base_year {
                let g = change(s.spec.growth_pct)?;
                growth[i] = growth[i].checked_mul(g).ok_or_else(|| ov("growth"))?;
                let f = change(s.spec.factor_change_pct)?;
                factor[i] = factor[i]
                    .checked_mul(f)
                    .ok_or_else(|| ov("factor change"))?;
            }
            let at_base_activity = if s.spec.grid {
                grid_kg(s, grid, base_year, year).ok_or_else(|| ov("grid projection"))?
            } else {
                s.kg.checked_mul(factor[i])
                    .ok_or_else(|| ov("factor change"))?
            };
            bau_by_slice.push(
                at_base_activity
                    .checked_mul(growth[i])
                    .ok_or_else(|| ov("business as usual"))?,
            );
        }
        let mut plan_by_slice = bau_by_slice.clone();
        let mut wedges = Vec::with_capacity(interventions.len());
        let mut standalone = Vec::with_capacity(interventions.len());
        for (n, i) in interventions.iter().enumerate() {
            let s = slice_of[n];
            // The base year is the baseline as measured: nothing planned acts in it.
            let share = if year > base_year {
                ramp(i, year)
            } else {
                Decimal::ZERO
            };
            let c = cut(i.reduction, plan_by_slice[s], share).ok_or_else(|| ov("a wedge"))?;
            plan_by_slice[s] -= c;
            wedges.push(c);
            standalone.push(cut(i.reduction, bau_by_slice[s], share).ok_or_else(|| ov("a wedge"))?);
        }
        let bau_kg = sum(bau_by_slice.iter().copied())?;
        let with_plan_kg = sum(plan_by_slice.iter().copied())?;
        let overlap_kg = sum(standalone.iter().copied())?
            .checked_sub(sum(wedges.iter().copied())?)
            .ok_or_else(|| ov("the overlap"))?;
        let mut levels = Vec::with_capacity(targets.len());
        let mut covered = Vec::with_capacity(targets.len());
        let mut gap = Vec::with_capacity(targets.len());
        for (t, def) in targets.iter().enumerate() {
            let pct = def
                .path
                .percent(base_year, year)
                .ok_or_else(|| ov("a target level"))?;
            let level = base_cover[t]
                .checked_mul(pct)
                .and_then(|v| v.checked_div(hundred))
                .ok_or_else(|| ov("a target level"))?;
            let c = sum(def.covers.iter().map(|&i| plan_by_slice[i]))?;
            if year > base_year {
                cum_cover[t] = sum([cum_cover[t], c])?;
                budget[t] = sum([budget[t], level])?;
            }
            levels.push(level);
            covered.push(c);
            gap.push(c.checked_sub(level).ok_or_else(|| ov("a gap"))?);
        }
        if year > base_year {
            cumulative = sum([cumulative, with_plan_kg])?;
            cumulative_bau = sum([cumulative_bau, bau_kg])?;
        }
        rows.push(YearRow {
            year,
            bau_kg,
            with_plan_kg,
            bau_by_slice,
            plan_by_slice,
            wedges,
            standalone,
            overlap_kg,
            targets: levels,
            covered_kg: covered,
            gap_kg: gap,
            cumulative_kg: cumulative,
            cumulative_covered_kg: cum_cover.clone(),
            budget_kg: budget.clone(),
        });
    }
    Ok(Projection {
        base_year,
        to,
        slices: slices.iter().map(|s| s.name.clone()).collect(),
        slice_base_kg: slices.iter().map(|s| s.kg).collect(),
        interventions: interventions.iter().map(|i| i.name.clone()).collect(),
        targets,
        rows,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::trajectory::baseline::from_total;
    use crate::trajectory::plan::parse_plan;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    fn run(plan: &str, base_kg: &str, to: u16) -> Projection {
        let plan = parse_plan("p.toml", plan).unwrap();
        let slices = from_total(d(base_kg), &plan).unwrap();
        let targets = target_defs(&plan, &["sbti-1.5c".to_string()], &slices).unwrap();
        let grid = crate::trajectory::tables::shipped_grid().unwrap();
        project(2019, to, &slices, &grid, &plan.interventions, targets).unwrap()
    }

    #[test]
    fn two_percent_growth_compounds_over_three_years() {
        let p = run(
            "[[slice]]\nname = \"all\"\nbaseline_kg = \"1000000\"\ngrowth_pct = \"2\"\n",
            "1000000",
            2022,
        );
        assert_eq!(p.row(2022).unwrap().bau_kg, d("1061208"));
        assert_eq!(p.row(2022).unwrap().with_plan_kg, d("1061208"));
    }

    #[test]
    fn ten_and_twenty_percent_on_one_slice_remove_twenty_eight() {
        let plan = "[[intervention]]\nname = \"a\"\nslice = \"all\"\nstart = 2020\nreduction_pct = 10\n\n[[intervention]]\nname = \"b\"\nslice = \"all\"\nstart = 2020\nreduction_pct = 20\n";
        let p = run(plan, "1000", 2021);
        let r = p.row(2020).unwrap();
        assert_eq!(r.with_plan_kg, d("720"));
        assert_eq!(r.wedges, vec![d("100"), d("180")]);
        assert_eq!(r.standalone, vec![d("100"), d("200")]);
        assert_eq!(r.overlap_kg, d("20"));
        // The 2019 row is the baseline, untouched.
        assert_eq!(p.row(2019).unwrap().with_plan_kg, d("1000"));
    }

    #[test]
    fn ramp_and_end_bound_an_intervention() {
        let plan = "[[intervention]]\nname = \"a\"\nslice = \"all\"\nstart = 2020\nramp_years = 4\nend = 2022\nreduction_tco2e = 1\n";
        let p = run(plan, "10000", 2023);
        let w: Vec<Decimal> = p.rows.iter().map(|r| r.wedges[0]).collect();
        assert_eq!(w, vec![d("0"), d("250"), d("500"), d("750"), d("0")]);
    }

    #[test]
    fn budget_and_gap_against_sbti() {
        let p = run("", "10000000", 2021);
        let r = p.row(2021).unwrap();
        assert_eq!(r.targets, vec![d("9160000")]);
        assert_eq!(r.gap_kg, vec![d("840000")]);
        assert_eq!(r.budget_kg, vec![d("18740000")]);
        assert_eq!(r.cumulative_kg, d("20000000"));
    }

    proptest::proptest! {
        /// Any numbers in a plan end in figures or an error, never a panic.
        #[test]
        fn any_plan_numbers_never_panic(
            base in proptest::num::i64::ANY,
            base_scale in 0u32..28,
            growth in proptest::num::i64::ANY,
            change in proptest::num::i64::ANY,
            cut_t in proptest::num::i64::ANY,
            ramp in 0u16..40,
        ) {
            let kg = Decimal::new(base.saturating_abs(), base_scale)
                .checked_mul(Decimal::from(u64::MAX))
                .unwrap_or(Decimal::MAX);
            let text = format!(
                "[[slice]]\nname = \"s\"\nbaseline_kg = \"{kg}\"\ngrowth_pct = \"{}\"\nfactor_change_pct = \"{}\"\n\n[[intervention]]\nname = \"a\"\nslice = \"s\"\nstart = 2020\nramp_years = {ramp}\nreduction_tco2e = \"{}\"\n\n[[intervention]]\nname = \"b\"\nslice = \"s\"\nstart = 2021\nreduction_pct = 50\nlifetime_years = 30\n",
                Decimal::new(growth, 2), Decimal::new(change, 3), Decimal::new(cut_t.saturating_abs(), 1),
            );
            if let Ok(plan) = parse_plan("p.toml", &text) {
                if let Ok(slices) = from_total(kg, &plan) {
                    let grid = crate::trajectory::tables::shipped_grid().unwrap();
                    if let Ok(targets) = target_defs(&plan, &[], &slices) {
                        let _ = project(2019, 2050, &slices, &grid, &plan.interventions, targets);
                    }
                }
            }
        }
    }

    #[test]
    fn grid_slice_moves_to_the_series() {
        // 1,000,000 kWh at 0.3 kg in 2019/20; series first value 0.207185 in 2025.
        let plan = "[[slice]]\nname = \"electricity\"\ngrid = true\nbaseline_kg = \"300000\"\nbaseline_kwh = \"1000000\"\n";
        let p = run(plan, "300000", 2040);
        assert_eq!(p.row(2025).unwrap().bau_kg, d("207185"));
        assert_eq!(p.row(2022).unwrap().bau_kg, d("253592.5")); // halfway
        assert_eq!(p.row(2040).unwrap().bau_kg, d("8441")); // held at 2039
    }
}
