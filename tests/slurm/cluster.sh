#!/bin/sh
# cluster.sh: bring up, or tear down, a throwaway Slurm cluster on this one
# machine for end-to-end tests: munged, one slurmctld and NODES slurmd
# daemons, each slurmd a node of its own (node1 .. nodeN) on its own port.
#
# Usage: sh tests/slurm/cluster.sh start DIR [NODES]	(NODES defaults to 4)
#        sh tests/slurm/cluster.sh stop DIR
#
# DIR is an absolute directory the caller made; everything lives under it:
#	slurm.conf		the cluster's configuration
#	munge/			munged's key, socket, pid, seed and log files
#	state/			slurmctld's StateSaveLocation
#	spool/NODE/		each slurmd's SlurmdSpoolDir
#	run/			pid files
#	log/			daemon logs (and apt-get's, if it ran)
# Nothing is written to /etc: the daemons get -f DIR/slurm.conf, and client
# commands need SLURM_CONF, which `start` prints as its only line of output,
# SLURM_CONF=DIR/slurm.conf, for the caller to eval and export.
#
# `start` installs Debian's slurmctld, slurmd, slurm-client and munge if
# missing, stops whatever an earlier `start` left running on DIR, writes a
# fresh configuration (ports picked free from a high range), starts the
# daemons and waits until every node is idle. `stop` kills every daemon of
# DIR, the job steps they left behind and the srun/salloc clients still
# talking to them, and leaves DIR in place.
#
# Run as root (slurmd must be able to start tasks as any user). The
# settings are chosen for tests, not production: no cgroups, no
# accounting, and short timeouts so that a killed slurmd is marked DOWN
# within about 20 seconds.
set -eu

prog=cluster.sh
die() {
	echo "$prog: $*" >&2
	exit 1
}
usage() {
	echo "usage: sh $prog start DIR [NODES] | stop DIR" >&2
	exit 2
}

# The last lines of every log under DIR, to stderr, when something failed.
show_logs() {
	for f in "$DIR"/log/*.log "$DIR"/munge/munged.log; do
		test -s "$f" || continue
		echo "==> $f (last lines) <==" >&2
		tail -n 15 "$f" >&2
	done
}

# The command line of process $1, arguments separated by spaces (empty if
# it is gone or a kernel thread).
cmdline() {
	tr '\000' ' ' 2>/dev/null <"/proc/$1/cmdline" || :
}

# The pids of this shell and its ancestors, never to be killed.
ancestors() {
	p=$$
	while test "$p" -gt 1 2>/dev/null; do
		echo "$p"
		# Field 4 of /proc/PID/stat is the parent's pid; the command
		# name (field 2) is in parentheses and may hold spaces.
		p=$(sed 's/.*) [A-Za-z] \([0-9]*\).*/\1/' "/proc/$p/stat" 2>/dev/null) ||
			break
	done
}

# The pids of the processes whose /proc/PID/FILE (NUL-separated strings)
# has a string matching grep pattern $2 (with grep options $3), one a line.
# One grep reads them all (GNU grep: -z for NUL-separated "lines").
proc_grep() {
	# shellcheck disable=SC2086
	grep -lsaz $3 -e "$2" /proc/[0-9]*/"$1" 2>/dev/null |
		sed 's|^/proc/\([0-9]*\)/.*|\1|' || :
}

# The pids of every process that belongs to DIR's cluster:
#  - the daemons: their command lines name files under DIR/;
#  - slurmstepd processes, whose command line does not say which cluster
#    they belong to but which keep a node's log file under DIR/ open (they
#    outlive a killed slurmd, and go on running their step);
#  - job tasks: processes whose environment has SLURM_CONF=DIR/slurm.conf
#    and a job id (those of a killed slurmd's steps go on running);
#  - srun, salloc and sattach with SLURM_CONF=DIR/slurm.conf in their
#    environment: without the cluster they would wait for ever;
# and the descendants of all those, this shell and its ancestors excepted.
cluster_pids() {
	own=$(ancestors | tr '\n' ' ')
	roots=$(proc_grep cmdline "$DIR/" -F)
	for p in $(proc_grep cmdline '^slurmstepd' -E); do
		for f in "/proc/$p"/fd/*; do
			case $(readlink "$f" 2>/dev/null) in
			"$DIR"/*)
				roots="$roots $p"
				break
				;;
			esac
		done
	done
	conf=$(proc_grep environ "SLURM_CONF=$DIR/slurm.conf" -xF)
	if test -n "$conf"; then
		jobs=" $(proc_grep environ '^SLURM_JOB_ID=' -E | tr '\n' ' ') "
		for p in $conf; do
			case $jobs in *" $p "*)
				roots="$roots $p"
				continue
				;;
			esac
			case $(cmdline "$p") in srun\ * | salloc\ * | sattach\ *)
				roots="$roots $p"
				;;
			esac
		done
	fi
	case $roots in *[0-9]*) ;; *) return 0 ;; esac
	# Add descendants: repeat over the process table until nothing is
	# added (a child may be listed before its parent).
	ps -e -o pid= -o ppid= | awk -v roots="$roots" -v own="$own" '
		BEGIN {
			m = split(own, o, " ")
			for (i = 1; i <= m; i++) skip[o[i]] = 1
			n = split(roots, r, " ")
			for (i = 1; i <= n; i++)
				if (!(r[i] in skip)) in_set[r[i]] = 1
		}
		{ pid[NR] = $1; ppid[NR] = $2 }
		END {
			do {
				added = 0
				for (i = 1; i <= NR; i++)
					if (!(pid[i] in in_set) && (ppid[i] in in_set) &&
					    !(pid[i] in skip)) {
						in_set[pid[i]] = 1
						added = 1
					}
			} while (added)
			for (p in in_set) print p
		}'
}

# Whether any of the pids given is still alive (zombies count as gone:
# this machine's init may be slow to reap them).
any_alive() {
	for p; do
		test -e "/proc/$p" || continue
		case $(sed 's/.*) \([A-Za-z]\) .*/\1/' "/proc/$p/stat" 2>/dev/null) in
		Z | X | '') ;;
		*) return 0 ;;
		esac
	done
	return 1
}

# Wait until none of pids $2... is alive, polling every 0.2 s at most $1
# times; false if some still are.
wait_gone() {
	n=$1
	shift
	while any_alive "$@"; do
		test "$n" -gt 0 || return 1
		n=$((n - 1))
		sleep 0.2
	done
}

# Send signal $1 to pids $2... and wait (at most 5 s) until they are gone.
kill_wait() {
	sig=$1
	shift
	kill -"$sig" "$@" 2>/dev/null || :
	wait_gone 25 "$@"
}

# Kill everything of DIR's cluster: SIGTERM, then SIGKILL to whatever is
# left after 5 seconds (slurmstepd ignores SIGTERM), then again for any
# process that appeared meanwhile; wait for them to be gone (bounded).
do_stop() {
	# The pid files first, so that the daemons shut down in order; a pid
	# counts only if its command line still names DIR (pids get reused).
	for f in "$DIR"/run/slurmd-*.pid "$DIR"/run/slurmctld.pid \
	    "$DIR"/munge/munged.pid; do
		test -s "$f" || continue
		p=$(cat "$f")
		case $p in '' | *[!0-9]*) continue ;; esac
		case $(cmdline "$p") in
		*"$DIR/"*) kill -TERM "$p" 2>/dev/null || : ;;
		esac
	done
	pids=$(cluster_pids)
	if test -n "$pids"; then
		# shellcheck disable=SC2086
		kill_wait TERM $pids || kill_wait KILL $pids || :
	fi
	pids=$(cluster_pids)
	# shellcheck disable=SC2086
	if test -n "$pids" && ! kill_wait KILL $pids; then
		echo "$prog: processes of $DIR will not die:" >&2
		ps -o pid=,args= -p "$(echo $pids | tr ' ' ,)" >&2 || :
		return 1
	fi
	rm -f "$DIR"/run/*.pid "$DIR"/munge/munged.pid
	return 0
}

# Install the Debian packages if any is missing; apt-get update only if
# the install fails without it. Output goes to DIR/log/apt.log.
install_packages() {
	pkgs="slurmctld slurmd slurm-client munge"
	missing=
	for p in $pkgs; do
		dpkg-query -W -f '${Status}\n' "$p" 2>/dev/null |
			grep -q ' installed$' || missing="$missing $p"
	done
	test -n "$missing" || return 0
	test "$(id -u)" -eq 0 || die "not root; cannot install:$missing"
	log=$DIR/log/apt.log
	inst() {
		# shellcheck disable=SC2086
		DEBIAN_FRONTEND=noninteractive apt-get install -y \
			--no-install-recommends $missing >>"$log" 2>&1
	}
	if ! inst; then
		apt-get update >>"$log" 2>&1 || :
		if ! inst; then
			tail -n 20 "$log" >&2
			die "apt-get install$missing failed (log: $log)"
		fi
	fi
}

# Local TCP ports in use (any state, IPv4 and IPv6), one per line.
ports_in_use() {
	cat /proc/net/tcp /proc/net/tcp6 2>/dev/null | awk '
		BEGIN { for (i = 0; i < 16; i++) hex[substr("0123456789ABCDEF", i + 1, 1)] = i }
		NR > 0 && $2 ~ /:/ {
			h = toupper(substr($2, index($2, ":") + 1))
			v = 0
			for (i = 1; i <= length(h); i++) v = v * 16 + hex[substr(h, i, 1)]
			print v
		}'
}

# The first of $1 consecutive free ports, from a base in 20000..59990 that
# depends on DIR (so that clusters in different directories tend not to
# race for the same ports).
pick_ports() {
	used=" $(ports_in_use | sort -un | tr '\n' ' ') "
	base=$((20000 + $(printf %s "$DIR" | cksum | cut -d' ' -f1) % 4000 * 10))
	tries=0
	while test $tries -lt 1000; do
		ok=1
		k=0
		while test $k -lt "$1"; do
			case $used in *" $((base + k)) "*)
				ok=0
				break
				;;
			esac
			k=$((k + 1))
		done
		if test $ok -eq 1; then
			echo "$base"
			return 0
		fi
		base=$((base + $1 + 1))
		test $base -lt 60000 || base=20000
		tries=$((tries + 1))
	done
	die "no $1 free consecutive TCP ports found"
}

# Write DIR/slurm.conf for $NODES nodes, with ports from $1 up.
write_conf() {
	host=$(hostname -s)
	ctl_port=$1
	cat >"$DIR/slurm.conf" <<EOF
# Written by tests/slurm/cluster.sh: a test cluster on one host.
ClusterName=crtest
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$ctl_port
SlurmUser=root
SlurmdUser=root

# munge, with its own daemon and socket under DIR.
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$DIR/munge/munge.socket

StateSaveLocation=$DIR/state
SlurmdSpoolDir=$DIR/spool/%n
SlurmctldPidFile=$DIR/run/slurmctld.pid
SlurmdPidFile=$DIR/run/slurmd-%n.pid
SlurmctldLogFile=$DIR/log/slurmctld.log
SlurmdLogFile=$DIR/log/slurmd-%n.log
SlurmctldDebug=info
SlurmdDebug=info

# No cgroups, no accounting: nothing outside DIR to set up.
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
SwitchType=switch/none
LaunchType=launch/slurm

# Consumable cores, so that several 1-CPU steps share a node.
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core

# Notice a dead slurmd quickly. slurmctld pings nodes every SlurmdTimeout/3
# s, but no sooner than the previous ping round ended, and a ping to a dead
# slurmd takes about MessageTimeout + 1 s (connection retries); a node is
# set DOWN at the first round that finds it silent for SlurmdTimeout s.
# With the default MessageTimeout=10 that took 25-30 s; with 5, about 15.
# Take a node back as soon as its slurmd registers again, whatever the
# reason it went down.
SlurmdTimeout=10
MessageTimeout=5
SlurmctldTimeout=10
ReturnToService=2
KillWait=5
InactiveLimit=0
MinJobAge=300

# Trust the node lines below rather than the hardware slurmd finds, so
# that a node may declare more CPUs or memory than the machine has.
SlurmdParameters=config_overrides

EOF
	k=1
	while test $k -le "$NODES"; do
		echo "NodeName=node$k NodeHostname=$host NodeAddr=127.0.0.1" \
			"Port=$((ctl_port + k)) CPUs=$CPUS RealMemory=$MEMORY" \
			"State=UNKNOWN"
		k=$((k + 1))
	done >>"$DIR/slurm.conf"
	echo "PartitionName=debug Nodes=node[1-$NODES] Default=YES" \
		"MaxTime=INFINITE State=UP" >>"$DIR/slurm.conf"
}

# Start munged with its own key, socket, pid, seed and log files, and wait
# until a credential round-trips through it.
start_munge() {
	m=$DIR/munge
	# munged refuses a socket directory writable by group or others, and
	# a key readable by them; clients of any user need to reach the
	# socket, so the directory is world-searchable.
	mkdir -p "$m"
	chmod 0755 "$m"
	if ! test -s "$m/munge.key"; then
		(umask 077 && dd if=/dev/urandom of="$m/munge.key" bs=1024 \
			count=1 2>/dev/null) || die "cannot write $m/munge.key"
	fi
	chmod 0600 "$m/munge.key"
	rm -f "$m/munge.socket" "$m/munge.socket.lock"
	munged --key-file="$m/munge.key" --socket="$m/munge.socket" \
		--pid-file="$m/munged.pid" --log-file="$m/munged.log" \
		--seed-file="$m/munged.seed" >>"$DIR/log/start.log" 2>&1 || {
		show_logs
		die "munged failed to start"
	}
	i=0
	until munge -n -S "$m/munge.socket" 2>/dev/null |
	    unmunge -S "$m/munge.socket" >/dev/null 2>&1; do
		i=$((i + 1))
		if test $i -ge 50; then
			show_logs
			die "munged does not answer on $m/munge.socket"
		fi
		sleep 0.2
	done
}

do_start() {
	test "$(id -u)" -eq 0 || die "start must run as root"
	mkdir -p "$DIR/log"
	install_packages
	do_stop || die "cannot stop the cluster already running on $DIR"

	# A fresh start: old state, spool and logs go (the munge key stays).
	rm -rf "$DIR/state" "$DIR/spool" "$DIR/run"
	rm -f "$DIR"/log/*.log "$DIR/munge/munged.log"
	mkdir -p "$DIR/state" "$DIR/run" "$DIR/log"
	k=1
	while test $k -le "$NODES"; do
		mkdir -p "$DIR/spool/node$k"
		k=$((k + 1))
	done
	# Users other than root read slurm.conf and reach the munge socket.
	chmod go+x "$DIR"
	chmod 0755 "$DIR/log" "$DIR/run"

	write_conf "$(pick_ports $((NODES + 1)))"
	chmod 0644 "$DIR/slurm.conf"
	SLURM_CONF=$DIR/slurm.conf
	export SLURM_CONF

	start_munge
	# -c: no state from an earlier run; -i: ignore what cannot be
	# recovered anyway.
	slurmctld -f "$SLURM_CONF" -c -i >>"$DIR/log/start.log" 2>&1 || {
		show_logs
		die "slurmctld failed to start"
	}
	k=1
	while test $k -le "$NODES"; do
		slurmd -f "$SLURM_CONF" -N "node$k" -c \
			>>"$DIR/log/start.log" 2>&1 || {
			show_logs
			die "slurmd -N node$k failed to start"
		}
		k=$((k + 1))
	done

	# Wait (at most 60 s) until sinfo shows every node idle (one line
	# per node: -N, and %N, since %n, the host name, is the same for all).
	i=0
	while :; do
		states=$(sinfo -h -N -o '%N %t' 2>/dev/null) || states=
		n=$(printf '%s\n' "$states" | grep -c ' idle$') || :
		test "$n" -eq "$NODES" && break
		i=$((i + 1))
		if test $i -ge 120; then
			echo "$prog: nodes not idle after 60 s:" >&2
			printf '%s\n' "$states" >&2
			show_logs
			do_stop || :
			exit 1
		fi
		sleep 0.5
	done
	echo "SLURM_CONF=$SLURM_CONF"
}

test $# -ge 2 || usage
cmd=$1
DIR=$2
case $DIR in
/*) ;;
*) die "DIR must be an absolute path: $DIR" ;;
esac
# No trailing slash, so that "$DIR/" matches exactly the paths within it.
while :; do
	case $DIR in
	?*/) DIR=${DIR%/} ;;
	*) break ;;
	esac
done
test "$DIR" != / || die "DIR must not be /"
test -d "$DIR" || die "no such directory: $DIR"
# Per-node resources; CPUs may exceed the machine's (config_overrides).
CPUS=${CLUSTER_CPUS:-2}
MEMORY=${CLUSTER_MEMORY:-512}

case $cmd in
start)
	test $# -le 3 || usage
	NODES=${3:-4}
	case $NODES in
	'' | *[!0-9]* | 0) die "NODES must be a positive number: $NODES" ;;
	esac
	do_start
	;;
stop)
	test $# -eq 2 || usage
	do_stop
	;;
*) usage ;;
esac
