/*
 * A warehouse inventory: a Thrift service the bridge knows nothing of, for the tests that
 * bridge it from its IDL alone.
 */
namespace java com.example.inventory

include "inventory/inventory_types.thrift"

struct Location {
  1: string aisle,
  2: i16 shelf,
}

struct StockItem {
  1: inventory_types.Sku sku,
  2: string name,
  3: inventory_types.Condition condition,
  4: inventory_types.Money price,
  5: list<Location> locations,
  6: set<string> tags,
  7: map<string, i32> countByWarehouse,
  8: optional binary photo,
  9: i64 version,
}

struct Adjustment {
  1: required inventory_types.Sku sku,
  2: required i32 delta,
  3: optional string requestId,
}

exception UnknownSku {
  1: string message,
  2: inventory_types.Sku sku,
}

/** A shortage: no message field, so the bridge shows its fields. */
exception OutOfStock {
  1: inventory_types.Sku sku,
  2: i32 available,
}

/** The caller may not do this (an anonymous caller adjusting stock). */
exception PermissionDenied {
  1: string message,
}

service Inventory {
  /** The items of the skus that exist, in no particular order. */
  list<StockItem> getItems(1: list<inventory_types.Sku> skus, 2: bool withPhotos = false),

  /** Applies an adjustment once per requestId, for a known caller only; answers the item after it. */
  StockItem adjust(1: Adjustment adjustment)
      throws (1: UnknownSku unknown, 2: OutOfStock outOfStock, 3: PermissionDenied denied),

  oneway void audit(1: string note),
}
