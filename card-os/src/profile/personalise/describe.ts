/** One-line, operator-facing descriptions of personalisation outcomes (no keys, UIDs or holder data). */
import type { PersonaliseOutcome } from './runner.js';
import type { StepFailure, UnexpectedState } from './step-types.js';

const UNEXPECTED: Readonly<Record<UnexpectedState, string>> = {
  picc_key_version: 'the card master key has a version this key store did not issue',
  picc_key_unknown: 'the card master key is neither the factory key nor this key store’s',
  application_settings: 'the application exists with other key settings or another number of keys',
  key_version: 'an application key has a version that is neither the default nor the active master’s',
  file_settings: 'a file exists with another type, communication mode, access rights or size',
  record_differs: 'the card holds a different valid record (another holder, or a card in use)',
};

export function describeFailure(failure: StepFailure): string {
  switch (failure.code) {
    case 'application_absent':
      return `application ${failure.application} is missing`;
    case 'key_not_held':
      return `the key store has no master for ${failure.application} key ${failure.keyNo}`;
    case 'card_refused':
      return `the card answered ${failure.reason}`;
    case 'record_invalid':
      return `${failure.file} does not decode (${failure.decode}, ${failure.field})`;
    case 'unexpected_state':
      return `unexpected card state: ${UNEXPECTED[failure.what]}`;
    case 'link_lost':
      return 'the card left the field or the reader failed; run the same command again to resume';
  }
}

export function describeOutcome(outcome: PersonaliseOutcome): string {
  const applied = outcome.steps.filter((s) => s.action === 'applied').length;
  const already = outcome.steps.length - applied;
  if (outcome.ok) return `personalised: ${applied} step(s) applied, ${already} already done`;
  return `step ${outcome.failedStep} failed after ${applied} applied and ${already} already done: ${describeFailure(outcome.failure)}`;
}
