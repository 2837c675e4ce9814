# shellcheck shell=bash
# The blade repository's signing key (issue #14), shared by build-repo.sh (which signs with it) and
# build-blade.sh (whose package carries its public half, the one key the appliance trusts for
# ServiceLink). Source it after log.sh.

# gpg on the key's own home, never asking.
repo_gpg() {
  local home="$1"
  shift
  gpg --homedir "${home}" --batch --quiet --pinentry-mode loopback --passphrase '' "$@"
}

# Makes the lab's key in DIR when it holds none: ed25519, no passphrase, signing only. A product's
# key is its vendor's, kept off the build host but for the build. Prints its fingerprint.
repo_key_ensure() {
  local home="$1"
  if ! command -v gpg >/dev/null; then
    [[ "$(id -u)" -eq 0 ]] || die "gpg (gnupg) is missing; as root: apt-get install -y gnupg"
    log_info "installing gnupg"
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends gnupg >/dev/null
  fi
  install -d -m 0700 "${home}"
  if ! repo_gpg "${home}" --list-secret-keys --with-colons 2>/dev/null | grep -q '^sec'; then
    log_info "no signing key in ${home}: making the lab's"
    repo_gpg "${home}" --quick-gen-key 'OpenOIG blade repository (lab) <repository@openoig.invalid>' ed25519 sign never
  fi
  repo_gpg "${home}" --list-secret-keys --with-colons | awk -F: '/^fpr/ { print $10; exit }'
}
