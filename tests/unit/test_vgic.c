/*
 * The virtual GICv3: distributor and redistributor registers as the GICv3
 * architecture specification (IHI 0069) defines them, and the delivery of
 * interrupts through list registers.
 */
#include "unit.h"
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

static bool reg_bit(struct vcpu *v, uint64_t bank, uint32_t intid)
{
	return guest_read(v, GICD(REG_OF(bank, intid)), 4) & BIT_OF(intid);
}

static bool private_bit(struct vcpu *v, unsigned n, uint64_t bank, uint32_t intid)
{
	return guest_read(v, SGI(n, REG_OF(bank, intid)), 4) & BIT_OF(intid);
}

static void gicd_enable(struct domain *d)
{
	guest_write(d->vcpu[0], GICD(GICD_CTLR), 4, CTLR_G1A);
}

/* An SPI as a driver sets it up: trigger, priority, target vCPU, enabled. */
static void setup_spi(struct domain *d, uint32_t intid, bool edge, uint8_t prio, unsigned target)
{
	struct vcpu *v = d->vcpu[0];
	uint64_t cfg = GICD(GICD_ICFGR + intid / 16 * 4);
	uint32_t field = 2u << (2 * (intid % 16));

	guest_write(v, cfg, 4, edge ? guest_read(v, cfg, 4) | field : guest_read(v, cfg, 4) & ~field);
	guest_write(v, GICD(GICD_IPRIORITYR + intid), 1, prio);
	guest_write(v, GICD(GICD_IROUTER + intid * 8), 8, vcpu_affinity(target));
	guest_write(v, GICD(REG_OF(GICD_ISENABLER, intid)), 4, BIT_OF(intid));
}

static void enable_private(struct domain *d, unsigned n, uint32_t intid, uint8_t prio)
{
	guest_write(d->vcpu[0], SGI(n, GICD_IPRIORITYR + intid), 1, prio);
	guest_write(d->vcpu[0], SGI(n, REG_OF(GICD_ISENABLER, intid)), 4, BIT_OF(intid));
}

/* A domain with the distributor enabled. */
static struct domain *gic_domain(unsigned nr_vcpus)
{
	struct domain *d = fake_domain(nr_vcpus);

	gicd_enable(d);
	clear_kicks(d);
	return d;
}

/* Entry: fill NR_LRS list registers. */
static bool fill(struct vcpu *v, struct vgic_lr *lrs)
{
	memset(lrs, 0xa5, sizeof(*lrs) * NR_LRS);	/* fill must write every entry */
	return vgic_lr_fill(v, lrs, NR_LRS);
}

static unsigned valid_lrs(const struct vgic_lr *lrs)
{
	unsigned n = 0;

	for (unsigned i = 0; i < NR_LRS; i++)
		n += lrs[i].valid;
	return n;
}

/* Nothing is delivered to v. */
static void check_no_lrs(struct vcpu *v, const char *file, int line)
{
	struct vgic_lr lrs[NR_LRS];
	bool more = fill(v, lrs);

	if (valid_lrs(lrs) || more)
		unit_fail(file, line, "no interrupt in the list registers", NULL, false);
}
#define CHECK_NO_LRS(v) check_no_lrs(v, __FILE__, __LINE__)

/* ---- distributor registers ---- */

TEST(gicd_ctlr_enable_bits_and_are)
{
	struct domain *d = fake_domain(1);
	struct vcpu *v = d->vcpu[0];

	CHECK_EQ(guest_read(v, GICD(GICD_CTLR), 4), CTLR_ARE_NS);	/* ARE_NS is RAO */
	guest_write(v, GICD(GICD_CTLR), 4, CTLR_G1A);
	CHECK_EQ(guest_read(v, GICD(GICD_CTLR), 4), CTLR_ARE_NS | CTLR_G1A);
	guest_write(v, GICD(GICD_CTLR), 4, 0);			/* ARE_NS is WI */
	CHECK_EQ(guest_read(v, GICD(GICD_CTLR), 4), CTLR_ARE_NS);
	/* Reserved bits and RWP read as zero. */
	guest_write(v, GICD(GICD_CTLR), 4, 0xffffffec | CTLR_G1A);
	CHECK_EQ(guest_read(v, GICD(GICD_CTLR), 4) & ~0x3u, CTLR_ARE_NS);
	CHECK(guest_read(v, GICD(GICD_CTLR), 4) & CTLR_G1A);
}

TEST(gicd_id_registers)
{
	struct domain *d = fake_domain(1);
	struct vcpu *v = d->vcpu[0];
	uint64_t typer = guest_read(v, GICD(GICD_TYPER), 4);

	CHECK_EQ(typer & 0x1f, 2);		/* ITLinesNumber: INTIDs up to 32 * 3 - 1 = 95 */
	CHECK_EQ(typer & (1u << 17), 0);	/* no LPIs */
	CHECK(((typer >> 19) & 0x1f) >= 9);	/* IDbits: enough for INTID 1023 */
	CHECK_EQ(guest_read(v, GICD(GICD_PIDR2), 4), 0x3b);	/* ArchRev 3: GICv3 */
}

TEST(gicd_isenabler_icenabler)
{
	struct domain *d = fake_domain(1);
	struct vcpu *v = d->vcpu[0];

	CHECK_EQ(guest_read(v, GICD(GICD_ISENABLER + 4), 4), 0);
	guest_write(v, GICD(GICD_ISENABLER + 4), 4, 0x80000005);	/* 32, 34, 63 */
	CHECK_EQ(guest_read(v, GICD(GICD_ISENABLER + 4), 4), 0x80000005);
	CHECK_EQ(guest_read(v, GICD(GICD_ICENABLER + 4), 4), 0x80000005);
	guest_write(v, GICD(GICD_ISENABLER + 4), 4, 0);		/* zeros have no effect */
	CHECK_EQ(guest_read(v, GICD(GICD_ISENABLER + 4), 4), 0x80000005);
	guest_write(v, GICD(GICD_ICENABLER + 4), 4, 0x1);
	CHECK_EQ(guest_read(v, GICD(GICD_ISENABLER + 4), 4), 0x80000004);
	guest_write(v, GICD(GICD_ICENABLER + 4), 4, 0);
	CHECK_EQ(guest_read(v, GICD(GICD_ICENABLER + 4), 4), 0x80000004);
	/* 64..95 exist, 96.. do not. */
	guest_write(v, GICD(GICD_ISENABLER + 8), 4, 0xffffffff);
	CHECK_EQ(guest_read(v, GICD(GICD_ISENABLER + 8), 4), 0xffffffff);
	guest_write(v, GICD(GICD_ISENABLER + 12), 4, 0xffffffff);
	CHECK_EQ(guest_read(v, GICD(GICD_ISENABLER + 12), 4), 0);
	/* With affinity routing, SGIs and PPIs are the redistributor's: GICD_ISENABLER0 is RAZ/WI. */
	guest_write(v, GICD(GICD_ISENABLER), 4, 0xffffffff);
	CHECK_EQ(guest_read(v, GICD(GICD_ISENABLER), 4), 0);
	CHECK_EQ(guest_read(v, SGI(0, GICD_ISENABLER), 4), 0);
	/* Bit registers are 32-bit only. */
	uint64_t val = 1;
	CHECK_EQ(guest_access(v, GICD(GICD_ISENABLER + 4), 1, true, &val), MMIO_REJECTED);
	CHECK_EQ(guest_access(v, GICD(GICD_ISENABLER + 4), 2, false, &val), MMIO_REJECTED);
	CHECK_EQ(guest_access(v, GICD(GICD_ISENABLER + 8), 8, false, &val), MMIO_REJECTED);
}

TEST(gicd_ipriorityr_byte_and_word)
{
	struct domain *d = fake_domain(1);
	struct vcpu *v = d->vcpu[0];
	uint64_t val = 0;

	guest_write(v, GICD(GICD_IPRIORITYR + 40), 1, 0xff);
	guest_write(v, GICD(GICD_IPRIORITYR + 41), 1, 0x37);
	CHECK_EQ(guest_read(v, GICD(GICD_IPRIORITYR + 40), 1), 0xf8);	/* five priority bits */
	CHECK_EQ(guest_read(v, GICD(GICD_IPRIORITYR + 41), 1), 0x30);
	CHECK_EQ(guest_read(v, GICD(GICD_IPRIORITYR + 40), 4), 0x000030f8);
	guest_write(v, GICD(GICD_IPRIORITYR + 44), 4, 0x11223344);
	CHECK_EQ(guest_read(v, GICD(GICD_IPRIORITYR + 44), 4), 0x10203040);
	CHECK_EQ(guest_read(v, GICD(GICD_IPRIORITYR + 46), 1), 0x20);
	CHECK_EQ(guest_read(v, GICD(GICD_IPRIORITYR + 40), 1), 0xf8);	/* untouched */
	CHECK_EQ(d->vgic.spi[47 - 32].priority, 0x10);
	/* Private interrupts' priorities are in the redistributor: RAZ/WI here. */
	guest_write(v, GICD(GICD_IPRIORITYR + 4), 4, 0xffffffff);
	CHECK_EQ(guest_read(v, GICD(GICD_IPRIORITYR + 4), 4), 0);
	CHECK_EQ(guest_read(v, SGI(0, GICD_IPRIORITYR + 4), 4), 0);
	/* Only byte and word accesses. */
	CHECK_EQ(guest_access(v, GICD(GICD_IPRIORITYR + 40), 2, false, &val), MMIO_REJECTED);
	CHECK_EQ(guest_access(v, GICD(GICD_IPRIORITYR + 40), 8, false, &val), MMIO_REJECTED);
}

TEST(gicd_icfgr_edge_and_level)
{
	struct domain *d = fake_domain(1);
	struct vcpu *v = d->vcpu[0];

	/* ICFGR2 covers INTIDs 32..47; bit 2n+1 set = edge-triggered, bit 2n is RES0. */
	guest_write(v, GICD(GICD_ICFGR + 8), 4, 0x2 | 0x8);
	CHECK_EQ(guest_read(v, GICD(GICD_ICFGR + 8), 4), 0xa);
	CHECK(d->vgic.spi[0].edge && d->vgic.spi[1].edge && !d->vgic.spi[2].edge);
	guest_write(v, GICD(GICD_ICFGR + 8), 4, 0xffffffff);
	CHECK_EQ(guest_read(v, GICD(GICD_ICFGR + 8), 4), 0xaaaaaaaa);
	guest_write(v, GICD(GICD_ICFGR + 12), 4, 0x55555555);		/* 48..63: RES0 bits only */
	CHECK_EQ(guest_read(v, GICD(GICD_ICFGR + 12), 4), 0);
	guest_write(v, GICD(GICD_ICFGR + 8), 4, 0x8);
	CHECK_EQ(guest_read(v, GICD(GICD_ICFGR + 8), 4), 0x8);
	CHECK(!d->vgic.spi[0].edge && d->vgic.spi[1].edge);
	/* SGIs are always edge-triggered: GICR_ICFGR0 reads 0xaaaaaaaa and ignores writes. */
	CHECK_EQ(guest_read(v, SGI(0, GICD_ICFGR), 4), 0xaaaaaaaa);
	guest_write(v, SGI(0, GICD_ICFGR), 4, 0);
	CHECK_EQ(guest_read(v, SGI(0, GICD_ICFGR), 4), 0xaaaaaaaa);
}

TEST(gicd_irouter_64_and_32_bit)
{
	struct domain *d = fake_domain(2);
	struct vcpu *v = d->vcpu[0];
	uint64_t irouter = GICD(GICD_IROUTER + 40 * 8), val = 0;

	CHECK_EQ(guest_read(v, irouter, 8), 0);
	/* Aff3 [39:32], IRM [31], Aff2 [23:16], Aff1 [15:8], Aff0 [7:0]; the rest RES0. */
	guest_write(v, irouter, 8, ~0ull);
	CHECK_EQ(guest_read(v, irouter, 8), 0xff80ffffffull);
	guest_write(v, irouter, 4, 0x00030201);
	CHECK_EQ(guest_read(v, irouter, 8), 0xff00030201ull);
	guest_write(v, irouter + 4, 4, 0x5);
	CHECK_EQ(guest_read(v, irouter, 8), 0x0500030201ull);
	CHECK_EQ(guest_read(v, irouter, 4), 0x00030201);
	CHECK_EQ(guest_read(v, irouter + 4, 4), 0x5);
	/* The neighbours are untouched. */
	CHECK_EQ(guest_read(v, irouter - 8, 8), 0);
	CHECK_EQ(guest_read(v, irouter + 8, 8), 0);
	/* The last SPI's router exists. */
	guest_write(v, GICD(GICD_IROUTER + 95 * 8), 8, 1);
	CHECK_EQ(guest_read(v, GICD(GICD_IROUTER + 95 * 8), 8), 1);
	/* INTIDs 0..31 have no router (reserved): RAZ/WI. */
	guest_write(v, GICD(GICD_IROUTER + 5 * 8), 4, 0x3);
	CHECK_EQ(guest_read(v, GICD(GICD_IROUTER + 5 * 8), 4), 0);
	CHECK_EQ(guest_read(v, GICD(GICD_IROUTER + 31 * 8 + 4), 4), 0);
	CHECK_EQ(guest_access(v, irouter + 4, 8, false, &val), MMIO_REJECTED);	/* misaligned */
	CHECK_EQ(guest_access(v, irouter, 2, false, &val), MMIO_REJECTED);
	CHECK_EQ(guest_access(v, irouter, 1, true, &val), MMIO_REJECTED);
}

TEST(gicd_other_bad_sizes)
{
	struct domain *d = fake_domain(1);
	struct vcpu *v = d->vcpu[0];
	uint64_t val = 0;

	CHECK_EQ(guest_access(v, GICD(GICD_CTLR), 8, false, &val), MMIO_REJECTED);
	CHECK_EQ(guest_access(v, GICD(GICD_CTLR), 2, true, &val), MMIO_REJECTED);
	CHECK_EQ(guest_access(v, GICD(GICD_TYPER), 1, false, &val), MMIO_REJECTED);
	CHECK_EQ(guest_access(v, GICD(GICD_ICFGR + 8), 1, false, &val), MMIO_REJECTED);
	/* Past the end of the distributor's 64 KiB. */
	CHECK_EQ(guest_access(v, GICD(0xfffc), 8, false, &val), MMIO_REJECTED);
}

/* ---- redistributors ---- */

TEST(gicr_typer_per_vcpu)
{
	struct domain *d = fake_domain(3);
	struct vcpu *v = d->vcpu[0];
	uint64_t val = 0;

	for (unsigned n = 0; n < 3; n++) {
		uint64_t typer = guest_read(v, GICR(n, GICR_TYPER), 8);

		CHECK_EQ(typer >> 32, n);			/* Affinity_Value: Aff0 = n */
		CHECK_EQ((typer >> 8) & 0xffff, n);		/* Processor_Number */
		CHECK_EQ((typer >> 4) & 1, n == 2);		/* Last */
		CHECK_EQ(typer & 1, 0);				/* PLPIS: no LPIs */
		CHECK_EQ(guest_read(v, GICR(n, GICR_TYPER), 4), (uint32_t)typer);
		CHECK_EQ(guest_read(v, GICR(n, GICR_TYPER + 4), 4), n);
		CHECK_EQ(guest_read(v, GICR(n, 0xffe8), 4), 0x3b);
	}
	/* The region holds exactly three frame pairs. */
	CHECK_EQ(guest_access(v, GICR(3, GICR_TYPER), 8, false, &val), MMIO_NO_DEVICE);
}

TEST(gicr_typer_single_vcpu_is_last)
{
	struct domain *d = fake_domain(1);

	CHECK_EQ(guest_read(d->vcpu[0], GICR(0, GICR_TYPER), 8), 1u << 4);
}

TEST(gicr_waker)
{
	struct domain *d = fake_domain(2);
	struct vcpu *v = d->vcpu[0];

	/* Out of reset: ProcessorSleep and ChildrenAsleep. */
	CHECK_EQ(guest_read(v, GICR(0, GICR_WAKER), 4), 0x6);
	CHECK_EQ(guest_read(v, GICR(1, GICR_WAKER), 4), 0x6);
	guest_write(v, GICR(1, GICR_WAKER), 4, 0);
	CHECK_EQ(guest_read(v, GICR(1, GICR_WAKER), 4), 0);
	CHECK_EQ(guest_read(v, GICR(0, GICR_WAKER), 4), 0x6);
	guest_write(v, GICR(1, GICR_WAKER), 4, 0x2);
	CHECK_EQ(guest_read(v, GICR(1, GICR_WAKER), 4), 0x6);
}

TEST(gicr_sgi_frame_enables_are_per_vcpu)
{
	struct domain *d = fake_domain(2);
	struct vcpu *v = d->vcpu[0];

	guest_write(v, SGI(1, GICD_ISENABLER), 4, 0x08010002);		/* SGI 1, PPI 16, PPI 27 */
	CHECK_EQ(guest_read(v, SGI(1, GICD_ISENABLER), 4), 0x08010002);
	CHECK_EQ(guest_read(v, SGI(1, GICD_ICENABLER), 4), 0x08010002);
	CHECK_EQ(guest_read(v, SGI(0, GICD_ISENABLER), 4), 0);
	CHECK(d->vcpu[1]->vgic.priv[27].enabled && !d->vcpu[0]->vgic.priv[27].enabled);
	guest_write(v, SGI(1, GICD_ICENABLER), 4, 0x2);
	CHECK_EQ(guest_read(v, SGI(1, GICD_ISENABLER), 4), 0x08010000);
	/* Only INTIDs 0..31 live in the SGI frame. */
	guest_write(v, SGI(1, GICD_ISENABLER + 4), 4, 0xffffffff);
	CHECK_EQ(guest_read(v, SGI(1, GICD_ISENABLER + 4), 4), 0);
	CHECK_EQ(guest_read(v, GICD(GICD_ISENABLER + 4), 4), 0);
	/* Priorities of private interrupts, per vCPU. */
	guest_write(v, SGI(1, GICD_IPRIORITYR + 3), 1, 0xa7);
	CHECK_EQ(guest_read(v, SGI(1, GICD_IPRIORITYR), 4), 0xa0000000);
	CHECK_EQ(guest_read(v, SGI(0, GICD_IPRIORITYR), 4), 0);
}

/* ---- delivery ---- */

TEST(spi_delivered_to_its_target_only)
{
	struct domain *d = gic_domain(2);
	struct vcpu *v0 = d->vcpu[0], *v1 = d->vcpu[1];
	struct vgic_lr lrs[NR_LRS];

	setup_spi(d, 40, true, 0xa0, 1);
	clear_kicks(d);
	vgic_inject_spi(d, 40);
	CHECK_EQ(kicks(v1), 1);
	CHECK_EQ(kicks(v0), 0);
	CHECK(vgic_has_pending(v1));
	CHECK(!vgic_has_pending(v0));
	CHECK_NO_LRS(v0);
	CHECK(!fill(v1, lrs));
	CHECK_EQ(valid_lrs(lrs), 1);
	CHECK(lrs[0].valid);
	CHECK_EQ(lrs[0].intid, 40);
	CHECK_EQ(lrs[0].priority, 0xa0);
	CHECK(lrs[0].pending && !lrs[0].active);
	/* Once in vCPU 1's list registers, it is not offered to vCPU 0 either. */
	CHECK_NO_LRS(v0);
	CHECK(reg_bit(v0, GICD_ISPENDR, 40));
	CHECK(!reg_bit(v0, GICD_ISACTIVER, 40));
}

TEST(ack_then_eoi_frees_the_list_register)
{
	struct domain *d = gic_domain(2);
	struct vcpu *v0 = d->vcpu[0], *v1 = d->vcpu[1];
	struct vgic_lr lrs[NR_LRS];

	setup_spi(d, 40, true, 0xa0, 1);
	vgic_inject_spi(d, 40);
	fill(v1, lrs);
	REQUIRE(lrs[0].valid && lrs[0].intid == 40);

	vgic_lr_sync(v1, 0, false, true);		/* the guest acknowledged it */
	CHECK(!reg_bit(v0, GICD_ISPENDR, 40));
	CHECK(reg_bit(v0, GICD_ISACTIVER, 40));
	CHECK(reg_bit(v0, GICD_ICACTIVER, 40));
	CHECK(!vgic_has_pending(v1));
	fill(v1, lrs);
	CHECK(lrs[0].valid && lrs[0].intid == 40);
	CHECK(!lrs[0].pending && lrs[0].active);

	vgic_lr_sync(v1, 0, false, false);		/* ... and deactivated it */
	CHECK(!reg_bit(v0, GICD_ISPENDR, 40));
	CHECK(!reg_bit(v0, GICD_ISACTIVER, 40));
	CHECK_EQ(d->vcpu[1]->vgic.lr_irq[0], NULL);
	CHECK_NO_LRS(v1);
	CHECK(!vgic_has_pending(v1));

	/* The next edge is delivered afresh. */
	vgic_inject_spi(d, 40);
	fill(v1, lrs);
	CHECK(lrs[0].valid && lrs[0].intid == 40 && lrs[0].pending && !lrs[0].active);
}

TEST(edge_retriggered_while_active_is_not_lost)
{
	struct domain *d = gic_domain(2);
	struct vcpu *v0 = d->vcpu[0], *v1 = d->vcpu[1];
	struct vgic_lr lrs[NR_LRS];

	setup_spi(d, 40, true, 0xa0, 1);
	vgic_inject_spi(d, 40);
	fill(v1, lrs);
	vgic_lr_sync(v1, 0, false, true);		/* in the guest's handler */
	clear_kicks(d);
	vgic_inject_spi(d, 40);				/* a second edge */
	CHECK_EQ(kicks(v1), 1);
	CHECK_EQ(kicks(v0), 0);
	CHECK(reg_bit(v0, GICD_ISPENDR, 40));
	CHECK(reg_bit(v0, GICD_ISACTIVER, 40));
	CHECK(vgic_has_pending(v1));

	/* The exit reports the LR as the guest left it: active. */
	vgic_lr_sync(v1, 0, false, true);
	fill(v1, lrs);
	CHECK(lrs[0].valid && lrs[0].intid == 40);
	CHECK(lrs[0].pending && lrs[0].active);
	CHECK_EQ(valid_lrs(lrs), 1);			/* one LR, not a duplicate */

	/* EOI of the first: the LR is left pending; then the second is taken and ended. */
	vgic_lr_sync(v1, 0, true, false);
	fill(v1, lrs);
	CHECK(lrs[0].valid && lrs[0].pending && !lrs[0].active);
	vgic_lr_sync(v1, 0, false, true);
	vgic_lr_sync(v1, 0, false, false);
	CHECK_NO_LRS(v1);
	CHECK(!reg_bit(v0, GICD_ISPENDR, 40));
}

TEST(edge_retriggered_before_the_exit_sync)
{
	struct domain *d = gic_domain(1);
	struct vcpu *v = d->vcpu[0];
	struct vgic_lr lrs[NR_LRS];

	setup_spi(d, 50, true, 0x80, 0);
	vgic_inject_spi(d, 50);
	fill(v, lrs);
	/* Re-triggered while the LR still holds it, refilled without an exit in between. */
	vgic_inject_spi(d, 50);
	fill(v, lrs);
	CHECK(lrs[0].valid && lrs[0].intid == 50 && lrs[0].pending);
	CHECK_EQ(valid_lrs(lrs), 1);
	/* The guest acknowledges, and the LR hardware still had it pending... */
	vgic_lr_sync(v, 0, false, true);
	vgic_inject_spi(d, 50);				/* ...and a third edge comes */
	vgic_lr_sync(v, 0, false, false);		/* EOI before the refill */
	fill(v, lrs);
	CHECK(lrs[0].valid && lrs[0].intid == 50 && lrs[0].pending && !lrs[0].active);
	/* Acknowledged, re-triggered, refilled: the LR now carries the new edge. */
	vgic_lr_sync(v, 0, false, true);
	vgic_inject_spi(d, 50);
	fill(v, lrs);
	CHECK(lrs[0].valid && lrs[0].intid == 50 && lrs[0].pending && lrs[0].active);
	CHECK(reg_bit(v, GICD_ISPENDR, 50));
	CHECK_EQ(valid_lrs(lrs), 1);
}

TEST(level_spi_stays_pending_while_the_line_is_high)
{
	struct domain *d = gic_domain(1);
	struct vcpu *v = d->vcpu[0];
	struct vgic_lr lrs[NR_LRS];

	setup_spi(d, 41, false, 0x80, 0);
	clear_kicks(d);
	vgic_set_spi_level(d, 41, true);
	CHECK_EQ(kicks(v), 1);
	CHECK(reg_bit(v, GICD_ISPENDR, 41));
	fill(v, lrs);
	CHECK(lrs[0].valid && lrs[0].intid == 41 && lrs[0].pending && !lrs[0].active);

	/* Acknowledged, then deactivated without the device being serviced. */
	vgic_lr_sync(v, 0, false, true);
	vgic_lr_sync(v, 0, false, false);
	CHECK(reg_bit(v, GICD_ISPENDR, 41));
	CHECK(vgic_has_pending(v));
	fill(v, lrs);
	CHECK(lrs[0].valid && lrs[0].intid == 41 && lrs[0].pending);

	/* Acknowledged; the handler services the device, which drops the line. */
	vgic_lr_sync(v, 0, false, true);
	clear_kicks(d);
	vgic_set_spi_level(d, 41, false);
	fill(v, lrs);
	CHECK(lrs[0].valid && lrs[0].intid == 41 && !lrs[0].pending && lrs[0].active);
	vgic_lr_sync(v, 0, false, false);		/* EOI */
	CHECK_NO_LRS(v);
	CHECK(!reg_bit(v, GICD_ISPENDR, 41));
	CHECK(!vgic_has_pending(v));
	/* Setting the same level again is no new event. */
	clear_kicks(d);
	vgic_set_spi_level(d, 41, false);
	CHECK_EQ(kicks(v), 0);
}

TEST(level_spi_active_and_pending_while_the_line_is_high)
{
	struct domain *d = gic_domain(1);
	struct vcpu *v = d->vcpu[0];
	struct vgic_lr lrs[NR_LRS];

	setup_spi(d, 41, false, 0x80, 0);
	vgic_set_spi_level(d, 41, true);
	fill(v, lrs);
	vgic_lr_sync(v, 0, false, true);	/* acknowledged, line still asserted */
	fill(v, lrs);
	CHECK(lrs[0].valid && lrs[0].pending && lrs[0].active);
	vgic_lr_sync(v, 0, true, false);	/* EOI: the LR is left pending */
	fill(v, lrs);
	CHECK(lrs[0].valid && lrs[0].intid == 41 && lrs[0].pending && !lrs[0].active);
}

/*
 * A level-sensitive interrupt is pending because its line is asserted; when
 * the line drops before the guest takes it, it is no longer pending (IHI 0069
 * 4.1.2), even though the list register still showed it pending at the exit.
 */
TEST(level_spi_line_dropped_before_ack_is_not_pending)
{
	struct domain *d = gic_domain(1);
	struct vcpu *v = d->vcpu[0];
	struct vgic_lr lrs[NR_LRS];

	setup_spi(d, 42, false, 0x80, 0);
	vgic_set_spi_level(d, 42, true);
	fill(v, lrs);
	REQUIRE(lrs[0].valid && lrs[0].intid == 42 && lrs[0].pending);
	vgic_set_spi_level(d, 42, false);	/* e.g. another vCPU drained the device */
	vgic_lr_sync(v, 0, true, false);	/* exit: the LR was still pending */
	CHECK(!reg_bit(v, GICD_ISPENDR, 42));
	CHECK(!vgic_has_pending(v));
	fill(v, lrs);
	CHECK(!lrs[0].valid || (!lrs[0].pending && !lrs[0].active));
}

/* Pending set by GICD_ISPENDR on a level interrupt lasts until it is acknowledged. */
TEST(level_spi_ispendr_latch_until_acknowledged)
{
	struct domain *d = gic_domain(1);
	struct vcpu *v = d->vcpu[0];
	struct vgic_lr lrs[NR_LRS];

	setup_spi(d, 43, false, 0x80, 0);
	clear_kicks(d);
	guest_write(v, GICD(REG_OF(GICD_ISPENDR, 43)), 4, BIT_OF(43));
	CHECK_EQ(kicks(v), 1);
	fill(v, lrs);
	CHECK(lrs[0].valid && lrs[0].intid == 43 && lrs[0].pending);
	vgic_lr_sync(v, 0, true, false);	/* an exit before the guest took it */
	CHECK(reg_bit(v, GICD_ISPENDR, 43));
	fill(v, lrs);
	CHECK(lrs[0].valid && lrs[0].intid == 43 && lrs[0].pending);
	vgic_lr_sync(v, 0, false, true);	/* acknowledged: the latch is consumed */
	CHECK(!reg_bit(v, GICD_ISPENDR, 43));
	fill(v, lrs);
	CHECK(lrs[0].valid && !lrs[0].pending && lrs[0].active);
	vgic_lr_sync(v, 0, false, false);
	CHECK_NO_LRS(v);
}

TEST(edge_spi_from_a_line)
{
	struct domain *d = gic_domain(1);
	struct vcpu *v = d->vcpu[0];
	struct vgic_lr lrs[NR_LRS];

	setup_spi(d, 44, true, 0x80, 0);
	vgic_set_spi_level(d, 44, true);	/* rising edge: latched */
	vgic_set_spi_level(d, 44, false);
	CHECK(reg_bit(v, GICD_ISPENDR, 44));
	fill(v, lrs);
	CHECK(lrs[0].valid && lrs[0].intid == 44 && lrs[0].pending);
	vgic_lr_sync(v, 0, false, true);
	vgic_lr_sync(v, 0, false, false);
	CHECK_NO_LRS(v);
}

TEST(priority_order_when_lrs_run_out)
{
	struct domain *d = gic_domain(2);
	struct vcpu *v0 = d->vcpu[0];
	struct vgic_lr lrs[2];

	setup_spi(d, 33, true, 0xa0, 0);
	setup_spi(d, 34, true, 0x20, 0);
	setup_spi(d, 35, true, 0x60, 0);
	setup_spi(d, 36, true, 0x08, 1);	/* the highest, but for vCPU 1 */
	enable_private(d, 0, 5, 0x40);
	vgic_inject_spi(d, 33);
	vgic_inject_spi(d, 34);
	vgic_inject_spi(d, 35);
	vgic_inject_spi(d, 36);
	vgic_inject_private(v0, 5);

	CHECK(vgic_lr_fill(v0, lrs, 2));	/* 35 and 33 did not fit */
	CHECK(lrs[0].valid && lrs[0].intid == 34 && lrs[0].priority == 0x20);
	CHECK(lrs[1].valid && lrs[1].intid == 5 && lrs[1].priority == 0x40);
	/* The guest takes and ends both. */
	for (unsigned i = 0; i < 2; i++) {
		vgic_lr_sync(v0, i, false, true);
		vgic_lr_sync(v0, i, false, false);
	}
	CHECK(!vgic_lr_fill(v0, lrs, 2));
	CHECK(lrs[0].valid && lrs[0].intid == 35);
	CHECK(lrs[1].valid && lrs[1].intid == 33);
	/* A single remaining candidate and a full set of LRs. */
	vgic_inject_spi(d, 34);
	CHECK(vgic_lr_fill(v0, lrs, 2));
	CHECK(lrs[0].intid == 35 && lrs[1].intid == 33);
}

TEST(disabled_interrupt_not_delivered)
{
	struct domain *d = gic_domain(1);
	struct vcpu *v = d->vcpu[0];
	struct vgic_lr lrs[NR_LRS];

	setup_spi(d, 37, true, 0x80, 0);
	guest_write(v, GICD(REG_OF(GICD_ICENABLER, 37)), 4, BIT_OF(37));
	clear_kicks(d);
	vgic_inject_spi(d, 37);
	CHECK_EQ(kicks(v), 0);
	CHECK(reg_bit(v, GICD_ISPENDR, 37));	/* pending, just not forwarded */
	CHECK(!vgic_has_pending(v));
	CHECK_NO_LRS(v);
	/* Enabling it delivers it. */
	guest_write(v, GICD(REG_OF(GICD_ISENABLER, 37)), 4, BIT_OF(37));
	CHECK(kicks(v) >= 1);
	CHECK(vgic_has_pending(v));
	fill(v, lrs);
	CHECK(lrs[0].valid && lrs[0].intid == 37 && lrs[0].pending);
	/* A disabled SGI neither. */
	clear_kicks(d);
	vgic_inject_private(v, 2);
	CHECK_EQ(kicks(v), 0);
	CHECK(private_bit(v, 0, GICD_ISPENDR, 2));
	fill(v, lrs);
	CHECK_EQ(valid_lrs(lrs), 1);
}

TEST(distributor_disabled_delivers_nothing)
{
	struct domain *d = fake_domain(2);
	struct vcpu *v0 = d->vcpu[0], *v1 = d->vcpu[1];
	struct vgic_lr lrs[NR_LRS];

	/* Out of reset GICD_CTLR has no group enabled. */
	setup_spi(d, 38, true, 0x80, 1);
	enable_private(d, 0, 27, 0x80);
	clear_kicks(d);
	vgic_inject_spi(d, 38);
	vgic_inject_private(v0, 27);
	CHECK_EQ(kicks(v0), 0);
	CHECK_EQ(kicks(v1), 0);
	CHECK(!vgic_has_pending(v0));
	CHECK(!vgic_has_pending(v1));
	CHECK_NO_LRS(v0);
	CHECK_NO_LRS(v1);

	gicd_enable(d);
	CHECK(kicks(v0) >= 1);
	CHECK(kicks(v1) >= 1);
	fill(v1, lrs);
	CHECK(lrs[0].valid && lrs[0].intid == 38);
	fill(v0, lrs);
	CHECK(lrs[0].valid && lrs[0].intid == 27);

	/* Disabled again: nothing new is delivered. */
	guest_write(v0, GICD(GICD_CTLR), 4, 0);
	setup_spi(d, 39, true, 0x80, 1);
	clear_kicks(d);
	vgic_inject_spi(d, 39);
	CHECK_EQ(kicks(v1), 0);
	fill(v1, lrs);
	CHECK_EQ(valid_lrs(lrs), 1);		/* only 38, already in the LR */
	CHECK_EQ(lrs[0].intid, 38);
}

TEST(ppi_injection_kicks_its_vcpu)
{
	struct domain *d = gic_domain(2);
	struct vcpu *v0 = d->vcpu[0], *v1 = d->vcpu[1];
	struct vgic_lr lrs[NR_LRS];

	enable_private(d, 1, GUEST_TIMER_VIRT_PPI, 0xa0);
	clear_kicks(d);
	vgic_inject_private(v1, GUEST_TIMER_VIRT_PPI);
	CHECK_EQ(kicks(v1), 1);
	CHECK_EQ(kicks(v0), 0);
	CHECK(vgic_has_pending(v1));
	CHECK(!vgic_has_pending(v0));
	CHECK(private_bit(v0, 1, GICD_ISPENDR, GUEST_TIMER_VIRT_PPI));
	CHECK(!private_bit(v0, 0, GICD_ISPENDR, GUEST_TIMER_VIRT_PPI));
	CHECK_NO_LRS(v0);
	fill(v1, lrs);
	CHECK(lrs[0].valid && lrs[0].intid == GUEST_TIMER_VIRT_PPI && lrs[0].priority == 0xa0);
	vgic_lr_sync(v1, 0, false, true);
	CHECK(private_bit(v0, 1, GICD_ISACTIVER, GUEST_TIMER_VIRT_PPI));
	CHECK(!private_bit(v0, 1, GICD_ISPENDR, GUEST_TIMER_VIRT_PPI));
}

/* ICC_SGI1R_EL1 fields. */
#define SGI1R(intid, aff1, targets) ((uint64_t)(intid) << 24 | (uint64_t)(aff1) << 16 | (targets))
#define SGI1R_IRM     (1ull << 40)
#define SGI1R_RS(rs)  ((uint64_t)(rs) << 44)
#define SGI1R_AFF2(a) ((uint64_t)(a) << 32)
#define SGI1R_AFF3(a) ((uint64_t)(a) << 48)

static struct domain *sgi_domain(void)
{
	struct domain *d = gic_domain(3);

	for (unsigned n = 0; n < 3; n++)
		enable_private(d, n, 3, 0x80);
	clear_kicks(d);
	return d;
}

static bool sgi_pending(struct domain *d, unsigned n, uint32_t intid)
{
	return vgic_irq_is_pending(&d->vcpu[n]->vgic.priv[intid]);
}

TEST(sgi_target_list)
{
	struct domain *d = sgi_domain();
	struct vgic_lr lrs[NR_LRS];

	vgic_send_sgi(d->vcpu[0], SGI1R(3, 0, 0x6));		/* vCPUs 1 and 2 */
	CHECK(!sgi_pending(d, 0, 3));
	CHECK(sgi_pending(d, 1, 3));
	CHECK(sgi_pending(d, 2, 3));
	CHECK_EQ(kicks(d->vcpu[0]), 0);
	CHECK_EQ(kicks(d->vcpu[1]), 1);
	CHECK_EQ(kicks(d->vcpu[2]), 1);
	fill(d->vcpu[2], lrs);
	CHECK(lrs[0].valid && lrs[0].intid == 3 && lrs[0].pending);
	CHECK_NO_LRS(d->vcpu[0]);

	/* To itself. */
	vgic_send_sgi(d->vcpu[0], SGI1R(3, 0, 0x1));
	CHECK(sgi_pending(d, 0, 3));
	CHECK_EQ(kicks(d->vcpu[0]), 1);
}

TEST(sgi_intid_field)
{
	struct domain *d = sgi_domain();

	enable_private(d, 1, 15, 0x80);
	vgic_send_sgi(d->vcpu[0], SGI1R(15, 0, 0x2) | 0xf0000000ull); /* bits 31:28 are RES0 */
	CHECK(sgi_pending(d, 1, 15));
	for (unsigned i = 0; i < 15; i++)
		CHECK(!sgi_pending(d, 1, i));
}

TEST(sgi_other_affinities_reach_nobody)
{
	struct domain *d = sgi_domain();
	static const uint64_t miss[] = {
		SGI1R(3, 1, 0x7),			/* Aff1 = 1 */
		SGI1R(3, 0, 0x7) | SGI1R_RS(1),		/* Aff0 16..31 */
		SGI1R(3, 0, 0x7) | SGI1R_AFF2(1),
		SGI1R(3, 0, 0x7) | SGI1R_AFF3(1),
		SGI1R(3, 0, 0xfff8),			/* vCPUs 3..15 do not exist */
	};

	for (unsigned i = 0; i < ARRAY_SIZE(miss); i++)
		vgic_send_sgi(d->vcpu[0], miss[i]);
	for (unsigned n = 0; n < 3; n++) {
		CHECK(!sgi_pending(d, n, 3));
		CHECK_EQ(kicks(d->vcpu[n]), 0);
	}
}

TEST(sgi_broadcast_excludes_self)
{
	struct domain *d = sgi_domain();

	vgic_send_sgi(d->vcpu[1], SGI1R(3, 0, 0) | SGI1R_IRM);
	CHECK(sgi_pending(d, 0, 3));
	CHECK(!sgi_pending(d, 1, 3));
	CHECK(sgi_pending(d, 2, 3));
	CHECK_EQ(kicks(d->vcpu[0]), 1);
	CHECK_EQ(kicks(d->vcpu[1]), 0);
	CHECK_EQ(kicks(d->vcpu[2]), 1);
	/* IRM ignores the target list. */
	vgic_send_sgi(d->vcpu[0], SGI1R(4, 0, 0x1) | SGI1R_IRM);
	CHECK(!sgi_pending(d, 0, 4));
	CHECK(sgi_pending(d, 1, 4));
}

TEST(pending_and_active_registers)
{
	struct domain *d = gic_domain(1);
	struct vcpu *v = d->vcpu[0];
	struct vgic_lr lrs[NR_LRS];

	setup_spi(d, 45, true, 0x80, 0);
	/* ISPENDR makes it pending and delivers it; ICPENDR takes it back. */
	clear_kicks(d);
	guest_write(v, GICD(REG_OF(GICD_ISPENDR, 45)), 4, BIT_OF(45));
	CHECK_EQ(kicks(v), 1);
	CHECK(reg_bit(v, GICD_ISPENDR, 45));
	CHECK(reg_bit(v, GICD_ICPENDR, 45));
	guest_write(v, GICD(REG_OF(GICD_ICPENDR, 45)), 4, BIT_OF(45));
	CHECK(!reg_bit(v, GICD_ISPENDR, 45));
	CHECK_NO_LRS(v);
	/* While it sits in an LR: pending, then active, then neither. */
	guest_write(v, GICD(REG_OF(GICD_ISPENDR, 45)), 4, BIT_OF(45));
	fill(v, lrs);
	CHECK(reg_bit(v, GICD_ISPENDR, 45) && !reg_bit(v, GICD_ISACTIVER, 45));
	vgic_lr_sync(v, 0, false, true);
	CHECK(!reg_bit(v, GICD_ISPENDR, 45) && reg_bit(v, GICD_ISACTIVER, 45));
	vgic_lr_sync(v, 0, false, false);
	CHECK(!reg_bit(v, GICD_ISPENDR, 45) && !reg_bit(v, GICD_ISACTIVER, 45));
	/* ISACTIVER / ICACTIVER. */
	guest_write(v, GICD(REG_OF(GICD_ISACTIVER, 46)), 4, BIT_OF(46));
	CHECK(reg_bit(v, GICD_ISACTIVER, 46));
	CHECK(reg_bit(v, GICD_ICACTIVER, 46));
	guest_write(v, GICD(REG_OF(GICD_ICACTIVER, 46)), 4, BIT_OF(46));
	CHECK(!reg_bit(v, GICD_ISACTIVER, 46));
}

TEST(has_pending_follows_the_target)
{
	struct domain *d = gic_domain(2);
	struct vcpu *v0 = d->vcpu[0], *v1 = d->vcpu[1];
	struct vgic_lr lrs[NR_LRS];

	CHECK(!vgic_has_pending(v0) && !vgic_has_pending(v1));
	setup_spi(d, 48, true, 0x80, 1);
	vgic_inject_spi(d, 48);
	CHECK(!vgic_has_pending(v0) && vgic_has_pending(v1));
	fill(v1, lrs);
	CHECK(vgic_has_pending(v1));			/* pending in an LR still counts */
	vgic_lr_sync(v1, 0, false, true);
	CHECK(!vgic_has_pending(v1));			/* active only: nothing to take */
	vgic_lr_sync(v1, 0, false, false);
	CHECK(!vgic_has_pending(v1));
}

TEST(irouter_change_retargets)
{
	struct domain *d = gic_domain(2);
	struct vcpu *v0 = d->vcpu[0], *v1 = d->vcpu[1];
	struct vgic_lr lrs[NR_LRS];

	setup_spi(d, 49, true, 0x80, 5);	/* no vCPU 5: delivered to nobody */
	clear_kicks(d);
	vgic_inject_spi(d, 49);
	CHECK_EQ(kicks(v0) + kicks(v1), 0);
	CHECK_NO_LRS(v0);
	CHECK_NO_LRS(v1);
	guest_write(v0, GICD(GICD_IROUTER + 49 * 8), 8, vcpu_affinity(1));
	CHECK_EQ(kicks(v1), 1);
	CHECK_EQ(kicks(v0), 0);
	CHECK_NO_LRS(v0);
	fill(v1, lrs);
	CHECK(lrs[0].valid && lrs[0].intid == 49);
	/* 1-of-N routing: exactly one vCPU gets it. */
	setup_spi(d, 51, true, 0x80, 0);
	guest_write(v0, GICD(GICD_IROUTER + 51 * 8), 8, 1ull << 31);
	vgic_inject_spi(d, 51);
	unsigned got = 0;
	fill(v0, lrs);
	for (unsigned i = 0; i < NR_LRS; i++)
		got += lrs[i].valid && lrs[i].intid == 51;
	fill(v1, lrs);
	for (unsigned i = 0; i < NR_LRS; i++)
		got += lrs[i].valid && lrs[i].intid == 51;
	CHECK_EQ(got, 1);
}
