/* Dom0's device tree, rewritten from the host's (dom0_dt.c). */
#ifndef ASM_DOM0_DT_H
#define ASM_DOM0_DT_H

#include <domus/lib.h>
#include <asm/guest_dt.h>

/* A register range (size non-zero) or an SPI (spi non-zero) to pass through. */
struct dom0_device {
	uint64_t base, size;
	uint32_t spi;
	int node;		/* the node that lists it, for messages */
};

/* The host tree rewritten into buf, without the UART at `uart`; 0 or a libfdt error. */
int dom0_dt_build(void *buf, size_t size, const void *host, uint64_t uart,
		  const struct guest_dt_params *p);
/* What Dom0's tree lists for it to drive: up to max entries; how many. */
unsigned dom0_dt_devices(const void *fdt, struct dom0_device *out, unsigned max);

#endif
