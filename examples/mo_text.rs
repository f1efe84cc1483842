//! Tuning text for the tokenizer from the gettext catalogues of this machine: the translated
//! strings (msgstr) of `/usr/share/locale/<lang>/LC_MESSAGES/<domain>.mo` for the domains whose
//! names start with a–m (those from n–z are left for held-out measurements), each string once,
//! one paragraph each. `cargo run --example mo_text -- <lang> > <lang>.txt`
use std::collections::HashSet;

fn main() {
    let lang = std::env::args().nth(1).expect("usage: mo_text <lang>");
    let dir = format!("/usr/share/locale/{lang}/LC_MESSAGES");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{dir}: {e}"))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.extension().is_some_and(|x| x == "mo")
                && p.file_name()
                    .and_then(|n| n.to_str())
                    .and_then(|n| n.bytes().next())
                    .is_some_and(|b| b.is_ascii_lowercase() && b <= b'm')
        })
        .collect();
    files.sort();
    let (mut seen, mut out) = (HashSet::new(), Vec::new());
    for f in files {
        for s in msgstrs(&std::fs::read(&f).unwrap()) {
            if !s.is_empty() && seen.insert(s.clone()) {
                out.push(s);
            }
        }
    }
    print!("{}", out.join("\n\n"));
}

/// The translations of a `.mo` file (each plural form apart), without the header entry.
fn msgstrs(d: &[u8]) -> Vec<String> {
    let word = |at: usize, be: bool| {
        let b = [d[at], d[at + 1], d[at + 2], d[at + 3]];
        (if be {
            u32::from_be_bytes(b)
        } else {
            u32::from_le_bytes(b)
        }) as usize
    };
    let be = d.len() < 20 || word(0, false) != 0x9504_12de;
    let (n, table) = (word(8, be), word(16, be));
    let mut out = Vec::new();
    for i in 1..n {
        let (len, at) = (word(table + 8 * i, be), word(table + 8 * i + 4, be));
        for s in d[at..at + len].split(|&b| b == 0) {
            if let Ok(s) = std::str::from_utf8(s) {
                out.push(s.to_string());
            }
        }
    }
    out
}
