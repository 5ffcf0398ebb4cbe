#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Raw generic netlink for the IPVS family, for tests/e2e/netlink_input.sh.

No pyroute2: the messages are built byte by byte with struct, so that they
can be malformed on purpose. The family is found with CTRL_CMD_GETFAMILY.

  _genl.py dump                  the configuration, as lines of text
  _genl.py targeted IMPL SERVED  the table of bad messages below
  _genl.py random COUNT SEED     COUNT seeded random messages
  _genl.py try REQUEST...        requests, prints their answers
  _genl.py dump-intr COUNT       a dump interrupted by a change

IMPL is ipvs or lvs: which expectation of a case applies. SERVED is the file
the results both implementations must agree on go to. A message that
changed the configuration and may (a valid one sent by chance, or a case
the in-tree IPVS accepts and lvs rejects) is undone: the configuration
read at the start is put back through netlink.

Every request asks for an ack (NLM_F_ACK); a request gets an error ack, an
ack 0, a reply then an ack, or a dump ending in NLMSG_DONE, whose payload is
the dump's error (0 for none). Errors are reported as errno names, "ok" for
success.
"""
import errno
import random
import socket
import struct
import sys

NETLINK_GENERIC = 16
NLMSG_ERROR, NLMSG_DONE = 2, 3
NLM_F_REQUEST, NLM_F_MULTI, NLM_F_ACK, NLM_F_ECHO = 1, 2, 4, 8
NLM_F_DUMP = 0x300
GENL_ID_CTRL, CTRL_CMD_GETFAMILY = 0x10, 3
CTRL_ATTR_FAMILY_ID, CTRL_ATTR_FAMILY_NAME = 1, 2
NLA_F_NESTED, NLA_F_NET_BYTEORDER = 0x8000, 0x4000

# uapi/linux/lvs.h
(NEW_SERVICE, SET_SERVICE, DEL_SERVICE, GET_SERVICE, NEW_DEST, SET_DEST,
 DEL_DEST, GET_DEST, NEW_DAEMON, DEL_DAEMON, GET_DAEMON, SET_CONFIG,
 GET_CONFIG, SET_INFO, GET_INFO, ZERO, FLUSH) = range(1, 18)
READ_ONLY = {GET_SERVICE, GET_DEST, GET_DAEMON, GET_CONFIG, GET_INFO}
(CMD_SERVICE, CMD_DEST, CMD_DAEMON, CMD_TIMEOUT_TCP, CMD_TIMEOUT_TCP_FIN,
 CMD_TIMEOUT_UDP) = range(1, 7)
(SVC_AF, SVC_PROTOCOL, SVC_ADDR, SVC_PORT, SVC_FWMARK, SVC_SCHED_NAME,
 SVC_FLAGS, SVC_TIMEOUT, SVC_NETMASK, SVC_STATS, SVC_PE_NAME,
 SVC_STATS64) = range(1, 13)
(DEST_ADDR, DEST_PORT, DEST_FWD_METHOD, DEST_WEIGHT, DEST_U_THRESH,
 DEST_L_THRESH, DEST_ACTIVE_CONNS, DEST_INACT_CONNS, DEST_PERSIST_CONNS,
 DEST_STATS, DEST_ADDR_FAMILY, DEST_STATS64, DEST_TUN_TYPE, DEST_TUN_PORT,
 DEST_TUN_FLAGS) = range(1, 16)
(DAEMON_STATE, DAEMON_MCAST_IFN, DAEMON_SYNC_ID) = range(1, 4)
# what a dump shows that is configuration, not counters
SVC_CONFIG = (SVC_AF, SVC_PROTOCOL, SVC_ADDR, SVC_PORT, SVC_FWMARK,
              SVC_SCHED_NAME, SVC_FLAGS, SVC_TIMEOUT, SVC_NETMASK, SVC_PE_NAME)
DEST_CONFIG = (DEST_ADDR, DEST_PORT, DEST_FWD_METHOD, DEST_WEIGHT,
               DEST_U_THRESH, DEST_L_THRESH, DEST_ADDR_FAMILY, DEST_TUN_TYPE,
               DEST_TUN_PORT, DEST_TUN_FLAGS)

AF_INET, AF_INET6 = socket.AF_INET, socket.AF_INET6
TCP, UDP = 6, 17
MASQ, TUNNEL, DROUTE = 0, 2, 3


def errname(err):
    """0 -> "ok", -22 -> "EINVAL"."""
    if err == 0:
        return "ok"
    if -err == errno.EOPNOTSUPP:
        return "EOPNOTSUPP"     # (Python's name for 95 is ENOTSUP)
    return errno.errorcode.get(-err, str(err))


# -- attributes ----------------------------------------------------------------

def pad(b):
    return b + b"\0" * (-len(b) % 4)


def nla(atype, payload, length=None):
    """An attribute; length overrides its nla_len (a lie, on purpose)."""
    if length is None:
        length = 4 + len(payload)
    return pad(struct.pack("=HH", length, atype) + payload)


def u8(t, v):
    return nla(t, struct.pack("=B", v))


def u16(t, v):
    return nla(t, struct.pack("=H", v))


def be16(t, v):
    return nla(t, struct.pack(">H", v))


def u32(t, v):
    return nla(t, struct.pack("=I", v))


def be32(t, v):
    return nla(t, struct.pack(">I", v))


def string(t, s):
    return nla(t, s.encode() + b"\0")


def nest(t, *attrs):
    # no NLA_F_NESTED: libnl-based ipvsadm and keepalived send nests so
    return nla(t, b"".join(attrs))


def addr(t, a):
    """A 16-byte address attribute, IPv4 in its first 4 bytes."""
    if ":" in a:
        raw = socket.inet_pton(AF_INET6, a)
    else:
        raw = socket.inet_pton(AF_INET, a) + b"\0" * 12
    return nla(t, raw)


def parse(buf):
    """Attributes of buf: {type: payload}, the last of a type winning."""
    attrs, off = {}, 0
    while off + 4 <= len(buf):
        length, atype = struct.unpack_from("=HH", buf, off)
        if length < 4:
            break
        attrs[atype & 0x3fff] = buf[off + 4:off + length]
        off += (length + 3) & ~3
    return attrs


# -- the socket ----------------------------------------------------------------

class NoAnswer(Exception):
    pass


class Genl:
    def __init__(self):
        self.sk = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW,
                                NETLINK_GENERIC)
        self.sk.bind((0, 0))
        self.sk.settimeout(10)
        self.seq = random.Random().randrange(1, 1 << 30)
        self.family = None
        err, msgs = self.transact(self.message(
            GENL_ID_CTRL, NLM_F_REQUEST | NLM_F_ACK, CTRL_CMD_GETFAMILY, 1,
            string(CTRL_ATTR_FAMILY_NAME, "IPVS")))
        if err:
            raise SystemExit("no generic netlink family IPVS: "
                             + errname(err))
        for _, payload in msgs:
            fid = parse(payload[4:]).get(CTRL_ATTR_FAMILY_ID)
            if fid:
                self.family = struct.unpack("=H", fid[:2])[0]
        if self.family is None:
            raise SystemExit("CTRL_CMD_GETFAMILY: no family id in the reply")

    def message(self, mtype, flags, cmd, version, attrs, reserved=0,
                genl_bytes=4):
        """nlmsghdr + genlmsghdr (cut to genl_bytes) + attrs."""
        self.seq += 1
        genl = struct.pack("=BBH", cmd, version, reserved)[:genl_bytes]
        body = genl + attrs
        return struct.pack("=IHHII", 16 + len(body), mtype, flags, self.seq,
                           0) + body

    def request(self, cmd, attrs=b"", flags=NLM_F_REQUEST | NLM_F_ACK,
                **kw):
        return self.message(self.family, flags, cmd, 1, attrs, **kw)

    def transact(self, msg):
        """Send msg; return (error, [(cmd, payload after genl header)])."""
        seq = struct.unpack_from("=I", msg, 8)[0]
        self.sk.send(msg)
        msgs = []
        while True:
            try:
                buf = self.sk.recv(1 << 20)
            except socket.timeout:
                raise NoAnswer("no answer to seq %d" % seq) from None
            off = 0
            while off + 16 <= len(buf):
                length, mtype, _, mseq, _ = struct.unpack_from("=IHHII", buf,
                                                               off)
                payload = buf[off + 16:off + length]
                off += (length + 3) & ~3
                if mseq != seq:
                    continue    # a late answer to an earlier request
                if mtype == NLMSG_ERROR:
                    return struct.unpack_from("=i", payload)[0], msgs
                if mtype == NLMSG_DONE:
                    err = 0
                    if len(payload) >= 4:
                        err = struct.unpack_from("=i", payload)[0]
                    return err, msgs
                msgs.append((payload[0], payload))

    def call(self, cmd, attrs=b"", **kw):
        return self.transact(self.request(cmd, attrs, **kw))

    def dump(self, cmd, attrs=b""):
        return self.call(cmd, attrs,
                         flags=NLM_F_REQUEST | NLM_F_ACK | NLM_F_DUMP)

    # -- the configuration ---------------------------------------------------

    def ok(self, cmd, attrs=b""):
        err, _ = self.call(cmd, attrs)
        if err:
            raise SystemExit("command %d: %s" % (cmd, errname(err)))

    def config(self):
        """Services with their real servers, and the timeouts: every field
        that is configuration, none that counts traffic. Services sorted,
        each one's real servers in the order the kernel keeps them."""
        services = []
        err, msgs = self.dump(GET_SERVICE)
        if err:
            raise SystemExit("GET_SERVICE dump: " + errname(err))
        for _, payload in msgs:
            svc = parse(parse(payload[4:]).get(CMD_SERVICE, b""))
            ident = [SVC_AF] + ([SVC_FWMARK] if SVC_FWMARK in svc else
                                [SVC_PROTOCOL, SVC_ADDR, SVC_PORT])
            err, dests = self.dump(GET_DEST, nest(
                CMD_SERVICE, *(nla(t, svc[t]) for t in ident)))
            if err:
                raise SystemExit("GET_DEST dump: " + errname(err))
            services.append((
                tuple((t, svc[t]) for t in SVC_CONFIG if t in svc),
                tuple(tuple((t, d[t]) for t in DEST_CONFIG if t in d)
                      for d in (parse(parse(p[4:]).get(CMD_DEST, b""))
                                for _, p in dests))))
        err, msgs = self.call(GET_CONFIG)
        if err or not msgs:
            raise SystemExit("GET_CONFIG: " + errname(err))
        t = parse(msgs[0][1][4:])
        timeouts = tuple(t.get(a) for a in (CMD_TIMEOUT_TCP,
                                            CMD_TIMEOUT_TCP_FIN,
                                            CMD_TIMEOUT_UDP))
        return tuple(sorted(services)), timeouts

    def restore(self, config):
        """Put back what config() returned: flush, add each service and
        its real servers (oldest first, so that they list in the same
        order), set the timeouts."""
        services, timeouts = config
        self.ok(FLUSH)
        for sattrs, dests in services:
            s = []
            for t, v in sattrs:
                if t == SVC_FLAGS:
                    # HASHED is the kernel's; mask: every flag as it was
                    f = struct.unpack("=I", v[:4])[0] & ~0x2
                    v = struct.pack("=II", f, 0xffffffff)
                s.append(nla(t, v))
            self.ok(NEW_SERVICE, nest(CMD_SERVICE, *s))
            ident = nest(CMD_SERVICE, *(nla(t, v) for t, v in sattrs
                                        if t in (SVC_AF, SVC_PROTOCOL,
                                                 SVC_ADDR, SVC_PORT,
                                                 SVC_FWMARK)))
            for d in reversed(dests):
                self.ok(NEW_DEST, ident + nest(
                    CMD_DEST, *(nla(t, v) for t, v in d)))
        self.ok(SET_CONFIG, b"".join(nla(a, v) for a, v in zip(
            (CMD_TIMEOUT_TCP, CMD_TIMEOUT_TCP_FIN, CMD_TIMEOUT_UDP),
            timeouts) if v is not None))


def text(config):
    """config() as lines of text, for the log."""
    services, timeouts = config
    out = []
    for sattrs, dests in services:
        key = "svc " + " ".join("%d=%s" % (t, v.hex()) for t, v in sattrs)
        out.append(key)
        out += ["  dest " + " ".join("%d=%s" % (t, v.hex()) for t, v in d)
                for d in dests]
    out.append("timeouts " + " ".join(
        str(struct.unpack("=I", v)[0]) if v else "-" for v in timeouts))
    return out


# -- the configuration the scenario builds (tests/e2e/netlink_input.sh) -------
#
#   -A -t 10.0.0.1:80 -s rr
#      -a -r 10.0.1.1:80 -m -w 1
#      -a -r 10.0.1.2:80 -m -w 3 -x 100 -y 10
#   -A -u [fd00::1]:53 -s wrr -p 60
#      -a -r [fd00::11]:53 -g -w 2
#   -A -f 7 -s rr
#      -a -r 10.0.1.3:0 -i -w 1
#   --set 901 121 301

def s1(*extra):
    """The TCP service 10.0.0.1:80, identified; extra attributes added."""
    return [u16(SVC_AF, AF_INET), u16(SVC_PROTOCOL, TCP),
            addr(SVC_ADDR, "10.0.0.1"), be16(SVC_PORT, 80)] + list(extra)


def full(sched="rr", flags=(0, 0), timeout=0, netmask=0xffffffff):
    return [string(SVC_SCHED_NAME, sched),
            nla(SVC_FLAGS, struct.pack("=II", *flags)),
            u32(SVC_TIMEOUT, timeout), be32(SVC_NETMASK, netmask)]


def svc(attrs):
    return nest(CMD_SERVICE, *attrs)


def dest(a="10.0.1.9", port=80, fwd=MASQ, weight=1, u=0, l=0, extra=()):
    """A real server, fully specified; None leaves a field out."""
    out = [addr(DEST_ADDR, a), be16(DEST_PORT, port)]
    for t, v in ((DEST_FWD_METHOD, fwd), (DEST_WEIGHT, weight),
                 (DEST_U_THRESH, u), (DEST_L_THRESH, l)):
        if v is not None:
            out.append(u32(t, v))
    return nest(CMD_DEST, *(out + list(extra)))


def new_svc4(*over, sched="rr", flags=(0, 0), netmask=0xffffffff):
    """A service that does not exist: TCP 10.0.0.99:80."""
    return svc([u16(SVC_AF, AF_INET), u16(SVC_PROTOCOL, TCP),
                addr(SVC_ADDR, "10.0.0.99"), be16(SVC_PORT, 80)]
               + full(sched, flags, 0, netmask) + list(over))


def new_svc6(netmask):
    return svc([u16(SVC_AF, AF_INET6), u16(SVC_PROTOCOL, TCP),
                addr(SVC_ADDR, "fd00::99"), be16(SVC_PORT, 80)]
               + full("rr", (0, 0), 0, netmask))


# -- the table of bad messages -------------------------------------------------
#
# (name, command, attributes or a whole message, what ip_vs answers, what lvs
# answers, why they differ). An answer is an errno name or a set of them;
# "dump" means a dump that ends without error (its entries are not checked).
# Where the answers differ, lvs is stricter than ip_vs on purpose, as
# docs/compat.md says, or implements less; ip_vs's lenient answers are
# what the in-tree code does (net/netfilter/ipvs/ip_vs_ctl.c): nested
# parse errors become EINVAL, top-level ones (genetlink's own parse)
# keep their ERANGE, attributes too long and unknown types are accepted.

STRICT = "docs/compat.md: Validation"


def cases(g):
    t = []

    def case(name, cmd, body, ipvs, lvs=None, why=""):
        t.append((name, cmd, body, ipvs, ipvs if lvs is None else lvs, why))

    # framing: the generic netlink header and the command
    case("genl-header-short", GET_INFO,
         ("msg", g.request(GET_INFO, genl_bytes=2)), "EINVAL")
    for c in (0, SET_INFO, 18, 20, 255):
        case("unknown-cmd-%d" % c, c, b"", "EOPNOTSUPP")
    case("reserved-byte-cmd-18", 18, ("msg", g.request(18, reserved=1)),
         "EINVAL")
    case("get-dest-doit", GET_DEST, svc(s1()), "EOPNOTSUPP")

    # missing nests and fields
    case("new-svc-no-nest", NEW_SERVICE, b"", "EINVAL")
    case("new-svc-empty-nest", NEW_SERVICE, svc([]), "EINVAL")
    case("new-svc-no-af", NEW_SERVICE, svc(s1()[1:] + full()), "EINVAL")
    case("new-svc-no-port", NEW_SERVICE,
         svc(s1()[:3] + full()), "EINVAL")
    case("new-svc-no-sched", NEW_SERVICE, svc(
        [u16(SVC_AF, AF_INET), u16(SVC_PROTOCOL, TCP),
         addr(SVC_ADDR, "10.0.0.99"), be16(SVC_PORT, 80)] + full()[1:]),
         "EINVAL")
    case("new-svc-no-flags", NEW_SERVICE, svc(
        [u16(SVC_AF, AF_INET), u16(SVC_PROTOCOL, TCP),
         addr(SVC_ADDR, "10.0.0.99"), be16(SVC_PORT, 80)]
        + full()[:1] + full()[2:]), "EINVAL")
    case("set-svc-no-nest", SET_SERVICE, b"", "EINVAL")
    case("del-svc-no-nest", DEL_SERVICE, b"", "EINVAL")
    case("new-dest-no-dest-nest", NEW_DEST, svc(s1()), "EINVAL")
    case("new-dest-no-svc-nest", NEW_DEST, dest(), "EINVAL")
    case("new-dest-no-weight", NEW_DEST, svc(s1()) + dest(weight=None),
         "EINVAL")
    case("new-dest-no-addr", NEW_DEST, svc(s1()) + nest(
        CMD_DEST, be16(DEST_PORT, 80), u32(DEST_FWD_METHOD, 0),
        u32(DEST_WEIGHT, 1), u32(DEST_U_THRESH, 0), u32(DEST_L_THRESH, 0)),
        "EINVAL")
    case("get-svc-no-nest", GET_SERVICE, b"", "EINVAL")

    # address families
    for af in (0, 3, 0xffff):
        case("svc-af-%d" % af, NEW_SERVICE, svc(
            [u16(SVC_AF, af)] + s1()[1:] + full()), "EAFNOSUPPORT")
    # protocols: a 16-bit attribute, but only TCP, UDP and SCTP are served
    for proto in (99, TCP + 256):
        case("svc-proto-%d" % proto, NEW_SERVICE, svc(
            [u16(SVC_AF, AF_INET), u16(SVC_PROTOCOL, proto)] + s1()[2:]
            + full()), "ok", "EPROTONOSUPPORT",
             "docs/compat.md: Validation (protocols)")
    case("dest-af-3", NEW_DEST, svc(s1()) + dest(
        extra=[u16(DEST_ADDR_FAMILY, 3)]), "EAFNOSUPPORT")
    # another family than the service's: tunnels only, checked before
    # the weight; 0 means the service's
    case("dest-af-mixed-nat", NEW_DEST, svc(s1()) + dest(
        a="fd00::9", extra=[u16(DEST_ADDR_FAMILY, AF_INET6)]), "EINVAL")
    case("dest-af-mixed-dr-weight-neg", NEW_DEST, svc(s1()) + dest(
        a="fd00::9", fwd=DROUTE, weight=0xffffffff,
        extra=[u16(DEST_ADDR_FAMILY, AF_INET6)]), "EINVAL")
    case("dest-af-mixed-tunnel", NEW_DEST, svc(s1()) + dest(
        a="fd00::9", fwd=TUNNEL, extra=[u16(DEST_ADDR_FAMILY, AF_INET6)]),
         "ok")
    case("del-dest-af-mixed-missing", DEL_DEST, svc(s1()) + dest(
        a="fd00::8", extra=[u16(DEST_ADDR_FAMILY, AF_INET6)]), "ENOENT")
    case("dest-af-0", NEW_DEST, svc(s1()) + dest(
        extra=[u16(DEST_ADDR_FAMILY, 0)]), "ok")
    case("dest-af-3-no-weight", NEW_DEST, svc(s1()) + dest(
        weight=None, extra=[u16(DEST_ADDR_FAMILY, 3)]), "EINVAL")

    # attribute lengths
    case("svc-af-short", NEW_SERVICE, svc(
        [nla(SVC_AF, b"\x02")] + s1()[1:] + full()), "EINVAL")
    case("svc-port-short", SET_SERVICE, svc(
        s1()[:3] + [nla(SVC_PORT, b"\x00")] + full()), "EINVAL")
    case("svc-addr-17", SET_SERVICE, svc(
        s1()[:2] + [nla(SVC_ADDR, b"\x0a" + b"\0" * 16)] + s1()[3:]
        + full()), "EINVAL")
    case("svc-af-long", NEW_SERVICE, svc(
        [u32(SVC_AF, AF_INET)] + s1()[1:] + full()), "EEXIST", "EINVAL",
         STRICT)
    case("svc-flags-short", NEW_SERVICE, svc(
        s1() + full()[:1] + [nla(SVC_FLAGS, b"\0" * 4)] + full()[2:]),
         "EEXIST", "EINVAL", STRICT)
    case("dest-port-long", NEW_DEST, svc(s1()) + nest(
        CMD_DEST, addr(DEST_ADDR, "10.0.1.1"), u32(DEST_PORT, 80 << 8),
        u32(DEST_FWD_METHOD, 0), u32(DEST_WEIGHT, 1), u32(DEST_U_THRESH, 0),
        u32(DEST_L_THRESH, 0)), "EEXIST", "EINVAL", STRICT)
    case("timeout-tcp-short", SET_CONFIG, nla(CMD_TIMEOUT_TCP, b"\x05\0"),
         "ERANGE", "EINVAL", STRICT)
    case("timeout-tcp-long", SET_CONFIG,
         nla(CMD_TIMEOUT_TCP, struct.pack("=Q", 5)), "ok", "EINVAL", STRICT)
    case("svc-nest-2-bytes", NEW_SERVICE, nla(CMD_SERVICE, b"\0\0"),
         "ERANGE")
    case("attr-len-beyond-msg", NEW_SERVICE,
         nla(CMD_SERVICE, b"".join(s1() + full()), length=400), "EINVAL")
    case("attr-len-3", NEW_SERVICE, nla(CMD_SERVICE, b"", length=3),
         "EINVAL")
    case("trailing-bytes", NEW_SERVICE, svc(s1() + full()) + b"\0\0",
         "EEXIST", "EINVAL", STRICT)
    case("unknown-top-attr", NEW_SERVICE, svc(s1() + full())
         + u32(9, 1), "EEXIST", "EINVAL", STRICT)

    # scheduler names
    case("sched-name-16", NEW_SERVICE, svc(
        s1() + [string(SVC_SCHED_NAME, "x" * 16)] + full()[1:]), "EINVAL")
    case("sched-name-40", SET_SERVICE, svc(
        s1() + [string(SVC_SCHED_NAME, "x" * 40)] + full()[1:]), "EINVAL")
    case("sched-name-no-nul", SET_SERVICE, svc(
        s1() + [nla(SVC_SCHED_NAME, b"wrr")] + full()[1:]), "EINVAL")
    case("sched-unknown", SET_SERVICE, svc(
        s1() + full(sched="nosuchsched")), "ENOENT")

    # persistence engine names: only sip exists
    case("pe-unknown", SET_SERVICE, svc(
        s1() + full() + [string(SVC_PE_NAME, "nosuchpe")]), "ENOENT")
    case("pe-name-16", SET_SERVICE, svc(
        s1() + full() + [string(SVC_PE_NAME, "x" * 16)]), "ENOENT")
    case("pe-name-17", NEW_SERVICE, svc(
        s1() + full() + [string(SVC_PE_NAME, "x" * 17)]), "EINVAL")
    case("pe-name-no-nul", SET_SERVICE, svc(
        s1() + full() + [nla(SVC_PE_NAME, b"sip")]), "EINVAL")

    # values out of range
    case("svc-v6-netmask-0", NEW_SERVICE, new_svc6(0), "EINVAL")
    case("svc-v6-netmask-129", NEW_SERVICE, new_svc6(129), "EINVAL")
    case("unknown-svc-flag", SET_SERVICE, svc(
        s1() + full(flags=(0x100, 0x100))), "ok", "EINVAL",
         "docs/compat.md: Validation (unknown service flags)")
    for cmd, name, a in ((NEW_DEST, "new", "10.0.1.9"),
                         (SET_DEST, "set", "10.0.1.1")):
        case("%s-dest-weight-neg" % name, cmd,
             svc(s1()) + dest(a=a, weight=0xffffffff), "ERANGE")
        case("%s-dest-weight-intmin" % name, cmd,
             svc(s1()) + dest(a=a, weight=0x80000000), "ERANGE")
        case("%s-dest-l-above-u" % name, cmd,
             svc(s1()) + dest(a=a, u=5, l=10), "ERANGE")
        case("%s-dest-u-above-intmax" % name, cmd,
             svc(s1()) + dest(a=a, u=0x80000000), "EINVAL")
    for a in ("224.0.0.1", "0.0.0.0", "255.255.255.255"):
        case("new-dest-" + a, NEW_DEST, svc(s1()) + dest(a=a), "EINVAL")
    # tunnels: a GUE port whatever the method; lvs refuses what IPVS
    # stores but cannot send (types and flags it does not know)
    case("new-dest-gue-port-0", NEW_DEST, svc(s1()) + dest(
        fwd=TUNNEL, extra=[u8(DEST_TUN_TYPE, 1)]), "EINVAL")
    case("new-dest-gue-port-0-nat", NEW_DEST, svc(s1()) + dest(
        extra=[u8(DEST_TUN_TYPE, 1)]), "EINVAL")
    case("set-dest-gue-port-0", SET_DEST, svc(s1()) + dest(
        a="10.0.1.1", fwd=TUNNEL, extra=[u8(DEST_TUN_TYPE, 1)]), "EINVAL")
    case("new-dest-gue", NEW_DEST, svc(s1()) + dest(
        fwd=TUNNEL, extra=[u8(DEST_TUN_TYPE, 1), be16(DEST_TUN_PORT, 6080),
                           u16(DEST_TUN_FLAGS, 2)]), "ok")
    case("new-dest-gre-csum", NEW_DEST, svc(s1()) + dest(
        fwd=TUNNEL, extra=[u8(DEST_TUN_TYPE, 2), u16(DEST_TUN_FLAGS, 1)]),
         "ok")
    case("new-dest-tun-type-3", NEW_DEST, svc(s1()) + dest(
        fwd=TUNNEL, extra=[u8(DEST_TUN_TYPE, 3)]), "ok", "EINVAL",
         STRICT + " (tunnel types and flags)")
    case("new-dest-tun-flags-4", NEW_DEST, svc(s1()) + dest(
        fwd=TUNNEL, extra=[u16(DEST_TUN_FLAGS, 4)]), "ok", "EINVAL",
         STRICT + " (tunnel types and flags)")

    # what exists, what does not (errors tools depend on)
    case("new-svc-exists", NEW_SERVICE, svc(s1() + full()), "EEXIST")
    case("set-svc-missing", SET_SERVICE, new_svc4(), "ESRCH")
    case("del-svc-missing", DEL_SERVICE, new_svc4(), "ESRCH")
    case("get-svc-missing", GET_SERVICE, new_svc4(), "ESRCH")
    case("zero-svc-missing", ZERO, new_svc4(), "ESRCH")
    case("new-dest-exists", NEW_DEST, svc(s1()) + dest(a="10.0.1.1"),
         "EEXIST")
    case("new-dest-svc-missing", NEW_DEST, new_svc4() + dest(), "ESRCH")
    case("set-dest-missing", SET_DEST, svc(s1()) + dest(), "ENOENT")
    case("del-dest-missing", DEL_DEST, svc(s1()) + dest(), "ENOENT")

    # dumps: ip_vs ignores a dump's attributes, and answers a GET_DEST
    # dump for no (or a missing) service with an empty dump; lvs checks
    # them as any request's
    case("dump-svc-unknown-attr", GET_SERVICE,
         ("dump", u32(9, 1)), "dump", "EINVAL", STRICT)
    case("dump-dest-no-svc", GET_DEST, ("dump", b""), "dump", "EINVAL",
         STRICT + " (dumps)")
    case("dump-dest-svc-missing", GET_DEST, ("dump", new_svc4()), "dump",
         "ESRCH", STRICT + " (dumps)")

    # the sync daemon: lvs has none yet (docs/compat.md), but checks the
    # requests as IPVS does; none runs, so none can be stopped
    case("new-daemon-no-nest", NEW_DAEMON, b"", "EINVAL")
    case("new-daemon-no-ifn", NEW_DAEMON, nest(
        CMD_DAEMON, u32(DAEMON_STATE, 1), u32(DAEMON_SYNC_ID, 1)), "EINVAL")
    case("del-daemon-no-state", DEL_DAEMON, nest(CMD_DAEMON), "EINVAL")
    case("del-daemon-group6-short", DEL_DAEMON, nest(
        CMD_DAEMON, u32(DAEMON_STATE, 1), nla(6, b"\xff\x02\0\0")),
         "EINVAL")
    case("del-daemon-ifn-long", DEL_DAEMON, nest(
        CMD_DAEMON, u32(DAEMON_STATE, 1), string(DAEMON_MCAST_IFN, "x" * 16)),
         "EINVAL")
    case("del-daemon-none", DEL_DAEMON, nest(
        CMD_DAEMON, u32(DAEMON_STATE, 1)), "ESRCH")
    case("dump-daemon", GET_DAEMON, ("dump", b""), "dump")
    return t


def send_case(g, cmd, body):
    """Sends a case's body: its attributes as a request, ("dump", attrs)
    as a dump, ("msg", bytes) as it is. Returns the answer: an errno name,
    "ok", or "dump"."""
    if isinstance(body, tuple) and body[0] == "dump":
        err, _ = g.dump(cmd, body[1])
        return "dump" if err == 0 else errname(err)
    if isinstance(body, tuple):
        err, _ = g.transact(body[1])
    else:
        err, _ = g.call(cmd, body)
    return errname(err)


def targeted(impl, served_path):
    g = Genl()
    base = g.config()
    failed = 0
    with open(served_path, "a") as served:
        for name, cmd, body, exp_ipvs, exp_lvs, why in cases(g):
            exp = exp_ipvs if impl == "ipvs" else exp_lvs
            exp = exp if isinstance(exp, set) else {exp}
            got = send_case(g, cmd, body)
            changed = g.config() != base
            note = ""
            if got in ("ok",) and changed:
                note = " (accepted: configuration restored)"
                g.restore(base)
                changed = g.config() != base
            ok = got in exp and not changed
            print("%s %-28s cmd %3d: %-12s expected %s%s%s" % (
                "ok  " if ok else "FAIL", name, cmd, got, "/".join(
                    sorted(exp)), note,
                " CONFIGURATION CHANGED" if changed else ""))
            failed += not ok
            if changed:
                g.restore(base)
            if exp_ipvs == exp_lvs:
                served.write("%s cmd %d: %s\n" % (name, cmd, got))
            else:
                # the same line from both: what each is expected to say
                lvs = "/".join(sorted(exp_lvs)) if isinstance(
                    exp_lvs, set) else exp_lvs
                served.write("%s cmd %d: ipvs %s, lvs %s (%s)\n" % (
                    name, cmd, exp_ipvs, lvs, why))
    print("targeted: %d cases, %d failed" % (len(cases(g)), failed))
    return failed == 0


# -- seeded random messages ------------------------------------------------------

WINDOW = 25

def random_message(g, r):
    """A message of family IPVS with a random command, header and nest of
    attributes, biased towards values the parser looks at."""
    ints = {
        SVC_AF: (2, 10, 0, 3), SVC_PROTOCOL: (6, 17, 132, 0, 99),
        SVC_PORT: (80, 53, 0), SVC_FWMARK: (7, 0, 1),
        SVC_TIMEOUT: (0, 60, 0xffffffff), SVC_NETMASK: (0xffffffff, 0, 64,
                                                        128, 129),
    }
    names = ("rr", "wrr", "wlc", "none", "", "x" * 15, "x" * 16, "sh")
    addrs = ("10.0.0.1", "fd00::1", "10.0.1.1", "10.0.1.2", "fd00::11",
             "224.0.0.1", "0.0.0.0", "10.0.0.99")
    sizes = {1: 2, 2: 2, 4: 2, 5: 4, 7: 8, 8: 4, 9: 4}     # svc attr sizes
    dsizes = {2: 2, 3: 4, 4: 4, 5: 4, 6: 4, 11: 2, 13: 1, 14: 2, 15: 2}

    def value(size):
        if r.random() < 0.8:
            n = size
        else:
            n = r.choice((0, 1, 2, 3, 5, 6, 8, 12, 16, 17, 20, 40))
        return bytes(r.randrange(256) for _ in range(n))

    def svc_attr():
        t = r.randrange(0, 15)
        if t == SVC_ADDR:
            return addr(t, r.choice(addrs)) if r.random() < 0.8 else \
                nla(t, value(16))
        if t in (SVC_SCHED_NAME, SVC_PE_NAME):
            if r.random() < 0.8:
                return string(t, r.choice(names))
            return nla(t, value(r.randrange(20)))
        if t in ints and r.random() < 0.7:
            v = r.choice(ints[t])
            size = sizes[t]
            fmt = {2: ">H" if t == SVC_PORT else "=H", 4: "=I"}[size]
            return nla(t, struct.pack(fmt, v))
        return nla(t, value(sizes.get(t, 4)))

    def dest_attr():
        t = r.randrange(0, 18)
        if t == DEST_ADDR:
            return addr(t, r.choice(addrs)) if r.random() < 0.8 else \
                nla(t, value(16))
        if t in (DEST_WEIGHT, DEST_U_THRESH, DEST_L_THRESH) and \
                r.random() < 0.5:
            return u32(t, r.choice((0, 1, 5, 10, 0x7fffffff, 0x80000000,
                                    0xffffffff)))
        if t == DEST_FWD_METHOD and r.random() < 0.5:
            return u32(t, r.randrange(8))
        return nla(t, value(dsizes.get(t, 4)))

    def daemon_attr():
        t = r.randrange(0, 11)
        if t == DAEMON_MCAST_IFN and r.random() < 0.5:
            # never an interface that exists: no sync daemon starts
            return string(t, r.choice(("nosuchdev0", "", "x" * 16)))
        return nla(t, value(r.choice((1, 2, 4, 16))))

    def top_attr():
        t = r.randrange(0, 9)
        if t == CMD_SERVICE:
            inner = [svc_attr() for _ in range(r.randrange(9))]
        elif t == CMD_DEST:
            inner = [dest_attr() for _ in range(r.randrange(8))]
        elif t == CMD_DAEMON:
            inner = [daemon_attr() for _ in range(r.randrange(5))]
        else:
            return nla(t, value(4))
        if r.random() < 0.5:
            # mostly a plausible start: a known service's identity
            if t == CMD_SERVICE:
                inner = s1() + inner if r.random() < 0.5 else inner
        body = b"".join(inner)
        if r.random() < 0.1 and body:
            body = body[:r.randrange(len(body))]      # truncated inside
        flag = NLA_F_NESTED if r.random() < 0.2 else 0
        if r.random() < 0.05:
            flag |= NLA_F_NET_BYTEORDER
        return nla(t | flag, body)

    attrs = b"".join(top_attr() for _ in range(r.randrange(4)))
    if r.random() < 0.1 and attrs:
        attrs = attrs[:r.randrange(len(attrs))]           # truncated
    if r.random() < 0.05:
        attrs += value(r.randrange(1, 4))                 # trailing junk
    if r.random() < 0.05:
        # an attribute whose length says more than there is
        attrs += struct.pack("=HH", r.randrange(4, 0xffff), r.randrange(9))
    flags = NLM_F_REQUEST | NLM_F_ACK
    if r.random() < 0.2:
        flags |= r.choice((NLM_F_DUMP, NLM_F_ECHO, 0x100, 0x200, 0x400,
                           0x800, 0x1000, 0x10, 0x20))
    cmd = r.randrange(0, 21)
    if cmd == FLUSH and r.random() < 0.8:
        # FLUSH needs nothing to be valid: fewer of them, fewer restores
        cmd = r.randrange(0, 21)
    version = 1 if r.random() < 0.8 else r.randrange(256)
    reserved = 0 if r.random() < 0.9 else r.randrange(1, 65536)
    genl_bytes = 4 if r.random() < 0.97 else r.randrange(4)
    if genl_bytes < 4:
        attrs = b""
    return cmd, g.message(g.family, flags, cmd, version, attrs,
                          reserved=reserved, genl_bytes=genl_bytes)


def fuzz(count, seed):
    """Sends count random messages. Under emulation a syscall costs about
    a millisecond and reading the configuration five of them, so it is
    read after each message that succeeded (a valid one, sent by chance)
    and after every WINDOW others, which must all have changed nothing;
    if something did change, the window's messages are sent again one by
    one from the known configuration, to name the culprit."""
    g = Genl()
    r = random.Random(seed)
    base = g.config()
    stats = {"rejected": 0, "read ok": 0, "ok, no change": 0,
             "ok, changed: restored": 0}
    failed = 0
    window = []     # (index, cmd, err, msg) sent since the last check

    def unchanged(why):
        """Whether the window's messages left the configuration alone;
        the configuration is base afterwards."""
        nonlocal failed
        if g.config() == base:
            return True
        g.restore(base)
        before = failed
        for i, cmd, err, msg in window:
            g.transact(msg)
            if g.config() != base:
                print("FAIL message %d (cmd %d, answered %s) changed the "
                      "configuration: %s" % (i, cmd, errname(err),
                                             msg.hex()))
                failed += 1
                g.restore(base)
        if failed == before:
            print("FAIL the configuration changed %s, and no message of "
                  "the window does it again" % why)
            failed += 1
        return False

    for i in range(count):
        cmd, msg = random_message(g, r)
        try:
            err, _ = g.transact(msg)
        except NoAnswer:
            print("FAIL message %d (cmd %d): no answer: %s" % (
                i, cmd, msg.hex()))
            failed += 1
            continue
        if err or cmd in READ_ONLY:
            stats["rejected" if err else "read ok"] += 1
            window.append((i, cmd, err, msg))
            if len(window) >= WINDOW:
                unchanged("in messages %d to %d" % (window[0][0], i))
                window = []
            continue
        if g.config() == base:
            stats["ok, no change"] += 1
        else:
            # (so that the window is checked on its own)
            g.restore(base)
            if window:
                for _, _, _, m in window:
                    g.transact(m)
                unchanged("in messages %d to %d" % (window[0][0], i - 1))
            stats["ok, changed: restored"] += 1
            print("valid by chance, changed the configuration, restored: "
                  "message %d cmd %d: %s" % (i, cmd, msg.hex()))
        window = []
    unchanged("at the end")
    print("random: %d messages, seed %d: %s; %d failed" % (
        count, seed, ", ".join("%s %d" % kv for kv in stats.items()),
        failed))
    return failed == 0


# -- single requests, for the user-namespace checks -----------------------------

def try_requests(requests):
    """Prints the answer to each request, one a line: new-svc (TCP
    10.0.0.99:80, rr), del-svc (the same), flush, dump-svc ("services N",
    or the error)."""
    g = Genl()
    for what in requests:
        if what == "new-svc":
            err, _ = g.call(NEW_SERVICE, new_svc4())
        elif what == "del-svc":
            err, _ = g.call(DEL_SERVICE, new_svc4())
        elif what == "flush":
            err, _ = g.call(FLUSH)
        elif what == "dump-svc":
            err, msgs = g.dump(GET_SERVICE)
            if not err:
                print("services %d" % len(msgs))
                continue
        else:
            raise SystemExit("try: unknown request " + what)
        print(errname(err))
    return True


# -- a dump that a change interrupts -------------------------------------------

NLM_F_DUMP_INTR = 0x10


def dump_parts(g, change=None):
    """Dump the services, calling change() after reading the first part.
    Returns (services, whether a part carried NLM_F_DUMP_INTR)."""
    msg = g.request(GET_SERVICE, flags=NLM_F_REQUEST | NLM_F_ACK | NLM_F_DUMP)
    seq = struct.unpack_from("=I", msg, 8)[0]
    g.sk.send(msg)
    services, intr, parts = 0, False, 0
    while True:
        # one part per read: the next is built only once this one is read
        buf = g.sk.recv(1 << 20)
        parts += 1
        if parts == 1 and change:
            change()
        off = 0
        while off + 16 <= len(buf):
            length, mtype, flags, mseq, _ = struct.unpack_from("=IHHII", buf,
                                                               off)
            off += (length + 3) & ~3
            if mseq != seq:
                continue
            if mtype in (NLMSG_DONE, NLMSG_ERROR):
                return services, intr, parts
            services += 1
            intr = intr or bool(flags & NLM_F_DUMP_INTR)


def dump_intr(count):
    """COUNT services, dumped twice: left alone, then with a service added
    after the first part was read. Prints what each dump saw."""
    g, other = Genl(), Genl()
    for i in range(count):
        g.ok(NEW_SERVICE, svc([u16(SVC_AF, AF_INET), u16(SVC_PROTOCOL, TCP),
                               addr(SVC_ADDR, "10.9.%d.%d" % (i // 250,
                                                              i % 250 + 1)),
                               be16(SVC_PORT, 80)] + full()))
    n, intr, parts = dump_parts(g)
    print("quiet: %d services in %d parts, interrupted: %s"
          % (n, parts, "yes" if intr else "no"))
    n, intr, parts = dump_parts(g, lambda: other.ok(NEW_SERVICE, new_svc4()))
    print("changed: %d parts, interrupted: %s"
          % (parts, "yes" if intr else "no"))
    g.ok(FLUSH)
    return True


def main(argv):
    if len(argv) == 2 and argv[1] == "dump":
        print("\n".join(text(Genl().config())))
        return 0
    if len(argv) == 4 and argv[1] == "targeted":
        return 0 if targeted(argv[2], argv[3]) else 1
    if len(argv) == 4 and argv[1] == "random":
        return 0 if fuzz(int(argv[2]), int(argv[3])) else 1
    if len(argv) == 3 and argv[1] == "dump-intr":
        return 0 if dump_intr(int(argv[2])) else 1
    if len(argv) >= 3 and argv[1] == "try":
        return 0 if try_requests(argv[2:]) else 1
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
