// C2SP signed notes and tlog-checkpoints as docs/FORMATS.md ("Keys",
// "Checkpoint") specifies them: verifier keys `<name>+<key id>+<base64(0x01
// ‖ key)>`, and a checkpoint `<origin>\n<size>\n<base64 root>\n` signed by
// the center key, each signature line `— <name> <base64(key id ‖ sig)>`.

import { equal, fromBase64, sha256, utf8 } from './bytes';
import { verifyEd25519 } from './ed25519';

export interface NoteKey {
  name: string;
  id: Uint8Array; // 4 bytes
  key: Uint8Array; // 32-byte Ed25519 public key
  text: string;
}

// The key id: the first 4 bytes of SHA-256(name ‖ 0x0A ‖ 0x01 ‖ key).
export async function noteKeyId(name: string, key: Uint8Array): Promise<Uint8Array> {
  return (await sha256(utf8(name), Uint8Array.of(0x0a, 0x01), key)).slice(0, 4);
}

export async function parseNoteKey(text: string): Promise<NoteKey> {
  const m = /^([^+\s]+)\+([0-9a-f]{8})\+([A-Za-z0-9+/=]+)$/.exec(text);
  if (!m) throw new Error(`malformed verifier key: ${text}`);
  const raw = fromBase64(m[3]);
  if (!raw || raw.length !== 33 || raw[0] !== 0x01) throw new Error(`verifier key ${m[1]}: not an Ed25519 (type 0x01) key`);
  const key = raw.slice(1);
  const id = await noteKeyId(m[1], key);
  const want = m[2].match(/../g)!.map((x) => parseInt(x, 16));
  if (!equal(id, Uint8Array.from(want))) throw new Error(`verifier key ${m[1]}: key id does not match the key`);
  return { name: m[1], id, key, text };
}

export interface Checkpoint {
  origin: string;
  size: number;
  root: Uint8Array;
  note: string;
}

// The text of a signed note that `key` signed: one valid signature by it and
// no failing one (signatures by other keys, e.g. witnesses or co-signers, are
// ignored). Errors start with `what` and name the signer as `who`.
export async function verifyNoteSignedBy(note: string, key: NoteKey, what: string, who: string): Promise<string> {
  const split = note.indexOf('\n\n');
  if (split < 0 || !note.endsWith('\n')) throw new Error(`${what}: not a signed note`);
  const text = note.slice(0, split + 1);
  let good = 0;
  for (const line of note.slice(split + 2, -1).split('\n')) {
    const m = /^\u2014 (\S+) ([A-Za-z0-9+/=]+)$/.exec(line);
    if (!m) throw new Error(`${what}: malformed signature line "${line}"`);
    const raw = fromBase64(m[2]);
    if (!raw || raw.length < 4) throw new Error(`${what}: malformed signature`);
    if (m[1] !== key.name || !equal(raw.slice(0, 4), key.id)) continue;
    if (raw.length !== 68 || !(await verifyEd25519(key.key, utf8(text), raw.slice(4)))) {
      throw new Error(`${what}: the ${who}'s signature does not verify`);
    }
    good++;
  }
  if (good === 0) throw new Error(`${what}: not signed by the ${who} key of the manifest`);
  return text;
}

// Parses a checkpoint note and requires a valid signature by `center` and
// no failing one by it (other signers, e.g. witnesses, are ignored).
export async function verifyCheckpoint(note: string, center: NoteKey, origin: string): Promise<Checkpoint> {
  const text = await verifyNoteSignedBy(note, center, 'checkpoint', 'center');
  const lines = text.split('\n');
  if (lines.length < 4) throw new Error('checkpoint: fewer than three lines');
  if (lines[0] !== origin) throw new Error(`checkpoint of another log: "${lines[0]}", expected "${origin}"`);
  if (!/^(0|[1-9][0-9]*)$/.test(lines[1]) || !Number.isSafeInteger(Number(lines[1]))) throw new Error('checkpoint: bad size');
  const root = fromBase64(lines[2]);
  if (!root || root.length !== 32) throw new Error('checkpoint: bad root');
  return { origin, size: Number(lines[1]), root, note };
}

