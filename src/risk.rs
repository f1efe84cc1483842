//! Context-window risk: utilization → level → recommended action.
//!
//! `limit` is the context window minus the output reserve; utilization is tokens / limit.
//! Default levels: SAFE < 70 % ≤ CAUTION < 80 % ≤ WARNING < 90 % ≤ CRITICAL ≤ 100 % < OVERFLOW.

use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};

/// Risk levels, from no risk to a request that cannot fit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum RiskLevel {
    /// Below the caution threshold.
    Safe,
    /// At or above caution.
    Caution,
    /// At or above warning.
    Warning,
    /// At or above critical, up to the limit.
    Critical,
    /// Over the limit: the request will be rejected or truncated.
    Overflow,
}

/// What to do at a level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "snake_case")]
pub enum RiskAction {
    /// Nothing to do.
    None,
    /// Keep an eye on growth; plan condensation soon.
    Monitor,
    /// Condense the older history before the next turns.
    Condense,
    /// Condense now, before sending this request.
    CondenseNow,
    /// The request does not fit: condense (or switch to a model with a larger window) first.
    CondenseRequired,
}

/// Utilization thresholds (fractions of the limit).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Thresholds {
    /// CAUTION from here (default 0.70).
    #[serde(default = "d_caution")]
    pub caution: f64,
    /// WARNING from here (default 0.80).
    #[serde(default = "d_warning")]
    pub warning: f64,
    /// CRITICAL from here (default 0.90).
    #[serde(default = "d_critical")]
    pub critical: f64,
}

fn d_caution() -> f64 {
    0.70
}
fn d_warning() -> f64 {
    0.80
}
fn d_critical() -> f64 {
    0.90
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            caution: d_caution(),
            warning: d_warning(),
            critical: d_critical(),
        }
    }
}

impl Thresholds {
    /// Checks the thresholds increase strictly and lie within (0, 1].
    pub fn validate(&self) -> Result<()> {
        let ok = |v: f64| v.is_finite() && v > 0.0 && v <= 1.0;
        if !(ok(self.caution) && ok(self.warning) && ok(self.critical)) {
            return Err(Error::invalid_config(format!(
                "thresholds must lie within (0, 1]; got caution {}, warning {}, critical {}",
                self.caution, self.warning, self.critical
            )));
        }
        if !(self.caution < self.warning && self.warning < self.critical) {
            return Err(Error::invalid_config(format!(
                "thresholds must increase: caution < warning < critical; got {} / {} / {}",
                self.caution, self.warning, self.critical
            )));
        }
        Ok(())
    }

    /// The level for a utilization.
    pub fn level(&self, utilization: f64) -> RiskLevel {
        if utilization > 1.0 {
            RiskLevel::Overflow
        } else if utilization >= self.critical {
            RiskLevel::Critical
        } else if utilization >= self.warning {
            RiskLevel::Warning
        } else if utilization >= self.caution {
            RiskLevel::Caution
        } else {
            RiskLevel::Safe
        }
    }
}

impl RiskLevel {
    /// The recommended action for this level.
    pub fn action(self) -> RiskAction {
        match self {
            RiskLevel::Safe => RiskAction::None,
            RiskLevel::Caution => RiskAction::Monitor,
            RiskLevel::Warning => RiskAction::Condense,
            RiskLevel::Critical => RiskAction::CondenseNow,
            RiskLevel::Overflow => RiskAction::CondenseRequired,
        }
    }
}

/// A risk assessment.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct Assessment {
    /// Prompt tokens.
    pub tokens: u64,
    /// Context window minus the output reserve.
    pub limit: u64,
    /// `limit - tokens`, never below zero.
    pub available: u64,
    /// `tokens / limit`.
    pub utilization: f64,
    /// The level.
    pub level: RiskLevel,
    /// The recommended action.
    pub action: RiskAction,
    /// A sentence for people.
    pub message: String,
    /// Tokens reserved for the reply.
    pub reserve_output: u64,
    /// The model's context window.
    pub context_window: u64,
    /// True when `tokens` is an estimate.
    pub estimated: bool,
}

/// Default output reserve: the model's max output, capped at 4,096 tokens.
pub fn default_reserve(max_output: u32) -> u64 {
    max_output.min(4096) as u64
}

/// The output reserve for a model: the caller's `reserveOutput` (a non-negative integer below
/// the context window) or the default.
pub fn reserve_for(model: &crate::models::ModelInfo, reserve_output: Option<f64>) -> Result<u64> {
    let window = model.context_window as u64;
    match reserve_output {
        None => Ok(default_reserve(model.max_output_tokens)),
        Some(r) if r.is_finite() && r >= 0.0 && r.fract() == 0.0 && (r as u64) < window => Ok(r as u64),
        Some(r) => Err(Error::invalid_argument(format!(
            "reserveOutput must be a non-negative integer smaller than the context window ({window} for {}), got {r}",
            model.id
        ))),
    }
}

/// Assesses `tokens` against a window.
pub fn assess(
    tokens: u64,
    context_window: u64,
    reserve_output: u64,
    thresholds: &Thresholds,
    estimated: bool,
) -> Result<Assessment> {
    thresholds.validate()?;
    if reserve_output >= context_window {
        return Err(Error::invalid_argument(format!(
            "reserveOutput ({reserve_output}) must be smaller than the context window ({context_window})"
        )));
    }
    let limit = context_window - reserve_output;
    let utilization = tokens as f64 / limit as f64;
    let level = thresholds.level(utilization);
    let pct = (utilization * 1000.0).round() / 10.0;
    let message = match level {
        RiskLevel::Safe => format!("{pct}% of the usable window: no action needed"),
        RiskLevel::Caution => format!("{pct}% of the usable window: keep an eye on growth"),
        RiskLevel::Warning => format!("{pct}% of the usable window: condense older history soon"),
        RiskLevel::Critical => format!("{pct}% of the usable window: condense before sending"),
        RiskLevel::Overflow => format!(
            "{tokens} tokens exceed the usable window of {limit}: condense or use a model with a larger window"
        ),
    };
    Ok(Assessment {
        tokens,
        limit,
        available: limit.saturating_sub(tokens),
        utilization,
        level,
        action: level.action(),
        message,
        reserve_output,
        context_window,
        estimated,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_boundaries() {
        let t = Thresholds::default();
        let lv = |u| t.level(u);
        assert_eq!(lv(0.0), RiskLevel::Safe);
        assert_eq!(lv(0.6999), RiskLevel::Safe);
        assert_eq!(lv(0.70), RiskLevel::Caution);
        assert_eq!(lv(0.80), RiskLevel::Warning);
        assert_eq!(lv(0.90), RiskLevel::Critical);
        assert_eq!(lv(1.0), RiskLevel::Critical);
        assert_eq!(lv(1.0001), RiskLevel::Overflow);
    }

    #[test]
    fn assessment_numbers() {
        let a = assess(800, 1100, 100, &Thresholds::default(), false).unwrap();
        assert_eq!(
            (a.limit, a.available, a.level, a.action),
            (1000, 200, RiskLevel::Warning, RiskAction::Condense)
        );
        let o = assess(1200, 1100, 100, &Thresholds::default(), false).unwrap();
        assert_eq!((o.available, o.level), (0, RiskLevel::Overflow));
        assert!(assess(1, 100, 100, &Thresholds::default(), false).is_err());
    }

    #[test]
    fn thresholds_are_validated() {
        for (c, w, k) in [
            (0.8, 0.7, 0.9),
            (0.0, 0.5, 0.9),
            (0.5, 0.6, 1.1),
            (0.5, 0.5, 0.9),
            (f64::NAN, 0.5, 0.9),
        ] {
            let t = Thresholds {
                caution: c,
                warning: w,
                critical: k,
            };
            assert_eq!(
                t.validate().unwrap_err().code,
                crate::error::ErrorCode::InvalidConfig
            );
        }
        Thresholds {
            caution: 0.5,
            warning: 0.6,
            critical: 1.0,
        }
        .validate()
        .unwrap();
    }
}
