#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
#
# The client of tests/e2e/schedulers.sh: COUNT TCP connections (--proto
# udp: UDP flows of one datagram each), one after the other, each from a
# source address and port of its own choosing to one of the destinations,
# each answered by a real server with its name.
# The stream is a function of the seed alone, so that two runs (ip_vs and
# lvs) send the same connections in the same order.
#
# Source addresses: ADDRS random addresses of 10.4.0.0/16 or fd00:4::/64,
# which the client namespace holds as local routes and binds without
# owning (ip_nonlocal_bind); each connection takes one of them at random
# and a random source port not used before with it.
#
# A connection is held open (with probability HOLD) for a random number
# of the connections that follow (LIFE, "LO-HI"), else closed at once; a
# close is complete (the real server's FIN is back) before the next
# connect, so that the director has counted it as inactive. One
# connection at a time: whatever the director counts is settled when it
# schedules the next one.
#
# Prints one line per connection, "N SOURCE PORT DESTINATION SERVER" (SERVER
# "-" when the connection was refused or got no name), then, when --dump
# is given, runs that shell command before closing the connections still
# held, and prints its output; then "end".
#
# One process runs every case (starting Python costs a second under
# emulation): each line of standard input is one case's options, quoted
# as a shell would.
import argparse
import ipaddress
import random
import shlex
import socket
import subprocess
import sys

ap = argparse.ArgumentParser()
ap.add_argument("--seed", required=True)
ap.add_argument("--count", type=int, required=True)
ap.add_argument("--dst", required=True, help="ADDR[,ADDR...]")
ap.add_argument("--port", type=int, default=80)
ap.add_argument("--addrs", type=int, default=64)
ap.add_argument("--hold", type=float, default=0.0)
ap.add_argument("--life", default="1-10")
ap.add_argument("--dump")
ap.add_argument("--proto", choices=("tcp", "udp"), default="tcp")


def finish(sock):
    """Close our side and wait for the real server's FIN."""
    try:
        sock.shutdown(socket.SHUT_WR)
        sock.settimeout(5)
        while sock.recv(4096):
            pass
    except OSError:
        pass
    sock.close()


def connect(family, src, sport, dst, port):
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.settimeout(4)
    data = b""
    try:
        sock.bind((src, sport))
        sock.connect((dst, port))
        while not data.endswith(b"\n"):
            more = sock.recv(64)
            if not more:
                break
            data += more
    except OSError:
        sock.close()
        return None, "-"
    name = data.decode().strip() or "-"
    return sock, name


def ask(family, src, sport, dst, port):
    """One datagram from (src, sport); the name in the answer, or "-"."""
    sock = socket.socket(family, socket.SOCK_DGRAM)
    sock.settimeout(4)
    try:
        sock.bind((src, sport))
        sock.sendto(b"?\n", (dst, port))
        name = sock.recv(64).decode().strip() or "-"
    except OSError:
        name = "-"
    sock.close()
    return name


def run(args):
    rng = random.Random(args.seed)
    dsts = args.dst.split(",")
    six = ":" in dsts[0]
    family = socket.AF_INET6 if six else socket.AF_INET
    if six:
        base = int(ipaddress.ip_address("fd00:4::"))
        pool = [str(ipaddress.ip_address(base + rng.getrandbits(64)))
                for _ in range(args.addrs)]
    else:
        base = int(ipaddress.ip_address("10.4.0.0"))
        pool = [str(ipaddress.ip_address(base + rng.randrange(1, 65535)))
                for _ in range(args.addrs)]
    life_lo, life_hi = (int(x) for x in args.life.split("-"))
    used = set()
    held = []  # (close before connection number, socket)
    out = []
    for n in range(1, args.count + 1):
        for item in [h for h in held if h[0] <= n]:
            held.remove(item)
            finish(item[1])
        src = rng.choice(pool)
        sport = rng.randrange(1024, 65536)
        while (src, sport) in used:
            sport = rng.randrange(1024, 65536)
        used.add((src, sport))
        dst = rng.choice(dsts)
        keep = rng.random() < args.hold
        life = rng.randint(life_lo, life_hi)
        if args.proto == "udp":
            out.append(f"{n} {src} {sport} {dst} "
                       f"{ask(family, src, sport, dst, args.port)}")
            continue
        sock, name = connect(family, src, sport, dst, args.port)
        if sock is not None:
            if keep:
                held.append((n + life, sock))
            else:
                finish(sock)
        out.append(f"{n} {src} {sport} {dst} {name}")
    print("\n".join(out), flush=True)
    if args.dump:
        sys.stdout.write(subprocess.run(args.dump, shell=True, check=False,
                                        capture_output=True,
                                        text=True).stdout)
    for _, sock in held:
        finish(sock)


for line in sys.stdin:
    run(ap.parse_args(shlex.split(line)))
    print("end", flush=True)
