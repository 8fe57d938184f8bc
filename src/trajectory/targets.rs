//! Target paths: the share of base-year emissions a target allows in each year.
//!
//! How each path is drawn (also in the README):
//! - `sbti-1.5c` and `sbti-wb2c`: linear absolute contraction, 4.2% and 2.5% of base-year
//!   emissions a year (SBTi), from 100% in the base year, never below zero.
//! - `nhs-carbon-footprint`: 100% in the base year, 53% (at least 47% below 2019/20) in 2032/33,
//!   the last year of the published 2028-2032 window, 0 (net zero) in 2040/41; straight lines
//!   between, 0 after. `nhs-footprint-plus`: 27% (73% below) in 2038/39, the window 2036-2038's
//!   last year, and 0 in 2045/46. The window's last year is the latest the ambition allows, so a
//!   gap to these paths is the least a trust must close. The NHS figures are set against 2019/20:
//!   with another base year the path starts from that year's figure, and a note says so.
//! - Custom: 100% in the base year, then the plan's (year, % of baseline) points, straight
//!   lines between, the last point's level after it.

use rust_decimal::Decimal;

/// Where a built-in target's figures come from.
pub fn source(name: &str) -> Option<&'static str> {
    Some(match name {
        "nhs-carbon-footprint" => "NHS England, Delivering a 'Net Zero' National Health Service (October 2020): net zero by 2040 for the NHS Carbon Footprint; at least 47% below 2019/20 by 2028-2032 (as published in The Christie NHS FT board papers, 26 May 2022, p.108)",
        "nhs-footprint-plus" => "NHS England, Delivering a 'Net Zero' National Health Service (October 2020): net zero by 2045 for the NHS Carbon Footprint Plus; at least 73% below 2019/20 by 2036-2038 (as published in The Christie NHS FT board papers, 26 May 2022, p.108)",
        "sbti-1.5c" => "Science Based Targets initiative, absolute contraction approach: 4.2% of base-year emissions a year, linear (1.5 C)",
        "sbti-wb2c" => "Science Based Targets initiative, absolute contraction approach: 2.5% of base-year emissions a year, linear (well below 2 C)",
        _ => return None,
    })
}

/// The year NHS targets are measured from.
pub const NHS_BASE_YEAR: u16 = 2019;

/// A target's path as a share of base-year emissions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Path {
    /// Falls by this many percent of base-year emissions each year, to zero.
    Linear(Decimal),
    /// Percent of base-year emissions at checkpoint years after the base year, straight
    /// lines between.
    Points(Vec<(u16, Decimal)>),
}

impl Path {
    /// A built-in target's path.
    pub fn built_in(name: &str) -> Option<Path> {
        let pct = |v: i64| Decimal::from(v);
        Some(match name {
            "sbti-1.5c" => Path::Linear(Decimal::new(42, 1)),
            "sbti-wb2c" => Path::Linear(Decimal::new(25, 1)),
            "nhs-carbon-footprint" => Path::Points(vec![(2032, pct(53)), (2040, pct(0))]),
            "nhs-footprint-plus" => Path::Points(vec![(2038, pct(27)), (2045, pct(0))]),
            _ => return None,
        })
    }

    /// Percent of base-year emissions allowed in `year`. Divisions (between checkpoints that
    /// are not a round number of years apart) keep rust_decimal's 28 significant digits.
    pub fn percent(&self, base_year: u16, year: u16) -> Option<Decimal> {
        if year <= base_year {
            return Some(Decimal::ONE_HUNDRED);
        }
        match self {
            Path::Linear(rate) => {
                let cut = rate.checked_mul(Decimal::from(year - base_year))?;
                Some((Decimal::ONE_HUNDRED - cut).max(Decimal::ZERO))
            }
            Path::Points(points) => {
                let mut prev = (base_year, Decimal::ONE_HUNDRED);
                for &(y, p) in points.iter().filter(|(y, _)| *y > base_year) {
                    if year <= y {
                        let span = Decimal::from(y - prev.0);
                        let step = Decimal::from(year - prev.0);
                        let diff = p.checked_sub(prev.1)?.checked_mul(step)?;
                        return prev.1.checked_add(diff.checked_div(span)?);
                    }
                    prev = (y, p);
                }
                Some(prev.1)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn sbti_one_point_five_is_four_point_two_percent_a_year_linear() {
        let p = Path::built_in("sbti-1.5c").unwrap();
        let base = d("10000");
        let level = |y| base * p.percent(2019, y).unwrap() / Decimal::ONE_HUNDRED;
        assert_eq!(level(2020), d("9580"));
        assert_eq!(level(2029), d("5800"));
        assert_eq!(level(2044), d("0")); // 25 x 4.2 = 105%: floored at zero
    }

    #[test]
    fn nhs_paths_hit_their_checkpoints() {
        let cf = Path::built_in("nhs-carbon-footprint").unwrap();
        assert_eq!(cf.percent(2019, 2019), Some(d("100")));
        assert_eq!(cf.percent(2019, 2032), Some(d("53")));
        assert_eq!(cf.percent(2019, 2036), Some(d("26.5")));
        assert_eq!(cf.percent(2019, 2040), Some(d("0")));
        assert_eq!(cf.percent(2019, 2045), Some(d("0")));
        let plus = Path::built_in("nhs-footprint-plus").unwrap();
        assert_eq!(plus.percent(2019, 2038), Some(d("27")));
        assert_eq!(plus.percent(2019, 2045), Some(d("0")));
    }

    #[test]
    fn custom_points_are_joined_by_straight_lines() {
        let p = Path::Points(vec![(2024, d("80")), (2029, d("50"))]);
        assert_eq!(p.percent(2019, 2021), Some(d("92")));
        assert_eq!(p.percent(2019, 2026), Some(d("68")));
        assert_eq!(p.percent(2019, 2035), Some(d("50")));
    }
}
