/** The API under test: one way to build the app's options and the staff tokens every route test asks for. */
import type { Executor } from '../../src/db/open.js';
import { createUser, issueSession } from '../../src/auth/sessions.js';
import type { UserRole } from '../../src/db/schema/organisations.js';
import type { AppOptions } from '../../src/api/env.js';
import type { Harness } from './harness.js';
import { RecordingPaymentGateway } from './payment-gateway.js';
import { NOW_MS, OPERATOR_2_ID, OPERATOR_ID, SCHOOL_ID, type TestPki } from './seed.js';

/** How long before the test clock a test session is issued. */
export const TEST_SESSION_ISSUED_BEFORE_MS = 1000;

/** App options on the harness database and the test PKI at the test clock; `overrides` replace any of them. */
export function testAppOptions(h: Harness, pki: TestPki, overrides: Partial<AppOptions> = {}): AppOptions {
  return { database: h.database, verifier: h.context.verifier, trust: pki.trust, crl: () => pki.crlWith([]), gateway: new RecordingPaymentGateway(), nowMs: () => NOW_MS, ...overrides };
}

export interface TestStaff {
  readonly email: string;
  readonly role: UserRole;
  readonly organisationId: string;
  readonly ttlMs?: number;
}

/** Creates a user and answers a bearer token of a session issued just before the test clock. */
export async function issueTestToken(db: Executor, staff: TestStaff): Promise<string> {
  const user = await createUser(db, { email: staff.email, role: staff.role, organisationId: staff.organisationId });
  if (!user.ok) throw new Error(`test user creation failed: ${user.code}`);
  const session = await issueSession(db, { userId: user.userId, nowMs: NOW_MS - TEST_SESSION_ISSUED_BEFORE_MS, ...(staff.ttlMs === undefined ? {} : { ttlMs: staff.ttlMs }) });
  return session.token;
}

/** Issues one token a named staff member: `{ admin: {...}, school: {...} }` → `{ admin: token, school: token }`. */
export async function issueTestTokens<K extends string>(db: Executor, staff: Readonly<Record<K, TestStaff>>): Promise<Record<K, string>> {
  const entries: [K, string][] = [];
  for (const name of Object.keys(staff) as K[]) entries.push([name, await issueTestToken(db, staff[name])]);
  return Object.fromEntries(entries) as Record<K, string>;
}

/** The staff most route tests sign in as. */
export const TEST_STAFF = {
  admin: { email: 'admin@onecard.vn', role: 'clearing_admin', organisationId: 'clearing' },
  operator: { email: 'ops@hanoibus.vn', role: 'operator_staff', organisationId: OPERATOR_ID },
  otherOperator: { email: 'ops@bustwo.vn', role: 'operator_staff', organisationId: OPERATOR_2_ID },
  school: { email: 'staff@school42.vn', role: 'school_staff', organisationId: SCHOOL_ID },
  clinic: { email: 'desk@clinic7.vn', role: 'clinic_staff', organisationId: 'clinic-7' },
} as const satisfies Record<string, TestStaff>;
