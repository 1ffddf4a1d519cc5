//! The secret key on its way from the environment or a file to the signer: a type whose
//! `Debug` shows nothing, read from a file without ever quoting the file's content.

use std::fmt;
use std::path::Path;

/// A secret file is at most this large (a secret key is 40 characters; a session token
/// a few hundred).
pub const MAX_SECRET_FILE_BYTES: u64 = 8 * 1024;

/// The secret access key. `Debug` redacts it; there is no `Display`.
#[derive(Clone, PartialEq, Eq)]
pub struct SecretText(String);

impl SecretText {
    /// Wraps `secret`.
    pub fn new(secret: impl Into<String>) -> Self {
        Self(secret.into())
    }

    /// The secret itself, for the signer and for redaction only.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The first line of a file's text (a trailing `\n` or `\r\n` is not part of it);
    /// further lines are ignored, so a key file may carry a comment below the key.
    pub fn from_file_text(text: &str) -> Self {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let line = text.split('\n').next().unwrap_or_default();
        Self(line.strip_suffix('\r').unwrap_or(line).to_string())
    }

    /// Reads [`SecretText::from_file_text`] from `path`. Errors name the file, never
    /// its content.
    pub fn read_file(path: &Path) -> Result<Self, String> {
        let shown = path.display();
        let size = std::fs::metadata(path)
            .map_err(|e| format!("cannot read the secret file {shown}: {e}"))?
            .len();
        if size > MAX_SECRET_FILE_BYTES {
            return Err(format!(
                "the secret file {shown} is {size} bytes: a secret file holds the key on its first line (at most {MAX_SECRET_FILE_BYTES} bytes)"
            ));
        }
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read the secret file {shown}: {e}"))?;
        Ok(Self::from_file_text(&text))
    }
}

impl fmt::Debug for SecretText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretText(<redacted>)")
    }
}
