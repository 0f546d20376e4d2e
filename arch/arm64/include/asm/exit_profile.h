/*
 * The exit profile (exit_profile.c): with Domus's `exit_profile` option,
 * each CPU counts its guest exits by class and the EL2 time they took, and
 * the totals are printed when Domus powers off (make bench reads them).
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

struct exit_stats {
	uint64_t count[NR_EXIT_CLASSES];
	uint64_t ticks[NR_EXIT_CLASSES];	/* EL2 time: exit to handler's end, and the entry */
};

extern bool exit_profiling;

#endif
