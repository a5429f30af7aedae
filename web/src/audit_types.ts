// The audit records a center publishes under /v1/audits/ (docs/API.md,
// "Audits"; audit.json in docs/FORMATS.md, "Audit directory").

export interface AuditIndex {
  audits: string[];
}

export interface AuditTableResult {
  table: number;
  region: string;
  drawn: number;
  error_bound: number;
  reported: number[];
  hand: number[];
  overstatement: number;
  discrepancy: number;
  taint: number;
}

export interface AuditRound {
  round: number;
  first_draw: number;
  draws: number;
  tables: number[];
  recorded: boolean;
  results: AuditTableResult[];
  risk: number | null;
  decision: 'awaiting_hand_counts' | 'stop' | 'escalate' | 'full_count';
  reason: string;
}

export interface Audit {
  format: string;
  election_id: string;
  contest: string;
  candidates: string[];
  risk_limit: string;
  seed: string;
  checkpoint: { size: number; root: string; note: string };
  reported: {
    totals: number[];
    unreported_registered: number;
    winner: string | null;
    margins: Record<string, number>;
  };
  error_bounds: { total_weight: string; U: number; tables: number };
  status: 'in_progress' | 'risk_limit_met' | 'full_count';
  reason: string;
  rounds: AuditRound[];
}
