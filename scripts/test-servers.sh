#!/bin/bash
# Real servers for the batch tests, each on its own ports and its own state folder, stopped by PID:
#   scripts/test-servers.sh slurm-start DIR | slurm-stop DIR | pg-start DIR | pg-stop DIR
# SLURM 22.05 single node (slurmctld + slurmd + a munged of our own: own key and socket, so a munged someone else
# runs is never touched) and a throwaway PostgreSQL 15 cluster on 127.0.0.1:55499 (role app / apppw, database
# appdb). Adapted from /work/shared/recipes (slurm.sh, pg.sh). Needs root; the packages come from scripts/setup.sh.
set -euo pipefail
cmd=${1:?usage: $0 slurm-start|slurm-stop|pg-start|pg-stop DIR}; D=$(realpath -m "${2:?DIR}")
mkdir -p "$D"; chmod 755 "$D"   # munged and postgres (their own users) must reach their folders inside
SLURM_PORT=${FILIGRANE_TEST_SLURM_PORT:-16917}
PG_PORT=${FILIGRANE_TEST_PG_PORT:-55499}
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)

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
  pg-start)
    P=$D/pg; rm -rf "$P"; mkdir -p "$P"; chown postgres:postgres "$P"; chmod 700 "$P"
    echo supersecret > "$P/pw"; chown postgres "$P/pw"
    cd /tmp
    runuser -u postgres -- "$PGBIN/initdb" -D "$P/data" -U postgres --pwfile="$P/pw" --auth-local=trust \
      --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 >/dev/null
    runuser -u postgres -- "$PGBIN/pg_ctl" -D "$P/data" -l "$P/server.log" -w \
      -o "-p $PG_PORT -k $P -c listen_addresses=127.0.0.1" start >/dev/null
    psql -h "$P" -p "$PG_PORT" -U postgres -q -v ON_ERROR_STOP=1 \
      -c "CREATE ROLE app LOGIN PASSWORD 'apppw'" -c "CREATE DATABASE appdb OWNER app"
    echo "jdbc:postgresql://127.0.0.1:$PG_PORT/appdb?user=app&password=apppw"
    ;;
  pg-stop)
    P=$D/pg
    [ -d "$P/data" ] && (cd /tmp && runuser -u postgres -- "$PGBIN/pg_ctl" -D "$P/data" -m immediate -w stop >/dev/null 2>&1) || true
    rm -rf "$P"
    ;;
  *) echo "unknown command $cmd" >&2; exit 2 ;;
esac
