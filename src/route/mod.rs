//! Routing: send each request to the right model — task classification, ordered regex rules,
//! capabilities (vision, tools), context fit, cost preference and a fallback chain.
//! User rules run on `regex-lite`, a linear-time engine: no pattern can hang the router.

pub mod classify;
pub mod fallback;
pub mod stats;

use crate::engine::Counter as Engine;
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
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub struct MatchedRule {
    /// Index in `rules`.
    pub index: usize,
    /// Its pattern.
    pub pattern: String,
}

/// A routing decision.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
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
    engine.models().get(id).cloned().map_err(|_| {
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

/// `n` with thousands separators (`12,345`).
pub(crate) fn fmt_int(n: u64) -> String {
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

/// What routing needs to know about the request.
struct Request {
    parsed: Vec<crate::messages::Message>,
    text: String,
    class: classify::Classification,
    needs_vision: bool,
    needs_tools: bool,
}

impl Request {
    fn capable(&self, m: &ModelInfo) -> bool {
        (!self.needs_vision || m.capabilities.vision) && (!self.needs_tools || m.capabilities.tools)
    }
}

/// A model chosen so far and why.
struct Choice {
    model: String,
    reason: String,
    rule: Option<MatchedRule>,
    confidence: f64,
}

/// A model that fits: (id, prompt tokens, usable window, input price).
type Fit = (String, u64, u64, f64);

/// Routes a conversation with a counter; records the decision in `stats`.
pub fn route(
    engine: &mut Engine,
    stats: &mut stats::RoutingStats,
    messages: &Value,
    cfg: &RouterConfig,
) -> Result<Decision> {
    let compiled = compile(engine, cfg)?;
    let req = understand(messages, cfg)?;
    let choice = apply_rules_or_task(&compiled, cfg, &req)?;
    let pool = configured_models(cfg);
    let choice = pick_by_capability(engine, cfg, &req, &pool, choice)?;
    let (choice, tokens, limit, condensation_required) =
        fit_or_escalate(engine, cfg, &req, &pool, choice)?;
    let fallbacks = build_fallbacks(engine, cfg, &req, &choice.model);
    let info = known(engine, &choice.model, "model")?;
    let mut reason = choice.reason;
    if !condensation_required {
        reason.push_str(&format!(
            "; {} fits {} of {} tokens",
            choice.model,
            fmt_int(tokens),
            fmt_int(limit)
        ));
    }
    let decision = Decision {
        provider: info.provider.clone(),
        model: choice.model,
        task: req.class.task,
        confidence: choice.confidence,
        reason: capitalize(&reason),
        rule: choice.rule,
        signals: req.class.signals,
        tokens,
        limit,
        condensation_required,
        fallbacks,
    };
    let complex_price = cfg
        .models
        .complex
        .as_ref()
        .and_then(|id| engine.models().get(id).ok())
        .map(|m| m.pricing.input);
    stats.record(&decision, info.pricing.input, complex_price);
    Ok(decision)
}

/// Parses the conversation: the new user message, its task, and what the request needs.
fn understand(messages: &Value, cfg: &RouterConfig) -> Result<Request> {
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
    let has_image =
        |m: &crate::messages::Message| m.parts.iter().any(|p| matches!(p, Part::Image(_)));
    if text.trim().is_empty() && !has_image(&parsed[last]) {
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
    let needs_vision = parsed.iter().any(has_image);
    let needs_tools = cfg
        .tools
        .as_ref()
        .is_some_and(|t| t.as_array().is_some_and(|a| !a.is_empty()))
        || parsed.iter().any(|m| m.has_tools());
    Ok(Request {
        parsed,
        text,
        class,
        needs_vision,
        needs_tools,
    })
}

/// The first matching rule, else the model of the task's role, else the default.
fn apply_rules_or_task(compiled: &Compiled, cfg: &RouterConfig, req: &Request) -> Result<Choice> {
    let default = cfg.default.clone().or_else(|| cfg.models.primary.clone());
    let missing =
        || Error::invalid_config("no model for this request: set default or models.primary");
    if !cfg.use_hybrid {
        let model = default
            .or_else(|| cfg.rules.first().map(|r| r.model.clone()))
            .ok_or_else(missing)?;
        return Ok(Choice {
            model,
            reason: "hybrid routing is off".into(),
            rule: None,
            confidence: 1.0,
        });
    }
    for (i, (re, model, pattern)) in compiled.rules.iter().enumerate() {
        if re.is_match(&req.text) {
            return Ok(Choice {
                model: model.clone(),
                reason: format!("rule {} matched /{}/", i + 1, pattern),
                rule: Some(MatchedRule {
                    index: i,
                    pattern: pattern.clone(),
                }),
                confidence: 1.0,
            });
        }
    }
    let role = match req.class.task {
        Task::Code => cfg.models.code.clone(),
        Task::Complex => cfg.models.complex.clone(),
        Task::Quick => cfg.models.fast.clone(),
    };
    let why = req
        .class
        .signals
        .first()
        .cloned()
        .unwrap_or_else(|| "no strong signal".into());
    Ok(Choice {
        model: role.or(default).ok_or_else(missing)?,
        reason: format!("{} task ({why})", req.class.task.as_str()),
        rule: None,
        confidence: req.class.confidence,
    })
}

/// Every configured model, once, in configuration order.
fn configured_models(cfg: &RouterConfig) -> Vec<String> {
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
    pool
}

/// Moves to a model that can take the request's images or tools, if the chosen one cannot.
fn pick_by_capability(
    engine: &Engine,
    cfg: &RouterConfig,
    req: &Request,
    pool: &[String],
    mut choice: Choice,
) -> Result<Choice> {
    if req.capable(&known(engine, &choice.model, "model")?) {
        return Ok(choice);
    }
    let preferred = if req.needs_vision {
        cfg.models.vision.clone()
    } else {
        None
    };
    let alt = preferred
        .into_iter()
        .chain(pool.iter().cloned())
        .find(|id| engine.models().get(id).is_ok_and(|m| req.capable(m)));
    let what = if req.needs_vision { "images" } else { "tools" };
    match alt {
        Some(a) => {
            choice
                .reason
                .push_str(&format!("; {} cannot take {what}, so {a}", choice.model));
            choice.model = a;
            Ok(choice)
        }
        None => Err(Error::invalid_config(format!(
            "the request needs {} but no configured model supports it; add one (e.g. models.vision)",
            if req.needs_vision { "vision" } else { "tool calls" }
        ))),
    }
}

/// Prompt tokens, usable window and input price of a model for this request.
fn fit(engine: &mut Engine, cfg: &RouterConfig, req: &Request, id: &str) -> Result<Fit> {
    let m = known(engine, id, "model")?;
    let reserve =
        reserve_for(&m, cfg.reserve_output).map_err(|e| Error::invalid_config(e.message))?;
    let tokens = engine
        .count_parsed(&req.parsed, &m.id, cfg.tools.as_ref())?
        .total;
    Ok((
        id.to_string(),
        tokens,
        m.context_window as u64 - reserve,
        m.pricing.input,
    ))
}

/// The cheapest of `candidates` that can take the request, fits, and costs less than `below`.
fn cheapest_fitting(
    engine: &mut Engine,
    cfg: &RouterConfig,
    req: &Request,
    candidates: &[String],
    below: f64,
) -> Option<Fit> {
    let mut best: Option<Fit> = None;
    for id in candidates {
        if !engine.models().get(id).is_ok_and(|m| req.capable(m)) {
            continue;
        }
        let Ok(f) = fit(engine, cfg, req, id) else {
            continue;
        };
        if f.1 <= f.2 && f.3 < below && best.as_ref().is_none_or(|b| f.3 < b.3) {
            best = Some(f);
        }
    }
    best
}

/// Keeps the choice when it fits; else the cheapest configured model that fits (or says to
/// condense first). With `preferCheap`, a cheaper model of the same task that fits is preferred.
fn fit_or_escalate(
    engine: &mut Engine,
    cfg: &RouterConfig,
    req: &Request,
    pool: &[String],
    mut choice: Choice,
) -> Result<(Choice, u64, u64, bool)> {
    let (_, tokens, limit, price) = fit(engine, cfg, req, &choice.model)?;
    if tokens > limit {
        return Ok(
            match cheapest_fitting(engine, cfg, req, pool, f64::INFINITY) {
                Some((id, t, l, _)) => {
                    choice.reason.push_str(&format!(
                        "; {} cannot fit {} tokens, so the cheapest that fits: {id}",
                        choice.model,
                        fmt_int(tokens)
                    ));
                    choice.model = id;
                    (choice, t, l, false)
                }
                None => {
                    choice.reason.push_str(&format!(
                        "; no configured model fits {} tokens: condense first",
                        fmt_int(tokens)
                    ));
                    (choice, tokens, limit, true)
                }
            },
        );
    }
    if !(cfg.prefer_cheap && choice.rule.is_none() && cfg.use_hybrid) {
        return Ok((choice, tokens, limit, false));
    }
    let m = &cfg.models;
    let same_task: Vec<String> = match req.class.task {
        Task::Quick => vec![m.fast.clone(), m.primary.clone()],
        Task::Code => vec![m.code.clone(), m.primary.clone(), m.complex.clone()],
        Task::Complex => vec![m.complex.clone(), m.primary.clone()],
    }
    .into_iter()
    .flatten()
    .filter(|id| *id != choice.model)
    .collect();
    Ok(
        match cheapest_fitting(engine, cfg, req, &same_task, price) {
            Some((id, t, l, _)) => {
                choice
                    .reason
                    .push_str(&format!("; cheaper model preferred: {id}"));
                choice.model = id;
                (choice, t, l, false)
            }
            None => (choice, tokens, limit, false),
        },
    )
}

/// The chosen model, then the configured fallbacks, primary, complex and default models that
/// can take the request.
fn build_fallbacks(
    engine: &Engine,
    cfg: &RouterConfig,
    req: &Request,
    chosen: &str,
) -> Vec<String> {
    let mut fallbacks = vec![chosen.to_string()];
    for id in cfg.fallbacks.iter().chain(
        [&cfg.models.primary, &cfg.models.complex, &cfg.default]
            .into_iter()
            .flatten(),
    ) {
        if !fallbacks.contains(id) && engine.models().get(id).is_ok_and(|m| req.capable(m)) {
            fallbacks.push(id.clone());
        }
    }
    fallbacks
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}
