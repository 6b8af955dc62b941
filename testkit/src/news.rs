//! A multi-outlet news corpus with planted passage reuse and its exact
//! truth, to measure the passage detector ([`neardup::passages`]).
//!
//! [`news_corpus`] (or [`write_news_corpus`], into files) generates
//! [`NewsSpec::docs`] articles of [`NewsSpec::outlets`] outlets plus a news
//! agency (`Wire`; «واس» in Arabic), all in one synthetic language
//! ([`Script`]), with:
//!
//! * **Boilerplate.** Every outlet has 2–5 fixed furniture lines (menus,
//!   tag lines, "Share this article", "© 2024 Outlet", "Follow Outlet on
//!   ...", «/انتهى/», ...), each on a line of its own above or below the
//!   body and each in 60–100% of the outlet's articles. Two or three outlets
//!   share one long identical line (the same CMS), and several templates
//!   differ between outlets only by the outlet's name, so furniture that is
//!   identical across outlets must still never be reported.
//! * **Reuse.** A share [`NewsSpec::reuse_fraction`] of the documents each
//!   copy from one document of another outlet, dated the same day or up to
//!   three days earlier: either 1–5 consecutive sentences or 1–2 whole
//!   paragraphs, put into the copy's own article (as paragraphs, or
//!   sentences inside one of its paragraphs). A rewriting desk edits the
//!   copy, each edit with some probability and recorded: words replaced
//!   (about one in 12, never two adjacent), punctuation changed, Arabic
//!   diacritics and tatweel added, a clause moved ("X said Y" → "Y, X said":
//!   the sentence cut at a comma or after its first third and the halves
//!   swapped), two adjacent sentences of a copied paragraph swapped, an
//!   aside inserted mid-sentence (", a spokesman added,", «، بحسب المصدر
//!   نفسه،»). Sentences have 14–30 words, and every copied sentence keeps
//!   eight consecutive words untouched, so each one holds an exact run of
//!   at least 8 words (the detector's contract). A document is the source of
//!   at most one copy and a copy is never a source, so truth pairs are
//!   unambiguous.
//! * **A wire story.** One article of the agency, republished whole by
//!   [`NewsSpec::wire_outlets`] outlets, each under its own headline and
//!   boilerplate, with a few replaced words and changed punctuation, half of
//!   them cut after 70–99% of their sentences.
//! * **Stock phrases.** [`NewsSpec::stock_phrases`] phrases of 5–12 words
//!   (titles, honorifics, formulas, famous quotations; made-up phrases
//!   beyond the built-in lists and for Cyrillic and CJK), each inserted,
//!   verbatim, into at least 10 articles of at least 5 outlets that have no
//!   reuse relation with each other (never into the wire story, never into a
//!   copied region), mid-sentence or as a sentence of its own.
//! * Everything else is unrelated text of the synthetic language.
//!
//! The truth ([`NewsPassage`]) gives, per planted relation, the byte spans
//! of the copied region in both final texts: on the source, the region that
//! was copied; on the copy, the whole edited region, asides included. Spans
//! never include boilerplate lines, and are trimmed to words: they start at
//! the first letter or digit of the region and end after its last one (with
//! its diacritics), which is what a word-level detector can report. The
//! wire story gives one relation per copy with the original and one per
//! pair of copies (their common prefix).
//!
//! The output is a function of the [`NewsSpec`] alone: documents are drafted
//! in parallel from per-document seeds and assembled in a fixed order, so
//! it is byte-identical for any number of threads. The whole corpus is held
//! in memory (about twice its size; fine up to a few hundred thousand
//! documents). Ids are `d` and the zero-padded output position; documents
//! are shuffled, so related documents are not next to each other.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::Path;

use rayon::prelude::*;
use serde::Serialize;

use super::CorpusLine;
use super::boiler::date;
use super::edit::{add_diacritics, add_tatweel, change_punct, substitute};
pub use super::rewrite::Rewrite;
use super::rewrite::{REWRITES, rewrite_region, synonym_table};
use super::rng::{Rng, derive};
use super::text::{
    COMMA, END, NUM, Paras, QCLOSE, QOPEN, QUESTION, Tok, num_tok, punct, push_after, push_word,
    target_bytes, title, topic, word_tok,
};
use super::vocab::{push_capitalized, vocab};
use super::{GenDoc, Script};

/// What to generate.
#[derive(Clone, Debug, PartialEq)]
pub struct NewsSpec {
    /// Number of documents (the wire story included).
    pub docs: usize,
    /// Seed: the same spec always gives the same corpus.
    pub seed: u64,
    /// Number of outlets, the news agency not counted (at least 5).
    pub outlets: usize,
    /// The one script of the corpus.
    pub script: Script,
    /// Share of documents that copy from a document of another outlet, in
    /// `[0, 0.45]`.
    pub reuse_fraction: f64,
    /// Outlets that republish the wire story (at most [`NewsSpec::outlets`]).
    pub wire_outlets: usize,
    /// Number of stock phrases.
    pub stock_phrases: usize,
    /// Whether copies may be rewritten harder than by the desk edits (see
    /// [`Rewrite`]): when on, a copy is, with equal chances, left to the desk
    /// edits or rewritten by one of the four rewrites, and its truth line
    /// says which (`rewrite`). Off by default: the corpus is then byte for
    /// byte the one generated before the field existed.
    pub rewrites: bool,
}

impl Default for NewsSpec {
    /// 10,000 documents, seed 1, 12 outlets, Latin, 25% copies, the wire
    /// story in 10 outlets, 20 stock phrases.
    fn default() -> NewsSpec {
        NewsSpec {
            docs: 10_000,
            seed: 1,
            outlets: 12,
            script: Script::Latin,
            reuse_fraction: 0.25,
            wire_outlets: 10,
            stock_phrases: 20,
            rewrites: false,
        }
    }
}

impl NewsSpec {
    /// Checks the ranges of the fields.
    pub fn validate(&self) -> Result<(), String> {
        if !(5..=1000).contains(&self.outlets) {
            return Err(format!("outlets {} is not in 5..=1000", self.outlets));
        }
        if self.wire_outlets > self.outlets {
            return Err(format!(
                "wire_outlets {} is more than outlets {}",
                self.wire_outlets, self.outlets
            ));
        }
        if !(0.0..=0.45).contains(&self.reuse_fraction) {
            return Err(format!(
                "reuse_fraction {} is not in [0, 0.45]",
                self.reuse_fraction
            ));
        }
        if self.stock_phrases > 1000 {
            return Err(format!("stock_phrases {} is over 1000", self.stock_phrases));
        }
        let least = (self.wire_outlets + 1 + 60).max(100);
        if self.docs < least {
            return Err(format!(
                "docs {} is less than {least} (needed for the wire story and the stock phrases)",
                self.docs
            ));
        }
        Ok(())
    }
}

/// What a planted relation is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ReuseKind {
    /// 1–5 consecutive sentences.
    Sentences,
    /// 1–2 whole paragraphs.
    Paragraphs,
    /// The wire story: original and copy, or two copies.
    Wire,
}

impl ReuseKind {
    /// `sentences`, `paragraphs` or `wire`.
    pub fn name(self) -> &'static str {
        match self {
            ReuseKind::Sentences => "sentences",
            ReuseKind::Paragraphs => "paragraphs",
            ReuseKind::Wire => "wire",
        }
    }
}

/// A planted reuse relation: one line of `passages.jsonl`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct NewsPassage {
    /// Id of the source (for two wire copies: the earlier one).
    pub a: String,
    /// Id of the copy.
    pub b: String,
    /// What was copied.
    pub kind: ReuseKind,
    /// Byte spans `[start, end)` of the copied region in `a`'s text.
    pub a_spans: Vec<[usize; 2]>,
    /// Byte spans of the (edited) copied region in `b`'s text.
    pub b_spans: Vec<[usize; 2]>,
    /// Edits applied, in a fixed order: `replace`, `clause_move`, `aside`,
    /// `reorder`, `punctuation`, `diacritics`, `tatweel`, `truncate`.
    pub edits: Vec<&'static str>,
    /// Whether whole paragraphs were copied.
    pub paragraph: bool,
    /// The rewrite of the copy, if [`NewsSpec::rewrites`] chose one (then
    /// `edits` is empty); absent from the JSON otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rewrite: Option<&'static str>,
}

/// The wire story: one line of `wire.jsonl`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct WireTruth {
    /// Id of the agency's article.
    pub original: String,
    /// Ids of the republished copies, in output order.
    pub copies: Vec<String>,
}

/// A stock phrase: one line of `stock.jsonl`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StockTruth {
    /// The phrase, as inserted.
    pub phrase: String,
    /// Ids of the documents it was inserted into, in output order.
    pub docs: Vec<String>,
}

/// An outlet's boilerplate: one line of `boilerplate.jsonl`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct OutletBoilerplate {
    /// Outlet name (the `source` field).
    pub outlet: String,
    /// Its furniture lines, each a whole line of the texts it appears in.
    pub lines: Vec<String>,
}

/// A generated news corpus and its truth.
#[derive(Clone, Debug, PartialEq)]
pub struct NewsCorpus {
    /// Documents in output order.
    pub docs: Vec<GenDoc>,
    /// Planted relations, by output position of `a`, then of `b`.
    pub passages: Vec<NewsPassage>,
    /// The wire story.
    pub wire: WireTruth,
    /// The stock phrases.
    pub stock: Vec<StockTruth>,
    /// Boilerplate of every outlet (the agency last).
    pub boilerplate: Vec<OutletBoilerplate>,
}

/// Counts of a generated news corpus.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct NewsStats {
    /// Documents.
    pub docs: u64,
    /// Outlets, the agency included.
    pub outlets: u64,
    /// Relations copying sentences.
    pub reuse_sentences: u64,
    /// Relations copying paragraphs.
    pub reuse_paragraphs: u64,
    /// Republished copies of the wire story.
    pub wire_copies: u64,
    /// Lines of `passages.jsonl`.
    pub truth_lines: u64,
    /// Stock phrases.
    pub stock_phrases: u64,
    /// Stock phrase insertions (documents, summed over phrases).
    pub stock_insertions: u64,
    /// Boilerplate lines written into documents.
    pub boilerplate_lines: u64,
    /// Size of `corpus.jsonl` in bytes.
    pub corpus_bytes: u64,
}

// ---------------------------------------------------------------------------
// Fixed material: outlets, furniture, asides, stock phrases.

const LATIN_OUTLETS: &[&str] = &[
    "Daily Meridian",
    "Northgate Post",
    "Harbor Times",
    "The Evening Ledger",
    "Riverside Herald",
    "Global Dispatch",
    "Morning Courier",
    "The Coastal Review",
    "Summit News",
    "Metro Bulletin",
    "The Frontier",
    "Citizen Report",
    "Delta Chronicle",
    "Pacific Observer",
    "The Valley Star",
    "Lakeside Gazette",
    "The Capital Echo",
    "Western Sentinel",
    "Highland Tribune",
    "The Union Journal",
];
const ARABIC_OUTLETS: &[&str] = &[
    "المنارة",
    "الواحة اليوم",
    "صدى الأنباء",
    "النهار أونلاين",
    "الراصد",
    "الشرق الجديد",
    "الأفق",
    "البيان اليومي",
    "الساحل",
    "المرصد",
    "الرائد",
    "الوطن الجديد",
    "الخليج اليوم",
    "النبأ",
    "المشهد",
    "الحدث",
    "الفجر",
    "السبيل",
    "الرأي العام",
    "الضفة",
];
const CYRILLIC_OUTLETS: &[&str] = &[
    "Вечерний вестник",
    "Северная газета",
    "Речные новости",
    "Столичный курьер",
    "Новый канал",
    "Восточный экспресс",
    "Городские ведомости",
    "Голос регионов",
    "Деловой обозреватель",
    "Наша правда",
    "Утренний телеграф",
    "Народная трибуна",
];
const CJK_OUTLETS: &[&str] = &[
    "东方日报",
    "华夏时报",
    "江河新闻",
    "太平洋观察",
    "都市快报",
    "晨报",
    "新视野",
    "环球报道",
    "中原晚报",
    "南方快讯",
    "北方时报",
    "海峡导报",
];

/// Name of the outlet `i` (regular outlets) of a script.
fn outlet_name(script: Script, i: usize) -> String {
    let list = match script {
        Script::Latin => LATIN_OUTLETS,
        Script::Arabic => ARABIC_OUTLETS,
        Script::Cyrillic => CYRILLIC_OUTLETS,
        Script::Cjk => CJK_OUTLETS,
    };
    if i < list.len() {
        list[i].to_string()
    } else {
        format!("{} {}", list[i % list.len()], i / list.len() + 1)
    }
}

/// Name of the news agency.
fn wire_name(script: Script) -> &'static str {
    match script {
        Script::Latin => "Wire",
        Script::Arabic => "واس",
        Script::Cyrillic => "Агентство",
        Script::Cjk => "通讯社",
    }
}

/// Furniture templates: header lines, footer lines, and the line one CMS
/// puts under the articles of several outlets. `{O}` is the outlet's name.
struct Furniture {
    header: &'static [&'static str],
    footer: &'static [&'static str],
    cms: &'static str,
}

fn furniture(script: Script) -> &'static Furniture {
    const LATIN: Furniture = Furniture {
        header: &[
            "Home | World | Business | Politics | Sport | Culture | Opinion",
            "{O} | Latest news, analysis and opinion from around the world",
            "Subscribe to {O} for unlimited access to all our journalism",
            "Breaking news and live updates from the newsroom of {O}",
        ],
        footer: &[
            "Share this article",
            "Related articles",
            "© 2024 {O}. All rights reserved.",
            "Follow {O} on Facebook, X and Instagram for the latest news and updates",
            "({O} news desk, with agencies)",
            "Have a news tip? Write to the editors of {O}",
        ],
        cms: "Sign up for our free newsletter and get the most important stories of the day delivered to your inbox every morning",
    };
    const ARABIC: Furniture = Furniture {
        header: &[
            "الرئيسية | محليات | عربي ودولي | اقتصاد | رياضة | ثقافة | منوعات",
            "{O} | آخر الأخبار والتحليلات من حول العالم على مدار الساعة",
            "اشترك في {O} للوصول غير المحدود إلى جميع مقالاتنا وتقاريرنا",
            "أخبار عاجلة وتغطية مباشرة من غرفة أخبار {O}",
        ],
        footer: &[
            "شارك المقال",
            "مقالات ذات صلة",
            "جميع الحقوق محفوظة © 2024 {O}",
            "تابعوا {O} على فيسبوك وتويتر وإنستغرام لمعرفة آخر الأخبار والمستجدات أولا بأول",
            "/انتهى/",
            "({O}) - خدمة الأخبار العاجلة",
        ],
        cms: "اشترك في نشرتنا البريدية المجانية ليصلك ملخص أهم أخبار اليوم على بريدك الإلكتروني كل صباح",
    };
    const CYRILLIC: Furniture = Furniture {
        header: &[
            "Главная | Политика | Экономика | Общество | Спорт | Культура",
            "{O} | Последние новости и аналитика со всего мира каждый день",
            "Оформите подписку на {O} и читайте все материалы без ограничений",
        ],
        footer: &[
            "Поделиться",
            "Читайте также",
            "© 2024 {O}. Все права защищены.",
            "Подписывайтесь на {O} в социальных сетях, чтобы первыми узнавать главные новости дня",
            "({O}, по материалам агентств)",
        ],
        cms: "Подпишитесь на нашу бесплатную рассылку и получайте самые важные новости дня на свою почту каждое утро",
    };
    const CJK: Furniture = Furniture {
        header: &[
            "首页 | 国内 | 国际 | 财经 | 体育 | 文化",
            "{O} | 全球最新新闻与深度分析",
            "订阅{O}，畅读全部报道",
        ],
        footer: &[
            "分享本文",
            "相关文章",
            "版权所有 © 2024 {O}",
            "关注{O}官方账号，获取最新资讯。",
            "（{O}综合报道）",
        ],
        cms: "订阅我们的免费新闻简报，每天早上将当天最重要的新闻发送到您的邮箱。",
    };
    match script {
        Script::Latin => &LATIN,
        Script::Arabic => &ARABIC,
        Script::Cyrillic => &CYRILLIC,
        Script::Cjk => &CJK,
    }
}

/// Asides a rewriting desk inserts (3–7 words), and optional day phrases
/// that follow some of them.
fn asides(script: Script) -> (&'static [&'static str], &'static [&'static str]) {
    match script {
        Script::Latin => (
            &[
                "a spokesman added",
                "officials said later",
                "according to the ministry",
                "the agency reported",
                "sources familiar with the matter said",
                "as reported earlier",
                "witnesses told reporters",
                "the statement said",
                "a senior official told the newspaper",
                "according to local media reports",
            ],
            &[
                "on Monday",
                "on Tuesday",
                "on Wednesday",
                "on Thursday",
                "on Friday",
                "on Saturday",
                "on Sunday",
            ],
        ),
        Script::Arabic => (
            &[
                "بحسب المصدر نفسه",
                "وفق ما أفاد مصدر مطلع",
                "كما قال المتحدث باسم الوزارة",
                "حسب ما نقلته وسائل إعلام محلية",
                "على حد قوله",
                "بحسب بيان رسمي",
                "وفقا لشهود عيان",
                "كما أفادت الوكالة",
                "بحسب ما أعلنه مسؤول رفيع",
            ],
            &[
                "يوم الأحد",
                "يوم الاثنين",
                "يوم الثلاثاء",
                "يوم الأربعاء",
                "يوم الخميس",
                "يوم الجمعة",
                "يوم السبت",
            ],
        ),
        Script::Cyrillic => (
            &[
                "сообщил представитель министерства",
                "по словам источника",
                "как сообщает агентство",
                "отметили в ведомстве",
                "по данным местных СМИ",
            ],
            &[
                "в понедельник",
                "во вторник",
                "в среду",
                "в четверг",
                "в пятницу",
            ],
        ),
        Script::Cjk => (
            &[
                "据消息人士透露",
                "发言人表示",
                "据当地媒体报道",
                "有关官员称",
            ],
            &["周一", "周二", "周三", "周四", "周五"],
        ),
    }
}

const LATIN_STOCK: &[&str] = &[
    "the Custodian of the Two Holy Mosques King Salman bin Abdulaziz",
    "in the name of God the Most Gracious the Most Merciful",
    "the Ministry of Foreign Affairs said in a statement",
    "according to the latest figures released by the national statistics office",
    "His Royal Highness the Crown Prince and Prime Minister",
    "the only thing we have to fear is fear itself",
    "the President of the Republic and Supreme Commander of the Armed Forces",
    "under the patronage of His Highness the Emir",
    "the Organization of the Petroleum Exporting Countries and its allies",
    "the International Monetary Fund and the World Bank",
    "may peace and blessings be upon him",
    "the Security Council resolution on the situation in the region",
    "the Gulf Cooperation Council member states",
    "weather forecasters expect temperatures to rise over the coming days",
    "the Prime Minister chaired the weekly meeting of the cabinet",
    "ask not what your country can do for you",
    "the government of national unity",
    "the first deputy prime minister and minister of defence",
    "the central bank kept its key interest rate unchanged",
    "a moment of silence for the souls of the martyrs",
    "the Supreme Leader of the Islamic Revolution",
    "with the help of God Almighty",
    "the United Nations High Commissioner for Refugees",
    "the government spokesman told a weekly news conference",
];
const ARABIC_STOCK: &[&str] = &[
    "خادم الحرمين الشريفين الملك سلمان بن عبدالعزيز آل سعود",
    "بسم الله الرحمن الرحيم والصلاة والسلام على رسول الله",
    "صاحب السمو الملكي الأمير محمد بن سلمان ولي العهد رئيس مجلس الوزراء",
    "النبي محمد صلى الله عليه وسلم",
    "وزارة الخارجية في بيان صدر اليوم",
    "الأمين العام للأمم المتحدة أنطونيو غوتيريش",
    "رئيس الجمهورية القائد الأعلى للقوات المسلحة",
    "منظمة الدول المصدرة للنفط أوبك وحلفائها",
    "مجلس التعاون لدول الخليج العربية",
    "إنا لله وإنا إليه راجعون",
    "صاحب السمو الشيخ أمير البلاد حفظه الله ورعاه",
    "تحت رعاية صاحب السمو الشيخ محمد بن راشد آل مكتوم",
    "وفقا لأحدث البيانات الصادرة عن الهيئة العامة للإحصاء",
    "صندوق النقد الدولي والبنك الدولي",
    "قرار مجلس الأمن الدولي بشأن الوضع في المنطقة",
    "رحمه الله وأسكنه فسيح جناته",
    "الأمين العام لجامعة الدول العربية أحمد أبو الغيط",
    "المرشد الأعلى للثورة الإسلامية في إيران",
    "البنك المركزي أبقى على سعر الفائدة الرئيسي دون تغيير",
    "الوقوف دقيقة صمت على أرواح الشهداء",
    "نقلا عن مصدر مسؤول في الوزارة",
    "ترأس رئيس مجلس الوزراء الاجتماع الأسبوعي للحكومة",
];

/// The stock phrases of a corpus: the built-in list of the script, then
/// made-up phrases of 5–12 vocabulary words.
fn stock_list(script: Script, count: usize, seed: u64) -> Vec<String> {
    let list: &[&str] = match script {
        Script::Latin => LATIN_STOCK,
        Script::Arabic => ARABIC_STOCK,
        _ => &[],
    };
    let mut out: Vec<String> = list.iter().take(count).map(|s| s.to_string()).collect();
    let mut rng = Rng::new(derive(seed, 0x57, 0));
    let v = vocab(script);
    let space = punct(script).space;
    while out.len() < count {
        let n = rng.range(5, 12);
        let mut p = String::new();
        for i in 0..n {
            if i > 0 {
                p.push_str(space);
            }
            p.push_str(v.word(v.rare(&mut rng, 300)));
        }
        if !out.contains(&p) {
            out.push(p);
        }
    }
    out
}

// ---------------------------------------------------------------------------
// The plan: roles, outlets, dates, stock phrases, output order.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Role {
    Plain,
    Source { copy: u32, kind: ReuseKind },
    Copy { source: u32, kind: ReuseKind },
    WireOriginal,
    WireCopy,
}

struct Line {
    text: String,
    footer: bool,
    share: f64,
}

struct Outlet {
    name: String,
    lines: Vec<Line>,
}

struct Plan {
    roles: Vec<Role>,
    outlet: Vec<u32>,
    day: Vec<u32>,
    /// Stock phrases inserted into each document.
    stock: Vec<Vec<u32>>,
    outlets: Vec<Outlet>,
    phrases: Vec<String>,
    /// Output position of each planned document.
    pos: Vec<usize>,
    /// The synonym table, if [`NewsSpec::rewrites`] (else empty).
    synonyms: Vec<u32>,
}

/// Seeds of the stages (with the planned index).
const PLAN: u64 = 0x504C;
const DRAFT: u64 = 0x4452;
const COPY: u64 = 0x4350;
const ASSEMBLE: u64 = 0x4153;
const REWRITE: u64 = 0x5257;

fn make_outlets(spec: &NewsSpec, rng: &mut Rng) -> Vec<Outlet> {
    let f = furniture(spec.script);
    let cms_count = rng.range(2, 3).min(spec.outlets);
    let mut order: Vec<usize> = (0..spec.outlets).collect();
    rng.shuffle(&mut order);
    let cms = &order[..cms_count];
    let templates: Vec<(&str, bool)> = f
        .header
        .iter()
        .map(|t| (*t, false))
        .chain(f.footer.iter().map(|t| (*t, true)))
        .collect();
    (0..=spec.outlets)
        .map(|o| {
            let name = if o == spec.outlets {
                wire_name(spec.script).to_string()
            } else {
                outlet_name(spec.script, o)
            };
            let mut want = rng.range(2, 5);
            let has_cms = cms.contains(&o);
            if has_cms {
                want -= 1;
            }
            let mut picks: Vec<usize> = (0..templates.len()).collect();
            rng.shuffle(&mut picks);
            picks.truncate(want);
            picks.sort_unstable();
            let mut lines: Vec<Line> = picks
                .iter()
                .map(|&t| Line {
                    text: templates[t].0.replace("{O}", &name),
                    footer: templates[t].1,
                    share: 0.6 + 0.4 * rng.f64(),
                })
                .collect();
            if has_cms {
                lines.push(Line {
                    text: f.cms.to_string(),
                    footer: true,
                    share: 0.6 + 0.4 * rng.f64(),
                });
            }
            Outlet { name, lines }
        })
        .collect()
}

fn plan(spec: &NewsSpec) -> Plan {
    let mut rng = Rng::new(derive(spec.seed, PLAN, 0));
    let n = spec.docs;
    let wire = spec.outlets as u32;
    // Regular outlets weigh 2, the agency 1.
    let any_outlet = |rng: &mut Rng| (rng.below(2 * spec.outlets + 1) / 2) as u32;
    let mut roles = vec![Role::Plain; n];
    let mut outlet = vec![0u32; n];
    let mut day = vec![0u32; n];

    roles[0] = Role::WireOriginal;
    outlet[0] = wire;
    day[0] = rng.below(58) as u32;
    let mut order: Vec<u32> = (0..spec.outlets as u32).collect();
    rng.shuffle(&mut order);
    for k in 0..spec.wire_outlets {
        roles[1 + k] = Role::WireCopy;
        outlet[1 + k] = order[k];
        day[1 + k] = day[0] + rng.below(2) as u32;
    }
    let first = 1 + spec.wire_outlets;
    let pairs = ((spec.reuse_fraction * n as f64 + 0.5) as usize).min((n - first) / 2);
    for k in 0..pairs {
        let (a, b) = (first + 2 * k, first + 2 * k + 1);
        let kind = if rng.chance(0.5) {
            ReuseKind::Sentences
        } else {
            ReuseKind::Paragraphs
        };
        roles[a] = Role::Source {
            copy: b as u32,
            kind,
        };
        roles[b] = Role::Copy {
            source: a as u32,
            kind,
        };
        outlet[a] = any_outlet(&mut rng);
        outlet[b] = loop {
            let o = rng.below(spec.outlets) as u32;
            if o != outlet[a] {
                break o;
            }
        };
        day[b] = rng.below(60) as u32;
        day[a] = day[b] - rng.below(day[b].min(3) as usize + 1) as u32;
    }
    for i in first + 2 * pairs..n {
        outlet[i] = any_outlet(&mut rng);
        day[i] = rng.below(60) as u32;
    }

    // Stock phrases: documents outside the wire story, no two of one
    // relation, the first five of distinct outlets.
    let phrases = stock_list(spec.script, spec.stock_phrases, spec.seed);
    let mut stock = vec![Vec::new(); n];
    let mut mark = vec![u32::MAX; n];
    let partner = |i: usize| match roles[i] {
        Role::Source { copy, .. } => Some(copy as usize),
        Role::Copy { source, .. } => Some(source as usize),
        _ => None,
    };
    let eligible = n - first;
    for p in 0..phrases.len() as u32 {
        let want = rng.range(10, (n / 100).max(10));
        let mut chosen = 0;
        let mut outlets_used: Vec<u32> = Vec::new();
        let mut tries = 0;
        while chosen < want && tries < 1000 * want {
            tries += 1;
            let i = first + rng.below(eligible);
            if mark[i] == p || partner(i).is_some_and(|q| mark[q] == p) {
                continue;
            }
            if outlets_used.len() < 5 && outlets_used.contains(&outlet[i]) && tries < 100 * want {
                continue;
            }
            mark[i] = p;
            stock[i].push(p);
            chosen += 1;
            if !outlets_used.contains(&outlet[i]) {
                outlets_used.push(outlet[i]);
            }
        }
    }

    let outlets = make_outlets(spec, &mut rng);
    let mut out_order: Vec<usize> = (0..n).collect();
    rng.shuffle(&mut out_order);
    let mut pos = vec![0; n];
    for (p, &d) in out_order.iter().enumerate() {
        pos[d] = p;
    }
    Plan {
        roles,
        outlet,
        day,
        stock,
        outlets,
        phrases,
        pos,
        synonyms: if spec.rewrites {
            synonym_table(spec.script, spec.seed)
        } else {
            Vec::new()
        },
    }
}

// ---------------------------------------------------------------------------
// Text: sentences of 14–30 words, rendered with word offsets.

/// Not part of any copied region.
const NONE: u32 = u32::MAX;

/// A rendered sentence; `tag` numbers the sentences of a copied region
/// (`NONE` for the document's own ones).
#[derive(Clone, Debug)]
struct Sent {
    text: String,
    tag: u32,
}

/// One sentence of 14–30 words (mean 22).
fn sentence(script: Script, topic: &[u32], rng: &mut Rng) -> Vec<Tok> {
    let v = vocab(script);
    let len = (rng.range(14, 30) + rng.range(14, 30)) / 2;
    let mut toks: Vec<Tok> = (0..len)
        .map(|j| {
            let mut t = word_tok(script, v, topic, rng);
            if j + 1 < len && rng.below(100) < 8 {
                t.flags |= COMMA;
            }
            t
        })
        .collect();
    if rng.below(100) < 15 {
        let i = rng.below(len);
        toks[i] = Tok {
            flags: toks[i].flags | NUM,
            ..num_tok(rng)
        };
    }
    if rng.below(100) < 10 {
        let a = rng.below(len - 2);
        let b = (a + rng.range(1, 6)).min(len - 1);
        toks[a].flags |= QOPEN;
        toks[b].flags |= QCLOSE;
    }
    toks[len - 1].flags = (toks[len - 1].flags & !COMMA) | END;
    if rng.below(100) < 3 {
        toks[len - 1].flags |= QUESTION;
    }
    toks
}

/// A body of paragraphs of 2–6 sentences, of a log-normal size (mean about
/// 2,200 bytes), at least `min_sents` sentences and two paragraphs.
fn body(script: Script, topic: &[u32], rng: &mut Rng, min_sents: usize) -> Paras {
    let v = vocab(script);
    let per_sentence = 22.0 * 1.1 * (v.mean_bytes + if script == Script::Cjk { 0.4 } else { 1.2 });
    let want = ((target_bytes(rng) as f64 / per_sentence) as usize).clamp(min_sents, 150);
    let mut paras: Paras = Vec::new();
    let mut total = 0;
    while total < want || paras.len() < 2 {
        let n = rng.range(2, 6);
        paras.push((0..n).map(|_| sentence(script, topic, rng)).collect());
        total += n;
    }
    paras
}

/// Renders one sentence; `ends[k]` is the byte offset just after the word
/// of token `k` (before its closing quote and punctuation).
fn render_sentence(script: Script, toks: &[Tok], ends: &mut Vec<usize>) -> String {
    let v = vocab(script);
    let p = punct(script);
    let cap = matches!(script, Script::Latin | Script::Cyrillic);
    let mut out = String::with_capacity(toks.len() * 8);
    ends.clear();
    for (i, t) in toks.iter().enumerate() {
        if i > 0 {
            out.push_str(p.space);
        }
        push_word(&mut out, t, v, p, i == 0 && cap);
        ends.push(out.len());
        push_after(&mut out, t, p);
    }
    out
}

/// Whether something may be inserted between tokens `k - 1` and `k`: no
/// punctuation or quotation mark there.
fn open_boundary(toks: &[Tok], k: usize) -> bool {
    k > 0
        && k < toks.len()
        && toks[k - 1].flags & (COMMA | QCLOSE | END) == 0
        && toks[k].flags & QOPEN == 0
}

// ---------------------------------------------------------------------------
// Drafts: each document's body, its copied region, its stock phrases.

struct Draft {
    title: String,
    paras: Vec<Vec<Sent>>,
    /// Sources and the wire original: the tokens of the copied region, by
    /// paragraph (one group for copied sentences).
    region: Paras,
}

fn draft(spec: &NewsSpec, plan: &Plan, i: usize) -> Draft {
    let script = spec.script;
    let mut rng = Rng::new(derive(spec.seed, DRAFT, i as u64));
    let topic = topic(script, &mut rng);
    let mut head = String::new();
    title(script, &topic, &mut rng, &mut head);
    let role = plan.roles[i];
    if role == Role::WireCopy {
        return Draft {
            title: head,
            paras: Vec::new(),
            region: Vec::new(),
        };
    }
    let min_sents = if role == Role::WireOriginal { 12 } else { 6 };
    let body = body(script, &topic, &mut rng, min_sents);
    let mut tags: Vec<Vec<u32>> = body.iter().map(|p| vec![NONE; p.len()]).collect();
    let mut region = Vec::new();
    match role {
        Role::WireOriginal => {
            for (k, t) in tags.iter_mut().flatten().enumerate() {
                *t = k as u32;
            }
            region = body.clone();
        }
        Role::Source {
            kind: ReuseKind::Paragraphs,
            ..
        } => {
            let count = if body.len() >= 3 && rng.chance(0.4) {
                2
            } else {
                1
            };
            let start = rng.below(body.len() - count + 1);
            let copied = tags[start..start + count].iter_mut().flatten();
            for (k, t) in copied.enumerate() {
                *t = k as u32;
            }
            region = body[start..start + count].to_vec();
        }
        Role::Source { .. } => {
            let total: usize = body.iter().map(Vec::len).sum();
            let count = rng.range(1, 5).min(total - 1);
            let start = rng.below(total - count + 1);
            let mut group = Vec::new();
            let mut flat = 0;
            for (p, para) in body.iter().enumerate() {
                for (s, toks) in para.iter().enumerate() {
                    if (start..start + count).contains(&flat) {
                        tags[p][s] = (flat - start) as u32;
                        group.push(toks.clone());
                    }
                    flat += 1;
                }
            }
            region = vec![group];
        }
        _ => {}
    }
    let mut ends = Vec::new();
    let mut paras: Vec<Vec<Sent>> = body
        .iter()
        .zip(&tags)
        .map(|(p, t)| {
            p.iter()
                .zip(t)
                .map(|(toks, &tag)| Sent {
                    text: render_sentence(script, toks, &mut ends),
                    tag,
                })
                .collect()
        })
        .collect();

    // Stock phrases, into sentences of the document's own. `src` maps a
    // sentence to its tokens (`None` for an inserted phrase), `touched`
    // marks sentences that already hold one.
    let mut src: Vec<Vec<Option<usize>>> = body
        .iter()
        .map(|p| (0..p.len()).map(Some).collect())
        .collect();
    let mut touched: Vec<Vec<bool>> = body.iter().map(|p| vec![false; p.len()]).collect();
    for &ph in &plan.stock[i] {
        let phrase = &plan.phrases[ph as usize];
        let own: Vec<(usize, usize)> = paras
            .iter()
            .enumerate()
            .flat_map(|(p, sents)| {
                sents
                    .iter()
                    .enumerate()
                    .filter(|(_, s)| s.tag == NONE)
                    .map(move |(s, _)| (p, s))
            })
            .collect();
        let (p, s) = own[rng.below(own.len())];
        let toks = src[p][s].map(|o| &body[p][o]);
        let spots: Vec<usize> = match toks {
            Some(toks) if !touched[p][s] => (2..toks.len() - 1)
                .filter(|&k| open_boundary(toks, k))
                .collect(),
            _ => Vec::new(),
        };
        if let Some(toks) = toks
            && !spots.is_empty()
            && rng.chance(0.6)
        {
            // Mid-sentence.
            let k = spots[rng.below(spots.len())];
            render_sentence(script, toks, &mut ends);
            let mut piece = String::from(punct(script).space);
            piece.push_str(phrase);
            paras[p][s].text.insert_str(ends[k - 1], &piece);
            touched[p][s] = true;
        } else {
            // A sentence of its own, after sentence `s`.
            let mut text = String::new();
            if matches!(script, Script::Latin | Script::Cyrillic) {
                push_capitalized(&mut text, phrase);
            } else {
                text.push_str(phrase);
            }
            text.push_str(punct(script).stop);
            paras[p].insert(s + 1, Sent { text, tag: NONE });
            src[p].insert(s + 1, None);
            touched[p].insert(s + 1, true);
        }
    }
    Draft {
        title: head,
        paras,
        region,
    }
}

// ---------------------------------------------------------------------------
// Copies: the rewriting desk.

/// Which edits were applied.
#[derive(Default)]
struct Did {
    replace: bool,
    clause: bool,
    aside: bool,
    reorder: bool,
    punct: bool,
    diacritics: bool,
    tatweel: bool,
    truncate: bool,
}

/// Edit names, in the order they are recorded.
pub const EDIT_NAMES: [&str; 8] = [
    "replace",
    "clause_move",
    "aside",
    "reorder",
    "punctuation",
    "diacritics",
    "tatweel",
    "truncate",
];

impl Did {
    fn names(&self) -> Vec<&'static str> {
        [
            self.replace,
            self.clause,
            self.aside,
            self.reorder,
            self.punct,
            self.diacritics,
            self.tatweel,
            self.truncate,
        ]
        .into_iter()
        .zip(EDIT_NAMES)
        .filter(|(on, _)| *on)
        .map(|(_, n)| n)
        .collect()
    }
}

/// String edits of a copied sentence: punctuation, diacritics, tatweel.
struct StringEdits {
    punct: bool,
    diacritics: bool,
    tatweel: bool,
}

impl StringEdits {
    fn apply(&self, script: Script, text: String, rng: &mut Rng, did: &mut Did) -> String {
        let mut text = text;
        let mut out = String::with_capacity(text.len() * 3 / 2);
        if self.punct {
            did.punct |= change_punct(&text, script, rng, &mut out);
            std::mem::swap(&mut text, &mut out);
            out.clear();
        }
        if self.diacritics {
            did.diacritics |= add_diacritics(&text, rng, 0.3, &mut out);
            std::mem::swap(&mut text, &mut out);
            out.clear();
        }
        if self.tatweel {
            did.tatweel |= add_tatweel(&text, rng, 0.15, &mut out);
            std::mem::swap(&mut text, &mut out);
        }
        text
    }
}

/// An aside of 3–8 words with its punctuation, ready to insert after a word.
fn aside_text(script: Script, rng: &mut Rng) -> String {
    let (list, days) = asides(script);
    let mut a = rng.pick(list).to_string();
    let words = a.split(' ').count();
    if script != Script::Cjk && words <= 5 && rng.chance(0.3) {
        a.push(' ');
        a.push_str(rng.pick(days));
    } else if script == Script::Cjk && rng.chance(0.3) {
        a.insert_str(0, rng.pick(days));
    }
    let p = punct(script);
    if script == Script::Cjk {
        format!("{}{a}{}", p.comma, p.comma)
    } else {
        format!("{} {a}{}", p.comma, p.comma)
    }
}

/// Edits one copied sentence at the token level (replaced words, a moved
/// clause), renders it and inserts an aside. Eight consecutive words are
/// left untouched.
fn edit_sentence(
    script: Script,
    mut toks: Vec<Tok>,
    replace: bool,
    clause: bool,
    aside: bool,
    rng: &mut Rng,
    did: &mut Did,
) -> String {
    let n = toks.len();
    // The clause split: after a comma, or after the first third.
    let split = clause.then(|| {
        let commas: Vec<usize> = (0..n - 1)
            .filter(|&c| toks[c].flags & COMMA != 0)
            .map(|c| c + 1)
            .filter(|&s| s >= 4 && n - s >= 4 && s.max(n - s) >= 10)
            .collect();
        if commas.is_empty() {
            n / 3
        } else {
            commas[rng.below(commas.len())]
        }
    });
    // The protected window of 8 words (in the longer half of a split).
    let (lo, hi) = match split {
        Some(s) if s >= n - s => (0, s),
        Some(s) => (s, n),
        None => (0, n),
    };
    let mut w = lo + rng.below(hi - lo - 8 + 1);
    if replace {
        let mut prev = false;
        for i in 0..n {
            if (w..w + 8).contains(&i) || prev {
                prev = false;
                continue;
            }
            if rng.below(12) == 0 {
                substitute(script, &mut toks, i, rng);
                did.replace = true;
                prev = true;
            }
        }
    }
    if let Some(s) = split {
        let question = toks[n - 1].flags & QUESTION;
        for t in &mut toks {
            t.flags &= !(QOPEN | QCLOSE | END | QUESTION);
        }
        toks[s - 1].flags &= !COMMA;
        toks.rotate_left(s);
        toks[n - s - 1].flags |= COMMA;
        toks[n - 1].flags = (toks[n - 1].flags & !COMMA) | END | question;
        w = if w >= s { w - s } else { w + n - s };
        did.clause = true;
    }
    let mut ends = Vec::new();
    let mut text = render_sentence(script, &toks, &mut ends);
    if aside {
        let spots: Vec<usize> = (2..n - 1)
            .filter(|&k| open_boundary(&toks, k) && !(w < k && k < w + 8))
            .collect();
        if !spots.is_empty() {
            let k = spots[rng.below(spots.len())];
            text.insert_str(ends[k - 1], &aside_text(script, rng));
            did.aside = true;
        }
    }
    text
}

/// The edited copy of a source's region, by paragraph, with its edits.
fn copy_region(
    script: Script,
    region: &Paras,
    kind: ReuseKind,
    rng: &mut Rng,
) -> (Vec<Vec<Sent>>, Did) {
    let mut paras = region.clone();
    let mut did = Did::default();
    if kind == ReuseKind::Paragraphs && rng.chance(0.35) {
        let long: Vec<usize> = (0..paras.len()).filter(|&p| paras[p].len() >= 2).collect();
        if !long.is_empty() {
            let p = long[rng.below(long.len())];
            let s = rng.below(paras[p].len() - 1);
            paras[p].swap(s, s + 1);
            did.reorder = true;
        }
    }
    let total: usize = paras.iter().map(Vec::len).sum();
    let replace = rng.chance(0.8);
    let clause = rng.chance(0.3).then(|| rng.below(total));
    let aside = rng.chance(0.35).then(|| rng.below(total));
    let arabic = script == Script::Arabic;
    let strings = StringEdits {
        punct: rng.chance(0.5),
        diacritics: arabic && rng.chance(0.5),
        tatweel: arabic && rng.chance(0.3),
    };
    let mut k = 0;
    let out = paras
        .into_iter()
        .map(|para| {
            para.into_iter()
                .map(|toks| {
                    let text = edit_sentence(
                        script,
                        toks,
                        replace,
                        clause == Some(k),
                        aside == Some(k),
                        rng,
                        &mut did,
                    );
                    let text = strings.apply(script, text, rng, &mut did);
                    k += 1;
                    Sent {
                        text,
                        tag: k as u32 - 1,
                    }
                })
                .collect()
        })
        .collect();
    (out, did)
}

/// Where a copied region goes in the copy's own body.
enum Place {
    /// As paragraphs before paragraph `at`.
    Paras(usize),
    /// As sentences before sentence `s` of paragraph `p`.
    Inside(usize, usize),
}

struct Insert {
    paras: Vec<Vec<Sent>>,
    place: Place,
    did: Did,
    /// The rewrite that replaced the desk edits, if any.
    rewrite: Option<Rewrite>,
    /// Wire copies: how many sentences of the original were kept.
    kept: u32,
}

fn copy_insert(spec: &NewsSpec, plan: &Plan, drafts: &[Draft], b: usize) -> Insert {
    let script = spec.script;
    let mut rng = Rng::new(derive(spec.seed, COPY, b as u64));
    match plan.roles[b] {
        Role::Copy { source, kind } => {
            let (paras, did) = copy_region(script, &drafts[source as usize].region, kind, &mut rng);
            let own = &drafts[b].paras;
            let place = if kind == ReuseKind::Sentences && rng.chance(0.5) {
                let p = rng.below(own.len());
                Place::Inside(p, rng.below(own[p].len() + 1))
            } else {
                Place::Paras(rng.below(own.len() + 1))
            };
            let mut ins = Insert {
                paras,
                place,
                did,
                rewrite: None,
                kept: 0,
            };
            if !plan.synonyms.is_empty() {
                let region = &drafts[source as usize].region;
                rewrite_copy(script, region, &plan.synonyms, spec.seed, b, &mut ins);
            }
            ins
        }
        Role::WireCopy => {
            let original = &drafts[0].region;
            let total: usize = original.iter().map(Vec::len).sum();
            let mut did = Did::default();
            let keep = if rng.chance(0.5) {
                did.truncate = true;
                let least = (total * 7).div_ceil(10);
                rng.range(least, total - 1)
            } else {
                total
            };
            // A few replaced words, never two adjacent.
            let mut chosen: Vec<(usize, usize)> = Vec::new();
            let mut flat: Vec<&Vec<Tok>> = original.iter().flatten().collect();
            flat.truncate(keep);
            for _ in 0..rng.range(1, 4) {
                let s = rng.below(flat.len());
                let t = rng.below(flat[s].len());
                if !chosen
                    .iter()
                    .any(|&(cs, ct)| cs == s && ct.abs_diff(t) <= 1)
                {
                    chosen.push((s, t));
                }
            }
            let strings = StringEdits {
                punct: rng.chance(0.5),
                diacritics: script == Script::Arabic && rng.chance(0.4),
                tatweel: false,
            };
            let mut ends = Vec::new();
            let mut paras = Vec::new();
            let mut k = 0usize;
            for para in original {
                let mut sents = Vec::new();
                for toks in para {
                    if k == keep {
                        break;
                    }
                    let mut toks = toks.clone();
                    for &(_, t) in chosen.iter().filter(|c| c.0 == k) {
                        substitute(script, &mut toks, t, &mut rng);
                        did.replace = true;
                    }
                    let text = render_sentence(script, &toks, &mut ends);
                    let text = strings.apply(script, text, &mut rng, &mut did);
                    sents.push(Sent {
                        text,
                        tag: k as u32,
                    });
                    k += 1;
                }
                if !sents.is_empty() {
                    paras.push(sents);
                }
            }
            Insert {
                paras,
                place: Place::Paras(0),
                did,
                rewrite: None,
                kept: keep as u32,
            }
        }
        _ => unreachable!("only copies are inserted"),
    }
}

/// With [`NewsSpec::rewrites`]: maybe replaces the desk-edited copy by a
/// rewrite of the region, on a random stream of its own (so the rest of the
/// corpus is as without rewrites).
fn rewrite_copy(
    script: Script,
    region: &Paras,
    synonyms: &[u32],
    seed: u64,
    b: usize,
    ins: &mut Insert,
) {
    let mut rng = Rng::new(derive(seed, REWRITE, b as u64));
    let pick = rng.below(REWRITES.len() + 1);
    let Some(&edit) = REWRITES.get(pick) else {
        return;
    };
    let toks = rewrite_region(region, edit, synonyms, &mut rng);
    let mut ends = Vec::new();
    let mut k = 0;
    ins.paras = toks
        .iter()
        .map(|para| {
            para.iter()
                .map(|s| {
                    k += 1;
                    Sent {
                        text: render_sentence(script, s, &mut ends),
                        tag: k - 1,
                    }
                })
                .collect()
        })
        .collect();
    ins.did = Did::default();
    ins.rewrite = Some(edit);
}

fn apply_insert(draft: &mut Draft, ins: Insert) {
    match ins.place {
        Place::Paras(at) => {
            draft.paras.splice(at..at, ins.paras);
        }
        Place::Inside(p, s) => {
            let sents = ins.paras.into_iter().flatten();
            draft.paras[p].splice(s..s, sents);
        }
    }
}

// ---------------------------------------------------------------------------
// Assembly: boilerplate, body, offsets.

struct Assembled {
    text: String,
    /// Tagged sentences: (tag, start, end) in text order.
    tagged: Vec<(u32, usize, usize)>,
    lines: u64,
}

fn assemble(spec: &NewsSpec, outlet: &Outlet, draft: &Draft, i: usize) -> Assembled {
    let mut rng = Rng::new(derive(spec.seed, ASSEMBLE, i as u64));
    let space = punct(spec.script).space;
    let mut text = String::with_capacity(4096);
    let mut lines = 0;
    let used: Vec<bool> = outlet.lines.iter().map(|l| rng.chance(l.share)).collect();
    for (l, _) in outlet
        .lines
        .iter()
        .zip(&used)
        .filter(|(l, u)| **u && !l.footer)
    {
        text.push_str(&l.text);
        text.push('\n');
        lines += 1;
    }
    if !text.is_empty() {
        text.push('\n');
    }
    let mut tagged = Vec::new();
    for (p, para) in draft.paras.iter().enumerate() {
        if p > 0 {
            text.push_str("\n\n");
        }
        for (s, sent) in para.iter().enumerate() {
            if s > 0 {
                text.push_str(space);
            }
            let start = text.len();
            text.push_str(&sent.text);
            if sent.tag != NONE {
                tagged.push((sent.tag, start, text.len()));
            }
        }
    }
    let mut first = true;
    for (l, _) in outlet
        .lines
        .iter()
        .zip(&used)
        .filter(|(l, u)| **u && l.footer)
    {
        text.push_str(if first { "\n\n" } else { "\n" });
        first = false;
        text.push_str(&l.text);
        lines += 1;
    }
    Assembled {
        text,
        tagged,
        lines,
    }
}

#[inline]
fn is_mark(c: char) -> bool {
    unicode_normalization::char::is_combining_mark(c) || c == '\u{0640}'
}

/// A span trimmed to its words: from its first letter or digit to the end of
/// its last one (with the marks that follow it).
fn trim_words(text: &str, s: usize, e: usize) -> Option<[usize; 2]> {
    let piece = &text[s..e];
    let start = piece.char_indices().find(|(_, c)| c.is_alphanumeric())?.0;
    let (last, c) = piece
        .char_indices()
        .rev()
        .find(|&(_, c)| c.is_alphanumeric() && !is_mark(c))?;
    let mut end = last + c.len_utf8();
    for c in piece[end..].chars() {
        if !is_mark(c) {
            break;
        }
        end += c.len_utf8();
    }
    Some([s + start, s + end])
}

/// Spans of the tagged sentences that `keep` selects, adjacent ones merged,
/// trimmed to words.
fn spans(a: &Assembled, keep: impl Fn(u32) -> bool) -> Vec<[usize; 2]> {
    let mut merged: Vec<[usize; 2]> = Vec::new();
    for &(tag, s, e) in &a.tagged {
        if !keep(tag) {
            continue;
        }
        match merged.last_mut() {
            Some(last) if a.text[last[1]..s].trim().is_empty() => last[1] = e,
            _ => merged.push([s, e]),
        }
    }
    merged
        .into_iter()
        .filter_map(|[s, e]| trim_words(&a.text, s, e))
        .collect()
}

// ---------------------------------------------------------------------------
// The corpus.

/// Generates the corpus and its truth (see the module docs). Panics if the
/// spec is invalid ([`NewsSpec::validate`]).
pub fn news_corpus(spec: &NewsSpec) -> NewsCorpus {
    news_corpus_counted(spec).0
}

fn news_corpus_counted(spec: &NewsSpec) -> (NewsCorpus, u64) {
    if let Err(e) = spec.validate() {
        panic!("invalid news corpus spec: {e}");
    }
    let plan = plan(spec);
    let n = spec.docs;
    let mut drafts: Vec<Draft> = (0..n)
        .into_par_iter()
        .map(|i| draft(spec, &plan, i))
        .collect();
    let copies: Vec<usize> = (0..n)
        .filter(|&i| matches!(plan.roles[i], Role::Copy { .. } | Role::WireCopy))
        .collect();
    let inserts: Vec<Insert> = copies
        .par_iter()
        .map(|&b| copy_insert(spec, &plan, &drafts, b))
        .collect();
    let mut edits: Vec<Vec<&'static str>> = vec![Vec::new(); n];
    let mut kept = vec![0u32; n];
    let mut rewrites: Vec<Option<&'static str>> = vec![None; n];
    for (&b, ins) in copies.iter().zip(inserts) {
        edits[b] = ins.did.names();
        rewrites[b] = ins.rewrite.map(Rewrite::name);
        kept[b] = ins.kept;
        apply_insert(&mut drafts[b], ins);
    }
    // Each draft is dropped as soon as its text is assembled.
    let (titles, assembled): (Vec<String>, Vec<Assembled>) = drafts
        .into_par_iter()
        .enumerate()
        .map(|(i, d)| {
            let a = assemble(spec, &plan.outlets[plan.outlet[i] as usize], &d, i);
            (d.title, a)
        })
        .unzip();
    let lines: u64 = assembled.iter().map(|a| a.lines).sum();

    let width = n.saturating_sub(1).to_string().len().max(7);
    let id = |i: usize| format!("d{:0w$}", plan.pos[i], w = width);
    let mut passages = Vec::new();
    let mut wire = WireTruth {
        original: id(0),
        copies: Vec::new(),
    };
    let mut wire_copies: Vec<usize> = Vec::new();
    for b in 0..n {
        match plan.roles[b] {
            Role::Copy { source, kind } => {
                let a = source as usize;
                passages.push((
                    (plan.pos[a], plan.pos[b]),
                    NewsPassage {
                        a: id(a),
                        b: id(b),
                        kind,
                        a_spans: spans(&assembled[a], |_| true),
                        b_spans: spans(&assembled[b], |_| true),
                        edits: edits[b].clone(),
                        paragraph: kind == ReuseKind::Paragraphs,
                        rewrite: rewrites[b],
                    },
                ));
            }
            Role::WireCopy => wire_copies.push(b),
            _ => {}
        }
    }
    wire_copies.sort_by_key(|&c| plan.pos[c]);
    wire.copies = wire_copies.iter().map(|&c| id(c)).collect();
    for (x, &c) in wire_copies.iter().enumerate() {
        passages.push((
            (plan.pos[0], plan.pos[c]),
            NewsPassage {
                a: id(0),
                b: id(c),
                kind: ReuseKind::Wire,
                a_spans: spans(&assembled[0], |t| t < kept[c]),
                b_spans: spans(&assembled[c], |_| true),
                edits: edits[c].clone(),
                paragraph: false,
                rewrite: None,
            },
        ));
        for &d in &wire_copies[x + 1..] {
            // The earlier one first (then the one earlier in the output).
            let (a, b) = if (plan.day[c], plan.pos[c]) <= (plan.day[d], plan.pos[d]) {
                (c, d)
            } else {
                (d, c)
            };
            let common = kept[a].min(kept[b]);
            let mut e: Vec<&'static str> = edits[a].clone();
            for name in &edits[b] {
                if !e.contains(name) {
                    e.push(name);
                }
            }
            e.sort_by_key(|name| EDIT_NAMES.iter().position(|o| o == name));
            passages.push((
                (plan.pos[a], plan.pos[b]),
                NewsPassage {
                    a: id(a),
                    b: id(b),
                    kind: ReuseKind::Wire,
                    a_spans: spans(&assembled[a], |t| t < common),
                    b_spans: spans(&assembled[b], |t| t < common),
                    edits: e,
                    paragraph: false,
                    rewrite: None,
                },
            ));
        }
    }
    passages.sort_by_key(|p| p.0);
    let passages = passages.into_iter().map(|p| p.1).collect();

    let stock = plan
        .phrases
        .iter()
        .enumerate()
        .map(|(p, phrase)| {
            let mut docs: Vec<usize> = (0..n)
                .filter(|&i| plan.stock[i].contains(&(p as u32)))
                .map(|i| plan.pos[i])
                .collect();
            docs.sort_unstable();
            StockTruth {
                phrase: phrase.clone(),
                docs: docs.into_iter().map(|p| format!("d{p:0width$}")).collect(),
            }
        })
        .collect();
    let boilerplate = plan
        .outlets
        .iter()
        .map(|o| OutletBoilerplate {
            outlet: o.name.clone(),
            lines: o.lines.iter().map(|l| l.text.clone()).collect(),
        })
        .collect();

    let mut docs: Vec<Option<GenDoc>> = vec![None; n];
    for (i, (a, title)) in assembled.into_iter().zip(titles).enumerate() {
        docs[plan.pos[i]] = Some(GenDoc {
            id: id(i),
            outlet: plan.outlets[plan.outlet[i] as usize].name.clone(),
            date: date(plan.day[i]),
            title,
            text: a.text,
        });
    }
    let corpus = NewsCorpus {
        docs: docs
            .into_iter()
            .map(|d| d.expect("every position filled"))
            .collect(),
        passages,
        wire,
        stock,
        boilerplate,
    };
    (corpus, lines)
}

fn jsonl<T: Serialize>(path: &Path, items: impl IntoIterator<Item = T>) -> io::Result<u64> {
    let mut w = BufWriter::with_capacity(1 << 20, File::create(path)?);
    let mut bytes = 0u64;
    let mut line = Vec::with_capacity(8 << 10);
    for item in items {
        line.clear();
        serde_json::to_writer(&mut line, &item)?;
        line.push(b'\n');
        w.write_all(&line)?;
        bytes += line.len() as u64;
    }
    w.flush()?;
    Ok(bytes)
}

/// The `corpus.jsonl` lines of a corpus, in memory (for benchmarks).
pub fn news_corpus_jsonl(corpus: &NewsCorpus) -> Vec<u8> {
    let mut out = Vec::new();
    for d in &corpus.docs {
        serde_json::to_writer(
            &mut out,
            &CorpusLine {
                id: &d.id,
                source: &d.outlet,
                date: &d.date,
                title: &d.title,
                text: &d.text,
            },
        )
        .expect("serializing to memory");
        out.push(b'\n');
    }
    out
}

/// Generates the corpus and writes into `dir` (created if missing):
/// `corpus.jsonl` (`{"id","source","date","title","text"}`),
/// `passages.jsonl` ([`NewsPassage`]), `wire.jsonl` ([`WireTruth`]),
/// `stock.jsonl` ([`StockTruth`]) and `boilerplate.jsonl`
/// ([`OutletBoilerplate`]). This is also the way to make benchmark corpora:
/// `write_news_corpus(&NewsSpec { docs: 100_000, ..NewsSpec::default() }, dir)`.
pub fn write_news_corpus(spec: &NewsSpec, dir: &Path) -> io::Result<NewsStats> {
    spec.validate()
        .map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e))?;
    std::fs::create_dir_all(dir)?;
    let (c, lines) = news_corpus_counted(spec);
    let corpus_bytes = jsonl(
        &dir.join("corpus.jsonl"),
        c.docs.iter().map(|d| CorpusLine {
            id: &d.id,
            source: &d.outlet,
            date: &d.date,
            title: &d.title,
            text: &d.text,
        }),
    )?;
    jsonl(&dir.join("passages.jsonl"), &c.passages)?;
    jsonl(&dir.join("wire.jsonl"), [&c.wire])?;
    jsonl(&dir.join("stock.jsonl"), &c.stock)?;
    jsonl(&dir.join("boilerplate.jsonl"), &c.boilerplate)?;
    let count = |k: ReuseKind| c.passages.iter().filter(|p| p.kind == k).count() as u64;
    Ok(NewsStats {
        docs: c.docs.len() as u64,
        outlets: c.boilerplate.len() as u64,
        reuse_sentences: count(ReuseKind::Sentences),
        reuse_paragraphs: count(ReuseKind::Paragraphs),
        wire_copies: c.wire.copies.len() as u64,
        truth_lines: c.passages.len() as u64,
        stock_phrases: c.stock.len() as u64,
        stock_insertions: c.stock.iter().map(|s| s.docs.len() as u64).sum(),
        boilerplate_lines: lines,
        corpus_bytes,
    })
}

#[cfg(test)]
mod tests {
    use std::collections::{HashMap, HashSet};

    use super::*;
    use neardup::normalize::{NormalizeOptions, Normalizer};

    fn small(script: Script, seed: u64) -> NewsSpec {
        NewsSpec {
            docs: 600,
            seed,
            script,
            ..NewsSpec::default()
        }
    }

    /// Normalized words of a text (characters for CJK, which has no spaces).
    fn words(script: Script, text: &str) -> Vec<String> {
        static NORMALIZER: std::sync::OnceLock<Normalizer> = std::sync::OnceLock::new();
        let norm = NORMALIZER
            .get_or_init(|| Normalizer::new(NormalizeOptions::all()))
            .normalize(text);
        if script == Script::Cjk {
            norm.chars()
                .filter(|c| !c.is_whitespace())
                .map(String::from)
                .collect()
        } else {
            norm.split(' ')
                .filter(|w| !w.is_empty())
                .map(str::to_string)
                .collect()
        }
    }

    fn span_text(text: &str, spans: &[[usize; 2]]) -> String {
        spans
            .iter()
            .map(|s| &text[s[0]..s[1]])
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// Share of `a`'s words (as a multiset) found in `b`.
    fn found_in(a: &[String], b: &[String]) -> f64 {
        let mut bag: HashMap<&str, usize> = HashMap::new();
        for w in b {
            *bag.entry(w).or_default() += 1;
        }
        let mut hit = 0;
        for w in a {
            if let Some(n) = bag.get_mut(w.as_str())
                && *n > 0
            {
                *n -= 1;
                hit += 1;
            }
        }
        hit as f64 / a.len().max(1) as f64
    }

    /// Longest run of equal words.
    fn longest_run(a: &[String], b: &[String]) -> usize {
        let mut ids: HashMap<&str, u32> = HashMap::new();
        for w in a.iter().chain(b) {
            let n = ids.len() as u32;
            ids.entry(w.as_str()).or_insert(n);
        }
        let a: Vec<u32> = a.iter().map(|w| ids[w.as_str()]).collect();
        let b: Vec<u32> = b.iter().map(|w| ids[w.as_str()]).collect();
        let mut best = 0;
        let mut row = vec![0u32; b.len() + 1];
        for &x in &a {
            // Right to left, so row[j] still holds the previous row's value.
            for j in (0..b.len()).rev() {
                row[j + 1] = if x == b[j] { row[j] + 1 } else { 0 };
                best = best.max(row[j + 1]);
            }
        }
        best as usize
    }

    #[test]
    fn deterministic_for_any_thread_count() {
        let spec = small(Script::Arabic, 3);
        let pool = |n| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(n)
                .build()
                .unwrap()
        };
        let one = pool(1).install(|| news_corpus(&spec));
        let three = pool(3).install(|| news_corpus(&spec));
        assert_eq!(one, three);
        assert_eq!(
            news_corpus_jsonl(&one),
            news_corpus_jsonl(&news_corpus(&spec))
        );
        let other = news_corpus(&NewsSpec { seed: 4, ..spec });
        assert_ne!(one.docs, other.docs);
    }

    #[test]
    fn ids_unique_relations_across_outlets_and_in_date_order() {
        for script in Script::ALL {
            let c = news_corpus(&small(script, 5));
            assert_eq!(c.docs.len(), 600);
            let ids: HashSet<&str> = c.docs.iter().map(|d| d.id.as_str()).collect();
            assert_eq!(ids.len(), c.docs.len());
            let by_id: HashMap<&str, &GenDoc> = c.docs.iter().map(|d| (d.id.as_str(), d)).collect();
            let mut sources = HashSet::new();
            let mut copies = HashSet::new();
            for p in &c.passages {
                let (a, b) = (by_id[p.a.as_str()], by_id[p.b.as_str()]);
                assert_ne!(a.outlet, b.outlet, "{p:?}");
                assert!(a.date <= b.date, "{p:?}");
                if p.kind != ReuseKind::Wire {
                    assert!(sources.insert(&p.a), "source copied twice: {p:?}");
                    assert!(copies.insert(&p.b), "copy of two sources: {p:?}");
                }
            }
            assert!(sources.is_disjoint(&copies));
            let reuse = c.passages.len() - 10 - 45;
            assert_eq!(reuse, 150, "{script}");
            assert!(
                c.docs
                    .iter()
                    .all(|d| !d.text.is_empty() && !d.title.is_empty())
            );
        }
    }

    #[test]
    fn truth_spans_point_at_the_copied_text() {
        for script in Script::ALL {
            let c = news_corpus(&small(script, 6));
            let by_id: HashMap<&str, &GenDoc> = c.docs.iter().map(|d| (d.id.as_str(), d)).collect();
            let furniture: HashSet<&str> = c
                .boilerplate
                .iter()
                .flat_map(|b| b.lines.iter().map(String::as_str))
                .collect();
            let mut kinds = HashSet::new();
            for p in &c.passages {
                kinds.insert(p.kind);
                let (a, b) = (&by_id[p.a.as_str()].text, &by_id[p.b.as_str()].text);
                assert!(!p.a_spans.is_empty() && !p.b_spans.is_empty(), "{p:?}");
                for (t, spans) in [(a, &p.a_spans), (b, &p.b_spans)] {
                    for s in spans.iter() {
                        assert!(
                            s[0] < s[1] && t.is_char_boundary(s[0]) && t.is_char_boundary(s[1])
                        );
                        let piece = &t[s[0]..s[1]];
                        assert!(piece.starts_with(char::is_alphanumeric), "{piece:?}");
                        for line in piece.lines() {
                            assert!(!furniture.contains(line.trim()), "{p:?}: {line}");
                        }
                    }
                }
                let wa = words(script, &span_text(a, &p.a_spans));
                let wb = words(script, &span_text(b, &p.b_spans));
                // Undoing the edits (normalization, replaced words, asides)
                // recovers most of the source region.
                let found = found_in(&wa, &wb);
                assert!(found >= 0.8, "{script} {p:?}: {found}");
                // The copy adds little: an aside (at most 8 words, more
                // characters in CJK) and the replacements.
                let extra = wb.len() as f64 * (1.0 - found_in(&wb, &wa));
                let allowed = if script == Script::Cjk { 24.0 } else { 8.0 };
                assert!(
                    extra <= allowed + 0.2 * wa.len() as f64,
                    "{script} {p:?}: {extra}"
                );
                if script != Script::Cjk {
                    // The detector's contract: an exact run of 8 words.
                    assert!(longest_run(&wa, &wb) >= 8, "{p:?}");
                }
                if p.kind != ReuseKind::Wire {
                    assert_eq!(p.paragraph, p.kind == ReuseKind::Paragraphs);
                    assert!(wa.len() >= 14 || script == Script::Cjk, "{p:?}");
                }
            }
            assert_eq!(kinds.len(), 3, "{script}");
        }
    }

    #[test]
    fn edits_are_all_planted() {
        let c = news_corpus(&small(Script::Arabic, 8));
        let mut seen: HashSet<&str> = HashSet::new();
        for p in &c.passages {
            seen.extend(p.edits.iter().copied());
            let pos: Vec<usize> = p
                .edits
                .iter()
                .map(|e| EDIT_NAMES.iter().position(|n| n == e).unwrap())
                .collect();
            assert!(pos.windows(2).all(|w| w[0] < w[1]), "{:?}", p.edits);
        }
        assert_eq!(seen.len(), EDIT_NAMES.len(), "{seen:?}");
        // Diacritics and tatweel are only for Arabic.
        let c = news_corpus(&small(Script::Latin, 8));
        assert!(
            c.passages
                .iter()
                .all(|p| !p.edits.contains(&"diacritics") && !p.edits.contains(&"tatweel"))
        );
    }

    #[test]
    fn stock_phrases_in_unrelated_articles_of_many_outlets() {
        for script in Script::ALL {
            let spec = small(script, 9);
            let c = news_corpus(&spec);
            assert_eq!(c.stock.len(), spec.stock_phrases);
            let by_id: HashMap<&str, &GenDoc> = c.docs.iter().map(|d| (d.id.as_str(), d)).collect();
            let related: HashSet<(&str, &str)> = c
                .passages
                .iter()
                .flat_map(|p| [(p.a.as_str(), p.b.as_str()), (p.b.as_str(), p.a.as_str())])
                .collect();
            let wire: HashSet<&str> = std::iter::once(&c.wire.original)
                .chain(&c.wire.copies)
                .map(String::as_str)
                .collect();
            for s in &c.stock {
                let n = words(script, &s.phrase).len();
                if script != Script::Cjk {
                    assert!((5..=12).contains(&n), "{}: {n} words", s.phrase);
                }
                assert!(s.docs.len() >= 10, "{s:?}");
                let outlets: HashSet<&str> = s
                    .docs
                    .iter()
                    .map(|d| by_id[d.as_str()].outlet.as_str())
                    .collect();
                assert!(outlets.len() >= 5, "{s:?}");
                let cap = crate::vocab::capitalize(&s.phrase);
                for (i, x) in s.docs.iter().enumerate() {
                    let t = &by_id[x.as_str()].text;
                    assert!(
                        t.contains(&s.phrase) || t.contains(&cap),
                        "{x}: {}",
                        s.phrase
                    );
                    assert!(!wire.contains(x.as_str()));
                    for y in &s.docs[i + 1..] {
                        assert!(!related.contains(&(x.as_str(), y.as_str())), "{s:?}");
                    }
                }
            }
        }
    }

    #[test]
    fn boilerplate_in_most_articles_of_its_outlet() {
        for script in [Script::Latin, Script::Arabic] {
            let c = news_corpus(&NewsSpec {
                docs: 1200,
                ..small(script, 10)
            });
            assert_eq!(c.boilerplate.len(), 13);
            let mut owners: HashMap<&str, usize> = HashMap::new();
            for b in &c.boilerplate {
                assert!((2..=5).contains(&b.lines.len()), "{b:?}");
                let docs: Vec<&GenDoc> = c.docs.iter().filter(|d| d.outlet == b.outlet).collect();
                let mut shares = vec![];
                for line in &b.lines {
                    *owners.entry(line).or_default() += 1;
                    let with = docs
                        .iter()
                        .filter(|d| d.text.lines().any(|l| l == line))
                        .count();
                    shares.push(with as f64 / docs.len() as f64);
                }
                if docs.len() >= 40 {
                    let mean = shares.iter().sum::<f64>() / shares.len() as f64;
                    assert!(shares.iter().all(|&s| s >= 0.4), "{b:?} {shares:?}");
                    assert!(mean >= 0.65, "{b:?} {shares:?}");
                }
            }
            // One long line is the same in two or three outlets (one CMS).
            let cms = furniture(script).cms;
            assert!((2..=3).contains(&owners[cms]), "{owners:?}");
            assert!(words(script, cms).len() >= 8);
        }
    }

    #[test]
    fn wire_story_is_republished_by_distinct_outlets() {
        let spec = small(Script::Latin, 11);
        let c = news_corpus(&spec);
        let by_id: HashMap<&str, &GenDoc> = c.docs.iter().map(|d| (d.id.as_str(), d)).collect();
        assert_eq!(by_id[c.wire.original.as_str()].outlet, "Wire");
        assert_eq!(c.wire.copies.len(), spec.wire_outlets);
        let outlets: HashSet<&str> = c
            .wire
            .copies
            .iter()
            .map(|x| by_id[x.as_str()].outlet.as_str())
            .collect();
        assert_eq!(outlets.len(), spec.wire_outlets);
        let titles: HashSet<&str> = c
            .wire
            .copies
            .iter()
            .map(|x| by_id[x.as_str()].title.as_str())
            .collect();
        assert_eq!(titles.len(), spec.wire_outlets);
        let n = spec.wire_outlets;
        let wire = c
            .passages
            .iter()
            .filter(|p| p.kind == ReuseKind::Wire)
            .count();
        assert_eq!(wire, n + n * (n - 1) / 2);
    }

    #[test]
    fn files_are_written() {
        let dir = tempfile::tempdir().unwrap();
        let spec = small(Script::Cyrillic, 12);
        let stats = write_news_corpus(&spec, dir.path()).unwrap();
        assert_eq!(stats.docs, 600);
        assert_eq!(stats.wire_copies, 10);
        assert_eq!(stats.truth_lines, 150 + 10 + 45);
        let corpus = std::fs::read(dir.path().join("corpus.jsonl")).unwrap();
        assert_eq!(corpus, news_corpus_jsonl(&news_corpus(&spec)));
        assert_eq!(stats.corpus_bytes, corpus.len() as u64);
        for name in ["passages", "wire", "stock", "boilerplate"] {
            let text = std::fs::read_to_string(dir.path().join(format!("{name}.jsonl"))).unwrap();
            for line in text.lines() {
                let _: serde_json::Value = serde_json::from_str(line).unwrap();
            }
        }
        let bad = NewsSpec {
            outlets: 3,
            ..spec.clone()
        };
        assert!(write_news_corpus(&bad, dir.path()).is_err());
    }
}
