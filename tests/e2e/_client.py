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
import socket
import sys


def first_line(data):
    line = data.split(b"\n", 1)[0].decode(errors="replace").strip()
    return line or "-"


def request(proto, addr, port, sport):
    family = socket.AF_INET6 if ":" in addr else socket.AF_INET
    kind = socket.SOCK_STREAM if proto == "tcp" else socket.SOCK_DGRAM
    with socket.socket(family, kind) as sock:
        sock.settimeout(5)
        try:
            sock.bind(("::" if family == socket.AF_INET6 else "0.0.0.0", sport))
            sock.connect((addr, port))
            if proto == "udp":
                sock.send(b"ping\n")
                return first_line(sock.recv(2048))
            data = b""
            while b"\n" not in data:
                chunk = sock.recv(256)
                if not chunk:
                    break
                data += chunk
            return first_line(data)
        except OSError:
            return "-"


for line in sys.stdin:
    proto, addr, port, sport, count = line.split()
    for i in range(int(count)):
        print(request(proto, addr, int(port), int(sport) + i), flush=True)
