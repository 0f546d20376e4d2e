/*
 * xen_bad_args (hostile): hypercalls with bad arguments get Xen's errors and
 * Domus keeps running.  Pointers that are unmapped, a device, the grant
 * window before anything is mapped there, beyond RAM, or straddling the end
 * of RAM: -EFAULT.  Bad ports: -EINVAL; bad vCPU: -ENOENT; unknown sub-ops:
 * -ENOSYS (vcpu_op: -EINVAL, as Xen/Arm); HVM param 1000: -EINVAL;
 * set_param: -EPERM; a domain that does not exist: -ESRCH; a nested multicall:
 * -EINVAL in its entry; a grant query with a count other than 1: -EINVAL.
 */
#include "guest.h"

static u64 buf[64] __attribute__((aligned(64)));
static struct multicall_entry mc[2] __attribute__((aligned(64)));

#define EXPECT(call, want) do {                                                     \
    s64 __r = (call);                                                               \
    CHECK(__r == (want), "%s = %ld, want %ld", #call, __r, (s64)(want));            \
} while (0)

void test_main(void)
{
    static const u64 bad[] = { 0x10000000UL, 0x22000000UL, XEN_GNTTAB_BASE, 0x44000000UL,
                               0x43ffffffUL, 0xffffffffffff0000UL };

    for (unsigned int i = 0; i < ARRAY_SIZE(bad); i++) {
        u64 p = bad[i];
        unsigned int before = checks_failed;
        EXPECT(HYPERCALL2(HYP_xen_version, XENVER_get_features, p), -XEN_EFAULT);
        EXPECT(HYPERCALL2(HYP_xen_version, XENVER_extraversion, p), -XEN_EFAULT);
        EXPECT(HYPERCALL2(HYP_xen_version, XENVER_capabilities, p), -XEN_EFAULT);
        EXPECT(HYPERCALL2(HYP_memory_op, XENMEM_add_to_physmap, p), -XEN_EFAULT);
        EXPECT(HYPERCALL2(HYP_memory_op, XENMEM_decrease_reservation, p), -XEN_EFAULT);
        EXPECT(HYPERCALL2(HYP_memory_op, XENMEM_populate_physmap, p), -XEN_EFAULT);
        EXPECT(HYPERCALL2(HYP_memory_op, 3 /* current_reservation */, p), -XEN_EFAULT);
        EXPECT(HYPERCALL3(HYP_vcpu_op, VCPUOP_register_vcpu_info, 0, p), -XEN_EFAULT);
        EXPECT(HYPERCALL2(HYP_event_channel_op, EVTCHNOP_alloc_unbound, p), -XEN_EFAULT);
        EXPECT(HYPERCALL2(HYP_event_channel_op, EVTCHNOP_send, p), -XEN_EFAULT);
        EXPECT(HYPERCALL2(HYP_event_channel_op, EVTCHNOP_status, p), -XEN_EFAULT);
        EXPECT(HYPERCALL2(HYP_event_channel_op, EVTCHNOP_bind_interdomain, p), -XEN_EFAULT);
        EXPECT(HYPERCALL3(HYP_grant_table_op, GNTTABOP_map_grant_ref, p, 1), -XEN_EFAULT);
        EXPECT(HYPERCALL3(HYP_grant_table_op, GNTTABOP_copy, p, 1), -XEN_EFAULT);
        EXPECT(HYPERCALL3(HYP_grant_table_op, GNTTABOP_query_size, p, 1), -XEN_EFAULT);
        EXPECT(HYPERCALL2(HYP_hvm_op, 1 /* get_param */, p), -XEN_EFAULT);
        EXPECT(HYPERCALL2(HYP_sched_op, 3 /* poll */, p), -XEN_EFAULT);
        EXPECT(HYPERCALL2(HYP_sched_op, 2 /* shutdown */, p), -XEN_EFAULT);
        EXPECT(HYPERCALL2(HYP_multicall, p, 1), -XEN_EFAULT);
        EXPECT(HYPERCALL3(HYP_console_io, 0 /* write */, 4, p), -XEN_EFAULT);
        if (checks_failed != before)
            info("^ pointer 0x%lx", p);
    }

    /* A buffer whose second half lies beyond RAM. */
    struct xen_memory_reservation *r = (void *)buf;
    memset(buf, 0, sizeof(buf));
    r->extent_start = 0x44000000UL - 8;     /* last 8 bytes of RAM: extent 0 */
    r->nr_extents = 0;
    r->domid = DOMID_SELF;
    EXPECT(HYPERCALL2(HYP_memory_op, XENMEM_decrease_reservation, r), 0);

    /* Ports. */
    static const u32 ports[] = { 0, 1024, 4096, 0xffffffffU };
    for (unsigned int i = 0; i < ARRAY_SIZE(ports); i++) {
        EXPECT(evtchn_send(ports[i]), -XEN_EINVAL);
        EXPECT(evtchn_unmask(ports[i]), -XEN_EINVAL);
        EXPECT(evtchn_close(ports[i]), -XEN_EINVAL);
    }
    struct evtchn_status st;
    EXPECT(evtchn_status(0xffffffffU, &st), -XEN_EINVAL);
    EXPECT(evtchn_bind_interdomain(1, 1), -XEN_EINVAL);     /* own console port: not unbound */
    EXPECT(evtchn_bind_interdomain(7, 2), -XEN_ESRCH);      /* no such domain */
    EXPECT(evtchn_bind_ipi(2), -XEN_ENOENT);

    /* vCPUs. */
    struct vcpu_register_vcpu_info vri = { .mfn = 0x42000, .offset = 0 };
    EXPECT(HYPERCALL3(HYP_vcpu_op, VCPUOP_register_vcpu_info, 2, &vri), -XEN_ENOENT);
    EXPECT(HYPERCALL3(HYP_vcpu_op, VCPUOP_register_vcpu_info, ~0UL, &vri), -XEN_ENOENT);
    EXPECT(HYPERCALL3(HYP_vcpu_op, 3 /* is_up */, 1000, 0), -XEN_ENOENT);

    /* Unknown sub-ops. */
    EXPECT(HYPERCALL2(HYP_xen_version, 100, buf), -XEN_ENOSYS);
    EXPECT(HYPERCALL2(HYP_memory_op, 63, buf), -XEN_ENOSYS);
    EXPECT(HYPERCALL3(HYP_vcpu_op, 100, 0, buf), -XEN_EINVAL);
    EXPECT(HYPERCALL3(HYP_vcpu_op, 0 /* initialise: not on Arm */, 0, buf), -XEN_EINVAL);
    EXPECT(HYPERCALL2(HYP_event_channel_op, 100, buf), -XEN_ENOSYS);
    EXPECT(HYPERCALL2(HYP_event_channel_op, 11 /* init_control: no FIFO */, buf), -XEN_ENOSYS);
    EXPECT(HYPERCALL3(HYP_grant_table_op, 100, buf, 1), -XEN_ENOSYS);
    EXPECT(HYPERCALL2(HYP_sched_op, 100, buf), -XEN_ENOSYS);
    EXPECT(HYPERCALL2(HYP_hvm_op, 100, buf), -XEN_ENOSYS);
    EXPECT(HYPERCALL3(HYP_console_io, 100, 0, buf), -XEN_ENOSYS);
    EXPECT(HYPERCALL2(HYP_vm_assist, 100, 5 /* runstate_update_flag */), -XEN_ENOSYS);
    EXPECT(HYPERCALL2(HYP_vm_assist, 0, 63), -XEN_EINVAL);

    /* HVM params. */
    struct xen_hvm_param hp = { .domid = DOMID_SELF, .index = 1000 };
    EXPECT(HYPERCALL2(HYP_hvm_op, 1, &hp), -XEN_EINVAL);
    hp.index = 2;
    hp.value = 5;
    EXPECT(HYPERCALL2(HYP_hvm_op, 0 /* set_param */, &hp), -XEN_EPERM);
    hp.domid = 2;                       /* no domain 2 in this run: as on Xen, -ESRCH */
    EXPECT(HYPERCALL2(HYP_hvm_op, 1, &hp), -XEN_ESRCH);

    /* Memory of domains that do not exist (another one's is -EPERM: unit tests). */
    struct xen_add_to_physmap x = { .domid = 2, .space = XENMAPSPACE_shared_info,
                                    .gpfn = 0x42000 };
    EXPECT(HYPERCALL2(HYP_memory_op, XENMEM_add_to_physmap, &x), -XEN_ESRCH);
    u64 gfn = 0x42000;
    struct xen_memory_reservation res = { .extent_start = (u64)&gfn, .nr_extents = 1,
                                          .domid = 5 };
    EXPECT(HYPERCALL2(HYP_memory_op, XENMEM_decrease_reservation, &res), -XEN_ESRCH);
    EXPECT(HYPERCALL2(HYP_memory_op, XENMEM_populate_physmap, &res), -XEN_ESRCH);

    /* Multicall: a nested multicall fails in its entry; the next entry still runs. */
    memset(mc, 0, sizeof(mc));
    mc[0].op = HYP_multicall;
    mc[0].args[0] = (u64)&mc[1];
    mc[0].args[1] = 1;
    mc[1].op = HYP_xen_version;
    mc[1].args[0] = XENVER_version;
    EXPECT(HYPERCALL2(HYP_multicall, mc, 2), 0);
    CHECK((s64)mc[0].result == -XEN_EINVAL, "nested multicall entry = %ld, want -22",
          (s64)mc[0].result);
    CHECK(mc[1].result == 0x40011, "multicall xen_version entry = 0x%lx", mc[1].result);

    /* Grant op count. */
    EXPECT(HYPERCALL3(HYP_grant_table_op, GNTTABOP_query_size, buf, 513), -XEN_EINVAL);
    EXPECT(HYPERCALL3(HYP_grant_table_op, GNTTABOP_map_grant_ref, buf, ~0UL), -XEN_EINVAL);

    /* Still alive, and still answering. */
    EXPECT(HYPERCALL2(HYP_xen_version, XENVER_version, 0), 0x40011);
}
