import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { glyphFor, MissingGlyphError, missingChars, stampImage, stampSvg, subsetFont, subsetList, textToPath } from './stamp.ts';

const TEXT = '复印件仅供办理入住之用 2026-12-01 阳光花园';
const STAMP = { purpose: '办理入住', date: '2026-12-01', project: '阳光花园' };

async function rgb(buf: Buffer) {
  const { data, info } = await sharp(buf).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return {
    data,
    width: info.width,
    height: info.height,
    at: (x: number, y: number) => data.subarray((y * info.width + x) * 3, (y * info.width + x) * 3 + 3),
  };
}

const differs = (a: Uint8Array, b: Uint8Array) =>
  Math.abs((a[0] ?? 0) - (b[0] ?? 0)) + Math.abs((a[1] ?? 0) - (b[1] ?? 0)) + Math.abs((a[2] ?? 0) - (b[2] ?? 0)) > 30;

describe('stamp: Chinese text drawn from the npm font as paths', () => {
  it('every character of the stamp text resolves to a real glyph with a non-empty outline', () => {
    for (const ch of TEXT) {
      const { font, glyph } = glyphFor(ch);
      expect(glyph.index, ch).toBeGreaterThan(0);
      expect(glyph.advanceWidth, ch).toBeGreaterThan(0);
      if (ch.trim() === '') continue;
      const d = textToPath(ch, 40, 0, 40).d;
      expect(d, ch).toMatch(/^M[-\d.]+ [-\d.]+/);
      expect(d, ch).not.toMatch(/NaN|undefined|Infinity/);
      expect(glyph.getPath(0, 40, 40).commands.length, ch).toBeGreaterThan(2);
      expect(font.unitsPerEm).toBeGreaterThan(0);
    }
  });

  it('every subset the package lists parses, and has a glyph for a character of its own range', () => {
    const subsets = subsetList();
    expect(subsets.length).toBeGreaterThan(90);
    for (const s of subsets) {
      const f = subsetFont(s.key);
      expect(f.unitsPerEm, s.key).toBe(1000);
      let found = false;
      for (const [lo, hi] of s.ranges) for (let cp = lo; cp <= hi && !found; cp++) found = f.charToGlyphIndex(String.fromCodePoint(cp)) > 0;
      expect(found, s.key).toBe(true);
    }
  });

  it('the full-width brackets around the purpose have glyphs too', () => {
    expect(missingChars('复印件仅供「」之用，。')).toEqual([]);
  });

  it('a character no subset has fails loudly instead of drawing an empty box', () => {
    // U+E000 is a private-use code point: no font of the package lists it.
    expect(() => glyphFor('\uE000')).toThrow(MissingGlyphError);
    expect(() => textToPath('复印\uE000件', 20)).toThrow(MissingGlyphError);
    expect(missingChars('办理\uE000入住\uE000')).toEqual(['\uE000']);
  });

  it('a line advances by each glyph: CJK characters are one em wide, the path covers the line', () => {
    const p = textToPath('阳光花园', 50, 10, 60);
    expect(p.width).toBeCloseTo(200, 0);
    const xs = [...p.d.matchAll(/[ML](-?[\d.]+) /g)].map((m) => Number(m[1]));
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(10);
    expect(Math.max(...xs)).toBeGreaterThan(160);
    expect(Math.max(...xs)).toBeLessThanOrEqual(210);
  });

  it('rasterised, every character of a line has ink in its own cell, wherever the line starts', async () => {
    const line = '复印件仅供「办理入住」之用';
    const size = 45;
    // Fractional origins as the stamp's centring produces them: one malformed number would
    // make librsvg drop the rest of the path.
    for (const x0 of [-292.5, -291.37, 0.1, 13.333]) {
      const p = textToPath(line, size, x0, 0);
      expect(p.d, String(x0)).not.toMatch(/NaN|e[-+]/);
      const width = Math.ceil(p.width) + 20;
      const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="70"><path transform="translate(${10 - x0} 55)" d="${p.d}"/></svg>`;
      const img = await rgb(await sharp(Buffer.from(svg)).flatten({ background: '#ffffff' }).png().toBuffer());
      [...line].forEach((ch, i) => {
        let ink = 0;
        for (let x = 10 + i * size; x < 10 + (i + 1) * size; x++) for (let y = 0; y < 70; y++) if ((img.at(x, y)[0] ?? 255) < 128) ink++;
        expect(ink, `${ch} at ${x0}`).toBeGreaterThan(20);
      });
    }
  });

  it('the SVG draws every stamp string as paths, never as <text> needing a system font', () => {
    const svg = stampSvg(800, 500, STAMP);
    expect(svg).not.toContain('<text');
    expect(svg).toMatch(/<path d="M[-\d.]+ /);
    expect(svg.match(/<use /g)?.length).toBeGreaterThan(4);
  });

  it('the stamped image keeps the input size, and pixels change along the diagonal', async () => {
    const width = 900;
    const height = 570;
    const original = await sharp({ create: { width, height, channels: 3, background: '#e8eef4' } })
      .png()
      .toBuffer();
    const out = await stampImage(original, STAMP);
    const meta = await sharp(out).metadata();
    expect([meta.width, meta.height]).toEqual([width, height]);
    expect(out.equals(original)).toBe(false);

    const a = await rgb(original);
    const b = await rgb(out);
    // Both diagonals: the seal rows run along one and are crossed by the other.
    let changedMain = 0;
    let changedCross = 0;
    const steps = 600;
    for (let i = 0; i < steps; i++) {
      const t = i / steps;
      const x = Math.floor(t * (width - 1));
      const yMain = Math.floor((1 - t) * (height - 1));
      const yCross = Math.floor(t * (height - 1));
      for (let dy = -20; dy <= 20; dy += 4) {
        const y = Math.min(height - 1, Math.max(0, yMain + dy));
        if (differs(a.at(x, y), b.at(x, y))) changedMain++;
      }
      if (differs(a.at(x, yCross), b.at(x, yCross))) changedCross++;
    }
    expect(changedMain).toBeGreaterThan(steps * 11 * 0.05);
    expect(changedCross).toBeGreaterThan(steps * 0.03);
    // Semi-transparent: the ink never covers the picture with solid red.
    let solid = 0;
    for (let i = 0; i < b.data.length; i += 3)
      if ((b.data[i] ?? 0) > 190 && (b.data[i + 1] ?? 0) < 40 && (b.data[i + 2] ?? 0) < 40) solid++;
    expect(solid).toBe(0);
  });

  it('a tall, small image with a long purpose is still stamped at its own size', async () => {
    const original = await sharp({ create: { width: 160, height: 420, channels: 4, background: { r: 20, g: 20, b: 20, alpha: 0.5 } } })
      .png()
      .toBuffer();
    const out = await stampImage(original, { purpose: '向银行申请房屋按揭贷款时核对业主身份使用', date: '2026-01-31', project: '翠湖苑' });
    const meta = await sharp(out).metadata();
    expect([meta.width, meta.height]).toEqual([160, 420]);
  });
});
