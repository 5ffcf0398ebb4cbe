#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
#
# The packets and sockets of tests/e2e/hostile.sh.
#
#   _hostile.py serve NAME PORT [SCTP-ADDRESS...]
#       a real server: on PORT, every TCP connection (IPv4 and IPv6) and
#       every SCTP association (to the addresses given) gets "NAME\n" and
#       is closed once the client closes it; every UDP datagram gets one
#       datagram "NAME\n" back, from the address it was sent to (the VIP
#       for DR and TUN, the real server's own for NAT)
#   _hostile.py ask COUNT [NAME PROTO SRC VIP PORT SPORT]...
#       for each service named, COUNT requests (tcp, udp or sctp) to
#       VIP:PORT from SRC:SPORT on, one after the other; prints the NAME
#       and who answered each, sorted ("-": nobody within 10 s)
#   _hostile.py hold COUNT SECONDS [NAME PROTO SRC VIP PORT SPORT]...
#       the same, but the connections (TCP, SCTP) and flows (UDP: one
#       datagram each) are kept open for SECONDS; prints "held N" when
#       all N are made
# (one process for all: under emulation, starting Python is slow)
#   _hostile.py fuzz SETUP COUNT SEED
#       COUNT hostile frames, seeded: SETUP (JSON, from hostile.sh) names
#       the links, addresses and connections of the director. Prints what
#       was sent, per kind, and the seed of every frame it sent, so that
#       one frame can be sent again: _hostile.py one SETUP SEED INDEX
#
# The frames go out through AF_PACKET sockets, straight onto the
# director's links: the client's (to its VIPs) and the real servers' (the
# NAT replies, which it forwards). Each is built whole, with right
# checksums, then mostly spoilt: truncated, fields or bytes overwritten,
# lengths that lie. Kinds:
#   l4      TCP, UDP or SCTP to a VIP (new flows and existing connections)
#   reply   TCP, UDP or SCTP from a NAT real server to the client
#   icmp    ICMP errors to a VIP quoting its replies (VIP -> client)
#   icmpout ICMP errors from a real server's side quoting the client's
#           packets (client -> real server), forwarded to the client
#   tunnel  ICMP errors to the director quoting its tunnel packets to a
#           real server (IPIP, GUE, GRE) and the client's packet inside
#   frag    fragments of packets to a VIP, overlapping, IPv4 and IPv6
#   encap   IPIP, GRE and GUE packets with garbage inside, to the director
#   exthdr  IPv6 extension header chains; IPv4 options
import ctypes
import json
import os
import random
import select
import socket
import struct
import sys
import time

ETH_P_IP = 0x0800
ETH_P_IPV6 = 0x86DD
IPPROTO_SCTP = 132
SOL_IPV6 = 41
IPV6_RECVPKTINFO = 49
IPV6_PKTINFO = 50
IP_PKTINFO = 8

# -- checksums -------------------------------------------------------------


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def _crc32c_table():
    t = []
    for i in range(256):
        c = i
        for _ in range(8):
            c = (c >> 1) ^ 0x82F63B78 if c & 1 else c >> 1
        t.append(c)
    return t


CRC32C = _crc32c_table()


def crc32c(data):
    c = 0xFFFFFFFF
    for b in data:
        c = CRC32C[(c ^ b) & 0xFF] ^ (c >> 8)
    return c ^ 0xFFFFFFFF


def pseudo(src, dst, proto, length):
    if len(src) == 4:
        return src + dst + struct.pack("!BBH", 0, proto, length)
    return src + dst + struct.pack("!IxxxB", length, proto)


def addr(a):
    return socket.inet_pton(socket.AF_INET6 if ":" in a else socket.AF_INET, a)


# -- headers -----------------------------------------------------------------


def l4_csum(seg, src, dst, proto, off):
    """seg with its Internet checksum at off filled in."""
    c = csum(pseudo(src, dst, proto, len(seg)) + seg)
    if proto == socket.IPPROTO_UDP and c == 0:
        c = 0xFFFF
    return seg[:off] + struct.pack("!H", c) + seg[off + 2:]


def tcp(src, dst, sport, dport, seq, ack, flags, data=b"", opts=b"",
        doff=None, good=True):
    if len(opts) % 4:
        opts += b"\1" * (4 - len(opts) % 4)
    if doff is None:
        doff = 5 + len(opts) // 4
    seg = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, (doff & 15) << 4,
                      flags & 0xFF, 65535, 0, 0) + opts + data
    return l4_csum(seg, src, dst, socket.IPPROTO_TCP, 16) if good else seg


def udp(src, dst, sport, dport, data=b"", good=True, length=None):
    seg = struct.pack("!HHHH", sport, dport,
                      (8 + len(data)) if length is None else length, 0) + data
    return l4_csum(seg, src, dst, socket.IPPROTO_UDP, 6) if good else seg


def sctp(sport, dport, vtag, chunks, good=True):
    seg = struct.pack("!HHII", sport, dport, vtag, 0) + chunks
    if good:
        seg = seg[:8] + struct.pack("<I", crc32c(seg)) + seg[12:]
    return seg


def chunk(ctype, flags, body, length=None):
    n = 4 + len(body) if length is None else length
    c = struct.pack("!BBH", ctype, flags, n & 0xFFFF) + body
    return c + b"\0" * (-len(c) % 4)


def ip4(src, dst, proto, payload, ttl=64, tos=0, ident=0, frag=0x4000,
        opts=b""):
    if len(opts) % 4:
        opts += b"\0" * (4 - len(opts) % 4)
    ihl = 5 + len(opts) // 4
    h = struct.pack("!BBHHHBBH4s4s", 0x40 | ihl, tos, 4 * ihl + len(payload),
                    ident, frag, ttl, proto, 0, src, dst) + opts
    h = h[:10] + struct.pack("!H", csum(h)) + h[12:]
    return h + payload


def fix4(pkt):
    """The IPv4 header's length and checksum made right again."""
    ihl = (pkt[0] & 15) * 4
    if ihl < 20 or ihl > len(pkt):
        return pkt
    h = bytearray(pkt[:ihl])
    h[2:4] = struct.pack("!H", len(pkt) & 0xFFFF)
    h[10:12] = b"\0\0"
    h[10:12] = struct.pack("!H", csum(bytes(h)))
    return bytes(h) + pkt[ihl:]


def ip6(src, dst, nh, payload, hlim=64, tc=0, flow=0):
    return struct.pack("!IHBB16s16s", (6 << 28) | (tc << 20) | flow,
                       len(payload), nh, hlim, src, dst) + payload


def fix6(pkt):
    if len(pkt) < 40:
        return pkt
    return pkt[:4] + struct.pack("!H", (len(pkt) - 40) & 0xFFFF) + pkt[6:]


def ipx(src, dst, proto, payload, **kw):
    if len(src) == 4:
        return ip4(src, dst, proto, payload, **kw)
    kw.pop("frag", None)
    kw.pop("ident", None)
    kw.pop("opts", None)
    ttl = kw.pop("ttl", 64)
    return ip6(src, dst, proto, payload, hlim=ttl)


def fix(pkt):
    return fix4(pkt) if pkt and pkt[0] >> 4 == 4 else fix6(pkt)


def icmp_err(src, dst, quoted, rnd, kind=None):
    """An ICMP(v6) error from src to dst quoting the bytes quoted."""
    v4 = len(src) == 4
    if kind is None:
        if v4:
            kind = rnd.choice([(3, rnd.randrange(16)), (3, 4), (3, 3),
                               (11, 0), (12, 0), (4, 0),
                               (rnd.randrange(256), rnd.randrange(256))])
        else:
            kind = rnd.choice([(1, rnd.randrange(8)), (2, 0), (3, 0),
                               (4, rnd.randrange(3)),
                               (rnd.randrange(256), rnd.randrange(256))])
    t, c = kind
    info = rnd.choice([0, 68, 576, 1280, 1400, 1500, 65535,
                       rnd.getrandbits(32)])
    if v4 and t == 3 and c == 4:
        info = rnd.choice([0, 1, 68, 500, 1400, 1499, 65535])
    body = struct.pack("!BBHI", t, c, 0, info) + quoted
    if v4:
        body = body[:2] + struct.pack("!H", csum(body)) + body[4:]
        return ip4(src, dst, socket.IPPROTO_ICMP, body)
    c = csum(pseudo(src, dst, 58, len(body)) + body)
    body = body[:2] + struct.pack("!H", c) + body[4:]
    return ip6(src, dst, 58, body)


# -- the frames --------------------------------------------------------------


def endpoint(text):
    a, p = text.rsplit(":", 1)
    return a.strip("[]"), int(p)


def read_conns(setup):
    """The connections of ipvsadm -Lnc (in setup["conns"], a file), with
    the forwarding method of their VIP."""
    methods = {v["addr"]: v["method"] for v in setup["vips"]}
    protos = {"TCP": socket.IPPROTO_TCP, "UDP": socket.IPPROTO_UDP,
              "SCTP": IPPROTO_SCTP}
    conns = []
    with open(setup["conns"]) as f:
        for line in f:
            w = line.split()
            if len(w) < 6 or w[0] not in protos:
                continue
            (ca, cp), (va, vp), (da, dp) = (endpoint(x) for x in w[3:6])
            if va not in methods:
                continue
            conns.append({"proto": protos[w[0]], "caddr": ca, "cport": cp,
                          "vaddr": va, "vport": vp, "daddr": da, "dport": dp,
                          "method": methods[va]})
    return conns


class Fuzz:
    def __init__(self, setup):
        self.s = setup
        self.conns = read_conns(setup)
        self.vips = setup["vips"]          # [{"addr", "method"}]
        self.rss = setup["rss"]            # [{"rip4", "rip6", "mac", "tun"}]

    # a few helpers on the setup
    def client(self, v4, nat=False):
        k = ("natclient" if nat else "client") + ("4" if v4 else "6")
        return addr(self.s[k])

    def some_conn(self, rnd, v4, method=None, proto=None):
        c = [x for x in self.conns if (":" not in x["caddr"]) == v4 and
             (method is None or x["method"] == method) and
             (proto is None or x["proto"] == proto)]
        return rnd.choice(c) if c else None

    def some_vip(self, rnd, v4, method=None):
        v = [x["addr"] for x in self.vips if (":" not in x["addr"]) == v4 and
             (method is None or x["method"] == method)]
        return addr(rnd.choice(v))

    def some_port(self, rnd):
        # clear of the ports hostile.sh asks from (40000 on) and holds
        return rnd.choice([rnd.randrange(1, 40000), rnd.randrange(50000, 65536),
                           0, 65535, 1024])

    def payload(self, rnd):
        n = rnd.choice([0, 0, 1, 3, 4, 8, 20, rnd.randrange(200),
                        rnd.randrange(1400)])
        if rnd.random() < 0.3:
            return b"ping\n"[:n] if n < 6 else b"x" * n
        return rnd.randbytes(n)

    def l4seg(self, rnd, proto, src, dst, sport, dport):
        """A transport segment, more or less well formed."""
        good = rnd.random() < 0.85
        if proto == socket.IPPROTO_TCP:
            flags = rnd.choice([0x02, 0x02, 0x10, 0x18, 0x11, 0x04, 0x14, 0x12,
                                0, 0xFF, rnd.randrange(256)])
            opts = b""
            if rnd.random() < 0.3:
                opts = rnd.randbytes(rnd.randrange(41))
            doff = None
            if rnd.random() < 0.1:
                doff = rnd.randrange(16)
            return tcp(src, dst, sport, dport, rnd.getrandbits(32),
                       rnd.getrandbits(32), flags, self.payload(rnd), opts,
                       doff, good)
        if proto == socket.IPPROTO_UDP:
            data = self.payload(rnd)
            length = None
            if rnd.random() < 0.15:
                length = rnd.choice([0, 1, 7, 8, 9, len(data) + 9, 65535,
                                     rnd.randrange(65536)])
            return udp(src, dst, sport, dport, data, good, length)
        if proto == IPPROTO_SCTP:
            chunks = b""
            for _ in range(rnd.choice([0, 1, 1, 1, 2, 3])):
                ct = rnd.choice([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 14,
                                 rnd.randrange(256)])
                body = rnd.randbytes(rnd.choice([0, 4, 12, 16, 28,
                                                 rnd.randrange(64)]))
                ln = None
                if rnd.random() < 0.25:
                    ln = rnd.choice([0, 1, 3, 4, 5, 0xFFFF,
                                     rnd.randrange(65536)])
                chunks += chunk(ct, rnd.randrange(4), body, ln)
            if rnd.random() < 0.2:
                chunks = chunks[:rnd.randrange(len(chunks) + 1)]
            return sctp(sport, dport, rnd.getrandbits(32), chunks, good)
        return rnd.randbytes(rnd.randrange(64))

    def proto(self, rnd):
        return rnd.choice([socket.IPPROTO_TCP, socket.IPPROTO_UDP,
                           IPPROTO_SCTP])

    def spoil(self, rnd, pkt, l4off):
        """Truncate or overwrite part of pkt beyond l4off; mostly keep the
        IP header consistent with what is left, so that the director's
        stack lets it through to lvs."""
        r = rnd.random()
        b = bytearray(pkt)
        if r < 0.25 and len(b) > l4off:
            del b[l4off + rnd.randrange(len(b) - l4off):]
        elif r < 0.45 and len(b) > l4off:
            for _ in range(rnd.randrange(1, 6)):
                i = rnd.randrange(l4off, len(b))
                b[i] = rnd.randrange(256)
        elif r < 0.5:
            b += rnd.randbytes(rnd.randrange(1, 40))
        pkt = bytes(b)
        if rnd.random() < 0.93:
            pkt = fix(pkt)
        return self.spoil_ip(rnd, pkt)

    def spoil_ip(self, rnd, pkt):
        """Now and then, an IP header that lies."""
        if rnd.random() > 0.06 or len(pkt) < 20:
            return pkt
        b = bytearray(pkt)
        if b[0] >> 4 == 4:
            f = rnd.randrange(5)
            if f == 0:
                b[0] = 0x40 | rnd.randrange(16)
            elif f == 1:
                b[2:4] = struct.pack("!H", rnd.randrange(65536))
            elif f == 2:
                b[0] = rnd.randrange(256)
            elif f == 3:
                b[6:8] = struct.pack("!H", rnd.randrange(65536))
            else:
                b[9] = rnd.randrange(256)
            if rnd.random() < 0.7:
                b[10:12] = b"\0\0"
                ihl = min((b[0] & 15) * 4, len(b))
                if ihl >= 20:
                    b[10:12] = struct.pack("!H", csum(bytes(b[:ihl])))
        elif len(b) >= 40:
            f = rnd.randrange(3)
            if f == 0:
                b[4:6] = struct.pack("!H", rnd.randrange(65536))
            elif f == 1:
                b[6] = rnd.randrange(256)
            else:
                b[0] = rnd.randrange(256)
        return bytes(b)

    # -- kinds: each returns (link, IP packet) ------------------------------

    def k_l4(self, rnd):
        v4 = rnd.random() < 0.5
        proto = self.proto(rnd)
        c = self.some_conn(rnd, v4, proto=proto) if rnd.random() < 0.4 else None
        if c:
            src, dst = addr(c["caddr"]), addr(c["vaddr"])
            sport, dport = c["cport"], c["vport"]
        else:
            src = self.client(v4, rnd.random() < 0.3)
            dst = self.some_vip(rnd, v4)
            sport = self.some_port(rnd)
            dport = 80 if rnd.random() < 0.8 else rnd.randrange(65536)
        seg = self.l4seg(rnd, proto, src, dst, sport, dport)
        if v4:
            opts = b""
            if rnd.random() < 0.1:
                opts = self.ip4_options(rnd)
            pkt = ip4(src, dst, proto, seg, opts=opts,
                      ttl=rnd.choice([64, 64, 64, 1, 2, 0]))
            return "in", self.spoil(rnd, pkt, (pkt[0] & 15) * 4)
        pkt = ip6(src, dst, proto, seg, hlim=rnd.choice([64, 64, 64, 1, 2, 0]))
        return "in", self.spoil(rnd, pkt, 40)

    def k_reply(self, rnd):
        v4 = rnd.random() < 0.5
        proto = self.proto(rnd)
        c = self.some_conn(rnd, v4, "nat", proto) if rnd.random() < 0.6 else None
        rs = rnd.choice(self.rss)
        if c:
            src, dst = addr(c["daddr"]), addr(c["caddr"])
            sport, dport = c["dport"], c["cport"]
        else:
            src = addr(rs["rip4"] if v4 else rs["rip6"])
            dst = self.client(v4, rnd.random() < 0.8)
            sport = 80 if rnd.random() < 0.7 else self.some_port(rnd)
            dport = self.some_port(rnd)
        seg = self.l4seg(rnd, proto, src, dst, sport, dport)
        pkt = ipx(src, dst, proto, seg)
        return "out", self.spoil(rnd, pkt, 20 if v4 else 40)

    def quote(self, rnd, pkt):
        """What an error quotes of pkt: mostly the header and 8 bytes or
        all of it, sometimes less, sometimes spoilt."""
        n = rnd.choice([len(pkt), len(pkt), 28, 48, 8, 20, 24, 40, 44,
                        rnd.randrange(len(pkt) + 1)])
        q = bytearray(pkt[:n])
        if q and rnd.random() < 0.3:
            for _ in range(rnd.randrange(1, 4)):
                i = rnd.randrange(len(q))
                q[i] = rnd.randrange(256)
        return bytes(q)

    def k_icmp(self, rnd):
        v4 = rnd.random() < 0.5
        proto = self.proto(rnd)
        c = self.some_conn(rnd, v4, proto=proto) if rnd.random() < 0.7 else None
        if c:
            vip, cl = addr(c["vaddr"]), addr(c["caddr"])
            vport, cport = c["vport"], c["cport"]
        else:
            vip, cl = self.some_vip(rnd, v4), self.client(v4)
            vport, cport = 80, self.some_port(rnd)
        inner = ipx(vip, cl, proto, self.l4seg(rnd, proto, vip, cl, vport, cport))
        if v4 and rnd.random() < 0.1:
            inner = ip4(vip, cl, proto, inner[20:], opts=self.ip4_options(rnd))
        src = cl if rnd.random() < 0.7 else rnd.randbytes(len(cl))
        dst = vip if rnd.random() < 0.9 else addr(
            self.s["director4"] if v4 else self.s["director6"])
        pkt = icmp_err(src, dst, self.quote(rnd, inner), rnd)
        return "in", self.spoil(rnd, pkt, 20 if v4 else 40) \
            if rnd.random() < 0.3 else pkt

    def k_icmpout(self, rnd):
        v4 = rnd.random() < 0.5
        proto = self.proto(rnd)
        c = self.some_conn(rnd, v4, "nat", proto) if rnd.random() < 0.7 else None
        rs = rnd.choice(self.rss)
        if c:
            cl, rip = addr(c["caddr"]), addr(c["daddr"])
            cport, rport = c["cport"], c["dport"]
        else:
            cl, rip = self.client(v4, rnd.random() < 0.8), addr(rs["rip4"] if v4 else rs["rip6"])
            cport, rport = self.some_port(rnd), 80
        inner = ipx(cl, rip, proto, self.l4seg(rnd, proto, cl, rip, cport, rport))
        src = rip if rnd.random() < 0.7 else addr(
            self.s["router4"] if v4 else self.s["router6"])
        pkt = icmp_err(src, cl, self.quote(rnd, inner), rnd)
        return "out", self.spoil(rnd, pkt, 20 if v4 else 40) \
            if rnd.random() < 0.3 else pkt

    def encap_hdr(self, rnd, tun, v4, rs):
        """The tunnel header the director puts in front of a client's
        packet for real server rs, or a spoilt one; and its protocol."""
        inner_proto = socket.IPPROTO_IPIP if v4 else socket.IPPROTO_IPV6
        if tun == "ipip":
            return inner_proto, b""
        if tun == "gue":
            hlen = 0 if rnd.random() < 0.7 else rnd.randrange(32)
            gue = struct.pack("!BBH", hlen & 31, inner_proto, 0)
            if rnd.random() < 0.15:
                gue = bytes([rnd.randrange(256), rnd.choice([inner_proto,
                             rnd.randrange(256)])]) + rnd.randbytes(2)
            gue += rnd.randbytes(4 * (hlen & 31)) if rnd.random() < 0.5 else b""
            port = rs["tunport"] if rnd.random() < 0.8 else rnd.randrange(65536)
            hdr = struct.pack("!HHHH", rnd.randrange(49152, 65536), port,
                              rnd.randrange(65536), 0) + gue
            return socket.IPPROTO_UDP, hdr
        flags = 0 if rnd.random() < 0.6 else rnd.choice([0x8000, 0x2000, 0x1000,
                                                         rnd.randrange(65536)])
        et = ETH_P_IP if v4 else ETH_P_IPV6
        if rnd.random() < 0.1:
            et = rnd.randrange(65536)
        hdr = struct.pack("!HH", flags, et)
        if flags & 0x8000:
            hdr += rnd.randbytes(4)
        return 47, hdr

    def k_tunnel(self, rnd):
        v4 = rnd.random() < 0.5
        proto = self.proto(rnd)
        c = self.some_conn(rnd, v4, "tun", proto) if rnd.random() < 0.8 else None
        rs = rnd.choice(self.rss)
        if c:
            cl, vip = addr(c["caddr"]), addr(c["vaddr"])
            cport, vport = c["cport"], c["vport"]
            for r in self.rss:
                if c["daddr"] in (r["rip4"], r["rip6"]):
                    rs = r
        else:
            cl, vip = self.client(v4), self.some_vip(rnd, v4, "tun")
            cport, vport = self.some_port(rnd), 80
        tun = rs["tun"] if rnd.random() < 0.85 else rnd.choice(
            ["ipip", "gue", "gre"])
        client_pkt = ipx(cl, vip, proto,
                         self.l4seg(rnd, proto, cl, vip, cport, vport),
                         ttl=63)
        oproto, hdr = self.encap_hdr(rnd, tun, v4, rs)
        dsrc = addr(self.s["lan4"] if v4 else self.s["lan6"])
        rip = addr(rs["rip4"] if v4 else rs["rip6"])
        outer = ipx(dsrc, rip, oproto, hdr + client_pkt,
                    frag=rnd.choice([0x4000, 0x4000, 0, 0x2000, 0x0010]))
        router = addr(self.s["router4"] if v4 else self.s["router6"])
        src = rnd.choice([router, rip, rnd.randbytes(len(rip))])
        dst = rnd.choice([dsrc, dsrc, dsrc, vip,
                          addr(self.s["director4"] if v4 else self.s["director6"])])
        kind = None
        if rnd.random() < 0.5:
            kind = (3, 4) if v4 else (2, 0)
        pkt = icmp_err(src, dst, self.quote(rnd, outer), rnd, kind)
        link = "in" if dst != dsrc else "out"
        return link, self.spoil(rnd, pkt, 20 if v4 else 40) \
            if rnd.random() < 0.2 else pkt

    def fragments(self, rnd, pkt, v4):
        """pkt (a whole IP packet) cut into overlapping, out of order,
        missing or duplicated fragments."""
        hl = 20 if v4 else 40
        body = pkt[hl:]
        proto = pkt[9] if v4 else pkt[6]
        ident = rnd.getrandbits(16 if v4 else 32)
        pieces = []
        off = 0
        while off < len(body) or not pieces:
            n = rnd.choice([8, 16, 24, 64, rnd.randrange(1, 170) * 8])
            start = off
            if pieces and rnd.random() < 0.3:
                start = max(0, off - rnd.randrange(1, 4) * 8)   # overlap
            pieces.append((start, body[start:start + n]))
            off = start + n
            if len(pieces) > 6:
                break
        if rnd.random() < 0.3:
            rnd.shuffle(pieces)
        if rnd.random() < 0.2:
            pieces.append(rnd.choice(pieces))
        if rnd.random() < 0.2 and len(pieces) > 1:
            pieces.pop(rnd.randrange(len(pieces)))
        out = []
        last = max(p[0] + len(p[1]) for p in pieces)
        for start, data in pieces:
            more = start + len(data) < last or rnd.random() < 0.1
            if v4:
                fo = (start // 8) | (0x2000 if more else 0)
                if rnd.random() < 0.05:
                    fo = rnd.randrange(65536)
                out.append(ip4(pkt[12:16], pkt[16:20], proto, data,
                               ident=ident & 0xFFFF, frag=fo))
            else:
                fo = (start // 8) << 3 | (1 if more else 0)
                if rnd.random() < 0.05:
                    fo = rnd.randrange(65536)
                fh = struct.pack("!BBHI", proto, 0, fo, ident)
                out.append(ip6(pkt[8:24], pkt[24:40], 44, fh + data))
        return out

    def k_frag(self, rnd):
        v4 = rnd.random() < 0.5
        proto = self.proto(rnd)
        if rnd.random() < 0.7:
            link = "in"
            c = self.some_conn(rnd, v4, proto=proto) if rnd.random() < 0.4 else None
            if c:
                src, dst = addr(c["caddr"]), addr(c["vaddr"])
                sport, dport = c["cport"], c["vport"]
            else:
                src, dst = self.client(v4, rnd.random() < 0.3), self.some_vip(rnd, v4)
                sport, dport = self.some_port(rnd), 80
        else:
            link = "out"
            rs = rnd.choice(self.rss)
            c = self.some_conn(rnd, v4, "nat", proto) if rnd.random() < 0.6 else None
            if c:
                src, dst = addr(c["daddr"]), addr(c["caddr"])
                sport, dport = c["dport"], c["cport"]
            else:
                src = addr(rs["rip4"] if v4 else rs["rip6"])
                dst, sport, dport = self.client(v4, rnd.random() < 0.8), 80, self.some_port(rnd)
        seg = self.l4seg(rnd, proto, src, dst, sport, dport)
        seg += rnd.randbytes(rnd.randrange(600))
        return [(link, f) for f in self.fragments(rnd, ipx(src, dst, proto, seg), v4)]

    def k_encap(self, rnd):
        v4 = rnd.random() < 0.5
        dst = rnd.choice([self.some_vip(rnd, v4),
                          addr(self.s["director4"] if v4 else self.s["director6"])])
        src = self.client(v4)
        inner_v4 = rnd.random() < 0.5
        inner = self.k_l4(rnd)[1] if rnd.random() < 0.7 else rnd.randbytes(
            rnd.randrange(60))
        if rnd.random() < 0.5:
            inner = inner[:rnd.randrange(len(inner) + 1)]
        t = rnd.choice(["ipip", "gre", "gue"])
        if t == "ipip":
            proto = socket.IPPROTO_IPIP if inner_v4 else socket.IPPROTO_IPV6
            hdr = b""
        elif t == "gre":
            proto = 47
            hdr = struct.pack("!HH", rnd.choice([0, 0x8000, 0x2000, 0xB000,
                                                 rnd.randrange(65536)]),
                              rnd.choice([ETH_P_IP, ETH_P_IPV6, 0x6558,
                                          rnd.randrange(65536)]))
            hdr += rnd.randbytes(rnd.choice([0, 4, 8, 12]))
        else:
            proto = socket.IPPROTO_UDP
            gue = struct.pack("!BBH", rnd.randrange(256),
                              rnd.choice([4, 41, rnd.randrange(256)]), 0)
            hdr = struct.pack("!HHHH", rnd.randrange(65536),
                              rnd.choice([6080, 6081, 6082, 6083,
                                          rnd.randrange(65536)]),
                              8 + len(gue) + len(inner), 0) + gue
        pkt = ipx(src, dst, proto, hdr + inner)
        return "in", self.spoil(rnd, pkt, 20 if v4 else 40) \
            if rnd.random() < 0.3 else pkt

    def ip4_options(self, rnd):
        kind = rnd.randrange(6)
        if kind == 0:
            return rnd.randbytes(rnd.randrange(1, 41))
        if kind == 1:    # record route, its pointer and length anything
            n = rnd.choice([3, 7, 11, 39, rnd.randrange(256)])
            return bytes([7, n & 0xFF, rnd.choice([4, 8, 40, rnd.randrange(256)])]) + \
                rnd.randbytes(min(37, max(0, n - 3)))
        if kind == 2:    # timestamp
            n = rnd.choice([4, 8, 12, 36, 40, rnd.randrange(256)])
            return bytes([68, n & 0xFF, rnd.choice([5, 9, 13, rnd.randrange(256)]),
                          rnd.randrange(256)]) + rnd.randbytes(min(36, max(0, n - 4)))
        if kind == 3:    # router alert, NOPs, end
            return bytes([148, 4, 0, 0, 1, 1, 1, 0])
        if kind == 4:    # source routes (dropped by default)
            return bytes([rnd.choice([131, 137]), 11, 4]) + rnd.randbytes(8)
        return bytes([1] * rnd.randrange(1, 40))

    def k_exthdr(self, rnd):
        if rnd.random() < 0.3:
            return self.k_l4_opts(rnd)
        proto = self.proto(rnd)
        src, dst = self.client(False), self.some_vip(rnd, False)
        c = self.some_conn(rnd, False, proto=proto) if rnd.random() < 0.3 else None
        sport, dport = (c["cport"], c["vport"]) if c else (self.some_port(rnd), 80)
        if c:
            dst = addr(c["vaddr"])
        seg = self.l4seg(rnd, proto, src, dst, sport, dport)
        chain = [rnd.choice([0, 60, 43, 51, 44, 59, 60, 0, rnd.randrange(256)])
                 for _ in range(rnd.randrange(1, 5))]
        nh = proto
        data = seg
        for h in reversed(chain):
            if h == 44:
                fo = rnd.choice([0, 0, 8, 1, rnd.randrange(65536)])
                data = struct.pack("!BBHI", nh, 0, fo, rnd.getrandbits(32)) + data
            elif h == 51:       # AH: length in 4-byte words minus 2
                n = rnd.choice([1, 2, 4, rnd.randrange(256)])
                data = struct.pack("!BBH", nh, n & 0xFF, 0) + \
                    rnd.randbytes(min(4 * (n + 2), 80) - 4) + data
            elif h in (0, 60, 43):
                n = rnd.choice([0, 0, 1, rnd.randrange(256)])
                opts = rnd.randbytes(min(8 * (n + 1), 96) - 2)
                if rnd.random() < 0.5:
                    opts = b"\1" + bytes([len(opts) - 2]) + b"\0" * (len(opts) - 2)
                data = struct.pack("!BB", nh, n & 0xFF) + opts + data
            elif h == 59:
                data = rnd.randbytes(rnd.randrange(16)) + data
            else:
                data = bytes([nh, rnd.randrange(256)]) + rnd.randbytes(6) + data
            nh = h
        pkt = ip6(src, dst, nh, data)
        return "in", self.spoil(rnd, pkt, 40) if rnd.random() < 0.3 else pkt

    def k_l4_opts(self, rnd):
        proto = self.proto(rnd)
        src, dst = self.client(True), self.some_vip(rnd, True)
        seg = self.l4seg(rnd, proto, src, dst, self.some_port(rnd), 80)
        pkt = ip4(src, dst, proto, seg, opts=self.ip4_options(rnd))
        if rnd.random() < 0.3:
            b = bytearray(pkt)
            b[0] = 0x40 | rnd.randrange(16)
            pkt = bytes(b)
            if rnd.random() < 0.5:
                pkt = fix4(pkt)
        return "in", pkt

    KINDS = [("l4", 20), ("reply", 12), ("icmp", 15), ("icmpout", 10),
             ("tunnel", 15), ("frag", 8), ("encap", 8), ("exthdr", 12)]

    def frames(self, seed):
        """The frames of one seed: (kind, [(link, IP packet)])."""
        rnd = random.Random(seed)
        total = sum(w for _, w in self.KINDS)
        r = rnd.randrange(total)
        for kind, w in self.KINDS:
            if r < w:
                break
            r -= w
        got = getattr(self, "k_" + kind)(rnd)
        return kind, got if isinstance(got, list) else [got]


class Links:
    """AF_PACKET sockets on the client's link to the director ("in") and
    on the lan's port to the director ("out"), each made in its namespace."""

    def __init__(self, setup):
        libc = ctypes.CDLL(None, use_errno=True)
        self.socks = {}
        self.hdr = {}
        for link, ns, dev, dmac, smac in (
                ("in", "client", "eth0", setup["dmac_in"], setup["smac_in"]),
                ("out", "lan", "director", setup["dmac_out"], setup["smac_out"])):
            fd = os.open("/run/netns/" + ns, os.O_RDONLY)
            if libc.setns(fd, 0x40000000) != 0:
                sys.exit("setns %s: %s" % (ns, os.strerror(ctypes.get_errno())))
            os.close(fd)
            s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
            s.bind((dev, 0))
            self.socks[link] = s
            self.hdr[link] = bytes.fromhex(dmac.replace(":", "")) + \
                bytes.fromhex(smac.replace(":", ""))

    def send(self, link, pkt):
        et = ETH_P_IPV6 if pkt and pkt[0] >> 4 == 6 else ETH_P_IP
        try:
            self.socks[link].send(self.hdr[link] + struct.pack("!H", et) + pkt)
            return True
        except OSError:
            return False


def load_setup(path):
    with open(path) as f:
        return json.load(f)


def fuzz(setup_path, count, seed):
    setup = load_setup(setup_path)
    fz = Fuzz(setup)
    links = Links(setup)
    master = random.Random(seed)
    sent = {}
    frames = 0
    start = time.monotonic()
    for i in range(count):
        s = master.getrandbits(48)
        kind, pkts = fz.frames(s)
        for link, pkt in pkts:
            if links.send(link, pkt):
                frames += 1
        sent[kind] = sent.get(kind, 0) + 1
        if i % 1000 == 999:
            print("  %d packets, %.0f s" % (i + 1, time.monotonic() - start),
                  flush=True)
    print("sent %d packets (%d frames) in %.1f s, seed %d: %s" %
          (count, frames, time.monotonic() - start, seed,
           " ".join("%s %d" % kv for kv in sorted(sent.items()))))


def one(setup_path, seed, index):
    """Packet INDEX of the run with SEED, alone (to reproduce a finding);
    prints its frames in hex."""
    setup = load_setup(setup_path)
    master = random.Random(seed)
    for _ in range(index):
        master.getrandbits(48)
    kind, pkts = Fuzz(setup).frames(master.getrandbits(48))
    links = Links(setup)
    for link, pkt in pkts:
        print(kind, link, pkt.hex())
        links.send(link, pkt)


# -- the real servers and the client ------------------------------------------


def serve(name, port, sctp_addrs):
    answer = (name + "\n").encode()
    socks = {}

    def listen(fam, typ, proto=0, where=None):
        s = socket.socket(fam, typ, proto)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if fam == socket.AF_INET6:
            s.setsockopt(SOL_IPV6, socket.IPV6_V6ONLY, 1)
        if typ == socket.SOCK_DGRAM:
            if fam == socket.AF_INET:
                s.setsockopt(socket.SOL_IP, IP_PKTINFO, 1)
            else:
                s.setsockopt(SOL_IPV6, IPV6_RECVPKTINFO, 1)
        if where is None:
            where = "::" if fam == socket.AF_INET6 else "0.0.0.0"
        s.bind((where, port))
        if typ == socket.SOCK_STREAM:
            s.listen(64)
        s.setblocking(False)
        socks[s.fileno()] = (s, typ, fam)

    for fam in (socket.AF_INET, socket.AF_INET6):
        listen(fam, socket.SOCK_STREAM)
        listen(fam, socket.SOCK_DGRAM)
    # SCTP on each address of its own: bound to all, a real server would
    # offer the client its other addresses (the VIPs of other services)
    for a in sctp_addrs:
        try:
            listen(family(a), socket.SOCK_STREAM, IPPROTO_SCTP, a)
        except OSError:
            pass
    poller = select.poll()
    for fd in socks:
        poller.register(fd, select.POLLIN)
    conns = {}
    while True:
        for fd, _ in poller.poll():
            if fd in conns:
                # a connection answered: closed when its client closes
                c = conns[fd]
                try:
                    data = c.recv(4096)
                except OSError:
                    data = b""
                if not data:
                    poller.unregister(fd)
                    del conns[fd]
                    c.close()
                continue
            s, typ, fam = socks[fd]
            try:
                if typ == socket.SOCK_STREAM:
                    c, _ = s.accept()
                    c.settimeout(1)
                    c.sendall(answer)
                    c.setblocking(False)
                    conns[c.fileno()] = c
                    poller.register(c.fileno(), select.POLLIN)
                    continue
                _, anc, _, peer = s.recvmsg(2048, 256)
                s.sendmsg([answer], reply_from(anc), 0, peer)
            except OSError:
                pass


def reply_from(anc):
    """The ancillary data that makes an answer leave from the address the
    datagram came to, by whatever route (no interface named)."""
    for level, ctype, data in anc:
        if level == socket.SOL_IP and ctype == IP_PKTINFO:
            _, _, dst = struct.unpack("=I4s4s", data[:12])
            return [(level, ctype, struct.pack("=I4s4s", 0, dst, dst))]
        if level == SOL_IPV6 and ctype == IPV6_PKTINFO:
            return [(level, ctype, data[:16] + struct.pack("=I", 0))]
    return []


def family(a):
    return socket.AF_INET6 if ":" in a else socket.AF_INET


def request(proto, src, vip, port, sport):
    fam = family(vip)
    if proto == "udp":
        s = socket.socket(fam, socket.SOCK_DGRAM)
    elif proto == "sctp":
        s = socket.socket(fam, socket.SOCK_STREAM, IPPROTO_SCTP)
    else:
        s = socket.socket(fam, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    # SCTP's first INIT retransmission comes after 3 s
    s.settimeout(10)
    who = b""
    try:
        s.bind((src, sport))
        s.connect((vip, port))
        if proto == "udp":
            s.send(b"ping\n")
            who = s.recv(64)
        else:
            who = s.makefile("rb").readline()
    except OSError:
        pass
    return s, who.decode(errors="replace").strip() or "-"


def services(args):
    for i in range(0, len(args) - 5, 6):
        name, proto, src, vip, port, sport = args[i:i + 6]
        yield name, proto, src, vip, int(port), int(sport)


def ask(count, args):
    for name, proto, src, vip, port, sport in services(args):
        got = []
        for i in range(count):
            s, who = request(proto, src, vip, port, sport + i)
            s.close()
            got.append(who)
        print(name + ": " + " ".join(sorted(got)), flush=True)


def hold(count, seconds, args):
    held = []
    for name, proto, src, vip, port, sport in services(args):
        held += [request(proto, src, vip, port, sport + i)
                 for i in range(count)]
    print("held %d" % sum(1 for _, w in held if w != "-"), flush=True)
    time.sleep(seconds)
    for s, _ in held:
        s.close()


def main(argv):
    verb, a = argv[1], argv[2:]
    if verb == "serve":
        serve(a[0], int(a[1]), a[2:])
    elif verb == "ask":
        ask(int(a[0]), a[1:])
    elif verb == "hold":
        hold(int(a[0]), float(a[1]), a[2:])
    elif verb == "fuzz":
        fuzz(a[0], int(a[1]), int(a[2]))
    elif verb == "one":
        one(a[0], int(a[1]), int(a[2]))
    else:
        sys.exit("unknown verb " + verb)


if __name__ == "__main__":
    main(sys.argv)
