//! A tiny DOM that serialises like Python 2.7 `xml.dom.minidom`:
//! `toxml()` for Describe answers, `toprettyxml()` for the others.

#[derive(Debug, Clone)]
pub enum Node {
    Elem(Elem),
    Text(String),
}

#[derive(Debug, Clone)]
pub struct Elem {
    pub name: String,
    pub attrs: Vec<(String, String)>,
    pub children: Vec<Node>,
}

impl Elem {
    pub fn new(name: &str) -> Elem {
        Elem {
            name: name.to_string(),
            attrs: Vec::new(),
            children: Vec::new(),
        }
    }

    pub fn attr(mut self, k: &str, v: &str) -> Elem {
        self.attrs.push((k.to_string(), v.to_string()));
        self
    }

    pub fn push(&mut self, e: Elem) {
        self.children.push(Node::Elem(e));
    }

    /// Append `<name>text</name>`, or `<name/>` for `None`.
    pub fn leaf(&mut self, name: &str, text: Option<&str>) {
        let mut e = Elem::new(name);
        if let Some(t) = text {
            e.children.push(Node::Text(t.to_string()));
        }
        self.push(e);
    }

    fn attrs_sorted(&self) -> Vec<&(String, String)> {
        let mut a: Vec<&(String, String)> = self.attrs.iter().collect();
        a.sort_by(|x, y| x.0.cmp(&y.0));
        a
    }

    /// minidom `toxml()` of this element (no XML declaration).
    pub fn to_xml(&self) -> String {
        let mut out = String::new();
        self.write(&mut out, "", "", "");
        out
    }

    /// minidom `toprettyxml()` of this element: tab indent, newline after
    /// each element, single text children inline.
    pub fn to_pretty_xml(&self) -> String {
        let mut out = String::new();
        self.write(&mut out, "", "\t", "\n");
        out
    }

    fn write(&self, out: &mut String, indent: &str, addindent: &str, newl: &str) {
        out.push_str(indent);
        out.push('<');
        out.push_str(&self.name);
        for (k, v) in self.attrs_sorted() {
            out.push(' ');
            out.push_str(k);
            out.push_str("=\"");
            out.push_str(&escape(v));
            out.push('"');
        }
        if self.children.is_empty() {
            out.push_str("/>");
            out.push_str(newl);
            return;
        }
        out.push('>');
        if let [Node::Text(t)] = self.children.as_slice() {
            out.push_str(&escape(t));
        } else {
            out.push_str(newl);
            let inner = format!("{indent}{addindent}");
            for c in &self.children {
                match c {
                    Node::Elem(e) => e.write(out, &inner, addindent, newl),
                    Node::Text(t) => {
                        out.push_str(&inner);
                        out.push_str(&escape(t));
                        out.push_str(newl);
                    }
                }
            }
            out.push_str(indent);
        }
        out.push_str("</");
        out.push_str(&self.name);
        out.push('>');
        out.push_str(newl);
    }
}

/// minidom `_write_data`: `&`, `<`, `"`, `>`.
pub fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('"', "&quot;")
        .replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pretty_and_compact() {
        let mut root = Elem::new("R").attr("xmlns", "ns");
        let mut md = Elem::new("ResponseMetadata");
        md.leaf("RequestId", Some("x"));
        root.push(md);
        root.leaf("Empty", None);
        assert_eq!(
            root.to_xml(),
            "<R xmlns=\"ns\"><ResponseMetadata><RequestId>x</RequestId></ResponseMetadata><Empty/></R>"
        );
        assert_eq!(
            root.to_pretty_xml(),
            "<R xmlns=\"ns\">\n\t<ResponseMetadata>\n\t\t<RequestId>x</RequestId>\n\t</ResponseMetadata>\n\t<Empty/>\n</R>\n"
        );
    }
}
