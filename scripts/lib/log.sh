# shellcheck shell=bash
# Helpers shared by the image scripts. Source it; it only defines functions.
# Messages go to stderr so that a script's stdout carries only its results.

_log() {
  local level="$1"
  shift
  printf '%s %-5s %s\n' "$(date +%H:%M:%S)" "$level" "$*" >&2
}

log_info() { _log INFO "$@"; }
log_warn() { _log WARN "$@"; }
log_error() { _log ERROR "$@"; }

die() {
  log_error "$@"
  exit 1
}

require_root() {
  [[ "$(id -u)" -eq 0 ]] || die "${0##*/} must run as root (it builds a root filesystem and installs packages)"
}

# Stages may nest; each prints its elapsed wall-clock seconds when it ends.
_stage_names=()
_stage_starts=()

stage_begin() {
  _stage_names+=("$1")
  _stage_starts+=("$(date +%s)")
  _log STAGE "${1} ..."
}

stage_end() {
  local n=$((${#_stage_names[@]} - 1))
  ((n >= 0)) || die "stage_end without stage_begin"
  _log STAGE "${_stage_names[n]} done in $(($(date +%s) - _stage_starts[n])) s"
  unset '_stage_names[n]' '_stage_starts[n]'
}

# For an EXIT trap: names every stage still open, i.e. the ones that failed.
stage_abort() {
  local n
  for ((n = ${#_stage_names[@]} - 1; n >= 0; n--)); do
    _log STAGE "${_stage_names[n]} FAILED after $(($(date +%s) - _stage_starts[n])) s"
  done
  _stage_names=()
  _stage_starts=()
}

# Reads a declarative file of NAME=value lines (comments and blank lines allowed,
# optional double quotes around the value, no expansion) into global variables.
read_env_file() {
  local file="$1" line name value n=0
  [[ -f "$file" ]] || die "missing ${file}"
  while IFS= read -r line || [[ -n "$line" ]]; do
    n=$((n + 1))
    [[ "$line" =~ ^[[:space:]]*(#.*)?$ ]] && continue
    [[ "$line" =~ ^([A-Z_][A-Z0-9_]*)=(.*)$ ]] || die "${file}:${n}: expected NAME=value, got: ${line}"
    name="${BASH_REMATCH[1]}"
    value="${BASH_REMATCH[2]}"
    if [[ "$value" =~ ^\"(.*)\"$ ]]; then value="${BASH_REMATCH[1]}"; fi
    declare -g "${name}=${value}"
  done <"$file"
}
