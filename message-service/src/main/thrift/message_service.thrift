/*
 * The example Thrift backend of Busgate: in-site messages between users. The users are the
 * ones of user-service, ids "1".."N" (N = busgate.message-service.user-count, default 10000).
 *
 * Served over TFramedTransport + TBinaryProtocol (see README.md). Fields are default-requiredness
 * unless marked optional: Thrift's "required" can never be relaxed later.
 */
namespace java io.busgate.examples.message.thrift

/** A message from one user to another. */
struct Message {
  1: string id,
  2: string body,
  /** When the message was sent, an ISO-8601 instant in UTC, e.g. "2025-12-31T23:59:00Z". */
  3: string sentAt,
  4: string fromUserId,
  5: string toUserId,
}

/** The messages one user received, newest first. */
struct Inbox {
  1: string userId,
  2: list<Message> messages,
}

struct SendMessageRequest {
  1: string fromUserId,
  2: string toUserId,
  /** 1 to 2,000 characters (code points), not blank. */
  3: string body,
  /**
   * Makes the send safe to repeat: a send with a key seen before creates nothing and returns
   * the message the first send created.
   */
  4: optional string idempotencyKey,
}

/** An id the request depends on does not exist; message says which. */
exception NotFound {
  1: string message,
}

/** The request breaks a documented limit; message says which. */
exception InvalidArgument {
  1: string message,
}

/**
 * The caller the call is made for (its principal, see README.md) may not do this; message says
 * why. Anonymous calls are never refused with it.
 */
exception PermissionDenied {
  1: string message,
}

service MessageService {

  /** The messages with the given ids that exist, in no particular order: match them by id. At most 1,000 ids. */
  list<Message> getMessages(1: list<string> ids) throws (1: InvalidArgument invalid),

  /**
   * One entry per requested user id, in request order (an unknown user has no messages), with at
   * most `first` (1..100) of the messages the user received, newest first. At most 1,000 ids.
   */
  list<Inbox> inbox(1: list<string> userIds, 2: i32 first = 20)
      throws (1: InvalidArgument invalid, 2: PermissionDenied denied),

  /** Sends a message; see SendMessageRequest.idempotencyKey for repeated sends. */
  Message sendMessage(1: SendMessageRequest request)
      throws (1: InvalidArgument invalid, 2: NotFound notFound, 3: PermissionDenied denied),
}
