#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
#
# Large UDP datagrams, too big for one packet: each is sent as IP fragments
# and must arrive whole. The client's part (the real servers are
# _responder.py with pad, which answers as large as it was asked):
#
#   _frag_udp.py PORT SOURCE-PORT COUNT SIZE ADDRESS...
#       For each ADDRESS in turn, COUNT datagrams of SIZE bytes to
#       ADDRESS:PORT, one after the other, each from a socket of its own
#       connected to ADDRESS:PORT (so an answer from any other address is
#       never seen), bound to the next source port from SOURCE-PORT on.
#       Prints one line for each: the NAME that answered, "-" for no
#       answer within 5 s, or "short:NAME:LENGTH" for an answer not of SIZE
#       bytes.
import socket
import sys


def family(addr):
    return socket.AF_INET6 if ":" in addr else socket.AF_INET


def ask(port, sport, count, size, addrs):
    for addr in addrs:
        for _ in range(count):
            sock = socket.socket(family(addr), socket.SOCK_DGRAM)
            sock.bind(("::" if ":" in addr else "0.0.0.0", sport))
            sport += 1
            sock.connect((addr, port))
            sock.settimeout(5)
            sock.send(b"x" * size)
            try:
                data = sock.recv(65535)
            except (socket.timeout, ConnectionRefusedError):
                print("-", flush=True)
            else:
                name = data.split(b"\n", 1)[0].decode(errors="replace")
                if len(data) == size:
                    print(name, flush=True)
                else:
                    print("short:%s:%d" % (name, len(data)), flush=True)
            sock.close()


ask(int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]),
    sys.argv[5:])
