//! What a policy answers ([`Decision`]), what can go wrong on the way ([`PolicyFault`]),
//! and a person's answer read from JSON without trusting it.

use serde_json::Value;

/// A policy's answer to one observation.
#[derive(Clone, Debug, PartialEq)]
pub struct Decision {
    /// The capacity it wants; `None`: hold (change nothing).
    pub capacity: Option<u32>,
    /// VMs to replace (terminated without lowering the desired capacity, so the domain
    /// starts new ones), by instance id.
    pub replace: Vec<String>,
    /// Why, in the policy's words (shown in the log).
    pub reason: String,
    /// What to remember for the next tick; `None`: keep the memory as it is.
    pub memory: Option<Value>,
}

impl Decision {
    /// Capacity `capacity` because of `reason`.
    pub fn set(capacity: u32, reason: impl Into<String>) -> Self {
        Self {
            capacity: Some(capacity),
            replace: Vec::new(),
            reason: reason.into(),
            memory: None,
        }
    }

    /// Change nothing, because of `reason`.
    pub fn hold(reason: impl Into<String>) -> Self {
        Self {
            capacity: None,
            replace: Vec::new(),
            reason: reason.into(),
            memory: None,
        }
    }

    /// Reads a person's result, `{ capacity: integer, reason: string, memory?: object,
    /// replace?: [string] }`, as JSON. Anything else is a [`PolicyFault::Malformed`] that
    /// says what is wrong, so the log can tell the person.
    pub fn from_json(text: &str) -> Result<Self, PolicyFault> {
        let malformed = |message: String| PolicyFault::Malformed { message };
        let value: Value = serde_json::from_str(text)
            .map_err(|e| malformed(format!("the result is not JSON: {e}")))?;
        let Value::Object(map) = value else {
            return Err(malformed(format!(
                "decide returned {}, not an object {{ capacity, reason }}",
                kind_of(&value)
            )));
        };
        let capacity = match map.get("capacity") {
            None | Some(Value::Null) => {
                return Err(malformed("the result has no capacity".to_string()))
            }
            Some(Value::Number(n)) => match n.as_u64() {
                Some(c) => Some(
                    u32::try_from(c)
                        .map_err(|_| malformed(format!("capacity {c} is too large")))?,
                ),
                None => {
                    return Err(malformed(format!(
                        "capacity {n} is not a whole number of at least 0"
                    )))
                }
            },
            Some(other) => {
                return Err(malformed(format!(
                    "capacity is {}, not a whole number",
                    kind_of(other)
                )))
            }
        };
        let reason = match map.get("reason") {
            Some(Value::String(s)) => s.chars().take(500).collect(),
            None | Some(Value::Null) => {
                return Err(malformed("the result has no reason (a string)".to_string()))
            }
            Some(other) => {
                return Err(malformed(format!(
                    "reason is {}, not a string",
                    kind_of(other)
                )))
            }
        };
        let memory = match map.get("memory") {
            None | Some(Value::Null) => None,
            Some(m @ Value::Object(_)) => {
                if m.to_string().len() > MAX_MEMORY_BYTES {
                    return Err(malformed(format!(
                        "memory is over {MAX_MEMORY_BYTES} bytes as JSON"
                    )));
                }
                Some(m.clone())
            }
            Some(other) => {
                return Err(malformed(format!(
                    "memory is {}, not an object",
                    kind_of(other)
                )))
            }
        };
        let replace = match map.get("replace") {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(ids)) => ids
                .iter()
                .map(|id| match id {
                    Value::String(s) => Ok(s.clone()),
                    other => Err(malformed(format!(
                        "replace holds {}, not an instance id (a string)",
                        kind_of(other)
                    ))),
                })
                .collect::<Result<_, _>>()?,
            Some(other) => {
                return Err(malformed(format!(
                    "replace is {}, not a list of instance ids",
                    kind_of(other)
                )))
            }
        };
        Ok(Self {
            capacity,
            replace,
            reason,
            memory,
        })
    }
}

/// A policy's memory is kept in the journal with every decision: at most this big.
pub const MAX_MEMORY_BYTES: usize = 16 * 1024;

fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// Why a policy gave no decision. The policy holds at that tick; repeated faults end
/// the run with a teardown, as a failed step does.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PolicyFault {
    /// The code does not compile (or defines no `decide`).
    #[error("{}the policy code does not compile: {message}", line_prefix(*line))]
    Compile {
        /// The engine's message.
        message: String,
        /// The line in the person's code, when known.
        line: Option<u32>,
    },
    /// `decide` threw.
    #[error("{}decide threw: {message}", line_prefix(*line))]
    Threw {
        /// The exception's message.
        message: String,
        /// The line in the person's code, when known.
        line: Option<u32>,
    },
    /// The answer is not `{ capacity, reason }`.
    #[error("decide returned a malformed result: {message}")]
    Malformed {
        /// What is wrong with it.
        message: String,
    },
    /// `decide` took longer than its limit (it was stopped).
    #[error("decide took longer than {limit_ms} ms and was stopped")]
    TimedOut {
        /// The limit.
        limit_ms: u32,
    },
    /// The policy could not run at all here.
    #[error("the policy cannot run: {message}")]
    Unavailable {
        /// Why.
        message: String,
    },
}

impl PolicyFault {
    /// The line in the person's code, when known.
    pub fn line(&self) -> Option<u32> {
        match self {
            PolicyFault::Compile { line, .. } | PolicyFault::Threw { line, .. } => *line,
            _ => None,
        }
    }
}

fn line_prefix(line: Option<u32>) -> String {
    line.map(|l| format!("line {l}: ")).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_full_result() {
        let d = Decision::from_json(
            r#"{"capacity":3,"reason":"queue","memory":{"n":1},"replace":["i-1"]}"#,
        )
        .unwrap();
        assert_eq!(d.capacity, Some(3));
        assert_eq!(d.reason, "queue");
        assert_eq!(d.replace, vec!["i-1".to_string()]);
        assert_eq!(d.memory, Some(serde_json::json!({"n": 1})));
    }

    #[test]
    fn refuses_what_is_not_a_decision() {
        for (text, says) in [
            ("3", "a number, not an object"),
            (r#"{"reason":"x"}"#, "no capacity"),
            (r#"{"capacity":1.5,"reason":"x"}"#, "not a whole number"),
            (r#"{"capacity":-1,"reason":"x"}"#, "not a whole number"),
            (
                r#"{"capacity":"2","reason":"x"}"#,
                "a string, not a whole number",
            ),
            (r#"{"capacity":2}"#, "no reason"),
            (
                r#"{"capacity":2,"reason":"x","memory":[1]}"#,
                "memory is a list",
            ),
            (
                r#"{"capacity":2,"reason":"x","replace":[1]}"#,
                "not an instance id",
            ),
        ] {
            let e = Decision::from_json(text).unwrap_err().to_string();
            assert!(e.contains(says), "{text}: {e}");
        }
    }

    #[test]
    fn a_fault_names_its_line() {
        let f = PolicyFault::Threw {
            message: "ReferenceError: x is not defined".into(),
            line: Some(3),
        };
        assert_eq!(
            f.to_string(),
            "line 3: decide threw: ReferenceError: x is not defined"
        );
    }
}
