#!/usr/bin/env bash
#
# Chaos runner for the local stack: starts ./compose/local-stack.sh --no-build
# --bridges user=2,post=2,message=2 --gateways 2 --no-rate-limit (its load all comes from
# 127.0.0.1, one client to the gateways' rate limit) in the background, injects its faults under
# bounded load on 127.0.0.1:8080, prints one table per fault and a summary, and stops the stack
# (SIGTERM) on every exit. Exits 1 when a fault fails its criteria, 2 when the stack does not come up.
#
# Every pid it signals is read from the stack's own list (target/local-stack/processes.json);
# each kill is checked: the process ran before and is gone after. A killed bridge or gateway is
# restarted with the same settings (./compose/local-stack.sh restart <name>) and must rejoin.
#
#   1. kill -9 one http-bridge with 1,000 getUser queries in flight (concurrency 50, 15 s
#      client timeout): every query answered, >= 99% with data, none lost (an UPSTREAM_TIMEOUT is
#      a request the bus never answered: redelivery to the other bridge must answer it); the
#      bridge restarted joins its group and holds partitions; 100 new queries all with data.
#   2. kill -9 one grpc-bridge with 200 createPost mutations in flight, each by a user of its own
#      with its own idempotencyKey: none lost; once the group has recovered, retry every one that
#      got no data once with the same key; read the posts back per author: no key stored twice,
#      none acknowledged and missing, every post its sender's. The bridge restarted rejoins.
#   2b. The same with thrift-bridge and 200 sendMessage mutations (each sender a user of its own,
#      10 recipients); read back from each recipient's inbox with the recipient's token.
#   3. kill -9 one gateway behind HAProxy under 300 queries (concurrency 20); a client that
#      retries once gets data for every request; the gateway restarted with the same instance id
#      answers 20 queries on its own port.
#   4. The broker hung, then gone: (a) SIGSTOP for ~15 s, then SIGCONT; (b) stopped (SIGUSR1 to
#      the stack: a clean broker shutdown), started again on the same data (SIGUSR2). Queries
#      during each outage are answered with an error within the gateway's 2 s send timeout + 3 s
#      margin; within 60 s after the broker is back, queries succeed again.
#   5. The user service slowed to 6 s per call (its slowdown drill) under 600 concurrent queries:
#      every query answered, with data or a timeout only (UPSTREAM_TIMEOUT: no reply in time;
#      DEADLINE_EXCEEDED: the bridge's call reached the request's deadline), some timing out.
#      Every request record is accounted for by the user bridges' meters: served (a reply) or
#      skipped because its deadline had passed, none lost, each counted apart; the backend is
#      called no more often than records were served; after the slowdown ends, queries succeed again.
#   6. Poison records on each request topic (valid headers with a body that is not JSON, and one
#      with no bus headers): each lands in <topic>-dlt, the one with readable headers gets an
#      INVALID_ARGUMENT reply, and queries over all three services succeed afterwards.
#   7. A backend answer too large for a reply record (user-service's oversize drill: 2 MB): the
#      queries get an error with code RESPONSE_TOO_LARGE, and once the drill is off the bridges
#      go on serving (100 queries all with data).
#
# Usage: ./compose/chaos/run.sh   (needs the jars built: ./mvnw -B -ntp -q -DskipTests package)
# Output and per-fault JSON results: target/chaos/<run id>/

set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "${SCRIPT_DIR}/../.." && pwd)"
RUN_ID="$(date +%Y%m%d%H%M%S)"
OUT_DIR="${REPO_ROOT}/target/chaos/${RUN_ID}"
STACK_LOG="${OUT_DIR}/local-stack.out"
readonly SCRIPT_DIR REPO_ROOT RUN_ID OUT_DIR STACK_LOG
readonly FRONT="http://127.0.0.1:8080"
readonly STARTUP_LIMIT=900     # seconds for the whole stack to come up (a busy 2-CPU machine is slow)
readonly APP_STARTUP_LIMIT=600 # the stack's own limit per phase (BUSGATE_STARTUP_TIMEOUT), and for a restart
readonly RECOVERY_LIMIT=90     # seconds to wait for a bridge group to recover after a kill
readonly BROKER_PAUSE=15       # seconds the broker stays SIGSTOPped
readonly BROKER_RECOVERY=60    # seconds after SIGCONT within which queries must succeed again
readonly FAIL_FAST_MS=5000     # the gateway's 2 s send timeout (unacknowledged request: UNAVAILABLE) + 3 s margin
readonly USER_SERVICE="http://127.0.0.1:8081"
# More than half the 10 s reply timeout: the two user bridges work on 256 calls at once (128
# each), so most records after the first 256 reach their deadline. With 3 s all 600 fit in three
# windows and nothing times out.
readonly SLOWDOWN_MS=6000
readonly KAFKA_LIB="${REPO_ROOT}/compose/target/kafka-lib"
readonly LOCAL_STACK="${REPO_ROOT}/compose/local-stack.sh"
# The stack's own list of its processes (name, pid, port): the only source of pids to signal.
readonly STATE_FILE="${REPO_ROOT}/target/local-stack/processes.json"
readonly DEATH_LIMIT=15        # seconds within which a killed process must be gone
readonly OVERSIZE_BYTES=2097152 # fault 7: 2 MB more in every user-service answer
readonly ZIPKIN="http://127.0.0.1:9411"

STACK_PID=""
KAFKA_PID=""
TARGET_PID=""
BROKER_STOPPED=false
FAILED=()
SUMMARY=()

log() {
	printf '[chaos %s] %s\n' "$(date +%H:%M:%S)" "$*"
}

# Always: wake the broker if it is paused, then SIGTERM the stack and wait for it to stop.
stop_stack() {
	local rc=$?
	trap - EXIT INT TERM
	if [[ "${BROKER_STOPPED}" == true && -n "${KAFKA_PID}" ]]; then
		kill -CONT "${KAFKA_PID}" 2>/dev/null || true
	fi
	curl -s -o /dev/null --max-time 2 -X PUT "${USER_SERVICE}/drill/slowdown?ms=0" || true
	if [[ -n "${STACK_PID}" ]] && kill -0 "${STACK_PID}" 2>/dev/null; then
		log "Stopping the local stack (SIGTERM to pid ${STACK_PID}) ..."
		kill -TERM "${STACK_PID}" 2>/dev/null || true
		local waited=0
		while kill -0 "${STACK_PID}" 2>/dev/null && ((waited < 120)); do
			sleep 1
			waited=$((waited + 1))
		done
		if kill -0 "${STACK_PID}" 2>/dev/null; then
			# setsid made the stack a session and process-group leader: its group is ours alone.
			log "the stack did not stop within 120 s; SIGKILL to its process group ${STACK_PID}"
			kill -KILL -- "-${STACK_PID}" 2>/dev/null || true
		fi
		log "Stack stopped ($(tail -n 1 "${STACK_LOG}" 2>/dev/null || true))"
	fi
	exit "${rc}"
}

trap stop_stack EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# state <name> <field>: a field (pid, port) of a process in the stack's own list; empty when
# the stack lists no such process or it has none (a stopped process has no pid).
state() {
	node -e 'const [file, name, field] = process.argv.slice(1);
const p = JSON.parse(require("fs").readFileSync(file, "utf8")).processes.find((x) => x.name === name);
process.stdout.write(p && p[field] != null ? String(p[field]) : "")' "${STATE_FILE}" "$1" "$2"
}

# process_state <pid>: the kernel's state letter of a process (R, S, T, Z, ...); empty if it is gone.
process_state() {
	[[ -n "$1" ]] && awk '{ sub(/^.*\) /, ""); print $1 }' "/proc/$1/stat" 2>/dev/null || true
}

# alive <pid>: the process exists and has not exited (a zombie has).
alive() {
	local st
	st="$(process_state "$1")"
	[[ -n "${st}" && "${st}" != Z ]]
}

# kill_target <fault> <name>: sets TARGET_PID to the pid of <name> from the stack's list, checked
# to be running; records a failure and returns 1 otherwise.
kill_target() {
	local fault="$1" name="$2"
	TARGET_PID="$(state "${name}" pid)"
	if ! alive "${TARGET_PID}"; then
		FAILED+=("${fault}: ${name} (pid ${TARGET_PID:-none listed}) was not running before the kill")
		return 1
	fi
}

# check_killed <fault> <name> <pid> [load result]: the load delivered its signal, and the process
# is gone within DEATH_LIMIT s.
check_killed() {
	local fault="$1" name="$2" pid="$3" result="${4:-}" waited=0 error=""
	if [[ -n "${result}" ]]; then
		error="$(node -p 'const r = require(process.argv[1]); r.signalledAtMs === null ? "never signalled" : (r.signalError ?? "")' "${result}")"
	fi
	while alive "${pid}" && ((waited < DEATH_LIMIT * 2)); do
		sleep 0.5
		waited=$((waited + 1))
	done
	if alive "${pid}"; then
		FAILED+=("${fault}: ${name} (pid ${pid}) still runs after the kill${error:+ (${error})}")
		return 1
	fi
	if [[ -n "${error}" ]]; then
		FAILED+=("${fault}: the kill of ${name} (pid ${pid}) was not delivered by the load (${error})")
		return 1
	fi
	log "${fault}: ${name} (pid ${pid}) is gone"
}

# restart <fault> <name>: the stack restarts <name> with the same settings and waits until it is ready.
restart() {
	local fault="$1" name="$2" out
	log "${fault}: ./compose/local-stack.sh restart ${name}"
	if out="$(BUSGATE_STARTUP_TIMEOUT="${APP_STARTUP_LIMIT}" "${LOCAL_STACK}" restart "${name}" 2>&1)"; then
		log "${fault}: ${out##*] }"
	else
		FAILED+=("${fault}: restarting ${name} failed: ${out##*] }")
		return 1
	fi
}

# group_members <group>: "<consumer id> <partitions>" per member of a consumer group.
group_members() {
	kafka_tool org.apache.kafka.tools.consumer.group.ConsumerGroupCommand --bootstrap-server 127.0.0.1:9092 \
		--describe --group "$1" --members |
		awk '$1 == "GROUP" { for (i = 1; i <= NF; i++) { if ($i == "CONSUMER-ID") c = i; if ($i == "#PARTITIONS") p = i }; next }
			c && NF >= p { print $c, $p }' || true
}

# check_rejoined <fault> <name> <group> <consumer ids before the restart>: a member that was not
# in the group before the restart (the restarted bridge) holds partitions.
check_rejoined() {
	local fault="$1" name="$2" group="$3" before="$4" start=${SECONDS} members=""
	while ((SECONDS - start < RECOVERY_LIMIT)); do
		members="$(group_members "${group}")"
		if awk -v before=" ${before} " '$2 > 0 && index(before, " " $1 " ") == 0 { found = 1 } END { exit !found }' \
			<<<"${members}"; then
			log "${fault}: ${name} rejoined ${group} $((SECONDS - start)) s after its restart (members and partitions: ${members//$'\n'/; })"
			return 0
		fi
		sleep 2
	done
	FAILED+=("${fault}: ${name} did not rejoin ${group} within ${RECOVERY_LIMIT} s (members and partitions: ${members//$'\n'/; })")
	return 1
}

# restart_bridge <fault> <name> <group>: restarts a killed bridge; it must rejoin its group.
restart_bridge() {
	local fault="$1" name="$2" group="$3" before
	before="$(group_members "${group}" | awk '{ print $1 }' | tr '\n' ' ')"
	restart "${fault}" "${name}" && check_rejoined "${fault}" "${name}" "${group}" "${before}"
}

start_stack() {
	mkdir -p "${OUT_DIR}"
	: >"${STACK_LOG}"
	# Class-data archives are recorded once per changed jar, before any start: with all apps at
	# once on a busy machine that can take minutes, which the startup limit is not for.
	log "Preparing: ./compose/local-stack.sh --no-build --prepare-only"
	"${LOCAL_STACK}" --no-build --prepare-only >"${OUT_DIR}/prepare.out" 2>&1 </dev/null ||
		{ tail -n 20 "${OUT_DIR}/prepare.out"; log "preparing the local stack failed"; exit 2; }
	SECONDS=0
	log "Starting ./compose/local-stack.sh --no-build --bridges user=2,post=2,message=2 --gateways 2 --no-rate-limit (output: ${STACK_LOG})"
	BUSGATE_STARTUP_TIMEOUT="${APP_STARTUP_LIMIT}" setsid "${LOCAL_STACK}" --no-build --bridges user=2,post=2,message=2 \
		--gateways 2 --no-rate-limit >"${STACK_LOG}" 2>&1 </dev/null &
	STACK_PID=$!
	local deadline=$((SECONDS + STARTUP_LIMIT))
	until grep -q 'Busgate local stack is running' "${STACK_LOG}"; do
		if ! kill -0 "${STACK_PID}" 2>/dev/null; then
			tail -n 30 "${STACK_LOG}"
			log "the local stack exited during startup"
			exit 2
		fi
		if ((SECONDS >= deadline)); then
			tail -n 30 "${STACK_LOG}"
			log "the local stack was not up within ${STARTUP_LIMIT} s"
			exit 2
		fi
		sleep 2
	done
	grep -q 'Everything is up' "${STACK_LOG}" || { log "no 'Everything is up' line in the stack output"; exit 2; }
	until [[ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "${FRONT}/actuator/health/readiness" || true)" == 200 ]]; do
		((SECONDS < deadline)) || { log "HAProxy on :8080 never reported ready"; exit 2; }
		sleep 1
	done
	until [[ -f "${STATE_FILE}" ]]; do
		((SECONDS < deadline)) || { log "the stack wrote no ${STATE_FILE#"${REPO_ROOT}"/}"; exit 2; }
		sleep 0.5
	done
	KAFKA_PID="$(state kafka pid)"
	# Tokens carry what the stack's own `token` command puts in them.
	"${LOCAL_STACK}" token 1 >"${OUT_DIR}/token.template" 2>>"${OUT_DIR}/token.log" ||
		{ log "./compose/local-stack.sh token 1 failed (${OUT_DIR}/token.log)"; exit 2; }
	export CHAOS_TOKEN_TEMPLATE="${OUT_DIR}/token.template"
	log "Stack is up after ${SECONDS} s; HAProxy :8080 ready; processes (${STATE_FILE#"${REPO_ROOT}"/}):"
	cat "${STATE_FILE}"
}

# load <name> <plan kind> key=value...: plans and runs one load, result in OUT_DIR/<name>.json.
load() {
	local name="$1" kind="$2"
	shift 2
	node "${SCRIPT_DIR}/faults.mjs" plan "${kind}" "${OUT_DIR}/${name}.spec.json" "$@"
	node "${SCRIPT_DIR}/load.mjs" "${OUT_DIR}/${name}.spec.json" "${OUT_DIR}/${name}.json"
}

# row <fault> <label> <name> criteria...: prints a table row, records a failure.
row() {
	local fault="$1" label="$2" name="$3"
	shift 3
	if ! node "${SCRIPT_DIR}/faults.mjs" row "${label}" "${OUT_DIR}/${name}.json" "$@"; then
		FAILED+=("${fault}: ${label}")
	fi
}

table_header() {
	printf '\n### %s\n\n' "$1"
	printf '| phase | sent | data | error | unanswered | lost | duplicates | retried | latency p50/p99/max ms | slowest error ms | error codes | verdict |\n'
	printf '|---|---|---|---|---|---|---|---|---|---|---|---|\n'
}

# wait_recovered <label> [plan kind]: probes with batches of 12 queries (getUser, or post reads
# for the post group) until one batch is all data.
wait_recovered() {
	local label="$1" kind="${2:-queries}" start=${SECONDS} i=0 spec="${OUT_DIR}/probe.spec.json"
	while ((SECONDS - start < RECOVERY_LIMIT)); do
		i=$((i + 1))
		node "${SCRIPT_DIR}/faults.mjs" plan "${kind}" "${spec}" count=12 concurrency=12 timeoutMs=15000 offset=$((5000 + i * 12))
		node "${SCRIPT_DIR}/load.mjs" "${spec}" "${OUT_DIR}/probe.json"
		if node -e 'const r=require(process.argv[1]).requests; process.exit(r.every((x)=>x.outcome==="data")?0:1)' \
			"${OUT_DIR}/probe.json"; then
			log "${label}: a 12-query ${kind} probe got data for all 12 after $((SECONDS - start)) s (${i} probe(s))"
			return 0
		fi
		sleep 2
	done
	log "${label}: not recovered within ${RECOVERY_LIMIT} s"
	return 1
}

fault_bridge_kill() {
	kill_target "fault 1" http-bridge || return 0
	local pid="${TARGET_PID}" recovered=true
	log "Fault 1: kill -9 http-bridge (pid ${pid}) after 200 of 1,000 queries have started (concurrency 50)"
	load f1-during queries count=1000 concurrency=50 timeoutMs=15000 signalPid="${pid}" signalAfter=200
	check_killed "fault 1" http-bridge "${pid}" "${OUT_DIR}/f1-during.json" || true
	wait_recovered "fault 1" || recovered=false
	restart_bridge "fault 1" http-bridge user-bridge || true
	load f1-after queries count=100 concurrency=20 timeoutMs=15000 offset=2000
	table_header "Fault 1: kill -9 http-bridge (pid ${pid}) with 1,000 queries in flight"
	row "fault 1" "1,000 queries, bridge killed after 200 started" f1-during minDataPct=99 lostCodes=UPSTREAM_TIMEOUT
	row "fault 1" "100 queries after the bridge's restart" f1-after minDataPct=100
	[[ "${recovered}" == true ]] || FAILED+=("fault 1: no recovery within ${RECOVERY_LIMIT} s")
	SUMMARY+=("fault 1: see table; signalled at $(node -p 'require(process.argv[1]).signalledAtMs' "${OUT_DIR}/f1-during.json") ms into the load")
}

# fault_mutation_kill <fault> <post|message> <bridge> <group> <probe plan> <prefix>: 200 mutations
# with a bridge killed, retries of those without data, the read-back per caller.
fault_mutation_kill() {
	local fault="$1" op="$2" name="$3" group="$4" probe="$5" prefix="$6" mutation verdict dup="?" recovered=true
	mutation="$([[ "${op}" == post ]] && echo createPost || echo sendMessage)"
	kill_target "${fault}" "${name}" || return 0
	local pid="${TARGET_PID}"
	log "${fault^}: kill -9 ${name} (pid ${pid}) after 40 of 200 ${mutation} mutations have started (run ${RUN_ID})"
	load "${prefix}-mutations" mutations op="${op}" run="${RUN_ID}" count=200 concurrency=20 timeoutMs=15000 \
		signalPid="${pid}" signalAfter=40
	check_killed "${fault}" "${name}" "${pid}" "${OUT_DIR}/${prefix}-mutations.json" || true
	# Retry only once the group answers on every partition again (the killed member's partitions
	# stay unserved until its session times out) and the killed bridge is back.
	wait_recovered "${fault}" "${probe}" || recovered=false
	restart_bridge "${fault}" "${name}" "${group}" || true
	load "${prefix}-retries" retry-failed op="${op}" run="${RUN_ID}" from="${OUT_DIR}/${prefix}-mutations.json" \
		concurrency=20 timeoutMs=15000
	load "${prefix}-readback" readback op="${op}" count=200 concurrency=20 timeoutMs=15000
	if ! verdict="$(node "${SCRIPT_DIR}/faults.mjs" readback "${op}" "${OUT_DIR}/${prefix}-mutations.json" \
		"${OUT_DIR}/${prefix}-retries.json" "${OUT_DIR}/${prefix}-readback.json" "${RUN_ID}")"; then
		FAILED+=("${fault}: read-back failed, or a ${op} duplicated, lost, mismatched or not its caller's: ${verdict}")
	fi
	dup="$(node -p 'try { JSON.parse(process.argv[1]).duplicates ?? "?" } catch { "?" }' "${verdict}")"
	table_header "${fault^}: kill -9 ${name} (pid ${pid}) with 200 ${mutation} mutations in flight"
	row "${fault}" "200 ${mutation}, each by its own user, bridge killed after 40 started" "${prefix}-mutations" \
		duplicates="${dup}" minDataPct=0 lostCodes=UPSTREAM_TIMEOUT
	row "${fault}" "retry once (same key, same caller) of each that got no data" "${prefix}-retries" \
		duplicates="${dup}" minDataPct=100
	printf '\n%ss read back per caller: %s\n' "${op}" "${verdict}"
	[[ "${recovered}" == true ]] || FAILED+=("${fault}: no recovery within ${RECOVERY_LIMIT} s")
	SUMMARY+=("${fault}: ${verdict}")
}

fault_gateway_kill() {
	kill_target "fault 3" gateway || return 0
	local pid="${TARGET_PID}" port
	port="$(state gateway port)"
	log "Fault 3: kill -9 gateway local-1 (pid ${pid}) after 60 of 300 queries have started (concurrency 20, 1 retry)"
	load f3-gateway queries count=300 concurrency=20 timeoutMs=15000 retries=1 retryDelayMs=200 offset=3000 \
		signalPid="${pid}" signalAfter=60
	check_killed "fault 3" gateway "${pid}" "${OUT_DIR}/f3-gateway.json" || true
	# The same instance id: it must read its reply topic gateway.replies.local-1 again.
	restart "fault 3" gateway || true
	load f3-restarted queries count=20 concurrency=5 timeoutMs=15000 offset=3400 url="http://127.0.0.1:${port}/graphql"
	table_header "Fault 3: kill -9 gateway local-1 (pid ${pid}) behind HAProxy under 300 queries"
	row "fault 3" "300 queries, client retries once" f3-gateway minDataPct=100
	row "fault 3" "20 queries to the restarted local-1 on :${port}" f3-restarted minDataPct=100
	local first_try
	first_try="$(node -p 'const a=require(process.argv[1]).attempts.filter((x)=>x.n===0&&x.outcome!=="data"); a.length+" first attempts without data ("+[...new Set(a.map((x)=>x.code))].join(",")+")"' \
		"${OUT_DIR}/f3-gateway.json")"
	printf '\n%s\n' "${first_try}"
	SUMMARY+=("fault 3: ${first_try}")
}

fault_broker_pause() {
	kill_target "fault 4a" kafka || return 0
	KAFKA_PID="${TARGET_PID}"
	log "Fault 4a: kill -STOP the Kafka broker (pid ${KAFKA_PID}) for ${BROKER_PAUSE} s; 30 queries paced 400 ms apart meanwhile"
	kill -STOP "${KAFKA_PID}"
	BROKER_STOPPED=true
	local paused_at=${SECONDS}
	[[ "$(process_state "${KAFKA_PID}")" == T ]] ||
		FAILED+=("fault 4a: the broker (pid ${KAFKA_PID}) is not stopped after SIGSTOP (state $(process_state "${KAFKA_PID}"))")
	# 30 queries, one started every 400 ms (12 s of starts), each must be answered within 5 s.
	load f4-paused queries count=30 concurrency=30 spacingMs=400 timeoutMs=15000 offset=4000
	local left=$((BROKER_PAUSE - (SECONDS - paused_at)))
	((left > 0)) && sleep "${left}"
	kill -CONT "${KAFKA_PID}"
	BROKER_STOPPED=false
	[[ "$(process_state "${KAFKA_PID}")" != T ]] || FAILED+=("fault 4a: the broker (pid ${KAFKA_PID}) is still stopped after SIGCONT")
	log "Fault 4a: kill -CONT the broker after $((SECONDS - paused_at)) s; waiting up to ${BROKER_RECOVERY} s for queries to succeed"
	local took recovered=true
	took="$(probe_until_data f4-probe "${BROKER_RECOVERY}")" || recovered=false
	load f4-after queries count=100 concurrency=20 timeoutMs=15000 offset=4500
	table_header "Fault 4a: broker SIGSTOP for ${BROKER_PAUSE} s, then SIGCONT (pid ${KAFKA_PID})"
	row "fault 4a" "30 queries while the broker is stopped" f4-paused errorsOnly=true maxLatencyMs="${FAIL_FAST_MS}"
	row "fault 4a" "100 queries after recovery" f4-after minDataPct=100
	if [[ "${recovered}" == true ]]; then
		printf '\nqueries succeeded again %s s after SIGCONT\n' "${took}"
		SUMMARY+=("fault 4a: broker paused ${BROKER_PAUSE} s; all-data again ${took} s after SIGCONT")
	else
		printf '\nqueries did NOT all succeed within %s s after SIGCONT\n' "${BROKER_RECOVERY}"
		FAILED+=("fault 4a: no recovery within ${BROKER_RECOVERY} s of SIGCONT")
		SUMMARY+=("fault 4a: no recovery within ${BROKER_RECOVERY} s")
	fi
}

# wait_for_stack_line <text> <count> <seconds>: until the stack's output has <count> lines with <text>.
wait_for_stack_line() {
	local text="$1" count="$2" limit="$3" start=${SECONDS}
	until (($(grep -c -F -- "${text}" "${STACK_LOG}" || true) >= count)); do
		((SECONDS - start < limit)) || return 1
		sleep 0.5
	done
}

# probe_until_data <name> <seconds>: batches of 10 queries until one is all data; prints the seconds taken.
probe_until_data() {
	local name="$1" limit="$2" start=${SECONDS} i=0
	while ((SECONDS - start < limit)); do
		i=$((i + 1))
		load "${name}" queries count=10 concurrency=10 timeoutMs=15000 offset=$((8000 + i * 10)) >/dev/null
		if node -e 'process.exit(require(process.argv[1]).requests.every((x)=>x.outcome==="data")?0:1)' \
			"${OUT_DIR}/${name}.json"; then
			echo $((SECONDS - start))
			return 0
		fi
		sleep 1
	done
	return 1
}

fault_broker_restart() {
	local stopped_lines up_lines took old
	kill_target "fault 4b" kafka || return 0
	old="${TARGET_PID}"
	stopped_lines=$(($(grep -c -F 'Kafka broker stopped' "${STACK_LOG}" || true) + 1))
	up_lines=$(($(grep -c -F 'Kafka broker is up' "${STACK_LOG}" || true) + 1))
	log "Fault 4b: stop the Kafka broker (SIGUSR1 to the stack: clean shutdown, data kept); 30 queries paced 300 ms apart meanwhile"
	kill -USR1 "${STACK_PID}"
	if ! wait_for_stack_line 'Kafka broker stopped' "${stopped_lines}" 60; then
		FAILED+=("fault 4b: the broker did not stop within 60 s")
		return
	fi
	check_killed "fault 4b" kafka "${old}" || return 0
	load f4b-down queries count=30 concurrency=30 spacingMs=300 timeoutMs=15000 offset=4700
	log "Fault 4b: starting the broker again (SIGUSR2 to the stack)"
	kill -USR2 "${STACK_PID}"
	if ! wait_for_stack_line 'Kafka broker is up' "${up_lines}" 120; then
		FAILED+=("fault 4b: the broker did not come back within 120 s")
		return
	fi
	local waited=0
	KAFKA_PID=""
	# The stack lists the new broker once it serves.
	until alive "${KAFKA_PID}" || ((waited >= 20)); do
		sleep 0.5
		waited=$((waited + 1))
		KAFKA_PID="$(state kafka pid)"
	done
	alive "${KAFKA_PID}" || { FAILED+=("fault 4b: the stack lists no running broker after its restart"); return; }
	log "Fault 4b: broker up again (pid ${KAFKA_PID}); waiting up to ${BROKER_RECOVERY} s for queries to succeed"
	local recovered=true
	took="$(probe_until_data f4b-probe "${BROKER_RECOVERY}")" || recovered=false
	load f4b-after queries count=100 concurrency=20 timeoutMs=15000 offset=4800
	table_header "Fault 4b: broker stopped (clean shutdown), then started again on the same data"
	row "fault 4b" "30 queries while the broker is down" f4b-down errorsOnly=true maxLatencyMs="${FAIL_FAST_MS}"
	row "fault 4b" "100 queries after the restart" f4b-after minDataPct=100
	if [[ "${recovered}" == true ]]; then
		printf '\nqueries succeeded again %s s after the broker was up\n' "${took}"
		SUMMARY+=("fault 4b: broker stopped and restarted; all-data again ${took} s after it was up")
	else
		FAILED+=("fault 4b: no recovery within ${BROKER_RECOVERY} s of the restart")
		SUMMARY+=("fault 4b: no recovery within ${BROKER_RECOVERY} s")
	fi
}

backend_calls() {
	curl -sf --max-time 5 "${USER_SERVICE}/drill/slowdown" | node -p 'JSON.parse(require("fs").readFileSync(0, "utf8")).calls'
}

# user_bridge_records: "<answered> <expired>" summed over the user bridges' meters: request
# records answered (busgate.bridge.requests, any status) and skipped because their deadline had
# passed (busgate.bridge.expired).
user_bridge_records() {
	local name port answered=0 expired=0 a e
	for name in http-bridge http-bridge-2; do
		port="$(state "${name}" port)"
		read -r a e < <(curl -sf --max-time 5 "http://127.0.0.1:${port}/actuator/prometheus" |
			awk '/^busgate_bridge_requests_seconds_count[{ ]/ { a += $NF } /^busgate_bridge_expired_total[{ ]/ { e += $NF }
				END { printf "%d %d\n", a, e }')
		answered=$((answered + a))
		expired=$((expired + e))
	done
	echo "${answered} ${expired}"
}

fault_slow_backend() {
	local before after calls took recovered=true a0 e0 a1 e1 answered expired lost waited=0
	log "Fault 5: user-service slowed to ${SLOWDOWN_MS} ms per call; 600 queries at once (client timeout 20 s)"
	curl -sf --max-time 5 -o /dev/null -X PUT "${USER_SERVICE}/drill/slowdown?ms=${SLOWDOWN_MS}"
	before="$(backend_calls)"
	read -r a0 e0 < <(user_bridge_records)
	load f5-slow queries count=600 concurrency=600 timeoutMs=20000 offset=5000
	# Records still queued or in a call are done within seconds: answered, or skipped once their
	# deadline has passed.
	while true; do
		read -r a1 e1 < <(user_bridge_records)
		((a1 - a0 + e1 - e0 >= 600 || waited >= 30)) && break
		sleep 1
		waited=$((waited + 1))
	done
	after="$(backend_calls)"
	calls=$((after - before))
	answered=$((a1 - a0))
	expired=$((e1 - e0))
	lost=$((600 - answered - expired))
	curl -sf --max-time 5 -o /dev/null -X PUT "${USER_SERVICE}/drill/slowdown?ms=0"
	log "Fault 5: slowdown ended; of 600 request records the bridges answered ${answered}, skipped ${expired} (deadline passed); ${lost} lost; the user API was called ${calls} times"
	took="$(probe_until_data f5-probe 60)" || recovered=false
	load f5-after queries count=100 concurrency=20 timeoutMs=15000 offset=5700
	table_header "Fault 5: user-service slowed to ${SLOWDOWN_MS} ms per call"
	row "fault 5" "600 queries at once, backend slowed" f5-slow errorCodes=UPSTREAM_TIMEOUT,DEADLINE_EXCEEDED minErrors=1 minDataPct=0
	row "fault 5" "100 queries after the slowdown" f5-after minDataPct=100
	printf '\n| request records | answered by a bridge | skipped, deadline passed | lost | user API calls |\n|---|---|---|---|---|\n'
	printf '| 600 | %s | %s | %s | %s |\n' "${answered}" "${expired}" "${lost}" "${calls}"
	((lost <= 0)) || FAILED+=("fault 5: ${lost} of 600 request records neither answered nor skipped by a bridge: lost")
	((calls <= answered)) || FAILED+=("fault 5: the user API was called ${calls} times for ${answered} answered records")
	if [[ "${recovered}" == true ]]; then
		SUMMARY+=("fault 5: 600 records: ${answered} answered, ${expired} skipped past their deadline, ${lost} lost; ${calls} backend calls; all-data again ${took} s after the slowdown ended")
	else
		FAILED+=("fault 5: no recovery within 60 s after the slowdown ended")
	fi
}

# kafka_tool <class> args...: a Kafka command-line tool from the stack's Kafka jars.
kafka_tool() {
	java -cp "${KAFKA_LIB}/*" -Dlog4j2.level=warn "$@" 2>>"${OUT_DIR}/kafka-tools.log"
}

# dump_topic <topic>: every record of the topic (headers, key, value; one per line) into OUT_DIR/<topic>.records.
dump_topic() {
	kafka_tool org.apache.kafka.tools.consumer.ConsoleConsumer --bootstrap-server 127.0.0.1:9092 --topic "$1" \
		--from-beginning --timeout-ms 10000 --formatter-property print.headers=true --formatter-property print.key=true \
		>"${OUT_DIR}/$1.records" || true
}

fault_poison() {
	local service dlt status replies=0 failed=false deadline
	log "Fault 6: two poison records on each request topic (valid headers and a body that is not JSON; no bus headers)"
	deadline=$(($(date +%s) * 1000 + 60000))
	for service in user post message; do
		printf '%s\t%s\t%s\n' \
			"bus-correlation-id:poison-${RUN_ID}-${service},bus-reply-to:gateway.replies.local-2,bus-operation:${service}.poison,bus-deadline:${deadline},content-type:application/json" \
			"poison-${RUN_ID}-${service}" "not json at all" \
			"content-type:text/plain" "poison-${RUN_ID}-${service}-bare" "no bus headers either" |
			kafka_tool org.apache.kafka.tools.ConsoleProducer --bootstrap-server 127.0.0.1:9092 \
				--topic "${service}.requests" --reader-property parse.headers=true --reader-property parse.key=true
	done
	load f6-after all-services count=30 concurrency=10 timeoutMs=15000 offset=600
	table_header "Fault 6: poison records on user.requests, post.requests, message.requests"
	row "fault 6" "30 queries over all three services after the poison" f6-after minDataPct=100
	printf '\n| topic | poison records in its -dlt | error reply on gateway.replies.local-2 |\n|---|---|---|\n'
	dump_topic gateway.replies.local-2
	for service in user post message; do
		dump_topic "${service}.requests-dlt"
		dlt="$(grep -c -F "poison-${RUN_ID}-${service}" "${OUT_DIR}/${service}.requests-dlt.records" || true)"
		status="$(grep -F "poison-${RUN_ID}-${service}" "${OUT_DIR}/gateway.replies.local-2.records" |
			grep -o 'bus-status:[A-Z_]*' | head -n 1 || true)"
		printf '| %s.requests | %s of 2 | %s |\n' "${service}" "${dlt}" "${status:-none}"
		((dlt == 2)) || failed=true
		[[ "${status}" == bus-status:INVALID_ARGUMENT ]] && replies=$((replies + 1))
	done
	((replies == 3)) || failed=true
	if [[ "${failed}" == true ]]; then
		FAILED+=("fault 6: a poison record missing from its dead-letter topic, or an error reply missing")
	fi
	SUMMARY+=("fault 6: 6 poison records; ${replies} of 3 error replies; consumption continued (see table)")
}

fault_oversize() {
	local took recovered=true
	log "Fault 7: user-service answers ${OVERSIZE_BYTES} bytes larger (its oversize drill); 6 getUser queries"
	if ! curl -sf --max-time 5 -o /dev/null -X PUT "${USER_SERVICE}/drill/oversize?bytes=${OVERSIZE_BYTES}"; then
		FAILED+=("fault 7: user-service's oversize drill did not answer")
		return
	fi
	load f7-oversize queries count=6 concurrency=6 timeoutMs=15000 offset=7700
	curl -sf --max-time 5 -o /dev/null -X PUT "${USER_SERVICE}/drill/oversize?bytes=0" ||
		FAILED+=("fault 7: turning the oversize drill off failed")
	took="$(probe_until_data f7-probe 60)" || recovered=false
	load f7-after queries count=100 concurrency=20 timeoutMs=15000 offset=7800
	table_header "Fault 7: user-service answers too large for a reply record"
	row "fault 7" "6 queries, each answer 2 MB" f7-oversize errorsOnly=true errorCodes=RESPONSE_TOO_LARGE minErrors=6
	row "fault 7" "100 queries after the drill" f7-after minDataPct=100
	if [[ "${recovered}" == true ]]; then
		SUMMARY+=("fault 7: see table; all-data again ${took} s after the drill ended")
	else
		FAILED+=("fault 7: no recovery within 60 s after the drill ended: a bridge stopped serving")
	fi
}

# Zipkin has taken every span of the run: it must still answer, within its bounded memory.
check_zipkin() {
	local metrics spans heap
	if ! metrics="$(curl -sf --max-time 5 "${ZIPKIN}/prometheus")" ||
		! curl -sf --max-time 5 -o /dev/null "${ZIPKIN}/api/v2/traces?limit=10"; then
		FAILED+=("zipkin: no answer within 5 s after the run")
		return
	fi
	spans="$(awk '/^zipkin_collector_spans_total/ { s += $NF } END { printf "%d", s }' <<<"${metrics}")"
	heap="$(awk '/^jvm_memory_used_bytes\{area="heap"/ { s += $NF } END { printf "%d", s / 1048576 }' <<<"${metrics}")"
	SUMMARY+=("zipkin: answering after ${spans} spans received; heap in use ${heap} MB")
}

main() {
	command -v node >/dev/null || { log "node (20+) is required"; exit 2; }
	command -v curl >/dev/null || { log "curl is required"; exit 2; }
	start_stack
	local begin=${SECONDS}
	# JIT warm-up on a cold stack, so that fault 1 measures the fault rather than the first requests.
	log "Warm-up: 300 queries (concurrency 20), 20 createPost and 20 sendMessage mutations (not part of the faults)"
	load warmup-queries queries count=300 concurrency=20 timeoutMs=15000 offset=7000
	load warmup-posts mutations op=post run="${RUN_ID}w" count=20 concurrency=10 timeoutMs=15000
	load warmup-messages mutations op=message run="${RUN_ID}w" count=20 concurrency=10 timeoutMs=15000
	table_header "Warm-up (not a fault; no criteria)"
	node "${SCRIPT_DIR}/faults.mjs" row "warm-up queries" "${OUT_DIR}/warmup-queries.json" || true
	node "${SCRIPT_DIR}/faults.mjs" row "warm-up createPost" "${OUT_DIR}/warmup-posts.json" || true
	node "${SCRIPT_DIR}/faults.mjs" row "warm-up sendMessage" "${OUT_DIR}/warmup-messages.json" || true
	fault_bridge_kill
	fault_mutation_kill "fault 2" post grpc-bridge post-bridge post-reads f2
	fault_mutation_kill "fault 2b" message thrift-bridge message-bridge inbox-reads f2b
	fault_gateway_kill
	fault_broker_pause
	fault_broker_restart
	fault_slow_backend
	fault_poison
	# Last: on a bridge that cannot answer it, an oversized answer may block its partition.
	fault_oversize
	check_zipkin
	printf '\n### Summary (faults took %s s; results in %s)\n\n' "$((SECONDS - begin))" "${OUT_DIR#"${REPO_ROOT}"/}"
	local line
	for line in "${SUMMARY[@]}"; do printf -- '- %s\n' "${line}"; done
	if ((${#FAILED[@]} > 0)); then
		printf '\nFAILED criteria:\n'
		for line in "${FAILED[@]}"; do printf -- '- %s\n' "${line}"; done
		exit 1
	fi
	printf '\nAll faults met their criteria.\n'
}

main "$@"
