// The dashboard in a real headless Chromium against a real center:
// national numbers equal /v1/bulletin, drill-down to a table shows its
// acta, the language switch reformats numbers, a live update arrives by
// server-sent events, and screenshots are saved (desktop and phone).
//
// Needs ACTA_BIN (the acta binary), web/dist (npm run build) and
// web/node_modules/playwright-core; chromium at /usr/bin/chromium.
import { describe, before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import {
  actaBin, chromiumArgs, cleanup, ensureOutDir, fmt, getJson, loadPlaywright, makeElection, signActa,
  startCenter, submit, until, webRoot,
} from './harness.mjs';

// The arrival card of the page on screen (once it has loaded): its total,
// the checkpoint it reflects and its legend.
async function arrivalCardOf(page) {
  await page.waitForSelector('#arrival-card[data-total]');
  return page.locator('#arrival-card').evaluate((e) => ({
    total: Number(e.dataset.total),
    size: Number(e.dataset.size),
    text: e.textContent,
    legend: [...e.querySelectorAll('.legend li')].map((li) => li.textContent),
    paths: e.querySelectorAll('svg path').length,
  }));
}

const kTables = 300;
const kSubmitted = 30; // tables 0, 10, 20, ... (by manifest order) get their true acta

describe('dashboard', () => {
  let el, center, browser, page, out;
  const submittedIdx = [];

  before(async () => {
    assert.ok(actaBin && existsSync(actaBin), `ACTA_BIN must point at the acta binary (got ${actaBin})`);
    assert.ok(existsSync(path.join(webRoot, 'index.html')), `${webRoot}/index.html missing: run npm run build in web/`);
    out = await ensureOutDir();
    el = await makeElection(kTables, 3);
    center = await startCenter(el);
    for (let i = 0; i < kSubmitted; i++) {
      const idx = i * 10;
      const bytes = await signActa(el, el.ids[idx], el.truth(idx));
      const r = await submit(center.ingest, bytes);
      assert.equal(r.status, 'accepted', `acta for table ${el.ids[idx]}: HTTP ${r.http}`);
      submittedIdx.push(idx);
    }
    // A second, different acta for table 0: a conflict.
    const t0 = el.truth(0);
    const other = structuredClone(t0);
    other.contests[0].votes[0] -= 1;
    other.contests[0].votes[1] += 1;
    const r = await submit(center.ingest, await signActa(el, el.ids[0], other, 1));
    assert.equal(r.status, 'conflict');
    await until(async () => {
      const b = await getJson(`${center.public}/v1/bulletin`).catch(() => null);
      return b && b.checkpoint.size === kSubmitted + 1;
    }, 'all actas in a checkpoint');
    const { chromium } = loadPlaywright();
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: chromiumArgs, headless: true });
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'es-ES' });
    page = await ctx.newPage();
    page.on('pageerror', (e) => console.error('page error:', e));
  });

  after(async () => {
    await browser?.close();
    await center?.stop();
    if (el) await cleanup(el.dir);
  });

  test('national numbers equal /v1/bulletin (Spanish by default)', async () => {
    await page.goto(`${center.public}/`);
    await page.waitForSelector('[data-testid="tables-counted"]');
    const b = await getJson(`${center.public}/v1/bulletin`);
    const nat = b.regions[0];
    const shallow = await getJson(`${center.public}/v1/bulletin?max_level=state`);
    assert.deepEqual(shallow.regions, b.regions.filter((r) => r.level === 'country' || r.level === 'state'));
    assert.equal(await page.getAttribute('html', 'lang'), 'es');
    const counted = await page.textContent('[data-testid="tables-counted"]');
    assert.ok(counted.includes(`${fmt('es', nat.tables_counted)} de ${fmt('es', nat.tables_expected)}`), counted);
    assert.equal(nat.tables_counted, kSubmitted - 1); // the conflicted table does not count
    assert.equal(await page.textContent('[data-testid="ballots-cast"]'), fmt('es', nat.ballots_cast));
    assert.equal(await page.textContent('[data-testid="cp-size"]'), fmt('es', b.checkpoint.size));
    assert.equal(await page.textContent('[data-testid="cp-root"]'), b.checkpoint.root);
    const shown = [];
    for (const [ci, contest] of b.contests.entries()) {
      const card = page.locator(`section.contest[data-contest="${contest.id}"]`);
      const totals = nat.contests[ci];
      const rows = await card.locator('li.bar').evaluateAll((lis) =>
        lis.map((li) => ({ name: li.querySelector('.bar-label').firstChild.textContent, votes: li.querySelector('.bar-val').textContent })));
      assert.equal(rows.length, contest.candidates.length);
      for (const [k, cand] of contest.candidates.entries()) {
        const row = rows.find((x) => x.name === cand.name);
        assert.ok(row, `candidate ${cand.name} shown`);
        assert.equal(row.votes, fmt('es', totals.votes[k]), `${contest.id}/${cand.id}`);
        shown.push(totals.votes[k]);
      }
      assert.equal(await card.locator('[data-testid="blank"]').evaluate((e) => e.firstChild.textContent), fmt('es', totals.blank));
      assert.equal(await card.locator('[data-testid="null"]').evaluate((e) => e.firstChild.textContent), fmt('es', totals.null));
      assert.equal(await card.locator('[data-testid="remaining"]').textContent(), fmt('es', totals.remaining));
      const badge = await card.locator('[data-testid="irreversible"]').textContent();
      assert.equal(badge.includes('irreversible') && !badge.startsWith('Aún'), totals.irreversible, badge);
    }
    // es-ES leaves 4-digit numbers ungrouped by default; the page must not.
    const four = shown.find((v) => v >= 1000 && v < 10000);
    if (four !== undefined) assert.ok(fmt('es', four).includes('.'));
    // Arrival per minute: every table that sent an acta, the conflicted one
    // included (it arrived before it conflicted), by state.
    const card = await arrivalCardOf(page);
    const arrivals = await getJson(`${center.public}/v1/arrivals?top=8`);
    assert.equal(card.total, nat.tables_counted + nat.tables_conflicted);
    assert.equal(card.total, kSubmitted);
    assert.equal(arrivals.total, card.total);
    assert.equal(arrivals.checkpoint.size, b.checkpoint.size);
    assert.equal(arrivals.totals.reduce((a, v) => a + v, 0), kSubmitted);
    assert.ok(card.text.includes(`${fmt('es', kSubmitted)} de ${fmt('es', nat.tables_expected)} mesas`), card.text);
    assert.ok(card.paths >= 1, 'stacked columns drawn');
    assert.ok(card.legend.length >= 1 && card.legend.length <= 9, card.legend.join(' | '));
    await page.screenshot({ path: path.join(out, 'national-desktop.png'), fullPage: true });
  });

  test('keyboard: the first Tab reaches the skip link', async () => {
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'skip-link');
    await page.keyboard.press('Enter');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'main');
  });

  test('drill-down state > municipality > parish > voting center > table shows the acta', async () => {
    const idx = submittedIdx[1];
    const id = el.ids[idx];
    const regions = el.manifest.regions;
    const chain = [];
    for (let r = regions[el.regionOf[idx]]; r && r.parent; r = regions.find((x) => x.code === r.parent)) chain.unshift(r);
    assert.deepEqual(chain.map((r) => r.level), ['state', 'municipality', 'parish', 'voting_center']);
    await page.goto(`${center.public}/#/`);
    for (const r of chain) {
      await page.waitForSelector('#child-filter');
      await page.fill('#child-filter', r.code);
      await page.click(`a[href="#/region/${r.code}"]`);
      await page.waitForFunction((name) => document.querySelector('main h1')?.textContent === name, r.name);
      if (r.level === 'state') await page.screenshot({ path: path.join(out, 'region-desktop.png'), fullPage: true });
      // Region figures equal the API's.
      const api = await getJson(`${center.public}/v1/regions/${r.code}`);
      const counted = await page.textContent('[data-testid="tables-counted"]');
      assert.ok(counted.includes(`${fmt('es', api.tables_counted)} de ${fmt('es', api.tables_expected)}`), `${r.code}: ${counted}`);
      // The arrival chart at every level, for that region.
      await page.waitForFunction((want) => document.querySelector('#arrival-card')?.textContent.includes(want),
        `de ${fmt('es', api.tables_expected)} mesas`);
      const card = await arrivalCardOf(page);
      assert.equal(card.total, api.tables_counted + api.tables_conflicted, `${r.code} arrivals`);
      if (r.level === 'municipality') await page.screenshot({ path: path.join(out, 'municipality-desktop.png'), fullPage: true });
    }
    await page.click(`a[href="#/table/${id}"]`);
    await page.waitForSelector('[data-testid="acta"]');
    assert.equal(await page.textContent('[data-testid="table-status"]'), 'Contabilizada');
    // The page reads a bulletin of the country and its states only; the
    // breadcrumbs below come from /v1/regions' "path".
    await page.waitForFunction(() => document.querySelectorAll('nav.crumbs li').length === 6);
    assert.deepEqual((await page.locator('nav.crumbs li').allTextContents()).slice(1, 5), chain.map((r) => r.name));
    const truth = el.truth(idx);
    assert.equal(await page.textContent('[data-testid="acta-ballots"]'), fmt('es', truth.ballots_cast));
    for (const [ci, contest] of el.manifest.contests.entries()) {
      const tbl = page.locator(`[data-testid="acta"] table[data-contest="${contest.id}"]`);
      assert.deepEqual(await tbl.locator('[data-testid="count"]').allTextContents(), truth.contests[ci].votes.map((v) => fmt('es', v)));
      assert.equal(await tbl.locator('[data-testid="count-blank"]').textContent(), fmt('es', truth.contests[ci].blank));
      assert.equal(await tbl.locator('[data-testid="count-null"]').textContent(), fmt('es', truth.contests[ci].null));
    }
    const api = await getJson(`${center.public}/v1/tables/${id}`);
    assert.equal(await page.textContent('[data-testid="qr-text"]'), api.actas[0].text);
    assert.ok((await page.textContent('[data-testid="received-at"]')).length > 0);
    assert.equal(await page.locator('ol.proof li').count(), api.actas[0].inclusion_proof.hashes.length);
    await page.screenshot({ path: path.join(out, 'table-desktop.png'), fullPage: true });
  });

  test('the conflicted table is listed under flags and shows both actas', async () => {
    const id = el.ids[0];
    await page.goto(`${center.public}/#/flags`);
    await page.waitForSelector(`a[href="#/table/${id}"]`);
    await page.screenshot({ path: path.join(out, 'flags-desktop.png') });
    await page.click(`a[href="#/table/${id}"]`);
    await page.waitForSelector('[data-testid="acta"]');
    assert.equal(await page.locator('[data-testid="acta"]').count(), 2);
    assert.equal(await page.textContent('[data-testid="table-status"]'), 'En conflicto');
    await page.screenshot({ path: path.join(out, 'conflict-desktop.png'), fullPage: true });
  });

  test('language switch: English labels and en-US number grouping', async () => {
    await page.goto(`${center.public}/#/`);
    await page.waitForSelector('[data-testid="ballots-cast"]');
    await page.click('#lang');
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
    const nat = (await getJson(`${center.public}/v1/bulletin`)).regions[0];
    assert.equal(await page.textContent('[data-testid="ballots-cast"]'), fmt('en', nat.ballots_cast));
    assert.ok((await page.textContent('[data-testid="tables-counted"]')).includes(`${fmt('en', nat.tables_counted)} of`));
    assert.equal(await page.textContent('main h1'), 'National results');
    await page.screenshot({ path: path.join(out, 'national-desktop-en.png') });
    // The choice survives a reload; switch back for the next tests.
    await page.reload();
    await page.waitForSelector('[data-testid="ballots-cast"]');
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
    await page.click('#lang');
    assert.equal(await page.textContent('main h1'), 'Resultados nacionales');
  });

  test('a new acta arrives live (server-sent events), without a fetch storm', async () => {
    await page.goto(`${center.public}/#/`);
    await page.waitForSelector('[data-testid="tables-counted"]');
    await page.waitForFunction(() => document.querySelector('#live')?.classList.contains('live-on'));
    const before = await getJson(`${center.public}/v1/bulletin`);
    const fetchesBefore = await page.evaluate(() => window.__acta.fetches);
    const idx = 5;
    assert.ok(!submittedIdx.includes(idx));
    const r = await submit(center.ingest, await signActa(el, el.ids[idx], el.truth(idx)));
    assert.equal(r.status, 'accepted');
    const want = `${fmt('es', before.regions[0].tables_counted + 1)} de`;
    await page.waitForFunction((w) => document.querySelector('[data-testid="tables-counted"]')?.textContent.includes(w), want, { timeout: 20_000 });
    const after = await getJson(`${center.public}/v1/bulletin`);
    assert.equal(await page.textContent('[data-testid="cp-size"]'), fmt('es', after.checkpoint.size));
    const fetches = (await page.evaluate(() => window.__acta.fetches)) - fetchesBefore;
    assert.ok(fetches >= 1 && fetches <= 3, `bulletin fetched ${fetches} times for one checkpoint`);
    // The arrival chart follows the same bulletin, one more table.
    const nat = after.regions[0];
    await page.waitForFunction((n) => document.querySelector('#arrival-card')?.dataset.total === String(n),
      nat.tables_counted + nat.tables_conflicted, { timeout: 20_000 });
  });

  test('telemetry: a clear empty state while the center has none', async () => {
    const r = await fetch(`${center.public}/v1/telemetry`);
    await r.arrayBuffer();
    await page.goto(`${center.public}/#/telemetry`);
    if (r.status === 404) {
      await page.waitForSelector('[data-testid="telemetry-none"]');
    } else {
      await page.waitForSelector('[data-testid="telemetry-total"]');
    }
  });

  test('telemetry: renders the /v1/telemetry shape (sample data served in place of the route)', async () => {
    const now = Date.UTC(2027, 0, 15, 21, 0, 0);
    const reasons = ['malformed', 'bad_mac', 'bad_signature', 'rate_limited', 'other'];
    const buckets = [];
    for (let i = 0; i < 30; i++) {
      buckets.push({ start_ms: now - (30 - i) * 10_000, rejected: [i * 3, 1000 + i * 40, 5, i % 7 === 0 ? 300 : 0, 0], accepted: 20 });
    }
    const body = {
      format: 'acta-telemetry-v1', generated_at_ms: now, bucket_seconds: 10, window_seconds: 3600, reasons,
      totals: { rejected: 123456, accepted: 600, distinct_sources: 4321, by_reason: {}, by_lane: { terminal: 1200, public: 122000, none: 256 } },
      buckets,
      distinct_sources_per_hour: [{ start_ms: now - 7_200_000, estimate: 1500 }, { start_ms: now - 3_600_000, estimate: 4321 }],
      top_networks: [{ network: '203.0.113.0/24', rejected: 50000, error: 0, country: 'XA' }, { network: '198.51.100.0/24', rejected: 20000, error: 3 }],
      countries: [{ country: 'XA', rejected: 70000, error: 0 }, { country: 'XB', rejected: 9000, error: 0 }],
      asns: [{ asn: 'AS64500', rejected: 65000, error: 0 }],
      geo: true,
    };
    await page.route('**/v1/telemetry', (route) => route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify(body) }));
    await page.goto(`${center.public}/#/`);
    await page.goto(`${center.public}/#/telemetry`);
    await page.waitForSelector('[data-testid="telemetry-total"]');
    assert.equal(await page.textContent('[data-testid="telemetry-total"]'), fmt('es', 123456));
    assert.deepEqual(await page.locator('[data-testid="telemetry-networks"] tbody code').allTextContents(), ['203.0.113.0/24', '198.51.100.0/24']);
    assert.equal(await page.locator('[data-testid="telemetry-countries"] li.bar').count(), 2);
    // Four reasons had rejections: four lines, "other" had none.
    await page.waitForSelector('.chart-svg path');
    assert.equal(await page.locator('section:has(h2:text("Solicitudes rechazadas por motivo")) .legend li').count(), 4);
    await page.screenshot({ path: path.join(out, 'telemetry-desktop.png'), fullPage: true });
    await page.unroute('**/v1/telemetry');
  });

  test('open data: the verify command names this center', async () => {
    await page.goto(`${center.public}/#/data`);
    assert.equal(await page.textContent('[data-testid="verify-command"]'), `acta verify --center ${center.public}`);
    for (const href of ['/v1/export/tables.csv', '/v1/checkpoints', '/checkpoint']) {
      assert.equal(await page.locator(`a[href="${href}"]`).count(), 1, href);
      const res = await fetch(center.public + href);
      await res.arrayBuffer();
      assert.equal(res.status, 200, href);
    }
  });

  test('arrival chart and phone-sized screenshots', async () => {
    await page.goto(`${center.public}/#/arrival`);
    await page.waitForSelector('.chart-svg path');
    const nat = (await getJson(`${center.public}/v1/bulletin`)).regions[0];
    const card = await arrivalCardOf(page);
    assert.equal(card.total, nat.tables_counted + nat.tables_conflicted);
    // The log-size chart loads a bounded, evenly spread list of checkpoints.
    const all = await getJson(`${center.public}/v1/checkpoints`);
    const few = await getJson(`${center.public}/v1/checkpoints?max=3&note=0`);
    assert.equal(few.length, Math.min(3, all.length));
    assert.deepEqual([few[0].size, few.at(-1).size], [all[0].size, all.at(-1).size]);
    assert.ok(!('note' in few[0]) && 'note' in all[0]);
    // The flagged tables, each linking to its table page.
    await page.waitForSelector(`.flag-list a[href="#/table/${el.ids[0]}"]`);
    await page.screenshot({ path: path.join(out, 'arrival-desktop.png'), fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${center.public}/#/`);
    await page.waitForSelector('[data-testid="tables-counted"]');
    // Nothing wider than the phone's screen (no sideways scrolling).
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `page is ${overflow}px wider than the phone`);
    await page.screenshot({ path: path.join(out, 'national-phone.png'), fullPage: true });
    await page.goto(`${center.public}/#/arrival`);
    await arrivalCardOf(page);
    await page.waitForSelector('#arrival-card svg path');
    const arrivalOverflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(arrivalOverflow <= 0, `arrival page is ${arrivalOverflow}px wider than the phone`);
    await page.screenshot({ path: path.join(out, 'arrival-phone.png'), fullPage: true });
    await page.goto(`${center.public}/#/table/${el.ids[submittedIdx[1]]}`);
    await page.waitForSelector('[data-testid="acta"]');
    await page.screenshot({ path: path.join(out, 'table-phone.png'), fullPage: true });
  });
});
