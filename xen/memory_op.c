/*
 * XENMEM_*: what a guest may do to its own physical map.  Frames named by a
 * guest are checked against its RAM range; pages it gives back are scrubbed
 * before they return to the pool; it never holds more than it started with.
 */
#include <xen/pv.h>
#include <domus/domain.h>
#include <xen/guest_access.h>
#include <domus/page_alloc.h>
#include <asm/guest_abi.h>
#include <public/errno.h>
#include <domus/arch.h>

#define MAX_EXTENTS (1ul << 20)

static bool own_domain(const struct vcpu *v, domid_t domid)
{
	return domid == DOMID_SELF || domid == v->dom->id;
}

static bool gfn_in_ram(const struct domain *d, uint64_t gfn)
{
	return !(gfn >> (64 - PAGE_SHIFT)) && domain_ipa_is_ram(d, gfn << PAGE_SHIFT, PAGE_SIZE);
}

static bool gfn_in_grant_window(uint64_t gfn)
{
	return gfn >= GUEST_GNTTAB_BASE >> PAGE_SHIFT &&
	       gfn < (GUEST_GNTTAB_BASE + GUEST_GNTTAB_SIZE) >> PAGE_SHIFT;
}

/* Puts a Domus-owned page at gfn; a RAM page it replaces goes back to the pool. */
static int64_t place_page(struct domain *d, uint64_t gfn, uint64_t pa)
{
	uint64_t old;

	if (!gfn_in_ram(d, gfn) && !gfn_in_grant_window(gfn))
		return -XEN_EINVAL;
	if (pv_page_pinned(d, gfn))
		return -XEN_EBUSY;
	if (!p2m_arch_set_page(d, gfn << PAGE_SHIFT, pa, P2M_SPECIAL, &old))
		return -XEN_ENOMEM;
	if (old) {
		arch_zero_pages(old, PAGE_SIZE);
		free_pages(old, 1);
		d->ram_pages--;
	}
	return 0;
}

static int64_t add_to_physmap(struct vcpu *v, uint64_t arg)
{
	struct domain *d = v->dom;
	struct xen_add_to_physmap x;
	uint64_t pa;

	if (copy_from_guest(v, &x, arg, sizeof(x)))
		return -XEN_EFAULT;
	if (!own_domain(v, x.domid))
		return -XEN_EPERM;
	switch (x.space) {
	case XENMAPSPACE_shared_info:
		if (x.idx != 0)
			return -XEN_EINVAL;
		return place_page(d, x.gpfn, d->pv->shared_info_pa);
	case XENMAPSPACE_grant_table:
		if (x.idx & 0x80000000)
			return -XEN_EINVAL;	/* status frames exist only in version 2 */
		pa = gnttab_frame(d, x.idx);
		return pa ? place_page(d, x.gpfn, pa) : -XEN_EINVAL;
	default:
		return -XEN_ENOSYS;
	}
}

static int64_t reservation(struct vcpu *v, unsigned op, uint64_t arg)
{
	struct domain *d = v->dom;
	struct xen_memory_reservation r;
	uint64_t done;

	if (copy_from_guest(v, &r, arg, sizeof(r)))
		return -XEN_EFAULT;
	if (!own_domain(v, r.domid))
		return -XEN_EPERM;
	if (r.extent_order != 0 || r.nr_extents > MAX_EXTENTS)
		return -XEN_EINVAL;
	for (done = 0; done < r.nr_extents; done++) {
		uint64_t gfn, pa, old;

		if (copy_from_guest(v, &gfn, r.extent_start + done * 8, 8))
			return done ? (int64_t)done : -XEN_EFAULT;
		if (!gfn_in_ram(d, gfn) || pv_page_pinned(d, gfn))
			break;
		if (op == XENMEM_decrease_reservation) {
			if (!p2m_arch_lookup(d, gfn << PAGE_SHIFT, &pa) ||
			    !p2m_arch_set_page(d, gfn << PAGE_SHIFT, 0, P2M_RAM, &old) || !old)
				break;
			arch_zero_pages(old, PAGE_SIZE);
			free_pages(old, 1);
			d->ram_pages--;
			continue;
		}
		if (p2m_arch_lookup(d, gfn << PAGE_SHIFT, &pa))
			continue;	/* already populated */
		if (d->ram_pages >= d->max_pages || !(pa = alloc_pages(1, 1)))
			break;
		arch_zero_pages(pa, PAGE_SIZE);
		if (!p2m_arch_set_page(d, gfn << PAGE_SHIFT, pa, P2M_RAM, NULL)) {
			free_pages(pa, 1);
			break;
		}
		d->ram_pages++;
	}
	return (int64_t)done;
}

int64_t do_memory_op(struct vcpu *v, uint64_t cmd, uint64_t arg)
{
	struct domain *d = v->dom;
	domid_t domid;

	switch (cmd & XENMEM_SUBOP_MASK) {
	case XENMEM_add_to_physmap:
		return add_to_physmap(v, arg);
	case XENMEM_increase_reservation:
	case XENMEM_populate_physmap:
		return reservation(v, XENMEM_populate_physmap, arg);
	case XENMEM_decrease_reservation:
		return reservation(v, XENMEM_decrease_reservation, arg);
	case XENMEM_current_reservation:
	case XENMEM_maximum_reservation:
	case XENMEM_maximum_gpfn:
		if (copy_from_guest(v, &domid, arg, sizeof(domid)))
			return -XEN_EFAULT;
		if (!own_domain(v, domid))
			return -XEN_EPERM;
		if ((cmd & XENMEM_SUBOP_MASK) == XENMEM_maximum_gpfn)
			return (int64_t)((d->ram_base + d->ram_size) >> PAGE_SHIFT) - 1;
		return (int64_t)((cmd & XENMEM_SUBOP_MASK) == XENMEM_current_reservation ?
				 d->ram_pages : d->max_pages);
	default:
		return -XEN_ENOSYS;
	}
}
