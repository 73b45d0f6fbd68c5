// Pieces shared by the screens: badges, notices, the error and not-permitted pages.

import { ApiError } from '../api';
import { h, type Child } from '../dom';
import { has, label, t } from '../i18n';
import { hasReason } from '../reason';
import { paths } from '../router';

const HANDLINGS = new Set(['public', 'restricted', 'confidential', 'protection']);

export function handlingBadge(code: string): HTMLElement {
  const known = HANDLINGS.has(code) ? code : 'unknown';
  return h(
    'span',
    { class: `badge handling-${known}`, 'data-testid': 'handling', 'data-handling': code },
    label('handling', code),
  );
}

export function roleBadge(code: string): HTMLElement {
  return h('span', { class: 'badge role', 'data-role': code }, label('role', code));
}

export function loading(): HTMLElement {
  return h('p', { class: 'muted', 'data-testid': 'loading', role: 'status' }, t('common.loading'));
}

/** Facts the node held back. Without a reason, the user is told that one is needed and given
 * a button to go to the reason field; with one, the count alone is shown. */
export function withheldNotice(
  count: number,
  focusReason: () => void,
  what: 'withheld.count' | 'withheld.results' = 'withheld.count',
): HTMLElement | null {
  if (count <= 0) return null;
  if (hasReason()) {
    return h(
      'div',
      { class: 'notice', 'data-testid': 'withheld-notice', 'data-reason': 'given', role: 'status' },
      t(what, { count }),
    );
  }
  return h(
    'div',
    { class: 'notice warn', 'data-testid': 'withheld-notice', 'data-reason': 'missing', role: 'status' },
    h('strong', null, t(what, { count })),
    ' ',
    t('withheld.needReason'),
    ' ',
    h('button', { type: 'button', 'data-testid': 'give-reason', onclick: focusReason }, t('withheld.giveReason')),
  );
}

export function notPermitted(): HTMLElement {
  return h(
    'section',
    { class: 'refusal', 'data-testid': 'not-permitted' },
    h('h1', { tabindex: '-1' }, t('refused.title')),
    h('p', null, t('refused.body')),
    h('p', null, h('a', { href: paths.home() }, t('refused.back'))),
  );
}

/** What went wrong, in the user's language: a line for the problem's code from the catalogue,
 * then the node's own `detail` (which names the field or limit, in the node's language). */
export function errorMessage(error: unknown): Child[] {
  if (!(error instanceof ApiError)) return [t('error.unexpected')];
  if (error.status === 0) return [t('error.network')];
  const key = `problem.${error.code}`;
  const lead = has(key) ? t(key) : t('error.status', { status: error.status });
  const detail = error.detail || error.title;
  return [h('strong', null, lead), detail ? ' ' : null, detail ? h('bdi', { class: 'detail', 'data-testid': 'problem-detail' }, detail) : null];
}

export function errorBox(error: unknown): HTMLElement {
  return h('div', { class: 'notice error', role: 'alert', 'data-testid': 'error' }, errorMessage(error));
}

/** The page for a request that failed: not-permitted for 403/404, the error otherwise. */
export function failurePage(error: unknown, focusReason: () => void): HTMLElement {
  if (error instanceof ApiError && error.notPermitted) return notPermitted();
  if (error instanceof ApiError && error.code === 'reason_required') {
    return h(
      'div',
      null,
      h(
        'div',
        { class: 'notice warn', 'data-testid': 'reason-required', role: 'alert' },
        errorMessage(error),
        ' ',
        h('button', { type: 'button', 'data-testid': 'give-reason', onclick: focusReason }, t('withheld.giveReason')),
      ),
    );
  }
  return h('div', null, h('h1', null, t('error.title')), errorBox(error));
}

/** A table's header row: one column heading per (already translated) label. */
export function tableHead(labels: string[]): HTMLElement {
  return h('thead', null, h('tr', null, labels.map((text) => h('th', { scope: 'col' }, text))));
}

/** A small bar filled to `fraction` (0 to 1) of its length, in the reading direction. The
 * width is set through the CSSOM: the page's CSP allows no style attributes. */
export function bar(fraction: number, kind: string): HTMLElement {
  const fillEl = h('span', { class: 'bar-fill' });
  fillEl.style.inlineSize = `${Math.round(Math.max(0, Math.min(1, fraction)) * 100)}%`;
  return h('span', { class: `bar ${kind}`, 'aria-hidden': 'true' }, fillEl);
}

/** Hands a Blob to the browser as a download under `name`. */
export function saveFile(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const a = h('a', { href: url, download: name, hidden: true });
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
