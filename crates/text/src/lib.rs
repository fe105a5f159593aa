//! Chinese text for task admission: segmentation, and explainable screening of a task
//! against a town's lists. Pure and deterministic: no I/O, no network, no model files
//! beyond jieba's dictionary, which is compiled in.

pub mod screen;
pub mod segment;

pub use screen::{Evidence, Screener, Screening};
pub use segment::Segmenter;
