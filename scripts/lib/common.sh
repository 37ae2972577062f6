# shellcheck shell=bash
# Shared helpers for scripts/test and the scripts it calls (benchmarks too).
# Source it; it defines functions only, plus one EXIT trap that runs the
# clean-up actions registered with tb_on_exit.

if [[ -n "${_TB_COMMON_SOURCED:-}" ]]; then return 0; fi
_TB_COMMON_SOURCED=1

tb_log()  { printf '%s\n' "$*" >&2; }
tb_warn() { printf '\n!!! WARNING: %s\n\n' "$*" >&2; }
tb_die()  { printf '\n*** FAILED: %s\n\n' "$*" >&2; exit 1; }

# tb_header TEXT: a clear header line announcing a step.
tb_header() {
  printf '\n==================== %s ====================\n' "$*"
}

# Clean-up actions, run in reverse order of registration at exit (normal
# exit, error under set -e, or INT/TERM). Actions can read the exit status
# in TB_EXIT_RC.
_TB_EXIT_ACTIONS=()
tb_on_exit() { _TB_EXIT_ACTIONS+=("$*"); }
_tb_run_exit_actions() {
  local rc=$? i
  export TB_EXIT_RC=$rc
  for ((i = ${#_TB_EXIT_ACTIONS[@]} - 1; i >= 0; i--)); do
    eval "${_TB_EXIT_ACTIONS[i]}" || true
  done
  _TB_EXIT_ACTIONS=()
  return "$rc"
}
trap _tb_run_exit_actions EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Run a privileged command: directly as root, else through sudo.
tb_as_root() {
  if [[ $EUID -eq 0 ]]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo -n "$@" || sudo "$@"
  else
    tb_die "need root for: $* (not root and no sudo available)"
  fi
}

# Is a Debian package installed?
tb_deb_installed() {
  [[ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null)" == installed ]]
}

# tb_apt_ensure PKG...: installs those of the packages that are missing, with
# one apt-get update per run. Dies naming the packages if it cannot.
_TB_APT_UPDATED=""
tb_apt_ensure() {
  local missing=() p
  for p in "$@"; do
    tb_deb_installed "$p" || missing+=("$p")
  done
  if ((${#missing[@]} == 0)); then
    tb_log "Debian packages present: $*"
    return 0
  fi
  command -v apt-get >/dev/null 2>&1 ||
    tb_die "missing Debian packages: ${missing[*]} (and no apt-get to install them)"
  tb_log "Installing missing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  if [[ -z "$_TB_APT_UPDATED" ]]; then
    tb_as_root apt-get update -q ||
      tb_die "apt-get update failed; cannot install missing Debian packages: ${missing[*]}"
    _TB_APT_UPDATED=1
  fi
  tb_as_root apt-get install -y -q --no-install-recommends "${missing[@]}" </dev/null ||
    tb_die "apt-get install failed; missing Debian packages: ${missing[*]}"
  for p in "${missing[@]}"; do
    tb_deb_installed "$p" || tb_die "Debian package still missing after install: $p"
  done
}
