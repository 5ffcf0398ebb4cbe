// SPDX-License-Identifier: GPL-2.0
/*
 * tcpgen: the benchmark's TCP sender and server (tests/bench/guest-bench).
 * Every mode is bounded by a count and by alarm(): nothing runs longer
 * than its time limit. Prints the guest ns the measured part took.
 *
 *   tcpgen flows IFACE DSTMAC SRC DST SPORT FLOWS COUNT KSOFTIRQD
 *	Raw frames on IFACE (an AF_PACKET socket): for each of FLOWS flows
 *	from SRC:SPORT+i to DST:80, a SYN and an ACK (so that a balancer
 *	holds each flow as established), then COUNT segments of 6 bytes of
 *	data, the flows in turn. The frames carry a partial checksum
 *	(virtio-net header), as a socket's would. Prints the CPU time those
 *	COUNT took, in ns: this process's own (each is handled in softirq as
 *	it is sent), then what the ksoftirqd thread KSOFTIRQD (a pid) ran
 *	meanwhile, had the kernel deferred some of the work to it.
 *	(The 50 ms sleep before: the handshakes are done with.)
 *   tcpgen serve SECONDS
 *	Accepts on port 80 and closes each connection after the peer's FIN.
 *   tcpgen connect DST SPORT COUNT
 *	COUNT connections to DST:80, one after the other, from SPORT on:
 *	connect, write a byte, close, wait for the peer's FIN; prints the
 *	time of all COUNT.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <assert.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <linux/types.h>
#include <linux/virtio_net.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netinet/ip.h>
#include <netinet/tcp.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define LIMIT_SECONDS 120
#define BATCH 32

static void die(const char *what)
{
	perror(what);
	exit(1);
}

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* the CPU time a task has run, in ns (/proc/PID/schedstat) */
static long long run_ns(const char *pid)
{
	char path[64];
	long long ns;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%s/schedstat", pid);
	f = fopen(path, "r");
	if (!f || fscanf(f, "%lld", &ns) != 1)
		die(path);
	fclose(f);
	return ns;
}

static __u32 sum16(const void *p, size_t len, __u32 sum)
{
	const __u8 *b = p;

	for (; len > 1; len -= 2, b += 2)
		sum += (b[0] << 8) | b[1];
	if (len)
		sum += b[0] << 8;
	return sum;
}

static __u16 fold(__u32 sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return sum;
}

struct frame {
	struct virtio_net_hdr vnet;
	struct ether_header eth;
	struct iphdr ip;
	struct tcphdr tcp;
	__u8 data[6];
};

/* no padding: each part starts where the one before ends */
static_assert(offsetof(struct frame, data) == 10 + 14 + 20 + 20, "frame layout");

/* One segment of a flow: flags, sequence number, payload or none. */
static size_t build(struct frame *f, const __u8 *dmac, const __u8 *smac,
		    in_addr_t src, in_addr_t dst, int sport, __u8 flags,
		    __u32 seq, int data)
{
	size_t tcplen = sizeof(f->tcp) + (data ? sizeof(f->data) : 0);
	__u8 pseudo[12];
	__u32 sum;

	memset(f, 0, sizeof(*f));
	f->vnet.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
	f->vnet.csum_start = sizeof(f->eth) + sizeof(f->ip);
	f->vnet.csum_offset = offsetof(struct tcphdr, check);
	memcpy(f->eth.ether_dhost, dmac, 6);
	memcpy(f->eth.ether_shost, smac, 6);
	f->eth.ether_type = htons(ETHERTYPE_IP);
	f->ip.version = 4;
	f->ip.ihl = 5;
	f->ip.ttl = 64;
	f->ip.protocol = IPPROTO_TCP;
	f->ip.tot_len = htons(sizeof(f->ip) + tcplen);
	f->ip.saddr = src;
	f->ip.daddr = dst;
	f->ip.check = htons(~fold(sum16(&f->ip, sizeof(f->ip), 0)));
	f->tcp.source = htons(sport);
	f->tcp.dest = htons(80);
	f->tcp.seq = htonl(seq);
	f->tcp.ack_seq = htonl(flags & TH_ACK ? 1 : 0);
	f->tcp.doff = 5;
	((__u8 *)&f->tcp)[13] = flags;
	f->tcp.window = htons(65535);
	if (data)
		memcpy(f->data, "bench\n", sizeof(f->data));
	/* partial checksum: the pseudo-header's sum, not complemented */
	memcpy(pseudo, &src, 4);
	memcpy(pseudo + 4, &dst, 4);
	pseudo[8] = 0;
	pseudo[9] = IPPROTO_TCP;
	pseudo[10] = tcplen >> 8;
	pseudo[11] = tcplen & 0xff;
	sum = sum16(pseudo, sizeof(pseudo), 0);
	f->tcp.check = htons(fold(sum));
	/* the frame is at least 60 bytes: a data segment is exactly that */
	return sizeof(f->vnet) + sizeof(f->eth) + sizeof(f->ip) + tcplen +
	       (data ? 0 : sizeof(f->data));
}

static void parse_mac(const char *s, __u8 *mac)
{
	if (sscanf(s, "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx", &mac[0], &mac[1],
		   &mac[2], &mac[3], &mac[4], &mac[5]) != 6) {
		fprintf(stderr, "tcpgen: bad MAC %s\n", s);
		exit(2);
	}
}

static int flows_mode(char **argv)
{
	int ifindex = if_nametoindex(argv[0]), sport = atoi(argv[4]);
	int flows = atoi(argv[5]), count = atoi(argv[6]), one = 1;
	static struct frame frames[BATCH];
	struct mmsghdr msgs[BATCH];
	struct iovec iovs[BATCH];
	struct sockaddr_ll sll;
	__u32 *seqs;
	__u8 dmac[6], smac[6];
	in_addr_t src, dst;
	long long self0, soft0;
	int fd, i, n, sent;

	parse_mac(argv[1], dmac);
	src = inet_addr(argv[2]);
	dst = inet_addr(argv[3]);
	if (!ifindex || flows < 1 || count < 1)
		die("tcpgen flows: arguments");
	fd = socket(AF_PACKET, SOCK_RAW, 0);
	if (fd < 0)
		die("socket");
	if (setsockopt(fd, SOL_PACKET, PACKET_VNET_HDR, &one, sizeof(one)))
		die("PACKET_VNET_HDR");
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_ifindex = ifindex;
	sll.sll_protocol = htons(ETH_P_IP);
	if (bind(fd, (struct sockaddr *)&sll, sizeof(sll)))
		die("bind");
	{
		struct ifreq ifr = { 0 };

		snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", argv[0]);
		if (ioctl(fd, SIOCGIFHWADDR, &ifr))
			die("SIOCGIFHWADDR");
		memcpy(smac, ifr.ifr_hwaddr.sa_data, 6);
	}
	seqs = calloc(flows, sizeof(*seqs));
	if (!seqs)
		die("calloc");
	/* the handshake the balancer sees: SYN, then ACK */
	for (i = 0; i < flows; i++) {
		size_t len = build(&frames[0], dmac, smac, src, dst, sport + i,
				   TH_SYN, 0, 0);

		if (send(fd, &frames[0], len, 0) < 0)
			die("send SYN");
		len = build(&frames[0], dmac, smac, src, dst, sport + i,
			    TH_ACK, 1, 0);
		if (send(fd, &frames[0], len, 0) < 0)
			die("send ACK");
		seqs[i] = 1;
	}
	memset(msgs, 0, sizeof(msgs));
	usleep(50000);
	self0 = run_ns("self");
	soft0 = run_ns(argv[7]);
	for (sent = 0, i = 0; sent < count; sent += n) {
		n = count - sent < BATCH ? count - sent : BATCH;
		for (int k = 0; k < n; k++, i = (i + 1) % flows) {
			iovs[k].iov_base = &frames[k];
			iovs[k].iov_len = build(&frames[k], dmac, smac, src,
						dst, sport + i,
						TH_ACK | TH_PUSH, seqs[i], 1);
			seqs[i] += sizeof(frames[k].data);
			msgs[k].msg_hdr.msg_iov = &iovs[k];
			msgs[k].msg_hdr.msg_iovlen = 1;
		}
		if (sendmmsg(fd, msgs, n, 0) != n)
			die("sendmmsg");
	}
	printf("%lld %lld\n", run_ns("self") - self0, run_ns(argv[7]) - soft0);
	return 0;
}

static void serve_mode(char **argv)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(80) };
	int fd, c, one = 1;
	char buf[64];

	alarm(atoi(argv[0]));
	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)))
		die("socket");
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) || listen(fd, 128))
		die("bind/listen");
	printf("listening\n");
	fflush(stdout);
	for (;;) {
		c = accept(fd, NULL, NULL);
		if (c < 0)
			die("accept");
		while (read(c, buf, sizeof(buf)) > 0)
			;
		close(c);
	}
}

static int connect_mode(char **argv)
{
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(80) };
	struct sockaddr_in from = { .sin_family = AF_INET };
	int sport = atoi(argv[1]), count = atoi(argv[2]), i, fd, one = 1;
	long long t0;
	char buf[64];

	to.sin_addr.s_addr = inet_addr(argv[0]);
	t0 = now_ns();
	for (i = 0; i < count; i++) {
		fd = socket(AF_INET, SOCK_STREAM, 0);
		if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)))
			die("socket");
		from.sin_port = htons(sport + i);
		if (bind(fd, (struct sockaddr *)&from, sizeof(from)))
			die("bind");
		if (connect(fd, (struct sockaddr *)&to, sizeof(to)))
			die("connect");
		if (write(fd, "x", 1) != 1 || shutdown(fd, SHUT_WR))
			die("write");
		while (read(fd, buf, sizeof(buf)) > 0)
			;
		close(fd);
	}
	printf("%lld\n", now_ns() - t0);
	return 0;
}

int main(int argc, char **argv)
{
	alarm(LIMIT_SECONDS);
	if (argc == 10 && !strcmp(argv[1], "flows"))
		return flows_mode(argv + 2);
	if (argc == 3 && !strcmp(argv[1], "serve")) {
		serve_mode(argv + 2);
		return 1;
	}
	if (argc == 5 && !strcmp(argv[1], "connect"))
		return connect_mode(argv + 2);
	fprintf(stderr, "usage: see the top of tcpgen.c\n");
	return 2;
}
