// Cooperation between central authorities: the inbox and outbox of requests with their
// deadlines and what is overdue, one request with its history and the steps this side may
// take (acknowledge, work on, answer with facts, refuse with a reason, close), a request form,
// what is shared unasked and consent to pass it on (coop_shares.ts), the directory of partners
// with their fingerprints, and the timeliness dashboard.

import { api, attachFile, attachmentUrl } from '../api';
import { bdi, fill, h } from '../dom';
import { formatTime, label, t } from '../i18n';
import { navigate, paths, type CoopTab } from '../router';
import { COOP_ROLES, type CoopRequest, type LegalBasis, type Partner, type Timeliness, type TimelinessRow } from '../types';
import { errorBox, failurePage, loading, notPermitted, tableHead } from './common';
import { sharedView } from './coop_shares';
import type { ViewContext } from './context';

const TYPES = ['mutual_legal_assistance', 'police_information', 'spontaneous_information', 'joint_investigation_team', 'extradition'];
const TABS: CoopTab[] = ['requests', 'new', 'shared', 'partners', 'timeliness'];

function allowed(ctx: ViewContext): boolean {
  return COOP_ROLES.some((role) => ctx.session.user.roles.includes(role));
}

function tabs(current: CoopTab): HTMLElement {
  return h(
    'nav',
    { class: 'tabs', 'aria-label': t('coop.title') },
    TABS.map((tab) =>
      h('a', { href: paths.coop(tab), 'data-testid': `coop-tab-${tab}`, 'aria-current': tab === current ? 'page' : null, class: tab === current ? 'current' : '' }, label('coop.tab', tab)),
    ),
  );
}

function reminderBadges(r: CoopRequest): HTMLElement[] {
  return r.reminders.map((m) => h('span', { class: `badge reminder-${m.kind}`, 'data-testid': 'reminder', 'data-kind': m.kind }, m.text));
}

export function renderCoop(tab: CoopTab, ctx: ViewContext, focusHeading: boolean): HTMLElement {
  if (!allowed(ctx)) return h('section', { class: 'page' }, notPermitted());
  const heading = h('h1', { tabindex: '-1' }, t('coop.title'));
  const box = h('div', { 'data-testid': `coop-box-${tab}` }, loading());
  const fail = (error: unknown) => ctx.isCurrent() && fill(box, failurePage(error, ctx.focusReason));
  if (tab === 'requests') {
    api.coopRequests().then((r) => ctx.isCurrent() && fill(box, requestsTable(r.requests)), fail);
  } else if (tab === 'new') {
    Promise.all([api.coopPartners(), api.coopIdentity()]).then(([p, id]) => ctx.isCurrent() && fill(box, requestForm(p.partners, id.legal_bases)), fail);
  } else if (tab === 'shared') {
    const draw = () =>
      Promise.all([api.coopShares(), api.coopConsents(), api.coopPartners()]).then(
        ([sh, co, p]) => ctx.isCurrent() && fill(box, sharedView(sh.shares, co.consents, p.partners, draw)),
        fail,
      );
    draw();
  } else if (tab === 'partners') {
    Promise.all([api.coopPartners(), api.coopIdentity()]).then(
      ([p, id]) => ctx.isCurrent() && fill(box, partnersView(p.partners, id.keys.node, id.fingerprint, ctx)),
      fail,
    );
  } else {
    api.coopTimeliness().then((r) => ctx.isCurrent() && fill(box, timelinessView(r)), fail);
  }
  if (focusHeading) queueMicrotask(() => heading.focus());
  return h('section', { class: 'page coop', 'data-testid': 'coop-page' }, heading, h('p', { class: 'muted' }, t('coop.intro')), tabs(tab), box);
}

function requestsTable(requests: CoopRequest[]): HTMLElement {
  if (requests.length === 0) return h('p', { class: 'muted', 'data-testid': 'no-requests' }, t('coop.none'));
  const filter = h(
    'select',
    { 'data-testid': 'coop-filter', 'aria-label': t('coop.filter') },
    ['all', 'incoming', 'outgoing', 'overdue'].map((f) => h('option', { value: f }, label('coop.filter', f))),
  );
  const body = h('tbody');
  const draw = () => {
    const f = filter.value;
    const shown = requests.filter((r) =>
      f === 'all' ? true : f === 'overdue' ? r.reminders.some((m) => m.kind === 'overdue') : r.direction === f,
    );
    fill(
      body,
      shown.map((r) =>
        h(
          'tr',
          { 'data-testid': 'coop-row', 'data-id': r.id, 'data-state': r.state, 'data-direction': r.direction },
          h('td', null, h('a', { href: paths.coopRequest(r.id) }, r.reference)),
          h('td', null, label('coop.direction', r.direction)),
          h('td', null, r.partner),
          h('td', null, label('coop.type', r.request_type)),
          h('td', null, h('span', { class: `badge state-${r.state}` }, label('coop.state', r.state))),
          h('td', { dir: 'ltr' }, r.deadline ?? '—'),
          h('td', null, reminderBadges(r)),
        ),
      ),
    );
  };
  filter.addEventListener('change', draw);
  draw();
  return h(
    'div',
    null,
    h('label', null, t('coop.filter'), ' ', filter),
    h(
      'table',
      { class: 'coop-requests', 'data-testid': 'coop-requests' },
      tableHead([t('coop.col.reference'), t('coop.col.direction'), t('coop.col.partner'), t('coop.col.type'), t('coop.col.state'), t('coop.col.deadline'), t('coop.col.due')]),
      body,
    ),
  );
}

/** The steps this side may take now (the node checks again). */
function nextSteps(r: CoopRequest): string[] {
  if (r.direction === 'outgoing') {
    if (r.state === 'draft') return ['sent', 'closed'];
    return r.state === 'closed' ? [] : ['closed'];
  }
  switch (r.state) {
    case 'received':
      return ['acknowledged', 'in_progress', 'refused'];
    case 'acknowledged':
      return ['in_progress', 'refused'];
    case 'in_progress':
    case 'partially_answered':
      return ['refused'];
    default:
      return [];
  }
}

export function renderCoopRequest(id: string, ctx: ViewContext, focusHeading: boolean): HTMLElement {
  if (!allowed(ctx)) return h('section', { class: 'page' }, notPermitted());
  const heading = h('h1', { tabindex: '-1' }, t('coop.request'), ' ', bdi(id));
  const box = h('div', { 'data-testid': 'coop-request' }, loading());
  const result = h('div', { role: 'status' });
  const load = () =>
    api.coopRequest(id).then(
      (r) => {
        if (!ctx.isCurrent()) return;
        fill(box, requestDetails(r, load, result));
        if (focusHeading) heading.focus();
      },
      (error) => ctx.isCurrent() && fill(box, failurePage(error, ctx.focusReason)),
    );
  load();
  return h('section', { class: 'page coop', 'data-testid': 'coop-request-page' }, h('p', null, h('a', { href: paths.coop() }, t('coop.back'))), heading, box, result);
}

function requestDetails(r: CoopRequest, reload: () => void, result: HTMLElement): HTMLElement {
  const note = h('input', { type: 'text', dir: 'auto', 'data-testid': 'coop-note', 'aria-label': t('coop.note'), placeholder: t('coop.note') });
  const act = (state: string) =>
    api.coopStep(r.id, state, note.value.trim()).then(
      () => {
        fill(result, h('p', { class: 'notice', 'data-testid': 'coop-done' }, t('coop.done', { state: label('coop.state', state) })));
        reload();
      },
      (error) => fill(result, errorBox(error)),
    );
  const steps = nextSteps(r);
  const answerable = r.direction === 'incoming' && ['received', 'acknowledged', 'in_progress', 'partially_answered'].includes(r.state);
  const entities = h('input', { type: 'text', 'data-testid': 'coop-entities', 'aria-label': t('coop.entities'), placeholder: t('coop.entities') });
  const partial = h('input', { type: 'checkbox', 'data-testid': 'coop-partial' });
  return h(
    'div',
    { 'data-state': r.state },
    h(
      'dl',
      { class: 'facts' },
      [
        [t('coop.col.state'), h('span', { class: `badge state-${r.state}`, 'data-testid': 'coop-state' }, label('coop.state', r.state))],
        [t('coop.col.direction'), label('coop.direction', r.direction)],
        [t('coop.col.partner'), r.partner],
        [t('coop.col.type'), label('coop.type', r.request_type)],
        [t('coop.urgency'), r.urgency],
        [t('coop.legalBasis'), r.legal_basis.join(', ')],
        [t('coop.handling'), `${r.handling}${r.handling_note ? ` — ${r.handling_note}` : ''}`],
        [t('coop.col.deadline'), h('span', { dir: 'ltr' }, r.deadline ?? '—'), ' ', reminderBadges(r)],
        [t('coop.hash'), h('code', { class: 'small' }, r.content_hash.slice(0, 16))],
      ].map(([k, v]) => [h('dt', null, k), h('dd', null, v)]),
    ),
    h('h2', null, t('coop.questions')),
    h('ol', null, r.questions.map((q) => h('li', null, bdi(q)))),
    h('h2', null, t('coop.files')),
    r.files.length === 0
      ? h('p', { class: 'muted' }, t('coop.noFiles'))
      : h(
          'ul',
          { 'data-testid': 'coop-files' },
          r.files.map((f) =>
            h(
              'li',
              { 'data-sha256': f.sha256 },
              h('a', { href: attachmentUrl(f.sha256), download: f.name }, bdi(f.name)),
              ` — ${f.bytes.toLocaleString()} B, ${f.from}, `,
              formatTime(f.at),
              h('code', { class: 'small', dir: 'ltr' }, ` ${f.sha256.slice(0, 12)}…`),
            ),
          ),
        ),
    fileForm(r, reload, result),
    h('h2', null, t('coop.history')),
    h(
      'ol',
      { class: 'history', 'data-testid': 'coop-history' },
      r.history.map((e) => h('li', null, h('strong', null, label('coop.state', e.state)), ' ', formatTime(e.at), ' — ', bdi(e.by), e.note ? [': ', bdi(e.note)] : null)),
    ),
    steps.length > 0 || answerable
      ? h(
          'div',
          { class: 'coop-actions', role: 'group', 'aria-label': t('coop.actions') },
          note,
          steps.map((s) => h('button', { type: 'button', 'data-testid': `coop-step-${s}`, onclick: () => act(s) }, label('coop.step', s))),
        )
      : null,
    answerable
      ? h(
          'form',
          {
            class: 'coop-answer',
            'data-testid': 'coop-answer-form',
            onsubmit: (event: Event) => {
              event.preventDefault();
              const ids = entities.value.split(/[\s,]+/).filter(Boolean);
              api.coopAnswer(r.id, ids, partial.checked, note.value.trim()).then(
                () => {
                  fill(result, h('p', { class: 'notice', 'data-testid': 'coop-done' }, t('coop.answered')));
                  reload();
                },
                (error) => fill(result, errorBox(error)),
              );
            },
          },
          h('h2', null, t('coop.answer')),
          entities,
          h('label', null, partial, ' ', t('coop.partial')),
          h('button', { type: 'submit', 'data-testid': 'coop-answer' }, t('coop.answer')),
        )
      : null,
  );
}

/** Sends a file with the request to the other authority. */
function fileForm(r: CoopRequest, reload: () => void, result: HTMLElement): HTMLElement {
  const input = h('input', { type: 'file', 'data-testid': 'coop-file', 'aria-label': t('coop.attach') });
  const form = h('form', { class: 'coop-actions', 'data-testid': 'coop-file-form' }, input, h('button', { type: 'submit', 'data-testid': 'coop-attach' }, t('coop.attach')));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const file = input.files?.[0];
    if (!file) return;
    attachFile(r.id, file).then(
      () => {
        fill(result, h('p', { class: 'notice', 'data-testid': 'coop-done' }, t('coop.attached', { name: file.name })));
        reload();
      },
      (error) => fill(result, errorBox(error)),
    );
  });
  return form;
}

function requestForm(partners: Partner[], bases: LegalBasis[]): HTMLElement {
  if (partners.length === 0) return h('p', { class: 'muted' }, t('coop.noPartners'));
  const field = (label: string, control: HTMLElement) => h('label', { class: 'field' }, h('span', null, label), control);
  const partner = h('select', { 'data-testid': 'coop-form-partner' }, partners.map((p) => h('option', { value: p.keys.node }, `${p.name} (${p.keys.node})`)));
  const reference = h('input', { type: 'text', required: true, 'data-testid': 'coop-form-reference' });
  const type = h('select', { 'data-testid': 'coop-form-type' }, TYPES.map((ty) => h('option', { value: ty }, label('coop.type', ty))));
  const urgency = h('select', null, ['routine', 'urgent', 'very_urgent'].map((u) => h('option', { value: u }, u)));
  const basisBox = h('fieldset', { 'data-testid': 'coop-form-bases' }, h('legend', null, t('coop.legalBasis')));
  const drawBases = () =>
    fill(
      basisBox,
      h('legend', null, t('coop.legalBasis')),
      bases
        .filter((b) => b.types.includes(type.value))
        .map((b) => h('label', { class: 'kind' }, h('input', { type: 'checkbox', value: b.id }), ' ', b.title)),
    );
  type.addEventListener('change', drawBases);
  drawBases();
  const questions = h('textarea', { rows: 4, dir: 'auto', 'data-testid': 'coop-form-questions' });
  const deadline = h('input', { type: 'date', 'data-testid': 'coop-form-deadline' });
  const handling = h('select', { 'data-testid': 'coop-form-handling' }, ['H0', 'H1', 'H2', 'H3'].map((c) => h('option', { value: c }, label('coop.handling', c))));
  const handlingNote = h('input', { type: 'text', dir: 'auto' });
  const status = h('div', { role: 'status' });
  const form = h(
    'form',
    { class: 'coop-form', 'data-testid': 'coop-form' },
    field(t('coop.col.partner'), partner),
    field(t('coop.col.reference'), reference),
    field(t('coop.col.type'), type),
    field(t('coop.urgency'), urgency),
    basisBox,
    field(t('coop.questionsOne'), questions),
    field(t('coop.col.deadline'), deadline),
    field(t('coop.handling'), handling),
    field(t('coop.handlingNote'), handlingNote),
    h('button', { type: 'submit', 'data-testid': 'coop-form-send' }, t('coop.send')),
    status,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const body = {
      reference: reference.value.trim(),
      request_type: type.value,
      urgency: urgency.value,
      requested: partner.value,
      legal_basis: [...basisBox.querySelectorAll('input:checked')].map((el) => (el as HTMLInputElement).value),
      questions: questions.value.split('\n').map((q) => q.trim()).filter(Boolean),
      deadline: deadline.value || undefined,
      handling: handling.value,
      handling_note: handlingNote.value.trim() || undefined,
    };
    api
      .createRequest(body)
      .then((draft) => api.coopStep(draft.id, 'sent', ''))
      .then(
        (sent) => navigate(paths.coopRequest(sent.id)),
        (error) => fill(status, errorBox(error)),
      );
  });
  return form;
}

function partnersView(partners: Partner[], us: string, fingerprint: string, ctx: ViewContext): HTMLElement {
  const keys = h('textarea', { rows: 5, 'data-testid': 'coop-partner-keys', 'aria-label': t('coop.partnerKeys'), placeholder: t('coop.partnerKeys') });
  const name = h('input', { type: 'text', 'aria-label': t('coop.partnerName'), placeholder: t('coop.partnerName') });
  const url = h('input', { type: 'url', 'aria-label': 'URL', placeholder: 'https://…' });
  const fp = h('input', { type: 'text', 'data-testid': 'coop-partner-fingerprint', 'aria-label': t('coop.fingerprint'), placeholder: t('coop.fingerprint') });
  const status = h('div', { role: 'status' });
  const form = h(
    'form',
    { class: 'coop-form', 'data-testid': 'coop-partner-form' },
    h('h2', null, t('coop.addPartner')),
    h('p', { class: 'muted' }, t('coop.addPartnerHelp')),
    keys,
    name,
    url,
    fp,
    h('button', { type: 'submit' }, t('coop.addPartner')),
    status,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    let parsed: { keys?: unknown } & Record<string, unknown>;
    try {
      parsed = JSON.parse(keys.value);
    } catch {
      fill(status, h('p', { class: 'notice warn' }, t('coop.keysNotJson')));
      return;
    }
    api
      .addPartner({
        keys: (parsed.keys ?? parsed) as Partner['keys'],
        name: name.value.trim(),
        url: url.value.trim(),
        accepts: TYPES,
        fingerprint: fp.value,
      })
      .then(
        () => navigate(paths.coop('partners'), true),
        (error) => ctx.isCurrent() && fill(status, errorBox(error)),
      );
  });
  return h(
    'div',
    null,
    h('p', { 'data-testid': 'coop-own-fingerprint' }, t('coop.ours', { node: us }), ' ', h('code', { dir: 'ltr' }, fingerprint)),
    partners.length === 0
      ? h('p', { class: 'muted' }, t('coop.noPartners'))
      : h(
          'table',
          { 'data-testid': 'coop-partners' },
          tableHead([t('coop.partnerName'), t('coop.col.partner'), t('coop.fingerprint'), 'URL', t('coop.verified')]),
          h(
            'tbody',
            null,
            partners.map((p) =>
              h(
                'tr',
                { 'data-testid': 'coop-partner', 'data-node': p.keys.node },
                h('td', null, bdi(p.name)),
                h('td', null, p.keys.node),
                h('td', null, h('code', { dir: 'ltr' }, p.fingerprint)),
                h('td', { dir: 'ltr' }, p.url || t('coop.byFile')),
                h('td', null, bdi(p.verified_by), ', ', formatTime(p.verified_at)),
              ),
            ),
          ),
        ),
    form,
  );
}

function days(value: number | null): string {
  return value === null ? '—' : value.toFixed(1);
}

function timelinessTable(title: string, rows: TimelinessRow[], testid: string): HTMLElement {
  return h(
    'div',
    null,
    h('h2', null, title),
    h(
      'table',
      { 'data-testid': testid },
      tableHead([title, t('coop.t.requests'), t('coop.t.answered'), t('coop.t.ack'), t('coop.t.answer'), t('coop.t.onTime'), t('coop.t.overdue')]),
      h(
        'tbody',
        null,
        rows.map((row) =>
          h(
            'tr',
            { 'data-key': row.key },
            h('td', null, row.key),
            h('td', null, String(row.requests)),
            h('td', null, String(row.answered)),
            h('td', null, days(row.median_days_to_acknowledge)),
            h('td', null, days(row.median_days_to_answer)),
            h('td', null, row.answered_on_time === null ? '—' : `${Math.round(row.answered_on_time * 100)} %`),
            h('td', { class: row.overdue > 0 ? 'overdue' : '' }, String(row.overdue)),
          ),
        ),
      ),
    ),
  );
}

/** Median days to answer per partner as bars, the longest wait longest. */
function answerChart(rows: TimelinessRow[]): HTMLElement | null {
  const known = rows.filter((r) => r.median_days_to_answer !== null || r.median_days_to_acknowledge !== null);
  if (known.length === 0) return null;
  const max = Math.max(1, ...known.map((r) => Math.max(r.median_days_to_answer ?? 0, r.median_days_to_acknowledge ?? 0)));
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', `0 0 600 ${known.length * 44 + 10}`);
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', t('coop.chart'));
  svg.setAttribute('data-testid', 'coop-chart');
  known.forEach((r, i) => {
    const y = 10 + i * 44;
    const label = document.createElementNS(ns, 'text');
    label.setAttribute('x', '0');
    label.setAttribute('y', String(y + 14));
    label.textContent = r.key;
    svg.appendChild(label);
    [[r.median_days_to_acknowledge, '#56B4E9', 0], [r.median_days_to_answer, '#0072B2', 16]].forEach(([v, colour, dy]) => {
      const bar = document.createElementNS(ns, 'rect');
      bar.setAttribute('x', '120');
      bar.setAttribute('y', String(y + (dy as number)));
      bar.setAttribute('height', '14');
      bar.setAttribute('width', String(Math.max(2, (((v as number | null) ?? 0) / max) * 440)));
      bar.setAttribute('fill', colour as string);
      svg.appendChild(bar);
    });
  });
  return h('figure', null, svg as unknown as HTMLElement, h('figcaption', { class: 'small' }, t('coop.chart')));
}

function timelinessView(tl: Timeliness): HTMLElement {
  return h(
    'div',
    null,
    answerChart(tl.by_partner),
    timelinessTable(t('coop.col.partner'), tl.by_partner, 'coop-by-partner'),
    timelinessTable(t('coop.col.type'), tl.by_type, 'coop-by-type'),
    h('h2', null, t('coop.overdue')),
    tl.overdue.length === 0
      ? h('p', { class: 'muted' }, t('coop.noneOverdue'))
      : h(
          'ul',
          { 'data-testid': 'coop-overdue' },
          tl.overdue.map((o) =>
            h('li', null, h('a', { href: paths.coopRequest(o.id) }, o.id), ' — ', t(o.we_owe ? 'coop.weOwe' : 'coop.theyOwe', { days: o.days_overdue, partner: o.partner })),
          ),
        ),
  );
}
