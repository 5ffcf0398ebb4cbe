#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
#
# The real servers of tests/e2e/schedulers.sh, all in one process (starting
# Python takes seconds under emulation): for each NAME, a TCP listener on
# PORT, IPv4 and IPv6, in the network namespace /run/netns/NAME. Every
# connection gets "NAME\n" at once and stays open until the client closes
# its side; then this side closes too. A UDP socket on the same port
# answers every datagram with "NAME\n".
#
#   _sched_responder.py PORT NAME...
import ctypes
import os
import selectors
import socket
import sys

CLONE_NEWNET = 0x40000000
libc = ctypes.CDLL(None, use_errno=True)


def setns(path):
    fd = os.open(path, os.O_RDONLY)
    try:
        if libc.setns(fd, CLONE_NEWNET) != 0:
            err = ctypes.get_errno()
            raise OSError(err, os.strerror(err), path)
    finally:
        os.close(fd)


def listener(port):
    sock = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    sock.bind(("::", port))
    sock.listen(512)
    return sock


def datagrams(port):
    sock = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    sock.bind(("::", port))
    return sock


port = int(sys.argv[1])
sel = selectors.DefaultSelector()
for name in sys.argv[2:]:
    # a socket stays in the namespace it was made in
    setns(f"/run/netns/{name}")
    sel.register(listener(port), selectors.EVENT_READ, (name + "\n").encode())
    sel.register(datagrams(port), selectors.EVENT_READ,
                 ("udp", (name + "\n").encode()))
while True:
    for key, _ in sel.select():
        sock, answer = key.fileobj, key.data
        if isinstance(answer, tuple):
            try:
                _, peer = sock.recvfrom(4096)
                sock.sendto(answer[1], peer)
            except OSError:
                pass
            continue
        if answer is not None:
            conn, _ = sock.accept()
            try:
                conn.sendall(answer)
            except OSError:
                conn.close()
                continue
            sel.register(conn, selectors.EVENT_READ)
            continue
        try:
            data = sock.recv(4096)
        except OSError:
            data = b""
        if not data:
            sel.unregister(sock)
            sock.close()
