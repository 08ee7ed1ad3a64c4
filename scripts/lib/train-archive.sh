#!/usr/bin/env bash
# Background training run for scripts/meta-orchestrator: builds the AOT cache (Java 25+) or the
# AppCDS archive (Java 17-24) for one jar + JVM combination. Started detached by the launcher with
# its settings in MO_TRAIN_* variables; not meant to be run by hand.
#
# It takes a lock directory (atomic mkdir), feeds `serve` a short scripted MCP session (initialize,
# notifications/initialized, tools/list, tools/call catalog_status, then end of input) with a
# throwaway --home, lets the JVM write the archive under a temporary name and renames it into
# place only when the run succeeded, so a launch never sees a half-written archive.
set -euo pipefail

: "${MO_TRAIN_JAVA:?}" "${MO_TRAIN_JAR:?}" "${MO_TRAIN_MODE:?}" "${MO_TRAIN_ARCHIVE:?}"
: "${MO_TRAIN_LOCK:?}" "${MO_TRAIN_PREFIX:?}" "${MO_TRAIN_OPTS:?}"
delay="${MO_TRAIN_DELAY:-2}"       # seconds to wait so the launch that started us goes first
step_timeout="${MO_TRAIN_TIMEOUT:-90}" # seconds allowed for each phase of the session

log() { printf '%s [%s] %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$$" "$*"; }

lock="$MO_TRAIN_LOCK"
if ! mkdir "$lock" 2>/dev/null; then
  holder=""
  read -r holder 2>/dev/null <"$lock/pid" || holder=""
  if [[ -n "$holder" ]] && kill -0 "$holder" 2>/dev/null; then
    exit 0 # another trainer is at work
  fi
  if [[ -z "$holder" ]] && [[ -z "$(find "$lock" -maxdepth 0 -mmin +10 2>/dev/null)" ]]; then
    exit 0 # just created by another trainer that has not written its pid yet
  fi
  log "removing stale lock $lock (holder '${holder:-none}' is gone)"
  rm -rf "$lock"
  mkdir "$lock" 2>/dev/null || exit 0
fi
printf '%s\n' "$$" >"$lock/pid"

work="$(mktemp -d "${TMPDIR:-/tmp}/meta-orch-train.XXXXXX")"
tmp_archive="$MO_TRAIN_ARCHIVE.tmp.$$"
java_pid=""
cleanup() {
  if [[ -n "$java_pid" ]] && kill -0 "$java_pid" 2>/dev/null; then
    kill "$java_pid" 2>/dev/null || true
  fi
  rm -rf "$work" "$tmp_archive" "$tmp_archive.config" 2>/dev/null || true
  rm -rf "$lock" 2>/dev/null || true
}
trap cleanup EXIT

fail() {
  log "training failed: $*"
  if [[ -s "$work/stderr" ]]; then
    log "last lines of the server's stderr:"
    tail -n 20 "$work/stderr" || true
  fi
  # remember the failure for this jar identity so launches do not retrain in a loop;
  # a rebuilt jar has another identity and is tried again
  printf '%s\n' "$*" >"$MO_TRAIN_ARCHIVE.failed" 2>/dev/null || true
  exit 1
}

# wait_for PATTERN SECONDS: wait until the server's stdout has a line matching PATTERN
wait_for() {
  local deadline=$((SECONDS + $2))
  while ! grep -qE "$1" "$work/stdout" 2>/dev/null; do
    if ! kill -0 "$java_pid" 2>/dev/null; then return 1; fi
    if ((SECONDS >= deadline)); then return 1; fi
    sleep 0.1
  done
}

sleep "$delay"
start=$SECONDS
log "training $MO_TRAIN_MODE archive for $MO_TRAIN_JAR with $MO_TRAIN_JAVA"

# shellcheck disable=SC2206 # the options were joined with spaces by the launcher; split them back
opts=($MO_TRAIN_OPTS)
case "$MO_TRAIN_MODE" in
  aot) opts+=("-XX:AOTCacheOutput=$tmp_archive") ;;
  cds) opts+=("-XX:ArchiveClassesAtExit=$tmp_archive") ;;
  *) fail "unknown mode $MO_TRAIN_MODE" ;;
esac

mkfifo "$work/stdin"
mkdir "$work/home"
# The repository is itself a marketplace (one plugin): serving it exercises the folder loader,
# front matter, YAML and the search index, so their classes land in the archive too.
train_sources=()
if [[ -n "${MO_TRAIN_REPO:-}" && -f "$MO_TRAIN_REPO/.claude-plugin/marketplace.json" ]]; then
  train_sources=(--marketplace "$MO_TRAIN_REPO")
fi
"$MO_TRAIN_JAVA" "${opts[@]}" -jar "$MO_TRAIN_JAR" serve --home "$work/home" "${train_sources[@]}" \
  <"$work/stdin" >"$work/stdout" 2>"$work/stderr" &
java_pid=$!
exec 3>"$work/stdin"

trap '' PIPE # a server that dies early makes our writes fail instead of killing us
send() { printf '%s\n' "$1" >&3 || fail "the server closed its input"; }
send '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"meta-orchestrator-launcher-training","version":"1"}}}'
wait_for '"id":1[,}]' "$step_timeout" || fail "no answer to initialize"
send '{"jsonrpc":"2.0","method":"notifications/initialized"}'
send '{"jsonrpc":"2.0","id":2,"method":"tools/list","params":{}}'
send '{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"catalog_status","arguments":{}}}'
wait_for '"id":3[,}]' "$step_timeout" || fail "no answer to tools/call catalog_status"
send '{"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"recommend_plugins","arguments":{"task":"recommend plugins for a multi-step workflow"}}}'
wait_for '"id":4[,}]' "$step_timeout" || fail "no answer to tools/call recommend_plugins"
exec 3>&- # end of input: the server exits and the JVM writes the archive

deadline=$((SECONDS + step_timeout))
while kill -0 "$java_pid" 2>/dev/null; do
  if ((SECONDS >= deadline)); then fail "server did not exit after end of input"; fi
  sleep 0.1
done
rc=0
wait "$java_pid" || rc=$?
java_pid=""
((rc == 0)) || fail "server exited with status $rc"
[[ -s "$tmp_archive" ]] || fail "the JVM wrote no archive"

# Map the new archive once before trusting it: a JVM that cannot use it fails here, not in a launch.
case "$MO_TRAIN_MODE" in
  aot) check=("-XX:AOTCache=$tmp_archive" -XX:AOTMode=on) ;;
  *) check=("-XX:SharedArchiveFile=$tmp_archive" -Xshare:on) ;;
esac
# shellcheck disable=SC2206 # same option string as above
base_opts=($MO_TRAIN_OPTS)
if ! "$MO_TRAIN_JAVA" "${base_opts[@]}" "${check[@]}" -jar "$MO_TRAIN_JAR" --version >"$work/verify.out" 2>&1; then
  cat "$work/verify.out" >>"$work/stderr" 2>/dev/null || true
  fail "the new archive does not map"
fi

mv -f "$tmp_archive" "$MO_TRAIN_ARCHIVE"
# the stamp the launcher compares before every use
stamp="$(stat -L -c '%s-%Y-%i' "$MO_TRAIN_ARCHIVE" 2>/dev/null || stat -L -f '%z-%m-%i' "$MO_TRAIN_ARCHIVE")"
printf '%s\n' "$stamp" >"$MO_TRAIN_ARCHIVE.ok.tmp.$$" && mv -f "$MO_TRAIN_ARCHIVE.ok.tmp.$$" "$MO_TRAIN_ARCHIVE.ok"
# drop archives of older builds of the same jar (same prefix, other size/mtime)
for old in "$MO_TRAIN_PREFIX"*."$MO_TRAIN_MODE" "$MO_TRAIN_PREFIX"*."$MO_TRAIN_MODE".failed "$MO_TRAIN_PREFIX"*."$MO_TRAIN_MODE".ok; do
  if [[ -e "$old" && "$old" != "$MO_TRAIN_ARCHIVE" && "$old" != "$MO_TRAIN_ARCHIVE.ok" ]]; then rm -f "$old"; fi
done
log "wrote $MO_TRAIN_ARCHIVE ($(wc -c <"$MO_TRAIN_ARCHIVE" | tr -d ' ') bytes) in $((SECONDS - start)) s"
