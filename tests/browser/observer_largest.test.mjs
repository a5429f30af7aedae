// The largest acta the format allows (1,024 bytes: 16 contests of 27
// candidates, docs/FORMATS.md) through the whole paper path in a real
// headless Chromium: `acta election init` from CSVs, `acta sign`, `acta
// print` at 200 dpi (the sheet flows over several pages; the QR code, QR
// version 26, is on the first), a phone photo of that page (make_photo: 12
// MP, turned, tilted, blurred, noisy, stored sideways with EXIF orientation
// 6, JPEG: the shot SheetTest decodes in C++), then the
// observers' page reads the QR code, checks the machine signature and finds
// the acta in the log with its inclusion proof.
//
// Needs ACTA_BIN, ACTA_MAKE_PHOTO, web/dist and web/node_modules/playwright-core;
// chromium at /usr/bin/chromium.
import { describe, before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import {
  actaBin, chromiumArgs, cleanup, ensureOutDir, fmt, getJson, kMaxActaSize, loadPlaywright, makeLargestElection, signActa,
  startCenter, submit, until, webRoot,
} from './harness.mjs';

const run = promisify(execFile);
const makePhoto = process.env.ACTA_MAKE_PHOTO;

const leafHex = (bytes) => createHash('sha256').update(Buffer.concat([Buffer.from([0]), bytes])).digest('hex');

describe('the largest acta on the observers\' page', () => {
  let el, center, browser, page, out, acta, sheets;

  before(async () => {
    assert.ok(actaBin && existsSync(actaBin), `ACTA_BIN must point at the acta binary (got ${actaBin})`);
    assert.ok(makePhoto && existsSync(makePhoto), `ACTA_MAKE_PHOTO must point at make_photo (got ${makePhoto})`);
    assert.ok(existsSync(path.join(webRoot, 'index.html')), `the dashboard is not built in ${webRoot}`);
    out = await ensureOutDir();
    el = await makeLargestElection();
    acta = await signActa(el, el.ids[0], el.largest);
    center = await startCenter(el);
    assert.equal((await submit(center.ingest, acta)).http, 201);
    await until(async () => (await getJson(`${center.public}/v1/tables/${el.ids[0]}`)).actas[0]?.inclusion_proof, 'the acta logged');
    const sheetDir = path.join(el.dir, 'sheet');
    await run('mkdir', ['-p', sheetDir]);
    await run(actaBin, ['print', path.join(el.dir, `acta-${el.ids[0]}-0.bin`), '--election', el.election,
      '--out', path.join(sheetDir, 'sheet.png'), '--dpi', '200']);
    sheets = await readdir(sheetDir); // sheet.png (the first page, with the QR code), sheet-2.png, ...
    await run(makePhoto, [path.join(sheetDir, 'sheet.png'), path.join(el.dir, 'IMG_1024.jpg'), '--degrees', '-6', '--tilt', '0.08',
      '--blur', '1.0', '--noise', '10', '--contrast', '0.8', '--orientation', '6', '--quality', '85', '--seed', '9']);
    const { chromium } = loadPlaywright();
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: chromiumArgs });
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'es-ES' });
    page = await context.newPage();
    page.on('pageerror', (e) => console.error('page error:', e));
    await page.goto(`${center.public}/#/observer`);
    await page.getByTestId('observer-offline-ready').waitFor({ timeout: 30_000 });
  });

  after(async () => {
    await browser?.close();
    await center?.stop();
    if (el) await cleanup(el.dir);
  });

  test('the acta is the format\'s largest and its sheet flows over several pages', () => {
    assert.equal(acta.length, kMaxActaSize);
    assert.ok(sheets.length > 1, `432 candidates on ${sheets.length} page(s): ${sheets}`);
  });

  test('a phone photo of the first page: QR read, signature valid, in the log and identical, all 16 contests shown', async () => {
    await page.getByTestId('observer-files').setInputFiles(path.join(el.dir, 'IMG_1024.jpg'));
    const item = page.getByTestId('observer-item').filter({ hasText: 'IMG_1024.jpg' });
    const verdict = item.getByTestId('observer-verdict');
    await verdict.or(item.getByTestId('observer-error')).waitFor({ timeout: 120_000 });
    assert.equal(await item.getByTestId('observer-error').count(), 0, await item.textContent());
    assert.equal(await verdict.getAttribute('data-verdict'), 'same', await item.textContent());
    assert.equal(await item.getByTestId('sheet-table').textContent(), String(el.ids[0]));
    assert.equal(await item.getByTestId('sheet-ballots').textContent(), fmt('es', el.largest.ballots_cast));
    assert.equal(await item.getByTestId('sheet-leaf').textContent(), leafHex(acta));
    assert.equal(await item.locator('table.counts').count(), 16);
    assert.equal(await item.locator('table.counts').nth(15).locator('tbody tr').count(), 27 + 2);
    await page.screenshot({ path: path.join(out, 'observer-largest-1280.png') });
  });
});
