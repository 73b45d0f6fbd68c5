// A case's referrals (with consent, due dates, the steps allowed next), the form for a new
// referral, and the return plan with its steps in order. The node checks every step again and
// its refusal is shown as it words it.

import { api } from '../api';
import { bdi, fill, h } from '../dom';
import { formatTime, label, t } from '../i18n';
import type { Case, Referral, ReturnPlan, Vocabulary } from '../types_protection';
import { errorBox, tableHead } from './common';
import { valueNode } from './entity';
import { day, options, today } from './protection';

/** The states a referral may move to from each state (the node decides again). */
const NEXT: Record<string, string[]> = {
  proposed: ['sent', 'closed'],
  sent: ['accepted', 'declined', 'closed'],
  accepted: ['in_progress', 'completed', 'closed'],
  in_progress: ['completed', 'closed'],
  completed: ['closed'],
  declined: ['closed'],
  closed: [],
};

const FINISHED = new Set(['done', 'not_needed', 'withdrawn']);
const RETURN_MOVES: [string, string][] = [
  ['in_progress', 'start'],
  ['done', 'done'],
  ['not_needed', 'not_needed'],
  ['withdrawn', 'withdraw'],
];

function consentText(c: { referral: string; sharing: string; legal_basis: string | null }): HTMLElement {
  return h(
    'span',
    { class: 'consent', 'data-consent': c.referral, 'data-sharing': c.sharing },
    t('ref.consentShort', { referral: label('prot.consent', c.referral), sharing: label('prot.consent', c.sharing) }),
    c.legal_basis ? h('div', { class: 'muted small' }, t('ref.legalBasis'), ': ', bdi(c.legal_basis)) : null,
  );
}

export function referralsTable(c: Case, v: Vocabulary, reload: () => void): HTMLElement {
  if (c.referrals.length === 0) return h('p', { class: 'muted', 'data-testid': 'no-referrals' }, t('ref.none'));
  return h(
    'div',
    { class: 'scroll' },
    h(
      'table',
      { class: 'grid referrals', 'data-testid': 'referrals' },
      tableHead([t('ref.service'), t('ref.provider'), t('ref.due'), t('ref.status'), t('ref.consent'), t('ref.reasons'), t('ref.next')]),
      h('tbody', null, c.referrals.map((r) => referralRow(r, v, reload))),
    ),
  );
}

function referralRow(r: Referral, v: Vocabulary, reload: () => void): HTMLElement {
  const next = NEXT[r.status] ?? [];
  const message = h('div', { 'aria-live': 'polite' });
  const sending = next.includes('sent');
  const consent = h('select', { 'data-testid': 'step-consent', 'aria-label': t('ref.consentReferral') }, options('prot.consent', v.consent, r.consent.referral));
  const sharing = h('select', { 'data-testid': 'step-sharing', 'aria-label': t('ref.consentSharing') }, options('prot.consent', v.consent, r.consent.sharing));
  const note = h('input', { type: 'text', dir: 'auto', class: 'note', 'data-testid': 'step-note', 'aria-label': t('ref.note'), placeholder: t('ref.note') });
  const move = (status: string) => {
    const body: { status: string; note?: string; consent?: string; sharing_consent?: string } = { status };
    if (note.value.trim()) body.note = note.value.trim();
    if (status === 'sent') {
      body.consent = consent.value;
      body.sharing_consent = sharing.value;
    }
    api.referralStep(r.id, body).then(reload, (error) => fill(message, errorBox(error)));
  };
  const last = r.steps[r.steps.length - 1];
  return h(
    'tr',
    { 'data-testid': 'referral-row', 'data-service': r.service, 'data-status': r.status, 'data-id': r.id, class: r.overdue ? 'overdue' : null },
    h('td', null, h('strong', null, label('prot.service', r.service))),
    h('td', null, r.provider ? bdi(r.provider) : h('span', { class: 'muted' }, '—')),
    h('td', { class: r.overdue ? 'overdue' : null }, day(r.due_date), r.overdue ? [' ', h('span', { class: 'badge overdue-badge', 'data-testid': 'referral-overdue' }, t('ref.overdue'))] : null),
    h(
      'td',
      null,
      h('span', { class: `badge ref-${r.status}`, 'data-testid': 'referral-status' }, label('prot.refstate', r.status)),
      last ? h('div', { class: 'muted small' }, bdi(last.by), ', ', formatTime(last.at), last.note ? [': ', bdi(last.note)] : null) : null,
    ),
    h('td', null, consentText(r.consent)),
    h('td', null, r.reasons.length > 0 ? h('ul', { class: 'reasons' }, r.reasons.map((x) => h('li', null, bdi(x)))) : null),
    h(
      'td',
      { class: 'actions' },
      next.length > 0
        ? [
            sending ? h('div', { class: 'step-consent' }, consent, sharing) : null,
            note,
            h(
              'div',
              { class: 'buttons' },
              next.map((s) => h('button', { type: 'button', 'data-testid': `referral-step-${s}`, onclick: () => move(s) }, label('ref.to', s))),
            ),
          ]
        : null,
      message,
    ),
  );
}

export interface ReferralForm {
  el: HTMLElement;
  /** Fills in a suggested referral's service and reasons, and brings the form into view. */
  prefill(service: string, reasons: string[]): void;
}

export function referralForm(c: Case, v: Vocabulary, reload: () => void): ReferralForm {
  const field = (text: string, control: HTMLElement) => h('label', { class: 'field' }, h('span', null, text), control);
  const service = h('select', { 'data-testid': 'referral-service' }, options('prot.service', v.services));
  const provider = h('input', { type: 'text', dir: 'auto', 'data-testid': 'referral-provider' });
  const due = h('input', { type: 'date', dir: 'ltr', 'data-testid': 'referral-due', value: today(7) });
  const consent = h('select', { 'data-testid': 'referral-consent' }, options('prot.consent', v.consent, 'not_asked'));
  const sharing = h('select', { 'data-testid': 'referral-sharing' }, options('prot.consent', v.consent, 'not_asked'));
  const basis = h('input', { type: 'text', dir: 'auto', class: 'wide', 'data-testid': 'referral-legal-basis', placeholder: t('ref.legalBasisHint') });
  const note = h('input', { type: 'text', dir: 'auto', 'data-testid': 'referral-note' });
  const send = h('input', { type: 'checkbox', 'data-testid': 'referral-send' });
  const reasonsBox = h('div', { class: 'small', 'data-testid': 'referral-reasons' });
  let reasons: string[] = [];
  const drawReasons = () =>
    fill(
      reasonsBox,
      reasons.length > 0
        ? [
            h('span', { class: 'muted' }, t('ref.reasons'), ': '),
            h('ul', { class: 'reasons' }, reasons.map((r) => h('li', null, bdi(r)))),
            h(
              'button',
              {
                type: 'button',
                class: 'quiet',
                onclick: () => {
                  reasons = [];
                  drawReasons();
                },
              },
              t('ref.clearReasons'),
            ),
          ]
        : null,
    );
  const status = h('div', { 'aria-live': 'polite', 'data-testid': 'referral-message' });
  const submit = h('button', { type: 'submit', class: 'primary', 'data-testid': 'referral-submit' }, t('ref.create'));
  const el = h(
    'form',
    { class: 'referral-form', 'data-testid': 'referral-form' },
    h('h3', null, t('ref.new')),
    h(
      'div',
      { class: 'form-row' },
      field(t('ref.service'), service),
      field(t('ref.provider'), provider),
      field(t('ref.due'), due),
      field(t('ref.consentReferral'), consent),
      field(t('ref.consentSharing'), sharing),
    ),
    h('div', { class: 'form-row' }, field(t('ref.legalBasis'), basis), field(t('ref.note'), note)),
    reasonsBox,
    h('div', { class: 'form-actions' }, h('label', { class: 'check' }, send, ' ', t('ref.sendNow')), submit),
    status,
  );
  el.addEventListener('submit', (event) => {
    event.preventDefault();
    const body: Parameters<typeof api.refer>[0] = {
      person: c.person,
      service: service.value,
      due_date: due.value,
      consent: consent.value,
      sharing_consent: sharing.value,
      send: send.checked,
    };
    if (provider.value.trim()) body.provider = provider.value.trim();
    if (basis.value.trim()) body.legal_basis = basis.value.trim();
    if (note.value.trim()) body.note = note.value.trim();
    if (reasons.length > 0) body.reasons = reasons;
    submit.disabled = true;
    api.refer(body).then(
      () => {
        submit.disabled = false;
        reload();
      },
      (error) => {
        submit.disabled = false;
        fill(status, errorBox(error));
      },
    );
  });
  return {
    el,
    prefill(code: string, why: string[]) {
      service.value = code;
      reasons = [...why];
      drawReasons();
      fill(status);
      el.scrollIntoView({ block: 'nearest' });
      provider.focus();
    },
  };
}

export function returnPlanView(c: Case, reload: () => void): HTMLElement {
  const message = h('div', { 'aria-live': 'polite', 'data-testid': 'return-message' });
  const note = h('input', { type: 'text', dir: 'auto', class: 'note', 'data-testid': 'return-note', 'aria-label': t('ret.note'), placeholder: t('ret.note') });
  const post = (step: string, status: string, destination?: string) => {
    const body: { step: string; status: string; note?: string; destination?: string } = { step, status };
    if (note.value.trim()) body.note = note.value.trim();
    if (destination) body.destination = destination;
    api.returnStep(c.person, body).then(reload, (error) => fill(message, errorBox(error)));
  };
  const plan: ReturnPlan | null = c.return_plan;
  if (!plan) {
    const destination = h('input', { type: 'text', dir: 'ltr', class: 'iso', maxlength: '3', 'data-testid': 'return-destination', 'aria-label': t('ret.destination'), placeholder: 'gn' });
    return h(
      'div',
      { 'data-testid': 'return-plan', 'data-state': 'none' },
      h('p', { class: 'muted' }, t('ret.none')),
      h(
        'div',
        { class: 'form-actions' },
        h('label', { class: 'field inline' }, h('span', null, t('ret.destination')), destination),
        note,
        h('button', { type: 'button', 'data-testid': 'return-begin', onclick: () => post('counselling', 'in_progress', destination.value.trim().toLowerCase() || undefined) }, t('ret.begin')),
      ),
      message,
    );
  }
  return h(
    'div',
    { 'data-testid': 'return-plan', 'data-state': 'open' },
    plan.destination ? h('p', { 'data-testid': 'return-destination-shown' }, t('ret.destination'), ': ', valueNode(plan.destination, 'country', new Map())) : null,
    h(
      'table',
      { class: 'grid compact return-steps' },
      tableHead([t('ret.step'), t('ret.status'), t('ret.move')]),
      h(
        'tbody',
        null,
        plan.plan.steps.map(([step, status]) =>
          h(
            'tr',
            { 'data-testid': 'return-step', 'data-step': step, 'data-status': status },
            h('th', { scope: 'row' }, label('prot.step', step)),
            h('td', null, h('span', { class: `badge ret-${status}` }, label('prot.stepstatus', status))),
            h(
              'td',
              null,
              FINISHED.has(status)
                ? null
                : h(
                    'div',
                    { class: 'buttons' },
                    RETURN_MOVES.filter(([to]) => to !== status).map(([to, name]) =>
                      h('button', { type: 'button', 'data-testid': `return-${name}`, onclick: () => post(step, to) }, label('ret.do', name)),
                    ),
                  ),
            ),
          ),
        ),
      ),
    ),
    h('div', { class: 'form-actions' }, note),
    message,
    plan.records.length > 0
      ? h(
          'details',
          { class: 'small' },
          h('summary', null, t('ret.records', { count: plan.records.length })),
          h(
            'ol',
            { class: 'history', 'data-testid': 'return-records' },
            plan.records.map((r) =>
              h('li', null, h('strong', null, label('prot.step', r.step)), ' → ', label('prot.stepstatus', r.status), ' — ', bdi(r.by), ', ', formatTime(r.at), r.note ? [': ', bdi(r.note)] : null),
            ),
          ),
        )
      : null,
  );
}
