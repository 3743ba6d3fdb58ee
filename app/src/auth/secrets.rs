//! Session tokens, one-time link tokens and password hashes. Only hashes reach the database.

use argon2::password_hash::{PasswordHash as ParsedHash, SaltString};
use argon2::{Argon2, PasswordHasher, PasswordVerifier};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};

use crate::error::AppError;

/// A fresh random token for a cookie or a link (256 bits, URL-safe).
pub fn new_token() -> Result<String, AppError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|error| {
        tracing::error!(%error, "no randomness");
        AppError::Internal
    })?;
    Ok(URL_SAFE_NO_PAD.encode(bytes))
}

/// What the database keeps of a token: a leaked table opens no session.
pub fn token_hash(token: &str) -> String {
    let digest = Sha256::digest(token.as_bytes());
    digest.iter().map(|byte| format!("{byte:02x}")).collect()
}

/// An argon2id hash in PHC form. Deliberately not `Serialize`: it can never be sent to a browser.
#[derive(Clone, Debug)]
pub struct PasswordHash(String);

impl PasswordHash {
    pub fn from_stored(phc: String) -> PasswordHash {
        PasswordHash(phc)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

fn hash_now(password: &str) -> Result<PasswordHash, AppError> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|_| AppError::Internal)?;
    let salt = SaltString::encode_b64(&salt).map_err(|_| AppError::Internal)?;
    Argon2::default().hash_password(password.as_bytes(), &salt).map(|hash| PasswordHash(hash.to_string())).map_err(
        |error| {
            tracing::error!(%error, "password hashing failed");
            AppError::Internal
        },
    )
}

fn verify_now(password: &str, hash: &str) -> bool {
    ParsedHash::new(hash)
        .map(|parsed| Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
        .unwrap_or(false)
}

/// Hashes off the async threads: argon2id is slow on purpose.
pub async fn hash_password(password: String) -> Result<PasswordHash, AppError> {
    tokio::task::spawn_blocking(move || hash_now(&password)).await.map_err(|_| AppError::Internal)?
}

/// Checks a password against a stored hash; with no stored hash it still spends the same time,
/// so response times do not reveal which emails have accounts.
pub async fn verify_password(password: String, stored: Option<PasswordHash>) -> bool {
    tokio::task::spawn_blocking(move || match stored {
        Some(hash) => verify_now(&password, hash.as_str()),
        None => {
            let _ = verify_now(&password, decoy_hash());
            false
        }
    })
    .await
    .unwrap_or(false)
}

fn decoy_hash() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| hash_now("decoy password").map(|hash| hash.0).unwrap_or_default())
}

/// Hashes synchronously, for the seeding command.
pub fn hash_password_blocking(password: &str) -> Result<PasswordHash, AppError> {
    hash_now(password)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_long_random_and_url_safe() {
        let a = new_token().expect("token");
        let b = new_token().expect("token");
        assert_ne!(a, b);
        assert_eq!(a.len(), 43);
        assert!(a.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'));
    }

    #[test]
    fn token_hash_is_sha256_hex() {
        assert_eq!(token_hash("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    #[test]
    fn passwords_verify_only_against_their_own_hash() {
        let hash = hash_now("tessera-demo").expect("hash");
        assert!(hash.as_str().starts_with("$argon2id$"));
        assert!(verify_now("tessera-demo", hash.as_str()));
        assert!(!verify_now("tessera-demo!", hash.as_str()));
        assert!(!verify_now("tessera-demo", "not a hash"));
    }
}
