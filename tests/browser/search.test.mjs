// The search box of the shipped site in real headless Chromium (the setup of browser.test.mjs):
// an inflected German query, a part of a German compound, an English query and one without a
// result; the keyboard path ("/" focuses, arrows move, Escape closes, Enter opens); the live
// region; the other language; axe-core with the results open; and no request outside 127.0.0.1.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';
import { buildSite, serveSite } from './site.mjs';
import { CHROMIUM, CHROMIUM_ARGS } from './pages.mjs';

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'];

let site;
let server;
let browser;

before(async () => {
  site = buildSite();
  server = await serveSite(site.dir);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
});

after(async () => {
  await browser?.close();
  await server?.close();
  site?.remove();
});

/** Opens `path`; collects console errors, CSP violations and requests that would leave the host. */
async function open(path, width = 1280) {
  const context = await browser.newContext({ viewport: { width, height: 800 }, reducedMotion: 'reduce' });
  await context.addInitScript(() => {
    window.__cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  const page = await context.newPage();
  const problems = { console: [], offsite: [], requests: [] };
  page.on('console', (msg) => msg.type() === 'error' && problems.console.push(msg.text()));
  page.on('pageerror', (err) => problems.console.push(`uncaught: ${err.message}`));
  await page.route('**/*', (route) => {
    const url = new URL(route.request().url());
    if (url.origin === server.origin) {
      problems.requests.push(url.pathname);
      return route.continue();
    }
    problems.offsite.push(url.href);
    return route.abort('blockedbyclient');
  });
  await page.goto(server.origin + path, { waitUntil: 'load' });
  await page.bringToFront();
  return { page, problems, close: () => context.close() };
}

/** Types `query` into the open search field and waits for the live region to announce it. */
async function search(page, query) {
  await page.fill('.search-input', query);
  // The panel says which query it shows once its results are in.
  await page.waitForFunction(
    (q) => {
      const panel = document.querySelector('.search-panel');
      return panel.dataset.query === q && !panel.hidden && document.querySelector('.search [role="status"]').textContent;
    },
    query,
    { timeout: 5000 },
  );
  return page.evaluate(() => ({
    live: document.querySelector('.search [role="status"]').textContent,
    urls: [...document.querySelectorAll('.search-results a')].map((a) => new URL(a.href).pathname + new URL(a.href).hash),
    marks: [...document.querySelectorAll('.search-results li:first-child mark')].map((m) => m.textContent),
  }));
}

async function clean(page, problems) {
  assert.deepEqual(problems.console, [], 'console errors');
  assert.deepEqual(await page.evaluate(() => window.__cspViolations), [], 'CSP violations');
  assert.deepEqual(problems.offsite, [], 'requests that left 127.0.0.1');
}

describe('search', () => {
  it('"/" opens the box; an inflected German query and a compound part find their pages, marked', async () => {
    const { page, problems, close } = await open('/de/anleitungen/facebook/');
    try {
      // Before the first use, only the loader: the engine and the index are not fetched.
      assert.ok(!problems.requests.some((p) => p.includes('search-engine') || p.startsWith('/search/')), problems.requests.join(' '));
      await page.keyboard.press('/');
      await page.waitForFunction(() => document.activeElement?.classList.contains('search-input'), null, { timeout: 5000 });
      const inflected = await search(page, 'Einstellungen LinkedIn');
      assert.equal(inflected.urls[0].split('#')[0], '/de/anleitungen/linkedin/', inflected.urls.join(', '));
      assert.match(inflected.live, /^\d+ Treffer$/);
      // Engine, stylesheet, meta, shards and excerpts of the first query: under the 100 KB budget.
      const bytes = await page.evaluate(() =>
        performance
          .getEntriesByType('resource')
          .filter((r) => /\/search[-./]/.test(new URL(r.name).pathname))
          .reduce((n, r) => n + r.encodedBodySize, 0),
      );
      console.log(`search: ${bytes} bytes fetched for the first query`);
      assert.ok(bytes > 0 && bytes < 100 * 1024, `${bytes} bytes fetched for the search`);
      const part = await search(page, 'Richtlinie');
      assert.equal(part.urls[0].split('#')[0], '/de/unternehmen/mitarbeiterrichtlinie/', part.urls.join(', '));
      assert.ok(part.marks.some((m) => /richtlinie/i.test(m)), `marked: ${part.marks}`);
      await clean(page, problems);
    } finally {
      await close();
    }
  });

  it('keyboard: arrows move through the results, Escape closes, Enter opens the first', async () => {
    const { page, problems, close } = await open('/de/');
    try {
      await page.keyboard.press('/');
      await page.waitForFunction(() => document.activeElement?.classList.contains('search-input'), null, { timeout: 5000 });
      const found = await search(page, 'Widerspruch Instagram');
      assert.ok(found.urls.length >= 2, found.urls.join(', '));
      const focused = () => page.evaluate(() => document.activeElement.className || document.activeElement.getAttribute('href'));
      await page.keyboard.press('ArrowDown');
      assert.equal(new URL(await page.evaluate(() => document.activeElement.href)).pathname, found.urls[0].split('#')[0]);
      await page.keyboard.press('ArrowDown');
      assert.equal(new URL(await page.evaluate(() => document.activeElement.href)).pathname, found.urls[1].split('#')[0]);
      await page.keyboard.press('ArrowUp');
      await page.keyboard.press('ArrowUp');
      assert.equal(await focused(), 'search-input');
      await page.keyboard.press('Escape');
      assert.equal(await page.evaluate(() => document.querySelector('.search-panel').hidden), true);
      assert.equal(await focused(), 'search-input');
      await Promise.all([page.waitForURL((u) => u.pathname === found.urls[0].split('#')[0]), page.keyboard.press('Enter')]);
      await clean(page, problems);
    } finally {
      await close();
    }
  });

  it('English: an inflection finds the stem; the other language on request; no result said so', async () => {
    const { page, problems, close } = await open('/en/guides/', 375);
    try {
      await page.click('.site-search');
      await page.waitForFunction(() => document.activeElement?.classList.contains('search-input'), null, { timeout: 5000 });
      const header = await page.locator('.site-header').boundingBox();
      assert.ok(header.height <= 130, `header ${header.height}px at 375px with the search field`);
      const found = await search(page, 'objected');
      assert.ok(found.urls[0].startsWith('/en/guides/facebook/'), found.urls.join(', '));
      assert.ok(found.urls.every((u) => u.startsWith('/en/')), found.urls.join(', '));
      await page.click('.search-other');
      await page.waitForSelector('.search-results[lang="de"] a');
      const german = await page.evaluate(() => [...document.querySelectorAll('.search-results[lang="de"] a')].map((a) => new URL(a.href).pathname));
      assert.ok(german.length > 0 && german.every((u) => u.startsWith('/de/')), german.join(', '));
      const none = await search(page, 'Quarkstrudel');
      assert.equal(none.live, 'No results for “Quarkstrudel”.');
      assert.deepEqual(
        await page.evaluate(() => [...document.querySelectorAll('.search-results[lang="de"] li, .search-results:not([lang]) li')].length),
        0,
      );
      await clean(page, problems);
    } finally {
      await close();
    }
  });

  it('axe-core finds nothing with the results open, light and dark', async () => {
    for (const scheme of ['light', 'dark']) {
      const { page, problems, close } = await open('/de/anleitungen/');
      try {
        await page.emulateMedia({ colorScheme: scheme });
        await page.keyboard.press('/');
        await page.waitForFunction(() => document.activeElement?.classList.contains('search-input'), null, { timeout: 5000 });
        await search(page, 'Formular');
        await page.evaluate(AXE_SOURCE);
        const results = await page.evaluate(
          (tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] }),
          AXE_TAGS,
        );
        const violations = results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
        assert.deepEqual(violations, [], `${scheme}: ${violations.join('\n')}`);
        await clean(page, problems);
      } finally {
        await close();
      }
    }
  });

  it('without JavaScript the box is a link to the list of every page', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    try {
      await page.goto(`${server.origin}/de/`);
      await Promise.all([page.waitForURL((u) => u.pathname === '/de/search.html'), page.click('.site-search')]);
      const links = await page.locator('main a[href="/de/anleitungen/facebook/"]').count();
      assert.equal(links, 1);
    } finally {
      await context.close();
    }
  });
});
