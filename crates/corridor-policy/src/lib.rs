//! Who may see and do what, decided in one place.
//!
//! A pure function of (subject, action, object) → [`Decision`], with the reason in words. The
//! node calls it wherever data leaves the store — search, entity pages, exports, statistics,
//! the API — so that no path decides on its own. Roles are data (`policy/roles.yaml`); the
//! rules that protect people are code, checked when the roles are loaded:
//!
//! - **Purpose separation**: facts collected for protection (purpose `protection`, or handling
//!   `protection`) are visible only to roles marked `protection: true`, and such roles see no
//!   law-enforcement facts. An edit of the roles file cannot give an enforcement role
//!   protection data; the loader refuses it and says why.
//! - **Reasons**: reading a `confidential` or `protection` fact needs a stated reason; without
//!   one the fact is withheld and the caller is told so.
//!
//! Policy applies per fact (per statement), not per record: one entity may show a border
//! officer its restricted crossing facts and withhold the confidential debriefing facts.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use corridor_model::{HandlingCode, Purpose};
use serde::Deserialize;

#[cfg(test)]
mod tests;

/// What a caller wants to do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Action {
    Search,
    Read,
    Export,
    Statistics,
    Write,
    ManageUsers,
    ReadAudit,
    /// Judge entity-resolution proposals (same / not the same / unsure) and undo judgements.
    Review,
    /// Screen people against the watchlists and register border crossings.
    Screen,
    /// Decide screening alerts: true match or false positive.
    DecideAlerts,
    /// Import watchlists and their new versions.
    ManageWatchlists,
    /// Synchronise with a partner node: push its records, pull the watchlists (a post's
    /// account on its national node).
    Sync,
    /// Analyse the network of who is linked to whom: neighbourhoods, paths, communities,
    /// money traced, co-travel (each fact still passes the read rules).
    AnalyseNetwork,
    /// Exchange cooperation requests and answers with partner authorities, and keep the
    /// directory of partners (a central authority's work).
    Cooperate,
    /// Register intercepted or rescued migrants, screen their vulnerabilities, refer them to
    /// services and follow their return: protection work, for protection roles only.
    Assist,
    /// Change whether a person recorded as smuggled is treated as a suspect: named, with a
    /// reason, audited (non-criminalisation, Smuggling Protocol art. 5); never a protection
    /// role's.
    Designate,
    /// Propose, approve, backtest and retire risk indicators and profiles; a change needs a
    /// second user's approval.
    ManageRisk,
}

impl Action {
    pub const ALL: &'static [Action] = &[
        Action::Search,
        Action::Read,
        Action::Export,
        Action::Statistics,
        Action::Write,
        Action::ManageUsers,
        Action::ReadAudit,
        Action::Review,
        Action::Screen,
        Action::DecideAlerts,
        Action::ManageWatchlists,
        Action::Sync,
        Action::AnalyseNetwork,
        Action::Cooperate,
        Action::Assist,
        Action::Designate,
        Action::ManageRisk,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Action::Search => "search",
            Action::Read => "read",
            Action::Export => "export",
            Action::Statistics => "statistics",
            Action::Write => "write",
            Action::ManageUsers => "manage_users",
            Action::ReadAudit => "read_audit",
            Action::Review => "review",
            Action::Screen => "screen",
            Action::DecideAlerts => "decide_alerts",
            Action::ManageWatchlists => "manage_watchlists",
            Action::Sync => "sync",
            Action::AnalyseNetwork => "analyse_network",
            Action::Cooperate => "cooperate",
            Action::Assist => "assist",
            Action::Designate => "designate",
            Action::ManageRisk => "manage_risk",
        }
    }
}

impl FromStr for Action {
    type Err = String;
    fn from_str(s: &str) -> Result<Action, String> {
        Action::ALL
            .iter()
            .copied()
            .find(|a| a.as_str() == s)
            .ok_or_else(|| {
                let all: Vec<&str> = Action::ALL.iter().map(|a| a.as_str()).collect();
                format!("unknown action {s:?} (known: {})", all.join(", "))
            })
    }
}

/// The handling code and purpose of one fact: all the policy needs to know about it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Label {
    pub handling: HandlingCode,
    pub purpose: Purpose,
}

/// What an action is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Object {
    /// A fact with its label (reading it, exporting it, writing one like it).
    Fact(Label),
    /// The node as a whole: user administration, the audit log, a search box.
    Node,
}

/// Who acts: a user with roles, and the reason stated for this request, if any.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Subject {
    pub username: String,
    pub roles: Vec<String>,
    pub reason: Option<String>,
}

/// Allowed or refused, with the reason in words (shown to the user and kept in the audit log).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decision {
    pub allowed: bool,
    /// The caller could have it by stating a reason.
    pub needs_reason: bool,
    pub why: String,
}

impl Decision {
    fn allow(why: impl Into<String>) -> Decision {
        Decision {
            allowed: true,
            needs_reason: false,
            why: why.into(),
        }
    }
    fn refuse(why: impl Into<String>) -> Decision {
        Decision {
            allowed: false,
            needs_reason: false,
            why: why.into(),
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RolesFile {
    roles: BTreeMap<String, RoleFile>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RoleFile {
    label: String,
    #[serde(default)]
    protection: bool,
    actions: Vec<String>,
    sees: BTreeMap<String, String>,
}

#[derive(Clone, Debug)]
pub struct Role {
    pub name: String,
    pub label: String,
    pub protection: bool,
    pub actions: Vec<Action>,
    /// Per purpose, the highest handling code the role may read.
    pub sees: BTreeMap<Purpose, HandlingCode>,
}

/// The roles, checked. Cheap to share; built once at start-up.
#[derive(Clone, Debug)]
pub struct Policy {
    roles: BTreeMap<String, Role>,
}

#[derive(Debug, PartialEq, Eq)]
pub struct PolicyError(pub String);

impl fmt::Display for PolicyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for PolicyError {}

/// Handling codes that need a stated reason to read.
pub fn needs_reason(handling: HandlingCode) -> bool {
    matches!(
        handling,
        HandlingCode::Confidential | HandlingCode::Protection
    )
}

/// Whether a fact is protection data: collected for protection, or handled as such.
pub fn is_protection_data(label: Label) -> bool {
    label.purpose == Purpose::Protection || label.handling == HandlingCode::Protection
}

impl Policy {
    /// The roles shipped with Corridor.
    pub fn builtin() -> Policy {
        Policy::parse("policy/roles.yaml", include_str!("../policy/roles.yaml"))
            .expect("the built-in roles are checked by a test")
    }

    /// Parses and checks a roles file; the error names the file, the role and the rule.
    pub fn parse(file: &str, text: &str) -> Result<Policy, PolicyError> {
        let parsed: RolesFile =
            serde_yaml_ng::from_str(text).map_err(|e| PolicyError(format!("roles {file}: {e}")))?;
        let mut roles = BTreeMap::new();
        for (name, r) in parsed.roles {
            let at = |msg: String| PolicyError(format!("roles {file}: role {name}: {msg}"));
            let actions = r
                .actions
                .iter()
                .map(|a| a.parse::<Action>())
                .collect::<Result<Vec<_>, _>>()
                .map_err(at)?;
            if actions.contains(&Action::Assist) && !r.protection {
                return Err(at(
                    "may assist, which is protection work; only a role marked `protection: true` may (purpose separation)"
                        .into(),
                ));
            }
            if actions.contains(&Action::Designate) && r.protection {
                return Err(at(
                    "is a protection role and may not designate suspects (non-criminalisation)"
                        .into(),
                ));
            }
            let mut sees = BTreeMap::new();
            for (purpose, ceiling) in &r.sees {
                let purpose: Purpose = purpose.parse().map_err(at)?;
                let ceiling: HandlingCode = ceiling.parse().map_err(at)?;
                let label = Label {
                    handling: ceiling,
                    purpose,
                };
                if is_protection_data(label) && !r.protection {
                    return Err(at(format!(
                        "sees {purpose} up to {ceiling}, which is protection data; only a role marked `protection: true` may see it (purpose separation)"
                    )));
                }
                if r.protection && purpose == Purpose::LawEnforcement {
                    return Err(at(
                        "is a protection role and may not see law-enforcement data (purpose separation)"
                            .into(),
                    ));
                }
                sees.insert(purpose, ceiling);
            }
            roles.insert(
                name.clone(),
                Role {
                    name,
                    label: r.label,
                    protection: r.protection,
                    actions,
                    sees,
                },
            );
        }
        Ok(Policy { roles })
    }

    pub fn roles(&self) -> impl Iterator<Item = &Role> {
        self.roles.values()
    }

    pub fn role(&self, name: &str) -> Option<&Role> {
        self.roles.get(name)
    }

    /// Checks role names given for a user; the error lists the known ones.
    pub fn check_roles(&self, names: &[String]) -> Result<(), String> {
        if names.is_empty() {
            return Err("a user needs at least one role".into());
        }
        match names.iter().find(|n| !self.roles.contains_key(n.as_str())) {
            Some(bad) => Err(format!(
                "unknown role {bad:?} (known: {})",
                self.roles.keys().cloned().collect::<Vec<_>>().join(", ")
            )),
            None => Ok(()),
        }
    }

    /// The decision, with its reason.
    pub fn decide(&self, subject: &Subject, action: Action, object: Object) -> Decision {
        let roles: Vec<&Role> = subject
            .roles
            .iter()
            .filter_map(|r| self.roles.get(r))
            .collect();
        let acting: Vec<&Role> = roles
            .iter()
            .copied()
            .filter(|r| r.actions.contains(&action))
            .collect();
        if acting.is_empty() {
            return Decision::refuse(format!(
                "none of your roles ({}) may {}",
                subject.roles.join(", "),
                action.as_str().replace('_', " ")
            ));
        }
        let Object::Fact(label) = object else {
            return Decision::allow(format!(
                "role {} may {}",
                acting[0].name,
                action.as_str().replace('_', " ")
            ));
        };
        let covering = acting.iter().find(|r| {
            r.sees
                .get(&label.purpose)
                .is_some_and(|ceiling| label.handling <= *ceiling)
        });
        let Some(role) = covering else {
            let why = if is_protection_data(label) {
                "protection data is visible to protection officers only".to_string()
            } else {
                format!(
                    "none of your roles may {} {} data collected for {}",
                    action.as_str().replace('_', " "),
                    label.handling,
                    label.purpose
                )
            };
            return Decision::refuse(why);
        };
        if action != Action::Write && needs_reason(label.handling) {
            let stated = subject
                .reason
                .as_deref()
                .is_some_and(|r| r.trim().chars().count() >= 3);
            if !stated {
                return Decision {
                    allowed: false,
                    needs_reason: true,
                    why: format!("reading {} facts needs a stated reason", label.handling),
                };
            }
        }
        Decision::allow(format!(
            "role {} covers {} data up to {}",
            role.name, label.purpose, role.sees[&label.purpose]
        ))
    }
}
