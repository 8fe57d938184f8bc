//! The files under `factors/` that are not factor sets: the alias list (`aliases.toml`) and the
//! tables (`tables/*.toml`: deflators, GWP, NHS categories, grid projection, carbon values).
//! `ghg factors validate` checks each with the loader the engine itself reads it with, so a
//! table is held to what the engine needs of it rather than to the factor-set schema.

use super::load::Problem;
use crate::{Error, Position, Result};
use std::path::Path;

/// What kind of table a non-set file under `factors/` is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TableKind {
    /// `aliases.toml`: friendly activity names to factor keys.
    Aliases,
    /// `deflators.toml`: price indices.
    Deflators,
    /// `gwp.toml`: GWP100 of gases by IPCC basis.
    Gwp,
    /// `nhs_categories.toml`: NHS category rules.
    NhsCategories,
    /// `grid-projection.toml`: projected grid electricity factors.
    GridProjection,
    /// `carbon-values.toml`: appraisal carbon values.
    CarbonValues,
}

/// Every table kind with its file name, in the order messages list them.
const KINDS: [(TableKind, &str); 6] = [
    (TableKind::Aliases, "aliases.toml"),
    (TableKind::Deflators, "deflators.toml"),
    (TableKind::Gwp, "gwp.toml"),
    (TableKind::NhsCategories, "nhs_categories.toml"),
    (TableKind::GridProjection, "grid-projection.toml"),
    (TableKind::CarbonValues, "carbon-values.toml"),
];

impl TableKind {
    /// A short name for reports (`aliases`, `deflators`, ...).
    pub fn name(self) -> &'static str {
        match self {
            TableKind::Aliases => "aliases",
            TableKind::Deflators => "deflators",
            TableKind::Gwp => "gwp",
            TableKind::NhsCategories => "nhs categories",
            TableKind::GridProjection => "grid projection",
            TableKind::CarbonValues => "carbon values",
        }
    }
}

/// What a `.toml` file under a factors directory is, judged by its name and folder.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileKind {
    /// A factor set.
    Set,
    /// A known table.
    Table(TableKind),
    /// A file in a `tables/` folder that is no table the engine reads.
    UnknownTable,
}

/// Classifies `path`: a known table by file name, anything else in a `tables` folder as an
/// unknown table, the rest as factor sets.
pub fn kind_of(path: &Path) -> FileKind {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    let in_tables = path
        .parent()
        .and_then(|p| p.file_name())
        .is_some_and(|n| n == "tables");
    match KINDS.iter().find(|(_, f)| *f == name) {
        // aliases.toml lives at the top of factors/, the others in tables/.
        Some((k, _)) if in_tables || *k == TableKind::Aliases => FileKind::Table(*k),
        _ if in_tables => FileKind::UnknownTable,
        _ => FileKind::Set,
    }
}

/// Reads `text` as a table of `kind`, naming `file` in problems; on success, how many entries
/// it holds (names, series, gases, rules or years).
pub fn check_table(kind: TableKind, file: &str, text: &str) -> std::result::Result<usize, Problem> {
    count(kind, file, text).map_err(|e| problem_of(file, &e))
}

fn count(kind: TableKind, file: &str, text: &str) -> Result<usize> {
    Ok(match kind {
        TableKind::Aliases => super::tables::parse_aliases(file, text)?.aliases.len(),
        TableKind::Deflators => super::tables::parse_deflators(file, text)?.series.len(),
        TableKind::Gwp => super::gwp::parse_gwp(file, text)?.gases.len(),
        TableKind::NhsCategories => crate::nhs::mapping::NhsMapping::parse(file, text)?
            .rules
            .len(),
        TableKind::GridProjection => crate::trajectory::tables::parse_grid(file, text)?
            .values
            .len(),
        TableKind::CarbonValues => crate::trajectory::tables::parse_carbon_values(file, text)?
            .values
            .len(),
    })
}

/// The problem for a file in `tables/` that no loader reads.
pub fn unknown_table(file: &str) -> Problem {
    Problem {
        pos: Position::new(file, 0, 0),
        message: format!(
            "not a table ghg reads; the tables are {}; move a factor set out of tables/",
            KINDS.iter().map(|(_, f)| *f).collect::<Vec<_>>().join(", ")
        ),
    }
}

/// A loader's error as a problem at its position (line 0 when it has none).
fn problem_of(file: &str, e: &Error) -> Problem {
    let pos = e
        .position()
        .cloned()
        .unwrap_or_else(|| Position::new(file, 0, 0));
    let text = e.to_string();
    let message = text
        .strip_prefix(&format!("{pos}: "))
        .unwrap_or(&text)
        .to_string();
    Problem { pos, message }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_are_classified_by_name_and_folder() {
        assert_eq!(
            kind_of(Path::new("factors/aliases.toml")),
            FileKind::Table(TableKind::Aliases)
        );
        assert_eq!(
            kind_of(Path::new("factors/tables/gwp.toml")),
            FileKind::Table(TableKind::Gwp)
        );
        assert_eq!(
            kind_of(Path::new("factors/tables/other.toml")),
            FileKind::UnknownTable
        );
        assert_eq!(kind_of(Path::new("mine/gwp.toml")), FileKind::Set);
        assert_eq!(kind_of(Path::new("factors/desnz/2025.toml")), FileKind::Set);
    }

    #[test]
    fn a_broken_table_is_a_problem_at_its_place() {
        let p = check_table(TableKind::Aliases, "a.toml", "[[alias]]\nname = 1\n").unwrap_err();
        assert_eq!(p.pos.file, "a.toml");
        assert_eq!(p.pos.line, 2);
    }
}
