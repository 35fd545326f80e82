/**
 * Turns a command's mode rule into the communication mode one secure
 * messaging scheme applies to one direction.
 *
 * - EV2 (AN12343 §4; MF2DLHX0 §9.1.3-9.1.5): the rule as written; 'mac'
 *   appends MACt in both directions.
 * - EV1 (MF2DLHX0 §9.1.2, libfreefare mifare_cryto_preprocess_data): a
 *   command that is MAC-protected by the command itself (GetVersion …) only
 *   feeds its CMAC into the running IV; the CMAC is appended only to data
 *   whose file is in MAC mode. Responses always carry the CMAC.
 * - D40 (libfreefare AS_LEGACY): a 4-byte MAC only protects file data in MAC
 *   mode; management commands and their answers are plain.
 * An unauthenticated exchange is always plain; that is the caller's choice
 * (no session → no pipeline).
 */
import type { CommandSpec, CommunicationMode, ModeRule } from './commands.js';

export type SmScheme = 'd40' | 'ev1' | 'ev2';
export type Direction = 'command' | 'response';

function base(rule: Exclude<ModeRule, 'auth'>, fileMode: CommunicationMode | undefined): CommunicationMode {
  switch (rule) {
    case 'plain':
    case 'mac':
    case 'full':
      return rule;
    case 'file':
    case 'file-no-data': {
      if (fileMode === undefined) throw new TypeError('fileMode is required for a file-mode command');
      if (rule === 'file') return fileMode;
      return fileMode === 'plain' ? 'plain' : 'mac';
    }
  }
}

export function resolveMode(options: {
  spec: CommandSpec;
  scheme: SmScheme;
  direction: Direction;
  /** The file's communication mode, for 'file' and 'file-no-data' rules. */
  fileMode?: CommunicationMode;
}): CommunicationMode {
  const { spec, scheme, direction } = options;
  const rule = direction === 'command' ? spec.commandMode : spec.responseMode;
  if (rule === 'auth') throw new TypeError('authentication commands are not secure-messaged');
  const mode = base(rule, options.fileMode);
  if (mode !== 'mac' || scheme === 'ev2') return mode;
  // mode === 'mac' for EV1 / D40
  if (rule === 'file') return 'mac';
  if (scheme === 'ev1' && direction === 'response') return 'mac';
  return 'plain';
}
