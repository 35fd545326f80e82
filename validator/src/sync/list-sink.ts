/**
 * The seam between the sync agent and the lists module (validator/src/lists/,
 * format in card-os/src/profile/lists/): the agent only moves bytes and
 * versions. The sink verifies the signature, applies a delta or a full list,
 * and answers the version it now holds.
 */
export const LIST_KINDS = ['deny', 'actions'] as const;
export type ListKind = (typeof LIST_KINDS)[number];

export type ListInstall = { readonly ok: true; readonly version: number } | { readonly ok: false; readonly code: string };

export interface ListSink {
  /** Version the device holds now (0 = none): sent as `since`. */
  version(): number;
  /** Verifies and installs a list envelope exactly as downloaded. Must not throw on hostile bytes. */
  install(envelope: Uint8Array): ListInstall | Promise<ListInstall>;
}

/** `GET /v1/lists/{path}?since=` per SYNC-PROTOCOL.md. */
export const LIST_PATHS: Readonly<Record<ListKind, string>> = Object.freeze({ deny: 'deny', actions: 'actions' });
