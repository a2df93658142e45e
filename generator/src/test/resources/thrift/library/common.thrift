namespace java com.example.library.common

typedef string Isbn

/** An amount of money. */
struct Money {
  1: required i64 cents,
  2: string currency = "EUR",
}

/** Nothing has the id asked for. */
exception NotFound {
  1: string message,
}
