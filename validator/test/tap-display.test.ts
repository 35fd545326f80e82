/** The terminal display and the demo web view: colours, both languages, masking, bounds, escaping. */
import { describe, expect, it } from 'vitest';
import { renderTerminal } from '../src/display/terminal.js';
import { RecentTaps } from '../src/display/recent-taps.js';
import { renderPage, startWebView } from '../src/display/web-view.js';
import { DISPLAY_TEXTS } from '../src/display/messages.js';
import { TAP_REASONS, type TapOutcome } from '../src/tap/outcome.js';
import { vietnamCivilDate } from '../src/fares/local-time.js';
import { civilDateAt } from '@onecard/card-os/profile';

const FARE: TapOutcome = { accepted: true, mode: 'bus', application: 'transit', kind: 'fare', reason: undefined, amountVnd: 8_000, balanceVnd: 42_000, cardNumberTail: '0018', notes: [], events: [], timingsMs: {}, totalMs: 3.2 };
const REFUSED: TapOutcome = { ...FARE, accepted: false, kind: 'denied', reason: 'insufficient_funds', amountVnd: 0, balanceVnd: 5_000 };

describe('terminal display', () => {
  it('shows a green banner, the fare, the balance and the masked card, in Vietnamese', () => {
    const text = renderTerminal(FARE, { language: 'vi', colours: 'ansi' });
    expect(text).toContain('\u001b[1;97;42m');
    expect(text).toContain('HỢP LỆ');
    expect(text).toContain('Xe buýt · Vé lượt');
    expect(text).toContain('Số tiền: 8.000 ₫');
    expect(text).toContain('Số dư: 42.000 ₫');
    expect(text).toContain('•••• 0018');
  });

  it('shows a red banner with the reason, in English, and no escape codes without colours', () => {
    const text = renderTerminal(REFUSED, { language: 'en', colours: 'none' });
    expect(text).not.toContain('\u001b[');
    expect(text.split('\n')[0]).toMatch(/^ ✘ REFUSED/);
    expect(text).toContain('Insufficient balance');
    expect(text).toContain('Balance: 5,000 ₫');
  });

  it('shows typed notes in the display language', () => {
    const loan: TapOutcome = { ...FARE, mode: 'library', application: 'student', kind: 'library-loan', amountVnd: 0, balanceVnd: undefined, notes: [{ code: 'loan', itemId: 1001, dueOn: '2025-09-17' }] };
    expect(renderTerminal(loan, { language: 'vi', colours: 'none' })).toContain('Mượn sách 1001, hạn trả 2025-09-17');
    expect(renderTerminal(loan, { language: 'en', colours: 'none' })).toContain('Loan 1001, due 2025-09-17');
  });

  it('has a text for every reason code in both languages', () => {
    for (const language of ['vi', 'en'] as const) for (const reason of TAP_REASONS) expect(DISPLAY_TEXTS[language].reasons[reason].length).toBeGreaterThan(3);
  });
});

describe('recent taps and the web view', () => {
  it('keeps only the newest taps', () => {
    const recent = new RecentTaps({ countMax: 2 });
    for (const amountVnd of [1, 2, 3]) recent.add({ at: new Date(0), outcome: { ...FARE, amountVnd } });
    expect(recent.list().map((t) => t.outcome.amountVnd)).toEqual([3, 2]);
    expect(() => new RecentTaps({ countMax: 0 })).toThrow(RangeError);
  });

  it('serves the last taps as HTML and JSON on loopback, escaping what it shows', async () => {
    const recent = new RecentTaps();
    recent.add({ at: new Date('2025-09-03T01:00:00Z'), outcome: FARE });
    recent.add({ at: new Date('2025-09-03T01:00:05Z'), outcome: { ...REFUSED, notes: [{ code: 'insurance-until', date: '<script>x</script>' }] } });
    expect(renderPage(new RecentTaps(), 'en')).toContain('No taps yet');
    const view = await startWebView({ recent, language: 'vi', port: 0, host: '127.0.0.1' });
    try {
      const page = await (await fetch(view.url)).text();
      expect(page).toContain('08:00:00');
      expect(page).toContain('Số dư không đủ');
      expect(page).not.toContain('<script>');
      const json = (await (await fetch(new URL('taps.json', view.url))).json()) as { title: string; amountVnd: number; card: string }[];
      expect(json.map((t) => [t.title, t.amountVnd, t.card])).toEqual([['TỪ CHỐI', 0, 'Thẻ: •••• 0018'], ['HỢP LỆ', 8_000, 'Thẻ: •••• 0018']]);
      expect((await fetch(new URL('nothing', view.url))).status).toBe(404);
      expect((await fetch(view.url, { method: 'POST' })).status).toBe(405);
    } finally {
      await view.close();
    }
  });
});

describe('the civil date in Vietnam', () => {
  it('agrees with the Intl-based civilDateAt every 157 minutes over two years, midnights included', () => {
    const stepMs = 157 * 60_000;
    for (let ms = Date.parse('2025-01-01T16:00:00Z'); ms < Date.parse('2027-01-01T00:00:00Z'); ms += stepMs) expect(vietnamCivilDate(new Date(ms))).toBe(civilDateAt(new Date(ms)));
    expect(vietnamCivilDate(new Date('2025-09-02T16:59:59Z'))).toBe('2025-09-02');
    expect(vietnamCivilDate(new Date('2025-09-02T17:00:00Z'))).toBe('2025-09-03');
  });
});
