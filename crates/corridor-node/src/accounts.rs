//! Users, passwords, sessions and tokens.
//!
//! Passwords are hashed with argon2id (the crate's defaults, OWASP's recommended parameters).
//! Session and token secrets are 32 random bytes shown once; the store keeps only their SHA-256,
//! so a copy of the database opens no session. Failed logins are counted per user name and per
//! client address, and a burst of failures locks both for a while.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use corridor_store::{Credential, UserRecord};
use sha2::{Digest, Sha256};

use crate::NodeError;

pub const SESSION_HOURS: i64 = 12;
pub const TOKEN_DAYS: i64 = 90;
pub const MIN_PASSWORD_CHARS: usize = 10;

pub fn hash_password(password: &str) -> Result<String, NodeError> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|e| NodeError::Io(format!("no randomness: {e}")))?;
    let salt = SaltString::encode_b64(&salt).map_err(|e| NodeError::Io(e.to_string()))?;
    Ok(Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map_err(|e| NodeError::Io(format!("cannot hash the password: {e}")))?
        .to_string())
}

pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|h| {
        Argon2::default()
            .verify_password(password.as_bytes(), &h)
            .is_ok()
    })
}

/// 32 random bytes as hex: a session id, a bearer token or a CSRF token.
pub fn new_secret() -> Result<String, NodeError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| NodeError::Io(format!("no randomness: {e}")))?;
    Ok(hex::encode(bytes))
}

pub fn secret_hash(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// Checks a new user's fields; the error names the field.
pub fn check_new_user(username: &str, display_name: &str, password: &str) -> Result<(), String> {
    let ok_name = (2..=64).contains(&username.len())
        && username
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "._-".contains(c));
    if !ok_name {
        return Err(
            "username: 2 to 64 characters, lower-case letters, digits, '.', '_' or '-'".into(),
        );
    }
    if display_name.trim().is_empty() || display_name.chars().count() > 200 {
        return Err("display_name: 1 to 200 characters".into());
    }
    check_password(password)
}

pub fn check_password(password: &str) -> Result<(), String> {
    let n = password.chars().count();
    if !(MIN_PASSWORD_CHARS..=1024).contains(&n) {
        return Err(format!(
            "password: at least {MIN_PASSWORD_CHARS} characters (and at most 1024)"
        ));
    }
    Ok(())
}

pub fn new_user(
    username: &str,
    display_name: &str,
    password: &str,
    roles: Vec<String>,
    now: &str,
) -> Result<UserRecord, NodeError> {
    Ok(UserRecord {
        username: username.to_string(),
        display_name: display_name.to_string(),
        roles,
        password_hash: hash_password(password)?,
        disabled: false,
        created_at: now.to_string(),
    })
}

/// A credential and the secret that opens it (given to the client, never stored).
pub struct Issued {
    pub secret: String,
    pub credential: Credential,
}

pub fn issue(kind: &str, username: &str, name: &str, now_unix: i64) -> Result<Issued, NodeError> {
    let secret = new_secret()?;
    let lifetime = if kind == "session" {
        SESSION_HOURS * 3600
    } else {
        TOKEN_DAYS * 86_400
    };
    Ok(Issued {
        credential: Credential {
            token_hash: secret_hash(&secret),
            kind: kind.to_string(),
            username: username.to_string(),
            csrf_token: new_secret()?,
            name: name.to_string(),
            created_at: corridor_model::types::format_unix_utc(now_unix),
            expires_at: corridor_model::types::format_unix_utc(now_unix + lifetime),
        },
        secret,
    })
}

/// Failed logins per key (a user name, a client address) in a sliding window. A client
/// address gets more tries than a user name: many officers may share one address.
pub struct LoginLimiter {
    window: Duration,
    failures: Mutex<HashMap<String, Vec<Instant>>>,
}

/// Failures allowed per user name, and per client address, in the window.
pub const MAX_FAILURES_PER_USER: usize = 5;
pub const MAX_FAILURES_PER_CLIENT: usize = 30;

impl LoginLimiter {
    pub fn new(window: Duration) -> LoginLimiter {
        LoginLimiter {
            window,
            failures: Mutex::new(HashMap::new()),
        }
    }

    /// Whether any of `keys` has had its number of failures (the key's limit) lately.
    pub fn locked(&self, keys: &[(&str, usize)]) -> bool {
        let mut map = self.failures.lock().expect("no panics while held");
        let now = Instant::now();
        keys.iter().any(|(k, max)| {
            map.get_mut(*k).is_some_and(|times| {
                times.retain(|t| now.duration_since(*t) < self.window);
                times.len() >= *max
            })
        })
    }

    pub fn failed(&self, keys: &[&str]) {
        let mut map = self.failures.lock().expect("no panics while held");
        let now = Instant::now();
        if map.len() > 100_000 {
            // Bounded memory under a flood of made-up names: forget old entries.
            map.retain(|_, times| times.iter().any(|t| now.duration_since(*t) < self.window));
        }
        for k in keys {
            map.entry(k.to_string()).or_default().push(now);
        }
    }

    pub fn succeeded(&self, user_key: &str) {
        self.failures
            .lock()
            .expect("no panics while held")
            .remove(user_key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_verify_only_against_their_own_hash() {
        let hash = hash_password("correct horse battery").unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("correct horse battery", &hash));
        assert!(!verify_password("correct horse batterY", &hash));
        assert!(!verify_password("anything", "not a hash"));
        assert_ne!(
            hash,
            hash_password("correct horse battery").unwrap(),
            "salted"
        );
    }

    #[test]
    fn new_users_are_checked_field_by_field() {
        assert!(check_new_user("amina.k", "Amina K.", "long enough pw").is_ok());
        for (u, d, p, field) in [
            ("A", "x", "long enough pw", "username"),
            ("amina/../x", "x", "long enough pw", "username"),
            ("amina", " ", "long enough pw", "display_name"),
            ("amina", "Amina", "short", "password"),
        ] {
            let err = check_new_user(u, d, p).unwrap_err();
            assert!(err.starts_with(field), "{err}");
        }
    }

    #[test]
    fn repeated_failures_lock_the_name_and_the_address() {
        let limiter = LoginLimiter::new(Duration::from_secs(60));
        for _ in 0..3 {
            assert!(!limiter.locked(&[("user:amina", 3), ("ip:10.0.0.1", 4)]));
            limiter.failed(&["user:amina", "ip:10.0.0.1"]);
        }
        assert!(limiter.locked(&[("user:amina", 3)]));
        assert!(!limiter.locked(&[("user:other", 3), ("ip:10.0.0.1", 4)]));
        limiter.failed(&["user:other", "ip:10.0.0.1"]);
        assert!(limiter.locked(&[("user:else", 3), ("ip:10.0.0.1", 4)]));
        assert!(!limiter.locked(&[("user:other", 3), ("ip:10.0.0.2", 4)]));
    }

    #[test]
    fn secrets_are_random_and_stored_only_as_hashes() {
        let issued = issue("session", "amina", "browser", 1_790_000_000).unwrap();
        assert_eq!(issued.secret.len(), 64);
        assert_eq!(issued.credential.token_hash, secret_hash(&issued.secret));
        assert_ne!(issued.credential.token_hash, issued.secret);
        assert_ne!(issued.credential.csrf_token, issued.secret);
        assert!(issued.credential.expires_at > issued.credential.created_at);
    }
}
