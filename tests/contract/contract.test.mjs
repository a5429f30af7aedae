// docs/openapi.yaml as a contract: a real `acta center` on loopback, every
// route of both listeners fetched (the error cases too), and every response
// checked against the spec (status documented, content type, headers, body
// schema). Fails on any response the spec does not describe and on any
// operation of the spec that no request reached. Needs ACTA_BIN and
// tests/contract/node_modules (npm ci there; scripts/install-deps.sh does).
import { describe, before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { actaBin, cleanup, getJson, makeElection, signActa, startCenter, startWitnesses, until } from '../browser/harness.mjs';
import { Contract } from './openapi_contract.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const spec = path.resolve(here, '../../docs/openapi.yaml');

describe('openapi contract', () => {
  const contract = new Contract(spec);
  const problems = [];
  let el, center;
  let witnesses = [];
  let actaSha256;

  // One request, checked against the spec; returns status, headers, body.
  async function call(base, target, init = {}) {
    const url = `${base}${target}`;
    const res = await fetch(url, init);
    const body = Buffer.from(await res.arrayBuffer());
    problems.push(...contract.check(init.method ?? 'GET', url, res, body));
    return { status: res.status, headers: res.headers, body };
  }
  const post = (bytes, headers = {}) =>
    call(center.ingest, '/v1/actas', { method: 'POST', body: bytes, headers: { 'Content-Type': 'application/octet-stream', ...headers } });

  before(async () => {
    assert.ok(actaBin && existsSync(actaBin), `ACTA_BIN must point at the acta binary (got ${actaBin})`);
    // Three witnesses (quorum 2), as `acta witness` processes, so the
    // witness routes and metrics are the real ones.
    // The manifest pins this acta binary's hash (and another build's), so
    // the center starts only because its own hash is listed (/version).
    actaSha256 = createHash('sha256').update(readFileSync(actaBin)).digest('hex');
    el = await makeElection(40, 5, ['--witnesses', '3', '--witness-quorum', '2',
      '--release-hash', actaSha256, '--release-hash', 'ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb']);
    const started = await startWitnesses(el);
    witnesses = started.witnesses;
    // A published audit directory (the center serves its files as they are).
    const audit = path.join(el.dir, 'audits', 'president');
    mkdirSync(path.join(audit, 'round-1'), { recursive: true });
    writeFileSync(path.join(audit, 'audit.json'), '{"format":"acta-audit-v1","rounds":[]}\n');
    writeFileSync(path.join(audit, 'round-1', 'sample.csv'), 'draw,hash,value,table,region\n');
    // A per-table public-lane budget of two new actas, so a third is a 429.
    center = await startCenter(el, [
      '--table-public-rate', '0', '--table-public-burst', '2',
      '--public-rate', '1000', '--public-burst', '1000', '--public-network-rate', '1000', '--public-network-burst', '1000',
      '--audit-dir', path.join(el.dir, 'audits'), ...started.args,
    ]);
  });

  after(async () => {
    await center?.stop();
    for (const w of witnesses) await w.stop();
    if (el) await cleanup(el.dir);
  });

  test('every response of a live center conforms to docs/openapi.yaml', async () => {
    const P = (t, init) => call(center.public, t, init);
    // Before the first acta: answers that need a checkpoint may be 503.
    await P('/checkpoint');
    await P('/v1/bulletin');
    await P('/v1/arrivals');
    await P('/healthz');
    await call(center.ingest, '/healthz');
    const version = JSON.parse((await P('/version')).body);
    assert.equal(version.sha256, actaSha256, '/version serves the hash of the executable it runs');
    assert.equal(version.release_pinned, true);
    assert.deepEqual(el.manifest.release_hashes.slice(0, 1), [actaSha256]);
    // A center with a key file issues no receipt keys.
    assert.deepEqual(JSON.parse((await P('/v1/receipt-keys')).body), { receipt_keys: [] });
    await call(center.ingest, '/v1/receipt-keys');

    // Ingest: every outcome we can cause on purpose.
    const good = [];
    for (let i = 1; i <= 12; i++) {
      const bytes = await signActa(el, el.ids[i], el.truth(i));
      good.push(bytes);
      assert.equal((await post(bytes)).status, 201);
    }
    assert.equal((await post(good[0])).status, 200, 'replay');
    // The public listener takes the public lane too (the observers' page),
    // as a browser sends it: no Content-Type.
    const onPublic = await call(center.public, '/v1/actas', { method: 'POST', body: good[0] });
    assert.equal(onPublic.status, 200, 'replay on the public listener');
    assert.equal(onPublic.headers.get('access-control-allow-origin'), '*');
    const other = structuredClone(el.truth(1));
    other.contests[0].votes[0] += 1;
    other.ballots_cast += 1;
    assert.equal((await post(await signActa(el, el.ids[1], other, 1))).status, 409, 'conflict');
    other.contests[0].votes[0] += 1;
    other.ballots_cast += 1;
    assert.equal((await post(await signActa(el, el.ids[1], other, 2))).status, 429, 'table budget');
    const fresh = await signActa(el, el.ids[20], el.truth(20));
    const tamper = (offset, xor) => {
      const b = Buffer.from(fresh);
      b[offset] ^= xor;
      return b;
    };
    assert.equal((await post(Buffer.alloc(200, 7))).status, 400, 'malformed');
    assert.equal((await post(tamper(0, 0x03))).status, 400, 'unsupported version');
    assert.equal((await post(tamper(1, 0xff))).status, 422, 'wrong election');
    const unknown = Buffer.from(fresh);
    unknown.writeUInt32BE(0xfffffff0, 33);
    assert.equal((await post(unknown)).status, 404, 'unknown table');
    assert.equal((await post(tamper(fresh.length - 1, 0x01))).status, 403, 'bad signature');
    assert.equal((await post(fresh, { 'Acta-Mac': Buffer.alloc(16).toString('base64') })).status, 401, 'bad MAC');
    assert.equal((await post(Buffer.alloc(4096, 1))).status, 413, 'too large');
    // The HTTP server's own refusal (the "4XX" range of every operation).
    assert.equal((await P('/healthz', { headers: { 'X-Padding': 'x'.repeat(64 * 1024) } })).status, 431);

    const logged = good.length + 1; // twelve tables and one conflicting acta
    await until(async () => (await getJson(`${center.public}/v1/bulletin`).catch(() => null))?.checkpoint.size === logged,
      'every acta in a checkpoint');

    // The log as tiles: partial tiles exist, full ones are beyond the log.
    await P('/checkpoint');
    assert.equal((await P(`/tile/0/000.p/${logged}`)).body.length, 32 * logged);
    assert.equal((await P('/tile/0/000')).status, 404);
    assert.equal((await P('/tile/0/x001/000.p/3')).status, 404);
    await P('/tile/0/x001/000');
    await P('/tile/1/x001/x002/003');
    await P('/tile/1/x001/x002/003.p/9');
    assert.equal((await P('/tile/0/abc')).status, 400);
    assert.equal((await P(`/tile/entries/000.p/${logged}`)).status, 200);
    await P('/tile/entries/000');
    await P('/tile/entries/x001/000');
    await P('/tile/entries/x001/000.p/4');

    // The manifest, checkpoints, bulletins.
    await P('/v1/manifest');
    await P('/v1/manifest/tables.bin');
    await P('/v1/manifest/manifest.sig');
    await P('/v1/checkpoints');
    await P('/v1/checkpoints?max=2&note=0');
    assert.equal((await P('/v1/checkpoints?max=1')).status, 400);
    await P(`/v1/bulletin?size=${logged}`);
    await P('/v1/bulletin?max_level=state');
    assert.equal((await P('/v1/bulletin?size=999999')).status, 404);
    assert.equal((await P('/v1/bulletin?max_level=galaxy')).status, 400);

    // Regions and tables.
    const country = el.manifest.regions[0].code;
    const votingCenter = el.manifest.regions[el.regionOf[1]].code;
    await P(`/v1/regions/${country}`);
    const vc = await P(`/v1/regions/${votingCenter}`);
    assert.ok(JSON.parse(vc.body).tables.length > 0, 'a voting center lists its tables');
    assert.equal((await P('/v1/regions/NO-SUCH-REGION')).status, 404);
    const conflicted = JSON.parse((await P(`/v1/tables/${el.ids[1]}`)).body);
    assert.equal(conflicted.actas.length, 2, 'the first acta and the conflicting one; the refused third is not stored');
    await P(`/v1/tables/${el.ids[30]}`); // missing
    assert.equal((await P('/v1/tables/abc')).status, 400);
    assert.equal((await P('/v1/tables/4000000000')).status, 404);

    // Proofs.
    await P('/v1/proof/inclusion?index=0');
    await P(`/v1/proof/inclusion?leaf=${conflicted.leaf_hash}&size=${logged}`);
    assert.equal((await P('/v1/proof/inclusion')).status, 400);
    assert.equal((await P('/v1/proof/inclusion?index=99999')).status, 404);
    await P('/v1/proof/consistency?from=1');
    assert.equal((await P('/v1/proof/consistency?from=x')).status, 400);
    assert.equal((await P('/v1/proof/consistency?from=5&to=2')).status, 404);

    // The witness policy, once the latest checkpoint is cosigned by all
    // three; a malformed size.
    await until(async () => {
      const w = await getJson(`${center.public}/v1/witnesses`).catch(() => null);
      return w && w.size === logged && w.cosigned_by.length === 3;
    }, 'the latest checkpoint cosigned by all three witnesses');
    const policy = JSON.parse((await P('/v1/witnesses')).body);
    assert.deepEqual(policy.witnesses.map((w) => w.name), el.manifest.witnesses.list.map((w) => w.name));
    assert.equal((await P('/v1/witnesses?size=x')).status, 400);

    // Open data, arrivals, telemetry, metrics, the dashboard.
    await P('/v1/export/tables.csv');
    await P('/v1/arrivals?top=3');
    await P(`/v1/arrivals?region=${country}`);
    assert.equal((await P('/v1/arrivals?top=99')).status, 400);
    assert.equal((await P('/v1/arrivals?region=NOPE')).status, 404);
    // Audits: the index, a file, a round's file, and what is not served.
    assert.deepEqual(JSON.parse((await P('/v1/audits/index.json')).body).audits, ['president']);
    assert.equal((await P('/v1/audits/president/audit.json')).status, 200);
    assert.equal((await P('/v1/audits/president/round-1/sample.csv')).status, 200);
    assert.equal((await P('/v1/audits/president/reported.csv')).status, 404);
    assert.equal((await P('/v1/audits/president/round-1/teams.txt')).status, 404);
    const telemetry = JSON.parse((await P('/v1/telemetry')).body);
    assert.ok(telemetry.totals.rejected >= 7, 'the refusals above are in the telemetry');
    // Every metric the alert rules and the Grafana dashboard use exists, on
    // the center's /metrics or a witness's (job acta-witness).
    const metrics = (await P('/metrics')).body.toString('utf8') +
      await (await fetch(`${witnesses[0].url}/metrics`)).text();
    const onlyWithGeo = new Set(['acta_attack_top_country_rejected']); // needs --geoip-country
    for (const file of ['acta-alerts.yml', 'grafana-acta-center.json']) {
      const text = readFileSync(path.resolve(here, '../../monitoring', file), 'utf8');
      for (const name of new Set(text.match(/acta_[a-z_]+/g))) {
        const family = name.replace(/_(bucket|sum|count)$/, '');
        if (onlyWithGeo.has(family)) continue;
        assert.ok(metrics.includes(`# TYPE ${family} `), `${file} uses ${name}, which /metrics does not export`);
      }
    }
    await P('/');

    // Server-sent events: the first event is the latest checkpoint.
    const abort = new AbortController();
    const res = await fetch(`${center.public}/v1/events`, { signal: abort.signal });
    const reader = res.body.getReader();
    let text = '';
    while (!text.includes('\n\n')) text += Buffer.from((await reader.read()).value).toString('utf8');
    abort.abort();
    problems.push(...contract.check('GET', `${center.public}/v1/events`, res, Buffer.alloc(1)));
    const data = JSON.parse(/^data: (.*)$/m.exec(text)[1]);
    assert.deepEqual(Object.keys(data).sort(), ['created_at_ms', 'root', 'size']);

    assert.deepEqual(problems, [], `responses that break docs/openapi.yaml:\n${problems.join('\n')}`);
    assert.deepEqual(contract.unexercised(), [], 'operations of the spec no request reached');
    const notSeen = contract.unexercisedStatuses();
    if (notSeen.length) console.log(`documented statuses not caused by this test:\n  ${notSeen.join('\n  ')}`);
  });
});
