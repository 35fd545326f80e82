/** The fare engine: GTFS-Fares v2 feed loading, journey quotes and the offline bus-tap decision. */
export { loadFeedFromDirectory, loadFeedFromFiles, DEFAULT_FEED_TIME_ZONE } from './load-feed.js';
export { describeFeedError, type FeedError, type FeedErrorCode, type FeedResult } from './feed-error.js';
export { FEED_FILE_NAMES, type FeedFiles, type FeedFileName } from './feed-files.js';
export type { FareFeed, RouteInfo, FareProductOffer } from './feed-model.js';
export { parseJourney, journeySchema, JOURNEY_LEGS_MAX, JOURNEY_FILE_BYTES_MAX, type Journey, type JourneyLeg, type JourneyParse } from './journey.js';
export { quoteJourney, type JourneyQuote, type QuotedLeg, type QuotedLegKind, type QuoteResult, type QuoteFailureCode } from './quote.js';
export { decideBusTap, createFareEngine, TRANSFERS_USED_MAX, FALLBACK_HOLDER_CATEGORY, type FareEngineCreation } from './bus-tap.js';
export { formatAmount } from './money.js';
export { vietnamCivilDate } from './local-time.js';
