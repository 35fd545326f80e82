/**
 * Reads back what pdfkit wrote, for tests: page count, document info, and the
 * text of each page decoded through each font's ToUnicode CMap (pdfkit embeds
 * TrueType subsets as Identity-H, two-byte glyph ids). Only the subset of PDF
 * pdfkit produces is understood: uncompressed object syntax, Flate streams.
 */
import { inflateSync } from 'node:zlib';

export interface PdfReadBack {
  readonly pageCount: number;
  readonly title: string | undefined;
  readonly pagesText: readonly string[];
  /** Characters drawn with glyph 0 (.notdef, a box): the embedded font lacks them. */
  readonly missingGlyphCount: number;
}

interface PdfObject {
  readonly dict: string;
  readonly stream: Buffer | undefined;
}

function parseObjects(pdf: Buffer): Map<number, PdfObject> {
  const objects = new Map<number, PdfObject>();
  const text = pdf.toString('latin1');
  const objectPattern = /(\d+) 0 obj\s*([\s\S]*?)endobj/gu;
  for (const match of text.matchAll(objectPattern)) {
    const body = match[2] ?? '';
    const streamAt = body.indexOf('stream');
    if (streamAt < 0) {
      objects.set(Number(match[1]), { dict: body, stream: undefined });
      continue;
    }
    const dict = body.slice(0, streamAt);
    const start = (match.index) + match[0].indexOf(body) + streamAt + 'stream'.length + 1;
    const length = Number(/\/Length (\d+)/u.exec(dict)?.[1] ?? '0');
    const raw = pdf.subarray(start, start + length);
    objects.set(Number(match[1]), { dict, stream: dict.includes('/FlateDecode') ? inflateSync(raw) : raw });
  }
  return objects;
}

function ref(dict: string, key: string): number | undefined {
  const match = new RegExp(`/${key} (\\d+) 0 R`, 'u').exec(dict);
  return match === null ? undefined : Number(match[1]);
}

function parseCmap(cmap: string): Map<number, string> {
  const map = new Map<number, string>();
  const hexToText = (hex: string): string => {
    let out = '';
    for (let index = 0; index < hex.length; index += 4) out += String.fromCharCode(Number.parseInt(hex.slice(index, index + 4), 16));
    return out;
  };
  for (const block of cmap.matchAll(/beginbfrange([\s\S]*?)endbfrange/gu)) {
    for (const line of (block[1] ?? '').split('\n')) {
      const arrayForm = /^<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*\[([^\]]*)\]/u.exec(line.trim());
      if (arrayForm !== null) {
        const first = Number.parseInt(arrayForm[1] ?? '0', 16);
        [...(arrayForm[3] ?? '').matchAll(/<([0-9a-fA-F]+)>/gu)].forEach((target, offset) => map.set(first + offset, hexToText(target[1] ?? '')));
        continue;
      }
      const rangeForm = /^<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>$/u.exec(line.trim());
      if (rangeForm === null) continue;
      const first = Number.parseInt(rangeForm[1] ?? '0', 16);
      const last = Number.parseInt(rangeForm[2] ?? '0', 16);
      const base = Number.parseInt(rangeForm[3] ?? '0', 16);
      for (let code = first; code <= last; code += 1) map.set(code, String.fromCharCode(base + code - first));
    }
  }
  for (const block of cmap.matchAll(/beginbfchar([\s\S]*?)endbfchar/gu)) {
    for (const line of (block[1] ?? '').matchAll(/<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>/gu)) map.set(Number.parseInt(line[1] ?? '0', 16), hexToText(line[2] ?? ''));
  }
  return map;
}

function pageText(content: string, fonts: ReadonlyMap<string, ReadonlyMap<number, string>>): { readonly text: string; readonly missingGlyphCount: number } {
  let font: ReadonlyMap<number, string> | undefined;
  let out = '';
  let missingGlyphCount = 0;
  const tokens = /\/(F\d+) [\d.]+ Tf|\[((?:<[0-9a-fA-F]*>|[^\]])*)\] TJ|<([0-9a-fA-F]*)> Tj|(T\*|Td|TD|ET)/gu;
  const decode = (hex: string): string => {
    let text = '';
    for (let index = 0; index < hex.length; index += 4) {
      const glyphId = Number.parseInt(hex.slice(index, index + 4), 16);
      if (glyphId === 0) missingGlyphCount += 1;
      text += font?.get(glyphId) ?? '';
    }
    return text;
  };
  for (const token of content.matchAll(tokens)) {
    if (token[1] !== undefined) font = fonts.get(token[1]);
    else if (token[2] !== undefined) {
      for (const part of token[2].matchAll(/<([0-9a-fA-F]*)>|(-?[\d.]+)/gu)) {
        if (part[1] !== undefined) out += decode(part[1]);
        else if (Number(part[2]) < -200) out += ' ';
      }
    } else if (token[3] !== undefined) out += decode(token[3]);
    else out += '\n';
  }
  return { text: out, missingGlyphCount };
}

/** Decodes the first literal string `( … )` in `source`: escapes, then UTF-16BE when it starts with a BOM. */
function decodePdfString(source: string): string | undefined {
  const match = /\(((?:\\[\s\S]|[^\\)])*)\)/u.exec(source);
  if (match === null) return undefined;
  const escapes: Record<string, string> = { n: '\n', r: '\r', t: '\t', b: '\b', f: '\f', '(': '(', ')': ')', '\\': '\\' };
  const raw = (match[1] ?? '').replace(/\\([0-7]{1,3}|[\s\S])/gu, (_, escaped: string) =>
    /^[0-7]+$/u.test(escaped) ? String.fromCharCode(Number.parseInt(escaped, 8)) : (escapes[escaped] ?? escaped),
  );
  const bytes = Buffer.from(raw, 'latin1');
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return Buffer.from(bytes.subarray(2)).swap16().toString('utf16le');
  return raw;
}

export function readPdf(pdf: Buffer): PdfReadBack {
  if (pdf.subarray(0, 5).toString('latin1') !== '%PDF-') throw new Error('not a PDF');
  const objects = parseObjects(pdf);
  const pages = [...objects.values()].filter((object) => /\/Type \/Page\b/u.test(object.dict));
  const fontCmaps = new Map<number, Map<number, string>>();
  for (const [id, object] of objects) {
    const toUnicode = /\/Type \/Font/u.test(object.dict) ? ref(object.dict, 'ToUnicode') : undefined;
    const cmap = toUnicode === undefined ? undefined : objects.get(toUnicode)?.stream;
    if (cmap !== undefined) fontCmaps.set(id, parseCmap(cmap.toString('latin1')));
  }
  const pagesText = pages.map((page) => {
    const resources = ref(page.dict, 'Resources');
    const resourceDict = resources === undefined ? page.dict : (objects.get(resources)?.dict ?? '');
    const fonts = new Map<string, Map<number, string>>();
    for (const match of resourceDict.matchAll(/\/(F\d+) (\d+) 0 R/gu)) {
      const cmap = fontCmaps.get(Number(match[2]));
      if (match[1] !== undefined && cmap !== undefined) fonts.set(match[1], cmap);
    }
    const contents = ref(page.dict, 'Contents');
    const stream = contents === undefined ? undefined : objects.get(contents)?.stream;
    return stream === undefined ? { text: '', missingGlyphCount: 0 } : pageText(stream.toString('latin1'), fonts);
  });
  const infoRef = /\/Info (\d+) 0 R/u.exec(pdf.toString('latin1'))?.[1];
  const info = infoRef === undefined ? undefined : objects.get(Number(infoRef));
  const titleRef = info === undefined ? undefined : ref(info.dict, 'Title');
  const titleObject = titleRef === undefined ? info?.dict : objects.get(titleRef)?.dict;
  const title = titleObject === undefined ? undefined : decodePdfString(titleObject);
  return {
    pageCount: pages.length,
    title,
    pagesText: pagesText.map((page) => page.text),
    missingGlyphCount: pagesText.reduce((sum, page) => sum + page.missingGlyphCount, 0),
  };
}
