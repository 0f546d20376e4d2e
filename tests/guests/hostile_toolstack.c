/*
 * hostile_toolstack (domain 1; xen_heartbeat runs beside it as domain 2): a
 * DomU making the toolstack's hypercalls.  Xen's dummy XSM lets only the
 * hardware domain use sysctl and domctl: every command, naming itself or
 * the peer, is -EPERM; a domain that does not exist (no Dom0 here) may be
 * -ESRCH first (Xen looks it up before asking XSM); a wrong interface version is
 * -EACCES; xsm_op is -ENOSYS.  Then 20000 calls with random contents: none
 * may succeed.  The memory and parameter operations only the toolstack may
 * make on another domain (what init-dom0less and xl do through privcmd:
 * populate, claims, acquire_resource, HVM params, a port in it, its
 * remote shutdown) are -EPERM on the peer too.  The peer's heartbeat (its own PASS) shows nothing
 * happened to it: no pause, no destruction, no change of its scheduling.
 */
#include "guest.h"

#define HYP_platform_op 7
#define HYP_hypfs_op 42
#define HYP_xsm_op  27
#define HYP_sysctl  35
#define HYP_domctl  36
#define XEN_EACCES  13
#define IFACE       0x15		/* sysctl and domctl interface version of Xen 4.17 */

static u32 op[64] __attribute__((aligned(256)));	/* bigger than either struct */
static u64 seed = 0x2545f4914f6cdd1dUL;

static u64 rnd(void)
{
	seed ^= seed << 13;
	seed ^= seed >> 7;
	seed ^= seed << 17;
	return seed;
}

/* sysctl: cmd, version; domctl: cmd, version, domain (16 bits at offset 8). */
static s64 call(u64 nr, u32 cmd, u32 version, u32 domain)
{
	memset(op, 0, sizeof(op));
	op[0] = cmd;
	op[1] = version;
	op[2] = domain;
	return HYPERCALL1(nr, op);
}

#define PEER                   2
#define HYP_memory_op          12
#define HYP_hvm_op             34
#define XENMEM_acquire_resource 28
#define HVMOP_set_param        0
#define HVM_PARAM_STORE_PFN    1
#define MAGIC_GFN              (0x39000000UL >> 12)

struct acquire { u16 domid, type; u32 id, nr_frames, pad; u64 frame, frame_list; };

static u64 frames[4] __attribute__((aligned(64)));
static struct acquire acq __attribute__((aligned(64)));
static struct xen_hvm_param prm __attribute__((aligned(64)));
static u64 one_gfn __attribute__((aligned(64)));
static u16 peer_id __attribute__((aligned(64))) = PEER;
static struct xen_memory_reservation res __attribute__((aligned(64)));
#define XENMEM_claim_pages      24
#define SCHEDOP_remote_shutdown 4
struct evtchn_alloc_unbound_op { u16 dom, remote_dom; u32 port; };
struct remote_shutdown { u16 domid; u32 reason; };
static struct remote_shutdown rsd __attribute__((aligned(64)));
static struct evtchn_alloc_unbound_op au __attribute__((aligned(64)));

static s64 reservation(u64 cmd, u16 domid, u64 gfn)
{
	one_gfn = gfn;
	res = (struct xen_memory_reservation){ .extent_start = (u64)&one_gfn, .nr_extents = 1,
					       .domid = domid };
	return HYPERCALL2(HYP_memory_op, cmd, &res);
}

/* What the toolstack does to another domain's memory and set-up: not a DomU. */
static void foreign_memory_ops(void)
{
	u64 ram = 0x40000000UL >> 12;

	CHECK(reservation(XENMEM_populate_physmap, PEER, MAGIC_GFN + 1) == -XEN_EPERM,
	      "populate of the peer's store page");
	CHECK(reservation(XENMEM_populate_physmap, PEER, ram) == -XEN_EPERM, "populate for the peer");
	CHECK(reservation(XENMEM_decrease_reservation, PEER, ram + 5) == -XEN_EPERM,
	      "decrease of the peer's RAM");
	CHECK(reservation(XENMEM_populate_physmap, DOMID_SELF, MAGIC_GFN + 1) == 0,
	      "populate of its own magic page");
	CHECK(HYPERCALL2(HYP_memory_op, XENMEM_current_reservation, &peer_id) == -XEN_EPERM,
	      "the peer's reservation");
	res = (struct xen_memory_reservation){ .nr_extents = 1024, .domid = PEER };
	CHECK(HYPERCALL2(HYP_memory_op, XENMEM_claim_pages, &res) == -XEN_EPERM, "claim for the peer");
	res.domid = 1;
	CHECK(HYPERCALL2(HYP_memory_op, XENMEM_claim_pages, &res) == -XEN_EPERM, "claim for itself");
	res.domid = DOMID_SELF;		/* as Xen, claims name a domain by its id only */
	CHECK(HYPERCALL2(HYP_memory_op, XENMEM_claim_pages, &res) == -XEN_EINVAL, "claim for DOMID_SELF");
	rsd = (struct remote_shutdown){ PEER, 0 };
	CHECK(HYPERCALL2(HYP_sched_op, SCHEDOP_remote_shutdown, &rsd) == -XEN_EPERM,
	      "shut the peer down");
	au = (struct evtchn_alloc_unbound_op){ .dom = PEER, .remote_dom = DOMID_SELF };
	CHECK(HYPERCALL2(HYP_event_channel_op, EVTCHNOP_alloc_unbound, &au) == -XEN_EPERM,
	      "a port in the peer");
	acq = (struct acquire){ .domid = PEER, .type = 1, .nr_frames = 1, .frame_list = (u64)frames };
	frames[0] = 0x50000;
	CHECK(HYPERCALL2(HYP_memory_op, XENMEM_acquire_resource, &acq) == -XEN_EPERM,
	      "acquire_resource of the peer's grant table");
	acq = (struct acquire){ .domid = PEER, .type = 1 };
	CHECK(HYPERCALL2(HYP_memory_op, XENMEM_acquire_resource, &acq) == -XEN_EPERM,
	      "acquire_resource's size query");
	prm = (struct xen_hvm_param){ .domid = PEER, .index = HVM_PARAM_STORE_PFN, .value = 0x41000 };
	CHECK(HYPERCALL2(HYP_hvm_op, HVMOP_set_param, &prm) == -XEN_EPERM, "set the peer's store page");
	CHECK(HYPERCALL2(HYP_hvm_op, HVMOP_get_param, &prm) == -XEN_EPERM, "read the peer's params");
	prm.domid = DOMID_SELF;
	CHECK(HYPERCALL2(HYP_hvm_op, HVMOP_set_param, &prm) == -XEN_EPERM, "set its own store page");
	/* The machine's clock (XENPF_settime64 at XENPF_INTERFACE_VERSION) and hypfs. */
	memset(op, 0, sizeof(op));
	op[0] = 62;
	op[1] = 0x03000001;
	CHECK(HYPERCALL1(HYP_platform_op, op) == -XEN_EPERM, "platform_op settime64");
	CHECK(HYPERCALL1(HYP_hypfs_op, 0) == -XEN_EPERM, "hypfs_op get_version");
}

static bool refused(s64 r)
{
	return r == -XEN_EPERM || r == -XEN_EACCES || r == -XEN_ESRCH || r == -XEN_EINVAL;
}

void test_main(void)
{
	unsigned int accepted = 0;
	s64 r;

	/* Boot domains are built one after the other: the peer may not be there yet (-ESRCH). */
	if (!WAIT_UNTIL(r != -XEN_ESRCH, r = call(HYP_domctl, 0, IFACE, PEER), 10000, 1000))
		fail("the peer d%u never appeared", PEER);

	for (u32 cmd = 0; cmd < 128; cmd++) {
		r = call(HYP_sysctl, cmd, IFACE, 0);

		CHECK(r == -XEN_EPERM, "sysctl %u = %ld, want -EPERM", cmd, r);
		CHECK(call(HYP_sysctl, cmd, IFACE - 1, 0) == -XEN_EACCES, "sysctl %u, version 0x14", cmd);
		for (u32 dom = 1; dom < 3; dom++) {
			r = call(HYP_domctl, cmd, IFACE, dom);
			CHECK(r == -XEN_EPERM, "domctl %u on d%u = %ld, want -EPERM", cmd, dom, r);
		}
		for (u32 dom = 0; dom < 8; dom += 7) {
			r = call(HYP_domctl, cmd, IFACE, dom);
			CHECK(r == -XEN_EPERM || r == -XEN_ESRCH, "domctl %u on d%u = %ld", cmd, dom, r);
		}
		CHECK(call(HYP_domctl, cmd, 0x16, 2) == -XEN_EACCES, "domctl %u, version 0x16", cmd);
		CHECK(HYPERCALL2(HYP_xsm_op, cmd, op) == -XEN_ENOSYS, "xsm_op %u", cmd);
	}
	for (unsigned int i = 0; i < 20000; i++) {
		u64 nr = rnd() % 2 ? HYP_sysctl : HYP_domctl;
		s64 r;

		for (unsigned int w = 0; w < ARRAY_SIZE(op); w++)
			op[w] = (u32)rnd();
		op[0] %= 128;
		if (rnd() % 2)
			op[1] = IFACE;
		r = HYPERCALL1(nr, op);
		accepted += !refused(r);
		if (!refused(r) && accepted <= 5)
			info("%s %u: %ld", nr == HYP_sysctl ? "sysctl" : "domctl", op[0], r);
	}
	CHECK(!accepted, "%u of 20000 random calls were not refused", accepted);
	foreign_memory_ops();
}
