//! A small Rust lexer that drops comments and string, byte-string and character literals and
//! yields the identifiers and punctuation left over, each with its line number.
//!
//! The import-circle guard matches paths such as `crate::a::b`; without this step a path named
//! in a doc comment or an error message would count as a dependency and the guard would report
//! circles that the compiler never sees.

/// One token of the stripped source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Token {
    /// An identifier or keyword (`r#type` is given as `type`).
    Ident(String),
    /// The path separator `::`.
    PathSep,
    /// Any other single punctuation character.
    Punct(char),
}

/// A token and the 1-based line it starts on, so a reported edge can point at its source line.
#[derive(Debug, Clone)]
pub struct Spanned {
    pub token: Token,
    pub line: usize,
}

/// Splits Rust source into tokens, skipping whitespace, comments, literals and lifetimes.
pub fn tokenize(source: &str) -> Vec<Spanned> {
    let chars: Vec<char> = source.chars().collect();
    let mut tokens = Vec::new();
    let mut line = 1;
    let mut index = 0;
    while index < chars.len() {
        let current = chars[index];
        let next = chars.get(index + 1).copied();
        let start_line = line;
        if current == '\n' {
            line += 1;
            index += 1;
        } else if current.is_whitespace() {
            index += 1;
        } else if current == '/' && next == Some('/') {
            while index < chars.len() && chars[index] != '\n' {
                index += 1;
            }
        } else if current == '/' && next == Some('*') {
            index = skip_block_comment(&chars, index, &mut line);
        } else if let Some(end) = raw_string_end(&chars, index, &mut line) {
            index = end;
        } else if current == '"'
            || (current == 'b' && next == Some('"'))
            || (current == 'c' && next == Some('"'))
        {
            let quote = if current == '"' { index } else { index + 1 };
            index = skip_quoted(&chars, quote, '"', &mut line);
        } else if current == '\'' || (current == 'b' && next == Some('\'')) {
            let quote = if current == '\'' { index } else { index + 1 };
            index = skip_char_or_lifetime(&chars, quote, &mut line);
        } else if current == 'r'
            && next == Some('#')
            && chars.get(index + 2).is_some_and(|c| is_ident_start(*c))
        {
            // A raw identifier such as `r#type` names the identifier after the `#`.
            let (word, end) = read_ident(&chars, index + 2);
            tokens.push(Spanned {
                token: Token::Ident(word),
                line: start_line,
            });
            index = end;
        } else if is_ident_start(current) {
            let (word, end) = read_ident(&chars, index);
            tokens.push(Spanned {
                token: Token::Ident(word),
                line: start_line,
            });
            index = end;
        } else if current.is_ascii_digit() {
            // Numbers never form part of a module path; their suffixes (`1u32`) go with them.
            while index < chars.len()
                && (chars[index].is_alphanumeric() || chars[index] == '_' || chars[index] == '.')
            {
                if chars[index] == '.' && !chars.get(index + 1).is_some_and(char::is_ascii_digit) {
                    break;
                }
                index += 1;
            }
        } else if current == ':' && next == Some(':') {
            tokens.push(Spanned {
                token: Token::PathSep,
                line: start_line,
            });
            index += 2;
        } else {
            tokens.push(Spanned {
                token: Token::Punct(current),
                line: start_line,
            });
            index += 1;
        }
    }
    tokens
}

fn is_ident_start(c: char) -> bool {
    c.is_alphabetic() || c == '_'
}

fn read_ident(chars: &[char], start: usize) -> (String, usize) {
    let mut end = start;
    while end < chars.len() && (chars[end].is_alphanumeric() || chars[end] == '_') {
        end += 1;
    }
    (chars[start..end].iter().collect(), end)
}

/// Block comments nest in Rust, so `/* a /* b */ c */` is one comment.
fn skip_block_comment(chars: &[char], start: usize, line: &mut usize) -> usize {
    let mut depth = 0;
    let mut index = start;
    while index < chars.len() {
        if chars[index] == '/' && chars.get(index + 1) == Some(&'*') {
            depth += 1;
            index += 2;
        } else if chars[index] == '*' && chars.get(index + 1) == Some(&'/') {
            depth -= 1;
            index += 2;
            if depth == 0 {
                return index;
            }
        } else {
            if chars[index] == '\n' {
                *line += 1;
            }
            index += 1;
        }
    }
    index
}

/// Recognises `r"…"`, `r#"…"#`, `br"…"` and `cr"…"` and returns the index after the literal.
fn raw_string_end(chars: &[char], start: usize, line: &mut usize) -> Option<usize> {
    let mut index = start;
    if matches!(chars.get(index), Some('b' | 'c')) {
        index += 1;
    }
    if chars.get(index) != Some(&'r') {
        return None;
    }
    index += 1;
    let mut hashes = 0;
    while chars.get(index) == Some(&'#') {
        hashes += 1;
        index += 1;
    }
    if chars.get(index) != Some(&'"') {
        return None;
    }
    index += 1;
    while index < chars.len() {
        if chars[index] == '"' && (1..=hashes).all(|offset| chars.get(index + offset) == Some(&'#'))
        {
            return Some(index + 1 + hashes);
        }
        if chars[index] == '\n' {
            *line += 1;
        }
        index += 1;
    }
    Some(index)
}

/// Skips a literal from its opening `quote` to the matching unescaped closing one.
fn skip_quoted(chars: &[char], quote: usize, delimiter: char, line: &mut usize) -> usize {
    let mut index = quote + 1;
    while index < chars.len() {
        match chars[index] {
            '\\' => {
                if chars.get(index + 1) == Some(&'\n') {
                    *line += 1;
                }
                index += 2;
            }
            '\n' => {
                *line += 1;
                index += 1;
            }
            c if c == delimiter => return index + 1,
            _ => index += 1,
        }
    }
    index
}

/// A `'` starts either a character literal (`'a'`, `'\n'`) or a lifetime (`'a`); a lifetime is
/// dropped too, since it is never part of a module path.
fn skip_char_or_lifetime(chars: &[char], quote: usize, line: &mut usize) -> usize {
    if chars.get(quote + 1) == Some(&'\\') {
        return skip_quoted(chars, quote, '\'', line);
    }
    if chars.get(quote + 2) == Some(&'\'') {
        return quote + 3;
    }
    let mut index = quote + 1;
    while index < chars.len() && (chars[index].is_alphanumeric() || chars[index] == '_') {
        index += 1;
    }
    index
}

#[test]
fn comments_strings_and_characters_are_dropped() {
    let source = "use crate::a; // crate::in_line\n/* crate::in_block /* nested */ crate::after_nested */\n\
                  let s = \"crate::in_string\";\n\
                  let r = r#\"crate::in_raw \"quoted\"\"#; let c = '\"'; fn f<'a>(x: &'a str) { crate::g::h(); }";
    let idents: Vec<String> = tokenize(source)
        .into_iter()
        .filter_map(|spanned| match spanned.token {
            Token::Ident(word) => Some(word),
            _ => None,
        })
        .collect();
    let text = idents.join(" ");
    assert!(text.contains("crate a"), "{text}");
    assert!(text.contains("crate g h"), "{text}");
    for hidden in [
        "in_line",
        "in_block",
        "nested",
        "after_nested",
        "in_string",
        "in_raw",
        "quoted",
    ] {
        assert!(
            !idents.iter().any(|word| word == hidden),
            "`{hidden}` should have been stripped: {text}"
        );
    }
}

#[test]
fn lines_are_counted_through_comments_and_strings() {
    let source = "/* one\ntwo */\nlet s = \"three\nfour\";\ncrate";
    let last = tokenize(source).pop().expect("a token");
    assert_eq!(last.token, Token::Ident("crate".to_owned()));
    assert_eq!(last.line, 5);
}
