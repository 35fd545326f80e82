#!/usr/bin/env bash
# Builds Debian's libnfc source with its PC/SC driver (-DLIBNFC_DRIVER_PCSC=ON,
# left out of Debian's binary package) into a cache dir, so Debian's libnfc and
# libfreefare tools (nfc-list, mifare-desfire-info, ...) can reach pcscd
# readers, including the OneCard vpcd reader that services.sh starts.
#
# Usage: build-libnfc-pcsc.sh     # builds once, then prints export lines:
#        eval "$(scripts/services/build-libnfc-pcsc.sh)"; nfc-list; mifare-desfire-info
#
# The source comes from deb.debian.org through a private apt configuration in
# the cache dir (a deb-src list, its own package lists): the system's apt
# sources are not touched. Needs network access to the Debian mirror once.
# Cache: ONECARD_LIBNFC_CACHE_DIR, default <repo>/.onecard/cache/libnfc-pcsc.
set -euo pipefail

readonly DEBIAN_MIRROR_URL=http://deb.debian.org/debian
readonly DEBIAN_KEYRING_PATH=/usr/share/keyrings/debian-archive-keyring.gpg
readonly SOURCE_PACKAGE=libnfc
readonly LIBNFC_SONAME=libnfc.so.6
readonly DEFAULT_READER_NAME="OneCard vpcd 00 00"
readonly BUILD_JOBS_MAX=4
readonly REQUIRED_TOOLS=(apt-get dpkg-source cmake make gcc pkg-config)

SCRIPT_DIR=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(cd -- "$SCRIPT_DIR/../.." && pwd)
CACHE_DIR=${ONECARD_LIBNFC_CACHE_DIR:-$REPO_DIR/.onecard/cache/libnfc-pcsc}
[[ $CACHE_DIR == /* ]] || CACHE_DIR="$PWD/$CACHE_DIR"
INSTALL_DIR="$CACHE_DIR/install"
STAMP_PATH="$INSTALL_DIR/.built-from"

log() { printf 'build-libnfc-pcsc: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

print_env() {
  printf 'export LD_LIBRARY_PATH=%q\n' "$INSTALL_DIR/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
  printf 'export LIBNFC_DEFAULT_DEVICE=%q\n' "pcsc:${ONECARD_PCSC_READER:-$DEFAULT_READER_NAME}"
}

# The version Debian's binary libnfc6 has, so the rebuilt library matches what libfreefare links against.
wanted_version() {
  dpkg-query -W -f='${Version}' libnfc6 2>/dev/null || true
}

check_prerequisites() {
  local tool missing=()
  for tool in "${REQUIRED_TOOLS[@]}"; do command -v "$tool" >/dev/null || missing+=("$tool"); done
  [[ -f /usr/include/PCSC/winscard.h ]] || missing+=("PCSC/winscard.h")
  [[ -f $DEBIAN_KEYRING_PATH ]] || missing+=("$DEBIAN_KEYRING_PATH")
  ((${#missing[@]} == 0)) ||
    die "missing ${missing[*]} (apt-get install cmake build-essential pkg-config dpkg-dev libpcsclite-dev debian-archive-keyring)"
}

fetch_source() {
  local version=$1 codename apt_dir=$CACHE_DIR/apt
  codename=$(grep -m1 '^VERSION_CODENAME=' /etc/os-release | cut -d= -f2)
  [[ -n $codename ]] || die "cannot tell the Debian release from /etc/os-release"
  mkdir -p "$apt_dir/lists/partial" "$apt_dir/parts" "$apt_dir/cache/archives/partial" "$CACHE_DIR/src"
  printf 'deb-src [signed-by=%s] %s %s main\n' "$DEBIAN_KEYRING_PATH" "$DEBIAN_MIRROR_URL" "$codename" >"$apt_dir/sources.list"
  local apt_options=(
    -o "Dir::Etc::SourceList=$apt_dir/sources.list" -o "Dir::Etc::SourceParts=$apt_dir/parts"
    -o "Dir::State::Lists=$apt_dir/lists" -o "Dir::Cache=$apt_dir/cache" -o Debug::NoLocking=1
    -o APT::Sandbox::User=root -q
  )
  log "fetching the $SOURCE_PACKAGE ${version:-(latest)} source from $DEBIAN_MIRROR_URL ($codename)"
  apt-get "${apt_options[@]}" update >&2
  rm -rf "$CACHE_DIR/src" && mkdir -p "$CACHE_DIR/src"
  (cd "$CACHE_DIR/src" && apt-get "${apt_options[@]}" source --download-only "$SOURCE_PACKAGE${version:+=$version}" >&2)
  # apt checked the files against the signed Sources index; dpkg-source unpacks and applies Debian's patches.
  (cd "$CACHE_DIR/src" && dpkg-source --no-check -x ./*.dsc tree >&2)
}

build() {
  local build_dir=$CACHE_DIR/src/tree/build jobs
  jobs=$(nproc); ((jobs <= BUILD_JOBS_MAX)) || jobs=$BUILD_JOBS_MAX
  rm -rf "$INSTALL_DIR"
  cmake -S "$CACHE_DIR/src/tree" -B "$build_dir" -Wno-dev \
    -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX="$INSTALL_DIR" \
    -DLIBNFC_DRIVER_PCSC=ON \
    -DLIBNFC_DRIVER_ACR122_USB=OFF -DLIBNFC_DRIVER_PN53X_USB=OFF \
    -DBUILD_EXAMPLES=OFF -DBUILD_UTILS=OFF >&2
  make -C "$build_dir" -j "$jobs" >&2
  make -C "$build_dir" install >&2
  [[ -f $INSTALL_DIR/lib/$LIBNFC_SONAME ]] || die "build finished without $INSTALL_DIR/lib/$LIBNFC_SONAME"
  grep -q '^LIBNFC_DRIVER_PCSC:BOOL=ON$' "$build_dir/CMakeCache.txt" || die "CMake did not enable the pcsc driver"
}

main() {
  local version
  version=$(wanted_version)
  if [[ -f $STAMP_PATH && $(cat "$STAMP_PATH") == "${version:-latest}" && -f $INSTALL_DIR/lib/$LIBNFC_SONAME ]]; then
    log "cached: $INSTALL_DIR/lib/$LIBNFC_SONAME (libnfc ${version:-latest} with the pcsc driver)"
  else
    check_prerequisites
    fetch_source "$version"
    build
    echo "${version:-latest}" >"$STAMP_PATH"
    log "built $INSTALL_DIR/lib/$LIBNFC_SONAME (libnfc ${version:-latest} with the pcsc driver)"
  fi
  print_env
}

main "$@"
