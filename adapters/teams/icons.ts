import { deflateSync } from 'node:zlib';

/**
 * The app icons Teams needs, drawn in code so they can be regenerated and checked:
 * a 192x192 colour icon (Rijksoverheid dark blue #154273 with a white speech
 * bubble) and a 32x32 outline icon (the same bubble in white on transparent).
 * `npx tsx adapters/teams/make-icons.ts` writes them to manifests/teams/.
 */
export const BRAND_BLUE: readonly [number, number, number] = [0x15, 0x42, 0x73];

type Rgba = [number, number, number, number];

/** Which part of the glyph a point (in a 0..1 square) is in: the bubble, one of its three dots, or outside. */
function glyph(x: number, y: number): 'bubble' | 'dot' | null {
  const dots = [0.35, 0.5, 0.65];
  if (dots.some((dx) => (x - dx) ** 2 + (y - 0.45) ** 2 <= 0.052 ** 2)) return 'dot';
  if (inRoundedRect(x, y, 0.14, 0.2, 0.86, 0.7, 0.11)) return 'bubble';
  // The tail: a triangle under the bubble, pointing down-left.
  if (inTriangle(x, y, [0.26, 0.69], [0.46, 0.69], [0.22, 0.86])) return 'bubble';
  return null;
}

function inRoundedRect(x: number, y: number, x0: number, y0: number, x1: number, y1: number, r: number): boolean {
  if (x < x0 || x > x1 || y < y0 || y > y1) return false;
  const cx = Math.min(Math.max(x, x0 + r), x1 - r);
  const cy = Math.min(Math.max(y, y0 + r), y1 - r);
  return (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
}

function inTriangle(x: number, y: number, a: [number, number], b: [number, number], c: [number, number]): boolean {
  const s = (p: [number, number], q: [number, number]): number => (x - q[0]) * (p[1] - q[1]) - (p[0] - q[0]) * (y - q[1]);
  const d1 = s(a, b);
  const d2 = s(b, c);
  const d3 = s(c, a);
  return !((d1 < 0 || d2 < 0 || d3 < 0) && (d1 > 0 || d2 > 0 || d3 > 0));
}

/** Renders a square icon with 4x4 supersampling (smooth edges). */
function draw(size: number, paint: (part: 'bubble' | 'dot' | null) => Rgba): Buffer {
  const out = Buffer.alloc(size * size * 4);
  const n = 4;
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      const acc = [0, 0, 0, 0];
      for (let sy = 0; sy < n; sy++) {
        for (let sx = 0; sx < n; sx++) {
          const c = paint(glyph((px + (sx + 0.5) / n) / size, (py + (sy + 0.5) / n) / size));
          // premultiplied, so transparent samples do not darken edges
          acc[0]! += c[0] * c[3];
          acc[1]! += c[1] * c[3];
          acc[2]! += c[2] * c[3];
          acc[3]! += c[3];
        }
      }
      const a = acc[3]!;
      const o = (py * size + px) * 4;
      out[o] = a ? Math.round(acc[0]! / a) : 0;
      out[o + 1] = a ? Math.round(acc[1]! / a) : 0;
      out[o + 2] = a ? Math.round(acc[2]! / a) : 0;
      out[o + 3] = Math.round(a / (n * n));
    }
  }
  return out;
}

export function colorIcon(size = 192): Buffer {
  const white: Rgba = [255, 255, 255, 255];
  const blue: Rgba = [...BRAND_BLUE, 255];
  return encodePng(size, size, draw(size, (part) => (part === 'bubble' ? white : blue)));
}

/** White on transparent, as Teams requires for the outline icon. */
export function outlineIcon(size = 32): Buffer {
  return encodePng(size, size, draw(size, (part) => (part === 'bubble' ? [255, 255, 255, 255] : [255, 255, 255, 0])));
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buf: Buffer): number {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}

/** An 8-bit RGBA PNG (colour type 6), one filter-0 row at a time. */
export function encodePng(width: number, height: number, rgba: Buffer): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // RGBA
  const raw = Buffer.alloc((width * 4 + 1) * height);
  for (let y = 0; y < height; y++) rgba.copy(raw, y * (width * 4 + 1) + 1, y * width * 4, (y + 1) * width * 4);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
