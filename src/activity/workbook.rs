//! Activity workbooks (`.xlsx`, `.xlsm`, `.xls`, `.ods`): one sheet read into records of cell
//! text, so the rest of the reader treats it like a CSV. Cells keep their type: a number is
//! written as the shortest decimal that reads back to the same binary value Excel stores
//! (`format!("{f}")`, round-trip exact, so a typed `1204.5` is `1204.5` and never
//! `1204.49999999`), then parsed exactly as a decimal like any CSV cell; no arithmetic is
//! ever done in binary floating point. Dates become `2024-05-31`. Positions are spreadsheet
//! cells: `book.xlsx#Sheet1!C12`.

use crate::{Error, Position, Result};
use calamine::{Data, Reader};
use std::io::Cursor;
use std::path::{Path, PathBuf};

/// File name endings read as workbooks.
const EXTENSIONS: &[&str] = &[".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"];

/// True when a path names a workbook by its extension.
pub fn is_workbook(path: &Path) -> bool {
    let lower = path.to_string_lossy().to_ascii_lowercase();
    EXTENSIONS.iter().any(|e| lower.ends_with(e))
}

/// `book.xlsx#Sheet name` to the file and the sheet; a path that exists as given, or whose
/// part before `#` is no workbook, is a file name.
pub fn split_sheet(path: &Path) -> (PathBuf, Option<String>) {
    let text = path.to_string_lossy();
    if let Some((file, sheet)) = text.rsplit_once('#') {
        if !path.exists() && is_workbook(Path::new(file)) && !sheet.is_empty() {
            return (PathBuf::from(file), Some(sheet.to_string()));
        }
    }
    (path.to_path_buf(), None)
}

/// True when a file name as shown in messages is a sheet of a workbook (`book.xlsx#Sheet1`).
pub fn is_sheet_name(file: &str) -> bool {
    file.rsplit_once('#')
        .is_some_and(|(f, _)| is_workbook(Path::new(f)))
}

/// A column number from 1 as spreadsheets letter it: 1 is A, 27 is AA.
pub fn column_letters(mut col: u64) -> String {
    let mut out = Vec::new();
    while col > 0 {
        let r = (col - 1) % 26;
        out.push(b'A' + r as u8);
        col = (col - 1) / 26;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

/// `file:line:col` for a text file, `book.xlsx#Sheet!C12` for a sheet.
pub fn location(file: &str, line: u64, column: u64) -> String {
    if is_sheet_name(file) && line > 0 {
        return if column > 0 {
            format!("{file}!{}{line}", column_letters(column))
        } else {
            format!("{file}!{line}:{line}")
        };
    }
    let mut s = file.to_string();
    if line > 0 {
        s.push_str(&format!(":{line}"));
        if column > 0 {
            s.push_str(&format!(":{column}"));
        }
    }
    s
}

/// One sheet read: its name and its rows as records (field i is column i + 1, row n is line n).
pub struct Sheet {
    /// The sheet's name.
    pub name: String,
    /// Its rows, each with its spreadsheet row number as the line.
    pub records: Vec<csv::ByteRecord>,
}

/// Reads one sheet of a workbook given as bytes: `sheet`, or the first.
pub fn read_sheet(file: &str, bytes: &[u8], sheet: Option<&str>) -> Result<Sheet> {
    let here = Position::new(file, 0, 0);
    let mut wb = calamine::open_workbook_auto_from_rs(Cursor::new(bytes)).map_err(|e| {
        // A zip that calamine cannot open is most often a workbook cut short (a copy or a
        // download that stopped) or a zip that holds no spreadsheet: say so, not "format".
        let message = if bytes.starts_with(b"PK\x03\x04") {
            format!(
                "it is a zip archive but not a readable workbook ({e}): damaged, cut short, or \
                 not a spreadsheet; open it in your spreadsheet and save it again as .xlsx, or \
                 as CSV (UTF-8)"
            )
        } else if !bytes.contains(&0) && std::str::from_utf8(bytes).is_ok() {
            // A CSV saved with a workbook's name: the fix is the name, not the contents.
            format!(
                "cannot read it as a workbook ({e}): it is text, not a spreadsheet; if it is \
                 CSV, give it a .csv name"
            )
        } else {
            format!(
                "cannot read it as a workbook ({e}); save it from your spreadsheet as .xlsx or \
                 as CSV (UTF-8)"
            )
        };
        Error::malformed(here.clone(), message)
    })?;
    let names = wb.sheet_names();
    let name = match sheet {
        Some(s) => names.iter().find(|n| *n == s).cloned().ok_or_else(|| {
            Error::malformed(
                here.clone(),
                format!(
                    "no sheet named {s:?}; the workbook has: {} (name one as FILE#Sheet name)",
                    names.join(", ")
                ),
            )
        })?,
        None => names
            .first()
            .cloned()
            .ok_or_else(|| Error::malformed(here.clone(), "the workbook has no sheets"))?,
    };
    let range = wb
        .worksheet_range(&name)
        .map_err(|e| Error::malformed(here.clone(), format!("sheet {name:?}: {e}")))?;
    let (row0, col0) = range.start().unwrap_or((0, 0));
    let mut records = Vec::with_capacity(range.height());
    for (i, row) in range.rows().enumerate() {
        let mut rec = csv::ByteRecord::new();
        for _ in 0..col0 {
            rec.push_field(b"");
        }
        for cell in row {
            rec.push_field(cell_text(cell).as_bytes());
        }
        let mut pos = csv::Position::new();
        pos.set_line(u64::from(row0) + i as u64 + 1);
        pos.set_record(i as u64);
        rec.set_position(Some(pos));
        records.push(rec);
    }
    Ok(Sheet { name, records })
}

/// A cell as text: numbers in their shortest round-trip decimal, dates as `YYYY-MM-DD`
/// (with the time when there is one), errors as Excel shows them.
pub fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        // Rust prints an f64 as the shortest decimal that reads back to the same bits and
        // never in exponent form, so the text is exactly the number the cell holds.
        Data::Float(f) if f.is_finite() => format!("{f}"),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
        Data::DateTime(d) if d.is_datetime() => {
            let (y, m, day, h, min, s, _) = d.to_ymd_hms_milli();
            if (h, min, s) == (0, 0, 0) {
                format!("{y:04}-{m:02}-{day:02}")
            } else {
                format!("{y:04}-{m:02}-{day:02}T{h:02}:{min:02}:{s:02}")
            }
        }
        Data::DateTime(d) => format!("{}", d.as_f64()),
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Error(e) => e.to_string(),
    }
}

/// What a file that is neither text nor a workbook looks like, from its first bytes.
pub fn looks_like(head: &[u8]) -> Option<&'static str> {
    if head.starts_with(b"%PDF") {
        Some("a PDF document")
    } else if head.starts_with(b"PK\x03\x04") {
        Some("a zip archive")
    } else if head.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        Some("an old-style Office file (.xls or .doc)")
    } else if head.starts_with(&[0x1F, 0x8B]) {
        Some("a gzip-compressed file")
    } else if head.starts_with(b"\x89PNG") || head.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("an image")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_as_text() {
        assert_eq!(cell_text(&Data::Float(1204.5)), "1204.5");
        assert_eq!(cell_text(&Data::Float(0.1)), "0.1");
        assert_eq!(cell_text(&Data::Float(1e21)), "1000000000000000000000");
        assert_eq!(cell_text(&Data::Float(12.0)), "12");
        assert_eq!(cell_text(&Data::Int(7)), "7");
        assert_eq!(
            cell_text(&Data::Error(calamine::CellErrorType::Div0)),
            "#DIV/0!"
        );
        assert_eq!(column_letters(3), "C");
        assert_eq!(column_letters(27), "AA");
        assert_eq!(location("b.xlsx#Sheet1", 12, 3), "b.xlsx#Sheet1!C12");
        assert_eq!(location("b.csv", 12, 3), "b.csv:12:3");
        assert_eq!(
            split_sheet(Path::new("no/such.xlsx#Gas use")),
            (PathBuf::from("no/such.xlsx"), Some("Gas use".to_string()))
        );
        assert_eq!(split_sheet(Path::new("a.csv#x")).1, None);
    }
}
