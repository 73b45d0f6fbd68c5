//! A package between nodes: one line of JSON header, then the body encrypted with age to the
//! receiving node's key. The header names sender, receiver, kind, times, the request it
//! answers and the SHA-256 of the ciphertext, and is signed with the sender's Ed25519 key; so
//! the signature binds the body too, and nobody but the receiver can read it.
//!
//! The same bytes travel over HTTPS or on a stick for an air-gapped delivery. Opening checks,
//! in order: the format, the receiver, the sender's signature, the expiry, a replay (the
//! caller says which package ids it has seen), then decrypts while hashing, and refuses a body
//! whose hash or length differs. The body is written out as it is decrypted; a caller keeps it
//! apart (a temporary file) until `open` returns Ok.

use std::io::{BufRead, Read, Seek, SeekFrom, Write};

use ed25519_dalek::{Signature, Signer, Verifier};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::CoopError;
use crate::keys::{NodeKeys, PartnerKeys, check_node_id};
use crate::request::Dissemination;

pub const FORMAT: &str = "corridor-package/1";
/// A header line longer than this is not a header.
const MAX_HEADER: usize = 16 * 1024;
/// A package claimed to be made further in the future than this is refused (a clock so wrong
/// its times cannot be trusted).
const MAX_CLOCK_AHEAD_SECONDS: i64 = 300;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Header {
    pub format: String,
    /// 128 random bits, hex: what a receiver remembers to refuse a replay.
    pub id: String,
    pub from: String,
    pub to: String,
    /// request, status, answer, entities… (the node decides what it accepts).
    pub kind: String,
    pub created_at: String,
    pub expires_at: String,
    /// The content hash of the request this package answers or updates.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub in_reply_to: Option<String>,
    pub handling: Dissemination,
    pub ciphertext_sha256: String,
    pub ciphertext_bytes: u64,
    /// Ed25519 over this header with the signature empty, hex.
    pub signature: String,
}

/// What a sender says about a package.
#[derive(Clone, Debug)]
pub struct Meta {
    pub kind: String,
    pub created_at: String,
    pub expires_at: String,
    pub in_reply_to: Option<String>,
    pub handling: Dissemination,
}

impl Header {
    fn signed_bytes(&self) -> Vec<u8> {
        let mut unsigned = self.clone();
        unsigned.signature = String::new();
        serde_json::to_vec(&unsigned).expect("a header serialises")
    }

    /// The package's hash: what the receiver's log and receipt name.
    pub fn hash(&self) -> String {
        hex::encode(Sha256::digest(
            serde_json::to_vec(self).expect("a header serialises"),
        ))
    }
}

/// Counts and hashes what passes through.
struct Hashing<W> {
    inner: W,
    hasher: Sha256,
    bytes: u64,
}

impl<W: Write> Write for Hashing<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hasher.update(&buf[..n]);
        self.bytes += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

struct HashingReader<R> {
    inner: R,
    hasher: Sha256,
    bytes: u64,
}

impl<R: Read> Read for HashingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hasher.update(&buf[..n]);
        self.bytes += n as u64;
        Ok(n)
    }
}

fn random_id() -> Result<String, CoopError> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|e| CoopError::Io(format!("no randomness: {e}")))?;
    Ok(hex::encode(bytes))
}

fn io(e: std::io::Error) -> CoopError {
    CoopError::Io(e.to_string())
}

/// Seals `body` for `to`: encrypts it into `scratch` (a temporary file for large bodies;
/// memory stays flat), then writes the signed header line and the ciphertext to `out`.
pub fn seal<S: Read + Write + Seek>(
    keys: &NodeKeys,
    to: &PartnerKeys,
    meta: &Meta,
    body: &mut impl Read,
    scratch: &mut S,
    out: &mut impl Write,
) -> Result<Header, CoopError> {
    to.check()?;
    check_node_id(&meta.kind)
        .map_err(|_| CoopError::Invalid(format!("kind `{}`: a plain word", meta.kind)))?;
    let recipient = to.recipient()?;
    let encryptor =
        age::Encryptor::with_recipients(std::iter::once(&recipient as &dyn age::Recipient))
            .map_err(|e| CoopError::Invalid(format!("encryption: {e}")))?;
    scratch.seek(SeekFrom::Start(0)).map_err(io)?;
    let mut hashing = Hashing {
        inner: &mut *scratch,
        hasher: Sha256::new(),
        bytes: 0,
    };
    let mut writer = encryptor.wrap_output(&mut hashing).map_err(io)?;
    std::io::copy(body, &mut writer).map_err(io)?;
    writer.finish().map_err(io)?;
    let (hasher, bytes) = (hashing.hasher, hashing.bytes);
    let mut header = Header {
        format: FORMAT.into(),
        id: random_id()?,
        from: keys.node.clone(),
        to: to.node.clone(),
        kind: meta.kind.clone(),
        created_at: meta.created_at.clone(),
        expires_at: meta.expires_at.clone(),
        in_reply_to: meta.in_reply_to.clone(),
        handling: meta.handling,
        ciphertext_sha256: hex::encode(hasher.finalize()),
        ciphertext_bytes: bytes,
        signature: String::new(),
    };
    header.signature = hex::encode(keys.signing.sign(&header.signed_bytes()).to_bytes());
    serde_json::to_writer(&mut *out, &header).map_err(|e| CoopError::Io(e.to_string()))?;
    out.write_all(b"\n").map_err(io)?;
    scratch.seek(SeekFrom::Start(0)).map_err(io)?;
    std::io::copy(&mut scratch.take(bytes), out).map_err(io)?;
    out.flush().map_err(io)?;
    Ok(header)
}

/// Reads the header line of a package (the ciphertext follows in `input`).
pub fn read_header(input: &mut impl BufRead) -> Result<Header, CoopError> {
    let mut line = Vec::new();
    let mut limited = input.take(MAX_HEADER as u64 + 1);
    limited.read_until(b'\n', &mut line).map_err(io)?;
    if line.last() != Some(&b'\n') {
        return Err(CoopError::Refused(if line.len() > MAX_HEADER {
            format!("not a package: no header within {MAX_HEADER} bytes")
        } else {
            "not a package: it ends before its header does".into()
        }));
    }
    let header: Header = serde_json::from_slice(&line).map_err(|e| {
        CoopError::Refused(format!("not a package: the header is not readable ({e})"))
    })?;
    if header.format != FORMAT {
        return Err(CoopError::Refused(format!(
            "not a package of this version: format `{}`",
            header.format
        )));
    }
    Ok(header)
}

/// Why the checks before decryption passed, for the log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Opened {
    pub header: Header,
    pub body_bytes: u64,
}

/// Checks a package for `keys`' node, from `sender` (its keys from the directory), as of
/// `now` (RFC 3339), refusing ids `seen` says were received before; decrypts the body into
/// `body`. Every refusal says why.
pub fn open(
    keys: &NodeKeys,
    header: &Header,
    sender: &PartnerKeys,
    seen: &dyn Fn(&str) -> bool,
    now: &str,
    ciphertext: &mut impl Read,
    body: &mut impl Write,
) -> Result<Opened, CoopError> {
    if header.to != keys.node {
        return Err(CoopError::Refused(format!(
            "addressed to {}, not to this node ({})",
            header.to, keys.node
        )));
    }
    if header.from != sender.node {
        return Err(CoopError::Refused(format!(
            "from {}, but checked against {}'s keys",
            header.from, sender.node
        )));
    }
    let signature: [u8; 64] = hex::decode(&header.signature)
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or_else(|| CoopError::Refused("the signature is not 64 bytes of hex".into()))?;
    sender
        .verifying_key()?
        .verify(&header.signed_bytes(), &Signature::from_bytes(&signature))
        .map_err(|_| {
            CoopError::Refused(format!(
                "the signature is not {}'s: forged or altered",
                header.from
            ))
        })?;
    let (now_s, created, expires) = (
        seconds(now),
        seconds(&header.created_at),
        seconds(&header.expires_at),
    );
    let (Some(now_s), Some(created), Some(expires)) = (now_s, created, expires) else {
        return Err(CoopError::Refused(
            "created_at or expires_at is not a moment".into(),
        ));
    };
    if now_s > expires {
        return Err(CoopError::Refused(format!(
            "expired at {}",
            header.expires_at
        )));
    }
    if created - now_s > MAX_CLOCK_AHEAD_SECONDS {
        return Err(CoopError::Refused(format!(
            "made at {}, {} s ahead of this node's clock: the sender's clock is wrong",
            header.created_at,
            created - now_s
        )));
    }
    if seen(&header.id) {
        return Err(CoopError::Refused(format!(
            "package {} was received before: a replay",
            header.id
        )));
    }
    let mut hashing = HashingReader {
        inner: ciphertext.take(header.ciphertext_bytes),
        hasher: Sha256::new(),
        bytes: 0,
    };
    let decryptor = age::Decryptor::new_buffered(std::io::BufReader::new(&mut hashing))
        .map_err(|e| CoopError::Refused(format!("the body is not readable: {e}")))?;
    let mut reader = decryptor
        .decrypt(std::iter::once(&keys.encryption as &dyn age::Identity))
        .map_err(|e| {
            CoopError::Refused(format!(
                "the body cannot be decrypted with this node's key: {e}"
            ))
        })?;
    let body_bytes = std::io::copy(&mut reader, body)
        .map_err(|e| CoopError::Refused(format!("the body was altered in transit: {e}")))?;
    drop(reader);
    // Whatever the decryptor left unread still counts towards the hash.
    std::io::copy(&mut hashing, &mut std::io::sink()).map_err(io)?;
    if hashing.bytes != header.ciphertext_bytes
        || hex::encode(hashing.hasher.finalize()) != header.ciphertext_sha256
    {
        return Err(CoopError::Refused(
            "the body does not match the signed hash: altered or cut".into(),
        ));
    }
    Ok(Opened {
        header: header.clone(),
        body_bytes,
    })
}

/// Seconds since 1970 of an RFC 3339 UTC moment (YYYY-MM-DDTHH:MM:SSZ).
pub fn seconds(at: &str) -> Option<i64> {
    let day = crate::request::day_number(at.get(0..10)?)?;
    if at.as_bytes().get(10) != Some(&b'T') {
        return None;
    }
    let time = at.get(11..19)?;
    let mut parts = time.split(':').map(|p| p.parse::<i64>().ok());
    let (h, m, s) = (parts.next()??, parts.next()??, parts.next()??);
    if h > 23 || m > 59 || s > 60 {
        return None;
    }
    Some(day * 86_400 + h * 3600 + m * 60 + s)
}

#[cfg(test)]
mod tests {
    use std::io::Cursor;

    use super::*;

    fn meta() -> Meta {
        Meta {
            kind: "request".into(),
            created_at: "2026-11-30T10:00:00Z".into(),
            expires_at: "2026-12-30T10:00:00Z".into(),
            in_reply_to: None,
            handling: Dissemination::H2,
        }
    }

    fn sealed(from: &NodeKeys, to: &NodeKeys, body: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        seal(
            from,
            &to.public(),
            &meta(),
            &mut &body[..],
            &mut Cursor::new(Vec::new()),
            &mut out,
        )
        .unwrap();
        out
    }

    fn try_open(
        keys: &NodeKeys,
        sender: &PartnerKeys,
        package: &[u8],
        now: &str,
    ) -> Result<Vec<u8>, CoopError> {
        let mut input = std::io::BufReader::new(package);
        let header = read_header(&mut input)?;
        let mut body = Vec::new();
        open(
            keys,
            &header,
            sender,
            &|id| id == "seen-before",
            now,
            &mut input,
            &mut body,
        )?;
        Ok(body)
    }

    const NOW: &str = "2026-11-30T10:01:00Z";

    #[test]
    fn a_package_opens_for_its_receiver_only_and_says_why_not() {
        let (a, b, c) = (
            NodeKeys::generate("a").unwrap(),
            NodeKeys::generate("b").unwrap(),
            NodeKeys::generate("c").unwrap(),
        );
        let package = sealed(&a, &b, b"who paid the boat?");
        assert_eq!(
            try_open(&b, &a.public(), &package, NOW).unwrap(),
            b"who paid the boat?"
        );
        // C can neither read it…
        let err = try_open(&c, &a.public(), &package, NOW)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("addressed to b, not to this node (c)"),
            "{err}"
        );
        // …nor pass off its own package as A's.
        let forged = sealed(&c, &b, b"fake");
        let err = try_open(&b, &a.public(), &forged, NOW)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("from c, but checked against a's keys"),
            "{err}"
        );
        let mut relabelled = forged.clone();
        let text = String::from_utf8_lossy(
            &relabelled[..relabelled.iter().position(|&x| x == b'\n').unwrap()],
        )
        .replace("\"from\":\"c\"", "\"from\":\"a\"");
        let rest = relabelled.split_off(relabelled.iter().position(|&x| x == b'\n').unwrap());
        let mut relabelled = text.into_bytes();
        relabelled.extend(rest);
        let err = try_open(&b, &a.public(), &relabelled, NOW)
            .unwrap_err()
            .to_string();
        assert!(err.contains("the signature is not a's"), "{err}");
        // Expired, from the future, replayed.
        assert!(
            try_open(&b, &a.public(), &package, "2027-01-01T00:00:00Z")
                .unwrap_err()
                .to_string()
                .contains("expired at")
        );
        assert!(
            try_open(&b, &a.public(), &package, "2026-11-30T09:00:00Z")
                .unwrap_err()
                .to_string()
                .contains("ahead of this node's clock")
        );
        let mut input = std::io::BufReader::new(&package[..]);
        let header = read_header(&mut input).unwrap();
        let err = open(
            &b,
            &header,
            &a.public(),
            &|id| id == header.id,
            NOW,
            &mut input,
            &mut Vec::new(),
        )
        .unwrap_err();
        assert!(err.to_string().contains("a replay"), "{err}");
    }

    #[test]
    fn altered_or_cut_bodies_are_refused() {
        let (a, b) = (
            NodeKeys::generate("a").unwrap(),
            NodeKeys::generate("b").unwrap(),
        );
        let package = sealed(&a, &b, &vec![7u8; 200_000]);
        let body_start = package.iter().position(|&x| x == b'\n').unwrap() + 1;
        for at in [body_start + 10, body_start + 100_000, package.len() - 1] {
            let mut altered = package.clone();
            altered[at] ^= 1;
            let err = try_open(&b, &a.public(), &altered, NOW)
                .unwrap_err()
                .to_string();
            assert!(
                err.contains("altered")
                    || err.contains("not readable")
                    || err.contains("cannot be decrypted"),
                "{at}: {err}"
            );
        }
        let cut = &package[..package.len() - 1000];
        assert!(try_open(&b, &a.public(), cut, NOW).is_err());
        for junk in [&b""[..], b"{\"format\":1}\n", b"no newline at all"] {
            assert!(
                try_open(&b, &a.public(), junk, NOW)
                    .unwrap_err()
                    .to_string()
                    .contains("not a package")
            );
        }
    }

    #[test]
    fn a_large_body_streams_through_a_scratch_file() {
        let (a, b) = (
            NodeKeys::generate("a").unwrap(),
            NodeKeys::generate("b").unwrap(),
        );
        let mut body = std::io::repeat(42).take(5 * 1024 * 1024);
        let mut scratch = tempfile::tempfile().unwrap();
        let mut out = tempfile::tempfile().unwrap();
        let header = seal(&a, &b.public(), &meta(), &mut body, &mut scratch, &mut out).unwrap();
        assert!(header.ciphertext_bytes > 5 * 1024 * 1024);
        out.seek(SeekFrom::Start(0)).unwrap();
        let mut input = std::io::BufReader::new(out);
        let read = read_header(&mut input).unwrap();
        assert_eq!(read, header);
        let mut sink = Hashing {
            inner: std::io::sink(),
            hasher: Sha256::new(),
            bytes: 0,
        };
        let opened = open(
            &b,
            &read,
            &a.public(),
            &|_| false,
            NOW,
            &mut input,
            &mut sink,
        )
        .unwrap();
        assert_eq!(opened.body_bytes, 5 * 1024 * 1024);
    }
}
