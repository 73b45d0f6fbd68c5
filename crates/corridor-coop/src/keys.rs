//! A node's two keys — Ed25519 to sign what it sends, an age X25519 identity to receive what
//! is encrypted to it — and a partner's public half with the fingerprint that people compare
//! out of band (read aloud on the telephone, printed on a letter) before trusting it.

use std::str::FromStr;

use age::secrecy::ExposeSecret;
use ed25519_dalek::{SigningKey, VerifyingKey};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::CoopError;

pub struct NodeKeys {
    pub node: String,
    pub(crate) signing: SigningKey,
    pub(crate) encryption: age::x25519::Identity,
}

/// What a partner publishes: its node id and public keys.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartnerKeys {
    pub node: String,
    /// Ed25519 verifying key, hex.
    pub signing: String,
    /// age X25519 recipient (`age1…`).
    pub encryption: String,
}

const HEADER: &str = "corridor-node-keys 1";

impl NodeKeys {
    pub fn generate(node: &str) -> Result<NodeKeys, CoopError> {
        check_node_id(node)?;
        let mut seed = [0u8; 32];
        getrandom::fill(&mut seed).map_err(|e| CoopError::Io(format!("no randomness: {e}")))?;
        Ok(NodeKeys {
            node: node.to_string(),
            signing: SigningKey::from_bytes(&seed),
            encryption: age::x25519::Identity::generate(),
        })
    }

    /// The secret file's text; keep it where only the node can read it.
    pub fn to_text(&self) -> String {
        format!(
            "{HEADER}\nnode: {}\nsigning: {}\nencryption: {}\n",
            self.node,
            hex::encode(self.signing.to_bytes()),
            self.encryption.to_string().expose_secret()
        )
    }

    pub fn from_text(text: &str) -> Result<NodeKeys, CoopError> {
        let mut lines = text.lines();
        if lines.next() != Some(HEADER) {
            return Err(CoopError::Invalid(format!(
                "keys: the file does not start with `{HEADER}`"
            )));
        }
        let mut field = |name: &str| -> Result<String, CoopError> {
            lines
                .next()
                .and_then(|l| l.strip_prefix(name))
                .and_then(|l| l.strip_prefix(": "))
                .map(str::to_string)
                .ok_or_else(|| {
                    CoopError::Invalid(format!("keys: no `{name}:` line where expected"))
                })
        };
        let node = field("node")?;
        let signing = field("signing")?;
        let encryption = field("encryption")?;
        check_node_id(&node)?;
        let bytes: [u8; 32] = hex::decode(&signing)
            .ok()
            .and_then(|b| b.try_into().ok())
            .ok_or_else(|| CoopError::Invalid("keys: signing: not 32 bytes of hex".into()))?;
        let encryption = age::x25519::Identity::from_str(&encryption)
            .map_err(|e| CoopError::Invalid(format!("keys: encryption: {e}")))?;
        Ok(NodeKeys {
            node,
            signing: SigningKey::from_bytes(&bytes),
            encryption,
        })
    }

    /// Signs `bytes` (a log entry, a receipt): Ed25519, hex.
    pub fn sign(&self, bytes: &[u8]) -> String {
        use ed25519_dalek::Signer;
        hex::encode(self.signing.sign(bytes).to_bytes())
    }

    pub fn public(&self) -> PartnerKeys {
        PartnerKeys {
            node: self.node.clone(),
            signing: hex::encode(self.signing.verifying_key().to_bytes()),
            encryption: self.encryption.to_public().to_string(),
        }
    }
}

/// Node ids travel in headers and file names: short, plain.
pub fn check_node_id(node: &str) -> Result<(), CoopError> {
    let ok = !node.is_empty()
        && node.len() <= 64
        && node
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.');
    if ok {
        Ok(())
    } else {
        Err(CoopError::Invalid(format!(
            "node id `{node}`: 1 to 64 letters, digits, `-`, `_` or `.`"
        )))
    }
}

impl PartnerKeys {
    pub(crate) fn verifying_key(&self) -> Result<VerifyingKey, CoopError> {
        let bytes: [u8; 32] = hex::decode(&self.signing)
            .ok()
            .and_then(|b| b.try_into().ok())
            .ok_or_else(|| {
                CoopError::Invalid(format!("{}: signing key: not 32 bytes of hex", self.node))
            })?;
        VerifyingKey::from_bytes(&bytes).map_err(|_| {
            CoopError::Invalid(format!(
                "{}: signing key: not an Ed25519 public key",
                self.node
            ))
        })
    }

    pub(crate) fn recipient(&self) -> Result<age::x25519::Recipient, CoopError> {
        age::x25519::Recipient::from_str(&self.encryption)
            .map_err(|e| CoopError::Invalid(format!("{}: encryption key: {e}", self.node)))
    }

    /// Whether `signature` (hex) is this partner's over `bytes`.
    pub fn verify(&self, bytes: &[u8], signature: &str) -> bool {
        use ed25519_dalek::Verifier;
        let Ok(key) = self.verifying_key() else {
            return false;
        };
        let Some(sig) = hex::decode(signature)
            .ok()
            .and_then(|b| <[u8; 64]>::try_from(b).ok())
        else {
            return false;
        };
        key.verify(bytes, &ed25519_dalek::Signature::from_bytes(&sig))
            .is_ok()
    }

    /// Checks that both keys parse and the node id is plain.
    pub fn check(&self) -> Result<(), CoopError> {
        check_node_id(&self.node)?;
        self.verifying_key()?;
        self.recipient()?;
        Ok(())
    }

    /// Twenty bytes of SHA-256 over the node id and both keys, in groups of four hex digits:
    /// what two authorities read to each other before trusting the keys.
    pub fn fingerprint(&self) -> String {
        let digest = Sha256::digest(format!(
            "corridor-partner 1\n{}\n{}\n{}\n",
            self.node, self.signing, self.encryption
        ));
        hex::encode(&digest[..20])
            .as_bytes()
            .chunks(4)
            .map(|c| std::str::from_utf8(c).expect("hex"))
            .collect::<Vec<_>>()
            .join(" ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_round_trip_and_fingerprints_change_with_any_key() {
        let keys = NodeKeys::generate("it-node").unwrap();
        let again = NodeKeys::from_text(&keys.to_text()).unwrap();
        assert_eq!(again.public(), keys.public());
        let public = keys.public();
        public.check().unwrap();
        let fp = public.fingerprint();
        assert_eq!(fp.len(), 10 * 4 + 9, "{fp}");
        let other = NodeKeys::generate("it-node").unwrap().public();
        assert_ne!(other.fingerprint(), fp);
        let renamed = PartnerKeys {
            node: "it-node-2".into(),
            ..public.clone()
        };
        assert_ne!(renamed.fingerprint(), fp);
        assert!(NodeKeys::generate("it node").is_err());
        assert!(
            NodeKeys::from_text("corridor-node-keys 1\nnode: a\nsigning: zz\nencryption: x\n")
                .is_err()
        );
        let broken = PartnerKeys {
            encryption: "age1notakey".into(),
            ..public
        };
        assert!(
            broken
                .check()
                .unwrap_err()
                .to_string()
                .contains("encryption key")
        );
    }
}
