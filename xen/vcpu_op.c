/* VCPUOP_*: vcpu_info and runstate registration (the ones Xen offers on Arm). */
#include <xen/pv.h>
#include <domus/arch.h>
#include <domus/domain.h>
#include <xen/guest_access.h>
#include <xen/runstate.h>
#include <public/errno.h>

static int64_t register_vcpu_info(struct vcpu *v, struct vcpu *t, uint64_t arg)
{
	struct xen_pv *pv = v->dom->pv;
	struct vcpu_register_vcpu_info r;
	struct vcpu_info *old, *new;
	uint8_t *page;

	if (copy_from_guest(v, &r, arg, sizeof(r)))
		return -XEN_EFAULT;
	if (r.offset > PAGE_SIZE - sizeof(struct vcpu_info) || r.offset & 7)
		return -XEN_EINVAL;
	if (pv->vcpu_info_pa[t->id])
		return -XEN_EBUSY;
	page = guest_ram_page(v->dom, r.mfn);
	if (!page)
		return -XEN_EINVAL;
	new = (struct vcpu_info *)(page + r.offset);
	old = t->id == 0 ? &((struct shared_info *)pa_to_va(pv->shared_info_pa))->vcpu_info[0]
			 : NULL;
	if (old)
		*new = *old;
	pv->vcpu_info_pa[t->id] = va_to_pa(new);
	pv->vcpu_info_gfn[t->id] = r.mfn;
	/* A deliberate upcall: nothing pending from before the move is lost. */
	__atomic_store_n(&new->evtchn_pending_sel, ~0ull, __ATOMIC_RELEASE);
	__atomic_store_n(&new->evtchn_upcall_pending, 1, __ATOMIC_RELEASE);
	evtchn_arch_upcall(t);
	return 0;
}

int64_t do_vcpu_op(struct vcpu *v, uint64_t cmd, uint64_t vcpuid, uint64_t arg)
{
	struct domain *d = v->dom;
	struct vcpu *t;
	uint64_t gva;

	if (vcpuid >= d->nr_vcpus)
		return -XEN_ENOENT;
	t = d->vcpu[vcpuid];
	switch (cmd) {
	case VCPUOP_register_vcpu_info:
		return register_vcpu_info(v, t, arg);
	case VCPUOP_register_runstate_memory_area:
		if (copy_from_guest(v, &gva, arg, sizeof(gva)))
			return -XEN_EFAULT;
		d->pv->runstate_gva[t->id] = gva;
		if (t == v)
			runstate_publish(v);
		return 0;
	default:
		/* up/down, is_up, timers...: Xen on Arm offers none of them. */
		return -XEN_EINVAL;
	}
}
