// Border management (border officers, analysts, investigators): the crossing desk, where an
// officer pastes or scans the MRZ, checks the fields, registers the crossing and sees at once
// who the traveller may be on the watchlists and why; and the alert queue, where hits are
// decided true match or false positive with a note.

import { api } from '../api';
import { bdi, fill, h, type Child } from '../dom';
import { formatPercent, formatTime, label, t, tn } from '../i18n';
import { navigate, paths, type AlertStatus } from '../router';
import type { Alert, AlertDecision, CrossingInput, CrossingPoint, CrossingResult, Mrz, ScreeningHit, SyncStatus } from '../types';
import { bar, errorBox, failurePage, loading, tableHead } from './common';
import type { ViewContext } from './context';
import { riskHitsSection } from './risk';

/** How long typing in the MRZ box waits before the zone is read. */
const MRZ_DEBOUNCE_MS = 250;

function entityLink(id: string, caption: string | null): HTMLElement {
  return h('a', { href: paths.entity(id), 'data-entity': id }, bdi(caption ?? id));
}

function score(p: number | null): HTMLElement {
  const value = p ?? 0;
  return h(
    'span',
    { class: 'prob', 'data-score': String(value) },
    h('span', { class: 'prob-value', dir: 'ltr' }, formatPercent(value)),
    bar(value, 'prob-bar'),
  );
}

function reasonsList(reasons: string[]): HTMLElement {
  // The engine's reasons are in English (like the node's problem details), isolated so that
  // they read correctly inside a right-to-left page.
  return h('ul', { class: 'reasons', 'data-testid': 'reasons' }, reasons.map((r) => h('li', null, bdi(r))));
}

// ---------------------------------------------------------------------------------------------
// Synchronisation with the national node (shown at a border post only)

function syncLine(sync: SyncStatus | null): HTMLElement | null {
  if (!sync) return null;
  const failing = sync.state === 'failing';
  return h(
    'div',
    {
      class: `notice ${failing ? 'warn' : ''}`,
      'data-testid': 'sync-status',
      'data-state': sync.state,
      role: 'status',
    },
    failing
      ? t('border.sync.offline', { pending: sync.pending })
      : sync.state === 'ok'
        ? t('border.sync.ok', { at: sync.last_success ? formatTime(sync.last_success) : '' })
        : t('border.sync.never'),
    sync.watchlists.length > 0 ? [' ', t('border.sync.lists', { lists: sync.watchlists.join(', ') })] : null,
    sync.warnings.map((w) => h('div', { class: 'small' }, bdi(w))),
  );
}

// ---------------------------------------------------------------------------------------------
// The crossing desk

interface Field {
  key: keyof CrossingInput;
  input: HTMLInputElement;
  /** Set once the officer types in it: a later MRZ reading then leaves it alone. */
  typed: boolean;
}

export function renderCrossing(ctx: ViewContext, focusHeading: boolean): HTMLElement {
  const heading = h('h1', { tabindex: '-1' }, t('border.title'));
  const syncBox = h('div');
  const mrzBox = h('textarea', {
    rows: '3',
    cols: '46',
    spellcheck: 'false',
    autocomplete: 'off',
    dir: 'ltr',
    class: 'mrz',
    'data-testid': 'mrz-input',
    'aria-describedby': 'mrz-help',
  });
  const mrzPreview = h('div', { 'data-testid': 'mrz-preview', 'aria-live': 'polite' });

  const fields: Field[] = [];
  const field = (key: keyof CrossingInput, labelKey: Parameters<typeof t>[0], attrs: Record<string, string> = {}) => {
    const input = h('input', { name: key, dir: 'auto', autocomplete: 'off', 'data-testid': `field-${key}`, ...attrs });
    const f: Field = { key, input, typed: false };
    input.addEventListener('input', () => (f.typed = input.value !== ''));
    fields.push(f);
    return h('label', { class: 'field' }, h('span', null, t(labelKey)), input);
  };
  const pointSelect = h('select', { name: 'point', 'data-testid': 'field-point', required: true }, h('option', { value: '' }, t('border.point.choose')));
  const direction = h(
    'select',
    { name: 'direction', 'data-testid': 'field-direction' },
    ['entry', 'exit', 'transit'].map((d) => h('option', { value: d }, label('direction', d))),
  );
  const result = h('div', { 'data-testid': 'crossing-result', 'aria-live': 'polite' });
  const submit = h('button', { type: 'submit', 'data-testid': 'register-crossing' }, t('border.register'));

  const form = h(
    'form',
    { class: 'crossing-form', 'data-testid': 'crossing-form' },
    h(
      'fieldset',
      null,
      h('legend', null, t('border.mrz')),
      h('p', { id: 'mrz-help', class: 'muted small' }, t('border.mrz.help')),
      mrzBox,
      mrzPreview,
    ),
    h(
      'fieldset',
      { class: 'fields' },
      h('legend', null, t('border.traveller')),
      field('name', 'border.field.name'),
      field('birth_date', 'border.field.birthDate', { placeholder: 'YYYY-MM-DD', dir: 'ltr' }),
      field('nationality', 'border.field.nationality', { dir: 'ltr' }),
      field('sex', 'border.field.sex', { dir: 'ltr' }),
      field('document_number', 'border.field.documentNumber', { dir: 'ltr' }),
      field('issuing_state', 'border.field.issuingState', { dir: 'ltr' }),
      field('expiry_date', 'border.field.expiry', { placeholder: 'YYYY-MM-DD', dir: 'ltr' }),
      field('other_names', 'border.field.otherNames'),
    ),
    h(
      'fieldset',
      { class: 'fields' },
      h('legend', null, t('border.crossing')),
      h('label', { class: 'field' }, h('span', null, t('border.field.point')), pointSelect),
      h('label', { class: 'field' }, h('span', null, t('border.field.direction')), direction),
      field('vehicle', 'border.field.vehicle', { dir: 'ltr' }),
      field('companions', 'border.field.companions', { dir: 'ltr' }),
      field('family', 'border.field.family', { dir: 'ltr' }),
      field('travel_purpose', 'border.field.purpose'),
    ),
    submit,
  );

  const value = (key: keyof CrossingInput) => fields.find((f) => f.key === key)?.input.value.trim() ?? '';
  const list = (key: keyof CrossingInput) =>
    value(key)
      .split(/[,;\n]/)
      .map((s) => s.trim())
      .filter(Boolean);

  // Reading the MRZ fills the fields the officer has not typed in.
  let timer: ReturnType<typeof setTimeout> | null = null;
  let asked = 0;
  mrzBox.addEventListener('input', () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      const text = mrzBox.value.trim();
      const mine = ++asked;
      if (!text) {
        fill(mrzPreview);
        return;
      }
      api.readMrz(text).then(
        (mrz) => {
          if (mine !== asked || !ctx.isCurrent()) return;
          fill(mrzPreview, mrzView(mrz));
          const read: Partial<Record<keyof CrossingInput, string>> = {
            name: `${mrz.given_names} ${mrz.surname}`.trim(),
            birth_date: mrz.birth_date ?? '',
            nationality: mrz.nationality,
            sex: mrz.sex,
            document_number: mrz.document_number,
            issuing_state: mrz.issuing_state,
            expiry_date: mrz.expiry_date ?? '',
          };
          for (const f of fields) {
            const v = read[f.key];
            if (v !== undefined && !f.typed) f.input.value = v;
          }
        },
        (error) => mine === asked && ctx.isCurrent() && fill(mrzPreview, errorBox(error)),
      );
    }, MRZ_DEBOUNCE_MS);
  });

  // A group crossing together (a family above all) is registered one traveller after the other:
  // the next one's form keeps the crossing and lists those before as companions — as family
  // when the officer says so, so that a child with its parents is not taken for a separated one.
  const append = (key: keyof CrossingInput, id: string) => {
    const f = fields.find((x) => x.key === key);
    if (!f) return;
    const ids = list(key);
    if (!ids.includes(id)) ids.push(id);
    f.input.value = ids.join(', ');
  };
  const nextInGroup = (personId: string) => {
    const next = (asFamily: boolean) => {
      const kept: (keyof CrossingInput)[] = ['vehicle', 'companions', 'family', 'travel_purpose'];
      for (const f of fields) {
        if (!kept.includes(f.key)) {
          f.input.value = '';
          f.typed = false;
        }
      }
      mrzBox.value = '';
      fill(mrzPreview);
      append('companions', personId);
      if (asFamily) append('family', personId);
      fill(result);
      mrzBox.focus();
    };
    return h(
      'p',
      { class: 'actions', 'data-testid': 'next-in-group' },
      h('button', { type: 'button', 'data-testid': 'next-companion', onclick: () => next(false) }, t('border.next.companion')),
      ' ',
      h('button', { type: 'button', 'data-testid': 'next-family', onclick: () => next(true) }, t('border.next.family')),
    );
  };

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (!pointSelect.value) {
      fill(result, h('div', { class: 'notice error', role: 'alert' }, t('border.point.missing')));
      pointSelect.focus();
      return;
    }
    const input: CrossingInput = {
      mrz: mrzBox.value.trim(),
      name: value('name'),
      other_names: list('other_names'),
      birth_date: value('birth_date'),
      nationality: value('nationality'),
      sex: value('sex'),
      document_number: value('document_number'),
      issuing_state: value('issuing_state'),
      expiry_date: value('expiry_date'),
      point: pointSelect.value,
      direction: direction.value,
      vehicle: value('vehicle'),
      companions: list('companions'),
      family: list('family'),
      travel_purpose: value('travel_purpose'),
    };
    submit.disabled = true;
    fill(result, loading());
    api.registerCrossing(input).then(
      (r) => {
        submit.disabled = false;
        if (!ctx.isCurrent()) return;
        fill(result, crossingResult(r, input.name || (r.mrz ? `${r.mrz.given_names} ${r.mrz.surname}`.trim() : '')), nextInGroup(r.person_id));
        result.querySelector<HTMLElement>('h2')?.focus();
      },
      (error) => {
        submit.disabled = false;
        if (ctx.isCurrent()) fill(result, errorBox(error));
      },
    );
  });

  const page = h(
    'section',
    { class: 'page border', 'data-testid': 'crossing-page' },
    heading,
    h('p', { class: 'muted' }, t('border.intro')),
    syncBox,
    form,
    result,
  );

  api.crossingPoints().then(
    (p) => {
      if (!ctx.isCurrent()) return;
      pointSelect.append(...p.points.map((pt: CrossingPoint) => h('option', { value: pt.id }, pt.country ? `${pt.name} (${pt.country.toUpperCase()})` : pt.name)));
      if (focusHeading) heading.focus();
    },
    (error) => ctx.isCurrent() && page.replaceChildren(failurePage(error, ctx.focusReason)),
  );
  api.syncStatus().then(
    (s) => ctx.isCurrent() && fill(syncBox, syncLine(s.sync)),
    () => undefined,
  );
  return page;
}

function mrzView(mrz: Mrz): HTMLElement {
  return h(
    'div',
    { class: `mrz-preview ${mrz.valid ? 'ok' : 'bad'}`, 'data-valid': String(mrz.valid), 'data-format': mrz.format ?? '' },
    h('p', null, h('strong', null, mrz.valid ? t('border.mrz.valid', { format: mrz.format ?? '' }) : t('border.mrz.invalid'))),
    mrz.errors.length > 0
      ? h('ul', { class: 'errors', 'data-testid': 'mrz-errors' }, mrz.errors.map((e) => h('li', null, h('code', null, e.field), ' ', bdi(e.message))))
      : null,
    mrz.repairs.length > 0
      ? h(
          'ul',
          { class: 'repairs', 'data-testid': 'mrz-repairs' },
          mrz.repairs.map((r) => h('li', null, tn('border.mrz.repair', { field: h('code', null, r.field), read: h('code', null, r.read), repaired: h('code', null, r.repaired) }))),
        )
      : null,
  );
}

function hitsTable(hits: ScreeningHit[]): HTMLElement {
  if (hits.length === 0) return h('p', { 'data-testid': 'no-hits', class: 'notice' }, t('border.noHits'));
  return h(
    'table',
    { class: 'hits', 'data-testid': 'hits' },
    tableHead([t('border.col.rank'), t('border.col.entry'), t('border.col.list'), t('border.col.score'), t('border.col.reasons')]),
    h(
      'tbody',
      null,
      hits.map((hit) =>
        h(
          'tr',
          { 'data-entry': hit.entry_id, 'data-alert': String(hit.alert), class: hit.alert ? 'alert' : '' },
          h('td', null, String(hit.rank)),
          h(
            'td',
            null,
            entityLink(hit.entry_id, hit.entry_caption),
            hit.entry_birth_dates.length > 0 ? h('div', { class: 'muted small', dir: 'ltr' }, hit.entry_birth_dates.join(', ')) : null,
            hit.entry_caption === null ? h('div', { class: 'muted small' }, t('border.entryWithheld')) : null,
          ),
          h('td', null, bdi(`${hit.list} v${hit.list_version}`)),
          h('td', null, score(hit.score), hit.alert ? h('span', { class: 'badge alert-badge' }, t('border.alert')) : null),
          h('td', null, reasonsList(hit.reasons)),
        ),
      ),
    ),
  );
}

function crossingResult(r: CrossingResult, name: string): Child[] {
  const raised = r.alerts.filter((a) => !a.suppressed);
  const suppressed = r.alerts.filter((a) => a.suppressed);
  return [
    h('h2', { tabindex: '-1' }, t('border.result')),
    h(
      'p',
      { 'data-testid': 'crossing-recorded', 'data-crossing': r.crossing_id, 'data-person': r.person_id },
      tn('border.recorded', { person: entityLink(r.person_id, name || null) }),
    ),
    r.warnings.length > 0
      ? h('div', { class: 'notice warn', 'data-testid': 'warnings', role: 'alert' }, h('ul', null, r.warnings.map((w) => h('li', null, bdi(w)))))
      : null,
    raised.length > 0
      ? h(
          'div',
          { class: 'notice error', 'data-testid': 'alerts-raised', role: 'alert' },
          h('strong', null, raised.length === 1 ? t('border.alertRaised') : t('border.alertsRaised', { count: raised.length })),
          ' ',
          h('a', { href: paths.alerts() }, t('border.openAlerts')),
        )
      : null,
    suppressed.length > 0
      ? h(
          'div',
          { class: 'notice', 'data-testid': 'alerts-suppressed' },
          suppressed.length === 1 ? t('border.suppressedOne') : t('border.suppressed', { count: suppressed.length }),
        )
      : null,
    riskHitsSection(r.risk ?? [], r.risk_micros ?? 0),
    h('h3', null, t('border.hits')),
    hitsTable(r.hits),
    r.previous_crossings.length > 0
      ? h(
          'div',
          { 'data-testid': 'previous-crossings' },
          h('h3', null, t('border.previous')),
          h('ul', null, r.previous_crossings.map((id) => h('li', null, entityLink(id, null)))),
        )
      : null,
    r.linked
      ? h(
          'div',
          { 'data-testid': 'linked-records' },
          h('h3', null, t('border.linked')),
          h('ul', null, r.linked.members.filter((m) => m.id !== r.person_id).map((m) => h('li', null, entityLink(m.id, m.caption)))),
        )
      : null,
  ];
}

// ---------------------------------------------------------------------------------------------
// The alert queue

const STATUSES: readonly AlertStatus[] = ['open', 'decided', 'all'];

function decisionText(d: AlertDecision): Child[] {
  return [
    h('strong', null, label('decision', d.decision)),
    ' — ',
    tn('border.decidedBy', { user: bdi(d.by), at: formatTime(d.at) }),
    d.note ? [': ', bdi(d.note)] : null,
  ];
}

function decideForm(alert: Alert, onDone: (a: Alert) => void): HTMLElement {
  const note = h('input', { name: 'note', dir: 'auto', required: true, minlength: '3', maxlength: '500', 'data-testid': 'decision-note', 'aria-label': t('border.note') , placeholder: t('border.note') });
  const message = h('div', { 'aria-live': 'polite' });
  const button = (decision: 'true_match' | 'false_positive') =>
    h(
      'button',
      {
        type: 'button',
        'data-testid': `decide-${decision}`,
        onclick: () => {
          if (note.value.trim().length < 3) {
            fill(message, h('div', { class: 'notice error', role: 'alert' }, t('border.noteNeeded')));
            note.focus();
            return;
          }
          api.decideAlert(alert.id, decision, note.value.trim()).then(onDone, (error) => fill(message, errorBox(error)));
        },
      },
      label('decision', decision),
    );
  return h('div', { class: 'decide' }, note, button('true_match'), button('false_positive'), message);
}

function alertRow(alert: Alert, reload: () => void): HTMLElement {
  return h(
    'tr',
    {
      'data-alert': alert.id,
      'data-decision': alert.decision?.decision ?? '',
      'data-conflict': String(alert.conflict.length > 0),
      'data-protection': String(alert.protection_relevant === true),
    },
    h('td', { dir: 'ltr' }, formatTime(alert.raised_at)),
    h(
      'td',
      null,
      entityLink(alert.subject_id, alert.subject_caption),
      alert.protection_relevant
        ? [' ', h('span', { class: 'badge protection-relevant', 'data-testid': 'protection-relevant', title: t('alerts.protectionTitle') }, t('alerts.protection'))]
        : null,
    ),
    h('td', null, entityLink(alert.entry_id, alert.entry_caption), h('div', { class: 'muted small' }, bdi(`${alert.list}${alert.list_version ? ` v${alert.list_version}` : ''}`))),
    h('td', null, score(alert.score)),
    h('td', null, reasonsList(alert.reasons)),
    h(
      'td',
      null,
      alert.conflict.length > 0
        ? h(
            'div',
            { class: 'notice warn', 'data-testid': 'decision-conflict' },
            h('strong', null, t('border.conflict')),
            h('ul', null, alert.conflict.map((d) => h('li', null, decisionText(d)))),
          )
        : alert.decision
          ? h('div', { 'data-testid': 'decision' }, decisionText(alert.decision))
          : h('span', { class: 'muted' }, t('border.undecided')),
      alert.decision === null || alert.conflict.length > 0 ? decideForm(alert, reload) : null,
    ),
  );
}

export function renderAlerts(status: AlertStatus, ctx: ViewContext, focusHeading: boolean): HTMLElement {
  const heading = h('h1', { tabindex: '-1' }, t('alerts.title'));
  const box = h('div', { 'data-testid': 'alerts-box' }, loading());
  const select = h(
    'select',
    { 'data-testid': 'alerts-status', 'aria-label': t('alerts.status') },
    STATUSES.map((s) => h('option', { value: s, selected: s === status }, label('alerts.status', s))),
  );
  select.addEventListener('change', () => navigate(paths.alerts(select.value as AlertStatus)));
  const load = () => {
    api.alerts(status).then(
      (r) => {
        if (!ctx.isCurrent()) return;
        fill(
          box,
          r.alerts.length === 0
            ? h('p', { class: 'muted', 'data-testid': 'no-alerts' }, t('alerts.none'))
            : h(
                'table',
                { class: 'alerts', 'data-testid': 'alerts' },
                tableHead([t('alerts.col.raised'), t('alerts.col.person'), t('alerts.col.entry'), t('alerts.col.score'), t('alerts.col.reasons'), t('alerts.col.decision')]),
                h('tbody', null, r.alerts.map((a) => alertRow(a, load))),
              ),
        );
        if (focusHeading) heading.focus();
      },
      (error) => ctx.isCurrent() && fill(box, failurePage(error, ctx.focusReason)),
    );
  };
  load();
  return h(
    'section',
    { class: 'page alerts-page', 'data-testid': 'alerts-page' },
    heading,
    h('p', { class: 'muted' }, t('alerts.intro')),
    h('label', { class: 'field inline' }, h('span', null, t('alerts.status')), select),
    box,
  );
}
