/**
 * Publishing what devices download (clearing admin only): a fare feed as
 * the next signed version, a device's sealed key bundle (rotation), and the
 * publication history of each. Idempotent on idempotencyKey (a replay answers
 * the first publication with 200), audited in the distribution store's
 * publication log (who, when, version, sha256 of the envelope served).
 * Nothing of a feed, a sealed bundle or a key is logged or echoed.
 */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import {
  DISTRIBUTION_VERSION_MAX,
  FARE_FEED_UPLOAD_BYTES_MAX,
  FEED_FILE_NAME_PATTERN,
  KEY_BUNDLE_UPLOAD_BYTES_MAX,
  PUBLICATION_KINDS,
  PUBLICATION_PAGE_COUNT_MAX,
  PUBLISH_IDEMPOTENCY_KEY_PATTERN,
  registeredCertificateSerial,
  SEALED_BUNDLE_BYTES_MAX,
  type AuditedPublishResult,
  type DistributionPublishing,
  type PublicationPage,
  type PublishRefusal,
} from '../../distribution/index.js';
import { requirePrincipal } from '../auth-middleware.js';
import type { AppEnv, AppOptions } from '../env.js';
import type { Principal } from '../../auth/sessions.js';
import { apiError, errorResponse, type ApiError } from '../errors.js';
import { jsonBodyGuards } from './body-guards.js';

const idempotencyKey = z.string().regex(PUBLISH_IDEMPOTENCY_KEY_PATTERN);
const deviceParams = z.object({ deviceId: z.coerce.number().int().min(1).max(0xff_ff_ff_ff).openapi({ param: { name: 'deviceId', in: 'path' }, example: 4711 }) });
const pageQuery = z.object({
  beforeVersion: z.coerce.number().int().min(1).max(DISTRIBUTION_VERSION_MAX).optional().openapi({ param: { name: 'beforeVersion', in: 'query' } }),
  limit: z.coerce.number().int().min(1).max(PUBLICATION_PAGE_COUNT_MAX).default(PUBLICATION_PAGE_COUNT_MAX).openapi({ param: { name: 'limit', in: 'query' } }),
});

const publicationSchema = z
  .object({
    kind: z.enum(PUBLICATION_KINDS),
    deviceId: z.number().int().nullable(),
    version: z.number().int(),
    publishedUtc: z.string(),
    envelopeSha256: z.string(),
    envelopeSizeBytes: z.number().int(),
    byUserId: z.string(),
    byOrganisationId: z.string(),
    idempotencyKeySha256: z.string(),
    requestSha256: z.string(),
    fileNames: z.array(z.string()),
    certificateSerialHex: z.string().nullable(),
  })
  .openapi('Publication');
const publishedAnswer = z.object({ publication: publicationSchema, created: z.boolean() });
const historyAnswer = z.object({ publications: z.array(publicationSchema) });

const publishResponses = {
  200: { content: { 'application/json': { schema: publishedAnswer } }, description: 'a replay of the idempotency key: the first publication' },
  201: { content: { 'application/json': { schema: publishedAnswer } }, description: 'published as the next version' },
  400: errorResponse('request_invalid; detail: body_not_json, idempotency_key_invalid, feed_* (with file and line) or sealed_bundle_invalid'),
  401: errorResponse('not signed in'),
  403: errorResponse('only the clearing admin publishes'),
  404: errorResponse('publishing is not configured, or device_unknown'),
  409: errorResponse('request_invalid; detail: idempotency_key_reused, sealed_to_another_device, sealed_to_another_certificate; or device_revoked, certificate_expired'),
  413: errorResponse('request_invalid; detail: body_too_large, feed_too_large, feed_file_too_large, feed_file_count_exceeded, feed_rows_exceeded'),
  415: errorResponse('request_invalid; detail: content_type_not_json'),
  500: errorResponse('internal: a stored document is unreadable'),
} as const;

/** Where each refusal goes: the caller's input (400), a conflict with what is held (409), too large (413), or ours (500). */
function refusalStatus(code: PublishRefusal): 400 | 409 | 413 | 500 {
  switch (code) {
    case 'idempotency_key_reused':
    case 'sealed_to_another_device':
    case 'sealed_to_another_certificate':
      return 409;
    case 'feed_too_large':
    case 'feed_file_too_large':
    case 'feed_file_count_exceeded':
    case 'feed_rows_exceeded':
      return 413;
    case 'stored_file_corrupt':
      return 500;
    case 'feed_invalid':
    case 'feed_empty':
    case 'feed_file_name_invalid':
    case 'feed_file_unknown':
    case 'feed_file_missing':
    case 'feed_text_invalid':
    case 'feed_csv_malformed':
    case 'feed_header_missing':
    case 'feed_column_repeated':
    case 'feed_column_missing':
    case 'sealed_bundle_invalid':
    case 'idempotency_key_invalid':
      return 400;
  }
}

type Refusal = { readonly status: 400 | 409 | 413 | 500; readonly error: ApiError };

function refusalOf(result: Extract<AuditedPublishResult, { ok: false }>): Refusal {
  const status = refusalStatus(result.code);
  if (status === 500) return { status, error: apiError('internal', 'the stored document is unreadable; publishing is stopped') };
  const feedError = result.feedError;
  const where = feedError === undefined ? [] : [feedError.file, feedError.line === undefined ? undefined : `line ${feedError.line}`, feedError.column].filter((part) => part !== undefined);
  return { status, error: apiError('request_invalid', where.length === 0 ? 'the publication was refused' : `the publication was refused: ${where.join(' ')}`, result.code) };
}

/** The guard every handler runs first: admin, and publishing configured. */
function gate(principal: Principal, publishing: DistributionPublishing | undefined): { readonly ok: true; readonly publishing: DistributionPublishing } | { readonly ok: false; readonly status: 403 | 404; readonly error: ApiError } {
  if (principal.role !== 'clearing_admin') return { ok: false, status: 403, error: apiError('forbidden', 'only the clearing admin publishes and reads the publication log') };
  if (publishing === undefined) return { ok: false, status: 404, error: apiError('not_found', 'publishing is not configured') };
  return { ok: true, publishing };
}

const pageOf = (page: z.infer<typeof pageQuery>): PublicationPage => ({ countMax: page.limit, ...(page.beforeVersion === undefined ? {} : { beforeVersion: page.beforeVersion }) });

const by = (principal: Principal) => ({ userId: principal.userId, organisationId: principal.organisationId });

export function publicationRoutes(options: AppOptions): OpenAPIHono<AppEnv> {
  const app = new OpenAPIHono<AppEnv>();
  const { db } = options.database;
  const publishing: DistributionPublishing | undefined = options.distribution?.publishing;
  const signedIn = requirePrincipal(options);

  const publishFeedRoute = createRoute({
    method: 'post',
    path: '/v1/feeds/fares',
    summary: 'Publish a GTFS-Fares v2 feed (file name → CSV text) as the next signed version',
    security: [{ bearer: [] }],
    middleware: [signedIn, ...jsonBodyGuards({ bodyBytesMax: FARE_FEED_UPLOAD_BYTES_MAX })] as const,
    request: { body: { content: { 'application/json': { schema: z.strictObject({ idempotencyKey, files: z.record(z.string().regex(FEED_FILE_NAME_PATTERN), z.string()) }) } }, required: true } },
    responses: publishResponses,
  });
  app.openapi(publishFeedRoute, async (c) => {
    const gated = gate(c.get('principal'), publishing);
    if (!gated.ok) return c.json(gated.error, gated.status);
    const body = c.req.valid('json');
    const result = await gated.publishing.publishFareFeed({ files: body.files, idempotencyKey: body.idempotencyKey, by: by(c.get('principal')) });
    if (result.ok) return c.json({ publication: result.record, created: result.created }, result.created ? 201 : 200);
    const refusal = refusalOf(result);
    return c.json(refusal.error, refusal.status);
  });

  const publishBundleRoute = createRoute({
    method: 'post',
    path: '/v1/devices/{deviceId}/key-bundle',
    summary: "Publish (rotate) a device's sealed key bundle: the bytes keys/ sealed to the device's registered certificate, in base64",
    security: [{ bearer: [] }],
    middleware: [signedIn, ...jsonBodyGuards({ bodyBytesMax: KEY_BUNDLE_UPLOAD_BYTES_MAX })] as const,
    request: { params: deviceParams, body: { content: { 'application/json': { schema: z.strictObject({ idempotencyKey, sealedBase64: z.base64().min(1).max(Math.ceil(SEALED_BUNDLE_BYTES_MAX / 3) * 4) }) } }, required: true } },
    responses: publishResponses,
  });
  app.openapi(publishBundleRoute, async (c) => {
    const gated = gate(c.get('principal'), publishing);
    if (!gated.ok) return c.json(gated.error, gated.status);
    const { deviceId } = c.req.valid('param');
    const body = c.req.valid('json');
    const registered = await registeredCertificateSerial(db, deviceId, options.nowMs());
    if (!registered.ok) return c.json(apiError(registered.code, 'not a registered, valid device'), registered.code === 'device_unknown' ? 404 : 409);
    const sealed = new Uint8Array(Buffer.from(body.sealedBase64, 'base64'));
    const result = await gated.publishing.publishKeyBundle({ deviceId, sealed, certificateSerialHex: registered.certificateSerialHex, idempotencyKey: body.idempotencyKey, by: by(c.get('principal')) });
    if (result.ok) return c.json({ publication: result.record, created: result.created }, result.created ? 201 : 200);
    const refusal = refusalOf(result);
    return c.json(refusal.error, refusal.status);
  });

  const historyResponses = {
    200: { content: { 'application/json': { schema: historyAnswer } }, description: 'newest first' },
    400: errorResponse('request_invalid'),
    401: errorResponse('not signed in'),
    403: errorResponse('only the clearing admin reads the publication log'),
    404: errorResponse('publishing is not configured'),
  } as const;
  const feedHistoryRoute = createRoute({ method: 'get', path: '/v1/feeds/fares/publications', summary: 'Fare-feed publications, newest first', security: [{ bearer: [] }], middleware: [signedIn] as const, request: { query: pageQuery }, responses: historyResponses });
  app.openapi(feedHistoryRoute, async (c) => {
    const gated = gate(c.get('principal'), publishing);
    if (!gated.ok) return c.json(gated.error, gated.status);
    const page = c.req.valid('query');
    return c.json({ publications: [...(await gated.publishing.publications({ kind: 'fare-feed' }, pageOf(page)))] }, 200);
  });

  const bundleHistoryRoute = createRoute({ method: 'get', path: '/v1/devices/{deviceId}/key-bundle/publications', summary: "A device's key-bundle publications, newest first", security: [{ bearer: [] }], middleware: [signedIn] as const, request: { params: deviceParams, query: pageQuery }, responses: historyResponses });
  app.openapi(bundleHistoryRoute, async (c) => {
    const gated = gate(c.get('principal'), publishing);
    if (!gated.ok) return c.json(gated.error, gated.status);
    const page = c.req.valid('query');
    return c.json({ publications: [...(await gated.publishing.publications({ kind: 'key-bundle', deviceId: c.req.valid('param').deviceId }, pageOf(page)))] }, 200);
  });
  return app;
}
