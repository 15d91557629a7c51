# Sourced by scripts/synth and scripts/test: installs and selects the pinned
# toolchain so a fresh machine needs nothing installed by hand.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

command -v go >/dev/null || { echo "setup: Go 1.26 is required on PATH" >&2; exit 1; }
command -v npm >/dev/null || { echo "setup: npm is required on PATH (it installs node 22 and the CDK CLI)" >&2; exit 1; }

# node 22 (jsii runtime) and aws-cdk@2.1148.1 come from package-lock.json;
# reinstall only when the lock file changed since the last install.
stamp=node_modules/.o11yscale-lock.sha256
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -x node_modules/.bin/node ] || [ ! -x node_modules/.bin/cdk ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "setup: installing node 22 and the CDK CLI from package-lock.json" >&2
  npm ci --no-audit --no-fund --loglevel=error >&2
  echo "$want" > "$stamp"
fi
# Always the project's own node and cdk, never whatever else is on PATH.
export PATH="$ROOT/node_modules/.bin:$PATH"
# No credentials are needed to synthesize; skip the slow EC2 metadata probe.
export AWS_EC2_METADATA_DISABLED=true
export GOFLAGS="${GOFLAGS:-} -buildvcs=false"
