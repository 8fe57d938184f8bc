//! `ghg merge RUN_DIR... --out DIR`: runs over disjoint inputs (by site, by month, by file)
//! combined into exactly the inventory.json and inventory.csv one run over all the inputs
//! gives. Each part's ledger lines go back through the engine's own arithmetic and
//! accumulation (`engine::replay`), so the sums are the same exact sums; runs made with
//! different options, factor sets or `ghg` builds are refused, naming what differs. Runs
//! with a supplier register also merge procurement.json, from the register they read and
//! their spend rows' ledger lines.

use super::inventory::PROCUREMENT_FILE;
use super::run_dir::RunDir;
use super::verify::{load_manifest, on_disk};
use super::{GlobalArgs, Outcome};
use crate::activity::stream::{hash_result, hash_state, Hashing};
use crate::audit::manifest::{path_text, FileEntry, Manifest};
use crate::engine::replay::{merge_groups, Replay};
use crate::engine::{LazySet, Resolver};
use crate::factors::{sha256_hex, FactorSet};
use crate::model::ledger::for_each_ledger_line;
use crate::model::{Inventory, RowCounts};
use crate::report::inventory::{inventory_csv, inventory_json, RunFacts};
use crate::report::inventory_json::InventoryJson;
use crate::supply::metrics::{procurement, Procurement};
use crate::supply::{LocalArea, Supply, SupplyTotals};
use crate::{Error, Result};
use serde::Serialize;
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Combine output directories of `ghg inventory --out` over disjoint inputs into the
/// inventory one run over all the inputs gives.
#[derive(Debug, Clone, clap::Args)]
pub struct MergeArgs {
    /// Output directories of `ghg inventory --out`, in the order their inputs would be given.
    #[arg(required = true)]
    pub runs: Vec<PathBuf>,
    /// Where to write inventory.json, inventory.csv, ledger.csv, rejects.csv, manifest.json
    /// and (for runs with `--suppliers`) procurement.json.
    #[arg(long)]
    pub out: PathBuf,
}

/// The schema of a merged run's manifest.
pub const MERGE_SCHEMA: &str = "ghg-merge/1";

/// manifest.json of a merged run: the parts, their shared options and sets, the outputs.
#[derive(Debug, Serialize)]
pub struct MergeManifest {
    /// The `ghg` that merged.
    pub ghg: crate::audit::manifest::Build,
    /// The options every part was run with (inputs: all parts' inputs, in order).
    pub options: crate::audit::manifest::RecordedOptions,
    /// Factor sets the parts used.
    pub factor_sets: Vec<FileEntry>,
    /// Outputs written, by name.
    pub outputs: Vec<FileEntry>,
    /// Each part: its directory and the SHA-256 of its manifest.
    pub parts: Vec<Part>,
    /// Always [`MERGE_SCHEMA`].
    pub schema: String,
}

/// One run merged.
#[derive(Debug, Serialize)]
pub struct Part {
    /// Its directory, as given.
    pub dir: String,
    /// Its inputs, as its manifest names them.
    pub inputs: Vec<FileEntry>,
    /// SHA-256 of its manifest.json.
    pub manifest_sha256: String,
}

/// Why two parts cannot be merged, or `None` when they can.
fn difference(a: &Manifest, an: &str, b: &Manifest, bn: &str) -> Option<String> {
    let (oa, ob) = (&a.options, &b.options);
    let opt = |name: &str, x: String, y: String| -> Option<String> {
        (x != y).then(|| format!("{name} is {x} in {an} but {y} in {bn}"))
    };
    let show = |o: &Option<String>| {
        o.clone()
            .map_or("not given".to_string(), |s| format!("{s:?}"))
    };
    for (sa, sb) in a.factor_sets.iter().zip(&b.factor_sets) {
        if sa.id == sb.id && sa.sha256 != sb.sha256 {
            return Some(format!(
                "factor set {} differs: sha256 {} in {an} but {} in {bn}",
                sa.id.as_deref().unwrap_or(&sa.name),
                sa.sha256,
                sb.sha256
            ));
        }
    }
    if oa.factors != ob.factors {
        return Some(format!(
            "different factor sets: --factors {} in {an} but {} in {bn}",
            show(&oa.factors),
            show(&ob.factors)
        ));
    }
    opt(
        "--spend-factors",
        oa.spend_factors.join(","),
        ob.spend_factors.join(","),
    )
    .or_else(|| opt("--deflator", oa.deflator.clone(), ob.deflator.clone()))
    .or_else(|| {
        opt(
            "--no-upstream",
            oa.no_upstream.to_string(),
            ob.no_upstream.to_string(),
        )
    })
    .or_else(|| {
        opt(
            "--residual-mix",
            show(&oa.residual_mix),
            show(&ob.residual_mix),
        )
    })
    .or_else(|| opt("--aliases", show(&oa.aliases), show(&ob.aliases)))
    .or_else(|| {
        opt(
            "--factors-dir",
            oa.factors_dirs.join(":"),
            ob.factors_dirs.join(":"),
        )
    })
    .or_else(|| opt("--gwp", show(&oa.gwp), show(&ob.gwp)))
    .or_else(|| {
        // Any option added later that this list does not name yet.
        let strip = |o: &crate::audit::manifest::RecordedOptions| {
            let mut o = o.clone();
            o.inputs.clear();
            serde_json::to_string(&o).unwrap_or_default()
        };
        opt("the options", strip(oa), strip(ob))
    })
    .or_else(|| {
        // The typed options the runs were made with (read from the flags for older
        // manifests): any option that decides the figures, named or not above.
        let typed = |m: &Manifest, n: &str| {
            m.run(n)
                .map(|r| serde_json::to_string(&r.options).unwrap_or_default())
                .unwrap_or_else(|e| e.to_string())
        };
        opt("the run options", typed(a, an), typed(b, bn))
    })
    .or_else(|| {
        opt(
            "the ghg build",
            format!("{} ({})", a.ghg.version, a.ghg.commit),
            format!("{} ({})", b.ghg.version, b.ghg.commit),
        )
    })
}

/// A part's inventory.json, read through its types.
fn part_inventory(dir: &Path) -> Result<InventoryJson> {
    let path = dir.join("inventory.json");
    let text = std::fs::read_to_string(&path).map_err(|e| Error::io(&path, e))?;
    InventoryJson::parse(&path.display().to_string(), &text)
}

/// The `rows` and `notes` of a part's inventory.json.
fn rows_and_notes(dir: &Path) -> Result<(RowCounts, Vec<String>)> {
    let v = part_inventory(dir)?;
    let rows = RowCounts {
        read: v.rows.read,
        used: v.rows.used,
        rejected: v.rows.rejected,
        blank: v.rows.blank_lines_skipped,
        spend_undated: v.rows.spend_without_price_year,
    };
    Ok((rows, v.notes))
}

/// Spend in GBP by tier, summed exactly over the parts' inventory.json `by_tier` (the
/// ledger does not carry it: a line's cost is not its tier's spend when it is not in GBP).
fn tier_spend(runs: &[PathBuf]) -> Result<crate::supply::SupplyTotals> {
    let mut out = crate::supply::SupplyTotals::default();
    for dir in runs {
        let v = part_inventory(dir)?;
        for q in crate::supply::metrics::TIERS {
            let Some(t) = v.by_tier.get(q.as_str()) else {
                continue;
            };
            let spend = t.spend_gbp.0;
            if spend.is_zero() {
                continue;
            }
            out.tiers
                .entry(q)
                .or_default()
                .spend_gbp
                .add(spend)
                .ok_or_else(|| Error::overflow(crate::Position::default(), "a tier's spend"))?;
        }
    }
    Ok(out)
}

/// Notes that depend on the whole run's figures, recomputed after the merge.
fn is_figure_note(n: &str) -> bool {
    n.contains("spend row(s) had neither price_year nor period")
        || n.contains("are after the newest DESNZ edition")
        || n.starts_with("location-based scope 2 is priced by ")
        || (n.starts_with("reporting year ") && n.contains(" priced with "))
        || n.starts_with("rows without a period priced with ")
        || n.starts_with("NHS view: ")
}

/// Runs `ghg merge`.
pub fn run(args: &MergeArgs, global: &GlobalArgs) -> Result<Outcome> {
    let catalog = global.catalog()?;
    let mut manifests = Vec::new();
    for d in &args.runs {
        manifests.push(load_manifest(d)?);
    }
    let name = |i: usize| args.runs[i].display().to_string();
    for i in 1..manifests.len() {
        if let Some(d) = difference(&manifests[0], &name(0), &manifests[i], &name(i)) {
            return Err(Error::usage(format!("cannot merge: {d}")));
        }
    }
    // The sets any part used, each parsed once and checked against the hash its part recorded.
    let mut sets: Vec<Arc<FactorSet>> = Vec::new();
    let mut set_entries: Vec<FileEntry> = Vec::new();
    for (i, m) in manifests.iter().enumerate() {
        for e in &m.factor_sets {
            if set_entries.iter().any(|s| s.sha256 == e.sha256) {
                continue;
            }
            let id = e.id.clone().unwrap_or_default();
            let set = match catalog.entry(&id) {
                Some(_) => catalog.load(&id)?,
                None => catalog.load(
                    &args.runs[i]
                        .join(&m.run_dir)
                        .join(&e.name)
                        .display()
                        .to_string(),
                )?,
            };
            if set.sha256 != e.sha256 {
                return Err(Error::usage(format!(
                    "cannot merge: factor set {id} here (sha256 {}) is not the one {} used ({})",
                    set.sha256,
                    name(i),
                    e.sha256
                )));
            }
            sets.push(set);
            set_entries.push(e.clone());
        }
    }
    // With a supplier register, the spend rows' sums by supplier are replayed too, for
    // procurement.json; a register that cannot be read as the parts read it leaves it out.
    let (supply, local_area) = match parts_supply(&args.runs, &manifests) {
        Ok(Some((s, l))) => {
            check_parts_read(&args.runs, &s, l.as_ref())?;
            (Some(s), l)
        }
        Ok(None) => (None, None),
        Err(why) => {
            crate::say!("note: procurement.json is not merged: {why}");
            (None, None)
        }
    };
    let resolver = Resolver {
        sets: sets.iter().cloned().map(LazySet::loaded).collect(),
        supply: supply.clone(),
        ..Resolver::single(
            sets.first()
                .cloned()
                .ok_or_else(|| Error::usage("cannot merge: the runs name no factor set"))?,
        )
    };
    let mut parts = Vec::new();
    let mut spend = SupplyTotals::default();
    let mut rows = RowCounts::default();
    let mut notes_per_part = Vec::new();
    for (d, m) in args.runs.iter().zip(&manifests) {
        let path = d.join("ledger.csv");
        // Streamed: a part's ledger can be far larger than memory.
        let file = std::fs::File::open(&path).map_err(|e| Error::io(&path, e))?;
        let mut replay = Replay::new(&resolver);
        let ledger_name = path.display().to_string();
        let state = hash_state(true);
        let hashed = Hashing {
            inner: file,
            state: state.clone(),
        };
        for_each_ledger_line(&ledger_name, std::io::BufReader::new(hashed), |l| {
            replay.add(&ledger_name, &l)
        })?;
        // Each line's figures were checked against its factor; the whole file against the
        // hash its run recorded, so no line was added, dropped or moved.
        let sha = hash_result(state).0.unwrap_or_default();
        if let Some(want) = m.outputs.iter().find(|o| o.name == "ledger.csv") {
            if want.sha256 != sha {
                return Err(Error::usage(format!(
                    "cannot merge: {ledger_name} is not the ledger its run wrote (sha256 {sha}, \
                     its manifest says {}); re-run that part, or restore its ledger.csv",
                    want.sha256
                )));
            }
        }
        let (groups, supply) = replay.finish()?;
        parts.push(groups);
        spend
            .merge(supply)
            .ok_or_else(|| Error::overflow(crate::Position::default(), "the supplier sums"))?;
        let (r, notes) = rows_and_notes(d)?;
        rows.read += r.read;
        rows.used += r.used;
        rows.rejected += r.rejected;
        rows.blank += r.blank;
        rows.spend_undated += r.spend_undated;
        notes_per_part.push(
            notes
                .into_iter()
                .filter(|n| !is_figure_note(n))
                .collect::<Vec<_>>(),
        );
    }
    let inv = Inventory {
        groups: merge_groups(parts)?,
        rows,
        supply: tier_spend(&args.runs)?,
    };
    // Notes as one run writes them: the run-wide ones (common to every part), then those that
    // depend on the figures, then each input's, in part order.
    let common = notes_per_part
        .iter()
        .skip(1)
        .fold(notes_per_part[0].len(), |n, p| {
            notes_per_part[0]
                .iter()
                .zip(p)
                .take(n)
                .take_while(|(a, b)| a == b)
                .count()
        });
    let mut notes: Vec<String> = notes_per_part[0][..common].to_vec();
    // The DESNZ editions chosen by year, as `ghg inventory` without --factors lists them.
    let desnz: BTreeMap<u16, String> = if manifests[0].options.factors.is_none() {
        catalog
            .entries()
            .iter()
            .filter_map(|e| {
                e.id.strip_prefix("desnz-")
                    .and_then(|y| y.parse::<u16>().ok())
                    .map(|y| (y, e.id.clone()))
            })
            .collect()
    } else {
        BTreeMap::new()
    };
    let find_set = |id: &str| sets.iter().find(|s| s.id() == id).map(|s| &**s);
    notes.extend(
        super::inventory::figure_notes(&inv, &desnz, &find_set)?
            .into_iter()
            .map(|(n, _)| n),
    );
    for p in &notes_per_part {
        notes.extend(p[common..].iter().cloned());
    }
    let mut used: Vec<&str> = inv.groups.keys().map(|k| &*k.set).collect();
    used.sort_unstable();
    used.dedup();
    let facts = RunFacts {
        sets: used
            .iter()
            .filter_map(|id| sets.iter().find(|s| s.id() == *id))
            .map(|s| (s.id().to_string(), s.header.title.clone(), s.sha256.clone()))
            .collect(),
        notes,
    };
    let describe = |set: &str, key: &str| -> (String, String) {
        sets.iter()
            .find(|s| s.id() == set)
            .and_then(|s| s.get(key))
            .map(|f| (f.label(), f.unit.name.to_string()))
            .unwrap_or_default()
    };
    let json = inventory_json(&inv, &facts, &describe)?;
    let csv_text = inventory_csv(&inv)?;
    let procurement = match &supply {
        Some(s) => Some(procurement(s, &spend, local_area.as_ref())?),
        None => None,
    };
    // Written as a unit, like an inventory's --out (run_dir.rs).
    let mut run = RunDir::create(&args.out)?;
    run.write("inventory.csv", csv_text.as_bytes())?;
    run.write("inventory.json", json.as_bytes())?;
    if let Some(p) = &procurement {
        run.write(PROCUREMENT_FILE, p.to_json()?.as_bytes())?;
    }
    for file in ["ledger.csv", "rejects.csv"] {
        let mut f = run.open(file)?;
        concat_csv(&args.runs, file, &mut f)?;
        run.close(f)?;
    }
    let mut outputs = run.outputs().to_vec();
    outputs.sort_by(|a, b| a.name.cmp(&b.name));
    let mut options = manifests[0].options.clone();
    options.inputs = manifests
        .iter()
        .flat_map(|m| m.options.inputs.clone())
        .collect();
    let manifest = MergeManifest {
        ghg: crate::audit::manifest::Build::current(),
        options,
        factor_sets: set_entries,
        outputs,
        parts: args
            .runs
            .iter()
            .zip(&manifests)
            .map(|(d, m)| {
                let text = std::fs::read(d.join("manifest.json")).unwrap_or_default();
                Part {
                    dir: path_text(d),
                    inputs: m.inputs.clone(),
                    manifest_sha256: sha256_hex(&text),
                }
            })
            .collect(),
        schema: MERGE_SCHEMA.to_string(),
    };
    let mut text = serde_json::to_string_pretty(&manifest)
        .map_err(|e| Error::usage(format!("writing the manifest: {e}")))?;
    text.push('\n');
    run.write("manifest.json", text.as_bytes())?;
    run.commit()?;
    crate::say!(
        "merged {} runs: {} rows read, {} used, {} rejected",
        args.runs.len(),
        inv.rows.read,
        inv.rows.used,
        inv.rows.rejected
    );
    Ok(Outcome::Clean)
}

/// A supplier register and the local area read with it.
type RegisterRead = (Arc<Supply>, Option<LocalArea>);

/// The supplier register and local area the parts were run with (`--suppliers`,
/// `--local-area`), read where the first part's manifest records them: `Ok(None)` for runs
/// without a register, `Err(why)` when they cannot be read.
fn parts_supply(
    runs: &[PathBuf],
    manifests: &[Manifest],
) -> std::result::Result<Option<RegisterRead>, String> {
    let (Some(dir), Some(m)) = (runs.first(), manifests.first()) else {
        return Ok(None);
    };
    let mut options = m
        .run(&dir.display().to_string())
        .map_err(|e| e.to_string())?
        .options;
    if options.suppliers.is_none() {
        return Ok(None);
    }
    // Paths in a manifest are relative to the directory the run was made from.
    let base = dir.join(&m.run_dir);
    for p in [&mut options.suppliers, &mut options.local_area]
        .into_iter()
        .flatten()
    {
        *p = on_disk(&base, &p.to_string_lossy());
    }
    let (supply, local) = crate::run::load_supply(&options).map_err(|e| e.to_string())?;
    Ok(supply.map(|s| (s, local)))
}

/// Refuses parts whose procurement.json was made with another register, local area or
/// upstream share than `supply` and `local`, as read now.
fn check_parts_read(runs: &[PathBuf], supply: &Supply, local: Option<&LocalArea>) -> Result<()> {
    // The register, local area and share as procurement.json names them.
    let now = procurement(supply, &SupplyTotals::default(), local)?;
    for d in runs {
        let path = d.join(PROCUREMENT_FILE);
        let text = match std::fs::read_to_string(&path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(Error::usage(format!(
                    "cannot merge: {} has no {PROCUREMENT_FILE}, though it was run with \
                     --suppliers; re-run that part",
                    d.display()
                )))
            }
            r => r.map_err(|e| Error::io(&path, e))?,
        };
        let part = Procurement::parse(&path.display().to_string(), &text)?;
        let differs = if part.register != now.register {
            Some(format!(
                "the register {} (sha256 {}), not the {} read now (sha256 {})",
                part.register.file, part.register.sha256, now.register.file, now.register.sha256
            ))
        } else if part.local_area != now.local_area {
            Some("another local area than the one read now".to_string())
        } else if part.upstream_share != now.upstream_share {
            Some(format!(
                "upstream share {}, not {}",
                part.upstream_share, now.upstream_share
            ))
        } else {
            None
        };
        if let Some(what) = differs {
            return Err(Error::usage(format!(
                "cannot merge: {} was made with {what}; re-run that part, or restore the files it read",
                path.display()
            )));
        }
    }
    Ok(())
}

/// One CSV from the parts' files of that name: the first header, then every part's rows,
/// copied through a buffer so no part is held in memory.
fn concat_csv(runs: &[PathBuf], file: &str, to: &mut impl Write) -> Result<()> {
    use std::io::BufRead;
    for (i, d) in runs.iter().enumerate() {
        let path = d.join(file);
        let f = std::fs::File::open(&path).map_err(|e| Error::io(&path, e))?;
        let mut from = std::io::BufReader::with_capacity(1 << 20, f);
        if i > 0 {
            let mut header = Vec::new();
            from.read_until(b'\n', &mut header)
                .map_err(|e| Error::io(&path, e))?;
        }
        std::io::copy(&mut from, to).map_err(|e| Error::io(&path, e))?;
    }
    Ok(())
}
