/*
 * Xen hypercall dispatch: the one table mapping each hypercall number to its
 * handler.  Domains without Xen's PV interface (HVM-style guests) get -ENOSYS
 * for every call, as does any number not in the table.
 */
#include <xen/hypercall.h>
#include <domus/arch.h>
#include <domus/domain.h>
#include <xen/guest_access.h>
#include <xen/pv.h>
#include <xen/toolstack.h>
#include <public/errno.h>

/* A hypercall longer than this goes on in a continuation: others need the CPU. */
#define HYPERCALL_SLICE_US 500

static int64_t do_multicall(struct vcpu *v, uint64_t calls, uint64_t nr);

static uint64_t longest;	/* ticks: the longest any call (or continued part) kept a CPU */

/*
 * One row per hypercall: its name, its handler and how many arguments the
 * handler takes.  Each row becomes a stub that calls the handler through its
 * own type, and an entry of the table below.
 */
#define HYPERCALLS(X)                      \
	X(memory_op, do_memory_op, 2)             \
	X(multicall, do_multicall, 2)             \
	X(xen_version, do_xen_version, 2)         \
	X(console_io, do_console_io, 3)           \
	X(grant_table_op, do_grant_table_op, 3)   \
	X(vm_assist, do_vm_assist, 2)             \
	X(vcpu_op, do_vcpu_op, 3)                 \
	X(xsm_op, do_xsm_op, 1)                   \
	X(sched_op, do_sched_op, 2)               \
	X(event_channel_op, do_event_channel_op, 2) \
	X(hvm_op, do_hvm_op, 2)                   \
	X(sysctl, do_sysctl, 1)                   \
	X(domctl, do_domctl, 1)                   \
	X(platform_op, do_platform_op, 1)         \
	X(hypfs_op, do_hypfs_op, 5)

#define ARGS_1 a[0]
#define ARGS_2 ARGS_1, a[1]
#define ARGS_3 ARGS_2, a[2]
#define ARGS_5 ARGS_3, a[3], a[4]

typedef int64_t (*hypercall_stub)(struct vcpu *v, const uint64_t *a);

#define STUB(name, fn, nargs)                                              \
	static int64_t call_##name(struct vcpu *v, const uint64_t *a)      \
	{                                                                  \
		return fn(v, ARGS_##nargs);                                \
	}
HYPERCALLS(STUB)

#define ENTRY(name, fn, nargs) [__HYPERVISOR_##name] = call_##name,
static const hypercall_stub hypercalls[NR_HYPERCALLS] = { HYPERCALLS(ENTRY) };

#define NAME(name, fn, nargs) [__HYPERVISOR_##name] = #name,
static const char *const names[NR_HYPERCALLS] = { HYPERCALLS(NAME) };

const char *hypercall_name(uint64_t nr)
{
	return nr < NR_HYPERCALLS ? names[nr] : NULL;
}

static int64_t call(struct vcpu *v, uint64_t nr, uint64_t *a)
{
	if (!v->dom->pv || nr >= NR_HYPERCALLS || !hypercalls[nr])
		return -XEN_ENOSYS;
	v->hcall_args = a;
	return hypercalls[nr](v, a);
}

bool hypercall_preempt_check(const struct vcpu *v)
{
	return arch_counter() - v->hcall_start > arch_counter_freq() / 1000000 * HYPERCALL_SLICE_US;
}

int64_t hypercall_continue(struct vcpu *v, uint64_t a0, uint64_t a1, uint64_t a2)
{
	v->hcall_args[0] = a0;
	v->hcall_args[1] = a1;
	v->hcall_args[2] = a2;
	v->hcall_continue = true;
	return 0;
}

int64_t hypercall_target(const struct vcpu *v, domid_t domid)
{
	if (domid == DOMID_SELF || domid == v->dom->id)
		return 0;
	return domain_by_id(domid) ? -XEN_EPERM : -XEN_ESRCH;
}

struct domain *hypercall_domain(const struct vcpu *v, domid_t domid, int64_t *err)
{
	struct domain *d = domain_get(domid == DOMID_SELF ? v->dom->id : domid);

	*err = 0;
	if (!d)
		*err = -XEN_ESRCH;
	else if (d != v->dom && xsm_control(v->dom))
		*err = -XEN_EPERM;
	if (*err && d) {
		domain_put(d);
		d = NULL;
	}
	return d;
}

static void note_duration(uint64_t ticks)
{
	uint64_t seen = __atomic_load_n(&longest, __ATOMIC_RELAXED);

	while (ticks > seen && !__atomic_compare_exchange_n(&longest, &seen, ticks, false,
							    __ATOMIC_RELAXED, __ATOMIC_RELAXED))
		;
}

uint64_t hypercall_longest_us(void)
{
	return __atomic_load_n(&longest, __ATOMIC_RELAXED) * 1000000 / arch_counter_freq();
}

/*
 * The calls that can be long: they check hypercall_preempt_check() (a
 * multicall for its entries), write to the UART or walk every domain.
 * Only they are timed: a counter read costs as much as a short call.
 */
static const bool timed[NR_HYPERCALLS] = {
	[__HYPERVISOR_memory_op] = true,
	[__HYPERVISOR_multicall] = true,
	[__HYPERVISOR_grant_table_op] = true,
	[__HYPERVISOR_console_io] = true,
	[__HYPERVISOR_sysctl] = true,
	[__HYPERVISOR_domctl] = true,
};

void hypercall_dispatch(struct vcpu *v)
{
	uint64_t args[HYPERCALL_MAX_ARGS];
	uint64_t nr = hypercall_arch_args(v, args);
	bool time = nr < NR_HYPERCALLS && timed[nr];
	int64_t ret;

	if (!memory_keeps_unmapped(nr, args))
		memory_unmapped_release(v->dom);
	if (time)
		v->hcall_start = arch_counter();
	v->hcall_continue = false;
	ret = call(v, nr, args);
	if (time)
		note_duration(arch_counter() - v->hcall_start);
	if (v->hcall_continue)
		hypercall_arch_continue(v, args);
	else
		hypercall_arch_return(v, ret);
}

struct multicall_entry {
	uint64_t op;
	uint64_t result;
	uint64_t args[HYPERCALL_MAX_ARGS];
};

/*
 * Each entry in turn.  When time is up between entries, or an entry's call
 * is itself continued (its updated arguments are written back into the
 * entry), the multicall is continued from that entry.
 */
static int64_t do_multicall(struct vcpu *v, uint64_t calls, uint64_t nr)
{
	uint64_t *own = v->hcall_args;
	struct multicall_entry e;

	for (uint64_t i = 0; i < nr; i++) {
		uint64_t at = calls + i * sizeof(e);

		if (i && hypercall_preempt_check(v))
			return hypercall_continue(v, at, nr - i, 0);
		if (copy_from_guest(v, &e, at, sizeof(e)))
			return -XEN_EFAULT;
		/* A multicall inside a multicall is refused, as Xen does. */
		e.result = e.op == __HYPERVISOR_multicall ? (uint64_t)-XEN_EINVAL
							  : (uint64_t)call(v, e.op, e.args);
		v->hcall_args = own;
		if (v->hcall_continue) {
			v->hcall_continue = false;
			if (copy_to_guest(v, at, &e, sizeof(e)))
				return -XEN_EFAULT;
			return hypercall_continue(v, at, nr - i, 0);
		}
		if (copy_to_guest(v, at + offsetof(struct multicall_entry, result), &e.result,
				  sizeof(e.result)))
			return -XEN_EFAULT;
	}
	return 0;
}
