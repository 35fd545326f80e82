/** Maps the card profile's failures (readers, session) onto tap reason codes. */
import type { ProfileFailure } from '@onecard/card-os/profile';
import type { TapReason } from './outcome.js';

export function reasonOfFailure(failure: ProfileFailure): TapReason {
  switch (failure.code) {
    case 'application_absent':
      return 'application_absent';
    case 'key_not_held':
      return 'key_not_held';
    case 'card_refused':
      return 'card_refused';
    case 'record_invalid':
      return 'record_invalid';
  }
}
