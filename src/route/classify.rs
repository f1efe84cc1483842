//! Task classification of the new user message: `code` (generate or edit code), `complex`
//! (explain, debug, refactor, analyse, multi-step reasoning) or `quick` (short factual or chat).
//! Heuristics over keywords and phrases in several languages, code fences, stack traces, file
//! paths, the message length and the previous turn's task; each decision lists its signals.

use serde::Serialize;

/// A task class.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, PartialOrd, Ord)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "lowercase")]
pub enum Task {
    /// Generate or edit code.
    Code,
    /// Explain, debug, refactor, analyse, reason in steps.
    Complex,
    /// Short factual question or chit-chat.
    Quick,
}

impl Task {
    /// The name.
    pub fn as_str(self) -> &'static str {
        match self {
            Task::Code => "code",
            Task::Complex => "complex",
            Task::Quick => "quick",
        }
    }
}

/// A classification with its confidence (0–1) and the signals that decided it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Classification {
    /// The task.
    pub task: Task,
    /// How sure, 0–1.
    pub confidence: f64,
    /// What decided it, e.g. `verb 'implement'`, `stack trace`.
    pub signals: Vec<String>,
}

const CODE_VERBS_STRONG: &[&str] = &[
    "write",
    "implement",
    "generate",
    "scaffold",
    "code ",
    "create",
    "build",
    "erstelle",
    "schreibe",
    "programmiere",
    "crea ",
    "crea una",
    "escribe",
    "genera",
    "implementa",
    "écris",
    "crée",
    "génère",
    "implémente",
    "写",
    "实现",
    "编写",
    "生成",
    "创建",
];
const CODE_VERBS_WEAK: &[&str] = &[
    "add ",
    "make ",
    "convert",
    "port ",
    "rewrite",
    "translate this code",
    "pls write",
    "give me a",
    "produce",
    "draft",
    "put together",
    "turn ",
    "need a",
    "i need",
    "want a",
    "could you",
    "please",
    "set up",
    "setup",
];
const CODE_OBJECTS: &[&str] = &[
    "function",
    "class",
    "method",
    "endpoint",
    "api",
    "component",
    "script",
    "app",
    "module",
    "unit test",
    "test for",
    "tests for",
    "query",
    "regex",
    "cli",
    "struct",
    "dataclass",
    "data class",
    "migration",
    "dockerfile",
    "makefile",
    "workflow",
    "schema",
    "handler",
    "server",
    "middleware",
    "decorator",
    "snippet",
    "program",
    "algorithm",
    "trie",
    "cache",
    "form",
    "layout",
    "page",
    "types",
    "config",
    "one-liner",
    "generator",
    "spec",
    "trigger",
    "route",
    "game",
    "store",
    "coroutine",
    "model for",
    "funktion",
    "klasse",
    "función",
    "clase",
    "fonction",
    "composant",
    "函数",
    "类",
    "查询",
    "代码",
    "sql",
    "code",
    "view",
    "comprehension",
    "yaml",
    "loop",
    "tests",
    "record",
    "dark mode",
    "backoff",
];
const LANGUAGES: &[&str] = &[
    "python",
    "rust",
    "javascript",
    "typescript",
    " js",
    " ts ",
    "java",
    "kotlin",
    "swift",
    " go ",
    " go.",
    "in go",
    "c++",
    "c#",
    "sql",
    "bash",
    "shell",
    "html",
    "css",
    "react",
    "vue",
    "django",
    "flask",
    "fastapi",
    "express",
    "node",
    "terraform",
    "docker",
    "graphql",
    "postgres",
    "redis",
    "spring",
    "next.js",
    "pygame",
    "jest",
    "pytest",
    "axum",
    "cargo",
    "kubernetes",
    "webpack",
    "git ",
    "elixir",
    "lua",
    "ruby",
    "php",
    "scala",
    "haskell",
    "tailwind",
    "neovim",
    "yaml",
];
const COMPLEX: &[&str] = &[
    "explain",
    "why ",
    "why?",
    "debug",
    "refactor",
    "analyze",
    "analyse",
    "architecture",
    "design",
    "compare",
    "trade-off",
    "tradeoff",
    "pros and cons",
    "optimize",
    "optimise",
    "review",
    "investigate",
    "root cause",
    "understand",
    "evaluate",
    "reason about",
    "think through",
    "strategy",
    "restructure",
    "walk me through",
    "how does",
    "what is causing",
    "what's causing",
    "what went wrong",
    "what is wrong",
    "what's wrong",
    "narrow it down",
    "diagnose",
    "what is going on",
    "what could explain",
    "step by step",
    "erklär",
    "warum",
    "explica",
    "por qué",
    "analiza",
    "explique",
    "pourquoi",
    "解释",
    "为什么",
    "分析",
    "going wrong",
    "break down",
    "which approach",
    "figure out",
    "critique",
    "possible causes",
    "like i'm five",
    "any idea why",
    "how do i fix",
    "better for",
    "should we",
    "should i use",
];
const ERRORS: &[&str] = &[
    "traceback",
    "exception",
    "error",
    "panicked",
    "stack trace",
    "segmentation fault",
    "fails",
    "failed",
    "crash",
    "deadlock",
    "leak",
    "not working",
    "flaky",
    "timed out",
    "times out",
    "502",
    "undefined",
    "race condition",
    "crashloopbackoff",
    "slow",
    "overflow",
    "diverged",
    "plante",
    "stürzt",
];
const QUICK_START: &[&str] = &[
    "what is",
    "what's",
    "what does",
    "who ",
    "which ",
    "when ",
    "where ",
    "is ",
    "how many",
    "how far",
    "how do you say",
    "define",
    "translate",
    "convert ",
    "name ",
    "tell me a",
    "can you repeat",
    "¿qué",
    "qué ",
    "wie ",
    "what year",
    "what time",
    "what language",
];
const CHAT: &[&str] = &[
    "hi",
    "hello",
    "hey",
    "thanks",
    "thank you",
    "ok",
    "okay",
    "cool",
    "bye",
    "good morning",
    "yes",
    "no",
    "sounds good",
    "got it",
    "hallo",
    "merci",
    "gracias",
    "你好",
    "谢谢",
    "hello there",
];

fn has(text: &str, words: &[&str]) -> Option<String> {
    words
        .iter()
        .find(|w| text.contains(*w))
        .map(|w| w.trim().to_string())
}

/// Classifies `message` (the new user message); `previous` is the previous turn's task.
pub fn classify(message: &str, previous: Option<Task>) -> Classification {
    // bound the work on huge inputs: the head says what the request is
    let head: String = message.chars().take(8_000).collect();
    let lower = format!(" {} ", head.to_lowercase());
    let trimmed = head.trim();
    let len = trimmed.chars().count();
    let first_words: String = lower
        .split_whitespace()
        .take(4)
        .collect::<Vec<_>>()
        .join(" ");
    let opening: String = lower
        .split_whitespace()
        .take(8)
        .collect::<Vec<_>>()
        .join(" ");
    let (mut code, mut complex, mut quick) = (0.0f64, 0.0f64, 0.0f64);
    let mut signals = Vec::new();

    let strong_verb = has(&format!("{first_words} "), CODE_VERBS_STRONG);
    let weak_verb = has(&format!("{opening} "), CODE_VERBS_WEAK);
    let object = has(&lower, CODE_OBJECTS);
    let language = has(&lower, LANGUAGES);
    let fence = lower.contains("```");
    if let Some(v) = &strong_verb {
        code += if object.is_some() || language.is_some() || fence {
            4.0
        } else {
            2.5
        };
        signals.push(format!("verb '{v}'"));
    } else if let Some(v) = &weak_verb {
        if object.is_some() || language.is_some() || fence {
            code += 3.0;
            signals.push(format!("verb '{v}'"));
        }
    }
    if let Some(o) = &object {
        if strong_verb.is_some() || weak_verb.is_some() {
            signals.push(format!("code object '{o}'"));
        }
    }
    if let Some(l) = &language {
        code += 0.8;
        signals.push(format!("mentions '{l}'"));
    }
    if fence {
        code += 1.0;
        signals.push("code block".into());
    }
    if let Some(c) = has(&lower, COMPLEX) {
        complex += if COMPLEX.iter().any(|w| first_words.contains(w.trim())) {
            5.0
        } else {
            3.5
        };
        signals.push(format!("asks to '{c}'"));
    }
    if let Some(e) = has(&lower, ERRORS) {
        complex += 2.5;
        signals.push(format!("error '{e}'"));
    }
    if lower.contains("\n  file \"")
        || lower.contains("    at ")
        || lower.contains(".rs:")
        || lower.contains(".py\", line")
    {
        complex += 2.0;
        signals.push("stack trace".into());
    }
    if len > 300 {
        complex += 1.5;
        signals.push(format!("long message ({len} characters)"));
    }
    let bare = trimmed
        .trim_end_matches(['!', '.', '?', ' ', '。', '!'])
        .to_lowercase();
    if CHAT.contains(&bare.as_str())
        || (len < 40 && CHAT.iter().any(|c| bare.starts_with(c) && c.len() > 3))
    {
        quick += 6.0;
        signals.push("chit-chat".into());
    }
    if QUICK_START
        .iter()
        .any(|q| lower.trim_start().starts_with(q))
    {
        quick += 2.5;
        signals.push("short factual question".into());
    }
    if len < 80 {
        quick += 1.5;
    }
    if lower.contains("how do i")
        || lower.contains("how should")
        || lower.contains("how can i")
        || lower.contains("what would")
    {
        complex += 2.0;
        signals.push("how-to".into());
    }

    let best = code.max(complex).max(quick);
    if best < 2.0 {
        if let (Some(p), true) = (previous, len < 80) {
            signals.push(format!("follow-up of a {} turn", p.as_str()));
            return Classification {
                task: p,
                confidence: 0.5,
                signals,
            };
        }
    }
    let task = if best == 0.0 {
        if len < 120 {
            Task::Quick
        } else {
            Task::Complex
        }
    } else if complex >= code && complex >= quick {
        Task::Complex
    } else if code >= quick {
        Task::Code
    } else {
        Task::Quick
    };
    let total = code + complex + quick;
    let confidence = if total == 0.0 {
        0.34
    } else {
        (best / total).clamp(0.34, 0.99)
    };
    Classification {
        task,
        confidence: (confidence * 100.0).round() / 100.0,
        signals,
    }
}
