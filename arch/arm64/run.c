/* Running a vCPU on this CPU, idling, and the other arch hooks the scheduler uses. */
#include <domus/arch.h>
#include <asm/gic.h>
#include <asm/irq.h>
#include <asm/p2m.h>
#include <asm/psci_fw.h>
#include <asm/traps.h>
#include <asm/vcpu_ctx.h>
#include <asm/vtimer.h>
#include <domus/console.h>
#include <domus/domain.h>
#include <domus/percpu.h>
#include <public/xen.h>

void arch_kick_cpu(unsigned cpu)
{
	gic_send_sgi(cpu, SGI_KICK);
}

static uint64_t timer_deadline(uint64_t ctl, uint64_t cval)
{
	/* Enabled and not masked: it will raise its interrupt at cval. */
	return (ctl & 3) == 1 ? (cval ? cval : 1) : 0;
}

uint64_t arch_vcpu_unload(struct vcpu *v)
{
	const struct timer_state *t = &v->arch.timer;
	uint64_t virt, phys;

	vcpu_arch_save(v);
	virt = timer_deadline(t->cntv_ctl, t->cntv_cval);
	if (virt)
		virt += v->dom->arch.cntvoff;
	phys = timer_deadline(t->cntp_ctl, t->cntp_cval);
	if (!virt || (phys && phys < virt))
		return phys;
	return virt;
}

void arch_set_cpu_timer(uint64_t when)
{
	struct pcpu *c = arch_this_cpu();

	if (c->timer_armed == when)
		return;
	c->timer_armed = when;
	if (when) {
		write_sysreg(cnthp_cval_el2, when);
		write_sysreg(cnthp_ctl_el2, 1);
	} else {
		write_sysreg(cnthp_ctl_el2, 0);
	}
	isb();
}

static void tally(struct exit_tally *t, uint64_t ticks)
{
	t->count++;
	t->ticks += ticks;
}

static void tally_sysreg(struct exit_stats *s, uint32_t esr, uint64_t ticks)
{
	uint32_t key = exit_sysreg_key(esr & 0x1ffffff);

	for (unsigned i = 0; i < NR_PROFILED_SYSREGS; i++) {
		if (!s->sysreg_key[i])
			s->sysreg_key[i] = key;
		if (s->sysreg_key[i] == key) {
			tally(&s->sysreg[i], ticks);
			return;
		}
	}
}

/*
 * The exit's EL2 time: entering (from `entry` to `start`), and from the exit
 * to its end; a hypercall's also under its number `op` (and memory_op's under
 * its command, from `arg0`).
 */
static void profile_exit(enum exit_class class, uint64_t op, uint64_t arg0, uint64_t entry,
			 uint64_t start, uint64_t exit)
{
	struct exit_stats *s = &arch_this_cpu()->arch.exits;
	uint64_t ticks = (start - entry) + (arch_counter() - exit);
	uint64_t cmd = arg0 & XENMEM_SUBOP_MASK;

	tally(&s->class[class], ticks);
	if (class == EXITC_SYSREG)
		tally_sysreg(s, (uint32_t)op, ticks);
	if (class != EXITC_HYPERCALL || op >= NR_PROFILED_HCALLS)
		return;
	tally(&s->hcall[op], ticks);
	if (op == __HYPERVISOR_memory_op && cmd < NR_PROFILED_MEMOPS)
		tally(&s->memop[cmd], ticks);
}

void arch_vcpu_run(struct vcpu *v)
{
	uint64_t entry = 0, start = 0, exit = 0, op = 0, arg0 = 0, esr, kind;
	enum exit_class class;

	if (exit_profiling)
		entry = arch_counter();
	gic_lrs_load(v);
	if (exit_profiling)
		start = arch_counter();
	kind = enter_guest(&v->arch.regs);
	if (exit_profiling) {
		exit = arch_counter();
		op = v->arch.regs.x[16];	/* a hypercall's number and first argument */
		arg0 = v->arch.regs.x[0];
		esr = read_sysreg(esr_el2);
		if (ESR_EC(esr) == EC_SYSREG)
			op = esr;	/* which register, for a trap */
	}
	gic_lrs_save(v);
	vtimer_sample(v);
	class = handle_guest_exit(v, kind);
	if (exit_profiling)
		profile_exit(class, op, arg0, entry, start, exit);
}

void arch_poll_interrupts(void)
{
	irq_handle_pending();
}

uint64_t arch_idle(void)
{
	uint64_t start = arch_counter();

	dsb(sy);
	wfi();
	irq_handle_pending();
	return arch_counter() - start;
}

/* 64 bytes a round, in pairs of zero registers: under emulation each DC ZVA is a helper call. */
static void zero_by_pairs(uint64_t pa, uint64_t size)
{
	for (uint64_t a = pa; a < pa + size; a += 64)
		asm volatile("stp xzr, xzr, [%0]\n\tstp xzr, xzr, [%0, #16]\n\t"
			     "stp xzr, xzr, [%0, #32]\n\tstp xzr, xzr, [%0, #48]"
			     : : "r"(a) : "memory");
}

/*
 * DC ZVA, the fastest way on a real CPU.  Under QEMU's TCG each one is a
 * helper call for its 64 bytes, and plain stores go at nearly twice the
 * speed (2 MiB: 400 us against 230 us, measured at EL2 under QEMU 7.2).
 */
void arch_zero_pages(uint64_t pa, uint64_t size)
{
	uint64_t dczid = read_sysreg(dczid_el0);
	uint64_t block = 4u << (dczid & 0xf);

	if (IS_ALIGNED(pa | size, 64) && arch_cpu_emulated()) {
		zero_by_pairs(pa, size);
	} else if (dczid & BIT(4) || !IS_ALIGNED(pa | size, block)) {
		memset((void *)(uintptr_t)pa, 0, size);
	} else {
		for (uint64_t a = pa; a < pa + size; a += block)
			asm volatile("dc zva, %0" : : "r"(a) : "memory");
		dsb(ish);
	}
	/* The zeros are in the cache: a guest that maps RAM non-cacheable must see them too. */
	if (!p2m_forces_cacheable())
		arch_clean_dcache(pa_to_va(pa), size);
}

void arch_system_off(void)
{
	console_sync();
	psci_fw_system_off();
	arch_halt();
}

void arch_system_reset(void)
{
	console_sync();
	psci_fw_system_reset();
	arch_halt();
}

void arch_halt(void)
{
	for (;;)
		wfi();
}
