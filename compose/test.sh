#!/usr/bin/env bash
#
# Smoke test of the Docker deployment (compose/docker-compose.yml), for a machine with Docker
# Engine and Compose v2. GIVEN the stack up; WHEN a client queries, mutates, subscribes; THEN it
# gets answers over the bus, a trace of the query in Jaeger, and a second http-bridge joins its
# consumer group. Stops the stack at the end (--keep leaves it running).
#
# Usage: compose/test.sh [--build] [--keep]
#   --build   build the app images first (./mvnw -DskipTests package jib:dockerBuild); also done
#             when an image is missing
#   --keep    leave the stack running
# Needs docker (with the compose plugin), curl, and ports 8080, 8404 and 16686 free.

set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
readonly REPO_ROOT
readonly COMPOSE=(docker compose -f "${REPO_ROOT}/compose/docker-compose.yml")
readonly GRAPHQL=http://localhost:8080/graphql
readonly JAEGER=http://localhost:16686
readonly APPS=(user-service post-service message-service http-bridge grpc-bridge thrift-bridge gateway)
RUN_ID="smoke-$(date +%s)-$$"
readonly RUN_ID

build=false
keep=false
for arg in "$@"; do
	case "${arg}" in
		--build) build=true ;;
		--keep) keep=true ;;
		*) printf 'Usage: compose/test.sh [--build] [--keep]\n' >&2; exit 2 ;;
	esac
done

step() {
	printf '\n[test] %s\n' "$*"
}

pass() {
	printf '[test]   ok: %s\n' "$*"
}

fail() {
	printf '[test]   FAILED: %s\n' "$*" >&2
	exit 1
}

# eventually <seconds> <command...>: runs the command once a second until it succeeds.
eventually() {
	local deadline=$((SECONDS + $1))
	shift
	until "$@"; do
		((SECONDS < deadline)) || return 1
		sleep 1
	done
}

# graphql <body> [token]: posts a GraphQL request, with the token as the caller's when given.
graphql() {
	local auth=()
	(($# > 1)) && auth=(-H "authorization: Bearer $2")
	curl -fsS --max-time 20 "${GRAPHQL}" -H 'content-type: application/json' "${auth[@]}" -d "$1"
}

bridge_members() {
	"${COMPOSE[@]}" exec -T kafka-1 env KAFKA_HEAP_OPTS=-Xmx128m /opt/kafka/bin/kafka-consumer-groups.sh \
		--bootstrap-server kafka-1:19092 --describe --group user-bridge --members 2>/dev/null |
		grep -c '^user-bridge ' || true
}

docker compose version >/dev/null 2>&1 || fail "needs Docker with the compose plugin (docker compose version)"
if [[ "${keep}" == false ]]; then
	trap '"${COMPOSE[@]}" down --remove-orphans >/dev/null 2>&1 || true' EXIT
fi

step "GIVEN the app images"
for app in "${APPS[@]}"; do
	docker image inspect "busgate/${app}:latest" >/dev/null 2>&1 || build=true
done
if [[ "${build}" == true ]]; then
	(cd "${REPO_ROOT}" && ./mvnw -B -q -DskipTests package jib:dockerBuild) || fail "building the images failed"
fi
pass "busgate/{$(IFS=,; printf '%s' "${APPS[*]}")}:latest"

step "GIVEN tokens for users 1 and 2, signed with the local stack's key, which the gateways verify"
# No identity provider here: the gateways take the local key (BUSGATE_LOCAL_SIGNING_KEY) and the
# audience the local tokens are for.
TOKEN_1="$("${REPO_ROOT}/compose/local-stack.sh" token 1)" || fail "could not mint a token (build first: --build)"
TOKEN_2="$("${REPO_ROOT}/compose/local-stack.sh" token 2)"
BUSGATE_LOCAL_SIGNING_KEY="$(<"${REPO_ROOT}/target/local-stack/signing-key")"
BUSGATE_JWT_AUDIENCES=busgate
export BUSGATE_LOCAL_SIGNING_KEY BUSGATE_JWT_AUDIENCES
pass "tokens for users 1 and 2"

step "GIVEN the stack (three brokers, topics, services, bridges, two gateways, HAProxy, Jaeger)"
"${COMPOSE[@]}" up -d --wait --wait-timeout 300 || { "${COMPOSE[@]}" ps; fail "the stack did not become healthy"; }
eventually 60 curl -fsS -o /dev/null "http://localhost:8404/healthz" || fail "HAProxy has no gateway in rotation"
pass "every container healthy; HAProxy has a gateway in rotation"

step "WHEN a client queries a user through HAProxy THEN the user service answers over the bus"
answer="$(graphql '{"query":"{ getUser(id: \"1\") { id name friends(pageSize: 2) { id } } }"}')"
[[ "${answer}" == *'"getUser":{"id":"1","name":'* && "${answer}" != *'"errors"'* ]] || fail "unexpected answer: ${answer}"
pass "${answer}"

step "WHEN a client creates a post THEN it reads back over gRPC"
answer="$(graphql '{"query":"mutation { createPost(input: { title: \"'"${RUN_ID}"'\", body: \"compose\", idempotencyKey: \"'"${RUN_ID}"'\" }) { id } }"}' "${TOKEN_1}")"
post_id="$(sed -n 's/.*"createPost":{"id":"\([^"]*\)".*/\1/p' <<<"${answer}")"
[[ -n "${post_id}" ]] || fail "no post id in: ${answer}"
answer="$(graphql '{"query":"{ post(id: \"'"${post_id}"'\") { title author { id } } }"}')"
[[ "${answer}" == *"\"title\":\"${RUN_ID}\""* ]] || fail "post ${post_id} does not read back: ${answer}"
pass "post ${post_id}: ${answer}"

step "WHEN a client subscribes over SSE and a message is sent THEN the subscriber receives it"
events="$(mktemp)"
curl -sN --max-time 60 "${GRAPHQL}" -H 'content-type: application/json' -H 'accept: text/event-stream' \
	-H "authorization: Bearer ${TOKEN_2}" -d '{"query":"subscription { messageReceived(toUserId: \"2\") { body } }"}' >"${events}" &
subscriber=$!
# The subscription may not be registered yet when the first message goes out: send until one
# arrives (each message has its own body and idempotency key).
send_and_check() {
	local body="${RUN_ID}-$((++sent))"
	graphql '{"query":"mutation { sendMessage(input: { toUserId: \"2\", body: \"'"${body}"'\", idempotencyKey: \"'"${body}"'\" }) { id } }"}' "${TOKEN_1}" >/dev/null
	sleep 1
	grep -q "\"body\":\"${RUN_ID}-" "${events}"
}
sent=0
eventually 30 send_and_check || { kill "${subscriber}" 2>/dev/null; fail "no event after ${sent} messages; got: $(cat "${events}")"; }
kill "${subscriber}" 2>/dev/null || true
pass "$(grep -m 1 "${RUN_ID}" "${events}")"
rm -f "${events}"

step "WHEN Jaeger is asked for the gateway's traces THEN one spans the gateway and a bridge"
traced() {
	curl -fsS --max-time 5 "${JAEGER}/api/traces?service=gateway&limit=50&lookback=1h" 2>/dev/null |
		grep -q '"serviceName":"http-bridge"'
}
eventually 60 traced || fail "no trace with gateway and http-bridge spans in Jaeger (${JAEGER}/search?service=gateway)"
pass "see ${JAEGER}/search?service=gateway"

step "WHEN http-bridge is scaled to 2 THEN both replicas are members of the group user-bridge"
[[ "$(bridge_members)" == 1 ]] || fail "user-bridge should have 1 member before scaling, has $(bridge_members)"
"${COMPOSE[@]}" up -d --wait --wait-timeout 180 --scale http-bridge=2 || fail "scaling http-bridge failed"
members_are_two() { [[ "$(bridge_members)" == 2 ]]; }
eventually 60 members_are_two || fail "user-bridge has $(bridge_members) member(s), not 2"
answer="$(graphql '{"query":"{ getUser(id: \"2\") { id } }"}')"
[[ "${answer}" == *'"getUser":{"id":"2"}'* ]] || fail "query after scaling: ${answer}"
pass "2 members; queries still answered"

step "All smoke tests passed"
