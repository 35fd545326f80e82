/**
 * Audited, idempotent publishing of fare feeds and key bundles (the admin
 * endpoints). A publish runs alone (one queue per store), checks its input
 * (feed-check.ts, sealed-bundle-check.ts), answers the earlier publication
 * when its idempotency key was seen, else lets the store sign the next
 * version and writes the audit record before the envelope is replaced.
 *
 * Crash points: cut before the rename, nothing is served and a retry
 * publishes; cut after the rename but before the key is remembered, a retry
 * finds the served version's record carrying its key and answers it.
 */
import { createHash } from 'node:crypto';
import { checkFareFeedFiles } from './feed-check.js';
import { checkSealedBundle } from './sealed-bundle-check.js';
import { PUBLICATION_PAGE_COUNT_MAX, PUBLISH_IDEMPOTENCY_KEY_PATTERN } from './limits.js';
import type { PublicationLog } from './publication-log.js';
import type {
  AuditedPublishResult,
  DistributionPublishing,
  FareFeedPublishInput,
  KeyBundlePublishInput,
  PublicationPage,
  PublicationRecord,
  PublicationSubject,
  Publisher,
} from './publication.js';
import type { Distributed, PublishHooks, PublishingTarget, PublishResult } from './types.js';

const sha256Hex = (...parts: readonly (string | Uint8Array)[]): string => {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest('hex');
};

interface PublishPlan {
  readonly subject: PublicationSubject;
  readonly idempotencyKeySha256: string;
  readonly requestSha256: string;
  readonly by: Publisher;
  readonly fileNames: readonly string[];
  readonly certificateSerialHex: string | null;
  readonly run: (hooks: PublishHooks) => Promise<PublishResult>;
}

export class AuditedPublisher implements DistributionPublishing {
  readonly #target: PublishingTarget;
  readonly #log: PublicationLog;
  readonly #nowMs: () => number;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(input: { readonly target: PublishingTarget; readonly log: PublicationLog; readonly nowMs: () => number }) {
    this.#target = input.target;
    this.#log = input.log;
    this.#nowMs = input.nowMs;
  }

  publishFareFeed(input: FareFeedPublishInput): Promise<AuditedPublishResult> {
    if (!PUBLISH_IDEMPOTENCY_KEY_PATTERN.test(input.idempotencyKey)) return Promise.resolve({ ok: false, code: 'idempotency_key_invalid' });
    const checked = checkFareFeedFiles(input.files);
    if (!checked.ok) return Promise.resolve({ ok: false, code: checked.error.code, feedError: checked.error });
    const { files } = checked;
    return this.#serial(() =>
      this.#publish({
        subject: { kind: 'fare-feed' },
        idempotencyKeySha256: sha256Hex(input.idempotencyKey),
        requestSha256: sha256Hex(JSON.stringify(files.map((file) => [file.name, file.text]))),
        by: input.by,
        fileNames: files.map((file) => file.name),
        certificateSerialHex: null,
        run: (hooks) => this.#target.publishFareFeed(files, hooks),
      }),
    );
  }

  publishKeyBundle(input: KeyBundlePublishInput): Promise<AuditedPublishResult> {
    if (!PUBLISH_IDEMPOTENCY_KEY_PATTERN.test(input.idempotencyKey)) return Promise.resolve({ ok: false, code: 'idempotency_key_invalid' });
    const checked = checkSealedBundle({ sealed: input.sealed, deviceId: input.deviceId, certificateSerialHex: input.certificateSerialHex });
    if (!checked.ok) return Promise.resolve({ ok: false, code: checked.code });
    return this.#serial(() =>
      this.#publish({
        subject: { kind: 'key-bundle', deviceId: input.deviceId },
        idempotencyKeySha256: sha256Hex(input.idempotencyKey),
        requestSha256: sha256Hex(`${input.deviceId}\u0000`, input.sealed),
        by: input.by,
        fileNames: [],
        certificateSerialHex: checked.header.certificateSerialHex,
        run: (hooks) => this.#target.putKeyBundle({ deviceId: input.deviceId, sealed: input.sealed }, hooks),
      }),
    );
  }

  async publications(subject: PublicationSubject, page: PublicationPage): Promise<readonly PublicationRecord[]> {
    const served = await this.#served(subject);
    const countMax = Math.max(0, Math.min(page.countMax, PUBLICATION_PAGE_COUNT_MAX));
    return this.#log.list(subject, { servedVersion: served?.version ?? 0, countMax, ...(page.beforeVersion === undefined ? {} : { beforeVersion: page.beforeVersion }) });
  }

  async #publish(plan: PublishPlan): Promise<AuditedPublishResult> {
    // As the store does: a stored file it cannot read stops publishing (a typed refusal, not version 1 again).
    const earlier = await this.#earlier(plan.subject, plan.idempotencyKeySha256).catch(() => 'corrupt' as const);
    if (earlier === 'corrupt') return { ok: false, code: 'stored_file_corrupt' };
    if (earlier !== undefined) return earlier.requestSha256 === plan.requestSha256 ? { ok: true, record: earlier, created: false } : { ok: false, code: 'idempotency_key_reused' };
    let written: PublicationRecord | undefined;
    const result = await plan.run({
      beforePublish: async (document: Distributed) => {
        written = {
          kind: plan.subject.kind,
          deviceId: plan.subject.kind === 'key-bundle' ? plan.subject.deviceId : null,
          version: document.version,
          publishedUtc: new Date(this.#nowMs()).toISOString(),
          envelopeSha256: sha256Hex(document.envelope),
          envelopeSizeBytes: document.envelope.length,
          byUserId: plan.by.userId,
          byOrganisationId: plan.by.organisationId,
          idempotencyKeySha256: plan.idempotencyKeySha256,
          requestSha256: plan.requestSha256,
          fileNames: [...plan.fileNames],
          certificateSerialHex: plan.certificateSerialHex,
        };
        await this.#log.write(written);
      },
    });
    if (!result.ok) return { ok: false, code: result.code };
    if (written?.version !== result.version) throw new Error('assertion failed: the publication record is not of the published version');
    await this.#log.rememberKey(plan.subject.kind, plan.idempotencyKeySha256, { deviceId: written.deviceId, version: written.version });
    return { ok: true, record: written, created: true };
  }

  /** The publication this key made, from its pointer or (after a cut) from the served version's record. */
  async #earlier(subject: PublicationSubject, idempotencyKeySha256: string): Promise<PublicationRecord | undefined> {
    const pointer = await this.#log.findByKey(subject.kind, idempotencyKeySha256);
    if (pointer !== undefined) {
      const pointed: PublicationSubject = pointer.deviceId === null ? { kind: 'fare-feed' } : { kind: 'key-bundle', deviceId: pointer.deviceId };
      const record = await this.#log.read(pointed, pointer.version);
      if (record !== undefined) return record;
    }
    const served = await this.#served(subject);
    if (served === undefined) return undefined;
    const record = await this.#log.read(subject, served.version);
    if (record?.idempotencyKeySha256 !== idempotencyKeySha256 || record.envelopeSha256 !== sha256Hex(served.envelope)) return undefined;
    await this.#log.rememberKey(subject.kind, idempotencyKeySha256, { deviceId: record.deviceId, version: record.version });
    return record;
  }

  #served(subject: PublicationSubject): Promise<Distributed | undefined> {
    switch (subject.kind) {
      case 'fare-feed':
        return this.#target.currentFareFeed();
      case 'key-bundle':
        return this.#target.currentKeyBundle(subject.deviceId);
    }
  }

  #serial<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(task, task);
    this.#queue = run.catch(() => undefined);
    return run;
  }
}
