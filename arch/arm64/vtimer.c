/*
 * The guest's EL1 timers run on the real hardware, and their control
 * registers are the guest's alone.  When one fires, Domus disables that PPI
 * at the physical GIC (so the physical interrupt stops) and raises the same
 * PPI's line in the vGIC of the vCPU that owns it.  The timer output is a
 * level: after every exit of a vCPU whose timer line is up, Domus looks at
 * the timer again, and once the guest has disabled or masked it, or moved its
 * deadline into the future, the line goes down (the interrupt is no longer
 * pending) and the physical PPI is enabled again.  A vCPU coming onto a CPU
 * finds both PPIs enabled there (vtimer_load()).
 */
#include <domus/arch.h>
#include <asm/irq.h>
#include <asm/gic.h>
#include <asm/vtimer.h>
#include <domus/domain.h>
#include <domus/percpu.h>
#include <domus/sched.h>
#include <public/arch-arm64.h>

#define CTL_ENABLE  BIT(0)
#define CTL_IMASK   BIT(1)
#define CTL_ISTATUS BIT(2)

/* The timer's output: enabled, not masked, and its deadline passed. */
static bool firing(uint64_t ctl)
{
	return (ctl & (CTL_ENABLE | CTL_IMASK | CTL_ISTATUS)) == (CTL_ENABLE | CTL_ISTATUS);
}

static void guest_timer_irq(uint32_t intid)
{
	struct vcpu *v = arch_this_cpu()->loaded;
	uint64_t ctl = intid == GUEST_TIMER_VIRT_PPI ? read_sysreg(cntv_ctl_el0)
						     : read_sysreg(cntp_ctl_el0);

	if (!v || !firing(ctl))
		return;
	gic_disable_ppi(intid);
	vgic_set_private_level(v, intid, true);
	vcpu_timer_fired(v);
}

static void sample(struct vcpu *v, uint32_t intid, uint64_t ctl)
{
	if (firing(ctl))
		return;
	vgic_set_private_level(v, intid, false);
	gic_enable_ppi(intid);
}

void vtimer_load(void)
{
	gic_enable_ppi(GUEST_TIMER_VIRT_PPI);
	gic_enable_ppi(GUEST_TIMER_PHYS_NS_PPI);
}

static bool line_up(const struct vcpu *v, uint32_t intid)
{
	return __atomic_load_n(&v->arch.vgic.priv[intid].line, __ATOMIC_RELAXED);
}

void vtimer_sample(struct vcpu *v)
{
	if (line_up(v, GUEST_TIMER_VIRT_PPI))
		sample(v, GUEST_TIMER_VIRT_PPI, read_sysreg(cntv_ctl_el0));
	if (line_up(v, GUEST_TIMER_PHYS_NS_PPI))
		sample(v, GUEST_TIMER_PHYS_NS_PPI, read_sysreg(cntp_ctl_el0));
}

static void ignore_irq(uint32_t intid)
{
	(void)intid;
}

/*
 * Domus's own timer ends a slice or a wait: the scheduler looks again (a
 * vCPU is otherwise run on through its exits) and re-arms it.
 */
static void cpu_timer_irq(uint32_t intid)
{
	struct pcpu *c = arch_this_cpu();

	(void)intid;
	write_sysreg(cnthp_ctl_el2, 0);
	isb();
	c->timer_armed = 0;
	c->resched = true;
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
