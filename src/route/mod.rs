//! Routing: send each request to the right model — task classification, ordered regex rules,
//! capabilities (vision, tools), context fit, cost preference and a fallback chain.
//! User rules run on `regex-lite`, a linear-time engine: no pattern can hang the router.

pub mod classify;
pub mod fallback;
pub mod stats;

use crate::engine::Engine;
use crate::error::{Error, Result};
use crate::messages::{parse_messages, Part, Role};
use crate::models::ModelInfo;
use crate::risk::reserve_for;
use classify::{classify, Task};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Named roles mapped to model ids.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Roles {
    /// The general model.
    #[serde(default)]
    pub primary: Option<String>,
    /// Code generation.
    #[serde(default)]
    pub code: Option<String>,
    /// Quick answers.
    #[serde(default)]
    pub fast: Option<String>,
    /// Complex reasoning.
    #[serde(default)]
    pub complex: Option<String>,
    /// Requests with images.
    #[serde(default)]
    pub vision: Option<String>,
}

/// A rule: when the new user message matches `pattern`, use `model`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Rule {
    /// A regular expression (regex-lite syntax; linear time).
    pub pattern: String,
    /// The model to use.
    pub model: String,
    /// `i` for case-insensitive matching (the default is case-sensitive).
    #[serde(default)]
    pub flags: Option<String>,
}

/// Router configuration.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RouterConfig {
    /// Roles → models.
    #[serde(default)]
    pub models: Roles,
    /// Ordered rules, tried first.
    #[serde(default)]
    pub rules: Vec<Rule>,
    /// The model when nothing else decides (default: `models.primary`).
    #[serde(default)]
    pub default: Option<String>,
    /// `false` sends everything to the default model (the seeds' `USE_HYBRID_MODELS=false`).
    #[serde(default = "yes")]
    pub use_hybrid: bool,
    /// Among models that can serve the task and fit, prefer the cheapest.
    #[serde(default)]
    pub prefer_cheap: bool,
    /// Output reserve for the context-fit check (default: each model's max output, at most 4,096).
    #[serde(default)]
    pub reserve_output: Option<f64>,
    /// Models to try, in order, after the chosen one fails with a retryable error.
    #[serde(default)]
    pub fallbacks: Vec<String>,
    /// The request's tool definitions (routing then needs a model with tool support).
    #[serde(default)]
    pub tools: Option<Value>,
}

fn yes() -> bool {
    true
}

/// The rule that matched.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MatchedRule {
    /// Index in `rules`.
    pub index: usize,
    /// Its pattern.
    pub pattern: String,
}

/// A routing decision.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Decision {
    /// Model id to call.
    pub model: String,
    /// Its provider (registry).
    pub provider: String,
    /// The task of the new message.
    pub task: Task,
    /// Classifier confidence (1 for rules and forced models).
    pub confidence: f64,
    /// A sentence for people.
    pub reason: String,
    /// The rule that decided, if any.
    pub rule: Option<MatchedRule>,
    /// The classifier's signals.
    pub signals: Vec<String>,
    /// Prompt tokens for the chosen model.
    pub tokens: u64,
    /// Its usable window (context window − output reserve).
    pub limit: u64,
    /// True when no configured model fits: condense first.
    pub condensation_required: bool,
    /// Models to try in order (the chosen one first).
    pub fallbacks: Vec<String>,
}

struct Compiled {
    rules: Vec<(regex_lite::Regex, String, String)>,
}

fn known(engine: &Engine, id: &str, what: &str) -> Result<ModelInfo> {
    engine.models.get(id).cloned().map_err(|_| {
        Error::invalid_config(format!("{what} is '{id}', which is not in the model registry; add it with models.register(...) or fix the id"))
    })
}

fn compile(engine: &Engine, cfg: &RouterConfig) -> Result<Compiled> {
    let roles = [
        ("models.primary", &cfg.models.primary),
        ("models.code", &cfg.models.code),
        ("models.fast", &cfg.models.fast),
        ("models.complex", &cfg.models.complex),
        ("models.vision", &cfg.models.vision),
        ("default", &cfg.default),
    ];
    let mut any = false;
    for (name, id) in roles {
        if let Some(id) = id {
            known(engine, id, name)?;
            any = true;
        }
    }
    for (i, f) in cfg.fallbacks.iter().enumerate() {
        known(engine, f, &format!("fallbacks[{i}]"))?;
    }
    let mut rules = Vec::new();
    for (i, r) in cfg.rules.iter().enumerate() {
        known(engine, &r.model, &format!("rules[{i}].model"))?;
        let ci = match r.flags.as_deref() {
            None | Some("") => false,
            Some("i") => true,
            Some(f) => {
                return Err(Error::invalid_config(format!(
                    "rules[{i}].flags is '{f}'; the only flag is 'i'"
                )))
            }
        };
        let re = regex_lite::RegexBuilder::new(&r.pattern)
            .case_insensitive(ci)
            .size_limit(1 << 20)
            .build()
            .map_err(|e| {
                Error::invalid_config(format!(
                    "rules[{i}].pattern '{}' is not a valid regular expression: {e}",
                    r.pattern
                ))
            })?;
        rules.push((re, r.model.clone(), r.pattern.clone()));
        any = true;
    }
    if !any {
        return Err(Error::invalid_config(
            "the router has no models: set models.primary (and code / fast / complex) or default",
        ));
    }
    Ok(Compiled { rules })
}

fn fmt_int(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Routes a conversation; records the decision in the engine's routing stats.
pub fn route(engine: &mut Engine, messages: &Value, cfg: &RouterConfig) -> Result<Decision> {
    let compiled = compile(engine, cfg)?;
    let parsed = parse_messages(messages)?;
    let users: Vec<usize> = parsed
        .iter()
        .enumerate()
        .filter(|(_, m)| m.role == Role::User)
        .map(|(i, _)| i)
        .collect();
    let Some(&last) = users.last() else {
        return Err(Error::invalid_message(
            "there is no user message to route; add { role: 'user', content }",
        ));
    };
    let text = parsed[last].text();
    if text.trim().is_empty()
        && !parsed[last]
            .parts
            .iter()
            .any(|p| matches!(p, Part::Image(_)))
    {
        return Err(Error::invalid_message(format!(
            "messages[{last}] (the new user message) is empty; there is nothing to route"
        )));
    }
    let previous = users
        .iter()
        .rev()
        .nth(1)
        .map(|&i| classify(&parsed[i].text(), None).task);
    let class = classify(&text, previous);
    let needs_vision = parsed
        .iter()
        .any(|m| m.parts.iter().any(|p| matches!(p, Part::Image(_))));
    let needs_tools = cfg
        .tools
        .as_ref()
        .is_some_and(|t| t.as_array().is_some_and(|a| !a.is_empty()))
        || parsed.iter().any(|m| m.has_tools());
    let fallback_default = cfg.default.clone().or_else(|| cfg.models.primary.clone());

    let mut reason;
    let mut rule = None;
    let mut confidence = class.confidence;
    let mut chosen: Option<String> = None;
    if !cfg.use_hybrid {
        chosen = fallback_default
            .clone()
            .or_else(|| cfg.rules.first().map(|r| r.model.clone()));
        reason = "hybrid routing is off".to_string();
        confidence = 1.0;
    } else {
        reason = String::new();
        for (i, (re, model, pattern)) in compiled.rules.iter().enumerate() {
            if re.is_match(&text) {
                chosen = Some(model.clone());
                rule = Some(MatchedRule {
                    index: i,
                    pattern: pattern.clone(),
                });
                reason = format!("rule {} matched /{}/", i + 1, pattern);
                confidence = 1.0;
                break;
            }
        }
        if chosen.is_none() {
            let role = match class.task {
                Task::Code => cfg.models.code.clone(),
                Task::Complex => cfg.models.complex.clone(),
                Task::Quick => cfg.models.fast.clone(),
            };
            chosen = role.or_else(|| fallback_default.clone());
            let why = class
                .signals
                .first()
                .cloned()
                .unwrap_or_else(|| "no strong signal".into());
            reason = format!("{} task ({why})", class.task.as_str());
        }
    }
    let mut model_id = chosen.ok_or_else(|| {
        Error::invalid_config("no model for this request: set default or models.primary")
    })?;

    // every configured model, for capability / fit / cost decisions
    let mut pool: Vec<String> = Vec::new();
    for id in [
        &cfg.models.primary,
        &cfg.models.code,
        &cfg.models.fast,
        &cfg.models.complex,
        &cfg.models.vision,
        &cfg.default,
    ]
    .into_iter()
    .flatten()
    .chain(cfg.fallbacks.iter())
    .chain(cfg.rules.iter().map(|r| &r.model))
    {
        if !pool.contains(id) {
            pool.push(id.clone());
        }
    }
    let capable = |m: &ModelInfo| {
        (!needs_vision || m.capabilities.vision) && (!needs_tools || m.capabilities.tools)
    };
    let info = known(engine, &model_id, "model")?;
    if !capable(&info) {
        let preferred = if needs_vision {
            cfg.models.vision.clone()
        } else {
            None
        };
        let alt = preferred
            .into_iter()
            .chain(pool.iter().cloned())
            .find(|id| engine.models.get(id).is_ok_and(&capable));
        match alt {
            Some(a) => {
                reason.push_str(&format!("; {} cannot take {}, so {a}", model_id, if needs_vision { "images" } else { "tools" }));
                model_id = a;
            }
            None => {
                return Err(Error::invalid_config(format!(
                    "the request needs {} but no configured model supports it; add one (e.g. models.vision)",
                    if needs_vision { "vision" } else { "tool calls" }
                )))
            }
        }
    }

    // context fit (and cost preference)
    let fit = |engine: &mut Engine, id: &str| -> Result<(u64, u64, f64)> {
        let m = known(engine, id, "model")?;
        let reserve =
            reserve_for(&m, cfg.reserve_output).map_err(|e| Error::invalid_config(e.message))?;
        let tokens = engine
            .count_parsed(&parsed, &m.id, cfg.tools.as_ref())?
            .total;
        Ok((tokens, m.context_window as u64 - reserve, m.pricing.input))
    };
    let (mut tokens, mut limit, _) = fit(engine, &model_id)?;
    let mut condensation_required = false;
    if tokens > limit {
        let mut best: Option<(String, u64, u64, f64)> = None;
        for id in pool.clone() {
            let Ok(m) = engine.models.get(&id).cloned() else {
                continue;
            };
            if !capable(&m) {
                continue;
            }
            let Ok((t, l, price)) = fit(engine, &id) else {
                continue;
            };
            if t <= l && best.as_ref().is_none_or(|b| price < b.3) {
                best = Some((id, t, l, price));
            }
        }
        match best {
            Some((id, t, l, _)) => {
                reason.push_str(&format!(
                    "; {model_id} cannot fit {} tokens, so the cheapest that fits: {id}",
                    fmt_int(tokens)
                ));
                model_id = id;
                tokens = t;
                limit = l;
            }
            None => {
                condensation_required = true;
                reason.push_str(&format!(
                    "; no configured model fits {} tokens: condense first",
                    fmt_int(tokens)
                ));
            }
        }
    } else if cfg.prefer_cheap && rule.is_none() && cfg.use_hybrid {
        let candidates: Vec<String> = match class.task {
            Task::Quick => vec![cfg.models.fast.clone(), cfg.models.primary.clone()],
            Task::Code => vec![
                cfg.models.code.clone(),
                cfg.models.primary.clone(),
                cfg.models.complex.clone(),
            ],
            Task::Complex => vec![cfg.models.complex.clone(), cfg.models.primary.clone()],
        }
        .into_iter()
        .flatten()
        .collect();
        let current_price = engine
            .models
            .get(&model_id)
            .map(|m| m.pricing.input)
            .unwrap_or(f64::MAX);
        let mut best: Option<(String, u64, u64, f64)> = None;
        for id in candidates {
            let Ok(m) = engine.models.get(&id).cloned() else {
                continue;
            };
            if !capable(&m) || id == model_id {
                continue;
            }
            let Ok((t, l, price)) = fit(engine, &id) else {
                continue;
            };
            if t <= l && price < current_price && best.as_ref().is_none_or(|b| price < b.3) {
                best = Some((id, t, l, price));
            }
        }
        if let Some((id, t, l, _)) = best {
            reason.push_str(&format!("; cheaper model preferred: {id}"));
            model_id = id;
            tokens = t;
            limit = l;
        }
    }
    if !condensation_required {
        reason.push_str(&format!(
            "; {model_id} fits {} of {} tokens",
            fmt_int(tokens),
            fmt_int(limit)
        ));
    }
    let mut fallbacks = vec![model_id.clone()];
    for id in cfg.fallbacks.iter().chain(
        [&cfg.models.primary, &cfg.models.complex, &cfg.default]
            .into_iter()
            .flatten(),
    ) {
        if !fallbacks.contains(id) && engine.models.get(id).is_ok_and(&capable) {
            fallbacks.push(id.clone());
        }
    }
    let info = known(engine, &model_id, "model")?;
    let decision = Decision {
        provider: info.provider.clone(),
        model: model_id,
        task: class.task,
        confidence,
        reason: capitalize(&reason),
        rule,
        signals: class.signals,
        tokens,
        limit,
        condensation_required,
        fallbacks,
    };
    let complex_price = cfg
        .models
        .complex
        .as_ref()
        .and_then(|id| engine.models.get(id).ok())
        .map(|m| m.pricing.input);
    engine
        .routing
        .record(&decision, info.pricing.input, complex_price);
    Ok(decision)
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}
