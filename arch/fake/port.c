/*
 * The fake port's domains and vCPUs: the hooks of domus/arch.h that keep
 * port state.  A kernel is any non-empty image, copied to the start of RAM
 * and started there; the emulated UART is a receive buffer; an event upcall
 * is a flag the vCPU's "interrupt controller" holds until a test takes it;
 * hypercalls pass their number and arguments in a register array.
 */
#include <domus/arch.h>
#include <domus/boot_dt.h>
#include <domus/domain.h>
#include <domus/domain_build.h>
#include <asm/guest_abi.h>

#define FAKE_CALLBACK_VIA 0xfa4eull

const char *arch_domain_check(const struct boot_domain *cfg)
{
	uint64_t mem = cfg->mem_kib * KiB;

	if (!mem || mem > GUEST_RAM0_SIZE || !IS_ALIGNED(mem, PAGE_SIZE))
		return "memory must be a whole number of pages, at most the guest RAM window";
	if (cfg->kernel.size > mem)
		return "kernel does not fit in the domain's memory";
	return NULL;
}

uint64_t arch_vcpu_hwid(unsigned n)
{
	return n;
}

void arch_vcpu_create(struct vcpu *v)
{
	v->arch.created = true;
}

const char *arch_domain_create(struct domain *d, const struct boot_domain *cfg)
{
	d->arch.uart = cfg->vpl011;
	return NULL;
}

const char *arch_domain_load(struct domain *d, const struct boot_domain *cfg, uint64_t *entry,
			     uint64_t *arg)
{
	if (!domain_copy_to_phys(d, d->bank[0].base, pa_to_va(cfg->kernel.base), cfg->kernel.size))
		return "cannot copy the kernel";
	*entry = d->arch.entry = d->bank[0].base;
	*arg = 0;
	return NULL;
}

bool arch_vcpu_irq_pending(struct vcpu *v)
{
	return v->arch.irq_pending;
}

bool console_arch_receive(struct domain *d, char c)
{
	if (!d->arch.uart || d->arch.rx_len == FAKE_RX_MAX)
		return false;
	d->arch.rx[d->arch.rx_len++] = c;
	return true;
}

uint64_t hypercall_arch_args(struct vcpu *v, uint64_t args[HYPERCALL_MAX_ARGS])
{
	for (unsigned i = 0; i < HYPERCALL_MAX_ARGS; i++)
		args[i] = v->arch.regs[i];
	return v->arch.regs[7];
}

void hypercall_arch_return(struct vcpu *v, int64_t ret)
{
	v->arch.ret = ret;
	v->arch.continued = false;
}

void hypercall_arch_continue(struct vcpu *v, const uint64_t args[HYPERCALL_MAX_ARGS])
{
	for (unsigned i = 0; i < HYPERCALL_MAX_ARGS; i++)
		v->arch.regs[i] = args[i];
	v->arch.continued = true;
}

void evtchn_arch_upcall(struct vcpu *v)
{
	v->arch.upcalls++;
	v->arch.irq_pending = true;
}

uint64_t evtchn_arch_callback_via(void)
{
	return FAKE_CALLBACK_VIA;
}

/* The fake port's one boot mode is 1. */
bool arch_vcpu_boot_context(const struct vcpu_guest_context *c, uint64_t *pc, uint64_t *arg)
{
	*pc = c->pc;
	*arg = c->arg;
	return c->mode == 1;
}
