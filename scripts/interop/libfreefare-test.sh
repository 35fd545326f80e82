#!/usr/bin/env bash
# Runs the libfreefare interop suite (conformance-tests/src/interop) the way
# .ci/run does, on a machine where scripts/services/services.sh start has run:
# builds (or reuses) libnfc with its pcsc driver, exports
# ONECARD_LIBNFC_PCSC_DIR and the services' environment, runs vitest.
#
# Usage: scripts/interop/libfreefare-test.sh [vitest args…]
#   ONECARD_INTEROP_VPCD_PORT=40059 ONECARD_INTEROP_READER='OneCard vpcd 00 00' \
#     scripts/interop/libfreefare-test.sh        # use slot 00 00 when 00 01 is busy
set -euo pipefail

SCRIPT_DIR=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(cd -- "$SCRIPT_DIR/../.." && pwd)
readonly REPO_DIR

die() { printf 'libfreefare-test: error: %s\n' "$*" >&2; exit 1; }

services_env=$("$REPO_DIR/scripts/services/services.sh" env) || die "services.sh env failed"
eval "$services_env"
[[ ${ONECARD_PCSC:-} == 1 ]] || die "pcscd with the OneCard vpcd reader is not running (scripts/services/services.sh start, as root)"
ONECARD_LIBNFC_PCSC_DIR=$("$REPO_DIR/scripts/services/build-libnfc-pcsc.sh" dir) || die "libnfc with the pcsc driver could not be built (see above)"
export ONECARD_LIBNFC_PCSC_DIR

cd "$REPO_DIR"
exec npx vitest run --project conformance-tests conformance-tests/src/interop "$@"
