//! "Test connection": with the endpoint and credentials entered, one click signs a
//! DescribeLaunchConfigurations and a DescribeAutoScalingGroups and reports what it found,
//! or the typed error in plain words. The logic is `engine::manual::test_connection` (over
//! `api::test_connection`), run as a Leptos action; this component only collects the
//! inputs and renders the outcome.

use std::rc::Rc;

use leptos::prelude::*;

use crate::engine::manual;

use super::state::{AppState, BrowserClient};

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
    let progress = RwSignal::new(String::new());
    // Why the last click sent nothing (the settings were incomplete).
    let refused = RwSignal::new(None::<String>);
    let test = Action::new_local(move |client: &Rc<BrowserClient>| {
        let client = Rc::clone(client);
        async move {
            let mut on_progress = |text: String| {
                progress.try_set(text);
            };
            manual::test_connection(&client, &mut on_progress).await
        }
    });
    let (running, result) = (test.pending(), test.value());

    let run = move |_| match state.client() {
        Ok(client) => {
            refused.set(None);
            progress.set(manual::TESTING.to_string());
            test.dispatch_local(Rc::new(client));
        }
        Err(problems) => refused.set(Some(
            problems
                .first()
                .map(|p| p.message.clone())
                .unwrap_or_else(|| "the settings are incomplete".to_string()),
        )),
    };
    let outcome = move || {
        if running.get() {
            return Outcome::Running(progress.get());
        }
        if let Some(message) = refused.get() {
            return Outcome::Failed {
                message: format!("Nothing was sent: {message}"),
                hint: "Correct the marked fields first.".to_string(),
            };
        }
        match result.get() {
            None => Outcome::Idle,
            Some(Ok(report)) => Outcome::Connected(report.summary()),
            Some(Err(error)) => Outcome::Failed {
                message: error.to_string(),
                hint: error.hint().to_string(),
            },
        }
    };

    view! {
        <div class="test-connection">
            <button type="button" class="secondary" on:click=run disabled=move || running.get()>
                "Test connection"
            </button>
            <div class="test-connection-result" role="status" aria-live="polite">
                {move || match outcome() {
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
