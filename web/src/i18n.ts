// Every piece of UI text comes from a message catalogue (i18n/*.json). The type checker holds
// the catalogues to the same keys: a message missing in one language does not compile.

import ar from './i18n/ar.json';
import en from './i18n/en.json';

export type MessageKey = keyof typeof en;
export type Lang = 'en' | 'ar';

const catalogues: Record<Lang, Record<MessageKey, string>> = { en, ar };
export const LANGS: readonly Lang[] = ['en', 'ar'];
const RTL: ReadonlySet<Lang> = new Set<Lang>(['ar']);
const KEY = 'corridor.lang';

let current: Lang = initial();

function initial(): Lang {
  try {
    const saved = localStorage.getItem(KEY);
    if (saved === 'en' || saved === 'ar') return saved;
  } catch {
    // No storage: fall through to the browser's language.
  }
  return navigator.language.toLowerCase().startsWith('ar') ? 'ar' : 'en';
}

export function lang(): Lang {
  return current;
}

/** Sets the language, remembers it, and sets lang and dir on <html> so the layout mirrors. */
export function setLang(next: Lang): void {
  current = next;
  try {
    localStorage.setItem(KEY, next);
  } catch {
    // Not remembered; still applied.
  }
  applyLang();
}

export function applyLang(): void {
  const root = document.documentElement;
  root.lang = current;
  root.dir = RTL.has(current) ? 'rtl' : 'ltr';
  document.title = t('app.name');
}

/** The message for `key` in the current language, with `{name}` placeholders filled in. */
export function t(key: MessageKey, vars: Record<string, string | number> = {}): string {
  const text = catalogues[current][key] ?? catalogues.en[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = vars[name];
    if (value === undefined) return whole;
    return typeof value === 'number' ? formatNumber(value) : value;
  });
}

/** Whether the catalogue has a message for a key built at run time (a role, a handling code). */
export function has(key: string): key is MessageKey {
  return Object.prototype.hasOwnProperty.call(catalogues.en, key);
}

/** A message for a code sent by the node (role, handling, purpose), or the code itself when the
 * catalogue does not know it. */
export function label(prefix: string, code: string): string {
  const key = `${prefix}.${code}`;
  return has(key) ? t(key) : code;
}

// Latin digits in both languages: ids, case numbers and counts are copied between systems.
const numberLocale: Record<Lang, string> = { en: 'en', ar: 'ar-u-nu-latn' };

export function formatNumber(n: number): string {
  return new Intl.NumberFormat(numberLocale[current]).format(n);
}

const percentFormats = new Map<Lang, Intl.NumberFormat>();

/** A probability as a percentage with one decimal, rounded down: a match that is not certain
 * never shows as 100%. */
export function formatPercent(p: number): string {
  let format = percentFormats.get(current);
  if (!format) {
    format = new Intl.NumberFormat(numberLocale[current], { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 });
    percentFormats.set(current, format);
  }
  return format.format(Math.floor(Math.max(0, Math.min(1, p)) * 1000) / 1000);
}

/** Bits of evidence, signed: "+5.49", "−1.40", "0.00". */
export function formatBits(bits: number): string {
  return new Intl.NumberFormat(numberLocale[current], {
    signDisplay: 'exceptZero',
    minimumFractionDigits: 2,
    maximumFractionDigits: 2,
  }).format(bits);
}

/** A timestamp as the node sent it, shown as `YYYY-MM-DD HH:MM UTC`: unambiguous in every
 * language. Anything that does not parse is shown unchanged. */
export function formatTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())} UTC`;
}

/** Like t(), but a placeholder may be filled with a node (a name in a <bdi>, a link), so the
 * sentence around it still comes from the catalogue in the language's own word order. */
export function tn(key: MessageKey, vars: Record<string, string | number | Node>): (string | Node)[] {
  const text = catalogues[current][key] ?? catalogues.en[key] ?? key;
  const parts: (string | Node)[] = [];
  let last = 0;
  for (const m of text.matchAll(/\{(\w+)\}/g)) {
    const name = m[1] ?? '';
    const value = vars[name];
    if (value === undefined) continue;
    parts.push(text.slice(last, m.index));
    parts.push(typeof value === 'number' ? formatNumber(value) : value);
    last = (m.index ?? 0) + m[0].length;
  }
  parts.push(text.slice(last));
  return parts.filter((p) => p !== '');
}
