// SPDX-License-Identifier: GPL-2.0-only
/*
 * sync_peer - a sync peer for selftests/net/failover_auth.sh: connects
 * to a relay's sync-listen address as an initiator and sends one thing.
 *
 *   sync_peer --to ADDR:PORT --key FILE [--timeout MS] MODE [VNI]
 *
 * MODE:
 *   session VNI  the real handshake, AUTH, a SESSION record (VNI, keys
 *                derived from the VNI, LamportID 1, both endpoints bound)
 *                and a MARK; succeeds when the ACK comes back (the
 *                positive control: the other modes differ only in what
 *                they break)
 *   garbage      40 random bytes instead of a HELLO
 *   version      a HELLO with protocol version 99
 *   oversized    handshake + AUTH, then a frame length above the maximum
 *   badframe     handshake + AUTH, then a frame that does not decrypt
 *   badrecord    handshake + AUTH, then a frame with a record of an
 *                unknown type (otherwise the SESSION of VNI 7340034)
 *   vni0         handshake + AUTH, then that SESSION record with VNI 0
 *
 * Every mode but session succeeds when the relay closes the connection
 * (within --timeout, default 5000 ms). Prints what happened. Exit 0 on
 * the expected outcome, 1 otherwise, 2 on usage errors.
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "keyfile.h"

#include "../../tools/relayd/sync_proto.c"

struct peer {
	int fd;
	int timeout_ms;
	crypto_secretstream_xchacha20poly1305_state tx, rx;
};

static int io_full(struct peer *p, void *buf, size_t len, bool wr)
{
	struct pollfd pfd = { .fd = p->fd, .events = wr ? POLLOUT : POLLIN };
	uint8_t *b = buf;
	ssize_t n;

	while (len) {
		if (poll(&pfd, 1, p->timeout_ms) != 1)
			return -ETIMEDOUT;
		n = wr ? send(p->fd, b, len, MSG_NOSIGNAL) : recv(p->fd, b, len, 0);
		if (n <= 0)
			return n < 0 ? -errno : -ECONNRESET;
		b += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Encrypt @len bytes of records as one frame and send it. */
static int send_frame(struct peer *p, const uint8_t *plain, size_t len)
{
	uint8_t wire[2 + SYNC_WIRE_MAX];
	unsigned long long clen;

	crypto_secretstream_xchacha20poly1305_push(&p->tx, wire + 2, &clen, plain,
						   len, NULL, 0, 0);
	wire[0] = (uint8_t)(clen >> 8);
	wire[1] = (uint8_t)clen;
	return io_full(p, wire, 2 + (size_t)clen, true);
}

/* Read one frame and decode its first record. */
static int recv_rec(struct peer *p, struct sync_rec *r)
{
	uint8_t hdr[2], cipher[SYNC_WIRE_MAX], plain[SYNC_FRAME_MAX];
	unsigned long long plen;
	unsigned char tag;
	size_t clen, off = 0;
	int err = io_full(p, hdr, 2, false);

	clen = (size_t)hdr[0] << 8 | hdr[1];
	if (!err && (clen < SYNC_ABYTES || clen > SYNC_WIRE_MAX))
		err = -EPROTO;
	if (!err)
		err = io_full(p, cipher, clen, false);
	if (!err && crypto_secretstream_xchacha20poly1305_pull(&p->rx, plain, &plen, &tag,
							       cipher, clen, NULL, 0))
		err = -EBADMSG;
	if (!err && sync_get_rec(plain, (size_t)plen, &off, r) != 1)
		err = -EPROTO;
	return err;
}

/* The initiator's side of the handshake (sync_proto.h), then AUTH both ways. */
static int handshake(struct peer *p, const uint8_t key[SYNC_KEY_LEN])
{
	uint8_t hello[SYNC_HELLO_LEN], ni[SYNC_NONCE_LEN], nr[SYNC_NONCE_LEN];
	uint8_t hdr_tx[SYNC_HEADER_LEN], hdr_rx[SYNC_HEADER_LEN];
	uint8_t k_tx[crypto_secretstream_xchacha20poly1305_KEYBYTES];
	uint8_t k_rx[crypto_secretstream_xchacha20poly1305_KEYBYTES];
	uint8_t buf[SYNC_FRAME_MAX];
	struct sync_rec r;
	size_t len = 0;
	int err;

	randombytes_buf(ni, sizeof(ni));
	sync_hello_put(hello, ni);
	err = io_full(p, hello, sizeof(hello), true);
	if (!err)
		err = io_full(p, hello, sizeof(hello), false);
	if (!err)
		err = sync_hello_get(hello, nr);
	if (!err)
		err = io_full(p, hdr_rx, sizeof(hdr_rx), false);
	if (err)
		return err;
	if (sync_dir_key(k_tx, key, "i2r", ni, nr) || sync_dir_key(k_rx, key, "r2i", ni, nr) ||
	    crypto_secretstream_xchacha20poly1305_init_pull(&p->rx, hdr_rx, k_rx))
		return -EPROTO;
	crypto_secretstream_xchacha20poly1305_init_push(&p->tx, hdr_tx, k_tx);
	err = io_full(p, hdr_tx, sizeof(hdr_tx), true);
	if (!err)
		err = sync_put_auth(buf, &len, "sync_peer");
	if (!err)
		err = send_frame(p, buf, len);
	if (!err)
		err = recv_rec(p, &r);
	if (!err && r.type != SYNC_REC_AUTH)
		err = -EPROTO;
	return err;
}

static void session_of(struct prl_session *s, uint32_t vni)
{
	memset(s, 0, sizeof(*s));
	s->vni = vni;
	s->lamport = 1;
	memset(s->key0, 0x5a, sizeof(s->key0));
	memset(s->key1, 0xa5, sizeof(s->key1));
	memcpy(s->key0, &vni, sizeof(vni));
	memcpy(s->key1, &vni, sizeof(vni));
	prl_endpoint_parse("192.0.2.1:4001", &s->ep[0].remote);
	prl_endpoint_parse("192.0.2.2:4002", &s->ep[1].remote);
}

/* After a hostile send: did the relay close the connection? */
static int expect_close(struct peer *p)
{
	uint8_t b[256];
	int err;

	do
		err = io_full(p, b, sizeof(b), false);
	while (!err);
	if (err == -ETIMEDOUT) {
		printf("still open after %d ms\n", p->timeout_ms);
		return 1;
	}
	printf("closed by the relay (%s)\n", strerror(-err));
	return 0;
}

static int run(struct peer *p, const char *mode, const uint8_t key[SYNC_KEY_LEN],
	       uint32_t vni)
{
	uint8_t buf[SYNC_FRAME_MAX];
	struct prl_session s;
	struct sync_rec r;
	size_t len = 0;
	int err;

	if (!strcmp(mode, "garbage") || !strcmp(mode, "version")) {
		randombytes_buf(buf, SYNC_HELLO_LEN);
		if (!strcmp(mode, "version")) {
			sync_hello_put(buf, buf + 8);
			buf[4] = 99;
		}
		err = io_full(p, buf, SYNC_HELLO_LEN, true);
		return err ? 1 : expect_close(p);
	}
	err = handshake(p, key);
	if (err) {
		printf("handshake: %s\n", strerror(-err));
		return 1;
	}
	if (!strcmp(mode, "session")) {
		session_of(&s, vni);
		err = sync_put_session(buf, &len, &s);
		if (!err)
			err = sync_put_clock(buf, &len, SYNC_REC_MARK, 42, 0);
		if (!err)
			err = send_frame(p, buf, len);
		if (!err)
			err = recv_rec(p, &r);
		if (!err && (r.type != SYNC_REC_ACK || r.clock_ms != 42))
			err = -EPROTO;
		printf("%s\n", err ? strerror(-err) : "acked");
		return !!err;
	}
	if (!strcmp(mode, "oversized")) {
		buf[0] = buf[1] = 0xff;	/* 65535 > SYNC_WIRE_MAX */
		memset(buf + 2, 0, 1024);
		err = io_full(p, buf, 2 + 1024, true);
	} else if (!strcmp(mode, "badframe")) {
		uint8_t wire[2 + 64];

		randombytes_buf(wire + 2, 64);
		wire[0] = 0;
		wire[1] = 64;
		err = io_full(p, wire, sizeof(wire), true);
	} else if (!strcmp(mode, "badrecord") || !strcmp(mode, "vni0")) {
		session_of(&s, 7340034);
		err = sync_put_session(buf, &len, &s);
		if (!strcmp(mode, "badrecord"))
			buf[0] = 0x7f;	/* unknown record type */
		else
			memset(buf + 3, 0, 4);	/* VNI 0 */
		if (!err)
			err = send_frame(p, buf, len);
	} else {
		fprintf(stderr, "sync_peer: unknown mode %s\n", mode);
		return 2;
	}
	if (err) {
		printf("send: %s\n", strerror(-err));
		return 1;
	}
	return expect_close(p);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "to", required_argument, NULL, 't' },
		{ "key", required_argument, NULL, 'k' },
		{ "timeout", required_argument, NULL, 'T' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct peer p = { .fd = -1, .timeout_ms = 5000 };
	uint8_t key[SYNC_KEY_LEN] = { 0 };
	struct sockaddr_storage ss;
	struct prl_endpoint to;
	bool have_to = false;
	socklen_t sl;
	uint32_t vni = 0;
	int c, ret;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 't': have_to = !prl_endpoint_parse(optarg, &to); break;
		case 'k':
			if (prl_key_load(optarg, key)) {
				fprintf(stderr, "sync_peer: key %s: %s\n", optarg, strerror(errno));
				return 2;
			}
			break;
		case 'T': p.timeout_ms = atoi(optarg); break;
		case 'h':
			puts("usage: sync_peer --to ADDR:PORT --key FILE [--timeout MS] "
			     "session VNI|garbage|version|oversized|badframe|badrecord|vni0");
			return 0;
		default: return 2;
		}
	}
	if (!have_to || optind >= argc || sodium_init() < 0) {
		fputs("usage: sync_peer --to ADDR:PORT --key FILE MODE [VNI]\n", stderr);
		return 2;
	}
	if (optind + 1 < argc)
		vni = (uint32_t)strtoul(argv[optind + 1], NULL, 0);
	if (prl_endpoint_to_sockaddr(&to, &ss, &sl))
		return 2;
	p.fd = socket(ss.ss_family, SOCK_STREAM, 0);
	if (p.fd < 0 || connect(p.fd, (struct sockaddr *)&ss, sl)) {
		printf("connect: %s\n", strerror(errno));
		return 1;
	}
	ret = run(&p, argv[optind], key, vni);
	close(p.fd);
	return ret;
}
