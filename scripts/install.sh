#!/usr/bin/env bash
# Builds target/meta-orchestrator.jar from a clone: checks for Java 17+ and Maven, then runs
# `mvn -q -B -DskipTests package`. Extra arguments are passed to Maven.
set -euo pipefail

root="$(cd -P "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

err() { printf 'install.sh: %s\n' "$*" >&2; }

# Java: JAVA_HOME first (Maven uses it), else java on PATH
java_bin=""
if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]]; then
  java_bin="$JAVA_HOME/bin/java"
elif command -v java >/dev/null 2>&1; then
  java_bin="$(command -v java)"
else
  err "Java not found. Install a JDK 17 or newer (e.g. 'apt-get install openjdk-17-jdk-headless',"
  err "'brew install openjdk@17', or https://adoptium.net) and put it on PATH or set JAVA_HOME."
  exit 1
fi
version_line="$("$java_bin" -version 2>&1 | head -n 1)"
if [[ ! "$version_line" =~ version\ \"?([0-9]+)(\.([0-9]+))? ]]; then
  err "cannot read the Java version from: $version_line"
  exit 1
fi
major="${BASH_REMATCH[1]}"
[[ "$major" == 1 ]] && major="${BASH_REMATCH[3]}"
if ((major < 17)); then
  err "$java_bin is Java $major; meta-orchestrator needs Java 17 or newer."
  err "Install a newer JDK and set JAVA_HOME to it."
  exit 1
fi

if ! command -v mvn >/dev/null 2>&1; then
  err "Maven (mvn) not found. Install it (e.g. 'apt-get install maven', 'brew install maven',"
  err "or https://maven.apache.org/install.html) and run this script again."
  exit 1
fi

echo "Building meta-orchestrator with Java $major ($java_bin) and $(mvn -v 2>/dev/null | head -n 1 | sed 's/\x1b\[[0-9;]*m//g')" >&2
cd "$root"
if ! mvn -q -B -DskipTests package "$@"; then
  err "the Maven build failed (see the messages above)."
  exit 1
fi
jar="$root/target/meta-orchestrator.jar"
if [[ ! -f "$jar" ]]; then
  err "the build finished but $jar is missing."
  exit 1
fi

cat >&2 <<EOF
Built $jar

Next steps:
  Run it:            $root/scripts/meta-orchestrator catalog
  As a plugin:       claude plugin marketplace add $root
                     claude plugin install meta-orchestrator@meta-orchestrator
  As an MCP server:  claude mcp add meta-orchestrator -- $root/scripts/meta-orchestrator serve
  Add marketplaces:  $root/scripts/install-marketplaces.sh
EOF
