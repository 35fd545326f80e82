/**
 * Users and bearer-token sessions. A token is 32 random bytes (base64url,
 * prefixed `och_`); only its SHA-256 is stored, with an expiry. Tokens never
 * appear in logs or error messages.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { and, eq, isNull } from 'drizzle-orm';
import type { Executor } from '../db/open.js';
import { organisations, sessions, users, type OrganisationKind, type UserRole } from '../db/schema/organisations.js';

export const TOKEN_PREFIX = 'och_';
export const TOKEN_RANDOM_LENGTH_BYTES = 32;
export const SESSION_TTL_MS_DEFAULT = 8 * 3_600_000;
export const SESSION_TTL_MS_MAX = 30 * 86_400_000;
const TOKEN_RE = /^och_[A-Za-z0-9_-]{43}$/;

/** The organisation kind each role must belong to. */
export const ROLE_ORGANISATION_KIND: Readonly<Record<UserRole, OrganisationKind>> = Object.freeze({
  clearing_admin: 'clearing',
  operator_staff: 'operator',
  school_staff: 'school',
  clinic_staff: 'clinic',
});

export const tokenSha256 = (token: string): string => createHash('sha256').update(token, 'utf8').digest('hex');

export type CreateUserResult = { readonly ok: true; readonly userId: string } | { readonly ok: false; readonly code: 'organisation_unknown' | 'role_organisation_mismatch' | 'email_taken' };

export async function createUser(db: Executor, input: { readonly email: string; readonly role: UserRole; readonly organisationId: string }): Promise<CreateUserResult> {
  const [organisation] = await db.select({ kind: organisations.kind }).from(organisations).where(eq(organisations.id, input.organisationId));
  if (organisation === undefined) return { ok: false, code: 'organisation_unknown' };
  if (ROLE_ORGANISATION_KIND[input.role] !== organisation.kind) return { ok: false, code: 'role_organisation_mismatch' };
  const userId = randomUUID();
  const inserted = await db.insert(users).values({ id: userId, email: input.email.toLowerCase(), role: input.role, organisationId: input.organisationId }).onConflictDoNothing().returning({ id: users.id });
  return inserted.length === 0 ? { ok: false, code: 'email_taken' } : { ok: true, userId };
}

export async function issueSession(db: Executor, input: { readonly userId: string; readonly nowMs: number; readonly ttlMs?: number }): Promise<{ readonly token: string; readonly expiresAt: string }> {
  const ttlMs = input.ttlMs ?? SESSION_TTL_MS_DEFAULT;
  if (!Number.isSafeInteger(ttlMs) || ttlMs < 1 || ttlMs > SESSION_TTL_MS_MAX) throw new RangeError(`ttlMs must be 1..${SESSION_TTL_MS_MAX}`);
  const token = `${TOKEN_PREFIX}${randomBytes(TOKEN_RANDOM_LENGTH_BYTES).toString('base64url')}`;
  const expiresAt = new Date(input.nowMs + ttlMs).toISOString();
  await db.insert(sessions).values({ tokenSha256: tokenSha256(token), userId: input.userId, createdAt: new Date(input.nowMs).toISOString(), expiresAt });
  return { token, expiresAt };
}

export interface Principal {
  readonly userId: string;
  readonly role: UserRole;
  readonly organisationId: string;
}

export type Authentication = { readonly ok: true; readonly principal: Principal } | { readonly ok: false; readonly code: 'token_missing' | 'token_invalid' | 'token_expired' };

export async function authenticateToken(db: Executor, token: string | undefined, nowMs: number): Promise<Authentication> {
  if (token === undefined || token === '') return { ok: false, code: 'token_missing' };
  if (!TOKEN_RE.test(token)) return { ok: false, code: 'token_invalid' };
  const [row] = await db
    .select({ userId: users.id, role: users.role, organisationId: users.organisationId, expiresAt: sessions.expiresAt })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(and(eq(sessions.tokenSha256, tokenSha256(token)), isNull(sessions.revokedAt)));
  if (row === undefined) return { ok: false, code: 'token_invalid' };
  if (Date.parse(row.expiresAt) <= nowMs) return { ok: false, code: 'token_expired' };
  return { ok: true, principal: { userId: row.userId, role: row.role, organisationId: row.organisationId } };
}

export async function revokeSession(db: Executor, token: string, nowMs: number): Promise<void> {
  await db.update(sessions).set({ revokedAt: new Date(nowMs).toISOString() }).where(eq(sessions.tokenSha256, tokenSha256(token)));
}
