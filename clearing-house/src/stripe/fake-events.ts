/**
 * Listing events (docs.stripe.com/api/events/list): newest first, `limit`
 * 1..100, cursor `starting_after`, filters `type` and `created[gt|gte|lt|lte]`.
 * The clearing house sweeps this to catch events whose webhooks were lost.
 */
import { z } from 'zod';
import { invalidRequest, resourceMissing } from './fake-errors.js';
import { executed, rejected, type FakeHandler } from './fake-handler.js';
import { expandParam, integerParam, parseParams } from './fake-params.js';
import { eventJson } from './fake-state.js';

export const EVENT_LIST_LIMIT_MAX = 100;
export const EVENT_LIST_LIMIT_DEFAULT = 10;

const listSchema = z.strictObject({
  limit: integerParam.optional(),
  starting_after: z.string().optional(),
  ending_before: z.string().optional(),
  type: z.string().optional(),
  created: z.strictObject({ gt: integerParam.optional(), gte: integerParam.optional(), lt: integerParam.optional(), lte: integerParam.optional() }).optional(),
  delivery_success: z.enum(['true', 'false']).optional(),
  expand: expandParam,
});

export const listEvents: FakeHandler = ({ state, params }) => {
  const parsed = parseParams(listSchema, params);
  if (!parsed.ok) return rejected(parsed.reply);
  const input = parsed.value;
  const limit = input.limit ?? EVENT_LIST_LIMIT_DEFAULT;
  if (limit < 1 || limit > EVENT_LIST_LIMIT_MAX) {
    return rejected(invalidRequest(`This value must be between 1 and ${EVENT_LIST_LIMIT_MAX}.`, { code: 'parameter_invalid_integer', param: 'limit' }));
  }
  if (input.ending_before !== undefined) return rejected(invalidRequest('The fake lists events forward only (starting_after).', { param: 'ending_before' }));
  const created = input.created ?? {};
  const newestFirst = [...state.events.values()].reverse();
  let start = 0;
  if (input.starting_after !== undefined) {
    const index = newestFirst.findIndex((event) => event.id === input.starting_after);
    if (index < 0) return rejected(resourceMissing('event', input.starting_after, 'starting_after'));
    start = index + 1;
  }
  const matching = newestFirst
    .slice(start)
    .filter(
      (event) =>
        (input.type === undefined || event.type === input.type) &&
        (created.gt === undefined || event.createdSeconds > created.gt) &&
        (created.gte === undefined || event.createdSeconds >= created.gte) &&
        (created.lt === undefined || event.createdSeconds < created.lt) &&
        (created.lte === undefined || event.createdSeconds <= created.lte),
    );
  const page = matching.slice(0, limit);
  return executed({ status: 200, body: { object: 'list', url: '/v1/events', has_more: matching.length > page.length, data: page.map(eventJson) } });
};
