//! Hand-built SVG for the page's simple bar charts (f64 only for pixels; every label is the
//! exact figure rounded for display). Colours are Okabe-Ito (colour-blind safe); increases and
//! decreases differ by pattern too, so the charts survive greyscale printing.

// Pixel coordinates only; every figure is computed exactly before it is drawn, and bar counts
// are far below f64's exact-integer range.
#![allow(clippy::float_arithmetic, clippy::cast_precision_loss)]

use super::esc;
use crate::num::display_grouped;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use std::fmt::Write as _;

/// Okabe-Ito blue, dark enough to read in greyscale.
const BLUE: &str = "#0072B2";
/// Okabe-Ito vermillion.
const VERMILLION: &str = "#D55E00";
/// Totals.
const GREY: &str = "#6b6b6b";

fn px(v: Decimal) -> f64 {
    v.to_f64().unwrap_or(0.0)
}

/// Horizontal bars: each label above its bar, the rounded figure at the bar's end.
pub fn bars(id: &str, title: &str, desc: &str, items: &[(String, Decimal)], dp: u32) -> String {
    // Narrow, so that on a phone the text stays near its set size.
    let width = 420.0;
    let row = 46.0;
    let top = 8.0;
    let height = top + row * items.len() as f64 + 8.0;
    let max = items
        .iter()
        .map(|(_, v)| px(*v).abs())
        .fold(0.0_f64, f64::max);
    let area = 290.0;
    let mut s = String::new();
    let _ = write!(
        s,
        "<svg id=\"{id}\" viewBox=\"0 0 {width} {height}\" role=\"img\" aria-labelledby=\"{id}-t {id}-d\" \
         font-family=\"system-ui, Arial, sans-serif\" font-size=\"15\">\
         <title id=\"{id}-t\">{}</title><desc id=\"{id}-d\">{} {}</desc>",
        esc(title),
        esc(desc),
        esc(&items
            .iter()
            .map(|(l, v)| format!("{l}: {}", display_grouped(*v, dp)))
            .collect::<Vec<_>>()
            .join("; "))
    );
    for (i, (label, v)) in items.iter().enumerate() {
        let y = top + row * i as f64;
        let w = if max > 0.0 {
            (px(*v).abs() / max * area).max(1.0)
        } else {
            1.0
        };
        let _ = write!(
            s,
            "<text x=\"2\" y=\"{:.1}\" fill=\"#1a1a1a\">{}</text>\
             <rect x=\"2\" y=\"{:.1}\" width=\"{w:.1}\" height=\"18\" fill=\"{BLUE}\"><title>{}: {}</title></rect>\
             <text x=\"{:.1}\" y=\"{:.1}\" fill=\"#1a1a1a\">{}</text>",
            y + 15.0,
            esc(label),
            y + 21.0,
            esc(label),
            display_grouped(*v, dp),
            w + 8.0,
            y + 35.0,
            display_grouped(*v, dp)
        );
    }
    s.push_str("</svg>");
    s
}

/// A waterfall: the first and last steps are totals (grey), the ones between move the running
/// figure up (vermillion, solid) or down (blue, hatched).
pub fn waterfall(
    id: &str,
    title: &str,
    desc: &str,
    steps: &[(String, Decimal, bool)],
    dp: u32,
) -> String {
    let width = 480.0;
    let height = 340.0;
    let (plot_top, plot_bottom) = (50.0, 270.0);
    // Running levels, to scale the axis.
    let mut level = 0.0_f64;
    let mut lo = 0.0_f64;
    let mut hi = 0.0_f64;
    let mut spans = Vec::new();
    for (_, v, total) in steps {
        let v = px(*v);
        let (a, b) = if *total {
            level = v;
            (f64::NEG_INFINITY, v)
        } else {
            let a = level;
            level += v;
            (a, level)
        };
        lo = lo.min(b);
        hi = hi.max(a.max(b));
        spans.push((a, b));
    }
    // Totals dwarf a year's changes: the axis starts below the lowest level reached, not at
    // zero (said in the chart's text), so the steps can be seen.
    let levels: Vec<f64> = spans
        .iter()
        .zip(steps)
        .flat_map(|((a, b), (_, _, total))| if *total { vec![*b] } else { vec![*a, *b] })
        .collect();
    let (min, max) = levels
        .iter()
        .fold((f64::MAX, f64::MIN), |(m, x), v| (m.min(*v), x.max(*v)));
    if min.is_finite() && max.is_finite() && min > 0.0 {
        let span = (max - min).max(max.abs() * 0.01);
        lo = (min - span * 0.6).max(0.0);
        hi = max + span * 0.1;
    }
    let range = if hi - lo > 0.0 { hi - lo } else { 1.0 };
    let y = |v: f64| plot_bottom - (v - lo) / range * (plot_bottom - plot_top);
    let slot = (width - 20.0) / steps.len().max(1) as f64;
    let mut s = String::new();
    let _ = write!(
        s,
        "<svg id=\"{id}\" viewBox=\"0 0 {width} {height}\" role=\"img\" aria-labelledby=\"{id}-t {id}-d\" \
         font-family=\"system-ui, Arial, sans-serif\" font-size=\"14\">\
         <title id=\"{id}-t\">{}</title><desc id=\"{id}-d\">{} {}</desc>\
         <defs><pattern id=\"{id}-hatch\" width=\"8\" height=\"8\" patternUnits=\"userSpaceOnUse\" \
         patternTransform=\"rotate(45)\"><rect width=\"8\" height=\"8\" fill=\"#ffffff\"/>\
         <rect width=\"4\" height=\"8\" fill=\"{BLUE}\"/></pattern></defs>\
         <text x=\"10\" y=\"16\" fill=\"#1a1a1a\">tCO2e; the axis starts at {}, not zero</text>\
         <line x1=\"10\" x2=\"{:.1}\" y1=\"{:.1}\" y2=\"{:.1}\" stroke=\"#1a1a1a\"/>",
        esc(title),
        esc(desc),
        esc(&steps
            .iter()
            .map(|(l, v, _)| format!("{l}: {}", display_grouped(*v, dp)))
            .collect::<Vec<_>>()
            .join("; ")),
        display_grouped(Decimal::from_f64_retain(lo).unwrap_or_default().round(), 0),
        width - 10.0,
        y(lo),
        y(lo)
    );
    for (i, ((label, v, total), (a, b))) in steps.iter().zip(&spans).enumerate() {
        let x = 10.0 + slot * i as f64 + slot * 0.15;
        let w = slot * 0.7;
        let (ya, yb) = (y(a.max(lo)), y(*b));
        let (top, h) = (ya.min(yb), (ya - yb).abs().max(1.0));
        let fill = if *total {
            GREY.to_string()
        } else if *v < Decimal::ZERO {
            format!("url(#{id}-hatch)")
        } else {
            VERMILLION.to_string()
        };
        let sign = if !*total && *v > Decimal::ZERO {
            "+"
        } else {
            ""
        };
        let _ = write!(
            s,
            "<rect x=\"{x:.1}\" y=\"{top:.1}\" width=\"{w:.1}\" height=\"{h:.1}\" fill=\"{fill}\" \
             stroke=\"#1a1a1a\" stroke-width=\"0.6\"><title>{}: {sign}{}</title></rect>\
             <text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" fill=\"#1a1a1a\">{sign}{}</text>\
             <text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" fill=\"#1a1a1a\">{}</text>",
            esc(label),
            display_grouped(*v, dp),
            x + w / 2.0,
            (top - 6.0).max(12.0),
            display_grouped(*v, dp),
            x + w / 2.0,
            plot_bottom + 24.0 + if i % 2 == 1 { 18.0 } else { 0.0 },
            esc(label)
        );
    }
    s.push_str("</svg>");
    s
}

/// An SVG document (as plotters writes it) made fit to sit inside HTML: no XML declaration and
/// no namespace attribute (HTML knows `svg`, and the page must name no address).
pub fn inline(svg: &str) -> String {
    let body = match svg.find("<svg") {
        Some(i) => &svg[i..],
        None => svg,
    };
    body.replace(" xmlns=\"http://www.w3.org/2000/svg\"", "")
        .replace(" xmlns:xlink=\"http://www.w3.org/1999/xlink\"", "")
}
