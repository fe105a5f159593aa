//! Empowerment by menu: the catalog, rounds of orders with assessments and decisions, each
//! town's power list, its evaluation, and the check the enforcement flow calls before a
//! case is filed: does the town hold this power on this day?

pub mod catalog;
pub mod catalogfile;
pub(crate) mod demo;
pub mod powers;
pub mod rounds;
