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
}

impl Period {
    /// Parses `2024`, `2024-05`, `2024-05-31`, `2024/25`, `2024-25` or `2024/2025`.
    pub fn parse(text: &str) -> Option<Period> {
        let t = text.trim();
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
        }
    }
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
            "May 2024",
            "2024-06-31",
        ] {
            assert_eq!(Period::parse(bad), None, "{bad}");
        }
        assert_eq!(Period::parse("2024-02-29"), Some(Period::Day(2024, 2, 29)));
        assert_eq!(Period::FinancialYear(2024).to_string(), "2024/25");
        assert_eq!(Period::FinancialYear(2024).start_year(), 2024);
    }
}
