/*
 * Grant tables v1 (grant_table_op), against docs/guest-abi-arm64.md §3.5 and
 * Xen 4.17's common/grant_table.c: dom 2 grants pages by filling entries of
 * its table, dom 1 maps them into its stage 2 or copies through them; the
 * hypervisor keeps GTF_reading/GTF_writing set while they are in use.
 */
#include "../unit.h"
#include <xen/pv.h>
#include <asm/guest_abi.h>
#include <public/errno.h>
#include <domus/arch.h>
#include <domus/page.h>
#include <domus/page_alloc.h>

static struct domain *d1, *d2;	/* grantee, granter */

static uint64_t gfn_of(struct domain *d, unsigned page)
{
	return (d->bank[0].base >> PAGE_SHIFT) + page;
}

/* An empty slot of d's RAM (beyond the populated pages) for mappings. */
static uint64_t slot(struct domain *d, unsigned n)
{
	return d->bank[0].base + (FAKE_PV_RAM_PAGES + n) * PAGE_SIZE;
}

static int64_t gop(struct domain *d, unsigned cmd, void *ops, size_t size, unsigned count)
{
	uint64_t gva = d->bank[0].base;	/* arguments in guest page 0 */
	void *g = guest_ptr(d, gva);
	int64_t ret;

	REQUIRE(size * count <= PAGE_SIZE);
	memcpy(g, ops, size * count);
	ret = do_grant_table_op(d->vcpu[0], cmd, gva, count);
	memcpy(ops, g, size * count);
	return ret;
}

static struct grant_entry_v1 *gent(struct domain *d, uint32_t ref)
{
	uint64_t pa = gnttab_frame(d, ref / GNT_ENTRIES_PER_FRAME);

	REQUIRE(pa);
	return (struct grant_entry_v1 *)pa_to_va(pa) + ref % GNT_ENTRIES_PER_FRAME;
}

static void grant(uint32_t ref, domid_t to, unsigned page, bool readonly)
{
	struct grant_entry_v1 *e = gent(d2, ref);

	e->frame = (uint32_t)gfn_of(d2, page);
	e->domid = to;
	e->flags = GTF_permit_access | (readonly ? GTF_readonly : 0);
}

static struct gnttab_map_grant_ref map(uint64_t host_addr, uint32_t flags, uint32_t ref,
				       domid_t dom)
{
	struct gnttab_map_grant_ref m = { .host_addr = host_addr, .flags = flags, .ref = ref,
					  .dom = dom, .status = 0x55, .handle = 0x1234 };

	CHECK_EQ(gop(d1, GNTTABOP_map_grant_ref, &m, sizeof(m), 1), 0);
	return m;
}

static int16_t unmap(uint64_t host_addr, uint32_t handle)
{
	struct gnttab_unmap_grant_ref u = { .host_addr = host_addr, .handle = handle,
					    .status = 0x55 };

	CHECK_EQ(gop(d1, GNTTABOP_unmap_grant_ref, &u, sizeof(u), 1), 0);
	return u.status;
}

static uint64_t host_pa(struct domain *d, unsigned page)
{
	return va_to_pa(guest_ptr(d, d->bank[0].base + page * PAGE_SIZE));
}

static void setup(void)
{
	d1 = fake_pv_domain(1);
	d2 = fake_pv_domain(1);
	REQUIRE(d1->id == 1 && d2->id == 2);
}

#define RW GNTMAP_host_map
#define RO (GNTMAP_host_map | GNTMAP_readonly)

TEST(map_and_unmap)
{
	struct gnttab_map_grant_ref m;
	uint8_t *page;

	setup();
	grant(8, 1, 3, false);
	page = guest_ptr(d2, d2->bank[0].base + 3 * PAGE_SIZE);
	page[100] = 0x5a;
	m = map(slot(d1, 0), RW, 8, 2);
	CHECK_EQ(m.status, GNTST_okay);
	CHECK(m.handle < MAPTRACK_MAX);
	CHECK_EQ(m.dev_bus_addr, host_pa(d2, 3));
	CHECK_EQ(gent(d2, 8)->flags, GTF_permit_access | GTF_reading | GTF_writing);
	/* The granted page appears in the grantee's stage 2, writable. */
	CHECK(guest_ptr(d1, slot(d1, 0)) == page);
	CHECK_EQ(fake_p2m_type(d1, slot(d1, 0)), P2M_FOREIGN_RW);
	CHECK_EQ(unmap(slot(d1, 0), m.handle), GNTST_okay);
	CHECK_EQ(gent(d2, 8)->flags, GTF_permit_access);
	CHECK(guest_ptr(d1, slot(d1, 0)) == NULL);
	CHECK_EQ(unmap(slot(d1, 0), m.handle), GNTST_bad_handle);	/* gone */
	CHECK_EQ(page[100], 0x5a);

	/* Read-only: only GTF_reading, and a read-only mapping. */
	grant(9, 1, 4, true);
	m = map(slot(d1, 1), RO, 9, 2);
	CHECK_EQ(m.status, GNTST_okay);
	CHECK_EQ(m.dev_bus_addr, host_pa(d2, 4));
	CHECK_EQ(gent(d2, 9)->flags, GTF_permit_access | GTF_readonly | GTF_reading);
	CHECK_EQ(fake_p2m_type(d1, slot(d1, 1)), P2M_FOREIGN_RO);
	CHECK_EQ(unmap(slot(d1, 1), m.handle), GNTST_okay);
	CHECK_EQ(gent(d2, 9)->flags, GTF_permit_access | GTF_readonly);
}

TEST(map_errors)
{
	struct gnttab_map_grant_ref m;

	setup();
	grant(8, 1, 3, true);
	grant(10, 3, 3, false);		/* for dom 3 */
	grant(11, 1, 3, false);
	/* Read-only grant mapped writable. */
	m = map(slot(d1, 0), RW, 8, 2);
	CHECK_EQ(m.status, GNTST_permission_denied);
	CHECK_EQ(gent(d2, 8)->flags, GTF_permit_access | GTF_readonly);
	/* Granted to someone else. */
	CHECK_EQ(map(slot(d1, 0), RO, 10, 2).status, GNTST_permission_denied);
	CHECK_EQ(gent(d2, 10)->flags, GTF_permit_access);
	/* Not a grant at all. */
	CHECK_EQ(map(slot(d1, 0), RO, 12, 2).status, GNTST_permission_denied);
	/* Beyond the table (one frame: refs 0..511). */
	CHECK_EQ(d2->pv->gnt_frames, 1);
	CHECK_EQ(map(slot(d1, 0), RO, GNT_ENTRIES_PER_FRAME, 2).status, GNTST_bad_gntref);
	CHECK_EQ(map(slot(d1, 0), RO, 0xffffffffu, 2).status, GNTST_bad_gntref);
	/* Arm accepts host_map (optionally readonly) only. */
	CHECK_EQ(map(slot(d1, 0), 1 /* device_map */, 11, 2).status, GNTST_general_error);
	CHECK_EQ(map(slot(d1, 0), RW | 1, 11, 2).status, GNTST_general_error);
	CHECK_EQ(map(slot(d1, 0), RW | (1u << 3), 11, 2).status, GNTST_general_error);
	CHECK_EQ(map(slot(d1, 0), 0, 11, 2).status, GNTST_general_error);
	/* The slot: page aligned, in RAM, empty. */
	CHECK_EQ(map(slot(d1, 0) + 8, RW, 11, 2).status, GNTST_bad_virt_addr);
	CHECK_EQ(map(0x1000, RW, 11, 2).status, GNTST_bad_virt_addr);
	CHECK_EQ(map(d1->bank[0].base + d1->ram_size, RW, 11, 2).status, GNTST_bad_virt_addr);
	CHECK_EQ(map(d1->bank[0].base + 5 * PAGE_SIZE, RW, 11, 2).status, GNTST_bad_virt_addr);
	/* No such domain, or our own. */
	CHECK_EQ(map(slot(d1, 0), RW, 11, 5).status, GNTST_bad_domain);
	CHECK_EQ(map(slot(d1, 0), RW, 11, 1).status, GNTST_bad_domain);
	/* A frame outside the granter's RAM. */
	gent(d2, 11)->frame = 0x100;
	CHECK_EQ(map(slot(d1, 0), RW, 11, 2).status, GNTST_bad_page);
	CHECK_EQ(gent(d2, 11)->flags, GTF_permit_access);
	/* None of it left anything behind. */
	CHECK_EQ(gent(d2, 11)->flags, GTF_permit_access);
	CHECK(guest_ptr(d1, slot(d1, 0)) == NULL);
	for (unsigned h = 0; h < MAPTRACK_MAX; h++)
		CHECK(!d1->pv->maptrack[h].used);
	/* Failed maps return no usable handle. */
	m = map(slot(d1, 0), RO, 12, 2);
	CHECK_EQ(unmap(slot(d1, 0), m.handle), GNTST_bad_handle);
}

TEST(unmap_errors)
{
	struct gnttab_map_grant_ref m;

	setup();
	grant(8, 1, 3, false);
	m = map(slot(d1, 0), RW, 8, 2);
	REQUIRE(m.status == GNTST_okay);
	CHECK_EQ(unmap(slot(d1, 0), m.handle + 1), GNTST_bad_handle);
	CHECK_EQ(unmap(slot(d1, 0), MAPTRACK_MAX), GNTST_bad_handle);
	CHECK_EQ(unmap(slot(d1, 0), 0xffffffffu), GNTST_bad_handle);
	CHECK_EQ(unmap(slot(d1, 1), m.handle), GNTST_bad_virt_addr);
	/* Still mapped and in use. */
	CHECK(guest_ptr(d1, slot(d1, 0)) != NULL);
	CHECK_EQ(gent(d2, 8)->flags, GTF_permit_access | GTF_reading | GTF_writing);
	CHECK_EQ(unmap(slot(d1, 0), m.handle), GNTST_okay);
}

TEST(flags_stay_until_the_last_mapping_goes)
{
	struct gnttab_map_grant_ref a, b, c;

	setup();
	grant(20, 1, 6, false);
	a = map(slot(d1, 0), RW, 20, 2);
	b = map(slot(d1, 1), RW, 20, 2);
	c = map(slot(d1, 2), RO, 20, 2);
	REQUIRE(a.status == 0 && b.status == 0 && c.status == 0);
	CHECK(a.handle != b.handle && b.handle != c.handle && a.handle != c.handle);
	CHECK_EQ(unmap(slot(d1, 0), a.handle), GNTST_okay);
	CHECK_EQ(gent(d2, 20)->flags, GTF_permit_access | GTF_reading | GTF_writing);
	CHECK_EQ(unmap(slot(d1, 1), b.handle), GNTST_okay);
	CHECK_EQ(gent(d2, 20)->flags, GTF_permit_access | GTF_reading);	/* the RO one is left */
	CHECK_EQ(unmap(slot(d1, 2), c.handle), GNTST_okay);
	CHECK_EQ(gent(d2, 20)->flags, GTF_permit_access);
}

TEST(a_failed_map_keeps_the_flags_of_existing_mappings)
{
	struct gnttab_map_grant_ref a;

	setup();
	grant(20, 1, 6, false);
	a = map(slot(d1, 0), RW, 20, 2);
	REQUIRE(a.status == 0);
	/* The granter points the (in use) entry at a frame outside its RAM. */
	gent(d2, 20)->frame = 0x100;
	CHECK_EQ(map(slot(d1, 1), RW, 20, 2).status, GNTST_bad_page);
	CHECK_EQ(gent(d2, 20)->flags, GTF_permit_access | GTF_reading | GTF_writing);
	CHECK_EQ(unmap(slot(d1, 0), a.handle), GNTST_okay);
	CHECK_EQ(gent(d2, 20)->flags, GTF_permit_access);
}

TEST(a_destroyed_granter_stays_until_its_pages_are_unmapped)
{
	struct gnttab_map_grant_ref a, b;
	struct domain *old, *d3;
	uint64_t pa = 0;
	uint8_t *mapped;

	setup();
	grant(8, 1, 3, false);
	grant(9, 1, 4, true);
	a = map(slot(d1, 0), RW, 8, 2);
	b = map(slot(d1, 1), RO, 9, 2);
	REQUIRE(a.status == 0 && b.status == 0);
	pa = host_pa(d2, 3);
	mapped = guest_ptr(d1, slot(d1, 0));
	REQUIRE(mapped);
	mapped[0] = 0x5a;
	old = d2;
	domain_kill(d2);
	domain_reap();
	/* Destroyed: off the list, its memory returned, but not what d1 maps. */
	CHECK(domain_by_id(2) == NULL);
	CHECK(console_printed("d2: other domains still map its pages"));
	CHECK_EQ(page_refs(pa), 1);
	mapped = guest_ptr(d1, slot(d1, 0));
	CHECK(mapped && va_to_pa(mapped) == pa && mapped[0] == 0x5a);
	CHECK(guest_ptr(d1, slot(d1, 1)) != NULL);
	/* A new domain under the old id: the old grant table is not the new one. */
	d3 = fake_pv_domain(1);
	REQUIRE(d3 && d3->id == 2);
	d2 = d3;
	grant(8, 1, 5, false);
	CHECK_EQ(unmap(slot(d1, 0), a.handle), GNTST_okay);
	CHECK(page_is_free(pa));
	CHECK_EQ(gent(d3, 8)->flags, GTF_permit_access);
	CHECK_EQ(gent(old, 8)->flags, GTF_permit_access);
	domain_reap();
	CHECK(!console_printed("no domain maps its pages any more"));
	/* The last mapping goes: so does the rest of the old domain. */
	CHECK_EQ(unmap(slot(d1, 1), b.handle), GNTST_okay);
	domain_reap();
	CHECK(console_printed("d2 (destroyed): no domain maps its pages any more"));
}

TEST(release_mappings_of_the_grantee_unpins)
{
	struct gnttab_map_grant_ref a;

	setup();
	grant(8, 1, 3, false);
	a = map(slot(d1, 0), RW, 8, 2);
	REQUIRE(a.status == 0);
	gnttab_release_mappings(d1);
	CHECK(!d1->pv->maptrack[a.handle].used);
	CHECK(guest_ptr(d1, slot(d1, 0)) == NULL);
	CHECK_EQ(gent(d2, 8)->flags, GTF_permit_access);
}

static struct gnttab_copy copy_op(uint16_t flags, uint64_t src, uint16_t soff, uint64_t dst,
				  uint16_t doff, uint16_t len)
{
	struct gnttab_copy c = { .len = len, .flags = flags, .status = 0x55 };

	c.source.domid = flags & GNTCOPY_source_gref ? 2 : DOMID_SELF;
	c.dest.domid = flags & GNTCOPY_dest_gref ? 2 : DOMID_SELF;
	if (flags & GNTCOPY_source_gref)
		c.source.u.ref = (uint32_t)src;
	else
		c.source.u.gmfn = src;
	if (flags & GNTCOPY_dest_gref)
		c.dest.u.ref = (uint32_t)dst;
	else
		c.dest.u.gmfn = dst;
	c.source.offset = soff;
	c.dest.offset = doff;
	CHECK_EQ(gop(d1, GNTTABOP_copy, &c, sizeof(c), 1), 0);
	return c;
}

TEST(copy_both_ways)
{
	uint8_t *theirs, *ours;
	struct gnttab_map_grant_ref m;

	setup();
	grant(8, 1, 3, false);
	grant(9, 1, 4, true);
	theirs = guest_ptr(d2, d2->bank[0].base + 3 * PAGE_SIZE);
	ours = guest_ptr(d1, d1->bank[0].base + 2 * PAGE_SIZE);
	memcpy(theirs + 1000, "from granter", 12);
	CHECK_EQ(copy_op(GNTCOPY_source_gref, 8, 1000, gfn_of(d1, 2), 3000, 12).status, GNTST_okay);
	CHECK(!memcmp(ours + 3000, "from granter", 12));
	CHECK_EQ(gent(d2, 8)->flags, GTF_permit_access);

	memcpy(ours + 10, "from grantee", 12);
	CHECK_EQ(copy_op(GNTCOPY_dest_gref, gfn_of(d1, 2), 10, 8, 4084, 12).status, GNTST_okay);
	CHECK(!memcmp(theirs + 4084, "from grantee", 12));
	CHECK_EQ(gent(d2, 8)->flags, GTF_permit_access);

	/* Crossing the end of a page. */
	CHECK_EQ(copy_op(GNTCOPY_dest_gref, gfn_of(d1, 2), 10, 8, 4085, 12).status,
		 GNTST_bad_copy_arg);
	CHECK_EQ(copy_op(GNTCOPY_source_gref, 8, 4000, gfn_of(d1, 2), 0, 97).status,
		 GNTST_bad_copy_arg);
	CHECK_EQ(copy_op(GNTCOPY_source_gref, 8, 0, gfn_of(d1, 2), 0, 4096).status, GNTST_okay);
	/* Writing through a read-only grant; reading it is fine. */
	CHECK_EQ(copy_op(GNTCOPY_dest_gref, gfn_of(d1, 2), 0, 9, 0, 8).status,
		 GNTST_permission_denied);
	CHECK_EQ(copy_op(GNTCOPY_source_gref, 9, 0, gfn_of(d1, 2), 0, 8).status, GNTST_okay);
	CHECK_EQ(gent(d2, 9)->flags, GTF_permit_access | GTF_readonly);
	/* A local frame outside our RAM, or a ref beyond the table. */
	CHECK_EQ(copy_op(GNTCOPY_source_gref, 8, 0, 0x10, 0, 8).status, GNTST_bad_page);
	CHECK_EQ(gent(d2, 8)->flags, GTF_permit_access);
	CHECK_EQ(copy_op(GNTCOPY_source_gref, 5000, 0, gfn_of(d1, 2), 0, 8).status,
		 GNTST_bad_gntref);

	/* Copying while mapped leaves the mapping's flags. */
	m = map(slot(d1, 0), RW, 8, 2);
	REQUIRE(m.status == 0);
	CHECK_EQ(copy_op(GNTCOPY_source_gref, 8, 0, gfn_of(d1, 2), 0, 8).status, GNTST_okay);
	CHECK_EQ(gent(d2, 8)->flags, GTF_permit_access | GTF_reading | GTF_writing);
	CHECK_EQ(unmap(slot(d1, 0), m.handle), GNTST_okay);
	CHECK_EQ(gent(d2, 8)->flags, GTF_permit_access);
}

TEST(batches_report_per_element)
{
	struct gnttab_map_grant_ref m[2] = {
		{ .host_addr = 0, .flags = RW, .ref = 8, .dom = 2 },
		{ .flags = RW, .ref = 8, .dom = 2 },
	};

	setup();
	grant(8, 1, 3, false);
	m[1].host_addr = slot(d1, 0);
	CHECK_EQ(gop(d1, GNTTABOP_map_grant_ref, m, sizeof(m[0]), 2), 0);
	CHECK_EQ(m[0].status, GNTST_bad_virt_addr);
	CHECK_EQ(m[1].status, GNTST_okay);
	CHECK_EQ(m[1].dev_bus_addr, host_pa(d2, 3));
	CHECK_EQ(do_grant_table_op(d1->vcpu[0], GNTTABOP_map_grant_ref, d1->bank[0].base, 0xffffffffu),
		 -XEN_EINVAL);		/* negative as an int; any other count is fine */
	CHECK_EQ(do_grant_table_op(d1->vcpu[0], 3 /* dump_table */, d1->bank[0].base, 1), -XEN_ENOSYS);
	CHECK_EQ(do_grant_table_op(d1->vcpu[0], 4 /* transfer */, d1->bank[0].base, 1), -XEN_ENOSYS);
	CHECK_EQ(do_grant_table_op(d1->vcpu[0], GNTTABOP_map_grant_ref, 0x1000, 1), -XEN_EFAULT);
}

TEST(size_and_version)
{
	struct gnttab_query_size q = { .dom = DOMID_SELF, .status = 0x55 };
	struct gnttab_set_version sv;
	struct gnttab_get_version gv = { .dom = DOMID_SELF, .version = 77 };

	setup();
	CHECK_EQ(gop(d1, GNTTABOP_query_size, &q, sizeof(q), 1), 0);
	CHECK_EQ(q.status, GNTST_okay);
	CHECK(q.nr_frames >= 1);
	CHECK_EQ(q.max_nr_frames, 64);
	/* Growing the table shows. */
	REQUIRE(gnttab_frame(d1, 3));
	CHECK_EQ(gop(d1, GNTTABOP_query_size, &q, sizeof(q), 1), 0);
	CHECK_EQ(q.nr_frames, 4);
	CHECK_EQ(gnttab_frame(d1, 64), 0);
	q.dom = 2;
	CHECK_EQ(gop(d1, GNTTABOP_query_size, &q, sizeof(q), 1), 0);
	CHECK(q.status != GNTST_okay);

	sv.version = 1;
	CHECK_EQ(gop(d1, GNTTABOP_set_version, &sv, sizeof(sv), 1), 0);
	CHECK_EQ(sv.version, 1);
	/* Xen with max version 1: v2 is -ENOSYS, others -EINVAL; the version is reported. */
	sv.version = 2;
	CHECK_EQ(gop(d1, GNTTABOP_set_version, &sv, sizeof(sv), 1), -XEN_ENOSYS);
	CHECK_EQ(sv.version, 1);
	sv.version = 3;
	CHECK_EQ(gop(d1, GNTTABOP_set_version, &sv, sizeof(sv), 1), -XEN_EINVAL);
	CHECK_EQ(sv.version, 1);
	CHECK_EQ(gop(d1, GNTTABOP_get_version, &gv, sizeof(gv), 1), 0);
	CHECK_EQ(gv.version, 1);
}

/* ---- hostile granters and grantees (page references) ---- */

/* One page given back, or taken again, by d. */
static int64_t give_back(struct domain *d, uint64_t gfn)
{
	return guest_reservation(d, XENMEM_decrease_reservation, &gfn, 1, DOMID_SELF);
}

static int64_t take_back(struct domain *d, uint64_t gfn)
{
	return guest_reservation(d, XENMEM_populate_physmap, &gfn, 1, DOMID_SELF);
}

TEST(a_page_given_back_while_mapped_lives_until_the_unmap)
{
	struct gnttab_map_grant_ref m;
	uint64_t pa;
	uint8_t *mapped;

	setup();
	grant(8, 1, 3, false);
	pa = host_pa(d2, 3);
	m = map(slot(d1, 0), RW, 8, 2);
	REQUIRE(m.status == GNTST_okay);
	/* The granter gives the page back: its reservation drops, the page stays. */
	CHECK_EQ(give_back(d2, gfn_of(d2, 3)), 1);
	CHECK_EQ(d2->ram_pages, FAKE_PV_RAM_PAGES - 1);
	CHECK(!page_is_free(pa));
	CHECK_EQ(page_refs(pa), 1);		/* the mapping's */
	/* Nobody gets it meanwhile: the grantee still writes its own mapping of it. */
	mapped = guest_ptr(d1, slot(d1, 0));
	REQUIRE(mapped && va_to_pa(mapped) == pa);
	mapped[0] = 0x42;
	CHECK_EQ(unmap(slot(d1, 0), m.handle), GNTST_okay);
	CHECK(page_is_free(pa));
	while (page_alloc_scrub_some())		/* freed dirty, scrubbed in idle time */
		;
	CHECK_EQ(*(uint8_t *)pa_to_va(pa), 0);
}

TEST(a_domain_cannot_grant_a_page_it_only_maps)
{
	struct domain *d3;
	uint64_t old;
	struct gnttab_map_grant_ref m;
	struct grant_entry_v1 *e;

	setup();
	d3 = fake_pv_domain(1);
	/* d2 maps d3's page read-only ... */
	e = gent(d3, 5);
	e->frame = (uint32_t)gfn_of(d3, 4);
	e->domid = 2;
	e->flags = GTF_permit_access | GTF_readonly;
	{
		struct gnttab_map_grant_ref r = { .host_addr = slot(d2, 0), .flags = RO, .ref = 5,
						  .dom = 3 };
		CHECK_EQ(gop(d2, GNTTABOP_map_grant_ref, &r, sizeof(r), 1), 0);
		REQUIRE(r.status == GNTST_okay);
	}
	/* ... and grants that frame writable to d1: refused, for maps and copies alike. */
	e = gent(d2, 8);
	e->frame = (uint32_t)(slot(d2, 0) >> PAGE_SHIFT);
	e->domid = 1;
	e->flags = GTF_permit_access;
	m = map(slot(d1, 0), RW, 8, 2);
	CHECK_EQ(m.status, GNTST_bad_page);
	CHECK(guest_ptr(d1, slot(d1, 0)) == NULL);
	CHECK_EQ(copy_op(GNTCOPY_dest_gref, gfn_of(d1, 2), 0, 8, 0, 8).status, GNTST_bad_page);
	CHECK_EQ(gent(d2, 8)->flags, GTF_permit_access);
	/* Nor can Domus's own pages be granted (the shared_info page, placed in RAM). */
	e->frame = (uint32_t)gfn_of(d2, 6);
	REQUIRE(p2m_arch_set_page(d2, gfn_of(d2, 6) << PAGE_SHIFT, d2->pv->shared_info_pa,
				  P2M_SPECIAL, &old));
	page_put(old);
	d2->ram_pages--;
	m = map(slot(d1, 1), RW, 8, 2);
	CHECK_EQ(m.status, GNTST_bad_page);
}

TEST(domus_never_writes_through_a_foreign_or_read_only_mapping)
{
	struct gnttab_map_grant_ref m;
	uint8_t *theirs;
	struct vcpu_register_vcpu_info *r;

	setup();
	grant(9, 1, 4, true);
	theirs = guest_ptr(d2, d2->bank[0].base + 4 * PAGE_SIZE);
	m = map(slot(d1, 0), RO, 9, 2);
	REQUIRE(m.status == GNTST_okay);
	/* A copy to the read-only mapping, as a local frame. */
	memset(theirs, 0x11, 64);
	CHECK_EQ(copy_op(0, gfn_of(d1, 2), 0, slot(d1, 0) >> PAGE_SHIFT, 0, 8).status,
		 GNTST_bad_page);
	CHECK_EQ(theirs[0], 0x11);
	/* A hypercall result written there. */
	CHECK_EQ(do_xen_version(d1->vcpu[0], XENVER_extraversion, slot(d1, 0)), -XEN_EFAULT);
	CHECK_EQ(theirs[0], 0x11);
	/* vcpu_info placed there. */
	r = guest_ptr(d1, d1->bank[0].base + 1024);
	*r = (struct vcpu_register_vcpu_info){ .mfn = slot(d1, 0) >> PAGE_SHIFT, .offset = 0 };
	CHECK_EQ(do_vcpu_op(d1->vcpu[0], VCPUOP_register_vcpu_info, 0, d1->bank[0].base + 1024),
		 -XEN_EINVAL);
	CHECK_EQ(theirs[0], 0x11);
	CHECK_EQ(unmap(slot(d1, 0), m.handle), GNTST_okay);
}

TEST(unmap_removes_only_the_mapping_it_made)
{
	struct gnttab_map_grant_ref m;
	uint64_t free_before;

	setup();
	grant(8, 1, 3, false);
	free_before = page_alloc_free_pages();
	m = map(slot(d1, 0), RW, 8, 2);
	REQUIRE(m.status == GNTST_okay);
	/* The grantee tries to give back the granter's page, and to populate over it. */
	CHECK_EQ(give_back(d1, slot(d1, 0) >> PAGE_SHIFT), 0);
	CHECK_EQ(fake_p2m_type(d1, slot(d1, 0)), P2M_FOREIGN_RW);
	CHECK_EQ(take_back(d1, slot(d1, 0) >> PAGE_SHIFT), 1);	/* "already there" */
	CHECK_EQ(fake_p2m_type(d1, slot(d1, 0)), P2M_FOREIGN_RW);
	CHECK_EQ(d1->ram_pages, FAKE_PV_RAM_PAGES);
	CHECK_EQ(unmap(slot(d1, 0), m.handle), GNTST_okay);
	CHECK_EQ(fake_p2m_type(d1, slot(d1, 0)), -1);
	/* Now a page of its own there, and a stale handle that names the address. */
	CHECK_EQ(take_back(d1, slot(d1, 0) >> PAGE_SHIFT), 1);
	CHECK_EQ(fake_p2m_type(d1, slot(d1, 0)), P2M_RAM);
	CHECK_EQ(unmap(slot(d1, 0), m.handle), GNTST_bad_handle);
	CHECK_EQ(fake_p2m_type(d1, slot(d1, 0)), P2M_RAM);
	CHECK_EQ(give_back(d1, slot(d1, 0) >> PAGE_SHIFT), 1);
	CHECK_EQ(page_alloc_free_pages(), free_before);
}
