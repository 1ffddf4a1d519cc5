//! Request parameters the way pyhantom (WebOb 1.2 under Python 2) sees
//! them: query string and form body together, `&` and `;` separated,
//! `+` as space, blank values kept; plus the V2 canonical encoding.

/// Query pairs first, then form-body pairs, each in the order sent.
#[derive(Debug, Default, Clone)]
pub struct Params {
    pub query: Vec<(String, String)>,
    pub body: Vec<(String, String)>,
}

impl Params {
    /// Every (key, value) pair, query first (duplicates included).
    pub fn pairs(&self) -> impl Iterator<Item = &(String, String)> {
        self.query.iter().chain(self.body.iter())
    }

    /// WebOb `NestedMultiDict.__getitem__`: the query wins over the body;
    /// within one of them the last value wins.
    pub fn get(&self, key: &str) -> Option<&str> {
        fn last<'a>(v: &'a [(String, String)], key: &str) -> Option<&'a str> {
            v.iter()
                .rev()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.as_str())
        }
        last(&self.query, key).or_else(|| last(&self.body, key))
    }

    pub fn contains(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// Keys in iteration order, duplicates included.
    pub fn keys(&self) -> Vec<&str> {
        self.pairs().map(|(k, _)| k.as_str()).collect()
    }
}

fn hexval(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

/// Python `unquote_plus`: `+` is a space, `%XX` a byte, a stray `%` stays.
pub fn unquote_plus(s: &[u8]) -> String {
    let mut out = Vec::with_capacity(s.len());
    let mut i = 0;
    while i < s.len() {
        match s[i] {
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b'%' if i + 2 < s.len() => match (hexval(s[i + 1]), hexval(s[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push(h * 16 + l);
                    i += 3;
                }
                _ => {
                    out.push(b'%');
                    i += 1;
                }
            },
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Python 2 `parse_qsl(qs, keep_blank_values=True)`.
pub fn parse_qsl(s: &[u8]) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for piece in s.split(|&c| c == b'&' || c == b';') {
        if piece.is_empty() {
            continue;
        }
        let (k, v) = match piece.iter().position(|&c| c == b'=') {
            Some(i) => (&piece[..i], &piece[i + 1..]),
            None => (piece, &b""[..]),
        };
        out.push((unquote_plus(k), unquote_plus(v)));
    }
    out
}

/// PHANTOM.md's V2 encoding: keep `A-Z a-z 0-9 - _ . ~`, every other byte
/// of the UTF-8 form becomes `%XX` with uppercase hex.
pub fn enc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for &b in s.as_bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// All parameters except `Signature`, sorted by the decoded key (code
/// point order == UTF-8 byte order), each `enc(k)=enc(v)`, joined by `&`.
/// Like pyhantom, a repeated key appears once per occurrence, each time
/// with the value `get` returns.
pub fn canonical_params(p: &Params) -> String {
    let mut keys: Vec<&str> = p.keys().into_iter().filter(|k| *k != "Signature").collect();
    keys.sort();
    keys.iter()
        .map(|k| format!("{}={}", enc(k), enc(p.get(k).unwrap_or(""))))
        .collect::<Vec<_>>()
        .join("&")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn qsl() {
        let v = parse_qsl(b"a=1&b=x+y;c&&d=%41%zz%4");
        assert_eq!(
            v,
            vec![
                ("a".into(), "1".into()),
                ("b".into(), "x y".into()),
                ("c".into(), "".into()),
                ("d".into(), "A%zz%4".into())
            ]
        );
    }

    #[test]
    fn encoding() {
        assert_eq!(enc("a b/~é"), "a%20b%2F~%C3%A9");
    }

    #[test]
    fn canonical_sorted_by_decoded_key() {
        let p = Params {
            query: parse_qsl(b"b=2&Signature=x&a%2Fz=1&a-=3"),
            body: vec![],
        };
        // decoded: "a-" < "a/z" ('-' 0x2D < '/' 0x2F) < "b"
        assert_eq!(canonical_params(&p), "a-=3&a%2Fz=1&b=2");
    }
}
