//! Account operations: creating and changing users, logging in and out, tokens. Each is
//! audited; the policy decides who may manage users.

use corridor_policy::{Action, Subject};
use corridor_store::{Credential, UserRecord};
use serde::Serialize;

use crate::accounts::{self, Issued};
use crate::{Node, NodeError, now, now_unix};

/// A user as others see it: never the password hash.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct UserView {
    pub username: String,
    pub display_name: String,
    pub roles: Vec<String>,
    pub disabled: bool,
    pub created_at: String,
}

impl From<&UserRecord> for UserView {
    fn from(u: &UserRecord) -> UserView {
        UserView {
            username: u.username.clone(),
            display_name: u.display_name.clone(),
            roles: u.roles.clone(),
            disabled: u.disabled,
            created_at: u.created_at.clone(),
        }
    }
}

/// Changes to a user; absent fields stay as they are.
#[derive(Clone, Debug, Default)]
pub struct UserPatch {
    pub display_name: Option<String>,
    pub password: Option<String>,
    pub roles: Option<Vec<String>>,
    pub disabled: Option<bool>,
}

/// The subject a user acts as, with the reason stated for this request.
pub fn subject_of(user: &UserRecord, reason: Option<String>) -> Subject {
    Subject {
        username: user.username.clone(),
        roles: user.roles.clone(),
        reason,
    }
}

impl Node {
    /// Creates a user. `actor` is the administrator doing it, or `None` for the node's operator
    /// at the command line (how the first administrator is made).
    pub fn create_user(
        &self,
        actor: Option<&Subject>,
        username: &str,
        display_name: &str,
        password: &str,
        roles: Vec<String>,
    ) -> Result<UserView, NodeError> {
        if let Some(actor) = actor {
            self.require(actor, Action::ManageUsers)?;
        }
        accounts::check_new_user(username, display_name, password).map_err(NodeError::Invalid)?;
        self.policy
            .check_roles(&roles)
            .map_err(|e| NodeError::Invalid(format!("roles: {e}")))?;
        let user = accounts::new_user(username, display_name, password, roles, &now())?;
        let mut store = self.store();
        if !store.insert_user(&user)? {
            return Err(NodeError::Conflict(format!(
                "username: {username:?} is taken"
            )));
        }
        let by = actor.map_or("operator (command line)", |a| a.username.as_str());
        self.audit(
            &mut **store,
            by,
            "create user",
            &format!("user {username}"),
            None,
            &format!("created with roles {}", user.roles.join(", ")),
        )?;
        Ok(UserView::from(&user))
    }

    pub fn update_user(
        &self,
        actor: &Subject,
        username: &str,
        patch: UserPatch,
    ) -> Result<UserView, NodeError> {
        self.require(actor, Action::ManageUsers)?;
        let mut store = self.store();
        let mut user = store
            .user(username)?
            .ok_or_else(|| NodeError::NotFound(format!("no user {username:?}")))?;
        let mut changes = Vec::new();
        if let Some(name) = patch.display_name {
            if name.trim().is_empty() || name.chars().count() > 200 {
                return Err(NodeError::Invalid(
                    "display_name: 1 to 200 characters".into(),
                ));
            }
            user.display_name = name;
            changes.push("display name".to_string());
        }
        if let Some(password) = patch.password {
            accounts::check_password(&password).map_err(NodeError::Invalid)?;
            user.password_hash = accounts::hash_password(&password)?;
            changes.push("password".into());
        }
        if let Some(roles) = patch.roles {
            self.policy
                .check_roles(&roles)
                .map_err(|e| NodeError::Invalid(format!("roles: {e}")))?;
            if username == actor.username && !roles.iter().any(|r| r == "administrator") {
                return Err(NodeError::Invalid(
                    "roles: you cannot take the administrator role from yourself".into(),
                ));
            }
            changes.push(format!("roles {}", roles.join(", ")));
            user.roles = roles;
        }
        if let Some(disabled) = patch.disabled {
            if username == actor.username && disabled {
                return Err(NodeError::Invalid(
                    "disabled: you cannot disable yourself".into(),
                ));
            }
            user.disabled = disabled;
            changes.push(if disabled { "disabled" } else { "enabled" }.into());
        }
        store.update_user(&user)?;
        self.audit(
            &mut **store,
            &actor.username,
            "update user",
            &format!("user {username}"),
            None,
            &format!("changed {}", changes.join("; ")),
        )?;
        Ok(UserView::from(&user))
    }

    pub fn list_users(&self, actor: &Subject) -> Result<Vec<UserView>, NodeError> {
        self.require(actor, Action::ManageUsers)?;
        let mut store = self.store();
        Ok(store.users()?.iter().map(UserView::from).collect())
    }

    /// Checks a password and opens a browser session. Failures count against both the name
    /// and the client address; the answer never says which part was wrong.
    pub fn login(
        &self,
        username: &str,
        password: &str,
        client: &str,
    ) -> Result<(Issued, UserRecord), NodeError> {
        let user_key = format!("user:{username}");
        let client_key = format!("client:{client}");
        let keys = [user_key.as_str(), client_key.as_str()];
        let limits = [
            (user_key.as_str(), accounts::MAX_FAILURES_PER_USER),
            (client_key.as_str(), accounts::MAX_FAILURES_PER_CLIENT),
        ];
        if self.limiter.locked(&limits) {
            self.audit_refusal(username, "login", "session", "too many failed logins");
            return Err(NodeError::RateLimited(
                "too many failed logins: wait 15 minutes and try again".into(),
            ));
        }
        let mut store = self.store();
        let user = store.user(username)?;
        let ok = match &user {
            Some(u) => !u.disabled && accounts::verify_password(password, &u.password_hash),
            None => {
                // Spend the same time as a real check, so timing does not tell which names exist.
                accounts::verify_password(password, DUMMY_HASH);
                false
            }
        };
        let Some(user) = user.filter(|_| ok) else {
            self.limiter.failed(&keys);
            self.audit(
                &mut **store,
                username,
                "login",
                "session",
                None,
                "refused: wrong user name or password",
            )?;
            return Err(NodeError::Unauthenticated(
                "wrong user name or password".into(),
            ));
        };
        self.limiter.succeeded(&user_key);
        let issued = accounts::issue("session", &user.username, "browser", now_unix())?;
        store.insert_credential(&issued.credential)?;
        self.audit(&mut **store, username, "login", "session", None, "allowed")?;
        Ok((issued, user))
    }

    pub fn logout(&self, secret: &str) -> Result<(), NodeError> {
        let mut store = self.store();
        let hash = accounts::secret_hash(secret);
        if let Some(c) = store.credential(&hash)? {
            store.delete_credential(&hash)?;
            self.audit(
                &mut **store,
                &c.username,
                "logout",
                "session",
                None,
                "allowed",
            )?;
        }
        Ok(())
    }

    /// The credential and user a secret opens, if it is live and the user is enabled.
    pub fn authenticate(&self, secret: &str) -> Result<(Credential, UserRecord), NodeError> {
        let refused = || NodeError::Unauthenticated("not logged in, or the session expired".into());
        if secret.len() != 64 || !secret.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(refused());
        }
        let mut store = self.store();
        let hash = accounts::secret_hash(secret);
        let credential = store.credential(&hash)?.ok_or_else(refused)?;
        if credential.expires_at <= now() {
            store.delete_credential(&hash)?;
            return Err(refused());
        }
        let user = store
            .user(&credential.username)?
            .filter(|u| !u.disabled)
            .ok_or_else(refused)?;
        Ok((credential, user))
    }

    /// A bearer token for a program acting as `subject`.
    pub fn create_token(&self, subject: &Subject, name: &str) -> Result<Issued, NodeError> {
        if name.trim().is_empty() || name.chars().count() > 100 {
            return Err(NodeError::Invalid("name: 1 to 100 characters".into()));
        }
        let issued = accounts::issue("token", &subject.username, name, now_unix())?;
        let mut store = self.store();
        store.insert_credential(&issued.credential)?;
        self.audit(
            &mut **store,
            &subject.username,
            "create token",
            &format!("token {name}"),
            None,
            &format!("allowed, expires {}", issued.credential.expires_at),
        )?;
        Ok(issued)
    }
}

/// An argon2id hash of a random password, checked against when a user name does not exist.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$0M3V3fBIs0wuT2bnfCxyRVErqB6eMkzAaeO7SbvXqtE";
