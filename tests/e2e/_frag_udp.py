#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
#
# Large UDP datagrams, too big for one packet: each is sent as IP fragments
# and must arrive whole.
#
#   _frag_udp.py serve NAME ADDRESS PORT
#       A real server: every datagram to ADDRESS:PORT is answered with one
#       datagram of the same size, from that address and port: "NAME\n"
#       padded with dots.
#   _frag_udp.py ask ADDRESS PORT SOURCE-PORT COUNT SIZE
#       A client: COUNT datagrams of SIZE bytes to ADDRESS:PORT, one after
#       the other, each from a socket of its own connected to ADDRESS:PORT
#       and bound to the next source port from SOURCE-PORT on (so an answer
#       from any other address is never seen). Prints one line for each:
#       the NAME that answered, "-" for no answer within 5 s, or
#       "short:NAME:LENGTH" for an answer not of SIZE bytes.
import socket
import sys


def family(addr):
    return socket.AF_INET6 if ":" in addr else socket.AF_INET


def serve(name, addr, port):
    sock = socket.socket(family(addr), socket.SOCK_DGRAM)
    sock.bind((addr, port))
    head = (name + "\n").encode()
    while True:
        data, peer = sock.recvfrom(65535)
        sock.sendto(head + b"." * max(len(data) - len(head), 0), peer)


def ask(addr, port, sport, count, size):
    for i in range(count):
        sock = socket.socket(family(addr), socket.SOCK_DGRAM)
        sock.bind(("::" if ":" in addr else "0.0.0.0", sport + i))
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


if sys.argv[1] == "serve":
    serve(sys.argv[2], sys.argv[3], int(sys.argv[4]))
else:
    ask(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]),
        int(sys.argv[6]))
