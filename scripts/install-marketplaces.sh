#!/usr/bin/env bash
# Adds Claude Code plugin marketplaces through Claude Code itself
# (`claude plugin marketplace add SOURCE`), so meta-orchestrator has plugins to recommend.
#
# Usage: scripts/install-marketplaces.sh [SOURCE...]
#   SOURCE: GitHub owner/repo, git URL, or a local folder holding .claude-plugin/marketplace.json.
#   Without arguments the public marketplaces listed below are added.
# Re-running is safe: sources already known to Claude Code are reported and skipped.
# Exit status: 0 when every source is present afterwards, 1 when any failed, 2 on bad usage or
# when `claude` is missing. The claude binary is taken from $META_ORCH_CLAUDE, else PATH.
set -euo pipefail

default_sources=(
  wshobson/agents
  jeremylongshore/claude-code-plugins-plus-skills
  anthropics/claude-plugins-official
  anthropics/claude-code
)

case "${1:-}" in
  -h | --help)
    sed -n '2,11p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
    exit 0
    ;;
esac

claude="${META_ORCH_CLAUDE:-}"
if [[ -z "$claude" ]]; then
  claude="$(command -v claude || true)"
fi
if [[ -z "$claude" || ! -x "$claude" ]]; then
  {
    echo "install-marketplaces.sh: the Claude Code CLI ('claude') was not found on PATH."
    echo "Install it (npm install -g @anthropic-ai/claude-code)"
    echo "or point META_ORCH_CLAUDE at the binary, then run this script again."
  } >&2
  exit 2
fi

if (($# > 0)); then sources=("$@"); else sources=("${default_sources[@]}"); fi

known_file="${CLAUDE_CONFIG_DIR:-$HOME/.claude}/plugins/known_marketplaces.json"

# is_known SOURCE: true when known_marketplaces.json already has this source
# (github repo "owner/repo", a git URL, or a directory path).
is_known() {
  local src="$1" want
  [[ -f "$known_file" ]] || return 1
  if [[ -d "$src" ]]; then
    want="$(cd -P "$src" && pwd)"
  else
    want="$src"
  fi
  # Claude Code writes this file as JSON; a key match is enough, a full parser is not needed.
  grep -Fq "\"path\": \"$want\"" "$known_file" ||
    grep -Fq "\"repo\": \"$want\"" "$known_file" ||
    grep -Fq "\"url\": \"$want\"" "$known_file"
}

added=0 present=0 failed=0
for src in "${sources[@]}"; do
  if [[ "$src" != */* && ! -d "$src" ]]; then
    echo "install-marketplaces.sh: '$src' is neither owner/repo, a URL nor an existing folder" >&2
    failed=$((failed + 1))
    continue
  fi
  if is_known "$src"; then
    echo "already added: $src"
    present=$((present + 1))
    continue
  fi
  out=""
  if out="$("$claude" plugin marketplace add "$src" 2>&1)"; then
    echo "added: $src"
    added=$((added + 1))
  elif [[ "$out" == *"already"* ]]; then
    echo "already added: $src"
    present=$((present + 1))
  else
    {
      echo "install-marketplaces.sh: could not add $src:"
      printf '%s\n' "$out" | sed 's/^/  /'
      if [[ ! -d "$src" ]]; then
        echo "  (is the network reachable, and does the repository exist and hold .claude-plugin/marketplace.json?)"
      fi
    } >&2
    failed=$((failed + 1))
  fi
done

echo "marketplaces: $added added, $present already present, $failed failed"
if ((failed > 0)); then exit 1; fi
