/*
 * XEN_SYSCTL_* (xen/sysctl.c): Xen 4.17's layouts, the checks in Xen's
 * order (structure, interface version, privilege, command), and what each
 * command Domus answers gives: the console history (xl dmesg), the machine,
 * the scheduler, the domain list, CPU and NUMA topology, the CPU pool.
 */
#include "sysctl_call.h"
#include <domus/cpupool.h>
#include <domus/page_alloc.h>
#include <domus/percpu.h>
#include <domus/sched_policy.h>
#include <public/errno.h>
#include <public/sysctl.h>
#include <xen/toolstack.h>
#include <asm/cpu.h>

/* Xen 4.17's layouts (xen/include/public/sysctl.h), field by field. */
_Static_assert(offsetof(struct xen_sysctl, interface_version) == 4, "");
_Static_assert(offsetof(struct xen_sysctl, u) == 8, "");
_Static_assert(sizeof(struct xen_sysctl) == 136, "");
_Static_assert(offsetof(struct xen_sysctl_readconsole, incremental) == 1, "");
_Static_assert(offsetof(struct xen_sysctl_readconsole, index) == 4, "");
_Static_assert(offsetof(struct xen_sysctl_readconsole, buffer) == 8, "");
_Static_assert(offsetof(struct xen_sysctl_readconsole, count) == 16, "");
_Static_assert(offsetof(struct xen_sysctl_physinfo, cpu_khz) == 24, "");
_Static_assert(offsetof(struct xen_sysctl_physinfo, capabilities) == 28, "");
_Static_assert(offsetof(struct xen_sysctl_physinfo, arch_capabilities) == 32, "");
_Static_assert(offsetof(struct xen_sysctl_physinfo, total_pages) == 40, "");
_Static_assert(offsetof(struct xen_sysctl_physinfo, free_pages) == 48, "");
_Static_assert(offsetof(struct xen_sysctl_physinfo, scrub_pages) == 56, "");
_Static_assert(offsetof(struct xen_sysctl_physinfo, outstanding_pages) == 64, "");
_Static_assert(offsetof(struct xen_sysctl_physinfo, max_mfn) == 72, "");
_Static_assert(offsetof(struct xen_sysctl_physinfo, hw_cap) == 80, "");
_Static_assert(sizeof(struct xen_sysctl_physinfo) == 112, "");
_Static_assert(offsetof(struct xen_sysctl_getdomaininfolist, max_domains) == 4, "");
_Static_assert(offsetof(struct xen_sysctl_getdomaininfolist, buffer) == 8, "");
_Static_assert(offsetof(struct xen_sysctl_getdomaininfolist, num_domains) == 16, "");
_Static_assert(offsetof(struct xen_sysctl_cputopoinfo, cputopo) == 8, "");
_Static_assert(sizeof(struct xen_sysctl_cputopo) == 12, "");
_Static_assert(offsetof(struct xen_sysctl_numainfo, meminfo) == 8, "");
_Static_assert(offsetof(struct xen_sysctl_numainfo, distance) == 16, "");
_Static_assert(sizeof(struct xen_sysctl_meminfo) == 16, "");
_Static_assert(offsetof(struct xen_sysctl_cpupool_op, n_dom) == 20, "");
_Static_assert(offsetof(struct xen_sysctl_cpupool_op, cpumap) == 24, "");
_Static_assert(offsetof(struct xen_sysctl_scheduler_op, cmd) == 8, "");
_Static_assert(offsetof(struct xen_sysctl_scheduler_op, u) == 16, "");
_Static_assert(offsetof(struct xen_sysctl_credit_schedule, vcpu_migr_delay_us) == 8, "");

TEST(a_domu_gets_eperm_for_every_command)
{
	struct domain *d = fake_pv_domain(1);
	struct xen_sysctl op;

	for (uint32_t cmd = 0; cmd <= 100; cmd++) {
		op = op_for(cmd);
		CHECK_EQ(sysctl(d->vcpu[0], &op), -XEN_EPERM);
	}
}

TEST(interface_version_and_bad_pointers_come_first)
{
	struct domain *dom0 = fake_hardware_domain(1), *d = fake_pv_domain(1);
	struct xen_sysctl op = op_for(XEN_SYSCTL_physinfo);

	op.interface_version = 0x14;
	CHECK_EQ(sysctl(dom0->vcpu[0], &op), -XEN_EACCES);
	CHECK_EQ(sysctl(d->vcpu[0], &op), -XEN_EACCES);
	op.interface_version = 0x16;	/* newer Xens' */
	CHECK_EQ(sysctl(dom0->vcpu[0], &op), -XEN_EACCES);
	CHECK_EQ(hypercall(dom0->vcpu[0], __HYPERVISOR_sysctl, dom0->bank[0].base + dom0->ram_size, 0, 0),
		 -XEN_EFAULT);
	CHECK_EQ(hypercall(dom0->vcpu[0], __HYPERVISOR_sysctl,
			   dom0->bank[0].base + FAKE_PV_RAM_PAGES * PAGE_SIZE - 64, 0, 0), -XEN_EFAULT);
}

TEST(commands_domus_does_not_have_are_enosys)
{
	struct domain *dom0 = fake_hardware_domain(1);
	/* pcitopoinfo among them: Xen 4.17 on Arm has no PCI support built in. */
	static const uint32_t cmds[] = { 0, 2, 5, 8, 9, XEN_SYSCTL_pcitopoinfo, 100, 0xffffffff };
	struct xen_sysctl op;

	for (unsigned i = 0; i < ARRAY_SIZE(cmds); i++) {
		op = op_for(cmds[i]);
		CHECK_EQ(sysctl(dom0->vcpu[0], &op), -XEN_ENOSYS);
		CHECK_EQ(op.u.pad[0], 0xa5);	/* nothing written back */
	}
}

static int64_t readconsole(struct vcpu *v, bool clear, bool incremental, uint32_t index,
			   uint32_t count, struct xen_sysctl *op)
{
	*op = op_for(XEN_SYSCTL_readconsole);
	op->u.readconsole = (struct xen_sysctl_readconsole){
		.clear = clear, .incremental = incremental, .index = index,
		.buffer = arg_gva(v->dom, BUF), .count = count };
	memset(arg_ptr(v->dom, BUF), 0, 4 * PAGE_SIZE);
	return sysctl(v, op);
}

/* What the last read wrote, as a string (the pages after the buffer stay zero). */
static const char *dmesg(struct domain *d)
{
	return arg_ptr(d, BUF);
}

TEST(readconsole_reads_incrementally_as_xl_dmesg_does)
{
	struct domain *dom0 = fake_hardware_domain(1);
	struct vcpu *v = dom0->vcpu[0];
	struct xen_sysctl op;
	uint32_t end;

	/* Read and forget everything so far. */
	REQUIRE(readconsole(v, true, false, 0, 4 * PAGE_SIZE, &op) == 0);
	end = op.u.readconsole.index;
	pr_info("hello from Domus\n");
	pr_info("and again\n");
	/* xl dmesg: clear 0, incremental 1, index 0, count 16384. */
	REQUIRE(readconsole(v, false, true, 0, CONSOLE_HISTORY_SIZE, &op) == 0);
	CHECK_STR(dmesg(dom0), "(domus) hello from Domus\n(domus) and again\n");
	CHECK_EQ(op.u.readconsole.count, 43);
	CHECK_EQ(op.u.readconsole.index, end + 43);
	CHECK_EQ(op.u.readconsole.buffer, arg_gva(dom0, BUF));
	/* Then from that index: nothing more, and the index stays. */
	REQUIRE(readconsole(v, false, true, end + 43, CONSOLE_HISTORY_SIZE, &op) == 0);
	CHECK_EQ(op.u.readconsole.count, 0);
	CHECK_EQ(op.u.readconsole.index, end + 43);
	CHECK_STR(dmesg(dom0), "");
	pr_info("new\n");
	REQUIRE(readconsole(v, false, true, end + 43, CONSOLE_HISTORY_SIZE, &op) == 0);
	CHECK_STR(dmesg(dom0), "(domus) new\n");
	/* A small buffer gets the oldest bytes. */
	REQUIRE(readconsole(v, false, false, 0, 8, &op) == 0);
	CHECK_STR(dmesg(dom0), "(domus) ");
	CHECK_EQ(op.u.readconsole.index, end + 8);
}

TEST(readconsole_clear_forgets_what_was_read)
{
	struct domain *dom0 = fake_hardware_domain(1);
	struct vcpu *v = dom0->vcpu[0];
	struct xen_sysctl op;

	REQUIRE(readconsole(v, true, false, 0, 4 * PAGE_SIZE, &op) == 0);
	pr_info("to be cleared\n");
	REQUIRE(readconsole(v, true, false, 0, 4 * PAGE_SIZE, &op) == 0);
	CHECK_STR(dmesg(dom0), "(domus) to be cleared\n");
	REQUIRE(readconsole(v, false, false, 0, 4 * PAGE_SIZE, &op) == 0);
	CHECK_EQ(op.u.readconsole.count, 0);
	/* A buffer it cannot write: EFAULT, and nothing is forgotten. */
	pr_info("kept\n");
	op = op_for(XEN_SYSCTL_readconsole);
	op.u.readconsole = (struct xen_sysctl_readconsole){
		.clear = 1, .buffer = dom0->bank[0].base + FAKE_PV_RAM_PAGES * PAGE_SIZE, .count = 100 };
	CHECK_EQ(sysctl(v, &op), -XEN_EFAULT);
	CHECK_EQ(op.u.readconsole.count, 100);		/* not written back */
	REQUIRE(readconsole(v, false, false, 0, 4 * PAGE_SIZE, &op) == 0);
	CHECK_STR(dmesg(dom0), "(domus) kept\n");
}

static unsigned count_of(const char *s, const char *what)
{
	unsigned n = 0;

	for (; (s = strstr(s, what)); s++)
		n++;
	return n;
}

/* xl debug-keys KEYS: the keys go through the console's key handler; xl dmesg shows the answer. */
static int64_t debug_keys(struct vcpu *v, const char *keys, uint64_t at)
{
	struct xen_sysctl op = op_for(XEN_SYSCTL_debug_keys);

	memcpy(arg_ptr(v->dom, BUF + 4 * PAGE_SIZE), keys, strlen(keys));
	op.u.debug_keys = (struct xen_sysctl_debug_keys){ at, (uint32_t)strlen(keys) };
	return sysctl(v, &op);
}

TEST(debug_keys_are_answered_in_the_console_as_typed_ones)
{
	struct domain *dom0 = fake_hardware_domain(1);
	struct vcpu *v = dom0->vcpu[0];
	uint64_t keys = arg_gva(dom0, BUF + 4 * PAGE_SIZE);
	struct xen_sysctl op;

	REQUIRE(readconsole(v, true, false, 0, 4 * PAGE_SIZE, &op) == 0);
	CHECK_EQ(debug_keys(v, "~m", keys), 0);		/* '~' has no handler: ignored */
	REQUIRE(readconsole(v, true, false, 0, 4 * PAGE_SIZE, &op) == 0);
	CHECK_EQ(strncmp(dmesg(dom0), "(domus) free: ", 14), 0);
	CHECK_EQ(count_of(dmesg(dom0), "free: "), 1);
	CHECK_EQ(debug_keys(v, "", keys), 0);
	CHECK_EQ(debug_keys(v, "m", dom0->bank[0].base + dom0->ram_size), -XEN_EFAULT);
	REQUIRE(readconsole(v, true, false, 0, 4 * PAGE_SIZE, &op) == 0);
	CHECK_STR(dmesg(dom0), "");
}

TEST(debug_key_r_lists_each_cpus_run_queue)
{
	struct domain *dom0 = fake_hardware_domain(1), *d = fake_pv_domain(2);
	struct vcpu *v = dom0->vcpu[0];
	struct xen_sysctl op;
	char line[64];

	REQUIRE(readconsole(v, true, false, 0, 4 * PAGE_SIZE, &op) == 0);
	CHECK_EQ(debug_keys(v, "r", arg_gva(dom0, BUF + 4 * PAGE_SIZE)), 0);
	REQUIRE(readconsole(v, true, false, 0, 4 * PAGE_SIZE, &op) == 0);
	CHECK(strstr(dmesg(dom0), "scheduler: ") != NULL);
	CHECK_EQ(count_of(dmesg(dom0), ": idle, idle "), nr_pcpus);	/* no CPU runs anything */
	for (unsigned i = 0; i < d->nr_vcpus; i++) {
		snprintf(line, sizeof(line), "  %s vCPU %u: ", d->name, i);
		CHECK_EQ(count_of(dmesg(dom0), line), 1);		/* each vCPU on one queue */
	}
}

TEST(many_debug_keys_go_on_in_continuations)
{
	struct domain *dom0 = fake_hardware_domain(1);
	struct vcpu *v = dom0->vcpu[0];
	struct xen_sysctl op;
	unsigned runs;

	REQUIRE(readconsole(v, true, false, 0, 4 * PAGE_SIZE, &op) == 0);
	fake_counter_step = 150;	/* every look at the clock: 150 us later */
	debug_keys(v, "mmmmmmmmmmmmmmmmmmmm", arg_gva(dom0, BUF + 4 * PAGE_SIZE));
	REQUIRE(v->arch.continued);
	runs = hypercall_finish(v);
	fake_counter_step = 0;
	CHECK(runs > 2);
	CHECK_EQ(v->arch.ret, 0);
	REQUIRE(readconsole(v, true, false, 0, 4 * PAGE_SIZE, &op) == 0);
	CHECK_EQ(count_of(dmesg(dom0), "free: "), 20);	/* each key once, none lost or repeated */
}

TEST(physinfo_describes_the_machine_as_xen_on_arm)
{
	struct domain *dom0 = fake_hardware_domain(1);
	struct xen_sysctl op = op_for(XEN_SYSCTL_physinfo);
	struct xen_sysctl_physinfo *pi = &op.u.physinfo;
	uint64_t start, end;

	REQUIRE(sysctl(dom0->vcpu[0], &op) == 0);
	page_alloc_span(&start, &end);
	CHECK_EQ(pi->threads_per_core, 1);
	CHECK_EQ(pi->cores_per_socket, 1);
	CHECK_EQ(pi->nr_cpus, 7);		/* fake_machine_reset(NR_CPUS - 1) */
	CHECK_EQ(pi->max_cpu_id, 6);
	CHECK_EQ(pi->nr_nodes, 1);
	CHECK_EQ(pi->max_node_id, 0);
	CHECK_EQ(pi->cpu_khz, FAKE_COUNTER_FREQ / 1000);
	CHECK_EQ(pi->capabilities, 0x109);	/* hvm | hap | gnttab_v1 */
	CHECK_EQ(pi->arch_capabilities, 0);
	CHECK_EQ(pi->pad, 0);
	CHECK_EQ(pi->total_pages, FAKE_MACHINE_RAM / PAGE_SIZE);
	CHECK_EQ(pi->free_pages, page_alloc_free_pages());
	CHECK_EQ(pi->scrub_pages, 0);
	CHECK_EQ(pi->outstanding_pages, 0);
	CHECK_EQ(end - start, FAKE_MACHINE_RAM);
	CHECK_EQ(pi->max_mfn, (end >> PAGE_SHIFT) - 1);
	for (unsigned i = 0; i < 8; i++)
		CHECK_EQ(pi->hw_cap[i], 0);
	/* An offline CPU is not counted. */
	pcpus[2].online = false;
	REQUIRE(sysctl(dom0->vcpu[0], &op) == 0);
	CHECK_EQ(pi->nr_cpus, 6);
	CHECK_EQ(pi->max_cpu_id, 6);
}

TEST(sched_id_names_the_running_scheduler)
{
	struct domain *dom0 = fake_hardware_domain(1);
	struct xen_sysctl op = op_for(XEN_SYSCTL_sched_id);

	REQUIRE(sysctl(dom0->vcpu[0], &op) == 0);
	CHECK_EQ(op.u.sched_id.sched_id, XEN_SCHEDULER_CREDIT);
	REQUIRE(sched_select("null", 30, 1000));
	op = op_for(XEN_SYSCTL_sched_id);
	CHECK_EQ(sysctl(dom0->vcpu[0], &op), 0);
	CHECK_EQ(op.u.sched_id.sched_id, XEN_SCHEDULER_NULL);
	sched_select("credit", 30, 1000);
}

static int64_t domain_list(struct vcpu *v, domid_t first, uint32_t max, struct xen_sysctl *op)
{
	*op = op_for(XEN_SYSCTL_getdomaininfolist);
	op->u.getdomaininfolist = (struct xen_sysctl_getdomaininfolist){
		.first_domain = first, .max_domains = max, .buffer = arg_gva(v->dom, BUF) };
	memset(arg_ptr(v->dom, BUF), 0xa5, PAGE_SIZE);
	return sysctl(v, op);
}

TEST(getdomaininfolist_gives_the_domains_in_id_order)
{
	struct domain *dom0 = fake_hardware_domain(1), *d2 = fake_pv_domain(2), *d3 = fake_domain(1);
	struct xen_domctl_getdomaininfo *info = arg_ptr(dom0, BUF), want;
	struct vcpu *v = dom0->vcpu[0];
	struct xen_sysctl op;

	REQUIRE(domain_list(v, 0, 10, &op) == 0);
	CHECK_EQ(op.u.getdomaininfolist.num_domains, 3);
	CHECK_EQ(info[0].domain, dom0->id);
	CHECK_EQ(info[1].domain, d2->id);
	CHECK_EQ(info[2].domain, d3->id);
	CHECK_EQ(*(uint8_t *)&info[3], 0xa5);	/* nothing beyond */
	/* Each entry is getdomaininfo's record. */
	domain_info(d2, &want);
	CHECK(!memcmp(&info[1], &want, sizeof(want)));
	CHECK_EQ(info[1].nr_online_vcpus, 1);
	CHECK_EQ(info[1].max_vcpu_id, 1);
	/* From an id on, at most so many. */
	REQUIRE(domain_list(v, (domid_t)d2->id, 1, &op) == 0);
	CHECK_EQ(op.u.getdomaininfolist.num_domains, 1);
	CHECK_EQ(info[0].domain, d2->id);
	CHECK_EQ(*(uint8_t *)&info[1], 0xa5);
	REQUIRE(domain_list(v, (domid_t)d3->id + 1, 10, &op) == 0);
	CHECK_EQ(op.u.getdomaininfolist.num_domains, 0);
	REQUIRE(domain_list(v, 0, 0, &op) == 0);
	CHECK_EQ(op.u.getdomaininfolist.num_domains, 0);
	/* A buffer it cannot write. */
	op = op_for(XEN_SYSCTL_getdomaininfolist);
	op.u.getdomaininfolist = (struct xen_sysctl_getdomaininfolist){
		.max_domains = 10, .buffer = dom0->bank[0].base + FAKE_PV_RAM_PAGES * PAGE_SIZE - 100 };
	CHECK_EQ(sysctl(v, &op), -XEN_EFAULT);
	for (unsigned id = 1; id <= 3; id++)
		CHECK_EQ(domain_by_id(id)->refs, 0);
}

static int64_t cputopoinfo(struct vcpu *v, uint32_t num, bool buffer, struct xen_sysctl *op)
{
	*op = op_for(XEN_SYSCTL_cputopoinfo);
	op->u.cputopoinfo = (struct xen_sysctl_cputopoinfo){
		.num_cpus = num, .cputopo = buffer ? arg_gva(v->dom, BUF) : 0 };
	memset(arg_ptr(v->dom, BUF), 0xa5, PAGE_SIZE);
	return sysctl(v, op);
}

TEST(cputopoinfo_sizes_then_fills)
{
	struct domain *dom0 = fake_hardware_domain(1);
	struct xen_sysctl_cputopo *topo = arg_ptr(dom0, BUF);
	struct vcpu *v = dom0->vcpu[0];
	struct xen_sysctl op;

	/* A NULL buffer asks how many. */
	REQUIRE(cputopoinfo(v, 0, false, &op) == 0);
	CHECK_EQ(op.u.cputopoinfo.num_cpus, 7);
	REQUIRE(cputopoinfo(v, 100, false, &op) == 0);
	CHECK_EQ(op.u.cputopoinfo.num_cpus, 7);
	/* Room for 7: core, socket and node 0 each. */
	REQUIRE(cputopoinfo(v, 7, true, &op) == 0);
	CHECK_EQ(op.u.cputopoinfo.num_cpus, 7);
	for (unsigned i = 0; i < 7; i++)
		CHECK_EQ(topo[i].core | topo[i].socket | topo[i].node, 0);
	CHECK_EQ(topo[7].core, 0xa5a5a5a5);
	/* Less room: that many, and num_cpus says how many were written (Xen's code). */
	REQUIRE(cputopoinfo(v, 3, true, &op) == 0);
	CHECK_EQ(op.u.cputopoinfo.num_cpus, 3);
	CHECK_EQ(topo[2].node, 0);
	CHECK_EQ(topo[3].core, 0xa5a5a5a5);
	REQUIRE(cputopoinfo(v, 0, true, &op) == 0);
	CHECK_EQ(op.u.cputopoinfo.num_cpus, 0);
	CHECK_EQ(topo[0].core, 0xa5a5a5a5);
	/* More room than CPUs. */
	REQUIRE(cputopoinfo(v, 100, true, &op) == 0);
	CHECK_EQ(op.u.cputopoinfo.num_cpus, 7);
	CHECK_EQ(topo[7].core, 0xa5a5a5a5);
}

static int64_t numainfo(struct vcpu *v, uint32_t num, bool buffers, struct xen_sysctl *op)
{
	*op = op_for(XEN_SYSCTL_numainfo);
	op->u.numainfo = (struct xen_sysctl_numainfo){
		.num_nodes = num, .meminfo = buffers ? arg_gva(v->dom, BUF) : 0,
		.distance = buffers ? arg_gva(v->dom, BUF + 64) : 0 };
	memset(arg_ptr(v->dom, BUF), 0xa5, PAGE_SIZE);
	return sysctl(v, op);
}

TEST(numainfo_has_one_node_with_all_the_memory)
{
	struct domain *dom0 = fake_hardware_domain(1);
	struct xen_sysctl_meminfo *mem = arg_ptr(dom0, BUF);
	uint32_t *distance = arg_ptr(dom0, BUF + 64);
	struct vcpu *v = dom0->vcpu[0];
	struct xen_sysctl op;

	REQUIRE(numainfo(v, 0, false, &op) == 0);
	CHECK_EQ(op.u.numainfo.num_nodes, 1);
	REQUIRE(numainfo(v, 4, true, &op) == 0);
	CHECK_EQ(op.u.numainfo.num_nodes, 1);
	CHECK_EQ(mem[0].memsize, FAKE_MACHINE_RAM);
	CHECK_EQ(mem[0].memfree, page_alloc_free_pages() * PAGE_SIZE);
	CHECK_EQ(mem[1].memsize, 0xa5a5a5a5a5a5a5a5ull);
	CHECK_EQ(distance[0], 20);
	CHECK_EQ(distance[1], 0xa5a5a5a5);
	REQUIRE(numainfo(v, 0, true, &op) == 0);
	CHECK_EQ(op.u.numainfo.num_nodes, 0);
	CHECK_EQ(distance[0], 0xa5a5a5a5);
}

TEST(cpupool_info_gives_pool_0_every_cpu_and_domain_at_first)
{
	struct domain *dom0 = fake_hardware_domain(1);
	uint8_t *map = arg_ptr(dom0, BUF);
	struct vcpu *v = dom0->vcpu[0];
	struct xen_sysctl op;

	fake_pv_domain(1);
	REQUIRE(cpupool(v, XEN_SYSCTL_CPUPOOL_OP_INFO, 0, 16, &op) == 0);
	CHECK_EQ(op.u.cpupool_op.cpupool_id, 0);
	CHECK_EQ(op.u.cpupool_op.sched_id, XEN_SCHEDULER_CREDIT);
	CHECK_EQ(op.u.cpupool_op.n_dom, 2);
	CHECK_EQ(map[0], 0x7f);			/* its CPUs: every online one */
	CHECK_EQ(map[1], 0);
	CHECK_EQ(map[2], 0xa5);
	/* Past the last pool: ENOENT (which ends the toolstack's walk), nothing written back. */
	CHECK_EQ(cpupool(v, XEN_SYSCTL_CPUPOOL_OP_INFO, 1, 8, &op), -XEN_ENOENT);
	CHECK_EQ(op.u.cpupool_op.n_dom, 0xa5a5a5a5);
	CHECK_EQ(cpupool(v, XEN_SYSCTL_CPUPOOL_OP_INFO, 0xffffffff, 8, &op), -XEN_ENOENT);
	/* No CPU is free. */
	REQUIRE(cpupool(v, XEN_SYSCTL_CPUPOOL_OP_FREEINFO, 0, 8, &op) == 0);
	CHECK_EQ(map[0], 0);
	CHECK_EQ(cpupool(v, 8, 0, 8, &op), -XEN_ENOSYS);
}

static int64_t sched_global(struct vcpu *v, uint32_t pool, uint32_t sched_id, uint32_t cmd,
			    uint32_t tslice_ms, uint32_t ratelimit_us, struct xen_sysctl *op)
{
	*op = op_for(XEN_SYSCTL_scheduler_op);
	op->u.scheduler_op = (struct xen_sysctl_scheduler_op){
		.cpupool_id = pool, .sched_id = sched_id, .cmd = cmd,
		.u.sched_credit = { tslice_ms, ratelimit_us, 0 } };
	return sysctl(v, op);
}

TEST(scheduler_op_reads_and_sets_credits_time_slice_and_rate_limit)
{
	struct domain *dom0 = fake_hardware_domain(1);
	struct vcpu *v = dom0->vcpu[0];
	struct xen_sysctl op;
	struct xen_sysctl_credit_schedule *c = &op.u.scheduler_op.u.sched_credit;

	REQUIRE(sched_global(v, 0, XEN_SCHEDULER_CREDIT, XEN_SYSCTL_SCHEDOP_getinfo, 0, 0, &op) == 0);
	CHECK_EQ(c->tslice_ms, 30);
	CHECK_EQ(c->ratelimit_us, 1000);
	CHECK_EQ(c->vcpu_migr_delay_us, 0);
	CHECK_EQ(sched_global(v, 0, XEN_SCHEDULER_CREDIT, XEN_SYSCTL_SCHEDOP_putinfo, 10, 500, &op), 0);
	CHECK_EQ(c->tslice_ms, 10);
	CHECK_EQ(c->ratelimit_us, 500);
	CHECK_EQ(cpupool0.params.tslice, FAKE_COUNTER_FREQ / 100);
	CHECK_EQ(cpupool0.params.ratelimit, FAKE_COUNTER_FREQ / 2000);
	/* No rate limit at all is allowed. */
	CHECK_EQ(sched_global(v, 0, XEN_SCHEDULER_CREDIT, XEN_SYSCTL_SCHEDOP_putinfo, 1, 0, &op), 0);
	CHECK_EQ(cpupool0.params.ratelimit, 0);
	/* Out of Xen's bounds, or a rate limit longer than the slice: EINVAL, nothing changes. */
	CHECK_EQ(sched_global(v, 0, XEN_SCHEDULER_CREDIT, XEN_SYSCTL_SCHEDOP_putinfo, 0, 0, &op),
		 -XEN_EINVAL);
	CHECK_EQ(sched_global(v, 0, XEN_SCHEDULER_CREDIT, XEN_SYSCTL_SCHEDOP_putinfo, 1001, 0, &op),
		 -XEN_EINVAL);
	CHECK_EQ(sched_global(v, 0, XEN_SCHEDULER_CREDIT, XEN_SYSCTL_SCHEDOP_putinfo, 30, 99, &op),
		 -XEN_EINVAL);
	CHECK_EQ(sched_global(v, 0, XEN_SCHEDULER_CREDIT, XEN_SYSCTL_SCHEDOP_putinfo, 1, 1001, &op),
		 -XEN_EINVAL);
	CHECK_EQ(cpupool0.params.tslice_ms, 1);
	/* The wrong command, pool or scheduler. */
	CHECK_EQ(sched_global(v, 0, XEN_SCHEDULER_CREDIT, 2, 30, 1000, &op), -XEN_EINVAL);
	CHECK_EQ(sched_global(v, 1, XEN_SCHEDULER_CREDIT, XEN_SYSCTL_SCHEDOP_getinfo, 0, 0, &op),
		 -XEN_ESRCH);
	CHECK_EQ(sched_global(v, 0, XEN_SCHEDULER_CREDIT2, XEN_SYSCTL_SCHEDOP_getinfo, 0, 0, &op),
		 -XEN_EINVAL);
	/* The null scheduler: nothing to read or set. */
	REQUIRE(sched_select("null", 30, 1000));
	CHECK_EQ(sched_global(v, 0, XEN_SCHEDULER_NULL, XEN_SYSCTL_SCHEDOP_getinfo, 7, 7, &op), 0);
	CHECK_EQ(c->tslice_ms, 7);
	sched_select("credit", 30, 1000);
}
