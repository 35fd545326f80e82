/**
 * Device roles and device ids as the PKI certifies them.
 */
export const DEVICE_ROLES = ['validator', 'encoding-station', 'pos', 'login-server', 'clearing-house'] as const;
export type DeviceRole = (typeof DEVICE_ROLES)[number];

export function isDeviceRole(value: string): value is DeviceRole {
  return (DEVICE_ROLES as readonly string[]).includes(value);
}

export const DEVICE_ID_LENGTH_MAX = 64;
const DEVICE_ID_RE = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** Device ids are operator asset tags (`hn-bus-0042-v1`), never personal data. */
export function isDeviceId(value: string): boolean {
  return value.length <= DEVICE_ID_LENGTH_MAX && DEVICE_ID_RE.test(value);
}

/** RFC 5280 §4.2.1.12 purposes per role: servers also authenticate as TLS servers. */
export function extendedKeyUsageOf(role: DeviceRole): { serverAuth: boolean; clientAuth: boolean } {
  switch (role) {
    case 'validator':
    case 'encoding-station':
    case 'pos':
      return { serverAuth: false, clientAuth: true };
    case 'login-server':
    case 'clearing-house':
      return { serverAuth: true, clientAuth: true };
  }
}
