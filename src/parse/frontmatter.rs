//! YAML front matter (`---` … `---` at the top of a page), read with a small tolerant subset of
//! YAML: scalars, quoted strings, folded/literal blocks (`>-`, `|`), block and flow lists.

/// A front matter value.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// A scalar, unquoted and unescaped.
    Str(String),
    /// A list of scalars.
    List(Vec<String>),
}

impl Value {
    /// The value as one string (list items joined by `, `).
    pub fn joined(&self) -> String {
        match self {
            Value::Str(s) => s.clone(),
            Value::List(v) => v.join(", "),
        }
    }

    /// The value as a list (a scalar becomes a one-item list).
    pub fn items(&self) -> Vec<String> {
        match self {
            Value::Str(s) if s.is_empty() => Vec::new(),
            Value::Str(s) => vec![s.clone()],
            Value::List(v) => v.clone(),
        }
    }
}

/// Parsed front matter: keys (lowercase) in file order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FrontMatter {
    /// `(key, value)` pairs.
    pub entries: Vec<(String, Value)>,
}

impl FrontMatter {
    /// The first value under any of `keys`.
    pub fn get(&self, keys: &[&str]) -> Option<&Value> {
        keys.iter().find_map(|k| {
            self.entries
                .iter()
                .find(|(key, _)| key == k)
                .map(|(_, v)| v)
        })
    }
}

fn unquote(s: &str) -> String {
    let s = s.trim();
    if s.len() >= 2 {
        if let Some(inner) = s.strip_prefix('"').and_then(|r| r.strip_suffix('"')) {
            return inner.replace("\\\"", "\"").replace("\\\\", "\\");
        }
        if let Some(inner) = s.strip_prefix('\'').and_then(|r| r.strip_suffix('\'')) {
            return inner.replace("''", "'");
        }
    }
    s.to_string()
}

/// Splits a flow list `[a, "b, c", 'd']` on commas outside quotes.
fn flow_list(s: &str) -> Vec<String> {
    let inner = s.trim().trim_start_matches('[').trim_end_matches(']');
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quote: Option<char> = None;
    for c in inner.chars() {
        match (quote, c) {
            (None, '"' | '\'') => {
                quote = Some(c);
                cur.push(c);
            }
            (Some(q), _) if c == q => {
                quote = None;
                cur.push(c);
            }
            (None, ',') => {
                out.push(unquote(&cur));
                cur.clear();
            }
            _ => cur.push(c),
        }
    }
    if !cur.trim().is_empty() {
        out.push(unquote(&cur));
    }
    out.retain(|s| !s.is_empty());
    out
}

/// Keys that only front matter uses; one of them makes an unterminated block front matter.
const TELLING_KEYS: &[&str] = &[
    "title",
    "date",
    "tags",
    "categories",
    "author",
    "authors",
    "layout",
    "description",
    "keywords",
    "url",
];

/// Where an unterminated front matter block ends: at its first blank line, when every line
/// before it reads as YAML (`key: value`, indented or list continuation lines) and one key is a
/// [`TELLING_KEYS`] one. A page whose closing `---` was lost keeps its title and tags.
fn unterminated_end(lines: &[&str]) -> Option<usize> {
    let blank = lines
        .iter()
        .take(300)
        .skip(1)
        .position(|l| l.trim().is_empty())
        .map(|p| p + 1)
        .unwrap_or(lines.len().min(300));
    let block = lines.get(1..blank)?;
    let mut telling = false;
    for l in block {
        if l.starts_with([' ', '\t']) {
            continue;
        }
        let (key, _) = l.split_once(':')?;
        let simple = !key.is_empty()
            && key.len() <= 40
            && key
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
        if !simple {
            return None;
        }
        telling |= TELLING_KEYS.contains(&key.to_ascii_lowercase().as_str());
    }
    telling.then_some(blank)
}

/// Reads front matter from the start of `lines`; returns it and the index of the first body
/// line. Pages without front matter give `(default, 0)`, and so does an unterminated block unless
/// it reads as front matter up to its first blank line (see [`unterminated_end`]).
pub fn parse(lines: &[&str]) -> (FrontMatter, usize) {
    let Some(first) = lines.first() else {
        return (FrontMatter::default(), 0);
    };
    if first.trim_start_matches('\u{feff}').trim() != "---" {
        return (FrontMatter::default(), 0);
    }
    // A closing fence far down is more likely a horizontal rule than front matter.
    let Some(end) = lines
        .iter()
        .take(300)
        .skip(1)
        .position(|l| matches!(l.trim(), "---" | "..."))
        .map(|p| p + 1)
        .or_else(|| unterminated_end(lines))
    else {
        return (FrontMatter::default(), 0);
    };
    let mut fm = FrontMatter::default();
    let mut i = 1;
    while i < end {
        let line = lines[i];
        i += 1;
        if line.starts_with([' ', '\t', '#']) || line.trim().is_empty() {
            continue;
        }
        let Some((key, rest)) = line.split_once(':') else {
            continue;
        };
        let key = key.trim().to_lowercase();
        let rest = rest.trim();
        // Indented continuation lines belong to this key.
        let mut block: Vec<&str> = Vec::new();
        while i < end && (lines[i].starts_with([' ', '\t']) || lines[i].trim().is_empty()) {
            block.push(lines[i]);
            i += 1;
        }
        let value = if rest.starts_with('[') {
            let mut s = rest.to_string();
            for b in &block {
                s.push(' ');
                s.push_str(b.trim());
            }
            Value::List(flow_list(&s))
        } else if rest.starts_with('>') || rest.starts_with('|') {
            let sep = if rest.starts_with('>') { " " } else { "\n" };
            let parts: Vec<&str> = block
                .iter()
                .map(|b| b.trim())
                .filter(|b| !b.is_empty())
                .collect();
            Value::Str(parts.join(sep))
        } else if rest.is_empty() && block.iter().any(|b| b.trim_start().starts_with("- ")) {
            Value::List(
                block
                    .iter()
                    .filter_map(|b| b.trim_start().strip_prefix("- "))
                    .map(unquote)
                    .filter(|s| !s.is_empty())
                    .collect(),
            )
        } else {
            let mut s = unquote(rest);
            for b in &block {
                if !b.trim().is_empty() {
                    s.push(' ');
                    s.push_str(b.trim());
                }
            }
            Value::Str(s)
        };
        fm.entries.push((key, value));
    }
    (fm, (end + 1).min(lines.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folded_lists_and_flow() {
        let text = "---\ntitle: >-\n  [论文解读] A: B\ntags:\n  - \"CVPR 2025\"\n  - x\nkw: [a, \"b, c\"]\nauthors: \"Ann, Bob\"\n---\n# H";
        let lines: Vec<&str> = text.lines().collect();
        let (fm, body) = parse(&lines);
        assert_eq!(body, 9);
        assert_eq!(
            fm.get(&["title"]),
            Some(&Value::Str("[论文解读] A: B".into()))
        );
        assert_eq!(fm.get(&["tags"]).unwrap().items(), vec!["CVPR 2025", "x"]);
        assert_eq!(fm.get(&["kw"]).unwrap().items(), vec!["a", "b, c"]);
        assert_eq!(fm.get(&["authors"]).unwrap().joined(), "Ann, Bob");
    }

    #[test]
    fn no_front_matter() {
        let (fm, body) = parse(&["# Title", "---"]);
        assert!(fm.entries.is_empty());
        assert_eq!(body, 0);
        assert_eq!(parse(&["---", "a: b"]).1, 0);
        // A horizontal rule followed by prose is not front matter.
        assert_eq!(parse(&["---", "Note: read this", "", "Body"]).1, 0);
        assert_eq!(parse(&["---", "", "title: x"]).1, 0);
    }

    #[test]
    fn unterminated_block_ends_at_its_first_blank_line() {
        let lines = [
            "---",
            "title: Lost Fence",
            "tags:",
            "  - a",
            "date: 2024-01-01",
            "",
            "Body.",
        ];
        let (fm, body) = parse(&lines);
        assert_eq!(fm.get(&["title"]), Some(&Value::Str("Lost Fence".into())));
        assert_eq!(fm.get(&["tags"]).map(Value::items), Some(vec!["a".into()]));
        assert_eq!(lines[body..].concat(), "Body.");
        // Front matter only, without its closing fence.
        let (fm, body) = parse(&["---", "title: Only"]);
        assert_eq!(
            (fm.get(&["title"]).map(Value::joined), body),
            (Some("Only".into()), 2)
        );
    }
}
