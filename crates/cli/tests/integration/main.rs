//! The one integration-test binary: storage on both backends, the HTTP surface, the access
//! matrix, the command line and a real browser.
//!
//! PostgreSQL tests run when a server answers at `GRASSROOTS_TEST_PG`
//! (default `postgres://postgres@127.0.0.1:5432/postgres`); the browser test runs when
//! Debian's chromium and chromedriver are installed. Outside CI they say loudly when they
//! skip; under CI (`CI=true`) a missing server or browser fails the run.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a failed fixture should stop the test

mod access;
mod admission;
mod api;
mod browser;
mod cli;
mod command;
mod durability;
mod empowerment;
mod enforcement;
mod helpers;
mod income;
mod indicators;
mod inspection;
mod petition;
mod restructuring;
mod security;
mod store;
mod warning;
