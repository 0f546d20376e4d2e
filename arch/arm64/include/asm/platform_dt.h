/* The arm64 platform in the host device tree (platform_dt.c). */
#ifndef ASM_PLATFORM_DT_H
#define ASM_PLATFORM_DT_H

#include <domus/lib.h>

struct platform {
	uint64_t gicd, gicd_size;
	uint64_t gicr, gicr_size;
	bool psci_smc;		/* firmware PSCI conduit: SMC, else HVC */
};

/* The GIC and PSCI conduit; NULL, or what is wrong. */
const char *platform_dt_parse(const void *fdt, struct platform *p);
/* A PL011 by alias or path (NULL: /chosen/stdout-path); false if there is none. */
bool platform_dt_find_uart(const void *fdt, const char *name, uint64_t *base, uint32_t *intid);

/*
 * The host physical range from the end of RAM to the next device (or limit):
 * where Dom0 can map other domains' pages (Xen's "extended regions").
 */
bool platform_dt_free_above_ram(const void *fdt, uint64_t limit, uint64_t *base, uint64_t *size);
/* Reads the host's (platform_dt_parse()) and keeps it, and the tree, for building Dom0. */
const char *platform_dt_init(const void *fdt);
/* Domus's console UART (found before the rest), which Dom0 does not get; 0: none. */
void platform_set_console(uint64_t base);
uint64_t platform_console(void);
const struct platform *arm64_host(void);
const void *arm64_host_fdt(void);

#endif
