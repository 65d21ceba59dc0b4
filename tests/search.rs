//! Search: the index files a build writes, per language, read the way the client reads them
//! (fold the word, find its form in the shard of its first two letters, follow its stem to the
//! scored entries, show the excerpt of the entry's page and heading).

mod common;
use std::path::PathBuf;

use common::Fixture;
use optout::search::index::{SECTIONS_PER_PAGE, TITLE_ENTRY, bucket};
use optout::search::words::fold;
use serde_json::Value;

/// The built index of one language.
struct Index {
    dir: PathBuf,
    meta: Value,
}

impl Index {
    fn of(f: &Fixture, lang: &str) -> Index {
        let dir = f.root().join("public/search").join(lang);
        let meta = read(&dir.join("meta.json"));
        Index { dir, meta }
    }

    fn shard(&self, word: &str) -> Value {
        let n = self.meta["shards"].as_u64().unwrap() as usize;
        read(&self.dir.join(format!("s{}.json", bucket(word, n))))
    }

    /// The stem a word (as typed) is indexed under, if the index knows the word.
    fn stem(&self, word: &str) -> Option<String> {
        let form = fold(word);
        self.shard(&form)["f"][&form].as_str().map(str::to_string)
    }

    /// The URLs (with the heading's anchor) of the entries a typed word finds, best first.
    fn find(&self, word: &str) -> Vec<String> {
        let Some(stem) = self.stem(word) else {
            return Vec::new();
        };
        let list = self.shard(&stem)["p"][&stem].as_array().unwrap().clone();
        let per = self.meta["per"].as_u64().unwrap() as usize;
        list.chunks(2)
            .map(|pair| {
                let entry = pair[0].as_u64().unwrap() as usize;
                let (page, section) = (entry / SECTIONS_PER_PAGE, entry % SECTIONS_PER_PAGE);
                let file = read(&self.dir.join(format!("e{}.json", page / per)));
                let excerpt = &file[page % per];
                let url = excerpt[2].as_str().unwrap().to_string();
                match excerpt[3][section][1].as_str() {
                    Some(anchor) if section != TITLE_ENTRY && !anchor.is_empty() => {
                        format!("{url}#{anchor}")
                    }
                    _ => url,
                }
            })
            .collect()
    }
}

fn read(path: &std::path::Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap()
}

/// The bilingual fixture with pages that use the words the tests look for.
fn fixture() -> Fixture {
    let f = Fixture::new("bilingual");
    f.write(
        "content/guides/loeschung.de.md",
        "---\ntitle: \"Löschung verlangen\"\ndescription: \"Wie Sie die Löschung Ihrer Daten verlangen\"\n---\nVorab.\n\n## Das Widerspruchsformular {#formular}\n\nDas Widerspruchsformular liegt bei der Straße. Ihre KI-Trainings-Daten und des Widerspruchs Folgen.\n\n```text\ngeheimcode\n```\n",
    );
    f.write(
        "content/guides/loeschung.en.md",
        "---\ntitle: \"Requesting deletion\"\ndescription: \"How to ask for deletion\"\nslug: deletion\n---\n## Objecting {#objecting}\n\nThe platform objected. Your objection stands; englishonly word here.\n",
    );
    f
}

#[test]
fn each_language_has_its_own_index_and_a_german_page_is_never_in_the_english_one() {
    let f = fixture();
    f.build().ok();
    let de = Index::of(&f, "de");
    let en = Index::of(&f, "en");
    assert!(de.stem("Widerspruchsformular").is_some());
    assert_eq!(en.stem("Widerspruchsformular"), None);
    assert!(en.stem("englishonly").is_some());
    assert_eq!(de.stem("englishonly"), None);
    // Every excerpt of a language's index is a page of that language.
    for (lang, index) in [("de", &de), ("en", &en)] {
        let files = index.meta["per"].as_u64().unwrap();
        assert!(files >= 1);
        for entry in std::fs::read_dir(&index.dir).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().to_string();
            if !name.starts_with('e') {
                continue;
            }
            for page in read(&path).as_array().unwrap() {
                let url = page[2].as_str().unwrap();
                assert!(url.starts_with(&format!("/{lang}/")), "{name}: {url}");
            }
        }
    }
    // The client's files: meta says where the other languages' indexes are.
    let langs: Vec<&str> = de.meta["langs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["index"].as_str().unwrap())
        .collect();
    assert_eq!(langs, ["/search/de/", "/search/en/"]);
    assert_eq!(de.meta["t"]["label"], "Suche");
    assert_eq!(en.meta["t"]["label"], "Search");
}

#[test]
fn umlauts_and_sharp_s_are_found_written_either_way() {
    let f = fixture();
    f.build().ok();
    let de = Index::of(&f, "de");
    let page = "/de/anleitungen/loeschung/";
    for typed in ["Löschung", "Loeschung", "LÖSCHUNG"] {
        assert!(
            de.find(typed).iter().any(|u| u.starts_with(page)),
            "{typed}: {:?}",
            de.find(typed)
        );
    }
    assert_eq!(de.stem("Strasse"), de.stem("Straße"));
    assert!(de.stem("Straße").is_some());
}

#[test]
fn german_compounds_are_found_by_their_parts_and_link_the_heading() {
    let f = fixture();
    f.build().ok();
    let de = Index::of(&f, "de");
    // "Formular" is a word of the site (the Facebook guide), so the compound splits at it.
    let found = de.find("Formular");
    assert!(
        found.contains(&"/de/anleitungen/loeschung/#formular".to_string()),
        "{found:?}"
    );
    // KI-Trainings is two words. "Training" is not a word of this site, but the client finds the
    // forms a word begins in the shard of its first two letters: "trainings".
    let shard = de.shard("training");
    let forms: Vec<&String> = shard["f"].as_object().unwrap().keys().collect();
    assert!(forms.iter().any(|f| *f == "trainings"), "{forms:?}");
    let found = de.find("Trainings");
    assert!(
        found
            .iter()
            .any(|u| u.starts_with("/de/anleitungen/loeschung/")),
        "{found:?}"
    );
    // Code blocks are not indexed.
    assert_eq!(de.stem("geheimcode"), None);
}

#[test]
fn inflected_forms_meet_at_their_stem_in_both_languages() {
    let f = fixture();
    f.build().ok();
    let de = Index::of(&f, "de");
    assert!(de.stem("Widerspruchs").is_some());
    assert_eq!(de.stem("Widerspruchs"), de.stem("Widerspruch"));
    let en = Index::of(&f, "en");
    assert_eq!(en.stem("objected"), en.stem("objection"));
    let found = en.find("objection");
    assert!(
        found.contains(&"/en/guides/deletion/#objecting".to_string()),
        "{found:?}"
    );
    // A guide's title word ranks its page above a passing mention.
    let found = de.find("Löschung");
    assert_eq!(found[0], "/de/anleitungen/loeschung/", "{found:?}");
}

#[test]
fn a_subpath_base_url_reaches_every_search_url() {
    let f = fixture();
    f.run(&["build", "--base-url", "https://example.org/docs/"])
        .ok();
    let de = Index::of(&f, "de");
    assert!(
        de.find("Formular")
            .iter()
            .all(|u| u.starts_with("/docs/de/")),
        "{:?}",
        de.find("Formular")
    );
    assert!(
        de.meta["css"]
            .as_str()
            .unwrap()
            .starts_with("/docs/search.")
    );
    assert_eq!(de.meta["langs"][1]["index"], "/docs/search/en/");
    assert_eq!(de.meta["t"]["all_url"], "/docs/de/search.html");
    let home = f.public("de/index.html");
    assert!(
        home.contains(r#"<a class="site-search" href="/docs/de/search.html" data-index="/docs/search/de/" data-engine="/docs/search-engine."#),
        "{home}"
    );
    assert!(home.contains(r#"<script src="/docs/search."#), "{home}");
}

#[test]
fn without_javascript_the_box_leads_to_a_list_of_every_page() {
    let f = fixture();
    f.build().ok();
    let list = f.public("de/search.html");
    assert!(list.contains("<h1>Alle Seiten</h1>"), "{list}");
    for url in [
        "/de/anleitungen/",
        "/de/anleitungen/facebook/",
        "/de/anleitungen/loeschung/",
    ] {
        assert!(
            list.contains(&format!("<a href=\"{url}\">")),
            "{url}: {list}"
        );
    }
    assert!(!list.contains("/en/guides/deletion/\">"), "{list}");
    assert!(f.public("en/search.html").contains("/en/guides/deletion/"));
    // The language switcher of the list leads to the other language's list.
    assert!(
        list.contains(r#"href="/en/search.html" hreflang="en""#),
        "{list}"
    );
}

#[test]
fn an_alias_at_the_search_page_is_an_error() {
    let f = fixture();
    f.write(
        "content/guides/alt.de.md",
        "---\ntitle: \"Alt\"\naliases: [\"/de/search.html\"]\n---\nText.\n",
    );
    f.build()
        .fails_with("alias /de/search.html is the address of the search page");
    assert!(!f.exists("de/index.html"), "nothing is written");
}

#[test]
fn the_preview_updates_the_index_when_a_page_changes_after_the_page() {
    use optout::build::{BuildOptions, Project};
    use optout::rebuild::Preview;
    let f = fixture();
    let options = BuildOptions {
        root: f.root().to_path_buf(),
        ..Default::default()
    };
    let mut preview = Preview::new(options.clone()).unwrap();
    let page = "content/guides/loeschung.de.md";
    let text = std::fs::read_to_string(f.root().join(page)).unwrap();
    f.write(page, &text.replace("Vorab.", "Vorab ein Zauberwort."));
    let index_before = preview.outputs.files["search/de/meta.json"].clone();
    // First the page, which is served at once; the index is left due, not rebuilt yet.
    let pages = preview.apply(&[PathBuf::from(page)]).unwrap();
    assert!(pages.rendered_pages <= 2, "{pages:?}");
    assert!(
        pages.changed.iter().any(|p| p.ends_with("index.html")),
        "{pages:?}"
    );
    assert!(
        !pages.changed.iter().any(|p| p.starts_with("search/")),
        "{pages:?}"
    );
    assert!(preview.search_is_due());
    assert!(preview.outputs.files["search/de/meta.json"] == index_before);
    // Then the German index, not the English one.
    let search = preview.render_due_search().unwrap();
    let summary = preview.install_search(search);
    assert!(!preview.search_is_due());
    assert!(
        summary.changed.iter().any(|p| p.starts_with("search/de/s")),
        "{summary:?}"
    );
    assert!(
        !summary.changed.iter().any(|p| p.starts_with("search/en/")),
        "{summary:?}"
    );
    // Byte for byte what a full build writes.
    let fresh = Project::load(options).unwrap().render_all().unwrap();
    for (path, bytes) in fresh.files.iter().filter(|(p, _)| p.starts_with("search/")) {
        assert!(preview.outputs.files[path] == *bytes, "{path} differs");
    }
    let meta: Value =
        serde_json::from_slice(&preview.outputs.files["search/de/meta.json"]).unwrap();
    let n = meta["shards"].as_u64().unwrap() as usize;
    let shard: Value = serde_json::from_slice(
        &preview.outputs.files[&format!("search/de/s{}.json", bucket("zauberwort", n))],
    )
    .unwrap();
    assert!(shard["f"]["zauberwort"].is_string(), "{shard}");
}
