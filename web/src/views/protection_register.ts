// Registering a group in the field (a boat, a truck): one person per row, compact inputs that
// Tab walks through, Enter in a row's last field for the next row. Empty rows are ignored;
// what is missing makes a draft. Earlier registrations of the same person are looked up before
// registering and joined with "same person". A refused registration keeps everything typed.

import { api, ApiError } from '../api';
import { bdi, fill, h } from '../dom';
import { formatPercent, label, t, type MessageKey } from '../i18n';
import { paths } from '../router';
import type { PersonInput, PossibleMatch, RegisteredPerson, RegistrationInput, Vocabulary } from '../types_protection';
import { errorBox, failurePage, loading, notPermitted, tableHead } from './common';
import type { ViewContext } from './context';
import { draftBadge, options, priorityBadge, protectionAllowed, today, vocabulary } from './protection';

const AREAS = ['sea', 'land', 'air', 'inland'];
const OUTCOMES = ['rescued', 'disembarked', 'returned', 'detained', 'released', 'transferred', 'unknown'];
const AGREEMENT = ['yes', 'no', 'not_asked'];
const DOCUMENT_KINDS = ['passport', 'id_card', 'other'];
const RELATIONSHIPS = ['mother', 'father', 'child', 'son', 'daughter', 'spouse', 'sibling', 'uncle', 'aunt', 'cousin', 'other'];
const FIRST_ROWS = 10;

interface Row {
  n: number;
  tr: HTMLTableRowElement;
  matches: HTMLTableRowElement;
  inputs: {
    first_name: HTMLInputElement;
    second_name: HTMLInputElement;
    gender: HTMLSelectElement;
    birthdate: HTMLInputElement;
    age_claimed: HTMLInputElement;
    citizenship: HTMLInputElement;
    accompaniment: HTMLSelectElement;
    relative: HTMLSelectElement;
    relationship: HTMLInputElement;
    document: HTMLInputElement;
    document_kind: HTMLSelectElement;
    agreement: HTMLSelectElement;
  };
}

/** Which input a field named by the node (`persons[i].<field>`) is typed in. */
const FIELD_INPUT: Record<string, keyof Row['inputs']> = {
  first_name: 'first_name',
  second_name: 'second_name',
  gender: 'gender',
  birthdate: 'birthdate',
  age_claimed: 'age_claimed',
  citizenship: 'citizenship',
  accompaniment: 'accompaniment',
  family: 'relationship',
  documents: 'document',
  agreement_to_manage_personal_data: 'agreement',
};

export function renderRegistration(ctx: ViewContext, focusHeading: boolean): HTMLElement {
  if (!protectionAllowed(ctx)) return h('section', { class: 'page' }, notPermitted());
  const heading = h('h1', { tabindex: '-1' }, t('reg.title'));
  const box = h('div', null, loading());
  vocabulary().then(
    (v) => {
      if (!ctx.isCurrent()) return;
      fill(box, registrationForm(v, ctx));
      if (focusHeading) heading.focus();
    },
    (error) => ctx.isCurrent() && fill(box, failurePage(error, ctx.focusReason)),
  );
  return h(
    'section',
    { class: 'page protection registration', 'data-testid': 'registration-page' },
    h('p', { class: 'back' }, h('a', { href: paths.protection() }, t('prot.back'))),
    heading,
    h('p', { class: 'muted small' }, t('reg.intro')),
    box,
  );
}

function registrationForm(v: Vocabulary, ctx: ViewContext): HTMLElement {
  const field = (text: string, control: HTMLElement) => h('label', { class: 'field' }, h('span', null, text), control);
  const eventName = h('input', { type: 'text', dir: 'auto', 'data-testid': 'event-name', placeholder: t('reg.eventNameHint') });
  const area = h('select', { 'data-testid': 'event-area' }, options('reg.area', AREAS, '', '—'));
  const outcome = h('select', { 'data-testid': 'event-outcome' }, options('reg.outcome', OUTCOMES, '', '—'));
  const place = h('input', { type: 'text', dir: 'auto', 'data-testid': 'reg-place', placeholder: t('reg.placeHint') });
  const date = h('input', { type: 'date', dir: 'ltr', 'data-testid': 'reg-date', value: today() });

  const rows: Row[] = [];
  const body = h('tbody');
  const status = h('div', { 'aria-live': 'polite', 'data-testid': 'reg-status' });
  const result = h('div', { 'aria-live': 'polite' });
  const relationships = h('datalist', { id: 'reg-relationships' }, RELATIONSHIPS.map((r) => h('option', { value: r }, label('reg.rel', r))));

  const addRow = (): Row => {
    const n = rows.length + 1;
    // Each input is named for screen readers by its column and row ("First name 3").
    const named = (key: MessageKey) => `${t(key)} ${n}`;
    const text = (testid: string, key: MessageKey, attrs: Record<string, string> = {}) =>
      h('input', { type: 'text', autocomplete: 'off', spellcheck: 'false', 'data-testid': testid, 'aria-label': named(key), ...attrs });
    const select = (testid: string, key: MessageKey, prefix: string, codes: string[]) =>
      h('select', { 'data-testid': testid, 'aria-label': named(key) }, options(prefix, codes, '', '—'));
    const inputs: Row['inputs'] = {
      first_name: text('row-first-name', 'reg.col.first-name', { dir: 'auto', class: 'name' }),
      second_name: text('row-second-name', 'reg.col.second-name', { dir: 'auto', class: 'name' }),
      gender: select('row-gender', 'reg.col.gender', 'prot.gender', v.gender),
      birthdate: text('row-birthdate', 'reg.col.birthdate', { dir: 'ltr', class: 'date', placeholder: t('reg.birthdateHint'), maxlength: '10' }),
      age_claimed: text('row-age', 'reg.col.age', { dir: 'ltr', class: 'age', inputmode: 'numeric', maxlength: '3' }),
      citizenship: text('row-citizenship', 'reg.col.citizenship', { dir: 'ltr', class: 'iso', placeholder: 'er', maxlength: '20' }),
      accompaniment: select('row-accompaniment', 'reg.col.accompaniment', 'prot.accompaniment', v.accompaniment),
      relative: h('select', { class: 'relrow', 'data-testid': 'row-family-row', 'aria-label': named('reg.col.family-row') }, h('option', { value: '' }, '—')),
      relationship: text('row-family-relationship', 'reg.col.family-relationship', { dir: 'auto', class: 'rel', list: 'reg-relationships' }),
      document: text('row-document', 'reg.col.document', { dir: 'ltr', class: 'doc' }),
      document_kind: h('select', { 'data-testid': 'row-document-kind', 'aria-label': named('reg.col.document-kind') }, options('reg.doc', DOCUMENT_KINDS)),
      agreement: select('row-agreement', 'reg.col.agreement', 'reg.agreement', AGREEMENT),
    };
    // The family select offers every other row; rows added later are offered to this one too.
    for (const other of rows) {
      inputs.relative.append(h('option', { value: String(other.n) }, `#${other.n}`));
      other.inputs.relative.append(h('option', { value: String(n) }, `#${n}`));
    }
    const tr = h(
      'tr',
      { 'data-testid': 'reg-row', 'data-row': String(n) },
      h('th', { scope: 'row', class: 'num' }, String(n)),
      h('td', null, inputs.first_name),
      h('td', null, inputs.second_name),
      h('td', null, inputs.gender),
      h('td', null, inputs.birthdate),
      h('td', null, inputs.age_claimed),
      h('td', null, inputs.citizenship),
      h('td', null, inputs.accompaniment),
      h('td', { class: 'pair' }, inputs.relative, inputs.relationship),
      h('td', { class: 'pair' }, inputs.document, inputs.document_kind),
      h('td', null, inputs.agreement),
    );
    const matches = h('tr', { class: 'matches', hidden: true, 'data-testid': 'row-matches', 'data-row': String(n) });
    const row: Row = { n, tr, matches, inputs };
    // Enter in the last field goes on to the next row, adding one at the end.
    inputs.agreement.addEventListener('keydown', (event) => {
      if (event.key !== 'Enter') return;
      event.preventDefault();
      const next = rows[n] ?? addRow();
      next.inputs.first_name.focus();
    });
    rows.push(row);
    body.append(tr, matches);
    return row;
  };
  const addRows = (count: number) => {
    const first = addRow();
    for (let i = 1; i < count; i++) addRow();
    first.inputs.first_name.focus();
  };
  for (let i = 0; i < FIRST_ROWS; i++) addRow();

  const isEmpty = (row: Row) => {
    const i = row.inputs;
    return [i.first_name, i.second_name, i.birthdate, i.age_claimed, i.citizenship, i.relationship, i.document].every((el) => el.value.trim() === '') &&
      [i.gender, i.accompaniment, i.relative, i.agreement].every((el) => el.value === '');
  };

  /** The rows to send, and the local problems (an age that is not a number). */
  const collect = (): { sent: Row[]; persons: PersonInput[]; problems: string[] } => {
    const sent: Row[] = [];
    const persons: PersonInput[] = [];
    const problems: string[] = [];
    for (const row of rows) {
      row.tr.classList.remove('invalid');
      for (const el of Object.values(row.inputs)) el.removeAttribute('aria-invalid');
      if (isEmpty(row)) continue;
      const i = row.inputs;
      const p: PersonInput = { ref: String(row.n) };
      const set = (key: 'first_name' | 'second_name' | 'gender' | 'birthdate' | 'accompaniment' | 'agreement_to_manage_personal_data', value: string) => {
        if (value.trim()) p[key] = value.trim();
      };
      set('first_name', i.first_name.value);
      set('second_name', i.second_name.value);
      set('gender', i.gender.value);
      set('birthdate', i.birthdate.value);
      set('accompaniment', i.accompaniment.value);
      set('agreement_to_manage_personal_data', i.agreement.value);
      const age = i.age_claimed.value.trim();
      if (age) {
        if (/^\d{1,3}$/.test(age)) p.age_claimed = Number(age);
        else {
          problems.push(t('reg.ageNotNumber', { row: row.n }));
          i.age_claimed.setAttribute('aria-invalid', 'true');
          row.tr.classList.add('invalid');
        }
      }
      const citizenship = i.citizenship.value.split(/[\s,;]+/).map((c) => c.trim().toLowerCase()).filter(Boolean);
      if (citizenship.length > 0) p.citizenship = citizenship;
      if (i.document.value.trim()) p.documents = [{ kind: i.document_kind.value, number: i.document.value.trim() }];
      if (i.relative.value) p.family = [{ relative: i.relative.value, relationship: i.relationship.value.trim() }];
      const same = row.matches.querySelector<HTMLInputElement>('[data-testid="same-person"]:checked');
      if (same) p.same_as = same.value;
      sent.push(row);
      persons.push(p);
    }
    return { sent, persons, problems };
  };

  const showMatches = (row: Row, found: PossibleMatch[]) => {
    row.matches.hidden = found.length === 0;
    fill(
      row.matches,
      h('td', null),
      h(
        'td',
        { colspan: '10' },
        h(
          'ul',
          { class: 'candidates' },
          found.map((m) => {
            const box = h('input', { type: 'checkbox', value: m.person_id, 'data-testid': 'same-person' });
            // One earlier person at most: ticking one unticks the others of the row.
            box.addEventListener('change', () => {
              if (!box.checked) return;
              for (const other of row.matches.querySelectorAll<HTMLInputElement>('[data-testid="same-person"]')) if (other !== box) other.checked = false;
            });
            return h(
              'li',
              { 'data-testid': 'candidate', 'data-person': m.person_id },
              h('label', { class: 'same' }, box, ' ', t('reg.samePerson')),
              ' ',
              h('a', { href: paths.protectionCase(m.person_id), target: '_blank', rel: 'noopener' }, bdi(m.caption)),
              ' ',
              h('span', { class: 'prob-value', dir: 'ltr' }, formatPercent(m.score)),
              h('ul', { class: 'reasons', 'data-testid': 'reasons' }, m.reasons.map((r) => h('li', null, bdi(r)))),
            );
          }),
        ),
      ),
    );
  };

  const check = h('button', { type: 'button', 'data-testid': 'check-candidates' }, t('reg.check'));
  check.addEventListener('click', () => {
    const { sent, persons } = collect();
    if (persons.length === 0) {
      fill(status, h('p', { class: 'notice warn' }, t('reg.nothing')));
      return;
    }
    check.disabled = true;
    fill(status, loading());
    api.protectionCandidates(place.value.trim(), persons).then(
      (r) => {
        check.disabled = false;
        if (!ctx.isCurrent()) return;
        let found = 0;
        sent.forEach((row, i) => {
          const list = r.candidates[i] ?? [];
          found += list.length;
          showMatches(row, list);
        });
        fill(status, h('p', { class: 'notice', 'data-testid': 'candidates-found', 'data-count': String(found) }, found === 1 ? t('reg.foundOne') : found > 0 ? t('reg.found', { count: found }) : t('reg.noneFound')));
      },
      (error) => {
        check.disabled = false;
        if (ctx.isCurrent()) fill(status, errorBox(error));
      },
    );
  });

  const submit = h('button', { type: 'submit', class: 'primary', 'data-testid': 'register' }, t('reg.register'));
  const form = h(
    'form',
    { class: 'registration-form', 'data-testid': 'registration-form', novalidate: true },
    h(
      'fieldset',
      { class: 'event' },
      h('legend', null, t('reg.event')),
      field(t('reg.eventName'), eventName),
      field(t('reg.area'), area),
      field(t('reg.outcome'), outcome),
      field(t('reg.place'), place),
      field(t('reg.date'), date),
    ),
    relationships,
    h(
      'div',
      { class: 'scroll' },
      h(
        'table',
        { class: 'grid reg-rows', 'data-testid': 'reg-rows' },
        tableHead(['#', t('reg.col.first-name'), t('reg.col.second-name'), t('reg.col.gender'), t('reg.col.birthdate'), t('reg.col.age'), t('reg.col.citizenship'), t('reg.col.accompaniment'), t('reg.col.family'), t('reg.col.document'), t('reg.col.agreement')]),
        body,
      ),
    ),
    h(
      'div',
      { class: 'form-actions' },
      h('button', { type: 'button', 'data-testid': 'add-row', onclick: () => addRows(1) }, t('reg.addRow')),
      h('button', { type: 'button', 'data-testid': 'add-rows-10', onclick: () => addRows(10) }, t('reg.addRows', { count: 10 })),
      check,
      submit,
    ),
    h('p', { class: 'muted small' }, t('reg.keys')),
    status,
  );
  form.addEventListener('keydown', (event) => {
    // Enter never registers by accident: only the button does.
    if (event.key === 'Enter' && event.target instanceof HTMLInputElement) event.preventDefault();
  });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const { sent, persons, problems } = collect();
    if (problems.length > 0) {
      fill(status, h('div', { class: 'notice error', role: 'alert', 'data-testid': 'error' }, problems.map((p) => h('div', null, p))));
      return;
    }
    if (persons.length === 0) {
      fill(status, h('p', { class: 'notice warn' }, t('reg.nothing')));
      return;
    }
    const input: RegistrationInput = { place: place.value.trim(), persons };
    if (date.value) input.date = date.value;
    if (eventName.value.trim() || area.value || outcome.value) {
      input.event = { name: eventName.value.trim() };
      if (area.value) input.event.area = area.value;
      if (outcome.value) input.event.outcome = outcome.value;
    }
    const names = sent.map((row) => `${row.inputs.first_name.value.trim()} ${row.inputs.second_name.value.trim()}`.trim());
    submit.disabled = true;
    fill(status, loading());
    api.register(input).then(
      (r) => {
        submit.disabled = false;
        if (!ctx.isCurrent()) return;
        fill(status);
        fill(result, resultList(r.persons, names, persons));
        // The next group starts from empty rows; the event and place stay.
        for (const row of rows) {
          row.tr.remove();
          row.matches.remove();
        }
        rows.length = 0;
        for (let i = 0; i < FIRST_ROWS; i++) addRow();
        result.querySelector<HTMLElement>('h2')?.focus();
      },
      (error) => {
        submit.disabled = false;
        if (!ctx.isCurrent()) return;
        fill(status, errorBox(error), rowErrors(error, sent));
      },
    );
  });
  return h('div', null, result, form);
}

/** The node names each wrong value as `persons[i].field`: the rows are marked, and each
 * problem is listed under the row's number as the officer sees it. */
function rowErrors(error: unknown, sent: Row[]): HTMLElement | null {
  if (!(error instanceof ApiError) || !error.detail) return null;
  const items: HTMLElement[] = [];
  for (const part of error.detail.split('; ')) {
    const m = /^persons\[(\d+)\]\.(\w+)/.exec(part);
    const row = m ? sent[Number(m[1])] : undefined;
    if (!m || !row) continue;
    row.tr.classList.add('invalid');
    const input = FIELD_INPUT[m[2] ?? ''];
    if (input) row.inputs[input].setAttribute('aria-invalid', 'true');
    items.push(h('li', null, h('strong', null, t('reg.row', { row: row.n })), ' ', bdi(part.slice(m[0].length - (m[2] ?? '').length))));
  }
  sent.find((row) => row.tr.classList.contains('invalid'))?.tr.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  return items.length > 0 ? h('ul', { class: 'row-errors', 'data-testid': 'row-errors' }, items) : null;
}

function resultList(persons: RegisteredPerson[], names: string[], sent: PersonInput[]): HTMLElement {
  const drafts = persons.filter((p) => p.status === 'draft').length;
  return h(
    'section',
    { class: 'registered', 'data-testid': 'registered', 'data-count': String(persons.length) },
    h('h2', { tabindex: '-1' }, t('reg.done', { count: persons.length }), drafts > 0 ? [' ', t('reg.doneDrafts', { count: drafts })] : null),
    h(
      'ol',
      null,
      persons.map((p) => {
        const joined = sent[p.index]?.same_as === p.person_id;
        return h(
          'li',
          { 'data-testid': 'registered-person', 'data-person': p.person_id, 'data-status': p.status, 'data-row': p.ref ?? '', 'data-joined': String(joined) },
          h('a', { href: paths.protectionCase(p.person_id), 'data-testid': 'registered-case' }, bdi(names[p.index] || p.person_id)),
          ' ',
          h('code', { dir: 'ltr', 'data-testid': 'registration-number' }, p.registration_number),
          ' ',
          p.status === 'draft' ? draftBadge(p.missing) : h('span', { class: 'badge complete' }, t('reg.complete')),
          p.status === 'draft' && p.missing.length > 0
            ? h('span', { class: 'muted small', 'data-testid': 'missing' }, ' ', t('prot.missing', { fields: p.missing.join(', ') }))
            : null,
          joined ? h('span', { class: 'small joined', 'data-testid': 'joined' }, ' ', t('reg.joined')) : null,
          p.possible_matches.length > 0
            ? h(
                'div',
                { class: 'small', 'data-testid': 'possible-matches' },
                t('reg.maybe'),
                ' ',
                p.possible_matches.map((m, i) => [
                  i > 0 ? ', ' : '',
                  h('a', { href: paths.protectionCase(m.person_id) }, bdi(m.caption)),
                  ' ',
                  h('span', { dir: 'ltr' }, `(${formatPercent(m.score)})`),
                ]),
              )
            : null,
          p.assessment && p.assessment.needs.length > 0
            ? h('div', { class: 'small' }, p.assessment.needs.map((n) => [priorityBadge(n.priority), ' ', bdi(n.need), ' ']))
            : null,
        );
      }),
    ),
  );
}
