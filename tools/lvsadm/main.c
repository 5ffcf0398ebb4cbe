// SPDX-License-Identifier: GPL-2.0
/*
 * lvsadm: administer the Linux Virtual Server, a drop-in for ipvsadm.
 *
 * main() opens the one netlink socket of the run, parses the command line
 * into a request (options.c) and runs it: verbs[] maps each verb to the
 * function that does it. The changes go to request.c; the listings read
 * the table (fetch.c) and print it as text (list.c), rules (save.c) or
 * JSON (json.c). Kernel refusals print ipvsadm's message and exit 255.
 */
#include <stdlib.h>
#include <string.h>

#include "lvsadm.h"

static int kernel_error(enum verb v, int err)
{
	fprintf(stderr, "%s%s\n", restore_where, nl_strerror(v, err));
	return EXIT_KERNEL;
}

static int do_list(struct request *req)
{
	struct lvs_table t = { 0 };
	struct lvs_timeouts to;
	struct lvs_daemon dm[2];
	unsigned int n;
	bool one = req->opts & OPT(O_SERVICE);
	int err;

	if (req->opts & OPT(O_CONN))
		return list_conns(req->format);
	if (req->opts & OPT(O_TIMEOUT)) {
		err = fetch_timeouts(&to);
		if (err) {
			kernel_error(V_LIST, err);
			return 1;
		}
		if (req->format & F_JSON)
			list_timeouts_json(&to);
		else
			list_timeouts_text(&to);
		return 0;
	}
	if (req->opts & OPT(O_DAEMON)) {
		err = fetch_daemons(dm, &n);
		if (err) {
			kernel_error(V_LIST, err);
			return 1;
		}
		if (req->format & F_JSON)
			list_daemons_json(dm, n);
		else
			list_daemons_text(dm, n);
		return 0;
	}
	err = fetch_info(&t);
	if (!err)
		err = fetch_table(&t, one ? &req->svc : NULL, !(req->format & F_NOSORT));
	if (err) {
		free_table(&t);
		kernel_error(req->verb, err);
		return 1;
	}
	if (req->verb == V_SAVE)
		save_rules(&t, req->format);
	else if (req->format & F_JSON)
		list_json(&t);
	else
		list_text(&t, req->format, !one);
	free_table(&t);
	return 0;
}

static int do_restore(struct request *req)
{
	(void)req;
	return restore_rules(stdin);
}

static int do_help(struct request *req)
{
	(void)req;
	print_usage(stdout);
	return 0;
}

static int do_version(struct request *req)
{
	(void)req;
	printf("lvsadm %s (IPVS generic netlink, version %u)\n", LVSADM_VERSION,
	       LVS_GENL_VERSION);
	return 0;
}

static int do_change(struct request *req)
{
	int err = 0;

	switch (req->verb) {
	case V_ADD_SVC:
		err = req_service(LVS_CMD_NEW_SERVICE, &req->svc);
		break;
	case V_EDIT_SVC:
		err = req_service(LVS_CMD_SET_SERVICE, &req->svc);
		break;
	case V_DEL_SVC:
		err = req_service(LVS_CMD_DEL_SERVICE, &req->svc);
		break;
	case V_ADD_DEST:
		err = req_dest(LVS_CMD_NEW_DEST, &req->svc, &req->dest);
		break;
	case V_EDIT_DEST:
		err = req_dest(LVS_CMD_SET_DEST, &req->svc, &req->dest);
		break;
	case V_DEL_DEST:
		err = req_dest(LVS_CMD_DEL_DEST, &req->svc, &req->dest);
		break;
	case V_FLUSH:
		err = req_flush();
		break;
	case V_ZERO:
		err = req_zero(&req->svc);
		break;
	case V_SET:
		err = req_timeouts(&req->timeouts);
		break;
	case V_START_DAEMON:
		err = req_daemon(LVS_CMD_NEW_DAEMON, &req->daemon);
		break;
	case V_STOP_DAEMON:
		err = req_daemon(LVS_CMD_DEL_DAEMON, &req->daemon);
		break;
	default:
		break;
	}
	return err ? kernel_error(req->verb, err) : 0;
}

static int (* const verbs[V_COUNT])(struct request *req) = {
	[V_ADD_SVC] = do_change,
	[V_EDIT_SVC] = do_change,
	[V_DEL_SVC] = do_change,
	[V_FLUSH] = do_change,
	[V_LIST] = do_list,
	[V_ADD_DEST] = do_change,
	[V_DEL_DEST] = do_change,
	[V_EDIT_DEST] = do_change,
	[V_SET] = do_change,
	[V_START_DAEMON] = do_change,
	[V_STOP_DAEMON] = do_change,
	[V_RESTORE] = do_restore,
	[V_SAVE] = do_list,
	[V_ZERO] = do_change,
	[V_HELP] = do_help,
	[V_VERSION] = do_version,
};

int run_request(struct request *req)
{
	int ret = verbs[req->verb](req);

	fflush(stdout);
	return ret;
}

int main(int argc, char **argv)
{
	struct request req;
	int err, ret;

	if (argc == 1) {
		memset(&req, 0, sizeof(req));
		req.verb = V_LIST;
	} else {
		parse_request(argc, argv, &req);
	}
	if (req.verb == V_HELP || req.verb == V_VERSION)
		return run_request(&req);
	err = nl_open();
	if (err) {
		fprintf(stderr, "%s: cannot reach the IPVS netlink family (%s): %s\n",
			prog, nl_strerror(V_NONE, err), "load lvs (modprobe lvs) or ip_vs");
		return EXIT_USAGE;
	}
	ret = run_request(&req);
	nl_close();
	return ret;
}
