// What the observers' page concludes about one acta, every step recomputed
// here from bytes: the acta against the manifest (election, table, shape,
// the machine's signature), then against the log (the signed checkpoint,
// each acta the center holds for the table with its own signature and an
// inclusion proof checked against that checkpoint's root).
//
// The one thing the browser cannot prove is absence: "not in the log" means
// the center (or mirror) shows no proven acta for the table. `acta verify`
// proves absence from the whole log.

import { type Acta, ActaError, actaSignedMessage, decodeActaBytes } from './acta_codec';
import { equal, fromBase64, fromHex, hex } from './bytes';
import { verifyEd25519 } from './ed25519';
import { type CheckedManifest, findTable, type TableRecord } from './manifest';
import { checkInclusion, leafHash } from './merkle';
import { type Checkpoint, verifyCheckpoint } from './note';

// Reads the center's (or a mirror's) public files; null for 404.
export interface LogSource {
  text(path: string): Promise<string | null>;
  json<T>(path: string): Promise<T | null>;
  mirror: boolean;
}

export interface ValidActa {
  acta: Acta;
  table: TableRecord;
  leaf: Uint8Array;
}

// Checks an acta against the manifest, as acta::VerifyActa does; throws
// ActaError with the reason.
export async function checkActa(acta: Acta, m: CheckedManifest): Promise<ValidActa> {
  if (!equal(acta.election_id, m.electionId)) {
    throw new ActaError(`wrong_election: this acta is for election ${hex(acta.election_id)}, the page's manifest is ${hex(m.electionId)}`);
  }
  const table = findTable(m, acta.table_id);
  if (!table) throw new ActaError(`unknown_table: table ${acta.table_id} is not in the manifest`);
  if (acta.contests.length !== m.json.contests.length) {
    throw new ActaError(`malformed: ${acta.contests.length} contests, the manifest has ${m.json.contests.length}`);
  }
  acta.contests.forEach((c, i) => {
    const want = m.json.contests[i].candidates.length;
    if (c.votes.length !== want) throw new ActaError(`malformed: contest ${i} has ${c.votes.length} candidates, the manifest ${want}`);
  });
  if (!(await verifyEd25519(table.key, actaSignedMessage(acta), acta.signature))) {
    throw new ActaError(`bad_signature: the signature is not by table ${acta.table_id}'s machine key`);
  }
  return { acta, table, leaf: await leafHash(acta.bytes) };
}

export interface LoggedActa {
  acta: Acta;
  leaf: Uint8Array;
  index: number;
  checkpointSize: number;
}

export type LogVerdict =
  // The same bytes are in the log; `others` are different validly signed
  // actas also logged for the table (a conflict).
  | { kind: 'same'; checkpoint: Checkpoint; proof: LoggedActa; proofHashes: string[]; others: LoggedActa[] }
  | { kind: 'different'; checkpoint: Checkpoint; logged: LoggedActa[] }
  // Nothing proven for the table; `pending` when the center holds this very
  // acta (it answered a receipt) but no signed checkpoint covers it yet.
  | { kind: 'missing'; checkpoint: Checkpoint; pending: boolean; warnings: string[] };

interface StoredActaJson {
  acta: string;
  seq?: number;
  inclusion_proof?: { index: number; size: number; hashes: string[] };
}

interface ProofJson {
  index: number;
  size: number;
  hashes: string[];
}

async function centerCheckpoint(note: string, m: CheckedManifest): Promise<Checkpoint> {
  // As verify::internal::VerifyCenterCheckpoint: any center key of the
  // manifest whose name and key id sign the note.
  const origin = `acta/${hex(m.electionId)}`;
  let last: unknown = new Error('the checkpoint is not signed by any center key listed in the manifest');
  for (const k of m.centers) {
    try {
      return await verifyCheckpoint(note, k, origin);
    } catch (e) {
      // Keep the most telling reason: a failing signature over "not this key".
      if (!(e instanceof Error && e.message.includes('not signed by the center key'))) last = e;
    }
  }
  throw last instanceof Error ? last : new Error(String(last));
}

function hashes(list: string[]): Uint8Array[] | null {
  const out: Uint8Array[] = [];
  for (const x of list) {
    const h = fromHex(x);
    if (!h || h.length !== 32) return null;
    out.push(h);
  }
  return out;
}

export class LogCheckError extends Error {}

// Proves `leaf` in a signed checkpoint: the latest, or (on a mirror, whose
// table files keep the proof of the size they were written at) the signed
// checkpoint of the proof's size from /v1/checkpoints.
async function prove(
  src: LogSource,
  m: CheckedManifest,
  latest: Checkpoint,
  leaf: Uint8Array,
  given: ProofJson | undefined,
  olderCheckpoints: () => Promise<Map<number, string>>,
): Promise<{ index: number; size: number; hashes: string[] } | null> {
  let proof: ProofJson | null | undefined = given;
  if (!src.mirror) proof = await src.json<ProofJson>(`/v1/proof/inclusion?leaf=${hex(leaf)}&size=${latest.size}`);
  if (!proof) return null;
  let cp = latest;
  if (proof.size !== latest.size) {
    const note = (await olderCheckpoints()).get(proof.size);
    if (!note) throw new LogCheckError(`no signed checkpoint of size ${proof.size} to check the proof against`);
    cp = await centerCheckpoint(note, m);
  }
  const list = hashes(proof.hashes);
  if (!list) throw new LogCheckError('the inclusion proof is malformed');
  const why = await checkInclusion(proof.index, proof.size, leaf, list, cp.root);
  if (why) throw new LogCheckError(`the inclusion proof does not check: ${why}`);
  return proof;
}

// Compares a valid acta with the log. Throws LogCheckError when the center
// or mirror serves something that does not check (a proof, a checkpoint),
// and any network error as it comes.
export async function compareWithLog(src: LogSource, m: CheckedManifest, held: ValidActa): Promise<LogVerdict> {
  const note = await src.text('/checkpoint');
  if (note === null) throw new LogCheckError('the center has published no checkpoint yet');
  const checkpoint = await centerCheckpoint(note, m).catch((e: unknown) => {
    throw new LogCheckError(e instanceof Error ? e.message : String(e));
  });
  let older: Map<number, string> | null = null;
  const olderCheckpoints = async () => {
    if (!older) {
      const list = (await src.json<{ size: number; note?: string }[]>('/v1/checkpoints')) ?? [];
      older = new Map(list.filter((c) => c.note).map((c) => [c.size, c.note!]));
    }
    return older;
  };
  const detail = await src.json<{ actas: StoredActaJson[] }>(`/v1/tables/${held.acta.table_id}`);
  const logged: LoggedActa[] = [];
  const warnings: string[] = [];
  let heldProof: string[] | null = null;
  let pending = false;
  for (const s of detail?.actas ?? []) {
    const bytes = fromBase64(s.acta);
    let valid: ValidActa;
    try {
      if (!bytes) throw new ActaError('not base64');
      valid = await checkActa(decodeActaBytes(bytes), m);
      if (valid.acta.table_id !== held.acta.table_id) throw new ActaError(`it is table ${valid.acta.table_id}'s`);
    } catch (e) {
      warnings.push(`the center lists an acta for this table that does not check: ${e instanceof Error ? e.message : e}`);
      continue;
    }
    const proof = await prove(src, m, checkpoint, valid.leaf, s.inclusion_proof, olderCheckpoints);
    if (!proof) {
      if (equal(valid.leaf, held.leaf)) pending = true;
      continue;
    }
    if (equal(valid.leaf, held.leaf)) heldProof = proof.hashes;
    logged.push({ acta: valid.acta, leaf: valid.leaf, index: proof.index, checkpointSize: proof.size });
  }
  // The held acta may be in the log even if the table's listing leaves it
  // out: ask for its proof by leaf hash (a center only; a mirror has no
  // proof route).
  if (!heldProof && !src.mirror) {
    const proof = await prove(src, m, checkpoint, held.leaf, undefined, olderCheckpoints);
    if (proof) {
      heldProof = proof.hashes;
      logged.push({ acta: held.acta, leaf: held.leaf, index: proof.index, checkpointSize: proof.size });
    }
  }
  if (heldProof) {
    const mine = logged.find((l) => equal(l.leaf, held.leaf))!;
    return { kind: 'same', checkpoint, proof: mine, proofHashes: heldProof, others: logged.filter((l) => !equal(l.leaf, held.leaf)) };
  }
  if (logged.length > 0) return { kind: 'different', checkpoint, logged };
  return { kind: 'missing', checkpoint, pending, warnings };
}

// Each count that differs between two actas of the same table.
export interface Difference {
  field: 'ballots_cast' | 'closing_time' | 'correction' | 'contest'; // 'contest' names contest and candidate
  contest?: number;
  candidate?: number | 'blank' | 'null';
  held: number;
  logged: number;
}

export function differences(a: Acta, b: Acta): Difference[] {
  const out: Difference[] = [];
  const top: ('ballots_cast' | 'closing_time' | 'correction')[] = ['ballots_cast', 'closing_time', 'correction'];
  for (const f of top) if (a[f] !== b[f]) out.push({ field: f, held: a[f], logged: b[f] });
  a.contests.forEach((c, i) => {
    const d = b.contests[i];
    c.votes.forEach((v, k) => {
      if (v !== d.votes[k]) out.push({ field: 'contest', contest: i, candidate: k, held: v, logged: d.votes[k] });
    });
    if (c.blank !== d.blank) out.push({ field: 'contest', contest: i, candidate: 'blank', held: c.blank, logged: d.blank });
    if (c.null !== d.null) out.push({ field: 'contest', contest: i, candidate: 'null', held: c.null, logged: d.null });
  });
  return out;
}
