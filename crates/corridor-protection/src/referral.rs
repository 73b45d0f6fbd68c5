//! Referrals to services: what a referral is for, its states and who moves it, and the consent
//! it needs. A referral is sent only with the person's consent to the referral and to sharing
//! their data with the provider — or, where consent cannot be had (a child without a guardian,
//! an unconscious patient), with the legal basis written down.

use serde::{Deserialize, Serialize};

use crate::{ProtectionError, wire_enum};

wire_enum! {
    /// The services a person is referred to (the `Referral` schema's `service` values).
    Service {
        Asylum = "asylum",
        ChildProtection = "child_protection",
        Medical = "medical",
        MentalHealth = "mental_health",
        Shelter = "shelter",
        LegalAid = "legal_aid",
        Avrr = "avrr",
        FamilyTracing = "family_tracing",
        AntiTrafficking = "anti_trafficking",
        Other = "other",
    }
}

wire_enum! {
    /// The states of a referral (the `Referral` schema's `status` values).
    ReferralState {
        Proposed = "proposed",
        Sent = "sent",
        Accepted = "accepted",
        InProgress = "in_progress",
        Completed = "completed",
        Declined = "declined",
        Closed = "closed",
    }
}

wire_enum! {
    /// What the person said (the `Referral` schema's `consent` values).
    Consent {
        Given = "given",
        Refused = "refused",
        NotAsked = "not_asked",
        NotPossible = "not_possible",
    }
}

impl Service {
    /// Services a referral may go to without consent when consent is not possible, on a legal
    /// basis written down: the protection of a child, urgent medical care.
    pub fn may_proceed_without_consent(self) -> bool {
        matches!(self, Service::ChildProtection | Service::Medical)
    }
}

/// What a referral's consent is, as recorded.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentRecord {
    /// To the referral itself.
    pub referral: Option<Consent>,
    /// To sharing the person's data with the provider.
    pub sharing: Option<Consent>,
    /// Why the referral goes ahead without consent, when it may.
    pub legal_basis: Option<String>,
}

/// Checks that a referral may be sent: consent to it and to sharing, or, for a service that
/// may proceed without it, consent not possible and a legal basis written.
pub fn check_consent(service: Service, consent: &ConsentRecord) -> Result<(), ProtectionError> {
    let both_given =
        consent.referral == Some(Consent::Given) && consent.sharing == Some(Consent::Given);
    if both_given {
        return Ok(());
    }
    let refused = [consent.referral, consent.sharing].contains(&Some(Consent::Refused));
    if refused {
        return Err(ProtectionError::Refused(
            "consent: the person refused; the referral is not sent (record a new consent if they change their mind)".into(),
        ));
    }
    let not_possible = [consent.referral, consent.sharing]
        .iter()
        .all(|c| matches!(c, Some(Consent::Given | Consent::NotPossible)));
    let basis = consent
        .legal_basis
        .as_deref()
        .is_some_and(|b| !b.trim().is_empty());
    if not_possible && service.may_proceed_without_consent() && basis {
        return Ok(());
    }
    let missing: Vec<&str> = [("referral", consent.referral), ("sharing", consent.sharing)]
        .iter()
        .filter(|(_, c)| *c != Some(Consent::Given))
        .map(|(what, _)| *what)
        .collect();
    Err(ProtectionError::Refused(format!(
        "consent: a referral is sent only with the person's consent to it and to sharing their data with the provider (missing: {}){}",
        missing.join(", "),
        if service.may_proceed_without_consent() {
            "; where consent is not possible, record that and the legal basis"
        } else {
            ""
        }
    )))
}

/// Moves a referral on: the next states allowed from each, and the consent check on sending.
pub fn transition(
    service: Service,
    from: ReferralState,
    to: ReferralState,
    consent: &ConsentRecord,
) -> Result<(), ProtectionError> {
    use ReferralState::*;
    let allowed: &[ReferralState] = match from {
        Proposed => &[Sent, Closed],
        Sent => &[Accepted, Declined, Closed],
        Accepted => &[InProgress, Completed, Closed],
        InProgress => &[Completed, Closed],
        Completed | Declined => &[Closed],
        Closed => &[],
    };
    if !allowed.contains(&to) {
        return Err(ProtectionError::Refused(format!(
            "status: a {} referral cannot become {} (next: {})",
            from.as_str(),
            to.as_str(),
            if allowed.is_empty() {
                "none, it is closed".to_string()
            } else {
                allowed
                    .iter()
                    .map(|s| s.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            }
        )));
    }
    if to == Sent {
        check_consent(service, consent)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn consent(
        referral: Option<Consent>,
        sharing: Option<Consent>,
        basis: Option<&str>,
    ) -> ConsentRecord {
        ConsentRecord {
            referral,
            sharing,
            legal_basis: basis.map(str::to_string),
        }
    }

    #[test]
    fn a_referral_is_sent_only_with_consent_or_a_written_legal_basis() {
        use Consent::*;
        let given = consent(Some(Given), Some(Given), None);
        assert!(check_consent(Service::Asylum, &given).is_ok());
        let e = check_consent(Service::Asylum, &consent(Some(Given), None, None)).unwrap_err();
        assert!(e.to_string().contains("missing: sharing"), "{e}");
        let e = check_consent(Service::Shelter, &consent(Some(Refused), Some(Given), None))
            .unwrap_err();
        assert!(e.to_string().contains("refused"), "{e}");
        let child = consent(Some(NotPossible), Some(NotPossible), None);
        let e = check_consent(Service::ChildProtection, &child).unwrap_err();
        assert!(e.to_string().contains("legal basis"), "{e}");
        let child = consent(
            Some(NotPossible),
            Some(NotPossible),
            Some("Child protection act, art. 12: unaccompanied child"),
        );
        assert!(check_consent(Service::ChildProtection, &child).is_ok());
        // Not possible is no way around consent for other services.
        assert!(check_consent(Service::Avrr, &child).is_err());
    }

    #[test]
    fn referrals_move_in_order() {
        use ReferralState::*;
        let given = ConsentRecord {
            referral: Some(Consent::Given),
            sharing: Some(Consent::Given),
            legal_basis: None,
        };
        assert!(transition(Service::Medical, Proposed, Sent, &given).is_ok());
        assert!(transition(Service::Medical, Sent, Accepted, &given).is_ok());
        let e = transition(Service::Medical, Proposed, Completed, &given).unwrap_err();
        assert!(e.to_string().contains("next: sent, closed"), "{e}");
        assert!(transition(Service::Medical, Closed, Sent, &given).is_err());
        assert!(transition(Service::Medical, Proposed, Sent, &ConsentRecord::default()).is_err());
        assert_eq!(Service::parse("asylum"), Ok(Service::Asylum));
        assert!(Service::parse("prison").unwrap_err().contains("asylum"));
    }
}
