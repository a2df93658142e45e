/* Test IDL of the JSON <-> Thrift mapping: every field kind, and a service to route to. */
namespace java io.busgate.bridge.thrift.test

enum Color {
  RED = 1,
  GREEN = 2,
}

struct Inner {
  1: string name,
  2: optional i32 rank,
}

struct AllKinds {
  1: bool flag,
  2: byte tiny,
  3: i16 small,
  4: i32 medium,
  5: i64 large,
  6: double ratio,
  7: string text,
  8: binary blob,
  9: list<string> names,
  10: set<i32> numbers,
  11: map<string, i64> counts,
  12: Inner inner,
  13: list<Inner> inners,
  14: Color color,
  15: map<i32, Inner> byRank,
  16: optional string note,
  17: list<list<i32>> grid,
}

struct Strict {
  1: required string id,
  2: optional string label,
}

union Choice {
  1: string text,
  2: i32 number,
}

struct Item {
  1: string id,
  2: string owner,
  3: list<string> tags,
}

struct ItemPage {
  1: list<Item> items,
  2: i32 total,
}

struct CreateItem {
  1: string owner,
  2: list<string> tags,
  3: optional string requestId,
}

exception Gone {
  1: string message,
}

exception Conflict {
  1: string reason,
}

service Catalog {
  ItemPage findItems(1: list<string> ids, 2: bool withTags = true) throws (1: Gone gone),
  list<Item> itemsInOrder(1: list<string> ids),
  list<Item> itemsByNumber(1: set<i64> numbers),
  Item createItem(1: CreateItem item) throws (1: Conflict conflict),
  AllKinds echo(1: AllKinds value, 2: Choice choice, 3: Strict strict),
  void touch(1: string id),
  oneway void ping(),
}
