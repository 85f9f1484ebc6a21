// SPDX-License-Identifier: GPL-2.0-only
/*
 * relay-client bind: one client. Handshake with the relay (optionally
 * after an in-band allocation), then one mode: --send, --recv, --echo or
 * --ping.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "addr.h"
#include "relay-client.h"

/* Attempt length of the first --ping probe (see mode_ping). */
#define CONFIRM_MS	150

static const char bind_usage[] =
	"Usage: relay-client [-j] bind --relay ADDR:PORT --server-key KEY --peer KEY\n"
	"                    (--vni N | --allocate) [--key FILE] [--local ADDR[:PORT]]\n"
	"       relay-client [-j] bind --endpoint-json FILE --key FILE [...]\n"
	"                    [--generation N] [--timeout MS] [--corrupt KIND] [MODE]\n"
	"\n"
	"Run Bind -> Challenge -> Answer with the relay for session --vni (or one\n"
	"allocated in-band first with --allocate), using the disco key in --key\n"
	"(or a fresh one). Binds are retransmitted every 500 ms until a valid\n"
	"Challenge arrives; the Answer goes to the Challenge's source. The relay\n"
	"does not acknowledge the Answer: an end-to-end --ping confirms the path.\n"
	"\n"
	"--endpoint-json FILE (- for stdin) reads an endpoint description, as\n"
	"printed by 'relayctl -j session add' or 'relay-client -j allocate': the\n"
	"server key, the VNI, the peer (the client key that is not --key's) and\n"
	"the relay addresses. Like a Tailscale client, Binds then go to every\n"
	"address of the socket's family (the first one, or --local's family,\n"
	"unless --relay is given) and the first Challenge picks the relay address.\n"
	"\n"
	"Modes (at most one; the socket stays the same, so the binding holds):\n"
	"  --send HEX        send Geneve data with payload HEX (--count N times,\n"
	"                    every --interval MS; --proto wg|disco|N, default wg),\n"
	"                    starting --settle MS (default 100) after the Answer\n"
	"  --recv N          print N datagrams of the session (data, ping, pong)\n"
	"  --echo            answer Pings with Pongs and send data back; stop after\n"
	"                    --count N datagrams (default: never) or when idle for\n"
	"                    --timeout MS if given\n"
	"  --ping N          send N disco Pings to the peer (which runs --echo) and\n"
	"                    wait for the Pongs (--interval, --size padding bytes);\n"
	"                    the first one is retried every 150 ms within --timeout\n"
	"\n"
	"Negative tests: --corrupt bind-vni|bind-remote-key|bind-gen0|bind-proto|\n"
	"bind-tamper sends a Bind the relay must drop (expect exit 3);\n"
	"answer-port|answer-mac|answer-gen|answer-none sends a bad or no Answer\n"
	"(the endpoint must stay unbound).\n"
	"\n"
	"--timeout MS (default 3000) bounds the handshake and every wait.\n"
	"Exit: 0 ok, 1 error, 2 usage, 3 timeout (no Challenge, missing\n"
	"datagrams or Pongs).\n";

static void print_answered(struct rcli *r, struct prl_rc *c,
			   const struct sockaddr_storage *from,
			   const struct prl_disco_endpoint *ep)
{
	char hex[65], sa[RCLI_SA_STRLEN], la[RCLI_SA_STRLEN];
	struct sockaddr_storage local;

	prl_rc_local(c, &local);
	rcli_fmt_sa(&local, la, sizeof(la));
	rcli_fmt_sa(from, sa, sizeof(sa));
	if (r->cli.json) {
		prl_json_obj_begin(&r->j);
		prl_json_kv_str(&r->j, "event", "answered");
		prl_json_kv_str(&r->j, "public_key", rcli_fmt_key(c->pub, hex));
		prl_json_kv_str(&r->j, "local", la);
		prl_json_kv_u64(&r->j, "vni", c->vni);
		if (ep)
			prl_json_kv_u64(&r->j, "lamport", ep->lamport);
		prl_json_kv_u64(&r->j, "generation", c->generation);
		prl_json_kv_str(&r->j, "challenge_from", sa);
		prl_json_obj_end(&r->j);
	} else {
		printf("public-key %s\n", rcli_fmt_key(c->pub, hex));
		printf("local %s\n", la);
		printf("vni %u\n", c->vni);
		if (ep)
			printf("lamport %llu\n",
			       (unsigned long long)ep->lamport);
		printf("generation %u\n", c->generation);
		printf("challenge-from %s\n", sa);
	}
	fflush(stdout);
}

static const char *kind_name(enum prl_rc_kind k)
{
	switch (k) {
	case PRL_RC_RX_DATA:	return "data";
	case PRL_RC_RX_PING:	return "ping";
	case PRL_RC_RX_PONG:	return "pong";
	default:		return "other";
	}
}

static void print_rx(struct rcli *r, const struct prl_rc_rx *rx,
		     const char *event)
{
	char sa[RCLI_SA_STRLEN];
	char *hex = malloc(2 * rx->payload_len + 1);

	if (!hex)
		return;
	prl_hex_fmt(rx->payload, rx->payload_len, hex);
	rcli_fmt_sa(&rx->from, sa, sizeof(sa));
	if (r->cli.json) {
		prl_json_obj_begin(&r->j);
		prl_json_kv_str(&r->j, "event", event);
		prl_json_kv_str(&r->j, "kind", kind_name(rx->kind));
		prl_json_kv_str(&r->j, "from", sa);
		prl_json_kv_u64(&r->j, "vni", rx->hdr.vni);
		prl_json_kv_u64(&r->j, "proto", rx->hdr.proto);
		prl_json_kv_u64(&r->j, "len", rx->len);
		prl_json_kv_str(&r->j, "payload", hex);
		prl_json_obj_end(&r->j);
	} else {
		printf("%s %s from %s vni %u proto 0x%04x len %zu payload %s\n",
		       event, kind_name(rx->kind), sa, rx->hdr.vni,
		       rx->hdr.proto, rx->len, hex);
	}
	fflush(stdout);
	free(hex);
}

static void sleep_ms(uint32_t ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000 };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

static int mode_send(struct rcli *r, struct prl_rc *c,
		     const struct rcli_opts *o)
{
	uint8_t *buf = malloc(PRL_RC_MAX_DATAGRAM);
	long n;
	uint32_t i;
	int err = 0;

	if (!buf)
		return rcli_error(r, "out of memory");
	/* the relay binds us only once relayd has processed the Answer */
	if (o->settle_ms)
		sleep_ms(o->settle_ms);
	n = prl_hex_parse_any(o->send_hex, buf, PRL_RC_MAX_DATAGRAM - 8);
	if (n < 0) {
		free(buf);
		return rcli_usage_error(r, "invalid --send payload: expected an even number of hex digits");
	}
	for (i = 0; i < o->count && !err; i++) {
		if (i && o->interval_ms)
			sleep_ms(o->interval_ms);
		err = prl_rc_send_data(c, o->proto, buf, (size_t)n);
	}
	free(buf);
	if (err)
		return rcli_fail(r, err, "send");
	if (r->cli.json) {
		prl_json_obj_begin(&r->j);
		prl_json_kv_str(&r->j, "event", "sent");
		prl_json_kv_u64(&r->j, "count", o->count);
		prl_json_kv_u64(&r->j, "payload_len", (uint64_t)n);
		prl_json_obj_end(&r->j);
	} else {
		printf("sent %u datagrams of %ld payload bytes\n", o->count, n);
	}
	return EXIT_OK;
}

/* The reply to @rx in echo mode: a Pong to a Ping, data back to data. */
static int echo_back(struct prl_rc *c, const struct prl_rc_rx *rx)
{
	if (rx->kind == PRL_RC_RX_PING)
		return prl_rc_send_pong(c, rx);
	return prl_rc_send_data(c, rx->hdr.proto, rx->payload,
				rx->payload_len);
}

/*
 * --recv N: print N datagrams, each within --timeout. --echo: send each
 * Ping and datagram back, --count of them or until --timeout passes idle
 * (without --timeout, forever).
 */
static int mode_serve(struct rcli *r, struct prl_rc *c,
		      const struct rcli_opts *o, uint8_t *buf, bool echo)
{
	uint32_t want = echo ? o->count : o->recv_n;
	bool bounded = !echo || o->count_set;
	int timeout_ms = !echo || o->timeout_set ? o->timeout_ms : -1;
	struct prl_rc_rx rx;
	uint32_t done = 0;
	int err;

	while (!bounded || done < want) {
		err = prl_rc_recv(c, buf, PRL_RC_MAX_DATAGRAM, timeout_ms, &rx);
		if (err == -ETIMEDOUT && !bounded)
			return EXIT_OK;	/* idle: done */
		if (err == -ETIMEDOUT) {
			fprintf(stderr, "relay-client: bind: %s %u of %u datagrams before the timeout\n",
				echo ? "echoed" : "received", done, want);
			return EXIT_TIMEOUT;
		}
		if (err)
			return rcli_fail(r, err, "receive");
		if (rx.kind == PRL_RC_RX_OTHER ||
		    (echo && rx.kind == PRL_RC_RX_PONG))
			continue;
		err = echo ? echo_back(c, &rx) : 0;
		if (err)
			return rcli_fail(r, err, "echo");
		if (!echo || !o->quiet)
			print_rx(r, &rx, echo ? "echo" : "recv");
		done++;
	}
	return EXIT_OK;
}

static void print_probe(struct rcli *r, uint32_t seq, bool ok, uint64_t ns)
{
	if (r->cli.json) {
		prl_json_obj_begin(&r->j);
		prl_json_kv_str(&r->j, "event", ok ? "pong" : "lost");
		prl_json_kv_u64(&r->j, "seq", seq);
		if (ok)
			prl_json_kv_u64(&r->j, "rtt_us", ns / 1000);
		prl_json_obj_end(&r->j);
	} else if (ok) {
		printf("pong seq %u rtt %.3f ms\n", seq, (double)ns / 1e6);
	} else {
		printf("lost seq %u\n", seq);
	}
	fflush(stdout);
}

/* One Ping to the peer; waits for its Pong. Returns 0, -ETIMEDOUT, -errno. */
static int ping_once(struct prl_rc *c, size_t padding, int timeout_ms,
		     uint8_t *buf, uint64_t *rtt_ns)
{
	uint8_t txid[PRL_DISCO_TXID_LEN];
	uint64_t t0, deadline;
	struct prl_rc_rx rx;
	int err;

	randombytes_buf(txid, sizeof(txid));
	t0 = prl_rc_now_ns();
	deadline = t0 + (uint64_t)timeout_ms * 1000000u;
	err = prl_rc_send_ping(c, txid, padding);
	if (err)
		return err;
	for (;;) {
		uint64_t now = prl_rc_now_ns();

		if (now >= deadline)
			return -ETIMEDOUT;
		err = prl_rc_recv(c, buf, PRL_RC_MAX_DATAGRAM,
				 (int)((deadline - now + 999999) / 1000000),
				 &rx);
		if (err)
			return err;
		if (rx.kind == PRL_RC_RX_PONG &&
		    !memcmp(rx.msg.u.pong.txid, txid, sizeof(txid))) {
			*rtt_ns = prl_rc_now_ns() - t0;
			return 0;
		}
		if (rx.kind == PRL_RC_RX_PING)	/* be polite to a pinging peer */
			prl_rc_send_pong(c, &rx);
	}
}

static int mode_ping(struct rcli *r, struct prl_rc *c,
		     const struct rcli_opts *o, uint8_t *buf)
{
	uint64_t rtt, min = UINT64_MAX, max = 0, sum = 0;
	uint32_t seq, received = 0;
	int err;

	for (seq = 1; seq <= o->ping_n; seq++) {
		if (seq > 1 && o->interval_ms)
			sleep_ms(o->interval_ms);
		if (seq == 1) {
			/*
			 * Right after the handshake the relay may not have
			 * bound us yet (relayd binds after processing the
			 * Answer): the first probe is retried in short
			 * attempts, each a new Ping, within --timeout. Only a
			 * Ping that got through reaches an --echo peer.
			 */
			uint64_t end = prl_rc_now_ns() +
				       (uint64_t)o->timeout_ms * 1000000u;

			do {
				err = ping_once(c, o->size, CONFIRM_MS, buf,
						&rtt);
			} while (err == -ETIMEDOUT && prl_rc_now_ns() < end);
		} else {
			err = ping_once(c, o->size, o->timeout_ms, buf, &rtt);
		}
		if (err && err != -ETIMEDOUT)
			return rcli_fail(r, err, "ping");
		print_probe(r, seq, !err, rtt);
		if (err)
			continue;
		received++;
		sum += rtt;
		min = rtt < min ? rtt : min;
		max = rtt > max ? rtt : max;
	}
	if (r->cli.json) {
		prl_json_obj_begin(&r->j);
		prl_json_kv_str(&r->j, "event", "summary");
		prl_json_kv_u64(&r->j, "sent", o->ping_n);
		prl_json_kv_u64(&r->j, "received", received);
		prl_json_kv_u64(&r->j, "lost", o->ping_n - received);
		if (received) {
			prl_json_kv_u64(&r->j, "rtt_min_us", min / 1000);
			prl_json_kv_u64(&r->j, "rtt_avg_us",
				       sum / received / 1000);
			prl_json_kv_u64(&r->j, "rtt_max_us", max / 1000);
		}
		prl_json_obj_end(&r->j);
	} else {
		printf("%u sent, %u received, %u lost", o->ping_n, received,
		       o->ping_n - received);
		if (received)
			printf(", rtt min/avg/max %.3f/%.3f/%.3f ms",
			       (double)min / 1e6,
			       (double)sum / received / 1e6, (double)max / 1e6);
		printf("\n");
	}
	return received == o->ping_n ? EXIT_OK : EXIT_TIMEOUT;
}

int cmd_bind(struct prl_cli *cli, int argc, char **argv)
{
	struct rcli *r = rcli_of(cli);
	struct sockaddr_storage from;
	struct prl_disco_endpoint ep;
	struct rcli_opts o;
	uint8_t pub[32], *buf;
	struct prl_rc c;
	int rc, err, modes;

	rc = rcli_parse_opts(r, argc, argv, &o, bind_usage);
	if (rc)
		return rc < 0 ? EXIT_OK : rc;
	rc = rcli_need_relay(r, &o, !o.have_ep);
	if (rc)
		return rc;
	if (o.have_vni == o.allocate)
		return rcli_usage_error(r, "give exactly one of --vni N and --allocate");
	modes = !!o.send_hex + !!o.recv_n + o.echo + !!o.ping_n;
	if (modes > 1)
		return rcli_usage_error(r, "--send, --recv, --echo and --ping are exclusive");
	rc = rcli_open(r, &o, &c, pub);
	if (rc)
		return rc;
	if (o.have_ep && !o.have_peer) {
		rc = rcli_ep_peer(r, &o, pub, o.peer);
		if (rc) {
			prl_rc_close(&c);
			return rc;
		}
	}
	c.corrupt = o.corrupt;
	if (o.allocate)
		err = prl_rc_allocate(&c, o.server_key, o.peer, o.timeout_ms,
				     &ep);
	else
		err = prl_rc_set_endpoint(&c, o.server_key, o.vni, o.peer);
	if (!err && o.have_ep)
		prl_rc_set_candidates(&c, &o.ep);
	if (err) {
		prl_rc_close(&c);
		return rcli_fail(r, err, o.allocate ?
				 "waiting for AllocateResponse" :
				 "bad keys (peer or server key equals own key?)");
	}
	err = prl_rc_bind(&c, o.generation, o.timeout_ms, &from);
	if (err) {
		prl_rc_close(&c);
		return rcli_fail(r, err, "waiting for Challenge");
	}
	print_answered(r, &c, &from, o.allocate ? &ep : NULL);

	buf = malloc(PRL_RC_MAX_DATAGRAM);
	if (!buf) {
		prl_rc_close(&c);
		return rcli_error(r, "out of memory");
	}
	rc = EXIT_OK;
	if (o.send_hex)
		rc = mode_send(r, &c, &o);
	else if (o.recv_n)
		rc = mode_serve(r, &c, &o, buf, false);
	else if (o.echo)
		rc = mode_serve(r, &c, &o, buf, true);
	else if (o.ping_n)
		rc = mode_ping(r, &c, &o, buf);
	free(buf);
	prl_rc_close(&c);
	return rc;
}
