/**
 * Everything a terminal can read from a card with the keys it holds: each
 * section is the reader's result, so "no key", "no such application",
 * "refused by the card" and "unreadable record" stay visible as values.
 * Used by `card-os inspect` and the portal's card view.
 */
import type { DesfireClient } from '../../host/client.js';
import type { AttendanceRecord } from '../codecs/attendance.js';
import type { CanteenEventRecord } from '../codecs/canteen-event.js';
import type { EmployeeRecord, LoginCredential } from '../codecs/civil.js';
import type { IdentityRecord } from '../codecs/identity.js';
import type { LibraryLoans } from '../codecs/library-loans.js';
import type { StudentRecord } from '../codecs/student-record.js';
import type { ProfileKeySource } from '../keys/key-source.js';
import { readEmployee, readOfficeAttendance, authenticateWorkstationLogin } from '../readers/civil.js';
import { readHealth, type HealthView } from '../readers/health.js';
import { readIdentity } from '../readers/identity.js';
import { readCanteenHistory, readCanteenPurse, readLibraryLoans, readStudentAttendance, readStudentRecord, type CanteenPurseView } from '../readers/student.js';
import { readTransactionMac, type TransactionMacView } from '../readers/transaction-mac.js';
import { readTransitFareState, readTransitForTap, readTransitTrips, type TransitTapView } from '../readers/transit.js';
import type { TransitFareState } from '../codecs/transit-fare-state.js';
import type { TripRecord } from '../codecs/transit-trip.js';
import type { ProfileResult } from '../result.js';
import { ProfileSession } from '../session.js';

export interface CardInspection {
  readonly identity: ProfileResult<IdentityRecord>;
  readonly transit: {
    readonly tap: ProfileResult<TransitTapView>;
    readonly fareState: ProfileResult<TransitFareState>;
    readonly trips: ProfileResult<TripRecord[]>;
    readonly counter: ProfileResult<TransactionMacView>;
  };
  readonly student: { readonly record: ProfileResult<StudentRecord>; readonly attendance: ProfileResult<AttendanceRecord[]>; readonly loans: ProfileResult<LibraryLoans> };
  readonly canteen: { readonly purse: ProfileResult<CanteenPurseView>; readonly history: ProfileResult<CanteenEventRecord[]>; readonly counter: ProfileResult<TransactionMacView> };
  readonly civil: { readonly employee: ProfileResult<EmployeeRecord>; readonly attendance: ProfileResult<AttendanceRecord[]>; readonly credential: ProfileResult<LoginCredential> };
  readonly health: ProfileResult<HealthView>;
}

export async function inspectCard(client: DesfireClient, keys: ProfileKeySource): Promise<ProfileResult<CardInspection>> {
  const opened = await ProfileSession.open(client, keys);
  if (!opened.ok) return opened;
  const session = opened.value;
  try {
    const inspection: CardInspection = {
      identity: await readIdentity(session),
      transit: {
        tap: await readTransitForTap(session),
        fareState: await readTransitFareState(session),
        trips: await readTransitTrips(session),
        counter: await readTransactionMac(session, 'transit'),
      },
      student: { record: await readStudentRecord(session), attendance: await readStudentAttendance(session), loans: await readLibraryLoans(session) },
      canteen: { purse: await readCanteenPurse(session), history: await readCanteenHistory(session), counter: await readTransactionMac(session, 'canteen') },
      civil: { employee: await readEmployee(session), attendance: await readOfficeAttendance(session), credential: await authenticateWorkstationLogin(session) },
      health: await readHealth(session),
    };
    return { ok: true, value: inspection };
  } finally {
    session.close();
  }
}
