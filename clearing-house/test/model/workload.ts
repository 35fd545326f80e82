/**
 * The reference model: a small city of cards and validators, generated from
 * a seed. The model knows every card's true purse balance and TMC and every
 * account's expected balance; the clearing house must end in exactly that
 * state whatever the upload order, duplication and poison.
 */
import type { Executor } from '../../src/db/open.js';
import { createTopupOrder } from '../../src/topups/orders.js';
import { applyPaymentEvent } from '../../src/topups/webhook.js';
import { cashAccount, operatorRevenueAccount, purseAccount, STRIPE_CLEARING_ACCOUNT } from '../../src/ledger/accounts.js';
import { DeviceJournal } from '../support/journal.js';
import { RecordingPaymentGateway } from '../support/payment-gateway.js';
import type { Random } from '@onecard/keys/testing';
import { OPERATOR_2_ID, OPERATOR_ID } from '../support/seed.js';

export const FARE_VND = 7000;
export const TOPUP_VND_CHOICES = [10_000, 20_000, 50_000] as const;
export const AUTOLOAD_VND = 30_000;

export interface ModelCard {
  readonly cardNumber: string;
  balanceVnd: number;
  tmc: number;
}

export class ReferenceModel {
  readonly devices: DeviceJournal[];
  readonly cards: ModelCard[];
  /** Expected posted balance (credits − debits) per ledger account. */
  readonly expectedBalanceVnd = new Map<string, number>();
  pendingCreditsVnd = 0;
  readonly #random: Random;
  readonly #gateway = new RecordingPaymentGateway();
  #clockMs = Date.UTC(2026, 11, 4, 0, 30);
  #orderCount = 0;

  constructor(input: { readonly random: Random; readonly deviceIds: readonly number[]; readonly cardNumbers: readonly string[] }) {
    this.#random = input.random;
    this.devices = input.deviceIds.map((deviceId) => new DeviceJournal({ deviceId }));
    this.cards = input.cardNumbers.map((cardNumber) => ({ cardNumber, balanceVnd: 0, tmc: 0 }));
  }

  #move(input: { readonly debit: string; readonly credit: string; readonly amountVnd: number }): void {
    this.expectedBalanceVnd.set(input.debit, (this.expectedBalanceVnd.get(input.debit) ?? 0) - input.amountVnd);
    this.expectedBalanceVnd.set(input.credit, (this.expectedBalanceVnd.get(input.credit) ?? 0) + input.amountVnd);
  }

  #at(): string {
    this.#clockMs += this.#random.int(1, 30_000);
    return new Date(this.#clockMs).toISOString();
  }

  /** One tap somewhere in the city; autoloads go through a real order and payment event first. */
  async step(db: Executor): Promise<void> {
    const device = this.#random.pick(this.devices);
    const card = this.#random.pick(this.cards);
    const operatorId = device.deviceId % 2 === 0 ? OPERATOR_ID : OPERATOR_2_ID;
    const purse = purseAccount(card.cardNumber, 'transit').id;
    const roll = this.#random.next();
    const base = { at: this.#at(), application: 'transit' as const, cardNumber: card.cardNumber };
    if (roll < 0.1) {
      device.append({ ...base, kind: 'denied', amountVnd: 0, reason: 'insufficient_funds', operatorId });
      return;
    }
    if (roll < 0.3 || card.balanceVnd < FARE_VND) {
      if (this.#random.next() < 0.3 && card.balanceVnd + AUTOLOAD_VND <= 2_000_000) {
        await this.#autoload(db, device, card);
        return;
      }
      const amountVnd = this.#random.pick(TOPUP_VND_CHOICES);
      card.tmc += 1;
      device.append({ ...base, kind: 'top-up', tmc: card.tmc, amountVnd, balanceBeforeVnd: card.balanceVnd, balanceAfterVnd: card.balanceVnd + amountVnd, operatorId });
      card.balanceVnd += amountVnd;
      this.#move({ debit: cashAccount(operatorId).id, credit: purse, amountVnd });
      return;
    }
    card.tmc += 1;
    if (roll < 0.4) {
      device.append({ ...base, kind: 'pass-use', tmc: card.tmc, amountVnd: 0, balanceBeforeVnd: card.balanceVnd, balanceAfterVnd: card.balanceVnd, operatorId, routeId: 'R1' });
      return;
    }
    device.append({ ...base, kind: 'fare', tmc: card.tmc, amountVnd: FARE_VND, balanceBeforeVnd: card.balanceVnd, balanceAfterVnd: card.balanceVnd - FARE_VND, operatorId, routeId: `R${device.deviceId % 3}` });
    card.balanceVnd -= FARE_VND;
    this.#move({ debit: purse, credit: operatorRevenueAccount(operatorId).id, amountVnd: FARE_VND });
  }

  async #autoload(db: Executor, device: DeviceJournal, card: ModelCard): Promise<void> {
    this.#orderCount += 1;
    const created = await createTopupOrder({ db, gateway: this.#gateway }, { cardNumber: card.cardNumber, application: 'transit', amountVnd: AUTOLOAD_VND, idempotencyKey: `model-order-${this.#orderCount}`, at: this.#at() });
    if (!created.ok) throw new Error(`model order refused: ${created.code}`);
    const outcome = await applyPaymentEvent(db, { kind: 'payment_succeeded', eventId: `evt_model_${this.#orderCount}`, occurredAt: new Date(this.#clockMs), paymentIntentId: created.payment.paymentIntentId, orderId: created.orderId, amountVnd: AUTOLOAD_VND });
    if (outcome !== 'paid') throw new Error(`model payment not applied: ${outcome}`);
    if (this.#random.next() < 0.2) {
      this.pendingCreditsVnd += AUTOLOAD_VND;
      return;
    }
    card.tmc += 1;
    device.append({ at: this.#at(), kind: 'autoload', application: 'transit', cardNumber: card.cardNumber, tmc: card.tmc, amountVnd: AUTOLOAD_VND, balanceBeforeVnd: card.balanceVnd, balanceAfterVnd: card.balanceVnd + AUTOLOAD_VND, actionId: created.actionId });
    card.balanceVnd += AUTOLOAD_VND;
    this.#move({ debit: STRIPE_CLEARING_ACCOUNT.id, credit: purseAccount(card.cardNumber, 'transit').id, amountVnd: AUTOLOAD_VND });
  }
}
