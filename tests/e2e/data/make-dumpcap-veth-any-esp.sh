#!/bin/sh
# A real dumpcap pcapng with two link types carrying ESP: inside a network namespace of its
# own, tcpreplay sends a keyed sample out of one end of a veth pair while dumpcap captures the
# other end (Ethernet) and 'any' (Linux cooked: each frame leaving vA and arriving on vB).
# usage: make-dumpcap-veth-any-esp.sh samples/ipsec-manual-keys/ipsec-manual-keys.pcap \
#            tests/e2e/data/dumpcap-veth-any-esp.pcapng   (as root; nothing leaves the namespace)
set -e
N=vsng$$; IN=$1; OUT=$2
trap 'ip netns del $N 2>/dev/null || true' EXIT
ip netns add $N
ip -n $N link add vA type veth peer name vB
ip -n $N link set lo up; ip -n $N link set vA up; ip -n $N link set vB up
# no IPv6 chatter (router solicitations, MLD) in the capture
ip netns exec $N sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1 \
    net.ipv6.conf.vA.disable_ipv6=1 net.ipv6.conf.vB.disable_ipv6=1
ip netns exec $N dumpcap -q -i vB -i any -a duration:4 -w "$OUT" 2>/dev/null &
sleep 1.5
ip netns exec $N tcpreplay -q -i vA "$IN" >/dev/null 2>&1
wait
