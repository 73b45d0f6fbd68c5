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

/** Roles whose work includes reviewing entity resolution (the node's `review` action). */
export const REVIEWER_ROLES: readonly Role[] = ['analyst', 'investigator'];

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
  /** The records entity resolution holds to be the same entity, or null when it stands alone. */
  same_as?: SameAs | null;
}

/** An entity as resolution lists it. */
export interface Side {
  id: string;
  caption: string;
}

export interface ClusterLink {
  a: string;
  b: string;
  probability: number;
  /** An analyst judged the pair the same. */
  judged: boolean;
}

export interface SameAs {
  cluster: string;
  members: Side[];
  /** The strongest links that connect the members (a maximum spanning tree). */
  links: ClusterLink[];
  weakest: ClusterLink | null;
}

export type ResolutionState = 'idle' | 'building' | 'ready' | 'failed';

export interface ResolutionStatus {
  state: ResolutionState;
  message?: string;
}

export interface ResolutionPart {
  schema: string;
  records: number;
  open_proposals: number;
}

export interface Resolution {
  status: ResolutionStatus;
  parts: ResolutionPart[];
  judgements: number;
}

export type Verdict = 'same' | 'different' | 'unsure';

export interface QueueItem {
  schema: string;
  left: Side;
  right: Side;
  probability: number;
  linked: boolean;
  judgement: Verdict | null;
}

export interface Queue {
  status: ResolutionStatus;
  total: number;
  items: QueueItem[];
}

export interface Evidence {
  comparison: string;
  /** name, date, identifier, text or exact: with level, the key of the level's label. */
  kind: string;
  level: number;
  level_label: string;
  bits: number;
  frequency_bits: number;
  detail: string;
  left_value: string;
  right_value: string;
}

export interface Judgement {
  seq: number;
  judgement: Verdict | 'withdrawn';
  user: string;
  at: string;
  note: string | null;
  /** For a withdrawal, the judgement it undoes. */
  undoes: number | null;
}

export interface Pair {
  schema: string;
  left: Entity;
  right: Entity;
  probability: number;
  /** The prior plus the evidence (64 for identical records). */
  bits: number;
  /** Where the evidence starts from: the odds that two records picked at random are one entity. */
  prior_bits: number;
  /** Identical records: the same by definition. */
  identical: boolean;
  evidence: Evidence[];
  linked: boolean;
  judgement: Verdict | null;
  /** Every judgement of the pair, oldest first. */
  history: Judgement[];
}

export interface Stats {
  entities: number;
  statements: number;
  by_schema: Record<string, number>;
  by_dataset: Record<string, number>;
}
