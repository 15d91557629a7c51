# Sourced by scripts/synth and scripts/test: installs and selects the pinned
# toolchain so a fresh machine needs only Go 1.26, npm and (for scripts/test)
# Python 3 with venv.
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

# cfn-lint and moto_server, which only scripts/test needs (synth never needs
# Python). Tools already on PATH are used as they are; otherwise these pinned
# versions go into the project's own .venv with Python's venv and that
# venv's pip, once: a later run finds them there.
PYTHON_TOOLS=("cfn-lint==1.51.0" "moto[server]==5.2.1")
setup_python_tools() {
  local venv="$ROOT/.venv" want="${PYTHON_TOOLS[*]}"
  local stamp="$venv/.o11yscale-requirements"
  if [ -x "$venv/bin/cfn-lint" ] && [ -x "$venv/bin/moto_server" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
    export PATH="$venv/bin:$PATH"
    return 0
  fi
  if command -v cfn-lint >/dev/null && command -v moto_server >/dev/null; then
    return 0
  fi
  command -v python3 >/dev/null || {
    echo "setup: cfn-lint and moto_server are not on PATH, and installing them needs Python 3 with venv: python3 is not on PATH" >&2
    exit 1
  }
  echo "setup: cfn-lint or moto_server is not on PATH; creating .venv with python3 -m venv" >&2
  python3 -m venv "$venv" >&2 || {
    echo "setup: 'python3 -m venv .venv' failed; Python 3's venv module is required (Debian/Ubuntu: apt-get install python3-venv)" >&2
    exit 1
  }
  echo "setup: installing $want into .venv with .venv/bin/pip" >&2
  "$venv/bin/pip" install "${PYTHON_TOOLS[@]}" >&2 || {
    echo "setup: .venv/bin/pip could not install $want (pip needs to reach PyPI or a mirror set with PIP_INDEX_URL)" >&2
    exit 1
  }
  [ -x "$venv/bin/cfn-lint" ] && [ -x "$venv/bin/moto_server" ] || {
    echo "setup: pip succeeded but .venv/bin lacks cfn-lint or moto_server" >&2
    exit 1
  }
  echo "$want" > "$stamp"
  export PATH="$venv/bin:$PATH"
  echo "setup: using cfn-lint and moto_server from .venv/bin" >&2
}
