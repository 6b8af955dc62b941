//! Dates, outlets' boilerplate lines (headers and footers, in the script of
//! the text) and how they are joined to a body.

use std::fmt::Write;

use super::Script;
use super::rng::Rng;
use super::text::title;
use super::vocab::{OUTLETS, push_capitalized, vocab};

/// `YYYY-MM-DD` for day `d` (0–59) of the window starting 2024-03-01.
pub(crate) fn date(d: u32) -> String {
    if d < 31 {
        format!("2024-03-{:02}", d + 1)
    } else {
        format!("2024-04-{:02}", d - 30)
    }
}

/// A boilerplate line: a header (before the body) or a footer (after it).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Boiler {
    /// Kind (index into the script's templates).
    pub(crate) kind: usize,
    /// The line.
    pub(crate) text: String,
    /// Run into the first (last) paragraph instead of standing alone.
    pub(crate) inline: bool,
}

type Templates = &'static [(&'static str, bool)];

fn templates(script: Script, footer: bool) -> Templates {
    match (script, footer) {
        (Script::Latin, false) => &[
            ("By {N}", false),
            ("{C}, {M} {d} ({A}) -", true),
            ("({A}) -", true),
            ("{O} | {D}", false),
            ("Updated {D} {h}:{mm} GMT", false),
            ("BREAKING NEWS", false),
        ],
        (Script::Latin, true) => &[
            ("Share this article", false),
            ("Related articles: {T}", false),
            ("(Reporting by {N}; Editing by {N})", false),
            ("© {Y} {O}. All rights reserved.", false),
            ("Follow {O} on social media for the latest updates.", false),
            ("Read more: {T}", false),
        ],
        (Script::Cyrillic, false) => &[
            ("Автор: {N}", false),
            ("{C}, {d} {M} — {A}.", true),
            ("({A}) —", true),
            ("{O} | {D}", false),
            ("Обновлено {D} в {h}:{mm}", false),
            ("СРОЧНО", false),
        ],
        (Script::Cyrillic, true) => &[
            ("Поделиться", false),
            ("Читайте также: {T}", false),
            ("© {Y} {O}. Все права защищены.", false),
            (
                "Подписывайтесь на наш канал, чтобы следить за новостями.",
                false,
            ),
            ("Источник: {A}", false),
        ],
        (Script::Arabic, false) => &[
            ("كتب: {N}", false),
            ("{C} - {A}:", true),
            ("({A}) -", true),
            ("{O} | {D}", false),
            ("آخر تحديث: {D} الساعة {h}:{mm}", false),
            ("عاجل", false),
        ],
        (Script::Arabic, true) => &[
            ("«/انتهى/»", true),
            ("شارك هذا المقال", false),
            ("اقرأ أيضا: {T}", false),
            ("جميع الحقوق محفوظة © {Y}", false),
            ("تابعونا على وسائل التواصل الاجتماعي", false),
            ("المصدر: {A}", false),
        ],
        (Script::Cjk, false) => &[
            ("{A}{C}{m}月{d}日电", true),
            ("（记者 {N}）", false),
            ("来源：{A}", false),
            ("{O} | {D}", false),
            ("更新时间：{D} {h}:{mm}", false),
        ],
        (Script::Cjk, true) => &[
            ("分享本文", false),
            ("相关文章：{T}", false),
            ("责任编辑：{N}", false),
            ("版权所有 © {Y} {O}", false),
            ("关注我们，获取最新资讯。", false),
        ],
    }
}

fn agencies(script: Script) -> &'static [&'static str] {
    match script {
        Script::Latin => &["Reuters", "AFP", "AP", "Xinhua", "Anadolu"],
        Script::Cyrillic => &["ТАСС", "РИА Новости", "Интерфакс"],
        Script::Arabic => &["رويترز", "أ ف ب", "وكالات", "شينخوا", "الأناضول"],
        Script::Cjk => &["新华社", "中新社", "路透社", "法新社"],
    }
}

fn cities(script: Script) -> &'static [&'static str] {
    match script {
        Script::Latin => &[
            "LONDON",
            "WASHINGTON",
            "CAIRO",
            "BEIRUT",
            "MOSCOW",
            "BEIJING",
            "PARIS",
        ],
        Script::Cyrillic => &["МОСКВА", "САНКТ-ПЕТЕРБУРГ", "МИНСК", "АСТАНА", "КАЗАНЬ"],
        Script::Arabic => &[
            "القاهرة",
            "بيروت",
            "دبي",
            "الرياض",
            "عمان",
            "الرباط",
            "بغداد",
            "الدوحة",
        ],
        Script::Cjk => &["北京", "上海", "莫斯科", "开罗", "华盛顿", "广州"],
    }
}

/// Number of header (`footer = false`) or footer templates of a script.
pub(crate) fn boiler_kinds(script: Script, footer: bool) -> usize {
    templates(script, footer).len()
}

/// A header or footer line of template `kind` for an outlet and a day.
pub(crate) fn boiler(
    script: Script,
    footer: bool,
    kind: usize,
    outlet: usize,
    day: u32,
    rng: &mut Rng,
) -> Boiler {
    let (tpl, inline) = templates(script, footer)[kind];
    let v = vocab(script);
    let mut text = String::with_capacity(tpl.len() + 32);
    let mut rest = tpl;
    while let Some(open) = rest.find('{') {
        text.push_str(&rest[..open]);
        let close = open + rest[open..].find('}').expect("template key closes");
        match &rest[open + 1..close] {
            "N" => {
                for i in 0..2 {
                    if i > 0 && script != Script::Cjk {
                        text.push(' ');
                    }
                    let w = v.word(v.rare(rng, 1_000));
                    if script == Script::Cjk {
                        text.extend(w.chars().take(2));
                    } else {
                        push_capitalized(&mut text, w);
                    }
                }
            }
            "C" => text.push_str(rng.pick(cities(script))),
            "A" => text.push_str(rng.pick(agencies(script))),
            "O" => text.push_str(OUTLETS[outlet]),
            "D" => text.push_str(&date(day)),
            "Y" => text.push_str("2024"),
            "M" => text.push_str(match (script, day < 31) {
                (Script::Cyrillic, true) => "марта",
                (Script::Cyrillic, false) => "апреля",
                (_, true) => "March",
                (_, false) => "April",
            }),
            "m" => text.push_str(if day < 31 { "3" } else { "4" }),
            "d" => {
                let _ = write!(text, "{}", if day < 31 { day + 1 } else { day - 30 });
            }
            "h" => {
                let _ = write!(text, "{}", rng.range(6, 23));
            }
            "mm" => {
                let _ = write!(text, "{:02}", rng.below(60));
            }
            "T" => {
                let topic = [v.rare(rng, 300)];
                title(script, &topic, rng, &mut text);
            }
            key => unreachable!("unknown template key {key}"),
        }
        rest = &rest[close + 1..];
    }
    text.push_str(rest);
    Boiler { kind, text, inline }
}

/// Appends header, body and footer as one text.
pub(crate) fn assemble(
    header: Option<&Boiler>,
    body: &str,
    footer: Option<&Boiler>,
    out: &mut String,
) {
    if let Some(h) = header {
        out.push_str(&h.text);
        out.push_str(if h.inline { " " } else { "\n\n" });
    }
    out.push_str(body);
    if let Some(f) = footer {
        out.push_str(if f.inline { " " } else { "\n\n" });
        out.push_str(&f.text);
    }
}
