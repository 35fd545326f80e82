/**
 * CommitTransaction and AbortTransaction.
 *
 * Commit copies every pending change of the selected application into the
 * image in one journaled step (tearing leaves the card before or after it).
 * Nothing pending → NO_CHANGES (0x0C), which hosts treat as success.
 * EV2 option byte: 00 = plain commit; 01 = also return TMC ‖ TMV, which needs
 * a Transaction MAC file (not emulated yet, so 01 answers PARAMETER_ERROR).
 */
import { DesfireStatus } from '../../protocol/status.js';
import { fail, ok, persistOutcome, selectedApplication, withApplication, type CommandHandler } from './types.js';

export const COMMIT_OPTION_PLAIN = 0x00;
export const COMMIT_OPTION_RETURN_TMAC = 0x01;

export const commitTransaction: CommandHandler = {
  run(ctx, data) {
    if (data.length > 1) return fail(DesfireStatus.LENGTH_ERROR);
    const option = data[0] ?? COMMIT_OPTION_PLAIN;
    if (option !== COMMIT_OPTION_PLAIN) return fail(DesfireStatus.PARAMETER_ERROR);
    const app = selectedApplication(ctx);
    if (app === undefined) return fail(DesfireStatus.PERMISSION_DENIED);
    const { transaction } = ctx.session;
    if (transaction.isEmpty) return { status: DesfireStatus.NO_CHANGES, data: new Uint8Array(0) };
    const outcome = persistOutcome(ctx, withApplication(ctx.image, transaction.appliedTo(app)));
    ctx.session.dropTransaction();
    return outcome;
  },
};

export const abortTransaction: CommandHandler = {
  run(ctx, data) {
    if (data.length !== 0) return fail(DesfireStatus.LENGTH_ERROR);
    if (selectedApplication(ctx) === undefined) return fail(DesfireStatus.PERMISSION_DENIED);
    if (ctx.session.transaction.isEmpty) return { status: DesfireStatus.NO_CHANGES, data: new Uint8Array(0) };
    ctx.session.dropTransaction();
    return ok();
  },
};
