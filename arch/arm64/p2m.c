/*
 * Stage-2 page tables (4 KiB granule, 39-bit IPA, starting at level 1).
 * Only RAM is mapped; every other guest physical address faults to Domus,
 * which emulates a device there or reflects an abort to the guest.
 *
 * With pages only (p2m_setup()), the hardware walks a domain's tables from
 * level 2 while everything mapped lies below 16 GiB (34-bit IPA): the
 * level-2 tables of that range are allocated as one run of 16 pages, which
 * the CPU reads as one concatenated table.  A walk then reads two levels of
 * stage 2 for each of the guest's own, not three.  Domus itself always
 * walks from level 1, and the domain's walks start there too once anything
 * is mapped above (p2m_refresh()).
 */
#include <asm/p2m.h>
#include <domus/arch.h>
#include <asm/mmu.h>
#include <asm/sysreg.h>
#include <domus/console.h>
#include <domus/domain.h>
#include <domus/page.h>
#include <domus/page_alloc.h>

#define S2_VALID       1ull
#define S2_TABLE       3ull	/* table at level 1-2, page at level 3 */
#define S2_BLOCK       1ull
#define S2_MEMATTR_WB  (0xfull << 2)	/* normal write-back, combined with stage 1 */
#define S2_MEMATTR_FWB (0x6ull << 2)	/* with HCR_EL2.FWB: normal write-back, whatever stage 1 says */
#define S2_AP_R        (1ull << 6)
#define S2_AP_W        (2ull << 6)
#define S2_TYPE_SHIFT  55		/* software bits 55-57: the enum p2m_type */
#define S2_TYPE_MASK   (7ull << S2_TYPE_SHIFT)
#define S2_DEVICE      (0x1ull << 2)	/* Device-nGnRE, with or without FWB */
#define S2_XN          (2ull << 53)
#define S2_SH_INNER    (3ull << 8)
#define S2_AF          (1ull << 10)
#define S2_RAM         (S2_AP_R | S2_SH_INNER | S2_AF)
#define S2_UNSCRUBBED  (1ull << 58)	/* software: RAM not zeroed yet; its AF is clear */
#define S2_SCRUBBING   (1ull << 59)	/* software: ... being zeroed now by some CPU */
#define ADDR_MASK      0x0000fffffffff000ull
#define IPA_BITS       P2M_IPA_BITS
#define LOW_IPA_BITS   34		/* walked from level 2 while all is mapped below */
#define LOW_TABLES     (1u << (LOW_IPA_BITS - 30))	/* level-2 tables in that range */

static unsigned level_shift(int level)
{
	return 12 + 9 * (3 - level);
}

/*
 * The level of the largest entries stage 2 maps with: 1 (1 GiB blocks
 * where aligned, 2 MiB where not) or 3 (pages only).  Chosen once, at boot.
 */
static int largest_leaf = 1;
static uint64_t vtcr_full, vtcr_low;	/* VTCR_EL2 for walks from level 1, and from 2 */

/* T0SZ for ipa_bits, starting at level 1 (SL0=1) or 2 (0), inner/outer WB, inner shareable, 4K. */
static uint64_t vtcr(unsigned ipa_bits, unsigned start_level)
{
	uint64_t ps = read_sysreg(id_aa64mmfr0_el1) & 0xf;

	return (1ull << 31) | (MIN(ps, 5ull) << 16) | (3 << 12) | (1 << 10) | (1 << 8) |
	       ((uint64_t)(start_level == 1) << 6) | (64 - ipa_bits);
}

/*
 * Blocks save TLB entries and walks on hardware.  Under QEMU's TCG they
 * cost far more: its software TLB keeps one "large page" range per
 * translation regime, and with stage 2 every guest translation counts as
 * large if either stage's entry is; the guest's invalidation of any one
 * page inside that range (Linux does it for every fixmap or user page it
 * changes) then flushes the guest's whole TLB.  Measured: a Linux guest's
 * boot to its shell took 5.2 s with 2 MiB blocks and 3.7 s with pages,
 * against 3.4 s on bare QEMU.
 */
void p2m_setup(enum p2m_mapping how)
{
	if (how == P2M_MAPPING_AUTO)
		how = arch_cpu_emulated() ? P2M_MAPPING_PAGES : P2M_MAPPING_BLOCKS;
	largest_leaf = how == P2M_MAPPING_PAGES ? 3 : 1;
	vtcr_full = vtcr(IPA_BITS, 1);
	vtcr_low = vtcr(LOW_IPA_BITS, 2);
	pr_info("stage 2: guest memory in %s\n", how == P2M_MAPPING_PAGES ?
		"4 KiB pages (emulated CPU; p2m_mapping=blocks to change)" :
		"1 GiB and 2 MiB blocks where aligned");
}

static unsigned index_at(uint64_t ipa, int level)
{
	return (ipa >> level_shift(level)) & 511;
}

bool p2m_forces_cacheable(void)
{
	return ((read_sysreg(id_aa64mmfr2_el1) >> 40) & 0xf) != 0;
}

/*
 * A guest's RAM is write-back cacheable, and with FEAT_S2FWB it stays so
 * even where the guest maps it non-cacheable: it then never reads stale
 * memory behind what Domus wrote through the cache (scrubbing, loading).
 */
static uint64_t ram_attrs(void)
{
	return S2_RAM | (p2m_forces_cacheable() ? S2_MEMATTR_FWB : S2_MEMATTR_WB);
}

uint64_t p2m_vtcr(void)
{
	return vtcr(IPA_BITS, 1);
}

static enum p2m_type entry_type(uint64_t e)
{
	return (enum p2m_type)((e & S2_TYPE_MASK) >> S2_TYPE_SHIFT);
}

/* The access a single page of that type gives the guest. */
static uint64_t page_attrs(enum p2m_type type)
{
	switch (type) {
	case P2M_FOREIGN_RO:
		return ram_attrs();
	case P2M_REGS_VIEW:
		return ram_attrs() | S2_XN;
	case P2M_REGS_HIDDEN:
		return (ram_attrs() & ~S2_AP_R) | S2_XN;
	default:
		return ram_attrs() | S2_AP_W;
	}
}

static uint64_t *new_table(struct domain *d)
{
	uint64_t pa = alloc_pages(1, 1);

	if (!pa)
		return NULL;
	memset(pa_to_va(pa), 0, PAGE_SIZE);
	d->pages++;
	return pa_to_va(pa);
}

/*
 * VMIDs are 8 bits wide (VTCR_EL2.VS is 0), fewer than domain ids: each
 * domain takes a free one, 1..255 (0 is what an idle CPU leaves loaded),
 * and gives it back once its tables are gone and their TLB entries flushed,
 * so no two live domains ever share cached translations.
 */
#define NR_VMIDS 256
static uint64_t vmids_used[NR_VMIDS / 64] = { 1 };	/* VMID 0: never a domain's */
static spinlock_t vmid_lock = SPINLOCK_INIT;

static uint16_t vmid_take(void)
{
	uint16_t vmid = 0;

	spin_lock(&vmid_lock);
	for (unsigned i = 1; i < NR_VMIDS && !vmid; i++)
		if (!(vmids_used[i / 64] & BIT(i % 64))) {
			vmids_used[i / 64] |= BIT(i % 64);
			vmid = (uint16_t)i;
		}
	spin_unlock(&vmid_lock);
	return vmid;
}

static void vmid_give_back(uint16_t vmid)
{
	spin_lock(&vmid_lock);
	vmids_used[vmid / 64] &= ~BIT(vmid % 64);
	spin_unlock(&vmid_lock);
}

/* The run of level-2 tables for the first 16 GiB, which the root points into; false if no room. */
static bool low_tables(struct domain *d)
{
	uint64_t pa = alloc_pages(LOW_TABLES, LOW_TABLES);

	if (!pa)
		return false;
	memset(pa_to_va(pa), 0, LOW_TABLES * PAGE_SIZE);
	d->pages += LOW_TABLES;
	for (unsigned i = 0; i < LOW_TABLES; i++)
		d->arch.p2m_root[i] = (pa + i * PAGE_SIZE) | S2_TABLE;
	d->arch.low_tables = pa;
	return true;
}

bool p2m_arch_init(struct domain *d)
{
	if (!(d->arch.vmid = vmid_take()))
		return false;
	d->arch.p2m_root = new_table(d);
	/* 1 GiB blocks are level-1 entries: no two-level walk with them. */
	if (d->arch.p2m_root && largest_leaf == 3 && !low_tables(d)) {
		free_pages(va_to_pa(d->arch.p2m_root), 1);
		d->arch.p2m_root = NULL;
	}
	if (!d->arch.p2m_root) {
		vmid_give_back(d->arch.vmid);
		d->arch.vmid = 0;
	}
	d->arch.full_walk = !d->arch.low_tables;
	return d->arch.p2m_root != NULL;
}

/*
 * Drops every cached translation of the domain, on all CPUs.  The TLBI
 * acts on the VMID in VTTBR_EL2: another domain's is put there for it, and
 * back.  The running domain's (Dom0 unmapping a page, as the toolstack does
 * for each page it loaded) needs no switch: under QEMU each VTTBR_EL2 change
 * flushes this CPU's guest TLB, the running domain's entries too.
 */
static void flush_domain_tlbs(struct domain *d)
{
	uint64_t saved = read_sysreg(vttbr_el2);
	bool other = saved >> 48 != d->arch.vmid;

	dsb(ishst);
	if (other) {
		write_sysreg(vttbr_el2, (uint64_t)d->arch.vmid << 48);
		isb();
	}
	asm volatile("tlbi vmalls12e1is" ::: "memory");
	dsb(ish);
	if (other) {
		write_sysreg(vttbr_el2, saved);
		isb();
	}
	d->arch.flush_pending = false;
}

/*
 * Zeroes the RAM an unscrubbed entry maps (at `level`), once, and makes it
 * accessible: whoever needs it first -- the guest's access flag fault, or a
 * look-up by Domus -- does it; one that finds it being zeroed waits.  Its
 * clear access flag kept every TLB from holding it, so none needs a flush.
 */
static void scrub_entry(uint64_t *e, int level)
{
	for (;;) {
		uint64_t old = __atomic_load_n(e, __ATOMIC_ACQUIRE);

		if (!(old & S2_UNSCRUBBED))
			return;
		if (old & S2_SCRUBBING)
			continue;
		if (__atomic_compare_exchange_n(e, &old, old | S2_SCRUBBING, false,
						__ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
			arch_zero_pages(old & ADDR_MASK, 1ull << level_shift(level));
			__atomic_store_n(e, (old & ~S2_UNSCRUBBED) | S2_AF, __ATOMIC_RELEASE);
			dsb(ishst);
			return;
		}
	}
}

/* Replaces a block by a table of 512 smaller entries mapping the same, so one part can change. */
static bool split_block(struct domain *d, uint64_t *e, int level)
{
	uint64_t *next, base, attrs, step = 1ull << level_shift(level + 1);

	scrub_entry(e, level);		/* the pages keep their contents: zeroed first */
	next = new_table(d);
	base = *e & ADDR_MASK;
	attrs = *e & ~ADDR_MASK & ~3ull;

	if (!next)
		return false;
	for (unsigned i = 0; i < 512; i++)
		next[i] = (base + i * step) | attrs | (level + 1 == 3 ? S2_TABLE : S2_BLOCK);
	/* Break before make: no CPU may see both the block and the table. */
	*e = 0;
	flush_domain_tlbs(d);
	*e = va_to_pa(next) | S2_TABLE;
	dsb(ishst);
	return true;
}

/* The entry for ipa at `level`, creating intermediate tables and splitting blocks. */
static uint64_t *walk_create(struct domain *d, uint64_t ipa, int level)
{
	uint64_t *table = d->arch.p2m_root;

	for (int l = 1; l < level; l++) {
		uint64_t *e = &table[index_at(ipa, l)];
		if (!(*e & S2_VALID)) {
			uint64_t *next = new_table(d);
			if (!next)
				return NULL;
			*e = va_to_pa(next) | S2_TABLE;
			if (l == 1)	/* above the low tables: walks from level 1 from now on */
				d->arch.full_walk = true;
		} else if ((*e & 3) != S2_TABLE && !split_block(d, e, l)) {
			return NULL;
		}
		table = pa_to_va(*e & ADDR_MASK);
	}
	return &table[index_at(ipa, level)];
}

void p2m_arch_batch_begin(struct domain *d)
{
	d->arch.flush_batched = true;
}

void p2m_arch_batch_end(struct domain *d, bool later)
{
	d->arch.flush_batched = false;
	if (!later)
		p2m_arch_flush_owed(d);
}

void p2m_arch_flush_owed(struct domain *d)
{
	if (d->arch.flush_pending)
		flush_domain_tlbs(d);
}

bool p2m_arch_set_page(struct domain *d, uint64_t ipa, uint64_t pa, enum p2m_type type,
		  uint64_t *old_pa)
{
	uint64_t *e, old;

	if (ipa >> IPA_BITS || !IS_ALIGNED(ipa | pa, PAGE_SIZE))
		return false;
	e = walk_create(d, ipa, 3);
	if (!e)
		return false;
	old = *e;
	if (old_pa)
		*old_pa = (old & S2_VALID) && p2m_holds_page(entry_type(old)) ? old & ADDR_MASK : 0;
	if (old & S2_VALID) {
		*e = 0;
		if (d->arch.flush_batched)
			d->arch.flush_pending = true;
		else
			flush_domain_tlbs(d);
	}
	if (pa)
		*e = pa | page_attrs(type) | S2_TABLE | (uint64_t)type << S2_TYPE_SHIFT;
	dsb(ishst);
	return true;
}

/*
 * The level of the largest entry that can map [ipa, ipa + size) to pa.  RAM
 * still to be zeroed on first touch goes in 2 MiB at most: a first touch
 * must not wait for a whole GiB.
 */
static int leaf_level(uint64_t ipa, uint64_t pa, uint64_t size, uint64_t attrs)
{
	int level = attrs & S2_UNSCRUBBED ? MAX(largest_leaf, 2) : largest_leaf;

	while (level < 3 && !(IS_ALIGNED(ipa | pa, 1ull << level_shift(level)) &&
			      size >= 1ull << level_shift(level)))
		level++;
	return level;
}

/*
 * Maps [ipa, ipa + size) to [pa, ...) with attrs, in the largest entries
 * that fit (below a table already there).  An entry already there is an
 * error, unless `same` allows the very same mapping again (devices share
 * pages: QEMU's virtio-mmio slots).
 */
static bool map_range(struct domain *d, uint64_t ipa, uint64_t pa, uint64_t size,
		      uint64_t attrs, bool same)
{
	if (ipa + size > (1ull << IPA_BITS) || !IS_ALIGNED(ipa | pa | size, PAGE_SIZE))
		return false;
	while (size) {
		int level = leaf_level(ipa, pa, size, attrs);
		uint64_t *e = walk_create(d, ipa, level), want, step;

		while (e && level < 3 && (*e & 3) == S2_TABLE)
			e = walk_create(d, ipa, ++level);
		if (!e)
			return false;
		/* The rest of this table's run at once: one walk per table, not per entry. */
		step = 1ull << level_shift(level);
		do {
			want = pa | attrs | (level == 3 ? S2_TABLE : S2_BLOCK);
			if ((*e & S2_VALID) && (!same || *e != want))
				return false;
			*e++ = want;
			ipa += step;
			pa += step;
			size -= step;
		} while (level == 3 && size && index_at(ipa, 3));
	}
	dsb(ishst);
	return true;
}

bool p2m_arch_map_mmio(struct domain *d, uint64_t ipa, uint64_t pa, uint64_t size)
{
	return map_range(d, ipa, pa, size, S2_DEVICE | S2_AP_R | S2_AP_W | S2_AF | S2_XN |
			 (uint64_t)P2M_MMIO << S2_TYPE_SHIFT, true);
}

bool p2m_arch_map_ram(struct domain *d, uint64_t ipa, uint64_t pa, uint64_t size)
{
	return map_range(d, ipa, pa, size, ram_attrs() | S2_AP_W, false);
}

bool p2m_arch_map_ram_unscrubbed(struct domain *d, uint64_t ipa, uint64_t pa, uint64_t size)
{
	return map_range(d, ipa, pa, size, (ram_attrs() & ~S2_AF) | S2_AP_W | S2_UNSCRUBBED,
			 false);
}

/* The leaf entry that maps ipa, and its level; NULL where nothing is mapped. */
static uint64_t *find_leaf(struct domain *d, uint64_t ipa, int *level)
{
	uint64_t *table = d->arch.p2m_root;

	if (ipa >> IPA_BITS)
		return NULL;
	for (int l = 1; l <= 3; l++) {
		uint64_t *e = &table[index_at(ipa, l)];

		if (!(*e & S2_VALID))
			return NULL;
		if (l == 3 || (*e & 3) == S2_BLOCK) {
			*level = l;
			return e;
		}
		table = pa_to_va(*e & ADDR_MASK);
	}
	return NULL;
}

/*
 * The page behind ipa.  RAM still to be zeroed is zeroed first, unless the
 * caller fills the whole page before the domain first runs (`fill`): then
 * it is just marked done.  Whatever Domus does with it, it never sees what
 * was there before.
 */
static bool lookup(struct domain *d, uint64_t ipa, uint64_t *pa, enum p2m_type *type, bool fill)
{
	int level;
	uint64_t *e = find_leaf(d, ipa, &level), offset_mask;

	if (!e)
		return false;
	if (fill && level == 3 && (*e & S2_UNSCRUBBED))
		*e = (*e & ~S2_UNSCRUBBED) | S2_AF;
	scrub_entry(e, level);
	offset_mask = (1ull << level_shift(level)) - 1;
	*pa = (*e & ADDR_MASK & ~offset_mask) | (ipa & offset_mask);
	if (type)
		*type = entry_type(*e);
	return true;
}

bool p2m_arch_lookup(struct domain *d, uint64_t ipa, uint64_t *pa, enum p2m_type *type)
{
	return lookup(d, ipa, pa, type, false);
}

bool p2m_arch_lookup_to_fill(struct domain *d, uint64_t ipa, uint64_t *pa)
{
	return lookup(d, ipa, pa, NULL, true);
}

/*
 * A page's first touch zeroes the 2 MiB its table maps, not the page
 * alone: what a guest touches next is most often next door, and one fault
 * costs more than zeroing a few pages it may not need yet.
 */
bool p2m_touch(struct domain *d, uint64_t ipa)
{
	int level;
	uint64_t *e = find_leaf(d, ipa, &level);

	if (!e)
		return false;
	if (level < 3) {
		scrub_entry(e, level);
		return true;
	}
	for (uint64_t *page = e - index_at(ipa, 3), *end = page + 512; page < end; page++)
		scrub_entry(page, 3);
	return true;
}

/* The domain lets go of its RAM: a page nobody else holds is scrubbed and freed. */
static void put_pages(uint64_t pa, uint64_t size)
{
	for (uint64_t off = 0; off < size; off += PAGE_SIZE)
		page_put(pa + off);
}

#define CHUNK (256 * KiB)	/* what p2m_arch_relinquish() lets go of between looks at the clock */

/* Lets go of RAM pages in [ipa, ipa + CHUNK) of the level-3 table or block entry *e. */
static void release_in(uint64_t *e, int level, uint64_t ipa)
{
	uint64_t off = ipa & ((1ull << level_shift(level)) - 1);

	if ((*e & 3) == S2_BLOCK || level == 3) {
		if (p2m_holds_page(entry_type(*e)))
			put_pages((*e & ADDR_MASK) + off, CHUNK);
		return;
	}
	for (uint64_t *l3 = pa_to_va(*e & ADDR_MASK), a = ipa; a < ipa + CHUNK; a += PAGE_SIZE) {
		uint64_t e3 = l3[index_at(a, 3)];

		if ((e3 & S2_VALID) && entry_type(e3) == P2M_FOREIGN_MAP)
			domain_foreign_put(e3 & ADDR_MASK);
		else if ((e3 & S2_VALID) && p2m_holds_page(entry_type(e3)))
			put_pages(e3 & ADDR_MASK, PAGE_SIZE);
	}
}

/* Clears *e, freeing the table it points to, once its last chunk is let go of. */
static void clear_after(uint64_t *e, int level, uint64_t ipa)
{
	if ((ipa + CHUNK) & ((1ull << level_shift(level)) - 1))
		return;
	if ((*e & 3) == S2_TABLE && level < 3)
		free_pages(*e & ADDR_MASK, 1);
	*e = 0;
}

/* Lets go of the chunk at ipa, which valid level-1 entry *e1 covers. */
static void release_chunk(uint64_t *e1, uint64_t ipa)
{
	if ((*e1 & 3) == S2_TABLE) {
		uint64_t *e2 = (uint64_t *)pa_to_va(*e1 & ADDR_MASK) + index_at(ipa, 2);

		if (*e2 & S2_VALID) {
			release_in(e2, 2, ipa);
			clear_after(e2, 2, ipa);
		}
	} else {
		release_in(e1, 1, ipa);
	}
	clear_after(e1, 1, ipa);
}

/*
 * A chunk at a time from where the last call stopped (d->arch.released), so
 * that a domain of any size is let go of in slices.  Nothing runs on these
 * tables any more: their TLB entries go at the start and at the end.
 */
bool p2m_arch_relinquish(struct domain *d, uint64_t deadline)
{
	uint64_t *root = d->arch.p2m_root;

	if (!root)
		return true;
	if (!d->arch.released) {
		/*
		 * Whoever changes the map of the stopped domain under its lock
		 * (a device's register view: vpl011.c) is done, and sees it
		 * stopped from here on.
		 */
		spin_lock(&d->p2m_lock);
		spin_unlock(&d->p2m_lock);
		flush_domain_tlbs(d);
	}
	while (d->arch.released >> IPA_BITS == 0) {
		uint64_t ipa = d->arch.released, *e1 = &root[index_at(ipa, 1)];

		if (!(*e1 & S2_VALID)) {
			d->arch.released = ALIGN_UP(ipa + 1, 1ull << level_shift(1));
			continue;
		}
		release_chunk(e1, ipa);
		d->arch.released = ipa + CHUNK;
		if (deadline && arch_counter() >= deadline)
			return false;
	}
	free_pages(va_to_pa(root), 1);
	d->arch.p2m_root = NULL;
	d->arch.low_tables = 0;		/* freed with the level-1 entries that pointed there */
	flush_domain_tlbs(d);
	vmid_give_back(d->arch.vmid);
	return true;
}

/* What VTTBR_EL2 holds for d on a CPU that runs it, and VTCR_EL2 with it. */
static uint64_t vttbr_for(struct domain *d, uint64_t *vtcr_out)
{
	bool full = d->arch.full_walk;

	*vtcr_out = full ? vtcr_full : vtcr_low;
	return (uint64_t)d->arch.vmid << 48 |
	       (full ? va_to_pa(d->arch.p2m_root) : d->arch.low_tables);
}

void p2m_activate(struct domain *d)
{
	uint64_t vtcr_want, vttbr = vttbr_for(d, &vtcr_want);

	if (read_sysreg(vtcr_el2) != vtcr_want)
		write_sysreg(vtcr_el2, vtcr_want);
	write_sysreg(vttbr_el2, vttbr);
	isb();
}

void p2m_refresh(struct domain *d)
{
	uint64_t vtcr_want;

	if (read_sysreg(vttbr_el2) != vttbr_for(d, &vtcr_want))
		p2m_activate(d);
}
