//! Use cases: one function per command or query. Each checks who may do it (through
//! [`core::access`]), runs in one transaction and writes its audit record there, so a
//! change and its trace are committed together or not at all.

pub mod admission;
pub mod command;
pub mod core;
pub mod demo;
pub mod empowerment;
pub mod enforcement;
pub mod error;
pub mod income;
pub mod indicators;
pub mod inspection;
pub mod petition;
pub mod restructuring;
pub mod warning;

use std::sync::{Arc, RwLock};

use grassroots_domain::core::calendar::WorkingCalendar;
use grassroots_store::Store;

pub use core::access::Actor;
pub use error::{AppError, Result};

/// Everything a use case needs; cheap to clone.
#[derive(Clone)]
pub struct App {
    pub store: Store,
    /// Swapped whole on reload; readers keep the snapshot they took.
    calendar: Arc<RwLock<Arc<WorkingCalendar>>>,
    screeners: Arc<admission::tasks::Screeners>,
    /// Reports wait here for the writer that commits them in groups.
    intake: command::intake::Intake,
    /// Acknowledgements of warnings wait here for the writer that commits them in groups.
    acks: warning::ack::AckQueue,
    pub settings: Settings,
}

/// Security settings with defaults that suit production.
#[derive(Debug, Clone)]
pub struct Settings {
    pub session_hours: i64,
    /// Failed logins of one account within the window before it is locked for the window.
    pub max_failures_per_account: i64,
    /// Failed logins from one address within the window before it must wait.
    pub max_failures_per_address: i64,
    pub throttle_window_minutes: i64,
    /// Where attached files are kept, each under its SHA-256.
    pub files_dir: std::path::PathBuf,
    /// A village whose operating income in a year is below this is weak (薄弱村).
    pub weak_village_below_fen: i64,
    /// Seals petitioners' personal data; without it petitions cannot be taken.
    pub petition_key: Option<petition::PetitionKey>,
    /// Sends the warnings' text messages to hazard monitors.
    pub sms: Arc<dyn warning::relay::SmsGateway>,
    /// The site's address as the public reaches it, for links in text messages and feeds.
    pub public_url: String,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            session_hours: 12,
            max_failures_per_account: 5,
            max_failures_per_address: 20,
            throttle_window_minutes: 15,
            files_dir: "grassroots-files".into(),
            // 10万元: the line Anhui's 2021 plans set for weak villages.
            weak_village_below_fen: 10_000_000,
            petition_key: None,
            sms: Arc::new(warning::relay::LoggingSms::default()),
            public_url: "http://127.0.0.1:8080".into(),
        }
    }
}

impl App {
    /// Opens the store (migrating it) and loads the working-day calendar, seeding it from
    /// the official calendar shipped in the binary when the database has none.
    pub async fn open(database_url: &str, settings: Settings) -> Result<Self> {
        let store = Store::open(database_url).await?;
        let intake = command::intake::start(store.clone());
        let acks = warning::ack::start(store.clone());
        let app = Self { store, calendar: Arc::default(), screeners: Arc::default(), intake, acks, settings };
        app.seed_calendar_if_empty().await?;
        app.reload_calendar().await?;
        Ok(app)
    }

    /// A snapshot of the working-day calendar in force.
    pub fn calendar(&self) -> Arc<WorkingCalendar> {
        self.calendar.read().map(|c| Arc::clone(&c)).unwrap_or_default()
    }
}
