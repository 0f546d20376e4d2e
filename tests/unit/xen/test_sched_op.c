/* SCHEDOP_* (xen/sched_op.c): yield, block, poll, shutdown and shutdown_code. */
#include "hypercall.h"
#include <domus/boot_dt.h>
#include <asm/guest_abi.h>
#include <domus/arch.h>
#include <public/errno.h>
#include <public/xen.h>
#include <xen/pv.h>

static int64_t sched_op(struct vcpu *v, uint64_t cmd, uint64_t arg)
{
	return hypercall(v, __HYPERVISOR_sched_op, cmd, arg, 0);
}

static int64_t shutdown(struct vcpu *v, unsigned cmd, uint32_t reason)
{
	struct sched_shutdown *s = arg_ptr(v->dom, 0);

	s->reason = reason;
	return sched_op(v, cmd, arg_gva(v->dom, 0));
}

TEST(yield_and_unknown_commands)
{
	struct vcpu *v = fake_pv_domain(1)->vcpu[0];

	CHECK_EQ(sched_op(v, SCHEDOP_yield, 0), 0);
	CHECK(!v->blocked);
	CHECK_EQ(sched_op(v, 99, 0), -XEN_ENOSYS);
}

TEST(block_waits_unless_an_event_is_already_there)
{
	struct domain *d = fake_pv_domain(1);
	struct vcpu *v = d->vcpu[0];

	CHECK_EQ(sched_op(v, SCHEDOP_block, 0), 0);
	CHECK(v->blocked);
	v->blocked = false;
	v->arch.irq_pending = true;	/* an upcall not yet taken */
	CHECK_EQ(sched_op(v, SCHEDOP_block, 0), 0);
	CHECK(!v->blocked);
}

TEST(shutdown_by_reason)
{
	struct domain *a = fake_pv_domain(1), *b = fake_pv_domain(1), *c = fake_pv_domain(1);

	fake_config(b)->on_reboot = ACTION_PRESERVE;
	CHECK_EQ(shutdown(a->vcpu[0], SCHEDOP_shutdown, SHUTDOWN_poweroff), 0);
	CHECK_EQ(a->state, DOMAIN_DYING);
	CHECK(!a->reboot);
	CHECK_EQ(shutdown(b->vcpu[0], SCHEDOP_shutdown, SHUTDOWN_reboot), 0);
	CHECK_EQ(b->state, DOMAIN_PRESERVED);
	/* The watchdog counts as a crash (on_crash: destroy). */
	CHECK_EQ(shutdown(c->vcpu[0], SCHEDOP_shutdown, SHUTDOWN_watchdog), 0);
	CHECK_EQ(c->state, DOMAIN_DYING);
	/* Each keeps Xen's code, for the toolstack. */
	CHECK(a->shut_down && b->shut_down && c->shut_down);
	CHECK_EQ(a->shutdown_code, SHUTDOWN_poweroff);
	CHECK_EQ(b->shutdown_code, SHUTDOWN_reboot);
	CHECK_EQ(c->shutdown_code, SHUTDOWN_watchdog);
}

TEST(shutdown_refuses_suspend_unknown_reasons_and_bad_pointers)
{
	struct domain *d = fake_pv_domain(1);
	struct vcpu *v = d->vcpu[0];

	CHECK_EQ(shutdown(v, SCHEDOP_shutdown, SHUTDOWN_suspend), -XEN_EINVAL);
	CHECK_EQ(shutdown(v, SCHEDOP_shutdown, 5), -XEN_EINVAL);
	CHECK_EQ(shutdown(v, SCHEDOP_shutdown, ~0u), -XEN_EINVAL);
	CHECK_EQ(sched_op(v, SCHEDOP_shutdown, d->bank[0].base + d->ram_size), -XEN_EFAULT);
	CHECK_EQ(sched_op(v, SCHEDOP_shutdown, GUEST_MAGIC_BASE), -XEN_EFAULT);	/* not RAM */
	CHECK_EQ(d->state, DOMAIN_RUNNING);
}

/* The toolstack's: Dom0 may shut another domain down, a DomU may not. */
TEST(remote_shutdown_is_dom0s)
{
	struct domain *dom0 = fake_hardware_domain(1), *d = fake_pv_domain(1);
	struct domain *e = fake_pv_domain(1);
	struct sched_remote_shutdown *r = arg_ptr(dom0, 0), *re = arg_ptr(e, 0);

	*re = (struct sched_remote_shutdown){ (domid_t)d->id, SHUTDOWN_poweroff };
	CHECK_EQ(sched_op(e->vcpu[0], SCHEDOP_remote_shutdown, arg_gva(e, 0)), -XEN_EPERM);
	CHECK_EQ(d->state, DOMAIN_RUNNING);
	*r = (struct sched_remote_shutdown){ 99, SHUTDOWN_poweroff };
	CHECK_EQ(sched_op(dom0->vcpu[0], SCHEDOP_remote_shutdown, arg_gva(dom0, 0)), -XEN_ESRCH);
	*r = (struct sched_remote_shutdown){ (domid_t)d->id, SHUTDOWN_suspend };
	CHECK_EQ(sched_op(dom0->vcpu[0], SCHEDOP_remote_shutdown, arg_gva(dom0, 0)), -XEN_EINVAL);
	CHECK_EQ(sched_op(dom0->vcpu[0], SCHEDOP_remote_shutdown, GUEST_MAGIC_BASE), -XEN_EFAULT);
	CHECK_EQ(d->state, DOMAIN_RUNNING);
	*r = (struct sched_remote_shutdown){ (domid_t)d->id, SHUTDOWN_reboot };
	CHECK_EQ(sched_op(dom0->vcpu[0], SCHEDOP_remote_shutdown, arg_gva(dom0, 0)), 0);
	CHECK(d->shut_down);
	CHECK_EQ(d->shutdown_code, SHUTDOWN_reboot);
	CHECK_EQ(e->state, DOMAIN_RUNNING);
}

static int64_t watchdog(struct domain *d, uint32_t id, uint32_t timeout)
{
	*(struct sched_watchdog *)arg_ptr(d, 0) = (struct sched_watchdog){ id, timeout };
	return sched_op(d->vcpu[0], SCHEDOP_watchdog, arg_gva(d, 0));
}

/* Xen's two watchdogs a domain: taken, re-armed, stopped; one that runs out shuts it down. */
TEST(watchdog_timers_as_xens)
{
	struct domain *d = fake_pv_domain(1), *other = fake_pv_domain(1);

	CHECK_EQ(watchdog(d, 0, 10), 1);
	CHECK_EQ(watchdog(d, 0, 20), 2);
	CHECK_EQ(watchdog(d, 0, 10), -XEN_ENOSPC);
	CHECK_EQ(watchdog(d, 3, 10), -XEN_EINVAL);
	CHECK_EQ(watchdog(d, 2, 0), 0);			/* stopped and free */
	CHECK_EQ(watchdog(d, 2, 5), -XEN_EINVAL);
	CHECK_EQ(watchdog(other, 1, 5), -XEN_EINVAL);	/* each domain's own */
	CHECK_EQ(watchdog(d, 0, 30), 2);
	CHECK_EQ(sched_op(d->vcpu[0], SCHEDOP_watchdog, GUEST_MAGIC_BASE), -XEN_EFAULT);
	CHECK(pv_watchdogs_next() != 0);
	/* Re-armed before it runs out: nothing happens at its first deadline. */
	fake_counter = 9 * FAKE_COUNTER_FREQ;
	CHECK_EQ(watchdog(d, 1, 10), 0);
	pv_watchdogs_check(fake_counter + 2 * FAKE_COUNTER_FREQ);
	CHECK_EQ(d->state, DOMAIN_RUNNING);
	pv_watchdogs_check(fake_counter + 11 * FAKE_COUNTER_FREQ);
	CHECK(d->shut_down);
	CHECK_EQ(d->shutdown_code, SHUTDOWN_watchdog);
	CHECK(console_printed("Watchdog timer fired for domain"));
	CHECK_EQ(other->state, DOMAIN_RUNNING);
	fake_counter = 0;
}

TEST(shutdown_code_is_recorded_and_nothing_stops)
{
	struct domain *d = fake_pv_domain(1);

	CHECK_EQ(d->shutdown_code, SHUTDOWN_CODE_INVALID);
	CHECK_EQ(shutdown(d->vcpu[0], SCHEDOP_shutdown_code, SHUTDOWN_crash), 0);
	CHECK_EQ(d->shutdown_code, SHUTDOWN_crash);
	CHECK_EQ(d->state, DOMAIN_RUNNING);
	CHECK(!d->shut_down);
}

TEST(the_first_shutdown_code_given_decides_as_in_xen)
{
	struct domain *d = fake_pv_domain(1);

	fake_config(d)->on_crash = ACTION_PRESERVE;
	CHECK_EQ(shutdown(d->vcpu[0], SCHEDOP_shutdown_code, SHUTDOWN_crash), 0);
	CHECK_EQ(shutdown(d->vcpu[0], SCHEDOP_shutdown_code, SHUTDOWN_reboot), 0);
	CHECK_EQ(d->shutdown_code, SHUTDOWN_crash);
	/* A power-off after it is the crash it announced (on_crash: preserve here). */
	CHECK_EQ(shutdown(d->vcpu[0], SCHEDOP_shutdown, SHUTDOWN_poweroff), 0);
	CHECK_EQ(d->state, DOMAIN_PRESERVED);
	CHECK_EQ(d->shutdown_code, SHUTDOWN_crash);
}

/* sched_poll at offset 0, its port list at offset 256. */
static int64_t poll(struct vcpu *v, const uint32_t *ports, uint32_t nr, uint64_t timeout)
{
	struct sched_poll *p = arg_ptr(v->dom, 0);

	if (nr <= 1024)
		memcpy(arg_ptr(v->dom, 256), ports, nr * sizeof(*ports));
	*p = (struct sched_poll){ arg_gva(v->dom, 256), nr, 0, timeout };
	return sched_op(v, SCHEDOP_poll, arg_gva(v->dom, 0));
}

TEST(poll_returns_at_once_for_a_pending_port)
{
	struct domain *d = fake_pv_domain(1);
	struct vcpu *v = d->vcpu[0];
	struct shared_info *si = pa_to_va(d->pv->shared_info_pa);
	uint32_t ports[] = { 5, 70 };

	si->evtchn_pending[1] = 1ull << (70 - 64);	/* pending, masked or not */
	CHECK_EQ(poll(v, ports, 2, 0), 0);
	CHECK(!v->blocked && !v->polling);
}

TEST(poll_blocks_until_an_event_or_returns_with_a_timeout)
{
	struct domain *d = fake_pv_domain(1);
	struct vcpu *v = d->vcpu[0];
	uint32_t ports[] = { 5 };

	CHECK_EQ(poll(v, ports, 1, 0), 0);
	CHECK(v->blocked && v->polling);
	v->blocked = v->polling = false;
	/* With a timeout Domus does not wait: a spurious wake-up, which callers handle. */
	CHECK_EQ(poll(v, ports, 1, 1000000), 0);
	CHECK(!v->blocked && !v->polling);
}

TEST(poll_refuses_bad_ports_and_lists)
{
	struct domain *d = fake_pv_domain(1);
	struct vcpu *v = d->vcpu[0];
	uint32_t bad[] = { EVTCHN_MAX_PORTS };
	static uint32_t many[129];
	struct sched_poll *p = arg_ptr(d, 0);

	CHECK_EQ(poll(v, bad, 1, 0), -XEN_EINVAL);
	CHECK_EQ(poll(v, many, 129, 0), -XEN_EINVAL);
	*p = (struct sched_poll){ d->bank[0].base + d->ram_size - 4, 2, 0, 0 };
	CHECK_EQ(sched_op(v, SCHEDOP_poll, arg_gva(d, 0)), -XEN_EFAULT);
	CHECK_EQ(sched_op(v, SCHEDOP_poll, 0), -XEN_EFAULT);
	CHECK(!v->blocked);
}
