/** Test helper: is the openssl CLI available (independent implementation for cross-checks)? */
import { spawnSync } from 'node:child_process';

export function hasOpenssl(): boolean {
  const result = spawnSync('openssl', ['version'], { encoding: 'utf8' });
  return result.status === 0;
}
