/*
 * HVMOP_get_param / set_param (xen/hvm_param.c) with Xen 4.17's rules on
 * Arm, and the store port Domus leaves for Dom0 (xen/pv_domain.c), which
 * init-dom0less completes.
 */
#include "hypercall.h"
#include <public/errno.h>
#include <public/xen.h>
#include <xen/pv.h>
#include <domus/arch.h>
#include <domus/page.h>
#include <asm/guest_abi.h>

static int64_t param(struct vcpu *v, uint64_t op, domid_t domid, uint32_t index, uint64_t *value)
{
	struct xen_hvm_param *p = arg_ptr(v->dom, 0);
	int64_t ret;

	*p = (struct xen_hvm_param){ .domid = domid, .index = index, .value = *value };
	ret = hypercall(v, __HYPERVISOR_hvm_op, op, arg_gva(v->dom, 0), 0);
	*value = p->value;
	return ret;
}

TEST(a_guest_reads_its_set_up_and_sets_none_of_it)
{
	struct domain *d = fake_pv_domain(1), *other = fake_pv_domain(1);
	struct vcpu *v = d->vcpu[0];
	uint64_t value = 0;

	CHECK_EQ(param(v, HVMOP_get_param, DOMID_SELF, HVM_PARAM_CALLBACK_IRQ, &value), 0);
	CHECK_EQ(value, d->pv->params[HVM_PARAM_CALLBACK_IRQ]);
	value = 5;
	CHECK_EQ(param(v, HVMOP_set_param, DOMID_SELF, HVM_PARAM_STORE_PFN, &value), -XEN_EPERM);
	CHECK_EQ(param(v, HVMOP_get_param, DOMID_SELF, HVM_PARAM_MONITOR_RING_PFN, &value),
		 -XEN_EPERM);
	CHECK_EQ(param(v, HVMOP_get_param, DOMID_SELF, HVM_NR_PARAMS, &value), -XEN_EINVAL);
	CHECK_EQ(param(v, HVMOP_get_param, DOMID_SELF, 3, &value), -XEN_EINVAL);
	/* Another domain's: none, whichever the parameter; one that does not exist first. */
	CHECK_EQ(param(v, HVMOP_get_param, (domid_t)other->id, HVM_PARAM_STORE_PFN, &value),
		 -XEN_EPERM);
	CHECK_EQ(param(v, HVMOP_set_param, (domid_t)other->id, HVM_PARAM_STORE_PFN, &value),
		 -XEN_EPERM);
	CHECK_EQ(param(v, HVMOP_get_param, 77, HVM_NR_PARAMS, &value), -XEN_ESRCH);
	CHECK_EQ(other->refs, 0);
}

TEST(the_toolstack_reads_and_sets_another_domains_store_and_console)
{
	struct domain *dom0 = fake_hardware_domain(1), *d = fake_pv_domain(1), *hvm = fake_domain(1);
	struct vcpu *v = dom0->vcpu[0];
	uint64_t value = 0x39001;

	CHECK_EQ(param(v, HVMOP_set_param, (domid_t)d->id, HVM_PARAM_STORE_PFN, &value), 0);
	CHECK_EQ(d->pv->params[HVM_PARAM_STORE_PFN], 0x39001);
	value = 0;
	CHECK_EQ(param(v, HVMOP_get_param, (domid_t)d->id, HVM_PARAM_STORE_PFN, &value), 0);
	CHECK_EQ(value, 0x39001);
	CHECK_EQ(param(v, HVMOP_get_param, (domid_t)d->id, HVM_PARAM_MONITOR_RING_PFN, &value), 0);
	CHECK_EQ(param(v, HVMOP_set_param, (domid_t)d->id, 3, &value), -XEN_EINVAL);
	/* Without the PV interface every parameter reads 0 (init-dom0less's "not enhanced"). */
	value = 9;
	CHECK_EQ(param(v, HVMOP_get_param, (domid_t)hvm->id, HVM_PARAM_STORE_EVTCHN, &value), 0);
	CHECK_EQ(value, 0);
	CHECK_EQ(param(v, HVMOP_set_param, (domid_t)hvm->id, HVM_PARAM_STORE_PFN, &value),
		 -XEN_EINVAL);
	CHECK_EQ(d->refs, 0);
	CHECK_EQ(hvm->refs, 0);
}

TEST(a_pv_domu_created_beside_dom0_has_its_store_and_console_left_for_dom0)
{
	struct domain *alone = fake_pv_domain(1);
	struct domain *dom0 = fake_hardware_domain(1), *d = fake_pv_domain(1);
	uint32_t port = (uint32_t)d->pv->params[HVM_PARAM_STORE_EVTCHN];
	uint32_t cport = (uint32_t)d->pv->params[HVM_PARAM_CONSOLE_EVTCHN];
	uint64_t ring = d->pv->params[HVM_PARAM_CONSOLE_PFN] << PAGE_SHIFT;

	/* Without a Dom0, no xenstore, and the console is Domus's. */
	CHECK_EQ(alone->pv->params[HVM_PARAM_STORE_EVTCHN], 0);
	CHECK_EQ(alone->pv->params[HVM_PARAM_STORE_PFN], 0);
	CHECK(alone->pv->console_ring_pa != 0);
	CHECK_EQ(fake_p2m_type(alone, GUEST_MAGIC_BASE), P2M_SPECIAL);
	/* With one, the console is a page of the guest's RAM and a port unbound for Dom0. */
	CHECK_EQ(d->pv->console_ring_pa, 0);
	CHECK_EQ(ring, GUEST_MAGIC_BASE);
	CHECK_EQ(fake_p2m_type(d, ring), P2M_RAM);
	REQUIRE(guest_ptr(d, ring));
	CHECK(page_owned_by(va_to_pa(guest_ptr(d, ring)), d));
	CHECK_EQ(d->ram_pages, alone->ram_pages + 1);
	REQUIRE(cport);
	CHECK_EQ(d->pv->ports[cport].state, EVTCHNSTAT_unbound);
	CHECK_EQ(d->pv->ports[cport].remote_dom, dom0->id);
	CHECK(!d->pv->ports[cport].to_domus);
	/* Keys typed at Domus's console do not go into a ring Dom0 serves. */
	CHECK(!pv_console_receive(d, 'x'));
	/* With one: a port unbound for Dom0, and the page to come. */
	REQUIRE(port);
	CHECK_EQ(d->pv->ports[port].state, EVTCHNSTAT_unbound);
	CHECK_EQ(d->pv->ports[port].remote_dom, dom0->id);
	CHECK_EQ(d->pv->params[HVM_PARAM_STORE_PFN], ~0ull);
	CHECK(port != d->pv->console_port);
	CHECK_EQ(dom0->refs, 0);
}
