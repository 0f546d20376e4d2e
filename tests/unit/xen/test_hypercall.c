/*
 * The hypercall table (xen/hypercall.c): which calls exist, who may make
 * them, how arguments reach the handlers, and multicall.
 */
#include "hypercall.h"
#include <domus/arch.h>
#include <public/errno.h>
#include <public/xen.h>
#include <domus/cmdline.h>

TEST(unknown_numbers_are_enosys)
{
	struct vcpu *v = fake_pv_domain(1)->vcpu[0];
	static const uint64_t numbers[] = {
		0, 1, 11, 14, 16, __HYPERVISOR_physdev_op, 37, NR_HYPERCALLS - 1, NR_HYPERCALLS,
		1ull << 40, ~0ull,
	};

	for (unsigned i = 0; i < ARRAY_SIZE(numbers); i++)
		CHECK_EQ(hypercall(v, numbers[i], 0, 0, 0), -XEN_ENOSYS);
}

TEST(a_domain_without_the_pv_interface_gets_enosys_for_everything)
{
	struct vcpu *v = fake_domain(1)->vcpu[0];

	for (uint64_t nr = 0; nr < NR_HYPERCALLS; nr++)
		CHECK_EQ(hypercall(v, nr, XENVER_version, 0, 0), -XEN_ENOSYS);
}

TEST(arguments_reach_the_handler_in_order)
{
	struct domain *d = fake_pv_domain(2);
	struct vcpu *v = d->vcpu[0];
	domid_t *self = arg_ptr(d, 0);
	char *text = arg_ptr(d, 64);

	/* One argument used. */
	CHECK_EQ(hypercall(v, __HYPERVISOR_xen_version, XENVER_version, 0, 0),
		 XEN_VERSION_MAJOR << 16 | XEN_VERSION_MINOR);
	CHECK_EQ(hypercall(v, __HYPERVISOR_xen_version, XENVER_pagesize, 0, 0), PAGE_SIZE);
	/* Two: a command and a pointer. */
	*self = DOMID_SELF;
	CHECK_EQ(hypercall(v, __HYPERVISOR_memory_op, XENMEM_current_reservation, arg_gva(d, 0), 0),
		 FAKE_PV_RAM_PAGES);
	/* Three: the vCPU id is the second argument of vcpu_op. */
	CHECK_EQ(hypercall(v, __HYPERVISOR_vcpu_op, VCPUOP_register_runstate_memory_area, 2,
			   arg_gva(d, 0)), -XEN_ENOENT);
	/* Three: console_io's count and buffer. */
	memcpy(text, "three args\n", 11);
	CHECK_EQ(hypercall(v, __HYPERVISOR_console_io, CONSOLEIO_write, 11, arg_gva(d, 64)), 0);
	CHECK_STR(guest_output(d, NULL), "three args\n");
	/* The result replaces what was there; nothing else is written. */
	CHECK_EQ(v->arch.regs[3], 0xbad0bad0bad0bad0ull);
}

TEST(a_domus_console_io_line_is_shown_only_at_guest_loglvl_debug)
{
	struct domain *d = fake_pv_domain(1);
	char *text = arg_ptr(d, 64);

	memcpy(text, "quiet\n", 6);
	console_set_guest_loglevel(LOG_WARN);		/* Xen's default: "none/warning" */
	CHECK_EQ(hypercall(d->vcpu[0], __HYPERVISOR_console_io, CONSOLEIO_write, 6,
			   arg_gva(d, 64)), 0);
	CHECK(!strstr(guest_output(d, NULL), "quiet"));
	console_set_guest_loglevel(LOG_DEBUG);		/* guest_loglvl=all */
	CHECK_EQ(hypercall(d->vcpu[0], __HYPERVISOR_console_io, CONSOLEIO_write, 6,
			   arg_gva(d, 64)), 0);
	CHECK_STR(guest_output(d, NULL), "quiet\n");
}

struct multicall_entry {
	uint64_t op;
	uint64_t result;
	uint64_t args[6];
};

TEST(multicall_runs_each_entry_and_reports_each_result)
{
	struct domain *d = fake_pv_domain(1);
	struct vcpu *v = d->vcpu[0];
	struct multicall_entry *calls = arg_ptr(d, 0);

	calls[0] = (struct multicall_entry){ __HYPERVISOR_xen_version, 0, { XENVER_version } };
	calls[1] = (struct multicall_entry){ 99, 0, { 0 } };
	calls[2] = (struct multicall_entry){ __HYPERVISOR_multicall, 0, { arg_gva(d, 0), 1 } };
	calls[3] = (struct multicall_entry){ __HYPERVISOR_xen_version, 0, { XENVER_pagesize } };
	CHECK_EQ(hypercall(v, __HYPERVISOR_multicall, arg_gva(d, 0), 4, 0), 0);
	CHECK_EQ(calls[0].result, XEN_VERSION_MAJOR << 16 | XEN_VERSION_MINOR);
	CHECK_EQ(calls[1].result, (uint64_t)-XEN_ENOSYS);
	CHECK_EQ(calls[2].result, (uint64_t)-XEN_EINVAL);	/* no multicall inside a multicall */
	CHECK_EQ(calls[3].result, PAGE_SIZE);
	/* The list itself must be readable. */
	CHECK_EQ(hypercall(v, __HYPERVISOR_multicall, d->bank[0].base + d->ram_size, 1, 0),
		 -XEN_EFAULT);
}

TEST(a_multicall_takes_any_number_of_entries)
{
	struct domain *d = fake_pv_domain(1);
	struct multicall_entry *calls = arg_ptr(d, 0);

	for (unsigned i = 0; i < 100; i++)
		calls[i] = (struct multicall_entry){ __HYPERVISOR_xen_version, 0, { XENVER_pagesize } };
	CHECK_EQ(hypercall(d->vcpu[0], __HYPERVISOR_multicall, arg_gva(d, 0), 100, 0), 0);
	CHECK(!d->vcpu[0]->arch.continued);
	CHECK_EQ(calls[99].result, PAGE_SIZE);
	CHECK_EQ(hypercall(d->vcpu[0], __HYPERVISOR_multicall, arg_gva(d, 0), 0, 0), 0);
}

/* ---- continuations: no hypercall keeps the CPU for long ---- */

/* Arguments at offset `at` of page 0 to give back pages first .. first + n - 1. */
static void decrease_args(struct domain *d, unsigned first, unsigned n, unsigned at)
{
	struct xen_memory_reservation *r = arg_ptr(d, at);
	uint64_t *gfns = arg_ptr(d, at + 64);

	for (unsigned i = 0; i < n; i++)
		gfns[i] = (d->bank[0].base >> PAGE_SHIFT) + first + i;
	*r = (struct xen_memory_reservation){ .extent_start = arg_gva(d, at + 64), .nr_extents = n,
					      .domid = DOMID_SELF };
}

TEST(a_long_reservation_goes_on_in_continuations)
{
	struct domain *d = fake_pv_domain(1);
	struct vcpu *v = d->vcpu[0];
	unsigned runs;

	decrease_args(d, 4, 10, 2048);
	fake_counter_step = 150;	/* every look at the clock: 150 us later */
	hypercall(v, __HYPERVISOR_memory_op, XENMEM_decrease_reservation, arg_gva(d, 2048), 0);
	REQUIRE(v->arch.continued);
	/* It resumes where it stopped: the extent is in the command's upper bits. */
	CHECK_EQ(v->arch.regs[0] & XENMEM_SUBOP_MASK, XENMEM_decrease_reservation);
	CHECK((v->arch.regs[0] >> XENMEM_EXTENT_SHIFT) > 0);
	CHECK((v->arch.regs[0] >> XENMEM_EXTENT_SHIFT) < 10);
	CHECK_EQ(v->arch.regs[1], arg_gva(d, 2048));
	runs = hypercall_finish(v);
	fake_counter_step = 0;
	CHECK(runs > 2);
	CHECK_EQ(v->arch.ret, 10);		/* all the extents, counted over every run */
	CHECK_EQ(d->ram_pages, FAKE_PV_RAM_PAGES - 10);
}

TEST(a_long_console_write_goes_on_in_continuations)
{
	struct domain *d = fake_pv_domain(1);
	struct vcpu *v = d->vcpu[0];
	char *text = arg_ptr(d, 0);
	unsigned runs;

	for (unsigned i = 0; i < 2000; i++)
		text[i] = i % 50 == 49 ? '\n' : 'a' + i % 26;
	fake_counter_step = 150;
	hypercall(v, __HYPERVISOR_console_io, CONSOLEIO_write, 2000, arg_gva(d, 0));
	REQUIRE(v->arch.continued);
	/* It resumes past what it printed: fewer bytes left, the buffer moved on as much. */
	CHECK(v->arch.regs[1] > 0 && v->arch.regs[1] < 2000);
	CHECK_EQ(v->arch.regs[2], arg_gva(d, 0) + 2000 - v->arch.regs[1]);
	runs = hypercall_finish(v);
	fake_counter_step = 0;
	CHECK(runs > 2);
	CHECK_EQ(v->arch.ret, 0);
	console_poll();			/* what the time-bounded flushes left */
	CHECK_EQ(strlen(guest_output(d, NULL)), 2000);
}

TEST(a_grant_batch_of_any_size_goes_on_in_continuations)
{
	struct domain *d = fake_pv_domain(1);
	struct vcpu *v = d->vcpu[0];
	struct gnttab_unmap_grant_ref *u = arg_ptr(d, 0);
	unsigned n = PAGE_SIZE / sizeof(*u), runs;

	for (unsigned i = 0; i < n; i++)
		u[i] = (struct gnttab_unmap_grant_ref){ .handle = 5000 + i, .status = 0x55 };
	fake_counter_step = 100;
	hypercall(v, __HYPERVISOR_grant_table_op, GNTTABOP_unmap_grant_ref, arg_gva(d, 0), n);
	REQUIRE(v->arch.continued);
	CHECK_EQ(v->arch.regs[0], GNTTABOP_unmap_grant_ref);
	CHECK(v->arch.regs[2] < n && v->arch.regs[2] > 0);
	CHECK_EQ(v->arch.regs[1], arg_gva(d, 0) + (n - v->arch.regs[2]) * sizeof(*u));
	runs = hypercall_finish(v);
	fake_counter_step = 0;
	CHECK(runs > 2);
	CHECK_EQ(v->arch.ret, 0);
	for (unsigned i = 0; i < n; i++)
		REQUIRE(u[i].status == GNTST_bad_handle);	/* each op done once, none skipped */
	/* Xen's limits on the count itself. */
	CHECK_EQ(hypercall(v, __HYPERVISOR_grant_table_op, GNTTABOP_unmap_grant_ref,
			   arg_gva(d, 0), 0x80000000u), -XEN_EINVAL);
	CHECK_EQ(hypercall(v, __HYPERVISOR_grant_table_op, GNTTABOP_query_size, arg_gva(d, 0), 2),
		 -XEN_EINVAL);
	CHECK_EQ(hypercall(v, __HYPERVISOR_grant_table_op, GNTTABOP_setup_table, arg_gva(d, 0), 0),
		 -XEN_EINVAL);
}

TEST(a_continued_call_inside_a_multicall_continues_the_multicall)
{
	struct domain *d = fake_pv_domain(1);
	struct vcpu *v = d->vcpu[0];
	struct multicall_entry *calls = arg_ptr(d, 0);

	for (unsigned i = 0; i < 3; i++) {
		decrease_args(d, 4 + 3 * i, 3, 1024 + i * 512);
		calls[i] = (struct multicall_entry){ __HYPERVISOR_memory_op, 0x55,
			{ XENMEM_decrease_reservation, arg_gva(d, 1024 + i * 512) } };
	}
	fake_counter_step = 200;
	hypercall(v, __HYPERVISOR_multicall, arg_gva(d, 0), 3, 0);
	REQUIRE(v->arch.continued);
	hypercall_finish(v);
	fake_counter_step = 0;
	CHECK_EQ(v->arch.ret, 0);
	for (unsigned i = 0; i < 3; i++)
		CHECK_EQ(calls[i].result, 3);
	CHECK_EQ(d->ram_pages, FAKE_PV_RAM_PAGES - 9);
}

TEST(the_command_line_and_build_id_are_for_the_control_domain_only)
{
	extern const uint8_t fake_build_id[20];
	struct domain *dom0 = fake_hardware_domain(1), *d = fake_pv_domain(1);
	struct vcpu *v0 = dom0->vcpu[0], *v = d->vcpu[0];
	char *line = arg_ptr(dom0, 0), *denied = arg_ptr(d, 0);
	uint32_t *len = arg_ptr(dom0, 2048);
	uint8_t *id = (uint8_t *)(len + 1);

	memset(line, 'x', 1024);
	CHECK_EQ(hypercall(v0, __HYPERVISOR_xen_version, XENVER_commandline, arg_gva(dom0, 0), 0), 0);
	CHECK_STR(line, hv_options()->text);
	CHECK_EQ(hypercall(v, __HYPERVISOR_xen_version, XENVER_commandline, arg_gva(d, 0), 0), 0);
	CHECK_STR(denied, "<denied>");
	/* A NULL buffer asks for the size; the id is copied only if it fits. */
	CHECK_EQ(hypercall(v0, __HYPERVISOR_xen_version, XENVER_build_id, 0, 0), 20);
	*len = 0;
	CHECK_EQ(hypercall(v0, __HYPERVISOR_xen_version, XENVER_build_id, arg_gva(dom0, 2048), 0),
		 -XEN_EINVAL);
	*len = 19;
	CHECK_EQ(hypercall(v0, __HYPERVISOR_xen_version, XENVER_build_id, arg_gva(dom0, 2048), 0),
		 -XEN_ENOBUFS);
	*len = 64;
	CHECK_EQ(hypercall(v0, __HYPERVISOR_xen_version, XENVER_build_id, arg_gva(dom0, 2048), 0),
		 20);
	CHECK(!memcmp(id, fake_build_id, 20));
	CHECK_EQ(hypercall(v, __HYPERVISOR_xen_version, XENVER_build_id, 0, 0), -XEN_EPERM);
}

TEST(guest_handle_is_the_uuid_the_toolstack_set)
{
	static const uint8_t uuid[16] = { 0x6d, 0x1e, 0x42, 0x07, 0x9a, 0x3c, 0x4b, 0x11,
					  0x8f, 0x20, 0xc5, 0x5a, 0x01, 0xee, 0x70, 0x33 };
	struct domain *d = fake_pv_domain(1);
	uint8_t *out = arg_ptr(d, 0);

	memset(out, 0xff, 16);
	CHECK_EQ(hypercall(d->vcpu[0], __HYPERVISOR_xen_version, XENVER_guest_handle,
			   arg_gva(d, 0), 0), 0);
	for (unsigned i = 0; i < 16; i++)
		CHECK_EQ(out[i], 0);
	memcpy(d->handle, uuid, sizeof(uuid));
	CHECK_EQ(hypercall(d->vcpu[0], __HYPERVISOR_xen_version, XENVER_guest_handle,
			   arg_gva(d, 0), 0), 0);
	CHECK(!memcmp(out, uuid, sizeof(uuid)));
}

TEST(platform_op_is_the_control_domains_with_xens_checks_in_order)
{
	struct domain *dom0 = fake_hardware_domain(1), *d = fake_pv_domain(1);
	struct xen_platform_op *op0 = arg_ptr(dom0, 0), *op = arg_ptr(d, 0);

	*op0 = (struct xen_platform_op){ .cmd = XENPF_settime64,
					 .interface_version = XENPF_INTERFACE_VERSION };
	op0->u.settime64.secs = 1796223488;
	CHECK_EQ(hypercall(dom0->vcpu[0], __HYPERVISOR_platform_op, arg_gva(dom0, 0), 0, 0), 0);
	op0->u.settime64.mbz = 1;
	CHECK_EQ(hypercall(dom0->vcpu[0], __HYPERVISOR_platform_op, arg_gva(dom0, 0), 0, 0),
		 -XEN_EINVAL);
	op0->cmd = 17;		/* settime32: x86 only */
	CHECK_EQ(hypercall(dom0->vcpu[0], __HYPERVISOR_platform_op, arg_gva(dom0, 0), 0, 0),
		 -XEN_ENOSYS);
	/* A DomU: the version first, then the privilege. */
	*op = (struct xen_platform_op){ .cmd = XENPF_settime64,
					 .interface_version = XENPF_INTERFACE_VERSION - 1 };
	CHECK_EQ(hypercall(d->vcpu[0], __HYPERVISOR_platform_op, arg_gva(d, 0), 0, 0), -XEN_EACCES);
	op->interface_version = XENPF_INTERFACE_VERSION;
	CHECK_EQ(hypercall(d->vcpu[0], __HYPERVISOR_platform_op, arg_gva(d, 0), 0, 0), -XEN_EPERM);
	CHECK_EQ(hypercall(d->vcpu[0], __HYPERVISOR_platform_op, d->bank[0].base + d->ram_size, 0, 0),
		 -XEN_EFAULT);
}

static int64_t hypfs(struct vcpu *v, uint64_t cmd, uint64_t path, uint64_t len)
{
	v->arch.regs[7] = __HYPERVISOR_hypfs_op;
	v->arch.regs[0] = cmd;
	v->arch.regs[1] = path;
	v->arch.regs[2] = len;
	v->arch.regs[3] = v->arch.regs[4] = 0;
	hypercall_dispatch(v);
	return v->arch.ret;
}

TEST(hypfs_is_the_control_domains_and_checks_the_path)
{
	struct domain *dom0 = fake_hardware_domain(1), *d = fake_pv_domain(1);
	struct vcpu *v = dom0->vcpu[0];
	char *path = arg_ptr(dom0, 0);

	CHECK_EQ(hypfs(d->vcpu[0], XEN_HYPFS_OP_get_version, 0, 0), -XEN_EPERM);
	CHECK_EQ(hypfs(v, XEN_HYPFS_OP_get_version, 0, 0), XEN_HYPFS_VERSION);
	CHECK_EQ(hypfs(v, XEN_HYPFS_OP_get_version, arg_gva(dom0, 0), 0), -XEN_EINVAL);
	memcpy(path, "/nosuchdir", 11);
	CHECK_EQ(hypfs(v, XEN_HYPFS_OP_read, arg_gva(dom0, 0), 11), -XEN_ENOENT);
	CHECK_EQ(hypfs(v, XEN_HYPFS_OP_read, arg_gva(dom0, 0), 10), -XEN_EINVAL);	/* no NUL */
	CHECK_EQ(hypfs(v, XEN_HYPFS_OP_read, arg_gva(dom0, 0), XEN_HYPFS_MAX_PATHLEN + 1),
		 -XEN_EINVAL);
	CHECK_EQ(hypfs(v, XEN_HYPFS_OP_read, dom0->bank[0].base + dom0->ram_size, 11), -XEN_EFAULT);
	CHECK_EQ(hypfs(d->vcpu[0], XEN_HYPFS_OP_read, arg_gva(d, 0), 11), -XEN_EPERM);
}
