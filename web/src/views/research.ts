// Research (researchers, analysts, investigators): the dead and missing on migration routes,
// from the Missing Migrants Project's incidents the node holds, one dataset at a time — per
// year, per route, per cause and per route over the years, drawn as SVG here; beside Frontex's
// detections where both exist; and on a map that needs no internet. Users who may write also
// import files and record incidents (research_forms.ts).

import { api } from '../api';
import { fill, h } from '../dom';
import { formatNumber, t } from '../i18n';
import { WRITER_ROLES } from '../types';
import { RESEARCH_ROLES, type RouteYear, type SummaryRow } from '../types_research';
import { failurePage, loading, notPermitted, tableHead } from './common';
import type { ViewContext } from './context';
import { barChart, columnChart, smallMultiples, type Series } from './research_charts';
import { importForm, incidentForm } from './research_forms';
import { causeLabel, regionLabel, routeNamer } from './research_labels';
import { incidentMap } from './research_map';
import { smugglingSection } from './research_smuggling';

/** The dataset shown first: the biggest of the Missing Migrants Project's, else the biggest. */
export function defaultDataset(datasets: Record<string, number>): string {
  const all = Object.entries(datasets).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  return (all.find(([name]) => name.startsWith('mmp-')) ?? all[0])?.[0] ?? '';
}

export function renderResearch(ctx: ViewContext, focusHeading: boolean): HTMLElement {
  const roles = ctx.session.user.roles;
  if (!RESEARCH_ROLES.some((role) => roles.includes(role))) return h('section', { class: 'page' }, notPermitted());
  const canWrite = WRITER_ROLES.some((role) => roles.includes(role));
  const heading = h('h1', { tabindex: '-1' }, t('research.title'));
  const datasetSelect = h('select', { id: 'research-dataset', 'data-testid': 'research-dataset' });
  const body = h('div', { 'data-testid': 'research-body' }, loading());
  const formsBox = h('div');
  const smugglingBox = h('div');
  let smugglingShown = false;
  let current = '';
  /** The dataset whose figures are on the page: reloading it (after an import) keeps them
   * there until the new ones arrive, instead of a blank page that jumps. */
  let shown = '';
  let formsShown = false;

  const fail = (error: unknown) => {
    if (ctx.isCurrent()) fill(body, failurePage(error, ctx.focusReason));
  };

  /** Reads the datasets, keeps the one chosen if it is still there, and shows it. */
  const start = (): Promise<void> =>
    api.researchSummary('year', '').then((all) => {
      if (!ctx.isCurrent()) return;
      if (!(current in all.datasets)) current = defaultDataset(all.datasets);
      fill(
        datasetSelect,
        Object.entries(all.datasets)
          .sort((a, b) => a[0].localeCompare(b[0]))
          .map(([name, count]) => h('option', { value: name, selected: name === current }, t('research.datasetOption', { name, count }))),
      );
      return show(current);
    }, fail);

  const show = (dataset: string): Promise<void> => {
    current = dataset;
    if (dataset !== shown) fill(body, loading());
    return Promise.all([
      api.researchSummary('year', dataset),
      api.researchSummary('route', dataset),
      api.researchSummary('cause', dataset),
      api.researchSummary('region', dataset),
      api.researchRoutes(dataset),
    ]).then(([years, routes, causes, regions, routeYears]) => {
      if (!ctx.isCurrent()) return;
      const routeLabel = routeNamer(routeYears.labels);
      shown = dataset;
      fill(body, dataView(dataset, years.rows, routes.rows, causes.rows, regions.rows, routeYears.rows, routeLabel, ctx));
      if (!smugglingShown) {
        smugglingShown = true;
        fill(smugglingBox, smugglingSection(routeLabel, ctx.isCurrent));
      }
      if (canWrite && !formsShown) {
        formsShown = true;
        const choices = Object.keys(routeYears.labels)
          .map((code) => ({ code, label: routeLabel(code) }))
          .sort((a, b) => a.label.localeCompare(b.label));
        fill(
          formsBox,
          h(
            'section',
            { class: 'block research-write', 'aria-labelledby': 'research-write-h' },
            h('h2', { id: 'research-write-h' }, t('research.write.title')),
            h('div', { class: 'research-forms' }, importForm(() => void start()), incidentForm(choices, () => void start())),
          ),
        );
      }
    }, fail);
  };

  datasetSelect.addEventListener('change', () => void show(datasetSelect.value));
  void start().then(() => {
    if (focusHeading && ctx.isCurrent()) heading.focus();
  });

  return h(
    'section',
    { class: 'page research', 'data-testid': 'research-page' },
    heading,
    h('p', { class: 'muted' }, t('research.intro')),
    h(
      'div',
      { class: 'dataset-bar' },
      h('label', { for: 'research-dataset' }, t('research.dataset')),
      datasetSelect,
      h('span', { class: 'small muted', 'data-testid': 'dataset-note' }, t('research.datasetNote')),
    ),
    body,
    smugglingBox,
    formsBox,
  );
}

function dataView(
  dataset: string,
  years: SummaryRow[],
  routes: SummaryRow[],
  causes: SummaryRow[],
  regions: SummaryRow[],
  routeYears: RouteYear[],
  routeLabel: (code: string | null) => string,
  ctx: ViewContext,
): HTMLElement[] {
  if (years.length === 0) return [h('p', { class: 'muted', 'data-testid': 'research-empty' }, t('research.empty'))];
  const sum = (rows: SummaryRow[], f: (r: SummaryRow) => number) => rows.reduce((total, r) => total + f(r), 0);
  const unknown = sum(years, (r) => r.unknown_count);
  const first = years[0]?.key ?? '';
  const last = years[years.length - 1]?.key ?? '';
  const byDead = (a: SummaryRow, b: SummaryRow) => b.dead_and_missing - a.dead_and_missing || a.key.localeCompare(b.key);

  const yearChart = columnChart(
    'chart-year',
    t('research.chart.year'),
    years.map((r) => ({
      key: r.key,
      label: r.key,
      value: r.dead_and_missing,
      title: t('research.tip.year', { year: r.key, dead: r.dead_and_missing, incidents: r.incidents, survivors: r.survivors }),
    })),
  );
  const routeChart = barChart(
    'chart-route',
    t('research.chart.route'),
    [...routes].sort(byDead).map((r) => ({
      key: r.key,
      label: routeLabel(r.key),
      value: r.dead_and_missing,
      title: t('research.tip.route', { route: routeLabel(r.key), dead: r.dead_and_missing, incidents: r.incidents, survivors: r.survivors }),
    })),
  );
  const causeChart = barChart(
    'chart-cause',
    t('research.chart.cause'),
    [...causes].sort(byDead).map((r) => ({
      key: r.key,
      label: causeLabel(r.key),
      value: r.dead_and_missing,
      title: t('research.tip.cause', { cause: causeLabel(r.key), dead: r.dead_and_missing, incidents: r.incidents }),
    })),
  );

  const regionChart = barChart(
    'chart-region',
    t('research.chart.region'),
    [...regions].sort(byDead).map((r) => ({
      key: r.key,
      label: regionLabel(r.key),
      value: r.dead_and_missing,
      title: t('research.tip.region', { region: regionLabel(r.key), dead: r.dead_and_missing, incidents: r.incidents }),
    })),
  );

  return [
    h(
      'p',
      { class: 'research-totals', 'data-testid': 'research-totals' },
      t('research.totals', { incidents: sum(years, (r) => r.incidents), dead: sum(years, (r) => r.dead_and_missing), survivors: sum(years, (r) => r.survivors), from: first, to: last }),
      unknown > 0 ? [' ', t('research.unknown', { count: unknown })] : null,
    ),
    h(
      'div',
      { class: 'chart-grid' },
      figure(t('research.chart.year'), yearChart, t('research.chart.yearNote'), 'by-year'),
      figure(t('research.chart.route'), routeChart, null, 'by-route'),
      figure(t('research.chart.cause'), causeChart, t('research.chart.causeNote'), 'by-cause'),
      figure(t('research.chart.region'), regionChart, t('research.chart.regionNote'), 'by-region'),
    ),
    figure(t('research.chart.routeYears'), routeYearsChart(routeYears, routeLabel), t('research.chart.routeYearsNote'), 'wide'),
    h('p', { class: 'attribution small', 'data-testid': 'research-attribution' }, t('research.attribution')),
    ratesTable(routeYears, routeLabel),
    incidentMap({ dataset, years: years.map((r) => r.key), routeLabel, isCurrent: ctx.isCurrent }),
  ];
}

function figure(title: string, chart: Element, note: string | null, kind = ''): HTMLElement {
  return h('figure', { class: `research-figure ${kind}` }, h('h2', null, title), chart as HTMLElement, note ? h('figcaption', { class: 'small muted' }, note) : null);
}

/** One panel per route with any dead and missing, the most first, every year of the data. */
function routeYearsChart(rows: RouteYear[], routeLabel: (code: string | null) => string): HTMLElement {
  const years = rows.map((r) => r.year);
  const from = Math.min(...years);
  const to = Math.max(...years);
  const byRoute = new Map<string, Map<number, RouteYear>>();
  for (const r of rows) {
    const route = byRoute.get(r.route) ?? new Map<number, RouteYear>();
    route.set(r.year, r);
    byRoute.set(r.route, route);
  }
  const series: (Series & { sum: number })[] = [];
  for (const [code, perYear] of byRoute) {
    const label = routeLabel(code);
    const points = [];
    let sum = 0;
    for (let year = from; year <= to; year++) {
      const r = perYear.get(year);
      const dead = r?.dead_and_missing ?? 0;
      sum += dead;
      points.push({ x: year, y: dead, title: t('research.tip.routeYear', { route: label, year: String(year), dead, incidents: r?.incidents ?? 0 }) });
    }
    if (sum > 0) series.push({ key: code, label, total: t('research.multiple.total', { dead: sum }), points, sum });
  }
  series.sort((a, b) => b.sum - a.sum || a.key.localeCompare(b.key));
  return smallMultiples('chart-route-years', t('research.chart.routeYears'), series, from, to);
}

/** Dead and missing beside detections, only where the dataset and Frontex both have a figure. */
function ratesTable(rows: RouteYear[], routeLabel: (code: string | null) => string): HTMLElement {
  const both = rows
    .filter((r) => r.detections !== null && r.per_1000_detections !== null)
    .sort((a, b) => routeLabel(a.route).localeCompare(routeLabel(b.route)) || a.year - b.year);
  return h(
    'section',
    { class: 'block research-rates', 'aria-labelledby': 'rates-h' },
    h('h2', { id: 'rates-h' }, t('research.rates.title')),
    h('p', { class: 'small muted' }, t('research.rates.note')),
    both.length === 0
      ? h('p', { class: 'muted', 'data-testid': 'rates-empty' }, t('research.rates.none'))
      : h(
          'table',
          { class: 'grid compact', 'data-testid': 'rates' },
          tableHead([t('research.col.route'), t('research.col.year'), t('research.col.incidents'), t('research.col.dead'), t('research.col.detections'), t('research.col.rate')]),
          h(
            'tbody',
            null,
            both.map((r) =>
              h(
                'tr',
                { 'data-testid': 'rate-row', 'data-route': r.route, 'data-year': String(r.year) },
                h('th', { scope: 'row' }, routeLabel(r.route)),
                h('td', { class: 'num' }, String(r.year)),
                h('td', { class: 'num' }, formatNumber(r.incidents)),
                h('td', { class: 'num' }, formatNumber(r.dead_and_missing)),
                h('td', { class: 'num' }, formatNumber(r.detections ?? 0)),
                h('td', { class: 'num', 'data-testid': 'rate' }, (r.per_1000_detections ?? 0).toFixed(2)),
              ),
            ),
          ),
        ),
  );
}
