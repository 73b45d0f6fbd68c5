//! A privacy budget per dataset: every differentially private answer spends some ε, and the
//! query that would overspend is refused, saying how much is left.

use serde::{Deserialize, Serialize};

use crate::SdcError;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Charge {
    pub query: String,
    pub epsilon: f64,
    pub by: String,
    pub at: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Ledger {
    pub dataset: String,
    pub budget: f64,
    pub charges: Vec<Charge>,
}

impl Ledger {
    pub fn new(dataset: &str, budget: f64) -> Result<Ledger, SdcError> {
        if !(budget > 0.0 && budget.is_finite()) {
            return Err(SdcError::Invalid("budget: a positive ε".into()));
        }
        Ok(Ledger {
            dataset: dataset.into(),
            budget,
            charges: vec![],
        })
    }

    pub fn spent(&self) -> f64 {
        self.charges.iter().map(|c| c.epsilon).sum()
    }

    pub fn remaining(&self) -> f64 {
        (self.budget - self.spent()).max(0.0)
    }

    /// Spends `epsilon` on `query`, or refuses if the budget would be overspent.
    pub fn charge(
        &mut self,
        query: &str,
        epsilon: f64,
        by: &str,
        at: &str,
    ) -> Result<(), SdcError> {
        if !(epsilon > 0.0 && epsilon.is_finite()) {
            return Err(SdcError::Invalid("epsilon: a positive number".into()));
        }
        // A hair of tolerance for sums of decimal fractions (0.1 + 0.2).
        if self.spent() + epsilon > self.budget + 1e-9 {
            return Err(SdcError::Budget(format!(
                "{}: this query would spend ε = {epsilon}, but only {:.3} of {} is left: refused",
                self.dataset,
                self.remaining(),
                self.budget
            )));
        }
        self.charges.push(Charge {
            query: query.into(),
            epsilon,
            by: by.into(),
            at: at.into(),
        });
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_query_that_would_overspend_is_refused() {
        let mut l = Ledger::new("mmp", 1.0).unwrap();
        l.charge("counts by year", 0.5, "r", "t").unwrap();
        l.charge("median fee", 0.3, "r", "t").unwrap();
        l.charge("counts by route", 0.2, "r", "t").unwrap();
        let e = l.charge("one more", 0.01, "r", "t").unwrap_err();
        assert!(matches!(e, SdcError::Budget(_)));
        assert!(e.to_string().contains("only 0.000 of 1 is left"), "{e}");
        assert_eq!(l.charges.len(), 3);
        assert!(Ledger::new("x", 0.0).is_err());
        assert!(l.charge("free", 0.0, "r", "t").is_err());
    }
}
