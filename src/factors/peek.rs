//! A factor file's set id, read without parsing the whole file. Compiled twice: into the
//! library, and into `build.rs`, which reads the shipped sets' ids once at build time.

/// The `id` of a factor file's `[set]` table, as the TOML parser reads it (so `id = 'x'`,
/// `"id" = "x"` and `id = "x" # note` all give `x`). Only the part above the first array of
/// tables is parsed when that is valid TOML and names the id, because TOML forbids the rest of
/// the file from redefining it; otherwise the whole file is parsed. `None` when the file has
/// no string `set.id` (or is not TOML: loading it reports where).
pub fn peek_id(text: &str) -> Option<String> {
    let head_end = text
        .match_indices('\n')
        .map(|(i, _)| i + 1)
        .find(|&i| text[i..].trim_start_matches([' ', '\t']).starts_with("[["))
        .unwrap_or(text.len());
    let id_in = |doc: &str| -> Option<String> {
        let table: toml::Table = doc.parse().ok()?;
        table.get("set")?.get("id")?.as_str().map(str::to_string)
    };
    id_in(&text[..head_end]).or_else(|| {
        if head_end < text.len() {
            id_in(text)
        } else {
            None
        }
    })
}
