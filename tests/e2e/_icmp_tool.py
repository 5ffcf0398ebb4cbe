#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
#
# The sockets of tests/e2e/icmp.sh, one verb each:
#
#   _icmp_tool.py refused SRC SPORT DST DPORT
#       a connected UDP socket with IP_RECVERR sends one datagram and
#       prints the ICMP error it gets back: "ERRNO type T code C from
#       OFFENDER" ("none" after 5 s). The kernel gives a connected socket
#       only errors whose quoted packet is SRC:SPORT -> DST:DPORT.
#   _icmp_tool.py fire SRC SPORT DST DPORT
#       sends one UDP datagram from SRC:SPORT through a raw socket, so that
#       an answer finds no UDP socket (the stack answers port unreachable;
#       a UDP socket closed after sending could still be there when the
#       answer comes)
#   _icmp_tool.py upload SRC DST DPORT BYTES SECONDS
#       a TCP connection sends BYTES (DF, path MTU discovery as usual),
#       closes its side and prints what the server answers, or "timeout"
#       after SECONDS
#   _icmp_tool.py server PORT
#       accepts TCP connections on PORT, both families, and answers each
#       with the number of bytes it received, once the client closed its side
import errno
import select
import socket
import struct
import sys

SOL_IPV6 = 41
IP_RECVERR = 11
IPV6_RECVERR = 25
IPV6_CHECKSUM = 7


def family(addr):
    return socket.AF_INET6 if ":" in addr else socket.AF_INET


def refused(src, sport, dst, dport):
    fam = family(dst)
    s = socket.socket(fam, socket.SOCK_DGRAM)
    if fam == socket.AF_INET:
        s.setsockopt(socket.SOL_IP, IP_RECVERR, 1)
    else:
        s.setsockopt(SOL_IPV6, IPV6_RECVERR, 1)
    s.bind((src, int(sport)))
    s.connect((dst, int(dport)))
    s.send(b"ping\n")
    p = select.poll()
    p.register(s, select.POLLERR)
    if not p.poll(5000):
        print("none")
        return
    _, anc, _, _ = s.recvmsg(2048, 512, socket.MSG_ERRQUEUE)
    for level, ctype, data in anc:
        if (level, ctype) not in ((socket.SOL_IP, IP_RECVERR),
                                  (SOL_IPV6, IPV6_RECVERR)):
            continue
        err, _, etype, code = struct.unpack_from("=IBBB", data)
        # struct sock_extended_err is 16 bytes, the offender follows
        off_fam = struct.unpack_from("=H", data, 16)[0]
        if off_fam == socket.AF_INET:
            offender = socket.inet_ntop(socket.AF_INET, data[20:24])
        else:
            offender = socket.inet_ntop(socket.AF_INET6, data[24:40])
        print(f"{errno.errorcode.get(err, err)} type {etype} code {code}"
              f" from {offender}")
        return
    print("none")


def fire(src, sport, dst, dport):
    fam = family(dst)
    s = socket.socket(fam, socket.SOCK_RAW, socket.IPPROTO_UDP)
    if fam == socket.AF_INET6:
        # the kernel fills in the UDP checksum, at offset 6
        s.setsockopt(SOL_IPV6, IPV6_CHECKSUM, 6)
    s.bind((src, 0))
    payload = b"ping\n"
    # IPv4: checksum 0, none
    udp = struct.pack("!HHHH", int(sport), int(dport), 8 + len(payload), 0)
    s.sendto(udp + payload, (dst, 0))


def upload(src, dst, dport, nbytes, seconds):
    s = socket.socket(family(dst), socket.SOCK_STREAM)
    s.settimeout(float(seconds))
    s.bind((src, 0))
    answer = b""
    try:
        s.connect((dst, int(dport)))
        s.sendall(b"x" * int(nbytes))
        s.shutdown(socket.SHUT_WR)
        while True:
            chunk = s.recv(64)
            if not chunk:
                break
            answer += chunk
    except socket.timeout:
        print("timeout")
        return
    print(answer.decode().strip() or "-")


def server(port):
    ls = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.setsockopt(SOL_IPV6, socket.IPV6_V6ONLY, 0)
    ls.bind(("::", int(port)))
    ls.listen(16)
    while True:
        c, _ = ls.accept()
        c.settimeout(60)
        n = 0
        try:
            while True:
                chunk = c.recv(65536)
                if not chunk:
                    break
                n += len(chunk)
            c.sendall(f"{n}\n".encode())
        except OSError:
            pass
        c.close()


if __name__ == "__main__":
    verbs = {"refused": refused, "fire": fire, "upload": upload,
             "server": server}
    verbs[sys.argv[1]](*sys.argv[2:])
