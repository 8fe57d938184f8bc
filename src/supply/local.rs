//! The local area, as the trust names it in a small TOML file: local authorities and postcode
//! areas (`TR`) or districts (`PL15`). A supplier is local when its local authority or its
//! postcode falls in it.
//!
//! ```toml
//! local_authorities = ["Cornwall", "Isles of Scilly"]
//! postcode_areas = ["TR", "PL"]
//! ```

use super::register::Supplier;
use crate::{Error, Position, Result};
use serde::Deserialize;

/// The local area: local authorities and postcode areas or districts.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LocalArea {
    /// The file as the user named it.
    pub file: String,
    /// Local authority names, as written.
    pub local_authorities: Vec<String>,
    /// Postcode areas (letters, `TR`) or districts (`PL15`), upper case.
    pub postcode_areas: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LocalFile {
    #[serde(default, alias = "authorities", alias = "local_authority")]
    local_authorities: Vec<toml::Spanned<String>>,
    #[serde(
        default,
        alias = "postcodes",
        alias = "postcode_districts",
        alias = "postcode_area"
    )]
    postcode_areas: Vec<toml::Spanned<String>>,
}

/// The outward code of a postcode (`TR1 3LJ` -> `TR1`), upper case.
fn outward(postcode: &str) -> String {
    let p: String = postcode
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_ascii_uppercase();
    // A full postcode has 5 to 7 characters, the last three (a digit and two letters) the
    // inward code; shorter text is an outward code on its own.
    // Counted in characters: a byte slice could cut a character in two (and panic).
    let n = p.chars().count();
    if n >= 5 {
        p.chars().take(n - 3).collect()
    } else {
        p
    }
}

/// The postcode area: the leading letters (`TR1` -> `TR`).
fn area(outward: &str) -> &str {
    let n = outward.bytes().take_while(u8::is_ascii_alphabetic).count();
    &outward[..n]
}

impl LocalArea {
    /// Reads the TOML; `file` names it in errors, which point at line and column.
    pub fn parse(file: &str, text: &str) -> Result<LocalArea> {
        let f: LocalFile =
            toml::from_str(text).map_err(|e| crate::factors::tables::toml_error(file, text, &e))?;
        let lines = crate::factors::load::LineIndex::new(text);
        let mut out = LocalArea {
            file: file.to_string(),
            ..LocalArea::default()
        };
        for a in f.local_authorities {
            out.local_authorities.push(a.get_ref().trim().to_string());
        }
        for p in f.postcode_areas {
            let v = p.get_ref().trim().to_ascii_uppercase();
            let ok = !v.is_empty()
                && v.len() <= 4
                && v.as_bytes().first().is_some_and(u8::is_ascii_alphabetic)
                && v.bytes().all(|b| b.is_ascii_alphanumeric());
            if !ok {
                let (line, col) = lines.line_col(p.span().start);
                return Err(Error::bad_value(
                    Position::new(file, line, col),
                    "postcode_areas",
                    p.get_ref(),
                    "a postcode area such as TR or a district such as PL15",
                ));
            }
            out.postcode_areas.push(v);
        }
        if out.local_authorities.is_empty() && out.postcode_areas.is_empty() {
            return Err(Error::malformed(
                Position::new(file, 1, 0),
                "names no local area; give local_authorities = [\"...\"] and/or postcode_areas = [\"TR\", \"PL15\"]",
            ));
        }
        Ok(out)
    }

    /// True when the supplier's local authority or postcode is in the area.
    pub fn contains(&self, s: &Supplier) -> bool {
        let by_la = s.local_authority.as_deref().is_some_and(|la| {
            self.local_authorities
                .iter()
                .any(|l| l.eq_ignore_ascii_case(la.trim()))
        });
        let by_postcode = s.postcode.as_deref().is_some_and(|p| {
            let out = outward(p);
            let a = area(&out);
            self.postcode_areas.iter().any(|x| {
                if x.bytes().any(|b| b.is_ascii_digit()) {
                    *x == out
                } else {
                    x == a
                }
            })
        });
        by_la || by_postcode
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outward_codes_count_characters_not_bytes() {
        assert_eq!(outward("TR1 3LJ"), "TR1");
        assert_eq!(outward("tr13lj"), "TR1");
        // Once a panic: the byte slice cut the euro sign in two.
        assert_eq!(outward("TR1 \u{20ac}A"), "TR");
        assert_eq!(outward("TR1"), "TR1");
    }

    fn supplier(pc: Option<&str>, la: Option<&str>) -> Supplier {
        Supplier {
            id: "S".into(),
            name: "S".into(),
            companies_house: None,
            postcode: pc.map(Into::into),
            local_authority: la.map(Into::into),
            sme: false,
            vcse: false,
            crp: super::super::register::Crp::None,
            crp_date: None,
            crp_url: None,
            scope_1_t: None,
            scope_2_t: None,
            scope_3_upstream_t: None,
            reporting_year: None,
            revenue_gbp: None,
            intensity: None,
            line: 2,
        }
    }

    #[test]
    fn areas_districts_and_authorities() {
        let a = LocalArea::parse(
            "local.toml",
            "local_authorities = [\"Cornwall\"]\npostcode_areas = [\"tr\", \"PL15\"]\n",
        )
        .unwrap();
        assert!(a.contains(&supplier(Some("TR1 3LJ"), None)));
        assert!(a.contains(&supplier(Some("pl157aa"), None)));
        assert!(!a.contains(&supplier(Some("PL1 1AA"), None)));
        assert!(!a.contains(&supplier(Some("TW1 1AA"), None)));
        assert!(a.contains(&supplier(None, Some("cornwall"))));
        assert!(!a.contains(&supplier(None, None)));
        let e = LocalArea::parse("l.toml", "postcode_areas = [\"T-R\"]\n")
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("l.toml:1:19:"), "{e}");
        let e = LocalArea::parse("l.toml", "areas = [\"TR\"]\n")
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("l.toml:1:1"), "{e}");
    }
}
