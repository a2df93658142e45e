/*
 * A community garden: a Thrift service no part of Busgate was written for, whose GraphQL schema
 * and routes the generator writes from this file alone (GardenThriftBackend serves it).
 */
namespace java io.busgate.systemtests.generated.garden

/** How a plant is doing. */
enum Health {
  THRIVING = 1,
  WILTING = 2,
  DORMANT = 3,
}

/** Where a plant grows. */
struct Bed {
  1: string name,
  2: i32 row,
}

/** How to look after a plant. */
struct Care {
  1: i32 waterEveryDays,
  2: list<string> notes,
}

/** A plant of the garden. */
struct Plant {
  1: string id,
  2: string species,
  3: Health health,
  4: Bed bed,
  5: Care care,
  /** Plants that grow well next to this one. */
  6: list<string> companionIds,
  /** When it was planted, milliseconds since the epoch. */
  7: i64 plantedAt,
}

struct PlantRequest {
  1: required string species,
  2: required Bed bed,
  3: optional string idempotencyKey,
}

/** The request breaks a documented limit; message says which. */
exception InvalidArgument {
  1: string message,
}

service Garden {

  /** The plants with these ids that exist, in no particular order. At most 100 ids. */
  list<Plant> getPlants(1: list<string> ids) throws (1: InvalidArgument invalid),

  /** Plants a new plant; the same idempotencyKey plants it once. */
  Plant addPlant(1: PlantRequest request) throws (1: InvalidArgument invalid),
}
