// QR decoding on the observers' page in headless Chromium (issue #18),
// beside acta's C++ reader and zbarimg on the same photos in the same run.
// Two elections, each with its own real center: a synthetic one (its acta is
// a typical one, two contests) and the largest (`makeLargestElection`: a
// 1,024-byte acta, 16 contests of 27 candidates). Each acta is logged,
// printed (`acta print`, A4 PNG at 200 dpi, first page: the QR code), and
// photographed by make_photo (the C++ photo tests' degradations, a 12 MP
// frame) at every level below, several seeds each. Then:
//   - the page: every photo chosen in the page's file input one at a time;
//     the time from choosing it to its verdict (QR read, manifest and
//     signature checked, the log compared over loopback), and whether the
//     verdict is "in the log and identical";
//   - `photo_decode --decode`: acta's C++ reader in-process and zbarimg (a
//     process per file) on the same files, texts compared to the acta's.
// Writes a plain table for bench/report.py ("observer_decode" section of
// docs/PERFORMANCE.md). Not part of ctest (minutes). Run by make bench
// (scripts/run-bench.sh), or:
//
//   ACTA_BIN=... ACTA_MAKE_PHOTO=... ACTA_PHOTO_DECODE=... \
//     node bench/observer_decode.mjs [--seeds 2] [--out FILE.json]
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import {
  actaBin, actaText, chromiumArgs, cleanup, getJson, loadPlaywright, makeElection, makeLargestElection, repoRoot, signActa,
  startCenter, submit, until, webRoot,
} from '../tests/browser/harness.mjs';

const run = promisify(execFile);
const args = Object.fromEntries(process.argv.slice(2).reduce((acc, v, i, a) => (i % 2 === 0 ? [...acc, [v.replace(/^--/, ''), a[i + 1]]] : acc), []));
const seeds = Number(args.seeds ?? 2);
const makePhoto = process.env.ACTA_MAKE_PHOTO;
const photoDecode = process.env.ACTA_PHOTO_DECODE;
for (const [name, v] of [['ACTA_BIN', actaBin], ['ACTA_MAKE_PHOTO', makePhoto], ['ACTA_PHOTO_DECODE', photoDecode]]) {
  if (!v || !existsSync(v)) throw new Error(`set ${name} (got ${v})`);
}
if (!existsSync(path.join(webRoot, 'index.html'))) throw new Error(`the dashboard is not built in ${webRoot}`);
if (!(seeds >= 1 && seeds <= 20)) throw new Error('--seeds 1..20');

// make_photo options per level; every photo also gets ±4 sensor noise.
const levels = [
  ['none', 'upright, sharp', []],
  ['rotation', '45°', ['--degrees', '45', '--fill', '0.55']],
  ['rotation', '90°, EXIF orientation 6', ['--degrees', '90', '--fill', '0.6', '--orientation', '6']],
  ['perspective', 'far edge 35 % narrower', ['--tilt', '0.35', '--degrees', '3']],
  ['blur', 'Gaussian σ 2.5 px', ['--blur', '2.5']],
  ['noise', '±80 of 255', ['--noise', '80']],
  ['low contrast', 'ink 15 % darker than paper', ['--contrast', '0.15']],
  ['far away', 'page 30 % of the frame', ['--fill', '0.3']],
  ['JPEG quality', 'quality 10', ['--quality', '10']],
  ['combined', '20°, tilt 0.2, σ 1.5, ±30, contrast 0.5', ['--degrees', '20', '--tilt', '0.2', '--blur', '1.5', '--noise', '30', '--contrast', '0.5']],
];

const ms = (t) => `${Math.round(t)} ms`;
const pct = (k, n) => `${n ? Math.round((100 * k) / n) : 0} %`;
const ratio = (a, b) => (b > 0 ? (a / b).toFixed(2) : '—');

async function prepare(kind, el, work) {
  const acta = await signActa(el, el.ids[0], el.truth(0));
  const center = await startCenter(el);
  if ((await submit(center.ingest, acta)).http !== 201) throw new Error(`${kind}: the center refused the acta`);
  await until(async () => (await getJson(`${center.public}/v1/tables/${el.ids[0]}`)).actas[0]?.inclusion_proof, `${kind} logged`, 60_000);
  const sheetDir = path.join(work, `sheet-${kind}`);
  await mkdir(sheetDir, { recursive: true });
  await run(actaBin, ['print', path.join(el.dir, `acta-${el.ids[0]}-0.bin`), '--election', el.election,
    '--out', path.join(sheetDir, 'sheet.png'), '--dpi', '200']);
  const sheet = path.join(sheetDir, 'sheet.png'); // the first page, with the QR code
  const photos = [];
  for (const [li, [, , opts]] of levels.entries()) {
    for (let seed = 1; seed <= seeds; seed++) {
      const o = [...opts];
      // Each seed turns the page a little more, as hands do (as photo_decode).
      const d = o.indexOf('--degrees');
      if (d >= 0) o[d + 1] = String(Number(o[d + 1]) + (seed - 1) * 1.7);
      else o.push('--degrees', String((seed - 1) * 1.7));
      if (!o.includes('--noise')) o.push('--noise', '4');
      const file = `${kind}-${String(li).padStart(2, '0')}-${seed}.jpg`;
      await run(makePhoto, [sheet, path.join(work, 'photos', file), ...o, '--seed', String(seed * 1000 + li * 10)]);
      photos.push({ file, kind, li, text: actaText(acta) });
    }
  }
  return { kind, el, acta, center, photos, bytes: acta.length };
}

// Chooses each photo in the page and waits for its verdict (or "no QR").
async function timePage(browser, job, work) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(`${job.center.public}/#/observer`);
  await page.getByTestId('observer-offline-ready').waitFor({ timeout: 60_000 });
  const out = new Map();
  for (const p of job.photos) {
    const t0 = performance.now();
    await page.getByTestId('observer-files').setInputFiles(path.join(work, 'photos', p.file));
    const verdict = await (await page.waitForFunction((name) => {
      const item = [...document.querySelectorAll('[data-testid=observer-item]')].find((e) => e.textContent.includes(name));
      if (!item) return null;
      if (item.querySelector('[data-testid=observer-error]')) return 'no_qr';
      const v = item.querySelector('[data-testid=observer-verdict]')?.getAttribute('data-verdict');
      return v && v !== 'checking' ? v : null;
    }, p.file, { timeout: 180_000, polling: 20 })).jsonValue();
    out.set(p.file, { ok: verdict === 'same', verdict, ms: performance.now() - t0 });
    console.error(`observer_decode: ${p.file} page ${verdict} ${ms(performance.now() - t0)}`);
    // Drop the items so the page stays the same size for every photo.
    await page.evaluate(() => { location.hash = '#/'; });
    await page.evaluate(() => { location.hash = '#/observer'; });
    await page.getByTestId('observer-offline-ready').waitFor({ timeout: 60_000 });
  }
  await page.close();
  return out;
}

const work = path.resolve(args.work ?? path.join(repoRoot, 'build', 'observer-decode-bench'));
await rm(path.join(work, 'photos'), { recursive: true, force: true });
await mkdir(path.join(work, 'photos'), { recursive: true });
const jobs = [];
let browser;
try {
  jobs.push(await prepare('typical', await makeElection(10, 3), work));
  jobs.push(await prepare('largest', await makeLargestElection(2), work));
  // The C++ reader and zbarimg first, then the page, on the same files.
  const decodedFile = path.join(work, 'decoded.json');
  await run(photoDecode, ['--decode', path.join(work, 'photos'), '--out', decodedFile], { maxBuffer: 1 << 24 });
  const native = new Map(JSON.parse(await readFile(decodedFile, 'utf8')).map((r) => [r.file, r]));
  const { chromium } = loadPlaywright();
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: chromiumArgs });
  const pageResults = new Map();
  for (const job of jobs) for (const [f, r] of await timePage(browser, job, work)) pageResults.set(f, r);

  const tally = () => ({ n: 0, page: 0, cpp: 0, zbar: 0, pageMs: 0, cppMs: 0, zbarMs: 0 });
  const add = (t, p) => {
    const n = native.get(p.file);
    const r = pageResults.get(p.file);
    t.n++;
    t.page += r.ok;
    t.cpp += n.acta.length === 1 && n.acta[0] === p.text;
    t.zbar += n.zbarimg.includes(p.text);
    t.pageMs += r.ms;
    t.cppMs += n.acta_ms;
    t.zbarMs += n.zbarimg_ms;
  };
  const row = (a, b, t) => [a, b, String(t.n), pct(t.page, t.n), pct(t.cpp, t.n), pct(t.zbar, t.n),
    ms(t.pageMs / t.n), ms(t.cppMs / t.n), ms(t.zbarMs / t.n), ratio(t.pageMs, t.cppMs), ratio(t.pageMs, t.zbarMs)];
  const rows = [];
  const all = tally();
  const byKind = { typical: tally(), largest: tally() };
  for (const [li, [deg, level]] of levels.entries()) {
    const t = tally();
    for (const job of jobs) for (const p of job.photos.filter((x) => x.li === li)) { add(t, p); add(all, p); add(byKind[job.kind], p); }
    rows.push(row(deg, level, t));
  }
  rows.push(row('**typical acta**', `${jobs[0].bytes} bytes`, byKind.typical));
  rows.push(row('**largest acta**', `${jobs[1].bytes} bytes`, byKind.largest));
  rows.push(row('**all**', '', all));
  const load = (await readFile('/proc/loadavg', 'utf8')).split(' ')[0];
  const doc = {
    title: 'Photos of the printed acta in the browser',
    columns: ['degradation', 'level', 'photos', 'page reads and checks', 'C++ reads', 'zbarimg reads',
      'page time/photo', 'C++ time/photo', 'zbarimg time/photo', 'page ÷ C++ time', 'page ÷ zbarimg time'],
    rows,
    notes: [
      `The observers' page (\`#/observer\`, zxing-wasm) in headless Debian Chromium, beside acta's C++ reader ` +
      `(\`photo::DecodePhoto\` + \`photo::ScanQrCodes\`, in-process) and zbarimg (a process per file) on the same ` +
      `${all.n} JPEG photos in the same run: the first page of \`acta print\` (A4, 200 dpi) of a typical acta ` +
      `(${jobs[0].bytes} bytes, synthetic election) and of the largest (${jobs[1].bytes} bytes, 16 contests of 27 ` +
      `candidates), photographed by tests/browser/make_photo into a 12 MP frame, ${seeds} seeds per level and acta ` +
      `(each turned 1.7° more), JPEG quality 80 unless stated.`,
      `"Page reads and checks": the verdict is "in the log and identical" (QR read, acta decoded, Ed25519 ` +
      `signature checked against the manifest, inclusion proof checked against the signed checkpoint, fetched ` +
      `from a real center over loopback). The page's time runs from choosing the file to that verdict, so it ` +
      `includes the check and the log round-trip; the C++ and zbarimg times are reading the QR only (zbarimg's ` +
      `includes its process start). "C++ reads" and "zbarimg reads": the QR text equals the acta's.`,
      `Load average ${load} on 2 shared cores during the run: only the ratios mean much. Regenerate: ` +
      '`make bench` (scripts/run-bench.sh), or `node bench/observer_decode.mjs` with ACTA_BIN, ACTA_MAKE_PHOTO ' +
      'and ACTA_PHOTO_DECODE set, then `bench/report.py observer_decode FILE.json`.',
    ],
  };
  const outFile = path.resolve(args.out ?? path.join(work, 'observer_decode.json'));
  await writeFile(outFile, `${JSON.stringify(doc, null, 2)}\n`);
  console.error(`observer_decode: wrote ${outFile}`);
} finally {
  await browser?.close();
  for (const job of jobs) {
    await job.center.stop();
    await cleanup(job.el.dir);
  }
}
