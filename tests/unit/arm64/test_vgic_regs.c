/*
 * The virtual GICv3's distributor and redistributor registers, as the GICv3
 * architecture specification (IHI 0069) defines them.
 */
#include "vgic_guest.h"

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
	CHECK_EQ(d->arch.vgic.spi[47 - 32].priority, 0x10);
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
	CHECK(d->arch.vgic.spi[0].edge && d->arch.vgic.spi[1].edge && !d->arch.vgic.spi[2].edge);
	guest_write(v, GICD(GICD_ICFGR + 8), 4, 0xffffffff);
	CHECK_EQ(guest_read(v, GICD(GICD_ICFGR + 8), 4), 0xaaaaaaaa);
	guest_write(v, GICD(GICD_ICFGR + 12), 4, 0x55555555);		/* 48..63: RES0 bits only */
	CHECK_EQ(guest_read(v, GICD(GICD_ICFGR + 12), 4), 0);
	guest_write(v, GICD(GICD_ICFGR + 8), 4, 0x8);
	CHECK_EQ(guest_read(v, GICD(GICD_ICFGR + 8), 4), 0x8);
	CHECK(!d->arch.vgic.spi[0].edge && d->arch.vgic.spi[1].edge);
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
	CHECK(d->vcpu[1]->arch.vgic.priv[27].enabled && !d->vcpu[0]->arch.vgic.priv[27].enabled);
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
