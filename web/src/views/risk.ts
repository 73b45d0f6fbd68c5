// Risk profiles: the alert queue with each hit's explanation (which indicator fired on which
// fact), the profiles in force with their backtest and disparity figures, changes proposed and
// approved by a second user, and the disparity report over the reviewed alerts. Enforcement
// roles see possible perpetrators; protection officers see the referrals of possibly smuggled
// persons — the node keeps each queue to its own.

import { api } from '../api';
import { bdi, fill, h, type Child } from '../dom';
import { formatNumber, formatPercent, formatTime, label, t, tn } from '../i18n';
import { navigate, paths, type AlertStatus, type RiskTab } from '../router';
import { PROTECTION_ROLES, type AlertDecision } from '../types';
import type { Backtest, BacktestProfile, Disparity, FiredIndicator, RiskAlert, RiskHit, RiskProfile, RiskRules, RuleChange } from '../types_risk';
import { errorBox, failurePage, loading, notPermitted, tableHead } from './common';
import type { ViewContext } from './context';
import { barChart } from './research_charts';

/** Roles that manage profiles (manage_risk in the policy). */
const MANAGERS = ['analyst', 'investigator'];
const TABS: readonly RiskTab[] = ['alerts', 'profiles', 'changes', 'disparity'];

const show = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v));

/** Each indicator that fired, its weight and why it counts, and each condition with the fact
 * it held on. */
export function explanation(indicators: FiredIndicator[] | null): HTMLElement {
  return h(
    'ul',
    { class: 'explanation', 'data-testid': 'risk-explanation' },
    (indicators ?? []).map((i) =>
      h(
        'li',
        { 'data-indicator': i.id },
        h('strong', null, bdi(i.title)),
        ' ',
        h('span', { class: 'muted small' }, t('risk.weight', { weight: i.weight })),
        h('div', { class: 'small muted' }, bdi(i.rationale)),
        h(
          'ul',
          { class: 'conditions' },
          i.conditions.map((c) =>
            h('li', { 'data-field': c.field, dir: 'ltr' }, h('code', null, `${c.field} ${c.op}${c.value === null || c.value === undefined ? '' : ` ${show(c.value)}`}`), ' — ', t('risk.observed'), ' ', h('code', { 'data-testid': 'observed' }, show(c.observed))),
          ),
        ),
      ),
    ),
  );
}

function kindBadge(kind: string): HTMLElement {
  return h('span', { class: `badge risk-${kind}`, 'data-kind': kind }, label('risk.kind', kind));
}

/** The crossing desk's view of the risk hits, right after registering. */
export function riskHitsSection(hits: RiskHit[], micros: number): HTMLElement {
  return h(
    'div',
    { 'data-testid': 'risk-hits' },
    h('h3', null, t('risk.atCrossing')),
    hits.length === 0
      ? h('p', { class: 'muted', 'data-testid': 'no-risk-hits' }, t('risk.noHits'))
      : hits.map((hit) =>
          h(
            'div',
            { class: `notice ${hit.routed_to === 'protection_referral' ? 'protection' : 'error'}`, 'data-testid': 'risk-hit', 'data-profile': hit.profile, 'data-routed': hit.routed_to, role: 'alert' },
            h('strong', null, bdi(hit.title)),
            ' ',
            kindBadge(hit.kind),
            ' ',
            h('span', { class: 'muted small' }, t('risk.scoreOf', { score: hit.score, threshold: hit.threshold })),
            h('div', { 'data-testid': 'routed-to' }, label('risk.routed', hit.routed_to)),
            hit.routing_note ? h('div', { class: 'small' }, bdi(hit.routing_note)) : null,
            explanation(hit.indicators),
          ),
        ),
    h('p', { class: 'muted small' }, t('risk.evaluatedIn', { ms: (micros / 1000).toFixed(2) })),
  );
}

function isManager(ctx: ViewContext): boolean {
  return MANAGERS.some((r) => ctx.session.user.roles.includes(r));
}

function tabs(current: RiskTab, manager: boolean): HTMLElement {
  return h(
    'nav',
    { class: 'tabs', 'aria-label': t('risk.title') },
    TABS.filter((tab) => manager || tab === 'alerts').map((tab) =>
      h('a', { href: paths.risk(tab), 'data-testid': `risk-tab-${tab}`, 'aria-current': tab === current ? 'page' : null, class: tab === current ? 'current' : '' }, label('risk.tab', tab)),
    ),
  );
}

export function renderRisk(tab: RiskTab, status: AlertStatus, ctx: ViewContext, focusHeading: boolean): HTMLElement {
  const roles = ctx.session.user.roles;
  const protection = PROTECTION_ROLES.some((r) => roles.includes(r));
  const screener = ['border_officer', 'analyst', 'investigator'].some((r) => roles.includes(r));
  if (!protection && !screener) return h('section', { class: 'page' }, notPermitted());
  const manager = isManager(ctx);
  if (!manager) tab = 'alerts';
  const heading = h('h1', { tabindex: '-1' }, t(protection ? 'risk.referralsTitle' : 'risk.title'));
  const box = h('div', { 'data-testid': `risk-box-${tab}` }, loading());
  const fail = (error: unknown) => ctx.isCurrent() && fill(box, failurePage(error, ctx.focusReason));
  const done = () => {
    if (focusHeading) heading.focus();
  };
  if (tab === 'alerts') {
    const load = () =>
      api.riskAlerts(status).then((r) => {
        if (!ctx.isCurrent()) return;
        fill(box, alertsView(r.alerts, status, load));
        done();
      }, fail);
    void load();
  } else if (tab === 'profiles') {
    api.riskRules().then((r) => ctx.isCurrent() && (fill(box, profilesTable(r)), done()), fail);
  } else if (tab === 'changes') {
    const load = () => api.riskRules().then((r) => ctx.isCurrent() && (fill(box, changesView(r, load)), done()), fail);
    void load();
  } else {
    api.riskDisparity().then((d) => ctx.isCurrent() && (fill(box, disparityView(d, 'live')), done()), fail);
  }
  return h(
    'section',
    { class: 'page risk', 'data-testid': 'risk-page' },
    heading,
    h('p', { class: 'muted' }, t(protection ? 'risk.referralsIntro' : 'risk.intro')),
    tabs(tab, manager),
    box,
  );
}

// ---------------------------------------------------------------------------------------------
// The alert queue

function decisionText(d: AlertDecision): Child[] {
  return [h('strong', null, label('risk.decision', d.decision)), ' — ', tn('border.decidedBy', { user: bdi(d.by), at: formatTime(d.at) }), d.note ? [': ', bdi(d.note)] : null];
}

function decideForm(alert: RiskAlert, onDone: () => void): HTMLElement {
  const note = h('input', { name: 'note', dir: 'auto', required: true, minlength: '3', maxlength: '500', 'data-testid': 'risk-decision-note', 'aria-label': t('border.note'), placeholder: t('border.note') });
  const message = h('div', { 'aria-live': 'polite' });
  const button = (decision: 'true_match' | 'false_positive') =>
    h(
      'button',
      {
        type: 'button',
        'data-testid': `risk-decide-${decision}`,
        onclick: () => {
          if (note.value.trim().length < 3) {
            fill(message, h('div', { class: 'notice error', role: 'alert' }, t('border.noteNeeded')));
            note.focus();
            return;
          }
          api.decideRiskAlert(alert.id, decision, note.value.trim()).then(onDone, (error) => fill(message, errorBox(error)));
        },
      },
      label('risk.decision', decision),
    );
  return h('div', { class: 'decide' }, note, button('true_match'), button('false_positive'), message);
}

function alertsView(alerts: RiskAlert[], status: AlertStatus, reload: () => void): HTMLElement {
  const select = h(
    'select',
    { 'data-testid': 'risk-alerts-status', 'aria-label': t('alerts.status') },
    (['open', 'decided', 'all'] as const).map((s) => h('option', { value: s, selected: s === status }, label('alerts.status', s))),
  );
  select.addEventListener('change', () => navigate(paths.risk('alerts', select.value as AlertStatus)));
  return h(
    'div',
    null,
    h('label', { class: 'field inline' }, h('span', null, t('alerts.status')), select),
    alerts.length === 0
      ? h('p', { class: 'muted', 'data-testid': 'no-risk-alerts' }, t('risk.noAlerts'))
      : h(
          'table',
          { class: 'alerts', 'data-testid': 'risk-alerts' },
          tableHead([t('alerts.col.raised'), t('alerts.col.person'), t('risk.col.profile'), t('risk.col.score'), t('risk.col.why'), t('alerts.col.decision')]),
          h(
            'tbody',
            null,
            alerts.map((a) =>
              h(
                'tr',
                { 'data-risk-alert': a.id, 'data-kind': a.kind, 'data-decision': a.decision?.decision ?? '', 'data-protection': String(a.protection) },
                h('td', { dir: 'ltr' }, formatTime(a.raised_at), a.crossing_id ? h('div', { class: 'small' }, h('a', { href: paths.entity(a.crossing_id) }, t('risk.crossing'))) : null),
                h('td', null, h('a', { href: paths.entity(a.subject_id), 'data-entity': a.subject_id }, bdi(a.subject_caption ?? a.subject_id))),
                h('td', null, h('a', { href: paths.riskProfile(a.profile) }, bdi(a.profile)), a.profile_version ? h('span', { class: 'muted small' }, ` v${a.profile_version}`) : null, h('div', null, kindBadge(a.kind))),
                h('td', { class: 'num', dir: 'ltr' }, `${formatNumber(a.score ?? 0)} / ${formatNumber(a.threshold ?? 0)}`),
                h('td', null, explanation(a.explanation)),
                h(
                  'td',
                  null,
                  a.conflict.length > 0
                    ? h('div', { class: 'notice warn' }, h('strong', null, t('border.conflict')), h('ul', null, a.conflict.map((d) => h('li', null, decisionText(d)))))
                    : a.decision
                      ? h('div', { 'data-testid': 'risk-decision' }, decisionText(a.decision))
                      : h('span', { class: 'muted' }, t('border.undecided')),
                  a.decision === null || a.conflict.length > 0 ? decideForm(a, reload) : null,
                ),
              ),
            ),
          ),
        ),
  );
}

// ---------------------------------------------------------------------------------------------
// Profiles

function statusBadge(p: RiskProfile): HTMLElement {
  return h(
    'span',
    { class: `badge ${p.status === 'expired' ? 'expired' : 'in-force'}`, 'data-testid': 'profile-status', 'data-status': p.status },
    p.status === 'expired' ? t('risk.expired') : t('risk.inForce', { days: p.days_to_review }),
  );
}

function profilesTable(rules: RiskRules): HTMLElement {
  return h(
    'table',
    { class: 'grid', 'data-testid': 'risk-profiles' },
    tableHead([t('risk.col.profile'), t('risk.col.kind'), t('risk.col.threshold'), t('risk.col.indicators'), t('risk.col.review'), t('risk.col.approved')]),
    h(
      'tbody',
      null,
      rules.profiles.map((p) =>
        h(
          'tr',
          { 'data-profile': p.id },
          h('th', { scope: 'row' }, h('a', { href: paths.riskProfile(p.id), 'data-testid': 'profile-link' }, bdi(p.title)), h('div', { class: 'muted small', dir: 'ltr' }, `${p.id} v${p.version}`)),
          h('td', null, label('risk.profileKind', p.kind)),
          h('td', { class: 'num' }, formatNumber(p.threshold)),
          h('td', null, h('ul', { class: 'plain' }, p.indicators.map((i) => h('li', { dir: 'ltr' }, i)))),
          h('td', { dir: 'ltr' }, p.review_by, ' ', statusBadge(p)),
          h('td', null, bdi(p.approved_by.join(', '))),
        ),
      ),
    ),
  );
}

export function renderRiskProfile(id: string, ctx: ViewContext, focusHeading: boolean): HTMLElement {
  if (!isManager(ctx)) return h('section', { class: 'page' }, notPermitted());
  const heading = h('h1', { tabindex: '-1' }, bdi(id));
  const body = h('div', { 'data-testid': 'risk-profile' }, loading());
  const backtest = h('div', { 'data-testid': 'risk-backtest' }, loading());
  api.riskRules().then(
    (rules) => {
      if (!ctx.isCurrent()) return;
      const p = rules.profiles.find((x) => x.id === id);
      if (!p) {
        fill(body, h('p', { class: 'notice error' }, t('risk.noProfile')));
        return;
      }
      fill(heading, bdi(p.title));
      fill(body, profileDetail(p, rules));
      if (focusHeading) heading.focus();
    },
    (error) => ctx.isCurrent() && fill(body, failurePage(error, ctx.focusReason)),
  );
  api.riskBacktest(null).then(
    (b) => {
      if (!ctx.isCurrent()) return;
      const mine = b.profiles.find((x) => x.profile === id);
      fill(backtest, mine ? backtestView(b, mine) : h('p', { class: 'muted' }, t('risk.noBacktest')));
    },
    (error) => ctx.isCurrent() && fill(backtest, errorBox(error)),
  );
  return h(
    'section',
    { class: 'page risk', 'data-testid': 'risk-profile-page' },
    h('p', null, h('a', { href: paths.risk('profiles') }, t('risk.back'))),
    heading,
    body,
    h('h2', null, t('risk.backtest.title')),
    h('p', { class: 'muted small' }, t('risk.backtest.intro')),
    backtest,
  );
}

function profileDetail(p: RiskProfile, rules: RiskRules): Child[] {
  return [
    h(
      'dl',
      { class: 'facts' },
      h('dt', null, t('risk.col.kind')),
      h('dd', { 'data-testid': 'profile-kind' }, label('risk.profileKind', p.kind)),
      h('dt', null, t('risk.col.threshold')),
      h('dd', null, formatNumber(p.threshold)),
      h('dt', null, t('risk.version')),
      h('dd', { 'data-testid': 'profile-version' }, String(p.version)),
      h('dt', null, t('risk.col.review')),
      h('dd', { dir: 'ltr' }, p.review_by, ' ', statusBadge(p)),
      h('dt', null, t('risk.col.approved')),
      h('dd', { 'data-testid': 'profile-approvers' }, bdi(p.approved_by.join(', '))),
      h('dt', null, t('risk.file')),
      h('dd', { dir: 'ltr' }, h('code', null, p.file)),
    ),
    h('h2', null, t('risk.indicators')),
    h(
      'ul',
      { class: 'indicators', 'data-testid': 'profile-indicators' },
      p.indicators.map((id) => {
        const i = rules.indicators.find((x) => x.id === id);
        if (!i) return h('li', null, id);
        const conds = [...i.all.map((c) => ({ c, any: false })), ...i.any.map((c) => ({ c, any: true }))];
        return h(
          'li',
          { 'data-indicator': i.id },
          h('strong', null, bdi(i.title)),
          ' ',
          h('span', { class: 'muted small' }, t('risk.weight', { weight: i.weight })),
          h('div', { class: 'small muted' }, bdi(i.rationale)),
          h(
            'ul',
            { class: 'conditions' },
            conds.map(({ c, any }) =>
              h(
                'li',
                { dir: 'ltr' },
                any ? h('span', { class: 'muted' }, `${t('risk.any')} `) : null,
                h('code', null, `${c.field} ${c.op}${c.value === undefined || c.value === null ? '' : ` ${show(c.value)}`}`),
                rules.fields[c.field]?.protected ? [' ', h('span', { class: 'badge protected', title: t('risk.protectedTitle') }, t('risk.protected'))] : null,
              ),
            ),
          ),
        );
      }),
    ),
  ];
}

const pct = (v: number | null) => (v === null ? '—' : formatPercent(v));

function backtestView(b: Backtest, p: BacktestProfile): Child[] {
  return [
    h(
      'dl',
      { class: 'figures', 'data-testid': 'backtest-figures' },
      h('dt', null, t('risk.backtest.precision')),
      h('dd', { 'data-testid': 'backtest-precision', 'data-value': String(p.precision ?? '') }, pct(p.precision)),
      h('dt', null, t('risk.backtest.recall')),
      h('dd', { 'data-testid': 'backtest-recall', 'data-value': String(p.recall ?? '') }, pct(p.recall)),
      h('dt', null, t('risk.backtest.per1000')),
      h('dd', { 'data-testid': 'backtest-per1000' }, p.alerts_per_1000.toFixed(1)),
      h('dt', null, t('risk.backtest.hits')),
      h('dd', null, t('risk.backtest.hitsOf', { hits: p.hits, true_hits: p.true_hits, positives: p.positives, crossings: b.crossings })),
      h('dt', null, t('risk.backtest.speed')),
      h('dd', null, t('risk.backtest.micros', { us: Math.round(b.micros_per_crossing) })),
    ),
    [...p.warnings, ...b.warnings].length > 0
      ? h('div', { class: 'notice warn', 'data-testid': 'backtest-warnings' }, h('ul', null, [...p.warnings, ...b.warnings].map((w) => h('li', null, bdi(w)))))
      : null,
    h('h3', null, t('risk.disparity.title')),
    disparityView(p.disparity, 'backtest'),
  ];
}

// ---------------------------------------------------------------------------------------------
// Disparity

function disparityView(d: Disparity, kind: 'live' | 'backtest'): HTMLElement {
  const flagged = d.groups.filter((g) => g.flag !== null);
  const nationalities = d.groups.filter((g) => g.dimension === 'nationality' && g.alerts > 0).sort((a, b) => b.alert_rate - a.alert_rate).slice(0, 12);
  return h(
    'div',
    { 'data-testid': `disparity-${kind}` },
    h(
      'p',
      null,
      t('risk.disparity.summary', { crossings: d.crossings, alerts: d.alerts, per1000: (d.alert_rate * 1000).toFixed(1), reviewed: d.reviewed, precision: pct(d.precision) }),
    ),
    h('p', { class: 'muted small' }, bdi(d.rule)),
    flagged.length > 0
      ? h('div', { class: 'notice warn', 'data-testid': 'disparity-flags' }, h('strong', null, t('risk.disparity.flagged', { count: flagged.length })), h('ul', null, flagged.map((g) => h('li', { 'data-group': `${g.dimension}:${g.group}` }, h('strong', null, `${label('risk.dimension', g.dimension)} ${g.group}`), ': ', bdi(g.flag ?? '')))))
      : h('p', { class: 'muted', 'data-testid': 'disparity-none' }, t('risk.disparity.none')),
    nationalities.length > 0
      ? barChart(
          `disparity-chart-${kind}`,
          t('risk.disparity.chart'),
          nationalities.map((g) => ({ key: g.group, label: g.group.toUpperCase(), value: Math.round(g.alert_rate * 10000) / 10, title: `${g.group}: ${(g.alert_rate * 1000).toFixed(1)} / 1000, ${g.alerts} / ${g.crossings}` })),
        )
      : null,
    h(
      'table',
      { class: 'grid compact', 'data-testid': `disparity-table-${kind}` },
      tableHead([t('risk.col.group'), t('risk.col.crossings'), t('risk.col.alerts'), t('risk.col.rate'), t('risk.col.ratio'), t('risk.col.precision')]),
      h(
        'tbody',
        null,
        d.groups
          .filter((g) => g.dimension !== 'nationality' || g.alerts > 0 || g.flag !== null)
          .map((g) =>
            h(
              'tr',
              { 'data-group': `${g.dimension}:${g.group}`, class: g.flag ? 'flagged' : '' },
              h('th', { scope: 'row' }, `${label('risk.dimension', g.dimension)} ${g.group}`),
              h('td', { class: 'num' }, formatNumber(g.crossings)),
              h('td', { class: 'num' }, formatNumber(g.alerts)),
              h('td', { class: 'num' }, (g.alert_rate * 1000).toFixed(1)),
              h('td', { class: 'num' }, g.rate_ratio.toFixed(2)),
              h('td', { class: 'num' }, g.reviewed > 0 ? `${pct(g.precision)} (${formatNumber(g.reviewed)})` : '—'),
            ),
          ),
      ),
    ),
  );
}

// ---------------------------------------------------------------------------------------------
// Changes

/** A rule as a file to edit: JSON is YAML, so the node reads it as it is; the version goes up
 * and approved_by is left to the node. */
function draft(rules: RiskRules, path: string): string {
  const [kind, file] = path.split('/');
  const id = (file ?? '').replace(/\.yaml$/, '');
  if (kind === 'profiles') {
    const p = rules.profiles.find((x) => x.id === id);
    if (!p) return '';
    return JSON.stringify({ id: p.id, version: p.version + 1, title: p.title, kind: p.kind, indicators: p.indicators, threshold: p.threshold, review_by: p.review_by }, null, 2);
  }
  const i = rules.indicators.find((x) => x.id === id);
  if (!i) return '';
  return JSON.stringify({ ...i, version: i.version + 1 }, null, 2);
}

function changesView(rules: RiskRules, reload: () => void): Child[] {
  const files = [...rules.profiles.map((p) => p.file), ...rules.indicators.map((i) => `indicators/${i.id}.yaml`)];
  const pathSelect = h('select', { 'data-testid': 'change-path', name: 'path' }, files.map((f) => h('option', { value: f }, f)));
  const text = h('textarea', { 'data-testid': 'change-text', name: 'text', rows: '14', dir: 'ltr', spellcheck: 'false' });
  const note = h('input', { 'data-testid': 'change-note', name: 'note', dir: 'auto', required: true, minlength: '3', maxlength: '500', placeholder: t('risk.change.note') });
  const message = h('div', { 'aria-live': 'polite', 'data-testid': 'change-message' });
  const load = () => (text.value = draft(rules, pathSelect.value));
  pathSelect.addEventListener('change', load);
  load();
  const form = h(
    'form',
    { class: 'change-form', 'data-testid': 'change-form' },
    h('label', { class: 'field' }, h('span', null, t('risk.change.path')), pathSelect),
    h('label', { class: 'field' }, h('span', null, t('risk.change.text')), text),
    h('label', { class: 'field' }, h('span', null, t('risk.change.note')), note),
    h('button', { type: 'submit', 'data-testid': 'change-propose' }, t('risk.change.propose')),
    message,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    api.proposeRiskChange(pathSelect.value, text.value, note.value.trim()).then(reload, (error) => fill(message, errorBox(error)));
  });
  return [
    h('h2', null, t('risk.change.list')),
    rules.changes.length === 0
      ? h('p', { class: 'muted' }, t('risk.change.none'))
      : h('ul', { class: 'changes', 'data-testid': 'risk-changes' }, rules.changes.map((c) => changeItem(c, reload))),
    h('h2', null, t('risk.change.new')),
    h('p', { class: 'muted small' }, t('risk.change.help')),
    form,
  ];
}

function changeItem(c: RuleChange, reload: () => void): HTMLElement {
  const note = h('input', { dir: 'auto', 'data-testid': 'change-decision-note', placeholder: t('border.note'), 'aria-label': t('border.note') });
  const message = h('div', { 'aria-live': 'polite' });
  const backtest = h('div', { 'data-testid': 'change-backtest' });
  const decide = (approve: boolean) =>
    h(
      'button',
      {
        type: 'button',
        'data-testid': approve ? 'change-approve' : 'change-refuse',
        onclick: () => api.decideRiskChange(c.id, approve, note.value.trim()).then(reload, (error) => fill(message, errorBox(error))),
      },
      t(approve ? 'risk.change.approve' : 'risk.change.refuse'),
    );
  const runBacktest = h(
    'button',
    {
      type: 'button',
      class: 'secondary',
      'data-testid': 'change-run-backtest',
      onclick: () => {
        fill(backtest, loading());
        api.riskBacktest(c.id).then(
          (b) =>
            fill(
              backtest,
              h(
                'ul',
                { class: 'small' },
                b.profiles.map((p) => h('li', { 'data-profile': p.profile }, `${p.profile} v${p.version}: `, t('risk.change.backtestLine', { precision: pct(p.precision), recall: pct(p.recall), per1000: p.alerts_per_1000.toFixed(1) }))),
                b.warnings.map((w) => h('li', { class: 'warn' }, bdi(w))),
              ),
            ),
          (error) => fill(backtest, errorBox(error)),
        );
      },
    },
    t('risk.change.backtest'),
  );
  return h(
    'li',
    { 'data-change': c.id, 'data-state': c.state },
    h('strong', { dir: 'ltr' }, c.path),
    ' ',
    h('span', { class: `badge change-${c.state}` }, label('risk.change.state', c.state)),
    h('div', { class: 'small' }, tn('risk.change.proposedBy', { user: bdi(c.proposed_by), at: formatTime(c.proposed_at) }), ': ', bdi(c.note)),
    c.approved_by ? h('div', { class: 'small' }, tn('risk.change.approvedBy', { user: bdi(c.approved_by), at: formatTime(c.approved_at ?? '') }), c.decision_note ? [': ', bdi(c.decision_note)] : null) : null,
    c.refused_by ? h('div', { class: 'small' }, tn('risk.change.refusedBy', { user: bdi(c.refused_by), at: formatTime(c.refused_at ?? '') }), c.decision_note ? [': ', bdi(c.decision_note)] : null) : null,
    h('details', null, h('summary', null, t('risk.change.show')), h('pre', { dir: 'ltr' }, c.text)),
    c.state === 'pending' ? h('div', { class: 'decide' }, note, decide(true), decide(false), runBacktest, message, backtest) : null,
  );
}
