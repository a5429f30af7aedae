// `acta mirror` at 1,000,000 entries (issue #17), in one run: a synthetic
// election whose every table reported (bench/dashboard_seed --fraction 1,
// sequenced by a real center), then
//   - the time to mirror the whole log into an empty directory, and to
//     resume and check a mirror that is up to date;
//   - requests per second for the national bulletin (what the dashboard
//     reads: /v1/bulletin?max_level=state) and for a full hash tile, from
//     nginx serving the mirror with examples/nginx/acta-mirror.conf beside
//     the center's own public listener, both with wrk on loopback; the
//     answers are compared byte for byte first;
//   - the dashboard's load in headless Chromium from the mirror (and from
//     the center, for comparison).
// Writes a plain table for bench/report.py ("mirror" section of
// docs/PERFORMANCE.md). Not part of ctest (minutes). Run by
// scripts/run-mirror-bench.sh, or:
//
//   ACTA_BIN=... SEED_BIN=... node bench/mirror_bench.mjs [--tables 1000000]
//     [--work DIR] [--out FILE.json] [--seconds 10]
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
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

async function wrk(url) {
  // 48 connections: under the center's 64-per-source connection cap.
  const { stdout } = await run('wrk', ['-t', '2', '-c', '48', '-d', `${seconds}s`, '--latency', url], { timeout: (seconds + 60) * 1000 });
  const rate = Number(/Requests\/sec:\s+([\d.]+)/.exec(stdout)?.[1]);
  const non2xx = Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(stdout)?.[1] ?? 0);
  const p99 = /99%\s+(\S+)/.exec(stdout)?.[1] ?? '?';
  if (!rate) throw new Error(`wrk printed no rate:\n${stdout}`);
  if (non2xx) throw new Error(`wrk saw ${non2xx} non-2xx answers from ${url}`);
  return { rate, p99 };
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

    nginx = await startNginx(mirrorDir, path.join(work, 'nginx'));
    const targets = [
      ['national bulletin (`/v1/bulletin?max_level=state`)', '/v1/bulletin?max_level=state'],
      ['a full hash tile (`/tile/0/000`)', '/tile/0/000'],
    ];
    for (const [name, p] of targets) {
      const a = await bytesOf(center.public + p);
      const b = await bytesOf(nginx.url + p);
      if (!a.equals(b)) throw new Error(`${p}: the mirror's answer differs from the center's`);
      const c = await wrk(center.public + p);
      const m = await wrk(nginx.url + p);
      add(`${name}, ${(a.length / 1e3).toFixed(1)} kB: center's public listener`, `${n(c.rate)} req/s (p99 ${c.p99})`);
      add(`${name}: nginx serving the mirror`, `${n(m.rate)} req/s (p99 ${m.p99})`);
      add(`${name}: mirror / center`, `${(m.rate / c.rate).toFixed(2)}x`, '>= 5x');
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
  notes.push(`${n(tables)}-table synthetic election, every table reported (bench/dashboard_seed --fraction 1, plus its 200 conflicting actas), sequenced by a real center. One run on the shared 2-core machine: the center, nginx (1 worker), wrk (2 threads, 64 connections, ${seconds} s per target) and Chromium all on it; the acta binary was ${process.env.ACTA_BUILD ?? 'the one in ACTA_BIN'}.`);
  notes.push('The mirror checks before it publishes: every entry\'s signature against the manifest, the tree against the signed checkpoint, every listed checkpoint\'s signature and root, and for every table the center\'s stored rows against the log (acta bytes, receipt signature). Most of the first-mirror time is those checks and one file per table and per region (a table file carries its receipts and an inclusion proof).');
  const doc = { title: 'Mirror at 1,000,000 entries', columns: ['measure', 'value', 'goal'], rows, notes };
  await writeFile(outFile, JSON.stringify(doc, null, 2));
  console.error(`wrote ${outFile}`);
}

await main();
