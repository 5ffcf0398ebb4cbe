# SPDX-License-Identifier: GPL-2.0
#
# A real server's answer, run by socat for each TCP connection or UDP
# datagram (EXEC:busybox sh _responder.sh NAME [udp]); busybox, as it starts
# far quicker than a dynamically linked shell under emulation.
#   TCP: NAME at once, then "NAME LINE" for each LINE the client sends,
#        until the client closes.
#   UDP: NAME, once the datagram is read (were it left unread, socat could
#        fail writing it to us before it sends the answer).
if [ "${2:-}" = udp ]; then
	read -r line
	echo "$1"
	exit
fi
echo "$1"
while read -r line; do
	echo "$1 $line"
done
