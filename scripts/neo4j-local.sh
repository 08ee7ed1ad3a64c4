#!/usr/bin/env bash
# A persistent local Neo4j 5.26 Community server for people who have none, built from Maven
# Central jars (no download besides Maven, no root, no Debian package needed).
#
# Usage: scripts/neo4j-local.sh start|stop|status|restart
#   start   resolve the server's jars (first time only), write its config (first time only), start
#           it in the background and wait until Bolt accepts connections
#   stop    stop it (SIGTERM, SIGKILL after 20 s)
#   status  running or stopped, with the Bolt URI; exit status 0 running, 3 stopped
#
# Data, config, logs and the pid file live in $META_ORCH_HOME/neo4j (default
# ~/.meta-orchestrator/neo4j) and survive restarts. Bolt listens on 127.0.0.1 only, with
# authentication off; HTTP is off. Point meta-orchestrator at it with
#   NEO4J_URI=bolt://127.0.0.1:7687
#
# Environment: META_ORCH_NEO4J_PORT (Bolt port, default 7687), META_ORCH_NEO4J_HEAP (default 1g),
# META_ORCH_NEO4J_JAVA (java binary; default $JAVA_HOME/bin/java, else java on PATH; Java 17 or 21),
# META_ORCH_NEO4J_TIMEOUT (seconds to wait for start-up, default 120).
set -euo pipefail

script_dir="$(cd -P "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
pom="$script_dir/neo4j/pom.xml"
home="${META_ORCH_HOME:-$HOME/.meta-orchestrator}/neo4j"
port="${META_ORCH_NEO4J_PORT:-7687}"
heap="${META_ORCH_NEO4J_HEAP:-1g}"
timeout_s="${META_ORCH_NEO4J_TIMEOUT:-120}"
pid_file="$home/run/neo4j.pid"
console_log="$home/logs/console.log"
uri="bolt://127.0.0.1:$port"

err() { printf 'neo4j-local: %s\n' "$*" >&2; }

usage() {
  sed -n '5,10p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

running_pid() { # prints the server pid when it runs
  local pid=""
  [[ -f "$pid_file" ]] || return 1
  read -r pid <"$pid_file" || return 1
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null || return 1
  # guard against a recycled pid: the process must be our entry point
  if [[ -r "/proc/$pid/cmdline" ]] && ! tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q 'CommunityEntryPoint'; then
    return 1
  fi
  printf '%s' "$pid"
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; }

# bolt_ready: a Bolt handshake (magic + version proposals 5.0-5.4 and 4.4) gets a version back
bolt_ready() {
  local reply
  reply="$(
    exec 2>/dev/null
    exec 3<>"/dev/tcp/127.0.0.1/$port" || exit 1
    printf '\x60\x60\xb0\x17\x00\x04\x04\x05\x00\x00\x04\x04\x00\x00\x00\x00\x00\x00\x00\x00' >&3
    timeout 5 head -c 4 <&3 | od -An -tx1 | tr -d ' \n'
  )" || return 1
  [[ ${#reply} -eq 8 && "$reply" != 00000000 ]]
}

find_java() {
  local java="${META_ORCH_NEO4J_JAVA:-}"
  if [[ -z "$java" && -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]]; then java="$JAVA_HOME/bin/java"; fi
  if [[ -z "$java" ]]; then java="$(command -v java || true)"; fi
  [[ -n "$java" && -x "$java" ]] || { err "no java found; install Java 17 or 21 or set META_ORCH_NEO4J_JAVA"; return 1; }
  local line major
  line="$("$java" -version 2>&1 | head -n 1)"
  [[ "$line" =~ \"([0-9]+) ]] || { err "cannot read the version of $java: $line"; return 1; }
  major="${BASH_REMATCH[1]}"
  if ((major < 17)); then
    err "$java is Java $major; Neo4j 5.26 needs Java 17 or 21"
    return 1
  fi
  printf '%s' "$java"
}

# classpath: resolved once with Maven from scripts/neo4j/pom.xml, cached next to the data
classpath() {
  local cp_file="$home/classpath.txt" stamp="$home/classpath.pom"
  if [[ ! -s "$cp_file" ]] || ! cmp -s "$pom" "$stamp"; then
    command -v mvn >/dev/null 2>&1 || { err "Maven (mvn) is needed once to fetch the Neo4j jars"; return 1; }
    err "resolving the Neo4j server jars with Maven (first start only)..."
    if ! mvn -q -B -f "$pom" dependency:build-classpath -Dmdep.outputFile="$cp_file.tmp" \
      -Dmdep.includeScope=runtime >"$home/logs/maven.log" 2>&1; then
      err "Maven could not resolve the Neo4j jars; see $home/logs/maven.log"
      tail -n 20 "$home/logs/maven.log" >&2 || true
      return 1
    fi
    mv -f "$cp_file.tmp" "$cp_file"
    cp "$pom" "$stamp"
  fi
  cat "$cp_file"
}

write_config() {
  local conf="$home/conf/neo4j.conf"
  [[ -f "$conf" ]] && return 0
  cat >"$conf" <<EOF
# Written by meta-orchestrator's scripts/neo4j-local.sh; edit freely, it is not rewritten.
server.directories.data=$home/data
server.directories.logs=$home/logs
server.directories.run=$home/run
server.directories.import=$home/import
server.directories.plugins=$home/plugins
server.default_listen_address=127.0.0.1
server.default_advertised_address=127.0.0.1
server.bolt.enabled=true
server.bolt.listen_address=127.0.0.1:$port
server.bolt.advertised_address=127.0.0.1:$port
server.http.enabled=false
server.https.enabled=false
dbms.security.auth_enabled=false
dbms.usage_report.enabled=false
server.memory.pagecache.size=256m
# stop within a second or two instead of waiting for Netty's quiet period
internal.dbms.bolt.netty_server_shutdown_quiet_period=0
EOF
}

start() {
  local pid
  if pid="$(running_pid)"; then
    echo "Neo4j is already running (pid $pid) at $uri"
    return 0
  fi
  mkdir -p "$home/conf" "$home/data" "$home/logs" "$home/run" "$home/import" "$home/plugins"
  write_config
  local configured_port
  configured_port="$(sed -n 's/^server\.bolt\.listen_address=.*:\([0-9]*\)$/\1/p' "$home/conf/neo4j.conf" | tail -n 1)"
  if [[ -n "$configured_port" && "$configured_port" != "$port" ]]; then
    err "$home/conf/neo4j.conf has Bolt on port $configured_port, not $port; edit it or set META_ORCH_NEO4J_PORT=$configured_port"
    return 1
  fi
  if port_open; then
    err "port $port on 127.0.0.1 is already in use by another program; stop it or set META_ORCH_NEO4J_PORT"
    return 1
  fi
  local java cp
  java="$(find_java)"
  cp="$(classpath)"
  local jvm=(-Xms256m "-Xmx$heap" -XX:+UseG1GC -XX:-OmitStackTraceInFastThrow
    -Dio.netty.tryReflectionSetAccessible=true -Dlog4j2.disable.jmx=true -Djdk.nio.maxCachedBufferSize=1024
    --add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED
    --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/java.lang=ALL-UNNAMED)
  local launch=(nohup "$java" "${jvm[@]}" -cp "$cp" org.neo4j.server.CommunityEntryPoint
    "--home-dir=$home" "--config-dir=$home/conf" --console-mode)
  if command -v setsid >/dev/null 2>&1; then launch=(setsid "${launch[@]}"); fi
  printf '\n==== %s start\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" >>"$console_log"
  "${launch[@]}" </dev/null >>"$console_log" 2>&1 &
  pid=$!
  printf '%s\n' "$pid" >"$pid_file"
  local t0=$SECONDS
  while ! bolt_ready; do
    if ! kill -0 "$pid" 2>/dev/null; then
      err "Neo4j exited during start-up; last lines of $console_log:"
      tail -n 30 "$console_log" >&2
      rm -f "$pid_file"
      return 1
    fi
    if ((SECONDS - t0 >= timeout_s)); then
      err "Bolt did not open on $uri within $timeout_s s; stopping it. Last lines of $console_log:"
      tail -n 30 "$console_log" >&2
      stop >/dev/null || true
      return 1
    fi
    sleep 0.2
  done
  echo "Neo4j started (pid $pid) in $((SECONDS - t0)) s at $uri (data: $home/data, log: $console_log)"
  echo "Use it with: export NEO4J_URI=$uri"
}

stop() {
  local pid
  if ! pid="$(running_pid)"; then
    rm -f "$pid_file"
    echo "Neo4j is not running"
    return 0
  fi
  kill -TERM "$pid" 2>/dev/null || true
  local t0=$SECONDS
  while kill -0 "$pid" 2>/dev/null; do
    if ((SECONDS - t0 >= 20)); then
      err "Neo4j (pid $pid) did not stop within 20 s; killing it"
      kill -KILL "$pid" 2>/dev/null || true
      break
    fi
    sleep 0.2
  done
  rm -f "$pid_file"
  echo "Neo4j stopped (pid $pid) in $((SECONDS - t0)) s"
}

status() {
  local pid
  if pid="$(running_pid)"; then
    if bolt_ready; then
      echo "running (pid $pid) at $uri, data in $home/data"
    else
      echo "starting or unhealthy (pid $pid): $uri does not accept connections yet; see $console_log"
    fi
    return 0
  fi
  echo "stopped (data in $home/data; start with: $0 start)"
  return 3
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  restart)
    stop
    start
    ;;
  status) status ;;
  *) usage ;;
esac
