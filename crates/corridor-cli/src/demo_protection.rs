//! The demo's protection work: a rescue registered at Lampedusa (families, an unaccompanied
//! child, drafts), screenings with their needs, referrals with consent, a return under way, and
//! an earlier registration at Pozzallo that a new one may be the same person as. Every name is
//! invented.

use corridor_node::protection::{
    DocumentInput, EventInput, FamilyInput, PersonInput, ReferralInput, RegistrationInput,
    ReturnStepInput,
};
use corridor_protection::avrr::{Step, StepStatus};
use corridor_protection::referral::{Consent, Service};
use corridor_protection::vulnerability::{Accompaniment, Screening, Violence};

use anyhow::Context as _;

use crate::commands::Context;

fn officer() -> corridor_policy::Subject {
    corridor_policy::Subject {
        username: "demo-protection".into(),
        roles: vec!["protection_officer".into()],
        reason: Some("demo registration".into()),
    }
}

fn person(
    row: &str,
    first: &str,
    second: &str,
    born: &str,
    gender: &str,
    country: &str,
) -> PersonInput {
    PersonInput {
        row: Some(row.into()),
        first_name: first.into(),
        second_name: second.into(),
        birthdate: born.into(),
        gender: gender.into(),
        citizenship: vec![country.into()],
        agreement_to_manage_personal_data: Some("yes".into()),
        ..Default::default()
    }
}

/// Registers the demo's protection cases; returns how many persons.
pub fn demo_protection(ctx: &Context) -> anyhow::Result<usize> {
    let node = ctx.node(1)?;
    let s = officer();
    if !node.protection_cases(&s)?.is_empty() {
        return Ok(0); // an earlier demo run made them
    }
    let day = |offset: i64| {
        corridor_model::types::format_unix_utc(corridor_node::now_unix() + offset * 86_400)[..10]
            .to_string()
    };
    // Weeks ago at Pozzallo: a man with his passport.
    let mut earlier = person(
        "1",
        "Abdulrahman",
        "Al-Sayed",
        "1985-03-12",
        "Masculine",
        "sy",
    );
    earlier.documents = vec![DocumentInput {
        kind: "passport".into(),
        number: "N01234567".into(),
        country: "sy".into(),
    }];
    node.register_migrants(
        &s,
        RegistrationInput {
            place: "Pozzallo, hotspot".into(),
            date: Some(day(-30)),
            event: None,
            persons: vec![earlier],
        },
    )?;
    // Today at Lampedusa: a rescued boat.
    let mut persons = vec![
        person("1", "Hiwet", "Tesfamariam", "1993", "Feminine", "er"),
        person("2", "Filmon", "Tesfamariam", "", "Masculine", "er"),
        person("3", "Yonas", "Haile", "", "Masculine", "er"),
        person("4", "Amina", "Yusuf", "1990-04-01", "Feminine", "so"),
        person("5", "Kidane", "Berhe", "1988-07-19", "Masculine", "er"),
        person("6", "Fatou", "Camara", "1999-02-11", "Feminine", "gn"),
        person("7", "Mamadou", "Diallo", "1996-12-30", "Masculine", "gn"),
        person("8", "Ibrahim", "Touré", "1958", "Masculine", "ml"),
    ];
    persons[1].age_claimed = Some(6);
    persons[1].family = vec![FamilyInput {
        relative: "1".into(),
        relationship: "mother".into(),
    }];
    persons[2].age_claimed = Some(15);
    persons[2].accompaniment = Some(Accompaniment::Unaccompanied);
    persons[2].screening = Some(Screening {
        family_separated: true,
        ..Default::default()
    });
    persons[3].screening = Some(Screening {
        pregnant: true,
        asylum_intention: true,
        ..Default::default()
    });
    persons[4].screening = Some(Screening {
        trafficking_indicators: vec!["DebtBondage".into(), "WithholdsDocuments".into()],
        violence: vec![Violence::KidnappingOrDetention],
        ..Default::default()
    });
    persons[5].screening = Some(Screening {
        wishes_to_return: true,
        ..Default::default()
    });
    persons[6].gender = String::new(); // a draft: asked again tomorrow
    persons[6].agreement_to_manage_personal_data = None;
    let result = node.register_migrants(
        &s,
        RegistrationInput {
            place: "Lampedusa, Molo Favarolo".into(),
            date: None,
            event: Some(EventInput {
                name: "Boat rescued 40 nm south of Lampedusa".into(),
                area: Some("sea".into()),
                outcome: Some("rescued".into()),
                ..Default::default()
            }),
            persons,
        },
    )?;
    let id = |row: usize| result.persons[row].person_id.clone();
    let refer = |person: String,
                 service: Service,
                 consent: Consent,
                 due: i64,
                 send: bool,
                 basis: Option<&str>| {
        node.create_referral(
            &s,
            ReferralInput {
                person,
                service,
                provider: match service {
                    Service::ChildProtection => "Social services, Agrigento".into(),
                    Service::Medical => "Poliambulatorio Lampedusa".into(),
                    Service::AntiTrafficking => "Anti-trafficking helpline (numero verde)".into(),
                    Service::Asylum => "Territorial commission, Agrigento".into(),
                    _ => "IOM Italy".into(),
                },
                due_date: day(due),
                consent,
                sharing_consent: consent,
                legal_basis: basis.map(str::to_string),
                note: None,
                reasons: vec![],
                send,
            },
        )
    };
    refer(
        id(2),
        Service::ChildProtection,
        Consent::NotPossible,
        2,
        true,
        Some("unaccompanied child: the juvenile court is informed (law 47/2017)"),
    )?;
    refer(id(3), Service::Medical, Consent::Given, 3, true, None)?;
    refer(id(3), Service::Asylum, Consent::Given, 10, false, None)?;
    refer(
        id(4),
        Service::AntiTrafficking,
        Consent::Given,
        1,
        true,
        None,
    )?;
    node.return_step(
        &s,
        &id(5),
        ReturnStepInput {
            step: Step::Counselling,
            status: StepStatus::Done,
            note: Some("wishes to go home to Conakry".into()),
            destination: Some("gn".into()),
        },
    )?;
    node.return_step(
        &s,
        &id(5),
        ReturnStepInput {
            step: Step::TravelDocuments,
            status: StepStatus::InProgress,
            note: Some("consulate contacted".into()),
            destination: None,
        },
    )?;
    demo_conflict(&node, &s, &id(3))?;
    Ok(result.persons.len() + 1)
}

/// Amina Yusuf's birth date corrected twice while apart: at the field node at the quay (its
/// correction arrived later by synchronisation) and here. Both values stay until someone
/// chooses.
fn demo_conflict(
    node: &corridor_node::Node,
    s: &corridor_policy::Subject,
    person: &str,
) -> anyhow::Result<()> {
    use corridor_model::{
        HandlingCode, InformationGrade, Provenance, Purpose, SourceReliability, Statement,
    };
    let birth = node
        .store()
        .entity_statements(person)?
        .into_iter()
        .find(|st| st.prop == "birthDate")
        .context("the demo's person has a birth date")?;
    let field = std::sync::Arc::new(Provenance {
        dataset: corridor_node::protection::PROTECTION_DATASET.into(),
        recorded_by: "field-officer-lampedusa".into(),
        // At the quay, a little before the correction here.
        recorded_at: corridor_model::types::format_unix_utc(corridor_node::now_unix() - 90),
        handling: HandlingCode::Protection,
        purpose: Purpose::Protection,
        reliability: SourceReliability::B,
        grade: InformationGrade::KnownToSource,
    });
    node.correct_fact(
        s,
        person,
        corridor_node::protection::CorrectionInput {
            entity: person.to_string(),
            statement_id: birth.id.to_string(),
            value: "1990-01-04".into(),
            reason: "her UNHCR card from Tripoli says 4 January".into(),
        },
    )?;
    let mut store = node.store();
    let mut tx = store.begin()?;
    tx.write(&[
        Statement::retract(&birth, field.clone()),
        Statement::assert(
            person,
            "Person",
            "birthDate",
            "1990-04-10".into(),
            None,
            field,
        ),
    ])?;
    tx.commit()?;
    Ok(())
}
