//! The core every section's checks share: [`FieldError`], the collector that keeps
//! problems in form order, numbers with their label, and the rules of text fields.

use std::fmt;

use serde::Serialize;

use crate::settings::field::Field;
use crate::settings::num::{parse_int, parse_seconds_ms, NumError};
use crate::settings::NumText;

/// One problem with the settings.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct FieldError {
    /// The field, such as `endpoint.url`, `clouds[1].name` or `ramp.steps[2].offset`
    /// (its path is its `to_string()`); a list-level problem names the list (`clouds`).
    pub field: Field,
    /// What is wrong, in a sentence; never contains a secret.
    pub message: String,
}

impl FieldError {
    /// A problem with `field`.
    pub fn new(field: impl Into<Field>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field.label(), self.message)
    }
}

/// Collects problems in form order.
#[derive(Default)]
pub(super) struct Check {
    pub(super) errors: Vec<FieldError>,
}

impl Check {
    pub(super) fn add(&mut self, field: impl Into<Field>, message: impl Into<String>) {
        self.errors.push(FieldError::new(field, message));
    }

    /// A whole number in `min..=max`, or a problem "`label` must be …".
    pub(super) fn int(
        &mut self,
        field: impl Into<Field>,
        label: &str,
        text: &NumText,
        min: u32,
        max: u32,
    ) -> Option<u32> {
        parse_int(text, min, max)
            .map_err(|e| self.add(field, num_message(label, &e)))
            .ok()
    }

    /// A time in seconds, as ms in `min..=max`, or a problem "`label` must be …".
    pub(super) fn secs(
        &mut self,
        field: impl Into<Field>,
        label: &str,
        text: &NumText,
        min: u64,
        max: u64,
    ) -> Option<u64> {
        parse_seconds_ms(text, min, max)
            .map_err(|e| self.add(field, num_message(label, &e)))
            .ok()
    }

    /// The value when nothing was wrong, otherwise every problem (and never an empty
    /// list: a value missing without a reason is a problem of the settings as a whole).
    pub(super) fn finish<T>(self, value: Option<T>) -> Result<T, Vec<FieldError>> {
        match value {
            Some(v) if self.errors.is_empty() => Ok(v),
            _ if self.errors.is_empty() => Err(vec![FieldError::new(
                Field::Settings,
                "The settings could not be checked",
            )]),
            _ => Err(self.errors),
        }
    }
}

/// "`label` must be at most 4": a number's problem as a sentence.
pub(super) fn num_message(label: &str, e: &NumError) -> String {
    format!("{label} {e}")
}

/// Characters that hide or reorder text: C0/C1 controls, zero-width and bidi controls.
pub(crate) fn invisible(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2069}' | '\u{FEFF}')
}

/// Whether `s` has a character [`invisible`] finds.
pub(super) fn has_invisible(s: &str) -> bool {
    s.chars().any(invisible)
}

/// `s` with its first letter in upper case, to start a sentence with. The sentences are
/// the app's own English messages, so ASCII is enough (Unicode's case tables would add
/// 30 KB to the page, issue 12).
pub(super) fn upper_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => std::iter::once(f.to_ascii_uppercase()).chain(c).collect(),
        None => String::new(),
    }
}

/// The rules of a single-line text field.
pub(super) struct TextRule<'a> {
    /// The message when empty; `None` when the field is optional.
    pub(super) required: Option<&'a str>,
    pub(super) max_chars: usize,
    /// "A domain name", to start messages with.
    pub(super) what: &'a str,
    pub(super) allowed: fn(char) -> bool,
    /// The message when a character is not allowed.
    pub(super) rule: &'a str,
}

/// Checks a single-line text against `r`: the text itself when it passes (empty for an
/// optional field left empty).
pub(super) fn text_field(
    c: &mut Check,
    field: impl Into<Field>,
    value: &str,
    r: TextRule<'_>,
) -> Option<String> {
    let what = r.what;
    let problem = if value.is_empty() {
        match r.required {
            Some(m) => Some(m.to_string()),
            None => return Some(String::new()),
        }
    } else if value.chars().count() > r.max_chars {
        Some(format!("{what} is at most {} characters", r.max_chars))
    } else if has_invisible(value) {
        Some(format!(
            "{what} cannot contain control or invisible characters"
        ))
    } else if value.trim() != value {
        Some(format!("{what} starts or ends with a space; remove it"))
    } else if !value.chars().all(r.allowed) {
        Some(r.rule.to_string())
    } else {
        None
    };
    match problem {
        Some(m) => {
            c.add(field, m);
            None
        }
        None => Some(value.to_string()),
    }
}

/// Letters, digits, `-`, `_` and `.`: names such as `m1.small` or `my_domain`.
pub(super) fn simple_name(ch: char) -> bool {
    ch.is_ascii_alphanumeric() || matches!(ch, '-' | '_' | '.')
}
