/**
 * Blocking and unblocking a card (src/lists/card-blocks.ts): the clearing
 * admin any card, staff of an organisation the cards it issued, and an
 * unblock only of a block their organisation placed. The card number is in
 * the body, never in the path (paths reach access logs).
 */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { Principal } from '../../auth/sessions.js';
import { blockCard, DENY_REASONS, unblockCard, type BlockFailure, type ListActor, type UnblockFailure } from '../../lists/index.js';
import { requirePrincipal } from '../auth-middleware.js';
import type { AppEnv, AppOptions } from '../env.js';
import { apiError, errorResponse, type ApiError } from '../errors.js';
import { jsonBodyGuards } from './body-guards.js';

export const CARD_BLOCK_BODY_BYTES_MAX = 4 * 1024;

const cardNumber = z.string().regex(/^\d{16}$/);
const blockAnswer = z.object({ denyListVersion: z.number().int(), reason: z.enum(DENY_REASONS), actionListVersion: z.number().int().nullable(), created: z.boolean() });
const unblockAnswer = z.object({ actionId: z.string(), actionListVersion: z.number().int(), denyListVersion: z.number().int(), created: z.boolean() });

const actorOf = (principal: Principal): ListActor => ({ userId: principal.userId, organisationId: principal.organisationId, scope: principal.role === 'clearing_admin' ? 'all' : 'own_organisation' });

function blockRefusalOf(code: BlockFailure): { readonly status: 403 | 404; readonly error: ApiError } {
  switch (code) {
    case 'card_unknown':
      return { status: 404, error: apiError('not_found', 'no such card', code) };
    case 'forbidden':
      return { status: 403, error: apiError('forbidden', 'cards of another organisation, or a block it did not place') };
  }
}

function refusalOf(code: UnblockFailure): { readonly status: 400 | 403 | 404 | 409; readonly error: ApiError } {
  switch (code) {
    case 'card_unknown':
    case 'forbidden':
      return blockRefusalOf(code);
    case 'idempotency_key_invalid':
      return { status: 400, error: apiError('request_invalid', 'the idempotency key is not valid', code) };
    case 'idempotency_key_reused':
      return { status: 409, error: apiError('request_invalid', 'the idempotency key was used for another card', code) };
    case 'card_not_blocked':
      return { status: 409, error: apiError('request_invalid', 'the card is not blocked', code) };
    case 'card_replaced':
      return { status: 409, error: apiError('request_invalid', 'a replaced card stays blocked: its value moved to the new card', code) };
  }
}

export function cardBlockRoutes(options: AppOptions): OpenAPIHono<AppEnv> {
  const app = new OpenAPIHono<AppEnv>();
  const { db } = options.database;
  const signedIn = requirePrincipal(options);
  const bodyGuards = jsonBodyGuards({ bodyBytesMax: CARD_BLOCK_BODY_BYTES_MAX });

  const blockRoute = createRoute({
    method: 'post',
    path: '/v1/cards/block',
    summary: 'Block a card: a deny-list entry in a new list version (blocking a blocked card changes nothing)',
    security: [{ bearer: [] }],
    middleware: [signedIn, ...bodyGuards] as const,
    request: { body: { content: { 'application/json': { schema: z.strictObject({ cardNumber, reason: z.enum(DENY_REASONS) }) } }, required: true } },
    responses: {
      200: { content: { 'application/json': { schema: blockAnswer } }, description: 'the card was blocked already (created false)' },
      201: { content: { 'application/json': { schema: blockAnswer } }, description: 'blocked' },
      400: errorResponse('request_invalid'),
      401: errorResponse('not signed in'),
      403: errorResponse('cards of another organisation'),
      404: errorResponse('not_found: no such card'),
      413: errorResponse('request_invalid; detail: body_too_large'),
      415: errorResponse('request_invalid; detail: content_type_not_json'),
    },
  });
  app.openapi(blockRoute, async (c) => {
    const body = c.req.valid('json');
    const result = await blockCard(db, { cardNumber: body.cardNumber, reason: body.reason, actor: actorOf(c.get('principal')), at: new Date(options.nowMs()).toISOString() });
    if (!result.ok) {
      const refusal = blockRefusalOf(result.code);
      return c.json(refusal.error, refusal.status);
    }
    return c.json(result.block, result.block.created ? 201 : 200);
  });

  const unblockRoute = createRoute({
    method: 'post',
    path: '/v1/cards/unblock',
    summary: 'Unblock a card: removes its deny-list entry and publishes an `unblock` action (idempotent on idempotencyKey)',
    security: [{ bearer: [] }],
    middleware: [signedIn, ...bodyGuards] as const,
    request: { body: { content: { 'application/json': { schema: z.strictObject({ cardNumber, idempotencyKey: z.string().min(8).max(128) }) } }, required: true } },
    responses: {
      200: { content: { 'application/json': { schema: unblockAnswer } }, description: 'a replay of the idempotency key: the first unblock' },
      201: { content: { 'application/json': { schema: unblockAnswer } }, description: 'unblocked; the action waits for the card' },
      400: errorResponse('request_invalid'),
      401: errorResponse('not signed in'),
      403: errorResponse('cards of another organisation, or a block it did not place'),
      404: errorResponse('not_found: no such card'),
      413: errorResponse('request_invalid; detail: body_too_large'),
      415: errorResponse('request_invalid; detail: content_type_not_json'),
      409: errorResponse('request_invalid; detail: card_not_blocked, card_replaced, idempotency_key_reused'),
    },
  });
  app.openapi(unblockRoute, async (c) => {
    const body = c.req.valid('json');
    const result = await unblockCard(db, { cardNumber: body.cardNumber, idempotencyKey: body.idempotencyKey, actor: actorOf(c.get('principal')), at: new Date(options.nowMs()).toISOString() });
    if (!result.ok) {
      const refusal = refusalOf(result.code);
      return c.json(refusal.error, refusal.status);
    }
    return c.json(result.unblock, result.unblock.created ? 201 : 200);
  });
  return app;
}
