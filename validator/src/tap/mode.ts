/** The contract between the tap pipeline and a mode (bus, school gate, canteen …). */
import type { ProfileApplication } from '@onecard/card-os/profile';
import type { TapContext } from './context.js';
import type { ModeOutcome, TapMode } from './outcome.js';

export interface ModeHandler<Input> {
  readonly mode: TapMode;
  /** The application whose events the mode journals (denials are journaled under it too). */
  readonly application: ProfileApplication;
  run(context: TapContext, input: Input): Promise<ModeOutcome>;
}
