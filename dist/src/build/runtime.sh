#!/usr/bin/env bash
# Builds the dist archive's runtime image: runtime.sh TARGET-DIR MODULES JAR
#   TARGET/runtime         a jlink image with MODULES only (no man pages, headers or debug symbols)
#   TARGET/generated-dist  files made by running the jar on it (the bash completion, if the jar has one)
# Run by the dist module's exec-maven-plugin, which passes the toolchain's JDK (its home) in JWG_TOOLCHAIN_JAVA.
# Fails if jdeps finds that the jar needs a JDK module missing from MODULES.
set -euo pipefail
target=$1 modules=$2 jar=$3
# The toolchain's JDK; when Maven itself runs on JDK 25 the toolchain plugin may register none
# (it uses the running JDK), so then JAVA_HOME, and only last the java on PATH.
jdk=${JWG_TOOLCHAIN_JAVA:-}
if [ -z "$jdk" ] && [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/jlink" ]; then jdk=$JAVA_HOME; fi
[ -n "$jdk" ] || jdk=$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")
[ -d "$jdk" ] || jdk=$(dirname "$(dirname "$(readlink -f "$jdk")")") # a path to bin/java
bin=$jdk/bin
[ -x "$bin/jlink" ] || { echo "runtime.sh: no $bin/jlink (a JDK 25 is needed, not a JRE)" >&2; exit 1; }
[ -f "$jar" ] || { echo "runtime.sh: $jar is missing (build cli first)" >&2; exit 1; }

needed=$("$bin/jdeps" --ignore-missing-deps --multi-release 25 --print-module-deps "$jar")
missing=
for m in ${needed//,/ }; do
  case ",$modules," in *",$m,"*) ;; *) missing="$missing $m" ;; esac
done
[ -z "$missing" ] || { echo "runtime.sh: the jar needs JDK modules the runtime leaves out:$missing (add them to jwg.dist.modules in dist/pom.xml)" >&2; exit 1; }

rm -rf "$target/runtime" "$target/generated-dist"
# --generate-cds-archive: the image gets the class-data archive a JDK has (lib/server/classes*.jsa);
# (+29 MB); without it every jwg command took ~0.2 s more CPU to start (docs/benchmarks.md, "The installed jwg")
"$bin/jlink" --add-modules "$modules" --strip-debug --no-man-pages --no-header-files \
  --compress=zip-6 --generate-cds-archive --output "$target/runtime"

# the completion script, where `jwg completion bash` exists (the image runs the jar as bin/jwg would)
gen="$target/generated-dist/share/bash-completion/completions"
mkdir -p "$gen"
if "$target/runtime/bin/java" --add-modules jdk.incubator.vector -jar "$jar" completion bash >"$gen/jwg.tmp" 2>/dev/null \
    && grep -q complete "$gen/jwg.tmp"; then
  mv "$gen/jwg.tmp" "$gen/jwg"
else
  rm -f "$gen/jwg.tmp"
  echo "runtime.sh: this jwg has no 'completion bash' command; the archive goes without a completion script" >&2
fi
echo "runtime.sh: $(du -sh "$target/runtime" | cut -f1) runtime with $modules"
