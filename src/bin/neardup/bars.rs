//! Progress on standard error: indicatif bars, one per stage, when standard
//! error is a terminal (and `--quiet` is not given); with `--progress` and no
//! terminal, plain lines a log can keep — when a stage starts and ends, and
//! every [`LOG_EVERY`] how far it got, with an estimated time left.

use std::io::{IsTerminal, Write};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use neardup::progress::{Progress, Unit};

/// Time between two progress lines of one stage.
const LOG_EVERY: Duration = Duration::from_secs(10);

/// How progress is shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    Off,
    Bars,
    Lines,
}

/// The stage a progress line is about.
struct Logged {
    stage: String,
    total: Option<u64>,
    unit: Unit,
    done: u64,
    started: Instant,
    last: Instant,
}

/// Stage bars, or lines.
pub struct Bars {
    mode: Mode,
    bar: Mutex<Option<ProgressBar>>,
    logged: Mutex<Option<Logged>>,
}

impl Bars {
    /// Bars if `!quiet` and stderr is a terminal; else lines if `progress`.
    pub fn new(quiet: bool, progress: bool) -> Bars {
        let mode = match (quiet, std::io::stderr().is_terminal(), progress) {
            (true, _, _) => Mode::Off,
            (false, true, _) => Mode::Bars,
            (false, false, true) => Mode::Lines,
            (false, false, false) => Mode::Off,
        };
        Bars {
            mode,
            bar: Mutex::new(None),
            logged: Mutex::new(None),
        }
    }
}

/// `n` in the stage's unit.
fn amount(n: u64, unit: Unit) -> String {
    match unit {
        Unit::Bytes => format!("{:.1} MB", n as f64 / 1e6),
        Unit::Items => n.to_string(),
    }
}

/// One progress line of `l`.
fn line(l: &Logged) -> String {
    let elapsed = l.started.elapsed().as_secs_f64();
    match l.total {
        Some(total) if total > 0 => {
            let share = l.done as f64 / total as f64;
            let left = if share > 0.0 {
                format!(", about {:.0} s left", elapsed * (1.0 - share) / share)
            } else {
                String::new()
            };
            format!(
                "neardup: {}: {:.0}% ({} of {}) after {elapsed:.0} s{left}",
                l.stage,
                100.0 * share.min(1.0),
                amount(l.done, l.unit),
                amount(total, l.unit)
            )
        }
        _ => format!("neardup: {}: running for {elapsed:.0} s", l.stage),
    }
}

fn say(text: &str) {
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "{text}");
}

impl Progress for Bars {
    fn begin(&self, stage: &str, total: Option<u64>, unit: Unit) {
        match self.mode {
            Mode::Off => {}
            Mode::Lines => {
                if let Ok(mut slot) = self.logged.lock() {
                    let now = Instant::now();
                    say(&format!(
                        "neardup: {stage}: started{}",
                        total.map_or(String::new(), |t| format!(" ({})", amount(t, unit)))
                    ));
                    *slot = Some(Logged {
                        stage: stage.to_string(),
                        total,
                        unit,
                        done: 0,
                        started: now,
                        last: now,
                    });
                }
            }
            Mode::Bars => self.begin_bar(stage, total, unit),
        }
    }

    fn advance(&self, n: u64) {
        match self.mode {
            Mode::Off => {}
            Mode::Lines => {
                if let Ok(mut slot) = self.logged.lock()
                    && let Some(l) = slot.as_mut()
                {
                    l.done += n;
                    if l.last.elapsed() >= LOG_EVERY {
                        l.last = Instant::now();
                        say(&line(l));
                    }
                }
            }
            Mode::Bars => {
                if let Ok(slot) = self.bar.lock()
                    && let Some(bar) = slot.as_ref()
                {
                    bar.inc(n);
                }
            }
        }
    }

    fn end(&self) {
        match self.mode {
            Mode::Off => {}
            Mode::Lines => {
                if let Ok(mut slot) = self.logged.lock()
                    && let Some(l) = slot.take()
                {
                    say(&format!(
                        "neardup: {}: done in {:.1} s",
                        l.stage,
                        l.started.elapsed().as_secs_f64()
                    ));
                }
            }
            Mode::Bars => {
                if let Ok(mut slot) = self.bar.lock()
                    && let Some(bar) = slot.take()
                {
                    bar.finish_and_clear();
                }
            }
        }
    }
}

impl Bars {
    /// Starts the terminal bar of a stage.
    fn begin_bar(&self, stage: &str, total: Option<u64>, unit: Unit) {
        let bar = match total {
            Some(t) => ProgressBar::with_draw_target(Some(t), ProgressDrawTarget::stderr()),
            None => ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr()),
        };
        let template = match (total.is_some(), unit) {
            (true, Unit::Bytes) => {
                "{prefix:>16} [{bar:30}] {bytes}/{total_bytes} {binary_bytes_per_sec} eta {eta}"
            }
            (true, Unit::Items) => "{prefix:>16} [{bar:30}] {human_pos}/{human_len} eta {eta}",
            (false, _) => "{prefix:>16} {spinner} {elapsed}",
        };
        if let Ok(style) = ProgressStyle::with_template(template) {
            bar.set_style(style.progress_chars("=> "));
        }
        bar.set_prefix(stage.to_string());
        bar.enable_steady_tick(Duration::from_millis(120));
        if let Ok(mut slot) = self.bar.lock()
            && let Some(old) = slot.replace(bar)
        {
            old.finish_and_clear();
        }
    }
}
