// The audit page in a real headless Chromium: `acta demo --audit --serve`
// counts a small election, audits it (paper errors in some tables, so it
// escalates) and keeps its center up; the page must show every round of the
// audit.json the center publishes under /v1/audits/, the acta beside the
// hand count, and fit a phone's screen. Screenshots are saved.
//
// Needs ACTA_BIN, web/dist (npm run build; the demo serves the repository's
// web/dist) and web/node_modules/playwright-core; chromium at /usr/bin/chromium.
import { describe, before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  actaBin, chromiumArgs, cleanup, ensureOutDir, getJson, loadPlaywright, repoRoot, webRoot,
} from './harness.mjs';

// Runs the demo and resolves with its public URL once it serves.
async function startDemo(workdir) {
  const child = spawn(actaBin, [
    'demo', '--tables', '1500', '--seed', '3', '--no-emulation', '--window', '2', '--audit',
    '--paper-errors', '300', '--serve', '--workdir', workdir,
  ], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const url = await new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`demo did not serve:\n${out}\n${stderr}`)), 120_000);
    child.once('exit', (code, signal) => { clearTimeout(timer); reject(new Error(`demo exited ${code ?? signal}:\n${out}\n${stderr}`)); });
    child.stdout.on('data', (d) => {
      out += d;
      const m = /serving: ingest \S+\s+public (http:\/\/\S+)/.exec(out);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    });
  });
  return {
    url,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const done = new Promise((res) => child.once('exit', res));
      child.kill('SIGINT');
      const t = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await done;
      clearTimeout(t);
    },
  };
}

function fmtRisk(p) {
  if (p === null) return '—';
  return p >= 0.001 ? p.toFixed(4) : p.toExponential(2);
}

describe('audit page', () => {
  let dir, demo, browser, page, out;

  before(async () => {
    assert.ok(actaBin && existsSync(actaBin), `ACTA_BIN must point at the acta binary (got ${actaBin})`);
    assert.ok(existsSync(path.join(webRoot, 'index.html')), `${webRoot}/index.html missing: run npm run build in web/`);
    out = await ensureOutDir();
    dir = await mkdtemp(path.join(tmpdir(), 'acta-browser-audit-'));
    demo = await startDemo(dir);
    const { chromium } = loadPlaywright();
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: chromiumArgs, headless: true });
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'es-ES' });
    page = await ctx.newPage();
    page.on('pageerror', (e) => console.error('page error:', e));
  });

  after(async () => {
    await browser?.close();
    await demo?.stop();
    if (dir) await cleanup(dir);
  });

  test('shows every round of the published audit', async () => {
    const index = await getJson(`${demo.url}/v1/audits/index.json`);
    assert.deepEqual(index.audits, ['president']);
    const audit = await getJson(`${demo.url}/v1/audits/president/audit.json`);
    assert.ok(audit.rounds.length >= 1);
    await page.goto(`${demo.url}/#/audit`);
    await page.waitForSelector('[data-testid="audit-president"]');
    const rows = page.locator('[data-testid="audit-rounds"] tbody tr');
    assert.equal(await rows.count(), audit.rounds.length);
    for (const r of audit.rounds) {
      assert.equal(await page.textContent(`[data-testid="audit-risk-${r.round}"]`), fmtRisk(r.risk), `round ${r.round}`);
    }
    const status = await page.textContent('[data-testid="audit-status"]');
    assert.ok(status.length > 0);
    // The acta beside the hand count of every table of round 1.
    const details = page.locator('[data-testid="audit-president-round-1"]');
    await details.locator('summary').click();
    assert.equal(await details.locator('tbody tr').count(), audit.rounds[0].results.length);
    const overstated = audit.rounds[0].results.filter((t) => t.discrepancy > 0).length;
    assert.equal(await details.locator('tbody tr[data-overstated]').count(), overstated);
    assert.equal(await page.textContent('[data-testid="audit-verify-president"]'),
      `acta audit verify president --published --center ${demo.url}`);
    // Every file the page links to is served.
    for (const href of await page.locator('[data-testid="audit-president"] a[href^="/v1/audits/"]').evaluateAll((as) => as.map((a) => a.getAttribute('href')))) {
      const res = await fetch(demo.url + href);
      await res.arrayBuffer();
      assert.equal(res.status, 200, href);
    }
    await page.screenshot({ path: path.join(out, 'audit-desktop.png'), fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${demo.url}/#/`);
    await page.goto(`${demo.url}/#/audit`);
    await page.waitForSelector('[data-testid="audit-president"]');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `audit page is ${overflow}px wider than the phone`);
    await page.screenshot({ path: path.join(out, 'audit-phone.png'), fullPage: true });
  });
});
