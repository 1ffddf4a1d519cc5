//! Request input decoding with the semantics of pyhantom's
//! `ObjectFromReqInput.set_from_dict`: MissingParameter for absent needed
//! keys, prefix-matched `Name.member.N` lists, Python `int()`/boolean
//! conversion, and Python's errors (→ InternalFailure) for malformed input.
//! Key lists are given in the iteration order of pyhantom's Python 2
//! dicts, which decides which error is reported first.

use crate::errors::PhantomError;
use crate::model::py_int;
use crate::params::Params;
use std::collections::{BTreeMap, HashMap};

#[derive(Clone, Copy, PartialEq)]
pub enum Ty {
    Str,
    Int,
    Bool,
    /// Declared but not read (pyhantom's `None` type).
    Skip,
}

#[derive(Clone, Copy)]
pub enum ListTy {
    Str,
    /// A list of structures with these field names.
    Struct(&'static [&'static str]),
}

pub struct Spec {
    pub needed: &'static [(&'static str, Ty)],
    pub optional: &'static [(&'static str, Ty)],
    pub needed_lists: &'static [(&'static str, ListTy)],
    pub optional_lists: &'static [(&'static str, ListTy)],
}

#[derive(Debug, Clone, PartialEq)]
pub enum Val {
    Str(String),
    Int(i64),
    Bool(bool),
}

#[derive(Debug, Default)]
pub struct Input {
    vals: HashMap<&'static str, Val>,
    lists: HashMap<&'static str, Vec<String>>,
    structs: HashMap<&'static str, Vec<BTreeMap<String, String>>>,
}

impl Input {
    pub fn str(&self, k: &str) -> Option<&str> {
        match self.vals.get(k) {
            Some(Val::Str(s)) => Some(s),
            _ => None,
        }
    }

    pub fn int(&self, k: &str) -> Option<i64> {
        match self.vals.get(k) {
            Some(Val::Int(i)) => Some(*i),
            _ => None,
        }
    }

    pub fn bool(&self, k: &str) -> bool {
        matches!(self.vals.get(k), Some(Val::Bool(true)))
    }

    /// A primitive list; `None` when no non-empty member was given (the
    /// attribute was never set in pyhantom).
    pub fn list(&self, k: &str) -> Option<&Vec<String>> {
        self.lists.get(k)
    }

    pub fn structs(&self, k: &str) -> &[BTreeMap<String, String>] {
        self.structs.get(k).map(Vec::as_slice).unwrap_or(&[])
    }
}

/// Python `bool` per pyhantom: only "true" (any case) is true.
pub fn py_bool(s: &str) -> bool {
    s.to_lowercase() == "true"
}

fn convert(v: &str, t: Ty) -> Result<Option<Val>, PhantomError> {
    Ok(match t {
        Ty::Str => Some(Val::Str(v.to_string())),
        Ty::Int => Some(Val::Int(py_int(v).map_err(|e| PhantomError::internal(&e))?)),
        Ty::Bool => Some(Val::Bool(py_bool(v))),
        Ty::Skip => None,
    })
}

/// Python list indexing `l[i]` with negative indices.
fn py_index(len: usize, i: i64) -> Option<usize> {
    let idx = if i < 0 { len as i64 + i } else { i };
    (idx >= 0 && (idx as usize) < len).then_some(idx as usize)
}

const INDEX_ERROR: &str = "list index out of range";

pub fn decode(params: &Params, spec: &Spec) -> Result<Input, PhantomError> {
    for (k, _) in spec.needed {
        if !params.contains(k) {
            return Err(PhantomError::aws(
                "MissingParameter",
                &format!("parameter {k} missing"),
            ));
        }
    }
    for (k, _) in spec.needed_lists {
        if !params.keys().iter().any(|p| p.starts_with(k)) {
            return Err(PhantomError::aws(
                "MissingParameter",
                &format!("parameter {k} missing"),
            ));
        }
    }
    let mut input = Input::default();
    for p in params.keys() {
        for (pl, lt) in spec.needed_lists.iter().chain(spec.optional_lists) {
            if !p.starts_with(pl) {
                continue;
            }
            let value = params.get(p).unwrap_or("");
            match lt {
                ListTy::Str => {
                    if !value.is_empty() {
                        input.lists.entry(pl).or_default().push(value.to_string());
                    }
                }
                ListTy::Struct(fields) => {
                    let parts: Vec<&str> = p.splitn(4, '.').collect();
                    let ndx_str = parts
                        .get(2)
                        .ok_or_else(|| PhantomError::internal(INDEX_ERROR))?;
                    let ndx = py_int(ndx_str).map_err(|e| PhantomError::internal(&e))?;
                    let list = input.structs.entry(pl).or_default();
                    while (list.len() as i64) < ndx {
                        list.push(BTreeMap::new());
                    }
                    let at = py_index(list.len(), ndx - 1)
                        .ok_or_else(|| PhantomError::internal(INDEX_ERROR))?;
                    let field = parts
                        .get(3)
                        .ok_or_else(|| PhantomError::internal(INDEX_ERROR))?;
                    if !fields.contains(field) {
                        return Err(PhantomError::aws(
                            &format!("{field} is not a known value name"),
                            "",
                        ));
                    }
                    list[at].insert(field.to_string(), value.to_string());
                }
            }
        }
    }
    for (k, t) in spec.needed.iter().chain(spec.optional) {
        if let Some(v) = params.get(k) {
            if let Some(val) = convert(v, *t)? {
                input.vals.insert(k, val);
            }
        }
    }
    Ok(input)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::params::parse_qsl;

    const SPEC: Spec = Spec {
        needed: &[("B", Ty::Int), ("A", Ty::Str)],
        optional: &[("F", Ty::Bool)],
        needed_lists: &[("Zones", ListTy::Str)],
        optional_lists: &[("Tags", ListTy::Struct(&["Key", "Value"]))],
    };

    fn p(q: &str) -> Params {
        Params {
            query: parse_qsl(q.as_bytes()),
            body: vec![],
        }
    }

    #[test]
    fn missing_in_dict_order() {
        let e = decode(&p("A=1"), &SPEC).unwrap_err();
        assert_eq!(
            (e.title.as_str(), e.detail.as_str()),
            ("MissingParameter", "parameter B missing")
        );
        let e = decode(&p("A=1&B=2"), &SPEC).unwrap_err();
        assert_eq!(e.detail, "parameter Zones missing");
    }

    #[test]
    fn lists_and_structs() {
        let i = decode(
            &p("A=x&B=%203%20&Zones.member.1=z&Zones.member.2=&Tags.member.2.Key=k&Tags.member.1.Value=v&F=TRUE"),
            &SPEC,
        )
        .unwrap();
        assert_eq!(i.int("B"), Some(3));
        assert!(i.bool("F"));
        assert_eq!(i.list("Zones").unwrap(), &vec!["z".to_string()]);
        assert_eq!(i.structs("Tags").len(), 2);
        assert_eq!(i.structs("Tags")[1]["Key"], "k");
    }

    #[test]
    fn python_errors_become_internal_failure() {
        let e = decode(&p("A=x&B=abc&Zones=1"), &SPEC).unwrap_err();
        assert_eq!(e.status_line(), "500 InternalFailure");
        assert_eq!(e.detail, "invalid literal for int() with base 10: 'abc'");
        let e = decode(&p("A=x&B=1&Zones=1&Tags.member.1.Foo=1"), &SPEC).unwrap_err();
        assert_eq!(e.detail, "'Foo is not a known value name'");
        let e = decode(&p("A=x&B=1&Zones=1&Tags=1"), &SPEC).unwrap_err();
        assert_eq!(e.detail, "list index out of range");
    }
}
