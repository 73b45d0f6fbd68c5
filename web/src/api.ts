// The node's JSON API (docs/api.md): one place that adds the CSRF token and the reason for
// access, and turns problem+json answers into ApiError.

import { reasonHeader } from './reason';
import type {
  Alert,
  CoopConsent,
  CoopFile,
  CoopRequest,
  CoopShare,
  LegalBasis,
  Partner,
  PartnerKeys,
  Timeliness,
  CrossingInput,
  CrossingPoint,
  CrossingResult,
  Entity,
  Judgement,
  MoneyTrace,
  Mrz,
  NetworkEdge,
  NetworkFinding,
  NetworkGraph,
  NetworkPath,
  Pair,
  Queue,
  Resolution,
  SearchResult,
  Session,
  Stats,
  SyncStatus,
  User,
  Verdict,
} from './types';
import type {
  AccessExport,
  Assessment,
  Case,
  Conflict,
  CorrectionInput,
  Disclosure,
  DisclosureInput,
  ExportedFact,
  HtcdsImport,
  CaseSummary,
  PersonInput,
  PersonStatus,
  PossibleMatch,
  Referral,
  ReferralInput,
  ReferralStepInput,
  RegistrationInput,
  RegistrationResult,
  RetentionReport,
  ReturnPlan,
  Screening,
  Vocabulary,
} from './types_protection';
import type { Backtest, Disparity, RiskAlert, RiskRules, RuleChange } from './types_risk';
import type { FeeRow, ImportFormat, IncidentInput, IncidentPoint, ModusRow, ResearchImport, RouteYears, Summary, SummaryBy } from './types_research';

const BASE = '/api/v1';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly title: string,
    readonly detail: string,
  ) {
    super(detail || title || `HTTP ${status}`);
  }

  /** 403 and 404 look the same to the user: the node answers 404 for an entity the caller
   * may not see, and the workbench does not guess which of the two it was. */
  get notPermitted(): boolean {
    return (this.status === 403 && this.code !== 'csrf') || this.status === 404;
  }
}

let csrfToken: string | null = null;
let onUnauthenticated: (() => void) | null = null;

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** Called when the node answers 401 to anything but the login itself: the session is gone. */
export function setUnauthenticatedHandler(handler: () => void): void {
  onUnauthenticated = handler;
}

async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  const reason = reasonHeader();
  if (reason) headers['X-Corridor-Reason'] = reason;

  let response: Response;
  try {
    response = await fetch(BASE + path, {
      method,
      headers,
      credentials: 'same-origin',
      cache: 'no-store',
      body: body === undefined ? null : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, 'network', '', '');
  }

  if (response.ok) {
    if (response.status === 204) return undefined as T;
    return (await response.json()) as T;
  }
  const error = await problem(response);
  if (error.status === 401 && path !== '/auth/login' && path !== '/auth/me' && onUnauthenticated) {
    onUnauthenticated();
  }
  throw error;
}

async function problem(response: Response): Promise<ApiError> {
  let code = '';
  let title = '';
  let detail = '';
  const type = response.headers.get('Content-Type') ?? '';
  if (type.includes('json')) {
    try {
      const p = (await response.json()) as Record<string, unknown>;
      if (typeof p['code'] === 'string') code = p['code'];
      if (typeof p['title'] === 'string') title = p['title'];
      if (typeof p['detail'] === 'string') detail = p['detail'];
    } catch {
      // A body that is not JSON after all: the status says enough.
    }
  }
  return new ApiError(response.status, code, title, detail);
}

const q = encodeURIComponent;

export const api = {
  login: (username: string, password: string) =>
    request<Session>('POST', '/auth/login', { username, password }),
  logout: () => request<void>('POST', '/auth/logout'),
  me: () => request<Session>('GET', '/auth/me'),
  search: (text: string, limit = 50) =>
    request<SearchResult>('GET', `/search?q=${q(text)}&limit=${limit}`),
  entity: (id: string) => request<Entity>('GET', `/entities/${q(id)}`),
  stats: () => request<Stats>('GET', '/stats'),
  users: () => request<User[]>('GET', '/users'),
  createUser: (user: { username: string; display_name: string; password: string; roles: string[] }) =>
    request<User>('POST', '/users', user),
  updateUser: (
    username: string,
    change: { display_name?: string; password?: string; roles?: string[]; disabled?: boolean },
  ) => request<User>('PATCH', `/users/${q(username)}`, change),
  resolution: () => request<Resolution>('GET', '/resolution'),
  queue: (opts: { schema: string; unsure: boolean; order: string; offset: number; limit: number }) =>
    request<Queue>(
      'GET',
      `/resolution/queue?${opts.schema ? `schema=${q(opts.schema)}&` : ''}unsure=${opts.unsure}&order=${opts.order}&offset=${opts.offset}&limit=${opts.limit}`,
    ),
  pair: (left: string, right: string) => request<Pair>('GET', `/resolution/pairs/${q(left)}/${q(right)}`),
  judge: (judgement: { left: string; right: string; judgement: Verdict; note?: string }) =>
    request<Judgement>('POST', '/resolution/judgements', judgement),
  undoJudgement: (seq: number) => request<Judgement>('POST', `/resolution/judgements/${seq}/undo`, {}),
  readMrz: (mrz: string) => request<Mrz>('POST', '/mrz', { mrz, repair: true }),
  crossingPoints: () => request<{ points: CrossingPoint[] }>('GET', '/crossing-points'),
  registerCrossing: (input: CrossingInput) => request<CrossingResult>('POST', '/crossings', input),
  alerts: (status: string) => request<{ alerts: Alert[] }>('GET', `/alerts?status=${q(status)}&limit=200`),
  decideAlert: (id: string, decision: string, note: string) =>
    request<Alert>('POST', `/alerts/${q(id)}/decision`, { decision, note }),
  riskAlerts: (status: string) => request<{ alerts: RiskAlert[] }>('GET', `/risk/alerts?status=${q(status)}&limit=300`),
  decideRiskAlert: (id: string, decision: string, note: string) =>
    request<RiskAlert>('POST', `/risk/alerts/${q(id)}/decision`, { decision, note }),
  riskRules: () => request<RiskRules>('GET', '/risk/rules'),
  proposeRiskChange: (path: string, text: string, note: string) => request<RuleChange>('POST', '/risk/changes', { path, text, note }),
  decideRiskChange: (id: string, approve: boolean, note: string) =>
    request<RuleChange>('POST', `/risk/changes/${q(id)}/decision`, { approve, note }),
  riskBacktest: (change: string | null) => request<Backtest>('GET', change ? `/risk/backtest?change=${q(change)}` : '/risk/backtest'),
  riskDisparity: () => request<Disparity>('GET', '/risk/disparity'),
  syncStatus: () => request<{ sync: SyncStatus | null }>('GET', '/sync/status'),
  neighbourhood: (entity: string, hops: number, filter: NetworkFilter) =>
    request<NetworkGraph>('GET', `/network/neighbourhood?entity=${q(entity)}&hops=${hops}&limit=250${filterQuery(filter)}`),
  networkPaths: (from: string, to: string, mode: string, filter: NetworkFilter) =>
    request<{ paths: NetworkPath[]; truncated: boolean }>(
      'GET',
      `/network/paths?from=${q(from)}&to=${q(to)}&mode=${q(mode)}&max_hops=5&limit=20${filterQuery(filter)}`,
    ),
  timeline: (ids: string[]) => request<{ events: NetworkEdge[] }>('GET', `/network/timeline?entities=${ids.map(q).join(',')}`),
  findings: () => request<{ networks: NetworkFinding[] }>('GET', '/network/findings?limit=30'),
  coopIdentity: () =>
    request<{ keys: PartnerKeys; fingerprint: string; legal_bases: LegalBasis[] }>('GET', '/coop/identity'),
  coopPartners: () => request<{ partners: Partner[] }>('GET', '/coop/partners'),
  addPartner: (p: { keys: PartnerKeys; name: string; url: string; accepts: string[]; fingerprint: string }) =>
    request<Partner>('POST', '/coop/partners', p),
  coopRequests: () => request<{ requests: CoopRequest[] }>('GET', '/coop/requests'),
  createRequest: (r: Record<string, unknown>) => request<CoopRequest>('POST', '/coop/requests', r),
  coopRequest: (id: string) => request<CoopRequest>('GET', `/coop/requests/${coopPath(id)}`),
  coopStep: (id: string, state: string, note: string) =>
    request<CoopRequest>('POST', `/coop/requests/${coopPath(id)}/steps`, { state, note: note || undefined }),
  coopAnswer: (id: string, entities: string[], partial: boolean, note: string) =>
    request<CoopRequest>('POST', `/coop/requests/${coopPath(id)}/answer`, { entities, partial, note: note || undefined }),
  coopTimeliness: () => request<Timeliness>('GET', '/coop/timeliness'),
  coopShares: () => request<{ shares: CoopShare[] }>('GET', '/coop/shares'),
  coopShare: (body: Record<string, unknown>) => request<CoopShare>('POST', '/coop/shares', body),
  coopConsents: () => request<{ consents: CoopConsent[] }>('GET', '/coop/consents'),
  askConsent: (dataset: string, to: string, note: string) =>
    request<CoopConsent>('POST', '/coop/consents', { dataset, to, note: note || undefined }),
  decideConsent: (id: string, granted: boolean, note: string) =>
    request<CoopConsent>('POST', `/coop/consents/${coopPath(id)}/decision`, { granted, note: note || undefined }),
  protectionVocabulary: () => request<Vocabulary>('GET', '/protection/vocabulary'),
  protectionCandidates: (place: string, persons: PersonInput[]) =>
    request<{ candidates: PossibleMatch[][] }>('POST', '/protection/candidates', { place, persons }),
  register: (input: RegistrationInput) => request<RegistrationResult>('POST', '/protection/registrations', input),
  protectionCases: () => request<{ cases: CaseSummary[] }>('GET', '/protection/cases'),
  protectionCase: (person: string) => request<Case>('GET', `/protection/cases/${q(person)}`),
  screen: (person: string, screening: Screening) =>
    request<Assessment>('POST', `/protection/cases/${q(person)}/screenings`, screening),
  returnStep: (person: string, body: { step: string; status: string; note?: string; destination?: string }) =>
    request<ReturnPlan>('POST', `/protection/cases/${q(person)}/return`, body),
  refer: (input: ReferralInput) => request<Referral>('POST', '/protection/referrals', input),
  referralStep: (id: string, body: ReferralStepInput) =>
    request<Referral>('POST', `/protection/referrals/${q(id)}/steps`, body),
  resolveConflict: (person: string, body: { entity: string; keep: string; reason: string }) =>
    request<Conflict>('POST', `/protection/cases/${q(person)}/conflicts/resolve`, body),
  accessExport: (person: string) => request<AccessExport>('GET', `/protection/cases/${q(person)}/export`),
  correct: (person: string, body: CorrectionInput) =>
    request<{ retracted: ExportedFact; recorded: ExportedFact }>('POST', `/protection/cases/${q(person)}/corrections`, body),
  disclose: (person: string, body: DisclosureInput) =>
    request<Disclosure>('POST', `/protection/cases/${q(person)}/disclosures`, body),
  withdrawDisclosure: (id: string, reason: string) =>
    request<Disclosure>('POST', `/protection/disclosures/${q(id)}/withdraw`, { reason }),
  retention: () => request<RetentionReport>('GET', '/protection/retention'),
  purge: () => request<RetentionReport>('POST', '/protection/retention/purge', {}),
  personStatus: (id: string) => request<PersonStatus>('GET', `/persons/${q(id)}/status`),
  setPersonStatus: (id: string, status: string, reason: string) =>
    request<PersonStatus>('POST', `/persons/${q(id)}/status`, { status, reason }),
  researchSummary: (by: SummaryBy, dataset: string) =>
    request<Summary>('GET', `/research/summary?by=${by}${dataset ? `&dataset=${q(dataset)}` : ''}`),
  researchRoutes: (dataset: string) => request<RouteYears>('GET', `/research/routes${dataset ? `?dataset=${q(dataset)}` : ''}`),
  researchPoints: (dataset: string, year: number | null) =>
    request<{ points: IncidentPoint[] }>('GET', `/research/points?dataset=${q(dataset)}${year === null ? '' : `&year=${year}`}`),
  researchFees: () => request<{ rows: FeeRow[]; min_payments: number }>('GET', '/research/fees?by=route'),
  researchModus: () => request<{ rows: ModusRow[] }>('GET', '/research/modus-operandi?by=route'),
  recordIncident: (input: IncidentInput) => request<{ id: string }>('POST', '/research/incidents', input),
  money: (entity: string, backwards: boolean) =>
    request<MoneyTrace>('GET', `/network/money?entity=${q(entity)}&direction=${backwards ? 'backwards' : 'forwards'}`),
};

/** Sends a file with a request: the bytes as they are, streamed by the browser. */
export async function attachFile(id: string, file: File): Promise<CoopFile> {
  const headers: Record<string, string> = { Accept: 'application/json', 'Content-Type': 'application/octet-stream' };
  if (csrfToken) headers['X-CSRF-Token'] = csrfToken;
  const response = await fetch(`${BASE}/coop/requests/${coopPath(id)}/attachments?name=${q(file.name)}`, {
    method: 'POST',
    headers,
    credentials: 'same-origin',
    body: file,
  });
  if (!response.ok) throw await problem(response);
  return (await response.json()) as CoopFile;
}

/** Registers the persons of an HTCDS file: its bytes as they are, as text/csv. */
export async function importHtcds(file: File, place: string): Promise<HtcdsImport> {
  const headers: Record<string, string> = { Accept: 'application/json', 'Content-Type': 'text/csv' };
  if (csrfToken) headers['X-CSRF-Token'] = csrfToken;
  const reason = reasonHeader();
  if (reason) headers['X-Corridor-Reason'] = reason;
  const response = await fetch(`${BASE}/protection/htcds?place=${q(place)}&file=${q(file.name)}`, {
    method: 'POST',
    headers,
    credentials: 'same-origin',
    body: file,
  });
  if (!response.ok) throw await problem(response);
  return (await response.json()) as HtcdsImport;
}

/** Imports a research file (the Missing Migrants Project, or published detections): its bytes
 * as they are, as text/csv. All rows or none; the node names the line and column. */
export async function importResearch(file: File, format: ImportFormat): Promise<ResearchImport> {
  const headers: Record<string, string> = { Accept: 'application/json', 'Content-Type': 'text/csv' };
  if (csrfToken) headers['X-CSRF-Token'] = csrfToken;
  const reason = reasonHeader();
  if (reason) headers['X-Corridor-Reason'] = reason;
  const response = await fetch(`${BASE}/research/imports?format=${q(format)}&file=${q(file.name)}`, {
    method: 'POST',
    headers,
    credentials: 'same-origin',
    body: file,
  });
  if (!response.ok) throw await problem(response);
  return (await response.json()) as ResearchImport;
}

/** Where every registration is downloaded from as an HTCDS file. */
export const HTCDS_URL = `${BASE}/protection/htcds`;

/** A file from the node (read with the reason header, like any read), as a Blob. */
export async function download(url: string): Promise<Blob> {
  const headers: Record<string, string> = {};
  const reason = reasonHeader();
  if (reason) headers['X-Corridor-Reason'] = reason;
  const response = await fetch(url, { headers, credentials: 'same-origin', cache: 'no-store' });
  if (!response.ok) throw await problem(response);
  return response.blob();
}

/** Where a file sent or received with a request is downloaded from. */
export function attachmentUrl(sha256: string): string {
  return `${BASE}/coop/attachments/${q(sha256)}`;
}

/** A request id (`node/reference`) as the two segments of its path. */
function coopPath(id: string): string {
  const [node, ...rest] = id.split('/');
  return `${q(node ?? '')}/${q(rest.join('/'))}`;
}

/** Edge kinds and a time window for network queries. */
export interface NetworkFilter {
  kinds: string[];
  since: string;
  until: string;
}

function filterQuery(f: NetworkFilter): string {
  let out = '';
  if (f.kinds.length > 0) out += `&kinds=${f.kinds.map(q).join(',')}`;
  if (f.since) out += `&since=${q(f.since)}`;
  if (f.until) out += `&until=${q(f.until)}`;
  return out;
}

/** The network (around an entity) as a file: fetched with the reason header like any read,
 * then handed to the browser as a download. */
export async function exportNetwork(format: string, entity: string | null): Promise<Blob> {
  const headers: Record<string, string> = {};
  const reason = reasonHeader();
  if (reason) headers['X-Corridor-Reason'] = reason;
  const path = `/network/export?format=${q(format)}${entity ? `&entity=${q(entity)}&hops=2` : ''}`;
  const response = await fetch(BASE + path, { headers, credentials: 'same-origin', cache: 'no-store' });
  if (!response.ok) throw await problem(response);
  return response.blob();
}
