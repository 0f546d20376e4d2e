/* The arm64 part of a vCPU, a domain and a physical CPU. */
#ifndef ASM_ARCH_STATE_H
#define ASM_ARCH_STATE_H

#include <stdint.h>
#include <stdbool.h>
#include <asm/exit_profile.h>
#include <asm/vgic.h>
#include <asm/vpl011.h>

/* General registers as the world switch (entry.S) saves them. */
struct cpu_regs {
	uint64_t x[31];
	uint64_t pc;
	uint64_t pstate;
};

/* EL1 system registers switched with the vCPU. */
enum el1_sysreg {
	SR_SCTLR, SR_CPACR, SR_TTBR0, SR_TTBR1, SR_TCR, SR_ESR, SR_AFSR0, SR_AFSR1,
	SR_FAR, SR_MAIR, SR_AMAIR, SR_VBAR, SR_CONTEXTIDR, SR_CNTKCTL, SR_PAR,
	SR_MDSCR, SR_SP_EL0, SR_SP_EL1, SR_ELR, SR_SPSR, SR_TPIDR_EL0, SR_TPIDRRO_EL0,
	SR_TPIDR_EL1, SR_CSSELR, SR_ACTLR, NR_EL1_SYSREGS
};

#define MAX_HW_BREAKPOINTS 16

struct fp_state {
	__uint128_t v[32];
	uint64_t fpsr, fpcr;
};

struct timer_state {
	uint64_t cntv_ctl, cntv_cval, cntp_ctl, cntp_cval;
};

struct gic_cpu_state {
	uint64_t vmcr;
	uint64_t ap0r[4], ap1r[4];
};

struct debug_state {
	uint64_t bvr[MAX_HW_BREAKPOINTS], bcr[MAX_HW_BREAKPOINTS];
	uint64_t wvr[MAX_HW_BREAKPOINTS], wcr[MAX_HW_BREAKPOINTS];
	uint64_t mdccint, oslk;		/* MDCCINT_EL1, the OS lock */
};

struct arch_vcpu {
	struct cpu_regs regs;
	uint64_t sys[NR_EL1_SYSREGS];
	uint64_t vmpidr;
	struct fp_state fp;
	struct timer_state timer;
	struct gic_cpu_state gic;
	struct debug_state dbg;
	struct vgic_cpu vgic;
};

struct arch_domain {
	uint64_t *p2m_root;		/* stage-2 level-1 table */
	uint64_t low_tables;		/* the level-2 tables of its first 16 GiB, in one run; or 0 */
	volatile bool full_walk;	/* something is mapped above them: walks start at level 1 */
	uint64_t released;		/* p2m_arch_relinquish() has let go of all below */
	uint16_t vmid;
	bool flush_batched;		/* p2m_arch_batch_begin() .. _end(): flush at the end */
	bool flush_pending;		/* something was taken out since the last flush */
	uint64_t cntvoff;
	struct vgic_dist vgic;
	struct vpl011 *uart;		/* NULL without a vpl011 */
	struct vpl011 uart_dev;
};

struct arch_pcpu {
	uint64_t mpidr;
	struct exit_stats exits;	/* with exit_profiling only */
};

/* Argument and result registers of HVC/SMC calls. */
#define vcpu_reg(v, n) ((v)->arch.regs.x[n])

#endif
