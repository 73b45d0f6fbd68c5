//! Entity ids: FollowTheMoney's rules for what an id may look like, and deterministic ids made
//! from key values so that re-importing a source gives its entities the same ids.

use sha1::{Digest, Sha1};

pub const MAX_ENTITY_ID: usize = 1000;

/// Letters and digits, with `.`, `-` and `_` allowed inside, as FtM ids are.
pub fn check_entity_id(s: &str) -> Result<(), String> {
    let b = s.as_bytes();
    let inner_ok = |c: &u8| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'-' | b'_');
    if s.is_empty() || s.len() > MAX_ENTITY_ID {
        return Err(format!(
            "entity id must have 1 to {MAX_ENTITY_ID} characters"
        ));
    }
    if !b[0].is_ascii_alphanumeric()
        || !b[b.len() - 1].is_ascii_alphanumeric()
        || !b.iter().all(inner_ok)
    {
        return Err(format!(
            "{:?} is not an entity id: use letters and digits, with . - _ only inside",
            crate::types::shorten(s)
        ));
    }
    Ok(())
}

/// An id from key values: `prefix-` + SHA-1 of the parts. The same keys always give the same
/// id; different parts never collide in practice. Parts are separated so that ("ab", "c") and
/// ("a", "bc") differ.
pub fn make_id(prefix: Option<&str>, parts: &[&str]) -> String {
    let mut h = Sha1::new();
    for p in parts {
        h.update(p.as_bytes());
        h.update([0x1f]);
    }
    let digest = h.finalize();
    let mut out = String::with_capacity(prefix.map_or(0, |p| p.len() + 1) + 40);
    if let Some(p) = prefix.filter(|p| !p.is_empty()) {
        out.push_str(p);
        out.push('-');
    }
    const HEX: &[u8; 16] = b"0123456789abcdef";
    for b in digest {
        out.push(HEX[(b >> 4) as usize] as char);
        out.push(HEX[(b & 15) as usize] as char);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_from_keys_are_stable_hex_sha1() {
        // The same keys give the same id across versions: ids are stored and shared.
        assert_eq!(
            make_id(None, &["Person", "r1"]),
            make_id(None, &["Person", "r1"])
        );
        assert_eq!(make_id(None, &["Person", "r1"]).len(), 40);
        assert!(make_id(Some("mmp"), &["x"]).starts_with("mmp-"));
        assert_ne!(make_id(None, &["ab", "c"]), make_id(None, &["a", "bc"]));
        assert!(check_entity_id(&make_id(Some("mmp"), &["x"])).is_ok());
        assert!(
            check_entity_id("a b").is_err()
                && check_entity_id(".a").is_err()
                && check_entity_id("").is_err()
        );
    }
}
