// Names for the codes the research API sends: routes (the node's labels in English, the
// catalogue's in other languages), the Missing Migrants Project's causes of death and the UN
// M49 regions.

import { has, lang, t, type MessageKey } from '../i18n';

/** The Missing Migrants Project's categories of cause of death, as the node names them. */
export const CAUSES: readonly { value: string; key: MessageKey }[] = [
  { value: 'Drowning', key: 'research.cause.drowning' },
  { value: 'Vehicle accident / death linked to hazardous transport', key: 'research.cause.vehicle' },
  { value: 'Sickness / lack of access to adequate healthcare', key: 'research.cause.sickness' },
  { value: 'Harsh environmental conditions / lack of adequate shelter, food, water', key: 'research.cause.harsh' },
  { value: 'Violence', key: 'research.cause.violence' },
  { value: 'Accidental death', key: 'research.cause.accident' },
  { value: 'Mixed or unknown', key: 'research.cause.mixed' },
];

export function causeLabel(value: string): string {
  const known = CAUSES.find((c) => c.value === value);
  return known ? t(known.key) : value;
}

/** A route's name: in English the node's own label, elsewhere the catalogue's translation,
 * and the code itself when neither knows it. */
export function routeNamer(labels: Record<string, string>): (code: string | null) => string {
  return (code) => {
    if (code === null || code === '') return t('research.routeUnknown');
    const key = `research.route.${code}`;
    if (lang() === 'en' && labels[code]) return labels[code];
    if (has(key)) return t(key);
    return labels[code] ?? code;
  };
}

/** A UN M49 region (the node sends its English name), or "unknown". */
export function regionLabel(value: string): string {
  const key = `research.region.${value}`;
  return has(key) ? t(key) : value;
}
