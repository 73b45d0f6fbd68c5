// Entity resolution's review (analysts and investigators): the queue of pairs the engine
// proposes may be one entity, and a pair side by side with the evidence, where the reviewer
// judges it the same, not the same, or unsure, and can undo the judgement in force.

import { api } from '../api';
import { bdi, fill, h, type Child } from '../dom';
import { formatBits, formatNumber, formatPercent, formatTime, has, label, t, tn } from '../i18n';
import { hasReason } from '../reason';
import { navigate, paths, QUEUE_DEFAULTS, type QueueParams } from '../router';
import type { Entity, Evidence, Judgement, Pair, Queue, QueueItem, Resolution, Side, Verdict } from '../types';
import { bar, errorBox, failurePage, handlingBadge, loading, tableHead } from './common';
import type { ViewContext } from './context';
import { valueNode } from './entity';

const PAGE = 50;
/** How often the status is asked for while resolution is being built. */
const POLL_MS = 2000;
/** Bits at which an evidence bar is full. */
const FULL_BITS = 12;
const VERDICTS: readonly Verdict[] = ['same', 'different', 'unsure'];

/** The queue the reviewer came from: "next pair" means the next one in it. */
let lastQueue: QueueParams = QUEUE_DEFAULTS;

/** The judgement just recorded, shown once on the page the reviewer moves on to. */
let flash: { left: Side; right: Side; judgement: Judgement; endOfQueue: boolean } | null = null;

function takeFlash(): typeof flash {
  const shown = flash;
  flash = null;
  return shown;
}

function samePair(item: { left: Side; right: Side }, a: string, b: string): boolean {
  return (item.left.id === a && item.right.id === b) || (item.left.id === b && item.right.id === a);
}

function verdictLabel(judgement: string): string {
  return label('judgement', judgement);
}

function probability(p: number): HTMLElement {
  return h(
    'span',
    { class: 'prob', 'data-probability': String(p) },
    h('span', { class: 'prob-value', dir: 'ltr' }, formatPercent(p)),
    bar(p, 'prob-bar'),
  );
}

// ---------------------------------------------------------------------------------------------
// The queue

export function renderReview(queue: QueueParams, ctx: ViewContext, focusHeading: boolean): HTMLElement {
  lastQueue = queue;
  const heading = h('h1', { tabindex: '-1' }, t('review.title'));
  const message = h('div', { 'aria-live': 'polite' });
  const status = h('div', { class: 'review-status', 'data-testid': 'review-status', role: 'status' }, loading());
  const controls = h('div', { class: 'queue-controls' });
  const list = h('div', { 'data-testid': 'queue-box' });
  const page = h(
    'section',
    { class: 'page review', 'data-testid': 'review-page' },
    heading,
    h('p', { class: 'muted' }, t('review.intro')),
    message,
    status,
    hasReason()
      ? null
      : h(
          'div',
          { class: 'notice warn', 'data-testid': 'withheld-notice', 'data-reason': 'missing', role: 'status' },
          t('review.needReason'),
          ' ',
          h('button', { type: 'button', 'data-testid': 'give-reason', onclick: ctx.focusReason }, t('withheld.giveReason')),
        ),
    controls,
    list,
  );

  const loadQueue = () => {
    api.queue({ ...queue, limit: PAGE }).then(
      (q) => ctx.isCurrent() && fill(list, queueView(q, queue)),
      (error) => ctx.isCurrent() && fill(list, failurePage(error, ctx.focusReason)),
    );
  };

  const shown = takeFlash();
  if (shown) message.replaceChildren(flashNotice(shown, loadQueue));

  let first = true;
  const poll = () => {
    api.resolution().then(
      (r) => {
        if (!ctx.isCurrent()) return;
        fill(status, statusView(r));
        status.setAttribute('data-state', r.status.state);
        // The kinds of entity are known once resolution is ready: the filter is drawn again then.
        if (first || r.status.state === 'ready') fill(controls, queueControls(r, queue));
        if (first && focusHeading) heading.focus();
        if (r.status.state === 'ready') loadQueue();
        else if (r.status.state !== 'failed') {
          fill(list, h('p', { class: 'muted' }, t('review.waiting')));
          setTimeout(() => ctx.isCurrent() && poll(), POLL_MS);
        }
        first = false;
      },
      (error) => {
        if (!ctx.isCurrent()) return;
        page.replaceChildren(failurePage(error, ctx.focusReason));
        if (focusHeading) page.querySelector<HTMLElement>('h1')?.focus();
      },
    );
  };
  poll();
  return page;
}

function statusView(r: Resolution): Child[] {
  const state = r.status.state;
  const message = r.status.message ?? '';
  const line =
    state === 'ready'
      ? h('p', { class: 'status-line ok' }, t('review.status.ready'))
      : state === 'building'
        ? h('p', { class: 'status-line busy' }, t('review.status.building'), message ? ' ' : null, message ? bdi(message, { class: 'muted' }) : null)
        : state === 'failed'
          ? h('p', { class: 'status-line bad' }, t('review.status.failed'), ' ', bdi(message))
          : h('p', { class: 'status-line busy' }, t('review.status.idle'));
  const parts = r.parts.filter((p) => p.records > 0);
  return [
    line,
    parts.length > 0
      ? h(
          'ul',
          { class: 'parts muted small', 'data-testid': 'review-parts' },
          parts.map((p) =>
            h(
              'li',
              { 'data-schema': p.schema, 'data-open': String(p.open_proposals) },
              h('span', { class: 'chip schema' }, p.schema),
              ' ',
              t('review.part', { records: p.records, open: p.open_proposals }),
            ),
          ),
          h('li', null, t('review.judgementCount', { count: r.judgements })),
        )
      : null,
  ];
}

function queueControls(r: Resolution, queue: QueueParams): HTMLElement {
  const schema = h(
    'select',
    { id: 'queue-schema', 'data-testid': 'queue-schema' },
    h('option', { value: '', selected: queue.schema === '' }, t('review.allSchemata')),
    r.parts.map((p) => h('option', { value: p.schema, selected: queue.schema === p.schema }, p.schema)),
  );
  const unsure = h('input', { type: 'checkbox', id: 'queue-unsure', 'data-testid': 'queue-unsure', checked: queue.unsure });
  const order = h(
    'select',
    { id: 'queue-order', 'data-testid': 'queue-order' },
    h('option', { value: 'strongest', selected: queue.order === 'strongest' }, t('review.order.strongest')),
    h('option', { value: 'uncertain', selected: queue.order === 'uncertain' }, t('review.order.uncertain')),
  );
  const apply = () =>
    navigate(
      paths.review({
        schema: schema.value,
        unsure: unsure.checked,
        order: order.value === 'uncertain' ? 'uncertain' : 'strongest',
        offset: 0,
      }),
    );
  schema.addEventListener('change', apply);
  unsure.addEventListener('change', apply);
  order.addEventListener('change', apply);
  return h(
    'div',
    { class: 'filters' },
    h('label', { for: 'queue-schema' }, t('review.schema')),
    schema,
    h('label', { for: 'queue-order' }, t('review.order')),
    order,
    h('label', { class: 'check', for: 'queue-unsure' }, unsure, ' ', t('review.includeUnsure')),
  );
}

function queueView(q: Queue, queue: QueueParams): Child[] {
  if (q.items.length === 0) {
    return [
      h('p', { 'data-testid': 'queue-count', 'data-total': String(q.total) }, t('review.count', { total: q.total })),
      h('p', { class: 'muted', 'data-testid': 'queue-empty' }, t('review.none')),
      pager(q, queue),
    ];
  }
  const from = queue.offset + 1;
  const to = queue.offset + q.items.length;
  const body = h('tbody', null, q.items.map((item) => queueRow(item, queue.unsure)));
  body.addEventListener('keydown', (event) => {
    const links = [...body.querySelectorAll<HTMLAnchorElement>('a[data-testid="queue-open"]')];
    const at = links.indexOf(document.activeElement as HTMLAnchorElement);
    if (at < 0) return;
    const next = event.key === 'ArrowDown' ? at + 1 : event.key === 'ArrowUp' ? at - 1 : -1;
    if (next < 0 || next >= links.length) return;
    event.preventDefault();
    links[next]?.focus();
  });
  return [
    h(
      'p',
      { 'data-testid': 'queue-count', 'data-total': String(q.total) },
      t('review.range', { from, to, total: q.total }),
    ),
    h(
      'div',
      { class: 'scroll' },
      h(
        'table',
        { class: 'grid queue', 'data-testid': 'queue' },
        tableHead([
          t('review.col.left'),
          t('review.col.right'),
          t('review.col.schema'),
          t('review.col.probability'),
          t('review.col.linked'),
          ...(queue.unsure ? [t('review.col.judgement')] : []),
        ]),
        body,
      ),
    ),
    pager(q, queue),
  ];
}

function side(s: Side): Child[] {
  return [bdi(s.caption || s.id, { class: 'caption' }), h('code', { class: 'muted small side-id', dir: 'ltr' }, s.id)];
}

function queueRow(item: QueueItem, withJudgement: boolean): HTMLElement {
  const href = paths.pair(item.left.id, item.right.id);
  return h(
    'tr',
    {
      class: 'pair-row',
      'data-testid': 'queue-item',
      'data-left': item.left.id,
      'data-right': item.right.id,
      'data-linked': String(item.linked),
      // The whole row opens the pair; the link in it is what the keyboard reaches.
      onclick: (event: Event) => {
        if (event.target instanceof Element && event.target.closest('a, button, input')) return;
        navigate(href);
      },
    },
    h('td', null, h('a', { href, 'data-testid': 'queue-open' }, side(item.left))),
    h('td', null, side(item.right)),
    h('td', null, h('span', { class: 'chip schema' }, item.schema)),
    h('td', null, probability(item.probability)),
    h('td', { 'data-testid': 'queue-linked' }, item.linked ? t('review.yes') : t('review.no')),
    withJudgement ? h('td', null, item.judgement ? verdictLabel(item.judgement) : '') : null,
  );
}

function pager(q: Queue, queue: QueueParams): HTMLElement | null {
  if (q.total <= PAGE && queue.offset === 0) return null;
  const previous = queue.offset > 0 ? paths.review({ ...queue, offset: Math.max(0, queue.offset - PAGE) }) : null;
  const next = queue.offset + PAGE < q.total ? paths.review({ ...queue, offset: queue.offset + PAGE }) : null;
  return h(
    'nav',
    { class: 'pager', 'aria-label': t('review.pages'), 'data-testid': 'pager' },
    previous ? h('a', { href: previous, 'data-testid': 'page-previous' }, t('review.previous')) : h('span', { class: 'muted' }, t('review.previous')),
    next ? h('a', { href: next, 'data-testid': 'page-next' }, t('review.next')) : h('span', { class: 'muted' }, t('review.next')),
  );
}

/** The judgement just recorded, with a way to undo it and to go back to the pair. */
function flashNotice(shown: NonNullable<typeof flash>, afterUndo: () => void): HTMLElement {
  const { left, right, judgement } = shown;
  const notice = h(
    'div',
    { class: 'notice ok', role: 'status', 'data-testid': 'judgement-flash', 'data-judgement': judgement.judgement, 'data-seq': String(judgement.seq) },
  );
  const undo = h(
    'button',
    {
      type: 'button',
      'data-testid': 'flash-undo',
      onclick: async () => {
        undo.disabled = true;
        try {
          await api.undoJudgement(judgement.seq);
          notice.className = 'notice';
          notice.setAttribute('data-undone', 'true');
          fill(notice, t('review.undone', { seq: judgement.seq }), ' ', h('a', { href: paths.pair(left.id, right.id) }, t('review.openPair')));
          afterUndo();
        } catch (error) {
          undo.disabled = false;
          notice.after(errorBox(error));
        }
      },
    },
    t('review.undo'),
  );
  fill(
    notice,
    tn('review.recorded', {
      left: bdi(left.caption || left.id),
      right: bdi(right.caption || right.id),
      judgement: h('strong', { 'data-testid': 'flash-judgement' }, verdictLabel(judgement.judgement)),
    }),
    judgement.note ? [' ', h('span', { class: 'muted' }, '(', bdi(judgement.note), ')')] : null,
    shown.endOfQueue ? [' ', t('review.endOfQueue')] : null,
    ' ',
    undo,
    ' ',
    h('a', { href: paths.pair(left.id, right.id), 'data-testid': 'flash-open-pair' }, t('review.openPair')),
  );
  return notice;
}

// ---------------------------------------------------------------------------------------------
// A pair

export function renderPair(left: string, right: string, ctx: ViewContext, focusHeading: boolean): HTMLElement {
  const page = h('section', { class: 'page pair' }, loading());
  const shown = takeFlash();
  const load = (notice: Node | null, focus: boolean) => {
    api.pair(left, right).then(
      (pair) => {
        if (!ctx.isCurrent()) return;
        fill(page, pairView(pair, ctx, notice ?? (shown ? flashNotice(shown, () => undefined) : null), (n) => load(n, false)));
        page.setAttribute('data-testid', 'pair-page');
        page.setAttribute('data-judgement', pair.judgement ?? '');
        if (focus) page.querySelector<HTMLElement>('h1')?.focus();
      },
      (error) => {
        if (!ctx.isCurrent()) return;
        page.replaceChildren(failurePage(error, ctx.focusReason));
        if (focus) page.querySelector<HTMLElement>('h1')?.focus();
      },
    );
  };
  load(null, focusHeading);
  return page;
}

function sideOf(entity: Entity): Side {
  return { id: entity.id, caption: entity.caption };
}

function pairView(pair: Pair, ctx: ViewContext, notice: Node | null, reload: (notice: Node) => void): Child[] {
  const left = sideOf(pair.left);
  const right = sideOf(pair.right);
  return [
    h('p', { class: 'small back' }, h('a', { href: paths.review(lastQueue), 'data-testid': 'back-to-queue' }, t('review.backToQueue'))),
    notice,
    h(
      'div',
      { class: 'entity-head' },
      h(
        'h1',
        { tabindex: '-1', 'data-testid': 'pair-title' },
        tn('review.pairTitle', { left: bdi(left.caption || left.id), right: bdi(right.caption || right.id) }),
      ),
      h('span', { class: 'chip schema' }, pair.schema),
    ),
    h(
      'p',
      { class: 'summary pair-summary' },
      h('span', { 'data-testid': 'pair-probability' }, t('review.probability'), ' ', probability(pair.probability)),
      h('span', { class: 'muted', dir: 'ltr' }, t('review.bits', { bits: formatBits(pair.bits) })),
      h('span', { 'data-testid': 'pair-linked', 'data-linked': String(pair.linked) }, pair.linked ? t('review.linked') : t('review.notLinked')),
      h(
        'span',
        { 'data-testid': 'pair-judgement', 'data-judgement': pair.judgement ?? 'none' },
        pair.judgement
          ? tn('review.judgedAs', { judgement: h('strong', { class: `verdict verdict-${pair.judgement}` }, verdictLabel(pair.judgement)) })
          : t('review.notJudged'),
      ),
    ),
    h(
      'div',
      { class: 'pair-sides' },
      recordView(pair.left, 'left', ctx),
      recordView(pair.right, 'right', ctx),
    ),
    h(
      'section',
      { class: 'block', 'aria-labelledby': 'evidence-h' },
      h('h2', { id: 'evidence-h' }, t('review.evidence')),
      h('p', { class: 'muted small' }, t('review.evidenceHint')),
      evidenceTable(pair),
    ),
    judgeForm(pair, left, right),
    h(
      'section',
      { class: 'block', 'aria-labelledby': 'judgements-h' },
      h('h2', { id: 'judgements-h' }, t('review.history')),
      h('p', { class: 'muted small' }, t('review.historyHint')),
      judgementHistory(pair.history, reload),
    ),
  ];
}

function recordView(entity: Entity, which: 'left' | 'right', ctx: ViewContext): HTMLElement {
  const labels = entity.labels ?? {};
  const types = entity.types ?? {};
  const propLabel = (prop: string) => labels[prop] ?? prop;
  const props = Object.keys(entity.properties).sort((a, b) =>
    a === 'name' ? -1 : b === 'name' ? 1 : propLabel(a).localeCompare(propLabel(b)),
  );
  const captions = new Map(entity.links.map((l) => [l.id, l]));
  return h(
    'section',
    { class: 'record', 'data-testid': `pair-${which}`, 'data-id': entity.id, 'aria-label': t(which === 'left' ? 'review.leftRecord' : 'review.rightRecord') },
    h(
      'h2',
      null,
      h('a', { href: paths.entity(entity.id), 'data-testid': 'record-caption', title: t('review.openEntity') }, bdi(entity.caption || entity.id)),
    ),
    h('p', { class: 'muted small' }, h('span', { class: 'chip schema' }, entity.schema), ' ', h('code', { dir: 'ltr' }, entity.id)),
    entity.withheld > 0
      ? h(
          'p',
          { class: 'notice warn small', 'data-testid': 'record-withheld' },
          t('withheld.count', { count: entity.withheld }),
          hasReason() ? null : [' ', h('button', { type: 'button', onclick: ctx.focusReason }, t('withheld.giveReason'))],
        )
      : null,
    props.length === 0
      ? h('p', { class: 'muted' }, t('entity.noFacts'))
      : h(
          'div',
          { class: 'scroll' },
          h(
            'table',
            { class: 'grid compact-facts', 'data-testid': 'record-facts' },
            tableHead([t('fact.property'), t('fact.value'), t('fact.dataset'), t('fact.handling')]),
            props.map((prop) => {
              const facts = entity.properties[prop] ?? [];
              return h(
                'tbody',
                null,
                facts.map((fact, i) =>
                  h(
                    'tr',
                    { 'data-testid': 'record-fact', 'data-prop': prop },
                    i === 0 ? h('th', { scope: 'rowgroup', rowspan: String(facts.length), class: 'prop', title: prop }, propLabel(prop)) : null,
                    h('td', { class: 'value' }, valueNode(fact.value, types[prop], captions)),
                    h('td', { 'data-testid': 'record-dataset' }, bdi(fact.dataset)),
                    h('td', null, handlingBadge(fact.handling)),
                  ),
                ),
              );
            }),
          ),
        ),
  );
}

/** The level in the reader's language when the catalogue has it, else the node's English. */
function levelLabel(e: Evidence): string {
  const key = `level.${e.kind}.${e.level}`;
  return has(key) ? t(key) : e.level_label;
}

function bitsCell(bits: number): HTMLElement {
  const kind = bits > 0 ? 'pos' : bits < 0 ? 'neg' : 'zero';
  return h(
    'span',
    { class: `bits ${kind}` },
    h('span', { class: 'bits-value', dir: 'ltr' }, formatBits(bits)),
    bar(Math.abs(bits) / FULL_BITS, `bits-bar ${kind}`),
  );
}

function evidenceValue(value: string): Child {
  return value ? h('span', { dir: 'auto', class: 'ev-value' }, value) : h('span', { class: 'muted' }, '—');
}

function evidenceTable(pair: Pair): HTMLElement {
  if (pair.evidence.length === 0) return h('p', { class: 'muted' }, t('evidence.none'));
  const row = (e: Evidence) =>
    h(
      'tr',
      {
        'data-testid': 'evidence-row',
        'data-comparison': e.comparison,
        'data-bits': String(e.bits),
        class: e.bits > 0 ? 'pos' : e.bits < 0 ? 'neg' : 'zero',
      },
      h('th', { scope: 'row' }, bdi(e.comparison)),
      h('td', { 'data-testid': 'evidence-left' }, evidenceValue(e.left_value)),
      h('td', { 'data-testid': 'evidence-right' }, evidenceValue(e.right_value)),
      h('td', { 'data-testid': 'evidence-level', 'data-level': String(e.level) }, e.level === 0 ? h('span', { class: 'muted' }, t('evidence.noValue')) : bdi(levelLabel(e))),
      h('td', { class: 'num', 'data-testid': 'evidence-bits' }, bitsCell(e.bits)),
      h(
        'td',
        { class: 'num', 'data-testid': 'evidence-frequency' },
        // Shown when it is not zero as rounded: an adjustment of 0.001 bits says nothing.
        formatBits(e.frequency_bits) !== formatBits(0) ? h('span', { dir: 'ltr', class: 'freq' }, formatBits(e.frequency_bits)) : null,
      ),
      h('td', { class: 'small detail' }, e.detail ? h('span', { dir: 'auto' }, e.detail) : null),
    );
  return h(
    'div',
    { class: 'scroll' },
    h(
      'table',
      { class: 'grid evidence', 'data-testid': 'evidence' },
      tableHead([
        t('evidence.comparison'),
        t('evidence.left'),
        t('evidence.right'),
        t('evidence.level'),
        t('evidence.bits'),
        t('evidence.frequency'),
        t('evidence.detail'),
      ]),
      h(
        'tbody',
        null,
        h(
          'tr',
          { 'data-testid': 'evidence-prior' },
          h('th', { scope: 'row', colspan: '4' }, t('evidence.prior')),
          h('td', { class: 'num' }, bitsCell(pair.prior_bits)),
          h('td', { colspan: '2', class: 'muted small' }, t('evidence.priorHint')),
        ),
        pair.evidence.map(row),
      ),
      h(
        'tfoot',
        null,
        h(
          'tr',
          null,
          h('th', { scope: 'row', colspan: '4' }, t('evidence.overall')),
          h('td', { class: 'num' }, bitsCell(pair.bits)),
          h(
            'td',
            { colspan: '2' },
            probability(pair.probability),
            pair.identical ? [' ', h('span', { class: 'muted small', 'data-testid': 'evidence-identical' }, t('evidence.identical'))] : null,
          ),
        ),
      ),
    ),
  );
}

function judgeForm(pair: Pair, left: Side, right: Side): HTMLElement {
  const note = h('textarea', {
    id: 'judge-note',
    rows: '2',
    maxlength: '1000',
    dir: 'auto',
    'data-testid': 'judge-note',
    placeholder: t('review.notePlaceholder'),
  });
  const message = h('div', { class: 'form-message', 'aria-live': 'polite', 'data-testid': 'judge-message' });
  const buttons = VERDICTS.map((verdict) =>
    h(
      'button',
      {
        type: 'button',
        class: `judge verdict-${verdict}`,
        'data-testid': `judge-${verdict}`,
        'aria-pressed': String(pair.judgement === verdict),
        onclick: () => void submit(verdict),
      },
      verdictLabel(verdict),
    ),
  );
  const submit = async (verdict: Verdict) => {
    for (const b of buttons) b.disabled = true;
    message.replaceChildren();
    const text = note.value.trim();
    try {
      const judgement = await api.judge({ left: left.id, right: right.id, judgement: verdict, ...(text ? { note: text } : {}) });
      const next = await nextPair(left.id, right.id);
      flash = { left, right, judgement, endOfQueue: next === null };
      navigate(next ? paths.pair(next.left.id, next.right.id) : paths.review(lastQueue));
    } catch (error) {
      // A conflict (a `same` that would join records judged different) is the node's to
      // explain: its detail names the pair that was judged different.
      message.replaceChildren(errorBox(error));
      for (const b of buttons) b.disabled = false;
    }
  };
  return h(
    'section',
    { class: 'block judge-block', 'aria-labelledby': 'judge-h', 'data-testid': 'judge-form' },
    h('h2', { id: 'judge-h' }, t('review.judge')),
    h('label', { for: 'judge-note' }, t('review.note')),
    note,
    h('div', { class: 'judge-buttons', role: 'group', 'aria-label': t('review.judge') }, buttons),
    message,
  );
}

/** The strongest open pair of the queue the reviewer came from, other than the one just
 * judged; null when there is none (or the queue cannot be read). */
async function nextPair(a: string, b: string): Promise<QueueItem | null> {
  try {
    const q = await api.queue({ ...lastQueue, offset: 0, limit: 20 });
    const others = q.items.filter((i) => !samePair(i, a, b));
    return others.find((i) => i.judgement === null) ?? others[0] ?? null;
  } catch {
    return null;
  }
}

function judgementHistory(history: Judgement[], reload: (notice: Node) => void): HTMLElement {
  if (history.length === 0) return h('p', { class: 'muted', 'data-testid': 'no-judgements' }, t('review.noHistory'));
  // The node keeps, per pair, a stack of judgements: a judgement pushes, an undo pops the one
  // in force (and the one before it holds again).
  const stack: Judgement[] = [];
  const undoneBy = new Map<number, number>();
  for (const j of history) {
    if (j.judgement === 'withdrawn') {
      const top = stack[stack.length - 1];
      if (top && top.seq === j.undoes) {
        stack.pop();
        undoneBy.set(top.seq, j.seq);
      }
    } else {
      stack.push(j);
    }
  }
  const inForce = stack[stack.length - 1]?.seq ?? null;
  const message = h('div', { class: 'form-message', 'aria-live': 'polite', 'data-testid': 'history-message' });

  const undoButton = (j: Judgement) =>
    h(
      'button',
      {
        type: 'button',
        'data-testid': 'undo-judgement',
        onclick: async (event: Event) => {
          const button = event.currentTarget as HTMLButtonElement;
          button.disabled = true;
          try {
            await api.undoJudgement(j.seq);
            reload(h('div', { class: 'notice ok', role: 'status', 'data-testid': 'undo-done' }, t('review.undone', { seq: j.seq })));
          } catch (error) {
            message.replaceChildren(errorBox(error));
            button.disabled = false;
          }
        },
      },
      t('review.undo'),
    );

  const rows = history.map((j) => {
    const withdrawal = j.judgement === 'withdrawn';
    const undone = undoneBy.get(j.seq);
    const state = withdrawal ? 'withdrawal' : j.seq === inForce ? 'in-force' : undone !== undefined ? 'undone' : 'replaced';
    const stateCell: Child =
      state === 'withdrawal'
        ? t('review.undoes', { seq: j.undoes ?? 0 })
        : state === 'in-force'
          ? [h('strong', null, t('review.inForce')), ' ', undoButton(j)]
          : state === 'undone'
            ? t('review.undoneBy', { seq: undone ?? 0 })
            : t('review.replaced');
    return h(
      'tr',
      { 'data-testid': 'judgement-row', 'data-seq': String(j.seq), 'data-judgement': j.judgement, 'data-state': state, class: `state-${state}` },
      h('td', { class: 'num' }, formatNumber(j.seq)),
      h('td', null, state === 'undone' ? h('del', null, verdictLabel(j.judgement)) : verdictLabel(j.judgement)),
      h('td', null, bdi(j.user)),
      h('td', null, h('time', { datetime: j.at, dir: 'ltr', title: j.at }, formatTime(j.at))),
      h('td', { 'data-testid': 'judgement-note' }, j.note ? h('span', { dir: 'auto' }, j.note) : null),
      h('td', { 'data-testid': 'judgement-state' }, stateCell),
    );
  });
  return h(
    'div',
    null,
    message,
    h(
      'div',
      { class: 'scroll' },
      h(
        'table',
        { class: 'grid judgements', 'data-testid': 'judgement-history' },
        tableHead([t('jh.seq'), t('jh.judgement'), t('jh.user'), t('jh.at'), t('jh.note'), t('jh.state')]),
        h('tbody', null, rows),
      ),
    ),
  );
}
