//! Users and API tokens: names, passwords and the rules for both.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::ValidationError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(transparent)]
pub struct UserId(pub i64);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(transparent)]
pub struct TokenId(pub i64);

impl fmt::Display for UserId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl fmt::Display for TokenId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// A login name: 3–64 characters of ASCII letters, digits, `.`, `_` and `-`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(try_from = "String", into = "String")]
#[schema(value_type = String, example = "linhuan.officer")]
pub struct Username(String);

impl Username {
    pub fn parse(s: &str) -> Result<Self, ValidationError> {
        let s = s.trim();
        let ok_chars = s.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'));
        if !(3..=64).contains(&s.len()) || !ok_chars {
            return Err(ValidationError::new(
                "username",
                "invalid_username",
                "a username has 3 to 64 characters: letters, digits, “.”, “_” or “-”",
            ));
        }
        Ok(Self(s.to_ascii_lowercase()))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Username {
    type Error = ValidationError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<Username> for String {
    fn from(u: Username) -> Self {
        u.0
    }
}

impl fmt::Display for Username {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

pub const MIN_PASSWORD_CHARS: usize = 10;

/// A new password must be long enough and not the username; length beats composition rules.
pub fn check_new_password(username: &str, password: &str) -> Result<(), ValidationError> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(ValidationError::new(
            "password",
            "password_too_short",
            format!("a password has at least {MIN_PASSWORD_CHARS} characters"),
        ));
    }
    if password.eq_ignore_ascii_case(username)
        || password.replace('.', "").eq_ignore_ascii_case(&username.replace('.', ""))
    {
        return Err(ValidationError::new(
            "password",
            "password_is_username",
            "a password must differ from the username",
        ));
    }
    if is_common(password) {
        return Err(ValidationError::new(
            "password",
            "password_too_common",
            "this password is among the first that guessers try; choose another, e.g. a few words",
        ));
    }
    Ok(())
}

/// Passwords of ten or more characters that lists of leaked passwords put near the top, in
/// China and elsewhere; and any one character repeated.
const COMMON_PASSWORDS: &[&str] = &[
    "0123456789",
    "1234567890",
    "12345678910",
    "123456789a",
    "a123456789",
    "1234567890a",
    "0987654321",
    "9876543210",
    "1111111111",
    "0000000000",
    "8888888888",
    "1234512345",
    "1234554321",
    "1q2w3e4r5t",
    "1qaz2wsx3edc",
    "qwertyuiop",
    "qwerty123456",
    "qwe1234567",
    "asdfghjkl;",
    "asdfghjkl1",
    "zxcvbnm123",
    "abcdefghij",
    "abc1234567",
    "abcd123456",
    "aa12345678",
    "password12",
    "password123",
    "password1234",
    "passw0rd123",
    "iloveyou123",
    "admin12345",
    "admin123456",
    "administrator",
    "woaini1314",
    "woaini520",
    "woaini1314520",
    "5201314520",
    "1314520520",
    "520131400",
    "woaiwojia",
    "zhang123456",
    "wang123456",
    "li123456789",
    "huaibei123",
    "suixi123456",
];

fn is_common(password: &str) -> bool {
    let lower = password.to_lowercase();
    let mut chars = lower.chars();
    let first = chars.next();
    first.is_some() && chars.all(|c| Some(c) == first) || COMMON_PASSWORDS.contains(&lower.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames_are_lowercased_and_checked() {
        assert_eq!(Username::parse("Linhuan.Officer").unwrap().as_str(), "linhuan.officer");
        assert!(Username::parse("ab").is_err());
        assert!(Username::parse("临涣").is_err());
        assert!(Username::parse("a b c").is_err());
    }

    #[test]
    fn passwords_need_length() {
        assert!(check_new_password("alice", "short").is_err());
        assert!(check_new_password("alice12345", "ALICE12345").is_err());
        assert!(check_new_password("alice", "correct horse").is_ok());
    }
}

/// A user as others see it: never its password hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct User {
    pub id: UserId,
    pub county_code: super::division::DivisionCode,
    pub username: Username,
    pub display_name: String,
    pub role: super::role::Role,
    pub body_id: super::body::BodyId,
    pub created_at: String,
    pub disabled_at: Option<String>,
    pub locked_until: Option<String>,
}

/// An API token's metadata; the secret is shown once at creation and stored only hashed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ApiToken {
    pub id: TokenId,
    pub user_id: UserId,
    pub name: String,
    /// The first characters of the secret, so a user can tell tokens apart.
    pub prefix: String,
    pub created_at: String,
    pub expires_at: Option<String>,
    pub revoked_at: Option<String>,
    pub last_used_at: Option<String>,
}
