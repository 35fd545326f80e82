/**
 * Transaction MAC (MF2DLHX0 §10.3, §10.7.7 CreateTransactionMACFile,
 * §10.9 CommitTransaction / CommitReaderID; AN12343 §5; sources and layout
 * in sm/transaction-mac.ts and sm/transaction-mac-input.ts).
 *
 * An application has at most one Transaction MAC file. Its access rights
 * (dumacp/go-desfire CreateTransactionMACFile; NXP Reader Library):
 *   Read       ReadData of TMC ‖ TMV
 *   Write      RFU
 *   ReadWrite  CommitReaderID key: a key number (that session is needed),
 *              E (free), F (CommitReaderID disabled)
 *   Change     ChangeFileSettings
 * When CommitReaderID is enabled every MACed transaction must carry one
 * (proxmark3 doc/desfire.md on DESFire Light: "all transaction operations
 * … need to issue CommitReaderID"); a commit without it is refused.
 */
import { concatBytes, uintLe } from '@onecard/keys';
import { accessCondition } from '../../protocol/access-rights.js';
import { DesfireStatus } from '../../protocol/status.js';
import { TMRI_BYTES, encryptReaderId, transactionMacValue } from '../../sm/transaction-mac.js';
import type { ApplicationImage, CardFile, TransactionMacFile } from '../image/types.js';
import { TMAC_COUNTER_LENGTH_BYTES, TMAC_COUNTER_MAX, TMAC_READER_ID_LENGTH_BYTES } from '../limits.js';
import { rightNibble } from './access.js';
import { fail, ok, persistOutcome, selectedApplication, withApplication, type CardContext, type CommandHandler, type Outcome } from './types.js';

/** The application's Transaction MAC file, if it has one. */
export function transactionMacFileOf(app: ApplicationImage): TransactionMacFile | undefined {
  return app.files.find((f): f is TransactionMacFile => f.kind === 'tmac');
}

/** Whether CommitReaderID is enabled for (and so required by) the file's transactions. */
export function readerIdRequired(file: TransactionMacFile): boolean {
  return accessCondition(rightNibble(file, 'readWrite')).kind !== 'never';
}

/** null when this session may send CommitReaderID; otherwise the status. */
function commitReaderIdDenied(ctx: CardContext, file: TransactionMacFile): number | null {
  const condition = accessCondition(rightNibble(file, 'readWrite'));
  switch (condition.kind) {
    case 'never':
      return DesfireStatus.PERMISSION_DENIED;
    case 'free':
      return null;
    case 'key':
      return ctx.session.auth?.keyNo === condition.keyNo ? null : DesfireStatus.AUTHENTICATION_ERROR;
  }
}

/** The TMC a transaction on `file` commits with; undefined when the counter is exhausted. */
function transactionTmcOf(file: TransactionMacFile): number | undefined {
  return file.tmc < TMAC_COUNTER_MAX ? file.tmc + 1 : undefined;
}

/**
 * CommitReaderID (0xC8): TMRI(16). Records this reader's ID in the
 * transaction; in an authenticated session answers the previous
 * transaction's TMRI enciphered with SesTMENCKey, otherwise nothing.
 */
export const commitReaderID: CommandHandler = {
  run(ctx, data) {
    const app = selectedApplication(ctx);
    const file = app === undefined ? undefined : transactionMacFileOf(app);
    if (file === undefined) return fail(DesfireStatus.PERMISSION_DENIED);
    if (data.length !== TMRI_BYTES) return fail(DesfireStatus.LENGTH_ERROR);
    const denied = commitReaderIdDenied(ctx, file);
    if (denied !== null) return fail(denied);
    const { mac } = ctx.session.transaction;
    // One reader per transaction (behaviour chosen: README "Doubts").
    if (mac.readerId !== null) return fail(DesfireStatus.PERMISSION_DENIED);
    const transactionTmc = transactionTmcOf(file);
    if (transactionTmc === undefined) return fail(DesfireStatus.COUNT_ERROR);
    mac.setReaderId(data);
    if (ctx.session.auth === null) return ok();
    return ok(encryptReaderId({ appTransactionMacKey: file.tmKey, uid: ctx.image.uid, transactionTmc, readerId: file.readerId }));
  },
};

export const COMMIT_OPTION_RETURN_TMAC = 0x01;

/**
 * The commit of a transaction that collected TMI in an application with a
 * Transaction MAC file: pending changes, TMC + 1, the TMV and the reader ID
 * go to the image in one journaled step; option 01 answers TMC ‖ TMV.
 */
export function commitWithTransactionMac(ctx: CardContext, options: { app: ApplicationImage; file: TransactionMacFile; option: number }): Outcome {
  const { app, file, option } = options;
  const { transaction } = ctx.session;
  const readerId = transaction.mac.readerId;
  if (readerIdRequired(file) && readerId === null) return fail(DesfireStatus.PERMISSION_DENIED);
  const transactionTmc = transactionTmcOf(file);
  if (transactionTmc === undefined) return fail(DesfireStatus.COUNT_ERROR);
  const tmv = transactionMacValue({ appTransactionMacKey: file.tmKey, uid: ctx.image.uid, transactionTmc, tmi: transaction.mac.input });
  const nextFile: CardFile = { ...file, tmc: transactionTmc, tmv, readerId: readerId ?? new Uint8Array(TMAC_READER_ID_LENGTH_BYTES) };
  const applied = transaction.appliedTo(app);
  const nextApp: ApplicationImage = { ...applied, files: applied.files.map((f) => (f.fileNo === file.fileNo ? nextFile : f)) };
  const answer = option === COMMIT_OPTION_RETURN_TMAC ? concatBytes(uintLe(transactionTmc, TMAC_COUNTER_LENGTH_BYTES), tmv) : new Uint8Array(0);
  const outcome = persistOutcome(ctx, withApplication(ctx.image, nextApp), answer);
  ctx.session.dropTransaction();
  return outcome;
}
