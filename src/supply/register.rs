//! The supplier register: one CSV row per supplier with what the trust knows of it (where it
//! is, whether it is an SME or a VCSE, its Carbon Reduction Plan, and the emissions and revenue
//! it reports). Every problem is found, each at `file:line:column`, before anything is priced.

use crate::activity::parse_amount;
use crate::factors::sha256_hex;
use crate::model::Quality;
use crate::{Error, Position, Result};
use rust_decimal::Decimal;
use std::collections::HashMap;

/// A supplier's Carbon Reduction Plan status (NHS England's Net Zero Supplier Roadmap).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Crp {
    /// A full Carbon Reduction Plan (scope 1, 2 and a defined part of scope 3).
    Full,
    /// A Net Zero Commitment (the lighter tier, for lower-value contracts).
    NetZeroCommitment,
    /// Neither.
    None,
}

impl Crp {
    /// The spelling used in registers and outputs.
    pub fn as_str(self) -> &'static str {
        match self {
            Crp::Full => "full",
            Crp::NetZeroCommitment => "net-zero-commitment",
            Crp::None => "none",
        }
    }

    /// Reads `none`, `net-zero-commitment` (also `net zero commitment`, `nzc`) or `full`
    /// (also `full crp`), in any case.
    pub fn parse(text: &str) -> Option<Crp> {
        let t = text.trim().to_ascii_lowercase().replace([' ', '_'], "-");
        Some(match t.as_str() {
            "full" | "full-crp" | "crp" | "carbon-reduction-plan" => Crp::Full,
            "net-zero-commitment" | "nzc" => Crp::NetZeroCommitment,
            "none" | "no" => Crp::None,
            _ => return None,
        })
    }
}

/// One supplier as the register gives it. Emissions are in tonnes CO2e as reported.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Supplier {
    /// The trust's supplier id, unique in the register.
    pub id: String,
    /// Trading name.
    pub name: String,
    /// Companies House number, if given (8 characters, leading zeros kept).
    pub companies_house: Option<String>,
    /// Postcode, if given.
    pub postcode: Option<String>,
    /// Local authority, if given.
    pub local_authority: Option<String>,
    /// Small or medium-sized enterprise.
    pub sme: bool,
    /// Voluntary, community or social enterprise.
    pub vcse: bool,
    /// Carbon Reduction Plan status.
    pub crp: Crp,
    /// Date of the plan (`YYYY-MM-DD`), when it has one.
    pub crp_date: Option<String>,
    /// Where the plan is published, when it has one.
    pub crp_url: Option<String>,
    /// Reported scope 1, tCO2e.
    pub scope_1_t: Option<Decimal>,
    /// Reported scope 2, tCO2e.
    pub scope_2_t: Option<Decimal>,
    /// Reported upstream scope 3, tCO2e.
    pub scope_3_upstream_t: Option<Decimal>,
    /// The year the emissions and revenue are for.
    pub reporting_year: Option<u16>,
    /// Revenue in GBP in the reporting year.
    pub revenue_gbp: Option<Decimal>,
    /// kg CO2e per GBP of revenue from the reported emissions (scope 1+2+3 upstream for the
    /// supplier-specific tier, scope 1+2 for the hybrid tier): one exact division, to 28
    /// significant digits.
    pub intensity: Option<Decimal>,
    /// Line in the register, from 1 (the header is line 1).
    pub line: u64,
}

impl Supplier {
    /// The tier its spend lines take: supplier-specific with scope 1, 2 and upstream 3
    /// reported, hybrid with scope 1 and 2 only, else spend-based.
    pub fn tier(&self) -> Quality {
        match (self.intensity, self.scope_3_upstream_t) {
            (Some(_), Some(_)) => Quality::SupplierSpecific,
            (Some(_), None) => Quality::Hybrid,
            (None, _) => Quality::SpendBased,
        }
    }

    /// The ledger's factor label for a line priced from its figures.
    pub fn label(&self) -> String {
        let scopes = if self.scope_3_upstream_t.is_some() {
            "scope 1+2+3 upstream"
        } else {
            "scope 1+2"
        };
        format!(
            "{} ({}): reported {scopes} kg CO2e per GBP revenue, {}",
            self.name,
            self.id,
            self.reporting_year
                .map(|y| y.to_string())
                .unwrap_or_default()
        )
    }

    /// Reported emissions behind [`Supplier::intensity`], kg CO2e.
    pub fn reported_kg(&self) -> Option<Decimal> {
        let t = self
            .scope_1_t?
            .checked_add(self.scope_2_t?)?
            .checked_add(self.scope_3_upstream_t.unwrap_or_default())?;
        t.checked_mul(Decimal::ONE_THOUSAND)
    }
}

/// A loaded, checked register, with a lookup from a spend row's `supplier` text.
#[derive(Clone, Debug, Default)]
pub struct Register {
    /// The file as the user named it.
    pub file: String,
    /// SHA-256 of its bytes.
    pub sha256: String,
    /// Suppliers in file order.
    pub suppliers: Vec<Supplier>,
    /// Columns not understood, for a warning.
    pub ignored_columns: Vec<String>,
    /// What is odd but not wrong (a plan without its date or address), for notes.
    pub warnings: Vec<String>,
    /// Field number (from 1) of `reporting_year`, 0 when absent.
    year_column: u64,
    by_id: HashMap<String, u32>,
    by_companies_house: HashMap<String, u32>,
    by_name: HashMap<String, Option<u32>>,
}

/// The register's columns, as documented in the README.
const COLUMNS: [&str; 15] = [
    "supplier_id",
    "name",
    "companies_house",
    "postcode",
    "local_authority",
    "sme",
    "vcse",
    "crp",
    "crp_date",
    "crp_url",
    "scope_1_tco2e",
    "scope_2_tco2e",
    "scope_3_upstream_tco2e",
    "reporting_year",
    "revenue_gbp",
];

/// Columns that must be in the header.
const REQUIRED: [&str; 5] = ["supplier_id", "name", "sme", "vcse", "crp"];

/// How a spend row's supplier text is compared: trimmed, lower case, inner spaces single.
fn lookup_key(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

fn header_key(raw: &str) -> String {
    let k = raw
        .trim()
        .trim_start_matches('\u{feff}')
        .trim()
        .to_ascii_lowercase()
        .replace([' ', '-'], "_");
    match k.as_str() {
        "id" | "supplier" | "supplier_code" | "vendor_id" => "supplier_id".into(),
        "supplier_name" | "vendor_name" => "name".into(),
        "companies_house_number" | "company_number" | "crn" => "companies_house".into(),
        "post_code" => "postcode".into(),
        "la" | "local_authority_name" => "local_authority".into(),
        "is_sme" => "sme".into(),
        "is_vcse" => "vcse".into(),
        "crp_status" | "carbon_reduction_plan" => "crp".into(),
        "crp_published" | "crp_date_published" => "crp_date".into(),
        "crp_link" => "crp_url".into(),
        "scope1_tco2e" | "scope_1" | "scope1" | "s1_tco2e" => "scope_1_tco2e".into(),
        "scope2_tco2e" | "scope_2" | "scope2" | "s2_tco2e" => "scope_2_tco2e".into(),
        "scope_3_tco2e"
        | "scope_3_upstream"
        | "scope3_upstream_tco2e"
        | "scope3_tco2e"
        | "scope_3"
        | "scope3"
        | "s3_tco2e"
        | "upstream_scope_3_tco2e" => "scope_3_upstream_tco2e".into(),
        "year" | "emissions_year" => "reporting_year".into(),
        "revenue" | "turnover" | "turnover_gbp" => "revenue_gbp".into(),
        _ => k,
    }
}

impl Register {
    /// The supplier a spend row names: by id, else by name (a name two suppliers share
    /// matches neither), else by Companies House number. Case and repeated spaces do not matter.
    pub fn find(&self, supplier: &str) -> Option<u32> {
        if supplier.trim().is_empty() {
            return None;
        }
        let k = lookup_key(supplier);
        self.by_id
            .get(&k)
            .copied()
            .or_else(|| self.by_name.get(&k).copied().flatten())
            .or_else(|| self.by_companies_house.get(&k).copied())
    }

    /// Refuses a reporting year the price index cannot move spend to (`covered` says which
    /// years it has), at the supplier's line and column, before any row is priced.
    pub fn check_years(&self, covered: &dyn Fn(u16) -> bool, index: &str) -> Result<()> {
        for s in &self.suppliers {
            match s.reporting_year {
                Some(y) if s.intensity.is_some() && !covered(y) => {
                    return Err(Error::bad_value(
                        Position::new(&self.file, s.line, self.year_column),
                        "reporting_year",
                        y.to_string(),
                        format!("a year {index} covers, to move spend to the supplier's prices"),
                    ))
                }
                _ => {}
            }
        }
        Ok(())
    }

    /// A supplier by index.
    pub fn get(&self, i: u32) -> Option<&Supplier> {
        self.suppliers.get(i as usize)
    }

    /// Reads a register from its bytes; `file` names it in errors. Every problem is
    /// reported, one a line, each at `file:line:column` (column = field number from 1).
    pub fn parse(file: &str, bytes: &[u8]) -> Result<Register> {
        // The line and column of the first bad byte, and UTF-16 named, as for factor files.
        let text = crate::factors::catalog::utf8_text(file, bytes.to_vec())?;
        let mut rdr = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(text.as_bytes());
        let mut records = rdr.records();
        let header = match records.next() {
            Some(Ok(h)) => h,
            Some(Err(e)) => return Err(csv_error(file, &e)),
            None => return Err(Error::malformed(
                Position::new(file, 1, 0),
                "empty register; expected a header row naming supplier_id, name, sme, vcse and crp",
            )),
        };
        let mut cols: HashMap<&'static str, usize> = HashMap::new();
        let mut reg = Register {
            file: file.to_string(),
            sha256: sha256_hex(bytes),
            ..Register::default()
        };
        for (i, raw) in header.iter().enumerate() {
            let k = header_key(raw);
            match COLUMNS.iter().find(|c| **c == k) {
                Some(c) => {
                    if cols.insert(c, i).is_some() {
                        return Err(Error::bad_value(
                            Position::new(file, 1, i as u64 + 1),
                            "header",
                            raw,
                            format!("each column once; {c} is given twice"),
                        ));
                    }
                }
                None if raw.trim().is_empty() => {}
                None => {
                    // `scope_1_kgco2e` or `revenue_usd`: a known figure in another unit.
                    // Ignoring it would price the supplier as if it reported nothing.
                    const UNITS: [(&str, &str, &str); 4] = [
                        ("scope_1_", "scope_1_tco2e", "tCO2e"),
                        ("scope_2_", "scope_2_tco2e", "tCO2e"),
                        ("scope_3_", "scope_3_upstream_tco2e", "tCO2e"),
                        ("revenue_", "revenue_gbp", "GBP"),
                    ];
                    if let Some((_, c, unit)) = UNITS.iter().find(|u| k.starts_with(u.0)) {
                        return Err(Error::bad_value(
                            Position::new(file, 1, i as u64 + 1),
                            "header",
                            raw,
                            format!(
                                "{c}: the register takes this figure in {unit} only; convert \
                                 the column to {unit} and name it {c}"
                            ),
                        ));
                    }
                    reg.ignored_columns.push(raw.trim().to_string());
                }
            }
        }
        let missing: Vec<&str> = REQUIRED
            .iter()
            .filter(|c| !cols.contains_key(*c))
            .copied()
            .collect();
        if !missing.is_empty() {
            return Err(Error::malformed(
                Position::new(file, 1, 0),
                format!(
                    "the header lacks {}; a register has the columns {}",
                    missing.join(", "),
                    COLUMNS.join(", ")
                ),
            ));
        }
        reg.year_column = cols.get("reporting_year").map_or(0, |c| *c as u64 + 1);
        let mut problems: Vec<Error> = Vec::new();
        let mut first_line: HashMap<String, u64> = HashMap::new();
        for rec in records {
            let rec = match rec {
                Ok(r) => r,
                Err(e) => {
                    problems.push(csv_error(file, &e));
                    continue;
                }
            };
            if rec.iter().all(|f| f.trim().is_empty()) {
                continue;
            }
            let line = rec.position().map_or(0, |p| p.line());
            // A row with more or fewer cells than the header has its values under the wrong
            // columns (a comma in an unquoted name, a quote left open): say that once rather
            // than a wrong value in every column after it.
            // Empty cells past the header (a trailing comma) and a row that stops after its
            // last required column (optional cells left off) read as meant; anything else
            // would put values under the wrong columns.
            let extra_data = rec.iter().skip(header.len()).any(|f| !f.trim().is_empty());
            let cut_short = REQUIRED
                .iter()
                .any(|c| cols.get(c).is_some_and(|&i| i >= rec.len()));
            if extra_data || cut_short {
                problems.push(Error::malformed(
                    Position::new(file, line, 0),
                    format!(
                        "the row has {} cells but the header has {}; quote a name or address \
                         that holds a comma (\"Smith, Jones Ltd\") and close every quote",
                        rec.len(),
                        header.len()
                    ),
                ));
                continue;
            }
            let mut row = Row {
                file,
                line,
                rec: &rec,
                cols: &cols,
                problems: &mut problems,
                warnings: &mut reg.warnings,
            };
            if let Some(s) = row.supplier() {
                let key = lookup_key(&s.id);
                if let Some(first) = first_line.get(&key) {
                    let col = cols.get("supplier_id").map_or(0, |c| *c as u64 + 1);
                    problems.push(Error::bad_value(
                        Position::new(file, line, col),
                        "supplier_id",
                        &s.id,
                        format!("an id used once; it is already on line {first}"),
                    ));
                    continue;
                }
                first_line.insert(key.clone(), line);
                let i = reg.suppliers.len() as u32;
                reg.by_id.insert(key, i);
                if let Some(ch) = &s.companies_house {
                    reg.by_companies_house.insert(lookup_key(ch), i);
                }
                let name_key = lookup_key(&s.name);
                if let Some(&Some(j)) = reg.by_name.get(&name_key) {
                    // Spend rows that give this name cannot be joined to either supplier;
                    // without a word they would be priced by spend factor as "not in the
                    // register".
                    let other = &reg.suppliers[j as usize];
                    reg.warnings.push(format!(
                        "{}: suppliers {} and {} have the same name {:?}: spend \
                         rows that give it in `supplier` match neither and are priced by spend \
                         factor; give their supplier_id in `supplier` instead",
                        Position::new(file, line, 0),
                        other.id,
                        s.id,
                        s.name
                    ));
                }
                reg.by_name
                    .entry(name_key)
                    .and_modify(|v| *v = None)
                    .or_insert(Some(i));
                reg.suppliers.push(s);
            }
        }
        if reg.suppliers.is_empty() && problems.is_empty() {
            // A header alone is most often an export that lost its rows.
            reg.warnings.push(format!(
                "{}: the register has a header but no suppliers: every spend row is priced by \
                 spend factor",
                Position::new(file, 1, 0)
            ));
        }
        match problems.len() {
            0 => Ok(reg),
            1 => Err(problems.remove(0)),
            n => {
                let mut msg: Vec<String> = problems.iter().map(|e| e.to_string()).collect();
                msg.push(format!(
                    "{n} problems in the supplier register {file}; fix them and run again"
                ));
                Err(Error::usage(msg.join("\n")))
            }
        }
    }
}

fn csv_error(file: &str, e: &csv::Error) -> Error {
    let line = e.position().map_or(0, |p| p.line());
    Error::malformed(
        Position::new(file, line, 0),
        format!("not readable as CSV: {e}"),
    )
}

/// One register row being read; problems are collected, not returned.
struct Row<'a> {
    file: &'a str,
    line: u64,
    rec: &'a csv::StringRecord,
    cols: &'a HashMap<&'static str, usize>,
    problems: &'a mut Vec<Error>,
    warnings: &'a mut Vec<String>,
}

impl<'a> Row<'a> {
    fn text(&self, name: &str) -> Option<&'a str> {
        let c = *self.cols.get(name)?;
        let t = self.rec.get(c).unwrap_or("").trim();
        (!t.is_empty()).then_some(t)
    }

    fn problem(&mut self, name: &str, value: &str, expected: impl Into<String>) {
        let col = self.cols.get(name).map_or(0, |c| *c as u64 + 1);
        self.problems.push(Error::bad_value(
            Position::new(self.file, self.line, col),
            name,
            value,
            expected,
        ));
    }

    fn required(&mut self, name: &str, what: &str) -> Option<String> {
        match self.text(name) {
            Some(t) => Some(t.to_string()),
            None => {
                self.problem(name, "", what);
                None
            }
        }
    }

    fn yes_no(&mut self, name: &str) -> Option<bool> {
        let t = self.text(name).unwrap_or("");
        match t.to_ascii_lowercase().as_str() {
            "yes" | "y" | "true" | "1" => Some(true),
            "no" | "n" | "false" | "0" => Some(false),
            _ => {
                self.problem(name, t, "yes or no");
                None
            }
        }
    }

    /// A non-negative decimal, if given (thousands separators allowed).
    fn amount(&mut self, name: &str, what: &str) -> Option<Option<Decimal>> {
        let Some(t) = self.text(name) else {
            return Some(None);
        };
        match parse_amount(t) {
            Ok((v, sign)) if !v.is_sign_negative() || v.is_zero() => {
                if sign.is_some_and(|s| s != "GBP") {
                    self.problem(name, t, format!("{what} in GBP"));
                    return None;
                }
                Some(Some(v))
            }
            Ok(_) => {
                self.problem(name, t, format!("{what}, zero or more (not negative)"));
                None
            }
            Err(e) => {
                let t = t.to_string();
                self.problem(name, &t, format!("{what}: {}", e.describe()));
                None
            }
        }
    }

    /// The whole row as a supplier, or `None` with its problems recorded.
    fn supplier(&mut self) -> Option<Supplier> {
        let before = self.problems.len();
        let id = self.required(
            "supplier_id",
            "a supplier id, the text spend rows give in `supplier`",
        );
        let name = self.required("name", "the supplier's name");
        let sme = self.yes_no("sme");
        let vcse = self.yes_no("vcse");
        let crp_text = self.text("crp").unwrap_or("").to_string();
        let crp = Crp::parse(&crp_text);
        if crp.is_none() {
            self.problem(
                "crp",
                &crp_text,
                "a Carbon Reduction Plan status: none, net-zero-commitment or full",
            );
        }
        let crp_date = self.text("crp_date").map(str::to_string);
        if let Some(d) = &crp_date {
            if !is_date(d) {
                let d = d.clone();
                self.problem("crp_date", &d, "a date such as 2024-03-31");
            }
        }
        let crp_url = self.text("crp_url").map(str::to_string);
        if let Some(u) = &crp_url {
            if !(u.starts_with("https://") || u.starts_with("http://")) {
                let u = u.clone();
                self.problem("crp_url", &u, "a web address starting https://");
            }
        }
        if let (Some(c @ (Crp::Full | Crp::NetZeroCommitment)), Some(id)) =
            (crp, self.text("supplier_id"))
        {
            // A plan is dated and published; one without either is still counted, and named.
            let missing: Vec<&str> = [("crp_date", &crp_date), ("crp_url", &crp_url)]
                .iter()
                .filter(|(_, v)| v.is_none())
                .map(|(n, _)| *n)
                .collect();
            if !missing.is_empty() {
                self.warnings.push(format!(
                    "{}:{}: supplier {id} has a {} but no {}",
                    self.file,
                    self.line,
                    if c == Crp::Full {
                        "full Carbon Reduction Plan"
                    } else {
                        "Net Zero Commitment"
                    },
                    missing.join(" or ")
                ));
            }
        }
        let companies_house = self.text("companies_house").map(|t| t.to_ascii_uppercase());
        if let Some(c) = &companies_house {
            let ok = c.len() == 8
                && c.bytes().all(|b| b.is_ascii_alphanumeric())
                && c.bytes().skip(2).all(|b| b.is_ascii_digit());
            if !ok {
                let c = c.clone();
                self.problem(
                    "companies_house",
                    &c,
                    "a Companies House number of 8 characters, such as 01234567 or SC123456 (keep leading zeros)",
                );
            }
        }
        let s1 = self.amount("scope_1_tco2e", "scope 1 tCO2e");
        let s2 = self.amount("scope_2_tco2e", "scope 2 tCO2e");
        let s3 = self.amount("scope_3_upstream_tco2e", "upstream scope 3 tCO2e");
        let revenue = self.amount("revenue_gbp", "revenue in GBP");
        let year_text = self.text("reporting_year").map(str::to_string);
        let reporting_year = match &year_text {
            None => Some(None),
            Some(t) => match t.parse::<u16>().ok().filter(|y| (1990..=2100).contains(y)) {
                Some(y) => Some(Some(y)),
                None => {
                    let t = t.clone();
                    self.problem("reporting_year", &t, "a year such as 2023");
                    None
                }
            },
        };
        let (s1, s2, s3, revenue, reporting_year) = (s1?, s2?, s3?, revenue?, reporting_year?);
        let reported = s1.is_some() || s2.is_some() || s3.is_some();
        if reported {
            if s1.is_none() {
                self.problem(
                    "scope_1_tco2e",
                    "",
                    "scope 1 tCO2e: reported emissions need scope 1 and scope 2 (0 if none)",
                );
            }
            if s2.is_none() {
                self.problem(
                    "scope_2_tco2e",
                    "",
                    "scope 2 tCO2e: reported emissions need scope 1 and scope 2 (0 if none)",
                );
            }
            if reporting_year.is_none() {
                self.problem(
                    "reporting_year",
                    "",
                    "the year the emissions are for: reported emissions need it",
                );
            }
            match revenue {
                None => self.problem("revenue_gbp", "", "the revenue of the reporting year in GBP: reported emissions need it to give kg CO2e per GBP"),
                Some(r) if r.is_zero() => self.problem("revenue_gbp", "0", "a revenue above zero: emissions are divided by it"),
                _ => {}
            }
        }
        if let Some(pc) = self.text("postcode") {
            // A UK postcode is letters, digits and a space; anything else cannot be matched to
            // a postcode area and is a slip (a stray character, a pasted address).
            let compact = pc.chars().filter(|c| !c.is_whitespace()).count();
            if !pc.chars().all(|c| c.is_ascii_alphanumeric() || c == ' ')
                || !(2..=8).contains(&compact)
            {
                self.problem(
                    "postcode",
                    pc,
                    "a UK postcode such as TR1 3LJ (or its outward code, TR1): letters, digits and a space",
                );
            }
        }
        let id = id?;
        let name = name?;
        let (sme, vcse, crp) = (sme?, vcse?, crp?);
        if self.problems.len() > before {
            return None;
        }
        let mut s = Supplier {
            id,
            name,
            companies_house,
            postcode: self.text("postcode").map(str::to_string),
            local_authority: self.text("local_authority").map(str::to_string),
            sme,
            vcse,
            crp,
            crp_date,
            crp_url,
            scope_1_t: s1,
            scope_2_t: s2,
            scope_3_upstream_t: s3,
            reporting_year,
            revenue_gbp: revenue,
            intensity: None,
            line: self.line,
        };
        if reported {
            // kg CO2e over revenue: one division, here, to 28 significant digits.
            let kg = s.reported_kg();
            let intensity = kg.zip(revenue).and_then(|(k, r)| k.checked_div(r));
            match intensity {
                Some(i) => s.intensity = Some(i),
                None => {
                    let col = self.cols.get("scope_1_tco2e").map_or(0, |c| *c as u64 + 1);
                    self.problems.push(Error::overflow(
                        Position::new(self.file, self.line, col),
                        "reported emissions over revenue",
                    ));
                    return None;
                }
            }
        }
        Some(s)
    }
}

/// `YYYY-MM-DD` with a real month and day.
fn is_date(t: &str) -> bool {
    let p: Vec<&str> = t.split('-').collect();
    let num = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    if p.len() != 3 || !num(p[0], 4) || !num(p[1], 2) || !num(p[2], 2) {
        return false;
    }
    let (y, m, d) = (
        p[0].parse::<u32>().unwrap_or(0),
        p[1].parse::<u32>().unwrap_or(0),
        p[2].parse::<u32>().unwrap_or(0),
    );
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    const HEAD: &str = "supplier_id,name,companies_house,postcode,local_authority,sme,vcse,crp,crp_date,crp_url,scope_1_tco2e,scope_2_tco2e,scope_3_upstream_tco2e,reporting_year,revenue_gbp\n";

    fn parse(rows: &str) -> Result<Register> {
        Register::parse("reg.csv", format!("{HEAD}{rows}").as_bytes())
    }

    #[test]
    fn tiers_and_intensity() {
        let r = parse(
            "S1,Alpha Ltd,01234567,TR1 3LJ,Cornwall,yes,no,full,2024-03-31,https://a.example/crp,100,50,350,2023,\"£2,000,000\"\n\
             S2,Beta,,,,no,no,net zero commitment,2024-01-01,https://b.example,10,10,,2023,400000\n\
             S3,Gamma CIC,,PL1 1AA,,yes,yes,none,,,,,,,\n",
        )
        .unwrap();
        let s = &r.suppliers;
        assert_eq!(s[0].tier(), Quality::SupplierSpecific);
        assert_eq!(s[0].intensity, Some(Decimal::from_str("0.25").unwrap()));
        assert_eq!(s[1].tier(), Quality::Hybrid);
        assert_eq!(s[1].crp, Crp::NetZeroCommitment);
        assert_eq!(s[1].intensity, Some(Decimal::from_str("0.05").unwrap()));
        assert_eq!(s[2].tier(), Quality::SpendBased);
        assert_eq!(r.find(" alpha  LTD "), Some(0));
        assert_eq!(r.find("s2"), Some(1));
        assert_eq!(r.find("Delta"), None);
        assert_eq!(r.find("01234567"), Some(0));
        assert!(r.warnings.is_empty(), "{:?}", r.warnings);
        let r = parse("S9,Nine,,,,no,no,full,,,,,,,\n").unwrap();
        assert_eq!(
            r.warnings,
            ["reg.csv:2: supplier S9 has a full Carbon Reduction Plan but no crp_date or crp_url"]
        );
    }

    #[test]
    fn every_problem_is_located() {
        let e = parse(
            "S1,Alpha,,,,yes,no,none,,,,,,,\n\
             S1,Alpha again,,,,yes,no,none,,,,,,,\n\
             S2,Beta,,,,no,no,partial,,,,,,,\n\
             S3,Gamma,,,,no,no,none,,,1,2,,2023,-5\n",
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("reg.csv:3:1: supplier_id: \"S1\""), "{e}");
        assert!(e.contains("line 2"), "{e}");
        assert!(e.contains("reg.csv:4:8: crp: \"partial\""), "{e}");
        assert!(e.contains("reg.csv:5:15: revenue_gbp: \"-5\""), "{e}");
        assert!(e.contains("3 problems"), "{e}");
    }

    #[test]
    fn dates() {
        assert!(is_date("2024-02-29"));
        assert!(!is_date("2023-02-29"));
        assert!(!is_date("31/03/2024"));
    }
}
