/*
 * The exit profile (exit_profile.c): with Domus's `exit_profile` option,
 * each CPU counts its guest exits by class and the EL2 time they took, and
 * the totals are printed when Domus powers off (make bench reads them);
 * hypercalls also by number, and memory_op by command.
 */
#ifndef ASM_EXIT_PROFILE_H
#define ASM_EXIT_PROFILE_H

#include <stdint.h>
#include <stdbool.h>

enum exit_class {
	EXITC_HYPERCALL, EXITC_PSCI, EXITC_MMIO_UART, EXITC_MMIO_GIC, EXITC_MMIO_OTHER,
	EXITC_WFI, EXITC_WFE, EXITC_SYSREG, EXITC_IRQ, EXITC_SCRUB, EXITC_ABORT, EXITC_OTHER,
	NR_EXIT_CLASSES
};

/* Hypercalls are counted apart by number, and memory_op (the toolstack's busiest) by command. */
#define NR_PROFILED_HCALLS 48
#define NR_PROFILED_MEMOPS 32

struct exit_tally {
	uint64_t count;
	uint64_t ticks;		/* EL2 time: exit to handler's end, and the entry */
};

struct exit_stats {
	struct exit_tally class[NR_EXIT_CLASSES];
	struct exit_tally hcall[NR_PROFILED_HCALLS];
	struct exit_tally memop[NR_PROFILED_MEMOPS];
};

extern bool exit_profiling;

#endif
