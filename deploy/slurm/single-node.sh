#!/usr/bin/env bash
# A one-node Slurm cluster on this machine, for tests and for trying deploy/slurm's scripts (Debian: apt-get install slurm-wlm munge).
#   deploy/slurm/single-node.sh start|stop|status
# Everything lives under $BESTOFN_SLURM_DIR (default ~/.cache/bestofn/slurm): its own munge key and socket, slurm.conf, state,
# spool and logs; /etc is not touched, so a real cluster's configuration is never used or changed. Clients find this cluster by
#   export SLURM_CONF=$BESTOFN_SLURM_DIR/slurm.conf
# which `start` and `status` print as their last line. No accounting, no cgroups (proctrack/linuxproc, task/none): it runs as root
# in a container. start is idempotent (a running cluster is left as it is); status exits 0 only when the node answers idle or busy.
set -euo pipefail
PATH="$PATH:/usr/sbin:/sbin"  # munged, slurmctld and slurmd are in sbin, off a non-root user's PATH

dir="${BESTOFN_SLURM_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/bestofn/slurm}"
node="${BESTOFN_SLURM_NODE:-$(hostname -s)}"
ctld_port="${BESTOFN_SLURM_CTLD_PORT:-6817}"
slurmd_port="${BESTOFN_SLURM_SLURMD_PORT:-6818}"
conf="$dir/slurm.conf"
export SLURM_CONF="$conf"

usage() { echo "usage: $0 start|stop|status" >&2; exit 2; }

fail() { echo "single-node slurm: $*" >&2; exit 1; }

need() {
  local missing=()
  for program in munged slurmctld slurmd sinfo sbatch; do
    command -v "$program" >/dev/null 2>&1 || missing+=("$program")
  done
  [ ${#missing[@]} -eq 0 ] || fail "not installed: ${missing[*]} (Debian: apt-get install slurm-wlm munge)"
}

# The node's state as sinfo reports it (idle, mixed, allocated, down*, ...), or nothing when slurmctld does not answer.
node_state() { timeout 10 sinfo -h -n "$node" -o '%T' 2>/dev/null | head -n1 || true; }

running() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

write_config() {
  mkdir -p "$dir"/{munge,state,spool,log,run}
  chmod 755 "$dir/munge"  # the socket must be reachable; the key inside is 0600
  if [ ! -s "$dir/munge/munge.key" ]; then
    (umask 077 && dd if=/dev/urandom of="$dir/munge/munge.key" bs=1024 count=1 status=none)
  fi
  local cpus memory user
  cpus=$(nproc)
  memory=$(awk '/^MemTotal:/ { printf "%d", $2 / 1024 * 0.9 }' /proc/meminfo)
  user=$(id -un)
  cat >"$conf" <<EOF
# Written by deploy/slurm/single-node.sh; rewritten on every start.
ClusterName=bestofn-single
SlurmctldHost=$node(127.0.0.1)
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
SlurmUser=$user
SlurmdUser=$user
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$dir/munge/munge.socket
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool/%n
SlurmctldPidFile=$dir/run/slurmctld.pid
SlurmdPidFile=$dir/run/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/backfill
MpiDefault=none
MailProg=/bin/true
ReturnToService=2
# A job whose --dependency can no longer be met (afterok on a failed task) is cancelled instead of pending for ever.
DependencyParameters=kill_invalid_depend
# Finished jobs stay visible to scontrol for 10 minutes: their exit codes are read there (no accounting).
MinJobAge=600
NodeName=$node NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$memory State=UNKNOWN
PartitionName=debug Nodes=$node Default=YES MaxTime=INFINITE State=UP
EOF
}

start() {
  need
  case "$(node_state)" in idle*|mix*|alloc*|comp*) echo "export SLURM_CONF=$conf"; return 0 ;; esac
  write_config
  if ! running "$dir/run/munged.pid"; then
    # --force: munged refuses to run as root otherwise (the container's only user).
    munged --force --key-file="$dir/munge/munge.key" --socket="$dir/munge/munge.socket" --pid-file="$dir/run/munged.pid" \
      --log-file="$dir/log/munged.log" --seed-file="$dir/munge/munged.seed" \
      || fail "munged did not start: $(tail -n 3 "$dir/log/munged.log" 2>/dev/null | tr '\n' ' ')"
  fi
  running "$dir/run/slurmctld.pid" || slurmctld -f "$conf" \
    || fail "slurmctld did not start: $(tail -n 3 "$dir/log/slurmctld.log" 2>/dev/null | tr '\n' ' ')"
  running "$dir/run/slurmd.pid" || slurmd -f "$conf" -N "$node" \
    || fail "slurmd did not start: $(tail -n 3 "$dir/log/slurmd.log" 2>/dev/null | tr '\n' ' ')"
  local state=""
  for _ in $(seq 60); do
    state=$(node_state)
    case "$state" in idle*|mix*|alloc*) echo "export SLURM_CONF=$conf"; return 0 ;; esac
    sleep 1
  done
  fail "node $node is '${state:-not reported}' after 60 s; last slurmd log lines: $(tail -n 3 "$dir/log/slurmd.log" 2>/dev/null | tr '\n' ' ')"
}

stop() {
  local name
  for name in slurmd slurmctld munged; do
    if running "$dir/run/$name.pid"; then
      local pid
      pid=$(cat "$dir/run/$name.pid")
      kill "$pid"
      for _ in $(seq 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    fi
    rm -f "$dir/run/$name.pid"
  done
}

status() {
  running "$dir/run/slurmctld.pid" || fail "slurmctld is not running (start it: $0 start)"
  local state
  state=$(node_state)
  case "$state" in
    idle*|mix*|alloc*|comp*) echo "node $node: $state"; echo "export SLURM_CONF=$conf" ;;
    "") fail "no slurmctld answers at $conf (start it: $0 start)" ;;
    *) fail "node $node is $state (see $dir/log/slurmd.log)" ;;
  esac
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) usage ;;
esac
