//! Synthetic languages: one fixed vocabulary per script, with Zipf-like word
//! frequencies, and the outlets with their boilerplate lines.
//!
//! Each vocabulary starts with real function words of the language (so the
//! most frequent words look right and unrelated texts share them, as real
//! texts do), followed by made-up content words (syllables for Latin and
//! Cyrillic, root-and-pattern words for Arabic, runs of Han characters for
//! CJK), shorter words ranked more frequent. Vocabularies are built from a
//! fixed seed, independent of the corpus seed, once per process.

use std::collections::HashSet;
use std::sync::OnceLock;

use super::Script;
use super::rng::{Rng, derive};

/// Words per script.
pub(crate) const VOCAB_SIZE: usize = 20_000;

const LATIN_FUNCTION: &str = "the of and to a in said on for that is was with he it as at by from his has have be are an not they this who but had were which will their its been after also would more or year two new over one than about we first last there she when can all into people government";
const CYRILLIC_FUNCTION: &str = "и в не на что с по он это как а к из у за о от для же но его она был было так все уже также при после году более их может только или до который которые года заявил сообщил время страны";
const ARABIC_FUNCTION: &str = "في من على إلى أن التي الذي عن مع هذا هذه كان قال بين إن ما لا بعد أو كما وقد حيث منذ خلال ذلك عند قد لم الى أكثر حول وفي ومن عام يوم اليوم وزير رئيس الرئيس وأضاف";
const CJK_FUNCTION: &str = "的 是 在 了 和 有 不 这 中 对 也 为 上 将 与 以 及 等 被 从 中国 我们 他们 表示 发展 国家 政府 工作 经济 问题 已经 可以 进行 合作 记者 今天 目前 方面 一个 没有";

/// Arabic prefixes written onto content words, and their weights in 1/100.
pub(crate) const ARABIC_PREFIXES: &[(&str, u32)] = &[
    ("", 50),
    ("ال", 28),
    ("و", 6),
    ("ب", 4),
    ("وال", 4),
    ("بال", 3),
    ("لل", 2),
    ("ف", 1),
    ("ل", 2),
];

/// A vocabulary: words in rank order (rank 0 most frequent) and a sampler.
pub(crate) struct Vocab {
    words: Arena,
    /// The words in lower case.
    plain: Arena,
    /// Length of the plain words in characters.
    plain_chars: Vec<u8>,
    alias: Alias,
    /// Words `0..function` are function words (no Arabic prefix).
    pub(crate) function: usize,
    /// Mean bytes of a sampled word (with its prefix).
    pub(crate) mean_bytes: f64,
}

impl Vocab {
    /// The word of rank `i`.
    #[inline]
    pub(crate) fn word(&self, i: u32) -> &str {
        self.words.get(i)
    }

    /// The word of rank `i` in lower case.
    #[inline]
    pub(crate) fn plain(&self, i: u32) -> &str {
        self.plain.get(i)
    }

    /// Length of [`Vocab::plain`] in characters.
    #[inline]
    pub(crate) fn plain_chars(&self, i: u32) -> usize {
        usize::from(self.plain_chars[i as usize])
    }

    /// Number of words.
    pub(crate) fn len(&self) -> usize {
        self.words.starts.len() - 1
    }

    /// A word rank drawn from the Zipf-like distribution.
    #[inline]
    pub(crate) fn sample(&self, rng: &mut Rng) -> u32 {
        self.alias.sample(rng)
    }

    /// A content word (not a function word), uniform over ranks `lo..`.
    pub(crate) fn rare(&self, rng: &mut Rng, lo: usize) -> u32 {
        rng.range(lo.max(self.function), self.len() - 1) as u32
    }
}

/// The vocabulary of a script (built on first use).
pub(crate) fn vocab(script: Script) -> &'static Vocab {
    static CELLS: [OnceLock<Vocab>; 4] = [
        OnceLock::new(),
        OnceLock::new(),
        OnceLock::new(),
        OnceLock::new(),
    ];
    CELLS[script as usize].get_or_init(|| build(script))
}

fn build(script: Script) -> Vocab {
    let mut rng = Rng::new(derive(0x766F_6361_6231, script as u64, 0));
    let function: Vec<&str> = match script {
        Script::Latin => LATIN_FUNCTION,
        Script::Cyrillic => CYRILLIC_FUNCTION,
        Script::Arabic => ARABIC_FUNCTION,
        Script::Cjk => CJK_FUNCTION,
    }
    .split(' ')
    .collect();
    let mut seen: HashSet<String> = function.iter().map(|w| w.to_string()).collect();
    // Han characters for CJK words, root letters for Arabic ones.
    let letters: Vec<char> = if script == Script::Cjk {
        han_pool(&mut rng)
    } else {
        ARABIC_ROOT.chars().collect()
    };
    let parts = (if script == Script::Latin {
        LATIN_PARTS
    } else {
        CYRILLIC_PARTS
    })
    .map(items);
    let patterns = items(ARABIC_PATTERNS);
    let mut content: Vec<(usize, String)> = Vec::with_capacity(VOCAB_SIZE);
    let mut w = String::new();
    while content.len() + function.len() < VOCAB_SIZE {
        w.clear();
        match script {
            Script::Latin | Script::Cyrillic => syllable_word(&mut rng, &parts, &mut w),
            Script::Arabic => arabic_word(&mut rng, &letters, &patterns, &mut w),
            Script::Cjk => cjk_word(&mut rng, &letters, &mut w),
        }
        if seen.insert(w.clone()) {
            // Shorter words rank more frequent, with noise.
            let key = w.chars().count() * 4 + rng.below(10);
            let mut word = w.clone();
            if matches!(script, Script::Latin | Script::Cyrillic) && rng.chance(0.07) {
                word = capitalize(&word); // a proper name
            }
            content.push((key, word));
        }
    }
    content.sort_by_key(|(key, _)| *key); // stable: ties keep draw order
    let mut words = Arena::default();
    let mut plain = Arena::default();
    for word in function
        .iter()
        .copied()
        .chain(content.iter().map(|(_, w)| w.as_str()))
    {
        words.push(word);
        let lower = word.to_lowercase();
        if script == Script::Arabic {
            // The letter variants every Arabic normalizer folds.
            let folded: String = lower
                .chars()
                .map(|c| match c {
                    'أ' | 'إ' | 'آ' => 'ا',
                    'ى' => 'ي',
                    'ة' => 'ه',
                    c => c,
                })
                .collect();
            plain.push(&folded);
        } else {
            plain.push(&lower);
        }
    }
    // Zipf–Mandelbrot weights 1 / (rank + 2.7).
    let weights: Vec<f64> = (0..VOCAB_SIZE).map(|r| 1.0 / (r as f64 + 2.7)).collect();
    let total: f64 = weights.iter().sum();
    let mut mean_bytes = 0.0;
    for (i, w) in weights.iter().enumerate() {
        mean_bytes += w / total * words.get(i as u32).len() as f64;
    }
    if script == Script::Arabic {
        let share = 1.0 - weights[..function.len()].iter().sum::<f64>() / total;
        let prefix: f64 = ARABIC_PREFIXES
            .iter()
            .map(|(p, w)| p.len() as f64 * f64::from(*w) / 100.0)
            .sum();
        mean_bytes += share * prefix;
    }
    let plain_chars = (0..VOCAB_SIZE as u32)
        .map(|i| plain.get(i).chars().count() as u8)
        .collect();
    Vocab {
        words,
        plain,
        plain_chars,
        alias: Alias::new(&weights),
        function: function.len(),
        mean_bytes,
    }
}

/// Strings stored end to end.
struct Arena {
    text: String,
    starts: Vec<u32>,
}

impl Default for Arena {
    fn default() -> Arena {
        Arena {
            text: String::new(),
            starts: vec![0],
        }
    }
}

impl Arena {
    fn push(&mut self, s: &str) {
        self.text.push_str(s);
        self.starts.push(self.text.len() as u32);
    }

    #[inline]
    fn get(&self, i: u32) -> &str {
        let i = i as usize;
        &self.text[self.starts[i] as usize..self.starts[i + 1] as usize]
    }
}

/// `word` with its first character in upper case.
pub(crate) fn capitalize(word: &str) -> String {
    let mut out = String::with_capacity(word.len() + 2);
    push_capitalized(&mut out, word);
    out
}

/// Appends `word` with its first character in upper case.
#[inline]
pub(crate) fn push_capitalized(out: &mut String, word: &str) {
    let mut chars = word.chars();
    if let Some(c) = chars.next() {
        if c.is_ascii() {
            out.push(c.to_ascii_uppercase());
        } else {
            out.extend(c.to_uppercase());
        }
        out.push_str(chars.as_str());
    }
}

/// Syllable parts of Latin and Cyrillic words (onset, vowel, coda, ending),
/// space-separated, `_` for nothing.
const LATIN_PARTS: [&str; 4] = [
    "b c d f g h j k l m n p r s t v w y z br cr dr fr gr pr tr st sh ch th pl cl bl sl sp qu wh _ _",
    "a e i o u a e i o ea ou ai ee oo ia io y",
    "_ _ _ _ n r s t l m nd st ng ck rt ll ss x",
    "_ _ _ _ _ s ing ed tion er ly ment",
];
const CYRILLIC_PARTS: [&str; 4] = [
    "б в г д ж з к л м н п р с т ф х ц ч ш щ пр ст тр кр бл св гр др зв сл пл _",
    "а е и о у ы я ю э а о е",
    "_ _ _ н р с т л й в м к ст",
    "_ _ _ ов ий ая ого ых ами ение ость ский ать ить ует ной",
];
/// Arabic root letters, and patterns over a three-letter root (1, 2, 3 are
/// the root letters).
const ARABIC_ROOT: &str = "بتثجحخدذرزسشصضطظعغفقكلمنهويرلمنسعق";
const ARABIC_PATTERNS: &str = "1ا23 م12و3 12ا3 12ي3 م123 ت12ي3 إ12ا3 123ة 1ا23ة م123ة ت1ا23 است12ا3 أ12ا3 123ات ي123 ت123 1ا23ين م123ين 12ى مت1ا23 1ا2ي3 م12ا3ي3 123ي 123ية أ123 1و23 12و3";

/// The items of a space-separated list (`_` is the empty string).
fn items(list: &'static str) -> Vec<&'static str> {
    list.split(' ')
        .map(|p| if p == "_" { "" } else { p })
        .collect()
}

/// A word of one to three syllables and an ending.
fn syllable_word(rng: &mut Rng, parts: &[Vec<&str>; 4], w: &mut String) {
    for _ in 0..rng.range(1, 3) {
        for part in &parts[..3] {
            w.push_str(rng.pick(part));
        }
    }
    w.push_str(rng.pick(&parts[3]));
}

fn arabic_word(rng: &mut Rng, root: &[char], patterns: &[&str], w: &mut String) {
    let root = [rng.pick(root), rng.pick(root), rng.pick(root)];
    for c in rng.pick(patterns).chars() {
        match c {
            '1' => w.push(root[0]),
            '2' => w.push(root[1]),
            '3' => w.push(root[2]),
            _ => w.push(c),
        }
    }
}

/// Frequent Han characters (duplicates are dropped).
const COMMON_HAN: &str = "的一是不了人我在有他这为之大来以个中上们到说国和地也子时道出而要于就下得可你年生自会那后能对着事其里所去行过家十用发天如然作方成者多日都三小军二无同么经法当起与好看学进种将还分此心前面又定见只主没公从知使它现外常两些长因实问意力理本动回业头正向等高部给内并开物工水斗样已但最新合利电信手全间员表立关相点义重明声联走想提程产区取北各情代造原思第更路级比术少价算观式解群题近建加量或通活政任色运根反候青斯众指况完结规周格先领南需张党务机期直流今计才特统即民志论次必教林管报治改快制号达确象门光济究线料村城市县省镇街会议平安全防疫病医院药生命健康食品安全环境保护能源石油天然气电力煤炭钢铁汽车交通铁路航空机场港口船舶银行金融证券股票市场投资企业公司集团工厂农业粮食水利气候天气温度风雨雪灾害救援警察法院检察律师犯罪案件调查审判监狱军队国防武器导弹飞机舰艇战争和平外交谈判协议条约合作伙伴关系友好访问会见会谈总统总理主席部长大使官员代表团选举议会政党改革开放发展增长下降上升价格通胀就业失业工资收入消费贸易出口进口关税";

fn han_pool(rng: &mut Rng) -> Vec<char> {
    let mut pool: Vec<char> = vec![];
    for c in COMMON_HAN.chars() {
        if !pool.contains(&c) {
            pool.push(c);
        }
    }
    let mut rest: Vec<char> = (0x4E00u32..0x9FA6)
        .filter_map(char::from_u32)
        .filter(|c| !pool.contains(c))
        .collect();
    rng.shuffle(&mut rest);
    pool.extend(&rest[..800]);
    pool
}

fn cjk_word(rng: &mut Rng, han: &[char], w: &mut String) {
    let len = match rng.below(100) {
        0..10 => 1,
        10..75 => 2,
        75..92 => 3,
        _ => 4,
    };
    for _ in 0..len {
        // Cubing the draw favours the start of the pool: common characters.
        let u = rng.f64();
        w.push(han[((u * u * u) * han.len() as f64) as usize]);
    }
}

/// Walker/Vose alias table: O(1) sampling from a discrete distribution.
struct Alias {
    /// Per bucket: threshold and alias, side by side (one cache line).
    table: Vec<(u32, u32)>,
}

impl Alias {
    fn new(weights: &[f64]) -> Alias {
        let n = weights.len();
        let total: f64 = weights.iter().sum();
        let mut p: Vec<f64> = weights.iter().map(|w| w * n as f64 / total).collect();
        let mut alias: Vec<u32> = (0..n as u32).collect();
        let mut threshold = vec![u32::MAX; n];
        let (mut small, mut large): (Vec<usize>, Vec<usize>) = (0..n).partition(|&i| p[i] < 1.0);
        while let (Some(s), Some(&l)) = (small.pop(), large.last()) {
            threshold[s] = (p[s] * 4_294_967_296.0) as u32;
            alias[s] = l as u32;
            p[l] = (p[l] + p[s]) - 1.0;
            if p[l] < 1.0 {
                large.pop();
                small.push(l);
            }
        }
        Alias {
            table: threshold.into_iter().zip(alias).collect(),
        }
    }

    #[inline]
    fn sample(&self, rng: &mut Rng) -> u32 {
        let x = rng.next_u64();
        let i = (((x >> 32) * self.table.len() as u64) >> 32) as usize;
        let (threshold, alias) = self.table[i];
        if (x as u32) < threshold {
            i as u32
        } else {
            alias
        }
    }
}

/// Synthetic outlet names (the `source` field).
pub(crate) const OUTLETS: &[&str] = &[
    "Daily Meridian",
    "Northgate Post",
    "Harbor Times",
    "The Evening Ledger",
    "Capital Wire",
    "Riverside Herald",
    "Global Dispatch",
    "Morning Courier",
    "The Coastal Review",
    "Summit News",
    "Al-Manara",
    "Al-Waha Daily",
    "Sada Press",
    "Nahar Online",
    "Al-Rased",
    "Vostok Times",
    "Severny Vestnik",
    "Rech Media",
    "Novy Kanal",
    "Pravda Today",
    "East Bridge Daily",
    "Jade River News",
    "Huaxia Herald",
    "Pacific Observer",
    "Metro Bulletin",
    "The Frontier",
    "Citizen Report",
    "Atlas Newswire",
    "Delta Chronicle",
    "Open Press Agency",
];
