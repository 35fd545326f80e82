/**
 * Which signed list a device takes (SYNC-PROTOCOL.md "Download lists"): a
 * full list newer than what it holds; a delta only onto exactly the version
 * it holds. An older list is a replay or a rollback and is refused.
 */
import type { ListHeader } from './wire.js';

export type VersionDecision = 'apply' | 'unchanged' | 'stale' | 'full_list_needed';

export function decideVersion(heldVersion: number, header: ListHeader): VersionDecision {
  if (header.version === heldVersion) return 'unchanged';
  if (header.version < heldVersion) return 'stale';
  switch (header.kind) {
    case 'full':
      return 'apply';
    case 'delta':
      return header.baseVersion === heldVersion ? 'apply' : 'full_list_needed';
  }
}
