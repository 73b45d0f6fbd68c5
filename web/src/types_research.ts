// The shapes of the research part of the node's API (docs/api.md, /api/v1/research/*):
// summaries of the Missing Migrants Project's incidents, Frontex's detections beside them,
// points for the map, imports and incidents the node records itself.

import type { Role } from './types';

/** Roles offered the Research page; the node decides what each may read. */
export const RESEARCH_ROLES: readonly Role[] = ['researcher', 'analyst', 'investigator'];

export type SummaryBy = 'year' | 'route' | 'month' | 'cause' | 'region';

export interface SummaryRow {
  key: string;
  incidents: number;
  dead_and_missing: number;
  unknown_count: number;
  survivors: number;
}

export interface Summary {
  rows: SummaryRow[];
  /** Every dataset with incidents the user may read, with how many. */
  datasets: Record<string, number>;
}

export interface RouteYear {
  route: string;
  year: number;
  incidents: number;
  dead_and_missing: number;
  detections: number | null;
  per_1000_detections: number | null;
}

export interface RouteYears {
  rows: RouteYear[];
  /** Route code → the node's English label. */
  labels: Record<string, string>;
}

export interface IncidentPoint {
  lat: number;
  lon: number;
  year: number;
  route: string | null;
  dead_and_missing: number;
}

export type ImportFormat = 'mmp' | 'detections';

export interface ResearchImport {
  file: string;
  shape: string;
  records: number;
  statements_written: number;
  statements_already_present: number;
  caveats: string[];
}

export interface IncidentInput {
  date: string;
  route: string;
  dead?: number;
  missing?: number;
  causes?: string[];
  lat?: number;
  lon?: number;
}

/** Fees per person in US dollars for one route, leg or service (GET /research/fees). */
export interface FeeRow {
  key: string;
  payments: number;
  /** Null when the group has fewer payments than min_payments: the count alone. */
  median: number | null;
  q1: number | null;
  q3: number | null;
  by_year: [number, number, number][];
  trend_usd_per_year: number | null;
}

/** How often one modus operandi was used on a route (GET /research/modus-operandi). */
export interface ModusRow {
  key: string;
  modus_operandi: string;
  incidents: number;
  migrants: number;
  share: number;
}
