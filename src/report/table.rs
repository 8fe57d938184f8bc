//! Text tables for people: the one column aligner every text output uses (inventory,
//! explain, compare, `factors list`, NHS, procurement and trajectory tables).
//!
//! Columns are two spaces apart, each as wide as its widest cell in characters; trailing
//! spaces are trimmed from every line. Figures come in already formatted (rounded with
//! thousands separators by [`crate::num::display_grouped`]); the table only places them.

use std::fmt::Write as _;

/// How a column's cells line up.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Align {
    /// Text: padded on the right.
    Left,
    /// Figures: padded on the left.
    Right,
}

/// A table of text cells, rendered with [`Table::render`].
#[derive(Clone, Debug, Default)]
pub struct Table {
    align: Vec<Align>,
    indent: String,
    rows: Vec<Vec<String>>,
}

impl Table {
    /// An empty table whose columns align as `align` says (columns past its end: right).
    pub fn new(align: impl Into<Vec<Align>>) -> Table {
        Table {
            align: align.into(),
            ..Table::default()
        }
    }

    /// The first column left-aligned, every other right-aligned: a label and its figures.
    pub fn figures(columns: usize) -> Table {
        let mut align = vec![Align::Right; columns.max(1)];
        align[0] = Align::Left;
        Table::new(align)
    }

    /// Text put before every line (`"  "` to indent the table).
    pub fn indent(mut self, indent: &str) -> Table {
        self.indent = indent.to_string();
        self
    }

    /// Adds a row (the header is the first row added).
    pub fn row<S: Into<String>>(&mut self, cells: impl IntoIterator<Item = S>) {
        self.rows.push(cells.into_iter().map(Into::into).collect());
    }

    /// Builder form of [`Table::row`].
    pub fn with_row<S: Into<String>>(mut self, cells: impl IntoIterator<Item = S>) -> Table {
        self.row(cells);
        self
    }

    /// The rows as lines, each ending in a newline.
    pub fn render(&self) -> String {
        let mut widths: Vec<usize> = Vec::new();
        for r in &self.rows {
            if widths.len() < r.len() {
                widths.resize(r.len(), 0);
            }
            for (w, c) in widths.iter_mut().zip(r) {
                *w = (*w).max(c.chars().count());
            }
        }
        let mut out = String::new();
        for r in &self.rows {
            let mut line = self.indent.clone();
            for (i, c) in r.iter().enumerate() {
                if i > 0 {
                    line.push_str("  ");
                }
                let w = widths[i];
                match self.align.get(i).copied().unwrap_or(Align::Right) {
                    Align::Left => {
                        let _ = write!(line, "{c:<w$}");
                    }
                    Align::Right => {
                        let _ = write!(line, "{c:>w$}");
                    }
                }
            }
            out.push_str(line.trim_end());
            out.push('\n');
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::num::{display_grouped, parse_decimal};

    #[test]
    fn labels_left_figures_right_no_trailing_spaces() {
        let mut t = Table::figures(3);
        t.row(["site", "tCO2e", "note"]);
        t.row([
            "Main hospital".to_string(),
            display_grouped(parse_decimal("1234567.891").unwrap(), 2),
            String::new(),
        ]);
        t.row(["Clinic", "0.50", "x"]);
        assert_eq!(
            t.render(),
            "site                  tCO2e  note\n\
             Main hospital  1,234,567.89\n\
             Clinic                 0.50     x\n"
        );
    }

    #[test]
    fn width_counts_characters_and_indent_prefixes_every_line() {
        let t = Table::new([Align::Left, Align::Left])
            .indent("  ")
            .with_row(["CO₂", "a"])
            .with_row(["ab", "b"]);
        assert_eq!(t.render(), "  CO₂  a\n  ab   b\n");
    }
}
