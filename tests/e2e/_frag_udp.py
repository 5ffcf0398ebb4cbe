#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
#
# Large UDP datagrams, too big for one packet: each is sent as IP fragments
# and must arrive whole. One process does all of a namespace's part (under
# emulation, starting python costs seconds).
#
#   _frag_udp.py serve NAME PORT ADDRESS...
#       A real server: every datagram to one of the ADDRESSes, port PORT,
#       is answered with one datagram of the same size, from that address
#       and port: "NAME\n" padded with dots.
#   _frag_udp.py ask PORT SOURCE-PORT COUNT SIZE ADDRESS...
#       A client: for each ADDRESS in turn, COUNT datagrams of SIZE bytes
#       to ADDRESS:PORT, one after the other, each from a socket of its own
#       connected to ADDRESS:PORT (so an answer from any other address is
#       never seen), bound to the next source port from SOURCE-PORT on.
#       Prints one line for each: the NAME that answered, "-" for no
#       answer within 5 s, or "short:NAME:LENGTH" for an answer not of SIZE
#       bytes.
import selectors
import socket
import sys


def family(addr):
    return socket.AF_INET6 if ":" in addr else socket.AF_INET


def serve(name, port, addrs):
    sel = selectors.DefaultSelector()
    for addr in addrs:
        sock = socket.socket(family(addr), socket.SOCK_DGRAM)
        sock.bind((addr, port))
        sel.register(sock, selectors.EVENT_READ)
    head = (name + "\n").encode()
    while True:
        for key, _ in sel.select():
            data, peer = key.fileobj.recvfrom(65535)
            key.fileobj.sendto(head + b"." * max(len(data) - len(head), 0),
                               peer)


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


if sys.argv[1] == "serve":
    serve(sys.argv[2], int(sys.argv[3]), sys.argv[4:])
else:
    ask(int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]),
        int(sys.argv[5]), sys.argv[6:])
