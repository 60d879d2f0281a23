//! A small reader for the protobuf text format used by Caffe `.prototxt` files.
//!
//! It turns the text into a generic tree of named fields ([`TextMessage`]); `prototxt.rs` then maps
//! the tree onto the typed messages of `proto.rs`. Supported syntax: `name: value`,
//! `name { ... }` / `name: { ... }` / `name < ... >`, list values `name: [1, 2]`, `#` comments,
//! single- or double-quoted strings with C escapes (adjacent strings concatenate), and optional
//! `,` / `;` separators. Every error names the line it was found on.

use crate::error::{Result, bail, invalid};

/// A message in text form: its fields in file order (a repeated field appears once per value).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TextMessage {
    /// Fields in the order they were written.
    pub fields: Vec<TextField>,
}

/// One `name: value` or `name { ... }` entry.
#[derive(Debug, Clone, PartialEq)]
pub struct TextField {
    /// Field name as written.
    pub name: String,
    /// The value.
    pub value: TextValue,
    /// 1-based line of the field name, for error messages.
    pub line: usize,
}

/// The value of a field.
#[derive(Debug, Clone, PartialEq)]
pub enum TextValue {
    /// A number, kept as written (`-1.5e-3`, `7`, `inf`).
    Number(String),
    /// A bare identifier: an enum value or `true` / `false`.
    Identifier(String),
    /// A quoted string, escapes resolved.
    String(String),
    /// A nested message.
    Message(TextMessage),
}

impl TextValue {
    /// A short description of the kind of value, for error messages.
    pub fn kind(&self) -> &'static str {
        match self {
            TextValue::Number(_) => "a number",
            TextValue::Identifier(_) => "an identifier",
            TextValue::String(_) => "a string",
            TextValue::Message(_) => "a message",
        }
    }
}

/// Parses a whole text-format document (the top-level message has no braces).
pub fn parse(text: &str) -> Result<TextMessage> {
    let tokens = tokenize(text)?;
    let mut parser = Parser {
        tokens,
        position: 0,
        depth: 0,
    };
    let message = parser.message(None)?;
    Ok(message)
}

/// A lexical token and the line it starts on.
#[derive(Debug, Clone, PartialEq)]
struct Token {
    kind: TokenKind,
    line: usize,
}

/// The kinds of token of the text format.
#[derive(Debug, Clone, PartialEq)]
enum TokenKind {
    /// Identifier or keyword (`layers`, `MAX`, `true`, `inf`).
    Identifier(String),
    /// Numeric literal as written.
    Number(String),
    /// Quoted string with escapes resolved.
    String(String),
    /// One of `{ } < > [ ] : , ;`.
    Symbol(char),
}

impl TokenKind {
    fn describe(&self) -> String {
        match self {
            TokenKind::Identifier(s) => format!("identifier `{s}`"),
            TokenKind::Number(s) => format!("number `{s}`"),
            TokenKind::String(s) => format!("string {s:?}"),
            TokenKind::Symbol(c) => format!("`{c}`"),
        }
    }
}

fn tokenize(text: &str) -> Result<Vec<Token>> {
    let chars: Vec<char> = text.chars().collect();
    let mut tokens = Vec::new();
    let mut line = 1;
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        match c {
            '\n' => {
                line += 1;
                i += 1;
            }
            c if c.is_whitespace() => i += 1,
            '#' => {
                while chars.get(i).is_some_and(|&c| c != '\n') {
                    i += 1;
                }
            }
            '{' | '}' | '<' | '>' | '[' | ']' | ':' | ',' | ';' => {
                tokens.push(Token {
                    kind: TokenKind::Symbol(c),
                    line,
                });
                i += 1;
            }
            '"' | '\'' => {
                let start_line = line;
                let (value, next) = read_string(&chars, i, &mut line)?;
                i = next;
                // Adjacent string literals concatenate, as in C and protobuf.
                if let Some(Token {
                    kind: TokenKind::String(previous),
                    ..
                }) = tokens.last_mut()
                {
                    previous.push_str(&value);
                } else {
                    tokens.push(Token {
                        kind: TokenKind::String(value),
                        line: start_line,
                    });
                }
            }
            c if c.is_ascii_digit() || c == '-' || c == '+' || c == '.' => {
                let start = i;
                i += 1;
                while let Some(&d) = chars.get(i) {
                    let exponent_sign = (d == '-' || d == '+')
                        && matches!(chars.get(i - 1), Some('e') | Some('E'))
                        && !chars[start..i].iter().any(|c| *c == 'x' || *c == 'X');
                    if d.is_ascii_alphanumeric() || d == '.' || d == '_' || exponent_sign {
                        i += 1;
                    } else {
                        break;
                    }
                }
                let literal: String = chars[start..i].iter().collect();
                tokens.push(Token {
                    kind: TokenKind::Number(literal),
                    line,
                });
            }
            c if c.is_ascii_alphabetic() || c == '_' => {
                let start = i;
                while chars
                    .get(i)
                    .is_some_and(|d| d.is_ascii_alphanumeric() || *d == '_' || *d == '.')
                {
                    i += 1;
                }
                let word: String = chars[start..i].iter().collect();
                tokens.push(Token {
                    kind: TokenKind::Identifier(word),
                    line,
                });
            }
            other => bail!("line {line}: unexpected character {other:?}"),
        }
    }
    Ok(tokens)
}

/// Reads a quoted string starting at `chars[start]` (the quote); returns it and the index after
/// the closing quote.
fn read_string(chars: &[char], start: usize, line: &mut usize) -> Result<(String, usize)> {
    let quote = chars[start];
    let open_line = *line;
    let mut value = String::new();
    let mut i = start + 1;
    loop {
        let Some(&c) = chars.get(i) else {
            bail!("line {open_line}: string is not closed");
        };
        i += 1;
        match c {
            c if c == quote => return Ok((value, i)),
            '\n' => bail!("line {open_line}: string is not closed before the end of the line"),
            '\\' => {
                let Some(&escaped) = chars.get(i) else {
                    bail!("line {open_line}: string ends inside an escape");
                };
                i += 1;
                match escaped {
                    'n' => value.push('\n'),
                    't' => value.push('\t'),
                    'r' => value.push('\r'),
                    'a' => value.push('\u{7}'),
                    'b' => value.push('\u{8}'),
                    'f' => value.push('\u{c}'),
                    'v' => value.push('\u{b}'),
                    '\\' | '\'' | '"' | '?' => value.push(escaped),
                    'x' | 'X' => {
                        let digits = take_while_max(chars, &mut i, 2, |c| c.is_ascii_hexdigit());
                        value.push(code_point(&digits, 16, open_line)?);
                    }
                    '0'..='7' => {
                        i -= 1;
                        let digits = take_while_max(chars, &mut i, 3, |c| ('0'..='7').contains(&c));
                        value.push(code_point(&digits, 8, open_line)?);
                    }
                    other => bail!("line {open_line}: unknown escape `\\{other}` in a string"),
                }
            }
            c => value.push(c),
        }
    }
}

fn take_while_max(
    chars: &[char],
    i: &mut usize,
    max: usize,
    keep: impl Fn(char) -> bool,
) -> String {
    let mut taken = String::new();
    while taken.len() < max {
        match chars.get(*i) {
            Some(&c) if keep(c) => {
                taken.push(c);
                *i += 1;
            }
            _ => break,
        }
    }
    taken
}

fn code_point(digits: &str, radix: u32, line: usize) -> Result<char> {
    let value = u32::from_str_radix(digits, radix)
        .map_err(|_| invalid(format!("line {line}: malformed escape in a string")))?;
    char::from_u32(value).ok_or_else(|| invalid(format!("line {line}: invalid character escape")))
}

/// Recursive-descent parser over the token list.
struct Parser {
    tokens: Vec<Token>,
    position: usize,
    /// Current nesting depth of messages, bounded by [`MAX_DEPTH`].
    depth: usize,
}

/// Deepest message nesting accepted (Caffe definitions nest 3-4 levels); bounds the recursion.
const MAX_DEPTH: usize = 64;

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.position)
    }

    fn next(&mut self) -> Option<Token> {
        let token = self.tokens.get(self.position).cloned();
        self.position += 1;
        token
    }

    fn last_line(&self) -> usize {
        self.tokens.last().map_or(1, |t| t.line)
    }

    /// Parses fields until `close` (or the end of input for the top level).
    fn message(&mut self, close: Option<(char, usize)>) -> Result<TextMessage> {
        if let Some((_, line)) = close {
            self.depth += 1;
            if self.depth > MAX_DEPTH {
                bail!("line {line}: messages nested more than {MAX_DEPTH} deep");
            }
        }
        let message = self.fields_until(close);
        if close.is_some() {
            self.depth -= 1;
        }
        message
    }

    fn fields_until(&mut self, close: Option<(char, usize)>) -> Result<TextMessage> {
        let mut message = TextMessage::default();
        loop {
            let Some(token) = self.next() else {
                if let Some((symbol, line)) = close {
                    bail!(
                        "line {line}: message is not closed: expected `{symbol}` before the end of the file"
                    );
                }
                return Ok(message);
            };
            let name = match token.kind {
                TokenKind::Symbol(c) if Some(c) == close.map(|(c, _)| c) => return Ok(message),
                TokenKind::Identifier(name) => name,
                other => bail!(
                    "line {}: expected a field name, found {}",
                    token.line,
                    other.describe()
                ),
            };
            self.field(&mut message, name, token.line)?;
            if let Some(Token {
                kind: TokenKind::Symbol(',' | ';'),
                ..
            }) = self.peek()
            {
                self.position += 1;
            }
        }
    }

    /// Parses what follows a field name and appends the field(s) to `message`.
    fn field(&mut self, message: &mut TextMessage, name: String, line: usize) -> Result<()> {
        let has_colon = matches!(
            self.peek(),
            Some(Token {
                kind: TokenKind::Symbol(':'),
                ..
            })
        );
        if has_colon {
            self.position += 1;
        }
        let Some(token) = self.next() else {
            bail!("line {line}: field `{name}` has no value");
        };
        match token.kind {
            TokenKind::Symbol(open @ ('{' | '<')) => {
                let close = if open == '{' { '}' } else { '>' };
                let nested = self.message(Some((close, token.line)))?;
                message.fields.push(TextField {
                    name,
                    value: TextValue::Message(nested),
                    line,
                });
            }
            TokenKind::Symbol('[') if has_colon => loop {
                let Some(item) = self.next() else {
                    bail!("line {line}: list of `{name}` is not closed");
                };
                match item.kind {
                    TokenKind::Symbol(']') => break,
                    TokenKind::Symbol(',') => {}
                    TokenKind::Symbol(open @ ('{' | '<')) => {
                        let close = if open == '{' { '}' } else { '>' };
                        let nested = self.message(Some((close, item.line)))?;
                        message.fields.push(TextField {
                            name: name.clone(),
                            value: TextValue::Message(nested),
                            line: item.line,
                        });
                    }
                    kind => {
                        let value = scalar(kind, item.line, &name)?;
                        message.fields.push(TextField {
                            name: name.clone(),
                            value,
                            line: item.line,
                        });
                    }
                }
            },
            kind if has_colon => {
                let value = scalar(kind, token.line, &name)?;
                message.fields.push(TextField { name, value, line });
            }
            kind => bail!(
                "line {}: expected `:` or `{{` after field `{name}`, found {}",
                token.line,
                kind.describe()
            ),
        }
        if self.position > self.tokens.len() {
            bail!("line {}: unexpected end of file", self.last_line());
        }
        Ok(())
    }
}

fn scalar(kind: TokenKind, line: usize, name: &str) -> Result<TextValue> {
    match kind {
        TokenKind::Identifier(word) => Ok(TextValue::Identifier(word)),
        TokenKind::Number(number) => Ok(TextValue::Number(number)),
        TokenKind::String(string) => Ok(TextValue::String(string)),
        TokenKind::Symbol(c) => bail!("line {line}: expected a value for `{name}`, found `{c}`"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field<'a>(message: &'a TextMessage, name: &str) -> &'a TextValue {
        &message
            .fields
            .iter()
            .find(|f| f.name == name)
            .expect("field present in test input")
            .value
    }

    #[test]
    fn parses_nested_messages_comments_lists_and_strings() {
        let text = "name: \"Caffe\" 'Net' # comment\n\
                    input_dim: 1 input_dim: [3, 227]\n\
                    layers { name: 'c\\x41' type: CONVOLUTION convolution_param: < pad: 2; stride: 4, > }\n\
                    layer { param { lr_mult: 1e-3 } blobs_lr: -.5E+2 }";
        let message = parse(text).unwrap();
        assert_eq!(
            field(&message, "name"),
            &TextValue::String("CaffeNet".into())
        );
        let dims: Vec<_> = message
            .fields
            .iter()
            .filter(|f| f.name == "input_dim")
            .collect();
        assert_eq!(dims.len(), 3);
        assert_eq!(dims[2].value, TextValue::Number("227".into()));
        assert_eq!(dims[2].line, 2);
        let TextValue::Message(layer) = field(&message, "layers") else {
            panic!("not a message")
        };
        assert_eq!(field(layer, "name"), &TextValue::String("cA".into()));
        assert_eq!(
            field(layer, "type"),
            &TextValue::Identifier("CONVOLUTION".into())
        );
        let TextValue::Message(conv) = field(layer, "convolution_param") else {
            panic!("not a message")
        };
        assert_eq!(field(conv, "stride"), &TextValue::Number("4".into()));
        let TextValue::Message(layer) = field(&message, "layer") else {
            panic!("not a message")
        };
        assert_eq!(
            field(layer, "blobs_lr"),
            &TextValue::Number("-.5E+2".into())
        );
        let TextValue::Message(param) = field(layer, "param") else {
            panic!("not a message")
        };
        assert_eq!(field(param, "lr_mult"), &TextValue::Number("1e-3".into()));
    }

    #[test]
    fn reports_the_line_of_syntax_errors() {
        let unclosed = parse("layers {\n name: \"a\"\n").unwrap_err().to_string();
        assert!(
            unclosed.contains("line 1") && unclosed.contains("not closed"),
            "{unclosed}"
        );
        let missing_value = parse("a: 1\nb {\n c }\n").unwrap_err().to_string();
        assert!(missing_value.contains("line 3"), "{missing_value}");
        let bad_string = parse("a: \"x\n\"").unwrap_err().to_string();
        assert!(bad_string.contains("line 1"), "{bad_string}");
        let stray = parse("a: 1 }").unwrap_err().to_string();
        assert!(stray.contains("expected a field name"), "{stray}");
        let bad_char = parse("a: 1\n  @").unwrap_err().to_string();
        assert!(bad_char.contains("line 2"), "{bad_char}");
    }

    #[test]
    fn random_input_never_panics() {
        // Fragments of the syntax glued at random: every outcome must be Ok or Err, never a panic.
        const PIECES: [&str; 16] = [
            "a", "{", "}", "<", ">", "[", "]", ":", ",", ";", "\"x\\", "'\\1", "-1e", "# c\n",
            "\n", " ",
        ];
        let mut state = 12_345u32;
        for _ in 0..5_000 {
            let mut text = String::new();
            for _ in 0..(state % 24) {
                state = state.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
                text.push_str(PIECES[(state >> 16) as usize % PIECES.len()]);
            }
            let _ = parse(&text);
            let _ = crate::caffe::prototxt::parse_net(&text);
        }
        let deep = format!("{}{}", "a {".repeat(100_000), "}".repeat(100_000));
        let error = parse(&deep).unwrap_err().to_string();
        assert!(error.contains("nested more than 64"), "{error}");
        assert!(parse(&format!("{}{}", "a {".repeat(60), "}".repeat(60))).is_ok());
    }
}
