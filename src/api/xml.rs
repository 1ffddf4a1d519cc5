//! A small XML tree built with quick-xml: local names only (namespaces are ignored, so
//! `2009-05-15` Phantom and `2011-01-01` AWS documents read alike), text with entities
//! resolved, and look-ups by name that do not depend on element order.

use quick_xml::events::Event;
use quick_xml::Reader;

/// An element: its local name, its child elements and its own text.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Element {
    /// Local name, without any namespace prefix.
    pub name: String,
    /// Child elements in document order.
    pub children: Vec<Element>,
    /// Concatenated text directly inside this element (not its children's).
    pub text: String,
}

/// Deepest nesting accepted; a server answer is never this deep, a hostile one may be.
const MAX_DEPTH: usize = 64;

impl Element {
    /// Parses a whole document and returns its root element.
    pub fn parse(document: &str) -> Result<Element, String> {
        let mut reader = Reader::from_str(document);
        let mut stack: Vec<Element> = Vec::new();
        let mut root: Option<Element> = None;
        loop {
            let event = reader.read_event().map_err(|e| {
                format!(
                    "not well-formed XML at byte {}: {e}",
                    reader.buffer_position()
                )
            })?;
            match event {
                Event::Start(start) => {
                    if root.is_some() {
                        return Err("content after the root element".into());
                    }
                    if stack.len() >= MAX_DEPTH {
                        return Err(format!("elements nested deeper than {MAX_DEPTH}"));
                    }
                    stack.push(Element {
                        name: local(start.name().as_ref()),
                        ..Element::default()
                    });
                }
                Event::Empty(start) => {
                    let element = Element {
                        name: local(start.name().as_ref()),
                        ..Element::default()
                    };
                    match stack.last_mut() {
                        Some(parent) => parent.children.push(element),
                        None if root.is_none() => root = Some(element),
                        None => return Err("content after the root element".into()),
                    }
                }
                Event::End(end) => {
                    let element = stack.pop().ok_or("a closing tag without an opening one")?;
                    if element.name != local(end.name().as_ref()) {
                        return Err(format!(
                            "<{}> closed by </{}>",
                            element.name,
                            local(end.name().as_ref())
                        ));
                    }
                    match stack.last_mut() {
                        Some(parent) => parent.children.push(element),
                        None => root = Some(element),
                    }
                }
                Event::Text(text) => {
                    if let Some(current) = stack.last_mut() {
                        current.text.push_str(&text.xml10_content());
                    } else if !text.trim().is_empty() {
                        return Err("text outside the root element".into());
                    }
                }
                Event::CData(data) => {
                    if let Some(current) = stack.last_mut() {
                        current.text.push_str(&data.into_inner());
                    }
                }
                Event::GeneralRef(reference) => {
                    let resolved = match reference.resolve_char_ref() {
                        Ok(Some(c)) => c.to_string(),
                        Ok(None) => match &*reference {
                            "lt" => "<".into(),
                            "gt" => ">".into(),
                            "amp" => "&".into(),
                            "apos" => "'".into(),
                            "quot" => "\"".into(),
                            other => return Err(format!("unknown entity &{other};")),
                        },
                        Err(e) => return Err(format!("bad character reference: {e}")),
                    };
                    if let Some(current) = stack.last_mut() {
                        current.text.push_str(&resolved);
                    }
                }
                Event::Eof => break,
                Event::Decl(_) | Event::PI(_) | Event::Comment(_) | Event::DocType(_) => {}
            }
        }
        if !stack.is_empty() {
            return Err("the document ends inside an element".into());
        }
        root.ok_or_else(|| "no root element".into())
    }

    /// The first child named `name`.
    pub fn child(&self, name: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.name == name)
    }

    /// All children named `name`.
    pub fn children_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Element> + 'a {
        self.children.iter().filter(move |c| c.name == name)
    }

    /// The first element named `name` at any depth below this one (depth-first, document
    /// order), so wrappers such as `...Result` may or may not be present.
    pub fn find(&self, name: &str) -> Option<&Element> {
        for child in &self.children {
            if child.name == name {
                return Some(child);
            }
            if let Some(found) = child.find(name) {
                return Some(found);
            }
        }
        None
    }

    /// The trimmed text of the child `name`, if that child exists.
    pub fn child_text(&self, name: &str) -> Option<&str> {
        self.child(name).map(|c| c.text.trim())
    }

    /// The `member` children of the child `list` (an AWS Query list), or nothing.
    pub fn members<'a>(&'a self, list: &str) -> impl Iterator<Item = &'a Element> + 'a {
        self.child(list)
            .into_iter()
            .flat_map(|l| l.children_named("member"))
    }
}

fn local(qualified: &str) -> String {
    qualified
        .rsplit(':')
        .next()
        .unwrap_or(qualified)
        .to_string()
}
