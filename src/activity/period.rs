//! Reporting periods as users write them: a year, a month, a day, or an NHS financial year.

use std::fmt;

/// A period named on an activity row.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Period {
    /// A calendar year, `2024`.
    Year(u16),
    /// An NHS financial year, April to March, `2024/25` (the year it starts).
    FinancialYear(u16),
    /// A month, `2024-05`.
    Month(u16, u8),
    /// A day, `2024-05-31`.
    Day(u16, u8, u8),
    /// A quarter of an NHS financial year, `Q1 2024/25` (April to June 2024): the year the
    /// financial year starts in and the quarter, 1 to 4.
    Quarter(u16, u8),
}

impl Period {
    /// Parses `2024`, `2024-05`, `2024-05-31`, `2024/25`, `2024-25` or `2024/2025`, and the
    /// forms spreadsheets and finance systems export: `31/05/2024` (UK day first),
    /// `2024-05-31T00:00:00`, `May 2024`, `May-24`, `FY2024/25`, quarters of the financial
    /// year (`Q1 2024/25`) and Excel date serials (`45413`, five digits).
    pub fn parse(text: &str) -> Option<Period> {
        let t = text.trim();
        if let Some(p) = Self::parse_strict(t) {
            return Some(p);
        }
        Self::parse_loose(t)
    }

    fn parse_loose(t: &str) -> Option<Period> {
        // An Excel date serial, as a date cell exported without its format reads: 45413.
        if t.len() == 5 && t.bytes().all(|b| b.is_ascii_digit()) {
            return t.parse::<u32>().ok().and_then(excel_serial_day);
        }
        // Q1 2024/25, 2024/25 Q1, Q1 FY2024/25: quarters of the NHS financial year.
        if let Some(p) = quarter(t) {
            return Some(p);
        }
        // FY2024/25, FY 2024-25
        if let Some(rest) = t.strip_prefix("FY").or_else(|| t.strip_prefix("fy")) {
            return match Self::parse_strict(rest.trim())? {
                p @ Period::FinancialYear(_) => Some(p),
                _ => None,
            };
        }
        // 2024-05-31T00:00:00 or 2024-05-31 00:00:00: the date part.
        if t.len() > 10 && t.is_char_boundary(10) && matches!(t.as_bytes()[10], b'T' | b' ') {
            return match Self::parse_strict(&t[..10])? {
                p @ Period::Day(..) => Some(p),
                _ => None,
            };
        }
        // 31/05/2024 or 1/5/2024, day first as in the UK.
        let parts: Vec<&str> = t.split('/').collect();
        if parts.len() == 3 && parts[2].len() == 4 {
            let d = parts[0].parse::<u8>().ok()?;
            let m = parts[1].parse::<u8>().ok()?;
            if parts[0].len() > 2 || parts[1].len() > 2 {
                return None;
            }
            return Self::parse_strict(&format!("{}-{m:02}-{d:02}", parts[2]));
        }
        // May 2024, May-2024, May-24, may 24
        let (name, year) = t.split_once([' ', '-'])?;
        let m = month_number(name)?;
        let year = year.trim();
        let y: u16 = match year.len() {
            4 => year.parse().ok()?,
            2 => 2000 + year.parse::<u16>().ok()?,
            _ => return None,
        };
        (1900..=2200).contains(&y).then_some(Period::Month(y, m))
    }

    fn parse_strict(t: &str) -> Option<Period> {
        let b = t.as_bytes();
        let num = |s: &str| -> Option<u16> {
            (!s.is_empty() && s.bytes().all(|c| c.is_ascii_digit()))
                .then(|| s.parse().ok())
                .flatten()
        };
        let year = |s: &str| num(s).filter(|y| s.len() == 4 && (1900..=2200).contains(y));
        match b.len() {
            4 => year(t).map(Period::Year),
            7 if b[4] == b'/' || b[4] == b'-' => {
                let y = year(&t[..4])?;
                let second = num(&t[5..])?;
                if b[4] == b'/' || second == (y + 1) % 100 && b[4] == b'-' && second > 12 {
                    // 2024/25 (or 2024-25, which cannot be a month)
                    return (second == (y + 1) % 100).then_some(Period::FinancialYear(y));
                }
                (1..=12)
                    .contains(&second)
                    .then_some(Period::Month(y, second as u8))
            }
            9 if b[4] == b'/' => {
                let (y, y2) = (year(&t[..4])?, year(&t[5..])?);
                (y2 == y + 1).then_some(Period::FinancialYear(y))
            }
            10 if b[4] == b'-' && b[7] == b'-' => {
                let y = year(&t[..4])?;
                let m = num(&t[5..7])?;
                let d = num(&t[8..])?;
                (days_in_month(y, m)? >= d && d >= 1).then_some(Period::Day(y, m as u8, d as u8))
            }
            _ => None,
        }
    }

    /// The calendar year the period starts in, which picks the DESNZ edition by default.
    pub fn start_year(&self) -> u16 {
        match *self {
            Period::Year(y)
            | Period::FinancialYear(y)
            | Period::Month(y, _)
            | Period::Day(y, _, _) => y,
            // Q4 (January to March) starts in the next calendar year.
            Period::Quarter(y, q) => {
                if q == 4 {
                    y + 1
                } else {
                    y
                }
            }
        }
    }
}

/// `Q1 2024/25`, `2024/25 Q1`, `Q1 FY2024/25`, `Q1 2024-25` (any case) to a quarter.
fn quarter(t: &str) -> Option<Period> {
    let words: Vec<&str> = t.split_whitespace().collect();
    let (q, fy) = match words.as_slice() {
        [a, b] if a.len() == 2 && (a.starts_with('Q') || a.starts_with('q')) => (*a, *b),
        [a, b] if b.len() == 2 && (b.starts_with('Q') || b.starts_with('q')) => (*b, *a),
        _ => return None,
    };
    let n = q[1..].parse::<u8>().ok().filter(|n| (1..=4).contains(n))?;
    let fy = fy
        .strip_prefix("FY")
        .or_else(|| fy.strip_prefix("fy"))
        .unwrap_or(fy);
    match Period::parse_strict(fy)? {
        Period::FinancialYear(y) => Some(Period::Quarter(y, n)),
        _ => None,
    }
}

/// An Excel (1900 date system) serial to its day: 45413 is 2024-05-01. Serials before
/// 1 March 1900 (where Excel counts a 29 February 1900 that never was) are not dates here.
fn excel_serial_day(serial: u32) -> Option<Period> {
    if !(61..=109_574).contains(&serial) {
        return None;
    }
    // Days from 1970-01-01: serial 25569 is 1970-01-01.
    let days = i64::from(serial) - 25_569;
    let (y, m, d) = civil_from_days(days);
    let y = u16::try_from(y).ok()?;
    Some(Period::Day(y, m, d))
}

/// Howard Hinnant's days-to-civil algorithm, in whole days (no floating point).
fn civil_from_days(z: i64) -> (i64, u8, u8) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u8;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// The year a report covers: an NHS financial year (April to March) or a calendar year.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ReportingYear {
    /// An NHS financial year, April to March, by the year it starts in (`2024/25` is 2024).
    Financial(u16),
    /// A calendar year, January to December.
    Calendar(u16),
}

impl ReportingYear {
    /// Parses `--year`: `2024/25` (also `2024-25`, `2024/2025`, `FY2024/25`) is an NHS
    /// financial year, `2024` a calendar year.
    pub fn parse(text: &str) -> Option<ReportingYear> {
        match Period::parse(text)? {
            Period::FinancialYear(y) => Some(ReportingYear::Financial(y)),
            Period::Year(y) => Some(ReportingYear::Calendar(y)),
            _ => None,
        }
    }

    /// The reporting year a period belongs to when no `--year` is given: NHS financial years
    /// are the default reading of months and dates (2025-02 is in 2024/25); a period written
    /// as a calendar year stays one.
    pub fn of(p: Period) -> ReportingYear {
        match p {
            Period::Year(y) => ReportingYear::Calendar(y),
            Period::FinancialYear(y) => ReportingYear::Financial(y),
            Period::Month(y, m) | Period::Day(y, m, _) => {
                ReportingYear::Financial(if m >= 4 { y } else { y - 1 })
            }
            Period::Quarter(y, _) => ReportingYear::Financial(y),
        }
    }

    /// True when the whole of `p` lies within this year.
    pub fn contains(self, p: Period) -> bool {
        match (self, p) {
            (ReportingYear::Calendar(y), Period::Year(py)) => y == py,
            (ReportingYear::Calendar(y), Period::Month(py, _) | Period::Day(py, _, _)) => y == py,
            (ReportingYear::Calendar(_), Period::FinancialYear(_)) => false,
            // Quarters 1-3 of 2024/25 fall in 2024, quarter 4 (January to March) in 2025.
            (ReportingYear::Calendar(y), Period::Quarter(..)) => p.start_year() == y,
            (ReportingYear::Financial(y), Period::Quarter(py, _)) => y == py,
            (ReportingYear::Financial(y), Period::FinancialYear(py)) => y == py,
            (ReportingYear::Financial(_), Period::Year(_)) => false,
            (ReportingYear::Financial(y), Period::Month(..) | Period::Day(..)) => {
                ReportingYear::of(p) == ReportingYear::Financial(y)
            }
        }
    }

    /// The calendar year holding the greater part of the period, whose DESNZ edition prices
    /// all of it (DESNZ's rule): a financial year has nine of its twelve months in the year
    /// it starts, so 2024/25 takes 2024.
    pub fn edition_year(self) -> u16 {
        match self {
            ReportingYear::Financial(y) | ReportingYear::Calendar(y) => y,
        }
    }

    /// What the year spans, in words: `NHS financial year April 2024 to March 2025`.
    pub fn describe(self) -> String {
        match self {
            ReportingYear::Financial(y) => {
                format!("NHS financial year April {y} to March {}", y + 1)
            }
            ReportingYear::Calendar(y) => format!("calendar year January to December {y}"),
        }
    }

    /// Which months of the period fall in [`ReportingYear::edition_year`], in words.
    pub fn edition_months(self) -> String {
        match self {
            ReportingYear::Financial(y) => {
                format!("April to December {y}, nine of its twelve months")
            }
            ReportingYear::Calendar(y) => format!("all of {y}"),
        }
    }
}

impl fmt::Display for ReportingYear {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            ReportingYear::Financial(y) => write!(f, "{}", Period::FinancialYear(y)),
            ReportingYear::Calendar(y) => write!(f, "{y}"),
        }
    }
}

fn month_number(name: &str) -> Option<u8> {
    const NAMES: [&str; 12] = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    let n = name.trim().to_ascii_lowercase();
    if n.len() < 3 {
        return None;
    }
    NAMES
        .iter()
        .position(|full| full.starts_with(n.as_str()) || (n == "sept" && *full == "september"))
        .map(|i| i as u8 + 1)
}

fn days_in_month(y: u16, m: u16) -> Option<u16> {
    Some(match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        _ => return None,
    })
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Period::Year(y) => write!(f, "{y}"),
            Period::FinancialYear(y) => write!(f, "{y}/{:02}", (y + 1) % 100),
            Period::Month(y, m) => write!(f, "{y}-{m:02}"),
            Period::Day(y, m, d) => write!(f, "{y}-{m:02}-{d:02}"),
            Period::Quarter(y, q) => write!(f, "Q{q} {y}/{:02}", (y + 1) % 100),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms() {
        assert_eq!(Period::parse("2024"), Some(Period::Year(2024)));
        assert_eq!(Period::parse("2024-05"), Some(Period::Month(2024, 5)));
        assert_eq!(Period::parse("2024-05-31"), Some(Period::Day(2024, 5, 31)));
        assert_eq!(Period::parse("2024/25"), Some(Period::FinancialYear(2024)));
        assert_eq!(Period::parse("2024-25"), Some(Period::FinancialYear(2024)));
        assert_eq!(
            Period::parse("2024/2025"),
            Some(Period::FinancialYear(2024))
        );
        assert_eq!(Period::parse("2099/00"), Some(Period::FinancialYear(2099)));
        for bad in [
            "2024-13",
            "2024/26",
            "2023-02-29",
            "24",
            "2024-5",
            "May 20245",
            "2024-06-31",
        ] {
            assert_eq!(Period::parse(bad), None, "{bad}");
        }
        assert_eq!(Period::parse("2024-02-29"), Some(Period::Day(2024, 2, 29)));
        assert_eq!(Period::FinancialYear(2024).to_string(), "2024/25");
        assert_eq!(Period::FinancialYear(2024).start_year(), 2024);
    }

    #[test]
    fn quarters_and_excel_serials() {
        assert_eq!(Period::parse("Q1 2024/25"), Some(Period::Quarter(2024, 1)));
        assert_eq!(Period::parse("2024/25 q4"), Some(Period::Quarter(2024, 4)));
        assert_eq!(
            Period::parse("Q2 FY2023/24"),
            Some(Period::Quarter(2023, 2))
        );
        assert_eq!(Period::Quarter(2024, 1).to_string(), "Q1 2024/25");
        assert_eq!(Period::Quarter(2024, 4).start_year(), 2025);
        assert_eq!(Period::Quarter(2024, 3).start_year(), 2024);
        assert_eq!(Period::parse("Q5 2024/25"), None);
        assert_eq!(Period::parse("Q1 2024"), None);
        assert_eq!(Period::parse("45413"), Some(Period::Day(2024, 5, 1)));
        assert_eq!(Period::parse("45383"), Some(Period::Day(2024, 4, 1)));
        assert_eq!(Period::parse("61"), None);
        assert_eq!(Period::parse("00061"), Some(Period::Day(1900, 3, 1)));
    }

    #[test]
    fn reporting_years() {
        use ReportingYear::*;
        assert_eq!(ReportingYear::parse("2024/25"), Some(Financial(2024)));
        assert_eq!(ReportingYear::parse("2024"), Some(Calendar(2024)));
        assert_eq!(ReportingYear::parse("2024-05"), None);
        assert_eq!(ReportingYear::of(Period::Month(2025, 2)), Financial(2024));
        assert_eq!(ReportingYear::of(Period::Month(2025, 4)), Financial(2025));
        assert_eq!(ReportingYear::of(Period::Day(2024, 3, 31)), Financial(2023));
        assert_eq!(ReportingYear::of(Period::Year(2024)), Calendar(2024));
        assert!(Financial(2024).contains(Period::Month(2025, 3)));
        assert!(!Financial(2024).contains(Period::Month(2025, 4)));
        assert!(!Financial(2024).contains(Period::Year(2024)));
        assert!(Calendar(2024).contains(Period::Day(2024, 12, 31)));
        assert!(!Calendar(2024).contains(Period::FinancialYear(2024)));
        assert_eq!(Financial(2024).edition_year(), 2024);
        assert_eq!(Financial(2099).to_string(), "2099/00");
        assert_eq!(ReportingYear::of(Period::Quarter(2024, 4)), Financial(2024));
        assert!(Financial(2024).contains(Period::Quarter(2024, 4)));
        assert!(Calendar(2025).contains(Period::Quarter(2024, 4)));
        assert!(!Calendar(2024).contains(Period::Quarter(2024, 4)));
        assert!(Calendar(2024).contains(Period::Quarter(2024, 2)));
    }

    #[test]
    fn spreadsheet_forms() {
        assert_eq!(Period::parse("31/05/2024"), Some(Period::Day(2024, 5, 31)));
        assert_eq!(Period::parse("1/5/2024"), Some(Period::Day(2024, 5, 1)));
        assert_eq!(
            Period::parse("2024-05-31T00:00:00"),
            Some(Period::Day(2024, 5, 31))
        );
        assert_eq!(
            Period::parse("2024-05-31 00:00:00"),
            Some(Period::Day(2024, 5, 31))
        );
        assert_eq!(Period::parse("May 2024"), Some(Period::Month(2024, 5)));
        assert_eq!(Period::parse("Sept-24"), Some(Period::Month(2024, 9)));
        assert_eq!(
            Period::parse("FY2024/25"),
            Some(Period::FinancialYear(2024))
        );
        assert_eq!(
            Period::parse("FY 2024-25"),
            Some(Period::FinancialYear(2024))
        );
        for bad in [
            "31/13/2024",
            "30/02/2024",
            "Ma 2024",
            "May 202",
            "FY2024",
            "05/31/2024",
        ] {
            assert_eq!(Period::parse(bad), None, "{bad}");
        }
    }
}
