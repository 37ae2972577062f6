//! Horizontal bar charts as SVG, drawn with plotters' SVG backend. The same SVG string goes on
//! the web page (inline) and into the PDF (Typst embeds it as an image), so both show the same
//! picture.
//!
//! Small counts of a roll-up are never drawn to scale: a suppressed count has no bar, only the
//! label "<5" where its bar would start.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::report::{Count, hidden};

/// Width of every chart, in SVG pixels; the height grows with the number of bars.
const WIDTH: i32 = 640;
/// Bars of the period reported on.
pub(crate) const BAR_COLOR: RGBColor = RGBColor(0x2B, 0x5C, 0x8A);
/// Bars of the period compared with, thinner and lighter.
pub(crate) const PREVIOUS_COLOR: RGBColor = RGBColor(0xB4, 0xBE, 0xC8);
const GRID_COLOR: RGBColor = RGBColor(0xDD, 0xDD, 0xDD);
const TEXT_COLOR: RGBColor = RGBColor(0x22, 0x22, 0x22);
/// The embedded font of the PDF first; a browser without it falls back to any serif (and a
/// page's CSS may override both).
const FONT: &str = "Libertinus Serif, New Computer Modern, serif";
/// Nominal size of the labels (plotters writes 1/1.24 of it as the SVG font-size).
const LABEL_PX: f64 = 17.0;

/// A horizontal bar chart of `counts` under the heading `title`: one bar per count that is not
/// suppressed (a count of 0 gets a bar of length 0), its value at the bar's end, and, when a
/// count has a previous value, a thinner light bar for the period compared with.
///
/// `suppressed_below`: counts from 1 up to this limit (exclusive) get no bar and the label
/// "<5" (for a limit of 5), so that a roll-up never shows how small a group is.
/// `legend`: the names of the two periods ("Q1 2026", "Q4 2025"), drawn above the bars; `None`
/// draws no legend.
pub fn bar_chart_svg(
    title: &str,
    counts: &[Count],
    suppressed_below: Option<i64>,
    legend: Option<[&str; 2]>,
) -> String {
    chart_svg(Some(title), title, counts, suppressed_below, legend)
}

/// The chart with its caption drawn (`caption`) or left to the page around it (`None`), and
/// `name` for screen readers either way.
pub(crate) fn chart_svg(
    caption: Option<&str>,
    name: &str,
    counts: &[Count],
    suppressed_below: Option<i64>,
    legend: Option<[&str; 2]>,
) -> String {
    let layout = Layout::new(caption, counts, suppressed_below, legend);
    let mut svg = String::new();
    if let Err(e) = layout.draw(&mut svg) {
        // Drawing into a string does not fail; should it ever, an empty picture is honest.
        tracing::error!(error = %e, "chart could not be drawn");
        return format!(r#"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="1"/>"#);
    }
    // Screen readers announce the chart by its title; the numbers are in the table beside it.
    let mut label = String::new();
    escape_into(&mut label, name);
    svg.replacen(
        "<svg ",
        &format!(r#"<svg role="img" aria-label="{label}" "#),
        1,
    )
}

fn escape_into(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
}

/// A rough width of `s` in the serif font at `px` pixels: enough to size the label column.
fn text_width(s: &str, px: f64) -> f64 {
    s.chars().count() as f64 * px * 0.42
}

/// `s` cut (with "…") to fit `width` pixels at `px`.
fn fit(s: &str, width: f64, px: f64) -> String {
    if text_width(s, px) <= width {
        return s.to_string();
    }
    let keep = ((width / (px * 0.42)) as usize).saturating_sub(1);
    let mut out: String = s.chars().take(keep).collect();
    out.truncate(out.trim_end().len());
    out.push('…');
    out
}

/// A step of 1, 2 or 5 × 10ⁿ giving at most five grid lines up to `max`.
fn tick_step(max: i64) -> i64 {
    let mut step = 1;
    loop {
        for m in [1, 2, 5] {
            if max / (step * m) <= 5 {
                return step * m;
            }
        }
        step *= 10;
    }
}

/// A count as drawn: its label and either a length to draw or the "<5" text.
struct Bar {
    label: String,
    value: Result<i64, String>,
    previous: Option<Result<i64, String>>,
}

struct Layout {
    title: Option<String>,
    legend: Option<[String; 2]>,
    bars: Vec<Bar>,
    has_previous: bool,
    /// Pixels from the left edge to where bars start.
    label_w: i32,
    /// Largest value on the scale, a multiple of `step`.
    scale: i64,
    step: i64,
}

const TOP: i32 = 8;
const CAPTION_H: i32 = 30;
const LEGEND_H: i32 = 28;
const AXIS_H: i32 = 30;
const RIGHT: i32 = 44;

impl Layout {
    fn new(
        title: Option<&str>,
        counts: &[Count],
        below: Option<i64>,
        legend: Option<[&str; 2]>,
    ) -> Layout {
        let shown = |v: i64, complement: bool| hidden(v, complement, below).map_or(Ok(v), Err);
        let bars: Vec<Bar> = counts
            .iter()
            .map(|c| Bar {
                label: c.label.clone(),
                value: shown(c.value, c.complement),
                previous: c.previous.map(|p| shown(p, c.previous_complement)),
            })
            .collect();
        let has_previous = bars.iter().any(|b| b.previous.is_some());
        let max = bars
            .iter()
            .flat_map(|b| [Some(&b.value), b.previous.as_ref()])
            .flatten()
            .filter_map(|v| v.as_ref().ok().copied())
            .max()
            .unwrap_or(0)
            .max(1);
        let step = tick_step(max);
        let scale = (max + step - 1) / step * step;
        let widest = bars
            .iter()
            .map(|b| text_width(&b.label, LABEL_PX))
            .fold(0.0, f64::max);
        let label_w = (widest + 16.0).clamp(80.0, f64::from(WIDTH) * 0.42) as i32;
        Layout {
            title: title.filter(|t| !t.is_empty()).map(str::to_string),
            legend: legend.map(|[a, b]| [a.to_string(), b.to_string()]),
            bars,
            has_previous,
            label_w,
            scale,
            step,
        }
    }

    fn row_h(&self) -> i32 {
        if self.has_previous { 34 } else { 28 }
    }

    fn bars_top(&self) -> i32 {
        let caption = if self.title.is_some() { CAPTION_H } else { 0 };
        TOP + caption + if self.legend.is_some() { LEGEND_H } else { 0 }
    }

    fn height(&self) -> i32 {
        self.bars_top() + self.row_h() * self.bars.len().max(1) as i32 + AXIS_H
    }

    /// The x pixel of `v` on the scale.
    fn x(&self, v: i64) -> i32 {
        let span = f64::from(WIDTH - RIGHT - self.label_w);
        self.label_w + (span * v.max(0) as f64 / self.scale as f64).round() as i32
    }

    fn draw(&self, svg: &mut String) -> Result<(), Box<dyn std::error::Error>> {
        let height = self.height();
        let root = SVGBackend::with_string(svg, (WIDTH as u32, height as u32)).into_drawing_area();
        root.fill(&WHITE)?;
        let font = |px: f64| (FONT, px).into_font().color(&TEXT_COLOR);
        let left_mid = Pos::new(HPos::Left, VPos::Center);
        let right_mid = Pos::new(HPos::Right, VPos::Center);

        if let Some(title) = &self.title {
            root.draw(&Text::new(
                title.clone(),
                (4, TOP),
                (FONT, 22.0)
                    .into_font()
                    .style(FontStyle::Bold)
                    .color(&TEXT_COLOR)
                    .pos(Pos::new(HPos::Left, VPos::Top)),
            ))?;
        }

        if let Some([now, before]) = &self.legend {
            let y = self.bars_top() - LEGEND_H + 8;
            let mut x = self.label_w;
            for (name, color, h) in [(now, BAR_COLOR, 12), (before, PREVIOUS_COLOR, 7)] {
                root.draw(&Rectangle::new(
                    [(x, y - h / 2), (x + 18, y + h - h / 2)],
                    color.filled(),
                ))?;
                root.draw(&Text::new(
                    name.clone(),
                    (x + 24, y),
                    font(16.0).pos(left_mid),
                ))?;
                x += 24 + text_width(name, 16.0) as i32 + 28;
            }
        }

        let top = self.bars_top();
        let bottom = top + self.row_h() * self.bars.len().max(1) as i32;
        let mut tick = 0;
        while tick <= self.scale {
            let x = self.x(tick);
            root.draw(&PathElement::new(
                vec![(x, top - 2), (x, bottom + 3)],
                GRID_COLOR.stroke_width(1),
            ))?;
            root.draw(&Text::new(
                tick.to_string(),
                (x, bottom + 6),
                font(15.0).pos(Pos::new(HPos::Center, VPos::Top)),
            ))?;
            tick += self.step;
        }

        let room = f64::from(self.label_w - 10);
        for (i, bar) in self.bars.iter().enumerate() {
            let row = top + self.row_h() * i as i32;
            let mid = row + self.row_h() / 2;
            root.draw(&Text::new(
                fit(&bar.label, room, LABEL_PX),
                (self.label_w - 8, mid),
                font(LABEL_PX).pos(right_mid),
            ))?;
            // The current bar above, the previous period's thinner bar below it.
            let (cur_top, cur_h) = if self.has_previous {
                (row + 5, 15)
            } else {
                (row + 5, self.row_h() - 10)
            };
            let end = match &bar.value {
                Ok(v) => {
                    let x1 = self.x(*v);
                    root.draw(&Rectangle::new(
                        [(self.label_w, cur_top), (x1, cur_top + cur_h)],
                        BAR_COLOR.filled(),
                    ))?;
                    (x1, v.to_string())
                }
                Err(small) => (self.label_w, small.clone()),
            };
            root.draw(&Text::new(
                end.1,
                (end.0 + 5, cur_top + cur_h / 2),
                font(16.0).pos(left_mid),
            ))?;
            if let Some(prev) = &bar.previous {
                let p_top = cur_top + cur_h + 2;
                let (x1, text) = match prev {
                    Ok(v) => {
                        let x1 = self.x(*v);
                        root.draw(&Rectangle::new(
                            [(self.label_w, p_top), (x1, p_top + 7)],
                            PREVIOUS_COLOR.filled(),
                        ))?;
                        (x1, v.to_string())
                    }
                    Err(small) => (self.label_w, small.clone()),
                };
                root.draw(&Text::new(
                    text,
                    (x1 + 5, p_top + 4),
                    (FONT, 13.0)
                        .into_font()
                        .color(&RGBColor(0x66, 0x66, 0x66))
                        .pos(left_mid),
                ))?;
            }
        }
        root.draw(&PathElement::new(
            vec![(self.label_w, top - 2), (self.label_w, bottom + 3)],
            TEXT_COLOR.stroke_width(1),
        ))?;
        root.present()?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_round() {
        assert_eq!(tick_step(1), 1);
        assert_eq!(tick_step(5), 1);
        assert_eq!(tick_step(7), 2);
        assert_eq!(tick_step(23), 5);
        assert_eq!(tick_step(60), 20);
        assert_eq!(tick_step(480), 100);
    }

    #[test]
    fn long_labels_are_cut() {
        assert_eq!(fit("short", 200.0, 14.0), "short");
        let cut = fit(&"ж".repeat(100), 140.0, 14.0);
        assert!(cut.ends_with('…') && cut.chars().count() == 23, "{cut}");
    }
}
