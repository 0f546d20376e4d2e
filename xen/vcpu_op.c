/* VCPUOP_*: vcpu_info and runstate registration (the ones Xen offers on Arm). */
#include <xen/pv.h>
#include <domus/arch.h>
#include <domus/domain.h>
#include <domus/page.h>
#include <xen/guest_access.h>
#include <xen/runstate.h>
#include <public/errno.h>

static int64_t register_vcpu_info(struct vcpu *v, struct vcpu *t, uint64_t arg)
{
	struct xen_pv *pv = v->dom->pv;
	struct vcpu_register_vcpu_info r;
	struct vcpu_info *old, *new;
	uint64_t page_pa, none = 0;
	uint8_t *page;

	if (copy_from_guest(v, &r, arg, sizeof(r)))
		return -XEN_EFAULT;
	if (r.offset > PAGE_SIZE - sizeof(struct vcpu_info) || r.offset & 7)
		return -XEN_EINVAL;
	if (__atomic_load_n(&pv->vcpu_info_pa[t->id], __ATOMIC_ACQUIRE))
		return -XEN_EBUSY;
	/* Domus writes there from now on: the page keeps a reference until the domain goes. */
	page = guest_page_get(v->dom, r.mfn, &page_pa);
	if (!page)
		return -XEN_EINVAL;
	new = (struct vcpu_info *)(page + r.offset);
	old = t->id == 0 ? &((struct shared_info *)pa_to_va(pv->shared_info_pa))->vcpu_info[0]
			 : NULL;
	if (old)
		*new = *old;
	/* Two vCPUs registering the same one at once: one wins, the other lets go of its page. */
	if (!__atomic_compare_exchange_n(&pv->vcpu_info_pa[t->id], &none, va_to_pa(new), false,
					 __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
		page_put(page_pa);
		return -XEN_EBUSY;
	}
	pv->vcpu_info_gfn[t->id] = r.mfn;
	pv->vcpu_info_page[t->id] = page_pa;
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
