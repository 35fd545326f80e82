/** The host-library commands the modes use, in one place (card-os host/, libfreefare naming). */
export { commitTransaction, credit, debit, writeData, writeRecord, DesfireClient } from '@onecard/card-os';
import { toHex } from '@onecard/keys';

/** TMV as the journal carries it: lowercase hex. */
export function toHexLower(bytes: Uint8Array): string {
  return toHex(bytes).toLowerCase();
}
