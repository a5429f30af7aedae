// The dashboard at scale (issue #8: "usable at 1,000,000 tables"): a
// synthetic election of TABLES tables, a share of it in a real center's
// store (bench/dashboard_seed), and the page in headless Chromium. Measures
// the page load, JS heap, DOM nodes, the drill-down from the national page
// to one table, and the size and time of every JSON response the page uses;
// writes a plain table for bench/report.py and screenshots beside it.
//
// Not part of ctest (minutes at 1,000,000 tables). Run by
// scripts/run-dashboard-scale.sh, or:
//
//   ACTA_BIN=build/x/src/cli/acta SEED_BIN=build/x/bench/dashboard_seed \
//     node bench/dashboard_scale.mjs [--tables 1000000] [--fraction 0.3] \
//       [--work DIR] [--out FILE.json]
//
// --work keeps the election and the store between runs (synthesis and
// seeding are skipped when present).
import { spawn, execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { chromiumArgs, loadPlaywright, repoRoot, webRoot } from '../tests/browser/harness.mjs';

const run = promisify(execFile);
const args = Object.fromEntries(process.argv.slice(2).reduce((acc, v, i, a) => (i % 2 === 0 ? [...acc, [v.replace(/^--/, ''), a[i + 1]]] : acc), []));
const tables = Number(args.tables ?? 1_000_000);
const fraction = Number(args.fraction ?? 0.3);
const work = path.resolve(args.work ?? path.join(repoRoot, 'build', `dashboard-scale-${tables}`));
const outFile = path.resolve(args.out ?? path.join(work, 'dashboard_scale.json'));
const shots = path.join(path.dirname(outFile), 'dashboard-scale-shots');
const actaBin = process.env.ACTA_BIN;
const seedBin = process.env.SEED_BIN;
if (!actaBin || !seedBin) throw new Error('set ACTA_BIN and SEED_BIN');

const rows = [];
const notes = [];
const add = (measure, value, goal = '') => {
  rows.push([measure, value, goal]);
  console.error(`${measure}: ${value}`);
};
const secs = (ms) => `${(ms / 1000).toFixed(2)} s`;
const kb = (n) => (n >= 1e6 ? `${(n / 1e6).toFixed(2)} MB` : `${(n / 1e3).toFixed(1)} kB`);

async function timed(fn) {
  const t0 = performance.now();
  const v = await fn();
  return [v, performance.now() - t0];
}

async function startCenter(election, db) {
  const child = spawn(actaBin, [
    'center', '--election', election, '--db', `sqlite:${db}`, '--key', path.join(election, 'secrets', 'center.key'),
    '--ingest-listen', '127.0.0.1:0', '--public-listen', '127.0.0.1:0', '--web-root', webRoot,
  ], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr = (stderr + d).slice(-20000)));
  const urls = await new Promise((resolve, reject) => {
    let out = '';
    const found = {};
    const timer = setTimeout(() => reject(new Error(`center did not start:\n${stderr}`)), 600_000);
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`center exited ${code}:\n${stderr}`)); });
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
    async stop() {
      const done = new Promise((res) => child.once('exit', res));
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 30_000);
      await done;
      clearTimeout(t);
    },
  };
}

// GET with its size and time.
async function measureGet(base, p) {
  const t0 = performance.now();
  const r = await fetch(base + p);
  const body = Buffer.from(await r.arrayBuffer());
  const ms = performance.now() - t0;
  if (!r.ok) throw new Error(`${p}: HTTP ${r.status}`);
  return { bytes: body.length, ms, json: () => JSON.parse(body.toString('utf8')) };
}

async function main() {
  await mkdir(work, { recursive: true });
  await mkdir(shots, { recursive: true });
  const election = path.join(work, 'e');
  const db = path.join(work, 'c.db');
  if (!existsSync(path.join(election, 'manifest.json'))) {
    const [, ms] = await timed(() => run(actaBin, ['election', 'synth', '--tables', String(tables), '--seed', '5', '--out', election], { maxBuffer: 1 << 26 }));
    add(`synthesize the election (acta election synth, ${tables.toLocaleString('en-US')} tables)`, secs(ms));
  }
  if (!existsSync(db)) {
    const [res, ms] = await timed(() => run(seedBin, ['--election', election, '--db', db, '--fraction', String(fraction)], { maxBuffer: 1 << 26 }));
    const seeded = JSON.parse(res.stdout);
    add(`sign and store ${seeded.rows.toLocaleString('en-US')} actas (dashboard_seed)`, secs(ms));
  }

  const [center, startMs] = await timed(() => startCenter(election, db));
  const base = center.public;
  try {
    // Wait until the center has sequenced every stored row.
    let counted = 0;
    const [, seqMs] = await timed(async () => {
      for (let last = -1; ;) {
        const cps = (await measureGet(base, '/v1/checkpoints')).json();
        const size = cps.length ? cps[cps.length - 1].size : 0;
        if (size === last && size > 0) return;
        last = size;
        await new Promise((r) => setTimeout(r, 3000));
      }
    });
    add('center start until its store is fully sequenced', secs(startMs + seqMs));

    // The JSON the page uses, largest first.
    const bulletin = await measureGet(base, '/v1/bulletin');
    const b = bulletin.json();
    counted = b.regions[0].tables_counted;
    const nat = b.regions[0];
    add('tables counted / conflicted / expected', `${nat.tables_counted.toLocaleString('en-US')} / ${nat.tables_conflicted.toLocaleString('en-US')} / ${nat.tables_expected.toLocaleString('en-US')}`);
    add('log size (entries)', b.checkpoint.size.toLocaleString('en-US'));
    const byLevel = {};
    for (const r of b.regions) byLevel[r.level] = (byLevel[r.level] ?? 0) + 1;
    add('regions in the bulletin by level', Object.entries(byLevel).map(([k, v]) => `${k} ${v.toLocaleString('en-US')}`).join(', '));
    // [name, measurement, read by the page]
    const sizes = [['GET /v1/bulletin (full, down to parishes: not read by the page)', bulletin, false]];
    sizes.push(['GET /v1/bulletin?max_level=state (what the page reads)', await measureGet(base, '/v1/bulletin?max_level=state'), true]);
    const state = [...b.regions].filter((r) => r.level === 'state').sort((x, y) => y.tables_expected - x.tables_expected)[0];
    const arrivalsFirst = await measureGet(base, '/v1/arrivals?top=8');
    sizes.push(['GET /v1/arrivals (country, first call after start)', arrivalsFirst, true]);
    sizes.push(['GET /v1/arrivals (country, cached)', await measureGet(base, '/v1/arrivals?top=8'), true]);
    sizes.push([`GET /v1/arrivals?region=${state.code}`, await measureGet(base, `/v1/arrivals?top=8&region=${state.code}`), true]);
    const arrivals = arrivalsFirst.json();
    add('arrival chart: total / buckets / bucket width', `${arrivals.total.toLocaleString('en-US')} / ${arrivals.starts_ms.length} / ${arrivals.bucket_ms / 60000} min`);
    sizes.push(['GET /v1/checkpoints (all, with notes: not read by the page)', await measureGet(base, '/v1/checkpoints'), false]);
    sizes.push(['GET /v1/checkpoints?max=600&note=0 (the #/arrival page)', await measureGet(base, '/v1/checkpoints?max=600&note=0'), true]);
    // The drill-down chain: the biggest state, then the first child with a
    // counted table at each level, down to a counted table.
    const chain = [state];
    for (;;) {
      const last = chain[chain.length - 1];
      const kids = b.regions.filter((r) => r.parent === last.code && r.tables_counted > 0);
      if (kids.length === 0) break;
      chain.push(kids[0]);
    }
    const stateDetail = await measureGet(base, `/v1/regions/${encodeURIComponent(state.code)}`);
    sizes.push([`GET /v1/regions/{state} (${stateDetail.json().children.length} municipalities)`, stateDetail, true]);
    const parish = chain[chain.length - 1];
    const parishDetail = await measureGet(base, `/v1/regions/${encodeURIComponent(parish.code)}`);
    sizes.push([`GET /v1/regions/{parish} (${parishDetail.json().children.length} voting centers)`, parishDetail, true]);
    const center0 = parishDetail.json().children.find((c) => c.tables_counted > 0);
    chain.push(center0);
    const centerDetail = await measureGet(base, `/v1/regions/${encodeURIComponent(center0.code)}`);
    sizes.push([`GET /v1/regions/{voting center} (${centerDetail.json().tables?.length ?? 0} tables)`, centerDetail, true]);
    const table = centerDetail.json().tables.find((x) => x.status === 'counted');
    sizes.push(['GET /v1/tables/{id}', await measureGet(base, `/v1/tables/${table.table}`), true]);
    for (const [name, m] of sizes) add(`${name}: size, time`, `${kb(m.bytes)}, ${m.ms.toFixed(0)} ms`);
    const largest = sizes.filter((x) => x[2]).reduce((a, x) => (x[1].bytes > a[1].bytes ? x : a));
    add('largest JSON response the page reads', `${largest[0]}: ${kb(largest[1].bytes)}`, '< 10 MB');

    // The page.
    const { chromium } = loadPlaywright();
    const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: chromiumArgs, headless: true });
    try {
      const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'es-ES' });
      const page = await ctx.newPage();
      const cdp = await ctx.newCDPSession(page);
      await cdp.send('Performance.enable');
      const metrics = async () => Object.fromEntries((await cdp.send('Performance.getMetrics')).metrics.map((m) => [m.name, m.value]));
      const [, loadMs] = await timed(async () => {
        await page.goto(`${base}/`);
        await page.waitForSelector('[data-testid="tables-counted"]', { timeout: 120_000 });
        await page.waitForSelector('#arrival-card[data-total] svg path', { timeout: 120_000 });
      });
      add('national page: load until results and arrival chart are drawn', secs(loadMs), '< 5 s');
      let m = await metrics();
      const dom = await page.evaluate(() => document.getElementsByTagName('*').length);
      add('national page: JS heap used, DOM elements', `${(m.JSHeapUsedSize / 1e6).toFixed(1)} MB, ${dom.toLocaleString('en-US')}`, '< 100 MB, < 5,000');
      const transfer = await page.evaluate(() => performance.getEntriesByType('resource').reduce((a, e) => a + (e.transferSize || e.encodedBodySize || 0), 0));
      add('national page: bytes transferred for data and assets (after index.html)', kb(transfer));
      await page.screenshot({ path: path.join(shots, 'national-desktop.png'), fullPage: true });

      // Drill down by clicking, as a person would.
      const steps = [];
      const [, drillMs] = await timed(async () => {
        for (const r of chain) {
          const [, ms] = await timed(async () => {
            await page.waitForSelector('#child-filter');
            await page.fill('#child-filter', r.code);
            await page.click(`a[href="#/region/${r.code}"]`);
            await page.waitForFunction((name) => document.querySelector('main h1')?.textContent === name, r.name, { timeout: 60_000 });
            await page.waitForSelector('#arrival-card[data-total]', { timeout: 60_000 });
          });
          steps.push(`${r.level} ${ms.toFixed(0)} ms`);
        }
        await page.waitForSelector(`a[href="#/table/${table.table}"]`, { timeout: 60_000 });
        const [, ms] = await timed(async () => {
          await page.click(`a[href="#/table/${table.table}"]`);
          await page.waitForSelector('[data-testid="acta"]', { timeout: 60_000 });
        });
        steps.push(`table ${ms.toFixed(0)} ms`);
      });
      add('drill-down national > state > municipality > parish > voting center > table (clicks)', `${secs(drillMs)} (${steps.join(', ')})`, '< 5 s');
      m = await metrics();
      const dom2 = await page.evaluate(() => document.getElementsByTagName('*').length);
      add('after the drill-down: JS heap used, DOM elements', `${(m.JSHeapUsedSize / 1e6).toFixed(1)} MB, ${dom2.toLocaleString('en-US')}`);
      await page.goto(`${base}/#/region/${encodeURIComponent(chain[1].code)}`);
      await page.waitForSelector('#arrival-card[data-total] svg path', { timeout: 60_000 });
      await page.screenshot({ path: path.join(shots, 'municipality-desktop.png'), fullPage: true });
      const [, arrivalMs] = await timed(async () => {
        await page.goto(`${base}/#/arrival`);
        await page.waitForSelector('#arrival-card[data-total] svg path', { timeout: 60_000 });
        await page.waitForSelector('.chart-svg path >> nth=1', { timeout: 60_000 });
      });
      add('arrival page (#/arrival): load', secs(arrivalMs));
      await page.screenshot({ path: path.join(shots, 'arrival-desktop.png'), fullPage: true });
      await page.setViewportSize({ width: 390, height: 844 });
      await page.goto(`${base}/#/`);
      await page.waitForSelector('#arrival-card[data-total] svg path', { timeout: 120_000 });
      await page.screenshot({ path: path.join(shots, 'national-phone.png'), fullPage: true });
      void counted;
    } finally {
      await browser.close();
    }
  } finally {
    await center.stop();
  }
  notes.push(`${tables.toLocaleString('en-US')}-table synthetic election; ${Math.round(fraction * 100)} % of the tables reported, stored by bench/dashboard_seed and sequenced by the center at start-up in its default 256-entry checkpoints. Times are wall clock on the shared 2-core machine with the center, Chromium and the script on it; the acta binary was ${process.env.ACTA_BUILD ?? 'the one in ACTA_BIN'}.`);
  notes.push('The page reads `/v1/bulletin?max_level=state` (country and states) and each region below from `/v1/regions/{code}`: with the full bulletin (first row of sizes) it downloaded and parsed ~27 MB at load and after every checkpoint. No view renders one node per table: child lists and tables are paged (25), flags (50), and the arrival chart is one SVG path per series (at most 720 buckets from the center, top 8 children + other).');
  notes.push('Screenshots: ' + path.relative(repoRoot, shots) + '.');
  const doc = { title: 'Dashboard at scale', columns: ['measure', 'value', 'goal'], rows, notes };
  await writeFile(outFile, JSON.stringify(doc, null, 2));
  console.error(`wrote ${outFile}`);
}

await main();
