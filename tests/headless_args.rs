//! The headless runner's command line, environment and settings handling on the host:
//! every flag, the precedence flag > environment > file, the secret never taken from the
//! command line nor shown, the direct connection, the page's own validation with
//! headless hints, the plan and options exactly as the page builds them, and the
//! refusal of shapes this runner does not run (naming the page).

#![cfg(not(target_arch = "wasm32"))]

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use phantom_de::api::Connection;
use phantom_de::engine::{Plan, RunOptions};
use phantom_de::headless::args::{parse_args, Args, Command, Environment, UsageError};
use phantom_de::headless::inputs::{
    apply_overrides, find_secret, prepare, read_engine, read_settings, InputError, Source,
};
use phantom_de::headless::secret::SecretText;
use phantom_de::headless::shape::Refusal;
use phantom_de::settings::{export_engines, export_json, ConnectionMode, Settings};

const SECRET: &str = "headless-secret/with+odd=chars";

fn args(list: &[&str]) -> Result<Command, UsageError> {
    parse_args(list.iter().map(|s| s.to_string()))
}

fn run_args(list: &[&str]) -> Args {
    match args(list) {
        Ok(Command::Run(a)) => a,
        other => panic!("{list:?}: {other:?}"),
    }
}

fn env(vars: &[(&str, &str)]) -> Environment {
    let map: HashMap<String, String> = vars
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    Environment::from_lookup(|name| map.get(name).cloned())
}

fn tutorial_text() -> String {
    export_json(&Settings::tutorial_defaults()).expect("exports")
}

#[test]
fn a_settings_file_alone_is_a_run_with_no_options() {
    let a = run_args(&["settings.json"]);
    assert_eq!(
        a,
        Args {
            settings: PathBuf::from("settings.json"),
            ..Args::default()
        }
    );
    assert_eq!(run_args(&["-"]).settings, PathBuf::from("-"));
    assert_eq!(
        run_args(&["--", "--odd-name.json"]).settings,
        PathBuf::from("--odd-name.json")
    );
}

#[test]
fn every_flag_is_read_in_both_spellings() {
    let a = run_args(&[
        "--url",
        "https://svc.example.org:8445/",
        "--access-key=AKID",
        "--secret-file",
        "/run/secret",
        "--insecure",
        "--ca-file=/etc/ca.pem",
        "--json",
        "--journal",
        "run.json",
        "--dry-run",
        "--timing",
        "--no-progress",
        "s.json",
    ]);
    assert_eq!(a.url.as_deref(), Some("https://svc.example.org:8445/"));
    assert_eq!(a.access_key.as_deref(), Some("AKID"));
    assert_eq!(a.secret_file, Some(PathBuf::from("/run/secret")));
    assert_eq!(a.ca_file, Some(PathBuf::from("/etc/ca.pem")));
    assert_eq!(a.journal, Some(PathBuf::from("run.json")));
    assert!(a.insecure && a.json && a.dry_run && a.timing && a.no_progress);
    assert_eq!(a.settings, PathBuf::from("s.json"));
}

#[test]
fn help_and_version() {
    assert_eq!(args(&["--help"]), Ok(Command::Help));
    assert_eq!(args(&["x.json", "-h"]), Ok(Command::Help));
    assert_eq!(args(&["-V"]), Ok(Command::Version));
}

#[test]
fn bad_command_lines_say_what_is_wrong() {
    assert_eq!(args(&[]), Err(UsageError::NoSettingsFile));
    assert_eq!(args(&["--json"]), Err(UsageError::NoSettingsFile));
    assert_eq!(
        args(&["a.json", "b.json"]),
        Err(UsageError::ExtraArgument("b.json".into()))
    );
    assert_eq!(
        args(&["--verbose", "a.json"]),
        Err(UsageError::UnknownFlag("--verbose".into()))
    );
    assert_eq!(
        args(&["a.json", "--url"]),
        Err(UsageError::MissingValue("--url"))
    );
    assert_eq!(
        args(&["--url=", "a.json"]),
        Err(UsageError::EmptyValue("--url"))
    );
    assert_eq!(
        args(&["--json=yes", "a.json"]),
        Err(UsageError::UnexpectedValue("--json"))
    );
    assert_eq!(
        args(&["--json", "--json", "a.json"]),
        Err(UsageError::Repeated("--json"))
    );
    assert_eq!(
        args(&["--url", "u", "--url", "v", "a.json"]),
        Err(UsageError::Repeated("--url"))
    );
}

#[test]
fn the_secret_is_never_taken_from_the_command_line_and_never_echoed() {
    for flag in ["--secret", "--secret-key", "--secret-access-key"] {
        let with_value = format!("{flag}={SECRET}");
        for list in [
            vec![flag, SECRET, "a.json"],
            vec![with_value.as_str(), "a.json"],
        ] {
            let error = args(&list).expect_err("refused");
            assert!(
                matches!(error, UsageError::SecretOnCommandLine(_)),
                "{error:?}"
            );
            let text = error.to_string();
            assert!(
                text.contains("EC2_SECRET_KEY") && text.contains("--secret-file"),
                "{text}"
            );
            assert!(!text.contains(SECRET), "{text}");
        }
    }
}

#[test]
fn the_environment_is_read_and_empty_variables_count_as_unset() {
    let e = env(&[
        ("PHANTOM_URL", " http://127.0.0.1:8445 "),
        ("EC2_ACCESS_KEY", "AKENV"),
        ("EC2_SECRET_KEY", SECRET),
        ("EC2_SESSION_TOKEN", "tok"),
        ("PHANTOM_INSECURE", "1"),
    ]);
    assert_eq!(e.url.as_deref(), Some("http://127.0.0.1:8445"));
    assert_eq!(e.access_key.as_deref(), Some("AKENV"));
    assert_eq!(e.secret_key.as_deref(), Some(SECRET));
    assert_eq!(e.session_token.as_deref(), Some("tok"));
    assert!(e.insecure);
    let empty = env(&[
        ("PHANTOM_URL", ""),
        ("EC2_SECRET_KEY", ""),
        ("PHANTOM_INSECURE", "0"),
    ]);
    assert_eq!(empty, Environment::default());
    let shown = format!("{e:?}");
    assert!(
        !shown.contains(SECRET) && !shown.contains("tok\""),
        "{shown}"
    );
}

#[test]
fn flags_win_over_the_environment_which_wins_over_the_file() {
    let mut file = Settings::tutorial_defaults();
    file.endpoint.url = "http://file.example:1/".into();
    file.credentials.access_key_id = "AKFILE".into();
    let e = env(&[
        ("PHANTOM_URL", "http://env.example:2/"),
        ("EC2_ACCESS_KEY", "AKENV"),
    ]);

    let mut s = file.clone();
    let sources = apply_overrides(&mut s, &Args::default(), &Environment::default());
    assert_eq!(
        (s.endpoint.url.as_str(), sources.url),
        ("http://file.example:1/", Source::File)
    );
    assert_eq!(
        (s.credentials.access_key_id.as_str(), sources.access_key),
        ("AKFILE", Source::File)
    );

    let mut s = file.clone();
    let sources = apply_overrides(&mut s, &Args::default(), &e);
    assert_eq!(
        (s.endpoint.url.as_str(), sources.url),
        ("http://env.example:2/", Source::Environment)
    );
    assert_eq!(s.credentials.access_key_id, "AKENV");

    let mut s = file.clone();
    let flags = Args {
        url: Some("http://flag.example:3/".into()),
        access_key: Some("AKFLAG".into()),
        ..Args::default()
    };
    let sources = apply_overrides(&mut s, &flags, &e);
    assert_eq!(
        (s.endpoint.url.as_str(), sources.url),
        ("http://flag.example:3/", Source::Flag)
    );
    assert_eq!(
        (s.credentials.access_key_id.as_str(), sources.access_key),
        ("AKFLAG", Source::Flag)
    );

    let mut s = Settings::tutorial_defaults();
    let sources = apply_overrides(&mut s, &Args::default(), &Environment::default());
    assert_eq!(
        (sources.url, sources.access_key),
        (Source::Missing, Source::Missing)
    );
}

#[test]
fn the_connection_is_direct_whatever_the_file_says() {
    let mut s = Settings::tutorial_defaults();
    assert_eq!(s.endpoint.connection, ConnectionMode::Proxy);
    let e = env(&[
        ("PHANTOM_URL", "http://127.0.0.1:8445"),
        ("EC2_ACCESS_KEY", "AK"),
    ]);
    apply_overrides(&mut s, &Args::default(), &e);
    assert_eq!(s.endpoint.connection, ConnectionMode::Direct);
    let prepared = prepare(s, Some(&SecretText::new(SECRET)), false).expect("runs");
    assert_eq!(
        prepared.config.expect("config").connection,
        Connection::Direct
    );
}

#[test]
fn the_session_token_comes_from_the_environment() {
    let mut s = Settings::tutorial_defaults();
    let e = env(&[
        ("PHANTOM_URL", "http://127.0.0.1:8445"),
        ("EC2_ACCESS_KEY", "AK"),
        ("EC2_SESSION_TOKEN", "session-token-value"),
    ]);
    apply_overrides(&mut s, &Args::default(), &e);
    let prepared = prepare(s, Some(&SecretText::new(SECRET)), false).expect("runs");
    let credentials = prepared.credentials.expect("credentials");
    assert_eq!(credentials.session_token(), Some("session-token-value"));
}

#[test]
fn the_secret_comes_from_a_file_before_the_environment() {
    let e = env(&[("EC2_SECRET_KEY", "from-env")]);
    let flags = Args {
        secret_file: Some(PathBuf::from("/run/key")),
        ..Args::default()
    };
    let (secret, source) = find_secret(&flags, &e, |p: &Path| {
        assert_eq!(p, Path::new("/run/key"));
        Ok(SecretText::from_file_text("from-file\r\n# a comment\n"))
    })
    .expect("found");
    assert_eq!(secret.expect("secret").expose(), "from-file");
    assert_eq!(source, Source::Flag);
    let (secret, source) =
        find_secret(&Args::default(), &e, |_: &Path| unreachable!()).expect("env");
    assert_eq!(
        (secret.expect("secret").expose(), source),
        ("from-env", Source::Environment)
    );
    let (secret, source) = find_secret(
        &Args::default(),
        &Environment::default(),
        |_: &Path| unreachable!(),
    )
    .expect("none");
    assert!(secret.is_none());
    assert_eq!(source, Source::Missing);
    let failed = find_secret(&flags, &e, |_: &Path| {
        Err("cannot read the secret file /run/key".into())
    });
    assert!(matches!(failed, Err(InputError::Secret(m)) if m.contains("/run/key")));
}

#[test]
fn a_secret_file_is_read_and_its_content_never_shown() {
    let dir = std::env::temp_dir().join(format!("pde-headless-args-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let path = dir.join("key");
    std::fs::write(&path, format!("{SECRET}\n")).expect("writes");
    let secret = SecretText::read_file(&path).expect("reads");
    assert_eq!(secret.expose(), SECRET);
    assert_eq!(format!("{secret:?}"), "SecretText(<redacted>)");
    std::fs::write(&path, vec![b'x'; 10_000]).expect("writes");
    let error = SecretText::read_file(&path).expect_err("too large");
    assert!(
        error.contains("10000 bytes") && !error.contains("xxx"),
        "{error}"
    );
    let error = SecretText::read_file(&dir.join("missing")).expect_err("missing");
    assert!(error.contains("cannot read the secret file"), "{error}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_plan_and_options_are_the_pages() {
    let mut s = read_settings(&tutorial_text()).expect("reads");
    s.ramp.interval = "0.25".into();
    s.run.monitor_seconds = 0.into();
    s.run.leave_running = true;
    let e = env(&[
        ("PHANTOM_URL", "http://127.0.0.1:8445"),
        ("EC2_ACCESS_KEY", "AK"),
    ]);
    apply_overrides(&mut s, &Args::default(), &e);
    let prepared = prepare(s.clone(), Some(&SecretText::new(SECRET)), false).expect("runs");
    assert_eq!(prepared.plan, Plan::from_settings(&s).expect("plans"));
    assert_eq!(prepared.options, RunOptions::from_settings(&s.run));
    assert!(prepared.options.leave_running);
    assert_eq!(prepared.options.monitor_interval_ms, 0);
    assert!(prepared.missing.is_empty());
}

#[test]
fn problems_are_the_pages_with_the_headless_way_to_fix_them() {
    let mut s = read_settings(&tutorial_text()).expect("reads");
    s.ramp.peak = "0".into();
    apply_overrides(&mut s, &Args::default(), &Environment::default());
    let error = prepare(s, None, false).expect_err("invalid");
    let InputError::Invalid(problems) = &error else {
        panic!("{error:?}");
    };
    let text = error.to_string();
    let fields: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
    assert!(fields.contains(&"endpoint.url"), "{text}");
    assert!(fields.contains(&"credentials.access_key_id"), "{text}");
    assert!(fields.contains(&"credentials.secret"), "{text}");
    assert!(fields.iter().any(|f| f.starts_with("ramp.")), "{text}");
    assert!(text.contains("PHANTOM_URL"), "{text}");
    assert!(text.contains("EC2_ACCESS_KEY"), "{text}");
    assert!(text.contains("EC2_SECRET_KEY"), "{text}");
}

#[test]
fn a_bad_secret_is_refused_without_quoting_it() {
    let mut s = Settings::tutorial_defaults();
    let e = env(&[
        ("PHANTOM_URL", "http://127.0.0.1:8445"),
        ("EC2_ACCESS_KEY", "AK"),
    ]);
    apply_overrides(&mut s, &Args::default(), &e);
    let spaced = format!(" {SECRET} ");
    let error = prepare(s, Some(&SecretText::new(spaced)), false).expect_err("refused");
    let text = error.to_string();
    assert!(
        text.contains("credentials.secret") && !text.contains(SECRET),
        "{text}"
    );
}

#[test]
fn a_dry_run_needs_neither_endpoint_nor_credentials() {
    let mut s = read_settings(&tutorial_text()).expect("reads");
    apply_overrides(&mut s, &Args::default(), &Environment::default());
    let prepared = prepare(s.clone(), None, true).expect("plans");
    assert_eq!(prepared.plan, Plan::from_settings(&s).expect("plans"));
    assert!(prepared.config.is_none() && prepared.credentials.is_none());
    let missing: Vec<&str> = prepared.missing.iter().map(|p| p.field.as_str()).collect();
    assert_eq!(
        missing,
        [
            "endpoint.url",
            "credentials.access_key_id",
            "credentials.secret"
        ]
    );
    // The file's own problems still stop a dry run.
    s.clouds.clear();
    assert!(matches!(
        prepare(s, None, true),
        Err(InputError::Invalid(_))
    ));
}

#[test]
fn the_pages_import_refuses_what_it_refuses() {
    assert!(matches!(read_settings(""), Err(InputError::Import(_))));
    assert!(matches!(read_settings("{"), Err(InputError::Import(_))));
    let with_secret = tutorial_text().replace(
        "\"access_key_id\": \"\"",
        "\"access_key_id\": \"\", \"secret\": \"x\"",
    );
    let error = read_settings(&with_secret).expect_err("a secret in the file");
    assert!(error.to_string().contains("never carry secrets"), "{error}");
}

/// The page's export of engines of these domains.
fn engines_text(domains: &[&str]) -> String {
    let list: Vec<Settings> = domains
        .iter()
        .map(|d| {
            let mut s = Settings::tutorial_defaults();
            s.domain.name = d.to_string();
            s
        })
        .collect();
    export_engines(&list).expect("exports")
}

#[test]
fn a_file_of_several_engines_runs_the_one_named_by_domain() {
    let text = engines_text(&["head", "workers"]);
    let s = read_engine(&text, Some("workers")).expect("reads");
    assert_eq!(s.domain.name, "workers");
    let error = read_engine(&text, None).expect_err("which one?");
    assert_eq!(
        error.to_string(),
        "the settings file holds 2 engines (domains head, workers): choose one with --domain NAME"
    );
    let error = read_engine(&text, Some("nobody")).expect_err("no such domain");
    assert_eq!(
        error.to_string(),
        "the settings file has no engine of domain nobody (its domains: head, workers)"
    );
    // A version 2 file of one engine, and a version 1 file, need no --domain.
    assert_eq!(
        read_settings(&engines_text(&["solo"]))
            .map(|s| s.domain.name)
            .ok(),
        Some("solo".into())
    );
    assert!(read_engine(&tutorial_text(), Some("my_domain")).is_ok());
    // The shape check looks inside every engine.
    let odd = text.replacen("\"shape\": \"tutorial\"", "\"shape\": \"zigzag\"", 1);
    assert!(
        matches!(
            read_engine(&odd, Some("workers")),
            Err(InputError::Refused(_))
        ),
        "{odd}"
    );
    assert_eq!(
        run_args(&["--domain", "workers", "settings.json"])
            .domain
            .as_deref(),
        Some("workers")
    );
}

#[test]
fn every_built_in_shape_runs() {
    for shape in ["tutorial", "steps"] {
        let text = tutorial_text().replace(
            "\"shape\": \"tutorial\"",
            &format!("\"shape\": \"{shape}\""),
        );
        assert!(read_settings(&text).is_ok(), "{shape}");
    }
}

#[test]
fn a_shape_this_runner_does_not_know_is_refused_naming_the_page() {
    for shape in ["javascript", "forecast", "ml-model"] {
        let text = tutorial_text().replace(
            "\"shape\": \"tutorial\"",
            &format!("\"shape\": \"{shape}\""),
        );
        let error = read_settings(&text).expect_err("refused");
        assert!(
            matches!(&error, InputError::Refused(Refusal::UnknownShape { name }) if name == shape),
            "{error:?}"
        );
        let text = error.to_string();
        assert!(
            text.contains("custom JavaScript policy") && text.contains("page"),
            "{text}"
        );
    }
    let page_only = Refusal::PageOnly {
        what: "A custom policy",
    }
    .to_string();
    assert!(
        page_only.starts_with("A custom policy runs only in the page"),
        "{page_only}"
    );
}
