/** Organisations (clearing house, transit operators, schools, clinics), users and their sessions. */
import { sql } from 'drizzle-orm';
import { check, index, integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

export const ORGANISATION_KINDS = ['clearing', 'operator', 'school', 'clinic'] as const;
export type OrganisationKind = (typeof ORGANISATION_KINDS)[number];
export const USER_ROLES = ['clearing_admin', 'operator_staff', 'school_staff', 'clinic_staff'] as const;
export type UserRole = (typeof USER_ROLES)[number];

export const organisations = pgTable(
  'organisations',
  {
    /** Stable code used in journals (`operatorId`) and account ids: `hanoibus`, `school-42`. */
    id: text('id').primaryKey(),
    kind: text('kind', { enum: ORGANISATION_KINDS }).notNull(),
    name: text('name').notNull(),
    /** Site code schools and clinics write on canteen and gate events (`siteCode`). */
    siteCode: integer('site_code').unique(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'string' }).notNull().defaultNow(),
  },
  (t) => [
    check('organisations_kind_valid', sql`${t.kind} in ('clearing','operator','school','clinic')`),
    check('organisations_id_code', sql`${t.id} ~ '^[a-z0-9][a-z0-9_.:-]{0,63}$'`),
  ],
);

export const users = pgTable(
  'users',
  {
    id: uuid('id').primaryKey(),
    email: text('email').notNull().unique(),
    role: text('role', { enum: USER_ROLES }).notNull(),
    organisationId: text('organisation_id')
      .notNull()
      .references(() => organisations.id),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'string' }).notNull().defaultNow(),
  },
  (t) => [check('users_role_valid', sql`${t.role} in ('clearing_admin','operator_staff','school_staff','clinic_staff')`)],
);

export const sessions = pgTable(
  'sessions',
  {
    /** SHA-256 of the bearer token: the token itself is never stored. */
    tokenSha256: text('token_sha256').primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'string' }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true, mode: 'string' }).notNull(),
    revokedAt: timestamp('revoked_at', { withTimezone: true, mode: 'string' }),
  },
  (t) => [check('sessions_token_hash_hex', sql`${t.tokenSha256} ~ '^[0-9a-f]{64}$'`), check('sessions_expiry_after_creation', sql`${t.expiresAt} > ${t.createdAt}`), index('sessions_user').on(t.userId)],
);
