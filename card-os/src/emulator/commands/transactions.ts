/**
 * CommitTransaction and AbortTransaction.
 *
 * Commit copies every pending change of the selected application into the
 * image in one journaled step (tearing leaves the card before or after it).
 * Nothing pending → NO_CHANGES (0x0C), which hosts treat as success.
 * EV2 option byte: 00 = plain commit; 01 = also return TMC ‖ TMV, which needs
 * a Transaction MAC file (PARAMETER_ERROR without one). In an application
 * with a Transaction MAC file, a transaction that collected TMI (reads count
 * too) is committed by transaction-mac.ts: TMC + 1 and a new TMV.
 */
import { DesfireStatus } from '../../protocol/status.js';
import { COMMIT_OPTION_RETURN_TMAC, commitWithTransactionMac, transactionMacFileOf } from './transaction-mac.js';
import { fail, ok, persistOutcome, selectedApplication, withApplication, type CommandHandler } from './types.js';

export const COMMIT_OPTION_PLAIN = 0x00;
export { COMMIT_OPTION_RETURN_TMAC };

export const commitTransaction: CommandHandler = {
  run(ctx, data) {
    if (data.length > 1) return fail(DesfireStatus.LENGTH_ERROR);
    const option = data[0] ?? COMMIT_OPTION_PLAIN;
    if (option !== COMMIT_OPTION_PLAIN && option !== COMMIT_OPTION_RETURN_TMAC) return fail(DesfireStatus.PARAMETER_ERROR);
    const app = selectedApplication(ctx);
    if (app === undefined) return fail(DesfireStatus.PERMISSION_DENIED);
    const file = transactionMacFileOf(app);
    if (option === COMMIT_OPTION_RETURN_TMAC && file === undefined) return fail(DesfireStatus.PARAMETER_ERROR);
    const { transaction } = ctx.session;
    if (file !== undefined && transaction.mac.hasInput) return commitWithTransactionMac(ctx, { app, file, option });
    if (transaction.isEmpty) {
      ctx.session.dropTransaction();
      return { status: DesfireStatus.NO_CHANGES, data: new Uint8Array(0) };
    }
    const outcome = persistOutcome(ctx, withApplication(ctx.image, transaction.appliedTo(app)));
    ctx.session.dropTransaction();
    return outcome;
  },
};

export const abortTransaction: CommandHandler = {
  run(ctx, data) {
    if (data.length !== 0) return fail(DesfireStatus.LENGTH_ERROR);
    if (selectedApplication(ctx) === undefined) return fail(DesfireStatus.PERMISSION_DENIED);
    const { transaction } = ctx.session;
    if (transaction.isEmpty && !transaction.mac.hasInput) return { status: DesfireStatus.NO_CHANGES, data: new Uint8Array(0) };
    ctx.session.dropTransaction();
    return ok();
  },
};
