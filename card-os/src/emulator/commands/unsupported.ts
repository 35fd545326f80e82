/**
 * Commands the emulator does not implement yet answer ILLEGAL_COMMAND_CODE,
 * exactly as a card without the feature would; never a fake success.
 */
import { DesfireStatus } from '../../protocol/status.js';
import { fail, type CommandHandler } from './types.js';

export const unsupported: CommandHandler = {
  run: () => fail(DesfireStatus.ILLEGAL_COMMAND_CODE),
};
