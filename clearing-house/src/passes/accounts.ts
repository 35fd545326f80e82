/**
 * Ledger accounts of pass sales. A pass sold at an operator's counter moves
 * the cash the counter took into the operator's pass revenue: both are
 * existing account kinds (cash, operator_revenue), so the database's kind and
 * balance invariants hold unchanged.
 */
import type { AccountSpec } from '../ledger/accounts.js';
import { deterministicUuid } from '../ledger/transfers.js';

/** Revenue from monthly passes, kept apart from the operator's fare revenue (`operator:<id>:revenue`). */
export function operatorPassRevenueAccount(operatorId: string): AccountSpec {
  return { id: `operator:${operatorId}:passes`, kind: 'operator_revenue', organisationId: operatorId, cardNumber: null, floorVnd: null };
}

export const passSaleUuid = (idempotencyKey: string): string => deterministicUuid(`pass-sale:${idempotencyKey}`);
export const passPaymentTransferId = (saleUuid: string): string => deterministicUuid(`pass-sale-payment:${saleUuid}`);
/** The action list's key for a sale (the journal's actionId): ASCII, lower case, 41 characters. */
export const actionIdOfSale = (saleUuid: string): string => `pass:${saleUuid}`;
