//! Answers: the requested authority sends facts about entities, each with its provenance; the
//! requesting node imports them under a dataset that names the partner, the request and the
//! handling code, and will not pass on what came under H1–H3 without the sender's consent.

use std::collections::HashMap;
use std::sync::Arc;

use corridor_coop::request::Side;
use corridor_coop::{Dissemination, Header, Request, State};
use corridor_model::{Provenance, Statement};
use corridor_policy::{Action, Subject};
use corridor_store::WriteTx;

use super::packages::Body;
use super::share::MAX_FACTS;
use super::{RequestView, record};
use crate::sync::WireStatement;
use crate::{Node, NodeError, now};

/// The dataset facts from a partner's answer are recorded under.
pub(crate) fn answer_dataset(from: &str, reference: &str, handling: Dissemination) -> String {
    format!("coop/{from}/{reference}/{}", handling.as_str())
}

/// Who a fact came from and under which code, when it came in an answer.
pub(crate) fn received_under(dataset: &str) -> Option<(&str, Dissemination)> {
    let rest = dataset.strip_prefix("coop/")?;
    let from = rest.split('/').next()?;
    let code = Dissemination::parse(rest.rsplit('/').next()?).ok()?;
    Some((from, code))
}

impl Node {
    /// Answers a request with the facts about `entities` that `subject` may export. Facts
    /// this node received from another partner under H1–H3 are refused: they are not its to
    /// pass on without that partner's consent.
    pub fn answer_request(
        &self,
        subject: &Subject,
        id: &str,
        partial: bool,
        note: Option<&str>,
        entities: &[String],
    ) -> Result<RequestView, NodeError> {
        self.require(subject, Action::Cooperate)?;
        self.require(subject, Action::Export)?;
        let keys = self.coop_keys()?;
        let mut request = self.stored_request(id)?;
        if request.requested != keys.node {
            return Err(NodeError::Forbidden(
                "only the requested authority answers a request".into(),
            ));
        }
        if entities.len() > 500 {
            return Err(NodeError::Invalid("entities: at most 500".into()));
        }
        let (wire, withheld) = self.onward_facts(subject, entities, &request.requesting, true)?;
        let to = if partial {
            State::PartiallyAnswered
        } else {
            State::Answered
        };
        let at = now();
        request.transition(to, Side::Requested, &subject.username, &at, note)?;
        let event = request.history.last().expect("just added").clone();
        let partner = self.partner(&request.requesting)?;
        let body = Body::Answer {
            request_id: request.id.clone(),
            request_hash: request.content_hash(),
            event: event.clone(),
            statements: wire,
        };
        self.send_package(
            &keys,
            &partner,
            &body,
            request.handling,
            Some(request.content_hash()),
            |tx| {
                tx.append_coop(&record("event", &request.id, &event)?)?;
                Ok(())
            },
        )?;
        let mut store = self.store();
        self.audit(
            &mut **store,
            &subject.username,
            "coop answer",
            &request.id,
            note,
            &format!(
                "{} about {} entities ({withheld} facts not exportable left out)",
                to.as_str(),
                entities.len()
            ),
        )?;
        drop(store);
        self.coop_request(subject, &request.id)
    }

    /// Writes an answer's facts with their provenance: the partner as recorder, a dataset
    /// naming the partner, the request and the handling code; the labels the partner gave.
    pub(crate) fn import_answer(
        &self,
        tx: &mut dyn WriteTx,
        header: &Header,
        request: &Request,
        statements: Vec<WireStatement>,
    ) -> Result<usize, NodeError> {
        let dataset = answer_dataset(&header.from, &request.reference, header.handling);
        self.import_facts(tx, header, &dataset, statements)
    }

    /// Writes a partner's facts under `dataset`, the partner as recorder, with the labels the
    /// partner gave. Only assertions: a partner cannot retract this node's facts.
    pub(crate) fn import_facts(
        &self,
        tx: &mut dyn WriteTx,
        header: &Header,
        dataset: &str,
        statements: Vec<WireStatement>,
    ) -> Result<usize, NodeError> {
        if statements.len() > MAX_FACTS {
            return Err(NodeError::Invalid(format!(
                "a package carries at most {MAX_FACTS} facts"
            )));
        }
        let mut provenances: HashMap<Provenance, Arc<Provenance>> = HashMap::new();
        let mut out = Vec::with_capacity(statements.len());
        let received_at = now();
        for (i, wire) in statements.into_iter().enumerate() {
            let checked = wire
                .into_statement(&self.model, &mut provenances)
                .map_err(|e| NodeError::Invalid(format!("fact {i}: {e}")))?;
            if checked.operation != corridor_model::Operation::Assert {
                return Err(NodeError::Invalid(format!(
                    "fact {i}: a partner sends facts, not retractions"
                )));
            }
            let provenance = Arc::new(Provenance {
                dataset: dataset.to_string(),
                recorded_by: header.from.clone(),
                recorded_at: received_at.clone(),
                ..(*checked.provenance).clone()
            });
            out.push(Statement::assert(
                &checked.entity_id,
                &checked.schema,
                &checked.prop,
                checked.value,
                checked.original_value,
                provenance,
            ));
        }
        tx.write(&out)?;
        Ok(out.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn datasets_say_where_facts_came_from() {
        let d = answer_dataset("ly-node", "IT-1", Dissemination::H2);
        assert_eq!(d, "coop/ly-node/IT-1/H2");
        assert_eq!(received_under(&d), Some(("ly-node", Dissemination::H2)));
        assert_eq!(received_under("debriefings"), None);
    }
}
