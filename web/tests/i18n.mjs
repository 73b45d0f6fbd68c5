// Checks the message catalogues against each other: the same keys, no key twice, no empty
// message, the same placeholders, and Arabic messages written in Arabic.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'i18n');
// Messages that are the same in every language: the product's name and each language's own name.
const SAME_EVERYWHERE = new Set(['app.name', 'lang.en', 'lang.ar']);
const problems = [];

function load(lang) {
  const text = readFileSync(join(dir, `${lang}.json`), 'utf8');
  const seen = new Set();
  for (const m of text.matchAll(/^\s*"([^"]+)"\s*:/gm)) {
    if (seen.has(m[1])) problems.push(`${lang}.json: key "${m[1]}" appears twice`);
    seen.add(m[1]);
  }
  return JSON.parse(text);
}

const placeholders = (s) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort().join(',');
const catalogues = { en: load('en'), ar: load('ar') };
const keys = new Set([...Object.keys(catalogues.en), ...Object.keys(catalogues.ar)]);
let checked = 0;
for (const key of [...keys].sort()) {
  for (const [lang, messages] of Object.entries(catalogues)) {
    const message = messages[key];
    if (typeof message !== 'string') problems.push(`${lang}.json: no message for "${key}"`);
    else if (!message.trim()) problems.push(`${lang}.json: empty message for "${key}"`);
  }
  const en = catalogues.en[key];
  const ar = catalogues.ar[key];
  if (typeof en === 'string' && typeof ar === 'string') {
    if (placeholders(en) !== placeholders(ar)) problems.push(`"${key}": placeholders differ (${placeholders(en)} / ${placeholders(ar)})`);
    if (!SAME_EVERYWHERE.has(key) && !/[\u0600-\u06FF]/.test(ar)) problems.push(`ar.json: "${key}" has no Arabic text`);
    if (!SAME_EVERYWHERE.has(key) && en === ar) problems.push(`"${key}": same text in English and Arabic`);
  }
  checked++;
}
for (const p of problems) console.error(`FAIL ${p}`);
console.log(`i18n: ${checked} messages in en and ar, ${problems.length} problem(s)`);
process.exit(problems.length ? 1 : 0);
