//! Several engines on one page: duplicate domains refused before Run, what "Add domain"
//! copies, the shared connection, and the settings file carrying every engine (format
//! version 2, version 1 files read as one engine).

use phantom_de::api::Profile;
use phantom_de::settings::io::ImportError;
use phantom_de::settings::{
    copy_for_new_engine, duplicate_domains, engine_conflicts, export_engines, export_json,
    import_engines, import_json, share_connection, DomainField, Field, LaunchField, Settings,
    MAX_ENGINES,
};

fn engine(domain: &str, url: &str) -> Settings {
    let mut s = Settings::tutorial_defaults();
    s.domain.name = domain.into();
    s.endpoint.url = url.into();
    s.credentials.access_key_id = "AKID".into();
    s
}

const URL: &str = "http://127.0.0.1:8445/";

#[test]
fn a_second_engine_on_the_same_domain_and_endpoint_is_refused_next_to_its_domain_name() {
    let list = [
        engine("workers", URL),
        engine("head", URL),
        // Same domain once trimmed, same endpoint up to case and the trailing slash.
        engine(" workers ", "HTTP://127.0.0.1:8445"),
    ];
    let found = duplicate_domains(&list);
    assert_eq!(found.len(), 3);
    assert_eq!(found[0], None, "the first engine of a domain may run");
    assert_eq!(found[1], None);
    let e = found[2].as_ref().expect("refused");
    assert_eq!(e.field, Field::Domain(DomainField::Name));
    assert_eq!(
        e.message,
        "Engine 1 on this page already uses domain workers on this endpoint: give this engine another domain name"
    );
}

#[test]
fn the_same_domain_on_another_endpoint_or_an_empty_name_is_not_a_duplicate() {
    let list = [
        engine("workers", URL),
        engine("workers", "http://127.0.0.1:9999/"),
        engine("", URL),
        engine("", URL),
    ];
    assert_eq!(duplicate_domains(&list), vec![None, None, None, None]);
}

#[test]
fn add_domain_copies_the_engine_under_the_next_free_name() {
    let first = engine("my_domain", URL);
    let copy = copy_for_new_engine(&first, std::slice::from_ref(&first));
    assert_eq!(copy.domain.name, "my_domain_2");
    assert_eq!(
        copy.launch.base_name, "my_launch_config_2",
        "its own launch configurations"
    );
    // Everything else is the copied engine's.
    let mut back = copy.clone();
    back.domain.name = "my_domain".into();
    back.launch.base_name = "my_launch_config".into();
    assert_eq!(back, first);

    let list = [first.clone(), copy.clone()];
    // From the copy: its suffix is replaced, not stacked.
    let third = copy_for_new_engine(&copy, &list);
    assert_eq!(third.domain.name, "my_domain_3");
    // A taken name is skipped.
    let list = [
        first.clone(),
        engine("my_domain_2", URL),
        engine("my_domain_3", URL),
    ];
    assert_eq!(
        copy_for_new_engine(&first, &list).domain.name,
        "my_domain_4"
    );
    // The result never conflicts, however many copies.
    let mut all = vec![first.clone()];
    for _ in 0..5 {
        let next = copy_for_new_engine(all.last().expect("one"), &all);
        all.push(next);
    }
    assert!(
        engine_conflicts(&all).iter().all(Vec::is_empty),
        "{:?}",
        engine_conflicts(&all)
    );
}

#[test]
fn two_engines_creating_the_same_launch_configuration_are_refused_next_to_its_name() {
    let mut b = engine("head", URL);
    b.clouds.truncate(1);
    let list = [engine("workers", URL), b.clone()];
    let found = engine_conflicts(&list);
    assert!(found[0].is_empty());
    assert_eq!(found[1].len(), 1);
    assert_eq!(found[1][0].field, Field::Launch(LaunchField::BaseName));
    assert_eq!(
        found[1][0].message,
        "Engine 1 on this page already creates launch configurations my_launch_config@… on this endpoint: give this engine another name"
    );
    // Same domain and same launch configuration: both said.
    let twin = [engine("workers", URL), engine("workers", URL)];
    let fields: Vec<Field> = engine_conflicts(&twin)[1].iter().map(|e| e.field).collect();
    assert_eq!(
        fields,
        vec![
            Field::Domain(DomainField::Name),
            Field::Launch(LaunchField::BaseName)
        ]
    );
    // No cloud in common, or another endpoint: names differ on the server.
    let mut other_cloud = b.clone();
    other_cloud.clouds[0].name = "nowhere".into();
    assert!(engine_conflicts(&[engine("workers", URL), other_cloud])[1].is_empty());
    let elsewhere = engine("head", "http://127.0.0.1:9/");
    assert!(engine_conflicts(&[engine("workers", URL), elsewhere])[1].is_empty());
}

#[test]
fn add_domain_from_an_empty_or_numbered_name() {
    let empty = engine("", URL);
    assert_eq!(copy_for_new_engine(&empty, &[]).domain.name, "domain_2");
    // "_1" and "_0" are not copy suffixes: kept as part of the name.
    let one = engine("run_1", URL);
    assert_eq!(
        copy_for_new_engine(&one, std::slice::from_ref(&one))
            .domain
            .name,
        "run_1_2"
    );
}

#[test]
fn the_shared_connection_replaces_endpoint_and_credentials_and_follows_the_profile() {
    let mut shared = engine("ignored", "http://127.0.0.1:5000/");
    shared.endpoint.profile = Profile::AwsCompatible;
    shared.endpoint.scheme = Profile::AwsCompatible.default_scheme();
    shared.credentials.access_key_id = "OTHER".into();
    let mut e = engine("workers", URL);
    let domain = e.domain.clone();
    assert!(share_connection(&mut e, &shared));
    assert_eq!(e.endpoint, shared.endpoint);
    assert_eq!(e.credentials, shared.credentials);
    assert_eq!(e.domain.name, domain.name, "the engine keeps its domain");
    // The zone was the old profile's default: it follows the new profile.
    assert_eq!(e.domain.availability_zone, "us-east-1a");
    assert!(!share_connection(&mut e, &shared), "nothing left to change");

    // A zone the person typed stays.
    let mut typed = engine("w", URL);
    typed.domain.availability_zone = "eu-west-3b".into();
    share_connection(&mut typed, &shared);
    assert_eq!(typed.domain.availability_zone, "eu-west-3b");
}

#[test]
fn an_engine_with_its_own_connection_keeps_it_and_says_so_in_the_file() {
    let shared = engine("ignored", "http://127.0.0.1:5000/");
    let mut own = engine("workers", URL);
    own.run.own_connection = true;
    own.credentials.access_key_id = "MINE".into();
    let before = own.clone();
    assert!(!share_connection(&mut own, &shared), "nothing to change");
    assert_eq!(own, before);
    // Saved with the flag; a one-engine file without it is what it always was.
    let text = export_engines(&[engine("a", URL), own.clone()]).expect("exports");
    assert_eq!(
        text.matches("\"own_connection\": true").count(),
        1,
        "{text}"
    );
    assert_eq!(import_engines(&text).expect("imports")[1], own);
    assert!(!export_json(&engine("a", URL))
        .expect("exports")
        .contains("own_connection"));
    // Two engines on the same domain name but their own endpoints do not conflict.
    let mut elsewhere = engine("workers", "http://127.0.0.1:9/");
    elsewhere.run.own_connection = true;
    assert!(engine_conflicts(&[engine("workers", URL), elsewhere])[1].is_empty());
}

#[test]
fn every_engine_round_trips_through_a_version_2_file() {
    let mut b = engine("head", URL);
    b.ramp.interval.0 = "7".into();
    let list = vec![engine("workers", URL), b];
    let text = export_engines(&list).expect("exports");
    let file: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    assert_eq!(file["version"], 2);
    assert_eq!(file["engines"].as_array().map(Vec::len), Some(2));
    assert_eq!(file["engines"][1]["domain"]["name"], "head");
    assert!(!text.contains("secret"), "{text}");
    assert_eq!(import_engines(&text), Ok(list));
}

#[test]
fn a_version_1_file_imports_as_one_engine() {
    let one = engine("old_file", URL);
    let text = export_json(&one).expect("exports");
    assert!(text.contains("\"version\": 1"), "{text}");
    assert_eq!(import_engines(&text), Ok(vec![one.clone()]));
    assert_eq!(import_json(&text), Ok(one));
}

#[test]
fn an_engine_of_a_version_2_file_may_leave_out_its_version_but_not_give_another() {
    let text = export_engines(&[engine("a", URL)]).expect("exports");
    let mut file: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    file["engines"][0]
        .as_object_mut()
        .expect("object")
        .remove("version");
    let read = import_engines(&file.to_string()).expect("imports");
    assert_eq!(read[0].domain.name, "a");

    file["engines"][0]["version"] = serde_json::json!(2);
    let err = import_engines(&file.to_string()).expect_err("refused");
    assert_eq!(
        err,
        ImportError::InEngine(1, Box::new(ImportError::UnsupportedVersion(2)))
    );
    assert_eq!(
        err.to_string(),
        "Engine 1: Settings version 2 is not supported; this app reads versions 1 and 2"
    );
}

#[test]
fn a_version_2_file_without_engines_or_with_too_many_is_refused() {
    let none = r#"{"version": 2, "engines": []}"#;
    assert_eq!(
        import_engines(none).map(|l| l.len()),
        Err(ImportError::Engines("it has 0".into()))
    );
    assert_eq!(
        import_engines(r#"{"version": 2}"#),
        Err(ImportError::Engines("there is none".into()))
    );
    assert_eq!(
        import_engines(r#"{"version": 2, "engines": {}}"#),
        Err(ImportError::Engines("it is not a list".into()))
    );
    let many: Vec<Settings> = (0..=MAX_ENGINES)
        .map(|i| engine(&format!("d{i}"), URL))
        .collect();
    let text = export_engines(&many).expect("exports");
    assert_eq!(
        import_engines(&text).map(|l| l.len()),
        Err(ImportError::Engines(format!("it has {}", MAX_ENGINES + 1)))
    );
    assert!(
        import_engines(r#"{"version": 2, "engines": [], "colour": 1}"#).is_err(),
        "unknown fields beside the engines are refused"
    );
}

#[test]
fn a_problem_in_one_engine_names_that_engine() {
    let text = export_engines(&[engine("a", URL), engine("b", URL)]).expect("exports");
    let mut file: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    file["engines"][1]["colour"] = serde_json::json!("red");
    match import_engines(&file.to_string()) {
        Err(ImportError::InEngine(2, inner)) => match *inner {
            ImportError::Format(m) => assert!(m.starts_with("unknown field `colour`"), "{m}"),
            other => panic!("{other:?}"),
        },
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_secret_anywhere_in_a_version_2_file_is_refused() {
    let text = export_engines(&[engine("a", URL), engine("b", URL)]).expect("exports");
    let mut file: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    file["engines"][1]["credentials"]["secret_access_key"] = serde_json::json!("x");
    assert_eq!(
        import_engines(&file.to_string()),
        Err(ImportError::ContainsSecret("secret_access_key".into()))
    );
}

#[test]
fn reading_one_engine_from_a_file_of_several_says_so() {
    let text = export_engines(&[engine("a", URL), engine("b", URL)]).expect("exports");
    let err = import_json(&text).expect_err("several");
    assert!(matches!(err, ImportError::SeveralEngines(2, _)), "{err:?}");
    assert_eq!(
        err.to_string(),
        "The file holds 2 engines (a, b) where one was expected"
    );
    // One engine in a version 2 file is one engine.
    let one = export_engines(&[engine("solo", URL)]).expect("exports");
    assert_eq!(
        import_json(&one).map(|s| s.domain.name),
        Ok("solo".to_string())
    );
}
