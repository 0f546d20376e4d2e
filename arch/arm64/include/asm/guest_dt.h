/* The device tree Domus writes for a guest: the emulated machine as a board DT would describe it. */
#ifndef DOMUS_GUEST_DT_H
#define DOMUS_GUEST_DT_H

#include <domus/domain.h>

struct guest_dt_params {
	unsigned nr_vcpus;
	const struct ram_bank *banks;	/* all in one /memory node */
	unsigned nr_banks;
	const char *bootargs;
	uint64_t initrd_start;	/* guest physical; 0 when there is none */
	uint64_t initrd_end;
	bool vpl011;
	bool xen;		/* describe the Xen PV interface (/hypervisor) */
	uint64_t gicd, gicr;	/* where the vGIC is: Xen's guest map, or the host's for Dom0 */
	uint64_t gnttab_base, gnttab_size;	/* /hypervisor reg[0]: the grant table window */
	uint64_t ext_base, ext_size;	/* Dom0: reg[1], a range to map foreign pages (0: none) */
	uint64_t ipa_limit;		/* Dom0: guest physical addresses end here (bus windows) */
	const char *root_compat;	/* NULL: a DomU's "xen,xenvm"; Dom0: the host board's */
	int root_compat_len;
};

/* Writes the DT into buf; returns 0 or a negative libfdt error. */
int guest_dt_build(void *buf, size_t size, const struct guest_dt_params *p);

#endif
