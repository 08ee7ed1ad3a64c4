#!/usr/bin/env bash
# The project's single test command (CI runs it through .ci/run).
#  1. installs the test clients that are not Java or Maven into .cache/npm (skipped when the right
#     versions are already there): Claude Code and the MCP Inspector;
#  2. exports their paths for the Java tests (META_ORCH_CLAUDE, META_ORCH_INSPECTOR,
#     META_ORCH_REQUIRE_CLIENTS=1: a missing client is a failure, not a skip);
#  3. runs `mvn -B verify` with any extra arguments given to this script;
#  4. runs the end-to-end client checks (scripts/e2e-clients.sh) against the built jar.
# Needs Java 17+, Maven, Node 20+ and npm. Exits non-zero on any failure.
set -euo pipefail

root="$(cd -P "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

# Versions known to work here on Node 20: newer Claude Code 2.1.x releases need Node 22, and
# Inspector lines after 0.15 need Node 22 too.
claude_version="${META_ORCH_CLAUDE_VERSION:-2.1.197}"
inspector_version="${META_ORCH_INSPECTOR_VERSION:-0.15.0}"
npm_dir="$root/.cache/npm"

die() {
  printf 'test.sh: %s\n' "$*" >&2
  exit 1
}

for tool in java mvn node npm; do
  command -v "$tool" >/dev/null 2>&1 || die "'$tool' not found on PATH (tests need Java 17+, Maven, Node 20+ and npm)"
done

installed_version() { # installed_version PACKAGE: version in .cache/npm, or nothing
  local pj="$npm_dir/node_modules/$1/package.json"
  [[ -f "$pj" ]] || return 0
  node -p 'require(process.argv[1]).version' "$pj" 2>/dev/null || true
}

if [[ "$(installed_version @anthropic-ai/claude-code)" != "$claude_version" ||
  "$(installed_version @modelcontextprotocol/inspector)" != "$inspector_version" ]]; then
  echo "test.sh: installing @anthropic-ai/claude-code@$claude_version and @modelcontextprotocol/inspector@$inspector_version into .cache/npm" >&2
  mkdir -p "$npm_dir"
  if ! npm install --prefix "$npm_dir" --no-audit --no-fund --loglevel=error --save-exact \
    "@anthropic-ai/claude-code@$claude_version" "@modelcontextprotocol/inspector@$inspector_version" >&2; then
    die "npm install failed (see above); the npm registry must be reachable"
  fi
fi

export META_ORCH_CLAUDE="$npm_dir/node_modules/.bin/claude"
export META_ORCH_INSPECTOR="$npm_dir/node_modules/.bin/mcp-inspector"
export META_ORCH_REQUIRE_CLIENTS=1
export DISABLE_TELEMETRY=1 CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1
[[ -x "$META_ORCH_CLAUDE" ]] || die "$META_ORCH_CLAUDE missing after npm install"
[[ -x "$META_ORCH_INSPECTOR" ]] || die "$META_ORCH_INSPECTOR missing after npm install"
"$META_ORCH_CLAUDE" --version >/dev/null 2>&1 || die "$META_ORCH_CLAUDE does not run"

echo "test.sh: mvn -B verify $*" >&2
mvn -B verify "$@"

echo "test.sh: end-to-end client checks" >&2
bash "$root/scripts/e2e-clients.sh"
