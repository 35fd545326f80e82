/**
 * The master keys a OneCard key store needs to issue every application:
 * the PICC master, every key of every application, and the two
 * AppTransactionMACKey masters. `missingProfileMasters` lists what a store
 * lacks; `addMissingProfileMasters` generates them, for test stores only
 * (a production store gets its masters through a key ceremony, not a CLI
 * side effect).
 */
import type { KeyStore } from '@onecard/keys';
import { PICC_APPLICATION, PICC_MASTER_KEY_NO, PROFILE_APPLICATIONS, TRANSACTION_MAC_KEY_SLOT, keyCountOf, type ProfileKeyRef } from '../layout/applications.js';
import { PROFILE_FILES } from '../layout/files.js';
import { PROFILE_KEY_TYPE } from './key-source.js';

export function profileMasterRefs(): ProfileKeyRef[] {
  const refs: ProfileKeyRef[] = [{ application: PICC_APPLICATION, keyNo: PICC_MASTER_KEY_NO }];
  for (const application of PROFILE_APPLICATIONS) {
    for (let keyNo = 0; keyNo < keyCountOf(application); keyNo++) refs.push({ application, keyNo });
    if (PROFILE_FILES.some((f) => f.application === application && f.content === 'transaction-mac')) refs.push({ application, keyNo: TRANSACTION_MAC_KEY_SLOT });
  }
  return refs;
}

export function missingProfileMasters(store: KeyStore): ProfileKeyRef[] {
  const present = store.listMasters();
  return profileMasterRefs().filter((ref) => !present.some((m) => m.application === ref.application && m.keyNo === ref.keyNo));
}

/** Generates the missing masters of a test store (environment 'test', opened read-write). */
export async function addMissingProfileMasters(store: KeyStore, options: { principal: string }): Promise<ProfileKeyRef[]> {
  if (store.environment !== 'test') throw new TypeError('refusing to generate masters in a production store');
  const missing = missingProfileMasters(store);
  for (const ref of missing) {
    await store.addMaster({ application: ref.application, keyNo: ref.keyNo, keyType: PROFILE_KEY_TYPE, material: { source: 'generate' }, principal: options.principal });
  }
  return missing;
}
