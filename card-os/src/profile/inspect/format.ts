/** Formatting of dates, times, money and card numbers for people, in Asia/Ho_Chi_Minh. */
import { DISPLAY_TIME_ZONE, type CivilDate } from '../layout/epoch.js';
import type { Labels } from './labels.js';

const CARD_NUMBER_GROUP_DIGITS = 4;

export function formatDate(date: CivilDate, labels: Labels): string {
  const [year, month, day] = date.split('-');
  return labels.locale === 'vi-VN' ? `${day ?? ''}/${month ?? ''}/${year ?? ''}` : date;
}

export function formatInstant(at: Date, labels: Labels): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone: DISPLAY_TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(at);
  const part = (type: Intl.DateTimeFormatPartTypes): string => parts.find((p) => p.type === type)?.value ?? '';
  const date = `${part('year')}-${part('month')}-${part('day')}`;
  return `${formatDate(date, labels)} ${part('hour')}:${part('minute')}`;
}

export function formatVnd(amountVnd: number, labels: Labels): string {
  // ICU separates the amount and ₫ with a no-break space; a terminal line wants a plain one.
  if (labels.locale === 'vi-VN') return new Intl.NumberFormat('vi-VN', { style: 'currency', currency: 'VND' }).format(amountVnd).replace(/\u00a0/g, ' ');
  return `${new Intl.NumberFormat('en-US').format(amountVnd)} VND`;
}

export function formatCardNumber(cardNumber: string): string {
  const groups: string[] = [];
  for (let i = 0; i < cardNumber.length; i += CARD_NUMBER_GROUP_DIGITS) groups.push(cardNumber.slice(i, i + CARD_NUMBER_GROUP_DIGITS));
  return groups.join(' ');
}

export function formatRange(from: CivilDate, until: CivilDate, labels: Labels): string {
  return `${formatDate(from, labels)} – ${formatDate(until, labels)}`;
}
