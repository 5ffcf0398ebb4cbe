#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
#
# A real server's UDP answer: every datagram to ADDRESS:PORT gets one
# datagram "NAME\n" back, from that address and port. One process serves
# them all, in turn. (socat's fork mode was used before: a child lingering
# after its answer could read the next client's datagram and answer the
# wrong peer, and under emulation that lost an answer now and then.)
#
#   _udp_responder.py NAME ADDRESS PORT
import socket
import sys

name, addr, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
family = socket.AF_INET6 if ":" in addr else socket.AF_INET
sock = socket.socket(family, socket.SOCK_DGRAM)
sock.bind((addr, port))
answer = (name + "\n").encode()
while True:
    _, peer = sock.recvfrom(2048)
    sock.sendto(answer, peer)
