/** Test fixture: a list sink that checks the envelope's signature and keeps the version it carries (the real format is the lists module's). */
import { SIGNING_CONTEXTS, decodeEnvelope, verifyEnvelope } from '@onecard/keys';
import { z } from 'zod';
import type { ListInstall, ListKind, ListSink } from './list-sink.js';

const payloadSchema = z.object({ kind: z.enum(['deny', 'actions']), version: z.number().int().min(0) });

export class VerifyingListSink implements ListSink {
  readonly installed: number[] = [];
  #version = 0;
  readonly #kind: ListKind;
  readonly #publicKey: Uint8Array;

  constructor(input: { readonly kind: ListKind; readonly publicKey: Uint8Array }) {
    this.#kind = input.kind;
    this.#publicKey = input.publicKey;
  }

  version(): number {
    return this.#version;
  }

  install(envelopeBytes: Uint8Array): ListInstall {
    let envelope;
    try {
      envelope = decodeEnvelope(envelopeBytes);
    } catch {
      return { ok: false, code: 'envelope_malformed' };
    }
    const context = this.#kind === 'deny' ? SIGNING_CONTEXTS.denyList : SIGNING_CONTEXTS.actionList;
    if (!verifyEnvelope({ envelope, context, publicKey: this.#publicKey })) return { ok: false, code: 'signature_invalid' };
    const parsed = payloadSchema.safeParse(JSON.parse(new TextDecoder().decode(envelope.payload)));
    if (!parsed.success || parsed.data.kind !== this.#kind) return { ok: false, code: 'payload_invalid' };
    this.#version = parsed.data.version;
    this.installed.push(parsed.data.version);
    return { ok: true, version: this.#version };
  }
}
