/*
 * The guest PSCI 1.0 / SMCCC 1.1 interface, against Arm DEN 0022 (PSCI) and
 * DEN 0028 (SMCCC): function IDs in w0, arguments in x1-x3, result in x0.
 * SMC32/HVC32 calls use only the low 32 bits of each register.
 */
#include "../unit.h"
#include <asm/vpsci.h>
#include <public/psci.h>

#define RAM      0x40000000ull
#define UPPER    0xdeadbeef00000000ull	/* junk a 32-bit caller may leave in x1-x3 */

static struct domain *dom;

/* A 2-vCPU domain, RAM at 0x40000000; vCPU 0 is on and runs the calls. */
static struct vcpu *setup(void)
{
	dom = fake_domain(2);
	dom->vcpu[0]->reset_pending = false;	/* started */
	return dom->vcpu[0];
}

/* v was powered on to start at pc with context id ctx. */
static bool powered_on(struct vcpu *v, uint64_t pc, uint64_t ctx)
{
	return v->power == VCPU_ON && v->reset_pending && v->reset_pc == pc && v->reset_ctx == ctx;
}

static int64_t call(struct vcpu *v, uint64_t fid, uint64_t a1, uint64_t a2, uint64_t a3)
{
	vcpu_reg(v, 0) = fid;
	vcpu_reg(v, 1) = a1;
	vcpu_reg(v, 2) = a2;
	vcpu_reg(v, 3) = a3;
	vcpu_reg(v, 4) = 0x4444;
	vpsci_call(v);
	CHECK_EQ(vcpu_reg(v, 4), 0x4444);	/* only x0 is written */
	return (int64_t)vcpu_reg(v, 0);
}

TEST(versions)
{
	struct vcpu *v = setup();

	CHECK_EQ(call(v, PSCI_VERSION, 0, 0, 0), 0x10000);	/* 1.0 */
	CHECK_EQ(call(v, SMCCC_VERSION, 0, 0, 0), 0x10001);	/* 1.1 */
	/* The function ID is w0: upper bits of x0 are ignored. */
	CHECK_EQ(call(v, UPPER | PSCI_VERSION, 0, 0, 0), 0x10000);
	CHECK_EQ(call(v, PSCI_MIGRATE_INFO_TYPE, 0, 0, 0), 2);	/* no Trusted OS to migrate */
}

TEST(features)
{
	static const uint32_t implemented[] = {
		PSCI_VERSION, PSCI_CPU_SUSPEND, PSCI_CPU_SUSPEND_64, PSCI_CPU_OFF, PSCI_CPU_ON,
		PSCI_CPU_ON_64, PSCI_AFFINITY_INFO, PSCI_AFFINITY_INFO_64, PSCI_MIGRATE_INFO_TYPE,
		PSCI_SYSTEM_OFF, PSCI_SYSTEM_RESET, PSCI_FEATURES, SMCCC_VERSION,
	};
	static const uint32_t missing[] = {
		0x84000005,	/* MIGRATE */
		0xc4000005,
		0x84000007,	/* MIGRATE_INFO_UP_CPU */
		0x8400000b,	/* CPU_FREEZE */
		0xc400000c,	/* CPU_DEFAULT_SUSPEND */
		0x8400000e,	/* SYSTEM_SUSPEND */
		0xc4000012,	/* SYSTEM_RESET2 */
		0x12345678,
	};
	struct vcpu *v = setup();

	for (unsigned i = 0; i < ARRAY_SIZE(implemented); i++)
		CHECK_EQ(call(v, PSCI_FEATURES, implemented[i], 0, 0), PSCI_SUCCESS);
	for (unsigned i = 0; i < ARRAY_SIZE(missing); i++)
		CHECK_EQ(call(v, PSCI_FEATURES, missing[i], 0, 0), (uint64_t)(int64_t)PSCI_NOT_SUPPORTED);
}

TEST(cpu_on_64)
{
	struct vcpu *v = setup();

	CHECK_EQ(call(v, PSCI_CPU_ON_64, 1, RAM + 0x80000, 0x1234567890ull), PSCI_SUCCESS);
	CHECK(powered_on(dom->vcpu[1], RAM + 0x80000, 0x1234567890ull));
	/* A CPU_ON in progress, then done. */
	CHECK_EQ(call(v, PSCI_CPU_ON_64, 1, RAM, 0), (uint64_t)(int64_t)PSCI_ON_PENDING);
	dom->vcpu[1]->reset_pending = false;	/* what the scheduler does when it starts it */
	CHECK_EQ(call(v, PSCI_CPU_ON_64, 1, RAM, 0), (uint64_t)(int64_t)PSCI_ALREADY_ON);
	CHECK_EQ(dom->vcpu[1]->reset_pc, RAM + 0x80000);	/* not restarted */
}

TEST(cpu_on_32_uses_the_low_halves)
{
	struct vcpu *v = setup();

	CHECK_EQ(call(v, PSCI_CPU_ON, UPPER | 1, UPPER | (RAM + 0x1000), UPPER | 0xcafe),
		 PSCI_SUCCESS);
	CHECK(powered_on(dom->vcpu[1], RAM + 0x1000, 0xcafe));
}

TEST(cpu_on_errors)
{
	struct vcpu *v = setup();
	const uint64_t invalid_address = (uint64_t)(int64_t)PSCI_INVALID_ADDRESS;
	const uint64_t invalid_params = (uint64_t)(int64_t)PSCI_INVALID_PARAMETERS;

	/* Entry points outside the domain's RAM. */
	CHECK_EQ(call(v, PSCI_CPU_ON_64, 1, RAM - 4, 0), invalid_address);
	CHECK_EQ(call(v, PSCI_CPU_ON_64, 1, RAM + FAKE_RAM_SIZE, 0), invalid_address);
	CHECK_EQ(call(v, PSCI_CPU_ON_64, 1, RAM + FAKE_RAM_SIZE - 2, 0), invalid_address);
	CHECK_EQ(call(v, PSCI_CPU_ON_64, 1, 0x22000000, 0), invalid_address);	/* the UART */
	CHECK_EQ(call(v, PSCI_CPU_ON_64, 1, ~0ull - 1, 0), invalid_address);
	CHECK(dom->vcpu[1]->power == VCPU_OFF && !dom->vcpu[1]->reset_pending);
	/* The last word of RAM is fine. */
	CHECK_EQ(call(v, PSCI_CPU_ON_64, 1, RAM + FAKE_RAM_SIZE - 4, 0), PSCI_SUCCESS);
	CHECK(powered_on(dom->vcpu[1], RAM + FAKE_RAM_SIZE - 4, 0));
	dom->vcpu[1]->reset_pending = false;

	/* MPIDRs that name no vCPU. */
	CHECK_EQ(call(v, PSCI_CPU_ON_64, 2, RAM, 0), invalid_params);
	CHECK_EQ(call(v, PSCI_CPU_ON_64, 0x100, RAM, 0), invalid_params);	/* Aff1 = 1 */
	CHECK_EQ(call(v, PSCI_CPU_ON_64, 0x10000, RAM, 0), invalid_params);	/* Aff2 = 1 */
	CHECK_EQ(call(v, PSCI_CPU_ON_64, 0x100000000ull, RAM, 0), invalid_params); /* Aff3 */
	/* The caller itself is on. */
	CHECK_EQ(call(v, PSCI_CPU_ON_64, 0, RAM, 0), (uint64_t)(int64_t)PSCI_ALREADY_ON);
	CHECK_EQ(dom->vcpu[1]->reset_pc, RAM + FAKE_RAM_SIZE - 4);
}

TEST(affinity_info)
{
	struct vcpu *v = setup();
	const uint64_t invalid_params = (uint64_t)(int64_t)PSCI_INVALID_PARAMETERS;

	CHECK_EQ(call(v, PSCI_AFFINITY_INFO_64, 0, 0, 0), PSCI_AFFINITY_ON);
	CHECK_EQ(call(v, PSCI_AFFINITY_INFO_64, 1, 0, 0), PSCI_AFFINITY_OFF);
	CHECK_EQ(call(v, PSCI_AFFINITY_INFO, UPPER | 1, 0, 0), PSCI_AFFINITY_OFF);
	CHECK_EQ(call(v, PSCI_AFFINITY_INFO, UPPER, UPPER, 0), PSCI_AFFINITY_ON);
	CHECK_EQ(call(v, PSCI_AFFINITY_INFO_64, 0, 1, 0), invalid_params);	/* level 1 */
	CHECK_EQ(call(v, PSCI_AFFINITY_INFO_64, 5, 0, 0), invalid_params);
	call(v, PSCI_CPU_ON_64, 1, RAM, 0);
	CHECK_EQ(call(v, PSCI_AFFINITY_INFO_64, 1, 0, 0), PSCI_AFFINITY_ON);
}

TEST(cpu_off_and_suspend)
{
	struct vcpu *v = setup();

	CHECK_EQ(call(v, PSCI_CPU_ON_64, 1, RAM, 0), PSCI_SUCCESS);
	vcpu_reg(v, 0) = PSCI_CPU_OFF;
	vpsci_call(v);
	CHECK(v->power == VCPU_OFF);
	CHECK(dom->vcpu[1]->power == VCPU_ON);

	/* A suspended vCPU waits for an interrupt, as in WFI. */
	v = dom->vcpu[1];
	CHECK_EQ(call(v, PSCI_CPU_SUSPEND_64, 0, RAM, 0), PSCI_SUCCESS);
	CHECK(v->blocked);
	v->blocked = false;
	CHECK_EQ(call(v, PSCI_CPU_SUSPEND, 0, RAM, 0), PSCI_SUCCESS);
	CHECK(v->blocked);
}

TEST(system_off_and_reset)
{
	struct vcpu *v = setup();

	struct domain *off;

	/* Power off: destroyed (the harness's domains' on_poweroff), not rebuilt. */
	vcpu_reg(v, 0) = PSCI_SYSTEM_OFF;
	vpsci_call(v);
	CHECK_EQ(dom->state, DOMAIN_DYING);
	CHECK(!dom->reboot && !dom->alive);
	CHECK(v->power == VCPU_OFF);

	/* Reset: destroyed and rebuilt (on_reboot restart). */
	off = dom;
	v = setup();
	REQUIRE(dom != off);
	vcpu_reg(v, 0) = PSCI_SYSTEM_RESET;
	vpsci_call(v);
	CHECK_EQ(dom->state, DOMAIN_DYING);
	CHECK(dom->reboot);
}

TEST(unknown_functions_not_supported)
{
	static const uint32_t fids[] = {
		SMCCC_ARCH_FEATURES, 0x8400000e /* SYSTEM_SUSPEND */, 0xc4000012 /* RESET2 */,
		0xc2000000 /* SiP */, 0x86000000 /* OEM */, 0xbf000000, 0,
	};
	struct vcpu *v = setup();

	for (unsigned i = 0; i < ARRAY_SIZE(fids); i++)
		CHECK_EQ(call(v, fids[i], 0x80000001, 0, 0), 0xffffffffffffffffull);
	/* Nothing changed. */
	CHECK_EQ(dom->state, DOMAIN_RUNNING);
	CHECK(v->power == VCPU_ON && !v->blocked);
	CHECK(dom->vcpu[1]->power == VCPU_OFF && !dom->vcpu[1]->reset_pending);
}
