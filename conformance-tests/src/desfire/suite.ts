/**
 * The DESFire conformance suite: one set of vitest cases, parameterised by a
 * target, that exercises a card through the host library only.
 *
 *   describe.skipIf(!available)('…', () => { desfireConformance(target); });
 *
 * Groups run in order on one session. Read-only cases run on every target;
 * the rest only when the target is `destructive` (each group starts with
 * FormatPICC and builds its own applications); factory-state cases only
 * when it is `factoryFresh`. The last case formats the card again.
 */
import { getApplicationIDs, getFreeMemory, type DesfireClient } from '@onecard/card-os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatCard, must } from './fixtures.js';
import { accessCases } from './suite-access.js';
import type { SuiteContext } from './suite-context.js';
import { fileCases } from './suite-files.js';
import { modeCases } from './suite-modes.js';
import { authenticationCases, factoryStateCases, readOnlyCases } from './suite-picc.js';
import { recordCases } from './suite-records.js';
import { tearingCases } from './suite-tearing.js';
import { valueCases } from './suite-values.js';
import type { DesfireTarget, DesfireTargetSession } from './target.js';

export type { DesfireTarget, DesfireTargetSession } from './target.js';

export function desfireConformance(target: DesfireTarget): void {
  describe(`DESFire conformance: ${target.name}`, { timeout: target.testTimeoutMs }, () => {
    let session: DesfireTargetSession | undefined;
    const opened = (): DesfireTargetSession => {
      if (session === undefined) throw new Error('the target did not open');
      return session;
    };
    const ctx: SuiteContext = {
      target,
      client: (): DesfireClient => opened().client,
      reconnect: () => opened().reconnect(),
    };

    beforeAll(async () => {
      session = await target.open();
    }, target.testTimeoutMs);
    afterAll(async () => {
      await session?.close();
    }, target.testTimeoutMs);

    readOnlyCases(ctx);
    describe.runIf(target.factoryFresh)('as delivered', () => {
      factoryStateCases(ctx);
    });
    describe.runIf(target.destructive)('personalised by the suite', () => {
      authenticationCases(ctx);
      fileCases(ctx);
      modeCases(ctx);
      valueCases(ctx);
      recordCases(ctx);
      accessCases(ctx);
      tearingCases(ctx);
      it('cleanup: FormatPICC leaves no application and all memory free', async () => {
        const client = ctx.client();
        await formatCard(client);
        const freeBytes = must(await getFreeMemory(client), 'GetFreeMemory');
        expect(must(await getApplicationIDs(client), 'GetApplicationIDs')).toEqual([]);
        await formatCard(client);
        expect(must(await getFreeMemory(client), 'GetFreeMemory')).toBe(freeBytes);
      });
    });
  });
}
