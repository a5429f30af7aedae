// The observers' page's verification code (web/src/observer/*.ts), run in
// Node against the vectors the C++ side checks: the shared Ed25519 vectors
// (tests/vectors/ed25519.json, also read by CryptoTest), docs/FORMATS.md's
// acta, checkpoint and receipt vectors, and a manifest and acta made by the
// real `acta` binary (election id and signatures must agree byte for byte).
//
// Needs web/node_modules (esbuild comes with vite) and ACTA_BIN.
import { describe, before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { actaBin, cleanup, makeElection, repoRoot, signActa, webDir } from './harness.mjs';

const hex = (b) => Buffer.from(b).toString('hex');
const unhex = (s) => new Uint8Array(Buffer.from(s, 'hex'));

// Bundles the page's pure modules (no DOM) into one ES module for Node.
async function loadObserverModules(dir) {
  const esbuild = createRequire(path.join(webDir, 'package.json'))('esbuild');
  const entry = path.join(dir, 'entry.ts');
  const src = path.join(webDir, 'src', 'observer');
  await writeFile(entry, ['acta_codec', 'base45', 'bytes', 'check', 'ed25519', 'manifest', 'merkle', 'note', 'receipt', 'tabulate']
    .map((m) => `export * from ${JSON.stringify(path.join(src, m))};`).join('\n'));
  const out = path.join(dir, 'observer.mjs');
  await esbuild.build({ entryPoints: [entry], bundle: true, format: 'esm', platform: 'neutral', outfile: out,
    nodePaths: [path.join(webDir, 'node_modules')], logLevel: 'error' });
  return import(pathToFileURL(out).href);
}

describe('observer verification code', () => {
  let dir, o;
  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'acta-observer-unit-'));
    o = await loadObserverModules(dir);
  });
  after(() => cleanup(dir));

  test('Ed25519: the shared vectors, as libsodium judges them', async () => {
    const { vectors } = JSON.parse(await readFile(path.join(repoRoot, 'tests/vectors/ed25519.json'), 'utf8'));
    assert.ok(vectors.length >= 12);
    for (const v of vectors) {
      const got = await o.verifyEd25519(unhex(v.public_key), unhex(v.message), unhex(v.signature));
      assert.equal(got, v.valid, v.name);
    }
  });

  test('acta: the FORMATS.md frozen vector decodes to its bytes, fields and leaf hash', async () => {
    const text = 'ACTA1:660:J9H8UWPE6TI+A86.2J8D4K5*LNZ84DW3E8FPYBF71JBUB*A300NKT000H209Q2448OWJLB0G/IQJGKHBMN1$F0V90660CS1Z0G$LQ4%CI66E4KJ36-WTY1TV49%YOW+U8ST8.C:8H9*8L.9JO81TH+%GBE0EY5R09XWGQ/RLWC289J9DSPF+:IT J9DIE0';
    const a = o.decodeActaText(`  ${text}\r\n`);
    assert.equal(hex(a.bytes), '01144ab4eec7734393814132173a68502b15b9c7212f1d68781d5d160933ef5056000003e9000000006b146d40009c030204960182015a140c0a02c801b401140ce17eb3d180659e30969ef63010eb2ee5b44804c3f8f476ea596656880d462c4ea843938b93856602812d95474c8451dd3c64a1489b687d7b2896469cbc90b40e');
    assert.equal(a.table_id, 1001);
    assert.equal(a.closing_time, 1796500800);
    assert.equal(a.ballots_cast, 412);
    assert.deepEqual(a.contests, [{ votes: [150, 130, 90, 20], blank: 12, null: 10 }, { votes: [200, 180], blank: 20, null: 12 }]);
    assert.equal(hex(await o.leafHash(a.bytes)), '594581310fd49027a2d4372b72c9acc3da1806793d7dece6207853ad3bc6d6f5');
    // The machine key of the vector: seed 01..20.
    assert.equal(await o.verifyEd25519(unhex('79b5562e8fe654f94078b112e8a98ba7901f853ae695bed7e0e3910bad049664'), o.actaSignedMessage(a), a.signature), true);
  });

  test('acta: strict decoding rejects what DecodeActa rejects', () => {
    const good = o.decodeActaText('ACTA1:660:J9H8UWPE6TI+A86.2J8D4K5*LNZ84DW3E8FPYBF71JBUB*A300NKT000H209Q2448OWJLB0G/IQJGKHBMN1$F0V90660CS1Z0G$LQ4%CI66E4KJ36-WTY1TV49%YOW+U8ST8.C:8H9*8L.9JO81TH+%GBE0EY5R09XWGQ/RLWC289J9DSPF+:IT J9DIE0').bytes;
    const body = good.slice(0, good.length - 64);
    const sig = good.slice(good.length - 64);
    const withBody = (b) => new Uint8Array([...b, ...sig]);
    assert.throws(() => o.decodeActaBytes(good.slice(0, 115)), /too short/);
    assert.throws(() => o.decodeActaBytes(new Uint8Array(1025).fill(1)), /too long/);
    assert.throws(() => o.decodeActaBytes(withBody([2, ...body.slice(1)])), /version 2/);
    assert.throws(() => o.decodeActaBytes(withBody([...body, 0])), /unexpected bytes before the signature/);
    // correction 0 written as the two bytes 80 00: not minimal.
    assert.throws(() => o.decodeActaBytes(withBody([...body.slice(0, 45), 0x80, 0x00, ...body.slice(46)])), /correction.*non-minimal/);
    // contest_count 17.
    const b17 = [...body]; b17[48] = 17;
    assert.throws(() => o.decodeActaBytes(withBody(b17)), /contest_count.*exceeds 16/);
    assert.throws(() => o.decodeActaText('ACTA2:00'), /must start with "ACTA1:"/);
    assert.throws(() => o.decodeActaText('ACTA1:0'), /dangling/);
    assert.throws(() => o.decodeActaText('ACTA1:abc'), /not base45/);
    assert.throws(() => o.decodeActaText('ACTA1::::'), /exceeds 65535/);
  });

  test('checkpoint: the FORMATS.md vector verifies; its inclusion proof reaches the root', async () => {
    const origin = 'acta/000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f';
    const key = await o.parseNoteKey(`${origin}+1fc8f657+ASmsuuFBvMrwsi4alNNNC8c2HlJtC/4SyJeUvJMilm3X`);
    const note = `${origin}\n3\nO7ChaNp+tuqav5/5ekuQdL7w5v2zZF4hRkmD6EQrkOo=\n\n— ${origin} H8j2V+khi1bDo3m2Xi760lzUGsAc5e9PfHgui6KNIczxmW+UmL7lWDJ4YCM3fiV/6aJTq/8lgbHFxwHaKyA5DEdO6Qg=\n`;
    const cp = await o.verifyCheckpoint(note, key, origin);
    assert.equal(cp.size, 3);
    assert.equal(hex(cp.root), '3bb0a168da7eb6ea9abf9ff97a4b9074bef0e6fdb3645e21464983e8442b90ea');
    await assert.rejects(o.verifyCheckpoint(note.replace('\n3\n', '\n4\n'), key, origin), /signature does not verify/);
    await assert.rejects(o.verifyCheckpoint(note, key, 'acta/other'), /another log/);
    const leaves = await Promise.all(['acta-0', 'acta-1', 'acta-2'].map((s) => o.leafHash(new TextEncoder().encode(s))));
    assert.equal(hex(leaves[2]), '5f71a3941ce12fefd6a7760f6092f0b4fde1185542b02b4d916dfd20152124c3');
    const proof = [unhex('12fbe05cd00c63b1698db9600f117e74c2687bf9150205e4b48a42809a9334bd')];
    assert.equal(await o.checkInclusion(2, 3, leaves[2], proof, cp.root), null);
    assert.match(await o.checkInclusion(2, 3, leaves[2], [leaves[0]], cp.root), /does not lead/);
    assert.match(await o.checkInclusion(3, 3, leaves[2], proof, cp.root), /not in a tree/);
    assert.match(await o.checkInclusion(2, 3, leaves[2], [...proof, proof[0]], cp.root), /longer/);
    assert.match(await o.checkInclusion(2, 3, leaves[2], [], cp.root), /shorter/);
  });

  test('receipt: the FORMATS.md vector checks against its center key', async () => {
    const r = unhex('01144ab4eec7734393814132173a68502b15b9c7212f1d68781d5d160933ef50569f91161f43433e49a6de6db680d79f60159f2e4ac9172621a12846428158440b000001a247cac6d2f888ca494e4d4f77d3fe791170cc1c231fd29c2d2af040ed21204db8d8f568dd4f051f26219214da50310f3ed245783f814c06d333d74f6d0571437b725efaaf7d37a007');
    const sha = async (s) => new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(s)));
    const m = { electionId: await sha('acta test election'), centers: [await o.parseNoteKey('center-1+f888ca49+ASFS+NGbeR0kRTJC4V8uq2y3z/p7al7TAJeWDgaYgdsS')] };
    const got = await o.checkReceipt(r, m, await sha('leaf'));
    assert.deepEqual(got, { receivedAtMs: 1796500801234, center: 'center-1' });
    await assert.rejects(o.checkReceipt(r, m, await sha('other leaf')), /another acta/);
    const bad = r.slice(); bad[80] ^= 1;
    await assert.rejects(o.checkReceipt(bad, m, await sha('leaf')), /does not verify/);
  });

  test('receipt by a receipt key: the FORMATS.md vector checks through its certificate', async () => {
    // Center key test-center from seed 32 x 0xc1 (Node's own Ed25519, not the page's).
    const { createPrivateKey, createPublicKey } = await import('node:crypto');
    const seed = Buffer.alloc(32, 0xc1);
    const priv = createPrivateKey({ key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), seed]), format: 'der', type: 'pkcs8' });
    const pub = new Uint8Array(Buffer.from(createPublicKey(priv).export({ format: 'jwk' }).x, 'base64url'));
    const id = await o.noteKeyId('test-center', pub);
    const center = await o.parseNoteKey(`test-center+${hex(id)}+${Buffer.from([1, ...pub]).toString('base64')}`);
    const electionId = unhex('bb84d4b9c306470e352ad344dfe9f860d2aa376f16db5294a0917f16fa9b855e');
    const origin = `acta/${hex(electionId)}`;
    const cert = `acta/v1/receipt-key\n${origin}\ntest-center/receipts/20792+36127004+AYFGZA8CSTr0+8VP4zOI513CyTeuC3cnzCsq+xt1GZo+\n1796428800000 1797033599999\n\n`
      + '\u2014 test-center heVw33NL/INR4fWtJ8BlmH9KqhBHF18mBYycSOtdgOtwhuIflQfgVfWEfc620PTVE5HARDm5/jl6YkylDgu+Gq1j0QU=\n';
    const r = unhex('01bb84d4b9c306470e352ad344dfe9f860d2aa376f16db5294a0917f16fa9b855e9f91161f43433e49a6de6db680d79f60159f2e4ac9172621a12846428158440b000001a247cac6d236127004f30330177310ea1d782b58a5124064bba41039fcd037216154cde5d7d9b6f816f102de260779653b21e1be80a7d747f2ab1deca825ac38b93aaa1cdea873f509');
    const m = { electionId, centers: [center] };
    const leaf = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode('leaf')));
    const c = await o.verifyReceiptKeyCertificate(cert, [center], origin);
    assert.deepEqual([c.key.name, c.notBeforeMs, c.notAfterMs, c.certifiedBy], ['test-center/receipts/20792', 1796428800000, 1797033599999, 'test-center']);
    assert.deepEqual(await o.checkReceipt(r, m, leaf, async () => [cert]),
      { receivedAtMs: 1796500801234, center: 'test-center', receiptKey: 'test-center/receipts/20792' });
    // Without the certificates the key is unknown; not a forgery claim about a center key.
    await assert.rejects(o.checkReceipt(r, m, leaf), /neither a center of this election nor a receipt key/);
    // A certificate altered (its interval) no longer verifies and vouches for nothing.
    await assert.rejects(o.verifyReceiptKeyCertificate(cert.replace('1797033599999', '1797033599998'), [center], origin), /signature does not verify/);
    await assert.rejects(o.checkReceipt(r, m, leaf, async () => [cert.replace('1797033599999', '1797033599998')]), /neither a center/);
    // Another election's origin.
    await assert.rejects(o.verifyReceiptKeyCertificate(cert, [center], 'acta/other'), /another log/);
    // A receipt outside the certified interval, or with a bad signature.
    const late = r.slice(); late.set(unhex('000001a2ffffffff'), 65);
    await assert.rejects(o.checkReceipt(late, m, leaf, async () => [cert]), /certified for its time/);
    const bad = r.slice(); bad[100] ^= 1;
    await assert.rejects(o.checkReceipt(bad, m, leaf, async () => [cert]), /certified for its time/);
    assert.deepEqual(o.receiptKeyNotes({ receipt_keys: [cert] }), [cert]);
    assert.throws(() => o.receiptKeyNotes({ receipt_keys: [1] }), /not \{"receipt_keys"/);
  });

  test('tabulation: logged tables not held from the table CSV; CSV cells quoted and never formulas', () => {
    const csv = 'table_id,state,municipality,parish,center,registered,status,seq,closing_time\n'
      + '101,VE-01,VE-01-01,VE-01-01-01,VE-01-01-01-0001,100,counted,0,1500\n'
      + '102,VE-01,VE-01-01,VE-01-01-01,VE-01-01-01-0001,100,conflict,1,1500\n'
      + '103,VE-01,VE-01-01,VE-01-01-01,VE-01-01-01-0002,150,missing,,\n';
    assert.deepEqual(o.notHeld(csv, new Set()), [101, 102]);
    assert.deepEqual(o.notHeld(csv, new Set([102])), [101]);
    assert.throws(() => o.notHeld('id,status\n', new Set()), /unexpected header/);
    const row = (source) => ({ table: 7, verdict: 'missing', source, held: { leaf: new Uint8Array(32) }, log: null });
    const lines = o.toCsv([row('=HYPERLINK("x")'), row('a,b.jpg')], [9]).trim().split('\n');
    assert.equal(lines[1], `7,missing,"'=HYPERLINK(""x"")",${'0'.repeat(64)},,0`);
    assert.equal(lines[2], `7,missing,"a,b.jpg",${'0'.repeat(64)},,0`);
    assert.equal(lines[3], '9,not_held,,,,0');
  });

  test('manifest and acta made by the acta binary: same election id, signature checked', { skip: !actaBin && 'ACTA_BIN not set' }, async () => {
    const el = await makeElection(40, 7);
    try {
      const read = (f) => readFile(path.join(el.election, f));
      const m = await o.checkManifest((await read('manifest.json')).toString('utf8'), new Uint8Array(await read('tables.bin')), (await read('manifest.sig')).toString('utf8'));
      const counts = el.truth(3);
      const bytes = new Uint8Array(await signActa(el, el.ids[3], counts));
      assert.equal(hex(m.electionId), hex(bytes.slice(1, 33)));
      const v = await o.checkActa(o.decodeActaBytes(bytes), m);
      assert.equal(v.table.table, el.ids[3]);
      assert.equal(v.acta.ballots_cast, counts.ballots_cast);
      // One count changed: the same bytes otherwise, so the signature fails.
      const forged = bytes.slice(); forged[46] ^= 1;
      await assert.rejects(o.checkActa(o.decodeActaBytes(forged), m), /bad_signature/);
      const json = JSON.parse((await read('manifest.json')).toString('utf8'));
      json.name += ' (altered)';
      await assert.rejects(o.checkManifest(JSON.stringify(json), m.tablesBin, (await read('manifest.sig')).toString('utf8')), /does not verify/);

      // Co-signed (`acta election cosign`, docs/FORMATS.md "manifest.sig"):
      // the page reads the signed note and checks the authority's line.
      const fingerprint = hex(m.electionId).slice(0, 32).toUpperCase().match(/.{4}/g).join('-');
      execFileSync(actaBin, ['election', 'cosign', '--election', el.election, '--key',
        path.join(el.election, 'secrets', 'authority.key'), '--fingerprint', fingerprint]);
      const note = (await read('manifest.sig')).toString('utf8');
      assert.ok(note.startsWith('acta/v1/manifest\n'), note);
      const cosigned = await o.checkManifest((await read('manifest.json')).toString('utf8'), m.tablesBin, note);
      assert.equal(hex(cosigned.electionId), hex(m.electionId));
      // The note of another manifest, or without the authority's line, is refused.
      await assert.rejects(o.checkManifest(JSON.stringify(json), m.tablesBin, note), /another manifest|does not verify/);
      const others = note.replace(/\n\n\u2014 .*\n$/s, '\n\n\u2014 stranger AAAAAA==\n');
      await assert.rejects(o.checkManifest((await read('manifest.json')).toString('utf8'), m.tablesBin, others), /not signed by the authority key/);
    } finally {
      await cleanup(el.dir);
    }
  });
});
