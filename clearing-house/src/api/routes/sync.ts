/** The device endpoints of SYNC-PROTOCOL.md: batch upload, device status, list downloads. */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import { sql } from 'drizzle-orm';
import { queryRows, toNumber } from '../../db/rows.js';
import { authenticateDevice } from '../../devices/registry.js';
import { BATCH_BYTES_MAX, ingestBatch } from '../../ingest/ingest-batch.js';
import { KnownCards } from '../../ingest/known-cards.js';
import { QUARANTINE_REASONS } from '../../ingest/outcome.js';
import { currentListVersion, listSnapshot } from '../../lists/entries.js';
import type { ListKind } from '../../db/schema/lists.js';
import type { AppEnv, AppOptions } from '../env.js';
import { apiError, errorResponse } from '../errors.js';

const DEVICE_HEADER = 'x-onecard-device';
const deviceParams = z.object({ deviceId: z.coerce.number().int().min(1).max(0xff_ff_ff_ff).openapi({ param: { name: 'deviceId', in: 'path' }, example: 4711 }) });
const uploadAnswer = z
  .object({ status: z.enum(['accepted', 'duplicate', 'quarantined']), batchSeq: z.number().int().nullable(), eventCount: z.number().int().optional(), reason: z.enum(QUARANTINE_REASONS).optional() })
  .openapi('UploadAnswer');
const statusAnswer = z.object({ lastBatchSeq: z.number().int(), lastEventSeq: z.number().int(), denyListVersion: z.number().int(), actionListVersion: z.number().int() }).openapi('DeviceStatus');

const uploadRoute = createRoute({
  method: 'post',
  path: '/v1/devices/{deviceId}/batches',
  summary: 'Upload a signed journal batch (keys/ SignedEnvelope, context onecard/journal-batch/v1)',
  middleware: [bodyLimit({ maxSize: BATCH_BYTES_MAX, onError: (c) => c.json(apiError('batch_too_large', `a batch is at most ${BATCH_BYTES_MAX} bytes`), 413) })] as const,
  request: { params: deviceParams, body: { content: { 'application/octet-stream': { schema: z.string().openapi({ format: 'binary' }) } }, required: true } },
  responses: {
    200: { content: { 'application/json': { schema: uploadAnswer } }, description: 'accepted now, or a duplicate of an applied batch' },
    202: { content: { 'application/json': { schema: uploadAnswer } }, description: 'quarantined whole, with a reason' },
    400: errorResponse('not an envelope, or the device header does not match'),
    401: errorResponse('device_unknown'),
    403: errorResponse('device_revoked or certificate_expired'),
    409: errorResponse('batch_conflict: same batchSeq, different bytes'),
    413: errorResponse('batch_too_large'),
  },
});

const statusRoute = createRoute({
  method: 'get',
  path: '/v1/devices/{deviceId}/status',
  summary: 'Where the clearing house is for this device',
  request: { params: deviceParams },
  responses: { 200: { content: { 'application/json': { schema: statusAnswer } }, description: 'status' }, 401: errorResponse('device_unknown'), 403: errorResponse('device_revoked or certificate_expired') },
});

const listQuery = z.object({ since: z.coerce.number().int().min(0).default(0).openapi({ param: { name: 'since', in: 'query' }, example: 0 }) });
const listRoute = (kind: ListKind, path: string) =>
  createRoute({
    method: 'get',
    path,
    summary: `The ${kind} list: a delta from since, or the full list`,
    request: { query: listQuery },
    responses: {
      200: { content: { 'application/octet-stream': { schema: z.string().openapi({ format: 'binary' }) }, 'application/json': { schema: z.object({ status: z.string(), version: z.number().int() }).loose() } }, description: 'the list' },
      304: { description: 'since is the newest version' },
    },
  });

export function syncRoutes(options: AppOptions): OpenAPIHono<AppEnv> {
  const app = new OpenAPIHono<AppEnv>();
  const { db } = options.database;
  const ingestContext = { database: options.database, verifier: options.verifier, nowMs: options.nowMs, knownCards: new KnownCards(), posting: options.posting ?? 'inline' };

  app.openapi(uploadRoute, async (c) => {
    const { deviceId } = c.req.valid('param');
    if (c.req.header(DEVICE_HEADER) !== String(deviceId)) return c.json(apiError('request_invalid', 'X-OneCard-Device must name the device of the path'), 400);
    const bytes = new Uint8Array(await c.req.arrayBuffer());
    const outcome = await ingestBatch(ingestContext, { deviceId, bytes });
    switch (outcome.kind) {
      case 'accepted':
        if (ingestContext.posting === 'deferred') options.postingWorker?.nudge();
        return c.json({ status: 'accepted' as const, batchSeq: outcome.batchSeq, eventCount: outcome.eventCount }, 200);
      case 'duplicate':
        return c.json({ status: 'duplicate' as const, batchSeq: outcome.batchSeq }, 200);
      case 'quarantined':
        return c.json({ status: 'quarantined' as const, batchSeq: outcome.batchSeq, reason: outcome.reason }, 202);
      case 'conflict':
        return c.json(apiError('batch_conflict', 'this batchSeq was uploaded before with other bytes; the upload is quarantined'), 409);
      case 'refused':
        switch (outcome.code) {
          case 'envelope_malformed':
            return c.json(apiError('envelope_malformed', 'the body is not a signed envelope'), 400);
          case 'batch_too_large':
            return c.json(apiError('batch_too_large', `a batch is at most ${BATCH_BYTES_MAX} bytes`), 413);
          case 'device_unknown':
            return c.json(apiError('device_unknown', 'no registered device has this id'), 401);
          case 'device_revoked':
            return c.json(apiError('device_revoked', 'the device certificate is revoked'), 403);
          case 'certificate_expired':
            return c.json(apiError('certificate_expired', 'the device certificate has expired'), 403);
        }
    }
  });

  app.openapi(statusRoute, async (c) => {
    const { deviceId } = c.req.valid('param');
    const authentication = await authenticateDevice(db, deviceId, options.nowMs());
    if (!authentication.ok) return c.json(apiError(authentication.code, 'not a registered, valid device'), authentication.code === 'device_unknown' ? 401 : 403);
    const [row] = await queryRows<Record<string, unknown>>(
      db,
      sql`SELECT (SELECT coalesce(max(batch_seq), 0) FROM batches WHERE device_id = ${deviceId} AND status = 'accepted') AS last_batch_seq,
                 (SELECT coalesce(max(seq), 0) FROM events WHERE device_id = ${deviceId}) AS last_event_seq`,
    );
    return c.json({ lastBatchSeq: toNumber(row?.['last_batch_seq']), lastEventSeq: toNumber(row?.['last_event_seq']), denyListVersion: await currentListVersion(db, 'deny'), actionListVersion: await currentListVersion(db, 'action') }, 200);
  });

  for (const [kind, path] of [['deny', '/v1/lists/deny'], ['action', '/v1/lists/actions']] as const) {
    app.openapi(listRoute(kind, path), async (c) => {
      const { since } = c.req.valid('query');
      const snapshot = await listSnapshot(db, kind, since);
      // Nothing published yet (version 0): the device's empty list is current; the wire format starts at version 1.
      if (snapshot.status === 'not_modified' || snapshot.version === 0) return c.body(null, 304);
      if (options.encodeList !== undefined) return c.body(Buffer.from(options.encodeList(snapshot)), 200, { 'content-type': 'application/octet-stream' });
      return c.json(snapshot, 200);
    });
  }
  return app;
}
