//! Timeliness made visible: per partner and per kind of request, how long acknowledgement and
//! answer take (median days), how many answers came on time, and what is overdue now.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::request::{Request, State, day_number};

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Row {
    /// The partner's node id, or the request type.
    pub key: String,
    pub requests: usize,
    pub answered: usize,
    pub median_days_to_acknowledge: Option<f64>,
    pub median_days_to_answer: Option<f64>,
    /// Of the answered requests that had a deadline, the share answered by it.
    pub answered_on_time: Option<f64>,
    /// Open requests past their deadline now.
    pub overdue: usize,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Overdue {
    pub id: String,
    pub partner: String,
    pub request_type: String,
    pub deadline: String,
    pub days_overdue: i64,
    /// Whether it is this node that owes the answer.
    pub we_owe: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Timeliness {
    pub by_partner: Vec<Row>,
    pub by_type: Vec<Row>,
    pub overdue: Vec<Overdue>,
}

fn median(mut values: Vec<f64>) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let mid = values.len() / 2;
    Some(if values.len() % 2 == 1 {
        values[mid]
    } else {
        (values[mid - 1] + values[mid]) / 2.0
    })
}

/// Days between two RFC 3339 moments, with their times of day.
fn days_between(from: &str, to: &str) -> Option<f64> {
    let seconds = |at: &str| -> Option<f64> {
        let day = day_number(at.get(0..10)?)?;
        let time = at.get(11..19).unwrap_or("00:00:00");
        let mut parts = time.split(':').map(|p| p.parse::<f64>().ok());
        let (h, m, s) = (
            parts.next()??,
            parts.next()??,
            parts.next().flatten().unwrap_or(0.0),
        );
        Some(day as f64 * 86_400.0 + h * 3600.0 + m * 60.0 + s)
    };
    Some((seconds(to)? - seconds(from)?) / 86_400.0)
}

#[derive(Default)]
struct Tally {
    requests: usize,
    answered: usize,
    to_acknowledge: Vec<f64>,
    to_answer: Vec<f64>,
    with_deadline: usize,
    on_time: usize,
    overdue: usize,
}

impl Tally {
    fn row(self, key: String) -> Row {
        Row {
            key,
            requests: self.requests,
            answered: self.answered,
            median_days_to_acknowledge: median(self.to_acknowledge),
            median_days_to_answer: median(self.to_answer),
            answered_on_time: (self.with_deadline > 0)
                .then(|| self.on_time as f64 / self.with_deadline as f64),
            overdue: self.overdue,
        }
    }
}

/// The figures over `requests` as node `us` sees them, as of `today` (YYYY-MM-DD). Clocks start
/// when the request was sent (or received, for one that came to us).
pub fn timeliness(requests: &[Request], us: &str, today: &str) -> Timeliness {
    let today_n = day_number(today);
    let mut by_partner: BTreeMap<String, Tally> = BTreeMap::new();
    let mut by_type: BTreeMap<String, Tally> = BTreeMap::new();
    let mut overdue = Vec::new();
    for r in requests {
        let state = r.state();
        if state == State::Draft {
            continue;
        }
        let partner = if r.requesting == us {
            r.requested.clone()
        } else {
            r.requesting.clone()
        };
        let start = r
            .reached(State::Sent)
            .or(r.reached(State::Received))
            .map(|e| e.at.clone());
        let acknowledged = r.reached(State::Acknowledged).map(|e| e.at.clone());
        // The first full answer; a refusal also ends the wait.
        let answer = r
            .reached(State::Answered)
            .or(r.reached(State::Refused))
            .map(|e| e.at.clone());
        let deadline = r.deadline.as_deref().and_then(day_number);
        let late_now = !r.state().is_settled()
            && r.state() != State::Closed
            && deadline.zip(today_n).is_some_and(|(d, t)| t > d);
        for (map, key) in [
            (&mut by_partner, partner.clone()),
            (&mut by_type, r.request_type.as_str().to_string()),
        ] {
            let t = map.entry(key).or_default();
            t.requests += 1;
            if let (Some(s), Some(a)) = (&start, &acknowledged) {
                t.to_acknowledge.extend(days_between(s, a));
            }
            if let Some(a) = &answer {
                t.answered += 1;
                if let Some(s) = &start {
                    t.to_answer.extend(days_between(s, a));
                }
                if let Some(d) = deadline {
                    t.with_deadline += 1;
                    if a.get(0..10)
                        .and_then(day_number)
                        .is_some_and(|day| day <= d)
                    {
                        t.on_time += 1;
                    }
                }
            }
            if late_now {
                t.overdue += 1;
            }
        }
        if late_now && let (Some(d), Some(t)) = (deadline, today_n) {
            overdue.push(Overdue {
                id: r.id.clone(),
                partner,
                request_type: r.request_type.as_str().to_string(),
                deadline: r.deadline.clone().unwrap_or_default(),
                days_overdue: t - d,
                we_owe: r.requested == us,
            });
        }
    }
    overdue.sort_by(|a, b| {
        b.days_overdue
            .cmp(&a.days_overdue)
            .then_with(|| a.id.cmp(&b.id))
    });
    Timeliness {
        by_partner: by_partner.into_iter().map(|(k, t)| t.row(k)).collect(),
        by_type: by_type.into_iter().map(|(k, t)| t.row(k)).collect(),
        overdue,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::request::{Dissemination, RequestType, Side, Urgency};

    fn request(reference: &str, to: &str, deadline: &str) -> Request {
        Request {
            id: format!("it/{reference}"),
            reference: reference.into(),
            request_type: RequestType::PoliceInformation,
            urgency: Urgency::Routine,
            requesting: "it".into(),
            requested: to.into(),
            legal_basis: vec!["untoc-27".into()],
            subjects: vec![],
            questions: vec!["Who?".into()],
            deadline: Some(deadline.into()),
            handling: Dissemination::H0,
            handling_note: None,
            attachments: vec![],
            created_at: "2026-01-01T00:00:00Z".into(),
            history: vec![],
        }
    }

    fn step(r: &mut Request, state: State, at: &str) {
        let side = if matches!(state, State::Sent | State::Closed) {
            Side::Requesting
        } else {
            Side::Requested
        };
        r.transition(state, side, "u", at, Some("note")).unwrap();
    }

    #[test]
    fn medians_shares_and_overdue_lists_per_partner_and_type() {
        let mut a = request("A", "ly", "2026-01-10");
        step(&mut a, State::Sent, "2026-01-01T00:00:00Z");
        step(&mut a, State::Received, "2026-01-01T00:00:00Z");
        step(&mut a, State::Acknowledged, "2026-01-02T00:00:00Z");
        step(&mut a, State::Answered, "2026-01-05T00:00:00Z");
        let mut b = request("B", "ly", "2026-01-10");
        step(&mut b, State::Sent, "2026-01-01T00:00:00Z");
        step(&mut b, State::Received, "2026-01-01T12:00:00Z");
        step(&mut b, State::Acknowledged, "2026-01-04T00:00:00Z");
        step(&mut b, State::Answered, "2026-01-21T00:00:00Z");
        let mut c = request("C", "tn", "2026-01-15");
        step(&mut c, State::Sent, "2026-01-02T00:00:00Z");
        let draft = request("D", "tn", "2026-01-15");
        let t = timeliness(&[a, b, c, draft], "it", "2026-01-20");
        let ly = &t.by_partner[0];
        assert_eq!((ly.key.as_str(), ly.requests, ly.answered), ("ly", 2, 2));
        assert_eq!(ly.median_days_to_acknowledge, Some(2.0)); // 1 and 3 days
        assert_eq!(ly.median_days_to_answer, Some(12.0)); // 4 and 20 days
        assert_eq!(ly.answered_on_time, Some(0.5));
        let tn = &t.by_partner[1];
        assert_eq!(
            (tn.requests, tn.overdue, tn.median_days_to_answer),
            (1, 1, None)
        );
        assert_eq!(t.overdue.len(), 1);
        assert_eq!(
            (
                t.overdue[0].id.as_str(),
                t.overdue[0].days_overdue,
                t.overdue[0].we_owe
            ),
            ("it/C", 5, false)
        );
        assert_eq!(t.by_type[0].requests, 3);
    }
}
