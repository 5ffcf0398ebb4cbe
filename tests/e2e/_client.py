#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
#
# The client's requests (client_requests in _traffic.sh), from one process
# that lives in the client's namespace for the whole scenario: under
# emulation, starting a program per request cost more than the request.
# Each line read, "PROTO ADDRESS PORT SOURCE-PORT COUNT", makes COUNT TCP
# connections or UDP exchanges (one datagram each way) to ADDRESS:PORT,
# one after the other, the i-th from SOURCE-PORT + i, and prints for each
# who answered: the first line of the answer, "-" when none came within
# 5 s (a refused or unanswered connection: the client's tcp_syn_retries
# is 1, so a lost SYN gives up after 3 s). A TCP connection is closed once
# the first line is read.
#
# Connections held across a change (a failover, a new configuration):
#   "hold NAME PROTO ADDRESS PORT SOURCE-PORT" opens one and keeps it (TCP:
#   the connection; UDP: the socket, after one exchange) and prints who
#   answered; "say NAME" sends "ping" on it again and prints who answered
#   ("-" when nobody did within 5 s, or the connection is gone); "drop
#   NAME" closes it and prints "dropped".
import socket
import sys


def first_line(data):
    line = data.split(b"\n", 1)[0].decode(errors="replace").strip()
    return line or "-"


def read_line(sock):
    data = b""
    while b"\n" not in data:
        chunk = sock.recv(256)
        if not chunk:
            break
        data += chunk
    return first_line(data)


def open_socket(proto, addr, port, sport):
    """A socket connected from SPORT to ADDR:PORT, its first answer read."""
    family = socket.AF_INET6 if ":" in addr else socket.AF_INET
    kind = socket.SOCK_STREAM if proto == "tcp" else socket.SOCK_DGRAM
    sock = socket.socket(family, kind)
    sock.settimeout(5)
    try:
        sock.bind(("::" if family == socket.AF_INET6 else "0.0.0.0", sport))
        sock.connect((addr, port))
        if proto == "udp":
            sock.send(b"ping\n")
        return sock, read_line(sock)
    except OSError:
        sock.close()
        return None, "-"


def request(proto, addr, port, sport):
    sock, who = open_socket(proto, addr, port, sport)
    if sock:
        sock.close()
    return who


def say(sock):
    """Who answers "ping" on a held connection (TCP: "rsN ping")."""
    try:
        sock.send(b"ping\n")
        return read_line(sock).split()[0]
    except OSError:
        return "-"


held = {}
for line in sys.stdin:
    words = line.split()
    if words[0] == "hold":
        name, proto, addr, port, sport = words[1:]
        sock, who = open_socket(proto, addr, int(port), int(sport))
        held[name] = sock
        print(who, flush=True)
    elif words[0] == "say":
        sock = held.get(words[1])
        print(say(sock) if sock else "-", flush=True)
    elif words[0] == "drop":
        sock = held.pop(words[1], None)
        if sock:
            sock.close()
        print("dropped", flush=True)
    else:
        proto, addr, port, sport, count = words
        for i in range(int(count)):
            print(request(proto, addr, int(port), int(sport) + i), flush=True)
