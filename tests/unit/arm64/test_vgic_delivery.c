/*
 * The virtual GICv3's delivery of interrupts through the list registers:
 * injection, acknowledge and EOI, levels, priorities, SGIs, reported state.
 */
#include "vgic_guest.h"

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
	CHECK(arch_vcpu_irq_pending(v1));
	CHECK(!arch_vcpu_irq_pending(v0));
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
	CHECK(!arch_vcpu_irq_pending(v1));
	fill(v1, lrs);
	CHECK(lrs[0].valid && lrs[0].intid == 40);
	CHECK(!lrs[0].pending && lrs[0].active);

	vgic_lr_sync(v1, 0, false, false);		/* ... and deactivated it */
	CHECK(!reg_bit(v0, GICD_ISPENDR, 40));
	CHECK(!reg_bit(v0, GICD_ISACTIVER, 40));
	CHECK_EQ(d->vcpu[1]->arch.vgic.lr_irq[0], NULL);
	CHECK_NO_LRS(v1);
	CHECK(!arch_vcpu_irq_pending(v1));

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
	CHECK(arch_vcpu_irq_pending(v1));

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
	CHECK(arch_vcpu_irq_pending(v));
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
	CHECK(!arch_vcpu_irq_pending(v));
	/* Setting the same level again is no new event. */
	clear_kicks(d);
	vgic_set_spi_level(d, 41, false);
	CHECK_EQ(kicks(v), 0);
}

/* A host SPI passed through: handled by the guest, its line is the device's to raise again. */
TEST(passed_through_spi_is_sampled_again_once_handled)
{
	struct domain *d = gic_domain(1);
	struct vcpu *v = d->vcpu[0];
	struct vgic_lr lrs[NR_LRS];

	setup_spi(d, 48, false, 0x80, 0);
	vgic_set_hw(d, 48);
	vgic_set_spi_level(d, 48, true);		/* the host SPI fired, and is masked */
	fill(v, lrs);
	REQUIRE(lrs[0].valid && lrs[0].intid == 48 && lrs[0].pending);
	vgic_lr_sync(v, 0, false, true);		/* acknowledged */
	CHECK_EQ(fake_spi_handled[48], 0);
	vgic_lr_sync(v, 0, false, false);		/* EOI */
	CHECK_EQ(fake_spi_handled[48], 1);		/* unmasked at the host */
	CHECK_NO_LRS(v);
	CHECK(!reg_bit(v, GICD_ISPENDR, 48));
	/* The device still asserts it: it fires again, and is delivered again. */
	vgic_set_spi_level(d, 48, true);
	fill(v, lrs);
	CHECK(lrs[0].valid && lrs[0].intid == 48 && lrs[0].pending);
	/* An ordinary level SPI is not sampled so: its line stays as the device left it. */
	setup_spi(d, 41, false, 0x80, 0);
	vgic_set_spi_level(d, 41, true);
	vgic_lr_sync(v, 0, false, true);
	vgic_lr_sync(v, 0, false, false);
	CHECK_EQ(fake_spi_handled[41], 0);
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
	CHECK(!arch_vcpu_irq_pending(v));
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
	CHECK(!arch_vcpu_irq_pending(v));
	CHECK_NO_LRS(v);
	/* Enabling it delivers it. */
	guest_write(v, GICD(REG_OF(GICD_ISENABLER, 37)), 4, BIT_OF(37));
	CHECK(kicks(v) >= 1);
	CHECK(arch_vcpu_irq_pending(v));
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
	CHECK(!arch_vcpu_irq_pending(v0));
	CHECK(!arch_vcpu_irq_pending(v1));
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
	CHECK(arch_vcpu_irq_pending(v1));
	CHECK(!arch_vcpu_irq_pending(v0));
	CHECK(private_bit(v0, 1, GICD_ISPENDR, GUEST_TIMER_VIRT_PPI));
	CHECK(!private_bit(v0, 0, GICD_ISPENDR, GUEST_TIMER_VIRT_PPI));
	CHECK_NO_LRS(v0);
	fill(v1, lrs);
	CHECK(lrs[0].valid && lrs[0].intid == GUEST_TIMER_VIRT_PPI && lrs[0].priority == 0xa0);
	vgic_lr_sync(v1, 0, false, true);
	CHECK(private_bit(v0, 1, GICD_ISACTIVER, GUEST_TIMER_VIRT_PPI));
	CHECK(!private_bit(v0, 1, GICD_ISPENDR, GUEST_TIMER_VIRT_PPI));
}

/*
 * The timer's line is sampled at exits only: while the guest handles the
 * tick (active), the line still up at the last exit does not make it
 * pending again, or the guest's EOI would deliver a second, spurious tick
 * after its handler disabled the timer.  Still up after the EOI: pending.
 */
TEST(timer_ppi_active_is_not_pending_again_by_its_sampled_line)
{
	struct domain *d = gic_domain(1);
	struct vcpu *v = d->vcpu[0];
	struct vgic_lr lrs[NR_LRS];

	enable_private(d, 0, GUEST_TIMER_VIRT_PPI, 0xa0);
	vgic_set_private_level(v, GUEST_TIMER_VIRT_PPI, true);
	fill(v, lrs);
	REQUIRE(lrs[0].valid && lrs[0].intid == GUEST_TIMER_VIRT_PPI && lrs[0].pending);
	vgic_lr_sync(v, 0, false, true);	/* taken; an exit before the handler ends */
	fill(v, lrs);
	CHECK(lrs[0].valid && lrs[0].active && !lrs[0].pending);
	vgic_lr_sync(v, 0, false, false);	/* EOI, but the line was still up */
	fill(v, lrs);
	CHECK(lrs[0].valid && lrs[0].pending && !lrs[0].active);
	/* Sampled low (the handler disabled the timer): nothing left. */
	vgic_lr_sync(v, 0, false, true);
	vgic_set_private_level(v, GUEST_TIMER_VIRT_PPI, false);
	vgic_lr_sync(v, 0, false, false);
	fill(v, lrs);
	CHECK(!lrs[0].valid || (!lrs[0].pending && !lrs[0].active));
	CHECK(!arch_vcpu_irq_pending(v));
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
	return vgic_irq_is_pending(&d->vcpu[n]->arch.vgic.priv[intid]);
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

TEST(sgi_to_an_offline_vcpu_kicks_no_cpu)
{
	struct domain *d = sgi_domain();

	d->vcpu[2]->power = VCPU_OFF;
	clear_kicks(d);
	/* Hostile: SGIs to a powered-off vCPU, as fast as it likes; its CPU is left alone. */
	for (unsigned i = 0; i < 100; i++)
		vgic_send_sgi(d->vcpu[0], SGI1R(3, 0, 0x6));
	CHECK_EQ(kicks(d->vcpu[2]), 0);
	CHECK(kicks(d->vcpu[1]) >= 1);
	/* It is latched, and taken once the vCPU is started. */
	CHECK(sgi_pending(d, 2, 3));
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

	CHECK(!arch_vcpu_irq_pending(v0) && !arch_vcpu_irq_pending(v1));
	setup_spi(d, 48, true, 0x80, 1);
	vgic_inject_spi(d, 48);
	CHECK(!arch_vcpu_irq_pending(v0) && arch_vcpu_irq_pending(v1));
	fill(v1, lrs);
	CHECK(arch_vcpu_irq_pending(v1));			/* pending in an LR still counts */
	vgic_lr_sync(v1, 0, false, true);
	CHECK(!arch_vcpu_irq_pending(v1));			/* active only: nothing to take */
	vgic_lr_sync(v1, 0, false, false);
	CHECK(!arch_vcpu_irq_pending(v1));
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
	guest_write(v0, GICD(GICD_IROUTER + 49 * 8), 8, arch_vcpu_hwid(1));
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
