#!/bin/bash
# A real SLURM for the batch tests, on its own ports and its own state folder, stopped by PID:
#   scripts/test-servers.sh slurm-start DIR | slurm-stop DIR
# SLURM single node (slurmctld + slurmd + a munged of our own: own key and socket, so a munged someone else runs is
# never touched). Adapted from /work/shared/recipes (slurm.sh). Needs root; the packages come from scripts/setup.sh.
# (The shards' PostgreSQL ledger is the ledger module's test fixture PgCluster.)
set -euo pipefail
cmd=${1:?usage: $0 slurm-start|slurm-stop DIR}; D=$(realpath -m "${2:?DIR}")
mkdir -p "$D"; chmod 755 "$D"   # munged and postgres (their own users) must reach their folders inside
SLURM_PORT=${FILIGRANE_TEST_SLURM_PORT:-16917}

stop_pid() {   # kill the process whose PID is in file $1 (if it is still there) and wait for it
  [ -f "$1" ] || return 0
  local p; p=$(cat "$1"); kill "$p" 2>/dev/null || true
  for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || return 0; sleep 0.1; done
  kill -9 "$p" 2>/dev/null || true
}

case "$cmd" in
  slurm-start)
    B=$D/slurm; rm -rf "$B"; mkdir -p "$B/state" "$B/spool" "$B/munge"
    chown munge:munge "$B/munge"; chmod 755 "$B/munge"   # munged wants its socket folder searchable by all
    dd if=/dev/urandom of="$B/munge/munge.key" bs=1024 count=1 status=none
    chown munge:munge "$B/munge/munge.key"; chmod 400 "$B/munge/munge.key"
    setpriv --reuid=munge --regid=munge --init-groups /usr/sbin/munged -F --key-file="$B/munge/munge.key" \
      --socket="$B/munge/munge.socket" --pid-file="$B/munge/munged.pid" --log-file="$B/munge/munged.log" \
      --seed-file="$B/munge/munged.seed" >"$B/munged.out" 2>&1 &
    echo $! > "$B/munged.fg.pid"
    end=$((SECONDS + 20))
    until munge -S "$B/munge/munge.socket" -n </dev/null 2>/dev/null | unmunge -S "$B/munge/munge.socket" >/dev/null 2>&1; do
      if [ $SECONDS -gt $end ] || ! kill -0 "$(cat "$B/munged.fg.pid")" 2>/dev/null; then
        echo "munged did not start: $(tail -2 "$B/munged.out")" >&2; exit 1
      fi
      sleep 0.1
    done
    cat > "$B/slurm.conf" <<CONF
ClusterName=filigrane-test
SlurmctldHost=localhost
SlurmUser=root
SlurmctldPort=$SLURM_PORT
SlurmdPort=$((SLURM_PORT + 1))
AuthType=auth/munge
AuthInfo=socket=$B/munge/munge.socket
CredType=cred/munge
StateSaveLocation=$B/state
SlurmdSpoolDir=$B/spool
SlurmctldPidFile=$B/slurmctld.pid
SlurmdPidFile=$B/slurmd.pid
SlurmctldLogFile=$B/slurmctld.log
SlurmdLogFile=$B/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
MpiDefault=none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerParameters=batch_sched_delay=0,sched_min_interval=0
ReturnToService=2
MailProg=/bin/true
NodeName=localhost NodeAddr=127.0.0.1 CPUs=2 RealMemory=8000 State=UNKNOWN
PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP
CONF
    export SLURM_CONF=$B/slurm.conf
    /usr/sbin/slurmctld -D -i -f "$SLURM_CONF" >"$B/slurmctld.out" 2>&1 & echo $! > "$B/slurmctld.fg.pid"
    /usr/sbin/slurmd -D -N localhost -f "$SLURM_CONF" >"$B/slurmd.out" 2>&1 & echo $! > "$B/slurmd.fg.pid"
    end=$((SECONDS + 60))
    while [ $SECONDS -le $end ]; do
      timeout 5 sinfo -h -o %T 2>/dev/null | grep -qx idle && { echo "$SLURM_CONF"; exit 0; }; sleep 0.2
    done
    echo "slurm did not come up; see $B" >&2; tail -5 "$B/slurmctld.log" "$B/slurmd.log" >&2 || true; exit 1
    ;;
  slurm-stop)
    B=$D/slurm
    stop_pid "$B/slurmd.fg.pid"; stop_pid "$B/slurmctld.fg.pid"; stop_pid "$B/munged.fg.pid"
    rm -rf "$B/state" "$B/spool"   # or the next start brings old jobs back
    ;;
  *) echo "unknown command $cmd" >&2; exit 2 ;;
esac
