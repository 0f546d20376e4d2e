/*
 * EL2 stage-1 translation.  Domus identity-maps what it needs with 1 GiB
 * blocks: devices in the first GiB (where QEMU virt and most boards keep
 * the GIC and UARTs), RAM as write-back memory.
 */
#include <asm/mmu.h>
#include <asm/p2m.h>
#include <domus/arch.h>
#include <domus/boot_dt.h>
#include <asm/sysreg.h>
#include <domus/lib.h>

#define CTR_IDC BIT(28)	/* no data cache clean needed for instruction fetches to see it */

#define DESC_BLOCK     0x1ull
#define ATTR_IDX(n)    ((uint64_t)(n) << 2)
#define DESC_SH_INNER  (3ull << 8)
#define DESC_AF        (1ull << 10)
#define DESC_XN        (1ull << 54)
#define MAIR_DEVICE    1	/* index of Device-nGnRE */
#define MAIR_NORMAL    2	/* index of Normal write-back */
#define MAIR_VALUE     (0x00ull | 0x04ull << 8 | 0xffull << 16)

#define L1_ENTRIES     512	/* 39-bit VA: a single level-1 table */
#define TCR_T0SZ       25
#define TCR_RES1       ((1ull << 31) | (1ull << 23))
#define SCTLR_EL2_RES1 0x30c50830ull
#define SCTLR_M        (1ull << 0)
#define SCTLR_C        (1ull << 2)
#define SCTLR_SA       (1ull << 3)
#define SCTLR_I        (1ull << 12)

static uint64_t l1_table[L1_ENTRIES] __attribute__((aligned(4096)));

static uint64_t device_block(uint64_t pa)
{
	return pa | DESC_BLOCK | ATTR_IDX(MAIR_DEVICE) | DESC_AF | DESC_XN;
}

static uint64_t normal_block(uint64_t pa)
{
	return pa | DESC_BLOCK | ATTR_IDX(MAIR_NORMAL) | DESC_SH_INNER | DESC_AF;
}

uint64_t pa_range_bits(void)
{
	static const uint8_t bits[] = { 32, 36, 40, 42, 44, 48, 52 };
	unsigned r = read_sysreg(id_aa64mmfr0_el1) & 0xf;

	return bits[r < ARRAY_SIZE(bits) ? r : 5];
}

static uint64_t tcr_ps(void)
{
	uint64_t r = read_sysreg(id_aa64mmfr0_el1) & 0xf;

	return (r > 5 ? 5 : r) << 16;
}

/* Runs with the MMU off on every CPU; the boot CPU builds the table first. */
void mmu_enable(void)
{
	if (!l1_table[0]) {
		l1_table[0] = device_block(0);
		for (uint64_t i = 1; i < L1_ENTRIES; i++)
			l1_table[i] = normal_block(i * GiB);
	}
	dsb(sy);
	write_sysreg(mair_el2, MAIR_VALUE);
	write_sysreg(tcr_el2, TCR_RES1 | tcr_ps() | TCR_T0SZ | (1 << 8) | (1 << 10) | (3 << 12));
	write_sysreg(ttbr0_el2, va_to_pa(l1_table));
	isb();
	asm volatile("tlbi alle2" ::: "memory");
	dsb(sy);
	isb();
	write_sysreg(sctlr_el2, SCTLR_EL2_RES1 | SCTLR_M | SCTLR_C | SCTLR_SA | SCTLR_I);
	isb();
}

void arch_map_ram_only(const struct boot_module *banks, unsigned nr)
{
	for (uint64_t i = 1; i < L1_ENTRIES; i++) {
		bool ram = false;
		for (unsigned b = 0; b < nr; b++)
			ram |= ranges_overlap(i * GiB, GiB, banks[b].base, banks[b].size);
		l1_table[i] = ram ? normal_block(i * GiB) : 0;
	}
	dsb(ishst);
	asm volatile("tlbi alle2is" ::: "memory");
	dsb(ish);
	isb();
}

/*
 * With FEAT_S2FWB stage 2 keeps guest RAM cacheable even while the guest's
 * MMU is off, and with CTR_EL0.IDC instruction fetches see the data cache:
 * then a guest sees what Domus wrote, code included, without a clean.
 */
void arch_clean_dcache(const void *p, uint64_t size)
{
	uint64_t ctr = read_sysreg(ctr_el0);
	uint64_t line = 4u << ((ctr >> 16) & 0xf);
	uint64_t a = ALIGN_DOWN((uintptr_t)p, line);

	if (p2m_forces_cacheable() && (ctr & CTR_IDC))
		return;
	for (; a < (uintptr_t)p + size; a += line)
		asm volatile("dc cvac, %0" : : "r"(a) : "memory");
	dsb(sy);
}
