/**
 * The DESFire EV2 card OS emulator: public surface.
 *
 *   const card = DesfireCard.open();                       // volatile, factory-fresh
 *   const card = openCardWithStateFile({ imagePath });     // --state FILE, tearing-safe
 *   card.powerOn(); card.process(apdu);                     // VirtualCard
 */
import { DesfireCard, type DesfireCardOptions } from './card.js';
import { JournaledCardStore } from './storage/journal.js';
import { FileMedium, type FileMediumOptions } from './storage/medium.js';

export { DesfireCard, CardStateError, DESFIRE_ATR, type DesfireCardOptions } from './card.js';
export { FACTORY_ATS, atrForAts, atsHistoricalBytes, contactlessAtr } from './atr.js';
export { factoryImage, formattedImage, type FactoryOptions } from './image/factory.js';
export { encodeImage, decodeImage, type DecodeResult } from './image/codec.js';
export { CARD_IMAGE_FORMAT_VERSION, type CardImage, type ApplicationImage, type CardFile, type KeyEntry, type KeyFamily } from './image/types.js';
export { JournaledCardStore, VolatileCardStore, type CardStore, type LoadResult } from './storage/journal.js';
export { FileMedium, MemoryMedium, StorageError, JOURNAL_FILE_SUFFIX, type StorageMedium, type RegionName, type FileMediumOptions } from './storage/medium.js';
export { FaultInjectingMedium, PowerCutError, type FaultMediumOptions } from './storage/fault-medium.js';
export * as emulatorLimits from './limits.js';

/** A card kept in `imagePath` (and `imagePath.journal` while a change is in flight); created factory-fresh when absent. */
export function openCardWithStateFile(options: FileMediumOptions & Omit<DesfireCardOptions, 'store'>): DesfireCard {
  const { imagePath, durability, ...cardOptions } = options;
  const medium = new FileMedium(durability === undefined ? { imagePath } : { imagePath, durability });
  return DesfireCard.open({ ...cardOptions, store: new JournaledCardStore(medium) });
}
