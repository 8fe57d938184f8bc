//! Any text as a trajectory plan: a plan whose years can be checked, or an error; never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Ok(plan) = ghg::trajectory::plan::parse_plan("plan.toml", &text) {
        let _ = plan.check_years(2019);
    }
});
