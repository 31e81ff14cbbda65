//! The embedded fonts: Liberation Sans regular and bold, measured with `skrifa` (the font
//! reader krilla itself uses) and turned into krilla glyphs one character to one glyph.

use krilla::text::{Font, GlyphId, KrillaGlyph};
use skrifa::instance::{LocationRef, Size};
use skrifa::metrics::GlyphMetrics;
use skrifa::{FontRef, MetadataProvider};

use crate::DocumentError;

const REGULAR: &[u8] = include_bytes!("../fonts/LiberationSans-Regular.ttf");
const BOLD: &[u8] = include_bytes!("../fonts/LiberationSans-Bold.ttf");

/// Drawn in place of a character the font has no glyph for (Liberation Sans has no U+FFFD).
/// The text behind it is still the original character, so it is copied and read out as such.
const REPLACEMENT: char = '?';

/// The weight a piece of text is set in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Style {
    Regular,
    Bold,
}

/// Both faces of the document's typeface.
#[derive(Debug)]
pub(crate) struct Fonts {
    regular: Face,
    bold: Face,
}

impl Fonts {
    /// Reads the embedded font files.
    pub(crate) fn load() -> Result<Self, DocumentError> {
        Ok(Self {
            regular: Face::new(REGULAR, "LiberationSans-Regular")?,
            bold: Face::new(BOLD, "LiberationSans-Bold")?,
        })
    }

    /// The face for a style.
    pub(crate) fn face(&self, style: Style) -> &Face {
        match style {
            Style::Regular => &self.regular,
            Style::Bold => &self.bold,
        }
    }
}

/// One font file, readable for measuring and shareable with krilla for drawing.
pub(crate) struct Face {
    outlines: FontRef<'static>,
    metrics: GlyphMetrics<'static>,
    units_per_em: f32,
    ascent: f32,
    descent: f32,
    pdf: Font,
}

impl std::fmt::Debug for Face {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Face")
            .field("units_per_em", &self.units_per_em)
            .finish_non_exhaustive()
    }
}

impl Face {
    fn new(data: &'static [u8], name: &'static str) -> Result<Self, DocumentError> {
        let outlines = FontRef::new(data).map_err(|_| DocumentError::Font(name))?;
        let pdf = Font::new(data.into(), 0).ok_or(DocumentError::Font(name))?;
        let font_metrics = outlines.metrics(Size::unscaled(), LocationRef::default());
        let units_per_em = f32::from(font_metrics.units_per_em);
        Ok(Self {
            metrics: outlines.glyph_metrics(Size::unscaled(), LocationRef::default()),
            outlines,
            units_per_em,
            ascent: font_metrics.ascent / units_per_em,
            descent: -font_metrics.descent / units_per_em,
            pdf,
        })
    }

    /// The font handed to krilla.
    pub(crate) fn pdf_font(&self) -> Font {
        self.pdf.clone()
    }

    /// The height above the baseline, as a fraction of the font size.
    pub(crate) fn ascent(&self) -> f32 {
        self.ascent
    }

    /// The depth below the baseline, as a fraction of the font size (positive).
    pub(crate) fn descent(&self) -> f32 {
        self.descent
    }

    /// Whether the font has a glyph for `c` (others are drawn as [`REPLACEMENT`]).
    #[cfg(test)]
    fn has_glyph(&self, c: char) -> bool {
        self.outlines.charmap().map(c).is_some()
    }

    /// The width of `text` at `size` points (the sum of its glyphs' advances).
    pub(crate) fn width(&self, text: &str, size: f32) -> f32 {
        text.chars().map(|c| self.advance(c)).sum::<f32>() * size
    }

    /// One glyph per character of `text`, positioned by advance alone.
    pub(crate) fn glyphs(&self, text: &str) -> Vec<KrillaGlyph> {
        text.char_indices()
            .map(|(at, c)| {
                let id = self.glyph_id(c);
                KrillaGlyph::new(
                    GlyphId::new(id.to_u32()),
                    self.advance(c),
                    0.0,
                    0.0,
                    0.0,
                    at..at + c.len_utf8(),
                    None,
                )
            })
            .collect()
    }

    fn glyph_id(&self, c: char) -> skrifa::GlyphId {
        let charmap = self.outlines.charmap();
        charmap
            .map(c)
            .or_else(|| charmap.map(REPLACEMENT))
            .unwrap_or(skrifa::GlyphId::NOTDEF)
    }

    /// The advance of `c` as a fraction of the font size.
    fn advance(&self, c: char) -> f32 {
        self.metrics
            .advance_width(self.glyph_id(c))
            .unwrap_or_default()
            / self.units_per_em
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fonts_cover_latin_greek_and_cyrillic_text() {
        let fonts = Fonts::load().unwrap();
        for style in [Style::Regular, Style::Bold] {
            let face = fonts.face(style);
            for c in "Zoë Siân £1,900 – “quoted” ‘single’ € ŁŒŸ Ω Ж ? \u{A0}".chars()
            {
                assert!(face.has_glyph(c), "{style:?} has no glyph for {c:?}");
            }
        }
    }

    #[test]
    fn a_character_without_a_glyph_is_drawn_as_the_replacement_but_keeps_its_text() {
        let fonts = Fonts::load().unwrap();
        let face = fonts.face(Style::Regular);
        let glyphs = face.glyphs("🦀");
        assert_eq!(
            glyphs[0].glyph_id.to_u32(),
            face.glyphs("?")[0].glyph_id.to_u32()
        );
        assert_eq!(glyphs[0].text_range, 0..4);
        assert!((face.width("🦀", 10.0) - face.width("?", 10.0)).abs() < 1e-6);
    }

    #[test]
    fn widths_add_up_and_scale_with_size() {
        let fonts = Fonts::load().unwrap();
        let face = fonts.face(Style::Regular);
        let (a, b) = (face.width("Siân", 10.0), face.width(" Jones", 10.0));
        assert!((face.width("Siân Jones", 10.0) - (a + b)).abs() < 1e-3);
        assert!((face.width("Siân", 20.0) - 2.0 * a).abs() < 1e-3);
        assert!(fonts.face(Style::Bold).width("Siân", 10.0) > a);
    }

    #[test]
    fn glyphs_map_back_to_their_characters() {
        let fonts = Fonts::load().unwrap();
        let glyphs = fonts.face(Style::Regular).glyphs("£ë");
        assert_eq!(glyphs.len(), 2);
        assert_eq!(glyphs[0].text_range, 0..2);
        assert_eq!(glyphs[1].text_range, 2..4);
        assert!(glyphs.iter().all(|g| g.glyph_id.to_u32() != 0));
    }
}
