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

/*
 * Hypercalls are counted apart by number, memory_op (the toolstack's
 * busiest) by command, and system-register traps by register (the first
 * NR_PROFILED_SYSREGS met).
 */
#define NR_PROFILED_HCALLS 48
#define NR_PROFILED_MEMOPS 32
#define NR_PROFILED_SYSREGS 64

struct exit_tally {
	uint64_t count;
	uint64_t ticks;		/* EL2 time: exit to handler's end, and the entry */
};

struct exit_stats {
	struct exit_tally class[NR_EXIT_CLASSES];
	struct exit_tally hcall[NR_PROFILED_HCALLS];
	struct exit_tally memop[NR_PROFILED_MEMOPS];
	uint32_t sysreg_key[NR_PROFILED_SYSREGS];	/* ESR's ISS without Rt and direction; 0: free */
	struct exit_tally sysreg[NR_PROFILED_SYSREGS];
};

/* The register a trapped access names, from ESR_EL2's ISS (EC 0x18), as a non-zero key. */
static inline uint32_t exit_sysreg_key(uint32_t iss)
{
	return (iss & 0x3ffc1e) | 1;	/* Op0, Op2, Op1, CRn, CRm; never 0 */
}

extern bool exit_profiling;

#endif
