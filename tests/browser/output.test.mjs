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
