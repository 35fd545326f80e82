/**
 * Device downloads of SYNC-PROTOCOL.md "Fare feeds" and "Key bundles": the
 * current signed envelope from the distribution store, or 304 when `since`
 * is already current. Key bundles are per device: the header must name the
 * path's device and the device must be registered and valid.
 */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { authenticateDevice } from '../../devices/registry.js';
import { DISTRIBUTION_VERSION_MAX, type Distributed, type DistributionStore } from '../../distribution/index.js';
import type { AppEnv, AppOptions } from '../env.js';
import { apiError, errorResponse } from '../errors.js';

const DEVICE_HEADER = 'x-onecard-device';
const sinceQuery = z.object({ since: z.coerce.number().int().min(0).max(DISTRIBUTION_VERSION_MAX).default(0).openapi({ param: { name: 'since', in: 'query' }, example: 0 }) });
const deviceParams = z.object({ deviceId: z.coerce.number().int().min(1).max(0xff_ff_ff_ff).openapi({ param: { name: 'deviceId', in: 'path' }, example: 4711 }) });
const envelopeContent = { 'application/octet-stream': { schema: z.string().openapi({ format: 'binary' }) } };

const fareFeedRoute = createRoute({
  method: 'get',
  path: '/v1/feeds/fares',
  summary: 'The current fare feed (SignedEnvelope, context onecard/fare-feed/v1)',
  request: { query: sinceQuery },
  responses: {
    200: { content: envelopeContent, description: 'the feed, newer than since' },
    304: { description: 'since is the current version' },
    404: errorResponse('no fare feed is published'),
  },
});

const keyBundleRoute = createRoute({
  method: 'get',
  path: '/v1/devices/{deviceId}/key-bundle',
  summary: "The device's current sealed key bundle (SignedEnvelope, context onecard/key-bundle/v1)",
  request: { params: deviceParams, query: sinceQuery },
  responses: {
    200: { content: envelopeContent, description: 'the bundle, newer than since' },
    304: { description: 'since is the current version' },
    400: errorResponse('the device header does not match'),
    401: errorResponse('device_unknown'),
    403: errorResponse('device_revoked or certificate_expired'),
    404: errorResponse('no key bundle is held for this device'),
  },
});

function envelopeAnswer(document: Distributed): Response {
  return new Response(Buffer.from(document.envelope), { status: 200, headers: { 'content-type': 'application/octet-stream', 'x-onecard-version': String(document.version) } });
}

export function distributionRoutes(options: AppOptions): OpenAPIHono<AppEnv> {
  const app = new OpenAPIHono<AppEnv>();
  const store: DistributionStore | undefined = options.distribution;

  app.openapi(fareFeedRoute, async (c) => {
    const { since } = c.req.valid('query');
    const current = await store?.currentFareFeed();
    if (current === undefined) return c.json(apiError('not_found', 'no fare feed is published'), 404);
    if (since >= current.version) return c.body(null, 304);
    return envelopeAnswer(current);
  });

  app.openapi(keyBundleRoute, async (c) => {
    const { deviceId } = c.req.valid('param');
    const { since } = c.req.valid('query');
    if (c.req.header(DEVICE_HEADER) !== String(deviceId)) return c.json(apiError('request_invalid', 'X-OneCard-Device must name the device of the path'), 400);
    const authentication = await authenticateDevice(options.database.db, deviceId, options.nowMs());
    if (!authentication.ok) return c.json(apiError(authentication.code, 'not a registered, valid device'), authentication.code === 'device_unknown' ? 401 : 403);
    const current = await store?.currentKeyBundle(deviceId);
    if (current === undefined) return c.json(apiError('not_found', 'no key bundle is held for this device'), 404);
    if (since >= current.version) return c.body(null, 304);
    return envelopeAnswer(current);
  });
  return app;
}
