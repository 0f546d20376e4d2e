/*
 * The guest's EL1 timers run on the real hardware; when one fires, Domus
 * masks it (so the level interrupt stops) and injects the same PPI into the
 * vCPU that owns it.  The guest unmasks it when it reprograms the timer.
 */
#include <domus/arch.h>
#include <asm/irq.h>
#include <asm/gic.h>
#include <domus/domain.h>
#include <domus/percpu.h>
#include <domus/sched.h>
#include <public/arch-arm64.h>

#define CTL_ENABLE  BIT(0)
#define CTL_IMASK   BIT(1)
#define CTL_ISTATUS BIT(2)

static void guest_timer_irq(uint32_t intid)
{
	struct vcpu *v = arch_this_cpu()->loaded;
	uint64_t ctl = intid == GUEST_TIMER_VIRT_PPI ? read_sysreg(cntv_ctl_el0)
						     : read_sysreg(cntp_ctl_el0);

	if (!v || (ctl & (CTL_ENABLE | CTL_IMASK | CTL_ISTATUS)) != (CTL_ENABLE | CTL_ISTATUS))
		return;
	if (intid == GUEST_TIMER_VIRT_PPI)
		write_sysreg(cntv_ctl_el0, ctl | CTL_IMASK);
	else
		write_sysreg(cntp_ctl_el0, ctl | CTL_IMASK);
	isb();
	vgic_inject_private(v, intid);
	vcpu_timer_fired(v);
}

static void ignore_irq(uint32_t intid)
{
	(void)intid;
}

/* Domus's own timer only ends a slice or a wait; the scheduler re-arms it. */
static void cpu_timer_irq(uint32_t intid)
{
	(void)intid;
	write_sysreg(cnthp_ctl_el2, 0);
	isb();
	arch_this_cpu()->timer_armed = 0;
}

void vtimer_cpu_init(void)
{
	irq_register(GUEST_TIMER_VIRT_PPI, guest_timer_irq);
	irq_register(GUEST_TIMER_PHYS_NS_PPI, guest_timer_irq);
	irq_register(SGI_KICK, ignore_irq);
	irq_register(PPI_MAINTENANCE, ignore_irq);	/* the exit itself refills the LRs */
	irq_register(PPI_HYP_TIMER, cpu_timer_irq);
	gic_enable_ppi(PPI_HYP_TIMER);
	gic_enable_ppi(GUEST_TIMER_VIRT_PPI);
	gic_enable_ppi(GUEST_TIMER_PHYS_NS_PPI);
	gic_enable_ppi(PPI_MAINTENANCE);
}
