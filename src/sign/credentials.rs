//! Credentials: an input to signing, never printed.

use std::fmt;

use super::SignError;

/// An access key pair, optionally with a session token.
///
/// `Debug` shows the access key ID only; the secret and the token are redacted so a
/// stray `{:?}` can never leak them into a log.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    access_key: String,
    secret_key: String,
    session_token: Option<String>,
}

impl Credentials {
    /// Checks that the pieces can be carried in a request: the access key must be
    /// non-empty and free of whitespace, `/`, `,` and `=` (it is embedded in the SigV4
    /// `Credential=` field); the secret must be non-empty; a session token, when given,
    /// must be non-empty and free of control characters (it travels in a header).
    pub fn new(
        access_key: impl Into<String>,
        secret_key: impl Into<String>,
        session_token: Option<String>,
    ) -> Result<Self, SignError> {
        let access_key = access_key.into();
        let secret_key = secret_key.into();
        if access_key.is_empty() {
            return Err(SignError::InvalidCredentials("the access key ID is empty"));
        }
        if access_key
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '/' | ',' | '='))
        {
            return Err(SignError::InvalidCredentials(
                "the access key ID contains a space, a control character, '/', ',' or '='",
            ));
        }
        if secret_key.is_empty() {
            return Err(SignError::InvalidCredentials(
                "the secret access key is empty",
            ));
        }
        let session_token = session_token.filter(|t| !t.is_empty());
        if let Some(token) = &session_token {
            if token.chars().any(char::is_control) {
                return Err(SignError::InvalidCredentials(
                    "the session token contains a control character",
                ));
            }
        }
        Ok(Self {
            access_key,
            secret_key,
            session_token,
        })
    }

    /// The access key ID (not secret).
    pub fn access_key(&self) -> &str {
        &self.access_key
    }

    /// The session token, if any.
    pub fn session_token(&self) -> Option<&str> {
        self.session_token.as_deref()
    }

    /// The secret, only so that error texts can be scrubbed of it (never display it).
    pub fn secret_for_redaction(&self) -> &str {
        &self.secret_key
    }

    /// The secret, for the signers in this module only.
    pub(super) fn secret_key(&self) -> &str {
        &self.secret_key
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("access_key", &self.access_key)
            .field("secret_key", &"** redacted **")
            .field(
                "session_token",
                &self.session_token.as_ref().map(|_| "** redacted **"),
            )
            .finish()
    }
}
