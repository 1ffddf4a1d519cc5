//! "Test connection": with the endpoint and credentials entered, one click signs a
//! DescribeLaunchConfigurations and a DescribeAutoScalingGroups and reports what it found,
//! or the typed error in plain words. The logic is `api::test_connection`; this component
//! only collects the inputs and renders the outcome.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::fetch::{BrowserClock, FetchTransport};
use crate::api::{test_connection, Client, NextStep};

use super::state::AppState;

/// What the last test found.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Outcome {
    /// Not run yet.
    Idle,
    /// Requests in flight; the text says which attempt is under way.
    Running(String),
    /// Connected: the summary sentence.
    Connected(String),
    /// Failed: what happened, and what to do about it.
    Failed { message: String, hint: String },
}

/// The "Test connection" button and its result line.
#[component]
pub fn TestConnection() -> impl IntoView {
    let state = expect_context::<AppState>();
    let outcome = RwSignal::new(Outcome::Idle);
    let running = move || matches!(outcome.get(), Outcome::Running(_));

    let run = move |_| {
        let settings = state.settings.get_untracked();
        let secret = state.secret.get_untracked();
        let config = settings.client_config();
        let credentials = settings.credentials(&secret);
        let (config, credentials) = match (config, credentials) {
            (Ok(config), Ok(credentials)) => (config, credentials),
            (config, credentials) => {
                let mut problems = config.err().unwrap_or_default();
                problems.extend(credentials.err().unwrap_or_default());
                let message = problems
                    .first()
                    .map(|p| p.message.clone())
                    .unwrap_or_else(|| "the settings are incomplete".to_string());
                outcome.set(Outcome::Failed {
                    message: format!("Nothing was sent: {message}"),
                    hint: "Correct the marked fields first.".to_string(),
                });
                return;
            }
        };
        outcome.set(Outcome::Running(
            "Sending DescribeLaunchConfigurations…".to_string(),
        ));
        spawn_local(async move {
            let client = Client::new(
                config,
                credentials,
                FetchTransport,
                BrowserClock,
                Box::new(js_sys::Math::random),
            );
            let mut on_attempt = |attempt: &crate::api::Attempt| {
                let text = match &attempt.next {
                    Some(NextStep::RetryAfter(ms)) => format!(
                        "{} attempt {} failed ({}); retrying in {ms} ms…",
                        attempt.action,
                        attempt.number,
                        attempt
                            .error
                            .as_ref()
                            .map(ToString::to_string)
                            .unwrap_or_default()
                    ),
                    Some(NextStep::RetryWithClockOffset(s)) => {
                        format!("The server's clock differs by {s} s; signing again with its time…")
                    }
                    _ => format!("{} answered; continuing…", attempt.action),
                };
                outcome.set(Outcome::Running(text));
            };
            let result = test_connection(&client, &mut on_attempt).await;
            outcome.set(match result {
                Ok(report) => Outcome::Connected(report.summary()),
                Err(error) => Outcome::Failed {
                    message: error.to_string(),
                    hint: error.hint().to_string(),
                },
            });
        });
    };

    view! {
        <div class="test-connection">
            <button type="button" class="secondary" on:click=run disabled=running>
                "Test connection"
            </button>
            <div class="test-connection-result" role="status" aria-live="polite">
                {move || match outcome.get() {
                    Outcome::Idle => ().into_any(),
                    Outcome::Running(text) => view! { <p class="pending">{text}</p> }.into_any(),
                    Outcome::Connected(text) => view! { <p class="ok">{text}</p> }.into_any(),
                    Outcome::Failed { message, hint } => {
                        view! {
                            <p class="error">{message}</p>
                            <p class="hint">{hint}</p>
                        }
                            .into_any()
                    }
                }}
            </div>
        </div>
    }
}
