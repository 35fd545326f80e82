/** Holder files for the tests (PROFILE.md §9.2), one per kind of rider; card numbers pass their Luhn check. */
import { luhnCheckDigit, type HolderInput } from '@onecard/card-os/profile';

export function cardNumber(serial: number): string {
  const body = `970400${String(serial).padStart(9, '0')}`;
  return `${body}${luhnCheckDigit(body)}`;
}

export function cardUid(serial: number): Uint8Array {
  return Uint8Array.of(0x04, 0xa1, 0xb2, (serial >> 16) & 0xff, (serial >> 8) & 0xff, serial & 0xff, 0x01);
}

const CARD_VALIDITY = { issuerCode: 1, issuedOn: '2025-09-01', expiresOn: '2030-08-31' } as const;

export function adultRider(serial: number, options: { balanceVnd: number; contracts?: NonNullable<HolderInput['transit']>['contracts'] }): HolderInput {
  return {
    card: { number: cardNumber(serial), ...CARD_VALIDITY },
    categories: [],
    transit: { fareCategory: 'adult', fareCategoryValidFrom: '2025-09-01', fareCategoryValidUntil: '2030-08-31', openingBalanceVnd: options.balanceVnd, contracts: options.contracts ?? [] },
  };
}

export function elderlyRider(serial: number, options: { validUntil: string }): HolderInput {
  return {
    card: { number: cardNumber(serial), ...CARD_VALIDITY },
    categories: [{ category: 'elderly-60-plus', validFrom: '2025-09-01', validUntil: '2030-08-31' }],
    transit: { fareCategory: 'elderly-60-plus', fareCategoryValidFrom: '2025-09-01', fareCategoryValidUntil: options.validUntil, openingBalanceVnd: 0, contracts: [] },
  };
}

export function pupil(serial: number, options: { schoolCode: number; canteenBalanceVnd: number }): HolderInput {
  return {
    card: { number: cardNumber(serial), ...CARD_VALIDITY },
    categories: [{ category: 'pupil', validFrom: '2025-09-01', validUntil: '2026-08-31' }],
    student: { level: 'lower-secondary', schoolCode: options.schoolCode, studentId: `HS${String(serial).padStart(6, '0')}`, grade: 7, validUntil: '2026-08-31' },
    canteen: { openingBalanceVnd: options.canteenBalanceVnd },
    health: {
      insuranceNumber: 'HS4010123456789',
      registeredFacility: '01001',
      validFrom: '2025-01-01',
      validUntil: '2026-12-31',
      emergency: { bloodGroup: 'O+', allergies: ['penicillin'], chronicConditions: ['J45.9'], contact: { relation: 'parent', phone: '0912345678' }, updatedOn: '2025-09-01' },
    },
  };
}

export function civilServant(serial: number, options: { agencyCode: number }): HolderInput {
  return {
    card: { number: cardNumber(serial), ...CARD_VALIDITY },
    categories: [{ category: 'civil-servant', validFrom: '2025-09-01', validUntil: '2030-08-31' }],
    civil: { agencyCode: options.agencyCode, employeeId: `HN${String(serial).padStart(7, '0')}`, validUntil: '2030-08-31', loginAccount: 'nguyen.van.an', credentialSerial: 1 },
  };
}
