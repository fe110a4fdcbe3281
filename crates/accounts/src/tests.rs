use super::*;

#[test]
fn licence_codes_have_the_documented_form_and_normalise() {
    let c = secret::licence_code();
    assert_eq!(c.len(), 23, "{c}");
    let parts: Vec<&str> = c.split('-').collect();
    assert_eq!(parts.len(), 4);
    for p in parts {
        assert_eq!(p.len(), 5);
        assert!(
            p.chars()
                .all(|ch| "0123456789ABCDEFGHJKMNPQRSTVWXYZ".contains(ch)),
            "{c}"
        );
    }
    assert_ne!(secret::licence_code(), c, "codes are random");
    // Typed carelessly: lower case, spaces, O for 0 and l for 1.
    assert_eq!(secret::normalise_code(" ab1o0-lI "), "AB10011");
    assert_eq!(
        secret::normalise_code(&c.to_lowercase()),
        c.replace('-', "")
    );
}

#[test]
fn tokens_are_random_and_stored_hashed() {
    let (a, b) = (random_token(), random_token());
    assert_eq!(a.len(), 64);
    assert_ne!(a, b);
    assert_eq!(hash_token(&a), hash_token(&a));
    assert_ne!(hash_token(&a), a);
    assert_eq!(
        hash_token("abc"),
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    );
}

#[test]
fn emails_are_checked_and_normalised() {
    assert_eq!(
        Email::parse("  Ann@School.AC.uk ").unwrap().as_str(),
        "ann@school.ac.uk"
    );
    for bad in [
        "",
        "ann",
        "ann@",
        "@x.com",
        "ann@nodot",
        "a b@x.com",
        "ann@x.com.",
        "a@b@c.com",
    ] {
        assert!(Email::parse(bad).is_err(), "{bad}");
    }
}

#[test]
fn passwords_hash_with_argon2id_and_verify() {
    let h = secret::hash_password("correct horse battery").unwrap();
    assert!(h.starts_with("$argon2id$"), "{h}");
    assert!(secret::verify_password("correct horse battery", &h));
    assert!(!secret::verify_password("correct horse batterz", &h));
    assert!(!secret::verify_password("x", "not a hash"));
    assert_ne!(
        secret::hash_password("correct horse battery").unwrap(),
        h,
        "salted"
    );
    assert!(check_new_password("short").is_err());
    assert!(check_new_password(&"x".repeat(MAX_PASSWORD + 1)).is_err());
    assert!(check_new_password("ten chars!").is_ok());
}

#[test]
fn access_follows_role_and_scopes() {
    use studypack_domain::{Board, Level, Period, Slug};
    let topic = Topic {
        slug: Slug::parse("russia").unwrap(),
        title: "Russia".into(),
        aliases: vec![],
        board: Some(Board::Aqa),
        level: Some(Level::ALevel),
        subject: "History".into(),
        period: Period::new(1855, 1964).unwrap(),
        component: None,
        rubric: None,
        glossary: vec![],
        timeline: vec![],
        offices: vec![],
    };
    assert!(!Access::default().can_read(&topic));
    let student = |scopes: &[&str]| Access {
        role: Some(Role::Student),
        scopes: scopes.iter().map(|s| s.parse().unwrap()).collect(),
    };
    assert!(!student(&[]).can_read(&topic));
    assert!(!student(&["board:OCR"]).can_read(&topic));
    assert!(student(&["board:OCR", "board:AQA"]).can_read(&topic));
    assert!(student(&["all"]).can_read(&topic));
    for role in [Role::Editor, Role::Admin] {
        assert!(
            Access {
                role: Some(role),
                scopes: vec![]
            }
            .can_read(&topic)
        );
    }
}
