#!/usr/bin/env bash
# A private one-node Slurm cluster for Acquire's tests and for trying the Slurm executor:
#   scripts/slurm-cluster.sh start     write the config, start munged, slurmctld and slurmd, wait for an idle node
#   scripts/slurm-cluster.sh status    exit 0 and print the config path if the node answers, 1 otherwise
#   scripts/slurm-cluster.sh restart   stop the daemons WITHOUT cancelling jobs, then start them again
#   scripts/slurm-cluster.sh stop      cancel every job, then stop the daemons by their pids
# Everything lives in one directory ($ACQUIRE_SLURM_DIR, default target/slurm-cluster): the
# config, a private MUNGE key and socket, state, spool, logs, pid files and the job completion
# log. It never touches /etc/slurm or a system Slurm: its own ports ($ACQUIRE_SLURM_PORT and the
# next; by default two in 20000-27999 derived from the directory) and its own munged socket. Point clients at it with
# SLURM_CONF=<dir>/slurm.conf (start and status print it). Needs Debian's slurmctld, slurmd,
# slurm-client and munge (scripts/setup-machine.sh installs them as root). The node is
# NodeName=localhost at 127.0.0.1 whatever the machine is called, with partitions "standard"
# (the default) and "fast" on it.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
dir="${ACQUIRE_SLURM_DIR:-$root/target/slurm-cluster}"
# Two ports from the directory's path, so clusters of different clones on one machine do not clash.
port="${ACQUIRE_SLURM_PORT:-$((20000 + 2 * ($(printf '%s' "$dir" | cksum | cut -d ' ' -f 1) % 4000)))}"
conf="$dir/slurm.conf"
export SLURM_CONF="$conf"

die() { echo "slurm-cluster: $*" >&2; exit 1; }

need() {
  for tool in munged slurmctld slurmd sinfo sbatch scancel squeue scontrol; do
    command -v "$tool" >/dev/null || die "'$tool' is missing: install Debian's slurmctld slurmd slurm-client munge (scripts/setup-machine.sh does as root)"
  done
}

alive() { [[ -f "$1" ]] && kill -0 "$(cat "$1")" 2>/dev/null; }

# The node answers and is idle or already running jobs.
ready() {
  local state
  state=$(timeout 5 sinfo -h -N -n localhost -o '%T' 2>/dev/null | head -n 1) || return 1
  [[ "$state" =~ ^(idle|mixed|allocated|completing)$ ]]
}

write_config() {
  mkdir -p "$dir/state" "$dir/spool" "$dir/munge"
  chmod 0700 "$dir" "$dir/munge"
  if [[ ! -s "$dir/munge/munge.key" ]]; then
    mungekey --create --keyfile="$dir/munge/munge.key" --force >/dev/null 2>&1 \
      || dd if=/dev/urandom of="$dir/munge/munge.key" bs=1024 count=1 status=none
    chmod 0600 "$dir/munge/munge.key"
  fi
  # The node's real CPUs and memory: asking for more than the machine has drains the node.
  local node
  node=$(slurmd -C | head -n 1 | sed -e 's/^NodeName=[^ ]* //')
  cat >"$conf" <<EOF
# Written by scripts/slurm-cluster.sh; rewritten on every start.
ClusterName=acquire
SlurmctldHost=localhost(127.0.0.1)
SlurmctldPort=$port
SlurmdPort=$((port + 1))
SlurmUser=$(id -un)
SlurmdUser=$(id -un)
AuthType=auth/munge
AuthInfo=socket=$dir/munge/munge.socket
CredType=cred/munge
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/slurmctld.log
SlurmdLogFile=$dir/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
MpiDefault=none
ReturnToService=2
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
# Without it, batch jobs start only every 3 s.
SchedulerParameters=batch_sched_delay=0
# Without it, a job that gives no --mem takes the whole node.
DefMemPerCPU=256
# SIGTERM to SIGKILL at a cancel or time limit: the job runner needs time to send its records.
KillWait=30
# Finished jobs stay visible to scontrol this long; the completion log keeps them after.
MinJobAge=600
JobCompType=jobcomp/filetxt
JobCompLoc=$dir/jobcomp.log
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
MessageTimeout=10
SlurmdTimeout=300
NodeName=localhost NodeAddr=127.0.0.1 $node State=UNKNOWN
PartitionName=standard Nodes=localhost Default=YES MaxTime=INFINITE State=UP
PartitionName=fast Nodes=localhost MaxTime=INFINITE State=UP
EOF
}

start_daemons() {
  if ! alive "$dir/munged.pid"; then
    munged --force --socket="$dir/munge/munge.socket" --key-file="$dir/munge/munge.key" \
      --pid-file="$dir/munged.pid" --log-file="$dir/munged.log" --seed-file="$dir/munge/munged.seed"
  fi
  alive "$dir/slurmctld.pid" || slurmctld -f "$conf"
  alive "$dir/slurmd.pid" || slurmd -f "$conf" -N localhost
  local deadline=$((SECONDS + ${ACQUIRE_SLURM_START_SECONDS:-60}))
  until ready; do
    ((SECONDS < deadline)) || die "the node did not become idle; see $dir/slurmctld.log and $dir/slurmd.log"
    sleep 0.2
  done
  # A node drained by an earlier run (e.g. killed mid-job) is returned to service.
  timeout 10 scontrol update NodeName=localhost State=RESUME >/dev/null 2>&1 || true
}

stop_pid() {
  local file="$1"
  alive "$file" || { rm -f "$file"; return 0; }
  local pid
  pid=$(cat "$file")
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 100); do
    kill -0 "$pid" 2>/dev/null || { rm -f "$file"; return 0; }
    sleep 0.1
  done
  kill -9 "$pid" 2>/dev/null || true
  rm -f "$file"
}

stop_daemons() {
  stop_pid "$dir/slurmd.pid"
  stop_pid "$dir/slurmctld.pid"
}

cancel_jobs() {
  alive "$dir/slurmctld.pid" || return 0
  timeout 10 scancel --full --quiet -u "$(id -un)" 2>/dev/null || true
  # slurmstepd outlives slurmd: wait until the jobs have really gone before stopping it.
  local deadline=$((SECONDS + 45))
  while ((SECONDS < deadline)); do
    local left
    left=$(timeout 5 squeue -h -t PENDING,RUNNING,COMPLETING,SUSPENDED -o '%i' 2>/dev/null | wc -l) || break
    ((left == 0)) && return 0
    sleep 0.2
  done
}

case "${1:-}" in
  start)
    need
    if alive "$dir/slurmctld.pid" && ready; then
      echo "$conf"
      exit 0
    fi
    write_config
    start_daemons
    echo "$conf"
    ;;
  status)
    if [[ -f "$conf" ]] && alive "$dir/slurmctld.pid" && alive "$dir/slurmd.pid" && ready; then
      echo "$conf"
      exit 0
    fi
    exit 1
    ;;
  restart)
    need
    [[ -f "$conf" ]] || die "not started yet: run '$0 start'"
    stop_daemons
    start_daemons
    echo "$conf"
    ;;
  stop)
    cancel_jobs
    stop_daemons
    stop_pid "$dir/munged.pid"
    ;;
  *)
    echo "usage: $0 start|status|restart|stop" >&2
    exit 2
    ;;
esac
