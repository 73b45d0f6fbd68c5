// The shapes of the protection part of the node's API (docs/api.md, "Protection"), and of a
// person's status (object of smuggling, possible victim, suspect), which every reading role sees.

export type Priority = 'urgent' | 'high' | 'normal';

export interface Vocabulary {
  gender: string[];
  marital_status: string[];
  trafficking_indicators: string[];
  accompaniment: string[];
  age_assessment: string[];
  medical_needs: string[];
  disabilities: string[];
  violence: string[];
  services: string[];
  consent: string[];
  referral_states: string[];
  return_steps: string[];
  return_statuses: string[];
  htcds_fields: [string, string][];
}

export interface DocumentInput {
  kind: string;
  number: string;
  country?: string;
}

export interface FamilyInput {
  relative: string;
  relationship: string;
}

/** What a screening records; every field may be left out. */
export interface Screening {
  birth_date?: string;
  age_claimed?: number;
  age_assessment?: string;
  accompaniment?: string;
  trafficking_indicators: string[];
  medical_needs: string[];
  disabilities: string[];
  pregnant: boolean;
  violence: string[];
  asylum_intention: boolean;
  wishes_to_return: boolean;
  family_separated: boolean;
}

/** One row of a registration. Whatever is missing makes a draft, never an error. */
export interface PersonInput {
  ref?: string;
  same_as?: string;
  first_name?: string;
  second_name?: string;
  birthdate?: string;
  age_claimed?: number;
  gender?: string;
  citizenship?: string[];
  documents?: DocumentInput[];
  family?: FamilyInput[];
  accompaniment?: string;
  agreement_to_manage_personal_data?: string;
}

export interface RegistrationInput {
  place: string;
  date?: string;
  event?: { name: string; area?: string; outcome?: string };
  persons: PersonInput[];
}

export interface PossibleMatch {
  person_id: string;
  caption: string;
  score: number;
  reasons: string[];
}

export interface Need {
  rule: string;
  need: string;
  level: string;
  priority: Priority;
  reason: string;
  refer: string[];
}

export interface SuggestedReferral {
  service: string;
  priority: Priority;
  reasons: string[];
}

export interface Assessment {
  age: { min: number; max: number } | null;
  child: boolean;
  needs: Need[];
  referrals: SuggestedReferral[];
  rules_version: number;
}

export interface RegisteredPerson {
  index: number;
  ref: string | null;
  person_id: string;
  registration_id: string;
  registration_number: string;
  status: 'draft' | 'complete';
  missing: string[];
  possible_matches: PossibleMatch[];
  assessment: Assessment | null;
}

export interface RegistrationResult {
  event: string | null;
  persons: RegisteredPerson[];
}

export interface CaseSummary {
  person: string;
  caption: string;
  registered: string | null;
  place: string | null;
  draft: boolean;
  open_referrals: number;
  overdue_referrals: number;
  next_due: string | null;
  top_priority: Priority | null;
}

export interface Registration {
  id: string;
  number: string;
  date: string;
  place: string;
  registered_by: string;
  status: 'draft' | 'complete';
  missing: string[];
  event: string | null;
  fields: Record<string, string[]>;
}

export interface ScreeningRecord {
  id: string;
  date: string;
  screened_by: string;
  answers: Partial<Screening>;
  needs: Need[];
  suggested_referrals: SuggestedReferral[];
}

export interface ConsentRecord {
  referral: string;
  sharing: string;
  legal_basis: string | null;
}

export interface ReferralStep {
  status: string;
  by: string;
  at: string;
  note: string | null;
  consent: ConsentRecord | null;
}

export interface Referral {
  id: string;
  person: string;
  service: string;
  provider: string | null;
  due_date: string;
  status: string;
  consent: ConsentRecord;
  reasons: string[];
  steps: ReferralStep[];
  overdue: boolean;
}

export interface ReferralInput {
  person: string;
  service: string;
  provider?: string;
  due_date: string;
  consent: string;
  sharing_consent: string;
  legal_basis?: string;
  note?: string;
  reasons?: string[];
  send?: boolean;
}

export interface ReferralStepInput {
  status: string;
  note?: string;
  consent?: string;
  sharing_consent?: string;
  legal_basis?: string;
}

export interface ReturnPlan {
  id: string;
  destination: string | null;
  plan: { steps: [string, string][] };
  records: { step: string; status: string; by: string; at: string; note: string | null }[];
}

export interface StatusRecord {
  id?: string;
  status: string;
  reason: string;
  decided_by: string;
  decided_at: string;
  recorded_for: string;
}

export interface PersonStatus {
  person: string;
  in_force: StatusRecord | null;
  /** Recorded as smuggled or as a possible victim: never treated as an offender. */
  protected: boolean;
  history: StatusRecord[];
}

export interface Case {
  person: string;
  caption: string;
  facts: Record<string, string[]>;
  /** The statement id of each value of `facts`, in the same order. */
  fact_ids: Record<string, string[]>;
  registrations: Registration[];
  screenings: ScreeningRecord[];
  referrals: Referral[];
  return_plan: ReturnPlan | null;
  family: { relative: string; caption: string; relationship: string }[];
  status: PersonStatus;
  /** Facts corrected apart (a field node offline and the national node): every value stays
   * live until a person keeps one. */
  conflicts: Conflict[];
  disclosures: Disclosure[];
}

export interface ConflictValue {
  statement_id: string;
  value: string;
  recorded_by: string;
  recorded_at: string;
}

export interface Conflict {
  entity: string;
  schema: string;
  prop: string;
  /** The value both corrections replaced. */
  replaced: string | null;
  values: ConflictValue[];
}

export type DisclosurePurpose = 'law_enforcement' | 'border_management';
export type DisclosureBasis = 'consent' | 'legal_basis';

/** Chosen facts of a person given to another purpose: the only way protection data leaves. */
export interface Disclosure {
  id: string;
  person: string;
  to: DisclosurePurpose;
  basis: DisclosureBasis;
  basis_text: string;
  recipient: string;
  disclosed_by: string;
  at: string;
  /** The properties given. */
  props: string[];
  /** The record the receiving purpose reads (purged once withdrawn). */
  copy: string;
  /** The reason it was withdrawn, or null while it stands. */
  withdrawn: string | null;
}

export interface DisclosureInput {
  to: DisclosurePurpose;
  basis: DisclosureBasis;
  basis_text: string;
  recipient: string;
  props: string[];
}

export interface ExportedFact {
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

/** Everything protection holds on a person (an access request). */
export interface AccessExport {
  person: string;
  generated_at: string;
  generated_by: string;
  scope: string;
  records: { entity: string; schema: string; facts: ExportedFact[] }[];
}

export interface CorrectionInput {
  entity: string;
  statement_id: string;
  value: string;
  reason: string;
}

export interface RetentionLine {
  person: string;
  last_activity: string;
  purge_after: string;
  /** Why a person past the date is kept (an open referral), in the node's words. */
  held: string | null;
  records: number;
}

export interface RetentionReport {
  today: string;
  keep_years: number;
  due: RetentionLine[];
  held: RetentionLine[];
  purged_persons: number;
  purged_statements: number;
}

export interface HtcdsImport {
  event: string | null;
  persons: RegisteredPerson[];
  ignored_columns: string[];
}
