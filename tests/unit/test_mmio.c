/*
 * Emulated MMIO: decoding a data abort's instruction syndrome (Arm ARM,
 * ESR_ELx ISS for data aborts), the register value of a load, and routing
 * an access to the device that owns the address.
 */
#include <stdlib.h>

#include "unit.h"
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

static uint64_t load(unsigned size, bool sign, bool reg64, uint64_t data)
{
	struct mmio_access a = { .size = size, .sign_extend = sign, .reg64 = reg64, .data = data };

	return mmio_load_result(&a);
}

TEST(load_result_truncation_and_sign_extension)
{
	/* LDRB/LDRH/LDR: zero-extended; bits beyond the access size are dropped. */
	CHECK_EQ(load(1, false, false, 0x12f0), 0xf0);
	CHECK_EQ(load(2, false, true, 0xabcd8001), 0x8001);
	CHECK_EQ(load(4, false, false, 0xfedcba9876543210ull), 0x76543210);
	CHECK_EQ(load(8, false, true, 0xfedcba9876543210ull), 0xfedcba9876543210ull);
	/* LDRSB/LDRSH/LDRSW to an X register. */
	CHECK_EQ(load(1, true, true, 0x80), 0xffffffffffffff80ull);
	CHECK_EQ(load(1, true, true, 0x7f), 0x7f);
	CHECK_EQ(load(2, true, true, 0x8000), 0xffffffffffff8000ull);
	CHECK_EQ(load(4, true, true, 0x80000000), 0xffffffff80000000ull);
	CHECK_EQ(load(4, true, true, 0x7fffffff), 0x7fffffff);
	/* ... and to a W register: sign-extended to 32 bits, the upper half zero. */
	CHECK_EQ(load(1, true, false, 0x80), 0xffffff80);
	CHECK_EQ(load(2, true, false, 0x1fffe), 0xfffffffe);
	/* A 32-bit destination never keeps more than 32 bits. */
	CHECK_EQ(load(8, false, false, 0x1122334455667788ull), 0x55667788);
}

/* ---- dispatch ---- */

struct test_dev {
	unsigned calls;
	uint64_t offset;
	unsigned size;
	bool write;
	uint64_t val;
	bool refuse;
};

static bool dev_read(struct vcpu *v, void *dev, uint64_t off, unsigned size, uint64_t *val)
{
	struct test_dev *t = dev;

	(void)v;
	*t = (struct test_dev){ t->calls + 1, off, size, false, 0, t->refuse };
	*val = 0xabcd0000 | off;
	return !t->refuse;
}

static bool dev_write(struct vcpu *v, void *dev, uint64_t off, unsigned size, uint64_t val)
{
	struct test_dev *t = dev;

	(void)v;
	*t = (struct test_dev){ t->calls + 1, off, size, true, val, t->refuse };
	return !t->refuse;
}

static const struct mmio_ops test_ops = { "test", dev_read, dev_write };

TEST(dispatch_routes_by_address)
{
	struct domain *d = fake_domain(1);
	struct vcpu *v = d->vcpu[0];
	struct test_dev a = { 0 }, b = { 0 };
	uint64_t val;

	mmio_register(d, 0x10000000, 0x100, &test_ops, &a);
	mmio_register(d, 0x10000100, 0x100, &test_ops, &b);

	CHECK_EQ(guest_access(v, 0x100000fc, 4, false, &val), MMIO_DONE);
	CHECK_EQ(val, 0xabcd00fc);
	CHECK(a.calls == 1 && a.offset == 0xfc && a.size == 4 && !a.write);
	CHECK_EQ(b.calls, 0);

	val = 0x5a;
	CHECK_EQ(guest_access(v, 0x10000100, 1, true, &val), MMIO_DONE);
	CHECK(b.calls == 1 && b.offset == 0 && b.size == 1 && b.write && b.val == 0x5a);
	CHECK_EQ(a.calls, 1);

	val = 0x1122334455667788ull;
	CHECK_EQ(guest_access(v, 0x100001f8, 8, true, &val), MMIO_DONE);
	CHECK(b.calls == 2 && b.offset == 0xf8 && b.size == 8 && b.val == 0x1122334455667788ull);
}

TEST(dispatch_outside_any_region)
{
	struct domain *d = fake_domain(1);
	struct vcpu *v = d->vcpu[0];
	struct test_dev a = { 0 };
	uint64_t val = 0;

	mmio_register(d, 0x10000000, 0x100, &test_ops, &a);
	CHECK_EQ(guest_access(v, 0x0fffffff, 1, false, &val), MMIO_NO_DEVICE);
	CHECK_EQ(guest_access(v, 0x0ffffffc, 4, false, &val), MMIO_NO_DEVICE);
	CHECK_EQ(guest_access(v, 0x10000100, 4, false, &val), MMIO_NO_DEVICE);
	CHECK_EQ(guest_access(v, 0x40000000, 4, true, &val), MMIO_NO_DEVICE);	/* RAM */
	CHECK_EQ(guest_access(v, 0, 4, false, &val), MMIO_NO_DEVICE);
	CHECK_EQ(guest_access(v, ~0ull - 3, 4, false, &val), MMIO_NO_DEVICE);
	CHECK_EQ(a.calls, 0);
}

TEST(dispatch_rejects_straddling_and_refused_accesses)
{
	struct domain *d = fake_domain(1);
	struct vcpu *v = d->vcpu[0];
	struct test_dev a = { 0 };
	uint64_t val = 0;

	mmio_register(d, 0x10000000, 0x100, &test_ops, &a);
	CHECK_EQ(guest_access(v, 0x100000fe, 4, false, &val), MMIO_REJECTED);
	CHECK_EQ(guest_access(v, 0x100000f9, 8, true, &val), MMIO_REJECTED);
	CHECK_EQ(a.calls, 0);			/* the device never saw them */
	CHECK_EQ(guest_access(v, 0x100000ff, 1, false, &val), MMIO_DONE);
	CHECK_EQ(a.calls, 1);
	a.refuse = true;
	CHECK_EQ(guest_access(v, 0x10000010, 4, false, &val), MMIO_REJECTED);
	CHECK_EQ(guest_access(v, 0x10000010, 4, true, &val), MMIO_REJECTED);
	CHECK_EQ(a.calls, 3);
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
