// The search screen: names in any script, results that the keyboard can walk through.

import { api } from '../api';
import { fill, h } from '../dom';
import { formatNumber, t, tn } from '../i18n';
import { paths } from '../router';
import type { Hit, Stats } from '../types';
import { failurePage, loading, withheldNotice } from './common';
import type { ViewContext } from './context';

export function renderHome(ctx: ViewContext): HTMLElement {
  const stats = h('div', { class: 'stats', 'data-testid': 'stats' }, loading());
  const page = h(
    'section',
    { class: 'page' },
    h('h1', null, t('home.title')),
    h('p', { class: 'muted' }, t('home.hint')),
    h('ul', { class: 'keys muted small' },
      h('li', null, h('kbd', null, '/'), ' ', t('keys.search')),
      h('li', null, h('kbd', null, '↓'), ' ', h('kbd', null, '↑'), ' ', t('keys.move')),
      h('li', null, h('kbd', null, 'Enter'), ' ', t('keys.open')),
      h('li', null, h('kbd', null, 'Esc'), ' ', t('keys.back'))),
    stats,
  );
  api.stats().then(
    (s) => ctx.isCurrent() && stats.replaceChildren(statsView(s)),
    // The counts are a convenience: without them the page still works.
    () => ctx.isCurrent() && stats.replaceChildren(),
  );
  return page;
}

function statsView(s: Stats): HTMLElement {
  const table = (title: string, counts: Record<string, number>) =>
    h(
      'table',
      { class: 'grid compact' },
      h('caption', null, title),
      h('tbody', null,
        Object.entries(counts)
          .sort((a, b) => b[1] - a[1])
          .map(([name, n]) => h('tr', null, h('th', { scope: 'row' }, h('bdi', null, name)), h('td', { class: 'num' }, formatNumber(n))))),
    );
  return h(
    'div',
    null,
    h('p', null, t('home.visible', { entities: s.entities, statements: s.statements })),
    h('div', { class: 'stat-tables' }, table(t('home.bySchema'), s.by_schema), table(t('home.byDataset'), s.by_dataset)),
  );
}

export function renderSearch(q: string, ctx: ViewContext): HTMLElement {
  const page = h('section', { class: 'page', 'data-testid': 'search-page' }, loading());
  api.search(q).then(
    (result) => {
      if (!ctx.isCurrent()) return;
      fill(
        page,
        h('h1', { class: 'sr-only' }, t('search.title')),
        h(
          'p',
          { class: 'muted', 'data-testid': 'result-count' },
          tn('search.count', { count: result.results.length, query: h('bdi', { class: 'query' }, result.query) }),
        ),
        withheldNotice(result.withheld, ctx.focusReason, 'withheld.results'),
        result.results.length === 0
          ? h('p', { 'data-testid': 'no-results' }, t('search.none'))
          : resultList(result.results, ctx),
      );
    },
    (error) => ctx.isCurrent() && page.replaceChildren(failurePage(error, ctx.focusReason)),
  );
  return page;
}

function resultList(hits: Hit[], ctx: ViewContext): HTMLElement {
  const list = h(
    'ol',
    { class: 'results', 'data-testid': 'search-results', 'aria-label': t('search.results') },
    hits.map((hit) =>
      h(
        'li',
        null,
        h(
          'a',
          {
            class: 'hit',
            href: paths.entity(hit.id),
            'data-testid': 'search-result',
            'data-id': hit.id,
            'data-schema': hit.schema,
            'data-datasets': hit.datasets.join(' '),
          },
          h('span', { class: 'hit-caption' }, h('bdi', null, hit.caption || hit.id)),
          h('span', { class: 'chip schema' }, hit.schema),
          h(
            'span',
            { class: 'hit-names' },
            hit.names
              .filter((n) => n !== hit.caption)
              .slice(0, 6)
              .map((n) => h('bdi', { class: 'alias' }, n)),
          ),
          h('span', { class: 'hit-datasets' }, hit.datasets.map((d) => h('bdi', { class: 'chip dataset' }, d))),
        ),
      ),
    ),
  );
  list.addEventListener('keydown', (event) => {
    const links = [...list.querySelectorAll<HTMLAnchorElement>('a.hit')];
    const at = links.indexOf(document.activeElement as HTMLAnchorElement);
    let next = -1;
    if (event.key === 'ArrowDown') next = Math.min(at + 1, links.length - 1);
    else if (event.key === 'ArrowUp') {
      if (at <= 0) {
        event.preventDefault();
        ctx.focusSearch();
        return;
      }
      next = at - 1;
    } else if (event.key === 'Home') next = 0;
    else if (event.key === 'End') next = links.length - 1;
    else if (event.key === 'Escape') {
      event.preventDefault();
      ctx.focusSearch();
      return;
    } else return;
    event.preventDefault();
    links[next]?.focus();
  });
  return list;
}
