/*
 * Grant tables, version 1 (the only version on Arm).  A domain grants
 * access to one of its pages by filling an entry of its table; another
 * domain maps the page into its own p2m (map_grant_ref), or copies
 * to or from it (copy).  While a grant is mapped or being copied its
 * GTF_reading/GTF_writing flags are set, so the granter cannot revoke it.
 */
#include <xen/pv.h>
#include <domus/domain.h>
#include <xen/guest_access.h>
#include <xen/hypercall.h>
#include <domus/page.h>
#include <domus/page_alloc.h>
#include <public/errno.h>
#include <domus/arch.h>

#define INVALID_GFN  (~0ull)

/* Maps and unmaps touch two domains: one lock for all grant state. */
static spinlock_t gnt_lock = SPINLOCK_INIT;

uint64_t gnttab_frame(struct domain *d, uint64_t idx)
{
	struct xen_pv *pv = d->pv;
	uint64_t pa;

	if (idx >= GNT_MAX_FRAMES)
		return 0;
	spin_lock(&gnt_lock);
	while (pv->gnt_frames <= idx) {
		pa = alloc_pages_scrubbed(1, 1);
		if (!pa)
			break;
		/* Its own, with the table's reference: the toolstack may map it (acquire_resource). */
		page_assign(pa, 1, d);
		pv->gnt_frame_pa[pv->gnt_frames++] = pa;
	}
	pa = idx < pv->gnt_frames ? pv->gnt_frame_pa[idx] : 0;
	spin_unlock(&gnt_lock);
	return pa;
}

static struct grant_entry_v1 *entry(struct domain *d, uint32_t ref)
{
	if (ref >= d->pv->gnt_frames * GNT_ENTRIES_PER_FRAME)
		return NULL;
	return (struct grant_entry_v1 *)pa_to_va(d->pv->gnt_frame_pa[ref / GNT_ENTRIES_PER_FRAME]) +
	       ref % GNT_ENTRIES_PER_FRAME;
}

/*
 * Checks that `ref` of `granter` lets `grantee` in (writable if asked) and
 * marks it in use, atomically against the granter revoking it.  The frame
 * must be a page of the granter's own RAM (not one it maps from another
 * domain, not a page of Domus's); the caller gets a reference on it, which
 * release() drops.
 */
static int16_t acquire(struct domain *granter, domid_t grantee, uint32_t ref, bool write,
		       uint64_t *pa)
{
	struct grant_entry_v1 *e = entry(granter, ref);
	uint32_t *word, old, flags;
	uint64_t frame;
	uint16_t in_use = GTF_reading | (write ? GTF_writing : 0);

	if (!e)
		return GNTST_bad_gntref;
	word = (uint32_t *)e;	/* flags and domid, as one 32-bit word */
	old = __atomic_load_n(word, __ATOMIC_ACQUIRE);
	do {
		flags = old & 0xffff;
		if ((flags & GTF_type_mask) != GTF_permit_access || (old >> 16) != grantee)
			return GNTST_permission_denied;
		if (write && (flags & GTF_readonly))
			return GNTST_permission_denied;
	} while (!__atomic_compare_exchange_n(word, &old, old | in_use, false,
					      __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE));
	/* Read the frame once: the granter may change it under our feet. */
	frame = (uint64_t)__atomic_load_n(&e->frame, __ATOMIC_ACQUIRE) << PAGE_SHIFT;
	if (!guest_page_get(granter, frame >> PAGE_SHIFT, pa)) {
		/* Only the flags no existing mapping or copy still holds. */
		const struct gnt_pin *pin = &granter->pv->pins[ref];
		uint16_t held = (pin->readers ? GTF_reading : 0) | (pin->writers ? GTF_writing : 0);
		__atomic_fetch_and(word, ~(uint32_t)(in_use & ~held), __ATOMIC_RELEASE);
		return GNTST_bad_page;
	}
	if (write)
		granter->pv->pins[ref].writers++;
	granter->pv->pins[ref].readers++;
	return GNTST_okay;
}

/* Drops one use of the grant, and the page reference; the flags clear when the last use goes. */
static void release(struct domain *granter, uint32_t ref, bool write, uint64_t pa)
{
	struct gnt_pin *pin = &granter->pv->pins[ref];
	uint16_t clear = 0;

	if (write && pin->writers && !--pin->writers)
		clear |= GTF_writing;
	if (pin->readers && !--pin->readers)
		clear |= GTF_reading;
	if (clear)
		__atomic_fetch_and(&entry(granter, ref)->flags, (uint16_t)~clear, __ATOMIC_RELEASE);
	page_put(pa);
}

/* A running PV domain to map or copy from, with a reference (domain_put()); or NULL. */
static struct domain *granter_get(domid_t id)
{
	struct domain *d = domain_get(id);

	if (d && (!d->pv || d->state != DOMAIN_RUNNING)) {
		domain_put(d);
		d = NULL;
	}
	return d;
}

static void map_from(struct domain *d, struct domain *g, struct gnttab_map_grant_ref *m);

static void map_one(struct domain *d, struct gnttab_map_grant_ref *m)
{
	struct domain *g = granter_get(m->dom);

	map_from(d, g, m);
	if (g)
		domain_put(g);
}

static void map_from(struct domain *d, struct domain *g, struct gnttab_map_grant_ref *m)
{
	bool ro = m->flags & GNTMAP_readonly;
	uint64_t pa, gfn = m->host_addr >> PAGE_SHIFT, existing;
	unsigned h;

	m->handle = ~0u;
	if (m->flags & ~(GNTMAP_host_map | GNTMAP_readonly) || !(m->flags & GNTMAP_host_map)) {
		m->status = GNTST_general_error;
		return;
	}
	if (!g || g == d) {
		m->status = GNTST_bad_domain;
		return;
	}
	if (m->host_addr & (PAGE_SIZE - 1) || !domain_ipa_is_ram(d, m->host_addr, PAGE_SIZE)) {
		m->status = GNTST_bad_virt_addr;	/* the slot must be in RAM ... */
		return;
	}
	for (h = 0; h < MAPTRACK_MAX && d->pv->maptrack[h].used; h++)
		;
	if (h == MAPTRACK_MAX) {
		m->status = GNTST_no_device_space;
		return;
	}
	m->status = acquire(g, (domid_t)d->id, m->ref, !ro, &pa);
	if (m->status != GNTST_okay)
		return;
	/* ... and empty, checked and filled in one step against the domain's own changes. */
	spin_lock(&d->p2m_lock);
	if (p2m_arch_lookup(d, m->host_addr, &existing, NULL))
		m->status = GNTST_bad_virt_addr;
	else if (!p2m_arch_set_page(d, m->host_addr, pa, ro ? P2M_FOREIGN_RO : P2M_FOREIGN_RW, NULL))
		m->status = GNTST_no_device_space;
	spin_unlock(&d->p2m_lock);
	if (m->status != GNTST_okay) {
		release(g, m->ref, !ro, pa);
		return;
	}
	domain_hold(g);
	d->pv->maptrack[h] = (struct maptrack){ true, ro, g, m->ref, gfn, pa };
	m->handle = h;
	m->dev_bus_addr = pa;
}

/*
 * Removes mapping h of d; with gnt_lock held.  Only the mapping itself
 * leaves d's p2m: if the guest has since put something else at that
 * address, that stays.  The granter may have been destroyed meanwhile: its
 * grant table is kept for this (domain_hold()).
 */
static void unmap_handle(struct domain *d, unsigned h)
{
	struct maptrack *t = &d->pv->maptrack[h];
	uint64_t ipa = t->host_gfn << PAGE_SHIFT, pa;
	enum p2m_type type;

	spin_lock(&d->p2m_lock);
	if (p2m_arch_lookup(d, ipa, &pa, &type) && pa == t->pa &&
	    type == (t->readonly ? P2M_FOREIGN_RO : P2M_FOREIGN_RW))
		p2m_arch_set_page(d, ipa, 0, type, NULL);
	spin_unlock(&d->p2m_lock);
	release(t->granter, t->ref, !t->readonly, t->pa);
	domain_unhold(t->granter);
	t->used = false;
}

static void unmap_one(struct domain *d, struct gnttab_unmap_grant_ref *u)
{
	struct maptrack *t;

	if (u->handle >= MAPTRACK_MAX || !d->pv->maptrack[u->handle].used) {
		u->status = GNTST_bad_handle;
		return;
	}
	t = &d->pv->maptrack[u->handle];
	if (t->host_gfn != u->host_addr >> PAGE_SHIFT) {
		u->status = GNTST_bad_virt_addr;
		return;
	}
	unmap_handle(d, u->handle);
	u->status = GNTST_okay;
}

/*
 * Only d's own mappings go: others' mappings of d's pages stay theirs
 * until they unmap, as on Xen (the pages and d's grant table with them).
 */
void gnttab_release_mappings(struct domain *d)
{
	spin_lock(&gnt_lock);
	for (unsigned h = 0; h < MAPTRACK_MAX; h++)
		if (d->pv->maptrack[h].used)
			unmap_handle(d, h);
	spin_unlock(&gnt_lock);
}

/* One side of a copy: a grant of another domain, or a frame of the caller's. */
static int16_t copy_side(struct domain *d, const struct gnttab_copy_ptr *p, bool is_ref,
			 bool write, struct domain **g, uint8_t **page, uint64_t *pa)
{
	int16_t st;

	*g = NULL;
	if (!is_ref) {
		if (p->domid != DOMID_SELF && p->domid != d->id)
			return GNTST_permission_denied;
		*page = guest_page_get(d, p->u.gmfn, pa);
		return *page ? GNTST_okay : GNTST_bad_page;
	}
	*g = granter_get(p->domid == DOMID_SELF ? (domid_t)d->id : p->domid);
	if (!*g)
		return GNTST_bad_domain;
	st = acquire(*g, (domid_t)d->id, p->u.ref, write, pa);
	if (st != GNTST_okay) {
		domain_put(*g);
		*g = NULL;
		return st;
	}
	*page = pa_to_va(*pa);
	return GNTST_okay;
}

static void copy_one(struct domain *d, struct gnttab_copy *c)
{
	struct domain *sg, *dg = NULL;
	uint8_t *src, *dst = NULL;
	uint64_t spa, dpa;

	if (c->flags & ~(GNTCOPY_source_gref | GNTCOPY_dest_gref) ||
	    c->source.offset + c->len > PAGE_SIZE || c->dest.offset + c->len > PAGE_SIZE) {
		c->status = GNTST_bad_copy_arg;
		return;
	}
	c->status = copy_side(d, &c->source, c->flags & GNTCOPY_source_gref, false, &sg, &src,
			      &spa);
	if (c->status != GNTST_okay)
		return;
	c->status = copy_side(d, &c->dest, c->flags & GNTCOPY_dest_gref, true, &dg, &dst, &dpa);
	if (c->status == GNTST_okay)
		memmove(dst + c->dest.offset, src + c->source.offset, c->len);
	/* Each side holds a page reference, and a grant use and its granter if it is a grant. */
	if (dg) {
		release(dg, c->dest.u.ref, true, dpa);
		domain_put(dg);
	} else if (dst) {
		page_put(dpa);
	}
	if (sg) {
		release(sg, c->source.u.ref, false, spa);
		domain_put(sg);
	} else {
		page_put(spa);
	}
}

static int64_t query_size(struct vcpu *v, struct gnttab_query_size *q)
{
	if (q->dom != DOMID_SELF && q->dom != v->dom->id) {
		q->status = GNTST_bad_domain;
		return 0;
	}
	q->nr_frames = MAX(v->dom->pv->gnt_frames, 1u);
	q->max_nr_frames = GNT_MAX_FRAMES;
	q->status = GNTST_okay;
	return 0;
}

/* Each sub-op's struct, its size, and what to do with one element. */
static int64_t one_op(struct vcpu *v, unsigned cmd, void *op)
{
	struct domain *d = v->dom;

	switch (cmd) {
	case GNTTABOP_map_grant_ref:
		spin_lock(&gnt_lock);
		map_one(d, op);
		spin_unlock(&gnt_lock);
		return 0;
	case GNTTABOP_unmap_grant_ref:
		spin_lock(&gnt_lock);
		unmap_one(d, op);
		spin_unlock(&gnt_lock);
		return 0;
	case GNTTABOP_copy:
		spin_lock(&gnt_lock);
		copy_one(d, op);
		spin_unlock(&gnt_lock);
		return 0;
	case GNTTABOP_query_size:
		return query_size(v, op);
	case GNTTABOP_setup_table: {
		struct gnttab_setup_table *s = op;
		s->status = s->dom != DOMID_SELF && s->dom != d->id ? GNTST_bad_domain
			  : s->nr_frames > GNT_MAX_FRAMES ? GNTST_general_error
			  : gnttab_frame(d, s->nr_frames ? s->nr_frames - 1 : 0) ? GNTST_okay
			  : GNTST_general_error;
		for (uint32_t i = 0; s->status == GNTST_okay && i < s->nr_frames; i++) {
			uint64_t gfn = INVALID_GFN;	/* translated guests map frames themselves */
			if (copy_to_guest(v, s->frame_list + i * 8, &gfn, 8))
				return -XEN_EFAULT;
		}
		return 0;
	}
	case GNTTABOP_set_version: {
		struct gnttab_set_version *sv = op;
		/* As Xen with max version 1: v2 -ENOSYS, others -EINVAL; the version is reported. */
		int64_t ret = sv->version == 1 ? 0 : sv->version == 2 ? -XEN_ENOSYS : -XEN_EINVAL;
		sv->version = 1;
		return ret;
	}
	case GNTTABOP_get_version: {
		struct gnttab_get_version *gv = op;
		if (gv->dom != DOMID_SELF && gv->dom != d->id)
			return -XEN_EPERM;
		gv->version = 1;
		return 0;
	}
	case GNTTABOP_get_status_frames:
		((struct gnttab_get_status_frames *)op)->status = GNTST_general_error;
		return 0;	/* status frames are a version 2 thing */
	default:
		return -XEN_ENOSYS;
	}
}

static const uint8_t op_size[] = {
	[GNTTABOP_map_grant_ref] = sizeof(struct gnttab_map_grant_ref),
	[GNTTABOP_unmap_grant_ref] = sizeof(struct gnttab_unmap_grant_ref),
	[GNTTABOP_setup_table] = sizeof(struct gnttab_setup_table),
	[GNTTABOP_copy] = sizeof(struct gnttab_copy),
	[GNTTABOP_query_size] = sizeof(struct gnttab_query_size),
	[GNTTABOP_set_version] = sizeof(struct gnttab_set_version),
	[GNTTABOP_get_status_frames] = sizeof(struct gnttab_get_status_frames),
	[GNTTABOP_get_version] = sizeof(struct gnttab_get_version),
};

/* Reads one op, does it and writes it back. */
static int64_t do_one(struct vcpu *v, unsigned cmd, uint64_t at)
{
	uint8_t op[64];
	int64_t ret;

	if (copy_from_guest(v, op, at, op_size[cmd]))
		return -XEN_EFAULT;
	ret = one_op(v, cmd, op);
	if (ret && cmd != GNTTABOP_set_version)	/* which reports the version anyway */
		return ret;
	return copy_to_guest(v, at, op, op_size[cmd]) ? -XEN_EFAULT : ret;
}

/*
 * As Xen: a count that is negative as an int is -EINVAL; the table queries
 * take exactly one op and the version ops one whatever the count says;
 * batches of maps, unmaps and copies go on in a continuation when their
 * time is up.
 */
int64_t do_grant_table_op(struct vcpu *v, uint64_t cmd, uint64_t uop, uint64_t count)
{
	if ((int32_t)count < 0)
		return -XEN_EINVAL;
	count = (uint32_t)count;
	if (cmd >= ARRAY_SIZE(op_size) || !op_size[cmd])
		return -XEN_ENOSYS;
	switch (cmd) {
	case GNTTABOP_setup_table:
	case GNTTABOP_query_size:
	case GNTTABOP_get_status_frames:
		return count == 1 ? do_one(v, (unsigned)cmd, uop) : -XEN_EINVAL;
	case GNTTABOP_set_version:
	case GNTTABOP_get_version:
		return do_one(v, (unsigned)cmd, uop);
	}
	for (uint64_t i = 0; i < count; i++) {
		int64_t ret;

		if (i && hypercall_preempt_check(v))
			return hypercall_continue(v, cmd, uop + i * op_size[cmd], count - i);
		if ((ret = do_one(v, (unsigned)cmd, uop + i * op_size[cmd])))
			return ret;
	}
	return 0;
}
