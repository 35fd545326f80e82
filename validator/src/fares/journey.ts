/**
 * The journey file of `validator fares quote --journey FILE`: the legs a
 * rider travels, each with route, stops, ISO 8601 times (with offset),
 * rider category and fare media (GTFS ids of the feed).
 */
import { z } from 'zod';

export const JOURNEY_LEGS_MAX = 32;
export const JOURNEY_FILE_BYTES_MAX = 64 * 1024;

const id = z.string().min(1).max(128);
const instant = z.iso.datetime({ offset: true, error: 'expected an ISO 8601 date-time with a UTC offset, e.g. 2026-12-04T08:00:00+07:00' });

export const journeyLegSchema = z.object({
  route_id: id,
  from_stop_id: id.optional(),
  to_stop_id: id.optional(),
  start_time: instant,
  end_time: instant,
  rider_category_id: id.optional(),
  fare_media_id: id.optional(),
});

export const journeySchema = z
  .object({ legs: z.array(journeyLegSchema).min(1, 'a journey has at least one leg').max(JOURNEY_LEGS_MAX, `at most ${JOURNEY_LEGS_MAX} legs`) })
  .superRefine((journey, context) => {
    let previousEndMs = Number.NEGATIVE_INFINITY;
    journey.legs.forEach((leg, index) => {
      const startMs = Date.parse(leg.start_time);
      const endMs = Date.parse(leg.end_time);
      if (endMs < startMs) context.addIssue({ code: 'custom', path: ['legs', index, 'end_time'], message: 'end_time is before start_time' });
      if (startMs < previousEndMs) context.addIssue({ code: 'custom', path: ['legs', index, 'start_time'], message: 'the leg starts before the previous leg ends' });
      previousEndMs = endMs;
    });
  });

export type JourneyLeg = z.output<typeof journeyLegSchema>;
export type Journey = z.output<typeof journeySchema>;

export type JourneyParse = { readonly ok: true; readonly journey: Journey } | { readonly ok: false; readonly message: string };

/** Parses the JSON text of a journey file; the message names the JSON path of the first problem. */
export function parseJourney(text: string): JourneyParse {
  if (text.length > JOURNEY_FILE_BYTES_MAX) return { ok: false, message: `the journey file is larger than ${JOURNEY_FILE_BYTES_MAX} bytes` };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, message: 'the journey file is not valid JSON' };
  }
  const parsed = journeySchema.safeParse(json);
  if (parsed.success) return { ok: true, journey: parsed.data };
  const issue = parsed.error.issues[0];
  const path = issue === undefined || issue.path.length === 0 ? '(root)' : issue.path.map(String).join('.');
  return { ok: false, message: `${path}: ${issue?.message ?? 'invalid'}` };
}
