/*
 * Event channels (event_channel_op), Xen's 2-level ABI, against
 * docs/guest-abi-arm64.md §3.3-3.4 and Xen 4.17's common/event_channel.c:
 * pending/mask bits in shared_info, the selector and upcall flag in
 * vcpu_info, and the upcall interrupt on the port's vCPU (the fake port's flag).
 */
#include "../unit.h"
#include <xen/pv.h>
#include <asm/guest_abi.h>
#include <public/errno.h>
#include <domus/arch.h>

#define ARG_PAGE 0		/* hypercall arguments live in guest RAM page 0 */

static int64_t evop(struct vcpu *v, unsigned cmd, void *arg, size_t size)
{
	struct domain *d = v->dom;
	uint64_t gva = d->bank[0].base + ARG_PAGE * PAGE_SIZE;
	void *g = guest_ptr(d, gva);
	int64_t ret;

	memcpy(g, arg, size);
	ret = do_event_channel_op(v, cmd, gva);
	memcpy(arg, g, size);
	return ret;
}

static int64_t alloc_unbound(struct domain *d, domid_t dom, domid_t remote, uint32_t *port)
{
	struct evtchn_alloc_unbound a = { .dom = dom, .remote_dom = remote, .port = 0xdead };
	int64_t r = evop(d->vcpu[0], EVTCHNOP_alloc_unbound, &a, sizeof(a));

	if (port)
		*port = a.port;
	return r;
}

static int64_t bind_interdomain(struct domain *d, domid_t remote, uint32_t rport, uint32_t *port)
{
	struct evtchn_bind_interdomain b = { .remote_dom = remote, .remote_port = rport,
					     .local_port = 0xdead };
	int64_t r = evop(d->vcpu[0], EVTCHNOP_bind_interdomain, &b, sizeof(b));

	if (port)
		*port = b.local_port;
	return r;
}

static int64_t port_op(struct domain *d, unsigned cmd, uint32_t port)
{
	struct evtchn_port_op p = { .port = port };

	return evop(d->vcpu[0], cmd, &p, sizeof(p));
}

static int64_t bind_virq(struct domain *d, uint32_t virq, uint32_t vcpu, uint32_t *port)
{
	struct evtchn_bind_virq b = { .virq = virq, .vcpu = vcpu, .port = 0xdead };
	int64_t r = evop(d->vcpu[0], EVTCHNOP_bind_virq, &b, sizeof(b));

	if (port)
		*port = b.port;
	return r;
}

static int64_t bind_vcpu(struct domain *d, uint32_t port, uint32_t vcpu)
{
	struct evtchn_bind_vcpu b = { .port = port, .vcpu = vcpu };

	return evop(d->vcpu[0], EVTCHNOP_bind_vcpu, &b, sizeof(b));
}

static struct evtchn_status status(struct domain *d, uint32_t port)
{
	struct evtchn_status s;

	memset(&s, 0xa5, sizeof(s));
	s.dom = DOMID_SELF;
	s.port = port;
	CHECK_EQ(evop(d->vcpu[0], EVTCHNOP_status, &s, sizeof(s)), 0);
	return s;
}

static struct shared_info *shinfo(struct domain *d)
{
	return pa_to_va(d->pv->shared_info_pa);
}

static struct vcpu_info *vinfo(struct domain *d, unsigned vcpu)
{
	return vcpu == 0 && !d->pv->vcpu_info_pa[0] ? &shinfo(d)->vcpu_info[0]
						    : pa_to_va(d->pv->vcpu_info_pa[vcpu]);
}

static bool is_pending(struct domain *d, uint32_t port)
{
	return shinfo(d)->evtchn_pending[port / 64] >> (port % 64) & 1;
}

static void set_mask(struct domain *d, uint32_t port, bool masked)
{
	if (masked)
		shinfo(d)->evtchn_mask[port / 64] |= 1ull << (port % 64);
	else
		shinfo(d)->evtchn_mask[port / 64] &= ~(1ull << (port % 64));
}

/* The upcall interrupt (evtchn_arch_upcall(); on the fake port a flag) is pending for v. */
static bool upcall_pending(struct vcpu *v)
{
	return v->arch.irq_pending;
}

/* What Linux's upcall handler does, and the interrupt controller acknowledging the upcall. */
static void consume(struct domain *d, unsigned vcpu)
{
	memset(shinfo(d)->evtchn_pending, 0, sizeof(shinfo(d)->evtchn_pending));
	vinfo(d, vcpu)->evtchn_upcall_pending = 0;
	vinfo(d, vcpu)->evtchn_pending_sel = 0;
	d->vcpu[vcpu]->arch.irq_pending = false;
}

/* Gives vCPU n a vcpu_info in guest page 1 + n, as VCPUOP_register_vcpu_info would. */
static void register_vcpu_info(struct domain *d, unsigned n)
{
	d->pv->vcpu_info_pa[n] = va_to_pa(guest_ptr(d, d->bank[0].base + (1 + n) * PAGE_SIZE));
}

/* Two PV domains, dom 1 and dom 2, each 2 vCPUs. */
static struct domain *d1, *d2;

static void setup(void)
{
	d1 = fake_pv_domain(2);
	d2 = fake_pv_domain(2);
	REQUIRE(d1->id == 1 && d2->id == 2);
}

TEST(alloc_unbound_reports_unbound_with_remote)
{
	uint32_t p, q;
	struct evtchn_status s;

	setup();
	CHECK_EQ(alloc_unbound(d2, DOMID_SELF, 1, &p), 0);
	CHECK(p != 0 && p < EVTCHN_MAX_PORTS && p != d2->pv->console_port);
	s = status(d2, p);
	CHECK_EQ(s.status, 1);			/* EVTCHNSTAT_unbound */
	CHECK_EQ(s.u.unbound.dom, 1);
	/* remote_dom = DOMID_SELF means the caller's own domain. */
	CHECK_EQ(alloc_unbound(d2, DOMID_SELF, DOMID_SELF, &q), 0);
	CHECK(q != p);
	CHECK_EQ(status(d2, q).u.unbound.dom, 2);
	/* dom = our own id works like DOMID_SELF; another domain's needs privilege. */
	CHECK_EQ(alloc_unbound(d2, 2, 1, NULL), 0);
	CHECK_EQ(alloc_unbound(d2, 1, 2, NULL), -XEN_EPERM);
	/* A free port reads as closed. */
	CHECK_EQ(status(d2, 700).status, 0);
}

TEST(bind_interdomain_connects_both_ends_and_pends_the_local_port)
{
	uint32_t rp, lp;
	struct evtchn_status s;

	setup();
	REQUIRE(alloc_unbound(d2, DOMID_SELF, 1, &rp) == 0);
	CHECK_EQ(bind_interdomain(d1, 2, rp, &lp), 0);
	REQUIRE(lp && lp < EVTCHN_MAX_PORTS);
	s = status(d1, lp);
	CHECK_EQ(s.status, 2);			/* EVTCHNSTAT_interdomain */
	CHECK_EQ(s.u.interdomain.dom, 2);
	CHECK_EQ(s.u.interdomain.port, rp);
	s = status(d2, rp);
	CHECK_EQ(s.status, 2);
	CHECK_EQ(s.u.interdomain.dom, 1);
	CHECK_EQ(s.u.interdomain.port, lp);
	/* The local port is pending at once (still masked: no upcall). */
	CHECK(is_pending(d1, lp));
	CHECK(!is_pending(d2, rp));
	CHECK_EQ(vinfo(d1, 0)->evtchn_upcall_pending, 0);
	CHECK(!upcall_pending(d1->vcpu[0]));
}

TEST(send_delivers_to_the_peer_and_raises_the_ppi_on_0_to_1)
{
	uint32_t rp, lp;
	struct vcpu *v = NULL;

	setup();
	v = d2->vcpu[0];
	REQUIRE(alloc_unbound(d2, DOMID_SELF, 1, &rp) == 0);
	REQUIRE(bind_interdomain(d1, 2, rp, &lp) == 0);
	set_mask(d2, rp, false);
	CHECK(!upcall_pending(v));

	CHECK_EQ(port_op(d1, EVTCHNOP_send, lp), 0);
	CHECK(is_pending(d2, rp));
	CHECK_EQ(vinfo(d2, 0)->evtchn_pending_sel, 1ull << (rp / 64));
	CHECK_EQ(vinfo(d2, 0)->evtchn_upcall_pending, 1);
	CHECK(upcall_pending(v));
	CHECK(!upcall_pending(d2->vcpu[1]));
	CHECK(!upcall_pending(d1->vcpu[0]));	/* the sender is not notified */

	/* The guest took the port and selector but has not cleared upcall_pending: no new upcall. */
	v->arch.irq_pending = false;
	shinfo(d2)->evtchn_pending[rp / 64] = 0;
	vinfo(d2, 0)->evtchn_pending_sel = 0;
	CHECK_EQ(port_op(d1, EVTCHNOP_send, lp), 0);
	CHECK(is_pending(d2, rp));
	CHECK_EQ(vinfo(d2, 0)->evtchn_pending_sel, 1ull << (rp / 64));
	CHECK(!upcall_pending(v));

	/* Still pending: a second send changes nothing. */
	vinfo(d2, 0)->evtchn_pending_sel = 0;
	vinfo(d2, 0)->evtchn_upcall_pending = 0;
	CHECK_EQ(port_op(d1, EVTCHNOP_send, lp), 0);
	CHECK_EQ(vinfo(d2, 0)->evtchn_pending_sel, 0);
	CHECK_EQ(vinfo(d2, 0)->evtchn_upcall_pending, 0);
	CHECK(!upcall_pending(v));

	/* Selector bit already set: the upcall is already on its way. */
	consume(d2, 0);
	vinfo(d2, 0)->evtchn_pending_sel = 1ull << (rp / 64);
	CHECK_EQ(port_op(d1, EVTCHNOP_send, lp), 0);
	CHECK(is_pending(d2, rp));
	CHECK_EQ(vinfo(d2, 0)->evtchn_upcall_pending, 0);
	CHECK(!upcall_pending(v));

	/* Everything consumed: the next send is a fresh 0->1. */
	consume(d2, 0);
	CHECK_EQ(port_op(d1, EVTCHNOP_send, lp), 0);
	CHECK_EQ(vinfo(d2, 0)->evtchn_upcall_pending, 1);
	CHECK(upcall_pending(v));

	/* And the other way round. */
	consume(d1, 0);
	set_mask(d1, lp, false);
	CHECK_EQ(port_op(d2, EVTCHNOP_send, rp), 0);
	CHECK(is_pending(d1, lp));
	CHECK(upcall_pending(d1->vcpu[0]));
}

TEST(masked_port_pends_without_upcall_until_unmasked)
{
	uint32_t rp, lp;

	setup();
	REQUIRE(alloc_unbound(d2, DOMID_SELF, 1, &rp) == 0);
	REQUIRE(bind_interdomain(d1, 2, rp, &lp) == 0);
	set_mask(d2, rp, true);
	CHECK_EQ(port_op(d1, EVTCHNOP_send, lp), 0);
	CHECK(is_pending(d2, rp));
	CHECK_EQ(vinfo(d2, 0)->evtchn_pending_sel, 0);
	CHECK_EQ(vinfo(d2, 0)->evtchn_upcall_pending, 0);
	CHECK(!upcall_pending(d2->vcpu[0]));

	CHECK_EQ(port_op(d2, EVTCHNOP_unmask, rp), 0);
	CHECK(!(shinfo(d2)->evtchn_mask[rp / 64] >> (rp % 64) & 1));
	CHECK_EQ(vinfo(d2, 0)->evtchn_pending_sel, 1ull << (rp / 64));
	CHECK_EQ(vinfo(d2, 0)->evtchn_upcall_pending, 1);
	CHECK(upcall_pending(d2->vcpu[0]));

	/* Unmasking a port that is not pending notifies nobody. */
	consume(d2, 0);
	set_mask(d2, rp, true);
	CHECK_EQ(port_op(d2, EVTCHNOP_unmask, rp), 0);
	CHECK_EQ(vinfo(d2, 0)->evtchn_upcall_pending, 0);
	CHECK(!upcall_pending(d2->vcpu[0]));
	/* Invalid ports. */
	CHECK_EQ(port_op(d2, EVTCHNOP_unmask, 0), -XEN_EINVAL);
	CHECK_EQ(port_op(d2, EVTCHNOP_unmask, EVTCHN_MAX_PORTS), -XEN_EINVAL);
}

TEST(close_returns_the_peer_to_unbound)
{
	uint32_t rp, lp, lp2;
	struct evtchn_status s;

	setup();
	REQUIRE(alloc_unbound(d2, DOMID_SELF, 1, &rp) == 0);
	REQUIRE(bind_interdomain(d1, 2, rp, &lp) == 0);
	CHECK_EQ(port_op(d1, EVTCHNOP_close, lp), 0);
	CHECK_EQ(status(d1, lp).status, 0);	/* closed */
	s = status(d2, rp);
	CHECK_EQ(s.status, 1);
	CHECK_EQ(s.u.unbound.dom, 1);
	CHECK_EQ(port_op(d1, EVTCHNOP_close, lp), -XEN_EINVAL);	/* already closed */
	/* The peer's port can be bound again. */
	CHECK_EQ(bind_interdomain(d1, 2, rp, &lp2), 0);
	CHECK_EQ(status(d2, rp).u.interdomain.port, lp2);
	/* Closing from the other side works the same. */
	CHECK_EQ(port_op(d2, EVTCHNOP_close, rp), 0);
	s = status(d1, lp2);
	CHECK_EQ(s.status, 1);
	CHECK_EQ(s.u.unbound.dom, 2);
}

TEST(bind_interdomain_rejects_bad_ports)
{
	uint32_t rp, other, lp;

	setup();
	REQUIRE(alloc_unbound(d2, DOMID_SELF, 1, &rp) == 0);
	REQUIRE(alloc_unbound(d2, DOMID_SELF, 3, &other) == 0);	/* reserved for dom 3 */
	CHECK_EQ(bind_interdomain(d1, 2, other, NULL), -XEN_EINVAL);
	CHECK_EQ(bind_interdomain(d1, 2, 0, NULL), -XEN_EINVAL);
	CHECK_EQ(bind_interdomain(d1, 2, EVTCHN_MAX_PORTS, NULL), -XEN_EINVAL);
	CHECK_EQ(bind_interdomain(d1, 2, 0xffffffffu, NULL), -XEN_EINVAL);
	CHECK_EQ(bind_interdomain(d1, 2, 900, NULL), -XEN_EINVAL);	/* closed */
	CHECK_EQ(bind_interdomain(d1, 2, d2->pv->console_port, NULL), -XEN_EINVAL);
	/* Bound already: not unbound any more. */
	REQUIRE(bind_interdomain(d1, 2, rp, &lp) == 0);
	CHECK_EQ(bind_interdomain(d1, 2, rp, NULL), -XEN_EINVAL);
	/* No such domain. */
	CHECK_EQ(bind_interdomain(d1, 5, rp, NULL), -XEN_ESRCH);
	/* Failed binds allocated nothing. */
	for (uint32_t p = 1; p < 16; p++)
		CHECK(p == lp || p == d1->pv->console_port || status(d1, p).status == 0);
}

TEST(loopback_bind_within_one_domain)
{
	uint32_t a, b;

	setup();
	REQUIRE(alloc_unbound(d1, DOMID_SELF, DOMID_SELF, &a) == 0);
	CHECK_EQ(bind_interdomain(d1, DOMID_SELF, a, &b), 0);
	CHECK(a != b);
	CHECK_EQ(status(d1, a).u.interdomain.port, b);
	CHECK_EQ(status(d1, b).u.interdomain.port, a);
	consume(d1, 0);
	CHECK_EQ(port_op(d1, EVTCHNOP_send, b), 0);
	CHECK(is_pending(d1, a));
	CHECK(!is_pending(d1, b));
}

TEST(invalid_ports_and_ops)
{
	struct evtchn_status s = { .dom = DOMID_SELF, .port = EVTCHN_MAX_PORTS };
	uint8_t init_control[24] = { 0 };

	setup();
	CHECK_EQ(port_op(d1, EVTCHNOP_send, 0), -XEN_EINVAL);
	CHECK_EQ(port_op(d1, EVTCHNOP_send, EVTCHN_MAX_PORTS), -XEN_EINVAL);
	CHECK_EQ(port_op(d1, EVTCHNOP_send, 300), -XEN_EINVAL);	/* closed */
	CHECK_EQ(port_op(d1, EVTCHNOP_close, 0), -XEN_EINVAL);
	CHECK_EQ(port_op(d1, EVTCHNOP_close, EVTCHN_MAX_PORTS), -XEN_EINVAL);
	CHECK_EQ(evop(d1->vcpu[0], EVTCHNOP_status, &s, sizeof(s)), -XEN_EINVAL);
	CHECK_EQ(bind_vcpu(d1, 0, 0), -XEN_EINVAL);
	CHECK_EQ(bind_vcpu(d1, EVTCHN_MAX_PORTS, 0), -XEN_EINVAL);
	/* FIFO is not offered: Linux falls back to 2-level. */
	CHECK_EQ(evop(d1->vcpu[0], EVTCHNOP_init_control, init_control, sizeof(init_control)),
		 -XEN_ENOSYS);
	CHECK_EQ(evop(d1->vcpu[0], 2 /* bind_pirq */, init_control, 12), -XEN_ENOSYS);
	CHECK_EQ(evop(d1->vcpu[0], 12 /* expand_array */, init_control, 8), -XEN_ENOSYS);
	/* An argument outside guest RAM. */
	CHECK_EQ(do_event_channel_op(d1->vcpu[0], EVTCHNOP_send, 0x1000), -XEN_EFAULT);
}

TEST(ports_run_out)
{
	unsigned n = 0;
	uint32_t p;
	int64_t r;

	setup();
	while ((r = alloc_unbound(d1, DOMID_SELF, 2, &p)) == 0) {
		CHECK(p >= 1 && p < EVTCHN_MAX_PORTS);
		REQUIRE(++n < EVTCHN_MAX_PORTS);
	}
	CHECK_EQ(r, -XEN_ENOSPC);
	CHECK_EQ(n, EVTCHN_MAX_PORTS - 2);	/* ports 1..1023, one is the console's */
	CHECK_EQ(bind_virq(d1, VIRQ_TIMER, 0, NULL), -XEN_ENOSPC);
	CHECK_EQ(d1->pv->virq_port[0][VIRQ_TIMER], 0);
	REQUIRE(alloc_unbound(d2, DOMID_SELF, 1, &p) == 0);
	CHECK_EQ(bind_interdomain(d1, 2, p, NULL), -XEN_ENOSPC);
	CHECK_EQ(status(d2, p).status, 1);	/* the remote end is left alone */
	/* One port freed: one more fits. */
	CHECK_EQ(port_op(d1, EVTCHNOP_close, 500), 0);
	CHECK_EQ(alloc_unbound(d1, DOMID_SELF, 2, &p), 0);
	CHECK_EQ(p, 500);
}

TEST(bind_virq)
{
	uint32_t p, q;
	struct evtchn_status s;

	setup();
	CHECK_EQ(bind_virq(d1, VIRQ_TIMER, 1, &p), 0);
	s = status(d1, p);
	CHECK_EQ(s.status, 4);			/* EVTCHNSTAT_virq */
	CHECK_EQ(s.u.virq, VIRQ_TIMER);
	CHECK_EQ(s.vcpu, 1);
	CHECK_EQ(bind_virq(d1, VIRQ_TIMER, 1, NULL), -XEN_EEXIST);
	CHECK_EQ(bind_virq(d1, VIRQ_TIMER, 0, &q), 0);	/* per vCPU */
	CHECK(q != p);
	CHECK_EQ(bind_virq(d1, VIRQ_TIMER, 2, NULL), -XEN_ENOENT);
	CHECK_EQ(bind_virq(d1, VIRQ_TIMER, 0xffffffffu, NULL), -XEN_ENOENT);
	CHECK_EQ(bind_virq(d1, NR_VIRQS, 0, NULL), -XEN_EINVAL);
	CHECK_EQ(bind_virq(d1, 0xffffffffu, 0, NULL), -XEN_EINVAL);
	/* Global VIRQs are bound on vCPU 0 only. */
	CHECK_EQ(bind_virq(d1, VIRQ_DOM_EXC, 1, NULL), -XEN_EINVAL);
	CHECK_EQ(bind_virq(d1, VIRQ_DOM_EXC, 0, NULL), 0);

	/* Raising it notifies the vCPU it is bound to. */
	register_vcpu_info(d1, 1);
	set_mask(d1, p, false);
	evtchn_raise_virq(d1->vcpu[1], VIRQ_TIMER);
	CHECK(is_pending(d1, p));
	CHECK_EQ(vinfo(d1, 1)->evtchn_upcall_pending, 1);
	CHECK(upcall_pending(d1->vcpu[1]));
	CHECK(!upcall_pending(d1->vcpu[0]));
	/* Closed: it can be bound again. */
	CHECK_EQ(port_op(d1, EVTCHNOP_close, p), 0);
	CHECK_EQ(bind_virq(d1, VIRQ_TIMER, 1, NULL), 0);
}

TEST(bind_vcpu_moves_notifications)
{
	uint32_t rp, lp, timer;

	setup();
	register_vcpu_info(d2, 1);
	REQUIRE(alloc_unbound(d2, DOMID_SELF, 1, &rp) == 0);
	REQUIRE(bind_interdomain(d1, 2, rp, &lp) == 0);
	set_mask(d2, rp, false);
	CHECK_EQ(bind_vcpu(d2, rp, 1), 0);
	CHECK_EQ(status(d2, rp).vcpu, 1);
	CHECK_EQ(port_op(d1, EVTCHNOP_send, lp), 0);
	CHECK(is_pending(d2, rp));
	CHECK_EQ(vinfo(d2, 1)->evtchn_pending_sel, 1ull << (rp / 64));
	CHECK_EQ(vinfo(d2, 1)->evtchn_upcall_pending, 1);
	CHECK(upcall_pending(d2->vcpu[1]));
	CHECK_EQ(vinfo(d2, 0)->evtchn_upcall_pending, 0);
	CHECK_EQ(vinfo(d2, 0)->evtchn_pending_sel, 0);
	CHECK(!upcall_pending(d2->vcpu[0]));
	/* Back to vCPU 0. */
	consume(d2, 1);
	CHECK_EQ(bind_vcpu(d2, rp, 0), 0);
	CHECK_EQ(port_op(d1, EVTCHNOP_send, lp), 0);
	CHECK(upcall_pending(d2->vcpu[0]));
	CHECK(!upcall_pending(d2->vcpu[1]));

	CHECK_EQ(bind_vcpu(d2, rp, 2), -XEN_ENOENT);
	CHECK_EQ(bind_vcpu(d2, 600, 1), -XEN_EINVAL);	/* closed */
	/* A per-vCPU VIRQ stays where it is (Xen: -EINVAL). */
	REQUIRE(bind_virq(d2, VIRQ_TIMER, 0, &timer) == 0);
	CHECK_EQ(bind_vcpu(d2, timer, 1), -XEN_EINVAL);
	CHECK_EQ(status(d2, timer).vcpu, 0);
}

TEST(reset_closes_all_but_the_console)
{
	uint32_t rp, lp, u, v;
	struct evtchn_reset r = { .dom = DOMID_SELF };
	uint32_t con;

	setup();
	con = d1->pv->console_port;
	REQUIRE(alloc_unbound(d2, DOMID_SELF, 1, &rp) == 0);
	REQUIRE(bind_interdomain(d1, 2, rp, &lp) == 0);
	REQUIRE(alloc_unbound(d1, DOMID_SELF, 2, &u) == 0);
	REQUIRE(bind_virq(d1, VIRQ_TIMER, 0, &v) == 0);
	CHECK_EQ(evop(d1->vcpu[0], EVTCHNOP_reset, &r, sizeof(r)), 0);
	CHECK_EQ(status(d1, lp).status, 0);
	CHECK_EQ(status(d1, u).status, 0);
	CHECK_EQ(status(d1, v).status, 0);
	CHECK(status(d1, con).status != 0);
	CHECK_EQ(d1->pv->ports[con].to_domus, true);
	CHECK_EQ(status(d2, rp).status, 1);
	CHECK_EQ(status(d2, rp).u.unbound.dom, 1);
	CHECK_EQ(bind_virq(d1, VIRQ_TIMER, 0, NULL), 0);	/* the VIRQ is free again */
	r.dom = 2;
	CHECK_EQ(evop(d1->vcpu[0], EVTCHNOP_reset, &r, sizeof(r)), -XEN_EPERM);
}

TEST(console_port_belongs_to_domus)
{
	uint32_t con;
	struct xencons_interface *ring;
	size_t len;

	setup();
	con = d1->pv->console_port;
	REQUIRE(con);
	CHECK_EQ(d1->pv->params[HVM_PARAM_CONSOLE_EVTCHN], con);
	CHECK_EQ(port_op(d1, EVTCHNOP_close, con), -XEN_EINVAL);
	CHECK(status(d1, con).status != 0);
	/* Sending drains the ring to Domus's console and signals back. */
	ring = guest_ptr(d1, GUEST_MAGIC_BASE);
	REQUIRE(ring);
	memcpy(ring->out, "hvc0\n", 5);
	ring->out_prod = 5;
	set_mask(d1, con, false);
	CHECK_EQ(port_op(d1, EVTCHNOP_send, con), 0);
	CHECK_STR(guest_output(d1, &len), "hvc0\n");
	CHECK_EQ(ring->out_cons, 5);
	CHECK(is_pending(d1, con));
	CHECK(upcall_pending(d1->vcpu[0]));
}

/* One line in the console ring and a notification. */
static int64_t notify_line(struct domain *d, struct xencons_interface *ring, const char *line)
{
	for (size_t i = 0; line[i]; i++)
		ring->out[ring->out_prod++ % sizeof(ring->out)] = line[i];
	return port_op(d, EVTCHNOP_send, d->pv->console_port);
}

TEST(console_notifications_beyond_the_rate_wait_for_their_window)
{
	const unsigned per_window = CONSOLE_KICKS_PER_SEC / 50;
	struct xencons_interface *ring;
	uint64_t step = fake_counter_step;

	setup();
	ring = guest_ptr(d1, GUEST_MAGIC_BASE);
	REQUIRE(ring);
	fake_counter_step = 0;		/* time stands still unless the test moves it */
	for (unsigned i = 0; i < per_window; i++)
		CHECK_EQ(notify_line(d1, ring, "served\n"), 0);
	CHECK_EQ(ring->out_cons, ring->out_prod);
	/* One more in the same window: accepted, and the bytes wait in the ring. */
	CHECK_EQ(notify_line(d1, ring, "later\n"), 0);
	CHECK_EQ(ring->out_prod - ring->out_cons, 6);
	CHECK(!strstr(guest_output(d1, NULL), "later"));
	/* Any number more costs nothing and loses nothing; still nothing in this window. */
	for (unsigned i = 0; i < 1000; i++)
		CHECK_EQ(port_op(d1, EVTCHNOP_send, d1->pv->console_port), 0);
	CHECK(pv_console_deferred());
	CHECK(console_deadline() != 0);
	console_poll();
	CHECK(!strstr(guest_output(d1, NULL), "later"));
	/* The next window serves it, once. */
	fake_counter += FAKE_COUNTER_FREQ / 50;
	console_poll();
	CHECK(strstr(guest_output(d1, NULL), "later\n") != NULL);
	CHECK_EQ(ring->out_cons, ring->out_prod);
	CHECK(!pv_console_deferred());
	fake_counter_step = step;
}

TEST(a_domain_destroyed_with_a_notification_waiting_leaves_nothing_to_poll)
{
	struct xencons_interface *ring;
	uint64_t step = fake_counter_step;

	setup();
	ring = guest_ptr(d1, GUEST_MAGIC_BASE);
	REQUIRE(ring);
	fake_counter_step = 0;
	for (unsigned i = 0; i <= CONSOLE_KICKS_PER_SEC / 50; i++)
		notify_line(d1, ring, "x\n");
	CHECK(pv_console_deferred());
	domain_kill(d1);
	domain_reap();
	CHECK(!pv_console_deferred());
	fake_counter_step = step;
}

TEST(close_all_of_a_dying_domain_unbinds_its_peers)
{
	uint32_t rp, lp, rp2, lp2;

	setup();
	REQUIRE(alloc_unbound(d2, DOMID_SELF, 1, &rp) == 0);
	REQUIRE(bind_interdomain(d1, 2, rp, &lp) == 0);
	REQUIRE(alloc_unbound(d1, DOMID_SELF, 2, &lp2) == 0);
	REQUIRE(bind_interdomain(d2, 1, lp2, &rp2) == 0);
	domain_kill(d2);
	evtchn_close_all(d2);
	CHECK_EQ(status(d1, lp).status, 1);
	CHECK_EQ(status(d1, lp).u.unbound.dom, 2);
	CHECK_EQ(status(d1, lp2).status, 1);
	CHECK_EQ(status(d1, lp2).u.unbound.dom, 2);
	for (uint32_t p = 1; p < EVTCHN_MAX_PORTS; p++)
		CHECK_EQ(d2->pv->ports[p].state, 0);
	/* Sending on the now unbound port goes nowhere. */
	CHECK_EQ(port_op(d1, EVTCHNOP_send, lp), 0);
	CHECK(!is_pending(d2, rp));
	/* A dying domain cannot be bound to. */
	CHECK_EQ(bind_interdomain(d1, 2, rp, NULL), -XEN_ESRCH);
}
