/**
 * The network half of the feed: routes with their network (routes.network_id,
 * route_networks.txt, or the OneCard distance band of their length), card
 * route codes, stops with their station and areas.
 */
import { fail } from './feed-error.js';
import { rowsOf, type FeedFiles } from './feed-files.js';
import type { RouteInfo, StopInfo } from './feed-model.js';
import { areaRow, networkRow, onecardDistanceBandRow, onecardRouteRow, routeNetworkRow, routeRow, stopAreaRow, stopRow } from './row-schemas.js';

export interface NetworkPart {
  readonly routes: ReadonlyMap<string, RouteInfo>;
  readonly routesByCardCode: ReadonlyMap<number, RouteInfo>;
  /** undefined when the feed has no stops.txt: any stop id is accepted, without areas. */
  readonly stops: ReadonlyMap<string, StopInfo> | undefined;
  readonly networkIds: ReadonlySet<string>;
  readonly areaIds: ReadonlySet<string>;
}

function unique<T>(seen: Set<T>, key: T, at: { file: string; line: number; field: string }, what: string): void {
  if (seen.has(key)) fail('duplicate_key', at, `${what} appears twice`);
  seen.add(key);
}

export function buildNetwork(files: FeedFiles): NetworkPart {
  const routeRows = rowsOf(files, 'routes.txt', routeRow, { requiredColumns: ['route_id'], presence: 'required' });
  const networks = rowsOf(files, 'networks.txt', networkRow, { requiredColumns: ['network_id'], presence: 'optional' });
  const routeNetworks = rowsOf(files, 'route_networks.txt', routeNetworkRow, { requiredColumns: ['network_id', 'route_id'], presence: 'optional' });
  const onecardRoutes = rowsOf(files, 'onecard_routes.txt', onecardRouteRow, { requiredColumns: ['route_id', 'card_route_code'], presence: 'optional' });
  const bands = rowsOf(files, 'onecard_distance_bands.txt', onecardDistanceBandRow, {
    requiredColumns: ['distance_band_id', 'network_id', 'min_route_length_km'],
    presence: 'optional',
  });

  const networkIds = new Set<string>();
  for (const { line, value } of networks.rows) unique(networkIds, value.network_id, { file: 'networks.txt', line, field: 'network_id' }, `network ${value.network_id}`);

  const networkOf = new Map<string, string>();
  const routeIds = new Set<string>();
  const usesRouteNetworkColumn = routeRows.rows.some((row) => row.value.network_id !== undefined);
  if (usesRouteNetworkColumn && (routeNetworks.present || networks.present)) {
    fail('rule_violated', { file: routeNetworks.present ? 'route_networks.txt' : 'networks.txt' }, 'forbidden when routes.txt gives network_id (reference.md: networks.txt and route_networks.txt are conditionally forbidden)');
  }
  for (const { line, value } of routeRows.rows) {
    unique(routeIds, value.route_id, { file: 'routes.txt', line, field: 'route_id' }, `route ${value.route_id}`);
    if (value.network_id !== undefined) {
      networkOf.set(value.route_id, value.network_id);
      networkIds.add(value.network_id);
    }
  }
  for (const { line, value } of routeNetworks.rows) {
    const at = { file: 'route_networks.txt', line };
    if (!networkIds.has(value.network_id)) fail('reference_unknown', { ...at, field: 'network_id' }, `network ${value.network_id} is not in networks.txt`);
    if (!routeIds.has(value.route_id)) fail('reference_unknown', { ...at, field: 'route_id' }, `route ${value.route_id} is not in routes.txt`);
    if (networkOf.has(value.route_id)) fail('duplicate_key', { ...at, field: 'route_id' }, `route ${value.route_id} is in more than one network`);
    networkOf.set(value.route_id, value.network_id);
  }

  const bandList = bands.rows.map(({ line, value }) => {
    const at = { file: 'onecard_distance_bands.txt', line };
    if (!networkIds.has(value.network_id)) fail('reference_unknown', { ...at, field: 'network_id' }, `network ${value.network_id} is not in networks.txt`);
    if (value.max_route_length_km !== undefined && value.max_route_length_km <= value.min_route_length_km) {
      fail('rule_violated', { ...at, field: 'max_route_length_km' }, 'must be greater than min_route_length_km');
    }
    return { line, id: value.distance_band_id, networkId: value.network_id, minM: value.min_route_length_km, maxM: value.max_route_length_km ?? Number.POSITIVE_INFINITY };
  });
  const sortedBands = [...bandList].sort((a, b) => a.minM - b.minM);
  for (let i = 1; i < sortedBands.length; i++) {
    const [previous, band] = [sortedBands[i - 1], sortedBands[i]];
    if (previous !== undefined && band !== undefined && band.minM < previous.maxM) {
      fail('rule_violated', { file: 'onecard_distance_bands.txt', line: band.line, field: 'min_route_length_km' }, `band ${band.id} overlaps band ${previous.id}`);
    }
  }

  const codeOf = new Map<string, { code: number; lengthM: number | undefined }>();
  const codes = new Set<number>();
  for (const { line, value } of onecardRoutes.rows) {
    const at = { file: 'onecard_routes.txt', line };
    if (!routeIds.has(value.route_id)) fail('reference_unknown', { ...at, field: 'route_id' }, `route ${value.route_id} is not in routes.txt`);
    if (codeOf.has(value.route_id)) fail('duplicate_key', { ...at, field: 'route_id' }, `route ${value.route_id} appears twice`);
    unique(codes, value.card_route_code, { ...at, field: 'card_route_code' }, `card route code ${value.card_route_code}`);
    const lengthM = value.route_length_km;
    if (lengthM !== undefined && bandList.length > 0) {
      const band = bandList.find((b) => lengthM >= b.minM && lengthM < b.maxM);
      if (band === undefined) fail('rule_violated', { ...at, field: 'route_length_km' }, `no distance band covers ${lengthM / 1000} km`);
      if (networkOf.has(value.route_id)) fail('rule_violated', { ...at, field: 'route_id' }, `route ${value.route_id} already has a network; a distance band would give it a second one`);
      networkOf.set(value.route_id, band.networkId);
    }
    codeOf.set(value.route_id, { code: value.card_route_code, lengthM });
  }

  const routes = new Map<string, RouteInfo>();
  const routesByCardCode = new Map<number, RouteInfo>();
  for (const routeId of routeIds) {
    const card = codeOf.get(routeId);
    const info: RouteInfo = { routeId, networkId: networkOf.get(routeId), cardRouteCode: card?.code, routeLengthM: card?.lengthM };
    routes.set(routeId, info);
    if (card !== undefined) routesByCardCode.set(card.code, info);
  }

  const { stops, areaIds } = buildStops(files);
  return { routes, routesByCardCode, stops, networkIds, areaIds };
}

function buildStops(files: FeedFiles): { stops: ReadonlyMap<string, StopInfo> | undefined; areaIds: ReadonlySet<string> } {
  const stopRows = rowsOf(files, 'stops.txt', stopRow, { requiredColumns: ['stop_id'], presence: 'optional' });
  const areas = rowsOf(files, 'areas.txt', areaRow, { requiredColumns: ['area_id'], presence: 'optional' });
  const stopAreas = rowsOf(files, 'stop_areas.txt', stopAreaRow, { requiredColumns: ['area_id', 'stop_id'], presence: 'optional' });
  const areaIds = new Set<string>();
  for (const { line, value } of areas.rows) unique(areaIds, value.area_id, { file: 'areas.txt', line, field: 'area_id' }, `area ${value.area_id}`);
  if (stopAreas.present && !stopRows.present) fail('file_missing', { file: 'stops.txt' }, 'stop_areas.txt refers to stops, so the feed needs stops.txt');
  if (!stopRows.present) return { stops: undefined, areaIds };

  const parentOf = new Map<string, string | undefined>();
  for (const { line, value } of stopRows.rows) {
    if (parentOf.has(value.stop_id)) fail('duplicate_key', { file: 'stops.txt', line, field: 'stop_id' }, `stop ${value.stop_id} appears twice`);
    parentOf.set(value.stop_id, value.parent_station);
  }
  for (const { line, value } of stopRows.rows) {
    if (value.parent_station !== undefined && !parentOf.has(value.parent_station)) {
      fail('reference_unknown', { file: 'stops.txt', line, field: 'parent_station' }, `station ${value.parent_station} is not in stops.txt`);
    }
  }
  const directAreas = new Map<string, string[]>();
  for (const { line, value } of stopAreas.rows) {
    const at = { file: 'stop_areas.txt', line };
    if (!areaIds.has(value.area_id)) fail('reference_unknown', { ...at, field: 'area_id' }, `area ${value.area_id} is not in areas.txt`);
    if (!parentOf.has(value.stop_id)) fail('reference_unknown', { ...at, field: 'stop_id' }, `stop ${value.stop_id} is not in stops.txt`);
    const list = directAreas.get(value.stop_id) ?? [];
    if (!list.includes(value.area_id)) list.push(value.area_id);
    directAreas.set(value.stop_id, list);
  }
  const stops = new Map<string, StopInfo>();
  for (const [stopId, parent] of parentOf) {
    const own = directAreas.get(stopId);
    // reference.md stop_areas.txt: a station's areas hold for its platforms unless a platform is assigned itself.
    const areaList = own ?? (parent === undefined ? undefined : directAreas.get(parent)) ?? [];
    stops.set(stopId, { stopId, stationId: parent ?? stopId, areaIds: Object.freeze([...areaList]) });
  }
  return { stops, areaIds };
}
