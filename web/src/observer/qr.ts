// QR decoding in the browser with zxing-wasm (ZXing-C++ compiled to
// WebAssembly). The .wasm file is bundled into the dashboard's assets and
// served by the center (or mirror) itself: zxing-wasm's default would fetch
// it from a CDN, which the page never contacts.

import { prepareZXingModule, readBarcodes, type ReaderOptions } from 'zxing-wasm/reader';
import wasmUrl from 'zxing-wasm/reader/zxing_reader.wasm?url';

let ready: Promise<unknown> | null = null;

// Loads the WebAssembly module once; after that decoding works offline.
export function prepareQr(): Promise<unknown> {
  ready ??= prepareZXingModule({
    overrides: { locateFile: (path: string, prefix: string) => (path.endsWith('.wasm') ? new URL(wasmUrl, location.href).href : prefix + path) },
    fireImmediately: true,
  });
  return ready;
}

const kMaxSide = 4096;

// The photo as pixels, upright (createImageBitmap applies EXIF orientation),
// scaled so its longer side is at most `maxSide`.
async function pixels(image: Blob, maxSide: number): Promise<ImageData> {
  const bitmap = await createImageBitmap(image, { imageOrientation: 'from-image' });
  const scale = Math.min(1, maxSide / Math.max(bitmap.width, bitmap.height));
  const w = Math.max(1, Math.round(bitmap.width * scale));
  const hgt = Math.max(1, Math.round(bitmap.height * scale));
  const canvas = document.createElement('canvas');
  canvas.width = w;
  canvas.height = hgt;
  const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
  ctx.imageSmoothingQuality = 'high';
  ctx.drawImage(bitmap, 0, 0, w, hgt);
  bitmap.close();
  return ctx.getImageData(0, 0, w, hgt);
}

const base: ReaderOptions = {
  formats: ['QRCode'],
  tryHarder: true,
  tryRotate: true,
  tryInvert: true,
  tryDownscale: true,
  maxNumberOfSymbols: 8,
};

// Every distinct QR text found in the photo. Tries cheapest first and stops
// at the first attempt that finds a code: the photo as it is (up to 4096
// px), then at 1600 px (blur and noise shrink away), then with the global
// histogram binarizer (uneven light), then at 1024 px.
export async function scanPhoto(image: Blob): Promise<string[]> {
  await prepareQr();
  const attempts: { side: number; options: ReaderOptions }[] = [
    { side: kMaxSide, options: base },
    { side: 1600, options: base },
    { side: kMaxSide, options: { ...base, binarizer: 'GlobalHistogram' } },
    { side: 1024, options: { ...base, binarizer: 'GlobalHistogram' } },
  ];
  for (const a of attempts) {
    const results = await readBarcodes(await pixels(image, a.side), a.options);
    const texts = [...new Set(results.filter((r) => r.isValid).map((r) => r.text))];
    if (texts.length > 0) return texts;
  }
  return [];
}
