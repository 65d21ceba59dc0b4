// Writes the README's screenshots (docs/screenshots/): the German home page and a guide, the
// first screen at 1280 × 800 in the light scheme. Run after a theme change:
//   cargo build --release && node tests/browser/readme-screenshots.mjs
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { buildSite, serveSite, REPO } from './site.mjs';
import { CHROMIUM, CHROMIUM_ARGS } from './pages.mjs';

const SHOTS = [
  { file: 'home.png', path: '/de/' },
  { file: 'guide.png', path: '/de/anleitungen/linkedin/' },
];

const out = join(REPO, 'docs', 'screenshots');
mkdirSync(out, { recursive: true });
const site = buildSite();
const server = await serveSite(site.dir);
const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, colorScheme: 'light' });
  for (const shot of SHOTS) {
    await page.goto(server.origin + shot.path, { waitUntil: 'load' });
    await page.screenshot({ path: join(out, shot.file) });
    console.log(`docs/screenshots/${shot.file} ← ${shot.path}`);
  }
} finally {
  await browser.close();
  await server.close();
  site.remove();
}
