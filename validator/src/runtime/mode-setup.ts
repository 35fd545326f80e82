/**
 * The configured mode as a tap function: the mode handler with its settings,
 * and the per-tap input the configuration fixes (canteen set price, library
 * desk operation, clinic visit), so the device taps with a link only.
 */
import type { ProfileApplication } from '@onecard/card-os/profile';
import { loadFeedFromDirectory, createFareEngine, describeFeedError } from '../fares/index.js';
import type { FareEngine } from '../ports.js';
import { busMode, canteenMode, clinicMode, createValidator, libraryMode, officeMode, schoolGateMode, type TapLink, type TapMode, type TapOutcome, type ValidatorOptions } from '../tap/index.js';
import type { ModeConfig } from './config-schema.js';
import { DeviceError } from './device-error.js';

export type CommonValidatorOptions = Omit<ValidatorOptions<unknown>, 'mode'>;

export interface ModeSetup {
  readonly mode: TapMode;
  readonly application: ProfileApplication;
  readonly tap: (link: TapLink) => Promise<TapOutcome>;
}

/** Loads the fare feed once (bus only); a bad feed names its file, line and field. */
export async function loadConfiguredFares(mode: ModeConfig): Promise<FareEngine | undefined> {
  if (mode.kind !== 'bus') return undefined;
  const feed = await loadFeedFromDirectory(mode.fareFeedDir);
  if (!feed.ok) throw new DeviceError('feed_invalid', describeFeedError(feed.error), { field: 'mode.fareFeedDir' });
  const engine = createFareEngine(feed.value);
  if (!engine.ok) throw new DeviceError('feed_invalid', engine.message, { field: 'mode.fareFeedDir' });
  return engine.engine;
}

export function setUpMode(input: { readonly mode: ModeConfig; readonly fares: FareEngine | undefined; readonly common: CommonValidatorOptions }): ModeSetup {
  const { mode, common } = input;
  switch (mode.kind) {
    case 'bus': {
      if (input.fares === undefined) throw new Error('assertion failed: bus mode without a fare engine');
      const position = { routeId: mode.routeId, stopId: mode.stopId };
      const handler = busMode({ fares: input.fares, position: () => position, fareMediaId: mode.fareMediaId, autoload: mode.autoload, windows: { recoveryWindowMs: mode.recoveryWindowMs, repeatWindowMs: mode.repeatWindowMs } });
      const validator = createValidator({ ...common, mode: handler });
      return { mode: handler.mode, application: handler.application, tap: (link) => validator.tap(link, undefined) };
    }
    case 'school-gate':
    case 'office': {
      const gate = { siteCode: mode.siteCode, gateNo: mode.gateNo, direction: mode.direction, antiPassbackMs: mode.antiPassbackMs, recoveryWindowMs: mode.recoveryWindowMs };
      const handler = mode.kind === 'office' ? officeMode({ ...gate, agencyCode: mode.agencyCode }) : schoolGateMode(gate);
      const validator = createValidator({ ...common, mode: handler });
      return { mode: handler.mode, application: handler.application, tap: (link) => validator.tap(link, undefined) };
    }
    case 'canteen': {
      const handler = canteenMode({ siteCode: mode.siteCode, counterNo: mode.counterNo, recoveryWindowMs: mode.recoveryWindowMs });
      const validator = createValidator({ ...common, mode: handler });
      const tapInput = { amountVnd: mode.amountVnd };
      return { mode: handler.mode, application: handler.application, tap: (link) => validator.tap(link, tapInput) };
    }
    case 'library': {
      const handler = libraryMode({ libraryCode: mode.libraryCode, schoolCode: mode.schoolCode, loanDays: mode.loanDays });
      const validator = createValidator({ ...common, mode: handler });
      const tapInput = { action: mode.action, itemId: mode.itemId };
      return { mode: handler.mode, application: handler.application, tap: (link) => validator.tap(link, tapInput) };
    }
    case 'clinic': {
      const handler = clinicMode({ facility: mode.facility });
      const validator = createValidator({ ...common, mode: handler });
      const tapInput = { visitType: mode.visitType, reason: mode.reason, emergencyAccess: mode.emergencyAccess };
      return { mode: handler.mode, application: handler.application, tap: (link) => validator.tap(link, tapInput) };
    }
  }
}
