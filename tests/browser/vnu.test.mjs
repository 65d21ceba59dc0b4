// The Nu HTML Checker (npm `vnu-jar`, run with Java) over every HTML page the shipped site
// generates: zero errors.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { buildSite, htmlFiles } from './site.mjs';

const require = createRequire(import.meta.url);
const VNU_JAR = require('vnu-jar');

let site;
before(() => {
  site = buildSite();
});
after(() => site?.remove());

test('vnu: every generated HTML page is valid', () => {
  const files = htmlFiles(site.dir);
  assert.ok(files.length >= 90, `only ${files.length} HTML files built`);
  const run = spawnSync(
    'java',
    ['-Xss8m', '-jar', VNU_JAR, '--errors-only', '--format', 'json', ...files.map((f) => join(site.dir, f))],
    { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  if (run.error) throw new Error(`cannot run java: ${run.error.message} (scripts/install-test-deps installs it)`);
  // vnu writes its JSON report to stderr and exits 1 when it found errors.
  let report;
  try {
    report = JSON.parse(run.stderr);
  } catch {
    throw new Error(`vnu did not report (exit ${run.status}):\n${run.stdout}${run.stderr}`);
  }
  const errors = report.messages
    .filter((m) => m.type === 'error' || m.subType === 'fatal')
    .map((m) => `${m.url.replace(`file:${site.dir}/`, '')}:${m.lastLine ?? '?'}:${m.firstColumn ?? '?'}: ${m.message}`);
  assert.deepEqual(errors, [], `${errors.length} vnu errors in ${files.length} pages`);
  console.log(`vnu: ${files.length} HTML pages checked, 0 errors`);
});
