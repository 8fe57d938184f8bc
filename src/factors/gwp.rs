//! Global warming potentials (GWP100) of the named gases that clinical and refrigerant factors
//! are made of (`factors/tables/gwp.toml`, generated from the IPCC values in the shared data),
//! and the `--gwp` transform: a set whose mass-times-GWP factors are recomputed on another
//! IPCC basis. Factors published only as CO2e keep their value and their basis.

use super::load::LineIndex;
use super::model::FactorSet;
use crate::num::parse_decimal;
use crate::{Error, Position, Result};
use rust_decimal::{Decimal, RoundingStrategy};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::fmt;

/// Path of the table under `factors/`.
pub const PATH: &str = "tables/gwp.toml";

/// Decimal places of a recomputed factor that the GWP ratio does not divide exactly.
pub const RATIO_DP: u32 = 20;

/// An IPCC assessment report whose GWP100 values `--gwp` can apply.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Basis {
    /// IPCC Fourth Assessment Report (2007), WG1 Table 2.14.
    Ar4,
    /// IPCC Fifth Assessment Report (2013), WG1 Table 8.A.1.
    Ar5,
    /// IPCC Sixth Assessment Report (2021), WG1 Table 7.SM.7.
    Ar6,
}

impl Basis {
    /// `AR4`, `AR5`, `AR6`: the spelling in factor files and outputs.
    pub fn as_str(self) -> &'static str {
        match self {
            Basis::Ar4 => "AR4",
            Basis::Ar5 => "AR5",
            Basis::Ar6 => "AR6",
        }
    }

    /// Parses `AR4`, `ar5`, ...
    pub fn parse(text: &str) -> Option<Basis> {
        Some(match text.trim().to_ascii_uppercase().as_str() {
            "AR4" => Basis::Ar4,
            "AR5" => Basis::Ar5,
            "AR6" => Basis::Ar6,
            _ => return None,
        })
    }
}

impl fmt::Display for Basis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One gas and its GWP100 by basis.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Gas {
    /// Common name (`desflurane`, `nitrous oxide`, `HFA-134a`).
    pub name: String,
    /// Chemical or industrial code (`HFE-236ea2`, `N2O`, `HFC-134a`).
    pub code: String,
    /// CAS registry number.
    pub cas: String,
    /// GWP100 by basis; a basis the source gives no number for is absent.
    pub values: BTreeMap<Basis, Decimal>,
    /// Where the values come from.
    pub source: String,
}

/// The shipped GWP table.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GwpTable {
    /// Gases in file order.
    pub gases: Vec<Gas>,
}

impl GwpTable {
    /// The gas a factor names, by common name or code, case-insensitively.
    pub fn gas(&self, name: &str) -> Option<&Gas> {
        let n = name.trim();
        self.gases
            .iter()
            .find(|g| g.name.eq_ignore_ascii_case(n) || g.code.eq_ignore_ascii_case(n))
    }

    /// The GWP100 of a gas on a basis.
    pub fn value(&self, gas: &str, basis: Basis) -> Option<Decimal> {
        self.gas(gas)?.values.get(&basis).copied()
    }

    /// The table shipped in the binary.
    pub fn shipped() -> Result<GwpTable> {
        let text = crate::embedded::factor_file(PATH)
            .ok_or_else(|| Error::usage(format!("this build ships no factors/{PATH}")))?;
        parse_gwp(&format!("factors/{PATH}"), text)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct GwpFile {
    gas: Vec<GasEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct GasEntry {
    name: String,
    code: String,
    cas: String,
    #[serde(default)]
    ar4: Option<toml::Spanned<String>>,
    #[serde(default)]
    ar5: Option<toml::Spanned<String>>,
    #[serde(default)]
    ar6: Option<toml::Spanned<String>>,
    source: String,
}

/// Reads a GWP table, naming `file` in errors.
pub fn parse_gwp(file: &str, text: &str) -> Result<GwpTable> {
    let lines = LineIndex::new(text);
    let parsed: GwpFile = toml::from_str(text).map_err(|e| {
        let (line, col) = e.span().map_or((0, 0), |s| lines.line_col(s.start));
        Error::malformed(Position::new(file, line, col), e.message().to_string())
    })?;
    let mut out = GwpTable::default();
    for g in parsed.gas {
        let mut values = BTreeMap::new();
        for (basis, v) in [
            (Basis::Ar4, g.ar4),
            (Basis::Ar5, g.ar5),
            (Basis::Ar6, g.ar6),
        ] {
            let Some(v) = v else { continue };
            let (line, col) = lines.line_col(v.span().start);
            let pos = Position::new(file, line, col);
            let what = format!("{} {basis}", g.name);
            let d = parse_decimal(v.get_ref())
                .map_err(|e| Error::bad_value(pos.clone(), &what, v.get_ref(), e.describe()))?;
            if d <= Decimal::ZERO {
                return Err(Error::bad_value(pos, what, v.get_ref(), "a GWP above zero"));
            }
            values.insert(basis, d);
        }
        if out.gas(&g.name).is_some() || out.gas(&g.code).is_some() {
            return Err(Error::malformed(
                Position::new(file, 0, 0),
                format!("gas {} ({}) appears twice", g.name, g.code),
            ));
        }
        out.gases.push(Gas {
            name: g.name,
            code: g.code,
            cas: g.cas,
            values,
            source: g.source,
        });
    }
    Ok(out)
}

/// `value x new / old`: exact when the quotient terminates (a factor that is an exact mass
/// times `old`), else rounded half away from zero at [`RATIO_DP`] places. `None` on overflow.
pub fn rescale(value: Decimal, new: Decimal, old: Decimal) -> Option<Decimal> {
    let q = value.checked_mul(new)?.checked_div(old)?;
    Some(
        q.round_dp_with_strategy(RATIO_DP, RoundingStrategy::MidpointAwayFromZero)
            .normalize(),
    )
}

/// What [`with_basis`] did to one set.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Adjusted {
    /// Factors recomputed, by gas: (gas, old basis, old GWP, new GWP, count).
    pub recomputed: Vec<(String, String, Decimal, Decimal, usize)>,
    /// Gases with no value on the chosen basis: (gas, basis kept, factors).
    pub kept: Vec<(String, String, usize)>,
    /// Factors published only as CO2e (no gas recorded), which keep the set's basis.
    pub published_only: usize,
    /// The set's own basis (its header's `gwp`), which those factors keep.
    pub set_basis: String,
}

impl Adjusted {
    /// True when no factor changed.
    pub fn is_unchanged(&self) -> bool {
        self.recomputed.iter().all(|r| r.2 == r.3)
    }

    /// One line for the run's notes: each basis the set's figures now rest on.
    pub fn describe(&self, set: &FactorSet, basis: Basis) -> String {
        let factors = |n: usize| format!("{n} factor{}", if n == 1 { "" } else { "s" });
        let mut parts = Vec::new();
        for (gas, old, from, to, n) in &self.recomputed {
            if from == to {
                parts.push(format!("{gas} already {basis} (GWP {to}, {})", factors(*n)));
            } else {
                parts.push(format!(
                    "{gas} recomputed from {old} GWP {from} to {basis} GWP {to} ({})",
                    factors(*n)
                ));
            }
        }
        for (gas, kept, n) in &self.kept {
            parts.push(format!(
                "{gas} kept on {kept}: no {basis} value in factors/{PATH} ({})",
                factors(*n)
            ));
        }
        if self.published_only > 0 {
            parts.push(format!(
                "{} published only as CO2e keep the basis they were published on (the set's gwp: {})",
                factors(self.published_only),
                self.set_basis
            ));
        }
        format!(
            "--gwp {}: {}: {}",
            basis.as_str().to_ascii_lowercase(),
            set.id(),
            if parts.is_empty() {
                "no factor records its gas".to_string()
            } else {
                parts.join("; ")
            }
        )
    }
}

/// A copy of `set` with every factor that records its gas (`gwp_gas`) recomputed on `basis`:
/// `kg_co2e x GWP(basis) / gwp_value`, per-gas parts dropped (they were on the old basis).
/// A gas with no value on `basis` keeps its own; factors that record no gas are unchanged.
/// The header's `gwp` becomes `basis` when every factor with a value is on it, else `mixed`
/// (unchanged for a set that records no gas).
pub fn with_basis(
    set: &FactorSet,
    basis: Basis,
    table: &GwpTable,
) -> Result<(FactorSet, Adjusted)> {
    let mut factors = set.factors.clone();
    let mut adjusted = Adjusted {
        set_basis: set.header.gwp.clone(),
        ..Adjusted::default()
    };
    let mut all_on_basis = true;
    for f in factors.iter_mut() {
        let Some(g) = f.gwp.as_mut() else {
            if f.kg_co2e.is_some() {
                adjusted.published_only += 1;
                all_on_basis &= set.header.gwp == basis.as_str();
            }
            continue;
        };
        let Some(new) = table.value(&g.gas, basis) else {
            match adjusted
                .kept
                .iter_mut()
                .find(|k| k.0 == g.gas && k.1 == g.basis)
            {
                Some(k) => k.2 += 1,
                None => adjusted.kept.push((g.gas.clone(), g.basis.clone(), 1)),
            }
            all_on_basis = false;
            continue;
        };
        let old = g.value;
        if let Some(v) = f.kg_co2e {
            let pos = Position::new(&set.origin, f.line, 0);
            f.kg_co2e =
                Some(rescale(v, new, old).ok_or_else(|| {
                    Error::overflow(pos, format!("{} x GWP {new} / {old}", f.key))
                })?);
        }
        match adjusted
            .recomputed
            .iter_mut()
            .find(|r| r.0 == g.gas && r.1 == g.basis && r.2 == old)
        {
            Some(r) => r.4 += 1,
            None => adjusted
                .recomputed
                .push((g.gas.clone(), g.basis.clone(), old, new, 1)),
        }
        if old != new {
            f.gases.clear();
        }
        g.value = new;
        g.basis = basis.as_str().to_string();
    }
    let mut header = set.header.clone();
    let records_gas = !adjusted.recomputed.is_empty() || !adjusted.kept.is_empty();
    header.gwp = if !records_gas {
        header.gwp
    } else if all_on_basis {
        basis.as_str().to_string()
    } else {
        "mixed".to_string()
    };
    if !adjusted.is_unchanged() {
        header.title = format!("{} (GWP100 recomputed on {basis})", header.title);
    }
    let out = FactorSet::new(header, factors, set.origin.clone(), set.sha256.clone());
    Ok((out, adjusted))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::factors::parse_set;

    const TABLE: &str = r#"
[[gas]]
name = "desflurane"
code = "HFE-236ea2"
cas = "57041-67-5"
ar4 = "989"
ar5 = "1790"
ar6 = "2590"
source = "IPCC"

[[gas]]
name = "sevoflurane"
code = "HFE-347mmz1"
cas = "28523-86-6"
ar5 = "216"
ar6 = "195"
source = "IPCC"
"#;

    fn set() -> FactorSet {
        let text = "[set]\nid = \"c\"\npublisher = \"P\"\nedition = 2024\ntitle = \"T\"\n\
                    licence = \"L\"\ngwp = \"mixed\"\n\n\
                    [[factor]]\nkey = \"desflurane/bottle-250ml\"\nscope = \"1\"\nunit = \"items\"\n\
                    kg_co2e = \"655.5875\"\ngwp_gas = \"desflurane\"\ngwp_value = \"1790\"\ngwp_basis = \"AR5\"\n\n\
                    [[factor]]\nkey = \"sevoflurane/kg\"\nscope = \"1\"\nunit = \"kg\"\n\
                    kg_co2e = \"216\"\ngwp_gas = \"HFE-347mmz1\"\ngwp_value = \"216\"\ngwp_basis = \"AR5\"\n\n\
                    [[factor]]\nkey = \"inhaler\"\nscope = \"3\"\ncategory = 1\nunit = \"items\"\nkg_co2e = \"28.26\"\n";
        let (s, p) = parse_set("c.toml", text);
        assert!(p.is_empty(), "{p:?}");
        s
    }

    #[test]
    fn ar6_recomputes_desflurane_exactly_and_keeps_published_co2e() {
        let t = parse_gwp("g.toml", TABLE).unwrap();
        let (s, adj) = with_basis(&set(), Basis::Ar6, &t).unwrap();
        // 0.25 L x 1.465 kg/L = 0.36625 kg; x 2590 = 948.5875 kg CO2e.
        let f = s.get("desflurane/bottle-250ml").unwrap();
        assert_eq!(f.kg_co2e.unwrap().to_string(), "948.5875");
        assert_eq!(f.gwp.as_ref().unwrap().value.to_string(), "2590");
        assert_eq!(f.gwp.as_ref().unwrap().basis, "AR6");
        assert_eq!(
            s.get("sevoflurane/kg")
                .unwrap()
                .kg_co2e
                .unwrap()
                .to_string(),
            "195"
        );
        assert_eq!(
            s.get("inhaler").unwrap().kg_co2e.unwrap().to_string(),
            "28.26"
        );
        assert_eq!(adj.published_only, 1);
        assert_eq!(s.header.gwp, "mixed");
        assert!(adj
            .describe(&s, Basis::Ar6)
            .contains("desflurane recomputed from AR5 GWP 1790 to AR6 GWP 2590 (1 factor)"));
    }

    #[test]
    fn a_gas_with_no_value_on_the_basis_keeps_its_own_and_says_so() {
        let t = parse_gwp("g.toml", TABLE).unwrap();
        let (s, adj) = with_basis(&set(), Basis::Ar4, &t).unwrap();
        assert_eq!(
            s.get("sevoflurane/kg")
                .unwrap()
                .kg_co2e
                .unwrap()
                .to_string(),
            "216"
        );
        assert_eq!(
            adj.kept,
            [("HFE-347mmz1".to_string(), "AR5".to_string(), 1)]
        );
        // 0.36625 kg x 989
        let f = s.get("desflurane/bottle-250ml").unwrap();
        assert_eq!(f.kg_co2e.unwrap().to_string(), "362.22125");
    }

    #[test]
    fn a_ratio_that_does_not_terminate_is_rounded_at_twenty_places() {
        let v = rescale(Decimal::new(559, 3), Decimal::from(265), Decimal::from(298)).unwrap();
        assert_eq!(v.to_string(), "0.49709731543624161074");
        assert_eq!(
            rescale(
                Decimal::new(655_5875, 4),
                Decimal::from(2590),
                Decimal::from(1790)
            ),
            Some(Decimal::new(948_5875, 4))
        );
    }

    #[test]
    fn a_bad_table_value_is_located() {
        let e = parse_gwp("g.toml", &TABLE.replace("\"2590\"", "\"25x0\""))
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("g.toml:8:7: desflurane AR6: \"25x0\""), "{e}");
    }
}
