#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
#
# One sender of tests/e2e/stress.sh: until SECONDS have passed, new flows to
# the VIPs, as fast as it can, each from a new source port so that each
# makes a new connection on the director: UDP datagrams (answered or not)
# and TCP connections (read the greeting, close), IPv4 and IPv6, chosen by
# a generator seeded with SEED. Nothing it meets is an error: services and
# real servers come and go under it. At the end it prints "sent N answered M".
#
#   _stress_traffic.py SEED SECONDS PORT VIP...
import random
import socket
import sys
import time

seed, seconds, port = int(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3])
vips = sys.argv[4:]
rng = random.Random(seed)
deadline = time.monotonic() + seconds
sent = answered = 0


def family(addr):
    return socket.AF_INET6 if ":" in addr else socket.AF_INET


while time.monotonic() < deadline:
    vip = rng.choice(vips)
    udp = rng.random() < 0.6
    sent += 1
    try:
        if udp:
            with socket.socket(family(vip), socket.SOCK_DGRAM) as s:
                s.settimeout(0.2)
                s.sendto(b"ping\n", (vip, port))
                if s.recv(16):
                    answered += 1
        else:
            with socket.create_connection((vip, port), timeout=0.5) as s:
                s.settimeout(0.5)
                if s.recv(16):
                    answered += 1
                # some connections are left to time out, some reset
                if rng.random() < 0.3:
                    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                 b"\x01\x00\x00\x00\x00\x00\x00\x00")
    except OSError:
        pass
print(f"sent {sent} answered {answered}")
