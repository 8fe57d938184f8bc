//! `ghg`: exact, reproducible greenhouse-gas inventories.
//!
//! The pipeline, one module a step:
//! 1. [`factors`]: versioned emission-factor sets from TOML, validated, searched, diffed.
//!    [`importer`] (maintainers only) regenerates them from the publishers' files.
//! 2. [`activity`]: activity CSVs (energy, travel, waste, water, refrigerants, spend) to typed rows or rejects.
//! 3. [`model`]: the model the engine fills and reports read: the ledger line and its
//!    columns, group keys, exact sums by scope, category, site, period, activity and gas.
//! 4. [`engine`]: each row times its resolved factor, plus upstream lines, into ledger lines and
//!    those sums, in parallel.
//! 5. [`report`]: an inventory to bytes (table, CSV, JSON); [`audit`] makes every figure traceable.
//! 6. [`trajectory`]: targets, business as usual, interventions, budgets, abatement costs and the
//!    year-on-year bridge between runs.
//!
//! [`run`] ties steps 1 to 5 together: one typed set of options, the inputs, and
//! [`run::Run::execute`], which every command that computes an inventory calls in-process.
#![warn(missing_docs)]
#![deny(clippy::float_arithmetic, clippy::cast_precision_loss)]

pub mod activity;
pub mod audit;
pub mod cli;
pub mod embedded;
pub mod engine;
pub mod error;
pub mod factors;
pub mod importer;
pub mod model;
pub mod nhs;
pub mod num;
pub mod report;
pub mod run;
pub mod supply;
pub mod trajectory;
pub mod units;

pub use error::{Error, ErrorKind, Position, Result};
