// The search of the shipped site, judged on realistic queries: the real client code
// (themes/default/static/search-engine.js) runs in Node against the index of a real build, reading
// the files instead of fetching them. Each query names the page (and, where it matters, the
// heading) its first result must link.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSite, REPO } from './site.mjs';

const { Index } = await import(join(REPO, 'themes/default/static/search-engine.js'));

// [query, expected start of the first result's URL, todo reason if known to fail]
const QUERIES = {
  de: [
    ['Widerspruch Instagram', '/de/anleitungen/instagram/'],
    ['Einstellungen LinkedIn KI', '/de/anleitungen/linkedin/'],
    ['Facebook widersprechen', '/de/anleitungen/facebook/#wer-widersprechen-kann'],
    ['Formular Pinterest', '/de/anleitungen/pinterest/#was-das-formular-abfragt'],
    ['Löschung ChatGPT', '/de/ki-chats/chatgpt/'],
    ['Loeschung Daten Claude', '/de/ki-chats/claude/'],
    ['Frist 26. Mai', '/de/anleitungen/facebook/#die-frist-vom-26-mai-2025'],
    ['WhatsApp Meta AI', '/de/anleitungen/whatsapp-meta-ai/'],
    ['Grok X Daten', '/de/anleitungen/x-grok/'],
    ['Datenschutzbeauftragte Checkliste', '/de/unternehmen/checkliste-datenschutzbeauftragte/'],
    // "Richtlinie" is a part of "Mitarbeiterrichtlinie".
    ['Richtlinie', '/de/unternehmen/mitarbeiterrichtlinie/'],
    // "Beauftragte" never stands alone on the site, only in "Datenschutzbeauftragte".
    ['Beauftragte', '/de/unternehmen/checkliste-datenschutzbeauftragte/'],
    ['robots.txt KI-Crawler', '/de/unternehmen/website-schuetzen/#robotstxt'],
    ['Urheberrecht TDM', '/de/hintergrund/rechtsrahmen/#urheberrecht-der-tdm-vorbehalt'],
    ['berechtigtes Interesse', '/de/hintergrund/rechtsrahmen/'],
    ['Pinterest Einstellung', '/de/anleitungen/pinterest/'],
    ['DeepSeek', '/de/ki-chats/deepseek/'],
    ['Adobe Content', '/de/anleitungen/adobe/'],
    ['Tumblr WordPress', '/de/anleitungen/tumblr-wordpress/'],
    ['Chronik', '/de/hintergrund/chronik/'],
    ['Gemini Aktivitäten', '/de/ki-chats/gemini/'],
    ['Unternehmensseiten', '/de/unternehmen/unternehmensseiten/'],
  ],
  en: [
    ['LinkedIn opt out', '/en/guides/linkedin/'],
    ['opt-out Slack', '/en/guides/slack/'],
    ['object Facebook', '/en/guides/facebook/'],
    ['Instagram objection', '/en/guides/instagram/'],
    // An inflection the site does not use meets the stem of "object".
    ['objected', '/en/guides/facebook/#who-can-object'],
    ['deadline May 2025', '/en/ai-chats/meta-ai/#the-may-2025-deadline'],
    ['WhatsApp Meta AI', '/en/guides/whatsapp-meta-ai/'],
    ['ChatGPT training off', '/en/ai-chats/chatgpt/'],
    ['Claude model training', '/en/ai-chats/claude/'],
    ['employee policy', '/en/business/employee-policy/'],
    ['DPO checklist', '/en/business/dpo-checklist/'],
    ['robots.txt crawlers', '/en/business/website-protection/#robotstxt'],
    ['website protection AI crawlers', '/en/business/website-protection/'],
    ['legitimate interest', '/en/background/legal-frame/'],
    ['copyright TDM', '/en/background/legal-frame/#copyright-the-tdm-opt-out'],
    ['Slack email', '/en/guides/slack/'],
    ['YouTube third-party training', '/en/guides/youtube/'],
    ['Pinterest setting', '/en/guides/pinterest/'],
    ['Gemini activity', '/en/ai-chats/gemini/'],
    ['Grok X data', '/en/guides/x-grok/'],
    ['timeline', '/en/background/timeline/'],
    ['company pages', '/en/business/company-pages/'],
  ],
};

let site;
before(() => {
  site = buildSite();
});
after(() => site?.remove());

const fetchJson = async (url) => JSON.parse(readFileSync(join(site.dir, url.split('?')[0]), 'utf8'));

for (const [lang, queries] of Object.entries(QUERIES)) {
  for (const [query, expected, todo] of queries) {
    test(`${lang} "${query}" → ${expected}`, { todo }, async () => {
      const found = await new Index(`/search/${lang}/`, fetchJson).search(query);
      const urls = found.results.map((r) => r.url);
      assert.ok(urls[0]?.startsWith(expected), `first results: ${urls.slice(0, 3).join(', ')}`);
      // Never a page of the other language.
      assert.ok(urls.every((u) => u.startsWith(`/${lang}/`)), urls.join(', '));
    });
  }
}

test('a word the site does not contain finds nothing', async () => {
  const found = await new Index('/search/de/', fetchJson).search('Quarkstrudel');
  assert.deepEqual(found, { total: 0, results: [] });
});
