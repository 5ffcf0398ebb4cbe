# SPDX-License-Identifier: GPL-2.0
#
# A real server's answer, run by socat for each TCP connection
# (EXEC:busybox sh _responder.sh NAME); busybox, as it starts far quicker
# than a dynamically linked shell under emulation: NAME at once, then
# "NAME LINE" for each LINE the client sends, until the client closes.
echo "$1"
while read -r line; do
	echo "$1 $line"
done
