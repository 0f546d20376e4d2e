/*
 * Emulated MMIO in the core: the register value of a load, and routing an
 * access to the device that owns the address.
 */
#include "../unit.h"
#include "../mmio_test_dev.h"

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
