// Retention (protection officers): who is due for purging — their records kept the configured
// number of years after their last activity — and who is held past the date, with why; and the
// purge, which deletes protection's own facts of everyone due for good, only once the officer
// has ticked that they understand it.

import { api } from '../api';
import { bdi, fill, h } from '../dom';
import { t } from '../i18n';
import { paths } from '../router';
import type { RetentionLine, RetentionReport } from '../types_protection';
import { errorBox, failurePage, loading, notPermitted, tableHead } from './common';
import type { ViewContext } from './context';
import { day, protectionAllowed } from './protection';

export function renderRetention(ctx: ViewContext, focusHeading: boolean): HTMLElement {
  if (!protectionAllowed(ctx)) return h('section', { class: 'page' }, notPermitted());
  const heading = h('h1', { tabindex: '-1' }, t('retention.title'));
  const box = h('div', null, loading());
  const result = h('div', { 'aria-live': 'polite', 'data-testid': 'purge-result' });
  // Names for the person ids, from the worklist (a purged person is no longer in it).
  const load = (): Promise<void> =>
    Promise.all([api.retention(), api.protectionCases().catch(() => ({ cases: [] }))]).then(
      ([report, list]) => {
        if (!ctx.isCurrent()) return;
        const names = new Map(list.cases.map((c) => [c.person, c.caption]));
        fill(box, reportView(report, names, result, load));
      },
      (error) => {
        if (ctx.isCurrent()) fill(box, failurePage(error, ctx.focusReason));
      },
    );
  void load().then(() => {
    if (focusHeading && ctx.isCurrent()) heading.focus();
  });
  return h(
    'section',
    { class: 'page protection retention', 'data-testid': 'retention-page' },
    h('p', { class: 'back' }, h('a', { href: paths.protection() }, t('prot.back'))),
    heading,
    box,
    result,
  );
}

function reportView(r: RetentionReport, names: Map<string, string>, result: HTMLElement, reload: () => Promise<void>) {
  return [
    h('p', { 'data-testid': 'retention-rule', 'data-years': String(r.keep_years) }, t('retention.rule', { years: r.keep_years })),
    h('p', { class: 'muted small' }, t('retention.today'), ' ', day(r.today)),
    h('h2', null, t('retention.due', { count: r.due.length })),
    r.due.length === 0 ? h('p', { class: 'muted', 'data-testid': 'no-due' }, t('retention.noDue')) : lines(r.due, names, 'retention-due', false),
    h('h2', null, t('retention.held', { count: r.held.length })),
    r.held.length === 0 ? h('p', { class: 'muted', 'data-testid': 'no-held' }, t('retention.noHeld')) : lines(r.held, names, 'retention-held', true),
    purgeForm(r, result, reload),
  ];
}

function lines(list: RetentionLine[], names: Map<string, string>, testid: string, held: boolean): HTMLElement {
  return h(
    'table',
    { class: 'grid compact', 'data-testid': testid },
    tableHead([t('prot.col.person'), t('retention.lastActivity'), t('retention.purgeAfter'), t('retention.records'), ...(held ? [t('retention.why')] : [])]),
    h(
      'tbody',
      null,
      list.map((l) =>
        h(
          'tr',
          { 'data-testid': 'retention-line', 'data-person': l.person },
          h('td', null, h('a', { href: paths.protectionCase(l.person) }, bdi(names.get(l.person) || l.person))),
          h('td', null, day(l.last_activity)),
          h('td', null, day(l.purge_after)),
          h('td', { class: 'num' }, String(l.records)),
          held ? h('td', { 'data-testid': 'held-why' }, l.held ? bdi(l.held) : '—') : null,
        ),
      ),
    ),
  );
}

function purgeForm(r: RetentionReport, result: HTMLElement, reload: () => Promise<void>): HTMLElement {
  const confirm = h('input', { type: 'checkbox', 'data-testid': 'purge-confirm' });
  const button = h('button', { type: 'submit', class: 'danger', 'data-testid': 'purge', disabled: true }, t('retention.purge'));
  confirm.addEventListener('change', () => (button.disabled = !confirm.checked));
  const form = h(
    'form',
    { class: 'purge-form', 'data-testid': 'purge-form' },
    h('h2', null, t('retention.purgeTitle')),
    h('p', { class: 'small' }, t('retention.purgeWhat', { count: r.due.length })),
    h('label', { class: 'check' }, confirm, ' ', t('retention.confirm')),
    h('div', { class: 'form-actions' }, button),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (!confirm.checked) return;
    button.disabled = true;
    api.purge().then(
      (done) => {
        fill(
          result,
          h(
            'p',
            { class: 'notice ok', role: 'status', 'data-persons': String(done.purged_persons) },
            done.purged_persons === 0 ? t('retention.purgedNone') : t('retention.purged', { persons: done.purged_persons, facts: done.purged_statements }),
          ),
        );
        void reload();
      },
      (error) => {
        button.disabled = false;
        fill(result, errorBox(error));
      },
    );
  });
  return form;
}
