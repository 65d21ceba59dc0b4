// One page of each type of the shipped site, in both languages. `de` and `en` are counterparts:
// the language switcher of one must land on the other.
export const PAGE_TYPES = [
  { type: 'home', de: '/de/', en: '/en/' },
  { type: 'guide', de: '/de/anleitungen/facebook/', en: '/en/guides/facebook/' },
  {
    type: 'business',
    de: '/de/unternehmen/mitarbeiterrichtlinie/',
    en: '/en/business/employee-policy/',
  },
  { type: 'section', de: '/de/anleitungen/', en: '/en/guides/' },
  { type: 'term', de: '/de/themen/meta/', en: '/en/topics/meta/' },
  { type: '404', de: '/de/404.html', en: '/en/404.html' },
];

export const LANGS = ['de', 'en'];
export const WIDTHS = [375, 1280];
export const SCHEMES = ['light', 'dark'];

/** Chromium from Debian's `chromium` package; flags keep it off the network it must not reach. */
export const CHROMIUM = process.env.OPTOUT_CHROMIUM ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
