use super::*;

fn subject(roles: &[&str], reason: Option<&str>) -> Subject {
    Subject {
        username: "u".into(),
        roles: roles.iter().map(|r| r.to_string()).collect(),
        reason: reason.map(str::to_string),
    }
}

fn fact(handling: HandlingCode, purpose: Purpose) -> Object {
    Object::Fact(Label { handling, purpose })
}

/// Who reads what: one row per role, one column per purpose, each cell the four handling codes
/// (public, restricted, confidential, protection): `Y` readable, `R` readable with a reason,
/// `-` refused.
fn read_matrix(policy: &Policy) -> String {
    let mut out = String::from("role                 border  law     protect research\n");
    for role in policy.roles() {
        out.push_str(&format!("{:<21}", role.name));
        for purpose in Purpose::ALL {
            for handling in HandlingCode::ALL {
                let no_reason = policy.decide(
                    &subject(&[&role.name], None),
                    Action::Read,
                    fact(*handling, *purpose),
                );
                let with_reason = policy.decide(
                    &subject(&[&role.name], Some("case 2026/114")),
                    Action::Read,
                    fact(*handling, *purpose),
                );
                out.push(match (no_reason.allowed, with_reason.allowed) {
                    (true, _) => 'Y',
                    (false, true) => 'R',
                    (false, false) => '-',
                });
            }
            out.push_str("    ");
        }
        out.truncate(out.trim_end().len());
        out.push('\n');
    }
    out
}

#[test]
fn who_reads_what() {
    let expected = "\
role                 border  law     protect research
administrator        Y---    Y---    ----    Y---
analyst              YYR-    YYR-    ----    YY--
border_officer       YY--    Y---    ----    Y---
border_post          ----    ----    ----    ----
central_authority    YY--    YYR-    ----    Y---
investigator         YY--    YYR-    ----    Y---
node_operator        YY--    YY--    ----    Y---
protection_officer   ----    ----    YYRR    Y---
protection_post      ----    ----    ----    ----
researcher           Y---    Y---    ----    YY--
";
    assert_eq!(read_matrix(&Policy::builtin()), expected);
}

#[test]
fn protection_data_is_invisible_to_every_enforcement_role_on_every_path() {
    let policy = Policy::builtin();
    for role in policy.roles().filter(|r| !r.protection) {
        for action in Action::ALL {
            for handling in HandlingCode::ALL {
                let d = policy.decide(
                    &subject(&[&role.name], Some("urgent case")),
                    *action,
                    fact(*handling, Purpose::Protection),
                );
                assert!(!d.allowed, "{} may {:?} protection data", role.name, action);
            }
            // Handled as protection, whatever the purpose.
            let d = policy.decide(
                &subject(&[&role.name], Some("urgent case")),
                *action,
                fact(HandlingCode::Protection, Purpose::LawEnforcement),
            );
            assert!(!d.allowed, "{}: {d:?}", role.name);
        }
    }
    let d = policy.decide(
        &subject(&["analyst"], Some("x y z")),
        Action::Read,
        fact(HandlingCode::Public, Purpose::Protection),
    );
    assert_eq!(
        d.why,
        "protection data is visible to protection officers only"
    );
}

#[test]
fn a_second_role_adds_what_it_sees_but_protection_stays_apart() {
    let policy = Policy::builtin();
    let both = subject(&["researcher", "border_officer"], None);
    let restricted_border = fact(HandlingCode::Restricted, Purpose::BorderManagement);
    assert!(
        policy
            .decide(&both, Action::Read, restricted_border)
            .allowed
    );
    assert!(
        !policy
            .decide(
                &subject(&["researcher"], None),
                Action::Read,
                restricted_border
            )
            .allowed
    );
    // An unknown role gives nothing.
    let d = policy.decide(&subject(&["king"], None), Action::Read, restricted_border);
    assert!(!d.allowed && d.why.contains("none of your roles"), "{d:?}");
}

#[test]
fn reasons_unlock_confidential_facts_and_are_not_needed_to_write() {
    let policy = Policy::builtin();
    let confidential = fact(HandlingCode::Confidential, Purpose::LawEnforcement);
    let d = policy.decide(&subject(&["analyst"], None), Action::Read, confidential);
    assert!(!d.allowed && d.needs_reason, "{d:?}");
    assert_eq!(d.why, "reading confidential facts needs a stated reason");
    // A blank or one-letter reason is no reason.
    for blank in ["", "  ", "x"] {
        let d = policy.decide(
            &subject(&["analyst"], Some(blank)),
            Action::Read,
            confidential,
        );
        assert!(!d.allowed, "{blank:?}");
    }
    let d = policy.decide(
        &subject(&["analyst"], Some("case 7")),
        Action::Read,
        confidential,
    );
    assert!(d.allowed, "{d:?}");
    assert!(d.why.contains("analyst"), "{}", d.why);
    assert!(
        policy
            .decide(&subject(&["analyst"], None), Action::Write, confidential)
            .allowed
    );
}

#[test]
fn node_actions_follow_the_role_list() {
    let policy = Policy::builtin();
    let admin = subject(&["administrator"], None);
    assert!(
        policy
            .decide(&admin, Action::ManageUsers, Object::Node)
            .allowed
    );
    assert!(
        policy
            .decide(&admin, Action::ReadAudit, Object::Node)
            .allowed
    );
    for role in [
        "analyst",
        "border_officer",
        "protection_officer",
        "researcher",
    ] {
        let d = policy.decide(&subject(&[role], None), Action::ManageUsers, Object::Node);
        assert!(!d.allowed, "{role}");
        assert!(d.why.contains("may manage users"), "{}", d.why);
    }
    assert!(
        !policy
            .decide(&subject(&["researcher"], None), Action::Write, Object::Node)
            .allowed
    );
}

#[test]
fn the_loader_refuses_roles_that_break_purpose_separation() {
    let text = include_str!("../policy/roles.yaml");
    for (from, to, expected) in [
        (
            "      law_enforcement: confidential\n      research: restricted",
            "      law_enforcement: confidential\n      research: restricted\n      protection: public",
            "role analyst: sees protection up to public, which is protection data",
        ),
        (
            "      border_management: confidential\n      law_enforcement: confidential\n      research: restricted",
            "      border_management: protection\n      law_enforcement: confidential\n      research: restricted",
            "role analyst: sees border_management up to protection",
        ),
        (
            "      protection: protection\n",
            "      protection: protection\n      law_enforcement: public\n",
            "role protection_officer: is a protection role and may not see law-enforcement data",
        ),
        (
            "actions: [search, read, statistics, manage_users, read_audit]",
            "actions: [search, read, fly]",
            "role administrator: unknown action \"fly\"",
        ),
        (
            "actions: [search, read, statistics, manage_users, read_audit]",
            "actions: [search, read, statistics, assist]",
            "role administrator: may assist, which is protection work",
        ),
        (
            "actions: [search, read, export, statistics, write, assist]",
            "actions: [search, read, export, statistics, write, assist, designate]",
            "role protection_officer: is a protection role and may not designate suspects",
        ),
    ] {
        assert!(text.contains(from), "{from}");
        let err = Policy::parse("mine.yaml", &text.replace(from, to)).unwrap_err();
        assert!(err.0.contains(expected), "{}", err.0);
        assert!(err.0.starts_with("roles mine.yaml"), "{}", err.0);
    }
}

#[test]
fn user_roles_are_checked() {
    let policy = Policy::builtin();
    assert!(policy.check_roles(&["analyst".into()]).is_ok());
    assert_eq!(
        policy.check_roles(&[]).unwrap_err(),
        "a user needs at least one role"
    );
    assert!(
        policy
            .check_roles(&["analyst".into(), "spy".into()])
            .unwrap_err()
            .contains("unknown role \"spy\" (known: administrator, analyst")
    );
}
