/*
 * Guest PSCI 1.0 and SMCCC 1.1, reached by HVC #0 or SMC #0.  Calls Domus
 * does not implement answer NOT_SUPPORTED; none of them can hurt Domus.
 */
#include <domus/arch.h>
#include <asm/vpsci.h>
#include <domus/domain.h>
#include <domus/sched.h>
#include <public/psci.h>

static bool implemented(uint32_t fid)
{
	switch (fid) {
	case PSCI_VERSION:
	case PSCI_CPU_SUSPEND:
	case PSCI_CPU_SUSPEND_64:
	case PSCI_CPU_OFF:
	case PSCI_CPU_ON:
	case PSCI_CPU_ON_64:
	case PSCI_AFFINITY_INFO:
	case PSCI_AFFINITY_INFO_64:
	case PSCI_MIGRATE_INFO_TYPE:
	case PSCI_SYSTEM_OFF:
	case PSCI_SYSTEM_RESET:
	case PSCI_FEATURES:
	case SMCCC_VERSION:
		return true;
	default:
		return false;
	}
}

static int64_t cpu_on(struct vcpu *v, uint64_t target, uint64_t entry, uint64_t ctx, bool is64)
{
	struct vcpu *t;

	if (!is64) {
		target &= 0xffffffff;
		entry &= 0xffffffff;
		ctx &= 0xffffffff;
	}
	t = domain_vcpu_by_hwid(v->dom, target & 0xff00ffffffull);
	if (!t)
		return PSCI_INVALID_PARAMETERS;
	if (t->power == VCPU_ON)
		return t->reset_pending ? PSCI_ON_PENDING : PSCI_ALREADY_ON;
	if (!domain_ipa_is_ram(v->dom, entry, 4))
		return PSCI_INVALID_ADDRESS;
	vcpu_power_on(t, entry, ctx);
	return PSCI_SUCCESS;
}

static int64_t affinity_info(struct vcpu *v, uint64_t target, uint64_t level)
{
	struct vcpu *t;

	if (level != 0)
		return PSCI_INVALID_PARAMETERS;
	t = domain_vcpu_by_hwid(v->dom, target & 0xff00ffffffull);
	if (!t)
		return PSCI_INVALID_PARAMETERS;
	return t->power == VCPU_ON ? PSCI_AFFINITY_ON : PSCI_AFFINITY_OFF;
}

void vpsci_call(struct vcpu *v)
{
	uint32_t fid = (uint32_t)vcpu_reg(v, 0);
	uint64_t a1 = vcpu_reg(v, 1), a2 = vcpu_reg(v, 2), a3 = vcpu_reg(v, 3);
	int64_t ret;

	switch (fid) {
	case PSCI_VERSION:
		ret = PSCI_VERSION_1_0;
		break;
	case PSCI_CPU_SUSPEND:
	case PSCI_CPU_SUSPEND_64:
		/* Every power state is treated as standby: wait for an interrupt. */
		vcpu_block(v);
		ret = PSCI_SUCCESS;
		break;
	case PSCI_CPU_OFF:
		vcpu_power_off(v);
		return;
	case PSCI_CPU_ON:
	case PSCI_CPU_ON_64:
		ret = cpu_on(v, a1, a2, a3, fid == PSCI_CPU_ON_64);
		break;
	case PSCI_AFFINITY_INFO:
	case PSCI_AFFINITY_INFO_64:
		if (fid == PSCI_AFFINITY_INFO) {	/* SMC32: only w1 and w2 */
			a1 &= 0xffffffff;
			a2 &= 0xffffffff;
		}
		ret = affinity_info(v, a1, a2);
		break;
	case PSCI_MIGRATE_INFO_TYPE:
		ret = MIGRATE_TYPE_NOT_PRESENT;
		break;
	case PSCI_SYSTEM_OFF:
		domain_shutdown(v->dom, SHUTDOWN_POWEROFF);
		return;
	case PSCI_SYSTEM_RESET:
		domain_shutdown(v->dom, SHUTDOWN_REBOOT);
		return;
	case PSCI_FEATURES:
		ret = implemented((uint32_t)a1) ? PSCI_SUCCESS : PSCI_NOT_SUPPORTED;
		break;
	case SMCCC_VERSION:
		ret = SMCCC_VERSION_1_1;
		break;
	default:
		/* SMCCC_ARCH_FEATURES included: no workaround or optional call is offered. */
		ret = PSCI_NOT_SUPPORTED;
		break;
	}
	vcpu_reg(v, 0) = (uint64_t)ret;
}
