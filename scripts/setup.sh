#!/usr/bin/env bash
# Installs, idempotently, the system packages the build and tests use. Safe to run again; does nothing when all
# are present. Needs root (or sudo) only when something is missing.
set -euo pipefail

# Debian packages: the build needs a JDK 25 (found by ./filigrane) and PixelMed; the rest serve the modules' tests.
PACKAGES=(
  # gpu-opencl: JOCL loads libOpenCL.so (the ICD loader); PoCL gives every machine a CPU OpenCL device so that
  # the OpenCL tests run, never skip, in CI.
  ocl-icd-opencl-dev pocl-opencl-icd
  # dicom-adapter: PixelMed (read from /usr/share/java/pixelmed.jar). Its tests and cli's use independent judges:
  # dcmtk (dcmdump, dcmodify, dcmconv, dcmcrle), dicom3tools (dciodvfy), pydicom with numpy and Pillow (JPEG 2000),
  # and the DICOM test files python3-pydicom ships.
  libpixelmed-java dcmtk dicom3tools python3-pydicom python3-numpy python3-pil
  # ledger: its tests edit a ledger file with the sqlite3 shell and start a throwaway PostgreSQL server (initdb,
  # pg_ctl; never the system's own cluster).
  sqlite3 postgresql
  # router: its end-to-end tests forward to a real Orthanc (started by the tests on free ports, stopped by PID;
  # the package's own service is never used) and send with dcmtk's storescu/echoscu.
  orthanc
  # batch: its SLURM job-array test runs a real single-node SLURM (controller, node daemon, client tools, munge);
  # the shards share a ledger on a throwaway PostgreSQL cluster (above).
  slurmctld slurmd slurm-client munge
)

# One dpkg-query for all packages: this runs whenever ./filigrane builds, and before test, so it must cost
# milliseconds.
# dpkg-query exits 1 when any package is unknown to dpkg (never installed): that is the answer sought, not an
# error, so its status must not stop the script (set -e with pipefail would, silently).
installed=" $( (dpkg-query -W -f='${Package}:${Status}\n' "${PACKAGES[@]}" 2>/dev/null || true) \
  | sed -n 's/:install ok installed$//p' | tr '\n' ' ') "
missing=()
for p in "${PACKAGES[@]}"; do
  [[ "$installed" == *" $p "* ]] || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
