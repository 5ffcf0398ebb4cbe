#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
#
# SIP over UDP for tests/e2e/sip.sh: the real servers' responder and the
# client, both on port 5060.
#
#   _sip.py serve NAME ADDRESS...
#
# A real server: every datagram (and TCP connection) to ADDRESS:5060 gets
# one answer "NAME\n", from that address and port. It also listens on the
# unix datagram socket /run/lvs-e2e-sip.NAME (bound last: once it exists,
# the server listens), where a message "ADDRESS PORT CALL-ID" makes it send
# a SIP request with that Call-ID from its own ADDRESS:5060 of that family
# to ADDRESS:PORT, as a SIP server calling a client back does. Pathname
# unix sockets reach across network namespaces, so the client itself tells
# a real server to call it.
#
#   _sip.py client VIP4 VIP6 SOURCE-PORT
#
# The client: runs the commands on standard input, one a line, quoted as a
# shell would, and prints one line for each request. Every request leaves
# from a source port of its own, SOURCE-PORT on, so that none falls into a
# flow left by an earlier one. Strings are decoded for \r, \n, \t and
# \xNN.
#
#   call NAME SRC CALL-ID   a SIP request with "Call-ID: CALL-ID\r\n" from
#                           address SRC to the VIP of its family; prints
#                           "NAME WHO", WHO the real server that answered,
#                           "-" when nobody did within 5 s
#   req NAME SRC HEADERS    the same with HEADERS as the request's headers
#                           in the middle (HEADERS ends with its own line
#                           end, if any)
#   raw NAME SRC PAYLOAD    the same, PAYLOAD the whole datagram
#   & call|req|raw ...      sent without waiting: answered at the next wait
#   wait                    prints "NAME WHO" for each request sent with &
#                           since the last wait, in order; all of them
#                           get 3 s from the wait together
#   incoming NAME SRC rsN CALL-ID
#                           listen on SRC, have rsN send a request with
#                           that Call-ID to it, wait for it and answer it
#                           from the same port to where it came from;
#                           prints "NAME FROM WHO": FROM the request's
#                           source ADDRESS:PORT (IPv6 [ADDRESS]:PORT), "-"
#                           if none came; WHO who answered the answer, "-"
#                           if nobody did (none is sent unless FROM is the
#                           VIP:5060)
#   tcp NAME SRC            a TCP connection to the VIP:5060 from SRC,
#                           3 s to connect; prints "NAME WHO"
import codecs
import os
import select
import shlex
import socket
import sys
import time

PORT = 5060


def family_of(addr):
    return socket.AF_INET6 if ":" in addr else socket.AF_INET


def hostport(addr, port):
    return f"[{addr}]:{port}" if ":" in addr else f"{addr}:{port}"


def serve(name, addrs):
    answer = (name + "\n").encode()
    udp, tcp = {}, {}
    for addr in addrs:
        fam = family_of(addr)
        u = socket.socket(fam, socket.SOCK_DGRAM)
        u.bind((addr, PORT))
        udp[u.fileno()] = (u, fam)
        t = socket.socket(fam, socket.SOCK_STREAM)
        t.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        t.bind((addr, PORT))
        t.listen(64)
        tcp[t.fileno()] = t
    path = f"/run/lvs-e2e-sip.{name}"
    ctl = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    try:
        ctl.bind(path)
    except OSError:
        os.unlink(path)
        ctl.bind(path)
    socks = [s for s, _ in udp.values()] + list(tcp.values()) + [ctl]
    while True:
        for s in select.select(socks, [], [])[0]:
            if s is ctl:
                addr, port, callid = ctl.recv(4096).decode().split(" ", 2)
                fam = family_of(addr)
                for u, f in udp.values():
                    if f == fam:
                        own = u.getsockname()[0]
                        u.sendto(request(own, addr, callid.encode()),
                                 (addr, int(port)))
            elif s.fileno() in tcp:
                conn, _ = s.accept()
                try:
                    conn.sendall(answer)
                except OSError:
                    pass
                conn.close()
            else:
                _, peer = s.recvfrom(4096)
                s.sendto(answer, peer)


def request(src, dst, callid=None, headers=None, sport=PORT):
    """A SIP INVITE from src to dst, with that Call-ID or those headers
    in the middle."""
    if headers is None:
        headers = b"Call-ID: " + callid + b"\r\n"
    return (f"INVITE sip:service@{hostport(dst, PORT)} SIP/2.0\r\n"
            f"Via: SIP/2.0/UDP {hostport(src, sport)};branch=z9hG4bK{sport}\r\n"
            f"From: <sip:caller@{hostport(src, sport)}>;tag={sport}\r\n"
            f"To: <sip:service@{hostport(dst, PORT)}>\r\n"
            "Max-Forwards: 70\r\n").encode() + headers + (
            "CSeq: 1 INVITE\r\n"
            "Content-Length: 0\r\n\r\n").encode()


def decode(s):
    return codecs.escape_decode(s.encode())[0]


class Client:
    def __init__(self, vip4, vip6, sport):
        self.vip = {socket.AF_INET: vip4, socket.AF_INET6: vip6}
        self.sport = sport
        self.pending = []

    def socket(self, src, kind=socket.SOCK_DGRAM):
        fam = family_of(src)
        s = socket.socket(fam, kind)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind((src, self.sport))
        self.sport += 1
        return s, self.vip[fam]

    def send(self, name, src, kind, arg):
        s, vip = self.socket(src)
        sport = s.getsockname()[1]
        if kind == "call":
            payload = request(src, vip, callid=decode(arg), sport=sport)
        elif kind == "req":
            payload = request(src, vip, headers=decode(arg), sport=sport)
        elif kind == "raw":
            payload = decode(arg)
        else:
            raise ValueError(f"unknown request {kind}")
        s.sendto(payload, (vip, PORT))
        self.pending.append((name, s))

    def wait(self, timeout):
        deadline = time.monotonic() + timeout
        for name, s in self.pending:
            print(name, answer(s, deadline), flush=True)
            s.close()
        self.pending = []

    def incoming(self, name, src, rs, callid):
        s, vip = self.socket(src)
        me = s.getsockname()
        ctl = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        ctl.sendto(f"{me[0]} {me[1]} {callid}".encode(),
                   f"/run/lvs-e2e-sip.{rs}")
        ctl.close()
        s.settimeout(5)
        try:
            data, peer = s.recvfrom(4096)
        except OSError:
            print(name, "-", "-", flush=True)
            return
        who = "-"
        if peer[0] == vip and peer[1] == PORT:
            # a SIP answer: the request's headers from Via on, the
            # Call-ID among them, under a status line
            head = data.split(b"\r\n", 1)[1]
            s.sendto(b"SIP/2.0 200 OK\r\n" + head, peer)
            who = answer(s, time.monotonic() + 5)
        print(name, hostport(peer[0], peer[1]), who, flush=True)
        s.close()

    def tcp(self, name, src):
        s, vip = self.socket(src, socket.SOCK_STREAM)
        s.settimeout(3)
        data = b""
        try:
            s.connect((vip, PORT))
            s.settimeout(5)
            while not data.endswith(b"\n"):
                more = s.recv(64)
                if not more:
                    break
                data += more
        except OSError:
            pass
        s.close()
        print(name, data.decode().strip() or "-", flush=True)


def answer(s, deadline):
    """The name in the answer that s gets by the deadline, or "-"."""
    try:
        s.settimeout(max(deadline - time.monotonic(), 0.01))
        return s.recv(4096).decode().strip() or "-"
    except OSError:
        return "-"


def client(vip4, vip6, sport):
    c = Client(vip4, vip6, int(sport))
    for line in sys.stdin:
        words = shlex.split(line)
        if not words:
            continue
        later = words[0] == "&"
        if later:
            words = words[1:]
        cmd = words[0]
        if cmd in ("call", "req", "raw"):
            if not later:
                c.wait(3)
            c.send(words[1], words[2], cmd, words[3])
            if not later:
                c.wait(5)
        elif cmd == "wait":
            c.wait(3)
        elif cmd == "incoming":
            c.incoming(*words[1:5])
        elif cmd == "tcp":
            c.tcp(*words[1:3])
        else:
            raise ValueError(f"unknown command {cmd}")
    c.wait(3)


if __name__ == "__main__":
    if sys.argv[1] == "serve":
        serve(sys.argv[2], sys.argv[3:])
    else:
        client(*sys.argv[2:5])
