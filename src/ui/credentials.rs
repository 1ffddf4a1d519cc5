//! The Credentials section: access key ID, secret access key (memory only unless
//! remembered), optional session token, "remember on this device" and "forget".

use leptos::prelude::*;

use crate::settings::{CredentialField, Settings};

use super::fields::{checkbox_field, field_message, text_field, Kind};
use super::state::AppState;
use super::test_connection;

/// The Credentials fieldset.
#[component]
pub fn CredentialsSection() -> impl IntoView {
    let state = expect_context::<AppState>();
    let secret = CredentialField::Secret.into();
    let secret_id = state.dom_id(&secret);
    let secret_invalid = move || state.error_of(secret).is_some();
    let remembered = move || state.settings.with(|s| s.credentials.remember_secret);
    view! {
        <fieldset class="section" id=state.id("credentials")>
            <legend>"Credentials"</legend>
            {text_field(
                CredentialField::AccessKeyId,
                "Access key ID",
                Kind::Text,
                None,
                |s: &Settings| s.credentials.access_key_id.clone(),
                |s: &mut Settings, v| s.credentials.access_key_id = v,
            )}
            <div class="field" class:invalid=secret_invalid>
                <label for=secret_id.clone()>"Secret access key"</label>
                <input
                    id=secret_id.clone()
                    type="password"
                    autocomplete="off"
                    spellcheck="false"
                    aria-invalid=move || if secret_invalid() { "true" } else { "false" }
                    aria-describedby=format!("{secret_id}-hint {secret_id}-error")
                    prop:value=move || state.secret.get()
                    on:input=move |ev| state.secret.set(event_target_value(&ev))
                />
                <p class="hint" id=format!("{secret_id}-hint")>
                    {if state.remembers {
                        "Kept in this page's memory only, unless you tick \u{201c}remember\u{201d} below."
                    } else {
                        "Kept in this page's memory only: an engine's own secret key is never remembered."
                    }}
                </p>
                {field_message(secret)}
            </div>
            {text_field(
                CredentialField::SessionToken,
                "Session token (optional)",
                Kind::Secret,
                Some("Only for temporary credentials; kept like the secret key.".into()),
                |s: &Settings| s.credentials.session_token.clone(),
                |s: &mut Settings, v| s.credentials.session_token = v,
            )}
            {state
                .remembers
                .then(|| {
                    checkbox_field(
                        CredentialField::RememberSecret,
                        "Remember the secret key on this device",
                        None,
                        |s: &Settings| s.credentials.remember_secret,
                        |s: &mut Settings, v| s.credentials.remember_secret = v,
                    )
                })}
            {move || {
                (state.remembers && remembered())
                    .then(|| {
                        view! {
                            <div class="warning" id="remember-warning" role="note">
                                <p>
                                    "The secret key (and session token) are stored unencrypted in this browser's localStorage. Anyone who can use this browser profile can read them."
                                </p>
                                <button
                                    type="button"
                                    class="secondary"
                                    id="forget-secret"
                                    on:click=move |_| {
                                        state.forget_secret();
                                        state
                                            .notice
                                            .set(
                                                Some(
                                                    super::state::Notice::info(
                                                        "The secret key and session token were removed from this device and from the form.",
                                                    ),
                                                ),
                                            );
                                    }
                                >
                                    "Forget the secret key"
                                </button>
                            </div>
                        }
                    })
            }}
            <test_connection::TestConnection/>
        </fieldset>
    }
}
