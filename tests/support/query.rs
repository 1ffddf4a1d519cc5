//! The Query parameters of a request as a server reads them: the URL's query and the form
//! body together, percent-decoded, in the order sent.
#![allow(dead_code)]

use phantom_de::api::HttpRequest;
use phantom_de::sign::encode::percent_decode;

/// Every parameter of `request`, query first, then the form body.
pub fn params_of(request: &HttpRequest) -> Vec<(String, String)> {
    let query = request
        .url
        .split_once('?')
        .map(|(_, q)| q)
        .unwrap_or_default();
    [query, request.body.as_str()]
        .iter()
        .flat_map(|s| s.split('&'))
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (percent_decode(k), percent_decode(v))
        })
        .collect()
}

/// The first value of parameter `name`.
pub fn param<'a>(params: &'a [(String, String)], name: &str) -> Option<&'a str> {
    params
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
}
