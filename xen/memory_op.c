/*
 * XENMEM_*: what a guest may do to its own physical map.  Frames named by a
 * guest are checked against its RAM range; every change of the map is made
 * under the domain's p2m lock; a page it gives back drops only its own
 * reference (core/page.c), so a page another domain maps, or that Domus
 * still uses, is freed only when they let go; it never holds more than it
 * started with.
 */
#include <xen/pv.h>
#include <domus/arch.h>
#include <domus/domain.h>
#include <domus/page.h>
#include <domus/page_alloc.h>
#include <xen/guest_access.h>
#include <xen/hypercall.h>
#include <asm/guest_abi.h>
#include <public/errno.h>

static bool gfn_in_ram(const struct domain *d, uint64_t gfn)
{
	return !(gfn >> (64 - PAGE_SHIFT)) && domain_ipa_is_ram(d, gfn << PAGE_SHIFT, PAGE_SIZE);
}

static bool gfn_in_grant_window(const struct domain *d, uint64_t gfn)
{
	return gfn >= d->grant_window >> PAGE_SHIFT &&
	       gfn < (d->grant_window + d->grant_window_size) >> PAGE_SHIFT;
}

/* Puts a Domus-owned page at gfn; a RAM page it replaces is given back. */
static int64_t place_page(struct domain *d, uint64_t gfn, uint64_t pa)
{
	uint64_t old = 0, cur;
	enum p2m_type type;
	int64_t ret = 0;

	if (!gfn_in_ram(d, gfn) && !gfn_in_grant_window(d, gfn))
		return -XEN_EINVAL;
	spin_lock(&d->p2m_lock);
	if (pv_page_pinned(d, gfn))
		ret = -XEN_EBUSY;
	else if (p2m_arch_lookup(d, gfn << PAGE_SHIFT, &cur, &type) &&
		 (type == P2M_FOREIGN_RW || type == P2M_FOREIGN_RO || type == P2M_FOREIGN_MAP))
		ret = -XEN_EBUSY;	/* another domain's page is mapped there: unmap it first */
	else if (!p2m_arch_set_page(d, gfn << PAGE_SHIFT, pa, P2M_SPECIAL, &old))
		ret = -XEN_ENOMEM;
	if (old)
		d->ram_pages--;
	spin_unlock(&d->p2m_lock);
	if (old)
		page_put(old);
	return ret;
}

static int64_t add_to_physmap(struct vcpu *v, uint64_t arg)
{
	struct domain *d = v->dom;
	struct xen_add_to_physmap x;
	uint64_t pa;
	int64_t ret;

	if (copy_from_guest(v, &x, arg, sizeof(x)))
		return -XEN_EFAULT;
	if ((ret = hypercall_target(v, x.domid)))
		return ret;
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

/*
 * XENMAPSPACE_gmfn_foreign: fdom's RAM page idx at gpfn of d, as the
 * toolstack maps a guest's pages (privcmd).  Only a domain privileged over
 * fdom may (Xen's dummy XSM: the hardware domain).  What was at gpfn goes,
 * but a grant's or another foreign mapping must be unmapped first (-EBUSY).
 */
static int32_t map_foreign(struct domain *d, domid_t fdom, uint64_t idx, uint64_t gpfn)
{
	struct domain *od;
	uint64_t pa, cur, old = 0;
	enum p2m_type type;
	int32_t ret = 0;

	if (fdom == DOMID_SELF || fdom == d->id)
		return -XEN_EINVAL;
	if (!(od = domain_get(fdom)))
		return -XEN_ESRCH;
	if (!d->hardware)
		ret = -XEN_EPERM;
	else if (!guest_page_get(od, idx, &pa))
		ret = -XEN_EINVAL;	/* not a RAM page of fdom's */
	domain_put(od);
	if (ret)
		return ret;
	spin_lock(&d->p2m_lock);
	if (gpfn >> (64 - PAGE_SHIFT) || pv_page_pinned(d, gpfn) ||
	    (p2m_arch_lookup(d, gpfn << PAGE_SHIFT, &cur, &type) && type != P2M_RAM))
		ret = -XEN_EBUSY;
	else if (!p2m_arch_set_page(d, gpfn << PAGE_SHIFT, pa, P2M_FOREIGN_MAP, &old))
		ret = -XEN_EINVAL;	/* beyond what its stage 2 maps */
	if (old)
		d->ram_pages--;		/* its own page there is given back */
	spin_unlock(&d->p2m_lock);
	if (old)
		page_put(old);
	if (ret)
		page_put(pa);
	return ret;
}

/*
 * XENMEM_add_to_physmap_batch ("range" in Linux): each entry's result in
 * errs[]; a long batch goes on in a continuation (the extent in cmd's upper bits).
 */
static int64_t add_to_physmap_batch(struct vcpu *v, uint64_t cmd, uint64_t arg)
{
	struct xen_add_to_physmap_batch b;
	uint64_t done = cmd >> XENMEM_EXTENT_SHIFT;
	int64_t ret;

	if (copy_from_guest(v, &b, arg, sizeof(b)))
		return -XEN_EFAULT;
	if ((ret = hypercall_target(v, b.domid)))
		return ret;
	if (b.space != XENMAPSPACE_gmfn_foreign)
		return -XEN_EOPNOTSUPP;
	if (done > b.size)
		return -XEN_EINVAL;
	for (; done < b.size; done++) {
		uint64_t idx, gpfn;
		int32_t err;

		if (done > cmd >> XENMEM_EXTENT_SHIFT && hypercall_preempt_check(v))
			return hypercall_continue(v, XENMEM_add_to_physmap_batch |
						  done << XENMEM_EXTENT_SHIFT, arg, 0);
		if (copy_from_guest(v, &idx, b.idxs + done * 8, 8) ||
		    copy_from_guest(v, &gpfn, b.gpfns + done * 8, 8))
			return -XEN_EFAULT;
		err = map_foreign(v->dom, b.foreign_domid, idx, gpfn);
		if (copy_to_guest(v, b.errs + done * 4, &err, 4))
			return -XEN_EFAULT;
	}
	return 0;
}

/*
 * Takes the page at gfn out of d's p2m: a page of its own (given back) or,
 * if `foreign`, another domain's the toolstack mapped (its reference
 * dropped).  -ENOENT if nothing is there; -EBUSY for anything else (grants
 * unmap with grant_table_op, and Domus's pages, a registered vcpu_info
 * included, stay).
 */
static int64_t take_out(struct domain *d, uint64_t gfn, bool foreign)
{
	uint64_t ipa = gfn << PAGE_SHIFT, pa, old = 0;
	enum p2m_type type;
	int64_t ret = 0;

	spin_lock(&d->p2m_lock);
	if (gfn >> (64 - PAGE_SHIFT) || !p2m_arch_lookup(d, ipa, &pa, &type))
		ret = -XEN_ENOENT;
	else if ((type != P2M_RAM && (type != P2M_FOREIGN_MAP || !foreign)) ||
		 pv_page_pinned(d, gfn))
		ret = -XEN_EBUSY;
	else if (!p2m_arch_set_page(d, ipa, 0, type, &old))
		ret = -XEN_ENOMEM;	/* a block to split, and no page for the table */
	else if (type == P2M_RAM)
		d->ram_pages--;
	spin_unlock(&d->p2m_lock);
	if (old)
		page_put(old);
	return ret;
}

static int64_t remove_from_physmap(struct vcpu *v, uint64_t arg)
{
	struct xen_remove_from_physmap r;
	int64_t ret;

	if (copy_from_guest(v, &r, arg, sizeof(r)))
		return -XEN_EFAULT;
	if ((ret = hypercall_target(v, r.domid)))
		return ret;
	return take_out(v->dom, r.gpfn, true);
}


/* Gives gfn a fresh scrubbed page, within the domain's limit; true if it has one now. */
static bool populate_one(struct domain *d, uint64_t gfn)
{
	uint64_t ipa = gfn << PAGE_SHIFT, pa;
	bool ok = true;

	spin_lock(&d->p2m_lock);
	if (!p2m_arch_lookup(d, ipa, &pa, NULL)) {
		ok = d->ram_pages < d->max_pages && (pa = alloc_pages(1, 1));
		if (ok) {
			arch_zero_pages(pa, PAGE_SIZE);
			page_assign(pa, 1, d);
			ok = p2m_arch_set_page(d, ipa, pa, P2M_RAM, NULL);
			if (ok)
				d->ram_pages++;
			else
				page_put(pa);
		}
	}
	spin_unlock(&d->p2m_lock);
	return ok;
}

/*
 * Extents from `start` on (cmd >> XENMEM_EXTENT_SHIFT: a continued call
 * resumes there); returns how many of all the extents are done.
 */
static int64_t reservation(struct vcpu *v, uint64_t cmd, unsigned op, uint64_t arg)
{
	struct domain *d = v->dom;
	struct xen_memory_reservation r;
	uint64_t start = cmd >> XENMEM_EXTENT_SHIFT, done;
	int64_t ret;

	if (copy_from_guest(v, &r, arg, sizeof(r)))
		return -XEN_EFAULT;
	if ((ret = hypercall_target(v, r.domid)))
		return ret;
	if (r.extent_order != 0 || r.nr_extents >> (64 - XENMEM_EXTENT_SHIFT))
		return -XEN_EINVAL;
	if (start >= r.nr_extents)
		return (int64_t)start;
	for (done = start; done < r.nr_extents; done++) {
		uint64_t gfn;

		if (done > start && hypercall_preempt_check(v))
			return hypercall_continue(v, (cmd & XENMEM_SUBOP_MASK) |
						  done << XENMEM_EXTENT_SHIFT, arg, 0);
		if (copy_from_guest(v, &gfn, r.extent_start + done * 8, 8))
			return done ? (int64_t)done : -XEN_EFAULT;
		if (!gfn_in_ram(d, gfn) ||
		    !(op == XENMEM_decrease_reservation ? !take_out(d, gfn, false) : populate_one(d, gfn)))
			break;
	}
	return (int64_t)done;
}

int64_t do_memory_op(struct vcpu *v, uint64_t cmd, uint64_t arg)
{
	struct domain *d = v->dom;
	domid_t domid;
	int64_t ret;

	switch (cmd & XENMEM_SUBOP_MASK) {
	case XENMEM_add_to_physmap:
		return add_to_physmap(v, arg);
	case XENMEM_add_to_physmap_batch:
		return add_to_physmap_batch(v, cmd, arg);
	case XENMEM_remove_from_physmap:
		return remove_from_physmap(v, arg);
	case XENMEM_increase_reservation:
	case XENMEM_populate_physmap:
		return reservation(v, cmd, XENMEM_populate_physmap, arg);
	case XENMEM_decrease_reservation:
		return reservation(v, cmd, XENMEM_decrease_reservation, arg);
	case XENMEM_current_reservation:
	case XENMEM_maximum_reservation:
	case XENMEM_maximum_gpfn:
		if (copy_from_guest(v, &domid, arg, sizeof(domid)))
			return -XEN_EFAULT;
		if ((ret = hypercall_target(v, domid)))
			return ret;
		if ((cmd & XENMEM_SUBOP_MASK) == XENMEM_maximum_gpfn)
			return (int64_t)((d->ram_base + d->ram_size) >> PAGE_SHIFT) - 1;
		return (int64_t)((cmd & XENMEM_SUBOP_MASK) == XENMEM_current_reservation ?
				 d->ram_pages : d->max_pages);
	default:
		return -XEN_ENOSYS;
	}
}
