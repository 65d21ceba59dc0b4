#!/usr/bin/env python3
"""Generate a synthetic bilingual (de/en) optout site for build benchmarks.

    gen_site.py OUT_DIR --pages N [--layout default|heavy] [--hugo HUGO_DIR] [--seed S]

Writes to OUT_DIR:

    site.yaml                       same structure as the shipped site.yaml
    content/_index.{de,en}.md       home pages
    content/sNNN/_index.{de,en}.md  one section per 100 pages
    content/sNNN/pNNNNN.{de,en}.md  N pages per language (page numbers are global)
    templates/page.html             only with --layout heavy

Every page is 1.5-3 KB of Markdown: front matter (title, description, weight, 2 tags out
of a pool of 50), ## and ### headings, a bullet list, a table, a link to another page of
the same section (`@/sNNN/pNNNNN.md`) and one fenced code block of 8-15 lines. The German
and English page of a pair share the same code block but have different prose.

With --hugo HUGO_DIR an equivalent Hugo site is written there as well (hugo.toml, the same
content with `{{< ref >}}` links, minimal layouts).

The output is deterministic: every page is generated from its own RNG seeded with
(seed, page number), so the pages of the N=1000 site are the first 1000 of the N=10000 site.
No theme is written: copy the optout theme (themes/) into OUT_DIR before building.
Standard library only.
"""

import argparse
import json
import os
import random
import sys

SECTION_SIZE = 100
LANGS = ("de", "en")
CODE_LANGS = ("rust", "python", "javascript", "bash", "yaml", "json")
MIN_BYTES, MAX_BYTES = 1536, 3072  # every page file must end up in this range (1.5-3 KiB)

# Tags are language-neutral strings; a few contain umlauts, ß and spaces so slugification
# (Übersicht -> uebersicht) is exercised.
TAGS = [
    "Datenschutz", "DSGVO", "KI-Training", "Widerspruch", "Meta", "Facebook", "Instagram",
    "LinkedIn", "X", "Threads", "WhatsApp", "Google", "YouTube", "TikTok", "Reddit",
    "Microsoft", "Apple", "Amazon", "OpenAI", "Anthropic", "Urheberrecht", "Unternehmen",
    "Mitarbeitende", "Übersicht", "Straße", "Einwilligung", "Berechtigtes Interesse",
    "Aufsichtsbehörde", "Beschwerde", "Fristen", "Formular", "Einstellungen", "E-Mail",
    "Robots.txt", "TDM-Vorbehalt", "Crawler", "Webseiten", "Bilder", "Videos", "Texte",
    "Öffentliche Beiträge", "Private Nachrichten", "Kinder", "Schweiz", "Österreich",
    "Vereinigtes Königreich", "EU", "EWR", "AI Act", "Löschung",
]
assert len(TAGS) == 50 and len(set(TAGS)) == 50

WORDS = {
    "de": (
        "Daten Beitrag Beiträge Widerspruch Plattform Nutzer Nutzerinnen Einstellung Formular "
        "Konto Profil Unternehmen Seite Recht Frist Verarbeitung Training Modell Zweck Behörde "
        "Anleitung Schritt Hinweis Einwilligung Übersicht Straße Größe Änderung Löschung "
        "öffentlich privat schnell einfach wichtig rechtlich künftig bisherig gültig ausdrücklich "
        "widersprechen prüfen öffnen wählen bestätigen senden speichern löschen ändern gilt "
        "muss kann sollte wird wurde bleibt betrifft erlaubt verlangt und oder aber auch nur "
        "noch schon jetzt immer nie hier dort für gegen über unter nach vor mit ohne bei die "
        "der das den dem ein eine einen Ihre Ihren Sie wir es nicht sehr bereits dafür dabei"
    ).split(),
    "en": (
        "data post posts objection platform user users setting form account profile company "
        "page right deadline processing training model purpose authority guide step note "
        "consent overview street size change deletion public private quick simple important "
        "legal future previous valid explicit object check open choose confirm send save "
        "delete change applies must can should will was remains affects allows requires and "
        "or but also only still already now always never here there for against about under "
        "after before with without at the a an your you we it not very already therefore "
        "meanwhile content photos comments messages employees rules law"
    ).split(),
}
LINK_TEXT = {"de": "siehe auch", "en": "see also"}
TABLE_HEAD = {
    "de": ("Plattform", "Methode", "Frist"),
    "en": ("Platform", "Method", "Deadline"),
}
METHODS = {"de": ("Formular", "Einstellung", "E-Mail", "keine"),
           "en": ("form", "setting", "email", "none")}
PLATFORMS = ("Facebook", "Instagram", "LinkedIn", "Threads", "WhatsApp", "X", "Reddit", "TikTok")
SECTION_WORD = {"de": "Abschnitt", "en": "Section"}
PAGE_WORD = {"de": "Seite", "en": "Page"}
HOME = {
    "de": ("optout Benchmark", "Synthetische Testseite für den Build-Benchmark."),
    "en": ("optout benchmark", "Synthetic test site for the build benchmark."),
}


# --------------------------------------------------------------------------- prose

def sentence(rng, lang, lo=6, hi=14):
    words = rng.choices(WORDS[lang], k=rng.randint(lo, hi))
    words[0] = words[0][0].upper() + words[0][1:]
    # Inline markup now and then: emphasis, strong, code, quotes (typographic quotes).
    r = rng.random()
    i = rng.randrange(len(words))
    if r < 0.15:
        words[i] = f"*{words[i]}*"
    elif r < 0.25:
        words[i] = f"**{words[i]}**"
    elif r < 0.32:
        words[i] = f"`{words[i].lower()}`"
    elif r < 0.40:
        words[i] = f'"{words[i]}"'
    return " ".join(words) + rng.choice(".....!?")


def heading_text(rng, lang, used):
    while True:
        words = rng.choices(WORDS[lang], k=rng.randint(2, 4))
        text = " ".join(words)
        text = text[0].upper() + text[1:]
        if text.lower() not in used:
            used.add(text.lower())
            return text


def title_of(rng, lang, number):
    words = rng.choices([w for w in WORDS[lang] if len(w) > 3], k=rng.randint(2, 4))
    words = [w[0].upper() + w[1:] for w in words]
    return f"{PAGE_WORD[lang]} {number}: " + " ".join(words)


# --------------------------------------------------------------------------- code

def ident(rng):
    return rng.choice(("load", "parse", "count", "merge", "check", "render", "collect", "send")) + \
        "_" + rng.choice(("posts", "pages", "users", "items", "tags", "rules", "sources", "forms"))


def code_block(rng):
    """Return (language, lines) with 8-15 lines."""
    lang = rng.choice(CODE_LANGS)
    total = rng.randint(8, 15)
    name = ident(rng)
    field = rng.choice(("weight", "size", "count", "age", "score"))
    if lang == "rust":
        head = [f"/// {name.replace('_', ' ').capitalize()} and return how many matched.",
                f"pub fn {name}(items: &[Item]) -> Result<usize, Error> {{",
                "    let mut total = 0usize;"]
        tail = ["    Ok(total)", "}"]
        pool = [
            lambda i: f"    let v{i} = items.iter().filter(|x| x.{field} > {rng.randint(1, 99)}).count();",
            lambda i: f"    total += items.len() * {rng.randint(2, 9)}; // step {i}",
            lambda i: f"    if total > {rng.randint(100, 999)} {{ return Err(Error::TooMany({i})); }}",
            lambda i: f"    println!(\"{{}}: {{}}\", \"{name}\", total + {i});",
            lambda i: f"    let s{i}: String = items.iter().map(|x| x.name.as_str()).collect();",
        ]
    elif lang == "python":
        head = ["import json", "", f"def {name}(path: str) -> dict:",
                f'    """{name.replace("_", " ").capitalize()} from a JSON file."""',
                "    result = {}"]
        tail = ["    return result"]
        pool = [
            lambda i: f"    result[\"k{i}\"] = sum(x * {rng.randint(2, 9)} for x in range({rng.randint(5, 50)}))",
            lambda i: f"    result[\"n{i}\"] = len([x for x in range({rng.randint(5, 50)}) if x % {rng.randint(2, 5)}])",
            lambda i: f"    print(f\"step {i}: {{len(result)}} keys\")",
            lambda i: f"    result.update(json.loads('{{\"{field}\": {rng.randint(1, 99)}}}'))",
        ]
    elif lang == "javascript":
        head = [f"// {name.replace('_', ' ')} from the API",
                f"export async function {name.replace('_', '')}(url) {{",
                "  const res = await fetch(url);",
                "  const data = await res.json();"]
        tail = ["  return data;", "}"]
        pool = [
            lambda i: f"  const v{i} = data.items.filter((x) => x.{field} > {rng.randint(1, 99)}).length;",
            lambda i: f"  console.log(`step {i}: ${{data.items.length}} items`);",
            lambda i: f"  data.total = (data.total ?? 0) + {rng.randint(1, 99)};",
            lambda i: f"  if (!res.ok) throw new Error(\"failed at step {i}\");",
        ]
    elif lang == "bash":
        head = ["#!/usr/bin/env bash", "set -euo pipefail", ""]
        tail = ["echo \"done\""]
        pool = [
            lambda i: f"for f in content/s{i:03d}/*.md; do wc -c \"$f\"; done",
            lambda i: f"export {field.upper()}_{i}=\"{rng.randint(1, 999)}\"",
            lambda i: f"echo \"step {i}: ${{HOME:-/root}}\"",
            lambda i: f"grep -rn \"{name}\" src/ | sort | uniq -c | head -n {rng.randint(3, 20)}",
            lambda i: f"test -f \"file{i}.txt\" || touch \"file{i}.txt\"",
        ]
    elif lang == "yaml":
        head = [f"# {name.replace('_', ' ')}", f"{name}:"]
        tail = ["  enabled: true"]
        pool = [
            lambda i: f"  key{i}: value{rng.randint(1, 99)}",
            lambda i: f"  list{i}: [a, b, {rng.randint(1, 9)}]",
            lambda i: f"  {field}{i}: {rng.randint(1, 999)}",
            lambda i: f"  name{i}: \"{rng.choice(PLATFORMS)}\"",
        ]
    else:  # json
        head = ["{", f"  \"name\": \"{name}\","]
        tail = ["  \"enabled\": true", "}"]
        pool = [
            lambda i: f"  \"key{i}\": {rng.randint(1, 999)},",
            lambda i: f"  \"list{i}\": [\"a\", \"b\", {rng.randint(1, 9)}],",
            lambda i: f"  \"{field}{i}\": \"{rng.choice(PLATFORMS)}\",",
            lambda i: f"  \"flag{i}\": {rng.choice(('true', 'false', 'null'))},",
        ]
    body = [rng.choice(pool)(i) for i in range(total - len(head) - len(tail))]
    return lang, head + body + tail


# --------------------------------------------------------------------------- pages

def yaml_str(s):
    # A JSON string is a valid YAML double-quoted scalar.
    return json.dumps(s, ensure_ascii=False)


def front_matter(fields):
    lines = ["---"]
    for key, value in fields.items():
        if isinstance(value, list):
            lines.append(f"{key}: [{', '.join(yaml_str(v) for v in value)}]")
        elif isinstance(value, str):
            lines.append(f"{key}: {yaml_str(value)}")
        else:
            lines.append(f"{key}: {value}")
    lines.append("---")
    return "\n".join(lines) + "\n"


def page_body(rng, lang, link, code):
    """Return the Markdown body (without front matter) as a list of blocks.

    link: the Markdown link target; code: (language, lines) shared by both languages.
    """
    used = set()
    paras = []  # prose paragraphs as lists of sentences, filled up later

    def para(k=1):
        p = [sentence(rng, lang) for _ in range(k)]
        paras.append(p)
        return p

    blocks = [para(1)]
    blocks.append(f"## {heading_text(rng, lang, used)}")
    blocks.append(para(1))
    blocks.append("\n".join(f"- {sentence(rng, lang, 3, 7)}" for _ in range(rng.randint(3, 5))))
    blocks.append(f"### {heading_text(rng, lang, used)}")
    linked = [sentence(rng, lang)]  # not in `paras`: filling and trimming never touch the link
    linked.append(f"{sentence(rng, lang, 3, 6)[:-1]} ([{LINK_TEXT[lang]}]({link})).")
    blocks.append(linked)
    h = TABLE_HEAD[lang]
    rows = [f"| {h[0]} | {h[1]} | {h[2]} |", "| --- | --- | --- |"]
    for _ in range(rng.randint(2, 4)):
        rows.append(f"| {rng.choice(PLATFORMS)} | {rng.choice(METHODS[lang])} | "
                    f"{rng.randint(1, 28)}.{rng.randint(1, 12)}.{rng.randint(2024, 2027)} |")
    blocks.append("\n".join(rows))
    blocks.append(f"## {heading_text(rng, lang, used)}")
    blocks.append(para(1))
    code_lang, code_lines = code
    blocks.append("```" + code_lang + "\n" + "\n".join(code_lines) + "\n```")
    blocks.append(f"### {heading_text(rng, lang, used)}")
    blocks.append(para(1))
    if rng.random() < 0.5:
        blocks.append(f"### {heading_text(rng, lang, used)}")
        blocks.append(para(1))
    blocks.append(f"## {heading_text(rng, lang, used)}")
    blocks.append(para(1))
    return blocks, paras


def render(blocks):
    out = []
    for b in blocks:
        out.append(" ".join(b) if isinstance(b, list) else b)
    return "\n\n".join(out) + "\n"


def make_page(rng, lang, number, weight, tags, link, code):
    fm = front_matter({
        "title": title_of(rng, lang, number),
        "description": sentence(rng, lang, 8, 14),
        "weight": weight,
        "tags": tags,
    })
    blocks, paras = page_body(rng, lang, link, code)
    target = rng.randint(MIN_BYTES + 100, MAX_BYTES - 250)
    size = len((fm + "\n" + render(blocks)).encode())
    while size < target:
        s = sentence(rng, lang)
        rng.choice(paras).append(s)
        size += len(s.encode()) + 1
    text = fm + "\n" + render(blocks)
    # Trim (rare): drop appended sentences until the file fits.
    while len(text.encode()) > MAX_BYTES and any(len(p) > 1 for p in paras):
        max(paras, key=len).pop()
        text = fm + "\n" + render(blocks)
    return text


# --------------------------------------------------------------------------- site files

SITE_YAML = """\
# Synthetic benchmark site generated by benches/gen_site.py (structure of the shipped site.yaml).
base_url: https://optout.example.org/
default_language: de
theme: default
output_dir: public
review_every_days: 90

languages:
  de:
    name: Deutsch
    title: optout Benchmark
    description: Synthetische Testseite für den Build-Benchmark – {n} Seiten pro Sprache.
    menu:
      - name: Startseite
        url: "/de/"
      - name: Abschnitt 0
        url: "/de/s000/"
  en:
    name: English
    title: optout benchmark
    description: Synthetic test site for the build benchmark – {n} pages per language.
    menu:
      - name: Home
        url: "/en/"
      - name: Section 0
        url: "/en/s000/"

taxonomies:
  - name: tags
    slugs:
      de: themen
      en: topics

ai_policy:
  disallow_crawlers:
    - GPTBot
    - ClaudeBot
    - Google-Extended
    - Applebot-Extended
    - meta-externalagent
    - CCBot
    - Amazonbot
    - Bytespider
  tdm_reservation: true
"""

# Heavy layout: the default page (title, TOC, content, tags, pager, the section's pages, as
# the theme's page.html renders them) plus a <nav> listing every page of the section and every
# tag with its count. The per-page cost is O(section size + number of tags), so the total stays
# linear in N (sections have 100 pages, there are 50 tags).
# The theme's base.html names its content block `main` (not `content`); a child block that
# base.html does not define is silently dropped by Tera, so the name matters.
# The theme's guide.html extends page.html and fills its blocks `after_title` and
# `after_content`; this file replaces page.html for guide.html too, so it must define both
# (Tera rejects a child block that no parent defines), although the site has no guides.
# Only the documented template context is used (README "Template context"), no theme partials.
HEAVY_PAGE_HTML = """\
{% extends "base.html" %}
{% block title %}{{ page.title }} – {{ site.title }}{% endblock title %}
{% block description %}{% if page.description %}{{ page.description }}{% else %}{{ site.description }}{% endif %}{% endblock description %}
{% block canonical %}<link rel="canonical" href="{{ page.permalink }}">{% endblock canonical %}
{% block crumb %}{{ page.title }}{% endblock crumb %}
{% block main %}
<article class="page">
<h1>{{ page.title }}</h1>
{% block after_title %}{% endblock after_title %}
{% if page.description %}<p class="lead">{{ page.description }}</p>{% endif %}
{% if page.show_toc and page.toc %}
<nav class="toc"><ol>
{% for h in page.toc %}<li><a href="#{{ h.id }}">{{ h.title }}</a>{% if h.children %}<ol>{% for c in h.children %}<li><a href="#{{ c.id }}">{{ c.title }}</a></li>{% endfor %}</ol>{% endif %}</li>
{% endfor %}</ol></nav>
{% endif %}
<div class="content">
{{ page.content | safe }}
</div>
{% block after_content %}{% endblock after_content %}
{% if page.tags %}<ul class="tags">{% for t in page.tags %}<li><a href="{{ t.url }}" rel="tag">{{ t.name }}</a></li>{% endfor %}</ul>{% endif %}
</article>
{% if prev or next %}<nav class="pager"><ul>
{% if prev %}<li><a href="{{ prev.url }}" rel="prev">{{ prev.title }}</a></li>{% endif %}
{% if next %}<li><a href="{{ next.url }}" rel="next">{{ next.title }}</a></li>{% endif %}
</ul></nav>{% endif %}
{% if section and section.pages %}<aside class="section-pages"><h2><a href="{{ section.url }}">{{ section.title }}</a></h2><ul>
{% for p in section.pages %}{% if p.url == page.url %}<li><span aria-current="page">{{ p.title }}</span></li>
{% else %}<li><a href="{{ p.url }}">{{ p.title }}</a></li>
{% endif %}{% endfor %}</ul></aside>{% endif %}
<nav class="bench-heavy">
<h2>{{ section.title }}</h2>
<ul class="bench-section-pages">
{% for p in section.pages %}<li><a href="{{ p.url }}">{{ p.title }}</a></li>
{% endfor %}</ul>
<ul class="bench-tags">
{% for term in site_taxonomies.tags.terms %}<li><a href="{{ term.url }}">{{ term.name }}</a> ({{ term.count }})</li>
{% endfor %}</ul>
</nav>
{% endblock main %}
"""

HUGO_TOML = """\
# Hugo twin of the optout benchmark site, generated by benches/gen_site.py.
baseURL = "https://optout.example.org/"
title = "optout benchmark"
defaultContentLanguage = "de"
defaultContentLanguageInSubdir = true
disableKinds = []
enableRobotsTXT = true

[languages]
  [languages.de]
    weight = 1
    languageName = "Deutsch"
    title = "optout Benchmark"
    [languages.de.params]
      description = "Synthetische Testseite für den Build-Benchmark – {n} Seiten pro Sprache."
    [[languages.de.menus.main]]
      name = "Startseite"
      url = "/de/"
      weight = 1
    [[languages.de.menus.main]]
      name = "Abschnitt 0"
      url = "/de/s000/"
      weight = 2
  [languages.en]
    weight = 2
    languageName = "English"
    title = "optout benchmark"
    [languages.en.params]
      description = "Synthetic test site for the build benchmark – {n} pages per language."
    [[languages.en.menus.main]]
      name = "Home"
      url = "/en/"
      weight = 1
    [[languages.en.menus.main]]
      name = "Section 0"
      url = "/en/s000/"
      weight = 2

# optout writes one feed per language (/de/atom.xml), so only the home pages get RSS.
[outputs]
  home = ["HTML", "RSS"]
  section = ["HTML"]
  taxonomy = ["HTML"]
  term = ["HTML"]

[markup]
  [markup.highlight]
    noClasses = false
  [markup.tableOfContents]
    startLevel = 2
    endLevel = 3

[taxonomies]
  tag = "tags"
"""

HUGO_BASEOF = """\
<!DOCTYPE html>
<html lang="{{ .Language.Lang }}">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>{{ if not .IsHome }}{{ .Title }} – {{ end }}{{ .Site.Title }}</title>
  <meta name="description" content="{{ with .Description }}{{ . }}{{ else }}{{ .Site.Params.description }}{{ end }}">
  <link rel="canonical" href="{{ .Permalink }}">
  {{ range .AllTranslations }}<link rel="alternate" hreflang="{{ .Language.Lang }}" href="{{ .Permalink }}">
  {{ end }}
</head>
<body>
<header>
  <a href="{{ .Site.Home.RelPermalink }}">{{ .Site.Title }}</a>
  <nav class="menu"><ul>
    {{ range .Site.Menus.main }}<li><a href="{{ .URL }}">{{ .Name }}</a></li>
    {{ end }}
  </ul></nav>
  <nav class="languages"><ul>
    {{ range .Translations }}<li><a href="{{ .RelPermalink }}" hreflang="{{ .Language.Lang }}">{{ .Language.LanguageName }}</a></li>
    {{ end }}
  </ul></nav>
</header>
<main>
{{ block "main" . }}{{ end }}
</main>
<footer>
  <ul>
    {{ with .Site.Home.OutputFormats.Get "rss" }}<li><a href="{{ .RelPermalink }}" type="application/rss+xml">Feed</a></li>{{ end }}
    {{ with .Site.GetPage "/tags" }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}
  </ul>
</footer>
</body>
</html>
"""

HUGO_SINGLE = """\
{{ define "main" }}
<nav class="breadcrumbs"><a href="{{ .Site.Home.RelPermalink }}">{{ .Site.Home.Title }}</a>{{ with .Parent }}{{ if not .IsHome }} › <a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}{{ end }}</nav>
<article>
  <h1>{{ .Title }}</h1>
  {{ with .Description }}<p class="lead">{{ . }}</p>{{ end }}
  {{ .TableOfContents }}
  {{ .Content }}
  <ul class="page-tags">{{ range .GetTerms "tags" }}<li><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a></li>{{ end }}</ul>
</article>
<nav class="prev-next">
  {{ with .PrevInSection }}<a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}
  {{ with .NextInSection }}<a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}
</nav>
<aside class="section-pages">
  <h2><a href="{{ .CurrentSection.RelPermalink }}">{{ .CurrentSection.Title }}</a></h2>
  <ul>
    {{ $current := . }}{{ range .CurrentSection.Pages }}{{ if eq .RelPermalink $current.RelPermalink }}<li><span aria-current="page">{{ .Title }}</span></li>{{ else }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}
    {{ end }}
  </ul>
</aside>
@HEAVY@{{ end }}
"""

HUGO_SINGLE_HEAVY = """\
<nav class="bench-heavy">
  <h2>{{ .CurrentSection.Title }}</h2>
  <ul class="bench-section-pages">
    {{ range .CurrentSection.Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>
    {{ end }}
  </ul>
  <ul class="bench-tags">
    {{ range $name, $pages := .Site.Taxonomies.tags }}<li><a href="{{ $pages.Page.RelPermalink }}">{{ $pages.Page.Title }}</a> ({{ $pages.Count }})</li>
    {{ end }}
  </ul>
</nav>
"""

HUGO_LIST = """\
{{ define "main" }}
<h1>{{ .Title }}</h1>
{{ .Content }}
<ul class="pages">
  {{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ with .Description }} – {{ . }}{{ end }}</li>
  {{ end }}
</ul>
{{ end }}
"""

HUGO_404 = """\
{{ define "main" }}
<h1>404</h1>
<p><a href="{{ .Site.Home.RelPermalink }}">{{ .Site.Home.Title }}</a></p>
{{ end }}
"""

HUGO_INDEX = """\
{{ define "main" }}
<h1>{{ .Title }}</h1>
{{ .Content }}
<ul class="sections">
  {{ range .Sections }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ with .Description }} – {{ . }}{{ end }}</li>
  {{ end }}
</ul>
{{ end }}
"""


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)


def ensure_empty(path, what):
    if os.path.exists(path) and (not os.path.isdir(path) or os.listdir(path)):
        sys.exit(f"gen_site.py: {what} {path} exists and is not an empty directory")
    os.makedirs(path, exist_ok=True)


def hugo_links(text):
    # [text](@/sNNN/pNNNNN.md) -> [text]({{< ref "/sNNN/pNNNNN.md" >}})
    out, start = [], 0
    while True:
        i = text.find("](@/", start)
        if i < 0:
            out.append(text[start:])
            return "".join(out)
        j = text.index(")", i)
        target = text[i + 3:j]
        if target.endswith("/_index.md"):  # Hugo resolves a section by its directory
            target = target[:-len("/_index.md")]
        out.append(text[start:i] + '](' + '{{< ref "' + target + '" >}}' + ")")
        start = j + 1


def generate(out, n, layout, hugo, seed):
    ensure_empty(out, "OUT_DIR")
    if hugo:
        ensure_empty(hugo, "HUGO_DIR")
    write(os.path.join(out, "site.yaml"), SITE_YAML.format(n=n))
    if layout == "heavy":
        write(os.path.join(out, "templates", "page.html"), HEAVY_PAGE_HTML)
    if hugo:
        write(os.path.join(hugo, "hugo.toml"), HUGO_TOML.format(n=n))
        lay = os.path.join(hugo, "layouts", "_default")
        write(os.path.join(lay, "baseof.html"), HUGO_BASEOF)
        single = HUGO_SINGLE.replace("@HEAVY@", HUGO_SINGLE_HEAVY if layout == "heavy" else "")
        write(os.path.join(lay, "single.html"), single)
        write(os.path.join(lay, "list.html"), HUGO_LIST)
        write(os.path.join(hugo, "layouts", "index.html"), HUGO_INDEX)
        write(os.path.join(hugo, "layouts", "404.html"), HUGO_404)

    def emit(rel, text):
        write(os.path.join(out, "content", rel), text)
        if hugo:
            write(os.path.join(hugo, "content", rel), hugo_links(text))

    for lang in LANGS:
        title, desc = HOME[lang]
        rng = random.Random(f"{seed}-home-{lang}")
        emit(f"_index.{lang}.md", front_matter({"title": title, "description": desc}) + "\n" +
             " ".join(sentence(rng, lang) for _ in range(4)) + "\n")

    sections = (n + SECTION_SIZE - 1) // SECTION_SIZE
    for s in range(sections):
        first, last = s * SECTION_SIZE, min(n, (s + 1) * SECTION_SIZE)
        sdir = f"s{s:03d}"
        for lang in LANGS:
            rng = random.Random(f"{seed}-section-{s}-{lang}")
            emit(f"{sdir}/_index.{lang}.md",
                 front_matter({"title": f"{SECTION_WORD[lang]} {s}",
                               "description": sentence(rng, lang, 6, 10),
                               "weight": s + 1}) + "\n" +
                 " ".join(sentence(rng, lang) for _ in range(3)) + "\n")
        for p in range(first, last):
            rng = random.Random(f"{seed}-page-{p}")
            tags = rng.sample(TAGS, 2)
            others = [q for q in range(first, last) if q != p]
            link = f"@/{sdir}/p{rng.choice(others):05d}.md" if others else f"@/{sdir}/_index.md"
            code = code_block(rng)
            for lang in LANGS:
                lrng = random.Random(f"{seed}-page-{p}-{lang}")
                emit(f"{sdir}/p{p:05d}.{lang}.md",
                     make_page(lrng, lang, p, p - first + 1, tags, link, code))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out_dir", metavar="OUT_DIR")
    ap.add_argument("--pages", type=int, required=True, metavar="N", help="pages per language")
    ap.add_argument("--layout", choices=("default", "heavy"), default="default")
    ap.add_argument("--hugo", metavar="HUGO_DIR", help="also write an equivalent Hugo site here")
    ap.add_argument("--seed", default="optout", help="RNG seed (default: %(default)s)")
    args = ap.parse_args()
    if args.pages < 1:
        ap.error("--pages must be at least 1")
    generate(args.out_dir, args.pages, args.layout, args.hugo, args.seed)


if __name__ == "__main__":
    main()
