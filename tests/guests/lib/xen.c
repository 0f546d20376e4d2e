/* Xen PV interface for micro-guests: hypercalls, shared_info, events, grants. */
#include "guest.h"

s64 hypercall(u64 nr, u64 a0, u64 a1, u64 a2, u64 a3, u64 a4)
{
    register u64 x0 asm("x0") = a0;
    register u64 x1 asm("x1") = a1;
    register u64 x2 asm("x2") = a2;
    register u64 x3 asm("x3") = a3;
    register u64 x4 asm("x4") = a4;
    register u64 x16 asm("x16") = nr;

    asm volatile("hvc #0xea1"
                 : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3), "+r"(x4), "+r"(x16)
                 : : "memory");
    return (s64)x0;
}

/* ---- atomics -------------------------------------------------------------- */

u64 xen_xchg64(volatile u64 *p, u64 v)
{
    u64 old;
    u32 fail;
    asm volatile("1: ldaxr %0, [%2]\n stlxr %w1, %3, [%2]\n cbnz %w1, 1b"
                 : "=&r"(old), "=&r"(fail) : "r"(p), "r"(v) : "memory");
    return old;
}

#define FETCH_OP(name, insn)                                                    \
u64 name(volatile u64 *p, u64 v)                                                \
{                                                                               \
    u64 old, new;                                                               \
    u32 fail;                                                                   \
    asm volatile("1: ldaxr %0, [%3]\n " insn " %1, %0, %4\n"                    \
                 " stlxr %w2, %1, [%3]\n cbnz %w2, 1b"                          \
                 : "=&r"(old), "=&r"(new), "=&r"(fail) : "r"(p), "r"(v) : "memory"); \
    return old;                                                                 \
}
FETCH_OP(xen_fetch_and64, "and")
FETCH_OP(xen_fetch_or64, "orr")

bool xen_cas32(volatile u32 *p, u32 old, u32 new)
{
    u32 cur, fail;
    asm volatile("1: ldaxr %w0, [%2]\n cmp %w0, %w3\n b.ne 2f\n"
                 " stlxr %w1, %w4, [%2]\n cbnz %w1, 1b\n2:"
                 : "=&r"(cur), "=&r"(fail) : "r"(p), "r"(old), "r"(new) : "memory", "cc");
    return cur == old;
}

/* ---- shared_info, vcpu_info ---------------------------------------------- */

struct xen_shared_info *xen_shared;
static struct xen_vcpu_info *vcpu_infos[NR_CPUS];

s64 xen_map_shared_info(u64 gfn)
{
    struct xen_add_to_physmap x = { .domid = DOMID_SELF, .space = XENMAPSPACE_shared_info,
                                    .idx = 0, .gpfn = gfn };
    s64 r = HYPERCALL2(HYP_memory_op, XENMEM_add_to_physmap, &x);

    if (!r)
        xen_shared = (struct xen_shared_info *)(gfn << 12);
    return r;
}

s64 xen_register_vcpu_info(unsigned int vcpu, u64 gfn, u32 offset)
{
    struct vcpu_register_vcpu_info r = { .mfn = gfn, .offset = offset };
    s64 ret = HYPERCALL3(HYP_vcpu_op, VCPUOP_register_vcpu_info, vcpu, &r);

    if (!ret && vcpu < NR_CPUS)
        WRITE_ONCE(vcpu_infos[vcpu], (struct xen_vcpu_info *)((gfn << 12) + offset));
    return ret;
}

struct xen_vcpu_info *xen_vcpu_info(unsigned int vcpu)
{
    if (vcpu < NR_CPUS && READ_ONCE(vcpu_infos[vcpu]))
        return vcpu_infos[vcpu];
    return vcpu == 0 && xen_shared ? &xen_shared->vcpu_info[0] : NULL;
}

/* ---- events ------------------------------------------------------------------ */

volatile unsigned int xen_upcalls[NR_CPUS];
volatile unsigned int xen_other_irqs;
static xen_port_fn port_fn;

void xen_events_init(xen_port_fn fn)
{
    port_fn = fn;
    irq_set_handler(xen_irq_handler);
}

void xen_irq_handler(unsigned int cpu, unsigned int intid)
{
    struct xen_vcpu_info *vi = xen_vcpu_info(cpu);

    if (intid != XEN_EVTCHN_PPI || !vi || !xen_shared) {
        xen_other_irqs++;
        return;
    }
    xen_upcalls[cpu]++;
    /* Linux's 2-level loop: clear the flag, take the selector, scan its words. */
    while (READ_ONCE(vi->evtchn_upcall_pending)) {
        WRITE_ONCE(vi->evtchn_upcall_pending, 0);
        u64 sel = xen_xchg64(&vi->evtchn_pending_sel, 0);
        for (unsigned int w = 0; w < 64; w++) {
            if (!(sel & (1UL << w)))
                continue;
            u64 ready = READ_ONCE(xen_shared->evtchn_pending[w]) &
                        ~READ_ONCE(xen_shared->evtchn_mask[w]);
            for (unsigned int b = 0; b < 64; b++) {
                if (!(ready & (1UL << b)))
                    continue;
                xen_fetch_and64(&xen_shared->evtchn_pending[w], ~(1UL << b));
                if (port_fn)
                    port_fn(cpu, w * 64 + b);
            }
        }
    }
}

static s64 evtchn_op(u32 cmd, void *arg)
{
    return HYPERCALL2(HYP_event_channel_op, cmd, arg);
}

s64 evtchn_alloc_unbound(u16 remote_dom)
{
    struct evtchn_alloc_unbound a = { .dom = DOMID_SELF, .remote_dom = remote_dom };
    s64 r = evtchn_op(EVTCHNOP_alloc_unbound, &a);
    return r ? r : a.port;
}

s64 evtchn_bind_interdomain(u16 remote_dom, u32 remote_port)
{
    struct evtchn_bind_interdomain b = { .remote_dom = remote_dom, .remote_port = remote_port };
    s64 r = evtchn_op(EVTCHNOP_bind_interdomain, &b);
    return r ? r : b.local_port;
}

s64 evtchn_bind_ipi(u32 vcpu)
{
    struct evtchn_bind_ipi b = { .vcpu = vcpu };
    s64 r = evtchn_op(EVTCHNOP_bind_ipi, &b);
    return r ? r : b.port;
}

s64 evtchn_send(u32 port)   { u32 p = port; return evtchn_op(EVTCHNOP_send, &p); }
s64 evtchn_close(u32 port)  { u32 p = port; return evtchn_op(EVTCHNOP_close, &p); }
s64 evtchn_unmask(u32 port) { u32 p = port; return evtchn_op(EVTCHNOP_unmask, &p); }

s64 evtchn_status(u32 port, struct evtchn_status *st)
{
    memset(st, 0, sizeof(*st));
    st->dom = DOMID_SELF;
    st->port = port;
    return evtchn_op(EVTCHNOP_status, st);
}

void evtchn_mask(u32 port)
{
    xen_fetch_or64(&xen_shared->evtchn_mask[port / 64], 1UL << (port % 64));
}

bool evtchn_pending(u32 port)
{
    return READ_ONCE(xen_shared->evtchn_pending[port / 64]) & (1UL << (port % 64));
}

void evtchn_clear(u32 port)
{
    xen_fetch_and64(&xen_shared->evtchn_pending[port / 64], ~(1UL << (port % 64)));
}

/* ---- grant tables -------------------------------------------------------------- */

s64 gnttab_map_frame(u64 idx, u64 gfn)
{
    struct xen_add_to_physmap x = { .domid = DOMID_SELF, .space = XENMAPSPACE_grant_table,
                                    .idx = idx, .gpfn = gfn };
    return HYPERCALL2(HYP_memory_op, XENMEM_add_to_physmap, &x);
}

struct grant_entry_v1 *gnttab_entry(u32 ref)
{
    return (struct grant_entry_v1 *)XEN_GNTTAB_BASE + ref;
}

void gnttab_grant(u32 ref, u16 domid, u64 gfn, bool readonly)
{
    struct grant_entry_v1 *e = gnttab_entry(ref);

    WRITE_ONCE(e->frame, (u32)gfn);
    WRITE_ONCE(e->domid, domid);
    WRITE_ONCE(e->flags, GTF_permit_access | (readonly ? GTF_readonly : 0));
}

bool gnttab_end(u32 ref)
{
    volatile u32 *word = (volatile u32 *)gnttab_entry(ref);   /* flags | domid << 16 */

    for (;;) {
        u32 old = *word;
        if (old & (GTF_reading | GTF_writing))
            return false;
        if (xen_cas32(word, old, old & 0xffff0000))
            return true;
    }
}

s16 gnttab_map(u16 dom, u32 ref, u64 addr, u32 flags, u32 *handle)
{
    struct gnttab_map_grant_ref m = { .host_addr = addr, .flags = flags, .ref = ref, .dom = dom };
    s64 r = HYPERCALL3(HYP_grant_table_op, GNTTABOP_map_grant_ref, &m, 1);

    if (r)
        return (s16)-1000 + (s16)r;     /* the hypercall itself failed: never a GNTST */
    if (handle)
        *handle = m.handle;
    return m.status;
}

s16 gnttab_unmap(u64 addr, u32 handle)
{
    struct gnttab_unmap_grant_ref u = { .host_addr = addr, .handle = handle };
    s64 r = HYPERCALL3(HYP_grant_table_op, GNTTABOP_unmap_grant_ref, &u, 1);
    return r ? (s16)-1000 + (s16)r : u.status;
}

s16 gnttab_copy1(struct gnttab_copy *c)
{
    s64 r = HYPERCALL3(HYP_grant_table_op, GNTTABOP_copy, c, 1);
    return r ? (s16)-1000 + (s16)r : c->status;
}

s64 xen_reservation_list(u64 op, u64 extent_start, u64 nr_extents)
{
    struct xen_memory_reservation r = { .extent_start = extent_start,
                                        .nr_extents = nr_extents, .domid = DOMID_SELF };
    return HYPERCALL2(HYP_memory_op, op, &r);
}

static s64 reservation(u64 op, u64 gfn)
{
    u64 list[1] = { gfn };
    return xen_reservation_list(op, (u64)list, 1);
}

s64 xen_decrease_reservation(u64 gfn)
{
    return reservation(XENMEM_decrease_reservation, gfn);
}

s64 xen_populate_physmap(u64 gfn)
{
    return reservation(XENMEM_populate_physmap, gfn);
}

s64 xen_current_reservation(void)
{
    u16 self = DOMID_SELF;
    return HYPERCALL2(HYP_memory_op, XENMEM_current_reservation, &self);
}

s64 xen_hvm_param(u32 index, u64 *value)
{
    struct xen_hvm_param p = { .domid = DOMID_SELF, .index = index };
    s64 r = HYPERCALL2(HYP_hvm_op, HVMOP_get_param, &p);

    if (!r)
        *value = p.value;
    return r;
}

_Static_assert(sizeof(struct xen_vcpu_info) == 48, "vcpu_info");
_Static_assert(sizeof(struct xen_shared_info) == 1088, "shared_info");
_Static_assert(sizeof(struct evtchn_status) == 24, "evtchn_status");
_Static_assert(sizeof(struct gnttab_map_grant_ref) == 32, "gnttab_map_grant_ref");
_Static_assert(sizeof(struct gnttab_unmap_grant_ref) == 24, "gnttab_unmap_grant_ref");
_Static_assert(sizeof(struct gnttab_copy) == 40, "gnttab_copy");
_Static_assert(sizeof(struct xen_memory_reservation) == 32, "xen_memory_reservation");
