//! Any bytes as a CAP message, as `cap import` and `POST /api/v1/warnings/import` receive
//! them: the parser answers with an alert or with its faults, and never panics.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(xml) = std::str::from_utf8(data) {
        let _ = grassroots_app::warning::cap::parse(xml);
    }
});
