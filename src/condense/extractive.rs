//! Extractive condensation: local, deterministic, no LLM. Scores every sentence of the evicted
//! messages and keeps the best within the budget, in their original order, with source ids.
//!
//! What a participant says outranks what they paste: a sentence of the user's or the assistant's
//! own words scores in full, a sentence of a code block, a quoted or pasted document, a log or a
//! tool's output is evidence and scores a fifth ([`super::text::voiced`]). A sentence scores for
//! the specific things it names — identifiers, numbers, versions, times, paths, hosts, names —
//! weighted by how rare each is in the evicted text; for commitments and decisions ("let's",
//! "we will", "never", "prefer", "instead"); for overlap with the current question; and less for
//! length (the budget buys sentences, so a short statement of a fact beats a long paragraph).

use super::text::{cjk, dense, is_stopword, sentences, voiced, word_set, words};
use crate::messages::{Message, Role};
use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

/// One selected sentence.
#[derive(Debug, Clone, PartialEq)]
pub struct Extract {
    /// Index of the message it came from.
    pub source: usize,
    /// Role of that message.
    pub role: &'static str,
    /// The sentence.
    pub text: String,
}

/// Words and phrases of commitment, decision, constraint and preference.
const CUES: &[&str] = &[
    "we will",
    "we'll",
    "i will",
    "i'll",
    "decided",
    "decision",
    "must",
    "never",
    "always",
    "agreed",
    "let's",
    "go with",
    "going to",
    "instead",
    "switch",
    "prefer",
    "rather",
    "please",
    "make sure",
    "don't",
    "do not",
    "need to",
    "plan is",
    "chose",
    "from now on",
    "deadline",
    "by the end",
    "owner",
    "owns",
    "in charge",
    "removed",
    "deleted",
    "dropped",
    "added",
    "created",
    "renamed",
    "limit",
    "at most",
    "maximum",
    "every",
    "retry",
    "retries",
    "expire",
    "todo",
    "still have to",
    "remind",
    "changed",
    "raise",
    "bump",
    // the same in other languages people chat in
    "wir nehmen",
    "wir werden",
    "entschieden",
    "niemals",
    "immer ",
    "bitte",
    "on va ",
    "nous allons",
    "décidé",
    "jamais",
    "toujours",
    "vamos a",
    "usaremos",
    "decidimos",
    "nunca",
    "siempre",
    "confirmado",
    "useremo",
    "abbiamo deciso",
    "sempre",
    "vamos usar",
    "решили",
    "будем",
    "никогда",
    "всегда",
    "zdecydowali",
    "będziemy",
    "nigdy",
    "zawsze",
    "決定",
    "にします",
    "してください",
    "决定",
    "我们用",
    // open tasks, removals, owners and requests, said the way people say them
    "has to",
    "have to",
    "still open",
    "open item",
    "before we forget",
    "get rid of",
    "threw out",
    "rip out",
    "retire",
    "responsible",
    "noch offen",
    "jemand muss",
    "zuständig",
    "entfernt",
    "il reste",
    "reste à",
    "qui gère",
    "supprimé",
    "s'il vous plaît",
    "falta",
    "pendiente",
    "se encarga",
    "eliminado",
    "por favor",
    "ancora da",
    "bisogna",
    "si occupa",
    "rimosso",
    "per favore",
    "ainda falta",
    "removido",
    "nog open",
    "iemand moet",
    "verwijderd",
    "alsjeblieft",
    "trzeba",
    "usunęliśmy",
    "proszę",
    "осталось",
    "нужно",
    "отвечает",
    "удалили",
    "пожалуйста",
    "担当",
    "削除",
    "负责",
    "删除",
    "还没",
    // "I prefer" where the word is not "prefer"
    "préfère",
    "prefiero",
    "preferisco",
    "prefiro",
    "bevorzuge",
    "lieber",
    "liever",
    "wolę",
    "предпочита",
    "föredrar",
    "foretrækker",
    "foretrekker",
    // Swedish, Danish and Norwegian, Finnish, Czech, Turkish
    "aldrig",
    "alltid",
    "altid",
    "måste",
    "bestämt",
    "besluttet",
    "ta bort",
    "tagit bort",
    "fjernet",
    "snälla",
    "venligst",
    "ansvarig",
    "ansvarlig",
    "ei koskaan",
    "päätimme",
    "poistettu",
    "vastuussa",
    "nikdy",
    "vždy",
    "rozhodli",
    "odstranili",
    "prosím",
    "asla",
    "her zaman",
    "karar",
    "kaldırdık",
    "lütfen",
    "sorumlu",
];

/// Share of a full score that a sentence of pasted material (code, documents, logs, tool output) gets.
const EVIDENCE_WEIGHT: f64 = 0.2;
/// Share of a full score for the assistant's own words (the user's are the reference).
const ASSISTANT_WEIGHT: f64 = 0.9;
/// How much a word found in only one or two messages counts as naming something.
const RARE_WORD_WEIGHT: f64 = 0.25;
/// Sentences longer than this many characters score less per character.
const SHORT_SENTENCE: f64 = 160.0;

/// The specific things a sentence names: tokens with digits (numbers, versions, times, dates,
/// amounts, ids), identifiers (`snake_case`, `kebab-case`, dotted hosts, paths, flags),
/// all-capitals names, and capitalized words inside the sentence (names of people, places,
/// products). Lower-cased.
pub fn specifics(sentence: &str) -> Vec<String> {
    weighed_specifics(sentence, &|_| true)
        .into_iter()
        .map(|(w, _)| w)
        .collect()
}

/// [`specifics`] with how surely each names one thing: 1 for numbers and identifiers, ½ for a
/// capitalized word (a name, or just a capitalized noun) or one in capitals — less for a
/// capitalized word where most words are (German nouns, a title).
/// `common(word)`: the word is also written in lower case in the text (so a capital at the start of
/// a sentence does not make it a name).
fn weighed_specifics(sentence: &str, common: &dyn Fn(&str) -> bool) -> Vec<(String, f64)> {
    let mut out = Vec::new();
    // where most words are capitalized (German nouns, a title), a capital names nothing
    let rest: Vec<&str> = sentence.split_whitespace().skip(1).collect();
    let capitalized = rest
        .iter()
        .filter(|w| {
            w.chars().next().is_some_and(char::is_uppercase)
                && w.chars().skip(1).all(|c| !c.is_uppercase())
        })
        .count();
    let capital_weight = if rest.len() >= 4 && capitalized * 10 >= rest.len() * 3 {
        0.15
    } else {
        0.5
    };
    let tokens: Vec<&str> = sentence.split_whitespace().collect();
    // a name is followed by an honorific in Korean ("서연 씨가", "민준 님") and carries one in
    // Japanese ("田中さん"): a person, as a capital says in other scripts
    let honored = |k: usize| {
        tokens
            .get(k + 1)
            .is_some_and(|n| n.starts_with(['씨', '님']) && n.chars().count() <= 3)
    };
    for (k, raw) in tokens.iter().enumerate() {
        // (names and amounts marked the ways of Korean, Japanese, Thai and Chinese: none of it
        // applies to a word in ASCII, most of any history)
        if !raw.is_ascii() {
            if let Some((name, _)) = raw.split_once("さん").filter(|(n, _)| !n.is_empty()) {
                // (the kanji or katakana just before it, not the particles of the sentence)
                let hiragana = |c: char| ('\u{3040}'..='\u{309f}').contains(&c);
                let mut name: Vec<char> = name
                    .chars()
                    .rev()
                    .take_while(|c| c.is_alphabetic() && !hiragana(*c))
                    .take(4)
                    .collect();
                name.reverse();
                if !name.is_empty() {
                    out.push((name.into_iter().collect(), 0.5));
                    continue;
                }
            }
            if honored(k) && raw.chars().all(char::is_alphabetic) {
                out.push((raw.to_string(), 0.5));
                continue;
            }
            // Thai puts its honorific before the name ("ดูแลโดยคุณสมชาย")
            if let Some((_, name)) = raw.split_once("คุณ").filter(|(_, n)| n.chars().count() >= 2)
            {
                out.push((name.to_string(), 0.5));
                continue;
            }
            // in Chinese and Japanese, a number is written with its counter inside the sentence
            // ("每隔五分钟重试一次，最多重试四次", "3回まで"): an amount, as number words are
            // (digits make the token specific anyway)
            if !raw.chars().any(|c| c.is_ascii_digit()) {
                out.extend(counted(raw).into_iter().map(|n| (n, 0.75)));
            }
        }
        let t = raw.trim_matches(|c: char| {
            !(c.is_alphanumeric()
                || matches!(c, '_' | '/' | '.' | '-' | '$' | '€' | '£' | '%' | ':'))
        });
        let t = t.trim_end_matches(['.', ':', '-']);
        if t.chars().count() < 2 {
            // a single digit with its unit is an amount, as "five times" is ("5 φορές", "3 retries")
            if !t.is_empty() && t.chars().all(|c| c.is_ascii_digit()) {
                let unit = tokens
                    .get(k + 1)
                    .map(|u| u.trim_end_matches(|c: char| !c.is_alphabetic()))
                    .filter(|u| !u.is_empty() && u.chars().all(char::is_alphabetic));
                if let Some(unit) = unit {
                    out.push((format!("{t} {}", unit.to_lowercase()), 0.75));
                }
            }
            continue;
        }
        let letters = t.chars().filter(|c| c.is_alphabetic()).count();
        let digit = t.chars().any(|c| c.is_ascii_digit());
        let joined = t.contains('_')
            || (letters > 0 && t.trim_start_matches(['.', '/']).contains(['-', '.', '/']));
        let caps = letters >= 3
            && t.chars()
                .filter(|c| c.is_alphabetic())
                .all(|c| c.is_uppercase());
        let mut chars = t.chars();
        let first_upper = chars.next().is_some_and(|c| c.is_uppercase());
        let inner_upper = t.chars().skip(1).any(|c| c.is_uppercase());
        let named = letters >= 3
            && ((first_upper && (k > 0 || !common(&t.to_lowercase()))) || (inner_upper && !caps));
        if digit || joined {
            out.push((t.to_lowercase(), 1.0));
        } else if is_number_word(&t.to_lowercase()) {
            // an amount, a time or a date written out ("five thousand", "twenty past midnight")
            out.push((t.to_lowercase(), 0.75));
        } else if caps {
            // (all capitals: an acronym, or a keyword of pasted code)
            out.push((t.to_lowercase(), 0.5));
        } else if named {
            out.push((t.to_lowercase(), capital_weight));
        }
    }
    out
}

/// The numbers with their counters in a Chinese or Japanese text: a run of digits or CJK
/// numerals followed by a counter (次, 回, 分, 秒, 天, 个, 件, 人, …) — "五分", "四次", "3回".
fn counted(text: &str) -> Vec<String> {
    const NUMERALS: &str = "0123456789０１２３４５６７８９一二三四五六七八九十百千万两零";
    const COUNTERS: &str = "次回分秒时時天日周週月年个個件人遍号號点點台条條";
    // (asked for every word of every sentence: most have no such character and cost no copy)
    if !text.chars().any(cjk) {
        return Vec::new();
    }
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let start = i;
        while i < chars.len() && NUMERALS.contains(chars[i]) {
            i += 1;
        }
        if i > start && i < chars.len() && COUNTERS.contains(chars[i]) {
            out.push(chars[start..=i].iter().collect());
        }
        i = i.max(start + 1);
    }
    out
}

/// Numbers, fractions and times of day written as words, in English and in the other
/// languages people commonly chat in (cardinals and ordinals; "one" and "a" are left out: they
/// are more often articles than amounts).
pub(super) fn is_number_word(w: &str) -> bool {
    const WORDS: &[&str] = &[
        // English
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "eleven",
        "twelve",
        "thirteen",
        "fourteen",
        "fifteen",
        "sixteen",
        "seventeen",
        "eighteen",
        "nineteen",
        "twenty",
        "thirty",
        "forty",
        "fifty",
        "sixty",
        "seventy",
        "eighty",
        "ninety",
        "hundred",
        "thousand",
        "million",
        "billion",
        "dozen",
        "half",
        "quarter",
        "twice",
        "thrice",
        "second",
        "third",
        "fourth",
        "fifth",
        "sixth",
        "seventh",
        "eighth",
        "ninth",
        "tenth",
        "eleventh",
        "twelfth",
        "thirteenth",
        "fourteenth",
        "fifteenth",
        "sixteenth",
        "seventeenth",
        "eighteenth",
        "nineteenth",
        "twentieth",
        "thirtieth",
        "midnight",
        "noon",
        "fortnight",
        "fortnightly",
        "biweekly",
        "hourly",
        "nightly",
        "weekly",
        "monthly",
        "quarterly",
        "yearly",
        "annually",
        // German, French, Spanish, Italian, Portuguese, Dutch, Polish (2–12, 20, 30, 100, 1000)
        "zwei",
        "drei",
        "vier",
        "fünf",
        "sechs",
        "sieben",
        "acht",
        "neun",
        "zehn",
        "zwölf",
        "zwanzig",
        "dreißig",
        "hundert",
        "tausend",
        "halb",
        "viertel",
        "deux",
        "trois",
        "quatre",
        "cinq",
        "sept",
        "huit",
        "neuf",
        "dix",
        "douze",
        "vingt",
        "trente",
        "cent",
        "mille",
        "demi",
        "quart",
        "dos",
        "tres",
        "cuatro",
        "cinco",
        "seis",
        "siete",
        "ocho",
        "nueve",
        "diez",
        "doce",
        "veinte",
        "treinta",
        "cien",
        "mil",
        "media",
        "cuarto",
        "due",
        "tre",
        "quattro",
        "sei",
        "sette",
        "otto",
        "nove",
        "dieci",
        "dodici",
        "venti",
        "trenta",
        "cento",
        "mezzo",
        "duas",
        "três",
        "quatro",
        "sete",
        "oito",
        "dez",
        "vinte",
        "trinta",
        "twee",
        "drie",
        "vijf",
        "zes",
        "zeven",
        "negen",
        "tien",
        "twaalf",
        "twintig",
        "dertig",
        "honderd",
        "duizend",
        "kwart",
        "dwa",
        "trzy",
        "cztery",
        "pięć",
        "sześć",
        "siedem",
        "osiem",
        "dziewięć",
        "dziesięć",
        "dwadzieścia",
        "trzydzieści",
        "sto",
        "tysiąc",
        // Swedish, Danish and Norwegian, Finnish, Czech, Turkish (words that are also common
        // English or path words, such as "to", "fire", "on" and "bin", are left out)
        "två",
        "fyra",
        "fem",
        "sju",
        "åtta",
        "nio",
        "tio",
        "tolv",
        "tjugo",
        "trettio",
        "hundra",
        "tusen",
        "halv",
        "kvart",
        "tredje",
        "fjärde",
        "seks",
        "syv",
        "otte",
        "tyve",
        "tredive",
        "hundrede",
        "tusind",
        "hundre",
        "kaksi",
        "kolme",
        "neljä",
        "viisi",
        "kuusi",
        "seitsemän",
        "kahdeksan",
        "yhdeksän",
        "kymmenen",
        "sata",
        "tuhat",
        "dva",
        "dvě",
        "tři",
        "čtyři",
        "pět",
        "šest",
        "sedm",
        "osm",
        "devět",
        "deset",
        "dvacet",
        "třicet",
        "tisíc",
        "iki",
        "üç",
        "dört",
        "beş",
        "altı",
        "yedi",
        "sekiz",
        "dokuz",
        "yirmi",
        "otuz",
        "yüz",
        // Russian and Ukrainian
        "два",
        "три",
        "четыре",
        "пять",
        "шесть",
        "семь",
        "восемь",
        "девять",
        "десять",
        "двадцать",
        "тридцать",
        "сто",
        "тысяч",
        "тысяча",
        "чотири",
        "п'ять",
        "шість",
        "сім",
        "вісім",
        "дев'ять",
        // Greek
        "δύο",
        "τρία",
        "τρεις",
        "τέσσερα",
        "τέσσερις",
        "πέντε",
        "έξι",
        "επτά",
        "εφτά",
        "οκτώ",
        "οχτώ",
        "εννέα",
        "εννιά",
        "δέκα",
        "είκοσι",
        "τριάντα",
        "εκατό",
        "χίλια",
        // Hungarian
        "kettő",
        "két",
        "három",
        "négy",
        "öt",
        "hét",
        "nyolc",
        "kilenc",
        "tíz",
        "húsz",
        "harminc",
        "száz",
        "ezer",
        // Romanian
        "doi",
        "două",
        "trei",
        "patru",
        "cinci",
        "șase",
        "șapte",
        "nouă",
        "zece",
        "douăzeci",
        "sută",
        // Indonesian and Malay
        "dua",
        "tiga",
        "empat",
        "lima",
        "enam",
        "tujuh",
        "delapan",
        "sembilan",
        "sepuluh",
        "puluh",
        "seratus",
        "seribu",
        // Catalan and Slovak
        "cinc",
        "vuit",
        "vint",
        "štyri",
        "päť",
        "šesť",
        "sedem",
        "osem",
        "deväť",
        "desať",
        "dvadsať",
        "tridsať",
        // Hebrew
        "שתיים",
        "שניים",
        "שלוש",
        "שלושה",
        "ארבע",
        "ארבעה",
        "חמש",
        "חמישה",
        "שש",
        "שישה",
        "שבע",
        "שבעה",
        "שמונה",
        "תשע",
        "עשר",
        "עשרה",
        "מאה",
        "אלף",
        "פעמיים",
        // Hindi
        "दो",
        "तीन",
        "चार",
        "पाँच",
        "पांच",
        "छह",
        "सात",
        "आठ",
        "नौ",
        "दस",
        "बीस",
        "सौ",
        "हज़ार",
        // Swahili
        "mbili",
        "tatu",
        "nne",
        "tano",
        "sita",
        "saba",
        "nane",
        "tisa",
        "kumi",
        "ishirini",
        "elfu",
        // Vietnamese
        "bốn",
        "sáu",
        "bảy",
        "tám",
        "chín",
        "mười",
        // Korean
        "둘",
        "셋",
        "넷",
        "다섯",
        "여섯",
        "일곱",
        "여덟",
        "아홉",
        // Arabic
        "اثنان",
        "اثنين",
        "ثلاث",
        "ثلاثة",
        "أربع",
        "أربعة",
        "خمس",
        "خمسة",
        "ستة",
        "سبع",
        "سبعة",
        "ثمانية",
        "تسع",
        "تسعة",
        "عشر",
        "عشرة",
        "مئة",
        "ألف",
        "مرتين",
    ];
    static SET: std::sync::OnceLock<HashSet<&'static str>> = std::sync::OnceLock::new();
    w.len() <= 24 && word_set(&SET, WORDS).contains(w)
}

/// A short reply that accepts what it answers: "sure", "ok", "yes, do that", "the second one",
/// "fine, use restic" (and the same in other languages people chat in).
fn accepts(reply: &str) -> bool {
    const YES: &[&str] = &[
        "sure",
        "ok",
        "okay",
        "yes",
        "yep",
        "yeah",
        "fine",
        "agreed",
        "sounds good",
        "go with",
        "go ahead",
        "do it",
        "deal",
        "perfect",
        "great",
        "good idea",
        "let's do",
        "makes sense",
        "the first",
        "the second",
        "the third",
        "option",
        "+1",
        "sí",
        "si,",
        "claro",
        "vale",
        "de acuerdo",
        "oui",
        "d'accord",
        "parfait",
        "ja",
        "genau",
        "passt",
        "einverstanden",
        "va bene",
        "certo",
        "perfetto",
        "sim",
        "combinado",
        "prima",
        "akkoord",
        "tak",
        "dobrze",
        "да",
        "хорошо",
        "давай",
        "согласен",
        "はい",
        "了解",
        "お願いします",
        "好的",
        "可以",
        "行",
        "kör",
        "okej",
        "gerne",
        "selvfølgelig",
        "joo",
        "kyllä",
        "ano",
        "jasně",
        "evet",
        "tamam",
    ];
    let r = reply.trim().to_lowercase();
    r.chars().count() <= 80
        && YES.iter().any(|y| {
            r.starts_with(y)
                && r[y.len()..]
                    .chars()
                    .next()
                    .is_none_or(|c| !c.is_alphanumeric() || !y.is_ascii())
        })
}

struct Candidate<'a> {
    source: usize,
    role: &'static str,
    text: Cow<'a, str>,
    order: usize,
    score: f64,
}

/// Selects sentences from `messages` (indices `first_index..`) whose total cost, as measured
/// by `cost`, fits `budget`. Returns them in conversation order.
pub fn extract(
    messages: &[(usize, &Message)],
    question: &str,
    budget: u64,
    cost: &dyn Fn(&str) -> u64,
) -> Vec<Extract> {
    let texts: Vec<String> = messages.iter().map(|(_, m)| m.text()).collect();
    // what an agent did, and what came of it when that is short or an error (shown with the
    // action; the action alone is what is scored)
    let all: Vec<&Message> = messages.iter().map(|(_, m)| *m).collect();
    let done: Vec<Vec<(String, Option<String>)>> = (0..all.len())
        .map(|k| actions_and_outcomes(all[k], &all[k + 1..]))
        .collect();
    let actions: Vec<Vec<String>> = done
        .iter()
        .map(|d| d.iter().map(|(a, _)| a.clone()).collect())
        .collect();
    // the prose in the code an agent writes (docstrings, comments), and the settings of a config
    // a participant shows: their statements too
    let notes = shown_notes(&all, &texts);
    // in how many messages each word and each specific token occurs
    let mut df: HashMap<String, u32> = HashMap::new();
    for ((t, a), n) in texts.iter().zip(&actions).zip(&notes) {
        let t = &format!("{t}\n{}\n{}", a.join("\n"), n.join("\n"));
        let mut seen: HashSet<String> = words(t).filter(|w| !is_stopword(w)).collect();
        seen.extend(specifics(t));
        for w in seen {
            *df.entry(w).or_default() += 1;
        }
    }
    // words written in lower case somewhere: a capital at a sentence start does not make them names
    let lower_seen: HashSet<&str> = texts
        .iter()
        .flat_map(|t| t.split(|c: char| !c.is_alphanumeric()))
        .filter(|w| w.chars().next().is_some_and(|c| c.is_lowercase()))
        .collect();
    let n_docs = texts.len().max(1) as f64;
    let rarity = |w: &str| (1.0 + n_docs / *df.get(w).unwrap_or(&1) as f64).ln();
    let q: HashSet<String> = words(question).filter(|w| !is_stopword(w)).collect();

    let mut cands: Vec<Candidate> = Vec::new();
    let mut seen_text: HashSet<String> = HashSet::new();
    for (k, t) in texts.iter().enumerate() {
        let m = messages[k].1;
        let tool = m.is_tool_output();
        // an assistant's message the user answered with a short "sure" / "ok, the second one":
        // what it proposed is now a decision
        let accepted = m.role == Role::Assistant
            && messages
                .get(k + 1)
                .is_some_and(|(_, next)| next.role == Role::User && accepts(&texts[k + 1]));
        // the speaker's sentences, then the tool calls the message makes (an agent's actions)
        let said_and_done = voiced(t, tool)
            .into_iter()
            .map(|(said, s)| (said, s, None))
            .chain(
                done[k]
                    .iter()
                    .map(|(a, came)| (true, a.as_str(), came.clone())),
            )
            .chain(
                notes[k]
                    .iter()
                    .flat_map(|n| sentences(n))
                    .map(|s| (true, s, None)),
            );
        for (said, s, came) in said_and_done {
            // the same sentence again (a re-pasted file, a repeated line) is kept once
            if !seen_text.insert(s.split_whitespace().collect::<Vec<_>>().join(" ")) {
                continue;
            }
            let content: Vec<String> = words(s).filter(|w| !is_stopword(w)).collect();
            if content.is_empty() {
                continue;
            }
            let lower = s.to_lowercase();
            // the rarest three specific things it names
            // (a word found in only a message or two of a long history may name something too)
            let mut spec: Vec<f64> = weighed_specifics(s, &|w| lower_seen.contains(w))
                .iter()
                .map(|(w, sure)| sure * rarity(w))
                .chain(
                    content
                        .iter()
                        .filter(|w| long_word(w) && df.get(*w).is_some_and(|&d| d <= 2))
                        .map(|w| RARE_WORD_WEIGHT * rarity(w)),
                )
                .collect();
            spec.sort_by(|a, b| b.total_cmp(a));
            let named: f64 = spec.iter().take(3).sum();
            let mean_rarity = content.iter().map(|w| rarity(w)).sum::<f64>() / content.len() as f64;
            let overlap = content.iter().filter(|w| q.contains(*w)).count().min(3) as f64;
            let cue = if accepted || CUES.iter().any(|c| lower.contains(c)) {
                2.0
            } else {
                0.0
            };
            let mut score = named + cue + 1.5 * overlap + 0.3 * mean_rarity;
            score *= if !said {
                EVIDENCE_WEIGHT
            } else if m.role == Role::Assistant {
                ASSISTANT_WEIGHT
            } else {
                1.0
            };
            let len = s.chars().count() as f64;
            if len > SHORT_SENTENCE {
                score *= (SHORT_SENTENCE / len).sqrt();
            }
            cands.push(Candidate {
                source: messages[k].0,
                role: m.role.as_str(),
                text: match came {
                    Some(o) => Cow::Owned(format!("{s} → {o}")),
                    None => Cow::Borrowed(s),
                },
                order: cands.len(),
                score,
            });
        }
    }
    let mut ranked: Vec<usize> = (0..cands.len()).collect();
    ranked.sort_by(|&a, &b| cands[b].score.total_cmp(&cands[a].score).then(a.cmp(&b)));
    let mut chosen = Vec::new();
    let mut used = 0u64;
    // no line costs less than its bullet and source id ("- [#1 user] x"): once less is left,
    // the rest need not be counted
    const SMALLEST_LINE: u64 = 6;
    for i in ranked {
        if used + SMALLEST_LINE > budget {
            break;
        }
        // the cost of the rendered line, with its bullet and source id
        let c = cost(&format!(
            "- [#{} {}] {}\n",
            cands[i].source, cands[i].role, cands[i].text
        ));
        if used + c <= budget {
            used += c;
            chosen.push(i);
        }
    }
    chosen.sort_by_key(|&i| cands[i].order);
    chosen
        .into_iter()
        .map(|i| Extract {
            source: cands[i].source,
            role: cands[i].role,
            text: cands[i].text.to_string(),
        })
        .collect()
}

/// A word long enough to name something when rare: four letters, or two syllables of Hangul or
/// two CJK or kana characters (a Korean name is three syllables, a Chinese one two or three
/// characters).
fn long_word(w: &str) -> bool {
    let n = w.chars().count();
    n >= 4 || (n >= 2 && w.chars().all(dense))
}

/// The tool calls a message makes ([`Message::actions`]), each with what came of it
/// ([`outcome`] of its result among the `following` messages).
pub(super) fn actions_and_outcomes(
    m: &Message,
    following: &[&Message],
) -> Vec<(String, Option<String>)> {
    let results = m.results(following);
    m.actions()
        .into_iter()
        .enumerate()
        .map(|(j, a)| (a, results.get(j).copied().flatten().and_then(outcome)))
        .collect()
}

/// What came of a tool call, in a line: all of a short result (a version printed, a status, a
/// config file of a few lines), the line of a long one that reports an error, or else the
/// settings it holds (a config file read in full).
fn outcome(result: &str) -> Option<String> {
    const SHORT: usize = 160;
    let r = result.trim();
    if r.is_empty() {
        return None;
    }
    if r.len() <= SHORT * 4 && r.chars().count() <= SHORT {
        return Some(
            r.lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .collect::<Vec<_>>()
                .join(" / "),
        );
    }
    const ERRORS: &[&str] = &[
        "error",
        "failed",
        "cannot",
        "can't",
        "denied",
        "fatal",
        "bad ",
        "not found",
        "no such",
        "refused",
        "busy",
        "exception",
        "traceback",
    ];
    // (where a failed command reports it: its first or last lines, not the middle of a file read)
    let lines = || r.lines().map(str::trim).filter(|l| !l.is_empty());
    // (and, in an output of more than a few lines, reads as an error message — "mount: /mnt/x:
    // wrong fs type", "ERROR: …", "Traceback (most recent call last):" — not a sentence of a
    // manual about errors)
    let few = lines().count() <= 10;
    let error = lines().take(2).chain(lines().rev().take(2)).find(|l| {
        let l = l.to_lowercase();
        let labelled = l
            .find(": ")
            .is_some_and(|i| i <= 40 && !l[..i].contains(' '))
            || l.starts_with("traceback");
        ERRORS.iter().any(|e| l.contains(e)) && (few || labelled)
    });
    match error {
        Some(line) => {
            let cut = line
                .char_indices()
                .nth(SHORT)
                .map_or(line.len(), |(i, _)| i);
            Some(line[..cut].to_string())
        }
        // a config file read in full: the values it sets
        None if config_like(r) => {
            let set = crate::messages::settings(r);
            (!set.is_empty()).then(|| set.join("; "))
        }
        None => None,
    }
}

/// What each message says inside code: the prose in the code its tool calls write
/// ([`Message::code_notes`]), and in the fenced blocks a participant shows in chat — the settings
/// of a short config (```` ```yaml ````, `ini`, `toml`, `json`, `env`, … or untagged; at most
/// 30 lines, config-like), one line per block ("max_attempts = 5; retry_interval_seconds =
/// 120"), and the comments of a short code block that name a number (at most 15 lines; not its
/// docstrings) —
/// "here is the current job config", "the updated function". A block most of whose lines were
/// in the conversation before is a quote of a file read or pasted, and says nothing new.
fn shown_notes(all: &[&Message], texts: &[String]) -> Vec<Vec<String>> {
    const CONFIG: &[&str] = &[
        "",
        "yaml",
        "yml",
        "ini",
        "toml",
        "json",
        "conf",
        "cfg",
        "env",
        "dotenv",
        "properties",
        "systemd",
        "nginx",
    ];
    let shows = |m: &Message, t: &str| !m.is_tool_output() && t.contains("```");
    // (the lines said so far are only needed up to the last message that shows a block)
    let last = (0..all.len()).rev().find(|&k| shows(all[k], &texts[k]));
    let mut seen: HashSet<&str> = HashSet::new();
    let mut out = Vec::with_capacity(all.len());
    for (k, (m, t)) in all.iter().zip(texts).enumerate() {
        let mut notes = m.code_notes();
        if shows(m, t) {
            for block in t.split("```").skip(1).step_by(2) {
                let Some((tag, body)) = block.split_once('\n') else {
                    continue;
                };
                let lines: Vec<&str> = body
                    .lines()
                    .map(str::trim)
                    .filter(|l| !l.is_empty())
                    .collect();
                let new = lines.iter().filter(|l| !seen.contains(*l)).count();
                if new * 2 <= lines.len() {
                    continue;
                }
                if CONFIG.contains(&tag.trim().to_lowercase().as_str())
                    && lines.len() <= 30
                    && config_like(body)
                {
                    let set = crate::messages::settings(body);
                    if !set.is_empty() {
                        notes.push(set.join("; "));
                    }
                } else if lines.len() <= 15 {
                    // (those that name a number: how many, how long, how much)
                    notes.extend(
                        crate::messages::code_comments(body)
                            .into_iter()
                            .filter(|c| {
                                c.chars().any(|ch| ch.is_ascii_digit())
                                    || words(c).any(|w| is_number_word(&w))
                            }),
                    );
                }
            }
        }
        if last.is_some_and(|last| k < last) {
            seen.extend(t.lines().map(str::trim).filter(|l| !l.is_empty()));
        }
        out.push(notes);
    }
    out
}

/// A config file: at most 60 lines, four in five of them settings (`key=value`, `key: value`),
/// comments, `[section]`s or YAML's `section:` lines and braces.
fn config_like(text: &str) -> bool {
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    let config = lines
        .iter()
        .filter(|l| {
            l.starts_with(['#', ';', '[', '{', '}', ']'])
                || l.starts_with("//")
                || crate::messages::assignment(l)
                || crate::messages::keyed(l).is_some()
                || (l.ends_with(':') && !l.contains(' '))
        })
        .count();
    lines.len() <= 60 && config * 5 >= lines.len() * 4
}

/// Renders extracts as the summary block body: `- [#12 user] sentence`.
pub fn render(extracts: &[Extract]) -> String {
    extracts
        .iter()
        .map(|e| format!("- [#{} {}] {}", e.source, e.role, e.text))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The baseline of ../shared/seeds/002: the first 200 characters of each message, oldest
/// first, while they fit. Used by the recall benchmark.
pub fn first_chars(
    messages: &[(usize, &Message)],
    budget: u64,
    cost: &dyn Fn(&str) -> u64,
) -> Vec<Extract> {
    let mut out = Vec::new();
    let mut used = 0;
    for &(k, m) in messages {
        let t: String = m.text().chars().take(200).collect();
        let c = cost(&format!("- [#{k} {}] {t}\n", m.role.as_str()));
        if used + c > budget {
            break;
        }
        used += c;
        out.push(Extract {
            source: k,
            role: m.role.as_str(),
            text: t,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::messages::parse_messages;
    use serde_json::json;

    #[test]
    fn what_came_of_a_tool_call() {
        assert_eq!(
            outcome("tileserver-gl v4.7.3\nactive\n").as_deref(),
            Some("tileserver-gl v4.7.3 / active")
        );
        let failed = format!(
            "mount: /mnt/newtiles: wrong fs type, bad superblock on /dev/vdc1.\n{}",
            "dmesg(1) may have more information after a failed mount system call, or not.\n"
                .repeat(3)
        );
        assert!(outcome(&failed)
            .unwrap()
            .contains("bad superblock on /dev/vdc1"));
        let unit = "Job for tiles.service failed because the control process exited with error code.\n\
                    See \"systemctl status tiles.service\" and \"journalctl -xeu tiles.service\" for details.";
        assert!(outcome(unit)
            .unwrap()
            .starts_with("Job for tiles.service failed"));
        // a manual read whose last lines speak of errors did not fail
        let manual = format!(
            "{}       nofail Do not report errors for this device if it does not exist.\n",
            "       Mount options are given with the -o flag.\n".repeat(30)
        );
        assert_eq!(outcome(&manual), None);
        let yaml = format!(
            "# upload settings\nupload:\n  retries: 4\n  backoff: 30s\n  target: \"{}\"\n",
            "mirror.example.org/".repeat(8)
        );
        assert_eq!(outcome(&yaml).as_deref(), Some("retries: 4; backoff: 30s"));
        // a long output whose middle mentions an error is a file read, not a failure
        let file = format!(
            "{}raise ValueError('x')\n{}",
            "x = 1\n".repeat(40),
            "y = 2\n".repeat(40)
        );
        assert_eq!(outcome(&file), None);
        assert_eq!(outcome("  \n"), None);
        // a config file read in full: the values it pins down
        let config = format!(
            "# portal client settings, read at start-up\n[portal]\nbase = \"https://results.example/api/v2/ingest\"\n\
             tenant_id = \"VLN-0088-4471\"\ntimeout_s = 20\nverify_tls = true\n# {}\n",
            "padding ".repeat(20)
        );
        assert_eq!(
            outcome(&config).as_deref(),
            Some("base = \"https://results.example/api/v2/ingest\"; tenant_id = \"VLN-0088-4471\"; timeout_s = 20")
        );
    }

    #[test]
    fn configs_and_code_shown_in_chat_say_their_settings_and_numbered_comments() {
        let config = "Here's the current job config:\n```yaml\nsync_job:\n  retries: 4\n  backoff: 30s\n  on_failure: notify\n```";
        let code = "Updated:\n```js\n// Retry at most 3 times, waiting 2 s, 4 s and 8 s\n// then give up quietly\nasync function sync() {}\n```";
        let plain = "```python\n# Negated empty range: match any character\nx = 1\ny = 2\n```";
        let m = parse_messages(&json!([
            {"role": "user", "content": config},
            {"role": "assistant", "content": code},
            {"role": "assistant", "content": plain},
            {"role": "assistant", "content": format!("As you pasted:\n{config}")},
            {"role": "tool", "content": config},
        ]))
        .unwrap();
        let all: Vec<&Message> = m.iter().collect();
        let texts: Vec<String> = m.iter().map(|m| m.text()).collect();
        let notes = shown_notes(&all, &texts);
        assert_eq!(notes[0], vec!["retries: 4; backoff: 30s"]);
        assert_eq!(
            notes[1],
            vec!["Retry at most 3 times, waiting 2 s, 4 s and 8 s then give up quietly"]
        );
        // no number, a quote of what was shown before, a tool's output: nothing said
        assert!(notes[2].is_empty() && notes[3].is_empty() && notes[4].is_empty());
    }

    #[test]
    fn honorifics_mark_names_where_no_capital_does() {
        let korean = weighed_specifics(
            "민준 씨 말로는 한국어 최종 검토는 서연 씨가 맡는대요.",
            &|_| false,
        );
        assert_eq!(
            korean,
            vec![("민준".to_string(), 0.5), ("서연".to_string(), 0.5)]
        );
        let japanese =
            weighed_specifics("来週から田中さんが担当します。", &|_| false);
        assert_eq!(japanese, vec![("田中".to_string(), 0.5)]);
        let thai = weighed_specifics("ระบบคลังสินค้าดูแลโดยคุณสมชาย ศรีสุข", &|_| false);
        assert_eq!(thai, vec![("สมชาย".to_string(), 0.5)]);
        assert_eq!(
            counted("每隔五分钟重试一次，最多重试四次。"),
            vec!["五分", "一次", "四次"]
        );
        assert_eq!(counted("3回まで再試行します"), vec!["3回"]);
        assert!(counted("retry 3 times").is_empty());
        // and a rare word of two or three Hangul syllables or CJK characters is long enough
        assert!(long_word("이서연") && long_word("田中") && long_word("ticket"));
        assert!(!long_word("api") && !long_word("이"));
    }

    #[test]
    fn capitals_name_less_where_every_noun_has_one() {
        let german = weighed_specifics(
            "Der Vorstand hat den Betrag für das Lektorat erhöht.",
            &|_| false,
        );
        assert!(german.iter().all(|(_, w)| *w < 0.5), "{german:?}");
        let english =
            weighed_specifics("The contract goes through Amélie from now on.", &|_| false);
        assert!(
            english.iter().any(|(w, s)| w == "amélie" && *s == 0.5),
            "{english:?}"
        );
    }

    #[test]
    fn short_replies_that_accept_a_proposal() {
        for yes in [
            "sure",
            "OK, the second one",
            "fine, use restic",
            "Sí, adelante",
            "はい、それで",
            "ok",
        ] {
            assert!(accepts(yes), "{yes}");
        }
        for no in [
            "okra is a vegetable",
            "sure".repeat(30).as_str(),
            "What about the first?",
            "jasmine",
        ] {
            assert!(!accepts(no), "{no}");
        }
        let m = parse_messages(&json!([
            {"role": "assistant", "content": "Two ways around that: run several xz processes side by side, or use pixz, which splits the input."},
            {"role": "user", "content": "sure, the second one"},
            {"role": "assistant", "content": "Another option is zstd with long-range matching for the cold tier, though it is newer."},
            {"role": "user", "content": "Why is the robot slow today?"},
        ]))
        .unwrap();
        let refs: Vec<(usize, &Message)> = m.iter().enumerate().collect();
        let kept = extract(&refs, "", 30, &|s: &str| (s.len() / 4) as u64);
        assert_eq!(kept.len(), 1, "{kept:?}");
        assert!(
            kept[0].text.contains("pixz"),
            "the accepted proposal is kept: {kept:?}"
        );
    }

    #[test]
    fn numbers_written_as_words_are_specific() {
        let w = |s: &str| specifics(s);
        assert_eq!(
            w("It peaked at five thousand events a second"),
            vec!["five", "thousand", "second"]
        );
        assert_eq!(
            w("De export draait om kwart over vier"),
            vec!["kwart", "vier"]
        );
        assert!(
            w("one of the items").is_empty(),
            "'one' is mostly an article"
        );
        // a single digit counts with its unit
        assert_eq!(w("retry 3 times, then stop"), vec!["3 times"]);
        assert!(
            w("deploy — then restart, a - b").is_empty(),
            "a dash is no digit"
        );
        // and in the scripts and languages added later
        assert_eq!(w("לנסות שוב חמש פעמים"), vec!["חמש"]);
        assert_eq!(w("हर दो मिनट में"), vec!["दो"]);
        assert_eq!(w("jaribu tena mara tatu"), vec!["tatu"]);
        assert_eq!(w("θα ξαναπροσπαθεί πέντε φορές"), vec!["πέντε"]);
    }

    #[test]
    fn keeps_decisions_paths_and_question_overlap_within_budget() {
        let m = parse_messages(&json!([
            {"role": "user", "content": "Hello there. How are you today? The weather is nice and sunny here."},
            {"role": "assistant", "content": "I am fine. We decided to store sessions in `redis/sessions.conf` with a TTL of 3600 seconds. Nice weather indeed."},
            {"role": "user", "content": "Tell me about quantum entanglement. It is fascinating."}
        ])).unwrap();
        let cost = |s: &str| s.split_whitespace().count() as u64;
        let items: Vec<(usize, &Message)> = m.iter().enumerate().collect();
        let e = extract(&items, "what about quantum entanglement", 30, &cost);
        let all = render(&e);
        assert!(all.contains("redis/sessions.conf"), "{all}");
        assert!(all.contains("quantum"), "{all}");
        assert!(!all.contains("weather is nice"), "{all}");
        let used: u64 = e.iter().map(|x| cost(&x.text) + 2).sum();
        assert!(used <= 30);
        assert_eq!(
            e,
            extract(&items, "what about quantum entanglement", 30, &cost),
            "deterministic"
        );
    }

    #[test]
    fn the_prose_in_code_an_agent_writes_is_its_statement() {
        let code = "\"\"\"Posting parsed results to the portal.\n\nA failed POST is retried six times with exponential backoff.\n\"\"\"\nimport time\n\ndef post(session, url):\n    return session.post(url)\n";
        let m = parse_messages(&json!([
            {"role": "user", "content": "Please write the portal client now. Keep it small and simple."},
            {"role": "assistant", "content": null, "tool_calls": [{"id": "w", "type": "function",
                "function": {"name": "write_file", "arguments": json!({"path": "portal/post.py", "content": code}).to_string()}}]},
            {"role": "tool", "tool_call_id": "w", "content": "wrote 180 bytes"},
            {"role": "user", "content": "Thanks, looks fine to me. Nothing else for today."}
        ]))
        .unwrap();
        let cost = |s: &str| s.split_whitespace().count() as u64;
        let items: Vec<(usize, &Message)> = m.iter().enumerate().collect();
        let all = render(&extract(&items, "", 40, &cost));
        assert!(
            all.contains(
                "- [#1 assistant] A failed POST is retried six times with exponential backoff."
            ),
            "{all}"
        );
    }
}
