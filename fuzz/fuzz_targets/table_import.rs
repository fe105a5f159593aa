//! Any bytes as an uploaded table (XLSX or CSV) for each importer: duty lists, the catalog
//! of matters, collective income and hazard points. Each answers rows or errors by row and
//! column, and never panics.
#![no_main]

use grassroots_app::{admission, empowerment, income, warning};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = admission::listfile::read(data);
    let _ = empowerment::catalogfile::read(data);
    let _ = income::incomefile::read(data, 2024);
    let _ = warning::points::read(data);
});
