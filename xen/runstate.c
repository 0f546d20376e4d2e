/*
 * vCPU runstate accounting for PV guests (VCPUOP_register_runstate_memory_area):
 * time spent running, runnable, blocked and offline, copied to the guest's
 * registered area whenever the state changes.  Copies go through the
 * guest's own virtual address, so they happen only while the vCPU's state
 * is loaded on this CPU.
 */
#include <xen/runstate.h>
#include <domus/domain.h>
#include <xen/guest_access.h>
#include <xen/pv.h>
#include <domus/arch.h>

#define XEN_RUNSTATE_UPDATE (1ull << 63)

uint64_t ticks_to_ns(uint64_t t)
{
	uint64_t f = arch_counter_freq();

	return t / f * 1000000000ull + t % f * 1000000000ull / f;
}

static uint64_t now_ns(void)
{
	return ticks_to_ns(arch_counter());
}

void runstate_publish(struct vcpu *v)
{
	struct xen_pv *pv = v->dom->pv;
	uint64_t gva = pv->runstate_gva[v->id];
	struct vcpu_runstate_info info = v->runstate;
	uint64_t busy = info.state_entry_time | XEN_RUNSTATE_UPDATE;

	if (!gva)
		return;
	if (pv->runstate_update_flag) {
		/* Readers see the flag and retry while the rest is being written. */
		copy_to_guest(v, gva + offsetof(struct vcpu_runstate_info, state_entry_time),
			      &busy, sizeof(busy));
		arch_smp_mb();
	}
	copy_to_guest(v, gva, &info, sizeof(info));
}

void runstate_set(struct vcpu *v, int state)
{
	uint64_t now;

	if (!v->dom->pv || v->runstate.state == state)
		return;
	now = now_ns();
	if (v->runstate.state_entry_time)
		v->runstate.time[v->runstate.state] += now - v->runstate.state_entry_time;
	v->runstate.state = state;
	v->runstate.state_entry_time = now;
	runstate_publish(v);
}

int runstate_when_stopped(const struct vcpu *v)
{
	if (v->power != VCPU_ON)
		return RUNSTATE_offline;
	return v->blocked ? RUNSTATE_blocked : RUNSTATE_runnable;
}
