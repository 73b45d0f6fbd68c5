// Network analysis (analysts, investigators): the networks the node finds, with their likely
// organisers and brokers and why; the neighbourhood of any entity drawn as a graph coloured by
// network, expanded node by node, filtered by kind of link and by time; the paths between two
// entities highlighted; the events between selected entities on a timeline; money followed
// forwards or backwards. Everything comes from what the user may read.

import { api, exportNetwork, type NetworkFilter } from '../api';
import { bdi, fill, h } from '../dom';
import { formatTime, t } from '../i18n';
import { navigate, paths } from '../router';
import { NETWORK_ROLES, type MoneyTrace, type NetworkEdge, type NetworkFinding, type NetworkGraph, type NetworkNode, type RankedMember } from '../types';
import { errorBox, failurePage, loading, notPermitted } from './common';
import type { ViewContext } from './context';

const SVG = 'http://www.w3.org/2000/svg';
const WIDTH = 900;
const HEIGHT = 560;
/** Twelve colours that stay apart for common colour blindness (Okabe–Ito and Tol's muted). */
const COLOURS = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442', '#332288', '#117733', '#882255', '#44AA99', '#999933'];

function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number>): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  return el;
}

interface Placed extends NetworkNode {
  x: number;
  y: number;
}

/** What the view holds: the drawn graph, grown by expansions, and the user's selection. */
interface State {
  nodes: Map<string, Placed>;
  edges: NetworkEdge[];
  kinds: string[];
  selected: string[];
  path: Set<string>;
  filter: NetworkFilter;
  hops: number;
}

function edgeKey(e: NetworkEdge): string {
  return `${e.source}|${e.target}|${e.kind}|${e.time ?? ''}|${e.evidence.join(',')}`;
}

/** A force layout, run to rest before drawing: springs along edges, repulsion between all
 * nodes (a few hundred at most), a pull to the centre. Seeded positions on a circle keep
 * the same graph in the same shape. */
function layout(state: State): void {
  const nodes = [...state.nodes.values()];
  const index = new Map(nodes.map((n, i) => [n.id, i]));
  nodes.forEach((n, i) => {
    if (!Number.isFinite(n.x) || !Number.isFinite(n.y)) {
      const angle = (2 * Math.PI * i) / Math.max(1, nodes.length);
      n.x = WIDTH / 2 + Math.cos(angle) * WIDTH * 0.3;
      n.y = HEIGHT / 2 + Math.sin(angle) * HEIGHT * 0.3;
    }
  });
  const links = state.edges
    .map((e) => [index.get(e.source), index.get(e.target)] as const)
    .filter((p): p is readonly [number, number] => p[0] !== undefined && p[1] !== undefined);
  const ideal = Math.max(40, Math.min(110, 600 / Math.sqrt(nodes.length + 1)));
  for (let step = 0; step < 250; step++) {
    const cooling = 1 - step / 250;
    const dx = new Float64Array(nodes.length);
    const dy = new Float64Array(nodes.length);
    for (let i = 0; i < nodes.length; i++) {
      for (let j = i + 1; j < nodes.length; j++) {
        const a = nodes[i] as Placed;
        const b = nodes[j] as Placed;
        let x = a.x - b.x;
        let y = a.y - b.y;
        const d2 = Math.max(1, x * x + y * y);
        const force = (ideal * ideal) / d2;
        x *= force;
        y *= force;
        dx[i] = (dx[i] ?? 0) + x;
        dy[i] = (dy[i] ?? 0) + y;
        dx[j] = (dx[j] ?? 0) - x;
        dy[j] = (dy[j] ?? 0) - y;
      }
    }
    for (const [i, j] of links) {
      const a = nodes[i] as Placed;
      const b = nodes[j] as Placed;
      const x = b.x - a.x;
      const y = b.y - a.y;
      const d = Math.max(1, Math.hypot(x, y));
      const pull = (d - ideal) / d / 2;
      dx[i] = (dx[i] ?? 0) + x * pull;
      dy[i] = (dy[i] ?? 0) + y * pull;
      dx[j] = (dx[j] ?? 0) - x * pull;
      dy[j] = (dy[j] ?? 0) - y * pull;
    }
    nodes.forEach((n, i) => {
      const mx = (dx[i] ?? 0) + (WIDTH / 2 - n.x) * 0.01;
      const my = (dy[i] ?? 0) + (HEIGHT / 2 - n.y) * 0.01;
      const m = Math.hypot(mx, my);
      const limit = 12 * cooling + 0.5;
      const scale = m > limit ? limit / m : 1;
      n.x = Math.min(WIDTH - 110, Math.max(20, n.x + mx * scale));
      n.y = Math.min(HEIGHT - 20, Math.max(20, n.y + my * scale));
    });
  }
}

function colourOf(community: number | null): string {
  return community === null || community === undefined ? '#8a8a8a' : (COLOURS[community % COLOURS.length] as string);
}

function describeEdge(e: NetworkEdge): string {
  const parts = [e.kind];
  if (e.time) parts.push(formatTime(e.time));
  if (e.amount !== undefined) parts.push(`${e.amount}${e.currency ? ` ${e.currency}` : ''}`);
  if (e.times && e.times > 1) parts.push(t('network.times', { times: e.times }));
  return parts.join(' · ');
}

export function renderNetwork(entity: string, ctx: ViewContext, focusHeading: boolean): HTMLElement {
  // The node refuses the others anyway; they are not shown an empty page first.
  if (!NETWORK_ROLES.some((role) => ctx.session.user.roles.includes(role))) {
    return h('section', { class: 'page' }, notPermitted());
  }
  const heading = h('h1', { tabindex: '-1' }, t('network.title'));
  const state: State = {
    nodes: new Map(),
    edges: [],
    kinds: [],
    selected: [],
    path: new Set(),
    filter: { kinds: [], since: '', until: '' },
    hops: 2,
  };
  const canvas = h('div', { class: 'network-canvas', 'data-testid': 'network-canvas' });
  const details = h('div', { class: 'network-details', 'data-testid': 'network-details' }, h('p', { class: 'muted' }, t('network.pick')));
  const results = h('div', { class: 'network-results', 'data-testid': 'network-results' });
  const findingsBox = h('div', { 'data-testid': 'findings' }, loading());
  const kindsBox = h('fieldset', { class: 'kinds', 'data-testid': 'network-kinds' }, h('legend', null, t('network.kinds')));
  const since = h('input', { type: 'date', 'data-testid': 'network-since', 'aria-label': t('network.since') });
  const until = h('input', { type: 'date', 'data-testid': 'network-until', 'aria-label': t('network.until') });
  const hopsSelect = h(
    'select',
    { 'data-testid': 'network-hops', 'aria-label': t('network.hops') },
    [1, 2, 3].map((n) => h('option', { value: n, selected: n === state.hops }, t('network.hopsN', { hops: n }))),
  );
  const entityInput = h('input', {
    type: 'text',
    dir: 'auto',
    value: entity,
    'data-testid': 'network-entity',
    'aria-label': t('network.entity'),
    placeholder: t('network.entity'),
  });

  const actions = {
    path: h('button', { type: 'button', 'data-testid': 'network-path', disabled: true, onclick: () => findPath() }, t('network.path')),
    timeline: h('button', { type: 'button', 'data-testid': 'network-timeline', disabled: true, onclick: () => showTimeline() }, t('network.timeline')),
    moneyOut: h('button', { type: 'button', 'data-testid': 'network-money', disabled: true, onclick: () => followMoney(false) }, t('network.moneyOut')),
    moneyIn: h('button', { type: 'button', disabled: true, onclick: () => followMoney(true) }, t('network.moneyIn')),
    expand: h('button', { type: 'button', 'data-testid': 'network-expand', disabled: true, onclick: () => expandSelected() }, t('network.expand')),
  };

  const refreshButtons = () => {
    actions.path.disabled = state.selected.length !== 2;
    actions.timeline.disabled = state.selected.length === 0;
    actions.moneyOut.disabled = state.selected.length !== 1;
    actions.moneyIn.disabled = state.selected.length !== 1;
    actions.expand.disabled = state.selected.length === 0;
  };

  const draw = () => {
    const root = svg('svg', { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, role: 'img', 'aria-label': t('network.drawing', { nodes: state.nodes.size, edges: state.edges.length }), 'data-testid': 'network-svg' });
    const marker = svg('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 18, refY: 5, markerWidth: 6, markerHeight: 6, orient: 'auto-start-reverse' });
    marker.appendChild(svg('path', { d: 'M 0 0 L 10 5 L 0 10 z', fill: '#555' }));
    const defs = svg('defs', {});
    defs.appendChild(marker);
    root.appendChild(defs);
    for (const e of state.edges) {
      const a = state.nodes.get(e.source);
      const b = state.nodes.get(e.target);
      if (!a || !b) continue;
      const onPath = state.path.has(edgeKey(e));
      const line = svg('line', {
        x1: a.x,
        y1: a.y,
        x2: b.x,
        y2: b.y,
        class: `edge kind-${e.kind}${onPath ? ' on-path' : ''}`,
        'data-kind': e.kind,
        'data-source': e.source,
        'data-target': e.target,
        ...(e.directed ? { 'marker-end': 'url(#arrow)' } : {}),
      });
      const title = svg('title', {});
      title.textContent = describeEdge(e);
      line.appendChild(title);
      root.appendChild(line);
    }
    for (const n of state.nodes.values()) {
      const selected = state.selected.includes(n.id);
      const g = svg('g', {
        class: `node${selected ? ' selected' : ''}${state.path.has(n.id) ? ' on-path' : ''}`,
        transform: `translate(${n.x.toFixed(1)},${n.y.toFixed(1)})`,
        'data-id': n.id,
        'data-community': n.community ?? '',
        tabindex: 0,
        role: 'button',
        'aria-pressed': String(selected),
        'aria-label': `${n.caption} (${n.schema || '?'})`,
      });
      const shape = n.schema === 'Person' || n.schema === '' ? svg('circle', { r: 9 }) : svg('rect', { x: -8, y: -8, width: 16, height: 16, rx: 3 });
      shape.setAttribute('fill', colourOf(n.community));
      g.appendChild(shape);
      const text = svg('text', { x: 12, y: 4 });
      text.textContent = n.caption.length > 24 ? `${n.caption.slice(0, 23)}…` : n.caption;
      g.appendChild(text);
      g.addEventListener('click', (event) => select(n.id, (event as MouseEvent).shiftKey || (event as MouseEvent).ctrlKey));
      g.addEventListener('dblclick', () => expand(n.id));
      g.addEventListener('keydown', (event) => {
        const key = (event as KeyboardEvent).key;
        if (key === 'Enter' || key === ' ') {
          event.preventDefault();
          select(n.id, true);
        }
      });
      root.appendChild(g);
    }
    fill(canvas, state.nodes.size === 0 ? h('p', { class: 'muted' }, t('network.empty')) : root);
  };

  const showDetails = () => {
    const chosen = state.selected.map((id) => state.nodes.get(id)).filter((n): n is Placed => n !== undefined);
    if (chosen.length === 0) {
      fill(details, h('p', { class: 'muted' }, t('network.pick')));
      return;
    }
    fill(
      details,
      chosen.map((n) => {
        const links = state.edges.filter((e) => e.source === n.id || e.target === n.id);
        return h(
          'div',
          { class: 'node-card', 'data-testid': 'node-card', 'data-id': n.id },
          h('h2', null, h('a', { href: paths.entity(n.id), 'data-testid': 'node-entity-link' }, bdi(n.caption))),
          h('p', { class: 'small' }, n.schema, n.community !== null ? [' · ', t('network.memberOf', { network: n.community + 1 })] : null),
          n.records.length > 1 ? h('p', { class: 'small' }, t('network.records', { count: n.records.length })) : null,
          h('ul', { class: 'edge-list' }, links.slice(0, 12).map((e) => {
            const other = state.nodes.get(e.source === n.id ? e.target : e.source);
            return h('li', null, describeEdge(e), ' — ', bdi(other?.caption ?? ''), h('span', { class: 'evidence small' }, ` [${e.evidence.slice(0, 3).join(', ')}]`));
          })),
        );
      }),
    );
  };

  const select = (id: string, add: boolean) => {
    if (add) {
      state.selected = state.selected.includes(id) ? state.selected.filter((s) => s !== id) : [...state.selected, id].slice(-2);
    } else {
      state.selected = state.selected.length === 1 && state.selected[0] === id ? [] : [id];
    }
    refreshButtons();
    draw();
    showDetails();
  };

  const merge = (graph: NetworkGraph) => {
    for (const n of graph.nodes) {
      const known = state.nodes.get(n.id);
      if (known) known.community = n.community;
      else state.nodes.set(n.id, { ...n, x: Number.NaN, y: Number.NaN });
    }
    const seen = new Set(state.edges.map(edgeKey));
    for (const e of graph.edges) if (!seen.has(edgeKey(e))) state.edges.push(e);
    for (const k of graph.kinds) if (!state.kinds.includes(k)) state.kinds.push(k);
    renderKinds();
  };

  const renderKinds = () => {
    fill(
      kindsBox,
      h('legend', null, t('network.kinds')),
      state.kinds.map((k) => {
        const box = h('input', { type: 'checkbox', value: k, checked: state.filter.kinds.length === 0 || state.filter.kinds.includes(k), 'data-kind': k });
        box.addEventListener('change', () => {
          const checked = [...kindsBox.querySelectorAll('input:checked')].map((el) => (el as HTMLInputElement).value);
          state.filter.kinds = checked.length === state.kinds.length ? [] : checked;
        });
        return h('label', { class: 'kind' }, box, ' ', k);
      }),
    );
  };

  const show = (id: string) => {
    const target = id.trim();
    if (!target) return;
    state.filter.since = since.value;
    state.filter.until = until.value;
    state.hops = Number(hopsSelect.value) || 2;
    fill(canvas, loading());
    api.neighbourhood(target, state.hops, state.filter).then(
      (graph) => {
        if (!ctx.isCurrent()) return;
        state.nodes.clear();
        state.edges = [];
        state.path.clear();
        state.selected = [target];
        merge(graph);
        layout(state);
        draw();
        showDetails();
        refreshButtons();
        fill(results, graph.truncated ? h('p', { class: 'notice warn' }, t('network.truncated')) : null);
      },
      (error) => ctx.isCurrent() && fill(canvas, failurePage(error, ctx.focusReason)),
    );
  };

  const expand = (id: string) => {
    api.neighbourhood(id, 1, state.filter).then(
      (graph) => {
        if (!ctx.isCurrent()) return;
        merge(graph);
        layout(state);
        draw();
        showDetails();
      },
      (error) => ctx.isCurrent() && fill(results, errorBox(error)),
    );
  };

  const expandSelected = () => state.selected.forEach(expand);

  const findPath = () => {
    const [a, b] = state.selected;
    if (!a || !b) return;
    api.networkPaths(a, b, 'all_shortest', state.filter).then(
      (r) => {
        if (!ctx.isCurrent()) return;
        state.path.clear();
        for (const p of r.paths) {
          merge({ nodes: p.nodes, edges: p.edges, truncated: false, kinds: [] });
          p.nodes.forEach((n) => state.path.add(n.id));
          p.edges.forEach((e) => state.path.add(edgeKey(e)));
        }
        layout(state);
        draw();
        fill(
          results,
          h('h2', null, t('network.pathsTitle')),
          r.paths.length === 0
            ? h('p', { class: 'muted', 'data-testid': 'no-path' }, t('network.noPath'))
            : h('ol', { 'data-testid': 'paths' }, r.paths.map((p) => h('li', null, p.nodes.map((n, i) => [i > 0 ? ` —${p.edges[i - 1]?.kind ?? ''}→ ` : '', bdi(n.caption)])))),
        );
      },
      (error) => ctx.isCurrent() && fill(results, errorBox(error)),
    );
  };

  const showTimeline = () => {
    api.timeline(state.selected).then(
      (r) => {
        if (!ctx.isCurrent()) return;
        fill(results, h('h2', null, t('network.timelineTitle')), timelineChart(r.events, state));
      },
      (error) => ctx.isCurrent() && fill(results, errorBox(error)),
    );
  };

  const followMoney = (backwards: boolean) => {
    const [id] = state.selected;
    if (!id) return;
    api.money(id, backwards).then(
      (trace) => ctx.isCurrent() && fill(results, moneyTable(trace)),
      (error) => ctx.isCurrent() && fill(results, errorBox(error)),
    );
  };

  const download = (format: string) => {
    exportNetwork(format, state.selected[0] ?? null).then(
      (blob) => {
        const url = URL.createObjectURL(blob);
        const a = h('a', { href: url, download: `corridor-network.${format}` });
        document.body.appendChild(a);
        a.click();
        a.remove();
        setTimeout(() => URL.revokeObjectURL(url), 10_000);
      },
      (error) => ctx.isCurrent() && fill(results, errorBox(error)),
    );
  };

  const form = h(
    'form',
    { class: 'network-form', 'data-testid': 'network-form' },
    entityInput,
    hopsSelect,
    since,
    until,
    h('button', { type: 'submit', 'data-testid': 'network-show' }, t('network.show')),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const id = entityInput.value.trim();
    if (id && id !== entity) navigate(paths.network(id));
    else show(id);
  });

  api.findings().then(
    (r) => ctx.isCurrent() && fill(findingsBox, findingsList(r.networks, (id) => navigate(paths.network(id)))),
    (error) => ctx.isCurrent() && fill(findingsBox, failurePage(error, ctx.focusReason)),
  );
  if (entity) show(entity);
  else draw();
  if (focusHeading) queueMicrotask(() => heading.focus());

  return h(
    'section',
    { class: 'page network', 'data-testid': 'network-page' },
    heading,
    h('p', { class: 'muted' }, t('network.intro')),
    form,
    kindsBox,
    h(
      'div',
      { class: 'network-actions', role: 'toolbar', 'aria-label': t('network.actions') },
      actions.expand,
      actions.path,
      actions.timeline,
      actions.moneyOut,
      actions.moneyIn,
      ['graphml', 'gexf', 'anx'].map((f) => h('button', { type: 'button', 'data-export': f, onclick: () => download(f) }, t('network.export', { format: f.toUpperCase() }))),
    ),
    h('div', { class: 'network-layout' }, canvas, details),
    results,
    h('h2', null, t('network.findings')),
    findingsBox,
  );
}

function rankedList(title: string, members: RankedMember[], open: (id: string) => void): HTMLElement | null {
  if (members.length === 0) return null;
  return h(
    'div',
    { class: 'ranked' },
    h('h4', null, title),
    h(
      'ul',
      null,
      members.map((m) =>
        h(
          'li',
          { 'data-testid': 'ranked-member', 'data-id': m.node.id },
          h('button', { type: 'button', class: 'link', onclick: () => open(m.node.id) }, bdi(m.node.caption)),
          h('ul', { class: 'reasons', 'data-testid': 'reasons' }, m.reasons.map((r) => h('li', null, bdi(r)))),
        ),
      ),
    ),
  );
}

function findingsList(networks: NetworkFinding[], open: (id: string) => void): HTMLElement {
  if (networks.length === 0) return h('p', { class: 'muted', 'data-testid': 'no-findings' }, t('network.noFindings'));
  return h(
    'ol',
    { class: 'findings' },
    networks.map((f, i) =>
      h(
        'li',
        { 'data-testid': 'finding', 'data-network': f.network },
        // The largest networks open; the others one click away, so the list stays readable.
        h(
          'details',
          { open: i < 3 },
          h(
            'summary',
            null,
            h('span', { class: 'swatch', style: `background:${colourOf(f.network)}` }),
            ' ',
            h('strong', null, t('network.networkN', { network: f.network + 1 })),
            ' — ',
            bdi(f.summary),
          ),
          rankedList(t('network.organisers'), f.organisers, open),
          rankedList(t('network.brokers'), f.brokers, open),
        ),
      ),
    ),
  );
}

/** Dated events on one axis: a dot per event, coloured by kind, its description as a title. */
function timelineChart(events: NetworkEdge[], state: State): HTMLElement {
  const dated = events.filter((e) => e.time);
  if (dated.length === 0) return h('p', { class: 'muted', 'data-testid': 'no-events' }, t('network.noEvents'));
  const times = dated.map((e) => Date.parse(e.time as string));
  const min = Math.min(...times);
  const max = Math.max(...times);
  const span = Math.max(1, max - min);
  const root = svg('svg', { viewBox: `0 0 ${WIDTH} 70`, class: 'timeline', role: 'img', 'aria-label': t('network.timelineTitle'), 'data-testid': 'timeline-svg' });
  root.appendChild(svg('line', { x1: 20, y1: 40, x2: WIDTH - 20, y2: 40, class: 'axis' }));
  const kinds = [...new Set(dated.map((e) => e.kind))];
  dated.forEach((e, i) => {
    const x = 20 + (((times[i] as number) - min) / span) * (WIDTH - 40);
    const dot = svg('circle', { cx: x.toFixed(1), cy: 40 - 8 * (kinds.indexOf(e.kind) % 4), r: 5, fill: COLOURS[kinds.indexOf(e.kind) % COLOURS.length] as string, 'data-kind': e.kind });
    const title = svg('title', {});
    title.textContent = `${describeEdge(e)}: ${state.nodes.get(e.source)?.caption ?? e.source} → ${state.nodes.get(e.target)?.caption ?? e.target}`;
    dot.appendChild(title);
    root.appendChild(dot);
  });
  for (const [x, label] of [[20, formatTime(new Date(min).toISOString())], [WIDTH - 20, formatTime(new Date(max).toISOString())]] as const) {
    const text = svg('text', { x, y: 62, 'text-anchor': x === 20 ? 'start' : 'end', class: 'small' });
    text.textContent = label;
    root.appendChild(text);
  }
  return h(
    'div',
    null,
    root,
    h(
      'ol',
      { class: 'events', 'data-testid': 'events' },
      dated.map((e) => h('li', null, describeEdge(e), ': ', bdi(state.nodes.get(e.source)?.caption ?? e.source), ' → ', bdi(state.nodes.get(e.target)?.caption ?? e.target))),
    ),
  );
}

function moneyTable(trace: MoneyTrace): HTMLElement {
  return h(
    'div',
    { 'data-testid': 'money' },
    h('h2', null, trace.backwards ? t('network.moneyIn') : t('network.moneyOut')),
    h('p', null, bdi(trace.explanation)),
    trace.flows.length === 0
      ? null
      : h(
          'table',
          { class: 'money' },
          h('thead', null, h('tr', null, h('th', { scope: 'col' }, t('network.col.who')), h('th', { scope: 'col' }, t('network.col.amount')), h('th', { scope: 'col' }, t('network.col.hops')))),
          h(
            'tbody',
            null,
            trace.flows.slice(0, 30).map((f) =>
              h('tr', { 'data-testid': 'money-flow' }, h('td', null, h('a', { href: paths.entity(f.node.id) }, bdi(f.node.caption))), h('td', { dir: 'ltr' }, f.amount.toFixed(0)), h('td', null, String(f.hops))),
            ),
          ),
        ),
  );
}
