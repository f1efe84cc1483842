// Words of scripts written without spaces between words or in 3-byte UTF-8 characters (Thai,
// Japanese, Chinese, Tamil, Bengali, Georgian), emoji, and helpers that build long pieces from
// them. Shared by tests/oracle.rs and tests/split.rs (issue 18: long pieces, the long-piece cache,
// cutting pieces where no token spans, the heap merge).

/// Words by script.
pub const SCRIPTS: [(&str, &[&str]); 8] = [
    (
        "thai",
        &[
            "ภาษา",
            "ไทย",
            "การ",
            "ตั้งค่า",
            "ไฟล์",
            "ไม่",
            "สามารถ",
            "เปิด",
            "ได้",
            "ที่",
            "นี่",
            "โปรแกรม",
            "ข้อมูล",
            "ผู้ใช้",
            "ระบบ",
            "เครือข่าย",
            "กำลัง",
            "ดาวน์โหลด",
            "น้ำ",
            "ก",
            "ำ",
            "ั",
            "่",
            "เ",
            "แ",
        ],
    ),
    (
        "japanese",
        &[
            "ファイル",
            "を",
            "開く",
            "ことが",
            "できません",
            "設定",
            "の",
            "保存",
            "に",
            "失敗",
            "しました",
            "ユーザー",
            "ネットワーク",
            "接続",
            "です",
            "。",
            "、",
            "ー",
            "ゃ",
            "漢字",
            "表示",
            "ｶﾀｶﾅ",
        ],
    ),
    (
        "chinese",
        &[
            "无法",
            "打开",
            "文件",
            "设置",
            "保存",
            "失败",
            "用户",
            "网络",
            "连接",
            "的",
            "了",
            "是",
            "在",
            "一个",
            "程序",
            "数据",
            "。",
            "，",
            "鑫",
            "龘",
            "𠀀",
            "甲骨文",
        ],
    ),
    (
        "tamil",
        &[
            "கோப்பு",
            "திறக்க",
            "முடியவில்லை",
            "அமைப்புகள்",
            "பயனர்",
            "பிணையம்",
            "இணைப்பு",
            "க",
            "்",
            "ா",
            "ொ",
            "ஸ்ரீ",
        ],
    ),
    (
        "bengali",
        &[
            "ফাইল",
            "খোলা",
            "যায়নি",
            "সেটিং",
            "ব্যবহারকারী",
            "নেটওয়ার্ক",
            "সংযোগ",
            "ক্ষ",
            "ং",
            "া",
            "়",
        ],
    ),
    (
        "georgian",
        &[
            "ფაილი",
            "ვერ",
            "გაიხსნა",
            "პარამეტრები",
            "მომხმარებელი",
            "ქსელი",
            "კავშირი",
            "ა",
            "Ა",
            "ᲐᲑᲒ",
        ],
    ),
    (
        "emoji",
        &[
            "🙂",
            "👍🏽",
            "👩\u{200d}💻",
            "🇺🇳",
            "❤️",
            "🏳️\u{200d}🌈",
            "🧑🏿\u{200d}🤝\u{200d}🧑🏻",
            "✨",
            "\u{fe0f}",
        ],
    ),
    (
        "mixed",
        &[
            "a", "Zz", "é", "ß", "ж", "Ω", "ע", "ب", "अ", "ि", "한", "0", "42", "'s", "'LL", " ",
            "  ", "\n", "\t", ".", "/", "-", "_", "«", "»", "\u{300}", "\u{a0}", "\u{3000}",
        ],
    ),
];

/// All words of every script.
pub fn all_words() -> Vec<&'static str> {
    SCRIPTS
        .iter()
        .flat_map(|(_, w)| w.iter().copied())
        .collect()
}

/// Separators between runs of words (none: the words of a run form one long piece).
pub const SEPARATORS: [&str; 8] = ["", " ", "\n", ". ", ", ", "  ", "、", "\u{3000}"];

/// A deterministic pseudo-random source (xorshift), for inputs larger than a proptest case.
pub struct Rng(pub u64);

impl Rng {
    pub fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

/// A run of words of one script with at least `bytes` bytes (no spaces: for the letter scripts
/// one pre-tokenizer piece, or a few).
#[allow(dead_code)]
pub fn run_of(rng: &mut Rng, words: &[&str], bytes: usize) -> String {
    let mut s = String::new();
    while s.len() < bytes {
        s.push_str(words[rng.below(words.len())]);
    }
    s
}
