// Test harness for the dashboard's browser test: a real `acta` center on
// loopback fed with signed actas, and headless Debian chromium driven by
// playwright-core (installed in web/node_modules by scripts/install-deps.sh).
import { spawn, execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { mkdtemp, readFile, writeFile, rm, mkdir } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const here = path.dirname(fileURLToPath(import.meta.url));
export const repoRoot = path.resolve(here, '../..');
export const webDir = path.join(repoRoot, 'web');

export const actaBin = process.env.ACTA_BIN;
export const webRoot = process.env.ACTA_WEB_ROOT ?? path.join(webDir, 'dist');
export const outDir = process.env.ACTA_TEST_OUTPUT ?? path.join(repoRoot, 'build', 'test-output', 'browser');

export function loadPlaywright() {
  const require = createRequire(path.join(webDir, 'package.json'));
  return require('playwright-core');
}

export const chromiumArgs = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

// An election directory with `tables` tables, its manifest, table ids and
// the synthesizer's truth (what each table counted). `extra`: more
// `acta election synth` options (--witnesses 3 --witness-quorum 2).
export async function makeElection(tables, seed, extra = []) {
  const dir = await mkdtemp(path.join(tmpdir(), 'acta-browser-'));
  const e = path.join(dir, 'e');
  await run(actaBin, ['election', 'synth', '--tables', String(tables), '--seed', String(seed), '--out', e, ...extra]);
  const manifest = JSON.parse(await readFile(path.join(e, 'manifest.json'), 'utf8'));
  const bin = await readFile(path.join(e, 'tables.bin'));
  const ids = [];
  const regionOf = [];
  const registered = [];
  for (let off = 0; off + 46 <= bin.length; off += 46) {
    ids.push(bin.readUInt32BE(off));
    regionOf.push(bin.readUInt32BE(off + 4));
    registered.push(bin.readUInt32BE(off + 8));
  }
  const truthBuf = await readFile(path.join(e, 'secrets', 'truth.bin'));
  const per = 1 + manifest.contests.reduce((a, c) => a + c.candidates.length + 2, 0);
  const truth = (i) => {
    let off = i * per * 4;
    const next = () => { const v = truthBuf.readUInt32BE(off); off += 4; return v; };
    const ballots_cast = next();
    const contests = manifest.contests.map((c) => ({
      votes: c.candidates.map(() => next()), blank: next(), null: next(),
    }));
    return { ballots_cast, contests };
  };
  return { dir, election: e, manifest, ids, regionOf, registered, truth };
}

export function countsJson(manifest, counts) {
  const contests = {};
  manifest.contests.forEach((c, ci) => {
    const votes = {};
    c.candidates.forEach((cand, k) => (votes[cand.id] = counts.contests[ci].votes[k]));
    contests[c.id] = { votes, blank: counts.contests[ci].blank, null: counts.contests[ci].null };
  });
  return JSON.stringify({ ballots_cast: counts.ballots_cast, contests });
}

// Signs an acta with `acta sign` and returns its bytes.
export async function signActa(el, tableId, counts, correction = 0) {
  const cf = path.join(el.dir, `counts-${tableId}-${correction}.json`);
  const out = path.join(el.dir, `acta-${tableId}-${correction}.bin`);
  await writeFile(cf, countsJson(el.manifest, counts));
  await run(actaBin, [
    'sign', '--election', el.election, '--table', String(tableId), '--counts', cf, '--out', out,
    '--closing-time', el.manifest.polls_close.not_before, '--correction', String(correction),
  ]);
  return readFile(out);
}

// The QR text of acta bytes: `ACTA1:` and base45 (RFC 9285), as
// docs/FORMATS.md says; for pasting into the observers' page.
const B45 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:';
export function actaText(bytes) {
  let s = 'ACTA1:';
  for (let i = 0; i < bytes.length; i += 2) {
    if (i + 1 < bytes.length) {
      let n = bytes[i] * 256 + bytes[i + 1];
      for (let k = 0; k < 3; k++) { s += B45[n % 45]; n = Math.floor(n / 45); }
    } else {
      s += B45[bytes[i] % 45] + B45[Math.floor(bytes[i] / 45)];
    }
  }
  return s;
}

// POSTs an acta on the public lane (no MAC); retries when rate-limited.
export async function submit(ingest, bytes) {
  for (let attempt = 0; attempt < 50; attempt++) {
    const r = await fetch(`${ingest}/v1/actas`, { method: 'POST', body: bytes, headers: { 'Content-Type': 'application/octet-stream' } });
    const status = r.headers.get('acta-status');
    await r.arrayBuffer();
    if (r.status === 429 || r.status === 503) {
      await new Promise((res) => setTimeout(res, 300));
      continue;
    }
    return { http: r.status, status };
  }
  throw new Error('ingest kept refusing');
}

// Starts `acta center` (with `extraArgs` after the usual ones) and resolves
// once it printed both URLs. The dashboard is served when webRoot holds it.
// Options: `db` (default el.dir/c.db), `batchDelayMs` (default 50; null:
// the center's default), `startTimeoutMs` (default 30 s; a center replaying
// a million-entry store needs minutes).
export async function startCenter(el, extraArgs = [], { db, batchDelayMs = 50, startTimeoutMs = 30_000 } = {}) {
  const web = existsSync(path.join(webRoot, 'index.html')) ? ['--web-root', webRoot] : [];
  const child = spawn(actaBin, [
    'center', '--election', el.election, '--db', `sqlite:${db ?? path.join(el.dir, 'c.db')}`,
    '--key', path.join(el.election, 'secrets', 'center.key'),
    '--ingest-listen', '127.0.0.1:0', '--public-listen', '127.0.0.1:0',
    ...web, ...(batchDelayMs === null ? [] : ['--batch-delay-ms', String(batchDelayMs)]), ...extraArgs,
  ], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr = (stderr + d).slice(-20000)));
  const urls = await new Promise((resolve, reject) => {
    let out = '';
    const found = {};
    const timer = setTimeout(() => reject(new Error(`center did not start:\n${stderr}`)), startTimeoutMs);
    child.once('exit', (code, signal) => { clearTimeout(timer); reject(new Error(`center exited ${code ?? signal}:\n${stderr}`)); });
    child.stdout.on('data', (d) => {
      out += d;
      for (const line of out.split('\n')) {
        const m = /^(ingest|public) (http:\/\/\S+)$/.exec(line.trim());
        if (m) found[m[1]] = m[2];
      }
      if (found.ingest && found.public) { clearTimeout(timer); resolve(found); }
    });
  });
  return {
    ...urls,
    child,
    stderr: () => stderr,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const done = new Promise((res) => child.once('exit', res));
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await done;
      clearTimeout(t);
    },
  };
}

// Runs `bin args` and resolves once its stdout matches `pattern` (within
// `timeoutMs`), with the match and a stop() that sends `signal` (SIGKILL
// after 15 s).
export async function spawnUntil(bin, args, pattern, { timeoutMs = 30_000, signal = 'SIGTERM', cwd } = {}) {
  const child = spawn(bin, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr = (stderr + d).slice(-20000)));
  const match = await new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`${path.basename(bin)} ${args[0]} did not start:\n${out}\n${stderr}`)), timeoutMs);
    child.once('exit', (code, sig) => { clearTimeout(timer); reject(new Error(`${args[0]} exited ${code ?? sig}:\n${out}\n${stderr}`)); });
    child.stdout.on('data', (d) => {
      out += d;
      const m = pattern.exec(out);
      if (m) { clearTimeout(timer); resolve(m); }
    });
  });
  return {
    match,
    child,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const done = new Promise((res) => child.once('exit', res));
      child.kill(signal);
      const t = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await done;
      clearTimeout(t);
    },
  };
}

// Starts `acta witness` for the election's witness N (1-based; its key is
// secrets/witness-N.key, made by `acta election synth --witnesses`), with
// its URL once it printed it. Stop it with stop().
export async function startWitness(el, n) {
  const w = await spawnUntil(actaBin, [
    'witness', '--key', path.join(el.election, 'secrets', `witness-${n}.key`),
    '--state', path.join(el.dir, `witness-${n}.db`), '--election', el.election, '--listen', '127.0.0.1:0',
  ], /^witness (http:\/\/\S+)$/m);
  return { url: w.match[1], stop: () => w.stop() };
}

// Starts every witness of the election and returns them with the
// `--witness-url NAME=URL` arguments that point a center at them.
export async function startWitnesses(el) {
  const witnesses = [];
  const args = [];
  const list = el.manifest.witnesses?.list ?? [];
  for (let n = 1; n <= list.length; n++) {
    const w = await startWitness(el, n);
    witnesses.push(w);
    args.push('--witness-url', `${list[n - 1].name}=${w.url}`);
  }
  return { witnesses, args };
}

export async function getJson(url) {
  const r = await fetch(url);
  if (!r.ok) throw new Error(`${url}: ${r.status}`);
  return r.json();
}

// Polls `fn` (no fixed sleeps in assertions: waits for a condition, bounded).
export async function until(fn, what, timeoutMs = 20_000) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((res) => setTimeout(res, 100));
  }
}

export async function cleanup(dir) {
  await rm(dir, { recursive: true, force: true });
}

export async function ensureOutDir() {
  await mkdir(outDir, { recursive: true });
  return outDir;
}

// Number formatting the page must produce (grouping forced, see i18n.ts).
export function fmt(lang, n) {
  const sep = lang === 'es' ? '.' : ',';
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, sep);
}

async function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

// nginx with the repository's mirror configuration, `listen` and `root`
// rewritten, everything else in `dir`.
// nginx serving a mirror directory with examples/nginx/acta-mirror.conf.
// `workers`: worker_processes (1, or 'auto' as the config advises for a
// host); `cpus`: run it under `taskset -c cpus` (benchmarks pin it).
export async function startNginx(root, dir, { workers = 1, cpus } = {}) {
  await mkdir(path.join(dir, 'tmp'), { recursive: true });
  const port = await freePort();
  const site = (await readFile(path.join(repoRoot, 'examples/nginx/acta-mirror.conf'), 'utf8'))
    .replace('listen 8080;', `listen 127.0.0.1:${port};`)
    .replace('root /srv/acta-mirror;', `root ${root};`);
  await writeFile(path.join(dir, 'site.conf'), site);
  const tmp = path.join(dir, 'tmp');
  await writeFile(path.join(dir, 'nginx.conf'), [
    process.getuid?.() === 0 ? 'user root;' : '',
    `worker_processes ${workers};`, `pid ${dir}/nginx.pid;`, `error_log ${dir}/error.log;`,
    'events { worker_connections 1024; }',
    `http { access_log off; client_body_temp_path ${tmp}; proxy_temp_path ${tmp}; fastcgi_temp_path ${tmp};`,
    `  uwsgi_temp_path ${tmp}; scgi_temp_path ${tmp}; include ${dir}/site.conf; }`, ''].join('\n'));
  const nginxArgs = ['-c', path.join(dir, 'nginx.conf'), '-p', dir, '-e', path.join(dir, 'error.log'), '-g', 'daemon off;'];
  const child = cpus === undefined
    ? spawn('nginx', nginxArgs, { stdio: 'ignore' })
    : spawn('taskset', ['-c', String(cpus), 'nginx', ...nginxArgs], { stdio: 'ignore' });
  await until(() => new Promise((res) => {
    const s = net.connect(port, '127.0.0.1', () => { s.end(); res(true); });
    s.on('error', () => res(false));
  }), 'nginx listening', 10_000);
  return {
    url: `http://127.0.0.1:${port}`,
    pid: child.pid,  // the master (taskset execs nginx in place)
    async stop() {
      if (child.exitCode !== null) return;
      const done = new Promise((res) => child.once('exit', res));
      child.kill('SIGTERM');
      await done;
    },
  };
}


// An election made with `acta election init` from CSVs written here, whose
// first table's acta is the format's largest, exactly 1,024 bytes
// (docs/FORMATS.md): 16 contests (the most an acta holds) of 27 candidates,
// every candidate's count at or above 128 (a two-byte varint) in a table of
// 4,200 registered voters where 3,900 voted, and the counts still add up.
// `tables` tables in one voting center. Returns what makeElection returns,
// with `largest`: the counts of that acta (for signActa).
export const kMaxActaSize = 1024;
export async function makeLargestElection(tables = 3) {
  const dir = await mkdtemp(path.join(tmpdir(), 'acta-largest-'));
  const csv = path.join(dir, 'csv');
  await mkdir(csv);
  await writeFile(path.join(csv, 'election.csv'), [
    'key,value', 'name,Elección de prueba: el acta más grande', 'polls_close_not_before,2026-12-06T22:00:00Z',
    'polls_close_not_after,2026-12-07T06:00:00Z', 'authority,largest-authority', 'center,largest-center', '',
  ].join('\n'));
  await writeFile(path.join(csv, 'regions.csv'), [
    'code,name,level,parent', 'LG,República Grande,country,', 'LG-01,Estado Uno,state,LG',
    'LG-01-01,Municipio Uno,municipality,LG-01', 'LG-01-01-01,Parroquia Uno,parish,LG-01-01',
    'LG-01-01-01-001,Escuela Grande,voting_center,LG-01-01-01', '',
  ].join('\n'));
  const ids = Array.from({ length: tables }, (_, i) => 5001 + i);
  await writeFile(path.join(csv, 'tables.csv'),
    ['id,region,registered,public_key', ...ids.map((id) => `${id},LG-01-01-01-001,4200,`), ''].join('\n'));
  const contests = 16, candidates = 27;
  const rows = ['contest_id,contest_name,candidate_id,candidate_name,party'];
  for (let c = 0; c < contests; c++) {
    for (let k = 0; k < candidates; k++) {
      rows.push(`c${c + 1},Consejo regional circunscripción ${c + 1},c${c + 1}k${k + 1},Candidata número ${k + 1},Partido ${k + 1}`);
    }
  }
  await writeFile(path.join(csv, 'contests.csv'), `${rows.join('\n')}\n`);
  const e = path.join(dir, 'e');
  await run(actaBin, ['election', 'init', '--from', csv, '--out', e]);
  const manifest = JSON.parse(await readFile(path.join(e, 'manifest.json'), 'utf8'));
  // Votes 128 + k (two bytes each), blank and null under 128 (one byte):
  // 113 bytes of header, count and signature plus 16 × 57 bytes is 1,025;
  // contest 1's last candidate below 128 takes one byte off.
  const ballots = 3900;
  const largest = {
    ballots_cast: ballots,
    contests: Array.from({ length: contests }, (_, c) => {
      const votes = Array.from({ length: candidates }, (_, k) => 128 + k);
      if (c === 0) votes[candidates - 1] = 100;
      const left = ballots - votes.reduce((a, v) => a + v, 0);
      const blank = Math.floor(left * 0.6);
      return { votes, blank, null: left - blank };
    }),
  };
  return { dir, election: e, manifest, ids, largest, truth: () => largest };
}
