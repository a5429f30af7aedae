// `acta mirror` at 1,000,000 entries (issue #17), in one run: a synthetic
// election whose every table reported (bench/dashboard_seed --fraction 1,
// sequenced by a real center), then
//   - the time to mirror the whole log into an empty directory, and to
//     resume and check a mirror that is up to date;
//   - the national bulletin (what the dashboard reads:
//     /v1/bulletin?max_level=state, with and without Accept-Encoding: gzip)
//     and a full hash tile, from nginx serving the mirror with
//     examples/nginx/acta-mirror.conf beside the center's own public
//     listener, with wrk on loopback: first each server pinned to one core
//     (requests per CPU-second of the server), then as deployed (nginx
//     worker_processes auto); the answers are compared byte for byte first;
//   - the dashboard's load in headless Chromium from the mirror (and from
//     the center, for comparison).
// Writes a plain table for bench/report.py ("mirror" section of
// docs/PERFORMANCE.md). Not part of ctest (minutes). Run by
// scripts/run-mirror-bench.sh, or:
//
//   ACTA_BIN=... SEED_BIN=... node bench/mirror_bench.mjs [--tables 1000000]
//     [--work DIR] [--out FILE.json] [--seconds 10]
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { chromiumArgs, loadPlaywright, repoRoot, startCenter, startNginx, webRoot } from '../tests/browser/harness.mjs';

const run = promisify(execFile);
const args = Object.fromEntries(process.argv.slice(2).reduce((acc, v, i, a) => (i % 2 === 0 ? [...acc, [v.replace(/^--/, ''), a[i + 1]]] : acc), []));
const tables = Number(args.tables ?? 1_000_000);
const seconds = Number(args.seconds ?? 10);
const work = path.resolve(args.work ?? path.join(repoRoot, 'build', `mirror-bench-${tables}`));
const outFile = path.resolve(args.out ?? path.join(work, 'mirror_bench.json'));
const actaBin = process.env.ACTA_BIN;
const seedBin = process.env.SEED_BIN;
if (!actaBin || !seedBin) throw new Error('set ACTA_BIN and SEED_BIN');

const rows = [];
const notes = [];
const add = (measure, value, goal = '') => {
  rows.push([measure, value, goal]);
  console.error(`${measure}: ${value}`);
};
const secs = (ms) => `${(ms / 1000).toFixed(1)} s`;
const n = (v) => Math.round(v).toLocaleString('en-US');

async function timed(fn) {
  const t0 = performance.now();
  const v = await fn();
  return [v, performance.now() - t0];
}

async function logSize(base) {
  const r = await fetch(`${base}/checkpoint`);
  if (!r.ok) return 0;
  return Number((await r.text()).split('\n')[1]);
}

// wrk on loopback, pinned to `cpus` when given. 48 connections: under the
// center's 64-per-source connection cap. `gzip`: send Accept-Encoding: gzip
// as browsers do (wrk sends none by default).
async function wrk(url, { cpus, gzip = false } = {}) {
  const wrkArgs = ['-t', '2', '-c', '48', '-d', `${seconds}s`, '--latency', ...(gzip ? ['-H', 'Accept-Encoding: gzip'] : []), url];
  const [cmd, argv] = cpus === undefined ? ['wrk', wrkArgs] : ['taskset', ['-c', String(cpus), 'wrk', ...wrkArgs]];
  const { stdout } = await run(cmd, argv, { timeout: (seconds + 60) * 1000 });
  const rate = Number(/Requests\/sec:\s+([\d.]+)/.exec(stdout)?.[1]);
  const requests = Number(/(\d+) requests in/.exec(stdout)?.[1]);
  const non2xx = Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(stdout)?.[1] ?? 0);
  const p99 = /99%\s+(\S+)/.exec(stdout)?.[1] ?? '?';
  if (!rate) throw new Error(`wrk printed no rate:\n${stdout}`);
  if (non2xx) throw new Error(`wrk saw ${non2xx} non-2xx answers from ${url}`);
  return { rate, requests, p99 };
}

// CPU time (user, system; seconds) of the processes `pids` and their
// children (nginx's workers), summed over every thread, from /proc.
function cpuTime(pids) {
  const tick = 100;  // USER_HZ on Linux
  let user = 0;
  let sys = 0;
  const seen = new Set();
  const visit = (pid) => {
    if (seen.has(pid)) return;
    seen.add(pid);
    let tasks = [];
    try { tasks = readdirSync(`/proc/${pid}/task`); } catch { return; }
    for (const t of tasks) {
      try {
        const f = readFileSync(`/proc/${pid}/task/${t}/stat`, 'utf8').split(') ')[1].split(' ');
        user += Number(f[11]);
        sys += Number(f[12]);
        for (const c of readFileSync(`/proc/${pid}/task/${t}/children`, 'utf8').trim().split(/\s+/).filter(Boolean)) visit(Number(c));
      } catch { /* thread ended */ }
    }
  };
  for (const p of pids) visit(p);
  return { user: user / tick, sys: sys / tick };
}

// wrk against `url` while counting the server's own CPU time: the rate, and
// requests per CPU-second of the server (what a core buys, whatever else
// the shared machine runs), split into user and kernel microseconds.
async function serve(url, pids, opts) {
  const before = cpuTime(pids);
  const w = await wrk(url, opts);
  const after = cpuTime(pids);
  const user = after.user - before.user;
  const sys = after.sys - before.sys;
  return { ...w, perCpu: w.requests / (user + sys), userUs: (user * 1e6) / w.requests, sysUs: (sys * 1e6) / w.requests };
}

async function bytesOf(url) {
  const r = await fetch(url);
  if (!r.ok) throw new Error(`${url}: HTTP ${r.status}`);
  return Buffer.from(await r.arrayBuffer());
}

async function pageLoad(browser, base) {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'es-ES' });
  const page = await ctx.newPage();
  const [, ms] = await timed(async () => {
    await page.goto(`${base}/`);
    await page.waitForSelector('[data-testid="tables-counted"]', { timeout: 120_000 });
    await page.waitForSelector('#arrival-card[data-total] svg path', { timeout: 120_000 });
  });
  const counted = await page.textContent('[data-testid="tables-counted"]');
  const size = await page.textContent('[data-testid="cp-size"]');
  await ctx.close();
  return { ms, counted, size };
}

async function main() {
  await mkdir(work, { recursive: true });
  const election = path.join(work, 'e');
  const db = path.join(work, 'c.db');
  if (!existsSync(path.join(election, 'manifest.json'))) {
    const [, ms] = await timed(() => run(actaBin, ['election', 'synth', '--tables', String(tables), '--seed', '5', '--out', election], { maxBuffer: 1 << 26 }));
    add(`synthesize the election (${n(tables)} tables)`, secs(ms));
  }
  if (!existsSync(db)) {
    const [res, ms] = await timed(() => run(seedBin, ['--election', election, '--db', db, '--fraction', '1'], { maxBuffer: 1 << 26 }));
    add(`sign and store ${n(JSON.parse(res.stdout).rows)} actas (dashboard_seed --fraction 1)`, secs(ms));
  }
  const center = await startCenter({ election, dir: work }, [], { db, batchDelayMs: null, startTimeoutMs: 900_000 });
  let nginx;
  let browser;
  try {
    for (let last = -1; ;) {
      const size = await logSize(center.public);
      if (size === last && size > 0) break;
      last = size;
      await new Promise((r) => setTimeout(r, 5000));
    }
    const size = await logSize(center.public);
    add('log size (entries)', n(size));

    const mirrorDir = path.join(work, 'mirror');
    const mirrorArgs = ['mirror', '--center', center.public, '--out', mirrorDir, '--web-root', webRoot, '--quiet'];
    // --reuse-mirror 1 keeps a mirror a previous run wrote (the first mirror
    // of a million entries takes a long time on a loaded machine).
    if (!(args['reuse-mirror'] === '1' && existsSync(path.join(mirrorDir, 'checkpoint')))) {
      await rm(mirrorDir, { recursive: true, force: true });
      const [first, firstMs] = await timed(() => run(actaBin, mirrorArgs, { maxBuffer: 1 << 26 }));
      const stats = /(\d+) files \((\d+) bytes\) written, (\d+) bytes fetched/.exec(first.stderr);
      add(`mirror the whole log into an empty directory (acta mirror, ${n(size)} entries)`, secs(firstMs));
      if (stats) add('  files written, bytes written, bytes fetched', `${n(Number(stats[1]))}, ${(Number(stats[2]) / 1e9).toFixed(2)} GB, ${(Number(stats[3]) / 1e9).toFixed(2)} GB`);
      add('  entries checked per second (signatures, tree, tally, files)', n(size / (firstMs / 1000)));
    } else {
      notes.push('The first-mirror time is not in this table: this run reused the mirror a previous run wrote (--reuse-mirror 1).');
    }
    const [, againMs] = await timed(() => run(actaBin, mirrorArgs, { maxBuffer: 1 << 26 }));
    add('resume it in a new process and find it up to date (re-derives tree and tally from its own bundles)', secs(againMs));

    const targets = [
      ['national bulletin (`/v1/bulletin?max_level=state`)', '/v1/bulletin?max_level=state', [false, true]],
      ['a full hash tile (`/tile/0/000`)', '/tile/0/000', [false]],
    ];
    const cores = (await run('nproc')).stdout.trim();
    const centerPid = center.child.pid;
    const everyCpu = `0-${Number(cores) - 1}`;
    const perCore = (r) => `${n(r.perCpu)} req/CPU-s (user ${r.userUs.toFixed(1)} µs + kernel ${r.sysUs.toFixed(1)} µs per request); ${n(r.rate)} req/s wall`;

    // 1. One core each: the server under test on CPU 0, wrk on CPU 1. The
    //    server's own CPU time gives requests per CPU-second, the figure the
    //    other sessions on this machine disturb least.
    nginx = await startNginx(mirrorDir, path.join(work, 'nginx'), { workers: 1, cpus: 0 });
    await run('taskset', ['-a', '-p', '-c', '0', String(centerPid)]);
    for (const [name, p, encodings] of targets) {
      const a = await bytesOf(center.public + p);
      const b = await bytesOf(nginx.url + p);
      if (!a.equals(b)) throw new Error(`${p}: the mirror's answer differs from the center's`);
      for (const gzip of encodings) {
        const how = gzip ? 'Accept-Encoding: gzip (as browsers send)' : 'no Accept-Encoding';
        const c = await serve(center.public + p, [centerPid], { cpus: 1, gzip });
        const m = await serve(nginx.url + p, [nginx.pid], { cpus: 1, gzip });
        add(`${name}, ${(a.length / 1e3).toFixed(1)} kB, ${how}, 1 core: center's public listener`, perCore(c));
        add(`  nginx serving the mirror (1 worker)`, perCore(m));
        add(`  mirror / center, per CPU-second of the server`, `${(m.perCpu / c.perCpu).toFixed(2)}x`, '>= 5x');
      }
    }
    await nginx.stop();

    // 2. As deployed on this machine: nginx with one worker per core
    //    (worker_processes auto), the center as it starts (one public I/O
    //    thread plus its worker pool), wrk unpinned; all on the same cores.
    await run('taskset', ['-a', '-p', '-c', everyCpu, String(centerPid)]);
    nginx = await startNginx(mirrorDir, path.join(work, 'nginx'), { workers: 'auto' });
    for (const [name, p] of targets) {
      const c = await wrk(center.public + p, { gzip: true });
      const m = await wrk(nginx.url + p, { gzip: true });
      add(`${name}, gzip, all ${cores} cores shared with wrk: center / nginx (worker_processes auto)`, `${n(c.rate)} / ${n(m.rate)} req/s (p99 ${c.p99} / ${m.p99})`);
      add(`  mirror / center, requests per second`, `${(m.rate / c.rate).toFixed(2)}x`, '>= 5x');
    }

    const { chromium } = loadPlaywright();
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: chromiumArgs, headless: true });
    const fromMirror = await pageLoad(browser, nginx.url);
    const fromCenter = await pageLoad(browser, center.public);
    if (fromMirror.counted !== fromCenter.counted || fromMirror.size !== fromCenter.size)
      throw new Error(`the page differs: mirror ${fromMirror.counted} @ ${fromMirror.size}, center ${fromCenter.counted} @ ${fromCenter.size}`);
    add('dashboard national page from the mirror: load until results and arrival chart are drawn', secs(fromMirror.ms), '< 5 s');
    add('  the same from the center', secs(fromCenter.ms));
  } finally {
    await browser?.close();
    await nginx?.stop();
    await center.stop();
  }
  notes.push(`${n(tables)}-table synthetic election, every table reported (bench/dashboard_seed --fraction 1, plus its conflicting actas), sequenced by a real center. One run on the shared 2-core machine: the center, nginx (examples/nginx/acta-mirror.conf), wrk (2 threads, 48 connections, ${seconds} s per target) and Chromium all on it; the acta binary was ${process.env.ACTA_BUILD ?? 'the one in ACTA_BIN'}. "1 core" rows pin the server to CPU 0 and wrk to CPU 1 (taskset) and divide the requests wrk completed by the server's own CPU time (/proc, every thread and nginx worker): requests per CPU-second, with the user and kernel microseconds per request.`);
  notes.push('The mirror checks before it publishes: every entry\'s signature against the manifest, the tree against the signed checkpoint, every listed checkpoint\'s signature and root, and for every table the center\'s stored rows against the log (acta bytes, receipt signature). Most of the first-mirror time is those checks and one file per table and per region (a table file carries its receipts and an inclusion proof).');
  const doc = { title: args.title ?? `Mirror at ${n(tables)} tables`, columns: ['measure', 'value', 'goal'], rows, notes };
  await writeFile(outFile, JSON.stringify(doc, null, 2));
  console.error(`wrote ${outFile}`);
}

await main();
