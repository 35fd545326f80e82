/**
 * The city's cards: DESFire emulations in memory, each personalised by the
 * card profile's own plan (buildPlan / runPlan) through the issuer's keys.
 */
import { DesfireCard, DesfireClient, InProcessChannel } from '@onecard/card-os';
import { applicationsInHolder, buildPlan, parseHolder, runPlan, type ProfileKeySource } from '@onecard/card-os/profile';
import { cityCardNumber, cityCardUid, cityHolder, riderKindOf, type RiderKind } from './holders.js';

/** The encoding station id written on the cards at issuance. */
const ISSUING_STATION_ID = 11;

export interface CityCard {
  readonly index: number;
  readonly kind: RiderKind;
  readonly cardNumber: string;
  readonly uid: Uint8Array;
  readonly card: DesfireCard;
  /** Puts the card in the field afresh (a new tap) and answers its channel. */
  tap(): InProcessChannel;
}

export async function personaliseCityCard(input: { readonly index: number; readonly issuer: ProfileKeySource; readonly serviceDay: string; readonly issuedAt: Date }): Promise<CityCard> {
  const kind = riderKindOf(input.index);
  const parsed = parseHolder(cityHolder({ index: input.index, kind, serviceDay: input.serviceDay }));
  if (!parsed.ok) throw new Error(`assertion failed: city holder invalid: ${parsed.problems.join('; ')}`);
  const plan = buildPlan({ holder: parsed.holder, applications: applicationsInHolder(parsed.holder), issuedAt: input.issuedAt, stationId: ISSUING_STATION_ID });
  if (!plan.ok) throw new Error(`assertion failed: city card plan: ${plan.problems.join('; ')}`);
  const uid = cityCardUid(input.index);
  const card = DesfireCard.open({
    factory: { uid },
    onInternalError: (error) => {
      throw error;
    },
  });
  const channel = new InProcessChannel(card).tap();
  const outcome = await runPlan({ client: new DesfireClient(channel), keys: input.issuer, steps: plan.steps });
  channel.remove();
  if (!outcome.ok) throw new Error(`city card personalisation failed at ${outcome.failedStep}`);
  return { index: input.index, kind, cardNumber: cityCardNumber(input.index), uid, card, tap: () => new InProcessChannel(card).tap() };
}
