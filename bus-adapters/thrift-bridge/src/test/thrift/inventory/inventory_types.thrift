/* Types of the inventory test service, included by inventory.thrift. */
namespace java com.example.inventory

enum Condition {
  NEW = 1,
  USED = 2,
  REFURBISHED = 5,
}

struct Money {
  1: required i64 cents,
  2: string currency = "EUR",
}

typedef string Sku
