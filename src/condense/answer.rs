//! What kind of answer a question asks for, and what kinds of answers a passage holds: a time of
//! day, a date, a version, an error, an identifier, a path or URL, an amount, a person. The
//! recall tool ranks passages that hold what the question asks for above passages that only
//! share its words ("At what time does the nightly backup run?" is answered by "Move the backup
//! to 04:20", not by the ten other passages about the backup).

use super::extractive::is_number_word;
use super::recall::stem;

/// A set of answer kinds (bits).
pub type Kinds = u8;

/// A time of day.
pub const TIME: Kinds = 1;
/// A date or day.
pub const DATE: Kinds = 1 << 1;
/// A version number.
pub const VERSION: Kinds = 1 << 2;
/// An error message.
pub const ERROR: Kinds = 1 << 3;
/// An identifier with digits (an account, a ticket, an id).
pub const IDENT: Kinds = 1 << 4;
/// A path, file name or URL.
pub const PATH: Kinds = 1 << 5;
/// An amount: a number with a unit, a rate, a price.
pub const AMOUNT: Kinds = 1 << 6;
/// A person.
pub const PERSON: Kinds = 1 << 7;

/// Question words and nouns that ask for each kind, in English and the languages people commonly
/// chat in. A cue ending in `*` matches words that start with it.
const CUES: &[(Kinds, &[&str])] = &[
    (
        TIME | DATE,
        &[
            "when",
            "cuándo",
            "cuando",
            "quand",
            "wann",
            "когда",
            "quando",
            "kiedy",
            "när",
            "wanneer",
            "いつ",
        ],
    ),
    (
        TIME,
        &[
            "time",
            "hour",
            "o'clock",
            "hora",
            "heure",
            "uhr",
            "uhrzeit",
            "ora",
            "orario",
            "godzin*",
            "klockan",
            "tid",
            "tijd",
            "kello",
            "saat",
            "hodin*",
            "часов",
            "сколько",
            "時*",
            "几点",
        ],
    ),
    (
        DATE,
        &[
            "date",
            "day",
            "deadline",
            "until",
            "week",
            "month",
            "fecha",
            "día",
            "dia",
            "jour",
            "tag",
            "datum",
            "termin",
            "дата",
            "день",
            "числа",
            "dzień",
            "dag",
            "päivä*",
            "gün",
            "日*",
            "giorno",
            "data",
            "dátum",
        ],
    ),
    (
        VERSION,
        &[
            "version",
            "release",
            "tag",
            "build",
            "versión",
            "versione",
            "versão",
            "wersj*",
            "verze",
            "versio",
            "sürüm",
            "верси*",
            "バージョン",
            "版本",
            "versie",
        ],
    ),
    (
        ERROR,
        &[
            "error",
            "errors",
            "fail",
            "failed",
            "failure",
            "crash",
            "crashed",
            "exception",
            "warning",
            "report",
            "reported",
            "complain*",
            "błąd",
            "błędu",
            "ошибк*",
            "erreur",
            "fehler*",
            "errore",
            "erro",
            "hata*",
            "chyb*",
            "virhe*",
            "fel",
            "fout*",
            "エラー",
            "错误",
            "报错",
        ],
    ),
    (
        IDENT,
        &[
            "id",
            "ids",
            "number",
            "account",
            "reference",
            "code",
            "key",
            "handle",
            "workspace",
            "ticket",
            "invoice",
            "serial",
            "centre",
            "center",
            "numer",
            "número",
            "numéro",
            "nummer",
            "numero",
            "номер*",
            "番号",
            "编号",
            "konto",
            "cuenta",
            "compte",
            "tunnus*",
            "číslo",
            "numara*",
        ],
    ),
    (
        PATH,
        &[
            "where",
            "file",
            "path",
            "url",
            "module",
            "directory",
            "folder",
            "document",
            "script",
            "endpoint",
            "page",
            "link",
            "address",
            "dónde",
            "où",
            "wo",
            "где",
            "どこ",
            "ファイル",
            "dove",
            "onde",
            "gdzie",
            "plik*",
            "fichier",
            "datei",
            "archivo",
            "var",
            "missä",
            "nerede",
            "kde",
            "waar",
        ],
    ),
    (
        AMOUNT,
        &[
            "much",
            "many",
            "fast",
            "long",
            "often",
            "large",
            "big",
            "limit",
            "cap",
            "maximum",
            "max",
            "largest",
            "most",
            "rate",
            "budget",
            "quota",
            "size",
            "interval",
            "pace",
            "bandwidth",
            "threshold",
            "cuánto*",
            "cuánta*",
            "combien",
            "viel*",
            "сколько",
            "quant*",
            "ile",
            "hur",
            "kuinka",
            "kadar",
            "kolik",
            "hoeveel",
            "いくつ",
            "いくら",
            "多少",
        ],
    ),
    (
        PERSON,
        &[
            "who",
            "whom",
            "whose",
            "owner",
            "owns",
            "responsible",
            "maintains",
            "maintainer",
            "quién",
            "qui",
            "wer",
            "кто",
            "誰",
            "だれ",
            "chi",
            "quem",
            "kto",
            "vem",
            "kuka",
            "kim",
            "kdo",
            "wie",
        ],
    ),
];

/// Words people use for the same thing in a chat about software and its operation: a question
/// says "Which backup tool did we choose?", the answer "fine, use restic".
const RELATED: &[&[&str]] = &[
    &[
        "choose",
        "chose",
        "chosen",
        "pick",
        "picked",
        "use",
        "go",
        "decided",
        "switch",
        "mechanism",
        "tool",
    ],
    &[
        "time",
        "schedule",
        "scheduled",
        "clock",
        "hour",
        "start",
        "nightly",
    ],
    &["release", "version", "tag", "cut", "ship", "candidate"],
    &[
        "remove", "removed", "delete", "deleted", "drop", "dropped", "threw", "gone", "retire",
    ],
    &[
        "store", "stored", "keep", "kept", "save", "database", "goes",
    ],
    &[
        "maintain",
        "maintains",
        "own",
        "owns",
        "owner",
        "responsible",
        "belongs",
        "lead",
        "reviews",
        "looks",
    ],
    &[
        "send", "sent", "mail", "email", "share", "forward", "promise", "promised",
    ],
    &[
        "limit",
        "cap",
        "capped",
        "throttle",
        "throttles",
        "max",
        "maximum",
        "quota",
        "largest",
        "budget",
    ],
    &[
        "error",
        "fail",
        "failed",
        "failure",
        "exception",
        "crash",
        "crashed",
        "died",
        "report",
    ],
    &["host", "server", "machine", "box", "vm", "runner"],
    &[
        "create", "created", "add", "added", "wrote", "write", "made", "new",
    ],
    &["contact", "contacted", "reach", "ping", "message"],
    &["deadline", "due", "until", "freeze", "cutoff", "date"],
    &["fast", "rate", "speed", "per", "pace", "throughput"],
    &[
        "task",
        "todo",
        "open",
        "pending",
        "remaining",
        "still",
        "check",
        "review",
    ],
    &[
        "file",
        "module",
        "document",
        "script",
        "config",
        "configuration",
    ],
    &["function", "method", "def", "helper"],
    &["directory", "folder", "dir", "path"],
    &[
        "id",
        "identifier",
        "number",
        "account",
        "reference",
        "handle",
    ],
    &["retry", "retries", "attempt", "again", "backoff", "restart"],
    &["prefer", "preference", "rather", "want", "please"],
];

/// Search terms (stemmed as the recall index stems them) related to a stemmed query term.
pub fn related(term: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for group in RELATED {
        if group.iter().any(|w| stem(w) == term) {
            for w in group.iter().map(|w| stem(w)) {
                if w != term && !out.contains(&w) {
                    out.push(w);
                }
            }
        }
    }
    out
}

/// The kinds of answer a question asks for (none when it names none).
pub fn wanted(question: &str) -> Kinds {
    let mut out = 0;
    let lower = question.to_lowercase();
    for w in lower.split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '’')) {
        let w = w.trim_matches(['\'', '’']);
        if w.is_empty() {
            continue;
        }
        for (kinds, cues) in CUES {
            let hit = cues.iter().any(|c| match c.strip_suffix('*') {
                Some(prefix) => w.starts_with(prefix),
                None => w == *c,
            });
            if hit {
                out |= kinds;
            }
        }
    }
    // scripts without spaces: the cue may sit inside a longer run
    for (kinds, cues) in CUES {
        for c in cues.iter().map(|c| c.trim_end_matches('*')) {
            if c.chars().any(|ch| ch as u32 >= 0x3040) && lower.contains(c) {
                out |= kinds;
            }
        }
    }
    out
}

const MONTHS: &[&str] = &[
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
    "enero",
    "febrero",
    "marzo",
    "abril",
    "mayo",
    "junio",
    "julio",
    "agosto",
    "septiembre",
    "octubre",
    "noviembre",
    "diciembre",
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
    "januar",
    "februar",
    "märz",
    "juni",
    "juli",
    "oktober",
    "dezember",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "tomorrow",
    "today",
    "tonight",
];

const ERRORS: &[&str] = &[
    "error",
    "errors",
    "exception",
    "failed",
    "fails",
    "failure",
    "cannot",
    "can't",
    "denied",
    "refused",
    "fatal",
    "busy",
    "timeout",
    "traceback",
    "violates",
    "invalid",
    "panic",
    "panicked",
    "segfault",
    "aborted",
    "crash",
    "crashed",
    "crashes",
    "warning",
    "unreachable",
    "missing",
];

/// True for a token that is a number: digits with separators and maybe a unit stuck to it
/// ("2,500", "1.2", "45s", "600GB").
fn numeric(t: &str) -> bool {
    t.chars()
        .next()
        .is_some_and(|c| c.is_ascii_digit() || c == '€' || c == '$' || c == '£')
        && t.chars().any(|c| c.is_ascii_digit())
}

/// A time of day: `04:20`, `9:40:00`, `14h30`, `9時`.
fn time_token(t: &str) -> bool {
    let parts: Vec<&str> = t.split(':').collect();
    if parts.len() >= 2
        && parts[0].len() <= 2
        && parts.iter().all(|p| p.len() == 2 || p.len() == 1)
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
    {
        return true;
    }
    if let Some((h, m)) = t.split_once('h') {
        if (1..=2).contains(&h.len())
            && h.bytes().all(|b| b.is_ascii_digit())
            && m.bytes().all(|b| b.is_ascii_digit())
        {
            return true;
        }
    }
    t.chars().next().is_some_and(|c| c.is_ascii_digit()) && (t.contains('時') || t.contains('时'))
}

/// A version: `4.7.3`, `v2.1`, `0.9.0rc2`, `1.7.0-rc.3`, `2.3.0-beta.4`.
fn version_token(t: &str) -> bool {
    let v = t.strip_prefix(['v', 'V']).unwrap_or(t);
    if !v.starts_with(|c: char| c.is_ascii_digit()) || !v.contains('.') {
        return false;
    }
    let dots = v.matches('.').count();
    let lower = v.to_lowercase();
    let pre = ["rc", "beta", "alpha", "dev", "-"]
        .iter()
        .any(|s| lower.contains(s));
    (dots >= 2 && !v.contains('/')) || (v.len() < t.len() && dots >= 1) || (pre && dots >= 1)
}

/// The kinds of answer a text holds.
pub fn held(text: &str) -> Kinds {
    let mut out = 0;
    let tokens: Vec<&str> = text
        .split_whitespace()
        .map(|t| {
            t.trim_matches(|c: char| {
                !(c.is_alphanumeric()
                    || matches!(c, '_' | '/' | '.' | '-' | ':' | '$' | '€' | '£' | '%'))
            })
            .trim_end_matches(['.', ':', ','])
        })
        .collect();
    let mut caps_run = 0;
    for (i, t) in tokens.iter().enumerate() {
        if t.is_empty() {
            caps_run = 0;
            continue;
        }
        let lower = t.to_lowercase();
        let next = tokens
            .get(i + 1)
            .map(|n| n.to_lowercase())
            .unwrap_or_default();
        if time_token(t)
            || matches!(lower.as_str(), "noon" | "midnight" | "o'clock")
            || (numeric(t)
                && matches!(
                    next.as_str(),
                    "am" | "pm" | "a.m" | "p.m" | "uhr" | "o'clock"
                ))
            || (is_number_word(&lower)
                && matches!(next.as_str(), "past" | "to")
                && tokens.get(i + 2).is_some_and(|n| {
                    is_number_word(&n.to_lowercase()) || *n == "noon" || *n == "midnight"
                }))
        {
            out |= TIME;
        }
        if MONTHS.contains(&lower.as_str())
            || t.ends_with('日') && t.chars().next().is_some_and(|c| c.is_ascii_digit())
            || iso_date(t)
            || ordinal(&lower)
        {
            out |= DATE;
        }
        if version_token(t) {
            out |= VERSION;
        }
        if ERRORS.contains(&lower.as_str())
            || (lower.len() > 5 && (lower.ends_with("error") || lower.ends_with("exception")))
            || lower.starts_with("err_")
            || lower.starts_with("e_")
        {
            out |= ERROR;
        }
        let digits = t.chars().filter(|c| c.is_ascii_digit()).count();
        if t.chars().count() >= 5
            && digits >= 2
            && (t.chars().any(|c| c.is_alphabetic()) || t.contains('-'))
            && !t.contains('/')
            && !time_token(t)
            && !version_token(t)
        {
            out |= IDENT;
        }
        if t.contains("://")
            || (t.len() >= 4
                && t.matches('/').count() >= 1
                && t.chars().any(|c| c.is_alphabetic())
                && (t.starts_with(['/', '.', '~'])
                    || t.matches('/').count() >= 2
                    || file_name(t.rsplit('/').next().unwrap_or(""))))
            || file_name(t)
        {
            out |= PATH;
        }
        if t.contains(['%', '€', '$', '£'])
            || ((numeric(t) || is_number_word(&lower))
                && next.chars().next().is_some_and(char::is_alphabetic)
                && !time_token(t))
            || (numeric(t)
                && t.chars().last().is_some_and(char::is_alphabetic)
                && !version_token(t)
                && digits * 2 >= t.len())
        {
            out |= AMOUNT;
        }
        // a person: two capitalized words in a row ("Priya Raman"), or one after a word that
        // says someone owns, leads or said something
        let capitalized = t.chars().count() >= 3
            && t.chars().next().is_some_and(char::is_uppercase)
            && t.chars().skip(1).all(char::is_lowercase);
        if capitalized {
            caps_run += 1;
            let before = if i > 0 {
                tokens[i - 1].to_lowercase()
            } else {
                String::new()
            };
            if caps_run >= 2
                || matches!(
                    before.as_str(),
                    "to" | "by" | "ask" | "asked" | "from" | "with" | "owner" | "lead" | "contact"
                ) && i > 1
            {
                out |= PERSON;
            }
        } else {
            caps_run = 0;
        }
        if i + 1 < tokens.len()
            && capitalized
            && matches!(
                next.as_str(),
                "owns"
                    | "said"
                    | "says"
                    | "wrote"
                    | "reviews"
                    | "maintains"
                    | "leads"
                    | "handles"
                    | "approved"
                    | "asked"
            )
        {
            out |= PERSON;
        }
    }
    out
}

/// `2026-05-09`, `09/10/2026`, `23.05.` — digits in three or two groups with date separators.
fn iso_date(t: &str) -> bool {
    let groups: Vec<&str> = t.split(['-', '/', '.']).filter(|g| !g.is_empty()).collect();
    (groups.len() == 3 || (groups.len() == 2 && t.contains('/')))
        && groups
            .iter()
            .all(|g| (1..=4).contains(&g.len()) && g.bytes().all(|b| b.is_ascii_digit()))
        && groups.iter().any(|g| g.len() == 4 || groups.len() == 2)
}

/// `9th`, `23rd`, `1st`, and ordinals written out ("ninth").
fn ordinal(w: &str) -> bool {
    let (num, suffix) = w.split_at(w.find(|c: char| !c.is_ascii_digit()).unwrap_or(w.len()));
    if !num.is_empty() && num.len() <= 2 {
        return matches!(suffix, "st" | "nd" | "rd" | "th");
    }
    num.is_empty()
        && (w.ends_with("th") || matches!(w, "first" | "second" | "third"))
        && is_number_word(w)
}

/// `report.py`, `cutover-checklist.md`, `tile-backup.timer`: a name, a dot, a short extension
/// in lower case.
fn file_name(t: &str) -> bool {
    let Some((stem, ext)) = t.rsplit_once('.') else {
        return false;
    };
    !stem.is_empty()
        && stem.chars().any(char::is_alphabetic)
        && stem
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.'))
        && (2..=5).contains(&ext.len())
        && ext
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        && ext.chars().next().is_some_and(|c| c.is_ascii_lowercase())
        && !matches!(ext, "com" | "net" | "org" | "io" | "internal" | "local")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn questions_ask_for_kinds() {
        assert_eq!(
            wanted("At what time does the nightly backup run?") & TIME,
            TIME
        );
        assert_eq!(wanted("Which version is the release candidate?"), VERSION);
        assert_eq!(wanted("Who owns the rollout?"), PERSON);
        assert_ne!(wanted("What is the merchant account ID?") & IDENT, 0);
        assert_ne!(wanted("Where can the feed be fetched?") & PATH, 0);
        assert_ne!(wanted("How fast may we send SMS?") & AMOUNT, 0);
        assert_ne!(wanted("Во сколько выгружаются цены?") & TIME, 0);
        assert_ne!(
            wanted("日本語訳が最初に含まれるバージョンは？") & VERSION,
            0
        );
        assert_eq!(wanted("Tell me about the weather"), 0);
    }

    #[test]
    fn passages_hold_kinds() {
        assert_ne!(held("Move the backup to 04:20 please.") & TIME, 0);
        assert_ne!(
            held("Schedule it for ten to three in the morning.") & TIME,
            0
        );
        assert_ne!(held("We cut 1.7.0-rc.3 tonight.") & VERSION, 0);
        assert_ne!(held("tileserver-gl v4.7.3 active") & VERSION, 0);
        assert_eq!(held("we raise the cap to 1.2 GB per file") & VERSION, 0);
        assert_ne!(held("we raise the cap to 1.2 GB per file") & AMOUNT, 0);
        assert_ne!(held("throttles us at 40 calls per 10 seconds") & AMOUNT, 0);
        assert_ne!(
            held("the report died with KeyError: 'tide_offset_cm'") & ERROR,
            0
        );
        assert_ne!(held("there: FH-PUB-77313. it is not secret") & IDENT, 0);
        assert_ne!(held("Created lib/signing/hmac-verify.mjs today") & PATH, 0);
        assert_ne!(held("see https://feeds.example/x/main.xml") & PATH, 0);
        assert_ne!(
            held("the auditors arrive on the ninth of October") & DATE,
            0
        );
        assert_ne!(held("the VM belongs to Henrike, the GIS lead") & PERSON, 0);
        assert_ne!(held("Priya Raman ran the last migration") & PERSON, 0);
        assert_eq!(held("just some words about nothing in particular"), 0);
    }
}
