#!/usr/bin/env bash
# A single-node Slurm cluster on this machine, for the sweep's Slurm test (lib/sweep/slurm_test.ts):
#   scripts/slurm-local.sh start   # munged, slurmctld and slurmd; waits until the node is idle
#   scripts/slurm-local.sh stop    # stops the three daemons this script started, by their pids
# Needs root and Debian's slurm-wlm and munge (apt-get install slurm-wlm munge). The node is this
# machine's hostname, both controller and compute node; state, spool, logs and Slurm's pid files live in
# $SLURM_LOCAL_DIR (default /tmp/slurm-local), munged's in /run/munge. It writes /etc/slurm/slurm.conf, where sbatch looks,
# unless one not written by this script is there.
set -euo pipefail
DIR="${SLURM_LOCAL_DIR:-/tmp/slurm-local}"
CONF=/etc/slurm/slurm.conf
MARK="# written by scripts/slurm-local.sh"

start() {
  if [ -f "$CONF" ] && ! grep -qF "$MARK" "$CONF"; then
    echo "slurm-local: $CONF exists and is not ours; not touching it" >&2
    exit 1
  fi
  mkdir -p "$DIR/state" "$DIR/spool" "$DIR/log" /etc/slurm /run/munge
  chown munge:munge /run/munge
  [ -f /etc/munge/munge.key ] || mungekey --create --keyfile=/etc/munge/munge.key
  chown munge:munge /etc/munge/munge.key && chmod 400 /etc/munge/munge.key
  runuser -u munge -- /usr/sbin/munged --pid-file=/run/munge/munged.pid # a folder munge may write
  local host mem
  host="$(hostname)"
  mem=$(($(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1024 * 8 / 10))
  cat >"$CONF" <<CONF
$MARK
ClusterName=local
SlurmctldHost=$host
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
StateSaveLocation=$DIR/state
SlurmdSpoolDir=$DIR/spool
SlurmctldPidFile=$DIR/slurmctld.pid
SlurmdPidFile=$DIR/slurmd.pid
SlurmctldLogFile=$DIR/log/slurmctld.log
SlurmdLogFile=$DIR/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
ReturnToService=2
NodeName=$host CPUs=$(nproc) RealMemory=$mem State=UNKNOWN
PartitionName=main Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
  slurmctld
  slurmd
  for _ in $(seq 1 60); do
    if sinfo -h -o %T 2>/dev/null | grep -q idle; then
      echo "slurm-local: node $host idle"
      return 0
    fi
    sleep 1
  done
  echo "slurm-local: the node did not become idle in 60 s; logs in $DIR/log" >&2
  exit 1
}

stop() {
  for pidfile in "$DIR/slurmd.pid" "$DIR/slurmctld.pid" /run/munge/munged.pid; do
    if [ -f "$pidfile" ]; then
      kill "$(cat "$pidfile")" 2>/dev/null || true
      rm -f "$pidfile"
    fi
  done
  if [ -f "$CONF" ] && grep -qF "$MARK" "$CONF"; then rm -f "$CONF"; fi
  echo "slurm-local: stopped"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  *)
    echo "usage: $0 start|stop" >&2
    exit 2
    ;;
esac
