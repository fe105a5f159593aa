//! Configuration in layers: built-in defaults, then a TOML file (`--config` or
//! `GRASSROOTS_CONFIG`), then environment variables, then command-line flags.

use std::path::Path;

use grassroots_app::petition::PetitionKey;
use serde::Deserialize;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    pub database_url: Option<String>,
    pub listen: Option<String>,
    /// `human` or `json`.
    pub log_format: Option<String>,
    /// Mark cookies Secure (default true). Turn off only behind plain HTTP on a trusted network.
    pub secure_cookies: Option<bool>,
    /// Take the client's address from X-Forwarded-For, as set by a trusted reverse proxy.
    pub behind_proxy: Option<bool>,
    /// Where files attached to events are kept.
    pub files_dir: Option<std::path::PathBuf>,
    /// A village whose operating income in a year is below this many yuan is weak.
    pub weak_village_below_yuan: Option<i64>,
    /// 64 hex digits sealing petitioners' personal data; keep it apart from backups.
    pub petition_key: Option<String>,
    /// The site's address as the public reaches it (links in warnings' text messages and
    /// the Atom feed), e.g. `https://grassroots.example.gov.cn`.
    pub public_url: Option<String>,
    #[serde(default)]
    pub security: Security,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Security {
    pub session_hours: Option<i64>,
    pub max_failures_per_account: Option<i64>,
    pub max_failures_per_address: Option<i64>,
    pub throttle_window_minutes: Option<i64>,
}

impl FileConfig {
    pub fn load(path: Option<&Path>) -> Result<Self, String> {
        let Some(path) = path else { return Ok(Self::default()) };
        let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read config {}: {e}", path.display()))?;
        toml::from_str(&text).map_err(|e| format!("config {}: {e}", path.display()))
    }

    /// The settings in force; the demo keeps its files apart from a real installation's
    /// and, unless given one, seals its invented petitioners with the published demo key.
    pub fn settings(&self, demo: bool) -> Result<grassroots_app::Settings, String> {
        let d = grassroots_app::Settings::default();
        let s = &self.security;
        let files_dir = std::env::var_os("GRASSROOTS_FILES_DIR")
            .map(Into::into)
            .or_else(|| if demo { None } else { self.files_dir.clone() })
            .unwrap_or_else(|| if demo { "grassroots-demo-files".into() } else { d.files_dir.clone() });
        let petition_key = match std::env::var("GRASSROOTS_PETITION_KEY").ok().or_else(|| self.petition_key.clone()) {
            Some(hex) => Some(PetitionKey::from_hex(&hex)?),
            None if demo => Some(PetitionKey::demo()),
            None => None,
        };
        Ok(grassroots_app::Settings {
            files_dir,
            petition_key,
            session_hours: s.session_hours.unwrap_or(d.session_hours),
            max_failures_per_account: s.max_failures_per_account.unwrap_or(d.max_failures_per_account),
            max_failures_per_address: s.max_failures_per_address.unwrap_or(d.max_failures_per_address),
            throttle_window_minutes: s.throttle_window_minutes.unwrap_or(d.throttle_window_minutes),
            weak_village_below_fen: self.weak_village_below_yuan.map_or(d.weak_village_below_fen, |y| y * 100),
            public_url: std::env::var("GRASSROOTS_PUBLIC_URL")
                .ok()
                .or_else(|| self.public_url.clone())
                .map(|u| u.trim_end_matches('/').to_owned())
                .unwrap_or(d.public_url.clone()),
            sms: d.sms,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sample_config_parses() {
        let c: FileConfig = toml::from_str(include_str!("../../../grassroots.sample.toml")).unwrap();
        assert_eq!(c.listen.as_deref(), Some("127.0.0.1:8080"));
        let s = c.settings(false).unwrap();
        assert_eq!(s.max_failures_per_account, 5);
        assert!(s.petition_key.is_none(), "the sample leaves the key to the installation");
        assert!(c.settings(true).unwrap().petition_key.is_some(), "the demo seals with its own");
    }

    #[test]
    fn unknown_keys_are_refused() {
        assert!(toml::from_str::<FileConfig>("lisen = \"x\"").is_err());
    }
}
