//! Reduction trajectories: where a trust's emissions go without action (business as usual),
//! where its targets say they must go, what each planned intervention removes and at what cost
//! per tonne, and why emissions moved between two inventory runs (the bridge).
//!
//! In: a baseline split into slices (from a run's `ledger.csv`, or a kg figure) and a plan
//! (`plan.toml`). Out: exact yearly figures in kg CO2e, rendered as a table, CSV, JSON and SVG.
//!
//! - [`plan`]: `plan.toml` read and checked, every problem pointing at its line and column.
//! - [`baseline`]: ledger lines grouped into the plan's slices.
//! - [`targets`]: the built-in and custom target paths.
//! - [`project`]: business as usual, interventions, gaps and budgets, year by year.
//! - [`macc`]: marginal abatement cost of each intervention against the carbon values.
//! - [`tables`]: the shipped grid projection and appraisal carbon values.
//! - [`bridge`]: a year-on-year change split into activity and factor effects, line by line.
//! - [`render`] and [`chart`]: the results as table, CSV, JSON and SVG.

pub mod baseline;
pub mod bridge;
pub mod chart;
pub mod macc;
pub mod plan;
pub mod project;
pub mod render;
pub mod tables;
pub mod targets;

use crate::factors::load::LineIndex;
use crate::{Error, Position};

/// How years are named: NHS financial years (April to March, `2019/20`) or calendar years.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum YearStyle {
    /// NHS financial year, named by the calendar year it starts in (`2019/20` is 2019).
    #[default]
    Financial,
    /// Calendar year.
    Calendar,
}

impl YearStyle {
    /// The year's name: `2019/20` or `2019`.
    pub fn label(self, year: u16) -> String {
        match self {
            YearStyle::Financial => format!("{year}/{:02}", (year % 100 + 1) % 100),
            YearStyle::Calendar => year.to_string(),
        }
    }

    /// Reads `2019/20`, `2019-20` or `2019` (a financial year by its start year) to the year
    /// it starts in; `None` for anything else.
    pub fn parse(text: &str) -> Option<u16> {
        let t = text.trim();
        let (start, end) = match t.find(['/', '-']) {
            Some(i) => (&t[..i], Some(&t[i + 1..])),
            None => (t, None),
        };
        if start.len() != 4 || !start.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let y: u16 = start.parse().ok().filter(|y| (1900..=2200).contains(y))?;
        match end {
            None => Some(y),
            Some(e) => {
                let next = y + 1;
                let ok = (e.len() == 2 && e.parse::<u16>().ok() == Some(next % 100))
                    || (e.len() == 4 && e.parse::<u16>().ok() == Some(next));
                ok.then_some(y)
            }
        }
    }
}

/// The position of byte `offset` of `text` (a file named `file`).
pub(crate) fn position(file: &str, text: &str, offset: usize) -> Position {
    let (line, col) = LineIndex::new(text).line_col(offset);
    Position::new(file, line, col)
}

/// A TOML syntax or type error, at its line and column.
pub(crate) fn toml_error(file: &str, text: &str, e: &toml::de::Error) -> Error {
    let pos = e.span().map_or_else(
        || Position::new(file, 0, 0),
        |s| position(file, text, s.start),
    );
    let mut message = e.message().trim_end().to_string();
    // toml says only "duplicate key": name it, so the user knows which line to delete.
    if message == "duplicate key" {
        if let Some(key) = e.span().and_then(|s| text.get(s)) {
            message = format!(
                "duplicate key `{}`: it is given twice in one table; keep one",
                key.trim()
            );
        }
    }
    Error::malformed(pos, message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn financial_years_read_and_print() {
        assert_eq!(YearStyle::parse("2019/20"), Some(2019));
        assert_eq!(YearStyle::parse("2019-20"), Some(2019));
        assert_eq!(YearStyle::parse("1999/2000"), Some(1999));
        assert_eq!(YearStyle::parse("2045"), Some(2045));
        assert_eq!(YearStyle::parse("2019/21"), None);
        assert_eq!(YearStyle::parse("19/20"), None);
        assert_eq!(YearStyle::Financial.label(2019), "2019/20");
        assert_eq!(YearStyle::Financial.label(2099), "2099/00");
        assert_eq!(YearStyle::Calendar.label(2019), "2019");
    }
}
