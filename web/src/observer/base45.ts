// Strict base45 (RFC 9285) decoding, as src/core/bytes.cc decodes: every
// character from the alphabet, no dangling single character, triplets at
// most 65535 and final pairs at most 255, so one text has one meaning.

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:';

export function base45Decode(text: string): Uint8Array | string {
  const values: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const v = ALPHABET.indexOf(text[i]);
    if (v < 0) return `character ${JSON.stringify(text[i])} at ${i} is not base45`;
    values.push(v);
  }
  if (values.length % 3 === 1) return 'dangling single character at the end';
  const out: number[] = [];
  for (let i = 0; i < values.length; i += 3) {
    if (i + 2 < values.length) {
      const n = values[i] + values[i + 1] * 45 + values[i + 2] * 45 * 45;
      if (n > 0xffff) return `group at ${i} exceeds 65535`;
      out.push(n >> 8, n & 0xff);
    } else {
      const n = values[i] + values[i + 1] * 45;
      if (n > 0xff) return `final pair at ${i} exceeds 255`;
      out.push(n);
    }
  }
  return new Uint8Array(out);
}
