//! Synthetic protection microdata: records drawn from a noisy tree of marginals
//! (`corridor_sdc::synth`), as `protection-synthetic.yaml` describes them, the ε charged to the
//! dataset's privacy budget before anything is computed.

use std::collections::BTreeMap;

use corridor_policy::{Action, Subject};
use corridor_sdc::synth::{Fidelity, Marginal};
use corridor_sdc::synth_spec::SynthSpec;
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::release::{Manifest, csv_of};
use crate::{Node, NodeError, now};

/// The built-in specification of the synthetic protection release (data, not code).
pub const PROTECTION_SYNTHETIC: &str = include_str!("protection-synthetic.yaml");

#[derive(Clone, Debug, Serialize)]
pub struct SyntheticRelease {
    pub manifest: Manifest,
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
    /// The noisy marginals the records were drawn from: published with them.
    pub marginals: Vec<Marginal>,
    /// How closely the records keep each published marginal.
    pub fidelity: Vec<Fidelity>,
}

impl Node {
    /// Protection data as synthetic records (`spec_text`: the built-in specification when
    /// None; `epsilon` overrides its ε). For protection roles with export; charged to the
    /// dataset's budget; audited.
    pub fn release_protection_synthetic(
        &self,
        subject: &Subject,
        spec_text: Option<&str>,
        epsilon: Option<f64>,
    ) -> Result<SyntheticRelease, NodeError> {
        self.require_assist(subject)?;
        self.require(subject, Action::Export)?;
        let mut spec = SynthSpec::parse(
            "synthetic specification",
            spec_text.unwrap_or(PROTECTION_SYNTHETIC),
        )
        .map_err(|e| NodeError::Invalid(e.to_string()))?;
        if let Some(e) = epsilon {
            if !(e > 0.0 && e <= 10.0) {
                return Err(NodeError::Invalid(format!(
                    "epsilon: {e} (above 0, at most 10)"
                )));
            }
            spec.epsilon = e;
        }
        let reader = self.protection_reader(subject, "statistical release");
        let (header, rows) = self.protection_table(&reader)?;
        let attributes = spec
            .attributes(&header)
            .map_err(|e| NodeError::Invalid(e.to_string()))?;
        // The person is the privacy unit: one record each, their earliest referral.
        let person = header.iter().position(|h| h == "person_id").unwrap_or(0);
        let month = header.iter().position(|h| h == "month");
        let mut first: BTreeMap<&str, &Vec<String>> = BTreeMap::new();
        for row in &rows {
            let key = |r: &Vec<String>| {
                let m = month.map_or("", |m| r[m].as_str());
                (m.is_empty(), m.to_string())
            };
            first
                .entry(row[person].as_str())
                .and_modify(|kept| {
                    if key(row) < key(kept) {
                        *kept = row;
                    }
                })
                .or_insert(row);
        }
        let persons: Vec<Vec<String>> = first.into_values().cloned().collect();
        if persons.is_empty() {
            return Err(NodeError::Invalid(
                "no protection records to synthesise from".into(),
            ));
        }
        let (coded, outside) = spec.encode(&attributes, &header, &persons);
        let ledger =
            self.charge_budget(&reader, &spec.dataset, "synthetic microdata", spec.epsilon)?;
        let synthetic = corridor_sdc::synth::synthesise(&attributes, &coded, spec.epsilon)
            .map_err(|e| NodeError::Invalid(e.to_string()))?;
        let worst = synthetic
            .fidelity
            .iter()
            .map(|f| f.total_variation)
            .fold(0.0, f64::max);
        let manifest = Manifest {
            dataset: spec.dataset.clone(),
            input_sha256: hex::encode(Sha256::digest(csv_of(&header, &rows).as_bytes())),
            input_rows: rows.len(),
            configuration: serde_json::to_value(&spec).unwrap_or_default(),
            code_version: format!("corridor {}", env!("CARGO_PKG_VERSION")),
            method: "synthetic records from a tree of marginals (the root's counts, each other attribute with its parent) and the number of persons, each measured with discrete Laplace noise at ε / (marginals + 1), one record per person; counts under twice the noise scale read as 0; structure and domains public, sampling is post-processing".into(),
            parameters: serde_json::json!({"epsilon": spec.epsilon, "marginals": synthetic.marginals.len(),
                "persons": persons.len(), "records": synthetic.rows.len()}),
            privacy_spent: spec.epsilon,
            suppressed: serde_json::json!({"persons": 0, "outside_domain": outside.iter().cloned().collect::<BTreeMap<_, _>>()}),
            information_loss: serde_json::json!({"total_variation": synthetic.fidelity.iter()
                .map(|f| (f.marginal.clone(), f.total_variation)).collect::<BTreeMap<_, _>>(),
                "worst_total_variation": worst,
                "budget_remaining": ledger.remaining()}),
            withheld_columns: header
                .iter()
                .filter(|h| !spec.attributes.iter().any(|a| &a.column == *h))
                .cloned()
                .collect(),
            generated_at: now(),
            generated_by: subject.username.clone(),
        };
        let mut store = self.store();
        self.audit(
            &mut **store,
            &subject.username,
            "statistical release",
            &spec.dataset,
            reader.reason.as_deref(),
            &format!(
                "allowed: {} synthetic records from {} persons, ε {}, {:.3} left",
                synthetic.rows.len(),
                persons.len(),
                spec.epsilon,
                ledger.remaining()
            ),
        )?;
        Ok(SyntheticRelease {
            manifest,
            header: synthetic.header,
            rows: synthetic.rows,
            marginals: synthetic.marginals,
            fidelity: synthetic.fidelity,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::release::release_tests::{node_with_protection_data, who};
    use crate::NodeError;

    #[test]
    fn synthetic_records_from_public_domains_charged_to_the_budget_for_protection_roles_only() {
        let (node, _dir) = node_with_protection_data();
        let officer = who("protection_officer");
        assert!(matches!(
            node.release_protection_synthetic(&who("analyst"), None, None),
            Err(NodeError::Forbidden(_))
        ));
        let release = node
            .release_protection_synthetic(&officer, None, None)
            .unwrap();
        assert_eq!(
            release.header,
            ["nationality", "age", "sex", "service", "month"]
        );
        let spec =
            corridor_sdc::synth_spec::SynthSpec::parse("s", super::PROTECTION_SYNTHETIC).unwrap();
        let attributes = spec.attributes(&[]).unwrap();
        for row in &release.rows {
            for (value, attribute) in row.iter().zip(&attributes) {
                assert!(
                    attribute.domain.contains(value),
                    "{value} not in {}",
                    attribute.name
                );
            }
        }
        // 600 persons at ε 0.5: the total is noisy (five marginals, scale 10 a cell) but near.
        assert!(
            (300..=900).contains(&release.rows.len()),
            "{} records",
            release.rows.len()
        );
        // Nothing of a real record: no identifier, no exact age or month.
        assert!(
            release
                .manifest
                .withheld_columns
                .contains(&"passport".to_string())
        );
        assert!(
            release
                .rows
                .iter()
                .all(|r| ["0-17", "18-59", "60+", "unknown"].contains(&r[1].as_str())),
            "ages leave as groups only"
        );
        assert_eq!(release.manifest.privacy_spent, 0.5);
        assert_eq!(release.marginals.len(), 5);
        assert_eq!(release.fidelity.len(), 5);
        // The budget (ε 1) has 0.5 left: 0.6 more is refused and spends nothing.
        assert!(matches!(
            node.release_protection_synthetic(&officer, None, Some(0.6)),
            Err(NodeError::Forbidden(m)) if m.contains("only 0.500 of 1 is left")
        ));
        let ledgers = node.privacy_ledgers(&officer).unwrap();
        assert!((ledgers["protection-referrals"].remaining() - 0.5).abs() < 1e-9);
        assert!(matches!(
            node.release_protection_synthetic(&officer, None, Some(-1.0)),
            Err(NodeError::Invalid(m)) if m.contains("epsilon")
        ));
    }
}
