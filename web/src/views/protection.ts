// Protection (protection officers): the worklist of cases, most pressing first, and the pieces
// the registration form and the case page share: who may see them, the vocabulary, badges.

import { api } from '../api';
import { bdi, fill, h } from '../dom';
import { label, t } from '../i18n';
import { paths } from '../router';
import { PROTECTION_ROLES } from '../types';
import type { CaseSummary, Priority, Vocabulary } from '../types_protection';
import { failurePage, loading, notPermitted, tableHead } from './common';
import type { ViewContext } from './context';
import { htcdsPanel } from './protection_htcds';

export function protectionAllowed(ctx: ViewContext): boolean {
  return PROTECTION_ROLES.some((role) => ctx.session.user.roles.includes(role));
}

let vocabularyPromise: Promise<Vocabulary> | null = null;

/** The picklists, asked once per session of the page (they change only with the node). */
export function vocabulary(): Promise<Vocabulary> {
  if (!vocabularyPromise) {
    vocabularyPromise = api.protectionVocabulary();
    vocabularyPromise.catch(() => (vocabularyPromise = null));
  }
  return vocabularyPromise;
}

export function priorityBadge(priority: Priority | null): HTMLElement | null {
  if (!priority) return null;
  return h('span', { class: `badge priority-${priority}`, 'data-testid': 'priority', 'data-priority': priority }, label('prot.priority', priority));
}

export function draftBadge(missing: string[] = []): HTMLElement {
  return h(
    'span',
    { class: 'badge draft', 'data-testid': 'draft', title: missing.length > 0 ? t('prot.missing', { fields: missing.join(', ') }) : null },
    t('prot.draft'),
  );
}

/** A date as the node sent it (YYYY-MM-DD): left to right in every language. */
export function day(value: string | null | undefined): HTMLElement {
  return h('span', { class: 'date', dir: 'ltr' }, value ?? '—');
}

/** Options for a select: an empty first choice (when `empty` is given), then the codes. */
export function options(prefix: string, codes: string[], selected = '', empty: string | null = null): HTMLOptionElement[] {
  const list = codes.map((code) => h('option', { value: code, selected: code === selected }, label(prefix, code)));
  return empty === null ? list : [h('option', { value: '' }, empty), ...list];
}

/** Today in the node's form (YYYY-MM-DD), `days` later when given. */
export function today(days = 0): string {
  const d = new Date(Date.now() + days * 86_400_000);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

export function renderProtection(ctx: ViewContext, focusHeading: boolean): HTMLElement {
  if (!protectionAllowed(ctx)) return h('section', { class: 'page' }, notPermitted());
  const heading = h('h1', { tabindex: '-1' }, t('prot.title'));
  const box = h('div', { 'data-testid': 'protection-box' }, loading());
  let first = true;
  const load = () =>
    api.protectionCases().then(
      (r) => {
        if (!ctx.isCurrent()) return;
        fill(box, worklist(r.cases));
        if (first && focusHeading) heading.focus();
        first = false;
      },
      (error) => ctx.isCurrent() && fill(box, failurePage(error, ctx.focusReason)),
    );
  load();
  return h(
    'section',
    { class: 'page protection', 'data-testid': 'protection-page' },
    h(
      'div',
      { class: 'page-head' },
      heading,
      h('a', { href: paths.protectionRegister(), class: 'button primary', 'data-testid': 'register-link' }, t('prot.registerPeople')),
      h('a', { href: paths.alerts(), 'data-testid': 'protection-alerts-link' }, t('prot.alertsLink')),
      h('a', { href: paths.protectionRetention(), 'data-testid': 'retention' }, t('prot.retentionLink')),
    ),
    h('p', { class: 'muted' }, t('prot.intro')),
    box,
    htcdsPanel(load),
  );
}

function worklist(cases: CaseSummary[]): HTMLElement {
  if (cases.length === 0) return h('p', { class: 'muted', 'data-testid': 'no-cases' }, t('prot.noCases'));
  return h(
    'div',
    { class: 'scroll' },
    h(
      'table',
      { class: 'grid worklist', 'data-testid': 'protection-cases' },
      tableHead([t('prot.col.person'), t('prot.col.registered'), t('prot.col.place'), t('prot.col.referrals'), t('prot.col.nextDue'), t('prot.col.priority')]),
      h(
        'tbody',
        null,
        cases.map((c) =>
          h(
            'tr',
            {
              'data-testid': 'case-row',
              'data-person': c.person,
              'data-draft': String(c.draft),
              'data-priority': c.top_priority ?? '',
              class: c.overdue_referrals > 0 ? 'has-overdue' : null,
            },
            h('td', null, h('a', { href: paths.protectionCase(c.person), 'data-testid': 'case-link' }, bdi(c.caption || c.person)), c.draft ? [' ', draftBadge()] : null),
            h('td', null, day(c.registered)),
            h('td', null, c.place ? bdi(c.place) : '—'),
            h(
              'td',
              { 'data-testid': 'case-referrals' },
              c.open_referrals > 0 ? t('prot.openReferrals', { count: c.open_referrals }) : '—',
              c.overdue_referrals > 0
                ? [' ', h('span', { class: 'overdue', 'data-testid': 'case-overdue' }, t('prot.overdueReferrals', { count: c.overdue_referrals }))]
                : null,
            ),
            h('td', null, day(c.next_due)),
            h('td', null, priorityBadge(c.top_priority)),
          ),
        ),
      ),
    ),
  );
}
