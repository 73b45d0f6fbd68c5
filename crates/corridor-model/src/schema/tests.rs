use super::*;

#[test]
fn builtin_model_loads_and_has_ftm_and_domain_schemata() {
    let model = Model::builtin().unwrap();
    for name in [
        "Person",
        "Organization",
        "Company",
        "LegalEntity",
        "Passport",
        "Identification",
        "Vehicle",
        "Vessel",
        "BankAccount",
        "Payment",
        "Address",
        "Family",
        "Associate",
        "Membership",
        "Ownership",
        "Call",
        "Event",
        "Sanction",
        "BorderCrossingPoint",
        "Crossing",
        "Interception",
        "SmugglingIncident",
        "Route",
        "RouteSegment",
        "SmugglingFee",
        "MissingMigrantIncident",
        "PhoneNumber",
        "MoneyTransfer",
        "Case",
        "Referral",
        "CooperationRequest",
    ] {
        assert!(model.get(name).is_some(), "{name} missing");
    }
    let person = model.get("Person").unwrap();
    assert!(person.is_a("LegalEntity") && person.is_a("Thing"));
    assert_eq!(person.property("name").unwrap().declared_in, "Thing");
    assert!(person.property("nationality").unwrap().protected);
    let crossing = model.get("Crossing").unwrap();
    let edge = crossing.edge.as_ref().unwrap();
    assert_eq!(
        (edge.source.as_str(), edge.target.as_str()),
        ("traveller", "point")
    );
    assert_eq!(
        crossing.property("traveller").unwrap().range.as_deref(),
        Some("Person")
    );
    assert_eq!(model.common_schema("LegalEntity", "Person"), Some("Person"));
    assert_eq!(model.common_schema("Person", "Vessel"), None);
}

fn load_err(files: &[(&str, &str)]) -> String {
    Model::from_sources(files.iter().copied())
        .unwrap_err()
        .to_string()
}

const THING: (&str, &str) = (
    "Thing.yaml",
    "name: Thing\nproperties:\n  name: {type: name}\n",
);

#[test]
fn broken_schemata_fail_with_file_and_reason() {
    let cases: &[(&[(&str, &str)], &str)] = &[
        (
            &[THING, ("A.yaml", "name: A\nextends: [Nope]\n")],
            "schema file A.yaml: extends \"Nope\", which is not a schema",
        ),
        (
            &[
                THING,
                (
                    "A.yaml",
                    "name: A\nproperties:\n  x: {type: entity, range: Nope}\n",
                ),
            ],
            "schema file A.yaml: property x has range \"Nope\", which is not a schema",
        ),
        (
            &[
                THING,
                ("A.yaml", "name: A\nproperties:\n  x: {type: colour}\n"),
            ],
            "property x has unknown type \"colour\"",
        ),
        (
            &[
                THING,
                ("A.yaml", "name: A\nproperties:\n  x: {type: enum}\n"),
            ],
            "values are needed for, and only for, enumerations",
        ),
        (
            &[
                THING,
                ("A.yaml", "name: A\nproperties:\n  x: {type: entity}\n"),
            ],
            "a range is needed",
        ),
        (
            &[
                THING,
                (
                    "A.yaml",
                    "name: A\nextends: [Thing]\nproperties:\n  name: {type: date}\n",
                ),
            ],
            "property name is date here but name in Thing",
        ),
        (
            &[THING, ("A.yaml", "name: A\nfeatured: [ghost]\n")],
            "featured names \"ghost\", which is not a property of A",
        ),
        (
            &[
                THING,
                (
                    "A.yaml",
                    "name: A\nedge: {source: a, target: b}\nproperties:\n  a: {type: string}\n",
                ),
            ],
            "edge end \"a\" is not an entity reference",
        ),
        (
            &[THING, ("A.yaml", "name: B\n")],
            "declares schema \"B\" but the file must be named after it",
        ),
        (
            &[THING, ("A.yaml", "name: A\ncolour: blue\n")],
            "unknown field `colour`",
        ),
        (
            &[
                ("A.yaml", "name: A\nextends: [B]\n"),
                ("B.yaml", "name: B\nextends: [A]\n"),
            ],
            "inheritance cycle",
        ),
        (&[THING, ("A.yaml", "name: [oops")], "schema file A.yaml"),
    ];
    for (files, expected) in cases {
        let err = load_err(files);
        assert!(err.contains(expected), "expected {expected:?} in {err:?}");
    }
}

#[test]
fn enum_values_are_canonicalised_and_checked() {
    let model = Model::builtin().unwrap();
    let direction = model
        .get("Crossing")
        .unwrap()
        .property("direction")
        .unwrap();
    assert_eq!(
        direction.clean("ENTRY", Default::default()).unwrap(),
        "entry"
    );
    let err = direction.clean("sideways", Default::default()).unwrap_err();
    assert!(
        err.to_string()
            .contains("not one of the values of direction: entry, exit, transit"),
        "{err}"
    );
}

#[test]
fn unknown_schema_suggests_near_names() {
    let model = Model::builtin().unwrap();
    let err = model.schema("person").unwrap_err();
    assert!(
        err.contains("did you mean") && err.contains("Person"),
        "{err}"
    );
}
