//! Activity rows times factors, in parallel and in order: a reader thread fills fixed-size
//! chunks, rayon applies factors to a batch of chunks at once, and the partial inventories,
//! rejects and ledger bytes are folded in chunk order. The same input gives the same bytes
//! whatever the thread count.

mod amounts;
pub mod apply;
mod cells;
pub mod resolve;
mod supplied;

pub use apply::{apply_chunk, ChunkOutput, LEDGER_HEADER};
pub use resolve::{Edition, FactorRef, PriceIndex, Resolved, Resolver};

use crate::activity::read::FileInfo;
use crate::activity::{Chunk, ChunkReader, Input, Layout};
use crate::inventory::{Inventory, Reject};
use crate::{Error, Result};
use rayon::prelude::*;
use std::io::Write;
use std::sync::mpsc;

/// Chunks handed to the thread pool at once.
const BATCH_CHUNKS: usize = 8;

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

/// Rejects kept in memory for display.
const KEPT_REJECTS: usize = 50;

/// Reads every input and applies the resolver to every row.
pub fn run(inputs: Vec<Input>, resolver: &Resolver, sinks: Sinks<'_>) -> Result<RunOutput> {
    run_with(inputs, &Layout::default(), resolver, sinks)
}

/// [`run`] with the user's layout choices (`--column`, `--wide`).
pub fn run_with(
    inputs: Vec<Input>,
    layout: &Layout,
    resolver: &Resolver,
    mut sinks: Sinks<'_>,
) -> Result<RunOutput> {
    let want_ledger = sinks.ledger.is_some();
    let mut reader = ChunkReader::with_layout(inputs, layout.clone());
    let mut out = RunOutput::default();
    // The reader runs ahead on its own thread, a bounded number of chunks ahead.
    let (tx, rx) = mpsc::sync_channel::<Result<Chunk>>(BATCH_CHUNKS);
    let (back_tx, back_rx) = mpsc::channel::<Chunk>();
    let files = std::thread::scope(|scope| -> Result<Vec<FileInfo>> {
        let producer = scope.spawn(move || {
            loop {
                while let Ok(c) = back_rx.try_recv() {
                    reader.recycle(c);
                }
                match reader.next_chunk() {
                    Ok(Some(c)) => {
                        if tx.send(Ok(c)).is_err() {
                            break;
                        }
                    }
                    Ok(None) => break,
                    Err(e) => {
                        let _ = tx.send(Err(e));
                        break;
                    }
                }
            }
            reader.files
        });
        let mut failure = None;
        let mut batch: Vec<Chunk> = Vec::with_capacity(BATCH_CHUNKS);
        let mut done = false;
        while !done {
            batch.clear();
            while batch.len() < BATCH_CHUNKS {
                match rx.recv() {
                    Ok(Ok(c)) => batch.push(c),
                    Ok(Err(e)) => {
                        failure = Some(e);
                        done = true;
                        break;
                    }
                    Err(_) => {
                        done = true;
                        break;
                    }
                }
            }
            if batch.is_empty() {
                break;
            }
            let outputs: Vec<ChunkOutput> = batch
                .par_iter()
                .map(|c| {
                    let o = apply_chunk(c.records(), &c.columns, &c.name, resolver, want_ledger);
                    with_reader_rejects(o, &c.rejects)
                })
                .collect();
            for o in outputs {
                if failure.is_some() {
                    break;
                }
                if let Err(e) = fold(&mut out, o, &mut sinks) {
                    failure = Some(e);
                }
            }
            for c in batch.drain(..) {
                let _ = back_tx.send(c);
            }
            if failure.is_some() {
                break;
            }
        }
        drop(rx);
        let files = producer
            .join()
            .map_err(|_| Error::usage("internal error: the reader thread panicked"))?;
        match failure {
            Some(e) => Err(e),
            None => Ok(files),
        }
    })?;
    out.files = files;
    Ok(out)
}

/// Rows the reader refused (a runaway quote) join the chunk's rejects, in line order.
fn with_reader_rejects(mut o: ChunkOutput, rejects: &[Reject]) -> ChunkOutput {
    if rejects.is_empty() {
        return o;
    }
    let n = rejects.len() as u64;
    o.inventory.rows.read += n;
    o.inventory.rows.rejected += n;
    o.rejects.extend(rejects.iter().cloned());
    o.rejects.sort_by_key(|r| r.line);
    o
}

fn fold(out: &mut RunOutput, o: ChunkOutput, sinks: &mut Sinks<'_>) -> Result<()> {
    out.inventory
        .merge(o.inventory)
        .ok_or_else(|| Error::overflow(crate::Position::default(), "the inventory total"))?;
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
