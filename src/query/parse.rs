//! The query language: implicit AND, `OR`, `-term`, `"phrases"`, parentheses and
//! `field:value`. Parsing never fails: whatever cannot be read as syntax is searched as text.

use serde::Serialize;

/// A field a query term can be restricted to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum QField {
    /// Title only.
    Title,
    /// Author names.
    Author,
    /// Venue (normalized).
    Venue,
    /// Year, single or range.
    Year,
    /// Topic id or name.
    Topic,
    /// arXiv id.
    Arxiv,
    /// Track.
    Track,
}

impl QField {
    fn from_name(s: &str) -> Option<QField> {
        Some(match s.to_ascii_lowercase().as_str() {
            "title" | "ti" => QField::Title,
            "author" | "authors" | "au" => QField::Author,
            "venue" | "conf" | "conference" => QField::Venue,
            "year" | "yr" => QField::Year,
            "topic" | "topics" => QField::Topic,
            "arxiv" | "arxiv_id" => QField::Arxiv,
            "track" => QField::Track,
            _ => return None,
        })
    }
}

/// A parsed query.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "op", rename_all = "lowercase")]
pub enum QueryNode {
    /// Words to find (a phrase when quoted), optionally in one field.
    Term {
        /// Field restriction.
        field: Option<QField>,
        /// The text as typed.
        text: String,
        /// Quoted: the words must stand together in this order.
        phrase: bool,
    },
    /// Every child must match.
    And {
        /// Children.
        nodes: Vec<QueryNode>,
    },
    /// At least one child must match.
    Or {
        /// Children.
        nodes: Vec<QueryNode>,
    },
    /// The child must not match.
    Not {
        /// Child.
        node: Box<QueryNode>,
    },
}

#[derive(Debug, Clone, PartialEq)]
enum Lex {
    Open,
    Close,
    Or,
    Item {
        neg: bool,
        field: Option<QField>,
        text: String,
        phrase: bool,
    },
}

fn lex(q: &str) -> Vec<Lex> {
    let chars: Vec<char> = q.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        match c {
            '(' | '（' => {
                out.push(Lex::Open);
                i += 1;
                continue;
            }
            ')' | '）' => {
                out.push(Lex::Close);
                i += 1;
                continue;
            }
            '|' => {
                out.push(Lex::Or);
                i += 1;
                continue;
            }
            _ => {}
        }
        let mut neg = false;
        if (c == '-' || c == '!') && i + 1 < chars.len() && !chars[i + 1].is_whitespace() {
            neg = true;
            i += 1;
        }
        // Optional field prefix: letters followed by ':' (or full-width '：').
        let mut field = None;
        let start = i;
        let mut j = i;
        while j < chars.len() && chars[j].is_ascii_alphabetic()
            || (j < chars.len() && chars[j] == '_')
        {
            j += 1;
        }
        if j > start && j < chars.len() && (chars[j] == ':' || chars[j] == '：') {
            let name: String = chars[start..j].iter().collect();
            if let Some(f) = QField::from_name(&name) {
                field = Some(f);
                i = j + 1;
            }
        }
        if i < chars.len() && matches!(chars[i], '"' | '“' | '”' | '「') {
            i += 1;
            let s = i;
            while i < chars.len() && !matches!(chars[i], '"' | '“' | '”' | '」') {
                i += 1;
            }
            let text: String = chars[s..i].iter().collect();
            i += 1; // closing quote, or past the end when unbalanced
            if !text.trim().is_empty() {
                out.push(Lex::Item {
                    neg,
                    field,
                    text: text.trim().to_string(),
                    phrase: true,
                });
            }
            continue;
        }
        let s = i;
        while i < chars.len()
            && !chars[i].is_whitespace()
            && !matches!(chars[i], '(' | ')' | '（' | '）' | '"' | '“' | '”')
        {
            i += 1;
        }
        let text: String = chars[s..i].iter().collect();
        if field.is_none() && !neg && (text == "OR" || text == "||") {
            out.push(Lex::Or);
        } else if !text.is_empty() {
            out.push(Lex::Item {
                neg,
                field,
                text,
                phrase: false,
            });
        } else if field.is_none() && i == s {
            // A lone '-' or similar: nothing to search.
            i += 1;
        }
    }
    out
}

struct Parser {
    toks: Vec<Lex>,
    pos: usize,
}

impl Parser {
    // or := and ( OR and )*
    fn or(&mut self) -> Option<QueryNode> {
        let mut alts = Vec::new();
        alts.extend(self.and());
        while self.pos < self.toks.len() && self.toks[self.pos] == Lex::Or {
            self.pos += 1;
            alts.extend(self.and());
        }
        match alts.len() {
            0 => None,
            1 => alts.pop(),
            _ => Some(QueryNode::Or { nodes: alts }),
        }
    }

    // and := atom*
    fn and(&mut self) -> Option<QueryNode> {
        let mut nodes = Vec::new();
        while self.pos < self.toks.len() {
            match &self.toks[self.pos] {
                Lex::Or => break,
                Lex::Close => {
                    // Closes a group when one is open; a stray one is ignored by the caller.
                    break;
                }
                Lex::Open => {
                    self.pos += 1;
                    let inner = self.or();
                    if self.pos < self.toks.len() && self.toks[self.pos] == Lex::Close {
                        self.pos += 1;
                    }
                    nodes.extend(inner);
                }
                Lex::Item {
                    neg,
                    field,
                    text,
                    phrase,
                } => {
                    let t = QueryNode::Term {
                        field: *field,
                        text: text.clone(),
                        phrase: *phrase,
                    };
                    nodes.push(if *neg {
                        QueryNode::Not { node: Box::new(t) }
                    } else {
                        t
                    });
                    self.pos += 1;
                }
            }
        }
        match nodes.len() {
            0 => None,
            1 => nodes.pop(),
            _ => Some(QueryNode::And { nodes }),
        }
    }
}

/// Parses a query string. `None` when there is nothing to search.
pub fn parse_query(q: &str) -> Option<QueryNode> {
    let mut p = Parser {
        toks: lex(q),
        pos: 0,
    };
    let mut parts = Vec::new();
    loop {
        parts.extend(p.or());
        if p.pos >= p.toks.len() {
            break;
        }
        // A stray ')' at top level: skip it and go on.
        p.pos += 1;
    }
    match parts.len() {
        0 => None,
        1 => parts.pop(),
        _ => Some(QueryNode::And { nodes: parts }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn term(t: &str) -> QueryNode {
        QueryNode::Term {
            field: None,
            text: t.into(),
            phrase: false,
        }
    }

    #[test]
    fn implicit_and_fields_phrases_and_negation() {
        let q = parse_query(r#""knowledge distillation" -survey venue:ICML"#).unwrap();
        assert_eq!(
            q,
            QueryNode::And {
                nodes: vec![
                    QueryNode::Term {
                        field: None,
                        text: "knowledge distillation".into(),
                        phrase: true
                    },
                    QueryNode::Not {
                        node: Box::new(term("survey"))
                    },
                    QueryNode::Term {
                        field: Some(QField::Venue),
                        text: "ICML".into(),
                        phrase: false
                    },
                ]
            }
        );
    }

    #[test]
    fn or_and_parentheses() {
        let q = parse_query("(diffusion OR gan) year:2023").unwrap();
        assert_eq!(
            q,
            QueryNode::And {
                nodes: vec![
                    QueryNode::Or {
                        nodes: vec![term("diffusion"), term("gan")]
                    },
                    QueryNode::Term {
                        field: Some(QField::Year),
                        text: "2023".into(),
                        phrase: false
                    },
                ]
            }
        );
    }

    #[test]
    fn malformed_queries_still_parse() {
        assert_eq!(
            parse_query("\"unbalanced quote"),
            Some(QueryNode::Term {
                field: None,
                text: "unbalanced quote".into(),
                phrase: true
            })
        );
        assert_eq!(
            parse_query("a ) b"),
            Some(QueryNode::And {
                nodes: vec![term("a"), term("b")]
            })
        );
        assert_eq!(parse_query("((a"), Some(term("a")));
        assert_eq!(parse_query(" - "), Some(term("-")));
        assert_eq!(parse_query("foo:bar"), Some(term("foo:bar")));
        assert_eq!(parse_query("   "), None);
        assert_eq!(parse_query("OR OR"), None);
    }
}
