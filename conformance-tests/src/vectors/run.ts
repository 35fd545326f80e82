/**
 * `npm run vectors -- FILE [FILE…]`: runs every vector in the files, one line
 * each, then `N passed, M failed, K unsupported`. Exit 1 if any failed, 2 if a
 * file cannot be read or is not of the vector format.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { formatVerdict, judgeVector, tally, VectorFileSchema, type Verdict } from './judge.js';
import { allKinds } from './registry.js';

export type LoadResult = { ok: true; verdicts: Verdict[] } | { ok: false; error: string };

export function runVectorFile(path: string): LoadResult {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return { ok: false, error: `cannot read ${path}` };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, error: `${path} is not valid JSON` };
  }
  const parsed = VectorFileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, error: `${path} is not a vector file: ${issue?.path.join('.') ?? ''} ${issue?.message ?? ''}` };
  }
  const handlers = allKinds();
  return { ok: true, verdicts: parsed.data.vectors.map((v) => judgeVector(v, handlers)) };
}

export function main(argv: readonly string[]): number {
  if (argv.length === 0) {
    console.error('usage: npm run vectors -- FILE [FILE…]');
    return 2;
  }
  const all: Verdict[] = [];
  // npm runs workspace scripts in the workspace folder; paths are meant
  // relative to where the user typed the command (npm's INIT_CWD).
  const baseDir = process.env['INIT_CWD'] ?? process.cwd();
  for (const arg of argv) {
    const result = runVectorFile(resolve(baseDir, arg));
    if (!result.ok) {
      console.error(result.error);
      return 2;
    }
    for (const v of result.verdicts) console.log(formatVerdict(v));
    all.push(...result.verdicts);
  }
  const { passed, failed, unsupported } = tally(all);
  console.log(`${passed} passed, ${failed} failed, ${unsupported} unsupported`);
  return failed > 0 ? 1 : 0;
}

if (import.meta.url === `file://${process.argv[1] ?? ''}`) {
  process.exitCode = main(process.argv.slice(2));
}
