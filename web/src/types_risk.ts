// Risk profiles (crates/corridor-node/src/risk): hits explained condition by condition, the
// alert queue, the rules in force with their changes, backtests and the disparity report.

import type { AlertDecision } from './types';

export interface FiredCondition {
  field: string;
  op: string;
  value: unknown;
  observed: unknown;
}

export interface FiredIndicator {
  id: string;
  version: number;
  title: string;
  rationale: string;
  weight: number;
  conditions: FiredCondition[];
}

export type RiskKind = 'possible_perpetrator' | 'possible_smuggled_person';

export interface RiskHit {
  alert_id: string;
  profile: string;
  version: number;
  title: string;
  kind: RiskKind;
  score: number;
  threshold: number;
  indicators: FiredIndicator[];
  routed_to: 'enforcement_alert' | 'protection_referral';
  routing_note: string | null;
}

export interface RiskAlert {
  id: string;
  subject_id: string;
  subject_caption: string | null;
  crossing_id: string | null;
  profile: string;
  profile_version: number | null;
  kind: RiskKind;
  score: number | null;
  threshold: number | null;
  explanation: FiredIndicator[] | null;
  raised_at: string;
  raised_by: string;
  decision: AlertDecision | null;
  history: AlertDecision[];
  conflict: AlertDecision[];
  protection: boolean;
}

export interface Condition {
  field: string;
  op: string;
  value?: unknown;
}

export interface Indicator {
  id: string;
  version: number;
  title: string;
  rationale: string;
  all: Condition[];
  any: Condition[];
  weight: number;
}

export interface RiskProfile {
  id: string;
  version: number;
  title: string;
  kind: 'perpetrator' | 'protection';
  indicators: string[];
  threshold: number;
  review_by: string;
  approved_by: string[];
  file: string;
  status: 'in_force' | 'expired';
  days_to_review: number;
  change: string | null;
}

export interface RuleChange {
  id: string;
  path: string;
  text: string;
  note: string;
  proposed_by: string;
  proposed_at: string;
  approved_by: string | null;
  approved_at: string | null;
  refused_by: string | null;
  refused_at: string | null;
  decision_note: string | null;
  state: 'pending' | 'approved' | 'refused';
}

export interface RiskRules {
  profiles: RiskProfile[];
  indicators: Indicator[];
  fields: Record<string, { type: string; protected: boolean; about: string }>;
  changes: RuleChange[];
}

export interface DisparityGroup {
  dimension: 'nationality' | 'sex' | 'age_band';
  group: string;
  crossings: number;
  alerts: number;
  alert_rate: number;
  rate_ratio: number;
  reviewed: number;
  confirmed: number;
  precision: number | null;
  flag: string | null;
}

export interface Disparity {
  crossings: number;
  alerts: number;
  alert_rate: number;
  reviewed: number;
  precision: number | null;
  groups: DisparityGroup[];
  rule: string;
}

export interface BacktestProfile {
  profile: string;
  version: number;
  kind: RiskKind;
  positives: number;
  hits: number;
  true_hits: number;
  precision: number | null;
  recall: number | null;
  alerts_per_1000: number;
  disparity: Disparity;
  warnings: string[];
}

export interface Backtest {
  world: string;
  crossings: number;
  unknown: number;
  profiles: BacktestProfile[];
  warnings: string[];
  micros_per_crossing: number;
}
