// The map of incidents, drawn with no internet: the countries come with the workbench
// (Natural Earth's 1:110m countries from the world-atlas package, copied into dist/assets by
// build.mjs and read with topojson-client), projected here with the Natural Earth projection.
// Incidents are circles whose area is proportional to the dead and missing. The map is never
// mirrored: geography reads the same in every language.

import { api } from '../api';
import { fill, h } from '../dom';
import { t } from '../i18n';
import { feature, type Feature } from 'topojson-client';
import type { IncidentPoint } from '../types_research';
import { errorBox, loading } from './common';
import { svg, tooltip } from './research_charts';

const W = 1000;
const SCALE = W / (2 * Math.PI * 0.8707);
const NORTH = 84;
const SOUTH = -57;
/** Radius per √(dead and missing), in the map's units at the scale of the whole world. */
const RADIUS = 1.5;

/** The Natural Earth projection (Šavrič, Patterson, Jenny), in the map's units. */
function project(lon: number, lat: number): [number, number] {
  const l = (lon * Math.PI) / 180;
  const p = (lat * Math.PI) / 180;
  const p2 = p * p;
  const p4 = p2 * p2;
  const x = l * (0.8707 - 0.131979 * p2 + p4 * (-0.013791 + p4 * (0.003971 * p2 - 0.001529 * p4)));
  const y = p * (1.007226 + p2 * (0.015085 + p4 * (-0.044475 + 0.028874 * p2 - 0.005916 * p4)));
  return [W / 2 + x * SCALE, -y * SCALE];
}
const Y_NORTH = project(0, NORTH)[1];
const Y_SOUTH = project(0, SOUTH)[1];

/** Regions to zoom to, as [west, south, east, north] in degrees. */
const REGIONS = {
  world: [-180, SOUTH, 180, NORTH],
  mediterranean: [-20, 26, 42, 48],
  americas: [-125, -40, -30, 45],
  africa: [-25, -36, 62, 38],
  asia: [55, -45, 160, 45],
} as const;
type Region = keyof typeof REGIONS;

function viewBox(region: Region): { x: number; y: number; w: number; h: number } {
  const [west, south, east, north] = REGIONS[region];
  const xs: number[] = [];
  const ys: number[] = [];
  for (let lat = south; lat <= north; lat += (north - south) / 8) {
    for (const lon of [west, east, (west + east) / 2]) {
      const [x, y] = project(lon, lat);
      xs.push(x);
      ys.push(y);
    }
  }
  const x = Math.min(...xs);
  const y = Math.min(...ys);
  return { x, y, w: Math.max(...xs) - x, h: Math.max(...ys) - y };
}

let countriesPromise: Promise<Feature[]> | null = null;

/** The countries, read once per page load from the workbench's own files. */
function countries(): Promise<Feature[]> {
  if (!countriesPromise) {
    countriesPromise = fetch('/assets/countries-110m.json', { credentials: 'same-origin' })
      .then((r) => {
        if (!r.ok) throw new Error(`countries: HTTP ${r.status}`);
        return r.json() as Promise<{ objects: { countries: unknown } }>;
      })
      .then((topology) => feature(topology, topology.objects.countries).features.filter((f) => f.id !== '010'));
    countriesPromise.catch(() => (countriesPromise = null));
  }
  return countriesPromise;
}

/** A country as one path; a ring is broken where it jumps across the antimeridian. */
function countryPath(f: Feature): string {
  if (!f.geometry) return '';
  const polygons = (f.geometry.type === 'Polygon' ? [f.geometry.coordinates] : f.geometry.coordinates) as number[][][][];
  let d = '';
  for (const polygon of polygons) {
    for (const ring of polygon) {
      let previous: number | null = null;
      ring.forEach(([lon = 0, lat = 0], i) => {
        const [x, y] = project(lon, Math.max(SOUTH - 5, lat));
        const jump = previous !== null && Math.abs(lon - previous) > 180;
        d += `${i === 0 || jump ? 'M' : 'L'}${x.toFixed(1)},${y.toFixed(1)}`;
        previous = lon;
      });
      d += 'Z';
    }
  }
  return d;
}

export interface MapOptions {
  dataset: string;
  /** The years the dataset has incidents in, as the summary lists them. */
  years: string[];
  routeLabel(code: string | null): string;
  isCurrent(): boolean;
}

export function incidentMap(o: MapOptions): HTMLElement {
  const yearSelect = h(
    'select',
    { 'data-testid': 'map-year', id: 'map-year' },
    h('option', { value: '' }, t('research.map.allYears')),
    o.years.map((y) => h('option', { value: y }, y)),
  );
  const regionSelect = h(
    'select',
    { 'data-testid': 'map-region', id: 'map-region' },
    (Object.keys(REGIONS) as Region[]).map((r) => h('option', { value: r }, t(`research.region.${r}`))),
  );
  const canvas = h('div', { class: 'map-canvas' }, loading());
  const status = h('p', { class: 'small muted', 'data-testid': 'map-status', 'aria-live': 'polite' });
  // Never mirrored: the legend's text runs left to right from its circles in every language.
  const root = svg('svg', { class: 'map', direction: 'ltr', role: 'img', 'data-testid': 'incident-map', 'aria-label': t('research.map.title') });
  const layer = svg('g', { class: 'incidents' });
  let points: IncidentPoint[] = [];
  let drawnCountries = false;

  const draw = () => {
    const region = regionSelect.value as Region;
    const box = region === 'world' ? { x: 0, y: Y_NORTH, w: W, h: Y_SOUTH - Y_NORTH } : viewBox(region);
    const zoom = W / box.w;
    root.setAttribute('viewBox', `${box.x.toFixed(1)} ${box.y.toFixed(1)} ${box.w.toFixed(1)} ${box.h.toFixed(1)}`);
    const ocean = root.querySelector('rect.ocean');
    if (ocean) {
      ocean.setAttribute('x', String(box.x));
      ocean.setAttribute('y', String(box.y));
      ocean.setAttribute('width', String(box.w));
      ocean.setAttribute('height', String(box.h));
    }
    // Small circles over big ones, so that every incident can be pointed at.
    const sorted = [...points].sort((a, b) => b.dead_and_missing - a.dead_and_missing);
    layer.replaceChildren(
      ...sorted.map((p) => {
        const [x, y] = project(p.lon, p.lat);
        const title = t('research.map.point', { year: String(p.year), route: o.routeLabel(p.route), dead: p.dead_and_missing });
        return svg(
          'circle',
          {
            class: 'incident',
            cx: x.toFixed(2),
            cy: y.toFixed(2),
            r: ((RADIUS * Math.sqrt(Math.max(1, p.dead_and_missing))) / zoom).toFixed(2),
            'data-year': p.year,
            'data-route': p.route ?? '',
            'data-dead': p.dead_and_missing,
          },
          tooltip(title),
        );
      }),
    );
    layer.append(legend(box, zoom));
  };

  const load = () => {
    const year = yearSelect.value ? Number(yearSelect.value) : null;
    fill(status, t('common.loading'));
    Promise.all([countries(), api.researchPoints(o.dataset, year)]).then(
      ([features, answer]) => {
        if (!o.isCurrent()) return;
        if (!drawnCountries) {
          root.append(
            svg('rect', { class: 'ocean' }),
            svg('g', { class: 'countries' }, ...features.map((f) => svg('path', { class: 'country', d: countryPath(f) }))),
            layer,
          );
          fill(canvas, root);
          drawnCountries = true;
        }
        points = answer.points;
        draw();
        const dead = points.reduce((sum, p) => sum + p.dead_and_missing, 0);
        fill(status, t(year === null ? 'research.map.count' : 'research.map.countYear', { count: points.length, dead, year: String(year ?? '') }));
        root.setAttribute('data-count', String(points.length));
      },
      (error) => {
        if (o.isCurrent()) fill(canvas, errorBox(error));
      },
    );
  };
  yearSelect.addEventListener('change', load);
  regionSelect.addEventListener('change', () => drawnCountries && draw());
  load();

  return h(
    'section',
    { class: 'block research-map', 'aria-labelledby': 'map-h' },
    h('h2', { id: 'map-h' }, t('research.map.title')),
    h(
      'div',
      { class: 'map-controls' },
      h('label', { for: 'map-year' }, t('research.map.year')),
      yearSelect,
      h('label', { for: 'map-region' }, t('research.map.region')),
      regionSelect,
    ),
    status,
    canvas,
    h('p', { class: 'small muted' }, t('research.map.note')),
  );
}

/** Circles for 1, 10 and 100 dead and missing, in the lower corner of what is shown. */
function legend(box: { x: number; y: number; w: number; h: number }, zoom: number): SVGGElement {
  const unit = 1 / zoom;
  const g = svg('g', { class: 'legend', 'aria-hidden': 'true' });
  const base = box.y + box.h - 12 * unit;
  let x = box.x + 14 * unit;
  g.append(svg('rect', { class: 'legend-box', x: box.x + 4 * unit, y: base - 44 * unit, width: 190 * unit, height: 52 * unit, rx: 3 * unit }));
  g.append(svg('text', { x: box.x + 10 * unit, y: base - 31 * unit, 'font-size': 11 * unit }, t('research.map.legend')));
  for (const n of [1, 10, 100]) {
    const r = RADIUS * Math.sqrt(n) * unit;
    g.append(svg('circle', { class: 'incident', cx: x + r, cy: base - r, r }));
    g.append(svg('text', { x: x + 2 * r + 4 * unit, y: base - 2 * unit, 'font-size': 11 * unit, 'text-anchor': 'start' }, String(n)));
    x += 2 * r + 30 * unit;
  }
  return g;
}
