/** Service calendars (calendar.txt, calendar_dates.txt) and timeframes.txt. */
import { fail } from './feed-error.js';
import { rowsOf, type FeedFiles } from './feed-files.js';
import type { ServiceCalendar, Timeframe } from './feed-model.js';
import { SECONDS_PER_DAY, type LocalInstant } from './local-time.js';
import { calendarDateRow, calendarRow, timeframeRow } from './row-schemas.js';

export function buildServices(files: FeedFiles): ReadonlyMap<string, ServiceCalendar> {
  const calendar = rowsOf(files, 'calendar.txt', calendarRow, {
    requiredColumns: ['service_id', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday', 'start_date', 'end_date'],
    presence: 'optional',
  });
  const dates = rowsOf(files, 'calendar_dates.txt', calendarDateRow, { requiredColumns: ['service_id', 'date', 'exception_type'], presence: 'optional' });
  const services = new Map<string, { weekdays: boolean[] | undefined; startDate: number; endDate: number; added: Set<number>; removed: Set<number> }>();
  for (const { line, value: v } of calendar.rows) {
    if (services.has(v.service_id)) fail('duplicate_key', { file: 'calendar.txt', line, field: 'service_id' }, `service ${v.service_id} appears twice`);
    if (v.end_date < v.start_date) fail('rule_violated', { file: 'calendar.txt', line, field: 'end_date' }, 'end_date is before start_date');
    const weekdays = [v.sunday, v.monday, v.tuesday, v.wednesday, v.thursday, v.friday, v.saturday].map((flag) => flag === 1);
    services.set(v.service_id, { weekdays, startDate: v.start_date, endDate: v.end_date, added: new Set(), removed: new Set() });
  }
  for (const { line, value: v } of dates.rows) {
    const service = services.get(v.service_id) ?? { weekdays: undefined, startDate: 0, endDate: 0, added: new Set<number>(), removed: new Set<number>() };
    if (service.added.has(v.date) || service.removed.has(v.date)) fail('duplicate_key', { file: 'calendar_dates.txt', line, field: 'date' }, `service ${v.service_id} lists ${v.date} twice`);
    (v.exception_type === 1 ? service.added : service.removed).add(v.date);
    services.set(v.service_id, service);
  }
  return services;
}

export function serviceRunsOn(service: ServiceCalendar, local: LocalInstant): boolean {
  if (service.added.has(local.date)) return true;
  if (service.removed.has(local.date)) return false;
  return service.weekdays !== undefined && local.date >= service.startDate && local.date <= service.endDate && service.weekdays[local.weekday] === true;
}

export function buildTimeframes(files: FeedFiles, services: ReadonlyMap<string, ServiceCalendar>): ReadonlyMap<string, readonly Timeframe[]> {
  const rows = rowsOf(files, 'timeframes.txt', timeframeRow, { requiredColumns: ['timeframe_group_id', 'service_id'], presence: 'optional' });
  const groups = new Map<string, Timeframe[]>();
  for (const { line, value: v } of rows.rows) {
    const at = { file: 'timeframes.txt', line };
    if ((v.start_time === undefined) !== (v.end_time === undefined)) {
      fail('rule_violated', { ...at, field: v.start_time === undefined ? 'start_time' : 'end_time' }, 'start_time and end_time are given together or not at all');
    }
    const startS = v.start_time ?? 0;
    const endS = v.end_time ?? SECONDS_PER_DAY;
    if (endS <= startS) fail('rule_violated', { ...at, field: 'end_time' }, 'end_time must be after start_time');
    if (!services.has(v.service_id)) fail('reference_unknown', { ...at, field: 'service_id' }, `service ${v.service_id} is not in calendar.txt or calendar_dates.txt`);
    const list = groups.get(v.timeframe_group_id) ?? [];
    if (list.some((other) => other.serviceId === v.service_id && other.startS < endS && startS < other.endS)) {
      fail('rule_violated', { ...at, field: 'start_time' }, `overlaps another interval of timeframe group ${v.timeframe_group_id} with service ${v.service_id}`);
    }
    list.push({ startS, endS, serviceId: v.service_id });
    groups.set(v.timeframe_group_id, list);
  }
  return groups;
}
