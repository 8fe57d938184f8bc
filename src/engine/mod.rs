//! Activity rows times factors, in parallel and in order. A reader thread reads each input
//! (CSV in any encoding spreadsheets save, a workbook's sheet, a wide layout) into chunks of
//! records and hashes its bytes; one worker per thread prices chunks into its own sums, keyed
//! by numbers interned once for the run; chunk outputs (rejects, ledger bytes) are written in
//! chunk order; the workers' sums are merged once at the end. Sums are exact, so the same
//! input gives the same bytes whatever the thread count, the chunk size or the order chunks
//! finish in.

mod amounts;
pub mod apply;
mod fast;
mod ranks;
pub mod replay;
pub mod resolve;
mod supplied;

pub use apply::{BlockOutput, Work, LEDGER_HEADER};
pub use resolve::{Edition, FactorRef, LazySet, PriceIndex, Resolved, Resolver};

use crate::activity::read::FileInfo;
use crate::activity::{Chunk, ChunkReader, Input, Layout};
use crate::model::{Inventory, Reject};
use crate::{Error, Result};
use std::collections::BTreeMap;
use std::io::Write;
use std::sync::{mpsc, Mutex};

/// Receives each rejected row, in input order.
pub type RejectSink<'a> = &'a mut (dyn FnMut(&Reject) -> Result<()> + Send);

/// Where a run's row-level output goes.
#[derive(Default)]
pub struct Sinks<'a> {
    /// ledger.csv rows (without header), in input order.
    pub ledger: Option<&'a mut (dyn Write + Send)>,
    /// Every reject, in input order.
    pub rejects: Option<RejectSink<'a>>,
}

/// The result of a run.
#[derive(Debug, Default)]
pub struct RunOutput {
    /// The inventory.
    pub inventory: Inventory,
    /// What was read from each input.
    pub files: Vec<FileInfo>,
    /// The first rejects, for display (all of them go to the rejects sink).
    pub first_rejects: Vec<Reject>,
}

/// A worker's row counts and sorted groups.
pub(crate) type Partial = (
    crate::model::RowCounts,
    crate::model::Groups,
    crate::supply::SupplyTotals,
);

/// Running sums and groups a worker may hold for them to be added into another worker's and
/// priced once at the end (cheaper than pricing each worker's and merging the two named
/// lists when the workers saw mostly the same groups); past this, as with many sites, each
/// worker's are priced on a thread of their own and merged.
const ABSORB_UP_TO: usize = 1 << 16;

/// Rejects kept in memory for display.
const KEPT_REJECTS: usize = 50;

/// Chunks in flight per worker (read, queued, being priced or waiting to be written): bounds
/// memory whatever the input size.
const IN_FLIGHT_PER_WORKER: usize = 3;

/// Reads every input and applies the resolver to every row, on as many workers as the
/// current rayon pool has threads.
pub fn run(inputs: Vec<Input>, resolver: &Resolver, sinks: Sinks<'_>) -> Result<RunOutput> {
    run_with(inputs, &Layout::default(), resolver, sinks)
}

/// [`run`] with the user's layout choices (`--column`, `--wide`).
pub fn run_with(
    inputs: Vec<Input>,
    layout: &Layout,
    resolver: &Resolver,
    sinks: Sinks<'_>,
) -> Result<RunOutput> {
    run_on(
        rayon::current_num_threads(),
        inputs,
        layout,
        resolver,
        sinks,
        &mut |_| {},
        true,
    )
}

/// [`run_with`] on `workers` worker threads of its own (0: one per core), calling `progress`
/// with the bytes of input read so far after each chunk is written, and taking each input's
/// SHA-256 only when `hash_inputs` (a run that writes no manifest records none).
pub fn run_on(
    workers: usize,
    inputs: Vec<Input>,
    layout: &Layout,
    resolver: &Resolver,
    sinks: Sinks<'_>,
    progress: &mut dyn FnMut(u64),
    hash_inputs: bool,
) -> Result<RunOutput> {
    let how = (hash_inputs, ABSORB_UP_TO);
    run_absorbing(workers, inputs, layout, resolver, sinks, progress, how)
}

/// [`run_on`], the workers' sums added into one worker's at the end while none holds more
/// than `absorb_up_to` (the second of `how`; the first is `hash_inputs`).
fn run_absorbing(
    workers: usize,
    inputs: Vec<Input>,
    layout: &Layout,
    resolver: &Resolver,
    mut sinks: Sinks<'_>,
    progress: &mut dyn FnMut(u64),
    (hash_inputs, absorb_up_to): (bool, usize),
) -> Result<RunOutput> {
    let want_ledger = sinks.ledger.is_some();
    let workers = match workers {
        0 => std::thread::available_parallelism().map_or(1, usize::from),
        n => n,
    };
    // Chunk buffers go back to the reader once priced: no allocation per row.
    let (spare_tx, spare_rx) = mpsc::channel::<Chunk>();
    let mut reader = ChunkReader::with_layout(inputs, layout.clone()).with_hashing(hash_inputs);
    let mut out = RunOutput::default();
    let tickets = workers * IN_FLIGHT_PER_WORKER;
    let (ticket_tx, ticket_rx) = mpsc::sync_channel::<()>(tickets);
    for _ in 0..tickets {
        let _ = ticket_tx.send(());
    }
    // Each chunk with its place in the run and the input bytes read up to its end.
    let (chunk_tx, chunk_rx) = mpsc::sync_channel::<(u64, u64, Chunk)>(tickets);
    let chunk_rx = Mutex::new(chunk_rx);
    let (out_tx, out_rx) = mpsc::channel::<BlockOutput>();
    let mut failure: Option<Error> = None;
    let (read_result, partials) = std::thread::scope(|scope| {
        let producer = scope.spawn(move || {
            let mut seq = 0u64;
            let r = loop {
                while let Ok(c) = spare_rx.try_recv() {
                    reader.recycle(c);
                }
                if ticket_rx.recv().is_err() {
                    break Ok(());
                }
                match reader.next_chunk() {
                    Ok(Some(c)) => {
                        let read = reader.bytes_read();
                        if chunk_tx.send((seq, read, c)).is_err() {
                            break Ok(());
                        }
                        seq += 1;
                    }
                    Ok(None) => break Ok(()),
                    Err(e) => break Err(e),
                }
            };
            (r, reader.files)
        });
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                let out_tx = out_tx.clone();
                let spare_tx = spare_tx.clone();
                let chunk_rx = &chunk_rx;
                scope.spawn(move || {
                    let mut work = Work::new(resolver, want_ledger);
                    loop {
                        let next = chunk_rx.lock().ok().and_then(|rx| rx.recv().ok());
                        let Some((seq, read, chunk)) = next else {
                            break;
                        };
                        let o = work.chunk(&chunk, seq, read);
                        let _ = spare_tx.send(chunk);
                        if out_tx.send(o).is_err() {
                            break;
                        }
                    }
                    work
                })
            })
            .collect();
        drop(out_tx);
        drop(spare_tx);
        // Outputs arrive in any order; they are written in chunk order.
        let mut pending: BTreeMap<u64, BlockOutput> = BTreeMap::new();
        // Records the workers parsed from raw blocks, by file.
        let mut parsed: BTreeMap<usize, u64> = BTreeMap::new();
        let mut next = 0u64;
        let mut ticket_tx = Some(ticket_tx);
        for o in out_rx.iter() {
            if o.parsed > 0 {
                *parsed.entry(o.file).or_default() += o.parsed;
            }
            pending.insert(o.seq, o);
            while let Some(o) = pending.remove(&next) {
                next += 1;
                progress(o.bytes);
                if failure.is_none() {
                    if let Err(e) = emit(&mut out, o, &mut sinks) {
                        failure = Some(e);
                        // Stop the reader: it waits for tickets that will not come.
                        ticket_tx = None;
                    }
                }
                if let Some(t) = &ticket_tx {
                    let _ = t.send(());
                }
            }
        }
        drop(ticket_tx);
        let partials: Vec<Option<Work>> = handles.into_iter().map(|h| h.join().ok()).collect();
        let read = producer.join().map(|(r, mut files)| {
            for (f, n) in parsed {
                if let Some(info) = files.get_mut(f) {
                    info.records += n;
                }
            }
            (r, files)
        });
        (read, partials)
    });
    let (read, files) =
        read_result.map_err(|_| Error::usage("internal error: the reader thread panicked"))?;
    read?;
    if let Some(e) = resolver.load_error() {
        return Err(e);
    }
    if let Some(e) = failure {
        return Err(e);
    }
    let overflow = || Error::overflow(crate::Position::default(), "the inventory total");
    let mut works = Vec::with_capacity(partials.len());
    for w in partials {
        works.push(w.ok_or_else(|| Error::usage("internal error: a worker thread panicked"))?);
    }
    // Each worker's (or the one) finish, or the panic of a thread it ran on.
    type Finished = std::thread::Result<Option<Partial>>;
    let partials: Vec<Finished> = if works.iter().skip(1).all(|w| w.held() <= absorb_up_to) {
        // The workers' sums added into the first's, still as running sums, and priced, named
        // and sorted once (in two halves on two threads unless the run has one): no named
        // lists to merge.
        let mut works = works.into_iter();
        let mut all = None;
        if let Some(mut first) = works.next() {
            for w in works {
                first.absorb(w).ok_or_else(overflow)?;
            }
            let halves = workers > 1;
            all = Some(std::panic::catch_unwind(std::panic::AssertUnwindSafe(
                || first.finish_in(halves),
            )));
        }
        all.into_iter().collect()
    } else {
        // Many groups: each worker prices and names its own on a thread, and the lists are
        // merged.
        std::thread::scope(|scope| {
            let handles: Vec<_> = (works.into_iter())
                .map(|w| scope.spawn(move || w.finish()))
                .collect();
            handles.into_iter().map(|h| h.join()).collect()
        })
    };
    let mut parts = Vec::with_capacity(partials.len());
    for p in partials {
        let (rows, groups, supply) = p
            .map_err(|_| Error::usage("internal error: a worker thread panicked"))?
            .ok_or_else(overflow)?;
        out.inventory.rows.add(&rows);
        out.inventory
            .supply
            .merge(supply)
            .ok_or_else(|| Error::overflow(crate::Position::default(), "the supply totals"))?;
        parts.push(groups);
    }
    out.inventory.groups = crate::model::groups::merge_sorted(parts).ok_or_else(overflow)?;
    out.files = files;
    Ok(out)
}

/// Writes one block's ledger bytes and rejects.
fn emit(out: &mut RunOutput, o: BlockOutput, sinks: &mut Sinks<'_>) -> Result<()> {
    if let Some(w) = sinks.ledger.as_mut() {
        w.write_all(&o.ledger)
            .map_err(|e| Error::io("ledger.csv", e))?;
    }
    for r in o.rejects {
        if let Some(f) = sinks.rejects.as_mut() {
            f(&r)?;
        }
        if out.first_rejects.len() < KEPT_REJECTS {
            out.first_rejects.push(r);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::factors::Catalog;

    /// Rows over many sites and both paths (rows the fast path takes and rows it leaves to
    /// the per-row path): the groups are the same on one worker (priced whole), with the
    /// workers' sums added into one worker's and priced once (in two halves by key, on two
    /// threads), and with each worker's priced whole and the lists merged.
    #[test]
    fn absorbing_the_workers_sums_gives_the_merge_of_their_groups() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/factors/mini-desnz-2025.toml"
        );
        let set = Catalog::discover(&[]).unwrap().load(path).unwrap();
        let resolver = Resolver::single(set);
        let mut text = String::from("activity,quantity,unit,site,period\n");
        for i in 0..40_000u64 {
            let (activity, unit) = match i % 4 {
                0 => ("1_100_1004_6", "kWh"),
                1 => ("1_100_1004_6", "MWh"),
                2 => ("17_404_4005_1", "m3"),
                _ => ("nonsense", "kWh"),
            };
            // Non-ASCII rows go the per-row way; negative quantities are refused.
            let q = if i % 7 == 0 {
                format!("-{i}.5")
            } else {
                format!("{i}.25")
            };
            let site = i * 7919 % 3_001;
            let site = if i % 5 == 0 {
                format!("sité-{}", site % 50)
            } else {
                format!("site-{site}")
            };
            text.push_str(&format!(
                "{activity},{q},{unit},{site},2025-{:02}\n",
                1 + i % 12
            ));
        }
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("in.csv");
        std::fs::write(&p, &text).unwrap();
        let run = |workers: usize, absorb_up_to: usize| {
            let inputs = vec![Input::Path(p.clone())];
            let layout = Layout::default();
            let how = (false, absorb_up_to);
            let sinks = Sinks::default();
            run_absorbing(workers, inputs, &layout, &resolver, sinks, &mut |_| {}, how)
                .unwrap()
                .inventory
        };
        let one = run(1, 0);
        // Enough groups for the halves.
        assert!(
            one.groups.len() > 2 * apply::HALVES_FROM,
            "{}",
            one.groups.len()
        );
        assert!(one.rows.rejected > 5_000 && one.rows.used > 25_000);
        for workers in [2, 3] {
            assert_eq!(run(workers, usize::MAX), one, "absorbed, {workers} workers");
            assert_eq!(run(workers, 0), one, "merged, {workers} workers");
        }
    }
}
