#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
#
# A real server's SCTP answer: every association to one of the ADDRESSes
# on PORT gets "NAME\n" at once, then is read until the client shuts it
# down. Each listening socket is bound to its one address, so that the
# association has no other (SCTP would otherwise offer every address of
# the namespace to the client, which could then reach the real server
# around the director).
#
#   _sctp_responder.py NAME PORT ADDRESS...
import socket
import sys
import threading

name, port, addrs = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
answer = (name + "\n").encode()


def serve(conn):
    with conn:
        try:
            conn.sendall(answer)
            while conn.recv(4096):
                pass
        except OSError:
            pass


def listen(addr):
    family = socket.AF_INET6 if ":" in addr else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_SCTP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((addr, port))
    sock.listen(64)
    while True:
        conn, _ = sock.accept()
        threading.Thread(target=serve, args=(conn,), daemon=True).start()


for a in addrs[1:]:
    threading.Thread(target=listen, args=(a,), daemon=True).start()
listen(addrs[0])
