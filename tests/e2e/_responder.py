#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
#
# The real servers' answers, TCP and UDP (start_responders in _topology.sh):
#
#   _responder.py PORT SERVER...
#
# SERVER is NAME[,tcp][,udp=ADDRESS]...[,pad]: a real server that lives in the
# network namespace NAME (/run/netns/NAME) and answers
#   tcp           on PORT, IPv4 and IPv6: a connection gets "NAME" at once,
#                 then "NAME LINE" for each LINE the client sends, until
#                 the client closes
#   udp=ADDRESS   every datagram to ADDRESS:PORT gets one datagram "NAME\n"
#                 back, from that address and port
#   pad           the UDP answers are as long as the datagram they answer:
#                 "NAME\n" then dots (frag.sh: a large answer says the
#                 request arrived whole).
#
# One python starts (under emulation, starting a program costs more than
# what the tests ask of it), then one child per real server enters its
# namespace, binds its sockets and serves them until it is killed
# (kill_in_ns); the command returns once every child is bound, or fails
# naming the one that could not bind, so the caller needs no polling. Each
# child serves its sockets in one loop; a connection's answers are written
# in one go.
import ctypes
import os
import selectors
import socket
import sys


def listen_tcp(port):
    sock = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
    sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("::", port))
    sock.listen(256)
    return sock


def bind_udp(addr, port):
    family = socket.AF_INET6 if ":" in addr else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_DGRAM)
    sock.bind((addr, port))
    return sock


def serve(name, listener, udp_socks, pad):
    sel = selectors.DefaultSelector()
    pending = {}  # connection -> the part of a line not answered yet
    if listener:
        sel.register(listener, selectors.EVENT_READ)
    for sock in udp_socks:
        sel.register(sock, selectors.EVENT_READ)
    hello = name + b"\n"
    while True:
        for key, _ in sel.select():
            sock = key.fileobj
            if sock is listener:
                try:
                    conn, _ = listener.accept()
                    conn.sendall(hello)
                except OSError:
                    continue
                pending[conn] = b""
                sel.register(conn, selectors.EVENT_READ)
            elif sock in pending:
                try:
                    data = sock.recv(4096)
                except OSError:
                    data = b""
                if not data:
                    sel.unregister(sock)
                    del pending[sock]
                    sock.close()
                    continue
                *lines, pending[sock] = (pending[sock] + data).split(b"\n")
                answer = b"".join(name + b" " + line.strip(b" \t\r") + b"\n"
                                  for line in lines)
                try:
                    sock.sendall(answer)
                except OSError:
                    pass
            else:
                try:
                    data, peer = sock.recvfrom(65535)
                    answer = hello
                    if pad and len(data) > len(hello):
                        answer += b"." * (len(data) - len(hello))
                    sock.sendto(answer, peer)
                except OSError:
                    pass


CLONE_NEWNET = 0x40000000


def enter_netns(name):
    libc = ctypes.CDLL(None, use_errno=True)
    fd = os.open(f"/run/netns/{name}", os.O_RDONLY)
    if libc.setns(fd, CLONE_NEWNET) != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"setns {name}: {os.strerror(err)}")
    os.close(fd)


def start(port, spec):
    """Fork the child that serves SPEC; returns the pipe it reports on."""
    name, *args = spec.split(",")
    ready_r, ready_w = os.pipe()
    if os.fork() > 0:
        os.close(ready_w)
        return name, ready_r
    os.close(ready_r)
    try:
        enter_netns(name)
        listener, udp_socks, pad = None, [], False
        for arg in args:
            if arg == "pad":
                pad = True
            elif arg == "tcp":
                listener = listen_tcp(port)
            elif arg.startswith("udp="):
                udp_socks.append(bind_udp(arg[4:], port))
            else:
                raise ValueError(f"unknown argument {arg}")
    except (OSError, ValueError) as err:
        os.write(ready_w, str(err).encode())
        os._exit(1)
    os.write(ready_w, b"ok")
    os.close(ready_w)
    serve(name.encode(), listener, udp_socks, pad)


def main():
    port = int(sys.argv[1])
    children = [start(port, spec) for spec in sys.argv[2:]]
    failed = 0
    for name, ready in children:
        said = os.read(ready, 512).decode()
        if said != "ok":
            print(f"_responder.py: {name}: {said or 'died'}", file=sys.stderr)
            failed = 1
    sys.exit(failed)


main()
