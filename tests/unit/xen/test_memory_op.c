/*
 * XENMEM_* (xen/memory_op.c): giving pages back and taking them again,
 * the reservation limit, shared_info and grant frames in the physmap, and
 * which domain ids a DomU may name.
 */
#include "hypercall.h"
#include <domus/arch.h>
#include <domus/page.h>
#include <domus/page_alloc.h>
#include <public/errno.h>
#include <public/xen.h>
#include <xen/pv.h>
#include <asm/guest_abi.h>

static uint64_t gfn(struct domain *d, unsigned page)
{
	return (d->ram_base >> PAGE_SHIFT) + page;
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
	uint64_t free_before = page_alloc_free_pages();

	memset(pa_to_va(pa5), 0x77, PAGE_SIZE);
	CHECK_EQ(guest_reservation(d, XENMEM_decrease_reservation, gfns, 2, DOMID_SELF), 2);
	CHECK_EQ(d->ram_pages, FAKE_PV_RAM_PAGES - 2);
	CHECK(guest_ptr(d, gfns[0] << PAGE_SHIFT) == NULL);
	CHECK(page_is_free(pa5));
	CHECK_EQ(page_alloc_free_pages(), free_before + 2);
	CHECK_EQ(*(uint8_t *)pa_to_va(pa5), 0);		/* scrubbed */
	/* A page it does not have (any more) ends the batch. */
	CHECK_EQ(guest_reservation(d, XENMEM_decrease_reservation, gfns, 2, DOMID_SELF), 0);
	CHECK_EQ(guest_reservation(d, XENMEM_populate_physmap, gfns, 2, DOMID_SELF), 2);
	CHECK_EQ(d->ram_pages, FAKE_PV_RAM_PAGES);
	REQUIRE(guest_ptr(d, gfns[0] << PAGE_SHIFT));
	CHECK_EQ(*(uint8_t *)guest_ptr(d, gfns[0] << PAGE_SHIFT), 0);
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
