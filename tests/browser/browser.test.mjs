// The shipped site in real headless Chromium (Debian's `chromium`, driven by playwright-core):
// every page type in both languages, at 375 px and 1280 px, light and dark. Each load must be free
// of console errors and CSP violations, request nothing outside 127.0.0.1, not scroll sideways,
// and pass axe-core (WCAG 2.2 A/AA and axe's best practices). Screenshots of every load are kept in
// target/screenshots/ (or $OPTOUT_SCREENSHOTS) for a person to look at.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { buildSite, serveSite, REPO } from './site.mjs';
import { PAGE_TYPES, LANGS, WIDTHS, SCHEMES, CHROMIUM, CHROMIUM_ARGS } from './pages.mjs';

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'];
const SHOTS = process.env.OPTOUT_SCREENSHOTS ?? join(REPO, 'target', 'screenshots');
// At 375 px the header (title, menu, language switcher) may take at most this much height before
// the first content: it used to take about 205 px.
const HEADER_BUDGET_375 = 130;

let site;
let server;
let browser;
const contexts = new Map();

before(async () => {
  site = buildSite();
  server = await serveSite(site.dir);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
  mkdirSync(SHOTS, { recursive: true });
});

after(async () => {
  for (const context of contexts.values()) await context.close();
  await browser?.close();
  await server?.close();
  site?.remove();
});

/** One browser context per viewport width and colour scheme, reused across pages. */
async function contextFor(width, scheme) {
  const key = `${width}-${scheme}`;
  if (!contexts.has(key)) {
    const context = await browser.newContext({
      viewport: { width, height: 800 },
      colorScheme: scheme,
      reducedMotion: 'reduce',
    });
    // Record CSP violations as the page sees them (the init script runs through the DevTools
    // protocol, so the page's own CSP does not apply to it).
    await context.addInitScript(() => {
      window.__cspViolations = [];
      document.addEventListener('securitypolicyviolation', (e) => {
        window.__cspViolations.push(`${e.violatedDirective} blocked ${e.blockedURI || '(inline)'}`);
      });
    });
    contexts.set(key, context);
  }
  return contexts.get(key);
}

/**
 * Opens `path` in a fresh tab and collects what went wrong on the way: console errors, uncaught
 * exceptions and every request to anything but the local server (which is aborted, never sent).
 */
async function open(path, width, scheme) {
  const context = await contextFor(width, scheme);
  const page = await context.newPage();
  const problems = { console: [], offsite: [] };
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.console.push(msg.text());
  });
  page.on('pageerror', (err) => problems.console.push(`uncaught: ${err.message}`));
  await page.route('**/*', (route) => {
    const url = new URL(route.request().url());
    if (url.origin === server.origin) return route.continue();
    problems.offsite.push(url.href);
    return route.abort('blockedbyclient');
  });
  const response = await page.goto(server.origin + path, { waitUntil: 'load' });
  return { page, problems, response };
}

async function cspViolations(page) {
  return page.evaluate(() => window.__cspViolations);
}

/** Rules of axe-core that fail, with the elements they fail on (empty when the page passes). */
async function axeViolations(page) {
  await page.evaluate(AXE_SOURCE);
  const results = await page.evaluate(
    (tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] }),
    AXE_TAGS,
  );
  return results.violations.map(
    (v) => `${v.id} (${v.impact}): ${v.help}\n    ${v.nodes.map((n) => `${n.target.join(' ')}: ${n.failureSummary.replace(/\n/g, ' ')}`).join('\n    ')}`,
  );
}

/**
 * Layout problems a reader sees: sideways scrolling, hidden menu entries, a breadcrumb separator
 * alone on its line, words broken without a hyphen, other-language links without `lang`.
 */
async function layoutProblems(page) {
  return page.evaluate(() => {
    const found = [];
    const root = document.documentElement;
    if (root.scrollWidth > root.clientWidth + 1) {
      found.push(`page scrolls sideways: ${root.scrollWidth}px wide in a ${root.clientWidth}px viewport`);
    }
    // Every menu entry is in view without scrolling the menu sideways.
    const nav = document.querySelector('.site-nav');
    if (nav && nav.scrollWidth > nav.clientWidth + 1) {
      found.push(`the main menu is ${nav.scrollWidth}px wide in ${nav.clientWidth}px: entries are hidden`);
    }
    // A crumb's separator (its ::before) starts the crumb's box; if the crumb's first letter
    // sits on a lower line than the box's top, the separator was left alone on a line.
    for (const li of document.querySelectorAll('.breadcrumbs li + li')) {
      const walker = document.createTreeWalker(li, NodeFilter.SHOW_TEXT, (n) => (n.data.trim() ? NodeFilter.FILTER_ACCEPT : NodeFilter.FILTER_SKIP));
      const text = walker.nextNode();
      if (!text) continue;
      const range = document.createRange();
      const start = text.data.search(/\S/);
      range.setStart(text, start);
      range.setEnd(text, start + 1);
      const letter = range.getBoundingClientRect();
      const box = li.getBoundingClientRect();
      if (letter.top - box.top > letter.height / 2) {
        found.push(`breadcrumb separator alone on a line before "${li.textContent.trim()}"`);
      }
    }
    // Headings and card texts never split a word across lines without a hyphen. The test's
    // Chromium has no hyphenation dictionaries, so any split here is a bare emergency break.
    for (const el of document.querySelectorAll('h1, h2, h3, .card-text, .lead, .site-nav, .lang-switch')) {
      const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
      for (let text = walker.nextNode(); text; text = walker.nextNode()) {
        for (const m of text.data.matchAll(/[^\s\u00ad-]+/g)) {
          const range = document.createRange();
          range.setStart(text, m.index);
          range.setEnd(text, m.index + m[0].length);
          const tops = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
          if (tops.size > 1) found.push(`"${m[0]}" in <${el.tagName.toLowerCase()}> is broken across lines`);
        }
      }
    }
    // Text in another language than the page must say so (WCAG 3.1.2), e.g. the switcher entries.
    for (const a of document.querySelectorAll('a[hreflang]')) {
      const inside = a.closest('[lang]')?.getAttribute('lang');
      if (inside !== a.getAttribute('hreflang')) {
        found.push(`link to the ${a.getAttribute('hreflang')} page "${a.textContent.trim()}" is marked lang="${inside}"`);
      }
    }
    return found;
  });
}

for (const pt of PAGE_TYPES) {
  describe(`${pt.type} page`, () => {
    for (const lang of LANGS) {
      for (const width of WIDTHS) {
        for (const scheme of SCHEMES) {
          it(`${pt.type} ${lang} at ${width}px, ${scheme}: no error, CSP violation, offsite request or axe violation`, async (t) => {
            const { page, problems, response } = await open(pt[lang], width, scheme);
            try {
              assert.equal(response.status(), 200, `${pt[lang]} answered ${response.status()}`);
              assert.equal(await page.getAttribute('html', 'lang'), lang);
              await page.screenshot({ path: join(SHOTS, `${pt.type}-${lang}-${width}-${scheme}.png`), fullPage: true });
              assert.deepEqual(problems.console, [], 'console errors');
              assert.deepEqual(await cspViolations(page), [], 'CSP violations');
              assert.deepEqual(problems.offsite, [], 'requests that left 127.0.0.1');
              assert.deepEqual(await layoutProblems(page), [], 'layout problems');
              if (width === 375) {
                const header = await page.locator('.site-header').boundingBox();
                assert.ok(header.height <= HEADER_BUDGET_375, `header is ${header.height}px high at 375px (budget ${HEADER_BUDGET_375}px)`);
              }
              const violations = await axeViolations(page);
              assert.deepEqual(violations, [], `axe-core:\n  ${violations.join('\n  ')}`);
            } finally {
              await page.close();
            }
          });
        }
      }

      const other = LANGS.find((l) => l !== lang);
      it(`${pt.type} ${lang}: the language switcher lands on the ${other} counterpart`, async () => {
        const { page } = await open(pt[lang], 1280, 'light');
        try {
          const link = page.locator(`.lang-switch a[hreflang="${other}"]`);
          assert.equal(await link.count(), 1, 'one switcher entry for the other language');
          await Promise.all([page.waitForURL((u) => u.pathname !== pt[lang]), link.click()]);
          assert.equal(new URL(page.url()).pathname, pt[other]);
          assert.equal(await page.getAttribute('html', 'lang'), other);
        } finally {
          await page.close();
        }
      });

      it(`${pt.type} ${lang}: keyboard: skip link first, every focused control visibly outlined`, async () => {
        const { page } = await open(pt[lang], 1280, 'light');
        try {
          // The tab must be the active one for :focus styles to apply, as for a reader.
          await page.bringToFront();
          await page.keyboard.press('Tab');
          // The focused skip link slides into view; give its style a moment to apply.
          await page
            .waitForFunction(() => document.activeElement.getBoundingClientRect().top >= 0, null, { timeout: 2000 })
            .catch(() => {});
          const skip = await page.evaluate(() => {
            const el = document.activeElement;
            const r = el.getBoundingClientRect();
            return { cls: el.className, visible: r.top >= 0 && r.bottom <= innerHeight && r.width > 0, rect: JSON.stringify(r) };
          });
          assert.equal(skip.cls, 'skip-link', 'the first Tab reaches the skip link');
          assert.ok(skip.visible, `the focused skip link is on screen: ${skip.rect}`);
          await page.keyboard.press('Enter');
          assert.equal(await page.evaluate(() => document.activeElement.id), 'main', 'the skip link moves focus to <main>');
          // Walk the page with Tab from the top and check each focus indicator.
          await page.evaluate(() => window.scrollTo(0, 0));
          await page.reload();
          const seen = [];
          for (let i = 0; i < 80; i++) {
            await page.keyboard.press('Tab');
            const focus = await page.evaluate(() => {
              const el = document.activeElement;
              if (!el || el === document.body) return null;
              const ring = (s) => s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2 && s.outlineColor !== 'rgba(0, 0, 0, 0)';
              const own = getComputedStyle(el);
              const after = getComputedStyle(el, '::after');
              return { name: `${el.tagName.toLowerCase()} "${el.textContent.trim().slice(0, 40)}"`, ok: ring(own) || ring(after) };
            });
            if (!focus) break;
            if (seen.includes(focus.name)) break;
            seen.push(focus.name);
            assert.ok(focus.ok, `no visible focus indicator on ${focus.name}`);
          }
          assert.ok(seen.length >= 3, `only ${seen.length} focusable elements reached`);
        } finally {
          await page.close();
        }
      });
    }
  });
}

describe('reading features', () => {
  it('the audience filter narrows the guides section without JavaScript', async () => {
    const { page } = await open('/de/anleitungen/', 1280, 'light');
    try {
      const visible = () =>
        page.evaluate(() =>
          [...document.querySelectorAll('.listing .card')]
            .filter((c) => c.offsetParent !== null)
            .map((c) => c.className),
        );
      const all = await visible();
      assert.ok(all.length >= 10, `${all.length} cards`);
      await page.click('.audience-link-business');
      const business = await visible();
      assert.ok(business.length > 0 && business.length < all.length, `${business.length} of ${all.length} for companies`);
      assert.ok(business.every((c) => c.includes('aud-business')), business.join(', '));
      await page.click('.audience-link-personal');
      const personal = await visible();
      assert.ok(personal.every((c) => c.includes('aud-personal')), personal.join(', '));
      await page.click('.audience-link-all');
      assert.equal((await visible()).length, all.length);
      // The page runs no script of its own for this (the search box's loader is all there is).
      const scripts = await page.evaluate(() => [...document.querySelectorAll('script[src]')].map((s) => s.getAttribute('src')));
      assert.ok(scripts.every((src) => /\/search\.[0-9a-f]+\.js$/.test(src)), scripts.join(', '));
    } finally {
      await page.close();
    }
  });

  it('a guide prints as a checklist: navigation hidden, every external URL written out, a print button', async () => {
    const { page, problems } = await open('/de/anleitungen/linkedin/', 1280, 'light');
    try {
      // print.js (progressive enhancement) adds the button beside the Ctrl+P hint.
      const button = page.locator('.print-hint button');
      assert.equal(await button.count(), 1);
      assert.equal((await button.textContent()).trim(), 'Checkliste drucken');
      await page.emulateMedia({ media: 'print' });
      const shown = await page.evaluate(() => ({
        header: getComputedStyle(document.querySelector('.site-header .site-nav')).display,
        hint: getComputedStyle(document.querySelector('.print-hint')).display,
        button: getComputedStyle(document.querySelector('.opt-out .button-primary'), '::after').content,
        step: getComputedStyle(document.querySelector('.content ol > li'), '::after').borderTopStyle,
      }));
      assert.equal(shown.header, 'none');
      assert.equal(shown.hint, 'none');
      assert.match(shown.button, /https:\/\/www\.linkedin\.com\/mypreferences\/d\/settings\/data-for-ai-improvement/);
      assert.equal(shown.step, 'solid', 'each step has a box to tick');
      assert.deepEqual(problems.console, []);
      assert.deepEqual(await cspViolations(page), []);
    } finally {
      await page.close();
    }
  });

  it('JSON-LD is read by the browser as data: it parses, has the expected types and violates no CSP', async () => {
    for (const [path, type] of [['/de/', 'WebSite'], ['/en/guides/linkedin/', 'HowTo'], ['/de/themen/meta/', 'BreadcrumbList']]) {
      const { page, problems } = await open(path, 1280, 'light');
      try {
        const types = await page.evaluate(() =>
          [...document.querySelectorAll('script[type="application/ld+json"]')].flatMap((s) => JSON.parse(s.textContent)['@graph'].map((i) => i['@type'])),
        );
        assert.ok(types.includes(type), `${path}: ${types}`);
        assert.ok(types.includes('BreadcrumbList'), `${path}: ${types}`);
        assert.deepEqual(await cspViolations(page), [], path);
        assert.deepEqual(problems.console, [], path);
      } finally {
        await page.close();
      }
    }
  });
});
