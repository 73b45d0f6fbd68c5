//! Assisted voluntary return and reintegration: counselling, travel documents, travel,
//! reception, reintegration assistance, monitoring — in that order. A step starts only when
//! every step before it is done or not needed; the return is voluntary, so it may be stopped at
//! any step before travel.

use serde::{Deserialize, Serialize};

use crate::{ProtectionError, wire_enum};

wire_enum! {
    Step {
        Counselling = "counselling",
        TravelDocuments = "travel_documents",
        Travel = "travel",
        Reception = "reception",
        ReintegrationAssistance = "reintegration_assistance",
        Monitoring = "monitoring",
    }
}

wire_enum! {
    StepStatus {
        Pending = "pending",
        InProgress = "in_progress",
        Done = "done",
        NotNeeded = "not_needed",
        Withdrawn = "withdrawn",
    }
}

/// Every step's status, in order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Plan {
    pub steps: Vec<(Step, StepStatus)>,
}

impl Default for Plan {
    fn default() -> Plan {
        Plan {
            steps: Step::ALL
                .iter()
                .map(|s| (*s, StepStatus::Pending))
                .collect(),
        }
    }
}

impl Plan {
    pub fn status(&self, step: Step) -> StepStatus {
        self.steps
            .iter()
            .find(|(s, _)| *s == step)
            .map(|(_, st)| *st)
            .unwrap_or(StepStatus::Pending)
    }

    /// The person withdrew: nothing moves any more.
    pub fn withdrawn(&self) -> bool {
        self.steps.iter().any(|(_, s)| *s == StepStatus::Withdrawn)
    }

    /// Sets a step's status if the order allows it.
    pub fn set(&mut self, step: Step, status: StepStatus) -> Result<(), ProtectionError> {
        if self.withdrawn() {
            return Err(ProtectionError::Refused(
                "avrr: the person withdrew from the return; nothing moves".into(),
            ));
        }
        if status == StepStatus::Withdrawn
            && matches!(
                self.status(Step::Travel),
                StepStatus::Done | StepStatus::InProgress
            )
        {
            return Err(ProtectionError::Refused(
                "avrr: the person has travelled; withdrawing is for before travel".into(),
            ));
        }
        if matches!(status, StepStatus::InProgress | StepStatus::Done) {
            let open: Vec<&str> = self
                .steps
                .iter()
                .take_while(|(s, _)| *s != step)
                .filter(|(_, st)| !matches!(st, StepStatus::Done | StepStatus::NotNeeded))
                .map(|(s, _)| s.as_str())
                .collect();
            if !open.is_empty() {
                return Err(ProtectionError::Refused(format!(
                    "avrr: {} cannot start before {} {} done or not needed",
                    step.as_str(),
                    open.join(", "),
                    if open.len() == 1 { "is" } else { "are" }
                )));
            }
        }
        if let Some(slot) = self.steps.iter_mut().find(|(s, _)| *s == step) {
            slot.1 = status;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_go_in_order_and_a_return_may_be_stopped_before_travel() {
        let mut plan = Plan::default();
        let e = plan.set(Step::Travel, StepStatus::Done).unwrap_err();
        assert!(
            e.to_string()
                .contains("travel cannot start before counselling, travel_documents are done"),
            "{e}"
        );
        plan.set(Step::Counselling, StepStatus::Done).unwrap();
        plan.set(Step::TravelDocuments, StepStatus::NotNeeded)
            .unwrap();
        plan.set(Step::Travel, StepStatus::InProgress).unwrap();
        assert!(plan.set(Step::Counselling, StepStatus::Withdrawn).is_err());
        let mut other = Plan::default();
        other.set(Step::Counselling, StepStatus::Done).unwrap();
        other
            .set(Step::TravelDocuments, StepStatus::Withdrawn)
            .unwrap();
        assert!(other.set(Step::Travel, StepStatus::Done).is_err());
        assert_eq!(Step::parse("travel"), Ok(Step::Travel));
    }
}
