/*
 * Helpers shared by the vGIC tests: register offsets written from the GICv3
 * specification (IHI 0069), not taken from Domus, and what a guest's GIC
 * driver does with them.
 */
#ifndef VGIC_GUEST_H
#define VGIC_GUEST_H
#include "../unit.h"
#include <domus/arch.h>
#include <public/arch-arm64.h>

#define GICD(off)      (GUEST_GICV3_GICD_BASE + (off))
#define GICR(n, off)   (GUEST_GICV3_GICR0_BASE + (n) * GUEST_GICV3_RDIST_STRIDE + (off))
#define SGI(n, off)    GICR(n, 0x10000 + (off))

#define GICD_CTLR        0x0000
#define GICD_TYPER       0x0004
#define GICD_ISENABLER   0x0100
#define GICD_ICENABLER   0x0180
#define GICD_ISPENDR     0x0200
#define GICD_ICPENDR     0x0280
#define GICD_ISACTIVER   0x0300
#define GICD_ICACTIVER   0x0380
#define GICD_IPRIORITYR  0x0400
#define GICD_ICFGR       0x0c00
#define GICD_IROUTER     0x6000
#define GICD_PIDR2       0xffe8
#define GICR_TYPER       0x0008
#define GICR_WAKER       0x0014

#define CTLR_G1A         0x2
#define CTLR_ARE_NS      0x10
#define NR_LRS           4

/* ---- helpers: what a guest driver does ---- */

/* Bit n of the 32-bit register bank at off: the word address and the mask. */
#define REG_OF(off, intid) ((off) + (intid) / 32 * 4)
#define BIT_OF(intid)      (1u << ((intid) % 32))

static inline bool reg_bit(struct vcpu *v, uint64_t bank, uint32_t intid)
{
	return guest_read(v, GICD(REG_OF(bank, intid)), 4) & BIT_OF(intid);
}

static inline bool private_bit(struct vcpu *v, unsigned n, uint64_t bank, uint32_t intid)
{
	return guest_read(v, SGI(n, REG_OF(bank, intid)), 4) & BIT_OF(intid);
}

static inline void gicd_enable(struct domain *d)
{
	guest_write(d->vcpu[0], GICD(GICD_CTLR), 4, CTLR_G1A);
}

/* An SPI as a driver sets it up: trigger, priority, target vCPU, enabled. */
static inline void setup_spi(struct domain *d, uint32_t intid, bool edge, uint8_t prio,
			     unsigned target)
{
	struct vcpu *v = d->vcpu[0];
	uint64_t cfg = GICD(GICD_ICFGR + intid / 16 * 4);
	uint32_t field = 2u << (2 * (intid % 16));

	guest_write(v, cfg, 4, edge ? guest_read(v, cfg, 4) | field : guest_read(v, cfg, 4) & ~field);
	guest_write(v, GICD(GICD_IPRIORITYR + intid), 1, prio);
	guest_write(v, GICD(GICD_IROUTER + intid * 8), 8, arch_vcpu_hwid(target));
	guest_write(v, GICD(REG_OF(GICD_ISENABLER, intid)), 4, BIT_OF(intid));
}

static inline void enable_private(struct domain *d, unsigned n, uint32_t intid, uint8_t prio)
{
	guest_write(d->vcpu[0], SGI(n, GICD_IPRIORITYR + intid), 1, prio);
	guest_write(d->vcpu[0], SGI(n, REG_OF(GICD_ISENABLER, intid)), 4, BIT_OF(intid));
}

/* A domain with the distributor enabled. */
/* A domain with its distributor enabled and every vCPU started (as after CPU_ON). */
static inline struct domain *gic_domain(unsigned nr_vcpus)
{
	struct domain *d = fake_domain(nr_vcpus);

	for (unsigned i = 0; i < nr_vcpus; i++)
		d->vcpu[i]->power = VCPU_ON;
	gicd_enable(d);
	clear_kicks(d);
	return d;
}

/* Entry: fill NR_LRS list registers. */
static inline bool fill(struct vcpu *v, struct vgic_lr *lrs)
{
	memset(lrs, 0xa5, sizeof(*lrs) * NR_LRS);	/* fill must write every entry */
	return vgic_lr_fill(v, lrs, NR_LRS);
}

static inline unsigned valid_lrs(const struct vgic_lr *lrs)
{
	unsigned n = 0;

	for (unsigned i = 0; i < NR_LRS; i++)
		n += lrs[i].valid;
	return n;
}

/* Nothing is delivered to v. */
static inline void check_no_lrs(struct vcpu *v, const char *file, int line)
{
	struct vgic_lr lrs[NR_LRS];
	bool more = fill(v, lrs);

	if (valid_lrs(lrs) || more)
		unit_fail(file, line, "no interrupt in the list registers", NULL, false);
}
#define CHECK_NO_LRS(v) check_no_lrs(v, __FILE__, __LINE__)

#endif
