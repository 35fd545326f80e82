/**
 * The validator's terminal display: a green or red banner, what happened,
 * the amount, the balance and the reason, in Vietnamese or English, with
 * ANSI colours (or none, for logs and tests).
 */
import type { TapOutcome } from '../tap/outcome.js';
import { displayLines } from './lines.js';
import type { DisplayLanguage } from './messages.js';

const ANSI = { green: '\u001b[1;97;42m', red: '\u001b[1;97;41m', dim: '\u001b[2m', reset: '\u001b[0m' } as const;
export const BANNER_WIDTH_CHARS = 40;

export interface TerminalOptions {
  readonly language: DisplayLanguage;
  readonly colours: 'ansi' | 'none';
}

export function renderTerminal(outcome: TapOutcome, options: TerminalOptions): string {
  const lines = displayLines(outcome, options.language);
  const banner = ` ${lines.accepted ? '✔' : '✘'} ${lines.title} `.padEnd(BANNER_WIDTH_CHARS);
  const paint = (style: string, text: string): string => (options.colours === 'ansi' ? `${style}${text}${ANSI.reset}` : text);
  const body = [lines.headline, lines.reason, lines.amount, lines.balance, ...lines.notes, lines.card].filter((line): line is string => line !== undefined);
  return [paint(lines.accepted ? ANSI.green : ANSI.red, banner), ...body.map((line) => `  ${line}`), paint(ANSI.dim, `  ${outcome.totalMs.toFixed(1)} ms`)].join('\n');
}
