# Sourced by the scripts that build Go programs into the project cache (temporal-cli.sh,
# temporal-server.sh): one build at a time under a lock, progress on stderr, the binaries moved
# into place only when the whole build succeeded.
#
#   go_install_cached LOCK_NAME DEST_DIR "PACKAGE@VERSION=BINARY_NAME"...
#
# Each PACKAGE@VERSION is built with `go install` and its binary (named after the package's last
# path element) is installed as DEST_DIR/BINARY_NAME. Skipped when every binary already exists.

go_log() { printf '%s\n' "$*" >&2; }

go_install_cached() {
  local lock=$1 dest=$2
  shift 2
  if ! command -v go >/dev/null 2>&1; then
    go_log "Go is not installed: it is needed to build $*."
    go_log "Install Go >= 1.25 (see README), or point the *_PATH variables at existing binaries."
    exit 1
  fi
  mkdir -p "$dest"
  # Two processes may want the binaries at once (npm test and npm start): one builds, the other waits.
  exec 9>"$dest/../$lock.lock"
  flock 9
  local spec missing=0
  for spec in "$@"; do [ -x "$dest/${spec##*=}" ] || missing=1; done
  if [ "$missing" = 0 ]; then
    exec 9>&-
    return 0
  fi
  local tmp start n=0 pkgs=()
  for spec in "$@"; do pkgs+=("${spec%=*}"); done
  go_log "Building ${pkgs[*]} with go install (first time only; several minutes on 2 cores)..."
  tmp=$(mktemp -d "$dest/../build.XXXXXX")
  start=$(date +%s)
  # `go install -v` names each package on stderr as it is compiled: count them as progress.
  if ! GOBIN="$tmp" GOFLAGS="${GOFLAGS:-} -mod=mod" go install -v "${pkgs[@]}" 2>&1 \
    | tee "$tmp/build.log" | while IFS= read -r _; do
      n=$((n + 1))
      if [ -t 2 ]; then
        printf '\r  %4d packages compiled, %3ds' "$n" "$(($(date +%s) - start))" >&2
      elif [ $((n % 100)) -eq 0 ]; then
        printf '  %d packages compiled, %ds\n' "$n" "$(($(date +%s) - start))" >&2
      fi
    done; then
    go_log ""
    cat "$tmp/build.log" >&2
    rm -rf "$tmp"
    go_log "Building ${pkgs[*]} failed (see above)."
    exit 1
  fi
  for spec in "$@"; do
    local pkg=${spec%=*} name=${spec##*=} built
    built=${pkg%@*}
    built=${built##*/}
    if [ ! -x "$tmp/$built" ]; then
      cat "$tmp/build.log" >&2
      rm -rf "$tmp"
      go_log "go install finished but produced no '$built' binary."
      exit 1
    fi
    mv "$tmp/$built" "$dest/$name"
  done
  rm -rf "$tmp"
  [ -t 2 ] && printf '\n' >&2
  go_log "Built ${pkgs[*]} into $dest in $(($(date +%s) - start))s."
  exec 9>&-
}
