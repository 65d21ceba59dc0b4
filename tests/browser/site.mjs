// Builds the shipped site with the release binary and serves it on 127.0.0.1 with the site's own
// security headers (read from the generated `_headers`), so that the browser enforces the real
// Content-Security-Policy and a violation is a real one.
import { spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import { mkdtempSync, readFileSync, rmSync, statSync, existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, extname, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const TARGET = process.env.CARGO_TARGET_DIR ? resolve(process.env.CARGO_TARGET_DIR) : join(REPO, 'target');
export const BINARY = process.env.OPTOUT_BIN ?? join(TARGET, 'release', 'optout');

/**
 * "Today" of the test builds (deadlines count down and reviews fall due against it): 2026-12-05,
 * the shipped guides' last check, so that the pages and screenshots do not change from day to day.
 */
export const TEST_EPOCH = '1796428800';

/**
 * Builds the repository's site into a fresh temporary directory and returns its path.
 * `epoch` is the build's SOURCE_DATE_EPOCH (seconds since 1970).
 */
export function buildSite({ epoch = TEST_EPOCH } = {}) {
  if (!existsSync(BINARY)) {
    throw new Error(`${BINARY} does not exist: run \`cargo build --release\` first (scripts/test does)`);
  }
  const out = mkdtempSync(join(tmpdir(), 'optout-browser-'));
  const dir = join(out, 'public');
  const run = spawnSync(BINARY, ['build', '--root', REPO, '--output', dir], {
    encoding: 'utf8',
    env: { ...process.env, SOURCE_DATE_EPOCH: epoch },
  });
  if (run.status !== 0) {
    throw new Error(`optout build failed (exit ${run.status}):\n${run.stdout}${run.stderr}`);
  }
  return { dir, remove: () => rmSync(out, { recursive: true, force: true }) };
}

/** Every HTML file of the built site, as paths relative to `dir`, sorted. */
export function htmlFiles(dir, sub = '') {
  const files = [];
  for (const entry of readdirSync(join(dir, sub), { withFileTypes: true })) {
    const rel = sub ? `${sub}/${entry.name}` : entry.name;
    if (entry.isDirectory()) files.push(...htmlFiles(dir, rel));
    else if (entry.name.endsWith('.html')) files.push(rel);
  }
  return files.sort();
}

/**
 * Parses a `_headers` file (the Netlify / Cloudflare Pages format: a path pattern at the start of a
 * line, then indented `Name: value` lines) into a list of {pattern, headers}.
 */
export function parseHeaders(text) {
  const rules = [];
  for (const line of text.split('\n')) {
    if (!line.trim() || line.trim().startsWith('#')) continue;
    if (!/^\s/.test(line)) {
      rules.push({ pattern: line.trim(), headers: [] });
      continue;
    }
    const colon = line.indexOf(':');
    if (colon < 0 || rules.length === 0) throw new Error(`_headers: cannot parse line ${JSON.stringify(line)}`);
    rules.at(-1).headers.push([line.slice(0, colon).trim(), line.slice(colon + 1).trim()]);
  }
  return rules;
}

function patternMatches(pattern, path) {
  if (pattern.endsWith('*')) return path.startsWith(pattern.slice(0, -1));
  return pattern === path;
}

/** The headers the host would send for `path`: every matching rule, in file order. */
export function headersFor(rules, path) {
  const headers = {};
  for (const rule of rules) {
    if (!patternMatches(rule.pattern, path)) continue;
    for (const [name, value] of rule.headers) headers[name] = value;
  }
  return headers;
}

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.xml': 'application/xml; charset=utf-8',
  '.json': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * Serves `dir` on 127.0.0.1 (a free port) like a static host: `/x/` → `/x/index.html`, `/x` → 308 to
 * `/x/` for directories, a missing path → the language's `404.html` with status 404, and the headers
 * from `_headers` on every response. Resolves to {origin, close}.
 */
export function serveSite(dir) {
  const root = resolve(dir);
  const rules = parseHeaders(readFileSync(join(root, '_headers'), 'utf8'));
  const server = createServer((req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1');
    let path;
    try {
      path = decodeURIComponent(url.pathname);
    } catch {
      res.writeHead(400).end();
      return;
    }
    let file = resolve(root, `.${path}`);
    if (file !== root && !file.startsWith(root + sep)) {
      res.writeHead(403).end();
      return;
    }
    let status = 200;
    let stat = existsSync(file) ? statSync(file) : null;
    if (stat?.isDirectory()) {
      if (!path.endsWith('/')) {
        res.writeHead(308, { Location: `${url.pathname}/${url.search}` }).end();
        return;
      }
      file = join(file, 'index.html');
      stat = existsSync(file) ? statSync(file) : null;
    }
    if (!stat?.isFile()) {
      status = 404;
      const lang = path.split('/')[1];
      file = existsSync(join(root, lang ?? '', '404.html')) && lang ? join(root, lang, '404.html') : join(root, '404.html');
    }
    const headers = {
      ...headersFor(rules, path),
      'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
      'Cache-Control': 'no-store',
    };
    res.writeHead(status, headers);
    res.end(req.method === 'HEAD' ? undefined : readFileSync(file));
  });
  return new Promise((resolvePromise, reject) => {
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      resolvePromise({
        origin: `http://127.0.0.1:${port}`,
        close: () => new Promise((done) => server.close(done)),
      });
    });
  });
}
