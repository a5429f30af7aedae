// The election manifest checked in the browser (docs/FORMATS.md,
// "Manifest"): tables.bin's size and SHA-256, the canonical bytes and their
// SHA-256 (the election id), and the authority's signature in manifest.sig.
// A manifest that passes is the one the authority signed; whether that
// authority is the right one is for the observer to compare (the page shows
// the key and the election id; a printed acta carries the election id).

import { concat, fromBase64, fromHex, hex, sha256, u32be, utf8 } from './bytes';
import { verifyEd25519 } from './ed25519';
import { parseNoteKey, verifyNoteSignedBy, type NoteKey } from './note';

export interface ManifestJson {
  format: string;
  name: string;
  polls_close: { not_before: string; not_after: string };
  authority: string;
  centers: string[];
  transport_key_ids: string[];
  contests: { id: string; name: string; candidates: { id: string; name: string; party: string }[] }[];
  regions: { code: string; name: string; level: string; parent: string | null }[];
  tables: { file: string; count: number; sha256: string };
}

export interface TableRecord {
  table: number;
  region: number; // index into regions
  registered: number;
  key: Uint8Array;
}

export interface CheckedManifest {
  json: ManifestJson;
  electionId: Uint8Array;
  authority: NoteKey;
  centers: NoteKey[];
  tablesBin: Uint8Array;
}

const LEVELS = ['country', 'state', 'municipality', 'parish', 'voting_center'];
const kRecord = 46;

function varint(n: number): number[] {
  const out: number[] = [];
  while (n >= 0x80) {
    out.push((n % 0x80) | 0x80);
    n = Math.floor(n / 0x80);
  }
  out.push(n);
  return out;
}

function u64(n: number): number[] {
  const hi = Math.floor(n / 0x100000000);
  const lo = n >>> 0;
  return [hi >>> 24, (hi >>> 16) & 0xff, (hi >>> 8) & 0xff, hi & 0xff, lo >>> 24, (lo >>> 16) & 0xff, (lo >>> 8) & 0xff, lo & 0xff];
}

function utcSeconds(s: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})Z$/.exec(s);
  if (!m) throw new Error(`manifest: bad time "${s}"`);
  return Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]) / 1000;
}

// The canonical bytes the authority signs and the election id hashes.
export function canonicalBytes(m: ManifestJson, authority: NoteKey, centers: NoteKey[]): Uint8Array {
  const parts: Uint8Array[] = [];
  const raw = (...b: number[]) => parts.push(Uint8Array.from(b));
  const str = (s: string) => {
    const b = utf8(s);
    raw(...varint(b.length));
    parts.push(b);
  };
  const key = (k: NoteKey) => {
    str(k.name);
    parts.push(k.key);
  };
  str(m.format);
  str(m.name);
  raw(...u64(utcSeconds(m.polls_close.not_before)));
  raw(...u64(utcSeconds(m.polls_close.not_after)));
  key(authority);
  raw(...varint(centers.length));
  centers.forEach(key);
  raw(...varint(m.transport_key_ids.length));
  m.transport_key_ids.forEach(str);
  raw(...varint(m.contests.length));
  for (const c of m.contests) {
    str(c.id);
    str(c.name);
    raw(...varint(c.candidates.length));
    for (const k of c.candidates) {
      str(k.id);
      str(k.name);
      str(k.party);
    }
  }
  raw(...varint(m.regions.length));
  const index = new Map(m.regions.map((r, i) => [r.code, i]));
  for (const r of m.regions) {
    str(r.code);
    str(r.name);
    const level = LEVELS.indexOf(r.level);
    if (level < 0) throw new Error(`manifest: region ${r.code} has unknown level ${r.level}`);
    raw(level);
    const parent = r.parent === null ? -1 : index.get(r.parent);
    if (parent === undefined) throw new Error(`manifest: region ${r.code} has unknown parent ${r.parent}`);
    raw(...varint(parent + 1));
  }
  raw(...varint(m.tables.count));
  const tablesHash = fromHex(m.tables.sha256);
  if (!tablesHash || tablesHash.length !== 32) throw new Error('manifest: tables.sha256 is not 64 hex digits');
  parts.push(tablesHash);
  return concat(...parts);
}

// Checks the three files; throws an Error saying what is wrong.
export async function checkManifest(jsonText: string, tablesBin: Uint8Array, sigText: string): Promise<CheckedManifest> {
  const json = JSON.parse(jsonText) as ManifestJson;
  if (json.format !== 'acta-manifest-v1') throw new Error(`manifest: unsupported format ${json.format}`);
  if (tablesBin.length !== kRecord * json.tables.count) {
    throw new Error(`tables.bin: ${tablesBin.length} bytes, expected ${kRecord} × ${json.tables.count}`);
  }
  if (hex(await sha256(tablesBin)) !== json.tables.sha256) throw new Error('tables.bin: its SHA-256 is not the one in the manifest');
  const authority = await parseNoteKey(json.authority);
  const centers = await Promise.all(json.centers.map(parseNoteKey));
  const canonical = canonicalBytes(json, authority, centers);
  const electionId = await sha256(canonical);
  if (sigText.startsWith('acta/v1/manifest\n')) {
    // Co-signed: a signed note over the election id, one line per signer
    // (docs/FORMATS.md, "manifest.sig"); the page trusts the authority's.
    const text = await verifyNoteSignedBy(sigText, authority, 'manifest.sig', 'authority');
    if (text !== `acta/v1/manifest\n${hex(electionId)}\n`) throw new Error('manifest.sig signs another manifest');
    return { json, electionId, authority, centers, tablesBin };
  }
  const m = /^([0-9a-f]{8}) ([A-Za-z0-9+/=]+)\n?$/.exec(sigText);
  const sig = m ? fromBase64(m[2]) : null;
  if (!m || !sig || sig.length !== 64) throw new Error('manifest.sig: expected "<8 hex key id> <base64 signature>"');
  if (m[1] !== hex(authority.id)) throw new Error(`manifest.sig: signed by key id ${m[1]}, the authority's is ${hex(authority.id)}`);
  if (!(await verifyEd25519(authority.key, concat(utf8('acta/v1/manifest\n'), canonical), sig))) {
    throw new Error(`manifest.sig: signature does not verify with the authority key ${authority.name}`);
  }
  return { json, electionId, authority, centers, tablesBin };
}

// Binary search of tables.bin (sorted by table id).
export function findTable(m: CheckedManifest, id: number): TableRecord | null {
  const b = m.tablesBin;
  let lo = 0;
  let hi = b.length / kRecord - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const t = u32be(b, mid * kRecord);
    if (t === id) {
      const off = mid * kRecord;
      return { table: t, region: u32be(b, off + 4), registered: u32be(b, off + 8), key: b.slice(off + 14, off + 46) };
    }
    if (t < id) lo = mid + 1;
    else hi = mid - 1;
  }
  return null;
}
