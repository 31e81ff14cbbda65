//! The line breaker, hand-written because krilla draws glyphs but does no text layout.
//!
//! Greedy and deliberately small: each `'\n'` starts a new line; within a line, words
//! (separated by spaces) are added while they fit; a word wider than a whole line (a URL, a
//! record hash) is broken after the last of `/ - _ . ? & = # :` that still fits, or else
//! between characters, so that nothing runs past the margin. Runs of spaces collapse to one;
//! no-break spaces (U+00A0) are not break opportunities. Widths come from a `measure`
//! function, so the breaker is independent of fonts and sizes.

/// Characters after which a too-long word may be broken in preference to anywhere else.
const SOFT_BREAKS: &[char] = &['/', '-', '_', '.', '?', '&', '=', '#', ':'];

/// Breaks `text` into lines no wider than `width` as measured by `measure`, which must be
/// additive (the width of two strings joined is the sum of their widths). A single character
/// wider than `width` still gets a line of its own. Always returns at least one line.
pub(crate) fn wrap(text: &str, width: f32, measure: impl Fn(&str) -> f32) -> Vec<String> {
    let mut lines = Vec::new();
    for line in text.split('\n') {
        wrap_line(line.trim_end_matches('\r'), width, &measure, &mut lines);
    }
    lines
}

/// Wraps one line of text (no newlines) onto `lines`.
fn wrap_line(text: &str, width: f32, measure: &impl Fn(&str) -> f32, lines: &mut Vec<String>) {
    let space = measure(" ");
    let mut line = String::new();
    let mut line_width = 0.0;
    for word in text.split(' ').filter(|word| !word.is_empty()) {
        let word_width = measure(word);
        if !line.is_empty() && line_width + space + word_width <= width {
            line.push(' ');
            line.push_str(word);
            line_width += space + word_width;
            continue;
        }
        if !line.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        if word_width <= width {
            line = word.to_owned();
            line_width = word_width;
        } else {
            let mut pieces = break_word(word, width, measure);
            line = pieces.pop().unwrap_or_default();
            line_width = measure(&line);
            lines.extend(pieces);
        }
    }
    lines.push(line);
}

/// Breaks a word wider than `width` into pieces that fit, preferring to break after one of
/// [`SOFT_BREAKS`].
fn break_word(word: &str, width: f32, measure: &impl Fn(&str) -> f32) -> Vec<String> {
    let mut pieces = Vec::new();
    let mut rest = word;
    while !rest.is_empty() {
        let end = fitting_prefix(rest, width, measure);
        let (piece, tail) = rest.split_at(end);
        pieces.push(piece.to_owned());
        rest = tail;
    }
    pieces
}

/// The byte length of the longest prefix of `text` that fits in `width`, cut after a soft
/// break if there is one in it; at least one character.
fn fitting_prefix(text: &str, width: f32, measure: &impl Fn(&str) -> f32) -> usize {
    let mut used = 0.0;
    let mut fits = 0;
    let mut soft = None;
    for (at, c) in text.char_indices() {
        let end = at + c.len_utf8();
        used += measure(&text[at..end]);
        if used > width && fits > 0 {
            return soft.unwrap_or(fits);
        }
        fits = end;
        if SOFT_BREAKS.contains(&c) {
            soft = Some(end);
        }
    }
    fits
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every character is one unit wide.
    fn chars(text: &str) -> f32 {
        text.chars().count() as f32
    }

    fn wrap10(text: &str) -> Vec<String> {
        wrap(text, 10.0, chars)
    }

    #[test]
    fn short_text_is_one_line() {
        assert_eq!(wrap10("Zoë Siân"), ["Zoë Siân"]);
    }

    #[test]
    fn words_fill_lines_up_to_the_width() {
        assert_eq!(
            wrap10("one two three four five six"),
            ["one two", "three four", "five six"]
        );
        for line in wrap(&"lorem ipsum dolor sit amet ".repeat(20), 23.0, chars) {
            assert!(chars(&line) <= 23.0, "{line:?} is too wide");
        }
    }

    #[test]
    fn a_word_exactly_the_width_fits() {
        assert_eq!(wrap10("abcdefghij klm"), ["abcdefghij", "klm"]);
    }

    #[test]
    fn explicit_newlines_are_kept_including_blank_lines() {
        assert_eq!(
            wrap10("first\n\nsecond\r\nthird"),
            ["first", "", "second", "third"]
        );
    }

    #[test]
    fn empty_text_is_one_empty_line() {
        assert_eq!(wrap10(""), [""]);
    }

    #[test]
    fn runs_of_spaces_collapse_but_no_break_spaces_do_not_break() {
        assert_eq!(wrap10("a   b"), ["a b"]);
        assert_eq!(wrap10("abcd ef\u{A0}ghij"), ["abcd", "ef\u{A0}ghij"]);
    }

    #[test]
    fn long_words_are_broken_between_characters() {
        let hash = "3fa19c0e5b7d2a4f8e6c1b9d0a7f3e5c";
        let lines = wrap(&format!("Record {hash} ok"), 10.0, chars);
        assert_eq!(
            lines,
            ["Record", "3fa19c0e5b", "7d2a4f8e6c", "1b9d0a7f3e", "5c ok"]
        );
        assert_eq!(lines[1..4].concat() + &lines[4][..2], hash);
    }

    #[test]
    fn long_urls_are_broken_after_slashes_where_possible() {
        assert_eq!(
            wrap10("https://example.org/a/bcdefgh"),
            ["https://", "example.", "org/a/", "bcdefgh"]
        );
    }

    #[test]
    fn a_character_wider_than_the_line_still_progresses() {
        assert_eq!(wrap("WWW", 0.5, chars), ["W", "W", "W"]);
    }

    #[test]
    fn unicode_is_never_split_inside_a_character() {
        let lines = wrap("ëëëëëëëëëëëë", 5.0, chars);
        assert_eq!(lines, ["ëëëëë", "ëëëëë", "ëë"]);
    }
}
