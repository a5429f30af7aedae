// The dashboard from a static mirror: `acta mirror` copies a live center
// into a directory, nginx serves it with examples/nginx/acta-mirror.conf,
// and the page in headless Chromium shows the same numbers as the center,
// drills down to a table, and picks up a new checkpoint by polling the
// mirror's /checkpoint (a static mirror has no event stream).
//
// Needs what dashboard.test.mjs needs, plus nginx on PATH.
import { describe, before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import {
  actaBin, actaText, chromiumArgs, cleanup, ensureOutDir, fmt, getJson, loadPlaywright, makeElection, signActa,
  startCenter, startNginx, submit, until, webRoot,
} from './harness.mjs';

const run = promisify(execFile);

const kTables = 300;

describe('dashboard from a mirror', () => {
  let el, center, nginx, browser, page, out, mirrorDir;
  const submitted = [];
  const requests = [];

  const mirror = () => run(actaBin, ['mirror', '--center', center.public, '--out', mirrorDir, '--web-root', webRoot, '--quiet']);

  before(async () => {
    assert.ok(actaBin && existsSync(actaBin), `ACTA_BIN must point at the acta binary (got ${actaBin})`);
    assert.ok(existsSync(path.join(webRoot, 'index.html')), `${webRoot}/index.html missing: run npm run build in web/`);
    out = await ensureOutDir();
    el = await makeElection(kTables, 7);
    center = await startCenter(el);
    for (let i = 0; i < 20; i++) {
      const idx = i * 7;
      const r = await submit(center.ingest, await signActa(el, el.ids[idx], el.truth(idx)));
      assert.equal(r.status, 'accepted');
      submitted.push(idx);
    }
    const other = structuredClone(el.truth(0));
    other.contests[0].votes[0] -= 1;
    other.contests[0].votes[1] += 1;
    assert.equal((await submit(center.ingest, await signActa(el, el.ids[0], other, 1))).status, 'conflict');
    await until(async () => (await getJson(`${center.public}/v1/bulletin`).catch(() => null))?.checkpoint.size === 21,
      'all actas in a checkpoint');
    mirrorDir = path.join(el.dir, 'mirror');
    await mirror();
    nginx = await startNginx(mirrorDir, path.join(el.dir, 'nginx'));
    const { chromium } = loadPlaywright();
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: chromiumArgs, headless: true });
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'es-ES' });
    page = await ctx.newPage();
    page.on('pageerror', (e) => console.error('page error:', e));
    page.on('request', (r) => requests.push(new URL(r.url()).pathname + new URL(r.url()).search));
  });

  after(async () => {
    await browser?.close();
    await nginx?.stop();
    await center?.stop();
    if (el) await cleanup(el.dir);
  });

  test('national numbers on the mirror equal the center\'s', async () => {
    await page.goto(`${nginx.url}/`);
    await page.waitForSelector('[data-testid="tables-counted"]');
    const b = await getJson(`${center.public}/v1/bulletin`);
    const nat = b.regions[0];
    const counted = await page.textContent('[data-testid="tables-counted"]');
    assert.ok(counted.includes(`${fmt('es', nat.tables_counted)} de ${fmt('es', nat.tables_expected)}`), counted);
    assert.equal(await page.textContent('[data-testid="ballots-cast"]'), fmt('es', nat.ballots_cast));
    assert.equal(await page.textContent('[data-testid="cp-size"]'), fmt('es', b.checkpoint.size));
    assert.equal(await page.textContent('[data-testid="cp-root"]'), b.checkpoint.root);
    for (const [ci, contest] of b.contests.entries()) {
      const card = page.locator(`section.contest[data-contest="${contest.id}"]`);
      const votes = await card.locator('li.bar .bar-val').allTextContents();
      assert.deepEqual(votes.sort(), nat.contests[ci].votes.map((v) => fmt('es', v)).sort(), contest.id);
      assert.equal(await card.locator('[data-testid="remaining"]').textContent(), fmt('es', nat.contests[ci].remaining));
    }
    await page.waitForSelector('#arrival-card[data-total]');
    assert.equal(Number(await page.getAttribute('#arrival-card', 'data-total')), nat.tables_counted + nat.tables_conflicted);
    // The mirror's own files, not query routes or events.
    assert.ok(requests.includes('/v1/bulletin-state'), requests.join(' '));
    assert.ok(!requests.some((r) => r.startsWith('/v1/events') || r.includes('?')), requests.join(' '));
    await page.screenshot({ path: path.join(out, 'mirror-national-desktop.png'), fullPage: true });
  });

  test('a voting center and a table read from the mirror', async () => {
    const idx = submitted[3];
    const id = el.ids[idx];
    const vc = el.manifest.regions[el.regionOf[idx]];
    await page.goto(`${nginx.url}/#/region/${vc.code}`);
    await page.waitForFunction((name) => document.querySelector('main h1')?.textContent === name, vc.name);
    const api = await getJson(`${center.public}/v1/regions/${vc.code}`);
    const counted = await page.textContent('[data-testid="tables-counted"]');
    assert.ok(counted.includes(`${fmt('es', api.tables_counted)} de ${fmt('es', api.tables_expected)}`), counted);
    await page.goto(`${nginx.url}/#/table/${id}`);
    await page.waitForSelector('[data-testid="acta"]');
    assert.equal(await page.textContent('[data-testid="table-status"]'), 'Contabilizada');
    const t = await getJson(`${center.public}/v1/tables/${id}`);
    assert.equal(await page.textContent('[data-testid="qr-text"]'), t.actas[0].text);
    assert.equal(await page.locator('ol.proof li').count(), t.actas[0].inclusion_proof.hashes.length);
    await page.goto(`${nginx.url}/#/table/${el.ids[0]}`);
    await page.waitForSelector('[data-testid="acta"]');
    assert.equal(await page.locator('[data-testid="acta"]').count(), 2);
    assert.equal(await page.textContent('[data-testid="table-status"]'), 'En conflicto');
  });

  test('a new checkpoint reaches the open page by polling the mirror', async () => {
    await page.goto(`${nginx.url}/#/`);
    await page.waitForSelector('[data-testid="cp-size"]');
    for (let i = 0; i < 5; i++) {
      const idx = 200 + i;
      assert.equal((await submit(center.ingest, await signActa(el, el.ids[idx], el.truth(idx)))).status, 'accepted');
    }
    await until(async () => (await getJson(`${center.public}/v1/bulletin`))?.checkpoint.size === 26, 'new actas logged');
    await mirror();
    await page.waitForFunction((want) => document.querySelector('[data-testid="cp-size"]')?.textContent === want,
      fmt('es', 26), { timeout: 20_000 });
    const nat = (await getJson(`${center.public}/v1/bulletin`)).regions[0];
    assert.equal(await page.textContent('[data-testid="ballots-cast"]'), fmt('es', nat.ballots_cast));
  });

  // The observers' page on the mirror: proofs from the table files (written
  // at an older size than the mirror's checkpoint, so checked against that
  // size's signed checkpoint from v1/checkpoints), the conflict, and a
  // missing acta submitted to the center the mirror copies (mirror.json).
  test('the observers\' page on the mirror: same, conflict, missing submitted to the source center', async () => {
    await page.goto(`${nginx.url}/#/observer`);
    await page.getByTestId('observer-offline-ready').waitFor({ timeout: 30_000 });
    const check = async (text, verdict) => {
      await page.getByTestId('observer-text').fill(text);
      await page.getByTestId('observer-check').click();
      const item = page.getByTestId('observer-item').first();
      await until(async () => (await item.getByTestId('observer-verdict').getAttribute('data-verdict').catch(() => null)) === verdict,
        `${verdict}: ${await item.textContent().catch(() => '')}`);
      return item;
    };
    const t = await getJson(`${center.public}/v1/tables/${el.ids[submitted[3]]}`);
    const same = await check(t.actas[0].text, 'same');
    assert.equal(await same.getByTestId('observer-conflict').count(), 0);
    const conflicted = await getJson(`${center.public}/v1/tables/${el.ids[0]}`);
    const both = await check(conflicted.actas[0].text, 'same');
    assert.equal(await both.getByTestId('observer-conflict').count(), 1);
    const missing = await signActa(el, el.ids[250], el.truth(250));
    const item = await check(actaText(missing), 'missing');
    await item.getByTestId('observer-submit').click();
    await item.getByTestId('observer-receipt').waitFor({ timeout: 20_000 });
    await until(async () => (await getJson(`${center.public}/v1/tables/${el.ids[250]}`)).actas[0]?.inclusion_proof, 'logged at the center');
    await mirror();
    await until(async () => (await item.getByTestId('observer-verdict').getAttribute('data-verdict')) === 'same', 'same on the mirror', 30_000);
    await page.screenshot({ path: path.join(out, 'mirror-observer-desktop.png'), fullPage: true });
  });
});
