//! The anchor-institution view of spend, from the register and the run's spend sums: spend
//! and emissions by tier and by Carbon Reduction Plan status, the shares with local
//! suppliers, SMEs and VCSEs, the top suppliers, and spend the register does not name. The
//! result is `procurement.json` (schema `ghg-procurement/1`), which `ghg report procurement`
//! renders; every figure is an exact decimal string.

use super::{share, shares, LocalArea, SupplierTotals, Supply, SupplyTotals};
use crate::model::{value_of, ExactSum, Quality};
use crate::num::exact_string;
use crate::Result;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// The `schema` of procurement.json.
pub const SCHEMA: &str = "ghg-procurement/1";

/// Suppliers in each top list.
pub const TOP: usize = 10;

/// Tiers in the order outputs list them.
pub const TIERS: [Quality; 4] = [
    Quality::SupplierSpecific,
    Quality::Hybrid,
    Quality::SpendBased,
    Quality::AverageData,
];

/// Everything `ghg report procurement` shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Procurement {
    /// Always [`SCHEMA`].
    pub schema: String,
    /// `kg CO2e`.
    pub unit: String,
    /// `GBP`: spend figures are GBP as the rows give it (nominal, not deflated).
    pub currency: String,
    /// The register the run read.
    pub register: RegisterInfo,
    /// The local area, when given.
    pub local_area: Option<LocalInfo>,
    /// Share of the spend factor counted upstream of a hybrid-tier supplier.
    pub upstream_share: String,
    /// Spend rows in all.
    pub totals: Totals,
    /// Spend and emissions of spend rows by tier; shares add to 100.
    pub by_tier: Vec<Bucket>,
    /// Share of spend with local suppliers, SMEs and VCSEs.
    pub anchor: Vec<Anchor>,
    /// Spend and emissions by the supplier's Carbon Reduction Plan status (`full`,
    /// `net-zero-commitment`, `none`, and `not-in-register`); shares add to 100.
    pub by_crp: Vec<Bucket>,
    /// The largest suppliers by kg CO2e.
    pub top_by_emissions: Vec<SupplierRow>,
    /// The largest suppliers by spend.
    pub top_by_spend: Vec<SupplierRow>,
    /// The suppliers with the most kg CO2e per GBP spent.
    pub top_by_intensity: Vec<SupplierRow>,
    /// Spend whose supplier the register does not name, by the name the rows give.
    pub unmatched: Vec<Unmatched>,
    /// Every register supplier with spend, in register order.
    pub suppliers: Vec<SupplierRow>,
    /// How the figures were formed.
    pub notes: Vec<String>,
}

/// The register file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegisterInfo {
    /// Its file name.
    pub file: String,
    /// SHA-256 of its bytes.
    pub sha256: String,
    /// Suppliers in it.
    pub suppliers: usize,
}

/// The local area file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LocalInfo {
    /// Its file name.
    pub file: String,
    /// Local authorities.
    pub local_authorities: Vec<String>,
    /// Postcode areas or districts.
    pub postcode_areas: Vec<String>,
}

/// Totals over every spend row.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Totals {
    /// Spend rows.
    pub rows: u64,
    /// Spend rows not in GBP: their emissions count, their spend is not in the GBP figures.
    pub rows_not_gbp: u64,
    /// GBP spend.
    pub spend_gbp: String,
    /// kg CO2e of the spend rows.
    pub kg_co2e: String,
    /// GBP spend with suppliers in the register.
    pub matched_spend_gbp: String,
    /// GBP spend with suppliers not in the register.
    pub unmatched_spend_gbp: String,
}

/// Spend and emissions of one group, with their shares (percent).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bucket {
    /// The group (a tier, a CRP status).
    pub name: String,
    /// GBP spend.
    pub spend_gbp: String,
    /// Percent of all GBP spend.
    pub spend_share_percent: String,
    /// kg CO2e.
    pub kg_co2e: String,
    /// Percent of all spend rows' kg CO2e.
    pub emissions_share_percent: String,
    /// Spend rows.
    pub rows: u64,
}

/// One anchor metric.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Anchor {
    /// `local`, `sme` or `vcse`.
    pub name: String,
    /// GBP spend with such suppliers.
    pub spend_gbp: String,
    /// Percent of all GBP spend (unmatched spend counts in the whole, never as local, SME or VCSE).
    pub spend_share_percent: String,
    /// Register suppliers with spend that are such.
    pub suppliers: usize,
}

/// One register supplier's spend and emissions.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SupplierRow {
    /// Register id.
    pub supplier_id: String,
    /// Name.
    pub name: String,
    /// The tier of its spend lines.
    pub tier: String,
    /// CRP status.
    pub crp: String,
    /// In the local area (`null` without one).
    pub local: Option<bool>,
    /// SME.
    pub sme: bool,
    /// VCSE.
    pub vcse: bool,
    /// GBP spend.
    pub spend_gbp: String,
    /// kg CO2e.
    pub kg_co2e: String,
    /// kg CO2e per GBP spent (28 significant digits); `null` without GBP spend.
    pub kg_co2e_per_gbp: Option<String>,
    /// Spend rows.
    pub rows: u64,
}

/// Spend with a supplier the register does not name.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unmatched {
    /// The `supplier` text of the rows (empty when they name none).
    pub supplier: String,
    /// GBP spend.
    pub spend_gbp: String,
    /// kg CO2e (spend-based).
    pub kg_co2e: String,
    /// Spend rows.
    pub rows: u64,
}

/// A file's name without its directory: outputs never carry a path that depends on where
/// the run was made from.
fn file_name(path: &str) -> String {
    std::path::Path::new(path)
        .file_name()
        .map_or_else(|| path.to_string(), |n| n.to_string_lossy().into_owned())
}

fn ov() -> crate::Error {
    crate::Error::overflow(crate::Position::default(), "a procurement total")
}

fn val(s: &ExactSum) -> Result<Decimal> {
    value_of(s, "a procurement total")
}

/// Buckets from (name, totals), shares formed by [`shares`].
fn buckets(parts: Vec<(String, SupplierTotals)>) -> Result<Vec<Bucket>> {
    let spend: Vec<Decimal> = parts
        .iter()
        .map(|(_, t)| val(&t.spend_gbp))
        .collect::<Result<_>>()?;
    let kg: Vec<Decimal> = parts
        .iter()
        .map(|(_, t)| val(&t.kg))
        .collect::<Result<_>>()?;
    let spend_shares = shares(&spend).ok_or_else(ov)?;
    let kg_shares = shares(&kg).ok_or_else(ov)?;
    Ok(parts
        .into_iter()
        .enumerate()
        .map(|(i, (name, t))| Bucket {
            name,
            spend_gbp: exact_string(spend[i]),
            spend_share_percent: exact_string(spend_shares[i]),
            kg_co2e: exact_string(kg[i]),
            emissions_share_percent: exact_string(kg_shares[i]),
            rows: t.rows,
        })
        .collect())
}

/// A supplier's spend, kg CO2e and kg per GBP, beside its row, for ranking.
type Ranked = (Decimal, Decimal, Option<Decimal>, SupplierRow);

fn add(a: &mut SupplierTotals, b: &SupplierTotals) -> Result<()> {
    a.spend_gbp.merge(&b.spend_gbp).ok_or_else(ov)?;
    a.kg.merge(&b.kg).ok_or_else(ov)?;
    a.rows += b.rows;
    a.rows_not_gbp += b.rows_not_gbp;
    Ok(())
}

/// The anchor metrics of a run's spend rows.
pub fn procurement(
    supply: &Supply,
    totals: &SupplyTotals,
    local: Option<&LocalArea>,
) -> Result<Procurement> {
    let reg = &supply.register;
    let mut all = SupplierTotals::default();
    let mut matched = SupplierTotals::default();
    let mut unmatched_all = SupplierTotals::default();
    let mut crp = [
        SupplierTotals::default(),
        SupplierTotals::default(),
        SupplierTotals::default(),
    ];
    let mut anchor = [
        (SupplierTotals::default(), 0usize),
        (SupplierTotals::default(), 0usize),
        (SupplierTotals::default(), 0usize),
    ];
    let mut rows = Vec::new();
    for (&i, t) in &totals.registered {
        let Some(s) = reg.get(i) else { continue };
        add(&mut all, t)?;
        add(&mut matched, t)?;
        let c = match s.crp {
            super::Crp::Full => 0,
            super::Crp::NetZeroCommitment => 1,
            super::Crp::None => 2,
        };
        add(&mut crp[c], t)?;
        let is_local = local.map(|a| a.contains(s));
        for (k, yes) in [is_local.unwrap_or(false), s.sme, s.vcse]
            .into_iter()
            .enumerate()
        {
            if yes {
                add(&mut anchor[k].0, t)?;
                anchor[k].1 += 1;
            }
        }
        let spend = val(&t.spend_gbp)?;
        let kg = val(&t.kg)?;
        let per_gbp = if spend.is_zero() {
            None
        } else {
            Some(kg.checked_div(spend).ok_or_else(ov)?)
        };
        rows.push((
            spend,
            kg,
            per_gbp,
            SupplierRow {
                supplier_id: s.id.clone(),
                name: s.name.clone(),
                tier: s.tier().as_str().to_string(),
                crp: s.crp.as_str().to_string(),
                local: is_local,
                sme: s.sme,
                vcse: s.vcse,
                spend_gbp: exact_string(spend),
                kg_co2e: exact_string(kg),
                kg_co2e_per_gbp: per_gbp.map(exact_string),
                rows: t.rows,
            },
        ));
    }
    let mut unmatched = Vec::new();
    for (name, t) in &totals.unmatched {
        add(&mut all, t)?;
        add(&mut unmatched_all, t)?;
        unmatched.push(Unmatched {
            supplier: name.clone(),
            spend_gbp: exact_string(val(&t.spend_gbp)?),
            kg_co2e: exact_string(val(&t.kg)?),
            rows: t.rows,
        });
    }
    let spend_all = val(&all.spend_gbp)?;
    let mut tiers = Vec::new();
    for q in TIERS {
        tiers.push((
            q.as_str().to_string(),
            totals.tiers.get(&q).cloned().unwrap_or_default(),
        ));
    }
    let [full, nzc, none] = crp;
    let by_crp = buckets(vec![
        ("full".into(), full),
        ("net-zero-commitment".into(), nzc),
        ("none".into(), none),
        ("not-in-register".into(), unmatched_all.clone()),
    ])?;
    let mut anchors = Vec::new();
    for (k, (t, n)) in anchor.iter().enumerate() {
        if k == 0 && local.is_none() {
            continue;
        }
        let spend = val(&t.spend_gbp)?;
        anchors.push(Anchor {
            name: ["local", "sme", "vcse"][k].to_string(),
            spend_gbp: exact_string(spend),
            spend_share_percent: exact_string(share(spend, spend_all).ok_or_else(ov)?),
            suppliers: *n,
        });
    }
    // Orders are total (ties broken by register id), so the lists never depend on input order.
    let top = |key: &dyn Fn(&Ranked) -> Option<Decimal>| {
        let mut v: Vec<&Ranked> = rows.iter().filter(|r| key(r).is_some()).collect();
        v.sort_by(|a, b| {
            key(b)
                .cmp(&key(a))
                .then_with(|| a.3.supplier_id.cmp(&b.3.supplier_id))
        });
        v.into_iter()
            .take(TOP)
            .map(|r| r.3.clone())
            .collect::<Vec<_>>()
    };
    let top_by_emissions = top(&|r| Some(r.1));
    let top_by_spend = top(&|r| Some(r.0));
    let top_by_intensity = top(&|r| r.2);
    let mut notes = vec![
        "spend is GBP as the rows give it (nominal); emissions are kg CO2e of the spend rows' ledger lines".to_string(),
        "shares are percent to 28 significant digits; in by_tier and by_crp the last non-zero share is 100 minus the others, so each adds to exactly 100".to_string(),
        "local, SME and VCSE shares are of all GBP spend; spend not matched to the register counts in the whole but never as local, SME or VCSE".to_string(),
    ];
    if local.is_none() {
        notes.push("no local area given (--local-area): the local share is not computed".into());
    }
    if all.rows_not_gbp > 0 {
        notes.push(format!(
            "{} spend row(s) not in GBP: their emissions are counted, their spend is not in the GBP figures",
            all.rows_not_gbp
        ));
    }
    Ok(Procurement {
        schema: SCHEMA.to_string(),
        unit: "kg CO2e".to_string(),
        currency: "GBP".to_string(),
        register: RegisterInfo {
            file: file_name(&reg.file),
            sha256: reg.sha256.clone(),
            suppliers: reg.suppliers.len(),
        },
        local_area: local.map(|a| LocalInfo {
            file: file_name(&a.file),
            local_authorities: a.local_authorities.clone(),
            postcode_areas: a.postcode_areas.clone(),
        }),
        upstream_share: exact_string(supply.upstream_share),
        totals: Totals {
            rows: all.rows,
            rows_not_gbp: all.rows_not_gbp,
            spend_gbp: exact_string(spend_all),
            kg_co2e: exact_string(val(&all.kg)?),
            matched_spend_gbp: exact_string(val(&matched.spend_gbp)?),
            unmatched_spend_gbp: exact_string(val(&unmatched_all.spend_gbp)?),
        },
        by_tier: buckets(tiers)?,
        anchor: anchors,
        by_crp,
        top_by_emissions,
        top_by_spend,
        top_by_intensity,
        unmatched,
        suppliers: rows.into_iter().map(|r| r.3).collect(),
        notes,
    })
}

impl Procurement {
    /// As pretty JSON with a final newline.
    pub fn to_json(&self) -> Result<String> {
        let mut s = serde_json::to_string_pretty(self)
            .map_err(|e| crate::Error::usage(format!("writing procurement.json: {e}")))?;
        s.push('\n');
        Ok(s)
    }

    /// Reads procurement.json; `file` names it in errors, which point at line and column.
    pub fn parse(file: &str, text: &str) -> Result<Procurement> {
        let p: Procurement = serde_json::from_str(text).map_err(|e| {
            crate::Error::malformed(
                crate::Position::new(file, e.line() as u64, e.column() as u64),
                format!("not a procurement.json this ghg reads: {e}"),
            )
        })?;
        if p.schema != SCHEMA {
            return Err(crate::Error::malformed(
                crate::Position::new(file, 0, 0),
                format!("schema {:?} is not {SCHEMA:?}", p.schema),
            ));
        }
        Ok(p)
    }
}
