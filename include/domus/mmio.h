/* Emulated MMIO: a guest access the port decoded from a p2m fault, and the devices that serve it. */
#ifndef DOMUS_MMIO_H
#define DOMUS_MMIO_H

#include <domus/lib.h>

struct vcpu;
struct domain;

struct mmio_access {
	uint64_t addr;		/* guest physical address */
	unsigned size;		/* bytes: 1, 2, 4 or 8 */
	bool write;
	bool sign_extend;	/* loads: sign-extend the value to the register width */
	bool reg64;		/* loads: the destination is an X register */
	unsigned reg;		/* register number; 31 is XZR */
	uint64_t data;		/* the value stored, or the value loaded */
	const struct mmio_ops *ops;	/* mmio_dispatch(): the device that served it */
};

/* A device model.  Handlers return false for an access the device rejects. */
struct mmio_ops {
	const char *name;
	bool (*read)(struct vcpu *v, void *dev, uint64_t offset, unsigned size, uint64_t *val);
	bool (*write)(struct vcpu *v, void *dev, uint64_t offset, unsigned size, uint64_t val);
};

struct mmio_region {
	uint64_t base;
	uint64_t size;
	const struct mmio_ops *ops;
	void *dev;
};

enum mmio_result { MMIO_DONE, MMIO_NO_DEVICE, MMIO_REJECTED };

void mmio_register(struct domain *d, uint64_t base, uint64_t size,
		   const struct mmio_ops *ops, void *dev);
enum mmio_result mmio_dispatch(struct vcpu *v, struct mmio_access *a);
/* The register value a load produces, after truncation and sign extension. */
uint64_t mmio_load_result(const struct mmio_access *a);

#endif
