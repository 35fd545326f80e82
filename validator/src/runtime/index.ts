/** The validator device: its configuration file and `openValidatorDevice` (what `validator run/status/sync` use). */
export { deviceConfigSchema, type DeviceConfig, type ModeConfig, type KeyBundleConfig } from './config-schema.js';
export { parseDeviceConfig, readDeviceConfig, type ConfigResult, type ConfigFailureCode } from './config-file.js';
export { openValidatorDevice, JOURNAL_DIR_NAME, DENY_LIST_FILE_NAME, ACTION_LIST_FILE_NAME, type OpenDeviceOptions, type ValidatorDevice } from './open-device.js';
export { DeviceError, DEVICE_ERROR_CODES, type DeviceErrorCode } from './device-error.js';
export { DEVICE_STATUS_FILE_NAME, type DeviceStatus, type LastSync, type ListStatus } from './device-status.js';
export { roleOfMode } from './device-keys-setup.js';
export { SwitchingFareEngine, FARE_FEED_FILE_NAME } from './update-fares.js';
export { writeDemoDevice, type DemoFiles } from './demo-setup.js';
export * from './limits.js';
