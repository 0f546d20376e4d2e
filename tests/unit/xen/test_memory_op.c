/*
 * XENMEM_* (xen/memory_op.c): giving pages back and taking them again,
 * the reservation limit, shared_info and grant frames in the physmap, and
 * which domain ids a DomU may name.
 */
#include "domctl_call.h"
#include <domus/arch.h>
#include <domus/page.h>
#include <domus/page_alloc.h>
#include <public/errno.h>
#include <public/xen.h>
#include <xen/pv.h>
#include <asm/guest_abi.h>

static uint64_t gfn(struct domain *d, unsigned page)
{
	return (d->bank[0].base >> PAGE_SHIFT) + page;
}

static int64_t query(struct domain *d, unsigned cmd, domid_t domid)
{
	*(domid_t *)arg_ptr(d, 0) = domid;
	return hypercall(d->vcpu[0], __HYPERVISOR_memory_op, cmd, arg_gva(d, 0), 0);
}

TEST(decrease_frees_scrubbed_and_populate_gives_zeroed_pages_back)
{
	struct domain *d = fake_pv_domain(1);
	uint64_t gfns[] = { gfn(d, 5), gfn(d, 6) }, pa5 = va_to_pa(guest_ptr(d, gfns[0] << PAGE_SHIFT));
	uint64_t free_before = page_alloc_free_pages(), dirty_before = page_alloc_dirty_pages();

	memset(pa_to_va(pa5), 0x77, PAGE_SIZE);
	CHECK_EQ(guest_reservation(d, XENMEM_decrease_reservation, gfns, 2, DOMID_SELF), 2);
	CHECK_EQ(d->ram_pages, FAKE_PV_RAM_PAGES - 2);
	CHECK(guest_ptr(d, gfns[0] << PAGE_SHIFT) == NULL);
	CHECK(page_is_free(pa5));
	CHECK_EQ(page_alloc_free_pages(), free_before + 2);
	CHECK_EQ(page_alloc_dirty_pages(), dirty_before + 2);	/* scrubbed before reuse */
	/* A page it does not have (any more) ends the batch. */
	CHECK_EQ(guest_reservation(d, XENMEM_decrease_reservation, gfns, 2, DOMID_SELF), 0);
	CHECK_EQ(guest_reservation(d, XENMEM_populate_physmap, gfns, 2, DOMID_SELF), 2);
	CHECK_EQ(d->ram_pages, FAKE_PV_RAM_PAGES);
	REQUIRE(guest_ptr(d, gfns[0] << PAGE_SHIFT));
	CHECK_EQ(*(uint8_t *)guest_ptr(d, gfns[0] << PAGE_SHIFT), 0);
	CHECK_EQ(*(uint8_t *)guest_ptr(d, gfns[1] << PAGE_SHIFT), 0);
	CHECK(page_owned_by(va_to_pa(guest_ptr(d, gfns[1] << PAGE_SHIFT)), d));
	/* Populating what is there is no error, and costs nothing. */
	CHECK_EQ(guest_reservation(d, XENMEM_populate_physmap, gfns, 2, DOMID_SELF), 2);
	CHECK_EQ(d->ram_pages, FAKE_PV_RAM_PAGES);
}

TEST(populate_stops_at_the_domains_limit)
{
	struct domain *d = fake_pv_domain(1);
	uint64_t holes[] = { gfn(d, FAKE_PV_RAM_PAGES), gfn(d, FAKE_PV_RAM_PAGES + 1) };

	d->max_pages = d->ram_pages + 1;
	CHECK_EQ(guest_reservation(d, XENMEM_populate_physmap, holes, 2, DOMID_SELF), 1);
	CHECK_EQ(d->ram_pages, d->max_pages);
	CHECK(guest_ptr(d, holes[1] << PAGE_SHIFT) == NULL);
	/* Outside RAM: nothing. */
	holes[0] = GUEST_MAGIC_BASE >> PAGE_SHIFT;
	CHECK_EQ(guest_reservation(d, XENMEM_decrease_reservation, holes, 1, DOMID_SELF), 0);
	CHECK_EQ(guest_reservation(d, XENMEM_populate_physmap, holes, 1, DOMID_SELF), 0);
}

TEST(domain_ids_esrch_for_none_eperm_for_another)
{
	struct domain *d = fake_pv_domain(1), *other = fake_pv_domain(1);
	uint64_t g = gfn(d, 3);

	CHECK_EQ(query(d, XENMEM_current_reservation, DOMID_SELF), FAKE_PV_RAM_PAGES);
	CHECK_EQ(query(d, XENMEM_current_reservation, d->id), FAKE_PV_RAM_PAGES);
	CHECK_EQ(query(d, XENMEM_maximum_reservation, DOMID_SELF), FAKE_RAM_SIZE / PAGE_SIZE);
	CHECK_EQ(query(d, XENMEM_current_reservation, other->id), -XEN_EPERM);
	CHECK_EQ(query(d, XENMEM_current_reservation, 7), -XEN_ESRCH);
	CHECK_EQ(query(d, XENMEM_maximum_gpfn, 0), -XEN_ESRCH);	/* there is no Dom0 */
	CHECK_EQ(query(d, XENMEM_maximum_reservation, 0x7fef), -XEN_ESRCH);
	CHECK_EQ(guest_reservation(d, XENMEM_decrease_reservation, &g, 1, other->id), -XEN_EPERM);
	CHECK_EQ(guest_reservation(d, XENMEM_decrease_reservation, &g, 1, 6), -XEN_ESRCH);
	CHECK_EQ(d->ram_pages, FAKE_PV_RAM_PAGES);
}

TEST(shared_info_replaces_a_ram_page_which_goes_back)
{
	struct domain *d = fake_pv_domain(1);
	struct xen_add_to_physmap *x = arg_ptr(d, 0);
	uint64_t old = va_to_pa(guest_ptr(d, gfn(d, 9) << PAGE_SHIFT));

	*x = (struct xen_add_to_physmap){ .domid = DOMID_SELF, .space = XENMAPSPACE_shared_info,
					  .idx = 0, .gpfn = gfn(d, 9) };
	CHECK_EQ(hypercall(d->vcpu[0], __HYPERVISOR_memory_op, XENMEM_add_to_physmap,
			   arg_gva(d, 0), 0), 0);
	CHECK_EQ(va_to_pa(guest_ptr(d, gfn(d, 9) << PAGE_SHIFT)), d->pv->shared_info_pa);
	CHECK_EQ(fake_p2m_type(d, gfn(d, 9) << PAGE_SHIFT), P2M_SPECIAL);
	CHECK(page_is_free(old));
	CHECK_EQ(d->ram_pages, FAKE_PV_RAM_PAGES - 1);
	/* Domus's own page is not the guest's to give back. */
	uint64_t g9 = gfn(d, 9);
	CHECK_EQ(guest_reservation(d, XENMEM_decrease_reservation, &g9, 1, DOMID_SELF), 0);
	CHECK_EQ(va_to_pa(guest_ptr(d, gfn(d, 9) << PAGE_SHIFT)), d->pv->shared_info_pa);
	/* Nor may it go to another domain. */
	x->domid = 7;
	CHECK_EQ(hypercall(d->vcpu[0], __HYPERVISOR_memory_op, XENMEM_add_to_physmap,
			   arg_gva(d, 0), 0), -XEN_ESRCH);
}

/* ---- the toolstack's foreign mappings (XENMEM_add_to_physmap_batch, remove_from_physmap) ---- */

#define BATCH_AT   1024		/* where the batch struct goes in page 0 of the caller's RAM */
#define OUTSIDE    0x7000000ull	/* a gfn (28 GiB) far outside the fake domains' RAM */

static unsigned batch_runs;	/* how many times the last batch was issued (continuations) */

/* Maps n of `from`'s pages (idx[]) at gpfn[] of d; the hypercall's result, errs[] filled. */
static int64_t map_batch(struct domain *d, domid_t from, const uint64_t *idx,
			 const uint64_t *gpfn, unsigned n, int32_t *errs)
{
	struct xen_add_to_physmap_batch *b = arg_ptr(d, BATCH_AT);
	uint64_t *ix = arg_ptr(d, 2048), *gp = arg_ptr(d, 2560);
	int32_t *er = arg_ptr(d, 3072);
	int64_t ret;

	for (unsigned i = 0; i < n; i++) {
		ix[i] = idx[i];
		gp[i] = gpfn[i];
		er[i] = 0x5a5a;
	}
	*b = (struct xen_add_to_physmap_batch){ DOMID_SELF, XENMAPSPACE_gmfn_foreign, (uint16_t)n,
						from, arg_gva(d, 2048), arg_gva(d, 2560),
						arg_gva(d, 3072) };
	ret = hypercall(d->vcpu[0], __HYPERVISOR_memory_op, XENMEM_add_to_physmap_batch,
			arg_gva(d, BATCH_AT), 0);
	batch_runs = hypercall_finish(d->vcpu[0]);
	memcpy(errs, er, n * sizeof(*errs));
	return d->vcpu[0]->arch.continued ? ret : d->vcpu[0]->arch.ret;
}

static int64_t unmap_gpfn(struct domain *d, uint64_t gpfn)
{
	struct xen_remove_from_physmap *r = arg_ptr(d, BATCH_AT);

	*r = (struct xen_remove_from_physmap){ .domid = DOMID_SELF, .gpfn = gpfn };
	return hypercall(d->vcpu[0], __HYPERVISOR_memory_op, XENMEM_remove_from_physmap,
			 arg_gva(d, BATCH_AT), 0);
}

/* Any other hypercall: what remove_from_physmap took out is flushed and let go of first. */
static void other_call(struct domain *d)
{
	CHECK(hypercall(d->vcpu[0], __HYPERVISOR_xen_version, XENVER_version, 0, 0) > 0);
}

TEST(dom0_maps_a_guests_pages_and_holds_them_until_it_unmaps)
{
	struct domain *dom0 = fake_hardware_domain(1), *u = fake_pv_domain(1);
	uint64_t idx[] = { gfn(u, 3), gfn(u, 4) }, at[] = { OUTSIDE, OUTSIDE + 1 };
	uint64_t pa3 = va_to_pa(guest_ptr(u, idx[0] << PAGE_SHIFT));
	int32_t errs[2];

	memset(pa_to_va(pa3), 0x3c, PAGE_SIZE);
	CHECK_EQ(map_batch(dom0, (domid_t)u->id, idx, at, 2, errs), 0);
	CHECK(errs[0] == 0 && errs[1] == 0);
	CHECK(guest_ptr(dom0, OUTSIDE << PAGE_SHIFT) == pa_to_va(pa3));
	CHECK_EQ(fake_p2m_type(dom0, OUTSIDE << PAGE_SHIFT), P2M_FOREIGN_MAP);
	CHECK_EQ(page_refs(pa3), 2);
	/* The guest gives the page back: Dom0 keeps its mapping of it, nobody else gets it. */
	CHECK_EQ(guest_reservation(u, XENMEM_decrease_reservation, idx, 1, DOMID_SELF), 1);
	CHECK_EQ(page_refs(pa3), 1);
	CHECK_EQ(*(uint8_t *)guest_ptr(dom0, OUTSIDE << PAGE_SHIFT), 0x3c);
	/* Mapping over a foreign page is refused: it must be unmapped first. */
	CHECK_EQ(map_batch(dom0, (domid_t)u->id, &idx[1], at, 1, errs), 0);
	CHECK_EQ(errs[0], -XEN_EBUSY);
	CHECK_EQ(unmap_gpfn(dom0, OUTSIDE), 0);
	CHECK_EQ(fake_p2m_type(dom0, OUTSIDE << PAGE_SHIFT), -1);
	/* Held until Dom0's TLBs are flushed, at its next other hypercall. */
	CHECK_EQ(page_refs(pa3), 1);
	other_call(dom0);
	CHECK(page_is_free(pa3));
	CHECK_EQ(unmap_gpfn(dom0, OUTSIDE), -XEN_ENOENT);
	/* The other one stays mapped: destroying Dom0 lets go of it (the harness checks). */
	CHECK_EQ(fake_p2m_type(dom0, (OUTSIDE + 1) << PAGE_SHIFT), P2M_FOREIGN_MAP);
}

/* getdomaininfo of the first domain at or after id, by v: its flags and pages; -1 if none. */
static int64_t info_of(struct vcpu *v, unsigned id, uint32_t *flags, uint64_t *pages)
{
	struct xen_domctl op = op_for(XEN_DOMCTL_getdomaininfo, (domid_t)id);

	if (domctl(v, &op) || op.domain != id)
		return -1;
	*flags = op.u.getdomaininfo.flags;
	*pages = op.u.getdomaininfo.tot_pages;
	return 0;
}

/* destroydomain by Dom0, carried on (Xen's -ERESTART) until it returns. */
static int64_t destroy(struct domain *dom0, unsigned id)
{
	struct xen_domctl op = op_for(XEN_DOMCTL_destroydomain, (domid_t)id);

	domctl(dom0->vcpu[0], &op);
	while (dom0->vcpu[0]->arch.continued) {
		domain_reap();
		hypercall_dispatch(dom0->vcpu[0]);
	}
	return dom0->vcpu[0]->arch.ret;
}

TEST(a_destroyed_guest_dom0_still_maps_stays_listed_dying_until_unmapped)
{
	struct domain *dom0 = fake_hardware_domain(1), *u = fake_pv_domain(1), *w = fake_pv_domain(1);
	uint64_t free = page_alloc_free_pages(), idx[] = { gfn(u, 3), gfn(u, 4) };
	uint64_t at[] = { OUTSIDE, OUTSIDE + 1 }, pages, pa3;
	unsigned id = u->id;
	uint32_t flags;
	int32_t errs[2];

	pa3 = va_to_pa(guest_ptr(u, idx[0] << PAGE_SHIFT));
	REQUIRE(map_batch(dom0, (domid_t)id, idx, at, 2, errs) == 0 && !errs[0] && !errs[1]);
	CHECK_EQ(destroy(dom0, id), 0);
	CHECK(domain_by_id(id) == NULL);
	/* Listed, dying, with the two pages Dom0 maps; its id is not given out again. */
	REQUIRE(info_of(dom0->vcpu[0], id, &flags, &pages) == 0);
	CHECK(flags & XEN_DOMINF_dying);
	CHECK_EQ(pages, 2);
	CHECK(!domain_pick_id(id, &(unsigned){ 0 }));
	CHECK(page_owned_by(pa3, u));
	/* Destroying it again is no error (as on Xen); a DomU still may not. */
	CHECK_EQ(destroy(dom0, id), 0);
	{
		struct xen_domctl op = op_for(XEN_DOMCTL_destroydomain, (domid_t)id);

		CHECK_EQ(domctl(w->vcpu[0], &op), -XEN_EPERM);
	}
	CHECK_EQ(unmap_gpfn(dom0, OUTSIDE), 0);
	domain_reap();
	REQUIRE(info_of(dom0->vcpu[0], id, &flags, &pages) == 0);
	CHECK_EQ(pages, 1);
	/* The last unmap ends it, once flushed: gone from the list, its memory all back. */
	CHECK_EQ(unmap_gpfn(dom0, OUTSIDE + 1), 0);
	other_call(dom0);
	domain_reap();
	CHECK_EQ(info_of(dom0->vcpu[0], id, &flags, &pages), -1);
	CHECK(domain_pick_id(id, &(unsigned){ 0 }));
	CHECK(page_is_free(pa3));
	CHECK(page_alloc_free_pages() > free);
}

/* Maps u's pages, in turn, at OUTSIDE.. OUTSIDE + n - 1 of dom0, one batch each. */
static void map_pages(struct domain *dom0, struct domain *u, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		uint64_t idx = gfn(u, i % FAKE_PV_RAM_PAGES), at = OUTSIDE + i;
		int32_t err;

		REQUIRE(map_batch(dom0, (domid_t)u->id, &idx, &at, 1, &err) == 0 && !err);
	}
}

/* The references others hold on u's RAM pages (its own p2m's aside). */
static unsigned held(struct domain *u)
{
	unsigned n = 0;

	for (unsigned i = 0; i < FAKE_PV_RAM_PAGES; i++)
		n += page_refs(va_to_pa(guest_ptr(u, gfn(u, i) << PAGE_SHIFT))) - 1;
	return n;
}

TEST(unmapped_pages_go_with_one_flush_per_UNMAP_DEFER_of_them)
{
	struct domain *dom0 = fake_hardware_domain(1), *u = fake_pv_domain(1);
	unsigned n = UNMAP_DEFER + 3, flushes;

	map_pages(dom0, u, n);
	CHECK_EQ(held(u), n);
	flushes = fake_tlb_flushes(dom0);
	for (unsigned i = 0; i < UNMAP_DEFER - 1; i++)
		CHECK_EQ(unmap_gpfn(dom0, OUTSIDE + i), 0);
	/* Unmapped, but no flush yet: Dom0 still holds every page. */
	CHECK_EQ(fake_p2m_type(dom0, OUTSIDE << PAGE_SHIFT), -1);
	CHECK_EQ(fake_tlb_flushes(dom0), flushes);
	CHECK_EQ(held(u), n);
	/* The UNMAP_DEFER-th: one flush, then all of them let go. */
	CHECK_EQ(unmap_gpfn(dom0, OUTSIDE + UNMAP_DEFER - 1), 0);
	CHECK_EQ(fake_tlb_flushes(dom0), flushes + 1);
	CHECK_EQ(held(u), n - UNMAP_DEFER);
	/* A failed removal holds nothing; the next waits for Dom0's next other call. */
	CHECK_EQ(unmap_gpfn(dom0, OUTSIDE), -XEN_ENOENT);
	CHECK_EQ(unmap_gpfn(dom0, OUTSIDE + UNMAP_DEFER), 0);
	CHECK_EQ(held(u), n - UNMAP_DEFER);
	other_call(dom0);
	CHECK_EQ(fake_tlb_flushes(dom0), flushes + 2);
	CHECK_EQ(held(u), n - UNMAP_DEFER - 1);
	/* Nothing held: the next call flushes nothing. */
	other_call(dom0);
	CHECK_EQ(fake_tlb_flushes(dom0), flushes + 2);
}

TEST(unmapped_pages_held_are_let_go_when_dom0_blocks_or_dies)
{
	struct domain *dom0 = fake_hardware_domain(1), *u = fake_pv_domain(1);

	map_pages(dom0, u, 2);
	CHECK_EQ(unmap_gpfn(dom0, OUTSIDE), 0);
	CHECK_EQ(held(u), 2);
	vcpu_block(dom0->vcpu[0]);
	CHECK_EQ(held(u), 1);
	dom0->vcpu[0]->blocked = false;
	CHECK_EQ(unmap_gpfn(dom0, OUTSIDE + 1), 0);
	CHECK_EQ(held(u), 1);
	pv_domain_relinquish(dom0);
	CHECK_EQ(held(u), 0);
}

TEST(foreign_mappings_are_refused_to_domus_but_dom0_and_for_what_is_not_ram)
{
	struct domain *dom0 = fake_hardware_domain(1), *u = fake_pv_domain(1), *v = fake_pv_domain(1);
	uint64_t idx[] = { gfn(v, 2), gfn(v, FAKE_PV_RAM_PAGES + 5), gfn(v, 2) };
	uint64_t at[] = { OUTSIDE, OUTSIDE + 1, OUTSIDE + 2 };
	int32_t errs[3];

	/* A DomU mapping another's page: -EPERM in its entry, nothing mapped. */
	CHECK_EQ(map_batch(u, (domid_t)v->id, idx, at, 1, errs), 0);
	CHECK_EQ(errs[0], -XEN_EPERM);
	CHECK(guest_ptr(u, OUTSIDE << PAGE_SHIFT) == NULL);
	CHECK_EQ(page_refs(va_to_pa(guest_ptr(v, idx[0] << PAGE_SHIFT))), 1);
	/* Dom0: a page v does not have, itself, a domain that does not exist. */
	CHECK_EQ(map_batch(dom0, (domid_t)v->id, idx, at, 2, errs), 0);
	CHECK(errs[0] == 0 && errs[1] == -XEN_EINVAL);
	CHECK_EQ(map_batch(dom0, DOMID_SELF, idx, at + 2, 1, errs), 0);
	CHECK_EQ(errs[0], -XEN_EINVAL);
	CHECK_EQ(map_batch(dom0, 77, idx, at + 2, 1, errs), 0);
	CHECK_EQ(errs[0], -XEN_ESRCH);
	/* Another space is not this call's; another domain's physmap neither. */
	{
		struct xen_add_to_physmap_batch *b = arg_ptr(dom0, BATCH_AT);
		b->space = XENMAPSPACE_shared_info;
		CHECK_EQ(hypercall(dom0->vcpu[0], __HYPERVISOR_memory_op,
				   XENMEM_add_to_physmap_batch, arg_gva(dom0, BATCH_AT), 0),
			 -XEN_EOPNOTSUPP);
		b->space = XENMAPSPACE_gmfn_foreign;
		b->domid = (domid_t)u->id;
		CHECK_EQ(hypercall(dom0->vcpu[0], __HYPERVISOR_memory_op,
				   XENMEM_add_to_physmap_batch, arg_gva(dom0, BATCH_AT), 0),
			 -XEN_EPERM);
	}
	/* A grant mapping is not removed this way. */
	CHECK_EQ(unmap_gpfn(dom0, OUTSIDE), 0);
	CHECK_EQ(unmap_gpfn(dom0, gfn(dom0, 9)), 0);	/* its own page: given back */
	CHECK_EQ(dom0->ram_pages, FAKE_PV_RAM_PAGES - 1);
}

TEST(a_long_foreign_batch_goes_on_in_continuations)
{
	struct domain *dom0 = fake_hardware_domain(1), *u = fake_pv_domain(1);
	uint64_t idx[60], at[60];
	int32_t errs[60];

	for (unsigned i = 0; i < 60; i++) {
		idx[i] = gfn(u, 2 + i % 8);	/* a page may be mapped at several places */
		at[i] = OUTSIDE + i;
	}
	fake_counter_step = 150;
	CHECK_EQ(map_batch(dom0, (domid_t)u->id, idx, at, 60, errs), 0);
	fake_counter_step = 0;
	CHECK(batch_runs > 2);
	for (unsigned i = 0; i < 60; i++)
		CHECK_EQ(errs[i], 0);
	CHECK_EQ(fake_p2m_type(dom0, (OUTSIDE + 59) << PAGE_SHIFT), P2M_FOREIGN_MAP);
	CHECK_EQ(page_refs(va_to_pa(guest_ptr(u, idx[59] << PAGE_SHIFT))), 1 + 8);
}

TEST(the_toolstack_populates_a_guests_magic_page_and_maps_it)
{
	struct domain *dom0 = fake_hardware_domain(1), *u = fake_pv_domain(1), *v = fake_pv_domain(1);
	uint64_t store = (GUEST_MAGIC_BASE >> PAGE_SHIFT) + 1, at = OUTSIDE, pa;
	int32_t err;

	/* Neither the guest itself nor another DomU may put a page there. */
	CHECK_EQ(guest_reservation(u, XENMEM_populate_physmap, &store, 1, DOMID_SELF), 0);
	CHECK_EQ(guest_reservation(v, XENMEM_populate_physmap, &store, 1, u->id), -XEN_EPERM);
	CHECK(guest_ptr(u, store << PAGE_SHIFT) == NULL);
	/* Dom0 (init-dom0less's alloc_xs_page) may: a page of the guest's RAM, counted. */
	/* (Beside Dom0 its console page is its own RAM too: FAKE_PV_RAM_PAGES + 1 so far.) */
	CHECK_EQ(guest_reservation(dom0, XENMEM_populate_physmap, &store, 1, u->id), 1);
	CHECK_EQ(u->ram_pages, FAKE_PV_RAM_PAGES + 2);
	CHECK_EQ(fake_p2m_type(u, store << PAGE_SHIFT), P2M_RAM);
	pa = va_to_pa(guest_ptr(u, store << PAGE_SHIFT));
	CHECK(page_owned_by(pa, u));
	CHECK_EQ(query(dom0, XENMEM_current_reservation, u->id), FAKE_PV_RAM_PAGES + 2);
	/* ... and maps it to fill it in, as any page of the guest's RAM. */
	CHECK_EQ(map_batch(dom0, (domid_t)u->id, &store, &at, 1, &err), 0);
	CHECK_EQ(err, 0);
	CHECK_EQ(page_refs(pa), 2);
	CHECK_EQ(unmap_gpfn(dom0, OUTSIDE), 0);
	other_call(dom0);
	CHECK_EQ(page_refs(pa), 1);
	/* Only the magic range: not the grant window, not past RAM. */
	at = GUEST_GNTTAB_BASE >> PAGE_SHIFT;
	CHECK_EQ(guest_reservation(dom0, XENMEM_populate_physmap, &at, 1, u->id), 0);
	at = (GUEST_MAGIC_BASE + GUEST_MAGIC_SIZE) >> PAGE_SHIFT;
	CHECK_EQ(guest_reservation(dom0, XENMEM_populate_physmap, &at, 1, u->id), 0);
	CHECK_EQ(u->refs, 0);
}

static int64_t acquire(struct domain *d, domid_t from, uint16_t type, uint32_t id, uint64_t frame,
		       uint32_t nr, const uint64_t *gfns, struct xen_mem_acquire_resource *out)
{
	struct xen_mem_acquire_resource *r = arg_ptr(d, BATCH_AT);
	uint64_t *list = arg_ptr(d, 2048);
	int64_t ret;

	for (uint32_t i = 0; gfns && i < nr; i++)
		list[i] = gfns[i];
	*r = (struct xen_mem_acquire_resource){ .domid = from, .type = type, .id = id,
						.nr_frames = nr, .frame = frame,
						.frame_list = gfns ? arg_gva(d, 2048) : 0 };
	ret = hypercall(d->vcpu[0], __HYPERVISOR_memory_op, XENMEM_acquire_resource,
			arg_gva(d, BATCH_AT), 0);
	if (out)
		*out = *r;
	return ret;
}

TEST(acquire_resource_maps_a_guests_grant_frames_for_the_toolstack)
{
	struct domain *dom0 = fake_hardware_domain(1), *u = fake_pv_domain(1);
	uint64_t at[] = { OUTSIDE, OUTSIDE + 1 }, pa0, pa1;
	struct xen_mem_acquire_resource r;
	struct grant_entry_v1 *seen;

	/* How many frames there may be (Linux's privcmd asks first). */
	CHECK_EQ(acquire(dom0, (domid_t)u->id, XENMEM_resource_grant_table, 0, 0, 0, NULL, &r), 0);
	CHECK_EQ(r.nr_frames, GNT_MAX_FRAMES);
	CHECK_EQ(acquire(dom0, (domid_t)u->id, XENMEM_resource_grant_table, 0, 0, 2, at, NULL), 0);
	pa0 = gnttab_frame(u, 0);
	pa1 = gnttab_frame(u, 1);
	CHECK(guest_ptr(dom0, OUTSIDE << PAGE_SHIFT) == pa_to_va(pa0));
	CHECK(guest_ptr(dom0, (OUTSIDE + 1) << PAGE_SHIFT) == pa_to_va(pa1));
	CHECK_EQ(fake_p2m_type(dom0, OUTSIDE << PAGE_SHIFT), P2M_FOREIGN_MAP);
	CHECK_EQ(page_refs(pa0), 2);
	/* What the toolstack writes there is the guest's grant table (xc_dom_gnttab_seed). */
	seen = guest_ptr(dom0, OUTSIDE << PAGE_SHIFT);
	seen[1] = (struct grant_entry_v1){ GTF_permit_access, (domid_t)dom0->id, 0x39001 };
	CHECK_EQ(((struct grant_entry_v1 *)pa_to_va(pa0))[1].frame, 0x39001);
	CHECK_EQ(unmap_gpfn(dom0, OUTSIDE), 0);
	CHECK_EQ(unmap_gpfn(dom0, OUTSIDE + 1), 0);
	other_call(dom0);
	CHECK_EQ(page_refs(pa0), 1);
	CHECK_EQ(page_refs(pa1), 1);
	/* Xen's errors: no ioreq servers nor trace buffers, v1 has no status frames. */
	CHECK_EQ(acquire(dom0, (domid_t)u->id, XENMEM_resource_ioreq_server, 0, 0, 1, at, NULL),
		 -XEN_EINVAL);
	CHECK_EQ(acquire(dom0, (domid_t)u->id, 9, 0, 0, 1, at, NULL), -XEN_EOPNOTSUPP);
	CHECK_EQ(acquire(dom0, (domid_t)u->id, XENMEM_resource_grant_table, 1, 0, 1, at, NULL),
		 -XEN_EINVAL);
	CHECK_EQ(acquire(dom0, (domid_t)u->id, XENMEM_resource_grant_table, 0, GNT_MAX_FRAMES - 1,
			 2, at, NULL), -XEN_EINVAL);
	CHECK_EQ(acquire(dom0, (domid_t)u->id, XENMEM_resource_grant_table, 0, 0, 1, NULL, NULL),
		 -XEN_EINVAL);	/* a size query names no frames */
	/* Another domain's only, and only for the toolstack. */
	CHECK_EQ(acquire(dom0, DOMID_SELF, XENMEM_resource_grant_table, 0, 0, 1, at, NULL),
		 -XEN_EPERM);
	CHECK_EQ(acquire(u, (domid_t)dom0->id, XENMEM_resource_grant_table, 0, 0, 1, at, NULL),
		 -XEN_EPERM);
	CHECK_EQ(acquire(dom0, 9, XENMEM_resource_grant_table, 0, 0, 1, at, NULL), -XEN_ESRCH);
	CHECK(guest_ptr(u, OUTSIDE << PAGE_SHIFT) == NULL);
	CHECK_EQ(u->refs, 0);
}
