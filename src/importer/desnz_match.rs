//! Stable keys for DESNZ editions without factor IDs (2016-2022), by label path.
//!
//! From 2023 a factor's key is its DESNZ `factor_id`. An earlier edition's factor takes the
//! key of the same factor in the nearest later edition that has it, found by its label path
//! (scope, level 1-4, column text, unit) after harmless differences are normalised away:
//!
//! - case, spaces and punctuation (`Re-used`/`Reused`, `Open-loop`/`Open loop`,
//!   `(from tallow)`/`(from Tallow)`, `WTT- pass vehs & travel (land)`/`- land`);
//! - a `WTT-` prefix on levels 2-4 (`WTT- gaseous fuels` in 2021, `Gaseous fuels` in 2022);
//! - level 1 `WTT- UK & overseas elec` (to 2022) is `WTT- UK electricity` (from 2023);
//! - a level 4 that only restates a year (`2020`), the unit (`kWh`) or is `0`;
//! - a column text that only restates the unit (`Energy - Gross CV`, `Energy - Net CV`,
//!   `Volume`, `Tonnes`, used for fuels to 2021);
//! - units by their canonical name (`Litres` is `litres`).
//!
//! A match must be unique both ways: the normalised path occurs once in the edition being
//! keyed and once in the edition matched against; otherwise the row is left unmatched.
//! Editions are searched nearest first (2021 against 2022, then 2023, ...), so a key carries
//! down the chain of editions, including the readable keys of factors DESNZ dropped before
//! 2023. An unmatched factor gets a key derived from its labels (`slug/slug/.../unit`).
//! What is deliberately not matched: label changes that may change meaning (refrigerants
//! regrouped in 2022 as "Kyoto protocol products" with three columns, `Biomethane` vs
//! `Biomethane (compressed)`), which stay unmatched and are listed in `MATCHING.md`.

use super::{slug, unique_key};
use crate::factors::model::{Factor, FactorSet};
use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;

/// The normalised label path of a factor: scope, level 1-4, column, unit.
pub type NormPath = [String; 7];

/// Lower-case letters and digits only.
pub fn norm_text(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Column texts that only restate the unit (fuels, to 2021).
const UNIT_COLUMNS: [&str; 4] = ["energygrosscv", "energynetcv", "volume", "tonnes"];

/// Level 1 labels that were renamed with no change of meaning, normalised.
const LEVEL1_ALIASES: [(&str, &str); 1] = [("wttukoverseaselec", "wttukelectricity")];

fn is_year(s: &str) -> bool {
    s.len() == 4
        && s.bytes().all(|b| b.is_ascii_digit())
        && (s.starts_with("19") || s.starts_with("20"))
}

/// A factor's normalised label path (see the module documentation).
pub fn norm_path(f: &Factor) -> NormPath {
    let level = |i: usize| f.labels.get(i).map(String::as_str).unwrap_or("");
    let mut l1 = norm_text(level(0));
    if let Some((_, to)) = LEVEL1_ALIASES.iter().find(|(from, _)| *from == l1) {
        l1 = (*to).to_string();
    }
    let strip_wtt = |s: String| match s.strip_prefix("wtt") {
        Some(rest) => rest.to_string(),
        None => s,
    };
    let unit = f.unit.name.to_string();
    let l4raw = level(3).trim();
    let mut l4 = strip_wtt(norm_text(l4raw));
    if is_year(l4raw) || l4 == "0" || l4 == norm_text(&unit) {
        l4.clear();
    }
    let mut column = norm_text(&f.column);
    if UNIT_COLUMNS.contains(&column.as_str()) {
        column.clear();
    }
    [
        f.scope.as_str().to_string(),
        l1,
        strip_wtt(norm_text(level(1))),
        strip_wtt(norm_text(level(2))),
        l4,
        column,
        unit,
    ]
}

/// The readable key of a factor that matched nothing: its labels and unit as slugs.
pub fn derived_key(f: &Factor) -> String {
    let mut parts: Vec<String> = f
        .labels
        .iter()
        .map(|l| slug(l))
        .filter(|s| !s.is_empty())
        .collect();
    let col = slug(&f.column);
    if !col.is_empty() {
        parts.push(col);
    }
    parts.push(slug(f.unit.name));
    parts.join("/")
}

/// Why a factor has a derived key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Miss {
    /// No later edition has the normalised path.
    NoCounterpart,
    /// The normalised path occurs more than once in this edition.
    AmbiguousHere,
    /// The nearest later edition with the path has it more than once.
    AmbiguousThere(u16),
    /// The match's key is already taken by another factor of this edition.
    KeyTaken(u16),
}

impl Miss {
    fn describe(self) -> String {
        match self {
            Miss::NoCounterpart => "no counterpart in a later edition".into(),
            Miss::AmbiguousHere => "label path not unique in this edition".into(),
            Miss::AmbiguousThere(y) => format!("label path not unique in {y}"),
            Miss::KeyTaken(y) => {
                format!("its match in {y} has a key already given to another factor")
            }
        }
    }
}

/// How one edition's factors got their keys.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MatchReport {
    /// The edition.
    pub year: u16,
    /// Factors in it.
    pub rows: usize,
    /// Keyed by their own DESNZ factor ID (2023 on).
    pub own_id: usize,
    /// Matched to a later edition, by edition: (year, factors whose key is a factor ID,
    /// factors whose key is a derived key carried down from that edition).
    pub matched: Vec<(u16, usize, usize)>,
    /// Factors left unmatched, in file order: (key given, label, unit, reason).
    pub unmatched: Vec<(String, String, String, Miss)>,
}

impl MatchReport {
    /// Factors matched to a later edition.
    pub fn matched_total(&self) -> usize {
        self.matched.iter().map(|(_, a, b)| a + b).sum()
    }
}

/// Gives every factor its key: its own factor ID if it has one, else the key of its match in
/// `later` (editions in order, nearest first), else a derived key unique in the set.
pub fn assign_keys(year: u16, factors: &mut [Factor], later: &[&FactorSet]) -> MatchReport {
    let mut report = MatchReport {
        year,
        rows: factors.len(),
        ..MatchReport::default()
    };
    let paths: Vec<NormPath> = factors.iter().map(norm_path).collect();
    let mut own_count: HashMap<&NormPath, usize> = HashMap::new();
    for p in &paths {
        *own_count.entry(p).or_default() += 1;
    }
    let indexes: Vec<(u16, HashMap<NormPath, Vec<&str>>)> = later
        .iter()
        .map(|set| {
            let mut idx: HashMap<NormPath, Vec<&str>> = HashMap::new();
            for f in &set.factors {
                idx.entry(norm_path(f)).or_default().push(f.key.as_str());
            }
            (set.header.edition, idx)
        })
        .collect();
    let mut used: HashSet<String> = HashSet::new();
    let mut misses: Vec<(usize, Miss)> = Vec::new();
    let mut matched: Vec<(u16, usize, usize)> = Vec::new();
    for (i, f) in factors.iter_mut().enumerate() {
        if let Some(id) = f.id.clone().filter(|s| !s.is_empty()) {
            f.key = id;
            used.insert(f.key.clone());
            report.own_id += 1;
            continue;
        }
        if own_count.get(&paths[i]).copied().unwrap_or(0) > 1 {
            misses.push((i, Miss::AmbiguousHere));
            continue;
        }
        let mut outcome = Err(Miss::NoCounterpart);
        for (ed, idx) in &indexes {
            if let Some(keys) = idx.get(&paths[i]) {
                outcome = match keys.as_slice() {
                    [k] if used.contains(*k) => Err(Miss::KeyTaken(*ed)),
                    [k] => Ok((*ed, k.to_string())),
                    _ => Err(Miss::AmbiguousThere(*ed)),
                };
                break;
            }
        }
        match outcome {
            Ok((ed, key)) => {
                let derived = !looks_like_factor_id(&key);
                match matched.iter_mut().find(|m| m.0 == ed) {
                    Some(m) if derived => m.2 += 1,
                    Some(m) => m.1 += 1,
                    None if derived => matched.push((ed, 0, 1)),
                    None => matched.push((ed, 1, 0)),
                }
                used.insert(key.clone());
                f.key = key;
            }
            Err(m) => misses.push((i, m)),
        }
    }
    matched.sort();
    report.matched = matched;
    for (i, miss) in misses {
        let f = &mut factors[i];
        f.key = unique_key(derived_key(f), &mut used);
        report
            .unmatched
            .push((f.key.clone(), f.label(), f.unit.name.to_string(), miss));
    }
    report
}

/// `1_100_1004_6`: digits and underscores.
pub fn looks_like_factor_id(key: &str) -> bool {
    !key.is_empty() && key.bytes().all(|b| b.is_ascii_digit() || b == b'_')
}

/// `MATCHING.md`: how the 2016-2022 editions were keyed, with every unmatched factor.
pub fn render_matching(reports: &[MatchReport], links: &[(u16, usize, usize)]) -> String {
    let mut out = String::new();
    out.push_str("# DESNZ factor keys across editions\n\n");
    out.push_str(
        "Generated by `ghg factors import all`; do not edit by hand. How each edition's factors got\n\
         their `key` (see `src/importer/desnz_match.rs` for the rules):\n\n\
         - 2023-2025: the DESNZ `factor_id`.\n\
         - 2016-2022: the key of the same factor in the nearest later edition that has it, found by\n  \
           label path (scope, level 1-4, column text, unit) after normalising case, punctuation,\n  \
           `WTT-` prefixes, years and units restated in level 4 or the column text. A match must be\n  \
           unique in both editions.\n\
         - Otherwise a key derived from the labels (`level1/level2/.../unit`), listed below.\n\n",
    );
    out.push_str("| edition | factors | keyed by own ID | matched to a factor ID | carried derived key | unmatched | factors with upstream links | links |\n");
    out.push_str("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
    for r in reports {
        let ids: usize = r.matched.iter().map(|m| m.1).sum();
        let carried: usize = r.matched.iter().map(|m| m.2).sum();
        let (lf, ln) = links
            .iter()
            .find(|l| l.0 == r.year)
            .map_or((0, 0), |l| (l.1, l.2));
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} | {} |",
            r.year,
            r.rows,
            r.own_id,
            ids,
            carried,
            r.unmatched.len(),
            lf,
            ln
        );
    }
    for r in reports.iter().filter(|r| r.own_id < r.rows) {
        let _ = writeln!(out, "\n## {}\n", r.year);
        let via: Vec<String> = r
            .matched
            .iter()
            .map(|(y, a, b)| format!("{} via {y}", a + b))
            .collect();
        let _ = writeln!(
            out,
            "{} factors; {} matched ({}); {} unmatched.",
            r.rows,
            r.matched_total(),
            if via.is_empty() {
                "none".to_string()
            } else {
                via.join(", ")
            },
            r.unmatched.len()
        );
        if !r.unmatched.is_empty() {
            out.push_str("\n| key | label | unit | why |\n| --- | --- | --- | --- |\n");
            for (key, label, unit, miss) in &r.unmatched {
                let _ = writeln!(
                    out,
                    "| `{}` | {} | {} | {} |",
                    key,
                    label.replace('|', "\\|"),
                    unit,
                    miss.describe()
                );
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::factors::model::{Scope, SetHeader};
    use crate::units::parse_unit;

    fn factor(
        key: &str,
        id: Option<&str>,
        scope: Scope,
        labels: &[&str],
        column: &str,
        unit: &str,
    ) -> Factor {
        Factor {
            key: key.into(),
            id: id.map(str::to_string),
            scope,
            category: None,
            labels: labels.iter().map(|s| s.to_string()).collect(),
            column: column.into(),
            unit: parse_unit(unit).unwrap(),
            kg_co2e: None,
            gases: vec![],
            upstream: vec![],
            outside: vec![],
            note: String::new(),
            line: 0,
            gwp: None,
        }
    }

    fn set(year: u16, factors: Vec<Factor>) -> FactorSet {
        let header = SetHeader {
            edition: year,
            ..SetHeader::default()
        };
        FactorSet::new(header, factors, String::new(), String::new())
    }

    #[test]
    fn harmless_label_changes_normalise_away() {
        let old = factor(
            "",
            None,
            Scope::One,
            &["Fuels", "Gaseous fuels", "Natural gas", ""],
            "Energy - Gross CV",
            "kWh (Gross CV)",
        );
        let new = factor(
            "1_100_1004_6",
            Some("1_100_1004_6"),
            Scope::One,
            &["Fuels", "Gaseous fuels", "Natural gas"],
            "",
            "kWh (Gross CV)",
        );
        assert_eq!(norm_path(&old), norm_path(&new));
        let old = factor(
            "",
            None,
            Scope::Three,
            &[
                "WTT- UK & overseas elec",
                "WTT- UK electricity (generation)",
                "Electricity: UK",
                "2020",
            ],
            "",
            "kWh",
        );
        let new = factor(
            "",
            None,
            Scope::Three,
            &[
                "WTT- UK electricity",
                "WTT- UK electricity (generation)",
                "Electricity: UK",
                "kWh",
            ],
            "",
            "kWh",
        );
        assert_eq!(norm_path(&old), norm_path(&new));
        let old = factor(
            "",
            None,
            Scope::Three,
            &["Material use", "Construction", "Aggregates"],
            "Reused",
            "tonnes",
        );
        let new = factor(
            "",
            None,
            Scope::Three,
            &["Material use", "Construction", "Aggregates"],
            "Re-used",
            "tonnes",
        );
        assert_eq!(norm_path(&old), norm_path(&new));
        // A different unit or fuel is a different factor.
        let net = factor(
            "",
            None,
            Scope::One,
            &["Fuels", "Gaseous fuels", "Natural gas"],
            "Energy - Net CV",
            "kWh (Net CV)",
        );
        let gross = factor(
            "",
            None,
            Scope::One,
            &["Fuels", "Gaseous fuels", "Natural gas"],
            "Energy - Gross CV",
            "kWh (Gross CV)",
        );
        assert_ne!(norm_path(&net), norm_path(&gross));
    }

    #[test]
    fn keys_come_from_the_nearest_later_edition_and_must_be_unique() {
        let y2023 = set(
            2023,
            vec![
                factor(
                    "1_100_1004_6",
                    Some("1_100_1004_6"),
                    Scope::One,
                    &["Fuels", "Gaseous fuels", "Natural gas"],
                    "",
                    "kWh (Gross CV)",
                ),
                factor("x/y/kg", None, Scope::One, &["X", "Y"], "", "kg"),
                factor("dup1", None, Scope::One, &["D"], "", "kg"),
                factor("dup2", None, Scope::One, &["D"], "", "kg"),
            ],
        );
        let mut old = vec![
            factor(
                "",
                None,
                Scope::One,
                &["Fuels", "Gaseous fuels", "Natural gas", ""],
                "Energy - Gross CV",
                "kWh (Gross CV)",
            ),
            factor("", None, Scope::One, &["X", "Y"], "", "kg"),
            factor("", None, Scope::One, &["D"], "", "kg"),
            factor("", None, Scope::One, &["New", "thing"], "", "litres"),
            factor("", None, Scope::One, &["Twice"], "", "kg"),
            factor("", None, Scope::One, &["Twice"], "", "kg"),
        ];
        let r = assign_keys(2022, &mut old, &[&y2023]);
        let keys: Vec<&str> = old.iter().map(|f| f.key.as_str()).collect();
        assert_eq!(
            keys,
            [
                "1_100_1004_6",
                "x/y/kg",
                "d/kg",
                "new/thing/litres",
                "twice/kg",
                "twice/kg--2"
            ]
        );
        assert_eq!(r.matched, vec![(2023, 1, 1)]);
        let why: Vec<Miss> = r.unmatched.iter().map(|u| u.3).collect();
        assert_eq!(
            why,
            [
                Miss::AmbiguousThere(2023),
                Miss::NoCounterpart,
                Miss::AmbiguousHere,
                Miss::AmbiguousHere
            ]
        );
    }
}
