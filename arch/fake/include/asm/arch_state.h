/* The fake port's part of a vCPU, a domain and a physical CPU. */
#ifndef ASM_ARCH_STATE_H
#define ASM_ARCH_STATE_H

#include <stdint.h>
#include <stdbool.h>

#define FAKE_RX_MAX 64

struct arch_vcpu {
	uint64_t regs[8];	/* hypercall number in regs[7], arguments in regs[0..5] */
	int64_t ret;		/* the last hypercall's result ... */
	bool continued;		/* ... or it is to be issued again, with regs[] as they are */
	unsigned upcalls;	/* event-channel upcalls raised */
	bool irq_pending;	/* an upcall not yet taken */
	bool created;
};

struct arch_domain {
	char rx[FAKE_RX_MAX];	/* bytes typed for its emulated UART */
	unsigned rx_len;
	bool uart;		/* it has one */
	uint64_t entry;		/* where arch_domain_load() started vCPU 0 */
	unsigned released;	/* p2m_arch_relinquish() has looked at the slots below */
};

struct arch_pcpu {
	/* nothing: the fake machine keeps what it has of a CPU itself */
};

#endif
