#!/usr/bin/env bash
# Starts a real one-node Slurm cluster (munged, slurmctld, slurmd) on this machine for the sweep tests.
# Containers have no systemd, so the daemons are started directly. Idempotent: an idle node already up is kept.
# Needs root (apt, /etc/slurm, /etc/munge). Prints the seconds it took.
set -euo pipefail
start=$SECONDS
log() { echo "slurm test cluster: $*"; }

if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null || ! command -v sbatch >/dev/null || ! command -v munged >/dev/null; then
  log "installing slurmctld slurmd slurm-client munge with apt"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends slurmctld slurmd slurm-client munge >/dev/null
fi

if sinfo -h -o '%T' 2>/dev/null | grep -qE '^(idle|mixed|allocated)'; then
  log "already up ($(sinfo -h -o '%N %T'))"; exit 0
fi

# munge: a key readable only by munge's user; the socket directory must exist.
mkdir -p /etc/munge /var/lib/munge /var/log/munge /run/munge
if [ ! -s /etc/munge/munge.key ]; then dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 status=none; fi
chown -R munge:munge /etc/munge /var/lib/munge /var/log/munge /run/munge
chmod 0700 /etc/munge /var/lib/munge /var/log/munge; chmod 0400 /etc/munge/munge.key; chmod 0755 /run/munge
if ! pgrep -x munged >/dev/null; then runuser -u munge -- /usr/sbin/munged; fi
munge -n | unmunge >/dev/null

# One node, localhost, all its CPUs and most of its memory. No accounting daemon: sacct is not available.
cpus=$(nproc)
memory=$(( $(free -m | awk '/^Mem:/ {print $2}') * 8 / 10 ))
mkdir -p /etc/slurm /var/spool/slurmctld /var/spool/slurmd /var/log/slurm
cat > /etc/slurm/slurm.conf <<CONF
ClusterName=joma-test
SlurmctldHost=localhost
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
StateSaveLocation=/var/spool/slurmctld
SlurmdSpoolDir=/var/spool/slurmd
SlurmctldPidFile=/run/slurmctld.pid
SlurmdPidFile=/run/slurmd.pid
SlurmctldLogFile=/var/log/slurm/slurmctld.log
SlurmdLogFile=/var/log/slurm/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
ReturnToService=2
MaxArraySize=10000
SchedulerType=sched/backfill
MpiDefault=none
NodeName=localhost CPUs=$cpus RealMemory=$memory State=UNKNOWN
PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP
CONF

if ! pgrep -x slurmctld >/dev/null; then /usr/sbin/slurmctld -c; fi   # -c: forget any state left from an earlier cluster
if ! pgrep -x slurmd >/dev/null; then /usr/sbin/slurmd; fi

for _ in $(seq 1 60); do
  if sinfo -h -o '%T' 2>/dev/null | grep -qE '^(idle|mixed|allocated)'; then
    log "up in $((SECONDS - start)) s: $(sinfo -h -o '%P %N %T %c CPUs')"; exit 0
  fi
  state=$(sinfo -h -o '%T' 2>/dev/null || true)
  case "$state" in down*|drain*) scontrol update NodeName=localhost State=RESUME 2>/dev/null || true ;; esac
  sleep 1
done
log "the node did not become idle within 60 s; sinfo says: $(sinfo 2>&1 || true)"
tail -n 20 /var/log/slurm/slurmctld.log /var/log/slurm/slurmd.log >&2 || true
exit 1
