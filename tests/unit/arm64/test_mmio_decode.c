/*
 * Decoding a data abort's instruction syndrome for emulated MMIO (Arm ARM,
 * ESR_ELx ISS for data aborts), and a trapped load from decode to result.
 */
#include <stdlib.h>

#include "../unit.h"
#include "../mmio_test_dev.h"
#include <asm/traps.h>

#define EC_DABT_LOW 0x24u

/* ESR_EL2 for a data abort from EL1 with a valid syndrome. */
static uint32_t dabt_esr(unsigned sas, bool sse, unsigned srt, bool sf, bool wnr)
{
	return EC_DABT_LOW << 26 | 1u << 25 /* IL */ | 1u << 24 /* ISV */ | sas << 22 |
	       (uint32_t)sse << 21 | srt << 16 | (uint32_t)sf << 15 | (uint32_t)wnr << 6 |
	       0x07 /* DFSC: translation fault, level 3 */;
}

/* x0..x30 in their own allocation, so that reading "x31" would be caught. */
static uint64_t *xregs(void)
{
	uint64_t *x = calloc(31, sizeof(*x));

	REQUIRE(x);
	for (unsigned i = 0; i < 31; i++)
		x[i] = 0x1122334455667788ull + i;
	return x;
}

TEST(decode_access_sizes_and_registers)
{
	uint64_t *x = xregs();
	struct mmio_access a;

	for (unsigned sas = 0; sas < 4; sas++) {
		memset(&a, 0x5a, sizeof(a));
		CHECK(mmio_decode_dabt(dabt_esr(sas, false, 7, false, false), 0x22000018, x, &a));
		CHECK_EQ(a.size, 1u << sas);
		CHECK_EQ(a.addr, 0x22000018);
		CHECK_EQ(a.reg, 7);
		CHECK(!a.write && !a.sign_extend && !a.reg64);
		CHECK_EQ(a.data, 0);
	}
	CHECK(mmio_decode_dabt(dabt_esr(2, true, 30, true, false), 0x3001000, x, &a));
	CHECK(a.sign_extend && a.reg64 && !a.write);
	CHECK_EQ(a.reg, 30);
	CHECK(mmio_decode_dabt(dabt_esr(2, false, 0, false, false) | 1u << 14 /* AR */, 0, x, &a));
	CHECK_EQ(a.reg, 0);
	free(x);
}

TEST(decode_store_data_is_masked_to_the_size)
{
	uint64_t *x = xregs();
	struct mmio_access a;

	x[3] = 0x1122334455667788ull;
	CHECK(mmio_decode_dabt(dabt_esr(0, false, 3, false, true), 0x22000000, x, &a));
	CHECK(a.write);
	CHECK_EQ(a.data, 0x88);
	CHECK(mmio_decode_dabt(dabt_esr(1, false, 3, false, true), 0x22000000, x, &a));
	CHECK_EQ(a.data, 0x7788);
	CHECK(mmio_decode_dabt(dabt_esr(2, false, 3, false, true), 0x22000000, x, &a));
	CHECK_EQ(a.data, 0x55667788);
	CHECK(mmio_decode_dabt(dabt_esr(3, false, 3, true, true), 0x22000000, x, &a));
	CHECK_EQ(a.data, 0x1122334455667788ull);
	/* Register 31 is XZR for a store: zero, and x[] is not read past x30. */
	CHECK(mmio_decode_dabt(dabt_esr(2, false, 31, false, true), 0x22000000, x, &a));
	CHECK_EQ(a.reg, 31);
	CHECK_EQ(a.data, 0);
	free(x);
}

TEST(decode_without_syndrome_fails)
{
	uint64_t *x = xregs();
	struct mmio_access a;

	CHECK(!mmio_decode_dabt(dabt_esr(2, false, 1, false, true) & ~(1u << 24), 0x1000, x, &a));
	CHECK(!mmio_decode_dabt(0, 0x1000, x, &a));
	free(x);
}

TEST(trapped_load_end_to_end)
{
	struct domain *d = fake_domain(1);
	struct vcpu *v = d->vcpu[0];
	struct test_dev dev = { 0 };
	struct mmio_access a;

	mmio_register(d, 0x10000000, 0x100, &test_ops, &dev);
	/* LDRSB w5, [x] at offset 0xf0: the device returns 0xabcd00f0. */
	REQUIRE(mmio_decode_dabt(dabt_esr(0, true, 5, false, false), 0x100000f0, v->arch.regs.x, &a));
	CHECK_EQ(mmio_dispatch(v, &a), MMIO_DONE);
	CHECK_EQ(dev.size, 1);
	CHECK_EQ(mmio_load_result(&a), 0xfffffff0);
}
