//! Renders a long document with every kind of block and checks the PDF with Poppler's tools
//! (Debian's `poppler-utils`): the text extracts in reading order, nothing runs off the page,
//! the metadata, tagging, structure tree, outline and embedded fonts are there.
//!
//! Set `PEP_DOCUMENTS_SAVE_TO=/some/file.pdf` to keep the rendered PDF for a look.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::process::Command;

use pep_documents::{Block, Document, render_pdf};

const NAME: &str = "Zoë Siân Llewellyn-Jones";
const HASH: &str = "3fa19c0e5b7d2a4f8e6c1b9d0a7f3e5c3fa19c0e5b7d2a4f8e6c1b9d0a7f3e5c";
const FOOTER: &str = "Record hash 3fa1…e5c · printed 7 December 2026 14:02";
const TITLE: &str = "Personal Education Plan for Zoë";
const PARAGRAPHS: usize = 120;
const TABLE_ROWS: usize = 40;

fn heading(level: u8, text: &str) -> Block {
    Block::Heading {
        level,
        text: text.into(),
    }
}

fn sample() -> Document {
    let mut blocks = vec![
        heading(2, "About Zoë"),
        Block::Facts(vec![
            ("Name".into(), NAME.into()),
            ("Date of birth".into(), "14 March 2014".into()),
            ("Pupil Premium Plus".into(), "£1,900 for the year – “agreed”".into()),
            ("Record hash".into(), HASH.into()),
            (
                "Evidence".into(),
                "https://records.demoshire.example/pep/children/0193f1c2-7a4e-7d21-9c3b-5e8f0a1b2c3d/plans/autumn-2026/evidence".into(),
            ),
        ]),
        heading(2, "Progress this term"),
    ];
    blocks.extend((1..=PARAGRAPHS).map(|n| {
        Block::Paragraph(format!(
            "Paragraph {n}. Zoë has settled well at Demoshire Academy and her designated \
             teacher reports steady progress in reading and mathematics.\nShe enjoys art club."
        ))
    }));
    blocks.push(heading(3, "Targets"));
    blocks.push(Block::Table {
        headers: vec!["Target".into(), "Owner".into(), "Due".into()],
        rows: (1..=TABLE_ROWS)
            .map(|n| {
                vec![
                    format!("Target {n}: read a chapter book each fortnight and talk about it with her carer"),
                    "Siân (designated teacher)".into(),
                    format!("{n} January 2027"),
                ]
            })
            .collect(),
    });
    blocks.push(heading(1, "Agreement"));
    blocks.push(Block::Paragraph(
        "Agreed at the PEP meeting on 1 December 2026. Zoë’s drawing: 🦀? Yes!".into(),
    ));
    Document {
        title: TITLE.into(),
        subject: Some("Autumn term 2026 PEP".into()),
        author: Some("Demoshire Virtual School".into()),
        language: "en-GB".into(),
        footer: Some(FOOTER.into()),
        blocks,
    }
}

/// Runs a Poppler tool, failing (never skipping) if it is not installed.
fn poppler(tool: &str, args: &[&str]) -> String {
    let path = format!("/usr/bin/{tool}");
    assert!(
        Path::new(&path).exists(),
        "{path} is missing: install poppler-utils: apt-get install -y poppler-utils"
    );
    let output = Command::new(&path).args(args).output().unwrap();
    assert!(
        output.status.success(),
        "{tool} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    // `pdfinfo -struct` prints UTF-16 titles as raw bytes.
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Asserts that `needles` appear in `haystack` in this order.
fn assert_in_order(haystack: &str, needles: &[&str]) {
    let mut from = 0;
    for needle in needles {
        let found = haystack[from..].find(needle);
        assert!(found.is_some(), "{needle:?} missing or out of order");
        from += found.unwrap_or_default() + needle.len();
    }
}

/// The value of `name="…"` in a tag of `pdftotext -bbox` output.
fn attribute(tag: &str, name: &str) -> f32 {
    let start = tag.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
    let end = start + tag[start..].find('"').unwrap();
    tag[start..end].parse().unwrap()
}

#[test]
fn a_long_document_renders_as_an_accessible_pdf() {
    let bytes = render_pdf(&sample()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("pep.pdf");
    std::fs::write(&path, &bytes).unwrap();
    let pdf = path.to_str().unwrap();
    if let Some(keep) = std::env::var_os("PEP_DOCUMENTS_SAVE_TO") {
        std::fs::write(keep, &bytes).unwrap();
    }

    let info = poppler("pdfinfo", &[pdf]);
    assert!(
        info.contains(&format!("Title:           {TITLE}")),
        "{info}"
    );
    assert!(
        info.contains("Subject:         Autumn term 2026 PEP"),
        "{info}"
    );
    assert!(
        info.contains("Author:          Demoshire Virtual School"),
        "{info}"
    );
    assert!(info.contains("Creator:         PEP Ledger"), "{info}");
    assert!(info.contains("Tagged:          yes"), "{info}");
    assert!(
        info.contains("Page size:       595.276 x 841.89 pts (A4)"),
        "{info}"
    );
    let pages: usize = info
        .lines()
        .find_map(|line| line.strip_prefix("Pages:"))
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    assert!(pages > 3, "{pages} pages");

    let text = poppler("pdftotext", &["-layout", "-enc", "UTF-8", pdf, "-"]);
    assert_in_order(
        &text,
        &[
            TITLE,
            "About Zoë",
            NAME,
            "£1,900 for the year – “agreed”",
            "Progress this term",
            "Paragraph 1. Zoë",
            "She enjoys art club.",
            &format!("Paragraph {PARAGRAPHS}."),
            "Targets",
            "Target",
            "Owner",
            "Due",
            "Target 1: read",
            "Siân (designated teacher)",
            "1 January 2027",
            &format!("{TABLE_ROWS} January 2027"),
            "Agreement",
            "Agreed at the PEP meeting on 1 December 2026.",
            // Drawn as "?" (the font has no crab) but still extracted as the character.
            "Zoë’s drawing: 🦀? Yes!",
        ],
    );
    assert_eq!(
        text.matches(FOOTER).count(),
        pages,
        "a footer on every page"
    );
    let unspaced: String = text.split_whitespace().collect();
    assert!(unspaced.contains(HASH), "the broken hash reads back whole");
    assert!(
        unspaced.contains("https://records.demoshire.example/pep/children/"),
        "the broken URL reads back whole"
    );
    let header_rows = text
        .lines()
        .filter(|line| line.split_whitespace().collect::<Vec<_>>() == ["Target", "Owner", "Due"])
        .count();
    assert!(
        header_rows >= 2,
        "the header row repeats after a page break"
    );

    let boxes = poppler("pdftotext", &["-bbox", pdf, "-"]);
    let words: Vec<&str> = boxes.split("<word ").skip(1).collect();
    assert!(words.len() > 1000);
    for word in words {
        assert!(
            attribute(word, "xMin") >= 56.0,
            "left of the margin: {word}"
        );
        assert!(
            attribute(word, "xMax") <= 595.276 - 56.0,
            "right of the margin: {word}"
        );
        assert!(
            attribute(word, "yMax") <= 841.89 - 20.0,
            "below the page: {word}"
        );
    }

    let structure = poppler("pdfinfo", &["-struct", pdf]);
    for tag in [
        "H1", "H2", "H3", "P", "L", "LI", "Lbl", "LBody", "Table", "THead", "TBody", "TR", "TH",
        "TD",
    ] {
        assert!(
            structure
                .lines()
                .filter_map(|line| line.split_whitespace().next())
                .any(|first| first.trim_end_matches(':') == tag),
            "no {tag} in the structure tree:\n{structure}"
        );
    }
    let tagged = poppler("pdfinfo", &["-struct-text", pdf]);
    assert!(
        !tagged.contains(FOOTER),
        "the footer is an artifact, not content"
    );

    let outline = poppler("pdftohtml", &["-xml", "-i", "-stdout", "-q", pdf]);
    let outline = &outline[outline.find("<outline>").unwrap()..];
    assert_in_order(
        outline,
        &[
            &format!(">{TITLE}</item>"),
            "<outline>",
            ">About Zoë</item>",
            ">Progress this term</item>",
            "<outline>",
            ">Targets</item>",
            "</outline>",
            "</outline>",
            ">Agreement</item>",
        ],
    );

    let fonts = poppler("pdffonts", &[pdf]);
    let embedded: Vec<&str> = fonts
        .lines()
        .filter(|line| line.contains("LiberationSans"))
        .collect();
    assert_eq!(embedded.len(), 2, "{fonts}");
    for font in embedded {
        // name type encoding emb sub uni object id
        let columns: Vec<&str> = font.split_whitespace().collect();
        let n = columns.len();
        assert_eq!(
            &columns[n - 5..n - 2],
            ["yes", "yes", "yes"],
            "embedded, subset, unicode: {font}"
        );
    }
}
