#!/usr/bin/env bash
#
# Runs the whole Busgate stack on this machine, without Docker: a single-node Kafka broker
# (KRaft) from Kafka's own jars, a Zipkin server every app sends its spans to, then the example services (user, post, message), their bridges
# (HTTP, gRPC, Thrift) and the gateway, each as its own java process; bridges and gateways can be
# scaled out (several processes each, gateways behind HAProxy). Stays in the foreground; Ctrl-C
# stops everything (HAProxy, gateways and bridges first, then the services, Zipkin, the broker last).
#
# Usage: ./compose/local-stack.sh [--no-build] [--prepare-only] [--bridges user=N,post=N,message=N] [--add DIR]
#        [--gateways N] [--no-rate-limit] [--add DIR] [--help]   (see usage() below)
#        ./compose/local-stack.sh token <userId> [validity, e.g. 30m; default 12h]
#            prints a token (JWT) for a user that the local stack's gateways accept
#        ./compose/local-stack.sh restart <name>
#            restarts one app instance of the running stack with the same settings

set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "${SCRIPT_DIR}/.." && pwd)"
readonly SCRIPT_DIR REPO_ROOT
readonly CONFIG_DIR="${SCRIPT_DIR}/local"
readonly KAFKA_LIB="${SCRIPT_DIR}/target/kafka-lib"
readonly ZIPKIN_LIB="${SCRIPT_DIR}/target/zipkin"
readonly ZIPKIN_PORT=9411
readonly ZIPKIN_URL="http://127.0.0.1:${ZIPKIN_PORT}"
# Every app exports its spans to Zipkin (Spring Boot's own properties; OTLP instead, e.g. to a
# collector: OTEL_EXPORTER_OTLP_ENDPOINT, see README.md). Every trace by default: this is a stack
# to look into; the benchmark samples as production would.
readonly TRACE_SAMPLING="${BUSGATE_TRACE_SAMPLING:-1.0}"
readonly TRACING_ARGS="--management.tracing.export.zipkin.enabled=true --management.tracing.export.zipkin.endpoint=${ZIPKIN_URL}/api/v2/spans --management.tracing.sampling.probability=${TRACE_SAMPLING}"
readonly STACK_DIR="${REPO_ROOT}/target/local-stack"
# The example services' routes, one file per service, given to the generic bridges.
readonly ROUTES_DIR="${REPO_ROOT}/compose/routes"
readonly DATA_DIR="${STACK_DIR}/kafka-data"
readonly LOG_DIR="${STACK_DIR}/logs"
readonly CLASS_DATA_DIR="${STACK_DIR}/class-data"
# While the stack runs: every process it started, one JSON object per line (name, pid, port),
# rewritten whenever a pid changes, removed on stop; and where `restart <name>` leaves requests.
readonly PROCESSES_FILE="${STACK_DIR}/processes.json"
readonly RESTART_DIR="${STACK_DIR}/restart"
# The gateways' local token signing key (HMAC-SHA256), made on first use and kept across runs, so
# that tokens stay valid over restarts. Never used in production, where an identity provider signs.
readonly SIGNING_KEY_FILE="${STACK_DIR}/signing-key"
readonly SIGNING_KEY_VARIABLE=BUSGATE_GATEWAY_SECURITY_LOCAL_SIGNING_KEY
# What the gateways ask of a token besides its signature, and what 'token' mints: its issuer (iss)
# and audience (aud); LocalTokens' defaults, set here so that both sides say them.
readonly TOKEN_ISSUER=busgate-local
readonly TOKEN_AUDIENCE=busgate

readonly BOOTSTRAP="127.0.0.1:9092"
readonly HAPROXY_TEMPLATE="${SCRIPT_DIR}/haproxy/haproxy.cfg.template"
readonly HAPROXY_CFG="${STACK_DIR}/haproxy.cfg"
# Behind HAProxy the gateways take the client's address for their limits per client from the
# X-Forwarded-For it sets, and believe that header only from HAProxy's own address.
readonly HAPROXY_TRUSTED_BY_GATEWAYS="--busgate.gateway.limits.trusted-proxies=127.0.0.1"
# The public GraphQL port: the gateway's own with one gateway, HAProxy's with several.
readonly FRONT_PORT=8080
readonly STATS_PORT=8404
# Behind HAProxy, gateway k listens on GATEWAY_BASE_PORT + k (8181, 8182, ...).
readonly GATEWAY_BASE_PORT=8180
# Instance k of a bridge listens on its first instance's port + 100 * (k - 1) (8091, 8191, ...).
readonly INSTANCE_PORT_STEP=100
readonly MAX_INSTANCES=9
readonly REQUEST_PARTITIONS="${BUSGATE_REQUEST_PARTITIONS:-6}"
# How long request and reply topics keep records, so recorded traffic can be replayed (bus-replay).
readonly RETENTION_HOURS="${BUSGATE_RETENTION_HOURS:-24}"
readonly STARTUP_TIMEOUT="${BUSGATE_STARTUP_TIMEOUT:-120}"
# Calls each bridge works on at once (busgate.bridge.max-in-flight); empty: the bridges' default.
readonly BRIDGE_MAX_IN_FLIGHT="${BUSGATE_BRIDGE_MAX_IN_FLIGHT:-}"
readonly STOP_TIMEOUT=15
# Heaps start small and grow as needed (the JVM's default starts at 1/64 of the machine's memory,
# and the young generation alone then keeps tens of MB resident per process); glibc's malloc
# arenas are capped for the same reason (by default up to 8 per core, each holding freed memory).
readonly APP_JVM_OPTS=(-Xms64m -Xmx256m -XX:+UseSerialGC)
readonly KAFKA_JVM_OPTS=(-Xms128m -Xmx512m -XX:+UseSerialGC -Djava.awt.headless=true)
export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}"
# Zipkin keeps spans in memory: at most ZIPKIN_MAX_SPANS (its zipkin.storage.mem.max-spans, 500,000
# by default, which no 256 MB heap holds; it drops the oldest traces beyond), in a heap that
# holds them under any load (40,000 spans: about 120 MB live after a full GC).
readonly ZIPKIN_MAX_SPANS="${BUSGATE_ZIPKIN_MAX_SPANS:-40000}"
# C1 only: Zipkin is off the request path, and its JIT would otherwise compete with the stack's for a CPU.
readonly ZIPKIN_JVM_OPTS=(-Xms64m -Xmx320m -XX:+UseSerialGC -XX:TieredStopAtLevel=1)
readonly TOOL_JVM_OPTS=(-Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1)

# App instances: name|group|module directory|artifactId|HTTP port (actuator)|extra arguments
# (space-separated). The group is the app the instance is one process of; an instance's name is
# its group's, with -2, -3, ... for the second, third, ... instance (also its log file name).
# The example services start with the broker; the bridges and the gateways once it serves.
readonly SERVICES=(
	# Drills: PUT http://localhost:8081/drill/slowdown?ms=3000 slows the user API down (chaos fault 5).
	"user-service|user-service|user-service|user-service|8081|--busgate.user-service.drills=true"
	"post-service|post-service|post-service|post-service|8082|"
	"message-service|message-service|message-service|message-service|8083|"
)
readonly SERVICE_NAMES=(user post message)
# Bridges: service|name|module directory|artifactId|HTTP port of the first instance. Each is the
# generic bridge jar given its service's routes, compose/routes/<service>.yml (spring.config.import);
# every instance of a service's bridge joins the consumer group <service>-bridge. They are told the
# partition count too, or they would grow the topics to their own default.
readonly BRIDGES=(
	"user|http-bridge|bus-adapters/http-bridge|http-bridge|8091"
	"post|grpc-bridge|bus-adapters/grpc-bridge|grpc-bridge|8092"
	"message|thrift-bridge|bus-adapters/thrift-bridge|thrift-bridge|8093"
)
# Arguments of one service's bridge only: the Thrift bridge reads its backend's IDL at start.
readonly -A BRIDGE_ARGS=([message]="--busgate.bridge.thrift.idl=${REPO_ROOT}/message-service/src/main/thrift/message_service.thrift")

JAVA="java"
BUILD=true
PREPARE_ONLY=false
# false (--no-rate-limit): the gateways do not limit requests per client.
RATE_LIMIT=true
# Instances per service's bridge (--bridges) and gateways (--gateways).
declare -A BRIDGE_COUNT=([user]=1 [post]=1 [message]=1)
GATEWAYS=1
# Directories of generated files (--add): each <service>.yml gets a bridge, each .graphqls joins
# the gateways' schema.
ADDED_DIRS=()
# The first added bridge's HTTP port (actuator); the next ones count up.
readonly ADDED_BRIDGE_BASE_PORT=8094
# Filled in by plan_instances from the counts above.
BUS_APPS=()
GATEWAY_IDS=()
GATEWAY_PORTS=()
ALL_PORTS=()
KAFKA_PID=""
KAFKA_LOG_FROM=1
ZIPKIN_PID=""
HAPROXY_PID=""
# One entry per started app instance. Tier: "service" (stopped after the others) or "bus".
# Spec: name|group|module|artifact|port|arguments, what a restart starts again.
APP_SPECS=()
APP_NAMES=()
APP_GROUPS=()
APP_TIERS=()
APP_PIDS=()
APP_PORTS=()
APP_DEAD=()
CLEANED_UP=false
# While class-data archives are recorded: the recorders (subshells, each waiting for its java).
RECORDER_PIDS=()
BROKER_HELD=false # true while the broker is stopped on request (SIGUSR1)

usage() {
	cat <<EOF
Usage: ./compose/local-stack.sh [--no-build] [--prepare-only] [--bridges user=N,post=N,message=N]
                               [--gateways N] [--no-rate-limit] [--help]
       ./compose/local-stack.sh token <userId> [validity, e.g. 30m or 2h; default 12h]
       ./compose/local-stack.sh restart <name>

Runs the whole Busgate stack locally, no Docker needed:
  1. builds the repository once (./mvnw -B -q -DskipTests package),
  2. starts Zipkin on ${ZIPKIN_URL} (compose/target/zipkin); every app sends its spans there,
  3. starts a single-node Kafka broker (KRaft) on ${BOOTSTRAP} from compose/target/kafka-lib,
     with fresh data under target/local-stack/kafka-data,
  4. starts user-service (:8081), post-service (gRPC :9090, :8082) and message-service
     (Thrift :9095, :8083) meanwhile,
  5. once the broker serves, starts the bridges: http-bridge (:8091), grpc-bridge (:8092),
     thrift-bridge (:8093), and their extra instances on the first one's port + 100, + 200, ...
     (http-bridge-2 on :8191); each creates <service>.requests and <service>.requests-dlt
     (BUSGATE_REQUEST_PARTITIONS partitions) unless they exist,
  6. and the gateways, which create gateway.replies.local-<k> and the event topics: one gateway (instance local-1) on :${FRONT_PORT}; or, with --gateways N
     (N > 1), gateways local-1 ... local-N on :$((GATEWAY_BASE_PORT + 1)) ... and HAProxy on :${FRONT_PORT} in
     front of them (round robin, readiness checks; stats on http://127.0.0.1:${STATS_PORT}/),
  7. waits until all report ready, prints the URLs, and stays in the foreground.
The gateways verify tokens (JWT, HMAC-SHA256) with a key kept in ${SIGNING_KEY_FILE#"${REPO_ROOT}"/}
(made on first use); 'token <userId>' prints one for a user, to send as 'Authorization: Bearer <token>'.
Mutations, subscriptions and a user's inbox need one; other queries work without.
Ctrl-C (or SIGTERM) stops HAProxy, the gateways and the bridges, then the services, Zipkin, the broker.
For fault drills, SIGUSR1 stops the broker (cleanly, keeping its data) and SIGUSR2 starts it again;
everything else stays up and reconnects on its own (compose/chaos/run.sh uses this).
While it runs, ${PROCESSES_FILE#"${REPO_ROOT}"/} lists every process it started (name, pid, port), and
'restart <name>' (e.g. http-bridge-2, gateway) stops that app instance if it still runs and starts it
again with the same settings (port, instance id, arguments), then waits until it is ready.

Options:
  --no-build             skip the Maven build and use the jars already in */target
  --prepare-only         build (unless --no-build) and record the apps' class-data archives, then
                         exit; what a launch would otherwise do first after a changed jar
  --bridges SPEC         bridge processes per service, e.g. user=2,post=2 (services: user, post,
                         message; 1 to ${MAX_INSTANCES} each; unnamed services keep 1). The instances of a
                         service's bridge share the consumer group <service>-bridge
  --gateways N           gateway processes, 1 to ${MAX_INSTANCES} (default 1); more than one puts HAProxy
                         on :${FRONT_PORT} (installed with apt-get when missing and run as root)
  --add DIR              also serve a backend of your own from the generator's files in DIR (README.md,
                         "Put your own service behind Busgate"): one bridge per <service>.yml there
                         (http-, grpc- or thrift-bridge, as the file says; :${ADDED_BRIDGE_BASE_PORT}, :$((ADDED_BRIDGE_BASE_PORT + 1)), ...), and the
                         gateways read DIR's *.graphqls besides their own schema. Repeatable; no
                         spaces in DIR. The backend itself is yours to start
  --no-rate-limit        turn the gateways' rate limit per client off (busgate.gateway.limits.rate,
                         on by default: 50 requests per second, burst 100); for load from this
                         machine, e.g. compose/bench/run.sh and compose/chaos/run.sh
  -h, --help             show this help

Environment:
  BUSGATE_RETENTION_HOURS      how long request and reply topics keep records, for replaying them
                               (default 24)
  BUSGATE_REQUEST_PARTITIONS   partitions of each request topic and its -dlt (default 6); also the
                               most bridges of one service that get work (the others stand by)
  BUSGATE_STARTUP_TIMEOUT      seconds to wait for the broker, and for the apps (default 120)
  BUSGATE_BRIDGE_MAX_IN_FLIGHT calls each bridge works on at once (default: the bridges' own, 128)
  BUSGATE_TRACE_SAMPLING       the share of traces recorded and sent to Zipkin, 0.0 to 1.0
                               (default 1.0, every trace)
  BUSGATE_ZIPKIN_MAX_SPANS     spans Zipkin keeps in memory, 1 to 60000 (default 40000); beyond
                               it drops the oldest traces, so it keeps working under any load
  JAVA_HOME                    the JDK to use (default: java on the PATH); Java 17 or newer

Logs: target/local-stack/logs/<name>.log (kafka, kafka-tools, zipkin, haproxy, one per app instance:
      gateway.log, gateway-2.log, http-bridge.log, http-bridge-2.log, ...)
Requires: bash, curl, java 17+, and haproxy 2.6+ for --gateways N > 1. Ports 9092, 9093, 9090,
9095, ${ZIPKIN_PORT}, 8081-8083 and every bridge's, gateway's (and HAProxy's ${FRONT_PORT}, ${STATS_PORT}) port must be free.
EOF
}

info() {
	printf '[local-stack] %s\n' "$*"
}

fail() {
	printf '[local-stack] ERROR: %s\n' "$*" >&2
	exit 1
}

# valid_count <text>: an instance count, 1 to MAX_INSTANCES.
valid_count() {
	[[ "$1" =~ ^[0-9]{1,3}$ ]] && ((10#$1 >= 1 && 10#$1 <= MAX_INSTANCES))
}

# parse_bridges <spec>: service=count[,service=count...]
parse_bridges() {
	local spec="$1" items=() item service count
	IFS=',' read -r -a items <<<"${spec}"
	((${#items[@]} > 0)) || fail "--bridges needs service=count[,service=count...], e.g. user=2,post=2"
	for item in "${items[@]}"; do
		[[ "${item}" =~ ^([a-z]+)=([0-9]+)$ ]] ||
			fail "--bridges expects service=count[,service=count...] (services: ${SERVICE_NAMES[*]}), got '${item}'"
		service="${BASH_REMATCH[1]}"
		count="${BASH_REMATCH[2]}"
		[[ -v "BRIDGE_COUNT[${service}]" ]] ||
			fail "unknown service '${service}' in --bridges (known: ${SERVICE_NAMES[*]})"
		valid_count "${count}" || fail "--bridges ${service}=${count}: the count must be 1 to ${MAX_INSTANCES}"
		BRIDGE_COUNT["${service}"]=$((10#${count}))
	done
}

parse_args() {
	while (($# > 0)); do
		case "$1" in
			--no-build) BUILD=false ;;
			--prepare-only) PREPARE_ONLY=true ;;
			--no-rate-limit) RATE_LIMIT=false ;;
			--bridges | --gateways | --add)
				(($# >= 2)) || fail "$1 needs a value (see --help)"
				set -- "$1=$2" "${@:3}"
				continue
				;;
			--bridges=*) parse_bridges "${1#*=}" ;;
			--add=*)
				[[ -d "${1#*=}" && "${1#*=}" != *" "* ]] || fail "--add needs a directory without spaces, was '${1#*=}'"
				ADDED_DIRS+=("$(cd "${1#*=}" && pwd)")
				;;
			--gateways=*)
				valid_count "${1#*=}" || fail "--gateways must be 1 to ${MAX_INSTANCES}, was '${1#*=}'"
				GATEWAYS=$((10#${1#*=}))
				;;
			-h | --help)
				usage
				exit 0
				;;
			*)
				usage >&2
				fail "unknown option: $1"
				;;
		esac
		shift
	done
	[[ "${REQUEST_PARTITIONS}" =~ ^[1-9][0-9]*$ ]] ||
		fail "BUSGATE_REQUEST_PARTITIONS must be a positive integer, was '${REQUEST_PARTITIONS}'"
	[[ "${RETENTION_HOURS}" =~ ^[1-9][0-9]*$ ]] ||
		fail "BUSGATE_RETENTION_HOURS must be a positive number of hours, was '${RETENTION_HOURS}'"
	[[ -z "${BRIDGE_MAX_IN_FLIGHT}" || "${BRIDGE_MAX_IN_FLIGHT}" =~ ^[1-9][0-9]*$ ]] ||
		fail "BUSGATE_BRIDGE_MAX_IN_FLIGHT must be a positive integer, was '${BRIDGE_MAX_IN_FLIGHT}'"
	[[ "${TRACE_SAMPLING}" =~ ^(0(\.[0-9]+)?|1(\.0+)?)$ ]] ||
		fail "BUSGATE_TRACE_SAMPLING must be a number from 0.0 to 1.0, was '${TRACE_SAMPLING}'"
	[[ "${ZIPKIN_MAX_SPANS}" =~ ^[1-9][0-9]{0,4}$ ]] && ((ZIPKIN_MAX_SPANS <= 60000)) ||
		fail "BUSGATE_ZIPKIN_MAX_SPANS must be 1 to 60000 (Zipkin's heap holds that many), was '${ZIPKIN_MAX_SPANS}'"
	[[ "${STARTUP_TIMEOUT}" =~ ^[1-9][0-9]*$ ]] ||
		fail "BUSGATE_STARTUP_TIMEOUT must be a positive number of seconds, was '${STARTUP_TIMEOUT}'"
}

# ensure_signing_key: makes the local signing key once (48 random characters), readable by the owner only.
ensure_signing_key() {
	[[ -s "${SIGNING_KEY_FILE}" ]] && return 0
	mkdir -p "${STACK_DIR}"
	(umask 077 && head -c 36 /dev/urandom | base64 | tr -d '\n' >"${SIGNING_KEY_FILE}")
	info "Made the local token signing key ${SIGNING_KEY_FILE#"${REPO_ROOT}"/}"
}

# export_signing_key <group>: the gateways verify tokens with the local key, passed in their
# environment only (not on the command line, where ps would show it), and the tokens' issuer and
# audience; 'token' mints with the same three.
export_signing_key() {
	if [[ "$1" == gateway ]]; then
		export "${SIGNING_KEY_VARIABLE}=$(<"${SIGNING_KEY_FILE}")"
		export BUSGATE_GATEWAY_SECURITY_ISSUER="${TOKEN_ISSUER}" BUSGATE_GATEWAY_SECURITY_AUDIENCES="${TOKEN_AUDIENCE}"
	fi
}

# token <userId> [validity]: prints a token for the user, signed with the local key (the gateway
# jar's security.LocalTokens; the stack need not be running).
token() {
	(($# >= 1 && $# <= 2)) || fail "usage: ./compose/local-stack.sh token <userId> [validity, e.g. 30m or 2h]"
	[[ -n "${JAVA_HOME:-}" && -x "${JAVA_HOME}/bin/java" ]] && JAVA="${JAVA_HOME}/bin/java"
	ensure_signing_key >&2
	local jar
	jar="$(app_jar gateway gateway)"
	(export_signing_key gateway &&
		exec "${JAVA}" "${TOOL_JVM_OPTS[@]}" -cp "${jar}" -Dloader.main=io.busgate.gateway.security.LocalTokens \
			org.springframework.boot.loader.launch.PropertiesLauncher "$@")
}

# instance_name <group> <k>: the group's name for the first instance, <group>-<k> for the others.
instance_name() {
	if (($2 == 1)); then printf '%s' "$1"; else printf '%s-%s' "$1" "$2"; fi
}

# Turns the counts into app instances (BUS_APPS), gateway ids and the list of ports to check.
plan_instances() {
	local bridge service name module artifact port k behind_haproxy=""
	for bridge in "${BRIDGES[@]}"; do
		IFS='|' read -r service name module artifact port <<<"${bridge}"
		for ((k = 1; k <= BRIDGE_COUNT[${service}]; k++)); do
			BUS_APPS+=("$(instance_name "${name}" "${k}")|${name}|${module}|${artifact}|$((port + (k - 1) * INSTANCE_PORT_STEP))|--spring.config.import=file:${ROUTES_DIR}/${service}.yml --busgate.bridge.partitions=${REQUEST_PARTITIONS} --busgate.bridge.request-retention=${RETENTION_HOURS}h${BRIDGE_MAX_IN_FLIGHT:+ --busgate.bridge.max-in-flight=${BRIDGE_MAX_IN_FLIGHT}} --spring.kafka.bootstrap-servers=${BOOTSTRAP}${BRIDGE_ARGS[${service}]:+ ${BRIDGE_ARGS[${service}]}}")
		done
		if ((BRIDGE_COUNT[${service}] > REQUEST_PARTITIONS)); then
			info "Note: ${BRIDGE_COUNT[${service}]} ${name} instances but ${service}.requests has ${REQUEST_PARTITIONS} partitions;" \
				"$((BRIDGE_COUNT[${service}] - REQUEST_PARTITIONS)) will get no partition and stand by (BUSGATE_REQUEST_PARTITIONS)"
		fi
	done
	local schema_locations="" added=0 routes protocol dir
	for dir in "${ADDED_DIRS[@]}"; do
		schema_locations+=",file:${dir}/"
		for routes in "${dir}"/*.yml; do
			[[ -f "${routes}" ]] || continue
			protocol="$(grep -m1 -oE '^    (grpc|thrift|http):' "${routes}" | tr -d ' :')" ||
				fail "${routes} names no bridge protocol (busgate.bridge.grpc, .thrift or .http); is it the generator's?"
			name="${protocol}-bridge"
			service="$(basename "${routes}" .yml)"
			BUS_APPS+=("${service}-${name}|${service}-${name}|bus-adapters/${name}|${name}|$((ADDED_BRIDGE_BASE_PORT + added))|--spring.config.import=file:${routes} --busgate.bridge.partitions=${REQUEST_PARTITIONS} --busgate.bridge.request-retention=${RETENTION_HOURS}h --spring.kafka.bootstrap-servers=${BOOTSTRAP}")
			added=$((added + 1))
		done
	done
	if [[ -n "${schema_locations}" ]]; then schema_locations=" --spring.graphql.schema.locations=classpath:graphql/**/${schema_locations}"; fi
	if ((GATEWAYS > 1)); then behind_haproxy=" ${HAPROXY_TRUSTED_BY_GATEWAYS}"; fi
	for ((k = 1; k <= GATEWAYS; k++)); do
		if ((GATEWAYS == 1)); then port="${FRONT_PORT}"; else port=$((GATEWAY_BASE_PORT + k)); fi
		GATEWAY_IDS+=("local-${k}")
		GATEWAY_PORTS+=("${port}")
		BUS_APPS+=("$(instance_name gateway "${k}")|gateway|gateway|gateway|${port}|--busgate.gateway.instance-id=local-${k} --busgate.gateway.reply-retention=${RETENTION_HOURS}h --busgate.gateway.limits.rate.enabled=${RATE_LIMIT}${behind_haproxy}${schema_locations} --spring.kafka.bootstrap-servers=${BOOTSTRAP}")
	done
	# Every port the stack listens on: Kafka, gRPC (post), Thrift (message), the apps' HTTP
	# ports and, with several gateways, HAProxy's.
	ALL_PORTS=(9092 9093 9090 9095 "${ZIPKIN_PORT}")
	local app
	for app in "${SERVICES[@]}" "${BUS_APPS[@]}"; do
		IFS='|' read -r _ _ _ _ port _ <<<"${app}"
		ALL_PORTS+=("${port}")
	done
	if ((GATEWAYS > 1)); then
		ALL_PORTS+=("${FRONT_PORT}" "${STATS_PORT}")
	fi
	readonly BUS_APPS GATEWAY_IDS GATEWAY_PORTS ALL_PORTS GATEWAYS
}

# --- checks -------------------------------------------------------------------------------

check_requirements() {
	local missing=()
	if [[ -n "${JAVA_HOME:-}" && -x "${JAVA_HOME}/bin/java" ]]; then
		JAVA="${JAVA_HOME}/bin/java"
	elif ! command -v java >/dev/null 2>&1; then
		missing+=("java (17 or newer; install a JDK or set JAVA_HOME)")
	fi
	command -v curl >/dev/null 2>&1 || missing+=("curl")
	if ((${#missing[@]} > 0)); then
		fail "missing required tools: ${missing[*]}"
	fi
	if ((GATEWAYS > 1)); then
		ensure_haproxy
	fi
	local version major
	version="$("${JAVA}" -version 2>&1 | awk -F '"' '/version/ { print $2; exit }')"
	major="${version%%.*}"
	[[ "${major}" == "1" ]] && major="$(echo "${version}" | cut -d. -f2)"
	if ! [[ "${major}" =~ ^[0-9]+$ ]] || ((major < 17)); then
		fail "Java 17 or newer is required, but '${JAVA}' is version '${version:-unknown}'"
	fi
}

# Several gateways need HAProxy in front; install it where missing (Debian/Ubuntu, as root).
ensure_haproxy() {
	command -v haproxy >/dev/null 2>&1 && return 0
	if ((EUID == 0)) && command -v apt-get >/dev/null 2>&1; then
		info "--gateways ${GATEWAYS} needs HAProxy, which is not installed; running: apt-get update && apt-get install -y haproxy"
		{ apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y haproxy; } ||
			fail "installing HAProxy failed (see the apt-get output above)"
		command -v haproxy >/dev/null 2>&1 || fail "HAProxy was installed but 'haproxy' is still not on the PATH"
	else
		fail "--gateways ${GATEWAYS} needs HAProxy (2.6 or newer) in front of the gateways, and 'haproxy' is not on" \
			"the PATH. Install it (Debian/Ubuntu: sudo apt-get update && sudo apt-get install -y haproxy)" \
			"or run with --gateways 1"
	fi
}

port_in_use() {
	(: <>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

check_ports_free() {
	local port busy=()
	for port in "${ALL_PORTS[@]}"; do
		port_in_use "${port}" && busy+=("${port}")
	done
	if ((${#busy[@]} > 0)); then
		fail "port(s) ${busy[*]} already in use on 127.0.0.1 (an earlier local stack still running?);" \
			"stop whatever listens there first ('ss -ltnp' shows the processes)"
	fi
}

# --- build --------------------------------------------------------------------------------

build() {
	if [[ "${BUILD}" == false ]]; then
		info "Skipping the build (--no-build)"
		return
	fi
	info "Building (./mvnw -B -q -DskipTests package) ..."
	# copy-dependencies never removes jars of an older Kafka version; start from an empty dir.
	rm -rf "${KAFKA_LIB}" "${ZIPKIN_LIB}"
	(cd "${REPO_ROOT}" && ./mvnw -B -q -DskipTests package) || fail "the build failed (see the Maven output above)"
}

app_jar() {
	local module="$1" artifact="$2" candidate jar=""
	# Normally exactly one; after a version change, take the newest.
	for candidate in "${REPO_ROOT}/${module}/target/${artifact}"-*-exec.jar; do
		[[ -f "${candidate}" ]] || continue
		if [[ -z "${jar}" || "${candidate}" -nt "${jar}" ]]; then
			jar="${candidate}"
		fi
	done
	[[ -n "${jar}" ]] || fail "no runnable jar ${module}/target/${artifact}-*-exec.jar; build first (run without --no-build)"
	printf '%s' "${jar}"
}

check_artifacts() {
	local brokers=()
	mapfile -t brokers < <(compgen -G "${KAFKA_LIB}/kafka_2.13-*.jar" || true)
	((${#brokers[@]} > 0)) || fail "no Kafka jars in ${KAFKA_LIB}; build first (run without --no-build)"
	((${#brokers[@]} == 1)) ||
		fail "${KAFKA_LIB} holds several Kafka versions (${brokers[*]##*/}); run without --no-build to rebuild it"
	compgen -G "${ZIPKIN_LIB}/zipkin-server-*-exec.jar" >/dev/null ||
		fail "no Zipkin server jar in ${ZIPKIN_LIB}; build first (run without --no-build)"
	local app module artifact missing=()
	for app in "${SERVICES[@]}" "${BUS_APPS[@]}"; do
		IFS='|' read -r _ _ module artifact _ _ <<<"${app}"
		compgen -G "${REPO_ROOT}/${module}/target/${artifact}-*-exec.jar" >/dev/null ||
			[[ " ${missing[*]} " == *" ${module}/target/${artifact}-*-exec.jar "* ]] ||
			missing+=("${module}/target/${artifact}-*-exec.jar")
	done
	if ((${#missing[@]} > 0)); then
		fail "no runnable jar: ${missing[*]}; build first (run without --no-build)"
	fi
}

# --- class-data sharing -------------------------------------------------------------------
#
# Each app runs from its extracted jar with an archive of the classes it loads while starting
# (JDK class-data sharing), recorded by a start that ends once the application context is
# refreshed (spring.context.exit=onRefresh), before anything connects anywhere. A start then
# takes about 40 % less CPU, which is what several JVMs starting at once on a small machine
# wait for. Recorded again only when an app's jar changes (the build is reproducible); an app
# whose recording fails starts from its jar as before.

class_data_stamp() {
	local jar="$1"
	printf '%s %s\n' "$(cksum <"${jar}")" "${APP_JVM_OPTS[*]}"
}

# class_data_current <artifact> <jar>
class_data_current() {
	local dir="${CLASS_DATA_DIR}/$1"
	[[ -f "${dir}/app.jsa" && -f "${dir}/stamp" ]] && [[ "$(cat "${dir}/stamp")" == "$(class_data_stamp "$2")" ]]
}

# record_class_data <artifact> <jar> <group> <app arguments>
record_class_data() {
	local artifact="$1" jar="$2" group="$3" dir="${CLASS_DATA_DIR}/$1" args=()
	read -r -a args <<<"$4"
	rm -rf "${dir}"
	mkdir -p "${dir}"
	"${JAVA}" -Djarmode=tools -jar "${jar}" extract --destination "${dir}/app" >"${dir}/record.log" 2>&1 &&
		(cd "${REPO_ROOT}" && export_signing_key "${group}" && exec "${JAVA}" "${APP_JVM_OPTS[@]}" -XX:ArchiveClassesAtExit="${dir}/app.jsa" -Xlog:cds=off \
			-Xlog:cds+dynamic=off -Dspring.context.exit=onRefresh -jar "${dir}/app/${jar##*/}" --server.port=0 \
			"${args[@]}" --spring.kafka.admin.auto-create=false) >>"${dir}/record.log" 2>&1 &&
		[[ -f "${dir}/app.jsa" ]] &&
		class_data_stamp "${jar}" >"${dir}/stamp"
}

prepare_class_data() {
	local app name group module artifact port args jar seen=() pids=() artifacts=() i
	for app in "${SERVICES[@]}" "${BUS_APPS[@]}"; do
		IFS='|' read -r name group module artifact port args <<<"${app}"
		[[ " ${seen[*]} " == *" ${artifact} "* ]] && continue
		seen+=("${artifact}")
		jar="$(app_jar "${module}" "${artifact}")"
		class_data_current "${artifact}" "${jar}" && continue
		record_class_data "${artifact}" "${jar}" "${group}" "${args}" &
		pids+=($!)
		artifacts+=("${artifact}")
	done
	((${#pids[@]} > 0)) || return 0
	RECORDER_PIDS=("${pids[@]}")
	info "Recording class-data archives of ${artifacts[*]} (once per changed jar) ..."
	for i in "${!pids[@]}"; do
		wait "${pids[i]}" ||
			info "WARNING: no class-data archive for ${artifacts[i]} (${CLASS_DATA_DIR#"${REPO_ROOT}"/}/${artifacts[i]}/record.log); it starts from its jar"
	done
	RECORDER_PIDS=()
}

# The java arguments that launch an app: its archive and extracted jar when they are current.
launch_args() {
	local artifact="$1" jar="$2" dir="${CLASS_DATA_DIR}/$1"
	if class_data_current "${artifact}" "${jar}"; then
		printf '%s\n' "-XX:SharedArchiveFile=${dir}/app.jsa" -Xlog:cds=off -jar "${dir}/app/${jar##*/}"
	else
		printf '%s\n' -jar "${jar}"
	fi
}

# --- processes ----------------------------------------------------------------------------

is_running() {
	[[ -n "$1" ]] && kill -0 "$1" 2>/dev/null
}

show_log_tail() {
	local name="$1" file="${LOG_DIR}/$1.log"
	if [[ -s "${file}" ]]; then
		printf '[local-stack] ---- last 40 lines of %s ----\n' "${file}" >&2
		tail -n 40 "${file}" >&2
		printf '[local-stack] ---- end of %s ----\n' "${name}" >&2
	else
		printf '[local-stack] (%s is empty)\n' "${file}" >&2
	fi
}

# Sends SIGTERM, waits up to the given seconds for all given pids, then SIGKILLs the rest.
stop_pids() {
	local timeout="$1" pid waited=0
	shift
	local pids=()
	for pid in "$@"; do
		if is_running "${pid}"; then
			pids+=("${pid}")
			kill -TERM "${pid}" 2>/dev/null || true
		fi
	done
	((${#pids[@]} > 0)) || return 0
	while ((waited < timeout * 10)); do
		local alive=false
		for pid in "${pids[@]}"; do
			is_running "${pid}" && alive=true
		done
		[[ "${alive}" == true ]] || break
		sleep 0.1
		waited=$((waited + 1))
	done
	for pid in "${pids[@]}"; do
		if is_running "${pid}"; then
			info "process ${pid} did not stop within ${timeout}s; killing it"
			kill -KILL "${pid}" 2>/dev/null || true
		fi
		wait "${pid}" 2>/dev/null || true
	done
}

# Stops class-data recordings still under way (a stop during the preparation): each recorder's
# java first (its only child), then the recorder.
stop_recorders() {
	local pid children=()
	((${#RECORDER_PIDS[@]} > 0)) || return 0
	for pid in "${RECORDER_PIDS[@]}"; do
		mapfile -t -O "${#children[@]}" children < <(pgrep -P "${pid}" || true)
	done
	info "Stopping the class-data recordings ..."
	stop_pids "${STOP_TIMEOUT}" "${children[@]}" "${RECORDER_PIDS[@]}"
}

cleanup() {
	[[ "${CLEANED_UP}" == true ]] && return
	CLEANED_UP=true
	# Nobody may read pids from a stack that is stopping.
	rm -f "${PROCESSES_FILE}"
	stop_recorders
	trap '' INT TERM HUP
	# First whatever clients reach (HAProxy, gateways) and the bridges, then the services.
	local tier i names pids
	for tier in bus service; do
		names=()
		pids=()
		if [[ "${tier}" == bus && -n "${HAPROXY_PID}" ]]; then
			names+=(haproxy)
			pids+=("${HAPROXY_PID}")
		fi
		for i in "${!APP_PIDS[@]}"; do
			if [[ "${APP_TIERS[i]}" == "${tier}" && "${APP_DEAD[i]}" == false ]]; then
				names+=("${APP_NAMES[i]}")
				pids+=("${APP_PIDS[i]}")
			fi
		done
		if ((${#pids[@]} > 0)); then
			info "Stopping ${names[*]} ..."
			stop_pids "${STOP_TIMEOUT}" "${pids[@]}"
		fi
	done
	if [[ -n "${ZIPKIN_PID}" ]]; then
		info "Stopping Zipkin ..."
		stop_pids "${STOP_TIMEOUT}" "${ZIPKIN_PID}"
	fi
	if [[ -n "${KAFKA_PID}" ]]; then
		info "Stopping the Kafka broker ..."
		stop_pids 30 "${KAFKA_PID}"
		info "Stopped. Logs are in ${LOG_DIR}"
	fi
}

# Runs a Kafka command-line tool; its log and output go to kafka-tools.log.
kafka_tool() {
	"${JAVA}" "${TOOL_JVM_OPTS[@]}" \
		-Dlog4j2.configurationFile="${CONFIG_DIR}/log4j2.properties" \
		-Dbusgate.kafka.log="${LOG_DIR}/kafka-tools.log" \
		-cp "${KAFKA_LIB}/*" "$@"
}

prepare_dirs() {
	rm -rf "${DATA_DIR}" "${LOG_DIR}" "${HAPROXY_CFG}" "${PROCESSES_FILE}" "${RESTART_DIR}"
	mkdir -p "${DATA_DIR}" "${LOG_DIR}"
	{
		cat "${CONFIG_DIR}/kafka-server.properties"
		printf '\n# Added by local-stack.sh\nlog.dirs=%s\n' "${DATA_DIR}"
	} >"${STACK_DIR}/kafka-server.properties"
}

format_storage() {
	# A cluster id is 16 random bytes in URL-safe base64 without padding (what StorageTool
	# random-uuid prints), made here rather than by starting one more JVM.
	local cluster_id
	cluster_id="$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=')"
	kafka_tool kafka.tools.StorageTool format -t "${cluster_id}" -c "${STACK_DIR}/kafka-server.properties" \
		--standalone >>"${LOG_DIR}/kafka-tools.log" 2>&1 ||
		{ show_log_tail kafka-tools; fail "formatting the Kafka storage failed"; }
	info "Formatted Kafka storage (cluster id ${cluster_id})"
}

launch_kafka() {
	# Only a start logged after this launch counts (SIGUSR2 starts the broker again on the same log).
	touch "${LOG_DIR}/kafka.log"
	KAFKA_LOG_FROM=$(($(wc -l <"${LOG_DIR}/kafka.log") + 1))
	# log4j2 and the JVM's own output share kafka.log (both append).
	"${JAVA}" "${KAFKA_JVM_OPTS[@]}" \
		-Dlog4j2.configurationFile="${CONFIG_DIR}/log4j2.properties" \
		-Dbusgate.kafka.log="${LOG_DIR}/kafka.log" \
		-cp "${KAFKA_LIB}/*" kafka.Kafka "${STACK_DIR}/kafka-server.properties" \
		>>"${LOG_DIR}/kafka.log" 2>&1 &
	KAFKA_PID=$!
}

# SIGUSR1: stops the broker and keeps its data; the supervisor leaves it stopped.
stop_broker_on_request() {
	[[ "${BROKER_HELD}" == false ]] || return 0
	BROKER_HELD=true
	info "SIGUSR1: stopping the Kafka broker (pid ${KAFKA_PID}); SIGUSR2 starts it again"
	stop_pids 30 "${KAFKA_PID}"
	info "Kafka broker stopped"
	write_processes
}

# SIGUSR2: starts the broker stopped by SIGUSR1 again, on the same data.
start_broker_on_request() {
	[[ "${BROKER_HELD}" == true ]] || return 0
	info "SIGUSR2: starting the Kafka broker again"
	launch_kafka
	wait_for_kafka
	BROKER_HELD=false
	write_processes
}

wait_for_kafka() {
	local deadline=$((SECONDS + STARTUP_TIMEOUT))
	# Listening is not yet serving: the broker logs when it serves (its listeners, and the
	# metadata it needs to answer requests, are up).
	until tail -n "+${KAFKA_LOG_FROM}" "${LOG_DIR}/kafka.log" | grep -q "Kafka Server started"; do
		if ! is_running "${KAFKA_PID}"; then
			show_log_tail kafka
			fail "the Kafka broker exited during startup"
		fi
		if ((SECONDS >= deadline)); then
			show_log_tail kafka
			fail "the Kafka broker did not start within ${STARTUP_TIMEOUT}s"
		fi
		sleep 0.2
	done
	info "Kafka broker is up (pid ${KAFKA_PID})"
}

# Zipkin keeps the newest ZIPKIN_MAX_SPANS spans in memory (lost on stop) and serves its UI and
# API on ZIPKIN_URL.
start_zipkin() {
	local jar
	jar="$(compgen -G "${ZIPKIN_LIB}/zipkin-server-*-exec.jar" | head -n 1)"
	info "Starting Zipkin on ${ZIPKIN_URL} (${jar#"${REPO_ROOT}"/}) ..."
	"${JAVA}" "${ZIPKIN_JVM_OPTS[@]}" -jar "${jar}" --server.address=127.0.0.1 --server.port="${ZIPKIN_PORT}" \
		--zipkin.storage.mem.max-spans="${ZIPKIN_MAX_SPANS}" \
		>"${LOG_DIR}/zipkin.log" 2>&1 &
	ZIPKIN_PID=$!
}

wait_for_zipkin() {
	local deadline=$((SECONDS + STARTUP_TIMEOUT))
	until curl -sf -o /dev/null --max-time 2 "${ZIPKIN_URL}/health"; do
		if ! is_running "${ZIPKIN_PID}"; then
			show_log_tail zipkin
			fail "Zipkin exited during startup (log: ${LOG_DIR}/zipkin.log)"
		fi
		if ((SECONDS >= deadline)); then
			show_log_tail zipkin
			fail "Zipkin did not answer on ${ZIPKIN_URL} within ${STARTUP_TIMEOUT}s"
		fi
		sleep 0.5
	done
	info "Zipkin is up (pid ${ZIPKIN_PID}, ${ZIPKIN_URL})"
}

# launch_app <index>: starts app instance <index> from its spec (APP_SPECS); a restart appends
# to its log and runs it with the very same settings (name, port, instance id, arguments).
launch_app() {
	local i="$1" name group module artifact port extra jar
	IFS='|' read -r name group module artifact port extra <<<"${APP_SPECS[i]}"
	jar="$(app_jar "${module}" "${artifact}")"
	local args=()
	read -r -a args <<<"${extra}"
	info "Starting ${name} on :${port} (${jar#"${REPO_ROOT}"/})"
	local tracing=() launch=()
	read -r -a tracing <<<"${TRACING_ARGS}"
	mapfile -t launch < <(launch_args "${artifact}" "${jar}")
	(
		cd "${REPO_ROOT}"
		export_signing_key "${group}"
		exec "${JAVA}" "${APP_JVM_OPTS[@]}" "${launch[@]}" --server.port="${port}" "${tracing[@]}" "${args[@]}"
	) >>"${LOG_DIR}/${name}.log" 2>&1 &
	APP_PIDS[i]=$!
	APP_DEAD[i]=false
}

start_app() {
	local name="$1" group="$2" port="$5" tier="$7" i="${#APP_SPECS[@]}"
	APP_SPECS+=("$1|$2|$3|$4|$5|$6")
	APP_NAMES+=("${name}")
	APP_GROUPS+=("${group}")
	APP_TIERS+=("${tier}")
	APP_PORTS+=("${port}")
	launch_app "${i}"
}

# start_apps <tier> <app spec>...
start_apps() {
	local tier="$1" app name group module artifact port args
	shift
	for app in "$@"; do
		IFS='|' read -r name group module artifact port args <<<"${app}"
		start_app "${name}" "${group}" "${module}" "${artifact}" "${port}" "${args}" "${tier}"
	done
}

is_ready() {
	local code
	code="$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 \
		"http://127.0.0.1:$1/actuator/health/readiness" 2>/dev/null || true)"
	[[ "${code}" == "200" ]]
}

wait_for_apps() {
	local deadline=$((SECONDS + STARTUP_TIMEOUT)) i pending
	info "Waiting up to ${STARTUP_TIMEOUT}s for ${APP_NAMES[*]} to be ready ..."
	local ready=()
	for i in "${!APP_PIDS[@]}"; do ready[i]=false; done
	while true; do
		pending=()
		for i in "${!APP_PIDS[@]}"; do
			[[ "${ready[i]}" == true ]] && continue
			if ! is_running "${APP_PIDS[i]}"; then
				show_log_tail "${APP_NAMES[i]}"
				fail "${APP_NAMES[i]} exited during startup (log: ${LOG_DIR}/${APP_NAMES[i]}.log)"
			fi
			if is_ready "${APP_PORTS[i]}"; then
				ready[i]=true
				info "${APP_NAMES[i]} is ready (pid ${APP_PIDS[i]}, http://127.0.0.1:${APP_PORTS[i]})"
			else
				pending+=("${i}")
			fi
		done
		if ((${#pending[@]} == 0)); then
			info "Everything is up ${SECONDS}s after launch"
			return 0
		fi
		if ((SECONDS >= deadline)); then
			for i in "${pending[@]}"; do
				show_log_tail "${APP_NAMES[i]}"
			done
			local names=()
			for i in "${pending[@]}"; do names+=("${APP_NAMES[i]}"); done
			fail "not ready within ${STARTUP_TIMEOUT}s: ${names[*]} (logs in ${LOG_DIR})"
		fi
		sleep 1
	done
}

# Writes the HAProxy config from the template and the gateway list.
write_haproxy_config() {
	local i line servers=()
	for i in "${!GATEWAY_IDS[@]}"; do
		servers+=("$(printf '\tserver %s 127.0.0.1:%s check' "${GATEWAY_IDS[i]}" "${GATEWAY_PORTS[i]}")")
	done
	{
		printf '# Generated by compose/local-stack.sh from compose/haproxy/%s; edit that instead.\n' "${HAPROXY_TEMPLATE##*/}"
		while IFS= read -r line || [[ -n "${line}" ]]; do
			if [[ "${line}" == "@GATEWAY_SERVERS@" ]]; then
				printf '%s\n' "${servers[@]}"
			else
				line="${line//@FRONTEND_PORT@/${FRONT_PORT}}"
				line="${line//@HAPROXY_DIR@/${HAPROXY_TEMPLATE%/*}}"
				printf '%s\n' "${line//@STATS_PORT@/${STATS_PORT}}"
			fi
		done <"${HAPROXY_TEMPLATE}"
	} >"${HAPROXY_CFG}"
}

# Starts HAProxy in the foreground (-db) as a child, once the gateways are ready, and waits until
# it serves the gateways' readiness through the public port.
start_haproxy() {
	[[ -f "${HAPROXY_TEMPLATE}" ]] || fail "missing ${HAPROXY_TEMPLATE}"
	write_haproxy_config
	haproxy -c -f "${HAPROXY_CFG}" >>"${LOG_DIR}/haproxy.log" 2>&1 ||
		{ show_log_tail haproxy; fail "HAProxy rejected ${HAPROXY_CFG}"; }
	local ports
	ports="$(IFS=','; printf '%s' "${GATEWAY_PORTS[*]}")"
	info "Starting HAProxy on :${FRONT_PORT} -> gateways on :${ports} (config ${HAPROXY_CFG#"${REPO_ROOT}"/})"
	haproxy -db -f "${HAPROXY_CFG}" >>"${LOG_DIR}/haproxy.log" 2>&1 &
	HAPROXY_PID=$!
	local deadline=$((SECONDS + 30))
	until is_ready "${FRONT_PORT}"; do
		if ! is_running "${HAPROXY_PID}"; then
			show_log_tail haproxy
			fail "HAProxy exited during startup (log: ${LOG_DIR}/haproxy.log)"
		fi
		if ((SECONDS >= deadline)); then
			show_log_tail haproxy
			fail "HAProxy did not serve the gateways' readiness on :${FRONT_PORT} within 30s"
		fi
		sleep 0.5
	done
	info "HAProxy is ready (pid ${HAPROXY_PID}, http://127.0.0.1:${FRONT_PORT}, stats http://127.0.0.1:${STATS_PORT}/)"
}

print_instances() {
	local i gateway=0 extra
	printf ' Processes:\n'
	printf '   %-16s %-8s %-24s %s\n' kafka "${KAFKA_PID}" "${BOOTSTRAP}" "kafka.log"
	if [[ -n "${HAPROXY_PID}" ]]; then
		printf '   %-16s %-8s %-24s %s\n' haproxy "${HAPROXY_PID}" "http://127.0.0.1:${FRONT_PORT}" \
			"haproxy.log  (stats http://127.0.0.1:${STATS_PORT}/)"
	fi
	for i in "${!APP_PIDS[@]}"; do
		extra=""
		if [[ "${APP_GROUPS[i]}" == gateway ]]; then
			extra="  (instance ${GATEWAY_IDS[gateway]})"
			gateway=$((gateway + 1))
		fi
		printf '   %-16s %-8s %-24s %s\n' "${APP_NAMES[i]}" "${APP_PIDS[i]}" "http://127.0.0.1:${APP_PORTS[i]}" \
			"${APP_NAMES[i]}.log${extra}"
	done
}

print_banner() {
	local front replies
	replies="$(IFS=','; printf '%s' "${GATEWAY_IDS[*]}")"
	((GATEWAYS > 1)) && replies="{${replies}}"
	if ((GATEWAYS > 1)); then
		front="HAProxy :${FRONT_PORT}, round robin over ${GATEWAYS} gateways; stats http://127.0.0.1:${STATS_PORT}/"
	else
		front="one gateway (local-1) on :${FRONT_PORT}; --gateways N puts HAProxy in front of N"
	fi

	cat <<EOF

==========================================================================================
 Busgate local stack is running.

   GraphiQL          http://localhost:8080/graphiql
   GraphQL endpoint  http://localhost:8080/graphql
   Front             ${front}
   user-service      http://localhost:8081/user/1  (post-service gRPC :9090, message-service Thrift :9095)
   Zipkin (traces)   ${ZIPKIN_URL}/zipkin/  (every response's extensions.traceId opens at ${ZIPKIN_URL}/zipkin/traces/<traceId>)
   Metrics           http://127.0.0.1:<port>/actuator/prometheus of each process below
   Kafka             ${BOOTSTRAP} (topics {user,post,message}.requests[-dlt], gateway.replies.${replies})
   Logs              ${LOG_DIR}/

$(print_instances)

 Paste into GraphiQL:
   { getUser(id:"1") { id name friends(pageSize: 3) { id name } } }
   { getUsers(pageSize: 5) { name posts(first: 3) { title author { name } } } }

 Or with curl:
   curl -s localhost:8080/graphql -H 'content-type: application/json' -d '{"query":"{ getUser(id:\\"1\\") { id name } }"}'
 and open the trace of its extensions.traceId: ${ZIPKIN_URL}/zipkin/traces/<traceId>

 Mutations, subscriptions and a user's own inbox need a token (a JWT whose subject is the user id):
   TOKEN=\$(./compose/local-stack.sh token 1)
   curl -s localhost:8080/graphql -H "authorization: Bearer \$TOKEN" -H 'content-type: application/json' \\
     -d '{"query":"{ getUser(id:\\"1\\") { name inbox(first: 2) { body from { name } } } }"}'
 In GraphiQL, put {"Authorization": "Bearer <token>"} into the Headers tab.

 Press Ctrl-C to stop everything.
==========================================================================================

EOF
}

# process_json <name> <pid or empty> <port> <restartable>: one line of PROCESSES_FILE.
process_json() {
	printf '    {"name": "%s", "pid": %s, "port": %s, "restartable": %s}' "$1" "${2:-null}" "$3" "$4"
}

# Writes PROCESSES_FILE (atomically): the stack's own pid and each process it started; a stopped
# or dead process has "pid": null.
write_processes() {
	local i lines=() kafka_pid="${KAFKA_PID}"
	[[ "${BROKER_HELD}" == true ]] && kafka_pid=""
	lines+=("$(process_json kafka "${kafka_pid}" 9092 false)")
	lines+=("$(process_json zipkin "${ZIPKIN_PID}" "${ZIPKIN_PORT}" false)")
	[[ -n "${HAPROXY_PID}" ]] && lines+=("$(process_json haproxy "${HAPROXY_PID}" "${FRONT_PORT}" false)")
	for i in "${!APP_PIDS[@]}"; do
		if [[ "${APP_DEAD[i]}" == true ]]; then
			lines+=("$(process_json "${APP_NAMES[i]}" "" "${APP_PORTS[i]}" true)")
		else
			lines+=("$(process_json "${APP_NAMES[i]}" "${APP_PIDS[i]}" "${APP_PORTS[i]}" true)")
		fi
	done
	{
		printf '{\n  "stack": %s,\n  "processes": [\n' "$$"
		local IFS=$'\n'
		printf '%s\n' "${lines[*]/%/,}" | sed '$ s/,$//'
		printf '  ]\n}\n'
	} >"${PROCESSES_FILE}.tmp"
	mv "${PROCESSES_FILE}.tmp" "${PROCESSES_FILE}"
}

# Serves each request `restart <name>` left in RESTART_DIR: stops the instance if it still runs,
# starts it again with the same settings, rewrites PROCESSES_FILE.
serve_restart_requests() {
	local request name i found
	for request in "${RESTART_DIR}"/*; do
		[[ -e "${request}" ]] || continue
		name="${request##*/}"
		rm -f "${request}"
		found=""
		for i in "${!APP_NAMES[@]}"; do
			[[ "${APP_NAMES[i]}" == "${name}" ]] && found="${i}"
		done
		if [[ -z "${found}" ]]; then
			info "Restart of '${name}' refused: no app instance of that name"
			continue
		fi
		if [[ "${APP_DEAD[found]}" == false ]] && is_running "${APP_PIDS[found]}"; then
			info "Restart of ${name}: stopping pid ${APP_PIDS[found]}"
			stop_pids "${STOP_TIMEOUT}" "${APP_PIDS[found]}"
		else
			wait "${APP_PIDS[found]}" 2>/dev/null || true
		fi
		launch_app "${found}"
		info "Restarted ${name} (pid ${APP_PIDS[found]})"
		write_processes
	done
}

# restart <name>: asks the running stack to restart one app instance, waits until it is ready.
restart() {
	(($# == 1)) || fail "usage: ./compose/local-stack.sh restart <name>  (an app instance, see ${PROCESSES_FILE#"${REPO_ROOT}"/})"
	local name="$1" stack line old="" pid port deadline=$((SECONDS + STARTUP_TIMEOUT))
	[[ -f "${PROCESSES_FILE}" ]] || fail "no local stack is running (no ${PROCESSES_FILE#"${REPO_ROOT}"/})"
	stack="$(sed -n -E 's/^  "stack": ([0-9]+),$/\1/p' "${PROCESSES_FILE}")"
	is_running "${stack}" || fail "the local stack (pid ${stack:-unknown}) is not running"
	line="$(grep -F "{\"name\": \"${name}\"," "${PROCESSES_FILE}")" ||
		fail "the stack has no process named '${name}' (see ${PROCESSES_FILE#"${REPO_ROOT}"/})"
	[[ "${line}" == *'"restartable": true'* ]] ||
		fail "${name} is not an app instance (the broker: SIGUSR1 and SIGUSR2 to the stack)"
	old="$(sed -E 's/.*"pid": ([0-9]+|null).*/\1/' <<<"${line}")"
	port="$(sed -E 's/.*"port": ([0-9]+).*/\1/' <<<"${line}")"
	mkdir -p "${RESTART_DIR}"
	: >"${RESTART_DIR}/${name}"
	while true; do
		line="$(grep -F "{\"name\": \"${name}\"," "${PROCESSES_FILE}" || true)"
		pid="$(sed -E 's/.*"pid": ([0-9]+|null).*/\1/' <<<"${line}")"
		[[ "${pid}" =~ ^[0-9]+$ && "${pid}" != "${old}" ]] && is_ready "${port}" && break
		is_running "${stack}" || fail "the local stack stopped while ${name} was restarting"
		((SECONDS < deadline)) || fail "${name} was not ready on :${port} within ${STARTUP_TIMEOUT}s after the restart"
		sleep 0.5
	done
	info "Restarted ${name} (pid ${pid}, was ${old}); ready on http://127.0.0.1:${port}"
}

# Stays in the foreground until a signal arrives or a process dies. A dead bridge or gateway
# instance is only reported while another instance of it is still running: its consumer group
# rebalances (bridges), HAProxy takes it out of rotation (gateways). Anything else is fatal.
supervise() {
	local i j code left
	while true; do
		serve_restart_requests
		if [[ "${BROKER_HELD}" == false ]] && ! is_running "${KAFKA_PID}"; then
			show_log_tail kafka
			fail "the Kafka broker exited unexpectedly"
		fi
		if [[ -n "${HAPROXY_PID}" ]] && ! is_running "${HAPROXY_PID}"; then
			show_log_tail haproxy
			fail "HAProxy exited unexpectedly (log: ${LOG_DIR}/haproxy.log)"
		fi
		for i in "${!APP_PIDS[@]}"; do
			[[ "${APP_DEAD[i]}" == true ]] && continue
			is_running "${APP_PIDS[i]}" && continue
			APP_DEAD[i]=true
			code=0
			wait "${APP_PIDS[i]}" 2>/dev/null || code=$?
			left=0
			for j in "${!APP_PIDS[@]}"; do
				if [[ "${APP_GROUPS[j]}" == "${APP_GROUPS[i]}" && "${APP_DEAD[j]}" == false ]] && is_running "${APP_PIDS[j]}"; then
					left=$((left + 1))
				fi
			done
			if [[ "${APP_TIERS[i]}" == service ]] || ((left == 0)); then
				show_log_tail "${APP_NAMES[i]}"
				fail "${APP_NAMES[i]} exited unexpectedly (exit status ${code}; log: ${LOG_DIR}/${APP_NAMES[i]}.log)"
			fi
			info "WARNING: ${APP_NAMES[i]} (pid ${APP_PIDS[i]}) exited unexpectedly (exit status ${code};" \
				"log: ${LOG_DIR}/${APP_NAMES[i]}.log); carrying on with ${left} other ${APP_GROUPS[i]} instance(s)"
			write_processes
		done
		sleep 1
	done
}

main() {
	if [[ "${1:-}" == token ]]; then
		token "${@:2}"
		return
	fi
	if [[ "${1:-}" == restart ]]; then
		restart "${@:2}"
		return
	fi
	parse_args "$@"
	plan_instances
	check_requirements
	if [[ "${PREPARE_ONLY}" == true ]]; then
		trap stop_recorders EXIT
		trap 'exit 130' INT
		trap 'exit 143' TERM
		build
		check_artifacts
		ensure_signing_key
		prepare_class_data
		return 0
	fi
	check_ports_free
	trap cleanup EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
	trap 'exit 129' HUP
	build
	check_artifacts
	ensure_signing_key
	prepare_class_data
	check_ports_free # again: the build may have taken a while
	prepare_dirs
	info "Logs: ${LOG_DIR}/"
	# Side by side where nothing waits for anything: the services need no broker. The bridges and
	# gateways create their own topics (partitions and retention as told), so they start once the
	# broker serves.
	start_zipkin
	info "Starting Kafka broker on ${BOOTSTRAP} (data: ${DATA_DIR}) ..."
	format_storage
	launch_kafka
	start_apps service "${SERVICES[@]}"
	wait_for_kafka
	start_apps bus "${BUS_APPS[@]}"
	wait_for_apps
	wait_for_zipkin
	if ((GATEWAYS > 1)); then
		start_haproxy
	fi
	print_banner
	write_processes
	trap stop_broker_on_request USR1
	trap start_broker_on_request USR2
	supervise
}

main "$@"
