//! Any text as a factor set: problems, each at a line of the file, or a set; never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let (set, problems) = ghg::factors::parse_set("f.toml", &text);
    for p in &problems {
        assert!(p.pos.line >= 1, "{p:?}");
    }
    if problems.is_empty() {
        assert!(!set.id().is_empty());
    }
    let _ = ghg::factors::catalog::peek_id(&text);
    let _ = ghg::factors::tables::parse_aliases("a.toml", &text);
});
