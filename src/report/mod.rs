//! Results to bytes: tables for people, CSV and JSON for spreadsheets and CI jobs. Pure
//! functions; the only place figures are rounded (for display).

pub mod compare;
pub mod diff;
pub mod explain;
pub mod factors;
pub mod greener_nhs;
pub mod html;
pub mod inventory;
pub mod inventory_json;
pub mod nhs;
pub mod procurement;
pub mod table;
