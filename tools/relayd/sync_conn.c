// SPDX-License-Identifier: GPL-2.0-only
/*
 * Session replication: connections (sync_int.h). Each relay connects
 * to every sync peer (the stream it pushes) and accepts the peers'
 * connections (the streams it installs). An accepted connection from an
 * address that is not a sync-peer is closed before any byte is read;
 * then the handshake of sync_proto.h proves both sides know the key.
 * Sockets are blocking with short timeouts: the handshake and the sends
 * are plain sequential code.
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "fd.h"
#include "keyfile.h"
#include "sync_int.h"

uint64_t sync_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static int set_timeouts(int fd)
{
	struct timeval tv = { .tv_sec = SYNC_IO_TIMEOUT_MS / 1000,
			      .tv_usec = (SYNC_IO_TIMEOUT_MS % 1000) * 1000 };
	unsigned int dead = SYNC_DEAD_MS;
	int one = 1;

	/*
	 * A peer that vanished (killed, link down) never sends a RST: with
	 * the heartbeat MARKs always in flight, TCP_USER_TIMEOUT ends the
	 * connection within SYNC_DEAD_MS and we reconnect.
	 */
	struct timeval snd = { .tv_sec = SYNC_SEND_TIMEOUT_MS / 1000 };

	if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) ||
	    setsockopt(fd, IPPROTO_TCP, TCP_USER_TIMEOUT, &dead, sizeof(dead)) ||
	    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &snd, sizeof(snd)) ||
	    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) ||
	    setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one)))
		return -errno;
	return 0;
}

/* Send (@out) or receive exactly @len bytes on a blocking socket. */
static int io_full(int fd, uint8_t *p, size_t len, bool out)
{
	ssize_t n;

	while (len) {
		n = out ? send(fd, p, len, MSG_NOSIGNAL) : recv(fd, p, len, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : out ? -EPIPE : -ECONNRESET;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int write_full(int fd, const void *buf, size_t len)
{
	return io_full(fd, (uint8_t *)(uintptr_t)buf, len, true);
}

static int read_full(int fd, void *buf, size_t len)
{
	return io_full(fd, buf, len, false);
}

/* Encrypt and send the pending records of @c as one frame. */
int sync_conn_flush(struct sync_conn *c)
{
	uint8_t wire[2 + SYNC_WIRE_MAX];
	unsigned long long clen;

	if (!c->out_len)
		return 0;
	if (crypto_secretstream_xchacha20poly1305_push(&c->tx, wire + 2, &clen,
						       c->out, c->out_len, NULL, 0, 0))
		return -EIO;
	wire[0] = (uint8_t)(clen >> 8);
	wire[1] = (uint8_t)clen;
	c->out_len = 0;
	return write_full(c->fd, wire, 2 + (size_t)clen);
}

/* Decrypt one frame of @clen bytes at @cipher into @plain. */
static int frame_open(struct sync_conn *c, const uint8_t *cipher, size_t clen,
		      uint8_t *plain, size_t *plen)
{
	unsigned long long n;
	unsigned char tag;

	if (clen < SYNC_ABYTES || clen > SYNC_WIRE_MAX ||
	    crypto_secretstream_xchacha20poly1305_pull(&c->rx, plain, &n, &tag,
						       cipher, clen, NULL, 0))
		return -EBADMSG;
	*plen = (size_t)n;
	return 0;
}

/* Blocking: read one frame and expect an AUTH record in it. */
static int read_auth(struct sync_conn *c)
{
	uint8_t hdr[2], cipher[SYNC_WIRE_MAX], plain[SYNC_FRAME_MAX];
	struct sync_rec rec;
	size_t clen, plen, off = 0;
	int err;

	err = read_full(c->fd, hdr, 2);
	clen = (size_t)hdr[0] << 8 | hdr[1];
	if (!err && (clen < SYNC_ABYTES || clen > SYNC_WIRE_MAX))
		err = -EPROTO;
	if (!err)
		err = read_full(c->fd, cipher, clen);
	if (err)
		return err;
	if (frame_open(c, cipher, clen, plain, &plen))
		return -EACCES;	/* wrong key: not a sync peer */
	if (sync_get_rec(plain, plen, &off, &rec) != 1 || rec.type != SYNC_REC_AUTH)
		return -EPROTO;
	memcpy(c->name, rec.name, sizeof(c->name));
	return 0;
}

/*
 * The handshake of sync_proto.h, blocking with timeouts. Keys derived
 * from the two nonces; AUTH both ways before anything else.
 */
static int conn_handshake(struct relayd_sync *s, struct sync_conn *c)
{
	uint8_t hello[SYNC_HELLO_LEN], nonce[SYNC_NONCE_LEN], peer[SYNC_NONCE_LEN];
	uint8_t hdr_tx[SYNC_HEADER_LEN], hdr_rx[SYNC_HEADER_LEN];
	uint8_t k_tx[crypto_secretstream_xchacha20poly1305_KEYBYTES];
	uint8_t k_rx[crypto_secretstream_xchacha20poly1305_KEYBYTES];
	const uint8_t *ni, *nr;
	int err;

	randombytes_buf(nonce, sizeof(nonce));
	sync_hello_put(hello, nonce);
	if (c->initiator) {
		err = write_full(c->fd, hello, sizeof(hello));
		if (!err)
			err = read_full(c->fd, hello, sizeof(hello));
	} else {
		err = read_full(c->fd, hello, sizeof(hello));
	}
	if (err)
		return err;
	err = sync_hello_get(hello, peer);
	if (err)
		return err;
	if (!memcmp(peer, nonce, sizeof(nonce)))
		return -EPROTO;	/* our own hello reflected */
	ni = c->initiator ? nonce : peer;
	nr = c->initiator ? peer : nonce;
	if (sync_dir_key(k_tx, s->key, c->initiator ? "i2r" : "r2i", ni, nr) ||
	    sync_dir_key(k_rx, s->key, c->initiator ? "r2i" : "i2r", ni, nr))
		return -EIO;
	crypto_secretstream_xchacha20poly1305_init_push(&c->tx, hdr_tx, k_tx);
	if (!c->initiator) {
		sync_hello_put(hello, nonce);
		err = write_full(c->fd, hello, sizeof(hello));
	}
	if (!err)
		err = write_full(c->fd, hdr_tx, sizeof(hdr_tx));
	if (!err)
		err = read_full(c->fd, hdr_rx, sizeof(hdr_rx));
	if (!err && crypto_secretstream_xchacha20poly1305_init_pull(&c->rx, hdr_rx, k_rx))
		err = -EPROTO;
	sodium_memzero(k_tx, sizeof(k_tx));
	sodium_memzero(k_rx, sizeof(k_rx));
	if (err)
		return err;
	/* The initiator proves the key first: a responder answers no one else. */
	if (!c->initiator) {
		err = read_auth(c);
		if (err)
			return err;
	}
	err = sync_put_auth(c->out, &c->out_len, s->o.name);
	if (!err)
		err = sync_conn_flush(c);
	if (!err && c->initiator)
		err = read_auth(c);
	return err;
}

void sync_conn_close(struct relayd_sync *s, struct sync_conn **slot)
{
	struct sync_conn *c = *slot;

	if (!c)
		return;
	epoll_ctl(c->epfd, EPOLL_CTL_DEL, c->fd, NULL);
	close(c->fd);
	sync_sweep_free(&c->sweep);
	sodium_memzero(&c->tx, sizeof(c->tx));
	sodium_memzero(&c->rx, sizeof(c->rx));
	free(c);
	*slot = NULL;
}

/* Handshake on a connected socket; NULL with *@err (-EACCES: wrong key). */
static struct sync_conn *conn_new(struct relayd_sync *s, int fd, bool initiator,
				  unsigned int peer, int epfd, int *err)
{
	struct sync_conn *c = calloc(1, sizeof(*c));

	*err = -ENOMEM;
	if (!c)
		return NULL;
	c->fd = fd;
	c->epfd = epfd;
	c->initiator = initiator;
	c->peer = peer;
	*err = set_timeouts(fd);
	if (!*err)
		*err = conn_handshake(s, c);
	if (!*err)
		*err = prl_epoll_watch(epfd, fd, c);
	if (*err) {
		prl_free_secret(c, sizeof(*c));
		return NULL;
	}
	return c;
}

const char *sync_peer_str(const struct relayd_sync *s, unsigned int i,
			    char buf[PRL_ENDPOINT_STRLEN])
{
	prl_endpoint_fmt(&s->o.peers[i], buf, PRL_ENDPOINT_STRLEN);
	return buf;
}

/* Read once; apply every complete frame. -EAGAIN: nothing to read. */
int sync_conn_readable(struct relayd_sync *s, struct sync_conn *c)
{
	uint8_t plain[SYNC_FRAME_MAX];
	size_t clen, plen;
	ssize_t n;
	int err;

	n = recv(c->fd, c->in + c->in_len, sizeof(c->in) - c->in_len, MSG_DONTWAIT);
	if (n == 0)
		return -ECONNRESET;
	if (n < 0)
		return errno == EAGAIN || errno == EINTR ? -EAGAIN : -errno;
	c->in_len += (size_t)n;
	while (c->in_len >= 2) {
		clen = (size_t)c->in[0] << 8 | c->in[1];
		if (clen < SYNC_ABYTES || clen > SYNC_WIRE_MAX)
			return -EPROTO;
		if (c->in_len < 2 + clen)
			break;
		if (frame_open(c, c->in + 2, clen, plain, &plen))
			return -EBADMSG;
		memmove(c->in, c->in + 2 + clen, c->in_len - 2 - clen);
		c->in_len -= 2 + clen;
		err = sync_apply_frame(s, c, plain, plen);
		if (err)
			return err;
	}
	return 0;
}

static int peer_index(const struct relayd_sync *s, const struct prl_endpoint *from)
{
	unsigned int i;

	for (i = 0; i < s->o.n_peers; i++)
		if (prl_addr_equal(&s->o.peers[i].addr, &from->addr))
			return (int)i;
	return -1;
}

/*
 * Count a refused connection and log it, unless the same address was
 * refused less than SYNC_REFUSED_QUIET_MS ago: a host that retries every
 * second must not fill the log. The next line says how many went unlogged.
 */
static void refuse(struct relayd_sync *s, const struct prl_endpoint *from,
		   const char *why)
{
	char b[PRL_ENDPOINT_STRLEN];
	uint64_t now = sync_now_ms();

	s->refused++;
	if (s->refused_logged_ms && prl_addr_equal(&from->addr, &s->refused_from) &&
	    now - s->refused_logged_ms < SYNC_REFUSED_QUIET_MS) {
		s->refused_quiet++;
		return;
	}
	prl_endpoint_fmt(from, b, sizeof(b));
	if (s->refused_quiet)
		prl_log_warn(&s->log, "sync: connection from %s refused: %s (%llu more refused, not logged, since the last such line)",
			     b, why, (unsigned long long)s->refused_quiet);
	else
		prl_log_warn(&s->log, "sync: connection from %s refused: %s", b, why);
	s->refused_from = from->addr;
	s->refused_logged_ms = now;
	s->refused_quiet = 0;
}

void sync_accept_one(struct relayd_sync *s)
{
	char b[PRL_ENDPOINT_STRLEN];
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	struct prl_endpoint from;
	struct sync_conn *c;
	int fd, i, err;

	fd = accept4(s->lfd, (struct sockaddr *)&ss, &sl, SOCK_CLOEXEC);
	if (fd < 0)
		return;
	if (prl_endpoint_from_sockaddr((struct sockaddr *)&ss, sl, &from)) {
		close(fd);
		return;
	}
	prl_endpoint_fmt(&from, b, sizeof(b));
	i = peer_index(s, &from);
	if (i < 0) {
		refuse(s, &from, "not a sync peer");
		close(fd);
		return;
	}
	c = conn_new(s, fd, false, (unsigned int)i, s->install_ep, &err);
	if (!c) {
		refuse(s, &from, err == -EACCES ? "authentication failed" :
			  strerror(-err));
		close(fd);
		return;
	}
	sync_conn_close(s, &s->in[i]);	/* a reconnect replaces the old one */
	s->in[i] = c;
	prl_log_info(&s->log, "sync: %s (%s) connected, installing its sessions",
		     c->name, b);
}

static int connect_timeout(const struct prl_endpoint *to, int *out)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	struct pollfd pfd;
	int fd, err = 0, flags;
	socklen_t el = sizeof(err);

	if (prl_endpoint_to_sockaddr(to, &ss, &sl))
		return -EINVAL;
	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&ss, sl) && errno != EINPROGRESS) {
		err = -errno;
		goto fail;
	}
	pfd.fd = fd;
	pfd.events = POLLOUT;
	if (poll(&pfd, 1, SYNC_IO_TIMEOUT_MS / 4) != 1) {
		err = -ETIMEDOUT;
		goto fail;
	}
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &el) || err) {
		err = err ? -err : -errno;
		goto fail;
	}
	flags = fcntl(fd, F_GETFL);
	fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
	*out = fd;
	return 0;
fail:
	close(fd);
	return err;
}

void sync_connect_peers(struct relayd_sync *s, uint64_t now)
{
	char b[PRL_ENDPOINT_STRLEN];
	unsigned int i;
	int fd = -1, err;

	for (i = 0; i < s->o.n_peers; i++) {
		if (s->out[i] || now < s->next_try[i])
			continue;
		s->next_try[i] = now + SYNC_RETRY_MS;
		err = connect_timeout(&s->o.peers[i], &fd);
		if (!err) {
			s->out[i] = conn_new(s, fd, true, i, s->push_ep, &err);
			if (!s->out[i])
				close(fd);
		}
		if (err) {
			if (!s->warned[i])
				prl_log_warn(&s->log, "sync: peer %s: %s", sync_peer_str(s, i, b),
					     err == -EACCES ? "authentication failed" :
					     strerror(-err));
			s->warned[i] = true;
			continue;
		}
		s->warned[i] = false;
		prl_log_info(&s->log, "sync: connected to %s (%s)", s->out[i]->name,
			     sync_peer_str(s, i, b));
		if (s->active)
			s->resync_all = true;	/* it gets everything */
	}
}
