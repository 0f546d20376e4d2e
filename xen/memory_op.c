/*
 * XENMEM_*: what a guest may do to its own physical map, and the toolstack
 * to another's.  Frames named by a guest are checked against its RAM range
 * (the toolstack may also populate Xen's magic pages); every change of the map is made
 * under the domain's p2m lock; a page it gives back drops only its own
 * reference (core/page.c), so a page another domain maps, or that Domus
 * still uses, is freed only when they let go; it never holds more than it
 * started with.
 */
#include <xen/pv.h>
#include <domus/arch.h>
#include <domus/domain.h>
#include <domus/domain_build.h>
#include <domus/page.h>
#include <domus/page_alloc.h>
#include <xen/guest_access.h>
#include <xen/hypercall.h>
#include <xen/toolstack.h>
#include <asm/guest_abi.h>
#include <public/errno.h>

#define BLOCK_ORDER 9	/* the largest extent: a 2 MiB block (Xen's DomU limit) */
#define BLOCK_PAGES (1ull << BLOCK_ORDER)
#define BLOCK_SIZE  (BLOCK_PAGES * PAGE_SIZE)

static bool gfn_in_ram(const struct domain *d, uint64_t gfn)
{
	return !(gfn >> (64 - PAGE_SHIFT)) && domain_ipa_is_ram(d, gfn << PAGE_SHIFT, PAGE_SIZE);
}

/* Where the toolstack puts a guest's xenstore and console pages (Xen's GUEST_MAGIC_BASE). */
static bool gfn_in_magic(uint64_t gfn)
{
	return gfn >= GUEST_MAGIC_BASE >> PAGE_SHIFT &&
	       gfn < (GUEST_MAGIC_BASE + GUEST_MAGIC_SIZE) >> PAGE_SHIFT;
}

static bool gfn_in_grant_window(const struct domain *d, uint64_t gfn)
{
	return gfn >= d->grant_window >> PAGE_SHIFT &&
	       gfn < (d->grant_window + d->grant_window_size) >> PAGE_SHIFT;
}

/*
 * A page of d's own RAM that left its p2m: freed with its last reference,
 * but for a direct-mapped domain (Dom0), whose devices take guest physical
 * for host physical: its page stays its own, for populate to map again at
 * the same address, so that its gfn is never backed by another page.
 */
static void give_back(struct domain *d, uint64_t pa)
{
	if (!d->direct_map)
		page_put(pa);
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
		give_back(d, old);
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
static int32_t place_foreign(struct domain *d, uint64_t gpfn, struct domain *owner,
			     uint64_t pa);

static int32_t map_foreign(struct domain *d, domid_t fdom, uint64_t idx, uint64_t gpfn)
{
	struct domain *od;
	uint64_t pa;
	int32_t ret = 0;

	if (fdom == DOMID_SELF || fdom == d->id)
		return -XEN_EINVAL;
	if (!(od = domain_get(fdom)))
		return -XEN_ESRCH;
	if (!d->hardware)
		ret = -XEN_EPERM;
	else if (!guest_page_get(od, idx, &pa))
		ret = -XEN_EINVAL;	/* not a RAM page of fdom's */
	else
		ret = place_foreign(d, gpfn, od, pa);
	domain_put(od);
	return ret;
}

/*
 * Maps pa, a page of owner's (held by the caller with domain_get()) that
 * the caller holds a reference on, at gpfn of d; the reference stays with
 * the mapping, which also holds owner (domain_hold()): a destroyed owner
 * stays listed, dying, until the mapping goes (domain_foreign_put()).  d's
 * own page there is given back; anything else there stays (-EBUSY).
 */
static int32_t place_foreign(struct domain *d, uint64_t gpfn, struct domain *owner,
			     uint64_t pa)
{
	uint64_t cur, old = 0;
	enum p2m_type type;
	int32_t ret = 0;

	domain_hold(owner);	/* before the mapping exists: an unmap may come at once */
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
		give_back(d, old);
	if (ret)
		domain_foreign_put(pa);
	return ret;
}

/*
 * XENMEM_acquire_resource, grant table frames only (Domus has no ioreq
 * servers nor trace buffers): mapped at the caller's gfns, each holding a
 * reference on its frame, as the toolstack seeds a new guest's grants.
 */
static int64_t acquire_grant_frames(struct vcpu *v, struct domain *d,
				    struct xen_mem_acquire_resource *r, uint64_t arg)
{
	uint64_t max = r->id == XENMEM_resource_grant_table_id_shared ? GNT_MAX_FRAMES : 0;

	if (r->type != XENMEM_resource_grant_table)
		return r->type <= XENMEM_resource_vmtrace_buf ? -XEN_EINVAL : -XEN_EOPNOTSUPP;
	if (!max)
		return -XEN_EINVAL;	/* status frames: version 2 only */
	if (!r->frame_list) {
		if (r->nr_frames)
			return -XEN_EINVAL;
		r->nr_frames = (uint32_t)max;
		return copy_to_guest(v, arg, r, sizeof(*r)) ? -XEN_EFAULT : 0;
	}
	if (!r->nr_frames || r->frame + r->nr_frames > max ||
	    !gnttab_frame(d, r->frame + r->nr_frames - 1))
		return -XEN_EINVAL;
	for (uint32_t i = 0; i < r->nr_frames; i++) {
		uint64_t gfn, pa = gnttab_frame(d, r->frame + i);
		int32_t err;

		if (copy_from_guest(v, &gfn, r->frame_list + i * 8, 8))
			return i ? -XEN_EIO : -XEN_EFAULT;
		if (!page_get(pa, d))
			return i ? -XEN_EIO : -XEN_EINVAL;
		if ((err = place_foreign(v->dom, gfn, d, pa)))
			return i ? -XEN_EIO : err;
	}
	return 0;
}

static int64_t acquire_resource(struct vcpu *v, uint64_t arg)
{
	struct xen_mem_acquire_resource r;
	struct domain *d;
	int64_t ret;

	if (copy_from_guest(v, &r, arg, sizeof(r)))
		return -XEN_EFAULT;
	if (r.pad || r.frame >> 32 || (r.frame + r.nr_frames) >> 32)
		return -XEN_EINVAL;
	if (r.domid == DOMID_SELF || r.domid == v->dom->id)
		return -XEN_EPERM;	/* another domain's only */
	if (!(d = hypercall_domain(v, r.domid, &ret)))
		return ret;
	ret = d->pv ? acquire_grant_frames(v, d, &r, arg) : -XEN_EINVAL;
	domain_put(d);
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
 * included, stay).  With d's p2m lock; *t is what to let go of after the
 * TLB flush.
 */
static int64_t unmap_locked(struct domain *d, uint64_t gfn, bool foreign, struct p2m_taken *t)
{
	uint64_t ipa = gfn << PAGE_SHIFT, pa;
	enum p2m_type type;

	t->pa = 0;
	if (gfn >> (64 - PAGE_SHIFT) || !p2m_arch_lookup(d, ipa, &pa, &type))
		return -XEN_ENOENT;
	if ((type != P2M_RAM && (type != P2M_FOREIGN_MAP || !foreign)) || pv_page_pinned(d, gfn))
		return -XEN_EBUSY;
	if (!p2m_arch_set_page(d, ipa, 0, type, &t->pa))
		return -XEN_ENOMEM;	/* a block to split, and no page for the table */
	t->own = type == P2M_RAM;
	d->ram_pages -= t->own;
	return 0;
}

/* Lets go of what unmap_locked() took, once no TLB holds it any more. */
static void release(struct domain *d, const struct p2m_taken *t)
{
	if (t->pa && t->own)
		give_back(d, t->pa);
	else if (t->pa)
		domain_foreign_put(t->pa);	/* another domain's: the mapping's reference */
}

/* One of d's own pages out of its p2m, flushed and given back at once. */
static int64_t take_out_own(struct domain *d, uint64_t gfn)
{
	struct p2m_taken t;
	int64_t ret;

	spin_lock(&d->p2m_lock);
	ret = unmap_locked(d, gfn, false, &t);
	spin_unlock(&d->p2m_lock);
	release(d, &t);
	return ret;
}

#define DECREASE_BATCH 64	/* pages given back under one lock and one TLB flush */

/*
 * decrease_reservation of n of d's pages: taken out together, one TLB
 * flush for them all, then given back.  How many, from the first, were
 * (fewer if v's time is up: it continues the call).
 */
static unsigned decrease_batch(struct vcpu *v, struct domain *d, const uint64_t *gfns,
			       unsigned n)
{
	struct p2m_taken t[DECREASE_BATCH];
	unsigned done = 0;

	spin_lock(&d->p2m_lock);
	p2m_arch_batch_begin(d);
	while (done < n && !(done && hypercall_preempt_check(v)) && gfn_in_ram(d, gfns[done]) &&
	       !unmap_locked(d, gfns[done], false, &t[done]))
		done++;
	p2m_arch_batch_end(d, false);
	spin_unlock(&d->p2m_lock);
	for (unsigned i = 0; i < done; i++)
		release(d, &t[i]);
	return done;
}

void memory_unmapped_release(struct domain *d)
{
	struct p2m_taken t[UNMAP_DEFER];
	unsigned n;

	if (!d->pv || !__atomic_load_n(&d->pv->nr_unmapped, __ATOMIC_RELAXED))
		return;
	spin_lock(&d->p2m_lock);
	p2m_arch_flush_owed(d);
	n = d->pv->nr_unmapped;
	memcpy(t, d->pv->unmapped, n * sizeof(*t));
	__atomic_store_n(&d->pv->nr_unmapped, 0, __ATOMIC_RELAXED);
	spin_unlock(&d->p2m_lock);
	for (unsigned i = 0; i < n; i++)
		release(d, &t[i]);
}

/*
 * The toolstack lets go of a guest's image it loaded one page at a time,
 * thousands of calls in a row, and a TLB flush for each would be most of
 * their cost.  So the pages stay referenced in d->pv->unmapped, and one
 * flush lets go of them together: when UNMAP_DEFER of them are held, at d's
 * next other hypercall, when one of its vCPUs blocks, or when d is
 * destroyed.  Until then d's TLBs may still reach them: d's alone, and none
 * of them is freed or given to anyone else before the flush.
 */
static int64_t remove_from_physmap(struct vcpu *v, uint64_t arg)
{
	struct xen_remove_from_physmap r;
	struct domain *d = v->dom;
	struct p2m_taken t;
	int64_t ret;
	bool full;

	if (copy_from_guest(v, &r, arg, sizeof(r)))
		return -XEN_EFAULT;
	if ((ret = hypercall_target(v, r.domid)))
		return ret;
	spin_lock(&d->p2m_lock);
	p2m_arch_batch_begin(d);
	ret = unmap_locked(d, r.gpfn, true, &t);
	p2m_arch_batch_end(d, true);
	if (t.pa) {
		d->pv->unmapped[d->pv->nr_unmapped] = t;
		/* Read without the lock by memory_unmapped_release(), on every hypercall. */
		__atomic_store_n(&d->pv->nr_unmapped, d->pv->nr_unmapped + 1, __ATOMIC_RELAXED);
	}
	full = d->pv->nr_unmapped == UNMAP_DEFER;
	spin_unlock(&d->p2m_lock);
	if (full)
		memory_unmapped_release(d);
	return ret;
}

bool memory_keeps_unmapped(uint64_t nr, const uint64_t *args)
{
	return nr == __HYPERVISOR_memory_op &&
	       (args[0] & XENMEM_SUBOP_MASK) == XENMEM_remove_from_physmap;
}

/* A direct-mapped domain's own page of that address (give_back() kept it); with the p2m lock. */
static bool own_page_back(struct domain *d, uint64_t gfn)
{
	uint64_t ipa = gfn << PAGE_SHIFT;

	return gfn_in_ram(d, gfn) && page_owned_by(ipa, d) &&
	       p2m_arch_set_page(d, ipa, ipa, P2M_RAM, NULL);
}

/*
 * Claims, as Xen's: the toolstack stakes a domain's memory before it
 * populates it.  Memory that others claimed goes to nobody else; a domain
 * populating uses up its own claim first.
 */
static spinlock_t claim_lock = SPINLOCK_INIT;
static uint64_t outstanding_claims;	/* pages, all domains' */

uint64_t memory_outstanding_claims(void)
{
	return __atomic_load_n(&outstanding_claims, __ATOMIC_RELAXED);
}

/* Whether d may take n more pages now; if so they count against its claim. */
static bool claim_allows(struct domain *d, uint64_t n)
{
	bool ok;

	spin_lock(&claim_lock);
	ok = d->outstanding_pages >= n || outstanding_claims + n <= page_alloc_free_pages();
	if (ok) {
		uint64_t used = MIN(d->outstanding_pages, n);
		d->outstanding_pages -= used;
		outstanding_claims -= used;
	}
	spin_unlock(&claim_lock);
	return ok;
}

void memory_release_claim(struct domain *d)
{
	spin_lock(&claim_lock);
	outstanding_claims -= d->outstanding_pages;
	d->outstanding_pages = 0;
	spin_unlock(&claim_lock);
}

/* Xen's domain_set_outstanding_pages(): 0 ends the claim; one claim at a time, above what it has. */
static int64_t set_claim(struct domain *d, uint64_t pages)
{
	int64_t ret = 0;

	if (!pages) {
		memory_release_claim(d);
		return 0;
	}
	spin_lock(&claim_lock);
	if (d->outstanding_pages || pages <= d->ram_pages || pages > d->max_pages)
		ret = -XEN_EINVAL;
	else if (pages - d->ram_pages > page_alloc_free_pages() - MIN(outstanding_claims,
									 page_alloc_free_pages()))
		ret = -XEN_ENOMEM;
	else {
		d->outstanding_pages = pages - d->ram_pages;
		outstanding_claims += d->outstanding_pages;
	}
	spin_unlock(&claim_lock);
	return ret;
}

static int64_t claim_pages(struct vcpu *v, uint64_t cmd, uint64_t arg)
{
	struct xen_memory_reservation r;
	struct domain *d;
	int64_t ret;

	if (cmd >> XENMEM_EXTENT_SHIFT)
		return -XEN_EINVAL;
	if (copy_from_guest(v, &r, arg, sizeof(r)))
		return -XEN_EFAULT;
	if (r.extent_start || r.extent_order || r.mem_flags)
		return -XEN_EINVAL;
	if (!(d = domain_get(r.domid)))
		return -XEN_EINVAL;
	ret = xsm_control(v->dom);
	if (!ret)
		ret = set_claim(d, r.nr_extents);
	domain_put(d);
	return ret;
}

/* Fresh scrubbed RAM of d's, pages (a power of two) from gfn, in one run; with the p2m lock. */
static bool fresh_ram(struct domain *d, uint64_t gfn, uint64_t pages)
{
	uint64_t pa = claim_allows(d, pages) ? alloc_pages(pages, pages) : 0;

	if (!pa)
		return false;
	page_assign(pa, pages, d);
	if (domain_map_fresh_ram(d, gfn << PAGE_SHIFT, pa, pages * PAGE_SIZE))
		return true;
	for (uint64_t i = 0; i < pages; i++)
		page_put(pa + i * PAGE_SIZE);
	return false;
}

bool memory_populate(struct domain *d, uint64_t gfn)
{
	uint64_t pa;
	bool ok = true;

	spin_lock(&d->p2m_lock);
	if (!p2m_arch_lookup(d, gfn << PAGE_SHIFT, &pa, NULL)) {
		ok = d->ram_pages < d->max_pages &&
		     (d->direct_map ? own_page_back(d, gfn) : fresh_ram(d, gfn, 1));
		if (ok)
			d->ram_pages++;
	}
	spin_unlock(&d->p2m_lock);
	return ok;
}

/*
 * Extents from `start` on (cmd >> XENMEM_EXTENT_SHIFT: a continued call
 * resumes there); returns how many of all the extents are done.
 */
/*
 * A whole 2 MiB block of fresh RAM at an aligned extent where nothing is
 * mapped yet (the toolstack populates a guest so); false if it cannot be.
 */
static bool populate_block(struct domain *d, uint64_t gfn)
{
	uint64_t ipa = gfn << PAGE_SHIFT, pa;
	bool ok = false;

	if (ipa & (BLOCK_SIZE - 1) || !gfn_in_ram(d, gfn + BLOCK_PAGES - 1) || d->direct_map)
		return false;
	spin_lock(&d->p2m_lock);
	for (uint64_t i = 0; i < BLOCK_PAGES; i++)
		if (p2m_arch_lookup(d, ipa + i * PAGE_SIZE, &pa, NULL))
			goto out;
	if (d->ram_pages + BLOCK_PAGES <= d->max_pages && (ok = fresh_ram(d, gfn, BLOCK_PAGES)))
		d->ram_pages += BLOCK_PAGES;
out:
	spin_unlock(&d->p2m_lock);
	return ok;
}

/* One page of an extent of d's; the toolstack may also populate another domain's magic pages. */
static bool reserve_one(struct vcpu *v, struct domain *d, unsigned op, uint64_t gfn)
{
	if (op == XENMEM_decrease_reservation)
		return gfn_in_ram(d, gfn) && !take_out_own(d, gfn);
	return (gfn_in_ram(d, gfn) || (d != v->dom && gfn_in_magic(gfn))) && memory_populate(d, gfn);
}

/* An extent of 2^order pages from gfn (aligned to its size, as Xen's populate wants). */
static bool reserve_extent(struct vcpu *v, struct domain *d, unsigned op, uint64_t gfn,
			   unsigned order)
{
	if (gfn & ((1ull << order) - 1))
		return false;
	/* Whole or not at all, as Xen allocates an extent (pages there already count twice: fine). */
	if (op == XENMEM_populate_physmap && d->ram_pages + (1ull << order) > d->max_pages && order)
		return false;
	if (op == XENMEM_populate_physmap && order == BLOCK_ORDER && populate_block(d, gfn))
		return true;
	for (uint64_t i = 0; i < 1ull << order; i++)
		if (!reserve_one(v, d, op, gfn + i))
			return false;
	return true;
}

static int64_t extents(struct vcpu *v, struct domain *d, uint64_t cmd, unsigned op, uint64_t arg,
		       const struct xen_memory_reservation *r)
{
	uint64_t start = cmd >> XENMEM_EXTENT_SHIFT, done;

	if (r->extent_order > BLOCK_ORDER || r->nr_extents >> (64 - XENMEM_EXTENT_SHIFT))
		return -XEN_EINVAL;
	if (start >= r->nr_extents)
		return (int64_t)start;
	for (done = start; done < r->nr_extents;) {
		uint64_t gfns[DECREASE_BATCH];
		unsigned n = 1, k;

		if (done > start && hypercall_preempt_check(v))
			return hypercall_continue(v, (cmd & XENMEM_SUBOP_MASK) |
						  done << XENMEM_EXTENT_SHIFT, arg, 0);
		/* Single pages given back go in batches; a list that faults midway, one by one. */
		if (op == XENMEM_decrease_reservation && !r->extent_order)
			n = (unsigned)MIN((uint64_t)DECREASE_BATCH, r->nr_extents - done);
		if (n > 1 && copy_from_guest(v, gfns, r->extent_start + done * 8, n * 8))
			n = 1;
		if (n == 1 && copy_from_guest(v, gfns, r->extent_start + done * 8, 8))
			return done ? (int64_t)done : -XEN_EFAULT;
		if (op == XENMEM_decrease_reservation && !r->extent_order) {
			done += (k = decrease_batch(v, d, gfns, n));
			if (!k)
				break;
		} else if (reserve_extent(v, d, op, gfns[0], r->extent_order)) {
			done++;
		} else {
			break;
		}
	}
	return (int64_t)done;
}

static int64_t reservation(struct vcpu *v, uint64_t cmd, unsigned op, uint64_t arg)
{
	struct xen_memory_reservation r;
	struct domain *d;
	int64_t ret;

	if (copy_from_guest(v, &r, arg, sizeof(r)))
		return -XEN_EFAULT;
	if (!(d = hypercall_domain(v, r.domid, &ret)))
		return ret;
	ret = extents(v, d, cmd, op, arg, &r);
	domain_put(d);
	return ret;
}

static int64_t reservation_size(struct vcpu *v, uint64_t cmd, uint64_t arg)
{
	struct domain *d;
	domid_t domid;
	int64_t ret;

	if (copy_from_guest(v, &domid, arg, sizeof(domid)))
		return -XEN_EFAULT;
	if (!(d = hypercall_domain(v, domid, &ret)))
		return ret;
	if ((cmd & XENMEM_SUBOP_MASK) == XENMEM_maximum_gpfn)
		ret = (int64_t)(domain_ram_end(d) >> PAGE_SHIFT) - 1;
	else
		ret = (int64_t)((cmd & XENMEM_SUBOP_MASK) == XENMEM_current_reservation ?
				d->ram_pages : d->max_pages);
	domain_put(d);
	return ret;
}

int64_t do_memory_op(struct vcpu *v, uint64_t cmd, uint64_t arg)
{
	switch (cmd & XENMEM_SUBOP_MASK) {
	case XENMEM_add_to_physmap:
		return add_to_physmap(v, arg);
	case XENMEM_add_to_physmap_batch:
		return add_to_physmap_batch(v, cmd, arg);
	case XENMEM_remove_from_physmap:
		return remove_from_physmap(v, arg);
	case XENMEM_acquire_resource:
		return acquire_resource(v, arg);
	case XENMEM_claim_pages:
		return claim_pages(v, cmd, arg);
	case XENMEM_get_sharing_freed_pages:
	case XENMEM_get_sharing_shared_pages:
		return 0;	/* no memory sharing on Arm */
	case XENMEM_increase_reservation:
	case XENMEM_populate_physmap:
		return reservation(v, cmd, XENMEM_populate_physmap, arg);
	case XENMEM_decrease_reservation:
		return reservation(v, cmd, XENMEM_decrease_reservation, arg);
	case XENMEM_current_reservation:
	case XENMEM_maximum_reservation:
	case XENMEM_maximum_gpfn:
		return reservation_size(v, cmd, arg);
	default:
		return -XEN_ENOSYS;
	}
}
