// Checks over the generated HTML that need no browser.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { buildSite, htmlFiles, REPO } from './site.mjs';

let site;
before(() => {
  site = buildSite();
});
after(() => site?.remove());

/** The `platform:` keys of every guide under content/. */
function platformKeys(dir = join(REPO, 'content')) {
  const keys = new Set();
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) for (const k of platformKeys(path)) keys.add(k);
    else if (entry.name.endsWith('.yaml')) {
      const m = readFileSync(path, 'utf8').match(/^platform:\s*"?([^"\s]+)"?\s*$/m);
      if (m) keys.add(m[1]);
    }
  }
  return keys;
}

test('platform badges show display names, never raw keys ("x" → "X")', () => {
  const keys = platformKeys();
  assert.ok(keys.size >= 10, `only ${keys.size} platform keys found`);
  const raw = [];
  let badges = 0;
  for (const file of htmlFiles(site.dir)) {
    const html = readFileSync(join(site.dir, file), 'utf8');
    for (const m of html.matchAll(/<span class="badge">([^<]*)<\/span>/g)) {
      badges++;
      if (keys.has(m[1])) raw.push(`${file}: ${m[1]}`);
    }
  }
  assert.ok(badges > 0, 'no badge found: did the markup change?');
  assert.deepEqual([...new Set(raw)], [], 'badges showing a raw platform key');
});

// The budget: a page with its stylesheets and scripts stays under 60 KB uncompressed.
const PAGE_BUDGET = 60 * 1024;

test('every page with its CSS and JS weighs less than 60 KB; no render-blocking script', () => {
  const over = [];
  const blocking = [];
  let heaviest = { file: '', bytes: 0 };
  for (const file of htmlFiles(site.dir)) {
    const html = readFileSync(join(site.dir, file), 'utf8');
    let bytes = Buffer.byteLength(html);
    for (const m of html.matchAll(/<link rel="stylesheet" href="\/([^"]+)"/g)) {
      bytes += readFileSync(join(site.dir, m[1])).length;
    }
    for (const m of html.matchAll(/<script\b([^>]*)>/g)) {
      const src = m[1].match(/src="\/([^"]+)"/);
      if (src) bytes += readFileSync(join(site.dir, src[1])).length;
      if (!/\b(defer|async)\b|type="application\/ld\+json"/.test(m[1])) blocking.push(`${file}: <script${m[1]}>`);
    }
    if (bytes > heaviest.bytes) heaviest = { file, bytes };
    if (bytes > PAGE_BUDGET) over.push(`${file}: ${(bytes / 1024).toFixed(1)} KB`);
  }
  assert.deepEqual(over, [], `pages over ${PAGE_BUDGET / 1024} KB with their CSS and JS`);
  assert.deepEqual(blocking, [], 'render-blocking scripts');
  console.log(`heaviest page: ${heaviest.file}, ${(heaviest.bytes / 1024).toFixed(1)} KB with CSS and JS`);
});

/** The parsed JSON-LD blocks of a page (a block that does not parse fails the test). */
function jsonLd(file, html) {
  return [...html.matchAll(/<script type="application\/ld\+json">([\s\S]*?)<\/script>/g)].map((m) => {
    try {
      return JSON.parse(m[1]);
    } catch (e) {
      throw new Error(`${file}: JSON-LD does not parse: ${e.message}`);
    }
  });
}

test('JSON-LD: BreadcrumbList on every indexable page, WebSite on the homes, HowTo on guides', () => {
  const problems = [];
  let guides = 0;
  for (const file of htmlFiles(site.dir)) {
    const html = readFileSync(join(site.dir, file), 'utf8');
    const blocks = jsonLd(file, html);
    const indexable = /<link rel="canonical"/.test(html) && file !== 'index.html';
    if (!indexable) {
      if (blocks.length) problems.push(`${file}: JSON-LD on a page that is not indexed`);
      continue;
    }
    if (blocks.length !== 1) {
      problems.push(`${file}: ${blocks.length} JSON-LD blocks`);
      continue;
    }
    const [ld] = blocks;
    const types = ld['@graph'].map((item) => item['@type']);
    if (ld['@context'] !== 'https://schema.org') problems.push(`${file}: @context ${ld['@context']}`);
    const crumbs = ld['@graph'].find((item) => item['@type'] === 'BreadcrumbList');
    const canonical = html.match(/<link rel="canonical" href="([^"]+)"/)[1];
    if (!crumbs) problems.push(`${file}: no BreadcrumbList (${types})`);
    else if (crumbs.itemListElement.at(-1).item !== canonical) {
      problems.push(`${file}: the last crumb ${crumbs.itemListElement.at(-1).item} is not the canonical ${canonical}`);
    }
    if (/^(de|en)\/index\.html$/.test(file) && !types.includes('WebSite')) problems.push(`${file}: home without WebSite`);
    if (html.includes('class="opt-out"')) {
      guides++;
      const howTo = ld['@graph'].find((item) => item['@type'] === 'HowTo');
      if (!howTo) problems.push(`${file}: guide without HowTo`);
      else if (!howTo.step.length || howTo.step.some((s) => s['@type'] !== 'HowToStep' || !s.text.trim())) {
        problems.push(`${file}: HowTo steps ${JSON.stringify(howTo.step)}`);
      }
    }
  }
  assert.ok(guides >= 20, `only ${guides} guides checked`);
  assert.deepEqual(problems, []);
});

test('home: two entries (individuals, companies) and every guide in the overview, each linked', () => {
  for (const [lang, guides, business] of [['de', '/de/anleitungen/', '/de/unternehmen/'], ['en', '/en/guides/', '/en/business/']]) {
    const html = readFileSync(join(site.dir, lang, 'index.html'), 'utf8');
    assert.match(html, new RegExp(`class="entry entry-personal"><a href="${guides}"`));
    assert.match(html, new RegExp(`class="entry entry-business"><a href="${business}"`));
    const overview = html.slice(html.indexOf('class="overview"'));
    const guideFiles = htmlFiles(site.dir).filter((f) => f.startsWith(`${lang}/`) && readFileSync(join(site.dir, f), 'utf8').includes('class="opt-out"'));
    for (const f of guideFiles) {
      const url = `/${f.replace(/index\.html$/, '')}`;
      assert.ok(overview.includes(`<a href="${url}">`), `${lang} overview does not link ${url}`);
    }
  }
});

test('business pages carry the "for companies" marker', () => {
  const de = readFileSync(join(site.dir, 'de/unternehmen/mitarbeiterrichtlinie/index.html'), 'utf8');
  assert.match(de, /<p class="audience-marker">Für Unternehmen<\/p>/);
  const en = readFileSync(join(site.dir, 'en/business/employee-policy/index.html'), 'utf8');
  assert.match(en, /<p class="audience-marker">For companies<\/p>/);
  const guide = readFileSync(join(site.dir, 'de/anleitungen/facebook/index.html'), 'utf8');
  assert.doesNotMatch(guide, /audience-marker/);
});

test('with SOURCE_DATE_EPOCH before a deadline, guide and overview count the days; after the review date, the box says it is overdue', () => {
  // 2025-05-16: ten days before Meta's deadline of 2025-05-26.
  const before = buildSite({ epoch: '1747353600' });
  try {
    const guide = readFileSync(join(before.dir, 'de/anleitungen/facebook/index.html'), 'utf8');
    assert.match(guide, /<strong class="days-left">\(noch 10 Tage\)<\/strong>/);
    assert.match(guide, /class="opt-out-deadline opt-out-upcoming"/);
    assert.doesNotMatch(guide, /\(abgelaufen\)/);
    const en = readFileSync(join(before.dir, 'en/guides/facebook/index.html'), 'utf8');
    assert.match(en, /10 days left/);
    const home = readFileSync(join(before.dir, 'de/index.html'), 'utf8');
    const firstRow = home.slice(home.indexOf('<tbody>')).match(/<tr[^>]*>[\s\S]*?<\/tr>/)[0];
    assert.match(firstRow, /class="is-urgent"/);
    assert.match(firstRow, /noch 10 Tage/);
  } finally {
    before.remove();
  }
  // 2027-04-01: after the next review (2026-12-05 + 90 days).
  const after = buildSite({ epoch: '1806537600' });
  try {
    const guide = readFileSync(join(after.dir, 'de/anleitungen/facebook/index.html'), 'utf8');
    assert.match(guide, /class="opt-out-overdue"/);
    assert.match(guide, /\(Prüfung überfällig\)/);
    assert.match(guide, /\(abgelaufen\)/);
  } finally {
    after.remove();
  }
});
