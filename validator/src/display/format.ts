/** Money and time as shown in Vietnam: integer VND with the locale's grouping, times in Asia/Ho_Chi_Minh. */
import { DISPLAY_TIME_ZONE } from '@onecard/card-os/profile';
import type { DisplayLanguage } from './messages.js';

const LOCALE_OF: Readonly<Record<DisplayLanguage, string>> = { vi: 'vi-VN', en: 'en-GB' };

export function formatVnd(amountVnd: number, language: DisplayLanguage): string {
  return `${new Intl.NumberFormat(LOCALE_OF[language], { maximumFractionDigits: 0 }).format(amountVnd)} ₫`;
}

export function formatTime(at: Date, language: DisplayLanguage): string {
  return new Intl.DateTimeFormat(LOCALE_OF[language], { timeZone: DISPLAY_TIME_ZONE, hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' }).format(at);
}
