//! Files shipped inside the binary: the factor sets under `factors/` and the example trust
//! under `examples/`, as they were when `ghg` was built.

/// A file shipped under `factors/`, with what `build.rs` read from it.
#[derive(Debug, PartialEq, Eq)]
pub struct Shipped {
    /// Path relative to `factors/`.
    pub path: &'static str,
    /// Contents.
    pub text: &'static str,
    /// The set id, as [`crate::factors::peek_id`] reads it.
    pub set_id: Option<&'static str>,
    /// SHA-256 of the contents, as [`crate::factors::sha256_hex`] gives it.
    pub sha256: &'static str,
}

include!(concat!(env!("OUT_DIR"), "/embedded.rs"));

/// The contents of a shipped factor file, by its path under `factors/`.
pub fn factor_file(rel: &str) -> Option<&'static str> {
    FACTOR_FILES.iter().find(|f| f.path == rel).map(|f| f.text)
}

/// The contents of a shipped example file, by its path under `examples/`.
pub fn example_file(rel: &str) -> Option<&'static str> {
    EXAMPLE_FILES
        .iter()
        .find(|(p, _)| *p == rel)
        .map(|(_, t)| *t)
}
