/**
 * Judges test vectors of the shared format (../shared/conformance/README.md):
 * a vector passes only when the real implementation computed every expected
 * field and each matched; a field nobody computes makes it unsupported; any
 * mismatch fails it, naming the field.
 */
import { z } from 'zod';

export const VectorSchema = z.object({
  id: z.string().min(1),
  kind: z.string().min(1),
  inputs: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
  expected: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
  source: z.string().optional(),
});
export const VectorFileSchema = z.object({
  source_notes: z.array(z.string()).optional(),
  vectors: z.array(VectorSchema),
});

export type Vector = z.infer<typeof VectorSchema>;
export type VectorValue = string | number | boolean;
export type Inputs = Readonly<Record<string, VectorValue>>;

/**
 * Computes what it can for one vector. `expectedFields` lets a handler compute
 * fields whose names carry a parameter (e.g. a key version in the name).
 * Returns computed fields: byte strings as hex, numbers/booleans as is.
 */
export type KindHandler = (inputs: Inputs, expectedFields: readonly string[], cardRandom: CardRandomReader) => Record<string, VectorValue>;

/**
 * Randomness the *card* chose in a published trace (its TI, its PDcap2) is
 * listed among the expected values, not the inputs, yet reproducing the trace
 * needs it injected exactly like RndB. Handlers may read these fields, and only
 * these; the vector still passes only if everything derived from them (the
 * card's encrypted answer, byte for byte) matches.
 */
export const CARD_RANDOM_FIELDS: readonly string[] = ['ti', 'pdcap2'];
export type CardRandomReader = (field: string) => VectorValue | undefined;

export type Verdict =
  | { readonly id: string; readonly kind: string; readonly result: 'pass' }
  | { readonly id: string; readonly kind: string; readonly result: 'fail'; readonly detail: string }
  | { readonly id: string; readonly kind: string; readonly result: 'unsupported'; readonly detail: string };

const HEXISH_RE = /^[0-9a-fA-F\s]*$/;

/** Normalises a value for comparison: hex case and spacing, 0x-prefixed integers. */
export function normalise(value: VectorValue): string {
  if (typeof value !== 'string') return String(value);
  const trimmed = value.trim();
  if (/^0x[0-9a-f]+$/i.test(trimmed)) return String(Number.parseInt(trimmed, 16));
  if (HEXISH_RE.test(trimmed)) return trimmed.replace(/\s+/g, '').toLowerCase();
  return trimmed;
}

export function judgeVector(vector: Vector, handlers: ReadonlyMap<string, KindHandler>): Verdict {
  const { id, kind } = vector;
  const handler = handlers.get(kind);
  if (handler === undefined) return { id, kind, result: 'unsupported', detail: 'kind not implemented' };
  const expectedFields = Object.keys(vector.expected);
  let computed: Record<string, VectorValue>;
  try {
    const cardRandom: CardRandomReader = (field) => (CARD_RANDOM_FIELDS.includes(field) ? vector.expected[field] : undefined);
    computed = handler(vector.inputs, expectedFields, cardRandom);
  } catch (error) {
    const message = error instanceof Error ? error.message : 'handler failed';
    return { id, kind, result: 'fail', detail: `error: ${message}` };
  }
  const missing = expectedFields.filter((f) => !(f in computed));
  const mismatched = expectedFields.filter((f) => {
    const got = computed[f];
    const want = vector.expected[f];
    return got !== undefined && want !== undefined && normalise(got) !== normalise(want);
  });
  if (mismatched.length > 0) {
    return { id, kind, result: 'fail', detail: `mismatch in ${mismatched.join(', ')}` };
  }
  if (missing.length > 0) return { id, kind, result: 'unsupported', detail: `cannot compute ${missing.join(', ')}` };
  return { id, kind, result: 'pass' };
}

export interface Tally {
  readonly passed: number;
  readonly failed: number;
  readonly unsupported: number;
}

export function tally(verdicts: readonly Verdict[]): Tally {
  let passed = 0;
  let failed = 0;
  let unsupported = 0;
  for (const v of verdicts) {
    if (v.result === 'pass') passed++;
    else if (v.result === 'fail') failed++;
    else unsupported++;
  }
  return { passed, failed, unsupported };
}

export function formatVerdict(v: Verdict): string {
  const head = `${v.id}  ${v.kind}  ${v.result}`;
  return v.result === 'pass' ? head : `${head}  (${v.detail})`;
}
