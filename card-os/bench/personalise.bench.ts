/**
 * Personalisation of one card with every application, in-process
 * (target: ≤ 50 ms median). Run: npx tsx card-os/bench/personalise.bench.ts
 *
 * - "pre-derived keys": the card work alone (keys derived once, then cached),
 *   i.e. an encoding station whose SAM answers from memory;
 * - "key-store SAM": every one of the 25 derivations audited to disk with an
 *   fsync by the back-office key store, as `card-os personalise` does;
 * - "re-run on an issued card": the inspection pass of a resumed run that
 *   finds every step done.
 */
import { runBench } from '@onecard/keys/bench';
import { DesfireClient } from '../src/host/client.js';
import { applicationsInHolder, buildPlan } from '../src/profile/personalise/plan.js';
import { runPlan } from '../src/profile/personalise/runner.js';
import { cachedKeySource, createTestKeys, factoryCard, sampleHolder, TEST_ISSUED_AT } from '../src/profile/testing/fixtures.js';

const keys = await createTestKeys();
const cached = cachedKeySource(keys.source);
const holder = sampleHolder();
const plan = buildPlan({ holder, applications: applicationsInHolder(holder), issuedAt: TEST_ISSUED_AT, stationId: 1 });
if (!plan.ok) throw new Error(plan.problems.join('; '));
const { steps } = plan;

async function personaliseOne(source: typeof cached): Promise<void> {
  const outcome = await runPlan({ client: factoryCard().client(), keys: source, steps });
  if (!outcome.ok) throw new Error(`personalisation failed at ${outcome.failedStep}`);
}

const issued = factoryCard();
await personaliseOne(cached);
if (!(await runPlan({ client: issued.client(), keys: cached, steps })).ok) throw new Error('setup failed');

await runBench({
  title: 'card-os profile: personalise one card, all 6 applications, in-process',
  baseline: 'personalise (pre-derived keys)',
  tasks: [
    { name: 'personalise (pre-derived keys)', fn: () => personaliseOne(cached) },
    { name: 'personalise (key-store SAM, audited)', fn: () => personaliseOne(keys.source) },
    {
      name: 're-run on an issued card',
      fn: async () => {
        issued.channel.remove();
        issued.channel.tap();
        const outcome = await runPlan({ client: new DesfireClient(issued.channel), keys: cached, steps });
        if (!outcome.ok) throw new Error('re-run failed');
      },
    },
  ],
});
keys.close();
