#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
#
# Many flows at once, from one process (starting a program per flow costs
# more than the flow under emulation).
#
#   _flows.py udp VIP PORT COUNT FIRST-PORT
#       one datagram from each of COUNT source ports, FIRST-PORT on; the
#       answers are not awaited. Prints nothing.
#   _flows.py tcp VIP PORT COUNT SOURCE-ADDRESS...
#       COUNT connections opened all at once, round robin over the source
#       addresses; waits up to 30 s for each to be answered ("rsN"), then
#       prints "ADDRESS PORT ANSWER" per connection ("-": none) and keeps
#       them open until stdin closes.
import select
import socket
import sys
import time


def udp(vip, port, count, first):
    for i in range(count):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("0.0.0.0", first + i))
        s.sendto(b"ping\n", (vip, port))
        s.close()


def tcp(vip, port, count, sources):
    socks = []
    for i in range(count):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setblocking(False)
        s.bind((sources[i % len(sources)], 0))
        try:
            s.connect((vip, port))
        except BlockingIOError:
            pass
        socks.append(s)
    answers = {}
    deadline = time.monotonic() + 30
    while len(answers) < count and time.monotonic() < deadline:
        waiting = [s for s in socks if s not in answers]
        ready, _, _ = select.select(waiting, [], [], 1)
        for s in ready:
            try:
                answers[s] = s.recv(16).decode().strip() or "-"
            except OSError:
                answers[s] = "-"
    for s in socks:
        addr, sport = s.getsockname()[:2]
        print(addr, sport, answers.get(s, "-"))
    sys.stdout.flush()
    sys.stdin.read()


if sys.argv[1] == "udp":
    udp(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]))
else:
    tcp(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5:])
