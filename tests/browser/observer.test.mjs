// The observers' page (#/observer) in a real headless Chromium against a
// real center: a phone photo of a printed sheet (`acta print`, then
// photographed by make_photo: turned, tilted, blurred, noisy, stored
// sideways with EXIF orientation 6, JPEG) read and found identical in the
// log; a tampered acta refused; a validly signed but different acta shown
// beside the logged one; a missing acta submitted from the page, its
// receipt checked in the browser, then found in the log; every request on
// the center's own origin; a phone-sized layout. Screenshots are saved.
//
// Needs ACTA_BIN, ACTA_MAKE_PHOTO (the make_photo test tool), web/dist and
// web/node_modules/playwright-core; chromium at /usr/bin/chromium.
import { describe, before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import {
  actaBin, actaText, chromiumArgs, cleanup, ensureOutDir, fmt, getJson, loadPlaywright, makeElection, signActa, startCenter,
  submit, until, webRoot,
} from './harness.mjs';

const run = promisify(execFile);
const makePhoto = process.env.ACTA_MAKE_PHOTO;

const leafHex = (bytes) => createHash('sha256').update(Buffer.concat([Buffer.from([0]), bytes])).digest('hex');

describe('observers\' page', () => {
  let el, center, browser, context, page, out;
  const requests = [];
  let held; // { a, b, bOther, c }: the actas the observer holds

  before(async () => {
    assert.ok(actaBin && existsSync(actaBin), `ACTA_BIN must point at the acta binary (got ${actaBin})`);
    assert.ok(makePhoto && existsSync(makePhoto), `ACTA_MAKE_PHOTO must point at make_photo (got ${makePhoto})`);
    assert.ok(existsSync(path.join(webRoot, 'index.html')), `the dashboard is not built in ${webRoot}`);
    out = await ensureOutDir();
    el = await makeElection(60, 11);
    center = await startCenter(el);
    const a = await signActa(el, el.ids[0], el.truth(0));
    const b = await signActa(el, el.ids[1], el.truth(1));
    // What the observer's copy of table 1 says: one vote moved between the
    // first two candidates, signed by the same machine.
    const other = el.truth(1);
    const [to, from] = other.contests[0].votes[1] > 0 ? [0, 1] : [1, 0];
    other.contests[0].votes[to] += 1;
    other.contests[0].votes[from] -= 1;
    const bOther = await signActa(el, el.ids[1], other);
    const c = await signActa(el, el.ids[2], el.truth(2));
    held = { a, b, bOther, c, other };
    for (const x of [a, b]) assert.equal((await submit(center.ingest, x)).http, 201);
    await until(async () => (await getJson(`${center.public}/v1/tables/${el.ids[1]}`)).actas[0]?.inclusion_proof, 'actas logged');
    await run(actaBin, ['print', path.join(el.dir, `acta-${el.ids[0]}-0.bin`), '--election', el.election, '--out', path.join(el.dir, 'sheet.png'), '--dpi', '150']);
    await run(makePhoto, [path.join(el.dir, 'sheet.png'), path.join(el.dir, 'IMG_0001.jpg'), '--degrees', '8', '--tilt', '0.15',
      '--blur', '1.2', '--noise', '14', '--contrast', '0.75', '--orientation', '6', '--quality', '82', '--seed', '5']);
    const { chromium } = loadPlaywright();
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: chromiumArgs });
    context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'es-ES' });
    page = await context.newPage();
    page.on('request', (r) => requests.push(r.url()));
    page.on('pageerror', (e) => console.error('page error:', e));
    await page.goto(`${center.public}/#/observer`);
    await page.getByTestId('observer-offline-ready').waitFor({ timeout: 30_000 });
  });

  after(async () => {
    await browser?.close();
    await center?.stop();
    if (el) await cleanup(el.dir);
  });

  test('the manifest is checked in the browser: its election id is the actas\'', async () => {
    assert.equal(await page.getByTestId('observer-election-id').textContent(), held.a.subarray(1, 33).toString('hex'));
  });

  test('a phone photo of the printed sheet: QR read, signature valid, in the log and identical', async () => {
    await page.getByTestId('observer-files').setInputFiles(path.join(el.dir, 'IMG_0001.jpg'));
    const item = page.getByTestId('observer-item').filter({ hasText: 'IMG_0001.jpg' });
    const verdict = item.getByTestId('observer-verdict');
    await verdict.waitFor({ timeout: 90_000 });
    assert.equal(await verdict.getAttribute('data-verdict'), 'same', await item.textContent());
    assert.equal(await item.getByTestId('sheet-table').textContent(), String(el.ids[0]));
    assert.equal(await item.getByTestId('sheet-leaf').textContent(), leafHex(held.a));
    assert.equal(await item.getByTestId('observer-conflict').count(), 0);
    await page.screenshot({ path: path.join(out, 'observer-photo-1280.png'), fullPage: true });
  });

  test('offline once loaded: the photo is read and its signature checked; the log once back online', async () => {
    await context.setOffline(true);
    try {
      await page.getByTestId('observer-files').setInputFiles(path.join(el.dir, 'IMG_0001.jpg'));
      const item = page.getByTestId('observer-item').first();
      await item.getByTestId('observer-verdict').waitFor({ timeout: 90_000 });
      assert.equal(await item.getByTestId('observer-verdict').getAttribute('data-verdict'), 'error');
      assert.match(await item.getByTestId('observer-signature').textContent(), new RegExp(`mesa ${el.ids[0]}`));
    } finally {
      await context.setOffline(false);
    }
    const item = page.getByTestId('observer-item').first();
    await item.getByTestId('observer-verdict').getByRole('button').click();
    await until(async () => (await item.getByTestId('observer-verdict').getAttribute('data-verdict').catch(() => null)) === 'same', 'same after retry');
  });

  test('a tampered acta is refused: the machine signature does not verify', async () => {
    const forged = Buffer.from(held.a);
    forged[47] ^= 1; // a count in the first contest (still a valid varint)
    await page.getByTestId('observer-text').fill(actaText(forged));
    await page.getByTestId('observer-check').click();
    const item = page.getByTestId('observer-item').first();
    await until(async () => (await item.getByTestId('observer-verdict').count()) > 0, 'a verdict');
    assert.equal(await item.getByTestId('observer-verdict').getAttribute('data-verdict'), 'invalid');
    assert.match(await item.getByTestId('observer-reason').textContent(), /bad_signature/);
    assert.match(await item.getByTestId('observer-verdict').textContent(), /alterada después de firmarse/);
    assert.equal(await item.getByTestId('observer-submit').count(), 0, 'an invalid acta is never offered for submission');
  });

  test('a validly signed acta that differs from the logged one: both shown, the differences named; submitted, the table is in conflict', async () => {
    await page.getByTestId('observer-text').fill(actaText(held.bOther));
    await page.getByTestId('observer-check').click();
    const item = page.getByTestId('observer-item').first();
    await until(async () => (await item.getByTestId('observer-verdict').getAttribute('data-verdict').catch(() => null)) === 'different', 'different');
    // Exactly the two moved counts, this photo's beside the log's.
    const mine = held.other.contests[0].votes;
    const logged = el.truth(1).contests[0].votes;
    const rows = item.getByTestId('observer-diff').locator('tbody tr');
    assert.equal(await rows.count(), 2);
    for (let r = 0; r < 2; r++) {
      assert.equal(await rows.nth(r).getByTestId('diff-held').textContent(), fmt('es', mine[r]));
      assert.equal(await rows.nth(r).getByTestId('diff-logged').textContent(), fmt('es', logged[r]));
    }
    await page.screenshot({ path: path.join(out, 'observer-different-1280.png'), fullPage: true });
    // Submitted as evidence: the center keeps both and flags the table; the
    // page then finds this acta in the log beside the other one.
    await item.getByTestId('observer-submit').click();
    await item.getByTestId('observer-receipt').waitFor({ timeout: 20_000 });
    assert.match(await item.getByTestId('observer-receipt').textContent(), /conflict/);
    await until(async () => (await item.getByTestId('observer-verdict').getAttribute('data-verdict').catch(() => null)) === 'same', 'logged beside the other', 30_000);
    assert.equal(await item.getByTestId('observer-conflict').count(), 1);
    assert.equal((await getJson(`${center.public}/v1/tables/${el.ids[1]}`)).status, 'conflict');
  });

  test('a missing acta is submitted from the page, its receipt checked, then found in the log', async () => {
    await page.getByTestId('observer-text').fill(actaText(held.c));
    await page.getByTestId('observer-check').click();
    const item = page.getByTestId('observer-item').first();
    await until(async () => (await item.getByTestId('observer-verdict').getAttribute('data-verdict').catch(() => null)) === 'missing', 'missing');
    await item.getByTestId('observer-submit').click();
    await item.getByTestId('observer-receipt').waitFor({ timeout: 20_000 });
    assert.match(await item.getByTestId('observer-receipt').textContent(), /accepted/);
    await until(async () => (await item.getByTestId('observer-verdict').getAttribute('data-verdict').catch(() => null)) === 'same', 'logged', 30_000);
    const t = await getJson(`${center.public}/v1/tables/${el.ids[2]}`);
    assert.equal(t.status, 'counted');
    assert.equal(t.actas[0].lane, 'public');
    assert.equal(t.actas[0].leaf_hash, leafHex(held.c));
    await page.screenshot({ path: path.join(out, 'observer-submitted-1280.png'), fullPage: true });
  });

  test('parallel tabulation: one row per table held, totals beside the log\'s, logged tables not held, CSV', async () => {
    // Held: table 0 (same), table 1 (this observer's acta, now logged beside
    // the other: a conflict, out of the log's totals), table 2 (same).
    const summary = page.getByTestId('observer-summary');
    await summary.waitFor();
    const first = (c) => c.contests[0].votes[0];
    const yours = first(el.truth(0)) + first(held.other) + first(el.truth(2));
    const log = first(el.truth(0)) + first(el.truth(2));
    const row = summary.getByTestId('observer-totals').locator('table').first().locator('tbody tr').first();
    assert.equal(await row.locator('td').nth(0).textContent(), fmt('es', yours));
    assert.equal(await row.locator('td').nth(1).textContent(), fmt('es', log));
    // A table logged that this observer holds nothing for: found from the
    // center's table CSV on request.
    assert.equal((await submit(center.ingest, await signActa(el, el.ids[5], el.truth(5)))).http, 201);
    await until(async () => (await getJson(`${center.public}/v1/tables/${el.ids[5]}`)).actas[0]?.inclusion_proof, 'table 5 logged');
    await summary.getByTestId('observer-not-held-button').click();
    const notHeld = summary.getByTestId('observer-not-held');
    await notHeld.waitFor();
    assert.match(await notHeld.locator('p').first().textContent(), /: 1$/);
    assert.deepEqual(await notHeld.locator('a').allTextContents(), [String(el.ids[5])]);
    await summary.screenshot({ path: path.join(out, 'observer-summary-1280.png') });
    const [download] = await Promise.all([page.waitForEvent('download'), summary.getByTestId('observer-csv').click()]);
    const csv = (await readFile(await download.path(), 'utf8')).trim().split('\n');
    assert.equal(csv[0], 'table,verdict,source,leaf_hash,log_leaf_hashes,conflict');
    assert.deepEqual(csv.slice(1).map((l) => l.split(',').filter((_, i) => i !== 2 && i !== 4).join(',')), [
      `${el.ids[0]},same,${leafHex(held.a)},0`,
      `${el.ids[1]},same,${leafHex(held.bOther)},1`,
      `${el.ids[2]},same,${leafHex(held.c)},0`,
      `${el.ids[5]},not_held,,0`,
    ]);
  });

  test('every request stayed on the center\'s origin', () => {
    const foreign = requests.filter((u) => !u.startsWith(`${center.public}/`) && !u.startsWith('blob:') && !u.startsWith('data:'));
    assert.deepEqual(foreign, []);
    assert.ok(requests.some((u) => u.endsWith('.wasm')), 'the QR reader was loaded from the center');
  });

  test('on a phone: English, no sideways scrolling', async () => {
    const phone = await context.browser().newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
    const p = await phone.newPage();
    await p.goto(`${center.public}/#/observer`);
    await p.locator('#lang').click();
    await p.getByTestId('observer-offline-ready').waitFor({ timeout: 30_000 });
    await p.getByTestId('observer-files').setInputFiles(path.join(el.dir, 'IMG_0001.jpg'));
    await p.getByTestId('observer-verdict').waitFor({ timeout: 90_000 });
    assert.match(await p.getByTestId('observer-verdict').textContent(), /In the log and identical/);
    const widths = await p.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
    assert.ok(widths[0] <= widths[1], `page is ${widths[0]} px wide in a ${widths[1]} px window`);
    await p.screenshot({ path: path.join(out, 'observer-390.png'), fullPage: true });
    await phone.close();
  });
});
