#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
#
# The client side of tests/e2e/sctp.sh.
#
#   _sctp_client.py run ADDRESS VIP PORT SOURCE-PORT COUNT
#	COUNT associations to VIP:PORT, one after the other, from ADDRESS and
#	SOURCE-PORT on; each reads the real server's name and shuts down.
#	Prints who answered each, one line each ("-": nobody).
#   _sctp_client.py hold ADDRESS VIP PORT SOURCE-PORT
#	One association: prints who answered, then waits for a line on
#	standard input and shuts the association down.
#   _sctp_client.py txcsum DEVICE on|off
#	Lets DEVICE compute checksums and CRCs (on) or makes the stack do it
#	(off), as "ethtool -K DEVICE tx on|off" does.
import array
import fcntl
import socket
import struct
import sys

SIOCETHTOOL = 0x8946
ETHTOOL_STXCSUM = 0x17


def connect(addr, vip, port, sport):
    family = socket.AF_INET6 if ":" in vip else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_SCTP)
    sock.bind((addr, sport))
    sock.settimeout(5)
    try:
        sock.connect((vip, port))
        who = sock.makefile().readline().strip()
    except OSError:
        who = ""
    return sock, who or "-"


def txcsum(dev, on):
    buf = array.array("B", struct.pack("II", ETHTOOL_STXCSUM, int(on)))
    ifr = struct.pack("16sP", dev.encode(), buf.buffer_info()[0])
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        fcntl.ioctl(s.fileno(), SIOCETHTOOL, ifr)


def main(argv):
    if argv[1] == "txcsum":
        txcsum(argv[2], argv[3] == "on")
        return
    addr, vip, port, sport = argv[2], argv[3], int(argv[4]), int(argv[5])
    if argv[1] == "hold":
        sock, who = connect(addr, vip, port, sport)
        print(who, flush=True)
        sys.stdin.readline()
        sock.close()
        return
    for i in range(int(argv[6])):
        sock, who = connect(addr, vip, port, sport + i)
        sock.close()
        print(who, flush=True)


main(sys.argv)
