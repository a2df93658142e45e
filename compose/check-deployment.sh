#!/usr/bin/env bash
#
# Checks the Docker deployment on a machine without a Docker engine or a registry (.ci/run runs
# it after ./mvnw verify):
#   1. docker-compose config validates compose/docker-compose.yml;
#   2. Jib builds user-service's image tarball against the Debian-packaged Java base
#      (compose/image/debian-jre-base.sh), the same Jib configuration as the deployed images;
#   3. the image says what it should: non-root user, JVM flags sized from the container limit;
#   4. as root: the image's file system is unpacked and its entrypoint started, as its user, in
#      its own mount and PID namespaces (chroot); the app must report ready over HTTP. Not root:
#      this step is skipped, and says so.
#
# Needs docker-compose (Debian: apt-get install docker-compose), python3, curl and a Debian or
# Ubuntu machine for the base image. Usage: compose/check-deployment.sh

set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
readonly REPO_ROOT
readonly BASE_TAR="${REPO_ROOT}/target/jib-base/debian-jre17.tar"
readonly APP=user-service
readonly IMAGE_TAR="${REPO_ROOT}/${APP}/target/jib-image.tar"
readonly WORK="${REPO_ROOT}/target/check-deployment"
readonly READY_TIMEOUT=120

info() {
	printf '[check-deployment] %s\n' "$*"
}

fail() {
	printf '[check-deployment] FAILED: %s\n' "$*" >&2
	exit 1
}

cd "${REPO_ROOT}"
rm -rf "${WORK}"
mkdir -p "${WORK}"

info "GIVEN compose/docker-compose.yml WHEN docker-compose config validates it"
docker-compose -f compose/docker-compose.yml config -q || fail "docker-compose config rejected compose/docker-compose.yml"
info "THEN it is valid"

info "GIVEN a Java 17 base from Debian packages WHEN Jib builds ${APP}'s image tarball"
compose/image/debian-jre-base.sh "${BASE_TAR}"
started=${SECONDS}
# -am builds the modules the app depends on in the same reactor, so that none is taken from a local
# repository (a fresh machine has none installed); Jib skips every module but the app.
./mvnw -B -q -pl "${APP}" -am -DskipTests package jib:buildTar -Dbusgate.image.base="tar://${BASE_TAR}" ||
	fail "jib:buildTar failed"
[[ -s "${IMAGE_TAR}" ]] || fail "no ${IMAGE_TAR}"
info "THEN ${IMAGE_TAR#"${REPO_ROOT}"/} is there ($(du -h "${IMAGE_TAR}" | cut -f1), $((SECONDS - started)) s)"

tar -xf "${IMAGE_TAR}" -C "${WORK}" manifest.json config.json
# Prints the image's user, then its Env, then its Entrypoint, one item per line.
python3 - "${WORK}/config.json" >"${WORK}/image-config.txt" <<'EOF'
import json, sys
config = json.load(open(sys.argv[1]))["config"]
print(config.get("User", ""))
print(len(config.get("Env", [])))
print("\n".join(config.get("Env", [])))
print("\n".join(config["Entrypoint"]))
EOF
mapfile -t lines <"${WORK}/image-config.txt"
user="${lines[0]}"
env_count="${lines[1]}"
image_env=("${lines[@]:2:env_count}")
entrypoint=("${lines[@]:2+env_count}")
info "GIVEN the image's config WHEN it is read THEN"
[[ "${user}" == 65532:65532 ]] || fail "the image runs as '${user}', not 65532:65532"
info "  it runs as ${user} (not root)"
[[ " ${entrypoint[*]} " == *" -XX:MaxRAMPercentage=75 "* ]] || fail "no -XX:MaxRAMPercentage=75 in: ${entrypoint[*]}"
info "  its entrypoint is: ${entrypoint[*]}"

if ((EUID != 0)) || ! command -v unshare >/dev/null 2>&1; then
	info "SKIPPED running the image: needs root and unshare (util-linux) to start it without an engine"
	exit 0
fi

info "GIVEN the image's layers unpacked WHEN its entrypoint starts as ${user} THEN ${APP} reports ready"
rootfs="${WORK}/rootfs"
mkdir -p "${rootfs}"
mapfile -t layers < <(python3 -c 'import json,sys; print("\n".join(json.load(open(sys.argv[1]))[0]["Layers"]))' "${WORK}/manifest.json")
for layer in "${layers[@]}"; do
	tar -xf "${IMAGE_TAR}" -O "${layer}" | tar -xz --warning=no-unknown-keyword -C "${rootfs}"
done
mkdir -p "${rootfs}/proc"
log="${WORK}/${APP}.log"
# Port 0: the app picks a free port and logs it, so this check never collides with anything.
unshare --mount --pid --fork --kill-child --mount-proc="${rootfs}/proc" \
	env -i "${image_env[@]}" "$(command -v chroot)" --userspec="${user}" "${rootfs}" "${entrypoint[@]}" --server.port=0 \
	>"${log}" 2>&1 &
pid=$!
# unshare ignores SIGTERM while it waits; the app (PID 1 of its namespace) gets it instead.
trap 'kill $(pgrep -P "${pid}") 2>/dev/null || true; wait "${pid}" 2>/dev/null || true' EXIT
deadline=$((SECONDS + READY_TIMEOUT))
port=""
until [[ -n "${port}" ]] && curl -fsS --max-time 2 "http://127.0.0.1:${port}/actuator/health/readiness" >/dev/null 2>&1; do
	kill -0 "${pid}" 2>/dev/null || { tail -n 40 "${log}" >&2; fail "${APP} exited in the image"; }
	((SECONDS < deadline)) || { tail -n 40 "${log}" >&2; fail "${APP} was not ready within ${READY_TIMEOUT} s"; }
	port="$(sed -n 's/.* started on port \([0-9]*\).*/\1/p' "${log}" | head -n 1)"
	sleep 1
done
info "  ready on :${port}: $(curl -fsS "http://127.0.0.1:${port}/actuator/health/readiness")"
grep -q 'started by nonroot' "${log}" || fail "the app did not run as the image's user 'nonroot' (log: ${log})"
info "  as user nonroot (log: ${log#"${REPO_ROOT}"/})"
info "All deployment checks passed"
