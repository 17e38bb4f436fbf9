import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { inflateSync } from 'node:zlib';
import sharp from 'sharp';

/**
 * The purpose stamp of ID copies (R-MD-5): the digital form of the paper 说明专用章.
 *
 * Text is drawn as vector paths from the Noto Sans SC files shipped in the
 * `@fontsource/noto-sans-sc` npm package, never through a system font: the servers have no
 * CJK fonts, and librsvg would silently draw empty boxes for text it cannot shape.
 */

/** The slice of opentype.js this file uses (the package ships no types). */
interface OtCommand {
  type: 'M' | 'L' | 'C' | 'Q' | 'Z';
  x?: number;
  y?: number;
  x1?: number;
  y1?: number;
  x2?: number;
  y2?: number;
}
interface OtPath {
  commands: OtCommand[];
}
interface OtGlyph {
  index: number;
  advanceWidth?: number;
  getPath(x: number, y: number, fontSize: number): OtPath;
}
interface OtFont {
  unitsPerEm: number;
  ascender: number;
  descender: number;
  charToGlyphIndex(ch: string): number;
  glyphs: { get(index: number): OtGlyph };
}

// opentype.js has no `exports` map and its `module` build lacks a default export; the CommonJS
// build resolves the same way under Node, tsx and Vitest.
const require = createRequire(import.meta.url);
const opentype = require('opentype.js') as { parse(buf: ArrayBuffer): OtFont };
const FONT_PACKAGE = dirname(require.resolve('@fontsource/noto-sans-sc/package.json'));
// Bold, so the thin strokes stay legible at the stamp's transparency after printing.
const WEIGHT = 700;

/** A character no shipped font can draw: refused rather than printed as an empty box. */
export class MissingGlyphError extends Error {
  constructor(readonly char: string) {
    super(`字体中没有字符“${char}”(U+${(char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')})`);
  }
}

export interface Subset {
  key: string;
  ranges: [number, number][];
}

let subsets: Subset[] | null = null;
const fonts = new Map<string, OtFont>();

/** The package splits the font by unicode range (`unicode.json`: subset → ranges), as browsers load it. */
export function subsetList(): Subset[] {
  if (subsets) return subsets;
  const table = JSON.parse(readFileSync(join(FONT_PACKAGE, 'unicode.json'), 'utf8')) as Record<string, string>;
  subsets = Object.entries(table).map(([name, spec]) => ({
    key: name.replace(/^\[(\d+)\]$/, '$1'),
    ranges: spec.split(',').map((r) => {
      const [a, b] = r.trim().replace(/^U\+/i, '').split('-');
      const lo = Number.parseInt(a ?? '', 16);
      return [lo, b ? Number.parseInt(b, 16) : lo] as [number, number];
    }),
  }));
  return subsets;
}

/**
 * A WOFF 1.0 file as the plain OpenType font it wraps: each table inflated with Node's zlib.
 * opentype.js can read .woff itself, but its bundled inflater rejects a table of one of the
 * package's subsets ("Data error"), and .woff2 (brotli) it cannot read at all.
 */
export function woffToSfnt(woff: Buffer): ArrayBuffer {
  if (woff.length < 44 || woff.readUInt32BE(0) !== 0x774f4646) throw new Error('not a WOFF 1.0 font');
  const numTables = woff.readUInt16BE(12);
  const tables: { tag: number; checksum: number; data: Buffer }[] = [];
  for (let i = 0; i < numTables; i++) {
    const at = 44 + i * 20;
    const offset = woff.readUInt32BE(at + 4);
    const compLength = woff.readUInt32BE(at + 8);
    const origLength = woff.readUInt32BE(at + 12);
    const stored = woff.subarray(offset, offset + compLength);
    const data = compLength < origLength ? inflateSync(stored) : stored;
    if (data.length !== origLength) throw new Error('WOFF table length mismatch');
    tables.push({ tag: woff.readUInt32BE(at), checksum: woff.readUInt32BE(at + 16), data });
  }
  const pad = (n: number) => (n + 3) & ~3;
  const headerSize = 12 + numTables * 16;
  const out = Buffer.alloc(headerSize + tables.reduce((sum, t) => sum + pad(t.data.length), 0));
  const log2 = Math.floor(Math.log2(numTables));
  out.writeUInt32BE(woff.readUInt32BE(4), 0);
  out.writeUInt16BE(numTables, 4);
  out.writeUInt16BE(2 ** log2 * 16, 6);
  out.writeUInt16BE(log2, 8);
  out.writeUInt16BE(numTables * 16 - 2 ** log2 * 16, 10);
  let offset = headerSize;
  tables.forEach((t, i) => {
    const at = 12 + i * 16;
    out.writeUInt32BE(t.tag, at);
    out.writeUInt32BE(t.checksum, at + 4);
    out.writeUInt32BE(offset, at + 8);
    out.writeUInt32BE(t.data.length, at + 12);
    t.data.copy(out, offset);
    offset += pad(t.data.length);
  });
  return out.buffer.slice(out.byteOffset, out.byteOffset + out.byteLength) as ArrayBuffer;
}

export function subsetFont(key: string): OtFont {
  let f = fonts.get(key);
  if (!f) {
    f = opentype.parse(woffToSfnt(readFileSync(join(FONT_PACKAGE, 'files', `noto-sans-sc-${key}-${WEIGHT}-normal.woff`))));
    fonts.set(key, f);
  }
  return f;
}

/** The glyph that draws one character, from the first subset whose range lists it and that really has it. */
export function glyphFor(ch: string): { font: OtFont; glyph: OtGlyph } {
  const cp = ch.codePointAt(0);
  if (cp === undefined) throw new MissingGlyphError(ch);
  for (const s of subsetList()) {
    if (!s.ranges.some(([lo, hi]) => cp >= lo && cp <= hi)) continue;
    const f = subsetFont(s.key);
    const index = f.charToGlyphIndex(ch);
    if (index > 0) return { font: f, glyph: f.glyphs.get(index) };
  }
  throw new MissingGlyphError(ch);
}

/** Characters of the text that no shipped font can draw (empty when all can). */
export function missingChars(text: string): string[] {
  const out: string[] = [];
  for (const ch of text) {
    try {
      glyphFor(ch);
    } catch (e) {
      if (!(e instanceof MissingGlyphError)) throw e;
      if (!out.includes(ch)) out.push(ch);
    }
  }
  return out;
}

const num = (v: number | undefined) => {
  const r = Math.round((v ?? 0) * 100) / 100;
  return Object.is(r, -0) ? '0' : String(r);
};

/**
 * SVG path data of a glyph outline. Written here rather than with opentype.js's `toPathData`,
 * whose rounding turns coordinates with a tiny fraction (1e-7) into `NaN`, and librsvg stops
 * drawing a path at the first bad number.
 */
function pathData(p: OtPath): string {
  let d = '';
  for (const c of p.commands) {
    if (c.type === 'M' || c.type === 'L') d += `${c.type}${num(c.x)} ${num(c.y)}`;
    else if (c.type === 'Q') d += `Q${num(c.x1)} ${num(c.y1)} ${num(c.x)} ${num(c.y)}`;
    else if (c.type === 'C') d += `C${num(c.x1)} ${num(c.y1)} ${num(c.x2)} ${num(c.y2)} ${num(c.x)} ${num(c.y)}`;
    else if (c.type === 'Z') d += 'Z';
  }
  return d;
}

export interface TextPath {
  /** SVG path data; the baseline starts at (x, y). */
  d: string;
  /** Advance width in pixels. */
  width: number;
}

/** One line of text as a single SVG path, each character from whichever subset font has it. */
export function textToPath(text: string, fontSize: number, x = 0, y = 0): TextPath {
  let pen = x;
  const parts: string[] = [];
  for (const ch of text) {
    const { font: f, glyph } = glyphFor(ch);
    const d = pathData(glyph.getPath(pen, y, fontSize));
    if (d) parts.push(d);
    pen += ((glyph.advanceWidth ?? f.unitsPerEm) * fontSize) / f.unitsPerEm;
  }
  return { d: parts.join(''), width: pen - x };
}

export interface StampText {
  /** What the copy may be used for: 复印件仅供「purpose」之用. */
  purpose: string;
  /** China-local date, YYYY-MM-DD. */
  date: string;
  /** The project the copy belongs to. */
  project: string;
}

export function stampLines(t: StampText): [string, string] {
  return [`复印件仅供「${t.purpose}」之用`, `${t.project}  ${t.date}`];
}

const INK = '#c8161d';

/** The stamp as an SVG of the image's size: framed two-line seals repeated along the diagonal. */
export function stampSvg(width: number, height: number, t: StampText): string {
  const [line1, line2] = stampLines(t);
  const diagonal = Math.hypot(width, height);
  // Sized from the image, then shrunk so one seal never runs longer than ~85 % of the diagonal.
  let size = Math.max(10, Math.min(width, height) / 14);
  const units = textToPath(line1, 1).width;
  const units2 = textToPath(line2, 0.62).width;
  size = Math.max(8, Math.min(size, (diagonal * 0.85) / Math.max(units, units2, 1)));
  const size2 = size * 0.62;
  const pad = size * 0.35;
  const l1 = textToPath(line1, size);
  const l2 = textToPath(line2, size2);
  const w = Math.max(l1.width, l2.width) + pad * 2;
  const h = size * 1.25 + size2 * 1.3 + pad * 2;
  // Seal-local coordinates: the frame's centre at (0, 0), both lines centred on it.
  const top = -h / 2;
  const base1 = top + pad + size * 0.95;
  const base2 = base1 + size2 * 1.35;
  const p1 = textToPath(line1, size, -l1.width / 2, base1);
  const p2 = textToPath(line2, size2, -l2.width / 2, base2);
  const stroke = Math.max(1, size * 0.08);
  const seal =
    `<g id="seal"><rect x="${(-w / 2).toFixed(2)}" y="${top.toFixed(2)}" width="${w.toFixed(2)}" height="${h.toFixed(2)}" ` +
    `rx="${(size * 0.2).toFixed(2)}" fill="none" stroke="${INK}" stroke-width="${stroke.toFixed(2)}"/>` +
    `<path d="${p1.d}"/><path d="${p2.d}"/></g>`;

  // Rows along the diagonal, every other one shifted by half a seal, covering the whole
  // rotated image; row 0 lies on the diagonal itself.
  const angle = (-Math.atan2(height, width) * 180) / Math.PI;
  const stepX = w + size * 0.8;
  const stepY = h + size * 0.9;
  const reach = diagonal / 2 + Math.max(stepX, stepY);
  const uses: string[] = [];
  const rows = Math.ceil(reach / stepY);
  const cols = Math.ceil(reach / stepX);
  for (let r = -rows; r <= rows; r++) {
    const shift = r % 2 === 0 ? 0 : stepX / 2;
    for (let c = -cols; c <= cols; c++) {
      uses.push(`<use href="#seal" x="${(c * stepX + shift).toFixed(1)}" y="${(r * stepY).toFixed(1)}"/>`);
    }
  }
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">` +
    `<defs>${seal}</defs>` +
    `<g fill="${INK}" opacity="0.42" transform="translate(${(width / 2).toFixed(2)} ${(height / 2).toFixed(2)}) rotate(${angle.toFixed(3)})">` +
    `${uses.join('')}</g></svg>`
  );
}

/**
 * A stamped copy of an image: same size, the purpose seal repeated diagonally across it,
 * returned as JPEG (a copy is for viewing and printing, not a second original).
 */
export async function stampImage(buffer: Buffer, text: StampText): Promise<Buffer> {
  const meta = await sharp(buffer).metadata();
  if (!meta.width || !meta.height) throw new Error('image without dimensions');
  const svg = stampSvg(meta.width, meta.height, text);
  return sharp(buffer)
    .flatten({ background: '#ffffff' })
    .composite([{ input: Buffer.from(svg), top: 0, left: 0 }])
    .jpeg({ quality: 88 })
    .toBuffer();
}
