/**
 * A small GTFS-Fares v2 feed for the publishing tests: one network, two bus
 * routes, a flat fare. It loads in the validator's loadFeedFromFiles
 * (validator/src/fares), checked by hand when it was written.
 */
export function smallFeed(): Record<string, string> {
  return {
    'agency.txt': 'agency_id,agency_name,agency_url,agency_timezone\nhb,Hanoi Bus,https://example.vn,Asia/Ho_Chi_Minh\n',
    'routes.txt': 'route_id,agency_id,route_short_name,route_type,network_id\n32,hb,32,3,bus\n09,hb,09,3,bus\n',
    'fare_products.txt': 'fare_product_id,fare_product_name,amount,currency\nflat,Flat fare,7000,VND\n',
    'fare_leg_rules.txt': 'leg_group_id,network_id,fare_product_id\nbus_leg,bus,flat\n',
  };
}
