//! Printable documents for PEP Ledger: renders a simple structured [`Document`] (a title,
//! headings, paragraphs, "label: value" facts and tables) into an accessible A4 PDF, for the
//! councils' records and for the people a Personal Education Plan is shared with.
//!
//! The PDF is written with [`krilla`], the PDF library under typst. It was chosen because it
//! writes *tagged* PDF (a structure tree a screen reader follows: `H1`–`H3`, `P`, `L`/`LI`,
//! `Table`/`TR`/`TH`/`TD`, with the footer and table rules marked as artifacts), bookmarks,
//! document metadata and subsetted embedded fonts, and because it validates the result
//! against PDF/UA-1 (ISO 14289-1): a document that would break the standard's machine-checkable
//! rules (no title, no outline, a glyph without a Unicode mapping, …) is an error, not a file.
//! Its raster-image and SVG features are left off.
//!
//! krilla draws glyphs; it does not lay text out. The layout is therefore hand-written and
//! deliberately small:
//!
//! - `wrap` breaks text into lines by the fonts' glyph advances (greedy, at spaces; a word
//!   wider than the line, such as a URL or a record hash, is broken after `/`, `-`, `.` and
//!   similar characters, or else between any two characters);
//! - `layout` stacks blocks down A4 pages, breaks pages, keeps a heading with what follows it,
//!   sizes table columns from their content, wraps cells, splits tall rows and repeats a
//!   table's header row after a page break;
//! - `pdf` turns the laid-out pages into krilla drawing calls, the structure tree, the
//!   outline and the metadata.
//!
//! Text is set in Liberation Sans (regular and bold, SIL Open Font License 1.1; the font
//! files and their licence are in `fonts/`), embedded in the binary with `include_bytes!`.
//! Each character maps to one glyph, without kerning or ligatures, so what is measured is
//! exactly what is drawn, and extracted text is the input (runs of spaces collapse and lines
//! break where they were wrapped). Latin, Greek and Cyrillic
//! text renders; a character the font has no glyph for (an emoji, say) is drawn as "?" but
//! keeps its own text, so copying or reading it out still gives the original character. Tabs
//! become spaces and other control characters are dropped.
#![warn(missing_docs)]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

mod fonts;
mod layout;
mod pdf;
mod wrap;

/// A document: metadata plus blocks in reading order.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    /// The PDF's title (shown by viewers in place of the file name), and the first heading.
    pub title: String,
    /// The PDF's subject, if any.
    pub subject: Option<String>,
    /// The PDF's author, e.g. "Demoshire Virtual School".
    pub author: Option<String>,
    /// The document's language as a BCP 47 tag, e.g. "en-GB".
    pub language: String,
    /// A line printed small at the bottom of every page, e.g. a record hash and when it was
    /// printed. It is marked as a page artifact, so screen readers do not repeat it.
    pub footer: Option<String>,
    /// The content, in reading order.
    pub blocks: Vec<Block>,
}

/// One block of a [`Document`].
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// A heading of level 1 to 3, at most one level below the heading before it (the
    /// document's title is the first level-1 heading). Each heading is also a bookmark,
    /// nested by level.
    Heading {
        /// 1, 2 or 3.
        level: u8,
        /// The heading's text.
        text: String,
    },
    /// A paragraph, wrapped to the page width; `'\n'` starts a new line.
    Paragraph(String),
    /// A list of `(label, value)` pairs, the label in bold beside its value.
    Facts(Vec<(String, String)>),
    /// A simple grid with a header row; cells wrap and the header row is repeated after a
    /// page break. Every row has as many cells as there are headers.
    Table {
        /// The column headings.
        headers: Vec<String>,
        /// The rows, each with one cell per header.
        rows: Vec<Vec<String>>,
    },
}

/// Why a document could not be rendered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DocumentError {
    /// A heading's level was not 1, 2 or 3.
    #[error("heading {text:?} has level {level}; levels are 1 to 3")]
    HeadingLevel {
        /// The level given.
        level: u8,
        /// The heading's text.
        text: String,
    },
    /// A heading was more than one level below the heading before it (the title counts as
    /// level 1), which screen-reader users and PDF/UA checkers take as a missing section.
    #[error("heading {text:?} has level {level} but follows a level-{previous} heading")]
    SkippedHeadingLevel {
        /// The level given.
        level: u8,
        /// The level of the heading before it.
        previous: u8,
        /// The heading's text.
        text: String,
    },
    /// A table had no columns.
    #[error("a table has no header cells")]
    EmptyTable,
    /// A table row's cell count differed from the number of headers.
    #[error("table row {row} has {cells} cells but the table has {columns} columns")]
    RaggedTable {
        /// The row's index (0 is the first row after the header).
        row: usize,
        /// The cells in that row.
        cells: usize,
        /// The number of headers.
        columns: usize,
    },
    /// An embedded font could not be read (a build defect, not a data problem).
    #[error("the embedded font {0} could not be read")]
    Font(&'static str),
    /// The PDF writer refused the document, for example a PDF/UA-1 validation failure.
    #[error("the PDF could not be written: {0}")]
    Pdf(String),
}

/// Renders `document` as an A4, tagged (PDF/UA-1) PDF with embedded fonts, returning the
/// file's bytes.
///
/// # Errors
///
/// A heading level outside 1–3 or skipping a level, a table without headers or with a row of
/// the wrong length, or the PDF writer refusing the result ([`DocumentError`]).
pub fn render_pdf(document: &Document) -> Result<Vec<u8>, DocumentError> {
    validate(document)?;
    let fonts = fonts::Fonts::load()?;
    let laid_out = layout::lay_out(document, &fonts);
    pdf::write(document, &laid_out, &fonts)
}

/// Checks what the layout and PDF/UA rely on: heading levels 1 to 3 that never skip a level
/// (the title counts as level 1), and tables with columns and rows of the right length.
fn validate(document: &Document) -> Result<(), DocumentError> {
    let mut previous = 1;
    for block in &document.blocks {
        match block {
            Block::Heading { level, text } => {
                check_heading(*level, previous, text)?;
                previous = *level;
            }
            Block::Table { headers, rows } => check_table(headers, rows)?,
            Block::Paragraph(_) | Block::Facts(_) => {}
        }
    }
    Ok(())
}

fn check_heading(level: u8, previous: u8, text: &str) -> Result<(), DocumentError> {
    if !(1..=3).contains(&level) {
        return Err(DocumentError::HeadingLevel {
            level,
            text: text.to_owned(),
        });
    }
    if level > previous + 1 {
        return Err(DocumentError::SkippedHeadingLevel {
            level,
            previous,
            text: text.to_owned(),
        });
    }
    Ok(())
}

fn check_table(headers: &[String], rows: &[Vec<String>]) -> Result<(), DocumentError> {
    if headers.is_empty() {
        return Err(DocumentError::EmptyTable);
    }
    match rows.iter().position(|row| row.len() != headers.len()) {
        Some(row) => Err(DocumentError::RaggedTable {
            row,
            cells: rows[row].len(),
            columns: headers.len(),
        }),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn document(blocks: Vec<Block>) -> Document {
        Document {
            title: "Title".into(),
            subject: None,
            author: None,
            language: "en-GB".into(),
            footer: None,
            blocks,
        }
    }

    #[test]
    fn heading_levels_outside_one_to_three_are_refused() {
        for level in [0, 4] {
            let doc = document(vec![Block::Heading {
                level,
                text: "Odd".into(),
            }]);
            assert_eq!(
                render_pdf(&doc),
                Err(DocumentError::HeadingLevel {
                    level,
                    text: "Odd".into()
                })
            );
        }
    }

    #[test]
    fn heading_levels_may_not_skip_a_level() {
        let heading = |level: u8| Block::Heading {
            level,
            text: format!("Level {level}"),
        };
        let fine = document(vec![
            heading(2),
            heading(3),
            heading(1),
            heading(2),
            heading(3),
        ]);
        assert!(render_pdf(&fine).is_ok());
        let skipping = document(vec![heading(2), heading(1), heading(3)]);
        assert_eq!(
            render_pdf(&skipping),
            Err(DocumentError::SkippedHeadingLevel {
                level: 3,
                previous: 1,
                text: "Level 3".into()
            })
        );
        assert!(
            render_pdf(&document(vec![heading(3)])).is_err(),
            "the title is level 1"
        );
    }

    #[test]
    fn tables_must_be_rectangular_and_have_columns() {
        let empty = document(vec![Block::Table {
            headers: vec![],
            rows: vec![],
        }]);
        assert_eq!(render_pdf(&empty), Err(DocumentError::EmptyTable));

        let ragged = document(vec![Block::Table {
            headers: vec!["A".into(), "B".into()],
            rows: vec![vec!["1".into(), "2".into()], vec!["3".into()]],
        }]);
        assert_eq!(
            render_pdf(&ragged),
            Err(DocumentError::RaggedTable {
                row: 1,
                cells: 1,
                columns: 2
            })
        );
    }

    #[test]
    fn a_minimal_document_renders() {
        let pdf = render_pdf(&document(vec![])).unwrap();
        assert!(pdf.starts_with(b"%PDF-1.7"));
    }
}
