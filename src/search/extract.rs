//! The searchable text of a rendered page, split at its headings so a result can link the
//! heading it was found under (`…/facebook/#so-widersprechen-sie`).
//!
//! Read with html5ever's tokenizer, so entities are decoded as a browser would. Code blocks are
//! left out: they are commands and config, not what readers search for.

use std::cell::RefCell;

use html5ever::tendril::StrTendril;
use html5ever::tokenizer::{
    BufferQueue, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
};

/// The text of one page: what comes before its first heading, then one part per heading.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PageText {
    pub sections: Vec<Section>,
}

/// The text under one heading (`h2` or `h3`), whitespace collapsed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Section {
    /// The heading's text; empty for the text before the first heading.
    pub heading: String,
    /// The heading's `id`; empty for the text before the first heading.
    pub anchor: String,
    pub text: String,
}

/// Headings that start a new section of a result; deeper ones are part of the text.
const SPLIT_AT: [&str; 2] = ["h2", "h3"];
/// Elements whose text is not searched.
const SKIPPED: [&str; 4] = ["pre", "script", "style", "template"];

/// Splits a rendered body into its sections.
pub fn page_text(html: &str) -> PageText {
    let sink = TextSink::default();
    let input = BufferQueue::default();
    input.push_back(StrTendril::from_slice(html));
    let tokenizer = Tokenizer::new(sink, TokenizerOpts::default());
    let _ = tokenizer.feed(&input);
    tokenizer.end();
    let state = tokenizer.sink.state.into_inner();
    let mut sections = state.sections;
    for s in &mut sections {
        s.text = collapse(&s.text);
        // The permalink sign of a heading (`<a class="anchor">#</a>`) is not part of its title.
        s.heading = collapse(s.heading.trim_start_matches('#'));
    }
    sections.retain(|s| !s.text.is_empty() || !s.anchor.is_empty());
    PageText { sections }
}

fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[derive(Default)]
struct TextSink {
    state: RefCell<TextState>,
}

#[derive(Default)]
struct TextState {
    sections: Vec<Section>,
    /// Inside a heading that starts a section.
    in_heading: bool,
    /// Depth of skipped elements (code blocks).
    skipping: usize,
}

impl TextState {
    fn current(&mut self) -> &mut Section {
        if self.sections.is_empty() {
            self.sections.push(Section::default());
        }
        let last = self.sections.len() - 1;
        &mut self.sections[last]
    }
}

impl TokenSink for TextSink {
    type Handle = ();

    fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
        let mut st = self.state.borrow_mut();
        match token {
            Token::TagToken(tag) => {
                let name: &str = &tag.name;
                match tag.kind {
                    TagKind::StartTag if SKIPPED.contains(&name) => st.skipping += 1,
                    TagKind::EndTag if SKIPPED.contains(&name) => {
                        st.skipping = st.skipping.saturating_sub(1)
                    }
                    TagKind::StartTag if SPLIT_AT.contains(&name) && st.skipping == 0 => {
                        let anchor = tag
                            .attrs
                            .iter()
                            .find(|a| &*a.name.local == "id")
                            .map(|a| a.value.to_string())
                            .unwrap_or_default();
                        st.sections.push(Section {
                            anchor,
                            ..Section::default()
                        });
                        st.in_heading = true;
                    }
                    TagKind::EndTag if SPLIT_AT.contains(&name) => st.in_heading = false,
                    // Block boundaries separate words; inline tags do not.
                    _ if !is_inline(name) => {
                        if st.in_heading {
                            st.current().heading.push(' ');
                        } else {
                            st.current().text.push(' ');
                        }
                    }
                    _ => {}
                }
            }
            Token::CharacterTokens(text) if st.skipping == 0 => {
                if st.in_heading {
                    st.current().heading.push_str(&text);
                } else {
                    st.current().text.push_str(&text);
                }
            }
            _ => {}
        }
        TokenSinkResult::Continue
    }
}

fn is_inline(name: &str) -> bool {
    matches!(
        name,
        "a" | "abbr"
            | "b"
            | "cite"
            | "code"
            | "em"
            | "i"
            | "kbd"
            | "mark"
            | "q"
            | "s"
            | "small"
            | "span"
            | "strong"
            | "sub"
            | "sup"
            | "time"
            | "u"
            | "wbr"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_follow_headings_and_skip_code() {
        let html = "<p>Vorab &amp; kurz.</p>\n<h2 id=\"so-geht-es\"><a class=\"anchor\" href=\"#so-geht-es\" aria-hidden=\"true\" tabindex=\"-1\">#</a>So geht <em>es</em></h2>\n<p>Öffnen Sie das Formular.</p><pre><code>curl https://x</code></pre><h4>Detail</h4><p>Mehr</p>\n<h3 id=\"b\">B</h3><ul><li>eins</li><li>zwei</li></ul>";
        let text = page_text(html);
        let got: Vec<(&str, &str, &str)> = text
            .sections
            .iter()
            .map(|s| (s.heading.as_str(), s.anchor.as_str(), s.text.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("", "", "Vorab & kurz."),
                (
                    "So geht es",
                    "so-geht-es",
                    "Öffnen Sie das Formular. Detail Mehr"
                ),
                ("B", "b", "eins zwei"),
            ]
        );
    }
}
