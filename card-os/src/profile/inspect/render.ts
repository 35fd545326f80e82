/**
 * Renders a CardInspection as text, one application after the other, in
 * Vietnamese or English. What the terminal could not read is said plainly
 * (no key, no application, refused, invalid record), never guessed.
 */
import type { AttendanceRecord } from '../codecs/attendance.js';
import type { ProfileApplication } from '../layout/applications.js';
import type { ProfileFailure, ProfileResult } from '../result.js';
import type { CardInspection } from './inspect-card.js';
import { formatCardNumber, formatDate, formatInstant, formatRange, formatVnd } from './format.js';
import { LABELS, type Labels, type Language } from './labels.js';

const INDENT = '  ';

class Out {
  readonly lines: string[] = [];
  #lastProblem: string | undefined;
  heading(text: string): void {
    this.lines.push(text);
    this.#lastProblem = undefined;
  }
  /** A problem line, once per application even when several sections share it. */
  problem(text: string): void {
    if (text !== this.#lastProblem) this.line(text);
    this.#lastProblem = text;
  }
  line(text: string, depth = 1): void {
    this.lines.push(`${INDENT.repeat(depth)}${text}`);
  }
  field(label: string, value: string, depth = 1): void {
    this.line(`${label}: ${value}`, depth);
  }
}

function problem(failure: ProfileFailure, l: Labels): string {
  switch (failure.code) {
    case 'application_absent':
      return l.problem.applicationAbsent;
    case 'key_not_held':
      return l.problem.keyNotHeld;
    case 'card_refused':
      return `${l.problem.cardRefused} (${failure.reason})`;
    case 'record_invalid':
      return `${l.problem.recordInvalid}: ${failure.file} (${l.problem.decode[failure.decode]}, ${failure.field})`;
  }
}

/** Prints a section, or the problem that kept it from being read. */
function section<T>(out: Out, result: ProfileResult<T>, l: Labels, print: (value: T) => void): void {
  if (result.ok) print(result.value);
  else out.problem(problem(result, l));
}

/** When the first section says the application is absent, one line says it for all. */
function absent(results: readonly ProfileResult<unknown>[]): boolean {
  return results.every((r) => !r.ok && r.code === 'application_absent');
}

function attendanceLines(out: Out, records: readonly AttendanceRecord[], l: Labels): void {
  out.line(`${l.field.attendance} (${records.length}):`);
  for (const r of [...records].reverse()) out.line(`${formatInstant(r.at, l)} · ${l.direction[r.direction]} · ${l.field.gate} ${r.gateNo}`, 2);
}

function identity(out: Out, i: CardInspection, l: Labels): void {
  section(out, i.identity, l, (v) => {
    out.field(l.field.cardNumber, formatCardNumber(v.cardNumber));
    out.field(l.field.issuer, l.issuers[v.issuerCode] ?? `#${v.issuerCode}`);
    out.field(l.field.issuedOn, formatDate(v.issuedOn, l));
    out.field(l.field.expiresOn, formatDate(v.expiresOn, l));
    const categories = v.categories.map((c) => `${l.category[c.category]} (${formatRange(c.validFrom, c.validUntil, l)})`);
    out.field(l.field.categories, categories.length === 0 ? l.category.adult : categories.join('; '));
    out.field(l.field.profileVersion, String(v.profileVersion));
  });
}

function transit(out: Out, i: CardInspection, l: Labels): void {
  section(out, i.transit.tap, l, (v) => {
    out.field(l.field.balance, formatVnd(v.balanceVnd, l));
    const e = v.entitlements;
    out.field(l.field.fareCategory, `${l.category[e.fareCategory]} (${formatRange(e.fareCategoryValidFrom, e.fareCategoryValidUntil, l)})`);
    if (e.contracts.length === 0) out.field(l.field.contracts, l.field.none);
    else out.line(`${l.field.contracts}:`);
    for (const c of e.contracts) {
      const route = c.kind === 'monthly-all-routes' ? '' : ` · ${l.field.route} ${c.routeId}`;
      out.line(`${l.contractKind[c.kind]}${route} · ${l.tariff[c.tariff]} · ${formatRange(c.validFrom, c.validUntil, l)} · ${formatVnd(c.pricePaidVnd, l)} (${l.field.sale} ${c.saleId})`, 2);
    }
  });
  section(out, i.transit.fareState, l, (s) => {
    if (s.journeyStartedAt !== undefined) out.field(l.field.journey, `${formatInstant(s.journeyStartedAt, l)} · ${l.field.transfers}: ${s.transfersUsed}`);
    if (s.lastTapAt !== undefined) out.field(l.field.lastTap, `${formatInstant(s.lastTapAt, l)} · ${l.field.route} ${s.lastRouteId}`);
    out.field(l.field.capDay, `${formatVnd(s.capDaySpentVnd, l)} (${formatDate(s.capDay, l)})`);
    out.field(l.field.capMonth, `${formatVnd(s.capMonthSpentVnd, l)} (${s.capMonth})`);
  });
  section(out, i.transit.trips, l, (trips) => {
    out.line(`${l.field.history} (${trips.length}):`);
    for (const t of [...trips].reverse()) {
      const route = t.routeId === 0 ? '' : ` · ${l.field.route} ${t.routeId}`;
      out.line(`${formatInstant(t.at, l)} · ${l.tripEvent[t.event]}${route} · ${formatVnd(t.amountVnd, l)} · ${l.field.balanceAfter} ${formatVnd(t.balanceAfterVnd, l)} · ${l.field.transaction} #${t.transactionNo}`, 2);
    }
  });
  section(out, i.transit.counter, l, (c) => { out.field(l.field.counter, String(c.tmc)); });
}

function student(out: Out, i: CardInspection, l: Labels): void {
  section(out, i.student.record, l, (v) => {
    out.field(l.field.school, String(v.schoolCode));
    out.field(l.field.studentId, v.studentId);
    out.field(l.field.level, v.grade === 0 ? l.level[v.level] : `${l.level[v.level]} · ${l.field.grade} ${v.grade}`);
    out.field(l.field.validUntil, formatDate(v.validUntil, l));
  });
  section(out, i.student.attendance, l, (v) => { attendanceLines(out, v, l); });
  section(out, i.student.loans, l, (v) => {
    out.field(l.field.loans, v.loans.length === 0 ? l.field.none : String(v.loans.length));
    for (const loan of v.loans) out.line(`${l.field.item} ${loan.itemId} · ${l.field.library} ${loan.libraryCode} · ${l.field.due} ${formatDate(loan.dueOn, l)}`, 2);
  });
}

function canteen(out: Out, i: CardInspection, l: Labels): void {
  section(out, i.canteen.purse, l, (v) => { out.field(l.field.balance, formatVnd(v.balanceVnd, l)); });
  section(out, i.canteen.history, l, (v) => {
    out.line(`${l.field.history} (${v.length}):`);
    for (const e of [...v].reverse()) out.line(`${formatInstant(e.at, l)} · ${l.canteenEvent[e.event]} · ${formatVnd(e.amountVnd, l)} · ${l.field.balanceAfter} ${formatVnd(e.balanceAfterVnd, l)} · ${l.field.transaction} #${e.transactionNo}`, 2);
  });
  section(out, i.canteen.counter, l, (c) => { out.field(l.field.counter, String(c.tmc)); });
}

function civil(out: Out, i: CardInspection, l: Labels): void {
  section(out, i.civil.employee, l, (v) => {
    out.field(l.field.agency, String(v.agencyCode));
    out.field(l.field.employeeId, v.employeeId);
    out.field(l.field.validUntil, formatDate(v.validUntil, l));
  });
  section(out, i.civil.attendance, l, (v) => { attendanceLines(out, v, l); });
  section(out, i.civil.credential, l, (v) => { out.field(l.field.loginAccount, `${v.loginAccount} (${l.field.credentialSerial} ${v.credentialSerial})`); });
}

function health(out: Out, i: CardInspection, l: Labels): void {
  section(out, i.health, l, (v) => {
    out.field(l.field.insuranceNumber, v.insurance.insuranceNumber);
    out.field(l.field.registeredFacility, v.insurance.registeredFacility);
    out.field(l.field.validity, formatRange(v.insurance.validFrom, v.insurance.validUntil, l));
    const e = v.emergency;
    if (e !== undefined) {
      out.field(l.field.bloodGroup, l.bloodGroup[e.bloodGroup]);
      out.field(l.field.allergies, e.allergies.length === 0 ? l.field.none : e.allergies.map((a) => l.allergy[a]).join(', '));
      out.field(l.field.conditions, e.chronicConditions.length === 0 ? l.field.none : e.chronicConditions.join(', '));
      out.field(l.field.contact, e.contact === undefined ? l.field.none : `${l.relation[e.contact.relation]} · ${e.contact.phone}`);
    }
    out.line(`${l.field.visits} (${v.visits.length}):`);
    for (const visit of [...v.visits].reverse()) out.line(`${formatDate(visit.on, l)} · ${l.visitType[visit.visitType]} · ${visit.facility} · ${visit.reason}`, 2);
  });
}

const SECTIONS: readonly { application: ProfileApplication; results: (i: CardInspection) => readonly ProfileResult<unknown>[]; print: (out: Out, i: CardInspection, l: Labels) => void }[] = [
  { application: 'identity', results: (i) => [i.identity], print: identity },
  { application: 'transit', results: (i) => [i.transit.tap, i.transit.fareState, i.transit.trips, i.transit.counter], print: transit },
  { application: 'student', results: (i) => [i.student.record, i.student.attendance, i.student.loans], print: student },
  { application: 'canteen', results: (i) => [i.canteen.purse, i.canteen.history, i.canteen.counter], print: canteen },
  { application: 'civil', results: (i) => [i.civil.employee, i.civil.attendance, i.civil.credential], print: civil },
  { application: 'health', results: (i) => [i.health], print: health },
];

export function renderInspection(inspection: CardInspection, language: Language): string {
  const l = LABELS[language];
  const out = new Out();
  for (const s of SECTIONS) {
    out.heading(l.applications[s.application]);
    if (absent(s.results(inspection))) out.line(l.problem.applicationAbsent);
    else s.print(out, inspection, l);
  }
  return `${out.lines.join('\n')}\n`;
}
