#!/usr/bin/env bash
#
# Benchmark of the bus path against its floor: builds the project (unless --no-build), then runs
# bench/target/bench-*-exec.jar, which launches ./compose/local-stack.sh --no-build under the local
# stack's lock, runs the scenarios on loopback (raw Kafka request/reply, the user service direct,
# the bus sequential, an open-model ramp, an N+1 query, one and two user bridges in front of a
# backend slowed by 10 ms, start-up and memory), stops the stack and prints the figures.
# About 4 minutes on a 2-CPU machine, start-up included.
#
# Usage: ./compose/bench/run.sh [--no-build] [--smoke] [--profile]
#   --no-build  use the jars already in */target
#   --smoke     every scenario with a tiny load, in seconds
#   --profile   a flight recording (JFR) of each process of the stack: target/bench/jfr/
# Results: target/bench/results.md and results.json; the stack's output in target/bench/.

set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
readonly REPO_ROOT

BUILD=true
ARGS=()
for arg in "$@"; do
	case "${arg}" in
		--no-build) BUILD=false ;;
		--smoke | --profile) ARGS+=("${arg}") ;;
		-h | --help)
			sed -n '3,15p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
			exit 0
			;;
		*)
			echo "[bench] unknown option: ${arg} (see --help)" >&2
			exit 1
			;;
	esac
done

cd "${REPO_ROOT}"
if [[ "${BUILD}" == true ]]; then
	echo "[bench] Building (./mvnw -B -q -DskipTests package) ..."
	./mvnw -B -q -DskipTests package
fi

# The apps' class-data archives are recorded once per changed jar; not while start-up is timed.
./compose/local-stack.sh --no-build --prepare-only

JAR="$(ls -t bench/target/bench-*-exec.jar 2>/dev/null | head -n 1 || true)"
[[ -n "${JAR}" ]] || { echo "[bench] no bench/target/bench-*-exec.jar; run without --no-build" >&2; exit 1; }
JAVA="java"
if [[ -n "${JAVA_HOME:-}" && -x "${JAVA_HOME}/bin/java" ]]; then
	JAVA="${JAVA_HOME}/bin/java"
fi
REVISION="$(git describe --always --dirty 2>/dev/null || echo unknown)"

exec "${JAVA}" -Xmx512m -jar "${JAR}" --repository "${REPO_ROOT}" --revision "${REVISION}" "${ARGS[@]}"
