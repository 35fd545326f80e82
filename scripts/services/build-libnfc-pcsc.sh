#!/usr/bin/env bash
# Builds Debian's libnfc source with its PC/SC driver (-DLIBNFC_DRIVER_PCSC=ON,
# left out of Debian's binary package) into a cache dir, so Debian's libnfc and
# libfreefare tools (nfc-list, mifare-desfire-info, ...) can reach pcscd
# readers, including the OneCard vpcd readers that services.sh starts.
#
# Usage: build-libnfc-pcsc.sh [env]   # build once, then print export lines:
#          eval "$(scripts/services/build-libnfc-pcsc.sh)"; nfc-list; mifare-desfire-info
#        build-libnfc-pcsc.sh dir     # build once, then print the install dir only
#          (what .ci/run exports as ONECARD_LIBNFC_PCSC_DIR)
#
# The env lines name ONE reader (LIBNFC_DEVICE, default "OneCard vpcd 00 00",
# or ONECARD_PCSC_READER) and turn libnfc's autoscan off: with autoscan on,
# libnfc also lists every pcscd reader, so the libfreefare tools would run
# twice on the named reader and touch cards other suites put in other slots.
#
# The source comes from the Debian mirror through a private apt configuration
# in the cache dir (a deb-src list, its own package lists): the system's apt
# sources are not touched. Needs the mirror once; later runs use the cached
# build, and a rebuild uses the cached source. Runs are serialised with a lock
# in the cache dir. Every phase has a time limit; on failure the script says
# which phase failed and exits non-zero, leaving any earlier good build alone.
#
# Environment: ONECARD_LIBNFC_CACHE_DIR (default <repo>/.onecard/cache/libnfc-pcsc),
# ONECARD_DEBIAN_MIRROR_URL (default http://deb.debian.org/debian), ONECARD_PCSC_READER.
# Needs (Debian 12): cmake build-essential pkg-config dpkg-dev libpcsclite-dev debian-archive-keyring.
set -euo pipefail

readonly DEBIAN_MIRROR_URL=${ONECARD_DEBIAN_MIRROR_URL:-http://deb.debian.org/debian}
readonly DEBIAN_KEYRING_PATH=/usr/share/keyrings/debian-archive-keyring.gpg
readonly SOURCE_PACKAGE=libnfc
readonly BINARY_PACKAGE=libnfc6 # what libfreefare links against; the rebuild matches its version
readonly LIBNFC_SONAME=libnfc.so.6
readonly DEFAULT_READER_NAME="OneCard vpcd 00 00"
# Bump when the cmake options below change: a cached build of another recipe is rebuilt.
readonly BUILD_RECIPE_VERSION=2
readonly BUILD_JOBS_MAX=4
readonly LOCK_TIMEOUT_S=600
readonly FETCH_TIMEOUT_S=300
readonly HTTP_TIMEOUT_S=30
readonly HTTP_RETRIES_MAX=2
readonly BUILD_TIMEOUT_S=600
readonly REQUIRED_TOOLS=(apt-get dpkg-source cmake make gcc pkg-config timeout flock)
readonly REQUIRED_PACKAGES="cmake build-essential pkg-config dpkg-dev libpcsclite-dev debian-archive-keyring"

SCRIPT_DIR=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(cd -- "$SCRIPT_DIR/../.." && pwd)
CACHE_DIR=${ONECARD_LIBNFC_CACHE_DIR:-$REPO_DIR/.onecard/cache/libnfc-pcsc}
[[ $CACHE_DIR == /* ]] || CACHE_DIR="$PWD/$CACHE_DIR"
readonly CACHE_DIR
readonly INSTALL_DIR="$CACHE_DIR/install"
readonly STAMP_PATH="$INSTALL_DIR/.built-from"
readonly SOURCE_DIR="$CACHE_DIR/src"
readonly APT_DIR="$CACHE_DIR/apt"

log() { printf 'build-libnfc-pcsc: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

print_env() {
  printf 'export ONECARD_LIBNFC_PCSC_DIR=%q\n' "$INSTALL_DIR"
  printf 'export LD_LIBRARY_PATH=%q\n' "$INSTALL_DIR/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
  printf 'export LIBNFC_DEVICE=%q\n' "pcsc:${ONECARD_PCSC_READER:-$DEFAULT_READER_NAME}"
  printf 'export LIBNFC_AUTO_SCAN=false\n'
}

# The source version of Debian's binary libnfc6 (without a binNMU "+bN"), so the rebuilt library
# matches what libfreefare links against.
wanted_version() {
  dpkg-query -W -f='${source:Version}' "$BINARY_PACKAGE" 2>/dev/null || true
}

stamp_text() { printf '%s recipe-%s\n' "${1:-latest}" "$BUILD_RECIPE_VERSION"; }

check_prerequisites() {
  local tool missing=()
  for tool in "${REQUIRED_TOOLS[@]}"; do command -v "$tool" >/dev/null || missing+=("$tool"); done
  [[ -f /usr/include/PCSC/winscard.h ]] || missing+=("PCSC/winscard.h")
  [[ -f $DEBIAN_KEYRING_PATH ]] || missing+=("$DEBIAN_KEYRING_PATH")
  ((${#missing[@]} == 0)) || die "missing ${missing[*]} (apt-get install $REQUIRED_PACKAGES)"
}

# The .dsc of VERSION (or of any version when VERSION is empty) already in the source cache.
cached_dsc() {
  local version=$1 upstream dsc
  upstream=${version#*:}
  for dsc in "$SOURCE_DIR"/"${SOURCE_PACKAGE}"_*.dsc; do
    [[ -f $dsc ]] || continue
    if [[ -z $version || $(basename "$dsc") == "${SOURCE_PACKAGE}_${upstream}.dsc" ]]; then echo "$dsc"; return; fi
  done
}

fetch_source() {
  local version=$1 codename sandbox_user
  codename=$(grep -m1 '^VERSION_CODENAME=' /etc/os-release 2>/dev/null | cut -d= -f2 || true)
  [[ -n $codename ]] || die "cannot tell the Debian release from /etc/os-release (this script needs Debian)"
  sandbox_user=$(id -un)
  mkdir -p "$APT_DIR/lists/partial" "$APT_DIR/parts" "$APT_DIR/cache/archives/partial"
  printf 'deb-src [signed-by=%s] %s %s main\n' "$DEBIAN_KEYRING_PATH" "$DEBIAN_MIRROR_URL" "$codename" >"$APT_DIR/sources.list"
  local apt_options=(
    -o "Dir::Etc::SourceList=$APT_DIR/sources.list" -o "Dir::Etc::SourceParts=$APT_DIR/parts"
    -o "Dir::State::Lists=$APT_DIR/lists" -o "Dir::Cache=$APT_DIR/cache" -o Debug::NoLocking=1
    -o "APT::Sandbox::User=$sandbox_user" -o "Acquire::http::Timeout=$HTTP_TIMEOUT_S"
    -o "Acquire::Retries=$HTTP_RETRIES_MAX" -q
  )
  log "fetching the $SOURCE_PACKAGE ${version:-(latest)} source from $DEBIAN_MIRROR_URL ($codename)"
  timeout "$FETCH_TIMEOUT_S" apt-get "${apt_options[@]}" --error-on=any update >&2 ||
    die "cannot fetch the signed source index from $DEBIAN_MIRROR_URL (no network or mirror? set ONECARD_DEBIAN_MIRROR_URL)"
  local download_dir="$CACHE_DIR/download"
  rm -rf "$download_dir" && mkdir -p "$download_dir"
  (cd "$download_dir" && timeout "$FETCH_TIMEOUT_S" apt-get "${apt_options[@]}" source --download-only "$SOURCE_PACKAGE${version:+=$version}" >&2) ||
    die "cannot download the $SOURCE_PACKAGE ${version:-(latest)} source package from $DEBIAN_MIRROR_URL"
  # apt checked every file against the signed Sources index; only then does it enter the source cache.
  rm -rf "$SOURCE_DIR" && mv "$download_dir" "$SOURCE_DIR"
}

unpack_source() {
  local dsc=$1
  rm -rf "$SOURCE_DIR/tree"
  # dpkg-source unpacks the upstream tarball and applies Debian's patches.
  (cd "$SOURCE_DIR" && dpkg-source --no-check -x "$(basename "$dsc")" tree >&2) || die "dpkg-source could not unpack $(basename "$dsc")"
}

build() {
  local build_dir="$SOURCE_DIR/tree/build" staging_dir="$CACHE_DIR/staging" jobs
  jobs=$(nproc); ((jobs <= BUILD_JOBS_MAX)) || jobs=$BUILD_JOBS_MAX
  rm -rf "$staging_dir" "$build_dir"
  timeout "$BUILD_TIMEOUT_S" cmake -S "$SOURCE_DIR/tree" -B "$build_dir" -Wno-dev \
    -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX="$INSTALL_DIR" \
    -DLIBNFC_DRIVER_PCSC=ON \
    -DLIBNFC_DRIVER_ACR122_USB=OFF -DLIBNFC_DRIVER_PN53X_USB=OFF \
    -DBUILD_EXAMPLES=OFF -DBUILD_UTILS=OFF >&2 || die "cmake could not configure libnfc (see the output above)"
  grep -q '^LIBNFC_DRIVER_PCSC:BOOL=ON$' "$build_dir/CMakeCache.txt" || die "cmake did not enable the pcsc driver"
  timeout "$BUILD_TIMEOUT_S" make -C "$build_dir" -j "$jobs" >&2 || die "libnfc did not compile (see the output above)"
  # Installed into a staging root (DESTDIR), then moved: an interrupted build never looks like a good one.
  timeout "$BUILD_TIMEOUT_S" make -C "$build_dir" install DESTDIR="$staging_dir" >&2 || die "libnfc did not install into $staging_dir"
  [[ -f $staging_dir$INSTALL_DIR/lib/$LIBNFC_SONAME ]] || die "the build finished without lib/$LIBNFC_SONAME"
  rm -rf "$INSTALL_DIR" && mv "$staging_dir$INSTALL_DIR" "$INSTALL_DIR" && rm -rf "$staging_dir"
}

build_once() {
  local version stamp dsc
  version=$(wanted_version)
  stamp=$(stamp_text "$version")
  if [[ -f $STAMP_PATH && $(cat "$STAMP_PATH") == "$stamp" && -f $INSTALL_DIR/lib/$LIBNFC_SONAME ]]; then
    log "cached: $INSTALL_DIR/lib/$LIBNFC_SONAME ($SOURCE_PACKAGE ${version:-latest} with the pcsc driver)"
    return
  fi
  check_prerequisites
  dsc=$(cached_dsc "$version")
  if [[ -n $dsc ]]; then
    log "using the cached source $(basename "$dsc")"
  else
    fetch_source "$version"
    dsc=$(cached_dsc "$version")
    [[ -n $dsc ]] || die "apt downloaded no ${SOURCE_PACKAGE}_*.dsc for version ${version:-(latest)}"
  fi
  local started_s=$SECONDS
  unpack_source "$dsc"
  build
  echo "$stamp" >"$STAMP_PATH"
  log "built $INSTALL_DIR/lib/$LIBNFC_SONAME ($SOURCE_PACKAGE ${version:-latest} with the pcsc driver) in $((SECONDS - started_s))s"
}

main() {
  local command=${1:-env}
  [[ $command == env || $command == dir ]] || die "usage: build-libnfc-pcsc.sh [env|dir]"
  mkdir -p "$CACHE_DIR"
  exec 9>"$CACHE_DIR/.lock"
  flock -w "$LOCK_TIMEOUT_S" 9 || die "another build holds $CACHE_DIR/.lock for more than ${LOCK_TIMEOUT_S}s"
  build_once
  case $command in
    env) print_env ;;
    dir) printf '%s\n' "$INSTALL_DIR" ;;
  esac
}

main "$@"
