//! The shipped site: it passes `check`, every guide is complete in both languages, every guide's
//! opt-out box says what the fact sheet says (pinned in `VERDICTS`) and what its own text says, and
//! every external URL and every day-precise source date comes from the sourced fact sheet.
//!
//! The fact sheet lives beside the repository (`../shared/facts/facts.md`) on the project's machines
//! and in CI. A fresh clone elsewhere has no sheet: the tests that read it then say on stderr that
//! they were skipped and why, and every other test still runs.

use std::path::PathBuf;

use optout::build::{BuildOptions, Project};
use optout::content::{Certainty, GuideMeta, OptOutMethod, SourceDate};
use optout::site::Node;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn shipped() -> Project {
    Project::load(BuildOptions {
        root: repo(),
        strict: true,
        ..Default::default()
    })
    .unwrap_or_else(|e| panic!("the shipped site does not load:\n{e}"))
}

fn guides(project: &Project) -> impl Iterator<Item = (&Node, &GuideMeta)> {
    project
        .site
        .nodes
        .iter()
        .filter_map(|n| n.doc.meta.guide.as_ref().map(|g| (n, g)))
}

fn file_of(node: &Node) -> String {
    node.doc.display_path().display().to_string()
}

// ---------------------------------------------------------------------------------------------
// The verdicts of the fact sheet, pinned.
// ---------------------------------------------------------------------------------------------

/// What the fact sheet (`../shared/facts/facts.md`, compiled 29 Nov 2026, extended 5 Dec 2026)
/// says about each guide's procedure. The sheet is prose, not data, so its verdicts are copied here
/// by hand: an edit that turns "unclear" into "no", drops a deadline or adds an unconfirmed button
/// fails this table until someone re-checks the sheet and changes both.
///
/// Part B of issue 12 appends rows here for its guides (YouTube, Adobe, Microsoft and the AI chat
/// assistants in `content/assistants/`).
struct Verdict {
    platform: &'static str,
    method: OptOutMethod,
    /// Whether the sheet confirms the address of the form, setting or e-mail (then the box has a
    /// button); `false` for a procedure whose address or menu path is only ⚠️/❓.
    confirmed_address: bool,
    /// `None` where the guide does not state it at all.
    retroactive: Option<Certainty>,
    regions: &'static [&'static str],
    deadline: Option<&'static str>,
}

const VERDICTS: &[Verdict] = &[
    // 1.1: objection form, direct link ✅ (Saxony-Anhalt DPA); retroactive "No" ✅; EU/EEA ✅
    // (UK ⚠️, CH ❓); keep all content out: before 27 May 2025, consumer advice "by 26 May 2025" ✅.
    Verdict {
        platform: "facebook",
        method: OptOutMethod::Form,
        confirmed_address: true,
        retroactive: Some(Certainty::No),
        regions: &["EU", "EEA"],
        deadline: Some("2025-05-26"),
    },
    Verdict {
        platform: "instagram",
        method: OptOutMethod::Form,
        confirmed_address: true,
        retroactive: Some(Certainty::No),
        regions: &["EU", "EEA"],
        deadline: Some("2025-05-26"),
    },
    // 2: setting with direct link ✅; retroactive "No" ✅; EU, EEA, CH, UK ✅; before 3 Nov 2025 ✅.
    Verdict {
        platform: "linkedin",
        method: OptOutMethod::Setting,
        confirmed_address: true,
        retroactive: Some(Certainty::No),
        regions: &["EU", "EEA", "CH", "UK"],
        deadline: Some("2025-11-03"),
    },
    // 1.2, 1.5: Meta AI chats → Meta's objection form ✅; WhatsApp's general form ❓ for AI
    // training, and which Meta form covers WhatsApp ❓ → a form without a confirmed address.
    Verdict {
        platform: "whatsapp",
        method: OptOutMethod::Form,
        confirmed_address: false,
        retroactive: Some(Certainty::No),
        regions: &["EU", "EEA"],
        deadline: None,
    },
    // 1.3: no Threads-specific channel found; route ❓ → unknown, not none.
    Verdict {
        platform: "threads",
        method: OptOutMethod::Unknown,
        confirmed_address: false,
        retroactive: Some(Certainty::Unknown),
        regions: &["EU", "EEA"],
        deadline: None,
    },
    // 3: setting with direct link ✅; retroactive "No indication" ⚠️ → unknown.
    Verdict {
        platform: "x",
        method: OptOutMethod::Setting,
        confirmed_address: true,
        retroactive: Some(Certainty::Unknown),
        regions: &["EU", "EEA", "UK"],
        deadline: None,
    },
    // 6: objection via a form ✅ (address not given); setting name ⚠️; EEA/CH/UK version.
    Verdict {
        platform: "pinterest",
        method: OptOutMethod::Form,
        confirmed_address: false,
        retroactive: Some(Certainty::Unknown),
        regions: &["EU", "EEA", "CH", "UK"],
        deadline: None,
    },
    // 6: setting ✅; Tumblr and WordPress.com paths ⚠️ (the announcement is not the setting);
    // global.
    Verdict {
        platform: "tumblr",
        method: OptOutMethod::Setting,
        confirmed_address: false,
        retroactive: Some(Certainty::Unknown),
        regions: &["global"],
        deadline: None,
    },
    // 5: no AI-specific mechanism ❓, general GDPR objection listed; no address in the sheet.
    Verdict {
        platform: "reddit",
        method: OptOutMethod::Email,
        confirmed_address: false,
        retroactive: Some(Certainty::Unknown),
        regions: &["EU", "EEA", "CH", "UK"],
        deadline: None,
    },
    // 6: e-mail to feedback@slack.com ✅; global.
    Verdict {
        platform: "slack",
        method: OptOutMethod::Email,
        confirmed_address: true,
        retroactive: Some(Certainty::Unknown),
        regions: &["global"],
        deadline: None,
    },
    // Part B (content/guides/{youtube,adobe,microsoft}, content/assistants/).
    // 4 "YouTube": setting "Third-party training" in YouTube Studio ✅, no menu path or address;
    // opt-in, default off; nothing on past training; no regional limit stated.
    Verdict {
        platform: "youtube",
        method: OptOutMethod::Setting,
        confirmed_address: false,
        retroactive: Some(Certainty::Unknown),
        regions: &["global"],
        deadline: None,
    },
    // 6 "Adobe": no generative-AI training on customer content; separate opt-out from
    // product-improvement ML ✅ without a place or address; global.
    Verdict {
        platform: "adobe",
        method: OptOutMethod::Setting,
        confirmed_address: false,
        retroactive: Some(Certainty::Unknown),
        regions: &["global"],
        deadline: None,
    },
    // 6 "Microsoft" (regions "varies", EEA ❓) and 12.5: Copilot toggles ⚠️ (how-to sites only).
    Verdict {
        platform: "microsoft",
        method: OptOutMethod::Setting,
        confirmed_address: false,
        retroactive: Some(Certainty::Unknown),
        regions: &["global"],
        deadline: None,
    },
    // 12.2: setting "Improve the model for everyone", menu paths ✅ but no address; signed out
    // too; "on a going-forward basis only" ✅; help pages do not distinguish regions.
    Verdict {
        platform: "chatgpt",
        method: OptOutMethod::Setting,
        confirmed_address: false,
        retroactive: Some(Certainty::No),
        regions: &["global"],
        deadline: None,
    },
    // 12.3: setting "Help improve Claude" ✅ (address given without scheme, so not linked); past
    // data cannot be withdrawn ✅; consumer tiers worldwide; decision date disputed (28 Sept or
    // 8 Oct 2025) and not an objection deadline → none.
    Verdict {
        platform: "claude",
        method: OptOutMethod::Setting,
        confirmed_address: false,
        retroactive: Some(Certainty::No),
        regions: &["global"],
        deadline: None,
    },
    // 12.4: "Keep Activity" off ✅ (how-to sources, no Google page); retroactive ❓.
    Verdict {
        platform: "gemini",
        method: OptOutMethod::Setting,
        confirmed_address: false,
        retroactive: Some(Certainty::Unknown),
        regions: &["global"],
        deadline: None,
    },
    // 12.5: "Model training on text" / "… on voice" ⚠️; EEA ❓.
    Verdict {
        platform: "copilot",
        method: OptOutMethod::Setting,
        confirmed_address: false,
        retroactive: Some(Certainty::Unknown),
        regions: &["global"],
        deadline: None,
    },
    // 12.7: toggle ✅ (menu paths, no address); "forward-looking; nothing said on past data" ⚠️.
    Verdict {
        platform: "le-chat",
        method: OptOutMethod::Setting,
        confirmed_address: false,
        retroactive: Some(Certainty::Unknown),
        regions: &["global"],
        deadline: None,
    },
    // 12.6 → 1.1, 1.5: no switch, Meta's objection form with confirmed direct links ✅; not
    // retroactive ✅; EU/EEA. The 26 May 2025 advice is explained in the text, not the box.
    Verdict {
        platform: "meta-ai",
        method: OptOutMethod::Form,
        confirmed_address: true,
        retroactive: Some(Certainty::No),
        regions: &["EU", "EEA"],
        deadline: None,
    },
    // 12.8: opt-out not documented by DeepSeek ❓ (one weak index names a toggle).
    Verdict {
        platform: "deepseek",
        method: OptOutMethod::Unknown,
        confirmed_address: false,
        retroactive: None,
        regions: &["global"],
        deadline: None,
    },
];

#[test]
fn every_guide_matches_the_pinned_verdict_of_the_fact_sheet() {
    let project = shipped();
    let mut seen = std::collections::BTreeSet::new();
    for (node, g) in guides(&project) {
        let file = file_of(node);
        let v = VERDICTS
            .iter()
            .find(|v| v.platform == g.platform)
            .unwrap_or_else(|| {
                panic!(
                    "{file}: no row for `{}` in VERDICTS; add one from the fact sheet",
                    g.platform
                )
            });
        seen.insert(v.platform);
        assert_eq!(g.opt_out.method, v.method, "{file}: opt_out.method");
        assert_eq!(
            g.opt_out.url.is_some(),
            v.confirmed_address,
            "{file}: opt_out.url must be set exactly where the sheet confirms the address"
        );
        assert_eq!(g.opt_out.retroactive, v.retroactive, "{file}: retroactive");
        assert_eq!(g.regions, v.regions, "{file}: regions");
        assert_eq!(
            g.opt_out.deadline.map(|d| d.to_string()).as_deref(),
            v.deadline,
            "{file}: deadline"
        );
    }
    for v in VERDICTS {
        assert!(
            seen.contains(v.platform),
            "VERDICTS has a row for `{}` but no guide carries that platform",
            v.platform
        );
    }
}

// ---------------------------------------------------------------------------------------------
// The box agrees with the text below it.
// ---------------------------------------------------------------------------------------------

/// Phrases with which a body marks something as not confirmed.
fn says_unconfirmed(body: &str, lang: &str) -> bool {
    let phrases: &[&str] = match lang {
        "de" => &["nicht bestätigt", "nicht offiziell bestätigt"],
        _ => &["not confirmed", "not officially confirmed"],
    };
    phrases.iter().any(|p| body.contains(p))
}

fn says_unclear(body: &str, lang: &str) -> bool {
    let phrases: &[&str] = match lang {
        "de" => &["unklar", "ungeklärt", "nicht dokumentiert"],
        _ => &["unclear", "not established", "not documented"],
    };
    phrases.iter().any(|p| body.contains(p))
}

#[test]
fn every_guides_box_state_matches_its_text() {
    let project = shipped();
    for (node, g) in guides(&project) {
        let file = file_of(node);
        let lang = node.lang().as_str();
        let body = &node.doc.body;
        let links: Vec<&str> = project.markdown[&node.doc.source]
            .external_links
            .iter()
            .map(|l| l.url.as_str())
            .collect();
        let oo = &g.opt_out;
        match (oo.method, &oo.url) {
            (OptOutMethod::None, _) => {
                // "No procedure" in the box, so the text must not send the reader to one.
                let form_words: &[&str] = match lang {
                    "de" => &["Widerspruchsformular", "Formular für den Widerspruch"],
                    _ => &["objection form"],
                };
                assert!(
                    links.is_empty(),
                    "{file}: `method: none`, but the body links {links:?}"
                );
                assert!(
                    !form_words.iter().any(|w| body.contains(w)),
                    "{file}: `method: none`, but the body describes an objection form"
                );
            }
            (OptOutMethod::Unknown, _) => assert!(
                says_unclear(body, lang),
                "{file}: `method: unknown`, but the body never says what is unclear"
            ),
            (_, None) => assert!(
                says_unconfirmed(body, lang),
                "{file}: no confirmed address in the box, but the body never says what is not confirmed"
            ),
            (_, Some(url)) => assert!(
                links.contains(&url.as_str()),
                "{file}: the box's button goes to {url}, but the body never links it"
            ),
        }
        if oo.retroactive == Some(Certainty::Unknown) {
            assert!(
                says_unclear(body, lang) || says_unconfirmed(body, lang),
                "{file}: `retroactive: unknown`, but the body states no uncertainty"
            );
        }
        if let Some(deadline) = oo.deadline {
            // A past deadline is explained in the text: what it meant, and that objecting still
            // works for what comes after.
            let day = localized(deadline, lang);
            let still = match lang {
                "de" => ["trotzdem", "weiterhin"],
                _ => ["still", "still"],
            };
            assert!(
                body.contains(&day),
                "{file}: the deadline {day} is not explained in the text"
            );
            assert!(
                still.iter().any(|w| body.contains(w)),
                "{file}: the text does not say that objecting after the deadline still works"
            );
        }
    }
}

fn localized(d: chrono::NaiveDate, lang: &str) -> String {
    use chrono::Datelike;
    const DE: [&str; 12] = [
        "Januar",
        "Februar",
        "März",
        "April",
        "Mai",
        "Juni",
        "Juli",
        "August",
        "September",
        "Oktober",
        "November",
        "Dezember",
    ];
    match lang {
        "de" => format!("{}. {} {}", d.day(), DE[d.month0() as usize], d.year()),
        _ => format!("{} {}", d.day(), d.format("%B %Y")),
    }
}

/// The rendered box: a button exactly where the address is confirmed, the wording of the state,
/// "unclear" for unknown facts, and source dates as precise as given.
#[test]
fn rendered_boxes_show_each_state_and_source_dates_as_given() {
    let out = tempfile::tempdir().unwrap();
    optout::build::build(BuildOptions {
        root: repo(),
        output: Some(out.path().join("public")),
        ..Default::default()
    })
    .unwrap_or_else(|e| panic!("the shipped site does not build:\n{e}"));
    let project = shipped();
    let mut states = std::collections::BTreeSet::new();
    for (node, g) in guides(&project) {
        let file = file_of(node);
        let html_path = out
            .path()
            .join("public")
            .join(node.url.trim_start_matches('/'))
            .join("index.html");
        let html = std::fs::read_to_string(&html_path)
            .unwrap_or_else(|e| panic!("{}: {e}", html_path.display()));
        let start = html
            .find(r#"<section class="opt-out""#)
            .expect("opt-out box");
        let end = start + html[start..].find("</section>").expect("end of box");
        let the_box = &html[start..end];
        let oo = &g.opt_out;
        let state = match (oo.method, &oo.url) {
            (OptOutMethod::None, _) => "opt-out-none",
            (OptOutMethod::Unknown, _) => "opt-out-unknown",
            (_, None) => "opt-out-unconfirmed",
            (_, Some(_)) => "opt-out-action",
        };
        states.insert(state);
        assert!(the_box.contains(state), "{file}: box is not `{state}`");
        assert_eq!(
            the_box.contains("button-primary"),
            oo.url.is_some(),
            "{file}: a button must appear exactly where the address is confirmed"
        );
        let unclear = if node.lang().as_str() == "de" {
            "<dd>Unklar</dd>"
        } else {
            "<dd>Unclear</dd>"
        };
        if oo.retroactive == Some(Certainty::Unknown) {
            assert!(
                the_box.contains(unclear),
                "{file}: unknown must read unclear"
            );
        }
        for s in &g.sources {
            if let Some(SourceDate::Month { year, month }) = s.date {
                let attr = format!(r#"<time datetime="{year:04}-{month:02}">"#);
                let at = html
                    .find(&attr)
                    .unwrap_or_else(|| panic!("{file}: no <time> for {attr}"));
                let text = &html[at + attr.len()..];
                let text = &text[..text.find('<').unwrap_or(0)];
                assert!(
                    !text.starts_with(|c: char| c.is_ascii_digit()),
                    "{file}: month-precise date shown with a day: {text:?}"
                );
            }
        }
    }
    // The shipped guides exercise every state except `none` (no platform in the sheet has it).
    for state in ["opt-out-action", "opt-out-unconfirmed", "opt-out-unknown"] {
        assert!(states.contains(state), "no shipped guide shows `{state}`");
    }
    let facebook =
        std::fs::read_to_string(out.path().join("public/de/anleitungen/facebook/index.html"))
            .unwrap();
    assert!(facebook.contains(r#"<time datetime="2025-05">Mai 2025</time>"#));
    assert!(facebook.contains(r#"<time datetime="2025-05-21">21. Mai 2025</time>"#));
    assert!(facebook.contains(r#"class="opt-out-deadline""#));
}

// ---------------------------------------------------------------------------------------------
// Completeness in both languages.
// ---------------------------------------------------------------------------------------------

#[test]
fn shipped_site_passes_check_without_warnings() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_optout"))
        .args(["check", "--root"])
        .arg(repo())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(!stderr.contains("warning"), "{stderr}");
}

#[test]
fn every_page_exists_in_every_language() {
    let project = shipped();
    let langs: Vec<_> = project.config.langs().cloned().collect();
    assert!(langs.len() >= 2, "the site must be bilingual");
    for node in &project.site.nodes {
        for lang in &langs {
            assert!(
                project.site.find(&node.doc.key, lang).is_some(),
                "{} has no {lang} version",
                node.doc.display_path().display()
            );
        }
    }
}

#[test]
fn every_guide_is_complete_and_sourced() {
    let project = shipped();
    let platforms: std::collections::BTreeSet<&str> =
        guides(&project).map(|(_, g)| g.platform.as_str()).collect();
    for required in [
        "facebook",
        "instagram",
        "linkedin",
        "whatsapp",
        "threads",
        "x",
    ] {
        assert!(platforms.contains(required), "no guide for {required}");
    }
    for (node, g) in guides(&project) {
        let file = file_of(node);
        assert!(!g.sources.is_empty(), "{file}: no sources");
        assert!(!g.regions.is_empty() && !g.audience.is_empty(), "{file}");
        assert!(
            node.doc.meta.description.is_some(),
            "{file}: no description"
        );
        assert!(node.doc.body.contains("## "), "{file}: no sections");
        // Guides are language-neutral facts in one .yaml: the translations cannot diverge.
        let yaml = repo().join("content").join(node.doc.key.neutral_path());
        assert!(yaml.is_file(), "{file}: facts belong in {}", yaml.display());
        for t in &node.translations {
            assert_eq!(project.site.node(*t).doc.meta.guide.as_ref(), Some(g));
        }
    }
}

#[test]
fn no_filler_and_one_spelling_of_email() {
    let project = shipped();
    for node in &project.site.nodes {
        let file = file_of(node);
        let body = &node.doc.body;
        for filler in [
            "in unseren Quellen",
            "unsere Quellen",
            "uns nicht bekannt",
            "lag uns nicht vor",
            "nach unserer Recherche",
            "our sources",
            "Our sources",
            "our research",
            "we have seen",
            "known to us",
        ] {
            assert!(!body.contains(filler), "{file}: filler „{filler}“");
        }
        if node.lang().as_str() == "en" {
            assert!(
                !body.contains("e-mail") && !body.contains("E-mail"),
                "{file}: the UI writes `email`"
            );
        } else {
            // The German UI writes „E-Mail“; English UI labels stay out of German sentences.
            assert!(!body.contains("trainierbar"), "{file}: „trainierbar“");
            assert!(
                !body.contains("Kontenverwaltung"),
                "{file}: the sheet gives no German label for Meta's Accounts Centre"
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Against the fact sheet itself (skipped, with a message, where it is absent).
// ---------------------------------------------------------------------------------------------

/// The fact sheet, or `None` (with a message on stderr) when this checkout has none beside it.
fn fact_sheet(test: &str) -> Option<String> {
    let path = repo().join("../shared/facts/facts.md");
    match std::fs::read_to_string(&path) {
        Ok(text) => Some(text),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            // Straight to the process's stderr: libtest would hide `eprintln!` of a passing test.
            use std::io::Write;
            let _ = writeln!(
                std::io::stderr(),
                "SKIPPED {test}: no fact sheet at {} ({e}). It lives beside the repository on the \
                 project's machines and in CI; this check compares the content with it.",
                path.display()
            );
            None
        }
        Err(e) => panic!("{}: {e}", path.display()),
    }
}

#[test]
fn every_external_url_comes_from_the_fact_sheet() {
    let Some(facts) = fact_sheet("every_external_url_comes_from_the_fact_sheet") else {
        return;
    };
    let project = shipped();
    for node in project.site.nodes.iter() {
        let file = file_of(node);
        let mut urls: Vec<String> = Vec::new();
        if let Some(g) = &node.doc.meta.guide {
            urls.extend(g.sources.iter().map(|s| s.url.clone()));
            urls.extend(g.opt_out.url.iter().cloned());
        }
        urls.extend(
            project.markdown[&node.doc.source]
                .external_links
                .iter()
                .map(|l| l.url.clone()),
        );
        for url in urls {
            let bare = url.trim_start_matches("mailto:");
            assert!(
                facts.contains(bare),
                "{file}: {url} is not in the fact sheet"
            );
        }
    }
}

#[test]
fn guides_carry_a_compilation_date_of_the_fact_sheet() {
    let Some(facts) = fact_sheet("guides_carry_a_compilation_date_of_the_fact_sheet") else {
        return;
    };
    let project = shipped();
    for (node, g) in guides(&project) {
        let day = g.last_verified.format("%-d %b %Y").to_string();
        assert!(
            facts.contains(&format!("Compiled: **{day}**")),
            "{}: last_verified {} is not a compilation date of the fact sheet",
            file_of(node),
            g.last_verified
        );
    }
}

/// Month names as the fact sheet writes them (it mixes "Sept", "Sep", "July" and "Jul").
const MONTHS: [&[&str]; 12] = [
    &["Jan", "January"],
    &["Feb", "February"],
    &["Mar", "March"],
    &["Apr", "April"],
    &["May"],
    &["Jun", "June"],
    &["Jul", "July"],
    &["Aug", "August"],
    &["Sept", "Sep", "September"],
    &["Oct", "October"],
    &["Nov", "November"],
    &["Dec", "December"],
];

/// Whether `line` names this day: "21 May 2025", "28/30 Oct 2025", "August 21, 2026" or
/// "2025-05-21", never as part of a larger number ("1 May" inside "21 May").
fn names_day(line: &str, d: chrono::NaiveDate) -> bool {
    use chrono::Datelike;
    let (day, year) = (d.day(), d.year());
    if line.contains(&d.format("%Y-%m-%d").to_string()) {
        return true;
    }
    let at_boundary = |needle: &str| {
        line.match_indices(needle).any(|(i, _)| {
            !line[..i]
                .chars()
                .next_back()
                .is_some_and(|c| c.is_ascii_digit())
        })
    };
    MONTHS[d.month0() as usize].iter().any(|m| {
        at_boundary(&format!("{day} {m} {year}"))
            || at_boundary(&format!("{m} {day}, {year}"))
            || (1..=31).any(|other| at_boundary(&format!("{day}/{other} {m} {year}")))
    })
}

#[test]
fn source_dates_have_a_day_only_where_the_fact_sheet_has_one() {
    let Some(facts) = fact_sheet("source_dates_have_a_day_only_where_the_fact_sheet_has_one")
    else {
        return;
    };
    // Sources tracked by Open Terms Archive share one repository URL; the sheet names their
    // versions on the lines that mention the archive.
    const ARCHIVE: &str = "https://github.com/OpenTermsArchive/pga-versions";
    let project = shipped();
    for (node, g) in guides(&project) {
        for s in &g.sources {
            let Some(SourceDate::Day(day)) = s.date else {
                continue;
            };
            let lines: Vec<&str> = facts
                .lines()
                .filter(|l| {
                    l.contains(&s.url) || (s.url == ARCHIVE && l.contains("Open Terms Archive"))
                })
                .collect();
            assert!(
                lines.iter().any(|l| names_day(l, day)),
                "{}: source {} is dated {day}, but the fact sheet gives no such day for it; \
                 write the month (`{}`) if the sheet has only that",
                file_of(node),
                s.url,
                day.format("%Y-%m")
            );
        }
    }
}

#[test]
fn day_matching_respects_number_boundaries() {
    let d = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
    assert!(names_day("DPC statement (21 May 2025): …", d("2025-05-21")));
    assert!(!names_day(
        "DPC statement (21 May 2025): …",
        d("2025-05-01")
    ));
    assert!(names_day(
        "ICO (20 Sept 2024, updated 23 Sept 2025)",
        d("2025-09-23")
    ));
    assert!(names_day(
        "Garante via BitCity (28/30 Oct 2025)",
        d("2025-10-28")
    ));
    assert!(names_day("\"Effective August 21, 2026\"", d("2026-08-21")));
    assert!(!names_day("ProSieben (May 2025)", d("2025-05-01")));
}
