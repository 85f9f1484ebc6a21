// SPDX-License-Identifier: GPL-2.0-only
/* relayctl socket list|detach */
#include "relayctl.h"

static int socket_list(struct prl_cli *cli, int argc, char **argv)
{
	struct ctl_list l;
	int rc = ctl_list_begin(&l, ctl_of(cli), &ctl_out_sock, argc, argv);

	return rc ?: ctl_list_end(&l, prl_sock_dump(&l.c->nl, ctl_list_sock,
						    &l));
}

static int socket_detach(struct prl_cli *cli, int argc, char **argv)
{
	struct ctl *c = ctl_of(cli);
	uint32_t id;
	int err;

	if (argc != 1)
		return ctl_usage_error(c, "expected exactly one socket ID");
	if (ctl_arg_u32(c, "socket ID", argv[0], &id))
		return EXIT_USAGE;
	if (ctl_nl(c))
		return EXIT_ERR;
	err = prl_sock_detach(&c->nl, id);
	return err ? ctl_kernel_error(c, err) : EXIT_OK;
}

const struct prl_cli_cmd socket_cmds[] = {
	PRL_CLI_CMD("list", "", "list the UDP sockets attached to the data plane",
	  "Prints one line per socket: ID, family, bound address:port and the\n"
	  "number of datagrams its encap hook saw. With -j, a JSON array of\n"
	  "{id, family, local, address, port, rx_packets}.\n",
	  socket_list),
	PRL_CLI_CMD("detach", "ID", "detach a socket from the data plane",
	  "Stops relaying on socket ID (see 'socket list'). The socket stays\n"
	  "open in the process that owns it and receives all its datagrams.\n",
	  socket_detach),
	{ 0 },
};
