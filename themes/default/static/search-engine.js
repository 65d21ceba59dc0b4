// Search of the site, loaded by search.js on first use. It reads the static index optout writes
// under search/<lang>/ (src/search/): meta.json (layout, version, strings), shards s<N>.json
// ({f: {folded form: stem}, p: {stem: [entry, score, …]}}) and excerpts e<N>.json. Stemming and
// compound splitting happened at build time: a query word is only folded, as src/search/words.rs
// folds, and looked up among the forms. Nothing leaves the site; no eval, no inline script.

/** Lower case, ä ö ü ß written ae oe ue ss (the same as `words::fold`). */
export function fold(word) {
  return word.toLowerCase().replace(/ä/g, 'ae').replace(/ö/g, 'oe').replace(/ü/g, 'ue').replace(/ß/g, 'ss');
}

/** Runs of letters and digits (the same as `words::tokens`). */
export function tokens(text) {
  return text.split(/[^\p{Alphabetic}\p{N}]+/u).filter(Boolean);
}

/** The shard of a word: its first two characters (the same as `index::bucket`). */
export function bucket(word, shards) {
  const [a, b] = [...word];
  return ((a ? a.codePointAt(0) : 0) * 131 + (b ? b.codePointAt(0) : 0)) % shards;
}

const SECTIONS = 64;
const TITLE_ENTRY = SECTIONS - 1;

/** One language's index; `fetchJson(url)` loads a file (fetch in the browser, files in tests). */
export class Index {
  constructor(base, fetchJson) {
    this.base = base;
    this.fetchJson = fetchJson;
    this.files = new Map();
  }

  meta() {
    return this.load('meta.json', false);
  }

  async load(name, versioned = true) {
    if (!this.files.has(name)) {
      const v = versioned ? `?v=${(await this.meta()).v}` : '';
      this.files.set(name, this.fetchJson(`${this.base}${name}${v}`));
    }
    return this.files.get(name);
  }

  async shard(word) {
    return this.load(`s${bucket(word, (await this.meta()).shards)}.json`);
  }

  /** The stems a query word stands for, with a weight: its own form, forms it begins, else
   * forms that begin like it (an inflection the site does not use: "objected" → "object"). */
  async stems(word) {
    const forms = (await this.shard(word)).f;
    const found = new Map();
    const take = (stem, weight) => found.set(stem, Math.max(found.get(stem) ?? 0, weight));
    if (word in forms) take(forms[word], 1);
    const chars = [...word].length;
    if (chars >= 3) {
      for (const [form, stem] of Object.entries(forms)) if (form !== word && form.startsWith(word)) take(stem, 0.7);
    }
    for (let cut = chars - 1; found.size === 0 && cut >= Math.max(4, chars - 3); cut--) {
      const prefix = [...word].slice(0, cut).join('');
      for (const [form, stem] of Object.entries(forms)) if (form.startsWith(prefix)) take(stem, 0.5);
    }
    const shown = new Set([word]);
    for (const [form, stem] of Object.entries(forms)) if (found.has(stem)) shown.add(form);
    return { stems: found, forms: shown };
  }

  /**
   * Pages matching `query`, best first: those with every (known) word before those with fewer,
   * then by score. Each result links the heading that matched best.
   * Returns {total, results: [{title, section, url, heading, text, forms}]}.
   */
  async search(query, limit = 8) {
    const words = [...new Set(tokens(query).map(fold))].filter((w) => [...w].length >= 2 || /^\d+$/.test(w));
    // Words the site writes hyphenated ("opt out" as in "opt-out") are one concept: they share a
    // group, which counts as one word, so two halves of one term do not outweigh a name.
    const known = [];
    let previous = null;
    for (const word of words) {
      const found = await this.stems(word);
      if (!found.stems.size) {
        previous = null;
        continue;
      }
      const pairs = previous ? (await this.shard(previous.word)).h ?? [] : [];
      found.word = word;
      found.group = pairs.includes(`${previous?.word} ${word}`) ? previous.group : known.length ? known.at(-1).group + 1 : 0;
      known.push(found);
      previous = found;
    }
    const groups = known.length ? known.at(-1).group + 1 : 0;
    const size = new Array(groups).fill(0);
    for (const k of known) size[k.group] += 1;
    const pages = new Map();
    for (const [j, { stems }] of known.entries()) {
      const best = new Map();
      for (const [stem, weight] of stems) {
        const list = (await this.shard(stem)).p[stem] ?? [];
        for (let i = 0; i < list.length; i += 2) {
          const score = list[i + 1] * weight;
          if (score > (best.get(list[i]) ?? 0)) best.set(list[i], score);
        }
      }
      for (const [entry, score] of best) {
        const p = Math.floor(entry / SECTIONS);
        if (!pages.has(p)) pages.set(p, { page: p, best: new Array(known.length).fill(0), sum: new Array(known.length).fill(0), entries: new Map() });
        const page = pages.get(p);
        page.best[j] = Math.max(page.best[j], score);
        page.sum[j] += score;
        page.entries.set(entry % SECTIONS, (page.entries.get(entry % SECTIONS) ?? 0) + score);
      }
    }
    const ranked = [...pages.values()]
      // A word counts by its best section, and a quarter of the rest: a page about it all along
      // beats one mention under a matching heading.
      .map((p) => ({
        ...p,
        matched: p.best.reduce((a, b, j) => a + (b > 0 ? 1 / size[known[j].group] : 0), 0),
        score: p.best.reduce((a, b, j) => a + (b + (p.sum[j] - b) / 4) / size[known[j].group], 0),
      }))
      .sort((a, b) => b.matched - a.matched || b.score - a.score || a.page - b.page);
    const forms = new Set(known.flatMap((k) => [...k.forms]));
    const meta = await this.meta();
    const results = [];
    for (const hit of ranked.slice(0, limit)) {
      const file = await this.load(`e${Math.floor(hit.page / meta.per)}.json`);
      const [title, section, url, sections] = file[hit.page % meta.per];
      let anchor = TITLE_ENTRY;
      let top = 0;
      for (const [s, score] of hit.entries) if (s !== TITLE_ENTRY && score > top) [anchor, top] = [s, score];
      const [heading, id, text] = sections[anchor] ?? ['', '', sections[0]?.[2] ?? ''];
      results.push({ title, section, url: id ? `${url}#${id}` : url, heading, text, forms });
    }
    return { total: ranked.length, results };
  }
}

/**
 * `text` cut to about `size` characters around its first match, as [text, marked] pieces: a word
 * is marked when its folded form is a matched form, begins with one, or contains one of at least
 * four letters (a compound: "Widerspruchsformular" for "Formular").
 */
export function highlight(text, forms, size = 200) {
  const long = [...forms].filter((f) => f.length >= 4);
  const hit = (w) => {
    const f = fold(w);
    return forms.has(f) || [...forms].some((m) => f.startsWith(m)) || long.some((m) => f.includes(m));
  };
  const parts = text.split(/([\p{Alphabetic}\p{N}]+)/u);
  const first = parts.findIndex((p, i) => i % 2 === 1 && hit(p));
  let start = 0;
  if (first > 0) {
    const offset = parts.slice(0, first).join('').length;
    if (offset > size / 3) start = text.lastIndexOf(' ', offset - size / 4) + 1;
  }
  let out = text.slice(start, start + size);
  if (start + size < text.length) out = out.slice(0, out.lastIndexOf(' ')) + ' …';
  if (start > 0) out = `… ${out}`;
  return out.split(/([\p{Alphabetic}\p{N}]+)/u).filter(Boolean).map((p) => [p, /[\p{Alphabetic}\p{N}]/u.test(p) && hit(p)]);
}

// ------------------------------------------------------------------ the box in the page

let ui;

/** Turns the header's search link into the search field; `focus` puts the cursor in it. */
export async function open(link, focus = true) {
  ui ??= create(link);
  const { input } = await ui;
  if (focus) input.focus();
}

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === true) node.setAttribute(k, '');
    else if (v !== false && v != null) node.setAttribute(k, v);
  }
  node.append(...children);
  return node;
}

const fetchJson = async (url) => {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url}: ${res.status}`);
  return res.json();
};

async function create(link) {
  const index = new Index(link.dataset.index, fetchJson);
  const meta = await index.meta();
  const t = meta.t;
  const lang = document.documentElement.lang;
  if (meta.css) {
    const css = el('link', { rel: 'stylesheet', href: meta.css });
    const loaded = new Promise((done) => {
      css.onload = css.onerror = done;
    });
    document.head.append(css);
    await loaded;
  }
  const input = el('input', {
    type: 'search', class: 'search-input', 'aria-label': t.label, placeholder: t.label,
    autocomplete: 'off', spellcheck: 'false', enterkeyhint: 'search', 'aria-controls': 'search-panel',
  });
  const live = el('p', { class: 'visually-hidden', role: 'status' });
  const panel = el('div', { class: 'search-panel', id: 'search-panel', hidden: true });
  const root = el('div', { class: 'search', role: 'search' }, input, live, panel);
  const others = meta.langs.filter((l) => l.code !== lang);
  const indexes = new Map(others.map((l) => [l.code, new Index(l.index, fetchJson)]));
  let also = null;
  let seq = 0;
  link.replaceWith(root);

  const results = (found, code, name) => {
    const list = el('ol', { class: 'search-results', lang: code === lang ? false : code });
    for (const r of found.results) {
      const excerpt = el('span', { class: 'search-excerpt' });
      for (const [text, marked] of highlight(r.text, r.forms)) excerpt.append(marked ? el('mark', {}, text) : text);
      const where = [r.section, r.heading].filter(Boolean).join(' › ');
      list.append(el('li', {}, el('a', { href: r.url },
        el('span', { class: 'search-title' }, r.title),
        where ? el('span', { class: 'search-where' }, where) : '',
        excerpt)));
    }
    const count = found.total === 1 ? t.one : t.many.replace('{n}', found.total);
    const heading = el('p', { class: 'search-count', lang: code === lang ? false : code }, name ? `${name}: ${count}` : count);
    return [heading, list];
  };

  const run = async () => {
    const query = input.value.trim();
    const mine = ++seq;
    if (!query) {
      panel.hidden = true;
      live.textContent = '';
      return;
    }
    const found = await index.search(query);
    const extra = also ? [also, await indexes.get(also.code).search(query)] : null;
    if (mine !== seq) return;
    const nodes = [];
    if (found.total) nodes.push(...results(found, lang));
    else nodes.push(el('p', { class: 'search-count' }, t.none.replace('{q}', query)));
    if (extra) nodes.push(...results(extra[1], extra[0].code, extra[0].name));
    for (const other of others) {
      if (also?.code === other.code) continue;
      const button = el('button', { type: 'button', class: 'search-other' }, t.other.replace('{lang}', other.name));
      button.addEventListener('click', () => {
        also = other;
        run().then(() => panel.querySelector(`ol[lang="${other.code}"] a`)?.focus());
      });
      nodes.push(button);
    }
    nodes.push(el('a', { class: 'search-all', href: t.all_url }, t.all));
    panel.replaceChildren(...nodes);
    panel.dataset.query = query;
    panel.hidden = false;
    const total = found.total + (extra ? extra[1].total : 0);
    live.textContent = total ? (total === 1 ? t.one : t.many.replace('{n}', total)) : t.none.replace('{q}', query);
  };

  let timer;
  input.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(run, 120);
  });
  const links = () => [...panel.querySelectorAll('.search-results a')];
  const close = () => {
    panel.hidden = true;
    input.focus();
  };
  input.addEventListener('keydown', (e) => {
    if (e.key === 'ArrowDown' && !panel.hidden) {
      e.preventDefault();
      links()[0]?.focus();
    } else if (e.key === 'Enter') {
      e.preventDefault();
      clearTimeout(timer);
      run().then(() => {
        const first = links()[0];
        if (first) location.href = first.href;
      });
    } else if (e.key === 'Escape') {
      if (!panel.hidden) e.preventDefault();
      panel.hidden = true;
    }
  });
  panel.addEventListener('keydown', (e) => {
    const all = links();
    const at = all.indexOf(document.activeElement);
    if (e.key === 'ArrowDown' && at >= 0) {
      e.preventDefault();
      all[Math.min(at + 1, all.length - 1)].focus();
    } else if (e.key === 'ArrowUp' && at >= 0) {
      e.preventDefault();
      (at === 0 ? input : all[at - 1]).focus();
    } else if (e.key === 'Escape') {
      e.preventDefault();
      close();
    }
  });
  input.addEventListener('focus', () => {
    if (input.value.trim() && panel.childElementCount) panel.hidden = false;
  });
  document.addEventListener('click', (e) => {
    if (!root.contains(e.target)) panel.hidden = true;
  });
  return { input };
}
