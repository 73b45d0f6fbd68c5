//! A cooperation request between central authorities and its life: draft → sent → received →
//! acknowledged → in progress → answered / partially answered / refused (with a reason) →
//! closed. Each step is an event with who and when; a step the other side or the wrong moment
//! may not take is refused with the reason.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::CoopError;

macro_rules! words {
    ($(#[$doc:meta])* $name:ident { $($variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum $name { $(#[serde(rename = $text)] $variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
            pub fn parse(text: &str) -> Result<$name, CoopError> {
                $name::ALL.iter().copied().find(|v| v.as_str() == text).ok_or_else(|| {
                    let all: Vec<&str> = $name::ALL.iter().map(|v| v.as_str()).collect();
                    CoopError::Invalid(format!("{}: `{text}` is not one of {}", stringify!($name), all.join(", ")))
                })
            }
        }
    };
}

words! {
    RequestType {
        MutualLegalAssistance = "mutual_legal_assistance",
        PoliceInformation = "police_information",
        SpontaneousInformation = "spontaneous_information",
        JointInvestigationTeam = "joint_investigation_team",
        Extradition = "extradition",
    }
}

words! {
    Urgency { Routine = "routine", Urgent = "urgent", VeryUrgent = "very_urgent" }
}

words! {
    State {
        Draft = "draft",
        Sent = "sent",
        Received = "received",
        Acknowledged = "acknowledged",
        InProgress = "in_progress",
        Answered = "answered",
        PartiallyAnswered = "partially_answered",
        Refused = "refused",
        Closed = "closed",
    }
}

words! {
    /// What the receiver may do with what it is sent (Europol's handling codes): H0 only to
    /// prevent and combat crime; H1 not in judicial proceedings without the sender's
    /// permission; H2 not to be passed on without the sender's permission; H3 the restrictions
    /// written in the note.
    Dissemination { H0 = "H0", H1 = "H1", H2 = "H2", H3 = "H3" }
}

/// Which end of a request acts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    Requesting,
    Requested,
}

impl State {
    /// No more work is owed: answered, refused or closed.
    pub fn is_settled(self) -> bool {
        matches!(self, State::Answered | State::Refused | State::Closed)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attachment {
    pub name: String,
    pub sha256: String,
    pub bytes: u64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    pub state: State,
    /// RFC 3339 UTC, e.g. 2026-11-30T10:00:00Z.
    pub at: String,
    pub by: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Request {
    /// Unique between nodes: the requesting node's id and its reference.
    pub id: String,
    pub reference: String,
    pub request_type: RequestType,
    pub urgency: Urgency,
    /// Node ids of the two central authorities.
    pub requesting: String,
    pub requested: String,
    pub legal_basis: Vec<String>,
    /// Entities the request is about (ids in the requesting node).
    #[serde(default)]
    pub subjects: Vec<String>,
    #[serde(default)]
    pub questions: Vec<String>,
    /// YYYY-MM-DD: the answer is due by the end of that day.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deadline: Option<String>,
    pub handling: Dissemination,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub handling_note: Option<String>,
    #[serde(default)]
    pub attachments: Vec<Attachment>,
    pub created_at: String,
    #[serde(default)]
    pub history: Vec<Event>,
}

/// Who may move a request from one state to another.
fn allowed(from: State, to: State) -> Option<Side> {
    use State::*;
    match (from, to) {
        (Draft, Sent) => Some(Side::Requesting),
        (Sent, Received) => Some(Side::Requested),
        (Received, Acknowledged) => Some(Side::Requested),
        (Received | Acknowledged | PartiallyAnswered, InProgress) => Some(Side::Requested),
        (Received | Acknowledged | InProgress, Answered | PartiallyAnswered | Refused) => {
            Some(Side::Requested)
        }
        (PartiallyAnswered, Answered) => Some(Side::Requested),
        // Closing: after the answer, or withdrawing it before.
        (
            Draft | Sent | Received | Acknowledged | InProgress | Answered | PartiallyAnswered
            | Refused,
            Closed,
        ) => Some(Side::Requesting),
        _ => None,
    }
}

const MAX_TEXT: usize = 4_000;

/// A required text field: not blank, at most `max` characters, no control characters but
/// newlines and tabs.
pub fn check_text(field: &str, text: &str, max: usize) -> Result<(), CoopError> {
    if text.trim().is_empty() {
        return Err(CoopError::Invalid(format!("{field}: empty")));
    }
    if text.chars().count() > max {
        return Err(CoopError::Invalid(format!(
            "{field}: at most {max} characters"
        )));
    }
    if text
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t')
    {
        return Err(CoopError::Invalid(format!("{field}: control characters")));
    }
    Ok(())
}

/// Days since 1970 of a YYYY-MM-DD date, if it is one.
pub fn day_number(date: &str) -> Option<i64> {
    let b = date.as_bytes();
    if date.len() < 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let year: i64 = date.get(0..4)?.parse().ok()?;
    let month: i64 = date.get(5..7)?.parse().ok()?;
    let day: i64 = date.get(8..10)?.parse().ok()?;
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let days_in = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    };
    if !(1..=days_in).contains(&day) {
        return None;
    }
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * ((month + 9) % 12) + 2) / 5 + day - 1;
    Some(era * 146_097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719_468)
}

fn moment_day(at: &str) -> Option<i64> {
    at.get(0..10).and_then(day_number)
}

impl Request {
    pub fn state(&self) -> State {
        self.history.last().map_or(State::Draft, |e| e.state)
    }

    /// When the request first reached `state`.
    pub fn reached(&self, state: State) -> Option<&Event> {
        self.history.iter().find(|e| e.state == state)
    }

    /// Checks what a request must hold, naming the field that is wrong.
    pub fn check(&self, known_bases: &[LegalBasis]) -> Result<(), CoopError> {
        check_text("reference", &self.reference, 100)?;
        if self.reference.contains('/') {
            return Err(CoopError::Invalid(
                "reference: no `/` (it is part of the request's id)".into(),
            ));
        }
        check_text("requesting", &self.requesting, 100)?;
        check_text("requested", &self.requested, 100)?;
        if self.requesting == self.requested {
            return Err(CoopError::Invalid(
                "requested: a node does not send requests to itself".into(),
            ));
        }
        if self.legal_basis.is_empty() {
            return Err(CoopError::Invalid(
                "legal_basis: name at least one (e.g. untoc-18)".into(),
            ));
        }
        for basis in &self.legal_basis {
            match known_bases.iter().find(|b| &b.id == basis) {
                None => {
                    let ids: Vec<&str> = known_bases.iter().map(|b| b.id.as_str()).collect();
                    return Err(CoopError::Invalid(format!(
                        "legal_basis: `{basis}` is not known (known: {})",
                        ids.join(", ")
                    )));
                }
                Some(b) if !b.types.contains(&self.request_type) => {
                    return Err(CoopError::Invalid(format!(
                        "legal_basis: {basis} does not provide for a {} request",
                        self.request_type.as_str()
                    )));
                }
                Some(_) => {}
            }
        }
        if self.request_type != RequestType::SpontaneousInformation && self.questions.is_empty() {
            return Err(CoopError::Invalid(
                "questions: a request asks at least one question".into(),
            ));
        }
        if self.questions.len() > 100 || self.subjects.len() > 500 || self.attachments.len() > 100 {
            return Err(CoopError::Invalid(
                "too many questions (100), subjects (500) or attachments (100)".into(),
            ));
        }
        for (i, q) in self.questions.iter().enumerate() {
            check_text(&format!("questions[{i}]"), q, MAX_TEXT)?;
        }
        if let Some(deadline) = &self.deadline
            && day_number(deadline).is_none()
        {
            return Err(CoopError::Invalid(format!(
                "deadline: `{deadline}` is not a date (YYYY-MM-DD)"
            )));
        }
        if self.handling == Dissemination::H3
            && self
                .handling_note
                .as_deref()
                .is_none_or(|n| n.trim().is_empty())
        {
            return Err(CoopError::Invalid(
                "handling_note: H3 needs the restrictions written out".into(),
            ));
        }
        for a in &self.attachments {
            if a.sha256.len() != 64 || !a.sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
                return Err(CoopError::Invalid(format!(
                    "attachments: {}: sha256 is not 64 hex digits",
                    a.name
                )));
            }
        }
        Ok(())
    }

    /// Moves the request to `to`, taken by `side` (the user `by`, at `at`). Refused with the
    /// reason when that side may not take that step now, when a refusal or withdrawal has no
    /// note, or when `at` is earlier than the last step.
    pub fn transition(
        &mut self,
        to: State,
        side: Side,
        by: &str,
        at: &str,
        note: Option<&str>,
    ) -> Result<(), CoopError> {
        let from = self.state();
        match allowed(from, to) {
            None => {
                return Err(CoopError::Conflict(format!(
                    "a request that is {} cannot become {}",
                    from.as_str(),
                    to.as_str()
                )));
            }
            Some(who) if who != side => {
                return Err(CoopError::Forbidden(format!(
                    "only the {} authority may make a request {}",
                    if who == Side::Requesting {
                        "requesting"
                    } else {
                        "requested"
                    },
                    to.as_str()
                )));
            }
            Some(_) => {}
        }
        let note = note.map(str::trim).filter(|n| !n.is_empty());
        if to == State::Refused && note.is_none() {
            return Err(CoopError::Invalid(
                "note: a refusal gives its reason".into(),
            ));
        }
        if to == State::Closed && !from.is_settled() && note.is_none() {
            return Err(CoopError::Invalid(
                "note: withdrawing an open request gives its reason".into(),
            ));
        }
        if let Some(n) = note {
            check_text("note", n, MAX_TEXT)?;
        }
        if moment_day(at).is_none() {
            return Err(CoopError::Invalid(format!(
                "at: `{at}` is not a moment (YYYY-MM-DDTHH:MM:SSZ)"
            )));
        }
        if let Some(last) = self.history.last()
            && at < last.at.as_str()
        {
            return Err(CoopError::Invalid(format!(
                "at: {at} is before the last step ({})",
                last.at
            )));
        }
        self.history.push(Event {
            state: to,
            at: at.to_string(),
            by: by.to_string(),
            note: note.map(str::to_string),
        });
        Ok(())
    }

    /// The request's content hash (everything but its history): what an answer quotes, so
    /// either side can prove which request it answered (as X-Road's request hash does).
    pub fn content_hash(&self) -> String {
        let mut content = self.clone();
        content.history.clear();
        let bytes = serde_json::to_vec(&content).expect("a request serialises");
        hex::encode(Sha256::digest(&bytes))
    }

    /// What is due, as of `today` (YYYY-MM-DD), for the side that owes the next step.
    pub fn reminders(&self, today: &str) -> Vec<Reminder> {
        let mut out = Vec::new();
        let Some(today) = day_number(today) else {
            return out;
        };
        let state = self.state();
        if state == State::Received
            && let Some(received) = self
                .reached(State::Received)
                .and_then(|e| moment_day(&e.at))
            && today - received >= ACKNOWLEDGE_WITHIN_DAYS
        {
            out.push(Reminder {
                kind: ReminderKind::Acknowledge,
                days: today - received,
                text: format!(
                    "received {} day(s) ago and not acknowledged",
                    today - received
                ),
            });
        }
        if matches!(
            state,
            State::Sent
                | State::Received
                | State::Acknowledged
                | State::InProgress
                | State::PartiallyAnswered
        ) && let Some(due) = self.deadline.as_deref().and_then(day_number)
        {
            let left = due - today;
            let (kind, text) = if left < 0 {
                (
                    ReminderKind::Overdue,
                    format!("overdue by {} day(s)", -left),
                )
            } else if left <= 2 {
                (ReminderKind::DueSoon, format!("due in {left} day(s)"))
            } else if left <= 7 {
                (ReminderKind::DueThisWeek, format!("due in {left} day(s)"))
            } else {
                return out;
            };
            out.push(Reminder {
                kind,
                days: left,
                text,
            });
        }
        out
    }
}

/// A received request should be acknowledged within this many days.
pub const ACKNOWLEDGE_WITHIN_DAYS: i64 = 2;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReminderKind {
    Acknowledge,
    DueThisWeek,
    DueSoon,
    Overdue,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Reminder {
    pub kind: ReminderKind,
    pub days: i64,
    pub text: String,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct LegalBasis {
    pub id: String,
    pub title: String,
    pub types: Vec<RequestType>,
}

/// The legal bases shipped with Corridor (`data/legal-bases.yaml`).
pub fn legal_bases() -> Vec<LegalBasis> {
    serde_yaml_ng::from_str(include_str!("../data/legal-bases.yaml"))
        .expect("data/legal-bases.yaml")
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn sample() -> Request {
        Request {
            id: "it-node/IT-2026-17".into(),
            reference: "IT-2026-17".into(),
            request_type: RequestType::MutualLegalAssistance,
            urgency: Urgency::Urgent,
            requesting: "it-node".into(),
            requested: "ly-node".into(),
            legal_basis: vec!["untoc-18".into(), "smuggling-protocol-10".into()],
            subjects: vec!["p-1".into()],
            questions: vec!["Who holds the account receiving the fees?".into()],
            deadline: Some("2026-12-15".into()),
            handling: Dissemination::H2,
            handling_note: None,
            attachments: vec![],
            created_at: "2026-11-30T09:00:00Z".into(),
            history: vec![],
        }
    }

    #[test]
    fn a_request_goes_its_way_and_each_side_takes_only_its_steps() {
        let mut r = sample();
        r.check(&legal_bases()).unwrap();
        assert_eq!(r.state(), State::Draft);
        r.transition(
            State::Sent,
            Side::Requesting,
            "ca-it",
            "2026-11-30T10:00:00Z",
            None,
        )
        .unwrap();
        let err = r
            .transition(
                State::Received,
                Side::Requesting,
                "ca-it",
                "2026-11-30T10:01:00Z",
                None,
            )
            .unwrap_err();
        assert!(
            err.to_string().contains("only the requested authority"),
            "{err}"
        );
        r.transition(
            State::Received,
            Side::Requested,
            "node",
            "2026-11-30T10:01:00Z",
            None,
        )
        .unwrap();
        r.transition(
            State::Acknowledged,
            Side::Requested,
            "ca-ly",
            "2026-12-01T08:00:00Z",
            None,
        )
        .unwrap();
        let err = r
            .transition(
                State::Refused,
                Side::Requested,
                "ca-ly",
                "2026-12-02T08:00:00Z",
                Some(" "),
            )
            .unwrap_err();
        assert!(err.to_string().contains("a refusal gives its reason"));
        let err = r
            .transition(
                State::Sent,
                Side::Requesting,
                "ca-it",
                "2026-12-02T08:00:00Z",
                None,
            )
            .unwrap_err();
        assert!(
            err.to_string().contains("acknowledged cannot become sent"),
            "{err}"
        );
        let err = r
            .transition(
                State::InProgress,
                Side::Requested,
                "ca-ly",
                "2026-11-01T08:00:00Z",
                None,
            )
            .unwrap_err();
        assert!(err.to_string().contains("before the last step"), "{err}");
        r.transition(
            State::PartiallyAnswered,
            Side::Requested,
            "ca-ly",
            "2026-12-05T08:00:00Z",
            Some("bank records follow"),
        )
        .unwrap();
        r.transition(
            State::Answered,
            Side::Requested,
            "ca-ly",
            "2026-12-09T08:00:00Z",
            None,
        )
        .unwrap();
        r.transition(
            State::Closed,
            Side::Requesting,
            "ca-it",
            "2026-12-10T08:00:00Z",
            None,
        )
        .unwrap();
        assert_eq!(r.history.len(), 6);
    }

    #[test]
    fn bad_requests_name_their_field() {
        let bases = legal_bases();
        type Change = Box<dyn Fn(&mut Request)>;
        let cases: Vec<(Change, &str)> = vec![
            (Box::new(|r| r.reference = " ".into()), "reference: empty"),
            (
                Box::new(|r| r.reference = "a/b".into()),
                "reference: no `/`",
            ),
            (
                Box::new(|r| r.requested = "it-node".into()),
                "does not send requests to itself",
            ),
            (
                Box::new(|r| r.legal_basis = vec!["treaty-of-nowhere".into()]),
                "`treaty-of-nowhere` is not known",
            ),
            (
                Box::new(|r| r.legal_basis = vec!["untoc-16".into()]),
                "untoc-16 does not provide for a mutual_legal_assistance",
            ),
            (
                Box::new(|r| r.questions.clear()),
                "questions: a request asks",
            ),
            (
                Box::new(|r| r.deadline = Some("2026-02-30".into())),
                "deadline: `2026-02-30` is not a date",
            ),
            (
                Box::new(|r| r.handling = Dissemination::H3),
                "H3 needs the restrictions",
            ),
            (
                Box::new(|r| r.questions = vec!["\u{7}ring".into()]),
                "questions[0]: control characters",
            ),
            (
                Box::new(|r| r.questions = vec!["x".repeat(4_001)]),
                "questions[0]: at most 4000",
            ),
        ];
        for (change, expected) in cases {
            let mut r = sample();
            change(&mut r);
            let message = r.check(&bases).unwrap_err().to_string();
            assert!(message.contains(expected), "{message} / {expected}");
        }
        assert!(
            RequestType::parse("favour")
                .unwrap_err()
                .to_string()
                .contains("mutual_legal_assistance")
        );
    }

    #[test]
    fn reminders_come_as_the_deadline_nears_and_the_hash_ignores_history() {
        let mut r = sample();
        r.transition(
            State::Sent,
            Side::Requesting,
            "ca-it",
            "2026-11-30T10:00:00Z",
            None,
        )
        .unwrap();
        let hash = r.content_hash();
        r.transition(
            State::Received,
            Side::Requested,
            "node",
            "2026-11-30T10:01:00Z",
            None,
        )
        .unwrap();
        assert_eq!(r.content_hash(), hash);
        assert!(r.reminders("2026-11-30").is_empty());
        let due = r.reminders("2026-12-03");
        assert_eq!(due[0].kind, ReminderKind::Acknowledge);
        assert_eq!(
            r.reminders("2026-12-10").last().unwrap().kind,
            ReminderKind::DueThisWeek
        );
        assert_eq!(
            r.reminders("2026-12-14").last().unwrap().kind,
            ReminderKind::DueSoon
        );
        let late = r.reminders("2026-12-20");
        assert_eq!(
            (late.last().unwrap().kind, late.last().unwrap().days),
            (ReminderKind::Overdue, -5)
        );
        r.transition(
            State::Acknowledged,
            Side::Requested,
            "ca",
            "2026-12-20T10:00:00Z",
            None,
        )
        .unwrap();
        r.transition(
            State::Answered,
            Side::Requested,
            "ca",
            "2026-12-21T10:00:00Z",
            None,
        )
        .unwrap();
        assert!(
            r.reminders("2026-12-30").is_empty(),
            "an answered request owes nothing"
        );
        let mut changed = r.clone();
        changed.questions.push("And the phone?".into());
        assert_ne!(changed.content_hash(), r.content_hash());
    }

    #[test]
    fn day_numbers() {
        assert_eq!(day_number("1970-01-01"), Some(0));
        assert_eq!(day_number("2024-03-01"), Some(19_783));
        assert_eq!(day_number("2023-02-29"), None);
    }
}
