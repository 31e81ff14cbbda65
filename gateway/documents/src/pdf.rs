//! Turns a [`Layout`] into a PDF with krilla: one page per laid-out page, every line of text
//! in a marked-content section that is either a leaf of the structure tree or an artifact
//! (footer, repeated table header, table borders), then the structure tree, the outline and
//! the metadata. Export is validated as PDF/UA-1.

use std::num::NonZeroU16;

use krilla::SerializeSettings;
use krilla::color::rgb;
use krilla::configure::{Accessibility, ConfigurationBuilder};
use krilla::destination::XyzDestination;
use krilla::error::KrillaError;
use krilla::geom::{PathBuilder, Point, Rect};
use krilla::metadata::Metadata;
use krilla::num::NormalizedF32;
use krilla::outline::{Outline, OutlineNode};
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};
use krilla::surface::Surface;
use krilla::tagging::{
    Artifact as PdfArtifact, ArtifactType, ContentTag, Identifier, ListNumbering, Node, SpanTag,
    TableHeaderScope, Tag, TagGroup, TagKind, TagTree,
};

use crate::fonts::Fonts;
use crate::layout::{
    Artifact, Bookmark, Colour, ContentId, Element, Item, Layout, MARGIN, Owner, PAGE_HEIGHT,
    PAGE_WIDTH, TextStyle,
};
use crate::{Document, DocumentError};

/// The PDF's creator (the application that made the document).
const CREATOR: &str = "PEP Ledger";

/// Writes the laid-out document as PDF bytes.
pub(crate) fn write(
    document: &Document,
    layout: &Layout,
    fonts: &Fonts,
) -> Result<Vec<u8>, DocumentError> {
    let mut pdf = krilla::Document::new_with(settings()?);
    let mut contents = vec![Vec::new(); layout.contents];
    for items in &layout.pages {
        let page_settings = PageSettings::from_wh(PAGE_WIDTH, PAGE_HEIGHT)
            .ok_or_else(|| DocumentError::Pdf("invalid page size".into()))?;
        let mut page = pdf.start_page_with(page_settings);
        let mut surface = page.surface();
        for item in items {
            draw(&mut surface, item, fonts, &mut contents);
        }
        surface.finish();
        page.finish();
    }
    pdf.set_metadata(metadata(document));
    pdf.set_outline(outline(&layout.bookmarks));
    pdf.set_tag_tree(tag_tree(&layout.elements, &mut contents));
    pdf.finish().map_err(pdf_error)
}

/// Describes a krilla error, listing each validation failure (krilla's own message only
/// counts them).
fn pdf_error(error: KrillaError) -> DocumentError {
    let message = match error {
        KrillaError::Validation(failures) => failures
            .iter()
            .map(|(failure, _)| format!("{failure:?}"))
            .collect::<Vec<_>>()
            .join("; "),
        error => error.to_string(),
    };
    DocumentError::Pdf(message)
}

/// PDF/UA-1 (so PDF 1.7, tagged, with the title shown in the viewer's title bar).
fn settings() -> Result<SerializeSettings, DocumentError> {
    let configuration = ConfigurationBuilder::new()
        .with_accessibility_validator(Accessibility::UA1)
        .finish()
        .map_err(|error| DocumentError::Pdf(format!("PDF/UA-1 configuration: {error:?}")))?;
    Ok(SerializeSettings {
        configuration,
        enable_tagging: true,
        ..SerializeSettings::default()
    })
}

fn metadata(document: &Document) -> Metadata {
    let mut metadata = Metadata::new()
        .title(document.title.clone())
        .language(document.language.clone())
        .creator(CREATOR.to_owned());
    if let Some(subject) = &document.subject {
        metadata = metadata.description(subject.clone());
    }
    if let Some(author) = &document.author {
        metadata = metadata.authors(vec![author.clone()]);
    }
    metadata
}

/// Draws one item, recording the marked-content identifier of structure content under its
/// content id.
fn draw(surface: &mut Surface<'_>, item: &Item, fonts: &Fonts, contents: &mut [Vec<Identifier>]) {
    match item {
        Item::Text {
            x,
            baseline,
            text,
            style,
            owner,
        } => {
            let id = surface.start_tagged(content_tag(*owner));
            draw_text(surface, Point::from_xy(*x, *baseline), text, *style, fonts);
            surface.end_tagged();
            if let Owner::Content(ContentId(content)) = owner {
                contents[*content].push(id);
            }
        }
        Item::Frame {
            x,
            y,
            width,
            height,
        } => {
            if let Some(rect) = Rect::from_xywh(*x, *y, *width, *height) {
                surface.start_tagged(content_tag(Owner::Artifact(Artifact::Layout)));
                draw_frame(surface, rect);
                surface.end_tagged();
            }
        }
    }
}

fn content_tag(owner: Owner) -> ContentTag<'static> {
    let kind = match owner {
        Owner::Content(_) => return ContentTag::Span(SpanTag::empty()),
        Owner::Artifact(Artifact::Footer) => ArtifactType::Footer,
        Owner::Artifact(Artifact::Pagination) => ArtifactType::PaginationOther,
        Owner::Artifact(Artifact::Layout) => ArtifactType::Layout,
    };
    ContentTag::Artifact(PdfArtifact::with_kind(kind))
}

fn draw_text(surface: &mut Surface<'_>, at: Point, text: &str, style: TextStyle, fonts: &Fonts) {
    let face = fonts.face(style.style);
    surface.set_stroke(None);
    surface.set_fill(Some(Fill {
        paint: colour(style.colour).into(),
        ..Fill::default()
    }));
    surface.draw_glyphs(
        at,
        &face.glyphs(text),
        face.pdf_font(),
        text,
        style.size,
        false,
    );
}

fn draw_frame(surface: &mut Surface<'_>, rect: Rect) {
    let mut builder = PathBuilder::new();
    builder.push_rect(rect);
    let Some(path) = builder.finish() else {
        return;
    };
    surface.set_fill(None);
    surface.set_stroke(Some(Stroke {
        paint: colour(Colour::Border).into(),
        width: 0.75,
        opacity: NormalizedF32::ONE,
        ..Stroke::default()
    }));
    surface.draw_path(&path);
}

fn colour(colour: Colour) -> rgb::Color {
    match colour {
        Colour::Text => rgb::Color::new(0x0b, 0x0c, 0x0c),
        Colour::Secondary => rgb::Color::new(0x50, 0x5a, 0x5f),
        Colour::Border => rgb::Color::new(0xb1, 0xb4, 0xb6),
    }
}

/// The bookmarks: one per heading, each nested under the nearest preceding heading of a
/// higher level.
fn outline(bookmarks: &[Bookmark]) -> Outline {
    let mut outline = Outline::new();
    let mut open: Vec<(u8, OutlineNode)> = Vec::new();
    for bookmark in bookmarks {
        while open
            .last()
            .is_some_and(|(level, _)| *level >= bookmark.level)
        {
            close_bookmark(&mut open, &mut outline);
        }
        let target = XyzDestination::new(bookmark.page, Point::from_xy(MARGIN, bookmark.y));
        open.push((
            bookmark.level,
            OutlineNode::new(bookmark.title.clone(), target),
        ));
    }
    while !open.is_empty() {
        close_bookmark(&mut open, &mut outline);
    }
    outline
}

/// Attaches the innermost open bookmark to its parent.
fn close_bookmark(open: &mut Vec<(u8, OutlineNode)>, outline: &mut Outline) {
    if let Some((_, node)) = open.pop() {
        match open.last_mut() {
            Some((_, parent)) => parent.push_child(node),
            None => outline.push_child(node),
        }
    }
}

/// The structure tree: the elements in reading order, each leaf holding the marked content
/// drawn for it.
fn tag_tree(elements: &[Element], contents: &mut [Vec<Identifier>]) -> TagTree {
    let mut tree = TagTree::new();
    for element in elements {
        tree.push(element_group(element, contents));
    }
    tree
}

fn element_group(element: &Element, contents: &mut [Vec<Identifier>]) -> TagGroup {
    match element {
        Element::Heading {
            level,
            text,
            content,
            ..
        } => {
            let level = NonZeroU16::new((*level).into()).unwrap_or(NonZeroU16::MIN);
            leaf(Tag::Hn(level, Some(text.clone())), *content, contents)
        }
        Element::Paragraph(content) => leaf(Tag::P, *content, contents),
        Element::Facts(facts) => {
            let items = facts
                .iter()
                .map(|&(label, value)| {
                    let label = leaf(Tag::Lbl, label, contents);
                    let value = leaf(Tag::LBody, value, contents);
                    TagGroup::with_children(Tag::LI, vec![label.into(), value.into()]).into()
                })
                .collect();
            TagGroup::with_children(Tag::L(ListNumbering::None), items)
        }
        Element::Table { header, rows } => {
            let th = || Tag::TH(TableHeaderScope::Column).into();
            let head = TagGroup::with_children(Tag::THead, vec![table_row(header, th, contents)]);
            let body = rows
                .iter()
                .map(|row| table_row(row, || Tag::TD.into(), contents))
                .collect();
            let body = TagGroup::with_children(Tag::TBody, body);
            TagGroup::with_children(Tag::Table, vec![head.into(), body.into()])
        }
    }
}

fn table_row(
    cells: &[ContentId],
    cell_tag: impl Fn() -> TagKind,
    contents: &mut [Vec<Identifier>],
) -> Node {
    let cells = cells
        .iter()
        .map(|&cell| leaf(cell_tag(), cell, contents).into())
        .collect();
    TagGroup::with_children(Tag::TR, cells).into()
}

/// A structure element holding the marked content drawn for `content`.
fn leaf(tag: impl Into<TagKind>, content: ContentId, contents: &mut [Vec<Identifier>]) -> TagGroup {
    let ids = std::mem::take(&mut contents[content.0]);
    TagGroup::with_children(tag, ids.into_iter().map(Node::Leaf).collect())
}
