# SPDX-License-Identifier: GPL-2.0
"""The client side of tests/e2e/flood.sh and sloppy.sh.

  _flood.py syn VIP PORT COUNT SECONDS NET
      Up to COUNT TCP SYNs to VIP:PORT from random addresses of NET (a
      /16, "10.200") and random ports, spread evenly over SECONDS, through
      a raw socket; stops at SECONDS whatever is left. Prints
      "sent N in S s".
  _flood.py probe VIP PORT SRC SPORT FLAGS...
      One TCP segment per FLAGS word ("S", "A", "PA", ...) from SRC:SPORT,
      with consistent sequence numbers, a tenth of a second apart.
  _flood.py hold VIP PORT N SECONDS OUT STOP
      N TCP connections to VIP:PORT, each read for its greeting (the real
      server's name, written to OUT as "held I NAME"); then one line on
      each every half second until the file STOP exists (at most SECONDS),
      each answer checked. Writes "survived K of N, A answers, F failures"
      to OUT last.
  _flood.py talk VIP PORT SPORT
      One TCP connection from SPORT: prints the greeting, then for each
      line on stdin sends it and prints the answer, or "reset" / "none"
      when the connection was reset or nothing came in 5 s.
"""
import os
import random
import socket
import struct
import sys
import time


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


FLAGS = {"F": 0x01, "S": 0x02, "R": 0x04, "P": 0x08, "A": 0x10}


def segment(src, dst, sport, dport, seq, ack, flags):
    """An IPv4 packet with a TCP header and no data; the kernel fills in
    the IP checksum, the TCP one is ours."""
    s, d = socket.inet_aton(src), socket.inet_aton(dst)
    tcp = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, 5 << 4, flags,
                      65535, 0, 0)
    c = csum(s + d + struct.pack("!BBH", 0, socket.IPPROTO_TCP, len(tcp)) + tcp)
    tcp = tcp[:16] + struct.pack("!H", c) + tcp[18:]
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 40, 0, 0x4000, 64,
                     socket.IPPROTO_TCP, 0, s, d)
    return ip + tcp


def raw_socket():
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    s.setsockopt(socket.IPPROTO_IP, socket.IP_HDRINCL, 1)
    return s


def syn_flood(vip, port, count, seconds, net):
    rnd = random.Random(4242)
    a, b = (int(x) for x in net.split(".")[:2])
    packets = []
    for _ in range(count):
        n = rnd.randrange(1, 65535)
        src = "%d.%d.%d.%d" % (a, b, n >> 8, n & 0xFF)
        packets.append(segment(src, vip, rnd.randrange(1024, 65535), port,
                               rnd.getrandbits(32), 0, FLAGS["S"]))
    sock = raw_socket()
    start = time.monotonic()
    interval = seconds / count
    sent = 0
    for i, p in enumerate(packets):
        now = time.monotonic() - start
        if now >= seconds:
            break
        ahead = i * interval - now
        if ahead > 0.01:
            time.sleep(ahead)
        try:
            sock.sendto(p, (vip, 0))
            sent += 1
        except OSError:
            pass
    print("sent %d in %.1f s" % (sent, time.monotonic() - start))


def probe(vip, port, src, sport, words):
    sock = raw_socket()
    seq = 1000
    for w in words:
        flags = 0
        for ch in w:
            flags |= FLAGS[ch]
        sock.sendto(segment(src, vip, sport, port, seq,
                            5000 if flags & FLAGS["A"] else 0, flags),
                    (vip, 0))
        if flags & FLAGS["S"]:
            seq += 1
        time.sleep(0.1)


def readline(sock, buf):
    while b"\n" not in buf[0]:
        data = sock.recv(4096)
        if not data:
            raise ConnectionError("closed")
        buf[0] += data
    line, buf[0] = buf[0].split(b"\n", 1)
    return line.decode()


def hold(vip, port, n, seconds, out, stop):
    conns = []
    with open(out, "w") as f:
        for i in range(n):
            s = socket.create_connection((vip, port), timeout=10)
            s.settimeout(5)
            buf = [b""]
            name = readline(s, buf)
            conns.append([s, buf, name, True])
            print("held %d %s" % (i + 1, name), file=f, flush=True)
        answers = failures = 0
        end = time.monotonic() + seconds
        k = 0
        while time.monotonic() < end and not os.path.exists(stop):
            k += 1
            for c in conns:
                if not c[3]:
                    continue
                try:
                    c[0].sendall(b"ping%d\n" % k)
                    if readline(c[0], c[1]) != "%s ping%d" % (c[2], k):
                        raise ConnectionError("wrong answer")
                    answers += 1
                except (OSError, ConnectionError):
                    failures += 1
                    c[3] = False
            time.sleep(0.5)
        alive = sum(1 for c in conns if c[3])
        print("survived %d of %d, %d answers, %d failures" %
              (alive, n, answers, failures), file=f, flush=True)
        for c in conns:
            c[0].close()


def talk(vip, port, sport):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("", sport))
    s.settimeout(5)
    s.connect((vip, port))
    buf = [b""]
    print(readline(s, buf), flush=True)
    for line in sys.stdin:
        try:
            s.sendall(line.encode())
            print(readline(s, buf), flush=True)
        except socket.timeout:
            print("none", flush=True)
        except (OSError, ConnectionError):
            print("reset", flush=True)
            return


def main():
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "syn":
        syn_flood(args[0], int(args[1]), int(args[2]), float(args[3]), args[4])
    elif cmd == "probe":
        probe(args[0], int(args[1]), args[2], int(args[3]), args[4:])
    elif cmd == "hold":
        hold(args[0], int(args[1]), int(args[2]), float(args[3]), args[4],
             args[5])
    elif cmd == "talk":
        talk(args[0], int(args[1]), int(args[2]))
    else:
        sys.exit("unknown command " + cmd)


if __name__ == "__main__":
    main()
