/*
 * CPU pools through XEN_SYSCTL_cpupool_op and the scheduler operations that
 * name a pool (core/sched/cpupool.c, xen/sysctl.c), with Xen 4.17's rules
 * and errno values, on the fake machine's 7 CPUs.
 */
#include "sysctl_call.h"
#include <domus/cpupool.h>
#include <domus/percpu.h>
#include <domus/sched.h>
#include <public/domctl.h>
#include <public/errno.h>

static struct xen_sysctl op;

static int64_t pool_op(struct vcpu *v, uint32_t which, uint32_t id)
{
	return cpupool(v, which, id, 8, &op);
}

static int64_t cpu_op(struct vcpu *v, uint32_t which, uint32_t id, uint32_t cpu)
{
	op = op_for(XEN_SYSCTL_cpupool_op);
	op.u.cpupool_op = (struct xen_sysctl_cpupool_op){ .op = which, .cpupool_id = id, .cpu = cpu };
	return sysctl(v, &op);
}

static int64_t move(struct vcpu *v, domid_t dom, uint32_t id)
{
	op = op_for(XEN_SYSCTL_cpupool_op);
	op.u.cpupool_op = (struct xen_sysctl_cpupool_op){
		.op = XEN_SYSCTL_CPUPOOL_OP_MOVEDOMAIN, .cpupool_id = id, .domid = dom };
	return sysctl(v, &op);
}

static int64_t create(struct vcpu *v, uint32_t id, uint32_t sched_id)
{
	op = op_for(XEN_SYSCTL_cpupool_op);
	op.u.cpupool_op = (struct xen_sysctl_cpupool_op){
		.op = XEN_SYSCTL_CPUPOOL_OP_CREATE, .cpupool_id = id, .sched_id = sched_id };
	return sysctl(v, &op);
}

/* INFO's CPU map of pool id (the first byte: 7 CPUs). */
static uint8_t pool_cpus(struct vcpu *v, uint32_t id)
{
	REQUIRE(pool_op(v, XEN_SYSCTL_CPUPOOL_OP_INFO, id) == 0);
	REQUIRE(op.u.cpupool_op.cpupool_id == id);
	return *(uint8_t *)arg_ptr(v->dom, BUF);
}

static uint8_t free_map(struct vcpu *v)
{
	REQUIRE(pool_op(v, XEN_SYSCTL_CPUPOOL_OP_FREEINFO, 0) == 0);
	return *(uint8_t *)arg_ptr(v->dom, BUF);
}

/* The CPUs whose queues hold d's vCPUs. */
static uint64_t queued_on(const struct domain *d)
{
	uint64_t cpus = 0;

	for (unsigned i = 0; i < d->nr_vcpus; i++)
		cpus |= BIT(d->vcpu[i]->pcpu);
	return cpus;
}

TEST(pools_are_made_and_numbered_as_xen_numbers_them)
{
	struct vcpu *v = fake_hardware_domain(1)->vcpu[0];

	REQUIRE(create(v, CPUPOOL_ANY, XEN_SCHEDULER_CREDIT) == 0);
	CHECK_EQ(op.u.cpupool_op.cpupool_id, 1);
	REQUIRE(create(v, 5, XEN_SCHEDULER_NULL) == 0);
	CHECK_EQ(op.u.cpupool_op.cpupool_id, 5);
	REQUIRE(create(v, CPUPOOL_ANY, XEN_SCHEDULER_CREDIT) == 0);
	CHECK_EQ(op.u.cpupool_op.cpupool_id, 6);	/* after the highest */
	CHECK_EQ(create(v, 5, XEN_SCHEDULER_CREDIT), -XEN_EEXIST);
	CHECK_EQ(create(v, 0, XEN_SCHEDULER_CREDIT), -XEN_EEXIST);
	CHECK_EQ(create(v, 7, XEN_SCHEDULER_CREDIT2), -XEN_ENOENT);	/* no such scheduler here */
	/* INFO walks them in order of id, from the one asked for. */
	REQUIRE(pool_op(v, XEN_SYSCTL_CPUPOOL_OP_INFO, 2) == 0);
	CHECK_EQ(op.u.cpupool_op.cpupool_id, 5);
	CHECK_EQ(op.u.cpupool_op.sched_id, XEN_SCHEDULER_NULL);
	CHECK_EQ(op.u.cpupool_op.n_dom, 0);
	CHECK_EQ(*(uint8_t *)arg_ptr(v->dom, BUF), 0);		/* no CPU yet */
	CHECK_EQ(pool_cpus(v, 6), 0);
	CHECK_EQ(pool_op(v, XEN_SYSCTL_CPUPOOL_OP_INFO, 7), -XEN_ENOENT);
	/* Twice as many pools as CPUs at most, pool 0 included: 10 more. */
	for (uint32_t id = 7; id < 17; id++)
		CHECK_EQ(create(v, id, XEN_SCHEDULER_CREDIT), 0);
	CHECK_EQ(create(v, CPUPOOL_ANY, XEN_SCHEDULER_CREDIT), -XEN_ENOSPC);
	/* An empty pool goes; pool 0 never does (CPU 0 is in it). */
	CHECK_EQ(pool_op(v, XEN_SYSCTL_CPUPOOL_OP_DESTROY, 5), 0);
	CHECK_EQ(pool_op(v, XEN_SYSCTL_CPUPOOL_OP_DESTROY, 5), -XEN_ENOENT);
	CHECK_EQ(pool_op(v, XEN_SYSCTL_CPUPOOL_OP_DESTROY, 0), -XEN_EBUSY);
	CHECK_EQ(create(v, CPUPOOL_ANY, XEN_SCHEDULER_CREDIT), 0);
	CHECK_EQ(op.u.cpupool_op.cpupool_id, 17);
	/* Past the last id there is: the first free one, never CPUPOOL_ANY itself. */
	CHECK_EQ(pool_op(v, XEN_SYSCTL_CPUPOOL_OP_DESTROY, 17), 0);
	CHECK_EQ(create(v, 0xfffffffe, XEN_SCHEDULER_CREDIT), 0);
	CHECK_EQ(pool_op(v, XEN_SYSCTL_CPUPOOL_OP_DESTROY, 8), 0);
	CHECK_EQ(create(v, CPUPOOL_ANY, XEN_SCHEDULER_CREDIT), 0);
	CHECK_EQ(op.u.cpupool_op.cpupool_id, 2);
}

TEST(cpus_move_between_pools_only_through_the_free_set)
{
	struct vcpu *v = fake_hardware_domain(1)->vcpu[0];

	REQUIRE(create(v, CPUPOOL_ANY, XEN_SCHEDULER_CREDIT) == 0);
	CHECK_EQ(cpu_op(v, XEN_SYSCTL_CPUPOOL_OP_ADDCPU, 1, 3), -XEN_ENODEV);	/* pool 0's */
	CHECK_EQ(cpu_op(v, XEN_SYSCTL_CPUPOOL_OP_RMCPU, 0, 0), -XEN_EINVAL);	/* CPU 0 stays */
	CHECK_EQ(cpu_op(v, XEN_SYSCTL_CPUPOOL_OP_RMCPU, 1, 3), -XEN_EADDRNOTAVAIL);
	CHECK_EQ(cpu_op(v, XEN_SYSCTL_CPUPOOL_OP_RMCPU, 0, 7), -XEN_EINVAL);	/* no such CPU */
	CHECK_EQ(cpu_op(v, XEN_SYSCTL_CPUPOOL_OP_RMCPU, 9, 3), -XEN_ENOENT);
	CHECK_EQ(cpu_op(v, XEN_SYSCTL_CPUPOOL_OP_ADDCPU, 9, 3), -XEN_ENOENT);
	REQUIRE(cpu_op(v, XEN_SYSCTL_CPUPOOL_OP_RMCPU, 0, 3) == 0);
	REQUIRE(cpu_op(v, XEN_SYSCTL_CPUPOOL_OP_RMCPU, 0, CPUPOOL_ANY) == 0);	/* the last: 6 */
	CHECK_EQ(free_map(v), 0x48);
	CHECK_EQ(pool_cpus(v, 0), 0x37);
	CHECK(cpupool_of_cpu(6) == NULL);
	REQUIRE(cpu_op(v, XEN_SYSCTL_CPUPOOL_OP_ADDCPU, 1, 6) == 0);
	REQUIRE(cpu_op(v, XEN_SYSCTL_CPUPOOL_OP_ADDCPU, 1, CPUPOOL_ANY) == 0);	/* the first: 3 */
	CHECK_EQ(pool_cpus(v, 1), 0x48);
	CHECK_EQ(free_map(v), 0);
	CHECK_EQ(cpu_op(v, XEN_SYSCTL_CPUPOOL_OP_ADDCPU, 1, CPUPOOL_ANY), -XEN_ENODEV);
	/* A pool with CPUs cannot go; once they are free again it can, and pool 0 takes them. */
	CHECK_EQ(pool_op(v, XEN_SYSCTL_CPUPOOL_OP_DESTROY, 1), -XEN_EBUSY);
	REQUIRE(cpu_op(v, XEN_SYSCTL_CPUPOOL_OP_RMCPU, 1, 3) == 0);
	REQUIRE(cpu_op(v, XEN_SYSCTL_CPUPOOL_OP_RMCPU, 1, 6) == 0);
	CHECK_EQ(pool_op(v, XEN_SYSCTL_CPUPOOL_OP_DESTROY, 1), 0);
	REQUIRE(cpu_op(v, XEN_SYSCTL_CPUPOOL_OP_ADDCPU, 0, 3) == 0);
	REQUIRE(cpu_op(v, XEN_SYSCTL_CPUPOOL_OP_ADDCPU, 0, 6) == 0);
	CHECK_EQ(pool_cpus(v, 0), 0x7f);
	/* An offline CPU cannot join. */
	REQUIRE(cpu_op(v, XEN_SYSCTL_CPUPOOL_OP_RMCPU, 0, 5) == 0);
	pcpus[5].online = false;
	CHECK_EQ(cpu_op(v, XEN_SYSCTL_CPUPOOL_OP_ADDCPU, 0, 5), -XEN_ENODEV);
}

TEST(a_domain_moves_to_a_pool_with_cpus_and_its_vcpus_with_it)
{
	struct domain *dom0 = fake_hardware_domain(1), *u = fake_pv_domain(2);
	struct vcpu *v = dom0->vcpu[0];

	REQUIRE(create(v, CPUPOOL_ANY, XEN_SCHEDULER_CREDIT) == 0);
	CHECK_EQ(move(v, u->id, 1), -XEN_ENOENT);		/* no CPU there */
	CHECK_EQ(move(v, dom0->id, 1), -XEN_EPERM);		/* not itself */
	CHECK_EQ(move(v, 999, 0), -XEN_ESRCH);
	CHECK_EQ(move(v, u->id, 0), 0);				/* where it is */
	REQUIRE(cpu_op(v, XEN_SYSCTL_CPUPOOL_OP_RMCPU, 0, 4) == 0);
	REQUIRE(cpu_op(v, XEN_SYSCTL_CPUPOOL_OP_RMCPU, 0, 5) == 0);
	REQUIRE(cpu_op(v, XEN_SYSCTL_CPUPOOL_OP_ADDCPU, 1, 4) == 0);
	REQUIRE(cpu_op(v, XEN_SYSCTL_CPUPOOL_OP_ADDCPU, 1, 5) == 0);
	/* Pinned to a CPU of pool 0: the move lets it use any CPU of its new pool, as Xen does. */
	u->vcpu[0]->sched.affinity = BIT(1);
	REQUIRE(move(v, u->id, 1) == 0);
	CHECK_EQ(u->pool_id, 1);
	CHECK_EQ(queued_on(u) & ~0x30ull, 0);
	CHECK_EQ(u->vcpu[0]->sched.affinity, ~0ull);
	REQUIRE(pool_op(v, XEN_SYSCTL_CPUPOOL_OP_INFO, 1) == 0);
	CHECK_EQ(op.u.cpupool_op.n_dom, 1);
	REQUIRE(pool_op(v, XEN_SYSCTL_CPUPOOL_OP_INFO, 0) == 0);
	CHECK_EQ(op.u.cpupool_op.n_dom, 1);
	/* A pool keeps its last CPU while it has a domain; its vCPUs leave a CPU that goes. */
	CHECK_EQ(pool_op(v, XEN_SYSCTL_CPUPOOL_OP_DESTROY, 1), -XEN_EBUSY);
	REQUIRE(cpu_op(v, XEN_SYSCTL_CPUPOOL_OP_RMCPU, 1, 4) == 0);
	CHECK_EQ(queued_on(u), BIT(5));
	CHECK_EQ(pcpus[4].nr_runq, 0);
	CHECK_EQ(cpu_op(v, XEN_SYSCTL_CPUPOOL_OP_RMCPU, 1, 5), -XEN_EBUSY);
	/* Back, and the pool can go. */
	REQUIRE(move(v, u->id, 0) == 0);
	CHECK_EQ(queued_on(u) & 0x30, 0);
	REQUIRE(cpu_op(v, XEN_SYSCTL_CPUPOOL_OP_RMCPU, 1, 5) == 0);
	CHECK_EQ(pool_op(v, XEN_SYSCTL_CPUPOOL_OP_DESTROY, 1), 0);
}

TEST(a_vcpu_pinned_to_a_cpu_that_leaves_is_freed_to_the_rest_of_its_pool)
{
	struct domain *dom0 = fake_hardware_domain(1), *u = fake_pv_domain(1);
	struct vcpu *v = dom0->vcpu[0], *t = u->vcpu[0];

	REQUIRE(sched_set_affinity(t, BIT(6)));
	CHECK_EQ(t->pcpu, 6);
	REQUIRE(cpu_op(v, XEN_SYSCTL_CPUPOOL_OP_RMCPU, 0, 6) == 0);
	CHECK_EQ(t->sched.affinity, ~0ull);
	CHECK(t->pcpu < 6);
	/* Hard affinity must name a CPU of the domain's pool. */
	CHECK(!sched_set_affinity(t, BIT(6)));
	CHECK_EQ(t->sched.affinity, ~0ull);
}

TEST(a_null_pool_takes_a_domain_only_with_a_cpu_for_each_vcpu)
{
	struct domain *dom0 = fake_hardware_domain(1), *two = fake_pv_domain(2);
	struct domain *three = fake_pv_domain(3);
	struct vcpu *v = dom0->vcpu[0];

	REQUIRE(create(v, CPUPOOL_ANY, XEN_SCHEDULER_NULL) == 0);
	for (uint32_t cpu = 4; cpu < 7; cpu += 2) {
		REQUIRE(cpu_op(v, XEN_SYSCTL_CPUPOOL_OP_RMCPU, 0, cpu) == 0);
		REQUIRE(cpu_op(v, XEN_SYSCTL_CPUPOOL_OP_ADDCPU, 1, cpu) == 0);
	}
	CHECK_EQ(move(v, three->id, 1), -XEN_EBUSY);
	CHECK_EQ(three->pool_id, 0);
	REQUIRE(move(v, two->id, 1) == 0);
	CHECK_EQ(queued_on(two), BIT(4) | BIT(6));		/* one CPU each */
	CHECK_EQ(pcpus[4].nr_runq, 1);
	CHECK_EQ(pcpus[6].nr_runq, 1);
	/*
	 * A CPU that holds a vCPU can leave only for another CPU of the pool
	 * to take it, even one its hard affinity does not name (Xen breaks it).
	 */
	REQUIRE(two->vcpu[1]->pcpu == 6);
	REQUIRE(sched_set_affinity(two->vcpu[1], BIT(4) | BIT(6)));
	CHECK_EQ(cpu_op(v, XEN_SYSCTL_CPUPOOL_OP_RMCPU, 1, 6), -XEN_EBUSY);
	REQUIRE(cpu_op(v, XEN_SYSCTL_CPUPOOL_OP_RMCPU, 0, 5) == 0);
	REQUIRE(cpu_op(v, XEN_SYSCTL_CPUPOOL_OP_ADDCPU, 1, 5) == 0);
	REQUIRE(cpu_op(v, XEN_SYSCTL_CPUPOOL_OP_RMCPU, 1, 6) == 0);
	CHECK_EQ(queued_on(two), BIT(4) | BIT(5));
	CHECK_EQ(two->vcpu[1]->sched.affinity, ~0ull);
	CHECK_EQ(pcpus[6].nr_runq, 0);
}

static int64_t sched_pool(struct vcpu *v, uint32_t pool, uint32_t sched_id, uint32_t cmd,
			  uint32_t tslice_ms)
{
	op = op_for(XEN_SYSCTL_scheduler_op);
	op.u.scheduler_op = (struct xen_sysctl_scheduler_op){
		.cpupool_id = pool, .sched_id = sched_id, .cmd = cmd,
		.u.sched_credit = { tslice_ms, 0, 0 } };
	return sysctl(v, &op);
}

TEST(each_pool_has_its_own_scheduler_and_parameters)
{
	struct domain *dom0 = fake_hardware_domain(1), *u = fake_pv_domain(1);
	struct vcpu *v = dom0->vcpu[0];
	struct xen_domctl d = { .cmd = XEN_DOMCTL_scheduler_op,
				.interface_version = XEN_DOMCTL_INTERFACE_VERSION, .domain = u->id,
				.u.scheduler_op = { .sched_id = XEN_SCHEDULER_CREDIT,
						    .cmd = XEN_DOMCTL_SCHEDOP_getinfo } };

	REQUIRE(create(v, CPUPOOL_ANY, XEN_SCHEDULER_CREDIT) == 0);
	REQUIRE(create(v, CPUPOOL_ANY, XEN_SCHEDULER_NULL) == 0);
	REQUIRE(sched_pool(v, 1, XEN_SCHEDULER_CREDIT, XEN_SYSCTL_SCHEDOP_putinfo, 5) == 0);
	REQUIRE(sched_pool(v, 0, XEN_SCHEDULER_CREDIT, XEN_SYSCTL_SCHEDOP_getinfo, 0) == 0);
	CHECK_EQ(op.u.scheduler_op.u.sched_credit.tslice_ms, 30);
	REQUIRE(sched_pool(v, 1, XEN_SCHEDULER_CREDIT, XEN_SYSCTL_SCHEDOP_getinfo, 0) == 0);
	CHECK_EQ(op.u.scheduler_op.u.sched_credit.tslice_ms, 5);
	CHECK_EQ(sched_pool(v, 2, XEN_SCHEDULER_CREDIT, XEN_SYSCTL_SCHEDOP_getinfo, 0),
		 -XEN_EINVAL);
	CHECK_EQ(sched_pool(v, 2, XEN_SCHEDULER_NULL, XEN_SYSCTL_SCHEDOP_getinfo, 0), 0);
	CHECK_EQ(sched_pool(v, 3, XEN_SCHEDULER_CREDIT, XEN_SYSCTL_SCHEDOP_getinfo, 0),
		 -XEN_ESRCH);
	/* A domain's weight and cap go through its pool's scheduler. */
	CHECK_EQ(hypercall_with(v, __HYPERVISOR_domctl, &d, sizeof(d)), 0);
	REQUIRE(cpu_op(v, XEN_SYSCTL_CPUPOOL_OP_RMCPU, 0, 6) == 0);
	REQUIRE(cpu_op(v, XEN_SYSCTL_CPUPOOL_OP_ADDCPU, 2, 6) == 0);
	REQUIRE(move(v, u->id, 2) == 0);
	CHECK_EQ(hypercall_with(v, __HYPERVISOR_domctl, &d, sizeof(d)), -XEN_EINVAL);
	d.u.scheduler_op.sched_id = XEN_SCHEDULER_NULL;
	CHECK_EQ(hypercall_with(v, __HYPERVISOR_domctl, &d, sizeof(d)), 0);
}

TEST(a_domu_can_do_none_of_it)
{
	struct domain *dom0 = fake_hardware_domain(1), *u = fake_pv_domain(1);

	for (uint32_t which = 0; which <= 8; which++)
		CHECK_EQ(cpu_op(u->vcpu[0], which, CPUPOOL_ANY, CPUPOOL_ANY), -XEN_EPERM);
	CHECK_EQ(move(u->vcpu[0], dom0->id, 0), -XEN_EPERM);
	CHECK_EQ(cpupool_info(1, &(struct cpupool_info){ 0 }), false);
	CHECK_EQ(cpupool_free_cpus(), 0);
}
