// The entity screen: every fact with its provenance, the records entity resolution holds to be
// the same entity, the history of corrections, and the entities linked to it in both
// directions.

import { api } from '../api';
import { bdi, fill, h, type Child } from '../dom';
import { formatPercent, formatTime, label, lang, t, tn } from '../i18n';
import { paths } from '../router';
import { REVIEWER_ROLES, type ClusterLink, type Entity, type Fact, type HistoryItem, type Link, type SameAs } from '../types';
import { bar, failurePage, handlingBadge, loading, tableHead, withheldNotice } from './common';
import type { ViewContext } from './context';
import { statusSection } from './person_status';

const LINKS_SHOWN = 100;

/** Property types whose values read left to right in every language: dates, numbers, codes,
 * addresses on the network. They are isolated so a right-to-left page does not reorder them. */
const LEFT_TO_RIGHT = new Set([
  'checksum', 'currency', 'date', 'email', 'geopoint', 'iban', 'identifier', 'ip', 'mimetype', 'money', 'number', 'phone', 'url',
]);

export function renderEntity(id: string, ctx: ViewContext, focusHeading: boolean): HTMLElement {
  const page = h('section', { class: 'page entity' }, loading());
  api.entity(id).then(
    (entity) => {
      if (!ctx.isCurrent()) return;
      fill(page, entityView(entity, ctx));
      page.setAttribute('data-testid', 'entity-page');
      page.setAttribute('data-entity-id', entity.id);
      if (focusHeading) page.querySelector<HTMLElement>('h1')?.focus();
    },
    (error) => {
      if (!ctx.isCurrent()) return;
      page.replaceChildren(failurePage(error, ctx.focusReason));
      if (focusHeading) page.querySelector<HTMLElement>('h1')?.focus();
    },
  );
  return page;
}

function entityView(entity: Entity, ctx: ViewContext): Child[] {
  const labels = entity.labels ?? {};
  const types = entity.types ?? {};
  const propLabel = (prop: string) => labels[prop] ?? prop;
  const props = Object.keys(entity.properties).sort((a, b) =>
    a === 'name' ? -1 : b === 'name' ? 1 : propLabel(a).localeCompare(propLabel(b)),
  );
  const factCount = props.reduce((n, p) => n + (entity.properties[p]?.length ?? 0), 0);
  const outgoing = entity.links.filter((l) => l.direction === 'outgoing');
  const incoming = entity.links.filter((l) => l.direction === 'incoming');
  const captions = new Map(entity.links.map((l) => [l.id, l]));

  return [
    h(
      'div',
      { class: 'entity-head' },
      h('h1', { tabindex: '-1', 'data-testid': 'entity-caption' }, h('bdi', null, entity.caption || entity.id)),
      h('span', { class: 'chip schema', 'data-testid': 'entity-schema' }, entity.schema),
      h('code', { class: 'entity-id', dir: 'ltr', title: t('entity.id') }, entity.id),
    ),
    h(
      'p',
      { class: 'muted small summary' },
      h('span', null, t('entity.factCount', { count: factCount })),
      h('span', null, t('entity.linkCount', { count: entity.links.length })),
      h('span', null, t('entity.historyCount', { count: entity.history.length })),
      h('span', { 'data-testid': 'withheld-count', 'data-count': String(entity.withheld), class: entity.withheld > 0 ? 'has-withheld' : null }, t('withheld.count', { count: entity.withheld })),
    ),
    withheldNotice(entity.withheld, ctx.focusReason),
    entity.schema === 'Person' ? statusSection(entity.id, ctx) : null,
    h(
      'section',
      { class: 'block', 'aria-labelledby': 'facts-h' },
      h('h2', { id: 'facts-h' }, t('entity.facts')),
      factCount === 0
        ? h('p', { class: 'muted' }, t('entity.noFacts'))
        : factTable(entity, props, propLabel, types, captions),
    ),
    entity.same_as
      ? sameAsSection(entity.id, entity.same_as, REVIEWER_ROLES.some((role) => ctx.session.user.roles.includes(role)))
      : null,
    h(
      'section',
      { class: 'block', 'aria-labelledby': 'links-h' },
      h('h2', { id: 'links-h' }, t('entity.links')),
      entity.links.length === 0
        ? h('p', { class: 'muted' }, t('entity.noLinks'))
        : h(
            'div',
            { class: 'links' },
            linkList(t('entity.outgoing'), 'outgoing', outgoing, propLabel),
            linkList(t('entity.incoming'), 'incoming', incoming, (p) => p),
          ),
    ),
    h(
      'section',
      { class: 'block', 'aria-labelledby': 'history-h' },
      h('h2', { id: 'history-h' }, t('entity.history')),
      h('p', { class: 'muted small' }, t('entity.historyHint')),
      historyTable(entity.history, propLabel, types, captions),
    ),
  ];
}

/** The records resolution holds to be this entity, and the links (a maximum spanning tree) that
 * hold them together; for reviewers, each link opens the pair's review page. */
function sameAsSection(self: string, cluster: SameAs, canReview: boolean): HTMLElement {
  const captions = new Map(cluster.members.map((m) => [m.id, m.caption || m.id]));
  const name = (id: string) => h('span', { class: 'member' }, bdi(captions.get(id) ?? id), ' ', h('code', { class: 'muted small', dir: 'ltr' }, id));
  const isWeakest = (l: ClusterLink) =>
    cluster.weakest !== null && ((l.a === cluster.weakest.a && l.b === cluster.weakest.b) || (l.a === cluster.weakest.b && l.b === cluster.weakest.a));
  const linkItem = (l: ClusterLink, testid: string) =>
    h(
      canReview ? 'a' : 'span',
      { href: canReview ? paths.pair(l.a, l.b) : null, 'data-testid': testid, 'data-a': l.a, 'data-b': l.b, 'data-judged': String(l.judged) },
      tn('sameAs.link', { a: name(l.a), b: name(l.b) }),
    );
  const strength = (l: ClusterLink) =>
    h('span', { class: 'prob' }, h('span', { class: 'prob-value', dir: 'ltr' }, formatPercent(l.probability)), bar(l.probability, 'prob-bar'));
  return h(
    'section',
    { class: 'block same-as', 'aria-labelledby': 'same-as-h', 'data-testid': 'same-as', 'data-cluster': cluster.cluster },
    h('h2', { id: 'same-as-h' }, t('sameAs.title')),
    h('p', { class: 'muted small' }, t('sameAs.hint'), canReview ? [' ', t('sameAs.reviewHint')] : null),
    h('h3', null, t('sameAs.members', { count: cluster.members.length })),
    h(
      'ul',
      { class: 'link-list', 'data-testid': 'same-as-members' },
      cluster.members.map((m) =>
        h(
          'li',
          { 'data-testid': 'same-as-member', 'data-id': m.id },
          m.id === self
            ? [h('strong', null, bdi(m.caption || m.id)), ' ', h('span', { class: 'muted' }, t('sameAs.this'))]
            : h('a', { href: paths.entity(m.id) }, bdi(m.caption || m.id)),
          ' ',
          h('code', { class: 'muted small', dir: 'ltr' }, m.id),
        ),
      ),
    ),
    cluster.weakest
      ? h(
          'p',
          { class: 'notice weakest', 'data-testid': 'same-as-weakest' },
          tn('sameAs.weakest', { link: linkItem(cluster.weakest, 'same-as-weakest-link') }),
          ' ',
          strength(cluster.weakest),
          cluster.weakest.judged ? [' ', h('span', { class: 'badge judged', title: t('sameAs.judgedTitle') }, t('sameAs.judged'))] : null,
        )
      : null,
    cluster.links.length > 0
      ? [
          h('h3', null, t('sameAs.links')),
          h(
            'div',
            { class: 'scroll' },
            h(
              'table',
              { class: 'grid compact same-as-links', 'data-testid': 'same-as-links' },
              tableHead([t('sameAs.colLink'), t('review.col.probability'), t('sameAs.colJudged')]),
              h(
                'tbody',
                null,
                cluster.links.map((l) =>
                  h(
                    'tr',
                    { class: isWeakest(l) ? 'weakest' : null },
                    h('td', null, linkItem(l, 'same-as-link'), isWeakest(l) ? [' ', h('span', { class: 'badge weakest-mark' }, t('sameAs.weakestMark'))] : null),
                    h('td', null, strength(l)),
                    h('td', null, l.judged ? h('span', { class: 'badge judged', title: t('sameAs.judgedTitle'), 'data-testid': 'same-as-judged' }, t('sameAs.judged')) : null),
                  ),
                ),
              ),
            ),
          ),
        ]
      : null,
  );
}

function factTable(
  entity: Entity,
  props: string[],
  propLabel: (p: string) => string,
  types: Record<string, string>,
  captions: Map<string, Link>,
): HTMLElement {
  return h(
    'div',
    { class: 'scroll' },
    h(
      'table',
      { class: 'grid facts', 'data-testid': 'facts' },
      tableHead([
          t('fact.property'),
          t('fact.value'),
          t('fact.dataset'),
          t('fact.recordedBy'),
          t('fact.recordedAt'),
          t('fact.handling'),
          t('fact.purpose'),
          t('fact.evaluation'),
        ]),
      props.map((prop) => {
        const facts = entity.properties[prop] ?? [];
        return h(
          'tbody',
          { 'data-prop': prop },
          facts.map((fact, i) =>
            h(
              'tr',
              { 'data-testid': 'fact', 'data-prop': prop, 'data-handling': fact.handling },
              i === 0
                ? h(
                    'th',
                    { scope: 'rowgroup', rowspan: String(facts.length), class: 'prop', title: prop },
                    propLabel(prop),
                  )
                : null,
              h('td', { class: 'value', 'data-testid': 'fact-value' }, factValue(fact, types[prop], captions)),
              h('td', { 'data-testid': 'fact-dataset' }, h('bdi', null, fact.dataset)),
              h('td', { 'data-testid': 'fact-author' }, h('bdi', null, fact.recorded_by)),
              h('td', { 'data-testid': 'fact-time' }, time(fact.recorded_at)),
              h('td', null, handlingBadge(fact.handling)),
              h('td', { 'data-testid': 'fact-purpose' }, label('purpose', fact.purpose)),
              h('td', { 'data-testid': 'fact-evaluation' }, evaluation(fact)),
            ),
          ),
        );
      }),
    ),
  );
}

function factValue(fact: Fact, type: string | undefined, captions: Map<string, Link>): Child[] {
  const shown: Child[] = [valueNode(fact.value, type, captions)];
  if (fact.original_value !== null && fact.original_value !== fact.value) {
    shown.push(
      h('div', { class: 'original small muted' }, tn('fact.original', { value: h('bdi', null, fact.original_value) })),
    );
  }
  return shown;
}

/** A value shown by its property type: entity references as links, countries by name, codes left to right. */
export function valueNode(value: string, type: string | undefined, captions: Map<string, Link>): Node {
  if (type === 'entity') {
    const link = captions.get(value);
    return h('a', { href: paths.entity(value), 'data-testid': 'fact-link' }, h('bdi', null, link?.caption || value));
  }
  if (type === 'country' && /^[a-z]{2}$/i.test(value)) {
    const name = regionName(value);
    if (name) return h('span', null, h('bdi', null, name), ' ', h('code', { class: 'muted' }, value));
  }
  if (type && LEFT_TO_RIGHT.has(type)) return h('span', { dir: 'ltr', class: 'code-value' }, value);
  if (type === 'text' || type === 'html' || type === 'json') {
    // Long text is shown as text, line breaks kept; HTML is never interpreted.
    return h('div', { dir: 'auto', class: 'long-value' }, value);
  }
  return h('bdi', null, value);
}

function regionName(code: string): string | null {
  try {
    const name = new Intl.DisplayNames([lang()], { type: 'region', fallback: 'none' }).of(code.toUpperCase());
    return name ?? null;
  } catch {
    return null;
  }
}

function time(iso: string): HTMLElement {
  return h('time', { datetime: iso, dir: 'ltr', title: iso }, formatTime(iso));
}

function evaluation(fact: Fact): HTMLElement {
  const r = fact.reliability ?? '';
  const g = fact.grade ?? '';
  return h(
    'abbr',
    {
      class: 'eval',
      dir: 'ltr',
      title: `${label('reliability', r)} / ${label('grade', g)}`,
    },
    `${r}${g}`,
  );
}

function linkList(
  title: string,
  direction: 'outgoing' | 'incoming',
  links: Link[],
  propLabel: (p: string) => string,
): HTMLElement {
  const list = h('ul', { class: 'link-list', 'data-testid': `links-${direction}` });
  const show = (items: Link[]) =>
    list.replaceChildren(
      ...items.map((l) =>
        h(
          'li',
          null,
          h('span', { class: 'link-prop muted', title: l.prop }, propLabel(l.prop)),
          ' ',
          h('a', { href: paths.entity(l.id), 'data-testid': 'link', 'data-direction': direction }, h('bdi', null, l.caption || l.id)),
          ' ',
          h('span', { class: 'chip schema' }, l.schema),
        ),
      ),
    );
  show(links.slice(0, LINKS_SHOWN));
  const more =
    links.length > LINKS_SHOWN
      ? h(
          'button',
          {
            type: 'button',
            class: 'quiet',
            onclick: (event: Event) => {
              show(links);
              (event.currentTarget as HTMLElement).remove();
            },
          },
          t('entity.showAll', { count: links.length }),
        )
      : null;
  return h(
    'div',
    { class: 'link-col' },
    h('h3', null, title, ' ', h('span', { class: 'muted' }, `(${links.length})`)),
    links.length === 0 ? h('p', { class: 'muted small' }, t('entity.none')) : list,
    more,
  );
}

function historyTable(
  history: HistoryItem[],
  propLabel: (p: string) => string,
  types: Record<string, string>,
  captions: Map<string, Link>,
): HTMLElement {
  // A retraction may itself be retracted, which puts the original back: only retractions still
  // standing strike a statement out.
  const retractedIds = new Set(history.filter((i) => i.operation === 'retract' && i.retracts).map((i) => i.retracts));
  const standing = new Map<string, HistoryItem>();
  for (const item of history) {
    if (item.operation === 'retract' && item.retracts && !retractedIds.has(item.statement_id)) {
      standing.set(item.retracts, item);
    }
  }
  return h(
    'div',
    { class: 'scroll' },
    h(
      'table',
      { class: 'grid history', 'data-testid': 'history' },
      tableHead([
          t('history.operation'),
          t('fact.property'),
          t('fact.value'),
          t('fact.dataset'),
          t('fact.recordedBy'),
          t('fact.recordedAt'),
          t('fact.handling'),
        ]),
      h(
        'tbody',
        null,
        history.map((item) => {
          const retraction = standing.get(item.statement_id);
          const isRetract = item.operation === 'retract';
          const value: Child = retraction
            ? h(
                'span',
                null,
                h('del', null, valueNode(item.value, types[item.prop], captions)),
                h(
                  'div',
                  { class: 'small muted', 'data-testid': 'retracted-note' },
                  tn('history.retractedBy', {
                    user: h('bdi', null, retraction.recorded_by),
                    time: time(retraction.recorded_at),
                  }),
                ),
              )
            : isRetract
              ? h('span', null, tn('history.withdraws', { value: valueNode(item.value, types[item.prop], captions) }))
              : valueNode(item.value, types[item.prop], captions);
          return h(
            'tr',
            {
              'data-testid': 'history-item',
              'data-operation': item.operation,
              class: retraction ? 'retracted' : isRetract ? 'retraction' : null,
            },
            h('td', null, t(isRetract ? 'history.retract' : 'history.assert')),
            h('td', { title: item.prop }, propLabel(item.prop)),
            h('td', { class: 'value' }, value),
            h('td', null, h('bdi', null, item.dataset)),
            h('td', null, h('bdi', null, item.recorded_by)),
            h('td', null, time(item.recorded_at)),
            h('td', null, handlingBadge(item.handling)),
          );
        }),
      ),
    ),
  );
}
