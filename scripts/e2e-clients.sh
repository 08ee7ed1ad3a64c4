#!/usr/bin/env bash
# End-to-end checks with real clients, run by scripts/test.sh after `mvn verify` built the jar:
# the launcher, Claude Code (plugin validate / marketplace add / install / mcp list), the MCP
# Inspector CLI against the launcher, and scripts/install-marketplaces.sh. Every check runs with
# an isolated temporary HOME. Prints one PASS/FAIL line per check and ends with "N passed, N failed";
# exits non-zero when any check failed.
#
# Clients: $META_ORCH_CLAUDE and $META_ORCH_INSPECTOR (set by test.sh), else .cache/npm/node_modules/.bin,
# else PATH. E2E_ONLY=regex runs only the checks whose name matches; E2E_SKIP=regex leaves out the
# matching ones (reported as SKIP, never counted as passed).
set -euo pipefail

root="$(cd -P "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export DISABLE_TELEMETRY=1 CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1
unset CLAUDE_CONFIG_DIR
# no background archive training while the other checks run (it would compete for the CPU);
# the archive checks switch it back on for themselves
export META_ORCH_NO_ARCHIVE=1

launcher="$root/scripts/meta-orchestrator"
jar="$root/target/meta-orchestrator.jar"
catalog_rel="../shared/catalog" # relative to the repo root, where these checks run

find_client() { # find_client ENV_VALUE BIN_NAME
  if [[ -n "$1" ]]; then printf '%s' "$1"; return; fi
  if [[ -x "$root/.cache/npm/node_modules/.bin/$2" ]]; then printf '%s' "$root/.cache/npm/node_modules/.bin/$2"; return; fi
  command -v "$2" || true
}
claude="$(find_client "${META_ORCH_CLAUDE:-}" claude)"
inspector="$(find_client "${META_ORCH_INSPECTOR:-}" mcp-inspector)"

work="$(mktemp -d "${TMPDIR:-/tmp}/meta-orch-e2e.XXXXXX")"
cleanup() {
  # stop anything still running from our temporary homes (training runs, servers), by pid
  local pid
  for pid in $(pgrep -f "$work" 2>/dev/null || true); do
    if [[ "$pid" != "$$" ]]; then kill "$pid" 2>/dev/null || true; fi
  done
  rm -rf "$work"
}
trap cleanup EXIT

passed=0 failed=0 skipped=0
failures=()
log="$work/check.log"

# check NAME COMMAND...: runs COMMAND (a function below) with its output in a log; PASS or FAIL
check() {
  local name="$1" rc=0 t0=$SECONDS
  shift
  if [[ -n "${E2E_ONLY:-}" && ! "$name" =~ $E2E_ONLY ]]; then return 0; fi
  if [[ -n "${E2E_SKIP:-}" && "$name" =~ $E2E_SKIP ]]; then
    printf 'SKIP %s (E2E_SKIP)\n' "$name"
    skipped=$((skipped + 1))
    return 0
  fi
  : >"$log"
  # a plain subshell with errexit on (inside `||` bash would ignore errexit)
  set +e
  (
    set -e
    "$@"
  ) >>"$log" 2>&1
  rc=$?
  set -e
  if ((rc == 0)); then
    printf 'PASS %s (%ss)\n' "$name" "$((SECONDS - t0))"
    passed=$((passed + 1))
  else
    printf 'FAIL %s (%ss)\n' "$name" "$((SECONDS - t0))"
    sed 's/^/    | /' "$log" | tail -n 25
    failed=$((failed + 1))
    failures+=("$name")
  fi
}

# fresh_home: a new empty HOME (and Claude Code / meta-orchestrator state) for one check
fresh_home() {
  HOME="$(mktemp -d "$work/home.XXXXXX")"
  export HOME
  export META_ORCH_HOME="$HOME/.meta-orchestrator"
}

need_jar() { [[ -f "$jar" ]] || { echo "no $jar: build it with mvn -B verify (scripts/test.sh does)"; return 1; }; }
need_claude() { [[ -n "$claude" && -x "$claude" ]] || { echo "Claude Code CLI not found (set META_ORCH_CLAUDE)"; return 1; }; }
need_inspector() { [[ -n "$inspector" && -x "$inspector" ]] || { echo "MCP Inspector not found (set META_ORCH_INSPECTOR)"; return 1; }; }

# json_check FILE JS_EXPRESSION: evaluates the expression with `d` = parsed JSON of FILE
json_check() {
  node -e '
    const fs = require("fs");
    const d = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
    const ok = eval(process.argv[2]);
    if (!ok) { console.error("expected: " + process.argv[2]); console.error(JSON.stringify(d).slice(0, 1500)); process.exit(1); }
  ' "$1" "$2"
}

# mcp_session OUT CMD...: scripted stdio session (initialize; initialized + tools/list; then end of
# input), each step waiting for its answer; stdout to OUT. Fails when an answer does not come
# within 60 s or the server does not exit within 10 s after end of input.
mcp_session() {
  local out="$1" pid fifo="$work/session.in" deadline rc=0
  shift
  rm -f "$fifo"
  mkfifo "$fifo"
  "$@" <"$fifo" >"$out" &
  pid=$!
  exec 3>"$fifo"
  printf '%s\n' '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"e2e","version":"1"}}}' >&3
  wait_line "$out" '"id":1[,}]' "$pid" || { exec 3>&-; echo "no answer to initialize"; return 1; }
  printf '%s\n' '{"jsonrpc":"2.0","method":"notifications/initialized"}' '{"jsonrpc":"2.0","id":2,"method":"tools/list","params":{}}' >&3
  wait_line "$out" '"id":2[,}]' "$pid" || { exec 3>&-; echo "no answer to tools/list"; return 1; }
  exec 3>&-
  deadline=$((SECONDS + 10))
  while kill -0 "$pid" 2>/dev/null; do
    if ((SECONDS > deadline)); then kill "$pid" 2>/dev/null || true; echo "server still running 10 s after end of input"; return 1; fi
    sleep 0.1
  done
  wait "$pid" || rc=$?
  ((rc == 0)) || { echo "server exited with status $rc"; return 1; }
}

# wait_line FILE REGEX PID: waits up to 60 s for a line matching REGEX while PID lives
wait_line() {
  local deadline=$((SECONDS + 60))
  until grep -qE "$2" "$1" 2>/dev/null; do
    if ! kill -0 "$3" 2>/dev/null || ((SECONDS > deadline)); then return 1; fi
    sleep 0.1
  done
}

# stdout_is_protocol FILE: every line is a JSON-RPC message, with answers to ids 1 and 2
stdout_is_protocol() {
  node -e '
    const lines = require("fs").readFileSync(process.argv[1], "utf8").split("\n").filter(l => l.length);
    const ids = new Set();
    for (const l of lines) {
      let m;
      try { m = JSON.parse(l); } catch (e) { console.error("non-JSON line on stdout: " + l.slice(0, 200)); process.exit(1); }
      if (m.jsonrpc !== "2.0") { console.error("not JSON-RPC: " + l.slice(0, 200)); process.exit(1); }
      if (m.id !== undefined) ids.add(m.id);
    }
    for (const id of [1, 2]) if (!ids.has(id)) { console.error("no answer to id " + id); process.exit(1); }
  ' "$1"
}

# ------------------------------------------------------------------ launcher
t_launcher_missing_jar() {
  fresh_home
  local rc=0
  META_ORCH_JAR="$work/nope/meta-orchestrator.jar" "$launcher" serve </dev/null >"$work/out" 2>"$work/err" || rc=$?
  cat "$work/err"
  ((rc != 0)) || { echo "exit status 0 without a jar"; return 1; }
  [[ ! -s "$work/out" ]] || { echo "stdout not empty"; return 1; }
  grep -q 'mvn' "$work/err" && grep -q 'install.sh' "$work/err"
}

t_launcher_serve_no_archive() {
  need_jar
  fresh_home
  META_ORCH_NO_ARCHIVE=1 mcp_session "$work/out" "$launcher" serve --home "$HOME/data"
  stdout_is_protocol "$work/out"
  [[ ! -d "$META_ORCH_HOME/cache" ]] || { echo "an archive cache was made although META_ORCH_NO_ARCHIVE=1"; return 1; }
}

# wait_for_archive PATTERN: waits up to 180 s for the background training to leave an archive
wait_for_archive() {
  local deadline=$((SECONDS + 180)) f
  while ((SECONDS < deadline)); do
    for f in "$META_ORCH_HOME"/cache/$1; do
      [[ -s "$f" ]] && { echo "archive: $f ($(wc -c <"$f") bytes)"; return 0; }
    done
    sleep 1
  done
  echo "no archive after 180 s"
  cat "$META_ORCH_HOME/cache/train.log" 2>/dev/null || true
  return 1
}

# t_launcher_archive JAVA MODE: first launch trains in the background, later launches use the archive,
# and a damaged archive still leaves stdout clean
t_launcher_archive() {
  need_jar
  fresh_home
  local java="$1" mode="$2" archive
  [[ -x "$java" ]] || { echo "no $java here"; return 1; }
  export META_ORCH_NO_ARCHIVE=0
  META_ORCH_JAVA="$java" mcp_session "$work/out1" "$launcher" serve --home "$HOME/data"
  stdout_is_protocol "$work/out1"
  wait_for_archive "mo-*.$mode"
  cat "$META_ORCH_HOME/cache/train.log"
  META_ORCH_JAVA="$java" mcp_session "$work/out2" "$launcher" serve --home "$HOME/data"
  stdout_is_protocol "$work/out2"
  # damage the archive in place: the JVM must ignore it and keep stdout clean
  for archive in "$META_ORCH_HOME"/cache/mo-*."$mode"; do
    head -c 4096 /dev/urandom >"$archive"
  done
  META_ORCH_JAVA="$java" mcp_session "$work/out3" "$launcher" serve --home "$HOME/data" 2>"$work/err3"
  stdout_is_protocol "$work/out3"
  echo "stderr with a damaged archive:"
  head -n 5 "$work/err3"
}

t_launcher_exits_on_eof() {
  need_jar
  fresh_home
  local t0 t1
  printf '%s\n' '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"e2e","version":"1"}}}' >"$work/in"
  t0=$SECONDS
  META_ORCH_NO_ARCHIVE=1 timeout 30 "$launcher" serve --home "$HOME/data" <"$work/in" >"$work/out"
  t1=$SECONDS
  echo "exited after $((t1 - t0)) s"
  ((t1 - t0 <= 10))
}

# ------------------------------------------------------------------ Claude Code
# stage_repo: the plugin as a user's clone would hold it (git-tracked and new files, plus the jar).
# Claude Code copies the whole marketplace folder, ignored files included, so the repo itself
# (with .cache/ and target/ build output) would make every install copy hundreds of MB.
stage_repo() {
  local stage="$work/stage"
  if [[ ! -d "$stage" ]]; then
    mkdir -p "$stage"
    if git -C "$root" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
      (
        cd "$root"
        git ls-files -z --cached --others --exclude-standard |
          while IFS= read -r -d '' f; do
            if [[ -e "$f" ]]; then printf '%s\0' "$f"; fi
          done |
          tar --null -T - -cf -
      ) | tar -xf - -C "$stage"
    else
      (cd "$root" && tar --exclude=./.cache --exclude=./target --exclude=./.git -cf - .) | tar -xf - -C "$stage"
    fi
    if [[ -f "$jar" ]]; then
      mkdir -p "$stage/target"
      cp "$jar" "$stage/target/"
    fi
  fi
  printf '%s' "$stage"
}

t_claude_validate() {
  need_claude
  fresh_home
  local stage
  stage="$(stage_repo)"
  "$claude" plugin validate --strict "$stage"
  "$claude" plugin validate --strict "$stage/.claude-plugin/plugin.json"
}

# installs the plugin into the current HOME; used by the next checks
install_plugin() {
  local stage
  stage="$(stage_repo)"
  "$claude" plugin marketplace add "$stage"
  "$claude" plugin install meta-orchestrator@meta-orchestrator
}

t_claude_marketplace_add() {
  need_claude
  fresh_home
  "$claude" plugin marketplace add "$(stage_repo)"
  json_check "$HOME/.claude/plugins/known_marketplaces.json" 'd["meta-orchestrator"] && d["meta-orchestrator"].source.source === "directory"'
}

t_claude_plugin_install() {
  need_claude
  need_jar
  fresh_home
  install_plugin
  json_check "$HOME/.claude/plugins/installed_plugins.json" 'd.plugins["meta-orchestrator@meta-orchestrator"].length === 1'
  local dir
  dir="$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1],"utf8")).plugins["meta-orchestrator@meta-orchestrator"][0].installPath)' "$HOME/.claude/plugins/installed_plugins.json")"
  echo "installed at $dir"
  [[ -x "$dir/scripts/meta-orchestrator" && -f "$dir/target/meta-orchestrator.jar" && -f "$dir/skill/SKILL.md" ]]
  # the skill is part of the plugin's inventory
  "$claude" plugin details meta-orchestrator@meta-orchestrator | tee "$work/details"
  grep -Eiq 'skill' "$work/details" && grep -q 'meta-orchestrator' "$work/details"
}

t_claude_mcp_list() {
  need_claude
  need_jar
  fresh_home
  install_plugin >/dev/null
  MCP_TIMEOUT=60000 "$claude" mcp list | tee "$work/mcp"
  grep -Eq '^plugin:meta-orchestrator:meta-orchestrator: .*meta-orchestrator serve - ✔ Connected' "$work/mcp"
}

# ------------------------------------------------------------------ MCP Inspector
# inspect OUT ARGS...: runs the Inspector CLI against the launcher with the shared catalog
inspect() {
  local out="$1"
  shift
  META_ORCH_NO_ARCHIVE=1 timeout 120 "$inspector" --cli "$launcher" serve --home "$HOME/data" \
    --catalog "$catalog_rel" "$@" >"$out"
}

t_inspector_tools_list() {
  need_inspector
  need_jar
  fresh_home
  inspect "$work/tools.json" --method tools/list
  json_check "$work/tools.json" '["recommend_plugins","catalog_status","research_plugins","generate_workflow","match_patterns","start_run","execute_step","run_status","rollback_run","record_outcome","pattern_stats","known_issues","find_alternatives"].every(n => d.tools.some(t => t.name === n))'
}

t_inspector_catalog_status() {
  need_inspector
  need_jar
  fresh_home
  inspect "$work/status.json" --method tools/call --tool-name catalog_status
  json_check "$work/status.json" '!d.isError && d.structuredContent && Array.isArray(d.structuredContent.marketplaces) && d.structuredContent.marketplaces.length === 5'
}

t_inspector_recommend() {
  need_inspector
  need_jar
  fresh_home
  inspect "$work/rec.json" --method tools/call --tool-name recommend_plugins --tool-arg 'task=review my pull request'
  json_check "$work/rec.json" '!d.isError && d.structuredContent.results.length > 0 && d.structuredContent.results.every(r => /@/.test(r.plugin_id))'
  node -e 'const d=JSON.parse(require("fs").readFileSync(process.argv[1],"utf8")); console.log(d.structuredContent.results.slice(0,5).map(r=>r.plugin_id).join(" "))' "$work/rec.json"
}

t_inspector_resources() {
  need_inspector
  need_jar
  fresh_home
  inspect "$work/res.json" --method resources/list
  json_check "$work/res.json" 'd.resources.some(r => r.uri === "catalog://summary")'
}

t_inspector_resource_read() {
  need_inspector
  need_jar
  fresh_home
  inspect "$work/read.json" --method resources/read --uri catalog://summary
  json_check "$work/read.json" 'd.contents.length > 0 && (d.contents[0].text || d.contents[0].blob || "").length > 0'
}

t_inspector_prompts() {
  need_inspector
  need_jar
  fresh_home
  inspect "$work/prompts.json" --method prompts/list
  json_check "$work/prompts.json" 'd.prompts.length > 0'
  # get the first prompt, filling each required argument with a task text
  local name args=()
  name="$(node -e 'const d=JSON.parse(require("fs").readFileSync(process.argv[1],"utf8")); console.log(d.prompts[0].name)' "$work/prompts.json")"
  while IFS= read -r a; do
    [[ -n "$a" ]] && args+=("$a=review my pull request")
  done < <(node -e 'const d=JSON.parse(require("fs").readFileSync(process.argv[1],"utf8")); for (const a of d.prompts[0].arguments||[]) if (a.required) console.log(a.name)' "$work/prompts.json")
  echo "prompts/get $name ${args[*]}"
  if ((${#args[@]})); then
    inspect "$work/prompt.json" --method prompts/get --prompt-name "$name" --prompt-args "${args[@]}"
  else
    inspect "$work/prompt.json" --method prompts/get --prompt-name "$name"
  fi
  json_check "$work/prompt.json" 'd.messages.length > 0'
}

# ------------------------------------------------------------------ install-marketplaces.sh
# make_fixture DIR NAME: a tiny local marketplace with one plugin holding one command
make_fixture() {
  mkdir -p "$1/.claude-plugin" "$1/plugins/hello/.claude-plugin" "$1/plugins/hello/commands"
  printf '{"name": "%s", "owner": {"name": "e2e"}, "plugins": [{"name": "hello", "source": "./plugins/hello", "description": "Says hello."}]}\n' "$2" >"$1/.claude-plugin/marketplace.json"
  printf '{"name": "hello", "version": "0.0.1", "description": "Says hello."}\n' >"$1/plugins/hello/.claude-plugin/plugin.json"
  printf -- '---\ndescription: Say hello\n---\nSay hello to the user.\n' >"$1/plugins/hello/commands/hello.md"
}

t_marketplaces_idempotent() {
  need_claude
  fresh_home
  make_fixture "$work/fixture-a" e2e-fixture-a
  make_fixture "$work/fixture-b" e2e-fixture-b
  META_ORCH_CLAUDE="$claude" bash "$root/scripts/install-marketplaces.sh" "$work/fixture-a" "$work/fixture-b" | tee "$work/first"
  grep -q "2 added, 0 already present, 0 failed" "$work/first"
  META_ORCH_CLAUDE="$claude" bash "$root/scripts/install-marketplaces.sh" "$work/fixture-a" "$work/fixture-b" | tee "$work/second"
  grep -q "0 added, 2 already present, 0 failed" "$work/second"
  json_check "$HOME/.claude/plugins/known_marketplaces.json" 'd["e2e-fixture-a"] && d["e2e-fixture-b"]'
}

t_marketplaces_bad_source() {
  need_claude
  fresh_home
  mkdir -p "$work/not-a-marketplace"
  local rc=0
  META_ORCH_CLAUDE="$claude" bash "$root/scripts/install-marketplaces.sh" "$work/not-a-marketplace" >"$work/out" 2>"$work/err" || rc=$?
  cat "$work/out" "$work/err"
  ((rc == 1)) && grep -q "could not add" "$work/err"
}

t_marketplaces_no_claude() {
  fresh_home
  local rc=0 bin="$work/bin-without-claude"
  mkdir -p "$bin"
  # a PATH with the basic tools but no claude
  local tool
  for tool in bash sed grep cat; do ln -sf "$(command -v "$tool")" "$bin/$tool"; done
  env -u META_ORCH_CLAUDE PATH="$bin" bash "$root/scripts/install-marketplaces.sh" >"$work/out" 2>"$work/err" || rc=$?
  cat "$work/err"
  ((rc == 2)) && grep -q "Claude Code CLI ('claude') was not found" "$work/err"
}

# ------------------------------------------------------------------ run
echo "e2e: claude=${claude:-missing} inspector=${inspector:-missing} jar=$jar"
check "launcher: missing jar gives a build hint on stderr" t_launcher_missing_jar
check "launcher: serve without archive, clean stdout" t_launcher_serve_no_archive
check "launcher: exits after end of input" t_launcher_exits_on_eof
check "launcher: Java 25 AOT cache trained, used, damaged copy harmless" t_launcher_archive "${E2E_JAVA25:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}" aot
check "launcher: Java 17 AppCDS archive trained, used, damaged copy harmless" t_launcher_archive "${E2E_JAVA17:-$(command -v java)}" cds
check "claude plugin validate (marketplace and plugin manifest)" t_claude_validate
check "claude plugin marketplace add <repo>" t_claude_marketplace_add
check "claude plugin install meta-orchestrator@meta-orchestrator (skill included)" t_claude_plugin_install
check "claude mcp list shows the server connected" t_claude_mcp_list
check "inspector tools/list has every contract tool" t_inspector_tools_list
check "inspector tools/call catalog_status" t_inspector_catalog_status
check "inspector tools/call recommend_plugins" t_inspector_recommend
check "inspector resources/list has catalog://summary" t_inspector_resources
check "inspector resources/read catalog://summary" t_inspector_resource_read
check "inspector prompts/list and prompts/get" t_inspector_prompts
check "install-marketplaces.sh: local sources, run twice" t_marketplaces_idempotent
check "install-marketplaces.sh: unusable source fails" t_marketplaces_bad_source
check "install-marketplaces.sh: missing claude" t_marketplaces_no_claude

if ((failed > 0)); then
  echo "failed checks:"
  printf '  %s\n' "${failures[@]}"
fi
if ((skipped > 0)); then echo "$skipped check(s) skipped by E2E_SKIP=$E2E_SKIP"; fi
echo "$passed passed, $failed failed"
((failed == 0))
