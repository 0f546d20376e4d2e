/*
 * What the toolstack's hypercalls share: sysctl (xen/sysctl.c), domctl
 * (xen/domctl.c) and xsm_op (xen/xsm.c).
 */
#ifndef DOMUS_TOOLSTACK_H
#define DOMUS_TOOLSTACK_H

#include <domus/lib.h>
#include <public/domctl.h>
#include <public/xen.h>

struct domain;
struct vcpu;

/* What Domus says it is (xen_version, and hypfs's /buildinfo). */
#define XEN_EXTRAVERSION "-domus"
#define XEN_CHANGESET    "domus " DOMUS_VERSION
extern const struct xen_compile_info xen_compile_info;

/*
 * Xen's dummy XSM policy for sysctl and domctl (Debian's XSM SILO leaves
 * these to it): only the control domain, Dom0, may use them.  0 or -EPERM.
 */
int64_t xsm_control(const struct domain *d);

/* getdomaininfo's record of d, as Xen 4.17 on Arm fills it. */
void domain_info(struct domain *d, struct xen_domctl_getdomaininfo *info);

/*
 * Writes a set of physical CPUs into the caller's bitmap as Xen does: as
 * many bytes as both it and Domus's CPU count need, zeroes in the rest of
 * it.  0 or -EFAULT.
 */
int64_t cpumask_to_guest(struct vcpu *v, const struct xenctl_bitmap *b, uint64_t cpus);

/* The domctls that build and end a domain (xen/domctl_build.c). */
int64_t domctl_createdomain(struct vcpu *v, struct domain *d, struct xen_domctl *op);
int64_t domctl_max_vcpus(struct vcpu *v, struct domain *d, struct xen_domctl *op);
int64_t domctl_destroydomain(struct vcpu *v, struct domain *d, struct xen_domctl *op);
int64_t domctl_setvcpuaffinity(struct vcpu *v, struct domain *d, struct xen_domctl *op);
int64_t domctl_setnodeaffinity(struct vcpu *v, struct domain *d, struct xen_domctl *op);
int64_t domctl_set_address_size(struct vcpu *v, struct domain *d, struct xen_domctl *op);
int64_t domctl_paging_mempool(struct vcpu *v, struct domain *d, struct xen_domctl *op);
int64_t domctl_cacheflush(struct vcpu *v, struct domain *d, struct xen_domctl *op);
int64_t domctl_setvcpucontext(struct vcpu *v, struct domain *d, struct xen_domctl *op);

#endif
