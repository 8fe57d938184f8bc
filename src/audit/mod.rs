//! The audit trail: every figure traceable to the row, factor and file that made it.
//!
//! - [`manifest`]: what a run read and wrote (SHA-256 of every file) and with which options,
//!   written as `manifest.json` beside the outputs.
//! - [`verify`]: a manifest against a re-run of it: which input, factor set or output differs.
//! - [`ledger`]: `ledger.csv` read back into typed lines.
//! - [`explain`]: a ledger line or a total back to quantity x conversion x factor.
//! - [`compare`]: one inventory under two factor sets, and the factors that drive the change.
//!
//! Everything here works on values and bytes; reading files and re-running is `cli/`'s job.

pub mod compare;
pub mod explain;
pub mod ledger;
pub mod manifest;
pub mod verify;
