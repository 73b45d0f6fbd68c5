// What a protection case owes the person and the record: the facts corrected apart that wait for
// someone to keep one value (shown first, since nothing is overwritten silently), a correction
// next to each fact, a copy of everything held (an access request), and the disclosures — the
// only way protection data reaches enforcement — with the form to make one and to withdraw it.

import { api } from '../api';
import { bdi, fill, h, type Child } from '../dom';
import { formatNumber, formatTime, label, t, tn } from '../i18n';
import type { AccessExport, Case, Conflict, ConflictValue, Disclosure, DisclosureBasis, DisclosurePurpose } from '../types_protection';
import { errorBox, saveFile, tableHead } from './common';
import { day } from './protection';

const PURPOSES: DisclosurePurpose[] = ['law_enforcement', 'border_management'];
const BASES: DisclosureBasis[] = ['consent', 'legal_basis'];

/** The copy of everything held, asked once per drawing of the page. */
export type HeldFacts = () => Promise<AccessExport>;

export function heldFacts(person: string): HeldFacts {
  let promise: Promise<AccessExport> | null = null;
  return () => {
    if (!promise) {
      promise = api.accessExport(person);
      promise.catch(() => (promise = null));
    }
    return promise;
  };
}

function when(at: string): HTMLElement {
  return h('time', { datetime: at, dir: 'ltr', class: 'date' }, formatTime(at));
}

/** The facts corrected apart, as a warning at the top of the case. */
export function conflictsBox(c: Case, show: (prop: string, value: string) => Node, reload: () => void): HTMLElement | null {
  if (c.conflicts.length === 0) return null;
  return h(
    'section',
    { class: 'notice warn conflicts', 'data-testid': 'conflicts', 'aria-labelledby': 'conflicts-h' },
    h('h2', { id: 'conflicts-h' }, t('conflict.title')),
    h('p', { class: 'small' }, t('conflict.intro')),
    c.conflicts.map((k) => conflictView(c, k, show, reload)),
  );
}

function conflictView(c: Case, k: Conflict, show: (prop: string, value: string) => Node, reload: () => void): HTMLElement {
  const message = h('div', { 'aria-live': 'polite', 'data-testid': 'conflict-message' });
  const elsewhere = k.entity !== c.person;
  return h(
    'div',
    { class: 'conflict', 'data-testid': 'conflict', 'data-prop': k.prop, 'data-entity': k.entity },
    h(
      'h3',
      null,
      label('prot.fact', k.prop),
      elsewhere ? [' ', h('span', { class: 'muted small' }, '(', k.schema, ' ', h('code', { dir: 'ltr' }, k.entity), ')')] : null,
      k.replaced !== null
        ? [' ', h('span', { class: 'muted small', 'data-testid': 'conflict-replaced' }, tn('conflict.replaced', { value: h('del', null, show(k.prop, k.replaced)) }))]
        : null,
    ),
    h('div', { class: 'conflict-values' }, k.values.map((v) => valueChoice(c, k, v, show, message, reload))),
    message,
  );
}

function valueChoice(c: Case, k: Conflict, v: ConflictValue, show: (prop: string, value: string) => Node, message: HTMLElement, reload: () => void): HTMLElement {
  const reason = h('input', {
    type: 'text',
    dir: 'auto',
    'data-testid': 'keep-reason',
    'aria-label': t('conflict.reason'),
    placeholder: t('conflict.reasonHint'),
  });
  const keep = h('button', { type: 'submit', class: 'primary', 'data-testid': 'keep-value' }, t('conflict.keep'));
  const form = h(
    'form',
    { class: 'conflict-value', 'data-testid': 'conflict-value', 'data-statement': v.statement_id, 'data-value': v.value },
    h('div', { class: 'big-value', 'data-testid': 'conflict-value-text' }, show(k.prop, v.value)),
    h('div', { class: 'muted small', 'data-testid': 'conflict-author' }, tn('conflict.recorded', { who: bdi(v.recorded_by), when: when(v.recorded_at) })),
    h('div', { class: 'keep-row' }, reason, keep),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    keep.disabled = true;
    api.resolveConflict(c.person, { entity: k.entity, keep: v.statement_id, reason: reason.value.trim() }).then(
      () => reload(),
      (error) => {
        keep.disabled = false;
        fill(message, errorBox(error));
        reason.focus();
      },
    );
  });
  return form;
}

/** A fact's value with a "correct" control opening an inline form (new value and reason). */
export function correctable(c: Case, prop: string, value: string, shown: Node, held: HeldFacts, reload: () => void): Child {
  const slot = h('span', { class: 'correction-slot' });
  const open = () => {
    if (slot.firstChild) {
      fill(slot);
      button.setAttribute('aria-expanded', 'false');
      return;
    }
    button.setAttribute('aria-expanded', 'true');
    fill(slot, correctionForm(c, prop, value, held, () => fill(slot), reload));
    slot.querySelector<HTMLInputElement>('input')?.focus();
  };
  const button = h(
    'button',
    { type: 'button', class: 'quiet small correct', 'data-testid': 'correct-fact', 'data-value': value, 'aria-expanded': 'false', 'aria-label': t('correct.label', { fact: label('prot.fact', prop), value }), onclick: open },
    t('correct.button'),
  );
  return h('span', { class: 'fact-value', 'data-value': value }, shown, ' ', button, slot);
}

function correctionForm(c: Case, prop: string, value: string, held: HeldFacts, close: () => void, reload: () => void): HTMLElement {
  const input = h('input', { type: 'text', dir: 'auto', value, 'data-testid': 'correction-value', 'aria-label': t('correct.value') });
  const reason = h('input', { type: 'text', dir: 'auto', class: 'reason', 'data-testid': 'correction-reason', 'aria-label': t('correct.reason'), placeholder: t('correct.reasonHint') });
  const save = h('button', { type: 'submit', class: 'primary', 'data-testid': 'correction-submit' }, t('correct.save'));
  const message = h('div', { 'aria-live': 'polite' });
  const form = h(
    'form',
    { class: 'correction-form', 'data-testid': 'correction-form', 'data-prop': prop },
    h('label', { class: 'field' }, h('span', null, t('correct.value')), input),
    h('label', { class: 'field' }, h('span', null, t('correct.reason')), reason),
    h('div', { class: 'form-actions' }, save, h('button', { type: 'button', class: 'quiet', onclick: close }, t('correct.cancel'))),
    message,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    save.disabled = true;
    const failed = (error: unknown) => {
      save.disabled = false;
      fill(message, errorBox(error));
    };
    const index = (c.facts[prop] ?? []).indexOf(value);
    const statementId = index >= 0 ? c.fact_ids[prop]?.[index] : undefined;
    if (!statementId) {
      save.disabled = false;
      fill(message, h('div', { class: 'notice error', role: 'alert', 'data-testid': 'error' }, t('correct.notHeld')));
      return;
    }
    api.correct(c.person, { entity: c.person, statement_id: statementId, value: input.value.trim(), reason: reason.value.trim() }).then(() => reload(), failed);
  });
  return form;
}

/** The person's rights: a copy of everything held, correction, and disclosures. */
export function rightsSection(c: Case, props: string[], show: (prop: string, value: string) => Node, held: HeldFacts, reload: () => void): HTMLElement {
  return h(
    'section',
    { class: 'block rights', 'data-testid': 'rights', 'aria-labelledby': 'rights-h' },
    h('h2', { id: 'rights-h' }, t('rights.title')),
    h('div', { class: 'rights-grid' }, accessCard(c, held), h('div', { class: 'card' }, h('h3', null, t('rights.correction')), h('p', { class: 'small' }, t('rights.correctionHow')))),
    h('h3', null, t('disc.title')),
    h('p', { class: 'small disclosure-rule', 'data-testid': 'disclosure-rule' }, t('disc.rule')),
    disclosureList(c.disclosures, reload),
    disclosureForm(c, props, show, reload),
  );
}

function accessCard(c: Case, held: HeldFacts): HTMLElement {
  const summary = h('div', { 'aria-live': 'polite', 'data-testid': 'access-summary' });
  const button = h('button', { type: 'button', 'data-testid': 'access-export' }, t('rights.accessButton'));
  button.addEventListener('click', () => {
    button.disabled = true;
    held().then(
      (copy) => {
        button.disabled = false;
        saveFile(new Blob([JSON.stringify(copy, null, 2)], { type: 'application/json' }), `access-${c.person}.json`);
        const facts = copy.records.reduce((n, r) => n + r.facts.length, 0);
        fill(summary, h('p', { class: 'small' }, t('rights.accessDone', { records: copy.records.length, facts }), ' ', h('span', { class: 'muted' }, formatTime(copy.generated_at))));
      },
      (error) => {
        button.disabled = false;
        fill(summary, errorBox(error));
      },
    );
  });
  return h('div', { class: 'card' }, h('h3', null, t('rights.access')), h('p', { class: 'small' }, t('rights.accessHow')), button, summary);
}

function disclosureList(list: Disclosure[], reload: () => void): HTMLElement {
  if (list.length === 0) return h('p', { class: 'muted', 'data-testid': 'no-disclosures' }, t('disc.none'));
  return h(
    'div',
    { class: 'scroll' },
    h(
      'table',
      { class: 'grid disclosures', 'data-testid': 'disclosures' },
      tableHead([t('disc.recipient'), t('disc.to'), t('disc.basis'), t('disc.by'), t('disc.facts'), t('disc.state')]),
      h('tbody', null, list.map((d) => disclosureRow(d, reload))),
    ),
  );
}

function disclosureRow(d: Disclosure, reload: () => void): HTMLElement {
  const message = h('div', { 'aria-live': 'polite' });
  const reason = h('input', { type: 'text', dir: 'auto', 'data-testid': 'withdraw-reason', 'aria-label': t('disc.withdrawReason'), placeholder: t('disc.withdrawReason') });
  const withdraw = h('button', { type: 'button', 'data-testid': 'disclosure-withdraw' }, t('disc.withdraw'));
  withdraw.addEventListener('click', () => {
    withdraw.disabled = true;
    api.withdrawDisclosure(d.id, reason.value.trim()).then(
      () => reload(),
      (error) => {
        withdraw.disabled = false;
        fill(message, errorBox(error));
      },
    );
  });
  return h(
    'tr',
    { 'data-testid': 'disclosure', 'data-id': d.id, 'data-copy': d.copy, 'data-to': d.to, 'data-withdrawn': String(d.withdrawn !== null), class: d.withdrawn !== null ? 'withdrawn' : null },
    h('td', null, h('strong', null, bdi(d.recipient))),
    h('td', null, label('disc.purpose', d.to)),
    h('td', null, label('disc.basisKind', d.basis), h('div', { class: 'muted small basis-text' }, bdi(d.basis_text))),
    h('td', null, bdi(d.disclosed_by), h('div', null, day(d.at))),
    h('td', null, d.props.map((p, i) => [i > 0 ? ', ' : '', label('prot.fact', p)]), d.withdrawn === null ? h('div', { class: 'muted small' }, h('code', null, d.copy)) : null),
    h(
      'td',
      { class: 'actions' },
      d.withdrawn !== null
        ? [h('span', { class: 'badge withdrawn-badge', 'data-testid': 'disclosure-withdrawn' }, t('disc.withdrawn')), h('div', { class: 'muted small' }, bdi(d.withdrawn))]
        : [h('span', { class: 'badge given-badge' }, t('disc.standing')), h('div', { class: 'withdraw-row' }, reason, withdraw)],
      message,
    ),
  );
}

function disclosureForm(c: Case, props: string[], show: (prop: string, value: string) => Node, reload: () => void): HTMLElement {
  const field = (text: string, control: HTMLElement) => h('label', { class: 'field' }, h('span', null, text), control);
  const to = h('select', { 'data-testid': 'disclosure-to' }, PURPOSES.map((p) => h('option', { value: p }, label('disc.purpose', p))));
  const basis = h('select', { 'data-testid': 'disclosure-basis' }, BASES.map((b) => h('option', { value: b }, label('disc.basisKind', b))));
  const basisText = h('textarea', { rows: 2, dir: 'auto', 'data-testid': 'disclosure-basis-text', placeholder: t('disc.basisTextHint') });
  const recipient = h('input', { type: 'text', dir: 'auto', 'data-testid': 'disclosure-recipient', placeholder: t('disc.recipientHint') });
  // A fact corrected apart is not given until someone has kept one of its values.
  const apart = new Set(c.conflicts.filter((k) => k.entity === c.person).map((k) => k.prop));
  const boxes = props.map((p) => h('input', { type: 'checkbox', value: p, 'data-testid': 'disclosure-prop', disabled: apart.has(p) }));
  const message = h('div', { 'aria-live': 'polite', 'data-testid': 'disclosure-message' });
  const submit = h('button', { type: 'submit', 'data-testid': 'disclosure-submit' }, t('disc.submit'));
  const form = h(
    'form',
    { class: 'disclosure-form', 'data-testid': 'disclosure-form' },
    h('h4', null, t('disc.new')),
    h('div', { class: 'form-row' }, field(t('disc.to'), to), field(t('disc.basis'), basis), field(t('disc.recipient'), recipient)),
    h('label', { class: 'field wide' }, h('span', null, t('disc.basisText')), basisText),
    h(
      'fieldset',
      { class: 'checks inline-checks', 'data-testid': 'disclosure-props' },
      h('legend', null, t('disc.which')),
      props.map((p, i) =>
        h(
          'label',
          { class: 'check' },
          boxes[i],
          ' ',
          label('prot.fact', p),
          ': ',
          h('span', { class: 'muted' }, (c.facts[p] ?? []).map((v, j) => [j > 0 ? ', ' : '', show(p, v)])),
          apart.has(p) ? [' ', h('span', { class: 'badge conflict-badge' }, t('conflict.badge'))] : null,
        ),
      ),
    ),
    h('div', { class: 'form-actions' }, submit),
    message,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    submit.disabled = true;
    api
      .disclose(c.person, {
        to: to.value as DisclosurePurpose,
        basis: basis.value as DisclosureBasis,
        basis_text: basisText.value.trim(),
        recipient: recipient.value.trim(),
        props: boxes.filter((b) => b.checked).map((b) => b.value),
      })
      .then(
        () => reload(),
        (error) => {
          submit.disabled = false;
          fill(message, errorBox(error));
        },
      );
  });
  return form;
}
