#!/usr/bin/env bash
# Runs ShellCheck over every shell script of the project (`npm run lint:shell`).
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "${REPO}"
command -v shellcheck >/dev/null || { echo "shellcheck is missing: apt-get install shellcheck (scripts/install-build-tools.sh installs it)" >&2; exit 1; }

mapfile -t files < <(
  git ls-files --cached --others --exclude-standard -- '*.sh' '.ci/run' 'appliance/libexec/*' 'appliance/blade/DEBIAN/postinst' 'appliance/blade/DEBIAN/prerm' 'appliance/blade/DEBIAN/postrm'
)
shellcheck -x "${files[@]}"
printf 'shellcheck: %d scripts clean\n' "${#files[@]}"
