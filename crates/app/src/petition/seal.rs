//! Sealing petitioners' personal data. Each record is encrypted with XChaCha20-Poly1305
//! under a key derived from the installation's petition key, with a fresh random nonce,
//! and bound to its petition's tracking number so a sealed record cannot be moved to
//! another petition. The same petitioner is found again by an HMAC-SHA256 digest of the ID
//! number under a second derived key, so the ID number is never stored in clear.

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use grassroots_domain::petition::Petitioner;
use grassroots_store::StoreError;
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;

use crate::{AppError, Result};

/// The version mark of sealed text: what a later key or cipher would change.
const SEALED_V1: &str = "v1:";

/// The installation's petition key: 32 bytes, given in configuration as 64 hex digits.
#[derive(Clone)]
pub struct PetitionKey {
    seal: [u8; 32],
    digest: [u8; 32],
}

impl std::fmt::Debug for PetitionKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PetitionKey(hidden)")
    }
}

fn hmac(key: &[u8], data: &[u8]) -> [u8; 32] {
    // HMAC takes a key of any length, so this cannot fail.
    let mut m = <Hmac<Sha256> as Mac>::new_from_slice(key).unwrap_or_else(|_| unreachable!());
    m.update(data);
    m.finalize().into_bytes().into()
}

impl PetitionKey {
    pub fn from_hex(hex_key: &str) -> std::result::Result<Self, String> {
        let bytes = hex::decode(hex_key.trim()).map_err(|_| "petition_key: 64 hexadecimal digits".to_owned())?;
        let master: [u8; 32] = bytes.try_into().map_err(|_| "petition_key: 64 hexadecimal digits (32 bytes)")?;
        Ok(Self::derive(&master))
    }

    /// The demo's key. It is published with the code: only for the demo's invented people.
    pub fn demo() -> Self {
        Self::derive(b"grassroots demo petition key....")
    }

    fn derive(master: &[u8; 32]) -> Self {
        Self {
            seal: hmac(master, b"grassroots petition seal v1"),
            digest: hmac(master, b"grassroots petition digest v1"),
        }
    }

    /// The petitioner's data encrypted and bound to `tracking_number`.
    pub fn seal(&self, p: &Petitioner, tracking_number: &str) -> Result<String> {
        let clear = serde_json::to_vec(p).map_err(|e| AppError::Store(StoreError::Corrupt(e.to_string())))?;
        let mut nonce = [0u8; 24];
        rand::rng().fill_bytes(&mut nonce);
        let cipher = XChaCha20Poly1305::new(&self.seal.into());
        let sealed = cipher
            .encrypt(XNonce::from_slice(&nonce), Payload { msg: &clear, aad: tracking_number.as_bytes() })
            .map_err(|_| AppError::Store(StoreError::Corrupt("the petitioner's data could not be sealed".into())))?;
        Ok(format!("{SEALED_V1}{}{}", hex::encode(nonce), hex::encode(sealed)))
    }

    /// Opens what [`seal`](Self::seal) made for `tracking_number`; a wrong key, another
    /// petition's record or a changed byte all fail.
    pub fn open(&self, sealed: &str, tracking_number: &str) -> Result<Petitioner> {
        let broken = || {
            AppError::Store(StoreError::Corrupt(format!(
                "the petitioner's data of {tracking_number} cannot be opened with this petition key"
            )))
        };
        let bytes = sealed.strip_prefix(SEALED_V1).and_then(|h| hex::decode(h).ok()).ok_or_else(broken)?;
        if bytes.len() < 24 {
            return Err(broken());
        }
        let (nonce, body) = bytes.split_at(24);
        let cipher = XChaCha20Poly1305::new(&self.seal.into());
        let clear = cipher
            .decrypt(XNonce::from_slice(nonce), Payload { msg: body, aad: tracking_number.as_bytes() })
            .map_err(|_| broken())?;
        serde_json::from_slice(&clear).map_err(|_| broken())
    }

    /// The digest that finds a petitioner's other petitions by ID number.
    pub fn digest(&self, id_number: &str) -> String {
        hex::encode(hmac(&self.digest, id_number.trim().to_uppercase().as_bytes()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_seal_opens_only_with_its_key_and_its_petition() {
        let key = PetitionKey::from_hex(&"ab".repeat(32)).unwrap();
        let p = Petitioner {
            name: "张三".into(),
            id_number: "11010519491231002X".into(),
            phone: "13800001234".into(),
            address: "临涣镇".into(),
        };
        let sealed = key.seal(&p, "XF1").unwrap();
        assert!(!sealed.contains("张三") && !sealed.contains("13800001234"));
        assert_ne!(sealed, key.seal(&p, "XF1").unwrap(), "a fresh nonce each time");
        assert_eq!(key.open(&sealed, "XF1").unwrap(), p);
        assert!(key.open(&sealed, "XF2").is_err(), "bound to its petition");
        assert!(PetitionKey::demo().open(&sealed, "XF1").is_err(), "another key");
        let mut tampered = sealed.clone();
        tampered.replace_range(sealed.len() - 1.., if sealed.ends_with('0') { "1" } else { "0" });
        assert!(key.open(&tampered, "XF1").is_err());
        assert_eq!(key.digest("11010519491231002x"), key.digest("11010519491231002X"));
        assert_ne!(key.digest("11010519491231002X"), PetitionKey::demo().digest("11010519491231002X"));
        assert!(PetitionKey::from_hex("abc").is_err());
    }
}
