/*
 * A lending library: a test IDL of every kind of type, batched lookups, mutations and errors.
 */
namespace java com.example.library

include "library/common.thrift"

typedef i64 Timestamp

/** Where a copy is. */
enum Availability {
  ON_SHELF = 1,
  LENT = 2,
  LOST = 5,
}

/** A place on a shelf. */
struct Shelf {
  1: string room,
  2: i16 row,
}

/** One physical copy of a book. */
struct Copy {
  1: string copyId,
  2: Shelf shelf,
  3: Availability availability,
  /** Milliseconds since the epoch, while lent. */
  4: optional Timestamp dueAt,
}

/** Who a book is by. */
union Creator {
  1: string person,
  2: string organisation,
}

/** A book of the catalogue. */
struct Book {
  1: common.Isbn isbn,
  2: string title,
  3: list<Creator> creators,
  4: set<string> subjects,
  5: map<string, i32> copiesByBranch,
  6: optional binary cover,
  7: list<Copy> copies,
  8: required common.Money price,
  9: i64 wordCount,
  10: double rating = 4.5,
}

/** The books found, with how many there are. */
struct BookPage {
  1: list<Book> books,
  2: i32 total,
}

/** The copies one member has borrowed. */
struct MemberLoans {
  1: string memberId,
  2: list<Copy> loans,
}

struct ReserveRequest {
  1: string memberId,
  2: common.Isbn isbn,
  3: optional string idempotencyKey,
}

/** Never answered: reached by no function. */
struct Unused {
  1: string nothing,
}

/** The copy is not in a state that allows this. */
exception Conflict {
  1: Availability availability,
}

service Library {

  /** The books with these ISBNs that exist. */
  BookPage getBooks(1: list<common.Isbn> isbns, 2: bool withCopies = 1) throws (1: common.NotFound notFound),

  list<Copy> getCopies(1: list<string> copyIds),

  /** Each member's loans, newest first. */
  list<MemberLoans> loansOf(1: list<string> memberIds, 2: i32 first = 10),

  /** Books whose title contains the text. */
  list<Book> search(1: string text, 2: optional list<string> subjects, 3: Availability availability = Availability.LENT),

  /** Reserves a copy of a book for a member. */
  Copy reserveCopy(1: ReserveRequest request) throws (1: common.NotFound notFound, 2: Conflict conflict),

  /** Puts a copy back on its shelf. */
  void cancelLoan(1: required string copyId, 2: string reason = "returned"),

  oneway void ping(),
}
