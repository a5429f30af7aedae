// JSON shapes served by the center's public API (docs/FORMATS.md, "Bulletin
// JSON"; src/center/public_api.cc). Only the fields the page reads.

export interface Candidate {
  id: string;
  name: string;
  party: string;
}

export interface ContestInfo {
  id: string;
  name: string;
  candidates: Candidate[];
}

export interface ContestTotals {
  id: string;
  votes: number[];
  blank: number;
  null: number;
  leader: string | null;
  runner_up: string | null;
  margin: number;
  remaining: number;
  irreversible: boolean;
}

export type RegionLevel = 'country' | 'state' | 'municipality' | 'parish' | 'voting_center';

export interface RegionTotals {
  code: string;
  name: string;
  level: RegionLevel;
  parent: string | null;
  tables_expected: number;
  tables_counted: number;
  tables_conflicted: number;
  registered: number;
  registered_counted: number;
  ballots_cast: number;
  turnout: string;
  contests: ContestTotals[];
}

// GET /v1/regions/{code}. `tables` is not served yet: see README, "Wanted
// from the backend"; when present the voting-center page uses it.
export interface RegionDetail extends RegionTotals {
  children: RegionTotals[];
  log_size: number;
  // Ancestors, country first (breadcrumbs without the whole tree).
  path?: { code: string; name: string; level: RegionLevel }[];
  tables?: TableSummary[];
}

export interface TableSummary {
  table: number;
  status: TableStatus;
  flags: string[];
  registered?: number;
}

export interface FlaggedTable {
  table: number;
  flags: string[];
}

export interface Bulletin {
  format: string;
  election_id: string;
  checkpoint: { size: number; root: string };
  generated_at: number;
  contests: ContestInfo[];
  regions: RegionTotals[];
  invalid_entries: number;
  flags_total: number;
  flags: FlaggedTable[];
}

export type TableStatus = 'missing' | 'counted' | 'conflict';

export interface ActaCounts {
  closing_time: number;
  correction: number;
  ballots_cast: number;
  contests: { id: string; votes: number[]; blank: number; null: number }[];
}

export interface InclusionProof {
  size: number;
  index: number;
  hashes: string[];
}

export interface StoredActa {
  leaf_hash: string;
  acta: string; // base64 of the signed acta bytes
  text: string; // QR text, ACTA1:...
  receipt: string; // base64 of the 141-byte receipt
  received_at_ms: number;
  lane: 'terminal' | 'public';
  conflict: boolean;
  seq?: number;
  inclusion_proof?: InclusionProof;
}

export interface TableDetail {
  table: number;
  region: string;
  registered: number;
  status: TableStatus;
  flags: string[];
  seq?: number;
  leaf_hash?: string;
  acta?: ActaCounts;
  actas: StoredActa[];
  checkpoint_size: number;
}

export interface CheckpointInfo {
  size: number;
  root: string;
  created_at_ms: number;
  note?: string;
}

// GET /v1/witnesses?size=N: the manifest's witnesses and which of them
// cosigned the checkpoint of size N (docs/API.md); on a static mirror the
// page derives the same from the manifest and the cosigned /checkpoint.
export interface WitnessInfo {
  name: string;
  vkey: string;
  url: string;
  cosigned_size: number; // largest size this witness cosigned for the center
}

export interface Witnesses {
  quorum: number;
  witnesses: WitnessInfo[];
  size: number;
  cosigned_by: string[];
  quorum_met: boolean;
}

export interface ManifestRegion {
  code: string;
  name: string;
  level: RegionLevel;
  parent: string | null;
}

export interface Manifest {
  name: string;
  regions: ManifestRegion[];
  tables: { file: string; count: number; sha256: string };
  // The witness policy, when the manifest has one (docs/FORMATS.md).
  witnesses?: { quorum: number; list: { name: string; vkey: string; url: string }[] };
}

// GET /v1/telemetry: the shape this page reads (README, "Telemetry JSON";
// written by src/center/telemetry/telemetry_export.cc).
export interface RankedCount {
  rejected: number; // upper bound (space-saving sketch)
  error?: number; // rejected - error is a lower bound
  country?: string;
}

export interface Telemetry {
  format: string;
  generated_at_ms: number;
  bucket_seconds: number;
  window_seconds?: number;
  reasons: string[];
  totals?: {
    rejected: number;
    accepted?: number;
    distinct_sources?: number;
    by_reason?: Record<string, number>;
    by_lane?: Record<string, number>;
  };
  // Buckets with any count, oldest first; missing buckets are zero.
  buckets: { start_ms: number; rejected: number[]; accepted?: number }[];
  distinct_sources_per_hour: { start_ms: number; estimate: number }[];
  top_networks: (RankedCount & { network: string })[];
  countries: (RankedCount & { country: string })[];
  asns?: (RankedCount & { asn: string })[];
  geo?: boolean;
}

// GET /v1/arrivals?region=CODE&top=N (docs/API.md): tables first counted
// per time bucket, by child region. Only non-empty buckets are listed.
export interface ArrivalSeries {
  code: string;
  name: string;
  total: number;
  counts: number[]; // aligned with starts_ms
}

export interface Arrivals {
  format: string;
  region: string;
  name: string;
  level: RegionLevel;
  checkpoint: { size: number; root: string };
  bucket_ms: number;
  starts_ms: number[];
  children: ArrivalSeries[]; // most arrivals first
  other: { regions: number; total: number; counts: number[] } | null;
  totals: number[];
  total: number;
  tables_expected: number;
}
