/** Display formatting for reports and the dashboard, in Vietnamese or English. */
import { BUSINESS_TIME_ZONE } from './business-day.js';

export const REPORT_LANGUAGES = ['vi', 'en'] as const;
export type ReportLanguage = (typeof REPORT_LANGUAGES)[number];

const LOCALE: Record<ReportLanguage, string> = { vi: 'vi-VN', en: 'en-GB' };

export function formatVnd(amountVnd: number, lang: ReportLanguage): string {
  return new Intl.NumberFormat(LOCALE[lang], { style: 'currency', currency: 'VND', maximumFractionDigits: 0 }).format(amountVnd);
}

export function formatCount(count: number, lang: ReportLanguage): string {
  return new Intl.NumberFormat(LOCALE[lang], { maximumFractionDigits: 0 }).format(count);
}

/** An axis tick in millions of đồng: `0,2 tr` / `0.2 M` below ten million, whole millions above. */
export function formatMillionsVnd(amountVnd: number, lang: ReportLanguage): string {
  const millions = amountVnd / 1_000_000;
  const digits = Math.abs(millions) < 10 && !Number.isInteger(millions) ? 1 : 0;
  return `${new Intl.NumberFormat(LOCALE[lang], { maximumFractionDigits: digits }).format(millions)} ${lang === 'vi' ? 'tr' : 'M'}`;
}

/** Date and time in Asia/Ho_Chi_Minh, e.g. `04/12/2026 07:15`. */
export function formatLocalDateTime(instant: Date, lang: ReportLanguage): string {
  return new Intl.DateTimeFormat(LOCALE[lang], {
    timeZone: BUSINESS_TIME_ZONE,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(instant);
}

/** A `YYYY-MM-DD` business day as readers in Viet Nam (and the UK) write dates: `04/12/2026`. */
export function formatBusinessDay(day: string): string {
  const [year, month, date] = day.split('-');
  return `${date ?? ''}/${month ?? ''}/${year ?? ''}`;
}
