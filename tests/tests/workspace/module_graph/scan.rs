//! Reading one file of a crate for the module graph: the `mod name;` declarations it makes
//! (and the inline `mod name { … }` blocks they sit in), and every `crate::`, `self::` and
//! `super::` path it names, in `use` trees and in code, with its line. Items marked
//! `#[cfg(test)]` are dropped first, since tests may reach across modules.

use crate::lexer::{Spanned, Token};

/// A path named in a file, with the inline modules it sits in (which `self` and `super` are
/// relative to) and its line.
pub(super) struct Reference {
    pub(super) inline: Vec<String>,
    pub(super) segments: Vec<String>,
    pub(super) line: usize,
}

/// What one file declares and names.
pub(super) struct Scanned {
    pub(super) declarations: Vec<(Vec<String>, String, usize)>,
    pub(super) references: Vec<Reference>,
}

fn is_punct(tokens: &[Spanned], index: usize, c: char) -> bool {
    tokens
        .get(index)
        .is_some_and(|spanned| spanned.token == Token::Punct(c))
}

fn is_ident(tokens: &[Spanned], index: usize, word: &str) -> bool {
    matches!(tokens.get(index), Some(Spanned { token: Token::Ident(found), .. }) if found == word)
}

fn ident_at(tokens: &[Spanned], index: usize) -> Option<&str> {
    match tokens.get(index) {
        Some(Spanned {
            token: Token::Ident(word),
            ..
        }) => Some(word),
        _ => None,
    }
}

/// Index just past a bracketed group that opens at `open`.
fn skip_group(tokens: &[Spanned], open: usize) -> usize {
    let mut depth = 0usize;
    let mut index = open;
    while index < tokens.len() {
        match tokens[index].token {
            Token::Punct('(' | '[' | '{') => depth += 1,
            Token::Punct(')' | ']' | '}') => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return index + 1;
                }
            }
            _ => {}
        }
        index += 1;
    }
    index
}

/// True when the tokens at `index` are exactly `#[cfg(test)]` (or `#![cfg(test)]`).
fn cfg_test_at(tokens: &[Spanned], index: usize) -> Option<(bool, usize)> {
    if !is_punct(tokens, index, '#') {
        return None;
    }
    let inner = is_punct(tokens, index + 1, '!');
    let at = if inner { index + 2 } else { index + 1 };
    let matches = is_punct(tokens, at, '[')
        && is_ident(tokens, at + 1, "cfg")
        && is_punct(tokens, at + 2, '(')
        && is_ident(tokens, at + 3, "test")
        && is_punct(tokens, at + 4, ')')
        && is_punct(tokens, at + 5, ']');
    matches.then_some((inner, at + 6))
}

/// Drops every item marked `#[cfg(test)]`; a file marked `#![cfg(test)]` is dropped whole.
pub(super) fn without_test_code(tokens: Vec<Spanned>) -> Vec<Spanned> {
    let mut kept = Vec::with_capacity(tokens.len());
    let mut index = 0;
    while index < tokens.len() {
        let Some((inner, mut after)) = cfg_test_at(&tokens, index) else {
            kept.push(tokens[index].clone());
            index += 1;
            continue;
        };
        if inner {
            return Vec::new();
        }
        // Further attributes belong to the same item.
        while is_punct(&tokens, after, '#') && is_punct(&tokens, after + 1, '[') {
            after = skip_group(&tokens, after + 1);
        }
        // The item ends at a `;` or `,` outside brackets, after its closing `}`, or where the
        // enclosing bracket closes (a field or argument at the end of a list).
        let mut depth = 0usize;
        while after < tokens.len() {
            match tokens[after].token {
                Token::Punct('(' | '[' | '{') => depth += 1,
                Token::Punct(close @ (')' | ']' | '}')) => {
                    if depth == 0 {
                        break;
                    }
                    depth -= 1;
                    if depth == 0 && close == '}' {
                        after += 1;
                        break;
                    }
                }
                Token::Punct(';' | ',') if depth == 0 => {
                    after += 1;
                    break;
                }
                _ => {}
            }
            after += 1;
        }
        index = after;
    }
    kept
}

/// Finds the file's `mod name;` declarations and the paths it names.
pub(super) fn scan(tokens: &[Spanned]) -> Scanned {
    let mut declarations = Vec::new();
    let mut references = Vec::new();
    // The inline `mod name { … }` blocks the scan is inside, with the brace depth each opened at.
    let mut inline: Vec<(String, usize)> = Vec::new();
    let mut depth = 0usize;
    let mut index = 0;
    let names = |inline: &[(String, usize)]| {
        inline
            .iter()
            .map(|(name, _)| name.clone())
            .collect::<Vec<_>>()
    };
    while index < tokens.len() {
        let line = tokens[index].line;
        if is_ident(tokens, index, "mod")
            && let Some(name) = ident_at(tokens, index + 1)
        {
            if is_punct(tokens, index + 2, ';') {
                declarations.push((names(&inline), name.to_owned(), line));
                index += 3;
                continue;
            }
            if is_punct(tokens, index + 2, '{') {
                depth += 1;
                inline.push((name.to_owned(), depth));
                index += 3;
                continue;
            }
        }
        match &tokens[index].token {
            Token::Punct('{') => depth += 1,
            Token::Punct('}') => {
                if inline.last().is_some_and(|(_, opened)| *opened == depth) {
                    inline.pop();
                }
                depth = depth.saturating_sub(1);
            }
            Token::Ident(word) if word == "use" => {
                let mut paths = Vec::new();
                let end = parse_use_tree(tokens, index + 1, Vec::new(), &mut paths);
                for segments in paths {
                    references.push(Reference {
                        inline: names(&inline),
                        segments,
                        line,
                    });
                }
                index = end.max(index + 1);
                continue;
            }
            Token::Ident(word) if matches!(word.as_str(), "crate" | "self" | "super") => {
                let after_separator = index > 0 && tokens[index - 1].token == Token::PathSep;
                if !after_separator
                    && tokens
                        .get(index + 1)
                        .is_some_and(|next| next.token == Token::PathSep)
                {
                    let mut segments = vec![word.clone()];
                    let mut at = index + 1;
                    while tokens
                        .get(at)
                        .is_some_and(|token| token.token == Token::PathSep)
                    {
                        let Some(segment) = ident_at(tokens, at + 1) else {
                            break;
                        };
                        segments.push(segment.to_owned());
                        at += 2;
                    }
                    references.push(Reference {
                        inline: names(&inline),
                        segments,
                        line,
                    });
                    index = at;
                    continue;
                }
            }
            _ => {}
        }
        index += 1;
    }
    Scanned {
        declarations,
        references,
    }
}

/// Parses one use tree starting at `index` under `prefix`, appending each full path it imports
/// (`use a::{b, c::*}` imports `a::b` and `a::c`); returns the index after the tree.
fn parse_use_tree(
    tokens: &[Spanned],
    mut index: usize,
    prefix: Vec<String>,
    out: &mut Vec<Vec<String>>,
) -> usize {
    let mut path = prefix;
    if tokens
        .get(index)
        .is_some_and(|token| token.token == Token::PathSep)
    {
        index += 1;
    }
    loop {
        match tokens.get(index).map(|token| &token.token) {
            Some(Token::Ident(name)) => {
                // `self` in a group (`use a::{self, b}`) imports the group's own prefix.
                if name != "self" || path.is_empty() {
                    path.push(name.clone());
                }
                index += 1;
                if tokens
                    .get(index)
                    .is_some_and(|token| token.token == Token::PathSep)
                {
                    index += 1;
                    continue;
                }
                if is_ident(tokens, index, "as") {
                    index += 2;
                }
                out.push(path);
                return index;
            }
            Some(Token::Punct('*')) => {
                out.push(path);
                return index + 1;
            }
            Some(Token::Punct('{')) => {
                index += 1;
                while index < tokens.len() && !is_punct(tokens, index, '}') {
                    let next = parse_use_tree(tokens, index, path.clone(), out);
                    index = next.max(index + 1);
                    if is_punct(tokens, index, ',') {
                        index += 1;
                    }
                }
                return index + 1;
            }
            _ => {
                if !path.is_empty() {
                    out.push(path);
                }
                return index;
            }
        }
    }
}
