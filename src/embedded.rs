//! Files shipped inside the binary: the factor sets under `factors/` and the example trust
//! under `examples/`, as they were when `ghg` was built.

include!(concat!(env!("OUT_DIR"), "/embedded.rs"));

/// The contents of a shipped factor file, by its path under `factors/`.
pub fn factor_file(rel: &str) -> Option<&'static str> {
    FACTOR_FILES
        .iter()
        .find(|(p, _)| *p == rel)
        .map(|(_, t)| *t)
}

/// The contents of a shipped example file, by its path under `examples/`.
pub fn example_file(rel: &str) -> Option<&'static str> {
    EXAMPLE_FILES
        .iter()
        .find(|(p, _)| *p == rel)
        .map(|(_, t)| *t)
}
