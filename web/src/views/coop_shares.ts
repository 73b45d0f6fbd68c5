// What central authorities send each other unasked — facts about entities, a watchlist to
// screen against, a screening alert — and consent to pass on what a partner sent under H1–H3:
// the requests this node must decide, the ones it made, and forms for both.

import { api } from '../api';
import { bdi, fill, h } from '../dom';
import { formatTime, label, t } from '../i18n';
import type { CoopConsent, CoopShare, Partner } from '../types';
import { errorBox, tableHead } from './common';

export function sharedView(shares: CoopShare[], consents: CoopConsent[], partners: Partner[], reload: () => void): HTMLElement {
  const toDecide = consents.filter((c) => c.direction === 'incoming');
  const asked = consents.filter((c) => c.direction === 'outgoing');
  return h(
    'div',
    { class: 'coop-shared' },
    h('h2', null, t('coop.consent.toDecide')),
    toDecide.length === 0 ? h('p', { class: 'muted' }, t('coop.consent.noneToDecide')) : consentTable(toDecide, reload, true),
    h('h2', null, t('coop.shares')),
    shares.length === 0 ? h('p', { class: 'muted', 'data-testid': 'no-shares' }, t('coop.noShares')) : sharesTable(shares),
    partners.length === 0 ? null : shareForm(partners, reload),
    h('h2', null, t('coop.consent.asked')),
    asked.length === 0 ? h('p', { class: 'muted' }, t('coop.consent.noneAsked')) : consentTable(asked, reload, false),
    partners.length < 2 ? null : consentForm(shares, partners, reload),
  );
}

function what(s: CoopShare): (HTMLElement | string)[] {
  if (s.alert) {
    return [t('coop.share.alert'), ': ', bdi(s.alert.subject_caption ?? s.alert.subject_id), ' → ', bdi(s.alert.entry_caption ?? s.alert.entry_id), ` (${s.alert.list})`];
  }
  if (s.watchlist) {
    return [t('coop.share.watchlist'), ': ', bdi(s.watchlist), s.list_here ? ` → ${s.list_here}` : ''];
  }
  return [t('coop.share.entities'), ': ', bdi(s.entities.slice(0, 5).join(', ') + (s.entities.length > 5 ? '…' : ''))];
}

function sharesTable(shares: CoopShare[]): HTMLElement {
  return h(
    'table',
    { class: 'data', 'data-testid': 'shares' },
    tableHead([t('coop.col.reference'), t('coop.col.direction'), t('coop.col.partner'), t('coop.share.what'), t('coop.share.facts'), t('coop.handling'), t('coop.share.dataset'), t('coop.share.when')]),
    h(
      'tbody',
      null,
      shares.map((s) =>
        h(
          'tr',
          { 'data-testid': 'share-row', 'data-direction': s.direction, 'data-id': s.id },
          h('td', null, bdi(s.reference), s.note ? h('div', { class: 'muted', dir: 'auto' }, s.note) : null),
          h('td', null, label('coop.sharedir', s.direction)),
          h('td', null, bdi(s.partner)),
          h('td', null, what(s)),
          h('td', { class: 'num' }, String(s.facts)),
          h('td', null, h('span', { class: 'badge', title: label('coop.handling', s.handling) }, s.handling)),
          h('td', null, h('code', null, s.dataset)),
          h('td', null, formatTime(s.shared_at)),
        ),
      ),
    ),
  );
}

function consentTable(consents: CoopConsent[], reload: () => void, decide: boolean): HTMLElement {
  return h(
    'table',
    { class: 'data', 'data-testid': decide ? 'consents-to-decide' : 'consents-asked' },
    tableHead([t('coop.share.dataset'), decide ? t('coop.consent.asker') : t('coop.consent.origin'), t('coop.consent.to'), t('coop.consent.note'), t('coop.consent.decision')]),
    h(
      'tbody',
      null,
      consents.map((c) => {
        const status = h('div', { role: 'status' });
        const note = h('input', { type: 'text', dir: 'auto', 'aria-label': t('coop.consent.note'), 'data-testid': 'consent-note' });
        const button = (granted: boolean) =>
          h(
            'button',
            {
              type: 'button',
              'data-testid': granted ? 'consent-grant' : 'consent-refuse',
              onclick: () =>
                api.decideConsent(c.id, granted, note.value.trim()).then(reload, (error) => fill(status, errorBox(error))),
            },
            t(granted ? 'coop.consent.grant' : 'coop.consent.refuse'),
          );
        const decision = c.decision
          ? h('span', { class: `badge ${c.decision.granted ? 'ok' : 'refused'}`, 'data-testid': 'consent-decision' }, t(c.decision.granted ? 'coop.consent.granted' : 'coop.consent.refused'), ' · ', bdi(c.decision.by))
          : h('span', { class: 'muted', 'data-testid': 'consent-decision' }, t('coop.consent.pending'));
        return h(
          'tr',
          { 'data-testid': 'consent-row', 'data-id': c.id },
          h('td', null, h('code', null, c.dataset)),
          h('td', null, bdi(decide ? c.asker : c.origin)),
          h('td', null, bdi(c.to)),
          h('td', { dir: 'auto' }, c.note ?? ''),
          h('td', null, decision, decide ? h('div', { class: 'actions' }, note, button(true), button(false), status) : null),
        );
      }),
    ),
  );
}

function shareForm(partners: Partner[], reload: () => void): HTMLElement {
  const field = (text: string, control: HTMLElement) => h('label', { class: 'field' }, h('span', null, text), control);
  const partner = h('select', { 'data-testid': 'share-partner' }, partners.map((p) => h('option', { value: p.keys.node }, `${p.name} (${p.keys.node})`)));
  const reference = h('input', { type: 'text', required: true, 'data-testid': 'share-reference' });
  const kind = h('select', { 'data-testid': 'share-kind' }, ['entities', 'watchlist', 'alert'].map((k) => h('option', { value: k }, label('coop.share', k))));
  const value = h('input', { type: 'text', required: true, dir: 'ltr', 'data-testid': 'share-value', placeholder: 'p-1, p-2' });
  const handling = h('select', { 'data-testid': 'share-handling' }, ['H0', 'H1', 'H2', 'H3'].map((c) => h('option', { value: c }, label('coop.handling', c))));
  const note = h('input', { type: 'text', dir: 'auto', 'data-testid': 'share-note' });
  const status = h('div', { role: 'status' });
  const form = h(
    'form',
    { class: 'coop-form', 'data-testid': 'share-form' },
    h('h3', null, t('coop.share.new')),
    field(t('coop.col.partner'), partner),
    field(t('coop.col.reference'), reference),
    field(t('coop.share.what'), kind),
    field(t('coop.share.value'), value),
    field(t('coop.handling'), handling),
    field(t('coop.consent.note'), note),
    h('button', { type: 'submit', 'data-testid': 'share-send' }, t('coop.share.send')),
    status,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const body: Record<string, unknown> = {
      to: partner.value,
      reference: reference.value.trim(),
      handling: handling.value,
      note: note.value.trim() || undefined,
    };
    if (kind.value === 'entities') body.entities = value.value.split(',').map((v) => v.trim()).filter(Boolean);
    else body[kind.value] = value.value.trim();
    api.coopShare(body).then(reload, (error) => fill(status, errorBox(error)));
  });
  return form;
}

function consentForm(shares: CoopShare[], partners: Partner[], reload: () => void): HTMLElement {
  const field = (text: string, control: HTMLElement) => h('label', { class: 'field' }, h('span', null, text), control);
  // Datasets received under H1–H3 are what needs consent; others may be typed.
  const received = [...new Set(shares.filter((s) => s.direction === 'incoming' && s.handling !== 'H0').map((s) => s.dataset))];
  const dataset = h('input', { type: 'text', required: true, dir: 'ltr', list: 'consent-datasets', 'data-testid': 'consent-dataset' });
  const options = h('datalist', { id: 'consent-datasets' }, received.map((d) => h('option', { value: d })));
  const to = h('select', { 'data-testid': 'consent-to' }, partners.map((p) => h('option', { value: p.keys.node }, `${p.name} (${p.keys.node})`)));
  const note = h('input', { type: 'text', dir: 'auto', 'data-testid': 'consent-ask-note' });
  const status = h('div', { role: 'status' });
  const form = h(
    'form',
    { class: 'coop-form', 'data-testid': 'consent-form' },
    h('h3', null, t('coop.consent.ask')),
    field(t('coop.share.dataset'), dataset),
    options,
    field(t('coop.consent.to'), to),
    field(t('coop.consent.note'), note),
    h('button', { type: 'submit', 'data-testid': 'consent-ask' }, t('coop.consent.askSend')),
    status,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    api.askConsent(dataset.value.trim(), to.value, note.value.trim()).then(reload, (error) => fill(status, errorBox(error)));
  });
  return form;
}
