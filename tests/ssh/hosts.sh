#!/bin/sh
# hosts.sh: bring up, or tear down, ssh "hosts" on this one machine for
# end-to-end tests: each host a network namespace of its own, joined to
# this one by a veth pair, with its own sshd (Debian's openssh-server) that
# takes only a key made for the test. The hosts share this machine's file
# systems, so they see the project, Python and crmake at the same paths, as
# CR_HOSTS requires.
#
# Usage: sh tests/ssh/hosts.sh start DIR [HOSTS]	(HOSTS defaults to 2)
#        sh tests/ssh/hosts.sh stop DIR
#
# DIR is an absolute directory the caller made. `start` writes there the
# client key (id), the client configuration (ssh_config, with hosts h1 ..
# hHOSTS) and, per host, hK/ with its sshd_config, host key and pid file;
# it prints one line, CR_SSH='ssh -F DIR/ssh_config', for the caller to
# use, once every sshd answers. `stop` kills every process of the hosts'
# namespaces (sshd and whatever runs under it) and deletes the namespaces.
# Run as root.
set -eu

prog=hosts.sh
die() {
	echo "$prog: $*" >&2
	exit 1
}
usage() {
	echo "usage: sh $prog start DIR [HOSTS] | stop DIR" >&2
	exit 2
}

test $# -ge 2 || usage
cmd=$1
DIR=$2
case $DIR in /*) ;; *) die "DIR must be absolute: $DIR" ;; esac
test -d "$DIR" || die "$DIR: no such directory"

# The namespaces' names and subnet, from DIR, so that two DIRs never meet.
tag=$(printf '%s' "$DIR" | sha256sum | cut -c1-6)
net=$((0x$(printf '%s' "$DIR" | sha256sum | cut -c7-8) % 200 + 20))
ns() {
	echo "cr${tag}h$1"
}

stop() {
	for f in "$DIR"/h*/nsname; do
		test -f "$f" || continue
		name=$(cat "$f")
		pids=$(ip netns pids "$name" 2>/dev/null || true)
		# shellcheck disable=SC2086
		test -z "$pids" || kill -KILL $pids 2>/dev/null || true
		ip netns delete "$name" 2>/dev/null || true
		ip link delete "$name" 2>/dev/null || true
		rm -f "$f"
	done
}

case $cmd in
stop)
	stop
	exit 0
	;;
start)
	;;
*)
	usage
	;;
esac
hosts=${3:-2}
test "$hosts" -ge 1 2>/dev/null || die "HOSTS must be a number: $hosts"
test "$(id -u)" -eq 0 || die "run as root (network namespaces, sshd)"
for p in /usr/sbin/sshd ssh ssh-keygen ip; do
	command -v "$p" >/dev/null 2>&1 || die "no $p (Debian packages openssh-server, openssh-client, iproute2)"
done
stop
mkdir -p /run/sshd
chmod 0755 /run/sshd

rm -f "$DIR/id" "$DIR/id.pub"
ssh-keygen -q -t ed25519 -N '' -C crmake-test -f "$DIR/id"
cp "$DIR/id.pub" "$DIR/authorized_keys"
: >"$DIR/empty"
chmod 600 "$DIR/authorized_keys"
: >"$DIR/ssh_config"

k=1
while [ "$k" -le "$hosts" ]; do
	h=$DIR/h$k
	name=$(ns "$k")
	mkdir -p "$h"
	ip netns add "$name"
	echo "$name" >"$h/nsname"
	ip link add "$name" type veth peer name eth0 netns "$name"
	ip addr add "10.$net.$k.1/24" dev "$name"
	ip link set "$name" up
	ip netns exec "$name" ip addr add "10.$net.$k.2/24" dev eth0
	ip netns exec "$name" ip link set eth0 up
	ip netns exec "$name" ip link set lo up
	rm -f "$h/host_key" "$h/host_key.pub"
	ssh-keygen -q -t ed25519 -N '' -f "$h/host_key"
	cat >"$h/sshd_config" <<CONF
ListenAddress 10.$net.$k.2:22
HostKey $h/host_key
PidFile $h/sshd.pid
AuthorizedKeysFile $DIR/authorized_keys
PermitRootLogin prohibit-password
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
PrintMotd no
MaxSessions 200
MaxStartups 200
LogLevel ERROR
CONF
	# sshd runs each command with root's shell, which reads ~/.bashrc:
	# the hosts get an empty one (in a mount namespace of their own), so
	# that what this machine's root runs there (a pyenv that locks its
	# shims for a minute) neither slows nor blocks the tests.
	ip netns exec "$name" unshare -m sh -c '
	    if test -f "$HOME/.bashrc"; then
	        mount --bind "$1" "$HOME/.bashrc" || exit 1
	    fi
	    exec /usr/sbin/sshd -f "$2/sshd_config" -E "$2/sshd.log"' \
	    sh "$DIR/empty" "$h" ||
		die "sshd of h$k did not start: $(cat "$h/sshd.log" 2>/dev/null)"
	cat >>"$DIR/ssh_config" <<CONF
Host h$k
	HostName 10.$net.$k.2
	User root
	IdentityFile $DIR/id
	IdentitiesOnly yes
	StrictHostKeyChecking no
	UserKnownHostsFile /dev/null
	LogLevel ERROR
	ConnectTimeout 5
CONF
	k=$((k + 1))
done

# Every host answers (at most 10 s each).
k=1
while [ "$k" -le "$hosts" ]; do
	i=0
	until ssh -F "$DIR/ssh_config" -o BatchMode=yes "h$k" true 2>/dev/null; do
		i=$((i + 1))
		test "$i" -lt 50 || die "h$k does not answer over ssh: $(cat "$DIR/h$k/sshd.log" 2>/dev/null)"
		sleep 0.2
	done
	k=$((k + 1))
done
echo "CR_SSH='ssh -F $DIR/ssh_config'"
