#!/usr/bin/env bash
# Measures how fast the MCP server answers `initialize` (spawn -> first response line) and how long
# a burst of tool calls takes afterwards, for several JVM set-ups, so the launcher's choices rest on
# numbers. Usage: scripts/measure-startup.sh [RUNS] (default 5; prints medians in milliseconds).
#
#   MEASURE_TOOL / MEASURE_ARGS  tool called in the burst (default recommend_plugins with
#                                {"task": "review my pull request"}); MEASURE_CALLS how many (default 200)
#   MEASURE_SERVER_ARGS          extra arguments for `serve` (default: --catalog ../shared/catalog when it exists)
set -euo pipefail

root="$(cd -P "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jar="$root/target/meta-orchestrator.jar"
[[ -f "$jar" ]] || { echo "measure-startup: $jar missing; build it first (mvn -q -B -DskipTests package)" >&2; exit 1; }
runs="${1:-5}"
calls="${MEASURE_CALLS:-200}"
tool="${MEASURE_TOOL:-recommend_plugins}"
tool_args="${MEASURE_ARGS:-{\"task\":\"review my pull request\"\}}"
server_args=()
if [[ -n "${MEASURE_SERVER_ARGS:-}" ]]; then
  read -r -a server_args <<<"$MEASURE_SERVER_ARGS"
elif [[ -d "$root/../shared/catalog" ]]; then
  server_args=(--catalog "$root/../shared/catalog")
fi
java17="$(command -v java)"
java25=""
for j in /usr/lib/jvm/temurin-25-jdk-amd64/bin/java /usr/lib/jvm/*25*/bin/java; do
  if [[ -x "$j" ]]; then java25="$j"; break; fi
done

work="$(mktemp -d "${TMPDIR:-/tmp}/meta-orch-measure.XXXXXX")"
trap 'rm -rf "$work"' EXIT
mkdir "$work/home"

init='{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"measure","version":"1"}}}'

now_ms() { local t="${EPOCHREALTIME/./}"; printf '%s' "$((t / 1000))"; }

# session CMD...: runs one server; sets init_ms and burst_ms (burst_ms is empty with calls=0)
session() {
  rm -f "$work/in" "$work/out"
  mkfifo "$work/in" "$work/out"
  local t0 t1 line i pid
  t0="$(now_ms)"
  "$@" serve --home "$work/home" "${server_args[@]}" <"$work/in" >"$work/out" 2>>"$work/stderr" &
  pid=$!
  exec 4>"$work/in" 5<"$work/out"
  printf '%s\n' "$init" >&4
  IFS= read -r -t 60 line <&5 || { echo "measure-startup: no initialize answer from: $*" >&2; tail -n 5 "$work/stderr" >&2; exit 1; }
  t1="$(now_ms)"
  init_ms=$((t1 - t0))
  init_cpu_ms="$(cpu_ms "$pid")"
  burst_ms=""
  if ((calls > 0)); then
    printf '%s\n' '{"jsonrpc":"2.0","method":"notifications/initialized"}' >&4
    t0="$(now_ms)"
    # one call at a time: the SDK's stdio transport can drop a response when several requests
    # finish at once (reactor "signaled serially" error), and latency is what we compare anyway
    for ((i = 0; i < calls; i++)); do
      printf '{"jsonrpc":"2.0","id":%d,"method":"tools/call","params":{"name":"%s","arguments":%s}}\n' \
        "$((i + 10))" "$tool" "$tool_args" >&4
      while IFS= read -r -t 60 line <&5; do
        [[ "$line" == *"\"id\":$((i + 10)),"* || "$line" == *"\"id\":$((i + 10))}"* ]] && break
      done
    done
    t1="$(now_ms)"
    burst_ms=$((t1 - t0))
  fi
  exec 4>&-
  cat <&5 >/dev/null || true
  exec 5<&-
  wait "$pid" || true
}

# cpu_ms PID: user+system CPU time the process has used so far, in ms (Linux /proc); on a busy
# machine this is steadier than wall time
cpu_ms() {
  local stat fields tck
  if [[ -r "/proc/$1/stat" ]] && stat="$(cat "/proc/$1/stat" 2>/dev/null)"; then
    read -r -a fields <<<"${stat##*) }"
    tck="$(getconf CLK_TCK)"
    printf '%s' "$(((fields[11] + fields[12]) * 1000 / tck))"
  else
    printf '0'
  fi
}

median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print (NR ? a[int((NR+1)/2)] : "-")}'; }

# row LABEL CMD...: prints "label | init median | burst median"
row() {
  local label="$1" inits=() cpus=() bursts=() r
  shift
  session "$@" # warm-up (file cache), not counted
  for ((r = 0; r < runs; r++)); do
    session "$@"
    inits+=("$init_ms")
    cpus+=("$init_cpu_ms")
    bursts+=("${burst_ms:-0}")
  done
  printf '| %-52s | %8s | %12s | %9s |\n' "$label" "$(median "${inits[@]}")" "$(median "${cpus[@]}")" "$(median "${bursts[@]}")"
}

# train JAVA MODE FILE FLAGS...: builds an archive with one scripted session
train() {
  local java="$1" mode="$2" file="$3"
  shift 3
  rm -f "$file"
  local saved="$calls"
  calls=20
  if [[ "$mode" == aot ]]; then
    session "$java" "$@" "-XX:AOTCacheOutput=$file" -jar "$jar"
  else
    session "$java" "$@" "-XX:ArchiveClassesAtExit=$file" -jar "$jar"
  fi
  calls="$saved"
  [[ -s "$file" ]] || { echo "measure-startup: training wrote no $file" >&2; exit 1; }
}

log_opts=(-Xlog:disable -Xlog:all=warning:stderr)
echo "jar: $jar ($(wc -c <"$jar" | tr -d ' ') bytes); $runs runs after one warm-up; burst: $calls x $tool"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || uptime)"
printf '| %-52s | %8s | %12s | %9s |\n' "set-up" "init ms" "init CPU ms" "burst ms"
printf '|%s|%s|%s|%s|\n' "$(printf -- '-%.0s' {1..54})" "----------" "--------------" "-----------"
names=("default" "C1 only" "SerialGC" "C1 only + SerialGC")
flagsets=("" "-XX:TieredStopAtLevel=1" "-XX:+UseSerialGC" "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC")
for java in "$java17" "$java25"; do
  [[ -n "$java" ]] || continue
  major="$("$java" -XshowSettings:properties -version 2>&1 | awk -F' = ' '/java.specification.version/ {print $2}')"
  if ((major >= 25)); then mode=aot; else mode=cds; fi
  for i in "${!names[@]}"; do
    name="${names[i]}"
    read -r -a flags <<<"${flagsets[i]}"
    row "Java $major $name, no archive" "$java" "${log_opts[@]}" "${flags[@]}" -jar "$jar"
    archive="$work/archive-$major-${name// /_}.$mode"
    train "$java" "$mode" "$archive" "${log_opts[@]}" "${flags[@]}"
    if [[ "$mode" == aot ]]; then use="-XX:AOTCache=$archive"; else use="-XX:SharedArchiveFile=$archive"; fi
    row "Java $major $name, $mode archive" "$java" "${log_opts[@]}" "${flags[@]}" "$use" -jar "$jar"
  done
done
