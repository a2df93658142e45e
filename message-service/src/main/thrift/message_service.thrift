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
   * Makes the send safe to repeat: a send with a key its sender used before for the same send
   * (same fromUserId, toUserId and body) creates nothing and returns the message the first send
   * created; the same key with another toUserId or body is InvalidArgument. Keys are the sender's
   * own: another sender's equal key is another send. See README.md for how long keys are kept.
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
 * The caller the call is made for (its principal, see README.md) may not do this, or the call is
 * made for no one (anonymous) and needs a caller; message says why.
 */
exception PermissionDenied {
  1: string message,
}

service MessageService {

  /**
   * The messages with the given ids that exist and that the caller sent or received, in no
   * particular order: match them by id. Any other id, and every id of an anonymous call, is
   * answered as one that does not exist. At most 1,000 ids.
   */
  list<Message> getMessages(1: list<string> ids) throws (1: InvalidArgument invalid),

  /**
   * One entry per requested user id, in request order (an unknown user has no messages), with at
   * most `first` (1..100) of the messages the user received, newest first. At most 1,000 ids,
   * each the caller's own: PermissionDenied otherwise, and for an anonymous call.
   */
  list<Inbox> inbox(1: list<string> userIds, 2: i32 first = 20)
      throws (1: InvalidArgument invalid, 2: PermissionDenied denied),

  /**
   * Sends a message as the caller (fromUserId must be the caller: PermissionDenied otherwise, and
   * for an anonymous call); see SendMessageRequest.idempotencyKey for repeated sends.
   */
  Message sendMessage(1: SendMessageRequest request)
      throws (1: InvalidArgument invalid, 2: NotFound notFound, 3: PermissionDenied denied),
}
