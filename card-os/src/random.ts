/** Where card and host get randomness (RndA, RndB, TI, random IDs); tests inject fixed bytes. */
import { randomBytes } from 'node:crypto';

export type RandomSource = (lengthBytes: number) => Uint8Array;

export const secureRandom: RandomSource = (lengthBytes) => Uint8Array.from(randomBytes(lengthBytes));
