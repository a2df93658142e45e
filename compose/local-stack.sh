#!/usr/bin/env bash
#
# Runs the whole Busgate stack on this machine, without Docker: a single-node Kafka broker
# (KRaft) from Kafka's own jars, then the example services (user, post, message), their bridges
# (HTTP, gRPC, Thrift) and the gateway, each as its own java process. Stays in the foreground; Ctrl-C stops everything (apps first, broker last).
#
# Usage: ./compose/local-stack.sh [--no-build] [--help]   (see usage() below)

set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "${SCRIPT_DIR}/.." && pwd)"
readonly SCRIPT_DIR REPO_ROOT
readonly CONFIG_DIR="${SCRIPT_DIR}/local"
readonly KAFKA_LIB="${SCRIPT_DIR}/target/kafka-lib"
readonly STACK_DIR="${REPO_ROOT}/target/local-stack"
readonly DATA_DIR="${STACK_DIR}/kafka-data"
readonly LOG_DIR="${STACK_DIR}/logs"

readonly BOOTSTRAP="127.0.0.1:9092"
readonly GATEWAY_INSTANCE="local-1"
readonly REQUEST_PARTITIONS="${BUSGATE_REQUEST_PARTITIONS:-6}"
readonly STARTUP_TIMEOUT="${BUSGATE_STARTUP_TIMEOUT:-120}"
readonly STOP_TIMEOUT=15
readonly APP_JVM_OPTS=(-Xmx256m -XX:+UseSerialGC)
readonly KAFKA_JVM_OPTS=(-Xmx512m -XX:+UseSerialGC -Djava.awt.headless=true)
readonly TOOL_JVM_OPTS=(-Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1)

# Apps: name|module directory|artifactId|HTTP port (actuator)|extra arguments (space-separated).
# The example services start first; the bridges and the gateway once the services are ready.
# Each bridge's profile (user, post, message) loads its routes to its service; the bridges are
# told the partition count too, or they would grow the topics to their own default.
readonly SERVICES=(
	"user-service|user-service|user-service|8081|"
	"post-service|post-service|post-service|8082|"
	"message-service|message-service|message-service|8083|"
)
readonly BUS_APPS=(
	"http-bridge|bus-adapters/http-bridge|http-bridge|8091|--spring.profiles.active=user --busgate.bridge.partitions=${REQUEST_PARTITIONS} --spring.kafka.bootstrap-servers=${BOOTSTRAP}"
	"grpc-bridge|bus-adapters/grpc-bridge|grpc-bridge|8092|--spring.profiles.active=post --busgate.bridge.partitions=${REQUEST_PARTITIONS} --spring.kafka.bootstrap-servers=${BOOTSTRAP}"
	"thrift-bridge|bus-adapters/thrift-bridge|thrift-bridge|8093|--spring.profiles.active=message --busgate.bridge.partitions=${REQUEST_PARTITIONS} --spring.kafka.bootstrap-servers=${BOOTSTRAP}"
	"gateway|gateway|gateway|8080|--busgate.gateway.instance-id=${GATEWAY_INSTANCE} --spring.kafka.bootstrap-servers=${BOOTSTRAP}"
)
readonly APPS=("${SERVICES[@]}" "${BUS_APPS[@]}")
# Every port the stack listens on: Kafka, the apps' HTTP ports, gRPC (post) and Thrift (message).
readonly ALL_PORTS=(9092 9093 8080 8081 8082 8083 8091 8092 8093 9090 9095)
readonly SERVICE_NAMES=(user post message)

JAVA="java"
BUILD=true
KAFKA_PID=""
APP_NAMES=()
APP_PIDS=()
APP_PORTS=()
CLEANED_UP=false

usage() {
	cat <<EOF
Usage: ./compose/local-stack.sh [--no-build] [--help]

Runs the whole Busgate stack locally, no Docker needed:
  1. builds the repository once (./mvnw -B -q -DskipTests package),
  2. starts a single-node Kafka broker (KRaft) on ${BOOTSTRAP} from compose/target/kafka-lib,
     with fresh data under target/local-stack/kafka-data,
  3. creates <service>.requests and <service>.requests-dlt for user, post and message (same
     partition count) and gateway.replies.${GATEWAY_INSTANCE} (1 partition),
  4. starts user-service (:8081), post-service (gRPC :9090, :8082) and message-service
     (Thrift :9095, :8083), waits until they are ready,
  5. starts http-bridge (:8091), grpc-bridge (:8092), thrift-bridge (:8093) and gateway (:8080),
  6. waits until all report ready, prints the URLs, and stays in the foreground.
Ctrl-C (or SIGTERM) stops the apps, then the broker.

Options:
  --no-build   skip the Maven build and use the jars already in */target
  -h, --help   show this help

Environment:
  BUSGATE_REQUEST_PARTITIONS   partitions of each request topic and its -dlt (default 6)
  BUSGATE_STARTUP_TIMEOUT      seconds to wait for the broker, and for the apps (default 120)
  JAVA_HOME                    the JDK to use (default: java on the PATH); Java 17 or newer

Logs: target/local-stack/logs/<name>.log (kafka, kafka-tools, and one per app)
Requires: bash, curl, java 17+. Ports ${ALL_PORTS[*]} must be free.
EOF
}

info() {
	printf '[local-stack] %s\n' "$*"
}

fail() {
	printf '[local-stack] ERROR: %s\n' "$*" >&2
	exit 1
}

parse_args() {
	while (($# > 0)); do
		case "$1" in
			--no-build) BUILD=false ;;
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
	[[ "${STARTUP_TIMEOUT}" =~ ^[1-9][0-9]*$ ]] ||
		fail "BUSGATE_STARTUP_TIMEOUT must be a positive number of seconds, was '${STARTUP_TIMEOUT}'"
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
	local version major
	version="$("${JAVA}" -version 2>&1 | awk -F '"' '/version/ { print $2; exit }')"
	major="${version%%.*}"
	[[ "${major}" == "1" ]] && major="$(echo "${version}" | cut -d. -f2)"
	if ! [[ "${major}" =~ ^[0-9]+$ ]] || ((major < 17)); then
		fail "Java 17 or newer is required, but '${JAVA}' is version '${version:-unknown}'"
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
	rm -rf "${KAFKA_LIB}"
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
	local app name module artifact port args missing=()
	for app in "${APPS[@]}"; do
		IFS='|' read -r name module artifact port args <<<"${app}"
		compgen -G "${REPO_ROOT}/${module}/target/${artifact}-*-exec.jar" >/dev/null ||
			missing+=("${module}/target/${artifact}-*-exec.jar")
	done
	if ((${#missing[@]} > 0)); then
		fail "no runnable jar: ${missing[*]}; build first (run without --no-build)"
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

cleanup() {
	[[ "${CLEANED_UP}" == true ]] && return
	CLEANED_UP=true
	trap '' INT TERM HUP
	if ((${#APP_PIDS[@]} > 0)); then
		info "Stopping ${APP_NAMES[*]} ..."
		stop_pids "${STOP_TIMEOUT}" "${APP_PIDS[@]}"
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
	rm -rf "${DATA_DIR}" "${LOG_DIR}"
	mkdir -p "${DATA_DIR}" "${LOG_DIR}"
	{
		cat "${CONFIG_DIR}/kafka-server.properties"
		printf '\n# Added by local-stack.sh\nlog.dirs=%s\n' "${DATA_DIR}"
	} >"${STACK_DIR}/kafka-server.properties"
}

format_storage() {
	local cluster_id
	cluster_id="$(kafka_tool kafka.tools.StorageTool random-uuid 2>>"${LOG_DIR}/kafka-tools.log")" ||
		{ show_log_tail kafka-tools; fail "could not generate a Kafka cluster id"; }
	kafka_tool kafka.tools.StorageTool format -t "${cluster_id}" -c "${STACK_DIR}/kafka-server.properties" \
		--standalone >>"${LOG_DIR}/kafka-tools.log" 2>&1 ||
		{ show_log_tail kafka-tools; fail "formatting the Kafka storage failed"; }
	info "Formatted Kafka storage (cluster id ${cluster_id})"
}

start_kafka() {
	info "Starting Kafka broker on ${BOOTSTRAP} (data: ${DATA_DIR}) ..."
	format_storage
	# log4j2 and the JVM's own output share kafka.log (both append).
	"${JAVA}" "${KAFKA_JVM_OPTS[@]}" \
		-Dlog4j2.configurationFile="${CONFIG_DIR}/log4j2.properties" \
		-Dbusgate.kafka.log="${LOG_DIR}/kafka.log" \
		-cp "${KAFKA_LIB}/*" kafka.Kafka "${STACK_DIR}/kafka-server.properties" \
		>>"${LOG_DIR}/kafka.log" 2>&1 &
	KAFKA_PID=$!
	wait_for_kafka
}

wait_for_kafka() {
	local deadline=$((SECONDS + STARTUP_TIMEOUT))
	until port_in_use 9092; do
		if ! is_running "${KAFKA_PID}"; then
			show_log_tail kafka
			fail "the Kafka broker exited during startup"
		fi
		if ((SECONDS >= deadline)); then
			show_log_tail kafka
			fail "the Kafka broker did not listen on ${BOOTSTRAP} within ${STARTUP_TIMEOUT}s"
		fi
		sleep 0.2
	done
	# Listening is not yet serving: wait until it answers an admin request.
	until kafka_tool org.apache.kafka.tools.TopicCommand --bootstrap-server "${BOOTSTRAP}" --list \
		>>"${LOG_DIR}/kafka-tools.log" 2>&1; do
		if ! is_running "${KAFKA_PID}" || ((SECONDS >= deadline)); then
			show_log_tail kafka
			fail "the Kafka broker did not answer within ${STARTUP_TIMEOUT}s"
		fi
		sleep 1
	done
	info "Kafka broker is up (pid ${KAFKA_PID})"
}

# create_topic <name> <partitions> [--config key=value ...]
create_topic() {
	local topic="$1" partitions="$2"
	shift 2
	kafka_tool org.apache.kafka.tools.TopicCommand --bootstrap-server "${BOOTSTRAP}" --create --if-not-exists \
		--topic "${topic}" --partitions "${partitions}" --replication-factor 1 "$@" >>"${LOG_DIR}/kafka-tools.log" 2>&1
}

create_topics() {
	# Each service gets <service>.requests and its dead-letter topic with the same partitions
	# (what its bridge would create). The reply topic keeps replies for 24 h, as the gateway would.
	local topics=() service
	for service in "${SERVICE_NAMES[@]}"; do
		topics+=("${service}.requests:${REQUEST_PARTITIONS}" "${service}.requests-dlt:${REQUEST_PARTITIONS}")
	done
	local pids=() failed=() topic
	info "Creating topics ${topics[*]} gateway.replies.${GATEWAY_INSTANCE}:1 (name:partitions) ..."
	for topic in "${topics[@]}"; do
		create_topic "${topic%%:*}" "${topic##*:}" &
		pids+=($!)
	done
	create_topic "gateway.replies.${GATEWAY_INSTANCE}" 1 --config retention.ms=86400000 &
	pids+=($!)
	topics+=("gateway.replies.${GATEWAY_INSTANCE}:1")
	local i
	for i in "${!pids[@]}"; do
		wait "${pids[i]}" || failed+=("${topics[i]%%:*}")
	done
	if ((${#failed[@]} > 0)); then
		show_log_tail kafka-tools
		fail "could not create topic(s): ${failed[*]}"
	fi
}

start_app() {
	local name="$1" module="$2" artifact="$3" port="$4" extra="$5" jar
	jar="$(app_jar "${module}" "${artifact}")"
	local args=()
	read -r -a args <<<"${extra}"
	info "Starting ${name} on :${port} (${jar#"${REPO_ROOT}"/})"
	(cd "${REPO_ROOT}" && exec "${JAVA}" "${APP_JVM_OPTS[@]}" -jar "${jar}" --server.port="${port}" "${args[@]}") \
		>"${LOG_DIR}/${name}.log" 2>&1 &
	APP_NAMES+=("${name}")
	APP_PIDS+=($!)
	APP_PORTS+=("${port}")
}

# start_apps <app spec>...
start_apps() {
	local app name module artifact port args
	for app in "$@"; do
		IFS='|' read -r name module artifact port args <<<"${app}"
		start_app "${name}" "${module}" "${artifact}" "${port}" "${args}"
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

print_banner() {
	cat <<EOF

==========================================================================================
 Busgate local stack is running.

   GraphiQL          http://localhost:8080/graphiql
   GraphQL endpoint  http://localhost:8080/graphql
   user-service      http://localhost:8081/user/1  (post-service gRPC :9090, message-service Thrift :9095)
   Kafka             ${BOOTSTRAP} (topics {user,post,message}.requests[-dlt], gateway.replies.${GATEWAY_INSTANCE})
   Logs              ${LOG_DIR}/

 Paste into GraphiQL:
   { getUser(id:"1") { id name friends(pageSize: 3) { id name } } }
   { getUsers(pageSize: 5) { name posts(first: 3) { title author { name } } inbox(first: 2) { body from { name } } } }

 Or with curl:
   curl -s localhost:8080/graphql -H 'content-type: application/json' -d '{"query":"{ getUser(id:\\"1\\") { id name } }"}'

 Press Ctrl-C to stop everything.
==========================================================================================

EOF
}

# Stays in the foreground until a signal arrives or a process dies.
supervise() {
	local i
	while true; do
		if ! is_running "${KAFKA_PID}"; then
			show_log_tail kafka
			fail "the Kafka broker exited unexpectedly"
		fi
		for i in "${!APP_PIDS[@]}"; do
			if ! is_running "${APP_PIDS[i]}"; then
				show_log_tail "${APP_NAMES[i]}"
				fail "${APP_NAMES[i]} exited unexpectedly (log: ${LOG_DIR}/${APP_NAMES[i]}.log)"
			fi
		done
		sleep 1
	done
}

main() {
	parse_args "$@"
	check_requirements
	check_ports_free
	trap cleanup EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
	trap 'exit 129' HUP
	build
	check_artifacts
	check_ports_free # again: the build may have taken a while
	prepare_dirs
	info "Logs: ${LOG_DIR}/"
	start_kafka
	create_topics
	start_apps "${SERVICES[@]}"
	wait_for_apps
	start_apps "${BUS_APPS[@]}"
	wait_for_apps
	print_banner
	supervise
}

main "$@"
