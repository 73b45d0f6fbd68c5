// The smuggling itself, from the node's law-enforcement facts (so only for roles that may count
// them: a researcher sees an empty section and is told why): fees paid per person on each
// route, with quartiles and the trend of the yearly medians, and how migrants were moved.

import { api } from '../api';
import { fill, h } from '../dom';
import { formatNumber, has, t } from '../i18n';
import type { FeeRow, ModusRow } from '../types_research';
import { loading, tableHead } from './common';
import { barChart } from './research_charts';

export function smugglingSection(routeLabel: (code: string | null) => string, isCurrent: () => boolean): HTMLElement {
  const body = h('div', null, loading());
  void Promise.all([api.researchFees(), api.researchModus()]).then(
    ([fees, modus]) => {
      if (!isCurrent()) return;
      fill(body, [feesTable(fees.rows, fees.min_payments, routeLabel), modusView(modus.rows, routeLabel)]);
    },
    (error: unknown) => {
      if (isCurrent()) fill(body, h('p', { class: 'muted', 'data-testid': 'smuggling-error' }, String(error)));
    },
  );
  return h(
    'section',
    { class: 'block research-smuggling', 'aria-labelledby': 'smuggling-h', 'data-testid': 'research-smuggling' },
    h('h2', { id: 'smuggling-h' }, t('research.smuggling.title')),
    h('p', { class: 'small muted' }, t('research.smuggling.note')),
    body,
  );
}

const usd = (v: number | null) => (v === null ? '—' : `$${formatNumber(Math.round(v))}`);

function feesTable(rows: FeeRow[], minPayments: number, routeLabel: (code: string | null) => string): HTMLElement {
  if (rows.length === 0) return h('p', { class: 'muted', 'data-testid': 'fees-empty' }, t('research.fees.none'));
  return h(
    'div',
    null,
    h('h3', null, t('research.fees.title')),
    h('p', { class: 'small muted' }, t('research.fees.note', { min: minPayments })),
    h(
      'table',
      { class: 'grid compact', 'data-testid': 'fees' },
      tableHead([t('research.col.route'), t('research.fees.payments'), t('research.fees.median'), t('research.fees.iqr'), t('research.fees.trend')]),
      h(
        'tbody',
        null,
        rows.map((r) =>
          h(
            'tr',
            { 'data-testid': 'fee-row', 'data-route': r.key },
            h('th', { scope: 'row' }, routeLabel(r.key)),
            h('td', { class: 'num' }, formatNumber(r.payments)),
            h('td', { class: 'num', 'data-testid': 'fee-median' }, usd(r.median)),
            h('td', { class: 'num' }, r.q1 === null ? '—' : `${usd(r.q1)} – ${usd(r.q3)}`),
            h('td', { class: 'num' }, r.trend_usd_per_year === null ? '—' : t('research.fees.perYear', { usd: `${r.trend_usd_per_year >= 0 ? '+' : '−'}$${formatNumber(Math.abs(Math.round(r.trend_usd_per_year)))}` })),
          ),
        ),
      ),
    ),
  );
}

const modusLabel = (m: string) => {
  const key = `research.modus.${m}`;
  return has(key) ? t(key) : m;
};

/** All routes together as bars, and each route's shares in a table. */
function modusView(rows: ModusRow[], routeLabel: (code: string | null) => string): HTMLElement {
  if (rows.length === 0) return h('p', { class: 'muted', 'data-testid': 'modus-empty' }, t('research.modus.none'));
  const total = new Map<string, { incidents: number; migrants: number }>();
  for (const r of rows) {
    const sum = total.get(r.modus_operandi) ?? { incidents: 0, migrants: 0 };
    sum.incidents += r.incidents;
    sum.migrants += r.migrants;
    total.set(r.modus_operandi, sum);
  }
  const bars = [...total.entries()]
    .sort((a, b) => b[1].incidents - a[1].incidents || a[0].localeCompare(b[0]))
    .map(([m, sum]) => ({ key: m, label: modusLabel(m), value: sum.incidents, title: t('research.modus.tip', { modus: modusLabel(m), incidents: sum.incidents, migrants: sum.migrants }) }));
  return h(
    'div',
    null,
    h('h3', null, t('research.modus.title')),
    h('figure', { class: 'research-figure' }, barChart('chart-modus', t('research.modus.title'), bars) as unknown as HTMLElement),
    h(
      'table',
      { class: 'grid compact', 'data-testid': 'modus' },
      tableHead([t('research.col.route'), t('research.modus.col'), t('research.col.incidents'), t('research.modus.migrants'), t('research.modus.share')]),
      h(
        'tbody',
        null,
        rows.map((r) =>
          h(
            'tr',
            { 'data-testid': 'modus-row', 'data-route': r.key, 'data-modus': r.modus_operandi },
            h('th', { scope: 'row' }, routeLabel(r.key)),
            h('td', null, modusLabel(r.modus_operandi)),
            h('td', { class: 'num' }, formatNumber(r.incidents)),
            h('td', { class: 'num' }, formatNumber(r.migrants)),
            h('td', { class: 'num', 'data-testid': 'modus-share' }, `${Math.round(r.share * 100)}%`),
          ),
        ),
      ),
    ),
  );
}
