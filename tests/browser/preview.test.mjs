// The live preview's error overlay in real headless Chromium: `optout serve` on a site made by
// `optout init`, a page opened at 375 px, then a content error saved. The overlay must appear
// without a reload by hand, name the file with line and column, lay out its head readably on a
// narrow screen (count and close button on one row, the explanation below, nothing wider than
// the screen), pass axe-core, hold the site's CSP, and go away when the file is fixed.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { BINARY, REPO } from './site.mjs';
import { CHROMIUM, CHROMIUM_ARGS } from './pages.mjs';

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'];
const SHOTS = process.env.OPTOUT_SCREENSHOTS ?? join(REPO, 'target', 'screenshots');

let work;
let serve;
let origin;
let browser;
let serveOutput = '';

/** A port no one listens on right now. */
function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

/** Polls `origin` until the preview answers (it builds the site first). */
async function waitForServer(url, ms = 20000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`optout serve did not answer at ${url} within ${ms} ms:\n${serveOutput}`);
}

before(async () => {
  work = mkdtempSync(join(tmpdir(), 'optout-preview-'));
  const site = join(work, 'site');
  const init = spawnSync(BINARY, ['init', site], { encoding: 'utf8' });
  assert.equal(init.status, 0, `optout init failed:\n${init.stdout}${init.stderr}`);
  const port = await freePort();
  origin = `http://127.0.0.1:${port}`;
  serve = spawn(BINARY, ['serve', '--root', site, '--port', String(port), '--bind', '127.0.0.1'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  serve.stdout.on('data', (d) => (serveOutput += d));
  serve.stderr.on('data', (d) => (serveOutput += d));
  await waitForServer(`${origin}/de/`);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
});

after(async () => {
  await browser?.close();
  serve?.kill('SIGTERM');
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('preview', () => {
  it('a saved content error shows a readable overlay at 375 px, and fixing the file clears it', async () => {
    const home = join(work, 'site', 'content', '_index.de.md');
    const good = readFileSync(home, 'utf8');
    const context = await browser.newContext({ viewport: { width: 375, height: 740 }, reducedMotion: 'reduce' });
    await context.addInitScript(() => {
      window.__cspViolations = [];
      document.addEventListener('securitypolicyviolation', (e) => window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`));
    });
    const page = await context.newPage();
    const offsite = [];
    await page.route('**/*', (route) => {
      const url = new URL(route.request().url());
      if (url.origin === origin) return route.continue();
      offsite.push(url.href);
      return route.abort('blockedbyclient');
    });
    try {
      await page.goto(`${origin}/de/`, { waitUntil: 'load' });
      // The live script subscribes to the preview's events after load.
      await page.waitForTimeout(500);

      writeFileSync(home, good.replace(/^title: .*$/m, 'title: "Widersprechen Sie dem KI-Training'));
      await page.waitForSelector('#optout-overlay', { timeout: 10000 });
      // The overlay's stylesheet arrives after the element.
      await page.waitForFunction(() => getComputedStyle(document.querySelector('#optout-overlay')).position === 'fixed', null, { timeout: 5000 });

      const overlay = await page.evaluate(() => {
        const box = (sel) => document.querySelector(sel).getBoundingClientRect();
        const panel = document.querySelector('.optout-overlay-panel');
        return {
          role: document.querySelector('#optout-overlay').getAttribute('role'),
          text: document.querySelector('#optout-overlay').textContent,
          count: box('.optout-overlay-head strong'),
          close: box('.optout-overlay-close'),
          explanation: box('.optout-overlay-head span'),
          panel: { scrollWidth: panel.scrollWidth, clientWidth: panel.clientWidth },
          pageScrollWidth: document.documentElement.scrollWidth,
        };
      });
      assert.equal(overlay.role, 'alert');
      assert.match(overlay.text, /content\/_index\.de\.md:2:\d+/, 'the file with its line and column');
      assert.match(overlay.text, /1 error/);
      // Count and close button share the first row; the explanation starts below both.
      assert.ok(Math.abs(overlay.count.top - overlay.close.top) < overlay.close.height, `one row: ${JSON.stringify(overlay)}`);
      assert.ok(overlay.explanation.top >= overlay.count.bottom - 1, `explanation below the count: ${JSON.stringify(overlay)}`);
      assert.ok(overlay.explanation.width > 250, `the explanation has the panel's width, not a sliver: ${overlay.explanation.width}px`);
      assert.ok(overlay.panel.scrollWidth <= overlay.panel.clientWidth, 'nothing in the panel is wider than the panel');
      assert.ok(overlay.pageScrollWidth <= 375, `no sideways scrolling: ${overlay.pageScrollWidth}px`);

      await page.evaluate(AXE_SOURCE);
      const axe = await page.evaluate(
        (tags) => window.axe.run({ include: ['#optout-overlay'] }, { runOnly: { type: 'tag', values: tags } }),
        AXE_TAGS,
      );
      assert.deepEqual(
        axe.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`),
        [],
        'axe-core on the overlay',
      );

      mkdirSync(SHOTS, { recursive: true });
      await page.screenshot({ path: join(SHOTS, 'preview-overlay-de-375-light.png') });

      writeFileSync(home, good);
      await page.waitForSelector('#optout-overlay', { state: 'detached', timeout: 10000 });
      assert.deepEqual(await page.evaluate(() => window.__cspViolations), [], 'CSP violations');
      assert.deepEqual(offsite, [], 'requests that left 127.0.0.1');
    } finally {
      writeFileSync(home, good);
      await context.close();
    }
  });
});
