//! Tables shipped beside the factor sets: price indices for deflating spend
//! (`factors/tables/deflators.toml`) and friendly activity names (`factors/aliases.toml`).
//! Both formats are documented at the top of their files.

use super::load::LineIndex;
use crate::num::parse_decimal;
use crate::{Error, Position, Result};
use rust_decimal::Decimal;
use serde::Deserialize;
use std::collections::BTreeMap;

/// One price index.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Series {
    /// Series identifier (`D7BT`, `YBGB`, `A191RD3A086NBEA`).
    pub id: String,
    /// What it measures.
    pub name: String,
    /// Who publishes it.
    pub publisher: String,
    /// Its licence.
    pub licence: String,
    /// The money whose prices it deflates (`GBP`, `USD`).
    pub currency: String,
    /// Reference period (`2015=100`).
    pub base: String,
    /// The release the values come from.
    pub vintage: String,
    /// Where the values were copied from.
    pub source_url: String,
    /// The CSV the table was generated from.
    pub source_file: String,
    /// SHA-256 of that CSV.
    pub source_sha256: String,
    /// Index by calendar year, exact as printed.
    pub values: BTreeMap<u16, Decimal>,
}

/// The shipped price indices.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Deflators {
    /// Series in file order.
    pub series: Vec<Series>,
}

impl Deflators {
    /// The series with this id.
    pub fn series(&self, id: &str) -> Option<&Series> {
        self.series.iter().find(|s| s.id == id)
    }

    /// The index of `series` for calendar `year`, exact; `None` for a year the source does
    /// not print. Spend of year Y in the prices of year P is `amount × I(P) / I(Y)`.
    pub fn index(&self, series: &str, year: u16) -> Option<Decimal> {
        self.series(series)?.values.get(&year).copied()
    }

    /// The table shipped in the binary.
    pub fn shipped() -> Result<Deflators> {
        let text = crate::embedded::factor_file("tables/deflators.toml")
            .ok_or_else(|| Error::usage("this build ships no factors/tables/deflators.toml"))?;
        parse_deflators("factors/tables/deflators.toml", text)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DeflatorsFile {
    series: Vec<SeriesFile>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SeriesFile {
    id: String,
    name: String,
    publisher: String,
    licence: String,
    currency: String,
    base: String,
    vintage: String,
    source_url: String,
    #[serde(default)]
    source_file: String,
    #[serde(default)]
    source_sha256: String,
    values: BTreeMap<String, toml::Spanned<String>>,
}

pub(crate) fn toml_error(file: &str, text: &str, e: &toml::de::Error) -> Error {
    let (line, col) = e
        .span()
        .map_or((0, 0), |s| LineIndex::new(text).line_col(s.start));
    Error::malformed(Position::new(file, line, col), e.message().to_string())
}

/// Reads `factors/tables/deflators.toml`.
pub fn load_deflators(text: &str) -> Result<Deflators> {
    parse_deflators("deflators.toml", text)
}

/// Reads a deflators table, naming `file` in errors.
pub fn parse_deflators(file: &str, text: &str) -> Result<Deflators> {
    let parsed: DeflatorsFile = toml::from_str(text).map_err(|e| toml_error(file, text, &e))?;
    let lines = LineIndex::new(text);
    let mut out = Deflators::default();
    for s in parsed.series {
        let mut values = BTreeMap::new();
        for (year, v) in s.values {
            let (line, col) = lines.line_col(v.span().start);
            let pos = Position::new(file, line, col);
            let y: u16 = year
                .parse()
                .ok()
                .filter(|y| (1900..=2100).contains(y))
                .ok_or_else(|| {
                    Error::bad_value(
                        pos.clone(),
                        "year",
                        year.clone(),
                        "a calendar year such as 2022",
                    )
                })?;
            let d = parse_decimal(v.get_ref()).map_err(|e| {
                Error::bad_value(
                    pos.clone(),
                    format!("{} {year}", s.id),
                    v.get_ref().clone(),
                    e.describe(),
                )
            })?;
            if d <= Decimal::ZERO {
                return Err(Error::bad_value(
                    pos,
                    format!("{} {year}", s.id),
                    v.get_ref().clone(),
                    "a positive index",
                ));
            }
            values.insert(y, d);
        }
        if out.series(&s.id).is_some() {
            return Err(Error::malformed(
                Position::new(file, 0, 0),
                format!("series {} appears twice", s.id),
            ));
        }
        out.series.push(Series {
            id: s.id,
            name: s.name,
            publisher: s.publisher,
            licence: s.licence,
            currency: s.currency,
            base: s.base,
            vintage: s.vintage,
            source_url: s.source_url,
            source_file: s.source_file,
            source_sha256: s.source_sha256,
            values,
        });
    }
    Ok(out)
}

/// One friendly activity name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Alias {
    /// What users type, normalised (lower case, single spaces).
    pub name: String,
    /// The factor key it stands for (a DESNZ factor ID, stable across editions).
    pub key: String,
    /// Keys of the same factor in editions that key it differently (older editions whose
    /// labels could not be matched to the ID); tried in order after `key`.
    pub also: Vec<String>,
    /// What it is, for people.
    pub note: String,
}

/// The shipped alias list.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Aliases {
    /// Aliases in file order.
    pub aliases: Vec<Alias>,
}

impl Aliases {
    /// The factor key for a name as a user typed it (`Natural  Gas` finds `natural gas`).
    pub fn resolve(&self, name: &str) -> Option<&str> {
        let n = normalise_name(name);
        self.aliases
            .iter()
            .find(|a| a.name == n)
            .map(|a| a.key.as_str())
    }

    /// The list shipped in the binary.
    pub fn shipped() -> Result<Aliases> {
        let text = crate::embedded::factor_file("aliases.toml")
            .ok_or_else(|| Error::usage("this build ships no factors/aliases.toml"))?;
        parse_aliases("factors/aliases.toml", text)
    }
}

/// Lower case, runs of whitespace as one space, trimmed.
pub fn normalise_name(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AliasFile {
    alias: Vec<AliasEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AliasEntry {
    name: toml::Spanned<String>,
    key: String,
    #[serde(default)]
    also: Vec<String>,
    #[serde(default)]
    note: String,
}

/// Reads `factors/aliases.toml`, naming `file` in errors; a name given twice is an error.
pub fn parse_aliases(file: &str, text: &str) -> Result<Aliases> {
    let parsed: AliasFile = toml::from_str(text).map_err(|e| toml_error(file, text, &e))?;
    let lines = LineIndex::new(text);
    let mut out = Aliases::default();
    for a in parsed.alias {
        let name = normalise_name(a.name.get_ref());
        if name.is_empty() || a.key.trim().is_empty() {
            let (line, col) = lines.line_col(a.name.span().start);
            return Err(Error::bad_value(
                Position::new(file, line, col),
                if name.is_empty() { "name" } else { "key" },
                if name.is_empty() {
                    a.name.get_ref().as_str()
                } else {
                    a.key.as_str()
                },
                "a name users type and the factor key it stands for, neither empty",
            ));
        }
        if out.aliases.iter().any(|b| b.name == name) {
            let (line, col) = lines.line_col(a.name.span().start);
            return Err(Error::bad_value(
                Position::new(file, line, col),
                "name",
                name,
                "a name not listed before",
            ));
        }
        out.aliases.push(Alias {
            name,
            key: a.key,
            also: a.also,
            note: a.note,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TABLE: &str = r#"
[[series]]
id = "D7BT"
name = "CPI"
publisher = "ONS"
licence = "OGL"
currency = "GBP"
base = "2015=100"
vintage = "2026-03-25"
source_url = "https://example.org/x.csv"

[series.values]
2014 = "100.0"
2022 = "121.7"
"#;

    #[test]
    fn indices_are_exact() {
        let d = load_deflators(TABLE).unwrap();
        assert_eq!(d.index("D7BT", 2022).unwrap().to_string(), "121.7");
        assert_eq!(d.index("D7BT", 2014).unwrap().to_string(), "100.0");
        assert_eq!(d.index("D7BT", 2023), None);
        assert_eq!(d.index("YBGB", 2022), None);
    }

    #[test]
    fn a_bad_index_is_located() {
        let e = load_deflators(&TABLE.replace("\"121.7\"", "\"12x\""))
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("deflators.toml:14:8: D7BT 2022: \"12x\""),
            "{e}"
        );
    }

    #[test]
    fn aliases_resolve_case_and_space_insensitively() {
        let a = parse_aliases(
            "a.toml",
            "[[alias]]\nname = \"natural gas\"\nkey = \"1_100_1004_6\"\n",
        )
        .unwrap();
        assert_eq!(a.resolve("  Natural   GAS "), Some("1_100_1004_6"));
        assert_eq!(a.resolve("gas"), None);
        let twice = "[[alias]]\nname = \"x\"\nkey = \"a\"\n[[alias]]\nname = \"X\"\nkey = \"b\"\n";
        assert!(parse_aliases("a.toml", twice)
            .unwrap_err()
            .to_string()
            .starts_with("a.toml:5:8"));
    }
}
