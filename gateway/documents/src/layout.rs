//! The page layout, hand-written because krilla does none: blocks are stacked down A4 pages
//! between the margins, lines wrapped by [`wrap`](crate::wrap), pages broken where the next
//! line does not fit. A heading is kept on the page where the block after it starts, and no
//! paragraph starts with a single line at the foot of a page. Tables and facts are
//! grids: column widths are shared out from the cells' natural widths, cells wrap, a row too
//! tall for the rest of the page moves to the next page (or, if taller than a page, is split
//! between lines), and a table's header row is repeated at the top of each page it continues
//! on. The result is a list of positioned text lines and cell frames per page, plus the
//! document's structure, which [`pdf`](crate::pdf) turns into the PDF.

use std::ops::Range;

use crate::fonts::{Fonts, Style};
use crate::wrap::wrap;
use crate::{Block, Document};

/// A4 in points.
pub(crate) const PAGE_WIDTH: f32 = 595.276;
/// A4 in points.
pub(crate) const PAGE_HEIGHT: f32 = 841.89;
/// 20 mm: left, right and top, and the least at the bottom.
pub(crate) const MARGIN: f32 = 56.693;
const CONTENT_WIDTH: f32 = PAGE_WIDTH - 2.0 * MARGIN;
/// The footer's last line ends 10 mm above the bottom edge.
const FOOTER_BOTTOM: f32 = PAGE_HEIGHT - 28.346;
/// The least space between the body and the footer.
const FOOTER_GAP: f32 = 14.0;
/// Line height as a multiple of the font size.
const LEADING: f32 = 1.3;

/// A colour from the GOV.UK palette.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Colour {
    /// Body text, #0b0c0c.
    Text,
    /// Secondary text such as the footer, #505a5f.
    Secondary,
    /// Table borders, #b1b4b6.
    Border,
}

/// How a run of text is set.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct TextStyle {
    pub(crate) style: Style,
    pub(crate) size: f32,
    pub(crate) colour: Colour,
}

impl TextStyle {
    const fn new(style: Style, size: f32, colour: Colour) -> Self {
        Self {
            style,
            size,
            colour,
        }
    }

    fn line_height(self) -> f32 {
        self.size * LEADING
    }
}

const BODY: TextStyle = TextStyle::new(Style::Regular, 11.0, Colour::Text);
const STRONG: TextStyle = TextStyle::new(Style::Bold, 11.0, Colour::Text);
const FOOTER: TextStyle = TextStyle::new(Style::Regular, 8.0, Colour::Secondary);

fn heading_style(level: u8) -> TextStyle {
    let size = match level {
        1 => 20.0,
        2 => 15.0,
        _ => 12.5,
    };
    TextStyle::new(Style::Bold, size, Colour::Text)
}

/// An index into the list of tagged content pieces; each becomes one leaf structure
/// element (a heading, paragraph, label, value or cell) holding all the lines drawn for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ContentId(pub(crate) usize);

/// Content that is not part of the document's structure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Artifact {
    /// The page footer.
    Footer,
    /// A table header row repeated after a page break.
    Pagination,
    /// Table borders.
    Layout,
}

/// What a drawn line belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Owner {
    Content(ContentId),
    Artifact(Artifact),
}

/// Something drawn on a page, in page coordinates (points, origin top left).
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Item {
    /// One line of text; `baseline` is its y.
    Text {
        x: f32,
        baseline: f32,
        text: String,
        style: TextStyle,
        owner: Owner,
    },
    /// A table cell's border (always a layout artifact).
    Frame {
        x: f32,
        y: f32,
        width: f32,
        height: f32,
    },
}

/// One element of the structure tree, in reading order.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Element {
    Heading {
        level: u8,
        text: String,
        content: ContentId,
    },
    Paragraph(ContentId),
    /// Label and value of each fact.
    Facts(Vec<(ContentId, ContentId)>),
    Table {
        header: Vec<ContentId>,
        rows: Vec<Vec<ContentId>>,
    },
}

/// Where a heading starts, for its entry in the outline.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Bookmark {
    pub(crate) level: u8,
    pub(crate) title: String,
    pub(crate) page: usize,
    pub(crate) y: f32,
}

/// A document laid out on pages.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Layout {
    pub(crate) pages: Vec<Vec<Item>>,
    pub(crate) elements: Vec<Element>,
    /// One per heading, in order.
    pub(crate) bookmarks: Vec<Bookmark>,
    /// How many [`ContentId`]s were handed out.
    pub(crate) contents: usize,
}

/// Lays the document's title and blocks out on A4 pages.
pub(crate) fn lay_out(document: &Document, fonts: &Fonts) -> Layout {
    let mut composer = Composer::new(fonts, document.footer.as_deref());
    let mut elements = vec![composer.heading(1, &document.title)];
    elements.extend(document.blocks.iter().map(|block| composer.block(block)));
    composer.finish(elements)
}

/// How a grid (a table or a list of facts) is drawn.
#[derive(Debug, Clone, Copy)]
struct GridStyle {
    /// Space between a cell's border and its text, left and right.
    padding_x: f32,
    /// Space between a cell's border and its text, above and below.
    padding_y: f32,
    /// Space between columns.
    gap: f32,
    framed: bool,
}

const TABLE: GridStyle = GridStyle {
    padding_x: 5.0,
    padding_y: 3.5,
    gap: 0.0,
    framed: true,
};

const FACTS: GridStyle = GridStyle {
    padding_x: 0.0,
    padding_y: 2.0,
    gap: 12.0,
    framed: false,
};

/// A column of a grid: where it starts and how wide it is, border to border.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Column {
    x: f32,
    width: f32,
}

/// One cell, already wrapped to its column.
#[derive(Debug, Clone, PartialEq)]
struct Cell {
    lines: Vec<String>,
    style: TextStyle,
    owner: Owner,
}

/// A grid being placed: its look, its columns, and the header row to repeat, if any.
struct Grid {
    style: GridStyle,
    columns: Vec<Column>,
    repeated_header: Option<Vec<Cell>>,
}

/// A heading waiting to be placed together with the start of what follows it.
#[derive(Debug, Clone, PartialEq)]
struct PendingHeading {
    level: u8,
    title: String,
    lines: Vec<String>,
    content: ContentId,
}

impl PendingHeading {
    fn style(&self) -> TextStyle {
        heading_style(self.level)
    }

    fn space_before(&self) -> f32 {
        self.style().size * 0.8
    }

    fn space_after(&self) -> f32 {
        self.style().size * 0.3
    }

    fn height(&self) -> f32 {
        let style = self.style();
        self.space_before() + style.line_height() * self.lines.len() as f32 + self.space_after()
    }
}

/// Places content down the pages, one line or row at a time.
struct Composer<'a> {
    fonts: &'a Fonts,
    /// The footer's lines, drawn on every page.
    footer: Vec<Item>,
    /// The lowest y that body content may reach.
    bottom: f32,
    pages: Vec<Vec<Item>>,
    items: Vec<Item>,
    /// The top of the free space on the current page.
    y: f32,
    contents: usize,
    /// Headings not yet placed: each is kept on the page of the first lines after it.
    pending: Vec<PendingHeading>,
    bookmarks: Vec<Bookmark>,
}

impl<'a> Composer<'a> {
    fn new(fonts: &'a Fonts, footer: Option<&str>) -> Self {
        let mut composer = Self {
            fonts,
            footer: Vec::new(),
            bottom: PAGE_HEIGHT - MARGIN,
            pages: Vec::new(),
            items: Vec::new(),
            y: MARGIN,
            contents: 0,
            pending: Vec::new(),
            bookmarks: Vec::new(),
        };
        if let Some(footer) = footer {
            composer.set_footer(footer);
        }
        composer
    }

    /// Lays the footer's lines out upwards from the bottom and raises the body's bottom above
    /// them.
    fn set_footer(&mut self, footer: &str) {
        let lines = self.wrap(footer, FOOTER, CONTENT_WIDTH);
        let height = FOOTER.line_height();
        let top = FOOTER_BOTTOM - height * lines.len() as f32;
        self.footer = lines
            .into_iter()
            .enumerate()
            .map(|(n, line)| {
                let line_top = top + height * n as f32;
                self.text(
                    MARGIN,
                    line_top,
                    line,
                    FOOTER,
                    Owner::Artifact(Artifact::Footer),
                )
            })
            .collect();
        self.bottom = self.bottom.min(top - FOOTER_GAP);
    }

    fn finish(mut self, elements: Vec<Element>) -> Layout {
        self.ensure(0.0);
        self.break_page();
        Layout {
            pages: self.pages,
            elements,
            bookmarks: self.bookmarks,
            contents: self.contents,
        }
    }

    fn block(&mut self, block: &Block) -> Element {
        match block {
            Block::Heading { level, text } => self.heading(*level, text),
            Block::Paragraph(text) => self.paragraph(text),
            Block::Facts(facts) => self.facts(facts),
            Block::Table { headers, rows } => self.table(headers, rows),
        }
    }

    /// Queues a heading; it is placed by the next [`ensure`](Self::ensure), on the same page
    /// as the start of the block after it.
    fn heading(&mut self, level: u8, text: &str) -> Element {
        let lines = self.wrap(text, heading_style(level), CONTENT_WIDTH);
        let content = self.new_content();
        let title = lines.join(" ");
        self.pending.push(PendingHeading {
            level,
            title: title.clone(),
            lines,
            content,
        });
        Element::Heading {
            level,
            text: title,
            content,
        }
    }

    fn place_heading(&mut self, heading: PendingHeading) {
        let (style, after) = (heading.style(), heading.space_after());
        self.space(heading.space_before());
        self.bookmarks.push(Bookmark {
            level: heading.level,
            title: heading.title,
            page: self.pages.len(),
            y: self.y,
        });
        self.flow(heading.lines, style, heading.content);
        self.space(after);
    }

    fn paragraph(&mut self, text: &str) -> Element {
        let lines = self.wrap(text, BODY, CONTENT_WIDTH);
        // No paragraph starts with a single line at the foot of a page.
        self.ensure(BODY.line_height() * lines.len().min(2) as f32);
        let content = self.new_content();
        self.flow(lines, BODY, content);
        self.space(BODY.line_height() * 0.6);
        Element::Paragraph(content)
    }

    fn facts(&mut self, facts: &[(String, String)]) -> Element {
        let rows: Vec<Vec<&str>> = facts
            .iter()
            .map(|(label, value)| vec![label.as_str(), value.as_str()])
            .collect();
        let (_, rows) = self.grid(FACTS, None, &rows, &[STRONG, BODY]);
        self.space(BODY.line_height() * 0.6);
        Element::Facts(rows.into_iter().map(|row| (row[0], row[1])).collect())
    }

    fn table(&mut self, headers: &[String], rows: &[Vec<String>]) -> Element {
        let header: Vec<&str> = headers.iter().map(String::as_str).collect();
        let rows: Vec<Vec<&str>> = rows
            .iter()
            .map(|row| row.iter().map(String::as_str).collect())
            .collect();
        let (header, rows) = self.grid(TABLE, Some(&header), &rows, &vec![BODY; headers.len()]);
        self.space(BODY.line_height());
        Element::Table { header, rows }
    }

    /// Places a grid: the header row (bold, repeated after page breaks), if any, then the
    /// rows, column `n` set in `styles[n]`. Returns the content ids of the header's cells and
    /// of each row's.
    fn grid(
        &mut self,
        style: GridStyle,
        header: Option<&[&str]>,
        rows: &[Vec<&str>],
        styles: &[TextStyle],
    ) -> (Vec<ContentId>, Vec<Vec<ContentId>>) {
        let header_styles = vec![STRONG; styles.len()];
        let mut grid = Grid {
            style,
            columns: self.columns(style, header, rows, styles),
            repeated_header: None,
        };
        let repeat = vec![Owner::Artifact(Artifact::Pagination); styles.len()];
        let header_cells = header.map(|header| self.cells(&grid, header, &header_styles, &repeat));
        let header_height = header_cells
            .as_ref()
            .map_or(0.0, |cells| cells_height(&grid, cells));
        // The header, if any, and the first line of the first row start on the same page.
        self.ensure(header_height + BODY.line_height() + 2.0 * style.padding_y);
        // A header taller than a third of a page is not repeated.
        grid.repeated_header = header_cells.filter(|_| header_height * 3.0 <= self.bottom - MARGIN);
        let header_ids =
            header.map_or_else(Vec::new, |header| self.row(&grid, header, &header_styles));
        let row_ids = rows
            .iter()
            .map(|row| self.row(&grid, row, styles))
            .collect();
        (header_ids, row_ids)
    }

    /// Shares the content width between a grid's columns by their cells' natural widths.
    fn columns(
        &self,
        style: GridStyle,
        header: Option<&[&str]>,
        rows: &[Vec<&str>],
        styles: &[TextStyle],
    ) -> Vec<Column> {
        let wants: Vec<f32> = (0..styles.len())
            .map(|n| {
                let header = header.map(|header| self.natural_width(header[n], STRONG));
                rows.iter()
                    .map(|row| self.natural_width(row[n], styles[n]))
                    .chain(header)
                    .fold(1.0, f32::max)
                    + 2.0 * style.padding_x
            })
            .collect();
        let space = CONTENT_WIDTH - style.gap * styles.len().saturating_sub(1) as f32;
        let mut x = MARGIN;
        share(&wants, space)
            .into_iter()
            .map(|width| {
                let column = Column { x, width };
                x += width + style.gap;
                column
            })
            .collect()
    }

    /// Wraps each of `texts` to its column.
    fn cells(
        &self,
        grid: &Grid,
        texts: &[&str],
        styles: &[TextStyle],
        owners: &[Owner],
    ) -> Vec<Cell> {
        texts
            .iter()
            .zip(&grid.columns)
            .zip(styles.iter().zip(owners))
            .map(|((text, column), (&style, &owner))| Cell {
                lines: self.wrap(text, style, column.width - 2.0 * grid.style.padding_x),
                style,
                owner,
            })
            .collect()
    }

    /// Places one row of a grid, returning its cells' content ids.
    fn row(&mut self, grid: &Grid, texts: &[&str], styles: &[TextStyle]) -> Vec<ContentId> {
        let ids: Vec<ContentId> = texts.iter().map(|_| self.new_content()).collect();
        let owners: Vec<Owner> = ids.iter().copied().map(Owner::Content).collect();
        let cells = self.cells(grid, texts, styles, &owners);
        self.place_cells(grid, &cells);
        ids
    }

    /// Places a row's cells. A row that does not fit the rest of the page moves to the next
    /// one; a row taller than a whole page is split between lines. Each continuation page
    /// starts with the repeated header.
    fn place_cells(&mut self, grid: &Grid, cells: &[Cell]) {
        let line_height = line_height(cells);
        let padding = 2.0 * grid.style.padding_y;
        let total = line_count(cells);
        let fresh_room = self.bottom
            - MARGIN
            - grid
                .repeated_header
                .as_ref()
                .map_or(0.0, |header| cells_height(grid, header));
        let mut done = 0;
        let mut continued = false;
        while done < total {
            let left = total - done;
            let fit = ((self.room() - padding) / line_height).floor().max(0.0) as usize;
            if fit >= left {
                self.draw_cells(grid, cells, done..total);
                return;
            }
            let fits_on_next_page = line_height * left as f32 + padding <= fresh_room;
            if (fit == 0 || fits_on_next_page) && !continued && !self.at_page_top() {
                self.continue_grid(grid);
                continued = true;
                continue;
            }
            let take = fit.max(1);
            self.draw_cells(grid, cells, done..done + take);
            done += take;
            if done < total {
                self.continue_grid(grid);
                continued = true;
            }
        }
    }

    /// Starts a new page for a grid that goes on, with its repeated header.
    fn continue_grid(&mut self, grid: &Grid) {
        self.break_page();
        if let Some(header) = &grid.repeated_header {
            self.draw_cells(grid, header, 0..line_count(header));
        }
    }

    /// Draws lines `lines` of each cell, with the cells' frames, and moves down past them.
    fn draw_cells(&mut self, grid: &Grid, cells: &[Cell], lines: Range<usize>) {
        let line_height = line_height(cells);
        let height = line_height * lines.len() as f32 + 2.0 * grid.style.padding_y;
        for (cell, column) in cells.iter().zip(&grid.columns) {
            if grid.style.framed {
                self.items.push(Item::Frame {
                    x: column.x,
                    y: self.y,
                    width: column.width,
                    height,
                });
            }
            let shown = cell.lines.iter().skip(lines.start).take(lines.len());
            for (n, line) in shown.enumerate() {
                let top = self.y + grid.style.padding_y + line_height * n as f32;
                let x = column.x + grid.style.padding_x;
                let item = self.text(x, top, line.clone(), cell.style, cell.owner);
                self.items.push(item);
            }
        }
        self.y += height;
    }

    fn new_content(&mut self) -> ContentId {
        self.contents += 1;
        ContentId(self.contents - 1)
    }

    /// `text` [cleaned](clean) and wrapped to `width` in `style`.
    fn wrap(&self, text: &str, style: TextStyle, width: f32) -> Vec<String> {
        let face = self.fonts.face(style.style);
        wrap(&clean(text), width, |s| face.width(s, style.size))
    }

    /// The width of the widest line of `text` unwrapped.
    fn natural_width(&self, text: &str, style: TextStyle) -> f32 {
        let face = self.fonts.face(style.style);
        clean(text)
            .split('\n')
            .map(|line| face.width(line, style.size))
            .fold(0.0, f32::max)
    }

    /// A line of text whose line box starts at `top`. An empty line is drawn as a space, so
    /// that every structure element has content.
    fn text(&self, x: f32, top: f32, text: String, style: TextStyle, owner: Owner) -> Item {
        let face = self.fonts.face(style.style);
        let (ascent, descent) = (face.ascent() * style.size, face.descent() * style.size);
        let half_leading = (style.line_height() - ascent - descent) / 2.0;
        Item::Text {
            x,
            baseline: top + half_leading + ascent,
            text: if text.is_empty() { " ".into() } else { text },
            style,
            owner,
        }
    }

    /// Places lines at the left margin, breaking pages between lines as needed.
    fn flow(&mut self, lines: Vec<String>, style: TextStyle, content: ContentId) {
        for line in lines {
            self.ensure(style.line_height());
            let item = self.text(MARGIN, self.y, line, style, Owner::Content(content));
            self.items.push(item);
            self.y += style.line_height();
        }
    }

    /// Adds vertical space, except at the top of a page.
    fn space(&mut self, height: f32) {
        if !self.at_page_top() {
            self.y += height;
        }
    }

    fn at_page_top(&self) -> bool {
        self.items.is_empty()
    }

    fn room(&self) -> f32 {
        self.bottom - self.y
    }

    /// Makes room for the next `height` of content: starts a new page unless it fits on
    /// this one together with the headings waiting to be placed (or this page is still
    /// empty), then places those headings.
    fn ensure(&mut self, height: f32) {
        let headings: f32 = self.pending.iter().map(PendingHeading::height).sum();
        if headings + height > self.room() && !self.at_page_top() {
            self.break_page();
        }
        for heading in std::mem::take(&mut self.pending) {
            self.place_heading(heading);
        }
    }

    fn break_page(&mut self) {
        let mut items = std::mem::take(&mut self.items);
        items.extend(self.footer.iter().cloned());
        self.pages.push(items);
        self.y = MARGIN;
    }
}

/// `text` with tabs as spaces and control characters other than newlines removed.
fn clean(text: &str) -> String {
    text.chars()
        .filter_map(|c| match c {
            '\t' => Some(' '),
            '\n' => Some('\n'),
            c if c.is_control() => None,
            c => Some(c),
        })
        .collect()
}

/// The line height of a row: that of its largest text.
fn line_height(cells: &[Cell]) -> f32 {
    cells
        .iter()
        .map(|cell| cell.style.line_height())
        .fold(0.0, f32::max)
}

/// The number of lines of a row's longest cell.
fn line_count(cells: &[Cell]) -> usize {
    cells.iter().map(|cell| cell.lines.len()).max().unwrap_or(0)
}

/// The height of a whole row, padding included.
fn cells_height(grid: &Grid, cells: &[Cell]) -> f32 {
    line_height(cells) * line_count(cells) as f32 + 2.0 * grid.style.padding_y
}

/// Shares `total` between columns wanting `wants`. If everything fits, every column grows in
/// proportion to fill the width; if not, a column wanting less than an equal share of what is
/// left gets what it wants, and the others share the rest equally.
fn share(wants: &[f32], total: f32) -> Vec<f32> {
    let wanted: f32 = wants.iter().sum();
    if wanted <= total {
        return wants.iter().map(|want| want * total / wanted).collect();
    }
    let mut order: Vec<usize> = (0..wants.len()).collect();
    order.sort_by(|&a, &b| wants[a].total_cmp(&wants[b]));
    let mut widths = vec![0.0; wants.len()];
    let mut left = total;
    for (placed, &column) in order.iter().enumerate() {
        let fair = left / (wants.len() - placed) as f32;
        widths[column] = wants[column].min(fair);
        left -= widths[column];
    }
    widths
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
            footer: Some("Footer".into()),
            blocks,
        }
    }

    fn lay_out_blocks(blocks: Vec<Block>) -> Layout {
        lay_out(&document(blocks), &Fonts::load().unwrap())
    }

    /// The pages on which text of `content` is drawn.
    fn pages_of(layout: &Layout, content: ContentId) -> Vec<usize> {
        let drawn_on = |items: &Vec<Item>| {
            items.iter().any(|item| {
                matches!(item, Item::Text { owner: Owner::Content(id), .. } if *id == content)
            })
        };
        (0..layout.pages.len())
            .filter(|&page| drawn_on(&layout.pages[page]))
            .collect()
    }

    fn paragraphs(count: usize) -> impl Iterator<Item = Block> {
        (0..count).map(|n| Block::Paragraph(format!("Paragraph {n} of some length.")))
    }

    #[test]
    fn columns_that_want_little_get_it_and_the_rest_share() {
        assert_eq!(share(&[50.0, 400.0, 400.0], 450.0), [50.0, 200.0, 200.0]);
        assert_eq!(share(&[100.0, 100.0], 400.0), [200.0, 200.0]);
        let widths = share(&[10.0, 500.0, 20.0, 900.0], 480.0);
        assert!((widths.iter().sum::<f32>() - 480.0).abs() < 1e-3);
        assert_eq!(widths[0], 10.0);
    }

    #[test]
    fn a_heading_is_kept_with_the_start_of_the_next_block() {
        for before in 30..60 {
            let mut blocks: Vec<Block> = paragraphs(before).collect();
            blocks.push(Block::Heading {
                level: 2,
                text: "Kept".into(),
            });
            blocks.push(Block::Table {
                headers: vec!["A".into()],
                rows: vec![vec!["1".into()]],
            });
            let layout = lay_out_blocks(blocks);
            let Some(Element::Heading { content, .. }) = layout.elements.get(before + 1) else {
                panic!("the heading is not where expected");
            };
            let Some(Element::Table { rows, .. }) = layout.elements.last() else {
                panic!("the table is not last");
            };
            assert_eq!(pages_of(&layout, *content), pages_of(&layout, rows[0][0]));
        }
    }

    #[test]
    fn a_row_taller_than_a_page_is_split_and_the_header_repeated() {
        let tall = vec!["line"; 150].join("\n");
        let layout = lay_out_blocks(vec![Block::Table {
            headers: vec!["Notes".into(), "By".into()],
            rows: vec![vec![tall, "Siân".into()]],
        }]);
        let Some(Element::Table { rows, .. }) = layout.elements.last() else {
            panic!("no table");
        };
        let pages = pages_of(&layout, rows[0][0]);
        assert!(pages.len() >= 3, "{pages:?}");
        for page in &pages[1..] {
            let repeated = layout.pages[*page].iter().any(|item| {
                matches!(
                    item,
                    Item::Text {
                        owner: Owner::Artifact(Artifact::Pagination),
                        ..
                    }
                )
            });
            assert!(repeated, "no repeated header on page {page}");
        }
    }

    #[test]
    fn body_text_stays_between_the_margins_and_above_the_footer() {
        let mut blocks: Vec<Block> = paragraphs(80).collect();
        blocks.push(Block::Facts(vec![("Hash".into(), "f".repeat(300))]));
        blocks.push(Block::Table {
            headers: vec!["A".into(), "B".into(), "C".into()],
            rows: (0..60)
                .map(|_| vec!["x".repeat(90), "y y y".into(), "z".into()])
                .collect(),
        });
        let layout = lay_out_blocks(blocks);
        let fonts = Fonts::load().unwrap();
        let footer_top = FOOTER_BOTTOM - FOOTER.line_height();
        for item in layout.pages.iter().flatten() {
            let Item::Text {
                x,
                baseline,
                text,
                style,
                owner,
            } = item
            else {
                continue;
            };
            let right = x + fonts.face(style.style).width(text, style.size);
            assert!(
                *x >= MARGIN && right <= PAGE_WIDTH - MARGIN + 0.01,
                "{text:?} at {x}..{right}"
            );
            if *owner != Owner::Artifact(Artifact::Footer) {
                assert!(
                    *baseline < footer_top,
                    "{text:?} at {baseline} runs into the footer"
                );
            }
        }
    }
}
