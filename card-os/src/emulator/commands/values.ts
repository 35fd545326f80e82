/**
 * GetValue, Credit, Debit, LimitedCredit (EV1 data sheet remarks):
 * - GetValue: Read, Write or Read&Write (or free GetValue, EV2); returns the committed value.
 * - Debit: Read, Write or Read&Write; the debits of a transaction become the next limited-credit limit.
 * - Credit: Read&Write; never touches the limited-credit value.
 * - LimitedCredit: Write or Read&Write, only when enabled; at most the limit; the limit drops to 0 after use.
 * Changes accumulate in the pending transaction and are bounded by the file's limits.
 */
import { decodeValueLe, encodeValueLe } from '../../protocol/file-settings.js';
import { DesfireStatus } from '../../protocol/status.js';
import type { ValueFile } from '../image/types.js';
import { VALUE_LENGTH_BYTES } from '../limits.js';
import type { FileRight } from './access.js';
import { findFile, planFileCommand } from './file-lookup.js';
import { fail, ok, type CardContext, type CommandHandler, type Outcome } from './types.js';

const AMOUNT_AT = 1;
const VALUE_COMMAND_LENGTH_BYTES = 1 + VALUE_LENGTH_BYTES;

export const getValue: CommandHandler = {
  plan: (ctx, header) =>
    planFileCommand({
      ctx,
      header,
      kinds: ['value'],
      rights: ['read', 'write', 'readWrite'],
      freeAccess: (file) => file.kind === 'value' && file.freeGetValueEnabled,
    }),
  run(ctx, data) {
    if (data.length !== 1) return fail(DesfireStatus.LENGTH_ERROR);
    const found = findFile(ctx, data[0], ['value']);
    if (!found.ok) return fail(found.status);
    return ok(encodeValueLe(found.file.value));
  },
};

type Change = (options: { file: ValueFile; ctx: CardContext; amount: number }) => Outcome;

function valueCommand(rights: readonly FileRight[], change: Change): CommandHandler {
  return {
    plan: (ctx, header) => planFileCommand({ ctx, header, kinds: ['value'], rights }),
    run(ctx, data) {
      if (data.length !== VALUE_COMMAND_LENGTH_BYTES) return fail(DesfireStatus.LENGTH_ERROR);
      const found = findFile(ctx, data[0], ['value']);
      if (!found.ok) return fail(found.status);
      const amount = decodeValueLe(data, AMOUNT_AT);
      if (amount < 0) return fail(DesfireStatus.PARAMETER_ERROR);
      return change({ file: found.file, ctx, amount });
    },
  };
}

export const credit = valueCommand(['readWrite'], ({ file, ctx, amount }) => {
  const pending = ctx.session.transaction.value(file);
  if (pending.value + amount > file.upperLimit) return fail(DesfireStatus.BOUNDARY_ERROR);
  pending.value += amount;
  return ok();
});

export const debit = valueCommand(['read', 'write', 'readWrite'], ({ file, ctx, amount }) => {
  const pending = ctx.session.transaction.value(file);
  if (pending.value - amount < file.lowerLimit) return fail(DesfireStatus.BOUNDARY_ERROR);
  pending.value -= amount;
  pending.debitTotal += amount;
  return ok();
});

export const limitedCredit = valueCommand(['write', 'readWrite'], ({ file, ctx, amount }) => {
  if (!file.limitedCreditEnabled) return fail(DesfireStatus.PERMISSION_DENIED);
  const pending = ctx.session.transaction.value(file);
  const limit = pending.limitedCreditUsed ? 0 : file.limitedCreditValue;
  if (amount > limit || pending.value + amount > file.upperLimit) return fail(DesfireStatus.BOUNDARY_ERROR);
  pending.value += amount;
  pending.limitedCreditUsed = true;
  return ok();
});
