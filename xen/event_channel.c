/*
 * Event channels, Xen's 2-level ABI: ports 1..EVTCHN_MAX_PORTS-1, pending
 * and mask bits in shared_info, a selector bit and an upcall flag in each
 * vcpu_info, and the architecture's upcall interrupt.  FIFO is not offered (init_control answers
 * -ENOSYS, so Linux falls back to 2-level).
 */
#include <xen/pv.h>
#include <domus/arch.h>
#include <domus/domain.h>
#include <domus/sched.h>
#include <xen/guest_access.h>
#include <xen/hypercall.h>
#include <public/errno.h>

/* One lock for every domain's ports: binding and closing touch two domains at once. */
static spinlock_t evtchn_lock = SPINLOCK_INIT;

static struct shared_info *shinfo(struct domain *d)
{
	return pa_to_va(d->pv->shared_info_pa);
}

static struct vcpu_info *vcpu_info_of(struct domain *d, unsigned vcpu)
{
	if (d->pv->vcpu_info_pa[vcpu])
		return pa_to_va(d->pv->vcpu_info_pa[vcpu]);
	return vcpu == 0 ? &shinfo(d)->vcpu_info[0] : NULL;
}

static bool test_and_set(uint64_t *word, unsigned bit)
{
	return __atomic_fetch_or(word, 1ull << bit, __ATOMIC_SEQ_CST) & (1ull << bit);
}

/* Step 2 of delivery: tell the port's vCPU, unless it already knows. */
static void notify_vcpu(struct domain *d, uint32_t port)
{
	unsigned vcpu = d->pv->ports[port].vcpu;
	struct vcpu_info *vi = vcpu_info_of(d, vcpu);

	if (!vi || test_and_set(&vi->evtchn_pending_sel, port / 64))
		return;
	if (!__atomic_exchange_n(&vi->evtchn_upcall_pending, 1, __ATOMIC_SEQ_CST))
		evtchn_arch_upcall(d->vcpu[vcpu]);
}

void evtchn_set_pending(struct domain *d, uint32_t port)
{
	struct shared_info *si = shinfo(d);

	if (!port || port >= EVTCHN_MAX_PORTS)
		return;
	if (test_and_set(&si->evtchn_pending[port / 64], port % 64))
		return;
	/* Pollers wait on ports they keep masked: wake them whatever the mask says. */
	for (unsigned i = 0; i < d->nr_vcpus; i++)
		if (d->vcpu[i]->polling) {
			d->vcpu[i]->polling = false;
			vcpu_kick(d->vcpu[i]);
		}
	if (!(__atomic_load_n(&si->evtchn_mask[port / 64], __ATOMIC_SEQ_CST) & BIT(port % 64)))
		notify_vcpu(d, port);
}

void evtchn_raise_virq(struct vcpu *v, uint32_t virq)
{
	struct xen_pv *pv = v->dom->pv;

	if (pv && virq < NR_VIRQS && pv->virq_port[v->id][virq])
		evtchn_set_pending(v->dom, pv->virq_port[v->id][virq]);
}

/* A free port, or 0; with evtchn_lock held. */
static uint32_t alloc_port(struct xen_pv *pv)
{
	for (uint32_t p = 1; p < EVTCHN_MAX_PORTS; p++)
		if (pv->ports[p].state == EVTCHNSTAT_closed) {
			pv->ports[p] = (struct evtchn){ .state = EVTCHNSTAT_unbound };
			return p;
		}
	return 0;
}

/* A new unbound port of d's for `remote`, or for Domus itself; 0 if none is free. */
static uint32_t alloc_unbound_port(struct domain *d, domid_t remote, bool to_domus)
{
	uint32_t port;

	spin_lock(&evtchn_lock);
	port = alloc_port(d->pv);
	if (port) {
		d->pv->ports[port].remote_dom = remote;
		d->pv->ports[port].to_domus = to_domus;
	}
	spin_unlock(&evtchn_lock);
	return port;
}

int evtchn_alloc_for_domus(struct domain *d)
{
	return (int)alloc_unbound_port(d, 0, true);
}

int evtchn_alloc_unbound_for(struct domain *d, domid_t remote)
{
	return (int)alloc_unbound_port(d, remote, false);
}

static struct evtchn *valid_port(struct domain *d, uint32_t port)
{
	if (!port || port >= EVTCHN_MAX_PORTS || d->pv->ports[port].state == EVTCHNSTAT_closed)
		return NULL;
	return &d->pv->ports[port];
}

static domid_t resolve(const struct domain *d, domid_t dom)
{
	return dom == DOMID_SELF ? (domid_t)d->id : dom;
}

/* In the caller's domain, or (the toolstack) in another's; DOMID_SELF as remote is the caller. */
static int64_t alloc_unbound(struct vcpu *v, struct evtchn_alloc_unbound *a)
{
	int64_t ret;
	struct domain *d = hypercall_domain(v, a->dom, &ret);
	uint32_t port;

	if (!d)
		return ret;
	ret = -XEN_EINVAL;
	if (d->pv) {
		port = alloc_unbound_port(d, resolve(v->dom, a->remote_dom), false);
		ret = port ? 0 : -XEN_ENOSPC;
		a->port = port;
	}
	domain_put(d);
	return ret;
}

static int64_t bind_interdomain(struct domain *d, struct evtchn_bind_interdomain *b)
{
	struct domain *r = domain_get(resolve(d, b->remote_dom));
	struct evtchn *rp;
	uint32_t port;
	int64_t ret = 0;

	if (!r || !r->pv || r->state != DOMAIN_RUNNING) {
		if (r)
			domain_put(r);
		return -XEN_ESRCH;
	}
	spin_lock(&evtchn_lock);
	rp = b->remote_port < EVTCHN_MAX_PORTS ? &r->pv->ports[b->remote_port] : NULL;
	if (!b->remote_port || !rp || rp->state != EVTCHNSTAT_unbound || rp->to_domus ||
	    rp->remote_dom != d->id) {
		ret = -XEN_EINVAL;
	} else if (!(port = alloc_port(d->pv))) {
		ret = -XEN_ENOSPC;
	} else {
		d->pv->ports[port] = (struct evtchn){ .state = EVTCHNSTAT_interdomain,
						      .remote_dom = (domid_t)r->id,
						      .remote_port = b->remote_port };
		*rp = (struct evtchn){ .state = EVTCHNSTAT_interdomain, .vcpu = rp->vcpu,
				       .remote_dom = (domid_t)d->id, .remote_port = port };
		b->local_port = port;
	}
	spin_unlock(&evtchn_lock);
	domain_put(r);
	if (!ret)
		evtchn_set_pending(d, b->local_port);	/* as Xen: no early notification lost */
	return ret;
}

/* Xen's per-vCPU VIRQs; the others are global and live on vCPU 0. */
static bool virq_is_global(uint32_t virq)
{
	return virq != VIRQ_TIMER && virq != VIRQ_DEBUG && virq != 7 /* XENOPROF */ &&
	       virq != 13 /* XENPMU */;
}

static int64_t bind_virq(struct domain *d, struct evtchn_bind_virq *b)
{
	uint32_t port;

	if (b->virq >= NR_VIRQS || (virq_is_global(b->virq) && b->vcpu != 0))
		return -XEN_EINVAL;
	if (b->vcpu >= d->nr_vcpus)
		return -XEN_ENOENT;
	spin_lock(&evtchn_lock);
	if (d->pv->virq_port[b->vcpu][b->virq]) {
		spin_unlock(&evtchn_lock);
		return -XEN_EEXIST;
	}
	port = alloc_port(d->pv);
	if (port) {
		d->pv->ports[port] = (struct evtchn){ .state = EVTCHNSTAT_virq,
						      .vcpu = (uint8_t)b->vcpu, .virq = b->virq };
		d->pv->virq_port[b->vcpu][b->virq] = port;
	}
	spin_unlock(&evtchn_lock);
	if (!port)
		return -XEN_ENOSPC;
	b->port = port;
	return 0;
}

static int64_t bind_ipi(struct domain *d, struct evtchn_bind_ipi *b)
{
	uint32_t port;

	if (b->vcpu >= d->nr_vcpus)
		return -XEN_ENOENT;
	spin_lock(&evtchn_lock);
	port = alloc_port(d->pv);
	if (port)
		d->pv->ports[port] = (struct evtchn){ .state = EVTCHNSTAT_ipi,
						      .vcpu = (uint8_t)b->vcpu };
	spin_unlock(&evtchn_lock);
	if (!port)
		return -XEN_ENOSPC;
	b->port = port;
	return 0;
}

/* Closes a port (evtchn_lock held); an interdomain peer goes back to waiting for us. */
static void close_port(struct domain *d, uint32_t port)
{
	struct evtchn *e = &d->pv->ports[port];

	if (e->state == EVTCHNSTAT_interdomain) {
		struct domain *r = domain_get(e->remote_dom);
		if (r && r->pv) {
			r->pv->ports[e->remote_port].state = EVTCHNSTAT_unbound;
			r->pv->ports[e->remote_port].remote_dom = (domid_t)d->id;
		}
		if (r)
			domain_put(r);
	}
	if (e->state == EVTCHNSTAT_virq)
		d->pv->virq_port[e->vcpu][e->virq] = 0;
	*e = (struct evtchn){ .state = EVTCHNSTAT_closed };
}

void evtchn_close_all(struct domain *d)
{
	for (uint32_t p = 1; p < EVTCHN_MAX_PORTS; p++) {
		if (d->pv->ports[p].state == EVTCHNSTAT_closed)
			continue;
		spin_lock(&evtchn_lock);
		close_port(d, p);
		spin_unlock(&evtchn_lock);
	}
}

static int64_t send(struct domain *d, uint32_t port)
{
	struct evtchn e;

	spin_lock(&evtchn_lock);
	e = port < EVTCHN_MAX_PORTS ? d->pv->ports[port] : (struct evtchn){ 0 };
	spin_unlock(&evtchn_lock);
	if (!port || e.state == EVTCHNSTAT_closed)
		return -XEN_EINVAL;
	if (e.to_domus) {
		pv_console_notify(d);
	} else if (e.state == EVTCHNSTAT_interdomain) {
		struct domain *r = domain_get(e.remote_dom);
		if (r && r->pv && r->state == DOMAIN_RUNNING)
			evtchn_set_pending(r, e.remote_port);
		if (r)
			domain_put(r);
	} else if (e.state == EVTCHNSTAT_ipi) {
		evtchn_set_pending(d, port);
	}
	return 0;	/* sending on an unbound port is accepted and goes nowhere */
}

static int64_t unmask(struct domain *d, uint32_t port)
{
	struct shared_info *si = shinfo(d);
	uint64_t bit = BIT(port % 64);

	if (!valid_port(d, port))
		return -XEN_EINVAL;
	if ((__atomic_fetch_and(&si->evtchn_mask[port / 64], ~bit, __ATOMIC_SEQ_CST) & bit) &&
	    (__atomic_load_n(&si->evtchn_pending[port / 64], __ATOMIC_SEQ_CST) & bit))
		notify_vcpu(d, port);
	return 0;
}

static int64_t status(struct domain *d, struct evtchn_status *s)
{
	struct evtchn *e;

	if (resolve(d, s->dom) != d->id)
		return -XEN_EPERM;
	if (s->port >= EVTCHN_MAX_PORTS)
		return -XEN_EINVAL;
	e = &d->pv->ports[s->port];
	memset(&s->u, 0, sizeof(s->u));
	s->status = e->to_domus ? EVTCHNSTAT_unbound : e->state;
	s->vcpu = e->vcpu;
	if (e->state == EVTCHNSTAT_interdomain) {
		s->u.interdomain.dom = e->remote_dom;
		s->u.interdomain.port = e->remote_port;
	} else if (e->state == EVTCHNSTAT_virq) {
		s->u.virq = e->virq;
	} else if (e->state == EVTCHNSTAT_unbound) {
		s->u.unbound.dom = e->remote_dom;
	}
	return 0;
}

static int64_t bind_vcpu(struct domain *d, struct evtchn_bind_vcpu *b)
{
	struct evtchn *e;
	bool movable;

	if (b->vcpu >= d->nr_vcpus)
		return -XEN_ENOENT;
	spin_lock(&evtchn_lock);
	e = valid_port(d, b->port);
	/* As Xen: IPIs and per-vCPU VIRQs stay on their vCPU (-EINVAL). */
	movable = e && (e->state == EVTCHNSTAT_interdomain || e->state == EVTCHNSTAT_unbound ||
			(e->state == EVTCHNSTAT_virq && virq_is_global(e->virq)));
	if (movable)
		e->vcpu = (uint8_t)b->vcpu;
	spin_unlock(&evtchn_lock);
	return movable ? 0 : -XEN_EINVAL;
}

/* Argument sizes, by sub-op. */
static const uint8_t arg_size[] = {
	[EVTCHNOP_bind_interdomain] = sizeof(struct evtchn_bind_interdomain),
	[EVTCHNOP_bind_virq] = sizeof(struct evtchn_bind_virq),
	[EVTCHNOP_close] = sizeof(struct evtchn_port_op),
	[EVTCHNOP_send] = sizeof(struct evtchn_port_op),
	[EVTCHNOP_status] = sizeof(struct evtchn_status),
	[EVTCHNOP_alloc_unbound] = sizeof(struct evtchn_alloc_unbound),
	[EVTCHNOP_bind_ipi] = sizeof(struct evtchn_bind_ipi),
	[EVTCHNOP_bind_vcpu] = sizeof(struct evtchn_bind_vcpu),
	[EVTCHNOP_unmask] = sizeof(struct evtchn_port_op),
	[EVTCHNOP_reset] = sizeof(struct evtchn_reset),
};

int64_t do_event_channel_op(struct vcpu *v, uint64_t cmd, uint64_t arg)
{
	struct domain *d = v->dom;
	union {
		struct evtchn_bind_interdomain bi;
		struct evtchn_bind_virq bv;
		struct evtchn_port_op p;
		struct evtchn_status st;
		struct evtchn_alloc_unbound au;
		struct evtchn_bind_ipi ip;
		struct evtchn_bind_vcpu bc;
		struct evtchn_reset r;
	} a;
	int64_t ret;

	if (cmd >= ARRAY_SIZE(arg_size) || !arg_size[cmd])
		return -XEN_ENOSYS;	/* init_control (FIFO) included */
	if (copy_from_guest(v, &a, arg, arg_size[cmd]))
		return -XEN_EFAULT;
	switch (cmd) {
	case EVTCHNOP_bind_interdomain: ret = bind_interdomain(d, &a.bi); break;
	case EVTCHNOP_bind_virq: ret = bind_virq(d, &a.bv); break;
	case EVTCHNOP_close:
		if (!valid_port(d, a.p.port) || d->pv->ports[a.p.port].to_domus)
			return -XEN_EINVAL;
		spin_lock(&evtchn_lock);
		close_port(d, a.p.port);
		spin_unlock(&evtchn_lock);
		return 0;
	case EVTCHNOP_send: return send(d, a.p.port);
	case EVTCHNOP_status: ret = status(d, &a.st); break;
	case EVTCHNOP_alloc_unbound: ret = alloc_unbound(v, &a.au); break;
	case EVTCHNOP_bind_ipi: ret = bind_ipi(d, &a.ip); break;
	case EVTCHNOP_bind_vcpu: return bind_vcpu(d, &a.bc);
	case EVTCHNOP_unmask: return unmask(d, a.p.port);
	case EVTCHNOP_reset:
		if (resolve(d, a.r.dom) != d->id)
			return -XEN_EPERM;
		for (uint32_t p = 1; p < EVTCHN_MAX_PORTS; p++) {
			spin_lock(&evtchn_lock);
			if (d->pv->ports[p].state != EVTCHNSTAT_closed && !d->pv->ports[p].to_domus)
				close_port(d, p);
			spin_unlock(&evtchn_lock);
		}
		return 0;
	default:
		return -XEN_ENOSYS;
	}
	if (!ret && copy_to_guest(v, arg, &a, arg_size[cmd]))
		return -XEN_EFAULT;
	return ret;
}
