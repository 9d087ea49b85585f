#!/usr/bin/env bash
# Installs, idempotently, the system packages the build and tests use. Safe to run again; does nothing when all
# are present. Needs root (or sudo) only when something is missing.
set -euo pipefail

# Debian packages: the build needs only a JDK 25 (found by ./filigrane); these serve the modules' tests.
PACKAGES=(
  # gpu-opencl: JOCL loads libOpenCL.so (the ICD loader); PoCL gives every machine a CPU OpenCL device so that
  # the OpenCL tests run, never skip, in CI.
  ocl-icd-opencl-dev pocl-opencl-icd
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
