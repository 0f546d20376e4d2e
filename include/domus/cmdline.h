/* Domus's own command line (Xen's syntax: "name=value" or "name", space separated). */
#ifndef DOMUS_CMDLINE_H
#define DOMUS_CMDLINE_H

#include <domus/console.h>

#define CMDLINE_MAX_WARNINGS 8

/*
 * Xen's bootscrub=: the free RAM Domus boots with is scrubbed at once, in
 * idle time, or not at all; without the option, as each piece is first used.
 */
enum bootscrub { BOOTSCRUB_OFF, BOOTSCRUB_ON, BOOTSCRUB_IDLE, BOOTSCRUB_ON_USE };

/* Domus's p2m_mapping=: guest memory in the largest blocks, in pages, or as suits the CPU. */
enum p2m_mapping { P2M_MAPPING_AUTO, P2M_MAPPING_BLOCKS, P2M_MAPPING_PAGES };

struct hv_options {
	enum log_level loglevel;	/* loglvl: Domus's own messages printed */
	enum log_level guest_loglevel;	/* guest_loglvl: a DomU's console_io is printed at debug */
	enum console_timestamps timestamps;
	char console[16];	/* "dtuart" (the default) or "none" */
	char dtuart[128];	/* alias or path of the UART node, options stripped */
	enum bootscrub bootscrub;
	enum p2m_mapping p2m_mapping;
	char sched[16];		/* "credit" (default) or "null" */
	unsigned tslice_ms;	/* sched_credit_tslice_ms */
	unsigned ratelimit_us;	/* sched_ratelimit_us */
	uint64_t dom0_mem;		/* bytes; 0 if not given */
	uint64_t dom0_mem_min, dom0_mem_max;	/* dom0_mem=min:..,max:.. (0: no bound) */
	unsigned dom0_vcpus_min, dom0_vcpus_max;	/* dom0_max_vcpus=N or min-max; 0: not given */
	bool dom0_vcpus_pin;
	bool exit_profile;	/* Domus's own: count exits by class (printed at power-off) */
	char text[1024];	/* the line as given (XENVER_commandline), cut to Xen's size */
	char warnings[CMDLINE_MAX_WARNINGS][96];
	unsigned nr_warnings;
};

void cmdline_parse(const char *cmdline, struct hv_options *opt);
/* The values of loglvl and guest_loglvl, and of console_timestamps; false if bad. */
bool cmdline_parse_loglvl(const char *val, enum log_level *out);
bool cmdline_parse_timestamps(const char *val, enum console_timestamps *out);
/* The options Domus booted with. */
const struct hv_options *hv_options(void);

#endif
