//! Password hashing: Argon2id with the OWASP baseline parameters (19 MiB, 2 passes),
//! stored as PHC strings.
//!
//! Hashing is slow and memory-hungry on purpose, so it runs on a few threads of its own,
//! one per core: off the async workers (a burst of logins cannot stall other requests)
//! and each with one reusable block buffer (memory stays at cores × 19 MiB, where a fresh
//! allocation per login leaves the allocator holding hundreds of megabytes).

use std::cell::RefCell;
use std::sync::mpsc::{Sender, channel};
use std::sync::{Arc, Mutex, OnceLock};

use argon2::password_hash::{Output, ParamsString, PasswordHash, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};

use crate::{AppError, Result};

/// A hash of a random password, checked against when a username does not exist, so
/// that unknown names take as long as known ones.
pub(crate) const DUMMY_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$8k5tqFMnqN6ZJvJYbXm9YzJ7PZ0KQJ4WqJx6m3iR9Y0";

thread_local! {
    static BLOCKS: RefCell<Vec<Block>> = const { RefCell::new(Vec::new()) };
}

fn argon2_into(params: &Params, password: &[u8], salt: &[u8], out: &mut [u8]) -> Result<(), argon2::Error> {
    let hasher = Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone());
    BLOCKS.with(|blocks| {
        let mut blocks = blocks.borrow_mut();
        blocks.resize(params.block_count(), Block::default());
        hasher.hash_password_into_with_memory(password, salt, out, &mut blocks[..])
    })
}

fn hash_now(password: &str) -> Result<String> {
    let fail = |e: &dyn std::fmt::Display| AppError::Conflict(format!("cannot hash the password: {e}"));
    let mut salt = [0u8; 16];
    rand::fill(&mut salt);
    let params = Params::default();
    let mut out = [0u8; 32];
    argon2_into(&params, password.as_bytes(), &salt, &mut out).map_err(|e| fail(&e))?;
    let salt_string = SaltString::encode_b64(&salt).map_err(|e| fail(&e))?;
    let phc = PasswordHash {
        algorithm: argon2::ARGON2ID_IDENT,
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(&params).map_err(|e| fail(&e))?,
        salt: Some(salt_string.as_salt()),
        hash: Some(Output::new(&out).map_err(|e| fail(&e))?),
    };
    Ok(phc.to_string())
}

fn verify_now(password: &str, stored: &str) -> bool {
    let Ok(phc) = PasswordHash::new(stored) else { return false };
    let (Ok(params), Some(salt), Some(expected)) = (Params::try_from(&phc), phc.salt, phc.hash) else { return false };
    let mut salt_buf = [0u8; 64];
    let Ok(salt) = salt.decode_b64(&mut salt_buf) else { return false };
    let mut out = vec![0u8; expected.len()];
    if argon2_into(&params, password.as_bytes(), salt, &mut out).is_err() {
        return false;
    }
    crate::core::auth::same_bytes(expected.as_bytes(), &out)
}

type Job = Box<dyn FnOnce() + Send>;

fn pool() -> Option<&'static Mutex<Sender<Job>>> {
    static POOL: OnceLock<Mutex<Sender<Job>>> = OnceLock::new();
    Some(POOL.get_or_init(|| {
        let (tx, rx) = channel::<Job>();
        let rx = Arc::new(Mutex::new(rx));
        for i in 0..std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2) {
            let rx = rx.clone();
            let worker = move || loop {
                let job = match rx.lock() {
                    Ok(queue) => queue.recv(),
                    Err(_) => return,
                };
                match job {
                    Ok(job) => job(),
                    Err(_) => return,
                }
            };
            if let Err(e) = std::thread::Builder::new().name(format!("argon2-{i}")).spawn(worker) {
                tracing::error!(error = %e, "cannot start a password thread");
            }
        }
        Mutex::new(tx)
    }))
}

async fn on_pool<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> Option<T> {
    let (done, result) = tokio::sync::oneshot::channel();
    let job: Job = Box::new(move || {
        let _ = done.send(work());
    });
    pool()?.lock().ok()?.send(job).ok()?;
    result.await.ok()
}

pub async fn hash_password(password: &str) -> Result<String> {
    let password = password.to_owned();
    on_pool(move || hash_now(&password))
        .await
        .unwrap_or_else(|| Err(AppError::Conflict("password hashing is unavailable".into())))
}

pub async fn verify_password(password: &str, stored: &str) -> bool {
    let (password, stored) = (password.to_owned(), stored.to_owned());
    on_pool(move || verify_now(&password, &stored)).await.unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_verify_only_their_password_and_interoperate() {
        let h = hash_now("correct horse battery").unwrap();
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{h}");
        assert!(verify_now("correct horse battery", &h));
        assert!(!verify_now("correct horse batterY", &h));
        // A standard PHC string made by the argon2 crate's own hasher verifies too.
        use argon2::password_hash::PasswordHasher;
        let salt = SaltString::encode_b64(b"0123456789abcdef").unwrap();
        let std_hash = Argon2::default().hash_password(b"pa55word!", &salt).unwrap().to_string();
        assert!(verify_now("pa55word!", &std_hash));
        assert!(PasswordHash::new(DUMMY_HASH).is_ok());
    }
}
