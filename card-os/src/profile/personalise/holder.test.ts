import { describe, expect, it } from 'vitest';
import { SAMPLE_HOLDER } from '../testing/fixtures.js';
import { parseHolder } from './holder.js';

describe('holder.json validation', () => {
  it('accepts the sample and fills defaults', () => {
    const parsed = parseHolder({ card: SAMPLE_HOLDER.card, transit: {} });
    expect(parsed).toMatchObject({ ok: true, holder: { categories: [], transit: { fareCategory: 'adult', fareCategoryValidFrom: '2025-09-01', fareCategoryValidUntil: '2030-08-31', openingBalanceVnd: 0, contracts: [] } } });
  });

  it('names every offending field and rule, never the value', () => {
    const parsed = parseHolder({
      card: { ...SAMPLE_HOLDER.card, number: '9704000000000019' },
      student: { level: 'kindergarden', schoolCode: 0, studentId: 'abc', validUntil: '2026-02-30' },
      health: { insuranceNumber: 'XX', registeredFacility: '1', validFrom: '2025-01-01', validUntil: '2024-01-01' },
      extra: true,
    });
    expect(parsed.ok).toBe(false);
    const problems = parsed.ok ? [] : parsed.problems;
    const fields = problems.map((p) => p.split(':')[0]);
    expect(fields).toEqual(expect.arrayContaining(['card.number', 'student.level', 'student.schoolCode', 'student.studentId', 'student.validUntil', 'health.insuranceNumber', 'health.registeredFacility', '(top level)']));
    for (const secret of ['9704000000000019', 'kindergarden', 'abc', 'XX']) expect(problems.join('\n')).not.toContain(secret);
  });

  it('refuses contracts whose route does not match their kind, and inverted validity', () => {
    const contract = { kind: 'monthly-single-route', tariff: 'regular', routeId: 0, validFrom: '2025-09-01', validUntil: '2025-08-01', pricePaidVnd: 100_000, saleId: 1 };
    const parsed = parseHolder({ card: SAMPLE_HOLDER.card, transit: { contracts: [contract] } });
    expect(parsed.ok ? [] : parsed.problems).toEqual(['transit.contracts.0.routeId: routeId is 0 exactly for all-routes passes', 'transit.contracts.0.validUntil: validUntil must not be before validFrom']);
  });
});
