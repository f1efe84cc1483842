//! Chat messages: the OpenAI shape (`{ role, content, name?, tool_calls?, tool_call_id? }`),
//! with Anthropic's content blocks accepted and read into the same model.
//!
//! Parsing validates and explains: every error names the message index and the field.

use crate::error::{Error, Result};
use serde_json::Value;

/// Who wrote a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// `system`
    System,
    /// `developer` (OpenAI's newer name for system instructions)
    Developer,
    /// `user`
    User,
    /// `assistant`
    Assistant,
    /// `tool` (a tool result)
    Tool,
    /// `function` (the legacy function-result role)
    Function,
}

impl Role {
    /// The role's wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::System => "system",
            Role::Developer => "developer",
            Role::User => "user",
            Role::Assistant => "assistant",
            Role::Tool => "tool",
            Role::Function => "function",
        }
    }
    fn parse(s: &str, i: usize) -> Result<Role> {
        Ok(match s {
            "system" => Role::System,
            "developer" => Role::Developer,
            "user" => Role::User,
            "assistant" => Role::Assistant,
            "tool" => Role::Tool,
            "function" => Role::Function,
            _ => {
                return Err(Error::invalid_message(format!(
                    "messages[{i}].role is '{s}'; use system, developer, user, assistant or tool"
                )))
            }
        })
    }
}

/// OpenAI's image detail setting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Detail {
    /// `low`: a fixed 512×512 budget.
    Low,
    /// `high`: tiles.
    High,
    /// `auto` (the default): the service decides; counted as `high`.
    Auto,
}

/// An image: its pixel size when known.
#[derive(Debug, Clone, PartialEq)]
pub struct Image {
    /// Width and height in pixels, read from a data URL / base64 header or given by the caller.
    pub size: Option<(u32, u32)>,
    /// Detail setting (OpenAI).
    pub detail: Detail,
}

/// One part of a message's content.
#[derive(Debug, Clone, PartialEq)]
pub enum Part {
    /// Text.
    Text(String),
    /// An image.
    Image(Image),
    /// A tool call inside content (Anthropic `tool_use`).
    ToolUse {
        /// Tool name.
        name: String,
        /// Arguments as JSON text.
        arguments: String,
    },
    /// A tool result inside content (Anthropic `tool_result`).
    ToolResult {
        /// The result text.
        text: String,
    },
}

/// A tool call made by the assistant (OpenAI `tool_calls[]`).
#[derive(Debug, Clone, PartialEq)]
pub struct ToolCall {
    /// Call id.
    pub id: String,
    /// Function name.
    pub name: String,
    /// Arguments as JSON text.
    pub arguments: String,
}

/// A validated chat message.
#[derive(Debug, Clone, PartialEq)]
pub struct Message {
    /// Role.
    pub role: Role,
    /// Content parts (a string content is one `Text` part).
    pub parts: Vec<Part>,
    /// Optional participant name.
    pub name: Option<String>,
    /// Tool calls (assistant).
    pub tool_calls: Vec<ToolCall>,
    /// The call this message answers (tool).
    pub tool_call_id: Option<String>,
}

/// Most settings an action line names (see [`settings`]).
const SETTINGS: usize = 4;

/// The settings a file or an output makes, in order, at most [`SETTINGS`]: `Key=Value`,
/// `key = value`, `key: value` and `"key": value` lines whose value has a digit
/// (`RestartSec=45s`, `tenant_id = "VLN-0088-4471"`, `retries: 4`, `"delay_ms": 1500,`) — the
/// numbers and ids a config, a unit file or a JSON document pins down.
pub fn settings(text: &str) -> Vec<&str> {
    let mut out: Vec<&str> = Vec::new();
    // (a JSON object on one line is read entry by entry: {"retry": {"max_attempts": 4}})
    let entries = text.lines().map(str::trim).flat_map(|l| {
        let json = l.starts_with('{') && l.len() <= 300;
        let parts: Vec<&str> = if json {
            l.split([',', '{', '}']).map(str::trim).collect()
        } else {
            vec![l]
        };
        parts
    });
    for l in entries {
        let value = if assignment(l) {
            l.split_once('=').map(|(_, v)| v)
        } else {
            keyed(l)
        };
        let pins = value.is_some_and(|v| v.chars().any(|c| c.is_ascii_digit()));
        if pins && l.len() <= 100 && !out.contains(&l) {
            out.push(l);
            if out.len() == SETTINGS {
                break;
            }
        }
    }
    out
}

/// True for a `Key=Value` / `key = value` line (a config entry, a unit file's setting).
pub fn assignment(line: &str) -> bool {
    line.split_once('=').is_some_and(|(key, value)| {
        let key = key.trim_end();
        key.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
            && key.len() <= 40
            && key
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
            && !value.starts_with('=')
    })
}

/// The value of a YAML or JSON `key: value` line (`retries: 4`, `"delay_ms": 1500,`, `- max_attempts: 5`):
/// a key of one word, quoted or not; `None` for other lines.
pub fn keyed(line: &str) -> Option<&str> {
    let line = line.strip_prefix("- ").unwrap_or(line);
    let (key, value) = line.split_once(": ")?;
    let key = key.trim_matches('"').trim_matches('\'');
    // (not a language label of a translation pair: "EN: …", "FR: …")
    let label = key.len() <= 3 && key.chars().all(|c| c.is_ascii_uppercase());
    (!label
        && key.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && key.len() <= 40
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-')))
    .then_some(value)
}

/// Functions a piece of code defines (`def name(`, `fn name(`, `function name(`, shell's
/// `name() {`), in order, at most four; none for a single line.
fn defined_names(code: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    if !code.trim().contains('\n') {
        return out;
    }
    for l in code.lines() {
        let t = l.trim_start();
        let t = t
            .trim_start_matches("pub ")
            .trim_start_matches("export ")
            .trim_start_matches("async ");
        let rest = ["def ", "fn ", "function "]
            .iter()
            .find_map(|kw| t.strip_prefix(kw))
            .unwrap_or(t);
        let name: String = rest
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        let after = rest[name.len()..].trim_start();
        let keyword = rest.len() < t.len();
        let shell = after.starts_with("()") && after[2..].trim_start().starts_with('{');
        if name.chars().count() >= 3 && (keyword && after.starts_with(['(', '<']) || shell) {
            let f = format!("{name}()");
            if out.contains(&f) {
                continue;
            }
            out.push(f);
            if out.len() == 4 {
                break;
            }
        }
    }
    out
}

/// Most notes taken from the code one message writes (see [`code_notes`]).
const NOTES: usize = 6;
/// A note longer than this is cut (a licence header, a long module docstring).
const NOTE_CHARS: usize = 400;

/// The prose inside a piece of code: its docstrings (`"""…"""`, `'''…'''`, `/* … */`) and its
/// comments (`# …`, `// …`, `-- …`, whole lines or after code), a paragraph each, consecutive
/// comment lines joined — "A failed POST is retried six times with exponential backoff". Only
/// paragraphs of at least four words that read as prose (not commented-out code, not a
/// shebang or a directive), at most [`NOTES`]. None for a single line.
pub fn code_notes(code: &str) -> Vec<String> {
    prose_in(code, true)
}

/// The comments of a piece of code, as [`code_notes`] reads them, without its docstrings (which
/// a quoted library function carries as much as code someone wrote).
pub fn code_comments(code: &str) -> Vec<String> {
    prose_in(code, false)
}

fn prose_in(code: &str, docstrings: bool) -> Vec<String> {
    let mut paras: Vec<String> = Vec::new();
    if !code.trim().contains('\n') {
        return paras;
    }
    let flush = |cur: &mut String, paras: &mut Vec<String>| {
        let p = cur.split_whitespace().collect::<Vec<_>>().join(" ");
        cur.clear();
        if prose(&p) && !paras.contains(&p) {
            let cut = p.char_indices().nth(NOTE_CHARS).map_or(p.len(), |(i, _)| i);
            paras.push(p[..cut].to_string());
        }
    };
    let mut cur = String::new();
    // the closing delimiter of the docstring or block comment being read
    let mut open: Option<&str> = None;
    for line in code.lines() {
        // (enough read: a long file's later comments are not read at all)
        if paras.len() >= NOTES {
            break;
        }
        let t = line.trim();
        if let Some(close) = open {
            let (body, ends) = match t.find(close) {
                Some(i) => (&t[..i], true),
                None => (t, false),
            };
            let body = if docstrings {
                body.trim_start_matches('*').trim()
            } else {
                ""
            };
            if body.is_empty() {
                flush(&mut cur, &mut paras);
            } else {
                cur.push(' ');
                cur.push_str(body);
            }
            if ends {
                flush(&mut cur, &mut paras);
                open = None;
            }
            continue;
        }
        // a docstring or block comment opens the line (or follows `=` / `(`)
        let start = [("\"\"\"", "\"\"\""), ("'''", "'''"), ("/*", "*/")]
            .into_iter()
            .filter_map(|(o, c)| t.find(o).map(|i| (i, o, c)))
            // (the one that comes first on the line)
            .min_by_key(|&(i, ..)| i)
            .filter(|&(i, ..)| {
                let before = t[..i].trim_end();
                before.is_empty() || before.ends_with(['=', '('])
            });
        if let Some((i, o, c)) = start {
            flush(&mut cur, &mut paras);
            let rest = t[i + o.len()..].trim_start_matches('*');
            let (text, closes) = match rest.find(c) {
                Some(j) => (&rest[..j], true),
                None => (rest, false),
            };
            if docstrings {
                cur.push_str(text);
            }
            if closes {
                flush(&mut cur, &mut paras);
            } else {
                open = Some(c);
            }
            continue;
        }
        const DIRECTIVES: &[&str] = &["#!", "#include", "#define", "#[", "#pragma", "#if", "#end"];
        let whole = ["#", "//", "--"]
            .iter()
            .find_map(|c| t.strip_prefix(c))
            .filter(|rest| rest.is_empty() || rest.starts_with(' '))
            .filter(|_| !DIRECTIVES.iter().any(|d| t.starts_with(d)));
        // a comment after code: `DELAYS = (2, 4, 8)  # doubling, six tries`
        let after = || {
            ["  # ", " // "]
                .iter()
                .find_map(|c| t.find(c).map(|i| &t[i + c.len()..]))
        };
        if let Some(c) = whole {
            cur.push(' ');
            cur.push_str(c.trim());
        } else {
            flush(&mut cur, &mut paras);
            if let Some(c) = after() {
                cur.push_str(c.trim());
                flush(&mut cur, &mut paras);
            }
        }
    }
    flush(&mut cur, &mut paras);
    paras.truncate(NOTES);
    paras
}

/// True for a note that reads as prose: at least four words, few code symbols.
fn prose(p: &str) -> bool {
    let words = p
        .split_whitespace()
        .filter(|w| w.chars().any(char::is_alphabetic))
        .count();
    let symbols = p.chars().filter(|c| "(){}[];=<>".contains(*c)).count();
    words >= 4 && symbols * 20 <= p.chars().count()
}

impl Message {
    /// All text of the message's text parts, joined.
    pub fn text(&self) -> String {
        let mut s = String::new();
        for p in &self.parts {
            match p {
                Part::Text(t) | Part::ToolResult { text: t } => s.push_str(t),
                _ => {}
            }
        }
        s
    }
    /// The tool calls it makes, each as one line a reader can scan: `name(key=value, …)` with
    /// the first line of each string or number argument (at most 120 characters each, 300 in
    /// all) — `write_file(path=src/app.py, content=import os)`, `run_shell(command=git rm x.py)`.
    /// What an agent did is a statement too, and its arguments name files, commands and values.
    pub fn actions(&self) -> Vec<String> {
        self.calls()
            .map(|(name, arguments)| {
                let mut line = format!("{name}(");
                let mut defined: Vec<String> = Vec::new();
                let mut set: Vec<String> = Vec::new();
                if let Ok(serde_json::Value::Object(args)) = serde_json::from_str(arguments) {
                    let mut first = true;
                    for (k, v) in &args {
                        let v = match v {
                            serde_json::Value::String(s) => s.clone(),
                            serde_json::Value::Number(n) => n.to_string(),
                            _ => continue,
                        };
                        // code it writes: the functions it defines, the values it sets
                        defined.extend(defined_names(&v));
                        if v.trim().contains('\n') {
                            set.extend(settings(&v).into_iter().map(str::to_string));
                        }
                        let v = v.trim().lines().next().unwrap_or("").trim();
                        if v.is_empty() || line.len() >= 300 {
                            continue;
                        }
                        let cut = v.char_indices().nth(120).map_or(v.len(), |(i, _)| i);
                        if !first {
                            line.push_str(", ");
                        }
                        first = false;
                        line.push_str(&format!("{k}={}", &v[..cut]));
                    }
                }
                line.push(')');
                defined.truncate(4);
                if !defined.is_empty() {
                    line.push_str(&format!(" defining {}", defined.join(", ")));
                }
                set.truncate(SETTINGS);
                if !set.is_empty() {
                    line.push_str(&format!(" setting {}", set.join(", ")));
                }
                line
            })
            .collect()
    }
    /// The tool calls it makes, OpenAI's and Anthropic's, as `(name, arguments)`.
    fn calls(&self) -> impl Iterator<Item = (&String, &String)> {
        let calls = self.tool_calls.iter().map(|c| (&c.name, &c.arguments));
        let parts = self.parts.iter().filter_map(|p| match p {
            Part::ToolUse { name, arguments } => Some((name, arguments)),
            _ => None,
        });
        calls.chain(parts)
    }
    /// The prose in the code its tool calls write ([`code_notes`] of each string argument of
    /// several lines): what an agent says in docstrings and comments is its statement too.
    pub fn code_notes(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for (_, arguments) in self.calls() {
            if let Ok(serde_json::Value::Object(args)) = serde_json::from_str(arguments) {
                for v in args.values().filter_map(|v| v.as_str()) {
                    for n in code_notes(v) {
                        if !out.contains(&n) {
                            out.push(n);
                        }
                    }
                }
            }
        }
        out.truncate(NOTES);
        out
    }
    /// The results of the tool calls this message makes, in the order of [`Message::actions`],
    /// from the messages that follow it (`following`: the next messages of the conversation):
    /// `tool` messages matched by call id, or the `tool_result` parts of the next message
    /// (Anthropic). `None` where a call's result is not among them.
    pub fn results<'a>(&self, following: &[&'a Message]) -> Vec<Option<&'a str>> {
        let mut out: Vec<Option<&'a str>> = self
            .tool_calls
            .iter()
            .map(|c| {
                following
                    .iter()
                    .take_while(|m| m.role == Role::Tool)
                    .find(|m| m.tool_call_id.as_deref() == Some(c.id.as_str()))
                    .and_then(|m| match m.parts.first() {
                        Some(Part::Text(t) | Part::ToolResult { text: t }) => Some(t.as_str()),
                        _ => None,
                    })
            })
            .collect();
        let uses = self
            .parts
            .iter()
            .filter(|p| matches!(p, Part::ToolUse { .. }))
            .count();
        let mut results = following.first().into_iter().flat_map(|m| {
            m.parts.iter().filter_map(|p| match p {
                Part::ToolResult { text } => Some(text.as_str()),
                _ => None,
            })
        });
        out.extend((0..uses).map(|_| results.next()));
        out
    }
    /// True for a tool's output: a `tool` message, or tool results in a user message (Anthropic).
    pub fn is_tool_output(&self) -> bool {
        self.role == Role::Tool
            || self
                .parts
                .iter()
                .any(|p| matches!(p, Part::ToolResult { .. }))
    }
    /// True when the message carries a tool call or tool result.
    pub fn has_tools(&self) -> bool {
        !self.tool_calls.is_empty()
            || self.tool_call_id.is_some()
            || self
                .parts
                .iter()
                .any(|p| matches!(p, Part::ToolUse { .. } | Part::ToolResult { .. }))
    }
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn opt_string(obj: &serde_json::Map<String, Value>, key: &str, at: &str) -> Result<Option<String>> {
    match obj.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(v) => Err(Error::invalid_message(format!(
            "{at}.{key} must be a string, got {}",
            kind(v)
        ))),
    }
}

/// Parses and validates a list of messages.
pub fn parse_messages(v: &Value) -> Result<Vec<Message>> {
    let arr = v.as_array().ok_or_else(|| {
        Error::invalid_message(format!(
            "messages must be an array of message objects, got {}",
            kind(v)
        ))
    })?;
    arr.iter()
        .enumerate()
        .map(|(i, m)| parse_message(m, i))
        .collect()
}

/// Parses one message (`i` is its index, for error messages).
pub fn parse_message(v: &Value, i: usize) -> Result<Message> {
    let at = format!("messages[{i}]");
    let obj = v.as_object().ok_or_else(|| {
        Error::invalid_message(format!(
            "{at} must be an object with role and content, got {}",
            kind(v)
        ))
    })?;
    let role = match obj.get("role") {
        Some(Value::String(s)) => Role::parse(s, i)?,
        None => {
            return Err(Error::invalid_message(format!(
                "{at} has no role; add role: 'user' (or system, assistant, tool)"
            )))
        }
        Some(v) => {
            return Err(Error::invalid_message(format!(
                "{at}.role must be a string, got {}",
                kind(v)
            )))
        }
    };
    let mut tool_calls = parse_tool_calls(obj.get("tool_calls"), &at)?;
    if let Some(fc) = obj.get("function_call").filter(|v| !v.is_null()) {
        tool_calls.push(parse_function(
            fc,
            String::new(),
            &format!("{at}.function_call"),
        )?);
    }
    let parts = match obj.get("content") {
        Some(Value::String(s)) => vec![Part::Text(s.clone())],
        Some(Value::Array(items)) => items
            .iter()
            .enumerate()
            .map(|(j, p)| parse_part(p, &format!("{at}.content[{j}]")))
            .collect::<Result<Vec<_>>>()?,
        None | Some(Value::Null) if role == Role::Assistant && !tool_calls.is_empty() => Vec::new(),
        None => {
            return Err(Error::invalid_message(format!(
                "{at} has no content; give content as a string or an array of parts (only assistant messages with tool_calls may omit it)"
            )))
        }
        Some(v) => {
            return Err(Error::invalid_message(format!(
                "{at}.content must be a string or an array of parts, got {}",
                kind(v)
            )))
        }
    };
    Ok(Message {
        role,
        parts,
        name: opt_string(obj, "name", &at)?,
        tool_calls,
        tool_call_id: opt_string(obj, "tool_call_id", &at)?,
    })
}

fn parse_function(v: &Value, id: String, at: &str) -> Result<ToolCall> {
    let f = v
        .as_object()
        .ok_or_else(|| Error::invalid_message(format!("{at} must be an object")))?;
    let name = opt_string(f, "name", at)?
        .ok_or_else(|| Error::invalid_message(format!("{at}.name is missing")))?;
    let arguments = match f.get("arguments") {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    };
    Ok(ToolCall {
        id,
        name,
        arguments,
    })
}

fn parse_tool_calls(v: Option<&Value>, at: &str) -> Result<Vec<ToolCall>> {
    let Some(v) = v.filter(|v| !v.is_null()) else {
        return Ok(Vec::new());
    };
    let arr = v.as_array().ok_or_else(|| {
        Error::invalid_message(format!("{at}.tool_calls must be an array, got {}", kind(v)))
    })?;
    arr.iter()
        .enumerate()
        .map(|(j, c)| {
            let cat = format!("{at}.tool_calls[{j}]");
            let obj = c
                .as_object()
                .ok_or_else(|| Error::invalid_message(format!("{cat} must be an object")))?;
            let id = opt_string(obj, "id", &cat)?.unwrap_or_default();
            let f = obj
                .get("function")
                .ok_or_else(|| Error::invalid_message(format!("{cat}.function is missing")))?;
            parse_function(f, id, &format!("{cat}.function"))
        })
        .collect()
}

fn parse_detail(v: Option<&Value>, at: &str) -> Result<Detail> {
    match v {
        None | Some(Value::Null) => Ok(Detail::Auto),
        Some(Value::String(s)) if s == "low" => Ok(Detail::Low),
        Some(Value::String(s)) if s == "high" => Ok(Detail::High),
        Some(Value::String(s)) if s == "auto" => Ok(Detail::Auto),
        Some(v) => Err(Error::invalid_message(format!(
            "{at}.detail must be 'low', 'high' or 'auto', got {v}"
        ))),
    }
}

fn explicit_size(obj: &serde_json::Map<String, Value>) -> Option<(u32, u32)> {
    let w = obj.get("width")?.as_u64()?;
    let h = obj.get("height")?.as_u64()?;
    (w > 0 && h > 0 && w <= u32::MAX as u64 && h <= u32::MAX as u64).then_some((w as u32, h as u32))
}

fn parse_part(v: &Value, at: &str) -> Result<Part> {
    if let Value::String(s) = v {
        return Ok(Part::Text(s.clone()));
    }
    let obj = v.as_object().ok_or_else(|| {
        Error::invalid_message(format!(
            "{at} must be a content part object, got {}",
            kind(v)
        ))
    })?;
    let ty = opt_string(obj, "type", at)?.unwrap_or_else(|| {
        if obj.contains_key("text") {
            "text".into()
        } else {
            String::new()
        }
    });
    match ty.as_str() {
        "text" | "input_text" | "output_text" => match obj.get("text") {
            Some(Value::String(s)) => Ok(Part::Text(s.clone())),
            other => Err(Error::invalid_message(format!(
                "{at}.text must be a string, got {}",
                other.map(kind).unwrap_or("nothing")
            ))),
        },
        "image_url" | "input_image" => {
            let (url, detail, size) = match obj.get("image_url") {
                Some(Value::String(u)) => (u.clone(), parse_detail(obj.get("detail"), at)?, explicit_size(obj)),
                Some(Value::Object(iu)) => (
                    opt_string(iu, "url", at)?.unwrap_or_default(),
                    parse_detail(iu.get("detail"), at)?,
                    explicit_size(iu).or_else(|| explicit_size(obj)),
                ),
                _ => return Err(Error::invalid_message(format!("{at}.image_url must be an object with a url"))),
            };
            let size = size.or_else(|| crate::image_size::data_url_size(&url));
            Ok(Part::Image(Image { size, detail }))
        }
        "image" => {
            // Anthropic: { type: 'image', source: { type: 'base64', media_type, data } | { type: 'url', url } }
            let src = obj.get("source").and_then(|s| s.as_object());
            let size = explicit_size(obj).or_else(|| {
                let src = src?;
                match src.get("data") {
                    Some(Value::String(d)) => crate::image_size::base64_size(d),
                    _ => src.get("url").and_then(|u| u.as_str()).and_then(crate::image_size::data_url_size),
                }
            });
            Ok(Part::Image(Image { size, detail: Detail::Auto }))
        }
        "tool_use" => {
            let name = opt_string(obj, "name", at)?.unwrap_or_default();
            let arguments = obj.get("input").map(|i| i.to_string()).unwrap_or_default();
            Ok(Part::ToolUse { name, arguments })
        }
        "tool_result" => {
            let text = match obj.get("content") {
                None | Some(Value::Null) => String::new(),
                Some(Value::String(s)) => s.clone(),
                Some(Value::Array(items)) => {
                    let mut s = String::new();
                    for (j, p) in items.iter().enumerate() {
                        if let Part::Text(t) = parse_part(p, &format!("{at}.content[{j}]"))? {
                            s.push_str(&t);
                        }
                    }
                    s
                }
                Some(v) => return Err(Error::invalid_message(format!("{at}.content must be a string or an array, got {}", kind(v)))),
            };
            Ok(Part::ToolResult { text })
        }
        "" => Err(Error::invalid_message(format!("{at} has no type; use {{ type: 'text', text }} or {{ type: 'image_url', image_url: {{ url }} }}"))),
        other => Err(Error::invalid_message(format!(
            "{at}.type '{other}' is not supported; use text, image_url (OpenAI) or text, image, tool_use, tool_result (Anthropic)"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn tool_calls_read_as_one_line_actions() {
        let m = parse_messages(&json!([
            {"role": "assistant", "content": null, "tool_calls": [
                {"id": "c1", "type": "function", "function": {"name": "edit_file",
                 "arguments": "{\"path\":\"app/audio.py\",\"after_line\":58,\"insert\":\"def clamp_true_peak(x):\\n    return x\",\"opts\":{\"a\":1}}"}},
                {"id": "c2", "type": "function", "function": {"name": "noop", "arguments": "not json"}}]},
            {"role": "assistant", "content": [{"type": "tool_use", "id": "t", "name": "run_shell",
             "input": {"command": "git rm -q app/soxwrap.py"}}]},
            {"role": "user", "content": "plain text"}
        ]))
        .unwrap();
        assert_eq!(
            m[0].actions(),
            vec![
                "edit_file(after_line=58, insert=def clamp_true_peak(x):, path=app/audio.py) defining clamp_true_peak()",
                "noop()"
            ]
        );
        assert_eq!(
            m[1].actions(),
            vec!["run_shell(command=git rm -q app/soxwrap.py)"]
        );
        assert!(m[2].actions().is_empty());
        let long = "x".repeat(500);
        let m = parse_messages(
            &json!([{"role": "assistant", "content": null, "tool_calls": [
            {"id": "c", "type": "function", "function": {"name": "w",
             "arguments": json!({"a": long, "b": long, "c": long, "d": long}).to_string()}}]}]),
        )
        .unwrap();
        assert!(
            m[0].actions()[0].len() <= 300 + 130,
            "{}",
            m[0].actions()[0].len()
        );
    }

    #[test]
    fn written_code_names_its_functions_and_calls_find_their_results() {
        let script = "#!/bin/sh\nset -eu\nprune_old_archives() {\n  ls -1t | tail -n +15\n}\nmain () { :; }\n";
        let m = parse_messages(&json!([
            {"role": "assistant", "content": null, "tool_calls": [
                {"id": "w", "type": "function", "function": {"name": "write_file",
                 "arguments": json!({"path": "/usr/local/sbin/tile-backup", "content": script}).to_string()}},
                {"id": "v", "type": "function", "function": {"name": "run_shell",
                 "arguments": "{\"command\":\"tileserver-gl --version\"}"}}]},
            {"role": "tool", "tool_call_id": "v", "content": "tileserver-gl v4.7.3"},
            {"role": "tool", "tool_call_id": "w", "content": "wrote 451 bytes"},
            {"role": "user", "content": "thanks"},
            {"role": "assistant", "content": [{"type": "tool_use", "id": "t", "name": "run_shell",
             "input": {"command": "cat /etc/tern/billing.env"}}]},
            {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "t",
             "content": "BILLING_PROJECT=geo-prj-6613"}]}
        ]))
        .unwrap();
        assert_eq!(
            m[0].actions()[0],
            "write_file(content=#!/bin/sh, path=/usr/local/sbin/tile-backup) defining prune_old_archives(), main()"
        );
        let unit = "[Service]\nExecStart=/usr/bin/fluent-bit\nRestart=on-failure\nRestartSec=45s\nStartLimitBurst=5\n";
        let w = parse_messages(&json!([{"role": "assistant", "content": null, "tool_calls": [
            {"id": "u", "type": "function", "function": {"name": "write_file",
             "arguments": json!({"path": "/etc/systemd/system/c.service", "content": unit}).to_string()}}]}]))
        .unwrap();
        assert_eq!(
            w[0].actions()[0],
            "write_file(content=[Service], path=/etc/systemd/system/c.service) setting RestartSec=45s, StartLimitBurst=5"
        );
        let yaml = "upload:\n  retries: 4\n  backoff: 30s\n  target: mirror\n";
        assert_eq!(settings(yaml), vec!["retries: 4", "backoff: 30s"]);
        let json = "{\n  \"retry\": {\n    \"count\": 3,\n    \"delay_ms\": 1500\n  }\n}";
        assert_eq!(settings(json), vec!["\"count\": 3,", "\"delay_ms\": 1500"]);
        assert!(settings("Note that we: tried 3 things").is_empty());
        assert!(settings("EN: %d files deleted\nIT: %d file eliminati").is_empty());
        assert_eq!(
            settings("{\"retry\": {\"max_attempts\": 4, \"backoff_ms\": 2000}}"),
            vec!["\"max_attempts\": 4", "\"backoff_ms\": 2000"]
        );
        let after: Vec<&Message> = m[1..].iter().collect();
        // matched by call id, not by order
        assert_eq!(
            m[0].results(&after),
            vec![Some("wrote 451 bytes"), Some("tileserver-gl v4.7.3")]
        );
        let after: Vec<&Message> = m[5..].iter().collect();
        assert_eq!(
            m[4].results(&after),
            vec![Some("BILLING_PROJECT=geo-prj-6613")]
        );
        // a call whose result was not kept
        assert_eq!(m[4].results(&[]), vec![None]);
        assert!(m[3].results(&after).is_empty());
    }

    #[test]
    fn the_prose_in_written_code_is_read_as_notes() {
        let py = "#!/usr/bin/env python3\n\"\"\"Posting results to the portal.\n\nA failed POST is retried six times with\nexponential backoff starting at 2 s.\n\"\"\"\nimport time\n\n# The portal rejects batches above 2,500 results,\n# so we split them here.\nDELAYS = (2, 4, 8, 16, 32, 64)  # doubling, six tries in all\n# x = compute(a, b)[0]\ndef post(session, url):  # ok\n    return session.post(url)\n";
        assert_eq!(
            code_notes(py),
            vec![
                "Posting results to the portal.",
                "A failed POST is retried six times with exponential backoff starting at 2 s.",
                "The portal rejects batches above 2,500 results, so we split them here.",
                "doubling, six tries in all",
            ]
        );
        let js = "/**\n * Verifies the webhook signature with HMAC-SHA256.\n * @param body the raw request body\n */\nexport function verify(body) { return true; } // never log the secret itself\n";
        assert_eq!(
            code_notes(js),
            vec![
                "Verifies the webhook signature with HMAC-SHA256. @param body the raw request body",
                "never log the secret itself",
            ]
        );
        // one line of code, a command: no notes
        assert!(code_notes("git rm x.py # drop the old module now").is_empty());
        let m = parse_messages(
            &json!([{"role": "assistant", "content": [{"type": "tool_use", "id": "t",
            "name": "write_file", "input": {"path": "p.py", "content": py}}]}]),
        )
        .unwrap();
        assert_eq!(m[0].code_notes().len(), 4);
        assert!(
            parse_messages(&json!([{"role": "user", "content": py}])).unwrap()[0]
                .code_notes()
                .is_empty()
        );
    }

    #[test]
    fn parses_openai_and_anthropic_shapes() {
        let m = parse_messages(&json!([
            {"role": "system", "content": "be brief"},
            {"role": "user", "content": [{"type": "text", "text": "hi"}, {"type": "image_url", "image_url": {"url": "https://x/y.png", "detail": "low"}}]},
            {"role": "assistant", "content": null, "tool_calls": [{"id": "c1", "type": "function", "function": {"name": "f", "arguments": "{}"}}]},
            {"role": "tool", "tool_call_id": "c1", "content": "42"},
            {"role": "assistant", "content": [{"type": "tool_use", "id": "t", "name": "g", "input": {"a": 1}}]},
            {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "t", "content": [{"type": "text", "text": "ok"}]}]}
        ]))
        .unwrap();
        assert_eq!(m.len(), 6);
        assert_eq!(
            m[1].parts[1],
            Part::Image(Image {
                size: None,
                detail: Detail::Low
            })
        );
        assert_eq!(m[2].tool_calls[0].name, "f");
        assert!(m[3].has_tools());
        assert_eq!(
            m[4].parts[0],
            Part::ToolUse {
                name: "g".into(),
                arguments: "{\"a\":1}".into()
            }
        );
        assert_eq!(m[5].text(), "ok");
    }

    #[test]
    fn explains_bad_messages() {
        let cases = [
            (json!("x"), "messages must be an array"),
            (json!([1]), "messages[0] must be an object"),
            (
                json!([{"role": "robot", "content": "x"}]),
                "messages[0].role is 'robot'",
            ),
            (json!([{"content": "x"}]), "messages[0] has no role"),
            (json!([{"role": "user"}]), "messages[0] has no content"),
            (
                json!([{"role": "user", "content": 5}]),
                "messages[0].content must be a string or an array of parts, got a number",
            ),
            (
                json!([{"role": "user", "content": [{"type": "video"}]}]),
                "messages[0].content[0].type 'video'",
            ),
            (
                json!([{"role": "user", "content": "x", "name": 3}]),
                "messages[0].name must be a string",
            ),
        ];
        for (v, want) in cases {
            let e = parse_messages(&v).unwrap_err();
            assert_eq!(e.code, crate::error::ErrorCode::InvalidMessage);
            assert!(
                e.message.contains(want),
                "{} does not contain {want}",
                e.message
            );
        }
    }
}
