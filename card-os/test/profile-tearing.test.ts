/**
 * Resumable personalisation: the card is taken out of the field at every
 * APDU of a full personalisation (before the card sees it, and after it ran
 * but before the answer came back); the same plan run again on a fresh tap
 * must finish, and the card must end up exactly as an uninterrupted run
 * leaves it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CardImage } from '../src/emulator/image/types.js';
import { DesfireClient } from '../src/host/client.js';
import type { ProfileKeySource } from '../src/profile/keys/key-source.js';
import { applicationsInHolder, buildPlan, type PlanStep } from '../src/profile/personalise/plan.js';
import { READ_UID_STEP_ID, runPlan } from '../src/profile/personalise/runner.js';
import { cachedKeySource, createTestKeys, CuttingChannel, factoryCard, sampleHolder, TEST_ISSUED_AT, type CutPoint, type TestKeys } from '../src/profile/testing/fixtures.js';

/** Generous: a full personalisation is about 250 APDUs. */
const APDU_COUNT_MAX = 600;
const TEARING_TEST_TIMEOUT_MS = 240_000;

let keys: TestKeys;
let source: ProfileKeySource;
let steps: readonly PlanStep[];

beforeAll(async () => {
  keys = await createTestKeys();
  source = cachedKeySource(keys.source);
  const holder = sampleHolder();
  const plan = buildPlan({ holder, applications: applicationsInHolder(holder), issuedAt: TEST_ISSUED_AT, stationId: 7 });
  if (!plan.ok) throw new Error(plan.problems.join('; '));
  steps = plan.steps;
});
afterAll(() => {
  keys.close();
});

/** What personalisation decides: everything but memory bookkeeping of the emulator. */
function issuedState(image: CardImage): unknown {
  return { masterKey: image.masterKey, masterKeyFamily: image.masterKeyFamily, piccKeySettings: image.piccKeySettings, applications: image.applications, eepromFreeBytes: image.eepromFreeBytes };
}

async function referenceImage(): Promise<{ image: CardImage; apduCount: number }> {
  const { card, channel } = factoryCard();
  const counting = new CuttingChannel(channel, { cutAt: undefined, point: 'before-delivery' });
  const outcome = await runPlan({ client: new DesfireClient(counting), keys: source, steps });
  expect(outcome.ok).toBe(true);
  return { image: card.image, apduCount: counting.count };
}

describe('personalisation survives a card pulled at any APDU', () => {
  for (const point of ['before-delivery', 'after-execution'] as const satisfies readonly CutPoint[]) {
    it(`cut ${point}: every resumed run ends in the reference card`, async () => {
      const reference = await referenceImage();
      expect(reference.apduCount).toBeLessThan(APDU_COUNT_MAX);
      const failedSteps = new Set<string>();
      for (let cutAt = 1; cutAt <= reference.apduCount; cutAt++) {
        const { card, channel } = factoryCard();
        const cutting = new CuttingChannel(channel, { cutAt, point });
        const first = await runPlan({ client: new DesfireClient(cutting), keys: source, steps });
        expect(first).toMatchObject({ ok: false, failure: { code: 'link_lost' } });
        if (!first.ok) failedSteps.add(first.failedStep);
        channel.tap();
        const resumed = await runPlan({ client: new DesfireClient(channel), keys: source, steps });
        if (!resumed.ok) throw new Error(`cut at APDU ${cutAt} (${point}): resume failed at ${resumed.failedStep}: ${resumed.failure.code}`);
        expect(issuedState(card.image), `cut at APDU ${cutAt}`).toEqual(issuedState(reference.image));
      }
      // Every step (and the UID read before them) was interrupted at least once.
      expect([...failedSteps].sort()).toEqual([READ_UID_STEP_ID, ...steps.map((s) => s.id)].sort());
    }, TEARING_TEST_TIMEOUT_MS);
  }
});
