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

/** What block and unblock share: POST of one card in a guarded JSON body by a signed-in caller, answered 201 when done, 200 when it was so already. */
interface CardActionRouteSpec<P extends string, B extends z.ZodType, A extends z.ZodType, X extends object> {
  readonly path: P;
  readonly summary: string;
  readonly body: B;
  readonly answer: A;
  readonly descriptions: { readonly unchanged: string; readonly done: string; readonly forbidden: string };
  /** Answers only this route gives (unblock: 409). */
  readonly moreResponses: X;
}

/** 201 for a new block or unblock, 200 for one that was there already. */
const createdStatus = (answer: { readonly created: boolean }): 200 | 201 => (answer.created ? 201 : 200);

export function cardBlockRoutes(options: AppOptions): OpenAPIHono<AppEnv> {
  const app = new OpenAPIHono<AppEnv>();
  const { db } = options.database;
  const signedIn = requirePrincipal(options);
  const bodyGuards = jsonBodyGuards({ bodyBytesMax: CARD_BLOCK_BODY_BYTES_MAX });

  const cardActionRoute = <P extends string, B extends z.ZodType, A extends z.ZodType, X extends object>(spec: CardActionRouteSpec<P, B, A, X>) =>
    createRoute({
      method: 'post',
      path: spec.path,
      summary: spec.summary,
      security: [{ bearer: [] }],
      middleware: [signedIn, ...bodyGuards] as const,
      request: { body: { content: { 'application/json': { schema: spec.body } }, required: true } },
      responses: {
        200: { content: { 'application/json': { schema: spec.answer } }, description: spec.descriptions.unchanged },
        201: { content: { 'application/json': { schema: spec.answer } }, description: spec.descriptions.done },
        400: errorResponse('request_invalid'),
        401: errorResponse('not signed in'),
        403: errorResponse(spec.descriptions.forbidden),
        404: errorResponse('not_found: no such card'),
        413: errorResponse('request_invalid; detail: body_too_large'),
        415: errorResponse('request_invalid; detail: content_type_not_json'),
        ...spec.moreResponses,
      },
    });
  /** Who acts and when: the caller's scope (the clearing admin any card, staff their organisation's) and the clock. */
  const actedBy = (principal: Principal): { readonly actor: ListActor; readonly at: string } => ({ actor: actorOf(principal), at: new Date(options.nowMs()).toISOString() });

  const blockRoute = cardActionRoute({
    path: '/v1/cards/block',
    summary: 'Block a card: a deny-list entry in a new list version (blocking a blocked card changes nothing)',
    body: z.strictObject({ cardNumber, reason: z.enum(DENY_REASONS) }),
    answer: blockAnswer,
    descriptions: { unchanged: 'the card was blocked already (created false)', done: 'blocked', forbidden: 'cards of another organisation' },
    moreResponses: {},
  });
  app.openapi(blockRoute, async (c) => {
    const body = c.req.valid('json');
    const result = await blockCard(db, { cardNumber: body.cardNumber, reason: body.reason, ...actedBy(c.get('principal')) });
    if (result.ok) return c.json(result.block, createdStatus(result.block));
    const refusal = blockRefusalOf(result.code);
    return c.json(refusal.error, refusal.status);
  });

  const unblockRoute = cardActionRoute({
    path: '/v1/cards/unblock',
    summary: 'Unblock a card: removes its deny-list entry and publishes an `unblock` action (idempotent on idempotencyKey)',
    body: z.strictObject({ cardNumber, idempotencyKey: z.string().min(8).max(128) }),
    answer: unblockAnswer,
    descriptions: { unchanged: 'a replay of the idempotency key: the first unblock', done: 'unblocked; the action waits for the card', forbidden: 'cards of another organisation, or a block it did not place' },
    moreResponses: { 409: errorResponse('request_invalid; detail: card_not_blocked, card_replaced, idempotency_key_reused') },
  });
  app.openapi(unblockRoute, async (c) => {
    const body = c.req.valid('json');
    const result = await unblockCard(db, { cardNumber: body.cardNumber, idempotencyKey: body.idempotencyKey, ...actedBy(c.get('principal')) });
    if (result.ok) return c.json(result.unblock, createdStatus(result.unblock));
    const refusal = refusalOf(result.code);
    return c.json(refusal.error, refusal.status);
  });
  return app;
}
