// Charts for the Research page, drawn as SVG by hand: columns (a value per year), bars (a value
// per route or cause, labelled), and small multiples (one line per route over the years, all on
// the same scale). Every bar and point carries a <title> with the exact figures. In a
// right-to-left page the drawing is mirrored: labels and the value axis on the right, bars
// growing leftwards, time running from right to left. Numbers stay in Latin digits.

import { h } from '../dom';
import { formatNumber } from '../i18n';

const NS = 'http://www.w3.org/2000/svg';

type SvgAttrs = Record<string, string | number | null | undefined>;

export function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: SvgAttrs = {}, ...children: (Node | string | null)[]): SVGElementTagNameMap[K] {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== null && v !== undefined) el.setAttribute(k, String(v));
  for (const child of children) if (child !== null) el.append(child);
  return el;
}

/** A tooltip: the exact figures of a bar or point, also read out by screen readers. */
export function tooltip(text: string): SVGTitleElement {
  return svg('title', {}, text);
}

export function isRtl(): boolean {
  return document.documentElement.dir === 'rtl';
}

/** Round steps (1, 2, 5 × 10ⁿ) from 0 to at least `max`, about `count` of them. */
export function ticks(max: number, count = 5): number[] {
  if (!(max > 0)) return [0, 1];
  const raw = max / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 5, 10].find((m) => m * power >= raw) ?? 10) * power;
  const out: number[] = [];
  for (let v = 0; v < max + step * 0.999; v += step) out.push(Math.round(v * 1e6) / 1e6);
  return out;
}

/** Geometry that mirrors in right-to-left pages: `x` from the reading start, and the anchor
 * for text that should end (`towardsEnd` false) or start at that x. The SVG inherits the page's
 * direction, so `start` is the right edge of a text in Arabic. */
function mirror(width: number) {
  const rtl = isRtl();
  return {
    x: (v: number) => (rtl ? width - v : v),
    /** Text placed before x in reading order (its end at x). */
    before: 'end',
    /** Text placed after x in reading order (its start at x). */
    after: 'start',
    rtl,
  };
}

/** Splits a label into at most two lines of about `width` characters; longer ones end in "…". */
function wrap(text: string, width: number): string[] {
  if (text.length <= width) return [text];
  const words = text.split(/\s+/);
  const lines: string[] = [''];
  for (const word of words) {
    const last = lines.length - 1;
    const line = lines[last] ?? '';
    if (!line || line.length + 1 + word.length <= width) lines[last] = line ? `${line} ${word}` : word;
    else lines.push(word);
  }
  if (lines.length <= 2) return lines;
  const second = lines.slice(1).join(' ');
  return [lines[0] ?? '', `${second.slice(0, width - 1).trimEnd()}…`];
}

export interface Column {
  key: string;
  label: string;
  value: number;
  title: string;
}

/** Vertical bars, one per key (a year), with the value axis and tick labels. */
export function columnChart(testid: string, caption: string, columns: Column[]): SVGSVGElement {
  const W = 640;
  const H = 270;
  const top = 18;
  const bottom = 26;
  const axis = 52;
  const end = 10;
  const m = mirror(W);
  const max = Math.max(1, ...columns.map((c) => c.value));
  const scale = ticks(max);
  const top_ = scale[scale.length - 1] ?? max;
  const plotH = H - top - bottom;
  const y = (v: number) => top + plotH - (v / top_) * plotH;
  const band = (W - axis - end) / Math.max(1, columns.length);
  const root = svg('svg', { viewBox: `0 0 ${W} ${H}`, class: 'chart columns', role: 'img', 'aria-label': caption, 'data-testid': testid });
  for (const v of scale) {
    root.append(
      svg('line', { class: v === 0 ? 'axis' : 'gridline', x1: m.x(axis), x2: m.x(W - end), y1: y(v), y2: y(v) }),
      svg('text', { class: 'tick', x: m.x(axis - 6), y: y(v) + 4, 'text-anchor': m.before }, formatNumber(v)),
    );
  }
  const every = Math.ceil(columns.length / 14);
  columns.forEach((c, i) => {
    const centre = axis + band * (i + 0.5);
    const width = Math.max(2, band * 0.68);
    const height = Math.max(c.value > 0 ? 1 : 0, y(0) - y(c.value));
    root.append(
      svg('rect', { class: 'mark', x: m.x(centre) - width / 2, y: y(0) - height, width, height, 'data-key': c.key, 'data-value': c.value }, tooltip(c.title)),
    );
    if (columns.length <= 16) {
      root.append(svg('text', { class: 'value', x: m.x(centre), y: y(0) - height - 4, 'text-anchor': 'middle' }, formatNumber(c.value)));
    }
    if (i % every === 0) root.append(svg('text', { class: 'tick', x: m.x(centre), y: H - bottom + 16, 'text-anchor': 'middle' }, c.label));
  });
  return root;
}

export interface Bar {
  key: string;
  label: string;
  value: number;
  title: string;
}

/** Horizontal bars with their labels (wrapped to two lines), the longest first, and the value
 * at each bar's end. */
export function barChart(testid: string, caption: string, bars: Bar[]): SVGSVGElement {
  const W = 640;
  const label = 250;
  const valueRoom = 52;
  const row = 30;
  const top = 6;
  const bottom = 24;
  const H = top + row * bars.length + bottom;
  const m = mirror(W);
  const max = Math.max(1, ...bars.map((b) => b.value));
  const scale = ticks(max, 4);
  const top_ = scale[scale.length - 1] ?? max;
  const plotW = W - label - valueRoom;
  const x = (v: number) => label + (v / top_) * plotW;
  const root = svg('svg', { viewBox: `0 0 ${W} ${H}`, class: 'chart bars', role: 'img', 'aria-label': caption, 'data-testid': testid });
  for (const v of scale) {
    root.append(
      svg('line', { class: v === 0 ? 'axis' : 'gridline', x1: m.x(x(v)), x2: m.x(x(v)), y1: top, y2: H - bottom }),
      svg('text', { class: 'tick', x: m.x(x(v)), y: H - bottom + 15, 'text-anchor': 'middle' }, formatNumber(v)),
    );
  }
  bars.forEach((b, i) => {
    const y0 = top + i * row;
    const lines = wrap(b.label, 38);
    const text = svg('text', { class: 'label', x: m.x(label - 8), y: y0 + row / 2 + (lines.length === 1 ? 4 : -2), 'text-anchor': m.before, 'data-key': b.key });
    lines.forEach((line, j) => text.append(svg('tspan', { x: m.x(label - 8), dy: j === 0 ? 0 : 13 }, line)));
    text.append(tooltip(b.title));
    const width = Math.max(b.value > 0 ? 1 : 0, x(b.value) - label);
    root.append(
      text,
      svg('rect', { class: 'mark', x: m.rtl ? m.x(label) - width : label, y: y0 + 5, width, height: row - 10, 'data-key': b.key, 'data-value': b.value }, tooltip(b.title)),
      svg('text', { class: 'value', x: m.x(label + width + 5), y: y0 + row / 2 + 4, 'text-anchor': m.after }, formatNumber(b.value)),
    );
  });
  return root;
}

export interface Series {
  key: string;
  label: string;
  total: string;
  points: { x: number; y: number; title: string }[];
}

/** One small chart per series, all on the same scales, so that routes can be compared. */
export function smallMultiples(testid: string, caption: string, series: Series[], from: number, to: number): HTMLElement {
  const W = 220;
  const H = 110;
  const axis = 36;
  const end = 8;
  const top = 8;
  const bottom = 18;
  const m = mirror(W);
  const max = Math.max(1, ...series.flatMap((s) => s.points.map((p) => p.y)));
  const scale = ticks(max, 2);
  const top_ = scale[scale.length - 1] ?? max;
  const x = (year: number) => axis + ((year - from) / Math.max(1, to - from)) * (W - axis - end);
  const y = (v: number) => top + (H - top - bottom) * (1 - v / top_);
  const panels = series.map((s) => {
    const root = svg('svg', { viewBox: `0 0 ${W} ${H}`, class: 'chart multiple', role: 'img', 'aria-label': `${s.label}: ${s.total}` });
    for (const v of scale) {
      root.append(
        svg('line', { class: v === 0 ? 'axis' : 'gridline', x1: m.x(axis), x2: m.x(W - end), y1: y(v), y2: y(v) }),
        svg('text', { class: 'tick', x: m.x(axis - 4), y: y(v) + 4, 'text-anchor': m.before }, formatNumber(v)),
      );
    }
    const years = [from, Math.round((from + to) / 2), to].filter((v, i, all) => all.indexOf(v) === i);
    for (const year of years) root.append(svg('text', { class: 'tick', x: m.x(x(year)), y: H - 4, 'text-anchor': 'middle' }, String(year)));
    const d = s.points.map((p, i) => `${i === 0 ? 'M' : 'L'}${m.x(x(p.x)).toFixed(1)},${y(p.y).toFixed(1)}`).join('');
    root.append(svg('path', { class: 'line', d }));
    for (const p of s.points) {
      root.append(svg('circle', { class: 'dot', cx: m.x(x(p.x)).toFixed(1), cy: y(p.y).toFixed(1), r: 2.6, 'data-year': p.x, 'data-value': p.y }, tooltip(p.title)));
    }
    return h('figure', { class: 'multiple', 'data-route': s.key }, h('figcaption', null, h('span', { class: 'multiple-label' }, s.label), ' ', h('span', { class: 'muted' }, s.total)), root);
  });
  return h('div', { class: 'multiples', 'data-testid': testid, role: 'group', 'aria-label': caption }, panels);
}
