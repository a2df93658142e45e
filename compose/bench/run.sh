#!/usr/bin/env bash
#
# Benchmark of the bus path against its floor: builds the project (unless --no-build), then runs
# bench/target/bench-*-exec.jar, which launches ./compose/local-stack.sh --no-build under the local
# stack's lock, runs the scenarios on loopback (raw Kafka request/reply, the user service direct,
# the bus sequential, an open-model ramp, an N+1 query, closed-loop saturation of each protocol at
# 10, 50 and 200 connections, one and two user bridges in front of a backend slowed by 10 ms,
# start-up and memory), each timed one in 3 runs, stops the stack and prints every target with its
# figure and met / not met. About 10 minutes on a 2-CPU machine, start-up included.
#
# Usage: ./compose/bench/run.sh [--no-build] [--smoke] [--profile] [--repository DIR] [--output DIR]
#   --no-build        use the jars already in */target
#   --smoke           every scenario with a tiny load, in seconds
#   --profile         a flight recording (JFR) of each process of the stack: <output>/jfr/
#   --repository DIR  measure the local stack of another checkout (its jars, its local-stack.sh)
#                     with this checkout's benchmark, e.g. a before/after comparison; builds it
#                     unless --no-build
#   --output DIR      where the results go (default: target/bench, or target/bench/<revision of
#                     DIR> with --repository)
# Results: <output>/results.md and results.json; the stack's output in <output>/.

set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
readonly REPO_ROOT

BUILD=true
MEASURED="${REPO_ROOT}"
OUTPUT=""
ARGS=()
while (($# > 0)); do
	case "$1" in
		--no-build) BUILD=false ;;
		--smoke | --profile) ARGS+=("$1") ;;
		--repository)
			(($# >= 2)) || { echo "[bench] $1 needs a directory (see --help)" >&2; exit 1; }
			MEASURED="$(cd "$2" 2>/dev/null && pwd)" || { echo "[bench] no directory $2" >&2; exit 1; }
			shift
			;;
		--output)
			(($# >= 2)) || { echo "[bench] $1 needs a directory (see --help)" >&2; exit 1; }
			OUTPUT="$(realpath -m "$2")"
			shift
			;;
		-h | --help)
			sed -n '3,20p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
			exit 0
			;;
		*)
			echo "[bench] unknown option: $1 (see --help)" >&2
			exit 1
			;;
	esac
	shift
done
[[ -x "${MEASURED}/compose/local-stack.sh" ]] ||
	{ echo "[bench] ${MEASURED} has no compose/local-stack.sh: not a checkout of this project" >&2; exit 1; }

cd "${REPO_ROOT}"
if [[ "${BUILD}" == true ]]; then
	echo "[bench] Building ${MEASURED} (./mvnw -B -q -DskipTests package) ..."
	(cd "${MEASURED}" && ./mvnw -B -q -DskipTests package)
	if [[ "${MEASURED}" != "${REPO_ROOT}" ]]; then
		echo "[bench] Building the benchmark (./mvnw -B -q -DskipTests -pl bench -am package) ..."
		./mvnw -B -q -DskipTests -pl bench -am package
	fi
fi

# The apps' class-data archives are recorded once per changed jar; not while start-up is timed.
"${MEASURED}/compose/local-stack.sh" --no-build --prepare-only

JAR="$(ls -t bench/target/bench-*-exec.jar 2>/dev/null | head -n 1 || true)"
[[ -n "${JAR}" ]] || { echo "[bench] no bench/target/bench-*-exec.jar; run without --no-build" >&2; exit 1; }
JAVA="java"
if [[ -n "${JAVA_HOME:-}" && -x "${JAVA_HOME}/bin/java" ]]; then
	JAVA="${JAVA_HOME}/bin/java"
fi
REVISION="$(git -C "${MEASURED}" describe --always --dirty 2>/dev/null || echo unknown)"
if [[ -z "${OUTPUT}" && "${MEASURED}" == "${REPO_ROOT}" ]]; then
	OUTPUT="${REPO_ROOT}/target/bench"
elif [[ -z "${OUTPUT}" ]]; then
	OUTPUT="${REPO_ROOT}/target/bench/${REVISION}"
fi

exec "${JAVA}" -Xmx512m -jar "${JAR}" --repository "${MEASURED}" --output "${OUTPUT}" --revision "${REVISION}" \
	"${ARGS[@]}"
