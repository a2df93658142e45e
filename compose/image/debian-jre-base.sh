#!/usr/bin/env bash
#
# Assembles a Java 17 runtime base image from Debian packages, as a tarball in `docker save`
# format that Jib reads as a `tar://` base: the image build then needs neither a Docker engine
# nor a container registry. The deployed images use eclipse-temurin:17-jre from Docker Hub
# instead (the root POM's busgate.image.base); this base lets a machine that only reaches
# Debian's archive and Maven Central build and check the same Jib configuration.
#
# Only what the JVM links against is unpacked (dpkg-deb -x, no maintainer scripts, no root
# needed once apt's package lists exist): libc6, libgcc-s1, libstdc++6, zlib1g and
# openjdk-17-jre-headless. Nothing else of a Debian system is there (no shell, no package
# manager, no CA bundle for outbound TLS). The tarball is kept and reused; --force rebuilds it.
#
# Usage: compose/image/debian-jre-base.sh [--force] [output tarball]
#        (default output: target/jib-base/debian-jre17.tar at the repository root)

set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
readonly REPO_ROOT
readonly PACKAGES=(libc6 libgcc-s1 gcc-12-base libstdc++6 zlib1g openjdk-17-jre-headless)
readonly JAVA_HOME_IN_IMAGE=/usr/lib/jvm/java-17-openjdk-amd64
# The same unprivileged user the images run as (the root POM's Jib <user>).
readonly NONROOT_ID=65532

force=false
if [[ "${1:-}" == --force ]]; then
	force=true
	shift
fi
out="${1:-${REPO_ROOT}/target/jib-base/debian-jre17.tar}"

info() {
	printf '[debian-jre-base] %s\n' "$*"
}

if [[ -f "${out}" && "${force}" == false ]]; then
	info "Reusing ${out} (--force rebuilds it)"
	exit 0
fi
for tool in apt-get apt-cache dpkg-deb sha256sum tar; do
	command -v "${tool}" >/dev/null 2>&1 || { info "needs ${tool} (a Debian or Ubuntu machine)"; exit 1; }
done
# A fresh machine may have no package lists yet; apt-get update needs root.
if ! apt-cache policy openjdk-17-jre-headless 2>/dev/null | grep -q 'Candidate: [0-9]'; then
	if ((EUID == 0)); then
		apt-get update -qq
	else
		info "apt knows no openjdk-17-jre-headless; run 'sudo apt-get update' first"
		exit 1
	fi
fi

started=${SECONDS}
work="$(mktemp -d)"
trap 'rm -rf "${work}"' EXIT
mkdir -p "${work}/debs" "${work}/rootfs" "${work}/image"

info "Downloading ${PACKAGES[*]} ..."
(cd "${work}/debs" && apt-get download -qq "${PACKAGES[@]}")
shopt -s nullglob
debs=("${work}"/debs/*.deb)
((${#debs[@]} == ${#PACKAGES[@]})) || { info "expected ${#PACKAGES[@]} packages, got ${#debs[@]}"; exit 1; }
for deb in "${debs[@]}"; do
	dpkg-deb -x "${deb}" "${work}/rootfs"
	info "  $(dpkg-deb -f "${deb}" Package) $(dpkg-deb -f "${deb}" Version)"
done

rootfs="${work}/rootfs"
# Debian 12 merges /bin, /lib, /lib64 and /sbin into /usr; base-files would make these links.
for dir in bin lib lib64 sbin; do
	[[ -e "${rootfs}/${dir}" ]] || ln -s "usr/${dir}" "${rootfs}/${dir}"
done
mkdir -p "${rootfs}/etc" "${rootfs}/tmp" "${rootfs}/usr/bin" "${rootfs}/usr/sbin"
chmod 1777 "${rootfs}/tmp"
printf 'root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:%s:%s:nonroot:/home/nonroot:/sbin/nologin\n' \
	"${NONROOT_ID}" "${NONROOT_ID}" >"${rootfs}/etc/passwd"
printf 'root:x:0:\nnonroot:x:%s:\n' "${NONROOT_ID}" >"${rootfs}/etc/group"
mkdir -p "${rootfs}/home/nonroot"
# The package's postinst would register java with update-alternatives; a plain link does here.
ln -s "${JAVA_HOME_IN_IMAGE}/bin/java" "${rootfs}/usr/bin/java"
rm -rf "${rootfs}/usr/share/doc" "${rootfs}/usr/share/man" "${rootfs}/usr/share/lintian"

# One layer; owners are root (or nonroot for its home) whoever runs this script.
tar --sort=name --mtime='@0' --owner=0 --group=0 --numeric-owner -C "${rootfs}" \
	--exclude=./home/nonroot -cf "${work}/image/layer.tar" .
tar --mtime='@0' --owner="${NONROOT_ID}" --group="${NONROOT_ID}" --numeric-owner -C "${rootfs}" \
	-rf "${work}/image/layer.tar" ./home/nonroot
diff_id="sha256:$(sha256sum "${work}/image/layer.tar" | cut -d' ' -f1)"
cat >"${work}/image/config.json" <<EOF
{"architecture":"amd64","os":"linux","created":"1970-01-01T00:00:00Z",
 "config":{"Env":["PATH=${JAVA_HOME_IN_IMAGE}/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin","JAVA_HOME=${JAVA_HOME_IN_IMAGE}"]},
 "rootfs":{"type":"layers","diff_ids":["${diff_id}"]},
 "history":[{"created":"1970-01-01T00:00:00Z","created_by":"compose/image/debian-jre-base.sh: ${PACKAGES[*]}"}]}
EOF
printf '[{"Config":"config.json","RepoTags":["busgate/debian-jre-base:17"],"Layers":["layer.tar"]}]\n' \
	>"${work}/image/manifest.json"
mkdir -p "$(dirname "${out}")"
tar --owner=0 --group=0 --numeric-owner -C "${work}/image" -cf "${out}.partial" manifest.json config.json layer.tar
mv "${out}.partial" "${out}"
info "Wrote ${out} ($(du -h "${out}" | cut -f1), ${diff_id:0:19}...) in $((SECONDS - started)) s"
