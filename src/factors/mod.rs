//! Emission-factor sets: TOML files under `factors/` (shipped inside the binary) and in the
//! user's own directories, loaded exactly, validated, searched and compared. The
//! maintainers' importer that regenerates the shipped files is [`crate::importer`], apart from this
//! runtime loader.

pub mod cache;
pub mod load;
pub mod model;
mod peek;
pub mod table_files;
pub mod tables;
mod validate;
pub mod write;

pub use load::{hex_digest, parse_set, sha256_hex, Problem};
pub use model::{DataQuality, Factor, FactorSet, GasGwp, Scope, SetHeader, SetKind};
pub mod catalog;
pub mod diff;
pub mod gwp;

pub use catalog::{Catalog, Source};
pub use peek::peek_id;
