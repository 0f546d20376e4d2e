/* Domus's own command line (Xen's syntax: "name=value" or "name", space separated). */
#ifndef DOMUS_CMDLINE_H
#define DOMUS_CMDLINE_H

#include <domus/console.h>

#define CMDLINE_MAX_WARNINGS 8

struct hv_options {
	enum log_level loglevel;
	char console[16];	/* "dtuart" (the default) or "none" */
	char dtuart[128];	/* alias or path of the UART node, options stripped */
	bool bootscrub;
	char sched[16];		/* "credit" (default) or "null" */
	unsigned tslice_ms;	/* sched_credit_tslice_ms */
	unsigned ratelimit_us;	/* sched_ratelimit_us */
	char warnings[CMDLINE_MAX_WARNINGS][96];
	unsigned nr_warnings;
};

void cmdline_parse(const char *cmdline, struct hv_options *opt);

#endif
