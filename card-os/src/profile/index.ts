/**
 * The OneCard card profile (card-os/PROFILE.md): the multi-application
 * layout, versioned record codecs, personalisation as a resumable plan,
 * per-application readers and the card inspection.
 */
export * from './layout/applications.js';
export * from './layout/files.js';
export * from './layout/epoch.js';
export * from './codecs/index.js';
export { samKeySource, CardKeyRing, PROFILE_KEY_TYPE, type CardKey, type CardKeyRequest, type ProfileKeySource } from './keys/key-source.js';
export { profileMasterRefs, missingProfileMasters, addMissingProfileMasters } from './keys/profile-masters.js';
export type { ProfileFailure, ProfileResult } from './result.js';
export { ProfileSession, DEFAULT_KEY_VERSION } from './session.js';
export { readRecordFile, readRawFile, readLog, readRawLog, readNewest, readPurse, writeRecordFile, writeRawFile, appendRawRecord, commit } from './readers/file-io.js';
export { readIdentity } from './readers/identity.js';
export { readTransitForTap, readTransitTrips, readTransitFareState, type TransitTapView } from './readers/transit.js';
export { readTransactionMac, type TransactionMacView } from './readers/transaction-mac.js';
export { readStudentRecord, readStudentAttendance, readLibraryLoans, readCanteenPurse, readCanteenHistory, type CanteenPurseView } from './readers/student.js';
export { readEmployee, readOfficeAttendance, authenticateWorkstationLogin } from './readers/civil.js';
export { readHealth, type HealthView } from './readers/health.js';
export { holderSchema, parseHolder, HOLDER_FILE_BYTES_MAX, type Holder, type HolderInput, type HolderParse } from './personalise/holder.js';
export { buildPlan, applicationsInHolder, ISSUE_TRANSACTION_NO, type PlanStep, type PlanOptions, type PlanResult } from './personalise/plan.js';
export { runPlan, READ_UID_STEP_ID, PLAN_STEP_COUNT_MAX, type PersonaliseOutcome, type StepReport, type StepAction } from './personalise/runner.js';
export type { StepFailure, UnexpectedState } from './personalise/step-types.js';
export { describeFailure, describeOutcome } from './personalise/describe.js';
export { inspectCard, type CardInspection } from './inspect/inspect-card.js';
export { renderInspection } from './inspect/render.js';
export { LABELS, LANGUAGES, type Labels, type Language } from './inspect/labels.js';
export { openProfileKeys, ProfileKeyStoreError, PASSPHRASE_ENV, DEFAULT_KEYSTORE_RELATIVE_PATH, type OpenedKeys } from './tools/key-store.js';
export { openCardLink, vpcdReaderPattern, VPCD_BASE_PORT, type CardTarget, type CardLink } from './tools/card-link.js';
export * from './journal/index.js';
export * from './lists/index.js';
