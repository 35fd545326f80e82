/** Reader of the identity application: every terminal role holds its read key. */
import { identityCodec, type IdentityRecord } from '../codecs/identity.js';
import { PROFILE_KEY_NO } from '../layout/applications.js';
import { profileFile } from '../layout/files.js';
import type { ProfileResult } from '../result.js';
import type { ProfileSession } from '../session.js';
import { readRecordFile } from './file-io.js';

export async function readIdentity(session: ProfileSession): Promise<ProfileResult<IdentityRecord>> {
  const auth = await session.authenticate('identity', PROFILE_KEY_NO.identity.read, { defaultKeyAllowed: false });
  if (!auth.ok) return auth;
  return readRecordFile(session, profileFile('identity.holder'), identityCodec);
}
