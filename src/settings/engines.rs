//! Several engines on one page: what a new engine starts from, and which engines may not
//! run because another one names the same domain, or creates the same launch
//! configuration, on the same endpoint.
//!
//! Why duplicates are refused before Run and not left to the domain lock: the lock
//! (`ui::locks`) would refuse the second engine's Run too, but only once pressed, and
//! saying "another run holds the domain". Two engines of one page on one domain are a
//! mistake in the settings — the second would delete or resize the first one's domain —
//! so the settings say so, next to the domain name, and Run stays disabled.

use super::field::{DomainField, LaunchField};
use super::validate::FieldError;
use super::Settings;

/// Whether two engines talk to the same endpoint: the URL, where case, spaces and a
/// trailing `/` do not matter.
fn same_endpoint(a: &Settings, b: &Settings) -> bool {
    let url = |s: &Settings| {
        s.endpoint
            .url
            .trim()
            .trim_end_matches('/')
            .to_ascii_lowercase()
    };
    url(a) == url(b)
}

/// Whether two engines name the same domain (as the server will see it, trimmed) on the
/// same endpoint.
fn same_domain(a: &Settings, b: &Settings) -> bool {
    a.domain.name.trim() == b.domain.name.trim() && same_endpoint(a, b)
}

/// Whether `a` and `b` create a launch configuration of the same name on the same
/// endpoint (`base@cloud` for a cloud both name).
fn same_launch_configuration(a: &Settings, b: &Settings) -> bool {
    let base = a.launch.base_name.trim();
    !base.is_empty()
        && base == b.launch.base_name.trim()
        && same_endpoint(a, b)
        && a.clouds
            .iter()
            .any(|c| b.clouds.iter().any(|d| d.name.trim() == c.name.trim()))
}

/// For each engine, in order, every problem that keeps it from running because of an
/// engine before it on the same endpoint: the same domain ([`duplicate_domains`]), or
/// a launch configuration of the same name. Why the second: a launch configuration
/// that exists is left as it is (the server refuses to create it again), so the later
/// engine would launch whatever the earlier one created, not what its settings say —
/// and the two engines would race to create it.
pub fn engine_conflicts(engines: &[Settings]) -> Vec<Vec<FieldError>> {
    duplicate_domains(engines)
        .into_iter()
        .enumerate()
        .map(|(i, domain)| {
            let engine = &engines[i];
            let launch = engines[..i]
                .iter()
                .position(|e| same_launch_configuration(e, engine))
                .map(|first| {
                    FieldError::new(
                        LaunchField::BaseName,
                        format!(
                            "Engine {} on this page already creates launch configurations {}@… on this endpoint: give this engine another name",
                            first + 1,
                            engine.launch.base_name.trim()
                        ),
                    )
                });
            domain.into_iter().chain(launch).collect()
        })
        .collect()
}

/// For each engine, in order, the problem that keeps it from running because an engine
/// before it names the same domain on the same endpoint (the first of them may run).
/// Empty domain names are left to the domain's own validation.
pub fn duplicate_domains(engines: &[Settings]) -> Vec<Option<FieldError>> {
    engines
        .iter()
        .enumerate()
        .map(|(i, engine)| {
            if engine.domain.name.trim().is_empty() {
                return None;
            }
            let first = engines[..i].iter().position(|e| same_domain(e, engine))?;
            Some(FieldError::new(
                DomainField::Name,
                format!(
                    "Engine {} on this page already uses domain {} on this endpoint: give this engine another domain name",
                    first + 1,
                    engine.domain.name.trim()
                ),
            ))
        })
        .collect()
}

/// `name` without a copy suffix (`_2`, `_3`, …), or `fallback` when nothing is left.
fn base_of<'a>(name: &'a str, fallback: &'a str) -> &'a str {
    let name = name.trim();
    let base = match name.rsplit_once('_') {
        Some((base, n)) if !base.is_empty() && n.parse::<u32>().is_ok_and(|n| n >= 2) => base,
        _ => name,
    };
    if base.is_empty() {
        fallback
    } else {
        base
    }
}

/// A new engine ("Add domain"): a copy of `from` under a domain name and a launch
/// configuration name no engine in `engines` has on its endpoint — `from`'s names with
/// `_2`, `_3`, … in place of any such suffix they already have.
pub fn copy_for_new_engine(from: &Settings, engines: &[Settings]) -> Settings {
    let domain = base_of(&from.domain.name, "domain").to_string();
    let launch = base_of(&from.launch.base_name, "launch_config").to_string();
    let mut copy = from.clone();
    for n in 2.. {
        copy.domain.name = format!("{domain}_{n}");
        if !engines.iter().any(|e| same_domain(e, &copy)) {
            break;
        }
    }
    for n in 2.. {
        copy.launch.base_name = format!("{launch}_{n}");
        if !engines.iter().any(|e| same_launch_configuration(e, &copy)) {
            break;
        }
    }
    copy
}

/// Gives `engine` the page's endpoint and credentials (`shared`'s: every engine of the
/// page signs and sends the same way), switching its profile as
/// [`Settings::set_profile`] does, so an availability zone at the old profile's default
/// follows. False when it had them already, or has its own (`run.own_connection`):
/// nothing changed.
pub fn share_connection(engine: &mut Settings, shared: &Settings) -> bool {
    if engine.run.own_connection
        || (engine.endpoint == shared.endpoint && engine.credentials == shared.credentials)
    {
        return false;
    }
    if engine.endpoint.profile != shared.endpoint.profile {
        engine.set_profile(shared.endpoint.profile);
    }
    engine.endpoint = shared.endpoint.clone();
    engine.credentials = shared.credentials.clone();
    true
}
