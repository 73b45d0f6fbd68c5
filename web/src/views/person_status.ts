// A person's status: recorded as smuggled or as a possible victim of trafficking (never to be
// treated as an offender: Smuggling Protocol art. 5), or designated a suspect or not by an
// investigator, each with a reason. The badge and history are shown on the entity page and the
// protection case page; the forms on the entity page, to the roles that may write.

import { api, ApiError } from '../api';
import { bdi, fill, h } from '../dom';
import { label, t } from '../i18n';
import { DESIGNATE_ROLES, WRITER_ROLES } from '../types';
import type { PersonStatus, StatusRecord } from '../types_protection';
import { errorBox } from './common';
import type { ViewContext } from './context';

/** When a status was decided: a day, or a time as the node wrote it (without a zone). */
function when(at: string): HTMLElement {
  return h('span', { dir: 'ltr', class: 'date' }, at.replace('T', ' ').replace(/(\.\d+)?Z$/, ' UTC'));
}

export function statusBadge(s: PersonStatus): HTMLElement | null {
  if (!s.in_force) return null;
  const code = s.in_force.status;
  return h(
    'span',
    { class: `badge pstatus pstatus-${code}`, 'data-testid': 'person-status', 'data-status': code, 'data-protected': String(s.protected) },
    label('pstatus', code),
    s.protected ? [' — ', t('pstatus.protected')] : null,
  );
}

export function statusHistory(history: StatusRecord[]): HTMLElement | null {
  if (history.length === 0) return null;
  return h(
    'ol',
    { class: 'history status-history', 'data-testid': 'status-history' },
    history.map((r) =>
      h(
        'li',
        { 'data-testid': 'status-history-item', 'data-status': r.status },
        h('strong', null, label('pstatus', r.status)),
        ' — ',
        bdi(r.decided_by),
        ', ',
        when(r.decided_at),
        r.recorded_for === 'protection' ? [' ', h('span', { class: 'muted small' }, t('pstatus.byProtection'))] : null,
        ': ',
        bdi(r.reason),
      ),
    ),
  );
}

/** The status section of a Person's entity page. Nothing is shown when the node does not
 * answer (the status of a record the user may not see is nobody's business here). */
export function statusSection(id: string, ctx: ViewContext): HTMLElement {
  const roles = ctx.session.user.roles;
  const canWrite = WRITER_ROLES.some((r) => roles.includes(r));
  const canDesignate = DESIGNATE_ROLES.some((r) => roles.includes(r));
  const section = h('section', { class: 'block person-status', 'aria-labelledby': 'status-h', 'data-testid': 'status-section' });
  const draw = (s: PersonStatus, saved = false) => {
    if (!s.in_force && !canWrite) {
      fill(section);
      return;
    }
    const message = h('div', { 'aria-live': 'polite' });
    const done = (next: PersonStatus) => ctx.isCurrent() && draw(next, true);
    fill(
      section,
      h('h2', { id: 'status-h' }, t('pstatus.title')),
      s.in_force ? h('p', null, statusBadge(s)) : h('p', { class: 'muted', 'data-testid': 'no-status' }, t('pstatus.none')),
      statusHistory(s.history),
      canWrite ? statusForm('record-form', ['object_of_smuggling', 'possible_victim_of_trafficking'], t('pstatus.record'), id, message, done) : null,
      canDesignate ? statusForm('designate-form', ['suspect', 'not_suspect'], t('pstatus.designate'), id, message, done) : null,
      message,
    );
    // A status recorded under a handling above the user's ceiling is written but not shown back.
    if (saved) fill(message, h('p', { class: `notice ${s.in_force ? 'ok' : 'warn'}`, 'data-testid': 'status-saved', role: 'status' }, t(s.in_force ? 'pstatus.saved' : 'pstatus.savedHidden')));
  };
  api.personStatus(id).then(
    (s) => ctx.isCurrent() && draw(s),
    (error) => {
      if (!ctx.isCurrent()) return;
      if (error instanceof ApiError && (error.notPermitted || error.status === 404)) fill(section);
      else fill(section, errorBox(error));
    },
  );
  return section;
}

function statusForm(
  testid: string,
  codes: string[],
  title: string,
  id: string,
  message: HTMLElement,
  done: (s: PersonStatus) => void,
): HTMLElement {
  const prefix = testid.replace('-form', '');
  const status = h('select', { 'data-testid': `${prefix}-status`, 'aria-label': t('pstatus.status') }, codes.map((c) => h('option', { value: c }, label('pstatus', c))));
  const reason = h('textarea', { rows: 2, dir: 'auto', 'data-testid': `${prefix}-reason`, 'aria-label': t('pstatus.reason'), placeholder: t('pstatus.reasonHint') });
  const button = h('button', { type: 'submit', 'data-testid': `${prefix}-submit` }, title);
  const form = h('form', { class: 'status-form', 'data-testid': testid }, h('h3', null, title), status, reason, button);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    button.disabled = true;
    api.setPersonStatus(id, status.value, reason.value.trim()).then(
      (s) => {
        button.disabled = false;
        done(s);
      },
      (error) => {
        button.disabled = false;
        fill(message, errorBox(error));
      },
    );
  });
  return form;
}
