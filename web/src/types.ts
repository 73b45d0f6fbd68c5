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

/** Roles whose work includes screening and registering crossings (the node's `screen`). */
export const SCREENING_ROLES: readonly Role[] = ['border_officer', 'analyst', 'investigator'];

export interface MrzError {
  field: string;
  message: string;
}

export interface Mrz {
  format: string | null;
  document_type: string;
  issuing_state: string;
  surname: string;
  given_names: string;
  document_number: string;
  nationality: string;
  birth_date: string | null;
  sex: string;
  expiry_date: string | null;
  optional_data: string;
  valid: boolean;
  errors: MrzError[];
  repairs: { field: string; read: string; repaired: string }[];
}

export interface ScreeningHit {
  entry_id: string;
  list: string;
  list_version: number;
  score: number;
  rank: number;
  reasons: string[];
  alert: boolean;
  entry_caption: string | null;
  entry_names: string[];
  entry_birth_dates: string[];
  entry_nationalities: string[];
}

export interface AlertDecision {
  id: string;
  decision: 'true_match' | 'false_positive';
  by: string;
  at: string;
  note: string;
  supersedes: string[];
}

export interface Alert {
  id: string;
  subject_id: string;
  subject_caption: string | null;
  entry_id: string;
  entry_caption: string | null;
  list: string;
  list_version: number | null;
  score: number | null;
  reasons: string[];
  raised_at: string;
  raised_by: string;
  crossings: string[];
  decision: AlertDecision | null;
  history: AlertDecision[];
  conflict: AlertDecision[];
  suppressed: boolean;
  /** The subject is recorded as smuggled or as a possible victim: the alert is protection's. */
  protection_relevant?: boolean;
}

export interface CrossingPoint {
  id: string;
  name: string;
  country: string | null;
}

export interface CrossingInput {
  mrz: string;
  name: string;
  other_names: string[];
  birth_date: string;
  nationality: string;
  sex: string;
  document_number: string;
  issuing_state: string;
  expiry_date: string;
  point: string;
  direction: string;
  vehicle: string;
  companions: string[];
  family: string[];
  travel_purpose: string;
}

export interface CrossingResult {
  crossing_id: string;
  person_id: string;
  document_id: string | null;
  mrz: Mrz | null;
  warnings: string[];
  hits: ScreeningHit[];
  alerts: Alert[];
  previous_crossings: string[];
  linked: SameAs | null;
  /** Risk profiles that hit, evaluated in the same request. */
  risk: import('./types_risk').RiskHit[];
  risk_micros: number;
}

export interface SyncStatus {
  national: string;
  state: 'never' | 'ok' | 'failing';
  last_attempt: string | null;
  last_success: string | null;
  last_error: string | null;
  next_attempt: string | null;
  pending: number;
  pushed: number;
  watchlists: string[];
  clock_skew_seconds: number | null;
  warnings: string[];
}

/** Roles whose work includes network analysis (the node's `analyse_network` action). */
export const NETWORK_ROLES: readonly Role[] = ['analyst', 'investigator'];

export interface NetworkNode {
  id: string;
  schema: string;
  caption: string;
  records: string[];
  community: number | null;
  depth?: number;
}

export interface NetworkEdge {
  source: string;
  target: string;
  kind: string;
  directed: boolean;
  time?: string;
  amount?: number;
  currency?: string;
  evidence: string[];
  times?: number;
}

export interface NetworkGraph {
  nodes: NetworkNode[];
  edges: NetworkEdge[];
  truncated: boolean;
  kinds: string[];
}

export interface NetworkPath {
  nodes: NetworkNode[];
  edges: NetworkEdge[];
}

export interface RankedMember {
  node: NetworkNode;
  score: number;
  measures: Record<string, number>;
  reasons: string[];
  edges: NetworkEdge[];
}

export interface NetworkFinding {
  network: number;
  members: NetworkNode[];
  edges_inside: number;
  kinds: Record<string, number>;
  density: number;
  organisers: RankedMember[];
  brokers: RankedMember[];
  summary: string;
}

export interface MoneyTrace {
  start: NetworkNode;
  backwards: boolean;
  flows: { node: NetworkNode; amount: number; hops: number }[];
  transfers: { edge: NetworkEdge; traced: number }[];
  explanation: string;
}

/** Roles whose work includes cooperation between central authorities (`cooperate`). */
export const COOP_ROLES: readonly Role[] = ['central_authority'];

/** Roles whose work includes protection of migrants (`assist`): registration, screening,
 * referrals and return. The shapes of that part of the API are in types_protection.ts. */
export const PROTECTION_ROLES: readonly Role[] = ['protection_officer'];

/** Roles that may write facts, and so record a person as smuggled. */
export const WRITER_ROLES: readonly Role[] = ['border_officer', 'analyst', 'investigator'];

/** Roles that may designate a person suspect or not suspect (`designate`), with a reason. */
export const DESIGNATE_ROLES: readonly Role[] = ['investigator'];

export type CoopState =
  | 'draft'
  | 'sent'
  | 'received'
  | 'acknowledged'
  | 'in_progress'
  | 'answered'
  | 'partially_answered'
  | 'refused'
  | 'closed';

export interface CoopEvent {
  state: CoopState;
  at: string;
  by: string;
  note?: string;
}

export interface CoopRequest {
  id: string;
  reference: string;
  request_type: string;
  urgency: string;
  requesting: string;
  requested: string;
  legal_basis: string[];
  subjects: string[];
  questions: string[];
  deadline?: string;
  handling: string;
  handling_note?: string;
  created_at: string;
  history: CoopEvent[];
  state: CoopState;
  direction: 'outgoing' | 'incoming';
  partner: string;
  reminders: { kind: string; days: number; text: string }[];
  content_hash: string;
  files: CoopFile[];
}

export interface SharedAlert {
  id: string;
  list: string;
  entry_id: string;
  entry_caption?: string | null;
  subject_id: string;
  subject_caption?: string | null;
  score?: number | null;
  reasons: string[];
  raised_at: string;
  crossings: string[];
  decision?: string | null;
}

export interface CoopShare {
  id: string;
  reference: string;
  from: string;
  to: string;
  handling: string;
  note?: string | null;
  shared_by: string;
  shared_at: string;
  entities: string[];
  facts: number;
  watchlist?: string | null;
  alert?: SharedAlert | null;
  direction: 'outgoing' | 'incoming';
  partner: string;
  dataset: string;
  list_here?: string | null;
}

export interface CoopConsent {
  id: string;
  asker: string;
  origin: string;
  dataset: string;
  to: string;
  note?: string | null;
  asked_by: string;
  asked_at: string;
  direction: 'outgoing' | 'incoming';
  decision?: { ask_id: string; granted: boolean; note?: string | null; by: string; at: string } | null;
}

export interface CoopFile {
  name: string;
  sha256: string;
  bytes: number;
  from: string;
  at: string;
}

export interface PartnerKeys {
  node: string;
  signing: string;
  encryption: string;
}

export interface Partner {
  keys: PartnerKeys;
  name: string;
  url: string;
  accepts: string[];
  fingerprint: string;
  verified_by: string;
  verified_at: string;
}

export interface LegalBasis {
  id: string;
  title: string;
  types: string[];
}

export interface TimelinessRow {
  key: string;
  requests: number;
  answered: number;
  median_days_to_acknowledge: number | null;
  median_days_to_answer: number | null;
  answered_on_time: number | null;
  overdue: number;
}

export interface Timeliness {
  by_partner: TimelinessRow[];
  by_type: TimelinessRow[];
  overdue: { id: string; partner: string; request_type: string; deadline: string; days_overdue: number; we_owe: boolean }[];
}
