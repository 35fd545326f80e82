/**
 * The tap pipeline, its modes, display and device keys: what src/index.ts
 * re-exports (`export * from './tap/index.js'`) for the CLI and `npm start`.
 */
export { createValidator, JournalWriteError, type TapLink, type Validator, type ValidatorOptions } from './validator.js';
export { TAP_REASONS, TAP_STAGES, cardNumberTail, type TapOutcome, type TapReason, type TapStage, type TapMode, type StageTimings, type ModeOutcome } from './outcome.js';
export type { DeviceIdentity, TapContext, ModeEntry } from './context.js';
export type { TapNote } from './outcome.js';
export type { ModeHandler } from './mode.js';
export { runPcscReader, tapReaderCard, READER_CARD_WAIT_MS, READER_REMOVAL_WAIT_MS, type PcscReaderOptions } from './pcsc-reader.js';
export { busMode, BUS_RECOVERY_WINDOW_MS_DEFAULT, BUS_REPEAT_WINDOW_MS_DEFAULT, type BusModeOptions, type BusPosition } from '../modes/bus.js';
export { planAutoload, actionSeqOf, type AutoloadPlan } from '../modes/autoload-plan.js';
export { schoolGateMode } from '../modes/school-gate.js';
export { officeMode, type OfficeOptions } from '../modes/office.js';
export { GATE_ANTI_PASSBACK_MS_DEFAULT, GATE_RECOVERY_WINDOW_MS_DEFAULT, type GateOptions, type GateDirectionSetting } from '../modes/gate.js';
export { canteenMode, CANTEEN_RECOVERY_WINDOW_MS_DEFAULT, type CanteenOptions, type CanteenInput } from '../modes/canteen.js';
export { libraryMode, LIBRARY_LOAN_DAYS_DEFAULT, type LibraryOptions, type LibraryInput } from '../modes/library.js';
export { clinicMode, type ClinicOptions, type ClinicInput } from '../modes/clinic.js';
export { renderTerminal, type TerminalOptions } from '../display/terminal.js';
export { displaySink } from '../display/display-sink.js';
export { displayLines, type DisplayLines } from '../display/lines.js';
export { DISPLAY_LANGUAGES, DISPLAY_TEXTS, type DisplayLanguage } from '../display/messages.js';
export { RecentTaps, RECENT_TAPS_MAX, type RecentTap } from '../display/recent-taps.js';
export { startWebView, renderPage, type WebView } from '../display/web-view.js';
export { openDeviceKeys, openSealedDeviceKeys, roleKeyRefs, DeviceKeysError, type DeviceKeys } from '../device/device-keys.js';
