//! SVG charts drawn with `plotters`: the trajectory (business as usual, the plan, target
//! lines, stacked intervention wedges, actuals as points) and the marginal abatement cost
//! curve. Figures are summed as exact decimals and become `f64` only as pixel coordinates.
#![allow(clippy::float_arithmetic)] // pixel coordinates only; every figure is summed exactly first

use super::macc::MaccTable;
use super::render::{tonnes, Report};
use crate::{Error, Result};
use plotters::prelude::*;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;

/// Chart size in pixels.
pub const SIZE: (u32, u32) = (1200, 800);

const FONT: &str = "sans-serif";

/// Distinct colours for wedges and bars (Okabe-Ito and Tableau hues, readable on white).
const PALETTE: [RGBColor; 10] = [
    RGBColor(0, 114, 178),
    RGBColor(230, 159, 0),
    RGBColor(0, 158, 115),
    RGBColor(204, 121, 167),
    RGBColor(86, 180, 233),
    RGBColor(213, 94, 0),
    RGBColor(240, 228, 66),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
    RGBColor(127, 127, 127),
];

/// Target line colours.
const TARGET_COLOURS: [RGBColor; 6] = [
    RGBColor(200, 0, 0),
    RGBColor(120, 0, 160),
    RGBColor(0, 120, 60),
    RGBColor(160, 110, 0),
    RGBColor(0, 90, 200),
    RGBColor(90, 90, 90),
];

/// How a legend entry is drawn.
enum Key {
    /// A filled swatch (wedges, bars).
    Area(RGBAColor),
    /// A line of a width, dashed or not.
    Line(RGBColor, u32, bool),
    /// A point.
    Point(RGBColor),
}

/// Width of the legend panel to the right of the plot, pixels.
const LEGEND_WIDTH: u32 = 330;

/// Draws the legend in its own panel, so it never covers a line or a wedge.
fn legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, plotters::coord::Shift>,
    entries: &[(String, Key)],
) -> Result<()> {
    let top = 70;
    let row = 26;
    for (i, (label, key)) in entries.iter().enumerate() {
        let y = top + row * i as i32;
        match key {
            Key::Area(c) => area
                .draw(&Rectangle::new([(10, y - 8), (40, y + 8)], c.filled()))
                .map_err(err)?,
            Key::Line(c, w, false) => area
                .draw(&PathElement::new(
                    vec![(10, y), (40, y)],
                    c.stroke_width(*w),
                ))
                .map_err(err)?,
            Key::Line(c, w, true) => {
                for x in [10, 22, 34] {
                    area.draw(&PathElement::new(
                        vec![(x, y), (x + 7, y)],
                        c.stroke_width(*w),
                    ))
                    .map_err(err)?;
                }
            }
            Key::Point(c) => area
                .draw(&Circle::new((25, y), 6, c.filled()))
                .map_err(err)?,
        }
        area.draw(&Text::new(
            label.clone(),
            (50, y - 9),
            (FONT, 16).into_font().color(&BLACK),
        ))
        .map_err(err)?;
    }
    Ok(())
}

/// `12345.6` as `12,346`: axis labels for people.
fn grouped(v: f64) -> String {
    let s = format!("{:.0}", v.abs());
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if v.round() < 0.0 {
        out.insert(0, '-');
    }
    out
}

fn err<E: std::fmt::Debug>(e: E) -> Error {
    Error::usage(format!("drawing a chart: {e:?}"))
}

fn t(kg: Decimal) -> f64 {
    tonnes(kg).to_f64().unwrap_or(0.0)
}

/// The trajectory chart as SVG text.
pub fn trajectory_svg(r: &Report) -> Result<String> {
    let p = &r.projection;
    let rows = p.reported();
    let x0 = f64::from(p.base_year);
    let x1 = f64::from(p.to.max(p.base_year + 1));
    let mut top = Decimal::ZERO;
    for row in rows {
        top = top.max(row.bau_kg).max(row.with_plan_kg);
        for v in &row.targets {
            top = top.max(*v);
        }
    }
    for a in &r.actuals {
        top = top.max(a.kg);
    }
    let y1 = (t(top) * 1.08).max(1.0);
    let plan_colour = RGBColor(0, 70, 140);
    let actual_colour = RGBColor(200, 0, 0);
    let mut keys: Vec<(String, Key)> = Vec::new();
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, SIZE).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        let (plot, side) = root.split_horizontally(SIZE.0 - LEGEND_WIDTH);
        let title = format!(
            "Emissions trajectory{}",
            if r.plan.is_empty() {
                String::new()
            } else {
                format!(": {}", r.plan)
            }
        );
        let mut chart = ChartBuilder::on(&plot)
            .caption(title, (FONT, 24))
            .margin(20)
            .x_label_area_size(60)
            .y_label_area_size(100)
            .build_cartesian_2d(x0..x1, 0f64..y1)
            .map_err(err)?;
        let style = r.style;
        chart
            .configure_mesh()
            .x_desc("Year")
            .y_desc("Emissions, tCO2e a year")
            .axis_desc_style((FONT, 20))
            .label_style((FONT, 16))
            .x_labels(10)
            .y_labels(10)
            .x_label_formatter(&|x| style.label(x.round() as u16))
            .y_label_formatter(&|y| grouped(*y))
            .light_line_style(WHITE.mix(0.0))
            .draw()
            .map_err(err)?;
        // Wedges: stacked from the plan line up to business as usual, in plan order.
        for (n, name) in p.interventions.iter().enumerate() {
            let colour = PALETTE[n % PALETTE.len()].mix(0.55);
            let mut lower = Vec::new();
            let mut upper = Vec::new();
            for row in rows {
                let below: Decimal = row.with_plan_kg + row.wedges[..n].iter().sum::<Decimal>();
                let x = f64::from(row.year);
                lower.push((x, t(below)));
                upper.push((x, t(below + row.wedges[n])));
            }
            let mut pts = lower;
            pts.extend(upper.into_iter().rev());
            chart
                .draw_series(std::iter::once(Polygon::new(pts, colour.filled())))
                .map_err(err)?;
            keys.push((format!("wedge: {name}"), Key::Area(colour)));
        }
        let line = |row: &super::project::YearRow, v: Decimal| (f64::from(row.year), t(v));
        chart
            .draw_series(LineSeries::new(
                rows.iter().map(|row| line(row, row.bau_kg)),
                BLACK.stroke_width(3),
            ))
            .map_err(err)?;
        keys.push(("business as usual".into(), Key::Line(BLACK, 3, false)));
        chart
            .draw_series(LineSeries::new(
                rows.iter().map(|row| line(row, row.with_plan_kg)),
                plan_colour.stroke_width(4),
            ))
            .map_err(err)?;
        keys.push(("with plan".into(), Key::Line(plan_colour, 4, false)));
        for (i, target) in p.targets.iter().enumerate() {
            let colour = TARGET_COLOURS[i % TARGET_COLOURS.len()];
            chart
                .draw_series(DashedLineSeries::new(
                    rows.iter().map(|row| line(row, row.targets[i])),
                    10,
                    6,
                    colour.stroke_width(2),
                ))
                .map_err(err)?;
            let label = if target.covers.len() < p.slices.len() {
                // Its line is the level over its slices only, not over the plan's total.
                format!(
                    "target: {} ({} of {} slices)",
                    target.name,
                    target.covers.len(),
                    p.slices.len()
                )
            } else {
                format!("target: {}", target.name)
            };
            keys.push((label, Key::Line(colour, 2, true)));
        }
        let shown = |a: &&super::render::Actual| a.year >= p.base_year && a.year <= p.to;
        if r.actuals.iter().any(|a| shown(&a)) {
            chart
                .draw_series(
                    r.actuals.iter().filter(shown).map(|a| {
                        Circle::new((f64::from(a.year), t(a.kg)), 7, actual_colour.filled())
                    }),
                )
                .map_err(err)?;
            keys.push(("actual (inventory runs)".into(), Key::Point(actual_colour)));
        }
        legend(&side, &keys)?;
        root.present().map_err(err)?;
    }
    Ok(svg)
}

/// The marginal abatement cost curve as SVG text: one bar per intervention, cheapest first,
/// width = lifetime tCO2e abated, height = GBP per tCO2e; a line at each bar's carbon value.
pub fn macc_svg(m: &MaccTable, plan: &str) -> Result<String> {
    let bars: Vec<(&str, f64, f64, Option<f64>)> = m
        .rows
        .iter()
        .filter_map(|r| {
            let c = r.gbp_per_tco2e?;
            Some((
                r.name.as_str(),
                r.tonnes.to_f64()?,
                c.to_f64()?,
                r.carbon_value.and_then(|v| v.to_f64()),
            ))
        })
        .collect();
    if bars.is_empty() {
        return empty_macc(plan);
    }
    let width: f64 = bars.iter().map(|b| b.1).sum::<f64>().max(1.0);
    let lo = bars.iter().map(|b| b.2).fold(0f64, f64::min);
    let hi = bars
        .iter()
        .map(|b| b.2.max(b.3.unwrap_or(0.0)))
        .fold(0f64, f64::max)
        .max(1.0);
    let pad = (hi - lo) * 0.08;
    let value_colour = RGBColor(200, 0, 0);
    let mut keys: Vec<(String, Key)> = Vec::new();
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, SIZE).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        let (plot, side) = root.split_horizontally(SIZE.0 - LEGEND_WIDTH);
        let title = format!(
            "Marginal abatement cost{}",
            if plan.is_empty() {
                String::new()
            } else {
                format!(": {plan}")
            }
        );
        let mut chart = ChartBuilder::on(&plot)
            .caption(title, (FONT, 24))
            .margin(20)
            .x_label_area_size(60)
            .y_label_area_size(100)
            .build_cartesian_2d(
                0f64..width * 1.02,
                (lo - if lo < 0.0 { pad } else { 0.0 })..hi + pad,
            )
            .map_err(err)?;
        chart
            .configure_mesh()
            .x_desc("Lifetime abatement, tCO2e (bar width)")
            .y_desc(format!("GBP per tCO2e, {} prices", m.price_year))
            .axis_desc_style((FONT, 20))
            .label_style((FONT, 16))
            .y_label_formatter(&|y| grouped(*y))
            .x_label_formatter(&|x| grouped(*x))
            .light_line_style(WHITE.mix(0.0))
            .draw()
            .map_err(err)?;
        let mut x = 0f64;
        for (i, (name, w, cost, _)) in bars.iter().enumerate() {
            let colour = PALETTE[i % PALETTE.len()].mix(0.8);
            let (x0, x1) = (x, x + w);
            chart
                .draw_series([
                    Rectangle::new([(x0, 0.0), (x1, *cost)], colour.filled()),
                    Rectangle::new([(x0, 0.0), (x1, *cost)], BLACK.stroke_width(1)),
                ])
                .map_err(err)?;
            keys.push((
                format!("{name}: {} GBP/t", grouped(*cost)),
                Key::Area(colour),
            ));
            x = x1;
        }
        let mut steps = Vec::new();
        let mut x = 0f64;
        for (_, w, _, v) in &bars {
            if let Some(v) = v {
                steps.push((x, *v));
                steps.push((x + w, *v));
            }
            x += w;
        }
        chart
            .draw_series(LineSeries::new(
                vec![(0.0, 0.0), (width * 1.02, 0.0)],
                BLACK.stroke_width(1),
            ))
            .map_err(err)?;
        if !steps.is_empty() {
            chart
                .draw_series(LineSeries::new(steps, value_colour.stroke_width(3)))
                .map_err(err)?;
            keys.push((
                "carbon value, central (DESNZ)".into(),
                Key::Line(value_colour, 3, false),
            ));
        }
        legend(&side, &keys)?;
        root.present().map_err(err)?;
    }
    Ok(svg)
}

/// A MACC with no bars: says why instead of drawing empty axes.
fn empty_macc(plan: &str) -> Result<String> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, SIZE).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        let title = format!(
            "Marginal abatement cost{}",
            if plan.is_empty() {
                String::new()
            } else {
                format!(": {plan}")
            }
        );
        let centre = |text: String, y: i32, size: u32| {
            Text::new(
                text,
                (i32::try_from(SIZE.0 / 2).unwrap_or(600), y),
                (FONT, size)
                    .into_font()
                    .color(&BLACK)
                    .pos(plotters::style::text_anchor::Pos::new(
                        plotters::style::text_anchor::HPos::Center,
                        plotters::style::text_anchor::VPos::Center,
                    )),
            )
        };
        root.draw(&centre(title, 40, 24)).map_err(err)?;
        root.draw(&centre(
            "No intervention in the plan states its costs and lifetime_years: no cost per tonne to draw.".into(),
            400,
            18,
        ))
        .map_err(err)?;
        root.present().map_err(err)?;
    }
    Ok(svg)
}
