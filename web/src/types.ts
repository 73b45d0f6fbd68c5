// The shapes of the node's API (docs/api.md). Only what the workbench reads is typed; the
// node may send more.

export type Role =
  | 'administrator'
  | 'border_officer'
  | 'analyst'
  | 'investigator'
  | 'central_authority'
  | 'protection_officer'
  | 'researcher';

export const ROLES: readonly Role[] = [
  'administrator',
  'border_officer',
  'analyst',
  'investigator',
  'central_authority',
  'protection_officer',
  'researcher',
];

export type Handling = 'public' | 'restricted' | 'confidential' | 'protection';

export interface User {
  username: string;
  display_name: string;
  roles: string[];
  disabled: boolean;
  created_at: string;
}

export interface Session {
  user: User;
  csrf_token: string;
}

export interface Hit {
  id: string;
  schema: string;
  caption: string;
  names: string[];
  datasets: string[];
}

export interface SearchResult {
  query: string;
  results: Hit[];
  withheld: number;
}

export interface Fact {
  statement_id: string;
  prop: string;
  value: string;
  original_value: string | null;
  dataset: string;
  recorded_by: string;
  recorded_at: string;
  handling: string;
  purpose: string;
  reliability: string;
  grade: string;
}

export interface HistoryItem {
  statement_id: string;
  operation: 'assert' | 'retract';
  prop: string;
  value: string;
  retracts: string | null;
  recorded_by: string;
  recorded_at: string;
  dataset: string;
  handling: string;
}

export interface Link {
  id: string;
  schema: string;
  caption: string;
  prop: string;
  direction: 'outgoing' | 'incoming';
}

export interface Entity {
  id: string;
  schema: string;
  caption: string;
  properties: Record<string, Fact[]>;
  labels?: Record<string, string>;
  types?: Record<string, string>;
  history: HistoryItem[];
  links: Link[];
  withheld: number;
}

export interface Stats {
  entities: number;
  statements: number;
  by_schema: Record<string, number>;
  by_dataset: Record<string, number>;
}
