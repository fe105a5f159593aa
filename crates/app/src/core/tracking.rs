//! What the public follows a report or a petition by: a tracking number that cannot be
//! guessed, looked up only with the phone number given, with wrong lookups counted per
//! number and per address so that numbers cannot be tried in bulk.

use grassroots_store::Conn;
use grassroots_store::core::throttle::{self, Outcome};
use rand::Rng;
use time::Duration;

use crate::core::{now, stored_in, today};
use crate::{AppError, Result};

/// Wrong lookups of one number, or from one address, before they must wait.
const FAILURES_PER_NUMBER: i64 = 5;
const FAILURES_PER_ADDRESS: i64 = 20;
const WINDOW_MINUTES: i64 = 15;

/// The prefix (SJ for events, XF for petitions), the day, and ten characters drawn from 32
/// that are not mistaken for one another: about 10¹⁵ numbers a day, so a number cannot be
/// guessed.
pub(crate) fn tracking_number(prefix: &str) -> String {
    const ALPHABET: &[u8] = b"23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
    let day = today().to_string().replace('-', "");
    let mut rng = rand::rng();
    let tail: String = (0..10).map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char).collect();
    format!("{prefix}{day}{tail}")
}

/// The digits of a phone number as typed.
pub(crate) fn digits(phone: &str) -> String {
    phone.chars().filter(|c| c.is_ascii_digit()).collect()
}

/// Refuses a lookup of `number` from `address` while too many recent ones failed.
pub(crate) async fn check_lookup(c: &mut Conn, number: &str, address: &str) -> Result<()> {
    let since = stored_in(-Duration::minutes(WINDOW_MINUTES));
    if throttle::failures_for_user(c, &format!("track:{number}"), &since).await? >= FAILURES_PER_NUMBER
        || throttle::failures_from_address(c, address, &since).await? >= FAILURES_PER_ADDRESS
    {
        return Err(AppError::RateLimited);
    }
    Ok(())
}

/// Counts a lookup, found or not.
pub(crate) async fn record_lookup(c: &mut Conn, number: &str, address: &str, found: bool) -> Result<()> {
    let outcome = if found { Outcome::Succeeded } else { Outcome::Failed };
    throttle::record(c, &format!("track:{number}"), address, &now(), outcome).await?;
    Ok(())
}
