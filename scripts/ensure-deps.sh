#!/usr/bin/env bash
# Installs what FuelFlow needs to build when it is missing: Debian's libglpk-dev.
# Uses sudo only when not root. Safe to run repeatedly: does nothing when all is present.
set -euo pipefail

need=()
[ -f /usr/include/glpk.h ] || need+=(libglpk-dev)

if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi

if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi
echo "fuelflow: installing ${need[*]} (apt-get)" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq "${need[@]}" >&2
