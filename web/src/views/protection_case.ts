// One protection case: the person's facts and status (recorded as smuggled: not a suspect),
// registrations with what drafts still lack, family, screenings with each need and the
// referrals they suggest, a screening form whose result shows at once, the referrals with
// their consent and steps, and the return plan (protection_care.ts).

import { api } from '../api';
import { bdi, fill, h, type Child } from '../dom';
import { label, t, tn } from '../i18n';
import { paths } from '../router';
import type { Assessment, Case, Need, Screening, ScreeningRecord, SuggestedReferral, Vocabulary } from '../types_protection';
import { errorBox, failurePage, loading, notPermitted, tableHead } from './common';
import type { ViewContext } from './context';
import { valueNode } from './entity';
import { statusBadge, statusHistory } from './person_status';
import { day, draftBadge, options, priorityBadge, protectionAllowed, vocabulary } from './protection';
import { referralForm, referralsTable, returnPlanView } from './protection_care';
import { conflictsBox, correctable, heldFacts, rightsSection } from './protection_rights';

/** What outlives a reload of the page: the last screening's result, shown at once. */
interface State {
  assessment: Assessment | null;
}

export function renderProtectionCase(person: string, ctx: ViewContext, focusHeading: boolean): HTMLElement {
  if (!protectionAllowed(ctx)) return h('section', { class: 'page' }, notPermitted());
  const box = h('div', null, loading());
  const state: State = { assessment: null };
  let first = true;
  const load = () =>
    Promise.all([api.protectionCase(person), vocabulary()]).then(
      ([c, v]) => {
        if (!ctx.isCurrent()) return;
        // The page keeps its place when it is drawn again after a change.
        const y = window.scrollY;
        fill(box, caseView(c, v, state, load));
        state.assessment = null;
        box.setAttribute('data-testid', 'protection-case');
        box.setAttribute('data-person', c.person);
        if (first && focusHeading) box.querySelector<HTMLElement>('h1')?.focus();
        else window.scrollTo(0, y);
        first = false;
      },
      (error) => ctx.isCurrent() && fill(box, failurePage(error, ctx.focusReason)),
    );
  load();
  return h('section', { class: 'page protection case', 'data-testid': 'case-page' }, h('p', { class: 'back' }, h('a', { href: paths.protection() }, t('prot.back'))), box);
}

const FACT_ORDER = ['firstName', 'middleName', 'lastName', 'alias', 'birthDate', 'gender', 'nationality', 'passportNumber', 'idNumber', 'phone'];

/** How the node types a person's facts, for showing them as the entity page does. */
const FACT_TYPES: Record<string, string> = { nationality: 'country', birthDate: 'date', passportNumber: 'identifier', idNumber: 'identifier', phone: 'phone' };

function factValue(prop: string, value: string): Node {
  if (prop === 'gender') return document.createTextNode(label('prot.sex', value));
  return valueNode(value, FACT_TYPES[prop], new Map());
}

/** What a registration recorded besides the person's facts, with the vocabulary's labels. */
function registrationFields(fields: Record<string, string[]>): Child[] {
  const prefix: Record<string, string> = {
    accompaniment: 'prot.accompaniment',
    gender: 'prot.gender',
    ageAssessment: 'prot.ageassessment',
    agreementToManagePersonalData: 'reg.agreement',
  };
  return Object.entries(fields).map(([prop, values], i) => [
    i > 0 ? ' · ' : '',
    h('span', { class: 'muted' }, label('prot.regfield', prop), ': '),
    values.map((v, j) => [j > 0 ? ', ' : '', prefix[prop] ? label(prefix[prop] ?? '', v) : bdi(v)]),
  ]);
}

function card(title: string, testid: string, ...children: Child[]): HTMLElement {
  return h('section', { class: 'card', 'data-testid': testid }, h('h2', null, title), ...children);
}

function caseView(c: Case, v: Vocabulary, state: State, reload: () => void): Child[] {
  const referrals = referralForm(c, v, reload);
  const rank = (p: string) => (FACT_ORDER.includes(p) ? FACT_ORDER.indexOf(p) : FACT_ORDER.length);
  const allProps = Object.keys(c.facts).sort((a, b) => (a === 'name' ? -1 : b === 'name' ? 1 : rank(a) - rank(b) || a.localeCompare(b)));
  const factProps = allProps.filter((p) => p !== 'name');
  // The copy of everything held, asked once when the person wants it.
  const held = heldFacts(c.person);
  const inConflict = new Set(c.conflicts.filter((k) => k.entity === c.person).map((k) => k.prop));
  const values = (p: string) =>
    (c.facts[p] ?? []).map((value, i) => [
      i > 0 ? ' · ' : '',
      inConflict.has(p) ? factValue(p, value) : correctable(c, p, value, factValue(p, value), held, reload),
    ]);
  return [
    h(
      'div',
      { class: 'entity-head' },
      h('h1', { tabindex: '-1', 'data-testid': 'case-caption' }, bdi(c.caption || c.person)),
      statusBadge(c.status),
      h('code', { class: 'entity-id', dir: 'ltr' }, c.person),
    ),
    conflictsBox(c, factValue, reload),
    h(
      'div',
      { class: 'case-grid' },
      card(
        t('case.facts'),
        'case-facts',
        h(
          'dl',
          { class: 'facts-list' },
          (c.facts['name'] ?? []).length > 1 ? [h('dt', null, label('prot.fact', 'name')), h('dd', { 'data-prop': 'name' }, values('name'))] : null,
          factProps.map((p) => [
            h('dt', null, label('prot.fact', p)),
            h(
              'dd',
              { 'data-prop': p, class: inConflict.has(p) ? 'in-conflict' : null },
              values(p),
              inConflict.has(p) ? [' ', h('span', { class: 'badge conflict-badge', 'data-testid': 'fact-conflict' }, t('conflict.badge'))] : null,
            ),
          ]),
        ),
      ),
      card(
        t('case.status'),
        'case-status',
        c.status.in_force ? null : h('p', { class: 'muted' }, t('pstatus.none')),
        statusHistory(c.status.history),
      ),
      card(
        t('case.family'),
        'case-family',
        c.family.length === 0
          ? h('p', { class: 'muted' }, t('case.noFamily'))
          : h(
              'ul',
              { class: 'link-list' },
              c.family.map((f) =>
                h(
                  'li',
                  { 'data-testid': 'family-link', 'data-person': f.relative },
                  h('a', { href: paths.protectionCase(f.relative) }, bdi(f.caption || f.relative)),
                  ' ',
                  h('span', { class: 'muted small' }, t('case.relationship', { relationship: label('reg.rel', f.relationship) })),
                ),
              ),
            ),
      ),
    ),
    h(
      'section',
      { class: 'block', 'data-testid': 'case-registrations' },
      h('h2', null, t('case.registrations', { count: c.registrations.length })),
      h(
        'table',
        { class: 'grid compact' },
        tableHead([t('case.number'), t('case.date'), t('case.place'), t('case.by'), t('case.state'), t('case.details')]),
        h(
          'tbody',
          null,
          c.registrations.map((r) =>
            h(
              'tr',
              { 'data-testid': 'registration', 'data-status': r.status, 'data-id': r.id },
              h('td', null, h('code', { dir: 'ltr' }, r.number)),
              h('td', null, day(r.date)),
              h('td', null, bdi(r.place)),
              h('td', null, bdi(r.registered_by)),
              h(
                'td',
                null,
                r.status === 'draft' ? [draftBadge(r.missing), ' ', h('span', { class: 'muted small' }, t('prot.missing', { fields: r.missing.join(', ') }))] : h('span', { class: 'badge complete' }, t('reg.complete')),
              ),
              h('td', { class: 'small' }, registrationFields(r.fields)),
            ),
          ),
        ),
      ),
    ),
    h(
      'section',
      { class: 'block', 'data-testid': 'screenings' },
      h('h2', null, t('case.screenings')),
      c.screenings.length === 0 ? h('p', { class: 'muted' }, t('case.noScreenings')) : null,
      [...c.screenings].reverse().map((s) => screeningView(s, referrals.prefill)),
      h('details', { class: 'screening-details', open: c.screenings.length === 0 || state.assessment !== null }, h('summary', null, t('screen.new')), screeningForm(c, v, state, reload)),
    ),
    h(
      'section',
      { class: 'block', 'data-testid': 'case-referrals' },
      h('h2', null, t('case.referrals')),
      referralsTable(c, v, reload),
      referrals.el,
    ),
    h('section', { class: 'block', 'data-testid': 'case-return' }, h('h2', null, t('case.return')), returnPlanView(c, reload)),
    rightsSection(c, allProps, factValue, held, reload),
  ];
}

function needList(needs: Need[]): HTMLElement {
  return h(
    'ul',
    { class: 'needs', 'data-testid': 'needs' },
    needs.map((n) =>
      h('li', { 'data-testid': 'need', 'data-rule': n.rule, 'data-priority': n.priority }, priorityBadge(n.priority), ' ', h('strong', null, bdi(n.need)), ': ', bdi(n.reason)),
    ),
  );
}

function suggestions(list: SuggestedReferral[], refer: ((service: string, reasons: string[]) => void) | null): HTMLElement {
  return h(
    'ul',
    { class: 'suggested', 'data-testid': 'suggested-referrals' },
    list.map((s) =>
      h(
        'li',
        { 'data-testid': 'suggested-referral', 'data-service': s.service },
        priorityBadge(s.priority),
        ' ',
        h('strong', null, label('prot.service', s.service)),
        refer ? [' ', h('button', { type: 'button', class: 'small-button', 'data-testid': 'refer', onclick: () => refer(s.service, s.reasons) }, t('case.refer'))] : null,
        h('ul', { class: 'reasons', 'data-testid': 'reasons' }, s.reasons.map((r) => h('li', null, bdi(r)))),
      ),
    ),
  );
}

function screeningView(s: ScreeningRecord, refer: (service: string, reasons: string[]) => void): HTMLElement {
  return h(
    'article',
    { class: 'screening', 'data-testid': 'screening', 'data-id': s.id },
    h('h3', null, tn('case.screenedOn', { date: day(s.date) }), ' ', h('span', { class: 'muted small' }, bdi(s.screened_by))),
    s.needs.length === 0 ? h('p', { class: 'muted small' }, t('case.noNeeds')) : needList(s.needs),
    s.suggested_referrals.length > 0 ? [h('h4', null, t('case.suggested')), suggestions(s.suggested_referrals, refer)] : null,
  );
}

const GROUPS = ['trafficking_indicators', 'medical_needs', 'disabilities', 'violence'] as const;
const FLAGS = ['pregnant', 'asylum_intention', 'wishes_to_return', 'family_separated'] as const;
const GROUP_PREFIX: Record<(typeof GROUPS)[number], string> = {
  trafficking_indicators: 'prot.ti',
  medical_needs: 'prot.medical',
  disabilities: 'prot.disability',
  violence: 'prot.violence',
};

function screeningForm(c: Case, v: Vocabulary, state: State, reload: () => void): HTMLElement {
  // The last screening's answers are the starting point: a new screening records what changed.
  const last: Partial<Screening> = c.screenings[c.screenings.length - 1]?.answers ?? {};
  // Without a screening, what the latest registration recorded.
  const registered = (prop: string) => c.registrations[c.registrations.length - 1]?.fields[prop]?.[0];
  const field = (text: string, control: HTMLElement) => h('label', { class: 'field' }, h('span', null, text), control);
  const birth = h('input', { type: 'text', dir: 'ltr', class: 'date', 'data-testid': 'screen-birth_date', value: last.birth_date ?? c.facts['birthDate']?.[0] ?? '', placeholder: 'YYYY-MM-DD' });
  const age = h('input', { type: 'text', dir: 'ltr', class: 'age', inputmode: 'numeric', 'data-testid': 'screen-age_claimed', value: last.age_claimed?.toString() ?? registered('ageClaimed') ?? '' });
  const assessment = h('select', { 'data-testid': 'screen-age_assessment' }, options('prot.ageassessment', v.age_assessment, last.age_assessment ?? registered('ageAssessment') ?? '', '—'));
  const accompaniment = h('select', { 'data-testid': 'screen-accompaniment' }, options('prot.accompaniment', v.accompaniment, last.accompaniment ?? registered('accompaniment') ?? '', '—'));
  const flags = FLAGS.map((f) => h('input', { type: 'checkbox', 'data-testid': `screen-${f}`, checked: last[f] === true }));
  const groups = GROUPS.map((g) => {
    const chosen = new Set(last[g] ?? []);
    const codes = g === 'trafficking_indicators' ? v.trafficking_indicators : g === 'medical_needs' ? v.medical_needs : g === 'disabilities' ? v.disabilities : v.violence;
    return h(
      'fieldset',
      { class: `checks ${g === 'trafficking_indicators' ? 'wide' : ''}`, 'data-testid': `screen-${g}` },
      h('legend', null, label('screen', g)),
      codes.map((code) => h('label', { class: 'check' }, h('input', { type: 'checkbox', value: code, checked: chosen.has(code) }), ' ', label(GROUP_PREFIX[g], code))),
    );
  });
  const message = h('div', { 'aria-live': 'polite' });
  const result = state.assessment ? assessmentView(state.assessment) : null;
  const submit = h('button', { type: 'submit', class: 'primary', 'data-testid': 'screen-submit' }, t('screen.submit'));
  const form = h(
    'form',
    { class: 'screening-form', 'data-testid': 'screening-form' },
    result,
    h('div', { class: 'form-row' }, field(t('screen.birth_date'), birth), field(t('screen.age_claimed'), age), field(t('screen.age_assessment'), assessment), field(t('screen.accompaniment'), accompaniment)),
    h('div', { class: 'flags' }, FLAGS.map((f, i) => h('label', { class: 'check' }, flags[i], ' ', label('screen', f)))),
    h('div', { class: 'check-groups' }, groups),
    h('div', { class: 'form-actions' }, submit),
    message,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const s: Screening = {
      trafficking_indicators: [],
      medical_needs: [],
      disabilities: [],
      violence: [],
      pregnant: false,
      asylum_intention: false,
      wishes_to_return: false,
      family_separated: false,
    };
    if (birth.value.trim()) s.birth_date = birth.value.trim();
    if (age.value.trim()) {
      if (!/^\d{1,3}$/.test(age.value.trim())) {
        fill(message, h('div', { class: 'notice error', role: 'alert', 'data-testid': 'error' }, t('screen.ageNotNumber')));
        return;
      }
      s.age_claimed = Number(age.value.trim());
    }
    if (assessment.value) s.age_assessment = assessment.value;
    if (accompaniment.value) s.accompaniment = accompaniment.value;
    FLAGS.forEach((f, i) => (s[f] = flags[i]?.checked ?? false));
    GROUPS.forEach((g, i) => {
      s[g] = [...(groups[i]?.querySelectorAll<HTMLInputElement>('input:checked') ?? [])].map((el) => el.value);
    });
    submit.disabled = true;
    api.screen(c.person, s).then(
      (a) => {
        submit.disabled = false;
        state.assessment = a;
        // Shown at once, then the page is drawn again with the new screening in it.
        fill(message, assessmentView(a));
        reload();
      },
      (error) => {
        submit.disabled = false;
        fill(message, errorBox(error));
      },
    );
  });
  return form;
}

function assessmentView(a: Assessment): HTMLElement {
  return h(
    'div',
    { class: 'notice ok screening-result', 'data-testid': 'screening-result', role: 'status' },
    h('strong', null, t('screen.result')),
    a.age ? h('span', { class: 'small' }, ' ', a.age.min === a.age.max ? t('screen.ageExact', { age: a.age.min }) : t('screen.age', { min: a.age.min, max: a.age.max })) : null,
    a.child ? [' ', h('span', { class: 'badge priority-high' }, t('screen.child'))] : null,
    a.needs.length === 0 ? h('p', { class: 'muted' }, t('case.noNeeds')) : needList(a.needs),
    a.referrals.length > 0 ? [h('h4', null, t('case.suggested')), suggestions(a.referrals, null)] : null,
  );
}
