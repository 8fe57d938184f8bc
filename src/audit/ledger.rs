//! `ledger.csv` read back into typed lines; the type lives with the inventory model
//! ([`crate::model::ledger`]), below the engine that writes it.

pub use crate::model::ledger::{read_ledger, LedgerLine, LedgerRecord, LEDGER_HEADER};
