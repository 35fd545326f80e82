/**
 * Transaction MAC Input collection, done once in the processor (like secure
 * messaging) rather than in every handler: after a successful command in an
 * application that has a Transaction MAC file, the command's TMI entry
 * (sm/transaction-mac-input.ts, plain data on both sides) is added to the
 * pending transaction.
 */
import type { CommandSpec } from '../protocol/commands.js';
import { DesfireStatus } from '../protocol/status.js';
import { tmiEntry } from '../sm/transaction-mac-input.js';
import { transactionMacFileOf } from './commands/transaction-mac.js';
import { fail, selectedApplication, type CardContext, type Outcome } from './commands/types.js';

export function recordTransactionMacInput(ctx: CardContext, options: { spec: CommandSpec; command: Uint8Array; outcome: Outcome }): Outcome {
  const { spec, command, outcome } = options;
  if (outcome.status !== DesfireStatus.OPERATION_OK) return outcome;
  const app = selectedApplication(ctx);
  if (app === undefined || transactionMacFileOf(app) === undefined) return outcome;
  const file = app.files.find((f) => f.fileNo === command[0]);
  const recordSizeBytes = file?.kind === 'linear' || file?.kind === 'cyclic' ? { recordSizeBytes: file.recordSizeBytes } : {};
  const entry = tmiEntry({ name: spec.name, ins: spec.ins, command, response: outcome.data, ...recordSizeBytes });
  if (entry === null) return outcome;
  // Over the bound the transaction cannot be MACed: the error answer drops it.
  return ctx.session.transaction.mac.append(entry) ? outcome : fail(DesfireStatus.COMMAND_ABORTED);
}
