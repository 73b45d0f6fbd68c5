//! Files sent with a request: hashed as they are copied into the node's attachments and
//! streamed into the package; received ones kept under their SHA-256, checked.

use std::io::Read;

use super::packages::*;
use super::record;
use crate::{Node, NodeError, now};

impl Node {
    /// Sends a file with a request to the other authority: hashed as it is copied into the
    /// node's attachments, then streamed into the package. Memory stays flat whatever its size.
    pub fn attach_to_request(
        &self,
        subject: &corridor_policy::Subject,
        id: &str,
        name: &str,
        input: &mut impl Read,
    ) -> Result<super::AttachmentRecord, NodeError> {
        self.require(subject, corridor_policy::Action::Cooperate)?;
        let name = name.trim();
        if name.is_empty()
            || name.chars().count() > 200
            || name.contains(['/', '\\'])
            || name.chars().any(char::is_control)
        {
            return Err(NodeError::Invalid(
                "name: 1 to 200 characters, no `/`, `\\` or control characters".into(),
            ));
        }
        let keys = self.coop_keys()?;
        let request = self.stored_request(id)?;
        let partner = if request.requesting == keys.node {
            &request.requested
        } else {
            &request.requesting
        };
        let partner = self.partner(partner)?;
        let dir = self.coop_subdir("attachments")?;
        let (tmp, sha256, bytes) = copy_hashed(input, MAX_PACKAGE_BYTES - 64 * 1024, &dir)?;
        if bytes > MAX_PACKAGE_BYTES - 64 * 1024 {
            return Err(NodeError::Invalid(format!(
                "file: larger than a package may carry ({MAX_PACKAGE_BYTES} bytes)"
            )));
        }
        let path = dir.join(&sha256);
        tmp.persist(&path)
            .map_err(|e| NodeError::Io(e.to_string()))?;
        let file = super::AttachmentRecord {
            name: name.to_string(),
            sha256: sha256.clone(),
            bytes,
            from: keys.node.clone(),
            at: now(),
        };
        let body = Body::Attachment {
            request_id: request.id.clone(),
            request_hash: request.content_hash(),
            name: name.to_string(),
            sha256,
            bytes,
        };
        let mut content = std::fs::File::open(&path).map_err(io)?;
        self.send_package_with(
            &keys,
            &partner,
            &body,
            Some(&mut content),
            request.handling,
            Some(request.content_hash()),
            |tx| {
                tx.append_coop(&record("attachment", &request.id, &file)?)?;
                Ok(())
            },
        )?;
        let mut store = self.store();
        self.audit(
            &mut **store,
            &subject.username,
            "coop attachment",
            &request.id,
            None,
            &format!("{name}, {bytes} bytes"),
        )?;
        Ok(file)
    }

    /// An attachment's bytes, by its SHA-256.
    pub fn attachment_path(
        &self,
        subject: &corridor_policy::Subject,
        sha256: &str,
    ) -> Result<std::path::PathBuf, NodeError> {
        self.require(subject, corridor_policy::Action::Cooperate)?;
        if sha256.len() != 64 || !sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(NodeError::Invalid("sha256: 64 hex digits".into()));
        }
        let path = self
            .coop_dir()
            .join("attachments")
            .join(sha256.to_ascii_lowercase());
        if path.is_file() {
            Ok(path)
        } else {
            Err(NodeError::NotFound(format!("no file {sha256}")))
        }
    }

    /// Copies an attachment's bytes into `coop/attachments/<sha256>`, refusing them unless
    /// their length and hash are the ones announced.
    pub(crate) fn store_attachment(
        &self,
        input: &mut impl Read,
        sha256: &str,
        bytes: u64,
    ) -> Result<std::path::PathBuf, NodeError> {
        if sha256.len() != 64 || !sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(NodeError::Invalid(
                "attachment: sha256 is not 64 hex digits".into(),
            ));
        }
        let dir = self.coop_subdir("attachments")?;
        let (tmp, found, total) = copy_hashed(input, bytes, &dir)?;
        if total != bytes || found != sha256.to_ascii_lowercase() {
            return Err(NodeError::Invalid(format!(
                "attachment: {total} bytes whose hash is not the {bytes} bytes announced"
            )));
        }
        let path = dir.join(sha256.to_ascii_lowercase());
        tmp.persist(&path)
            .map_err(|e| NodeError::Io(e.to_string()))?;
        Ok(path)
    }
}
