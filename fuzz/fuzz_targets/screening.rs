//! Any text as a task sent down to a town, screened against the pilot's lists: the first
//! line is the title, the rest the description.
#![no_main]

use std::sync::{Arc, LazyLock};

use grassroots_text::{Screener, Segmenter};
use libfuzzer_sys::fuzz_target;

static SCREENER: LazyLock<Screener> = LazyLock::new(|| {
    let items = grassroots_app::admission::listfile::read(include_bytes!("../../data/screening/lists.csv"))
        .expect("the pilot's lists read");
    Screener::new(Arc::new(Segmenter::new()), &items)
});

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let (title, description) = text.split_once('\n').unwrap_or((text, ""));
        let _ = SCREENER.screen(title, description);
    }
});
