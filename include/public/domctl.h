/*
 * domctl (hypercall 36): the toolstack's operations on one domain, as Xen
 * 4.17 defines them for arm64 (xen/include/public/domctl.h, interface
 * version 0x15).  Only the commands Domus answers have their structures
 * here; the command numbers are all of 4.17's, so that a caller's number is
 * never mistaken for another.  Layouts are checked at compile time below.
 */
#ifndef PUBLIC_DOMCTL_H
#define PUBLIC_DOMCTL_H

#include <stddef.h>
#include <public/xen.h>

#define XEN_DOMCTL_INTERFACE_VERSION 0x15

#define XEN_DOMCTL_createdomain             1
#define XEN_DOMCTL_destroydomain            2
#define XEN_DOMCTL_pausedomain              3
#define XEN_DOMCTL_unpausedomain            4
#define XEN_DOMCTL_getdomaininfo            5
#define XEN_DOMCTL_setvcpuaffinity          9
#define XEN_DOMCTL_max_mem                 11
#define XEN_DOMCTL_setvcpucontext          12
#define XEN_DOMCTL_getvcpucontext          13
#define XEN_DOMCTL_getvcpuinfo             14
#define XEN_DOMCTL_max_vcpus               15
#define XEN_DOMCTL_scheduler_op            16
#define XEN_DOMCTL_setdomainhandle         17
#define XEN_DOMCTL_getvcpuaffinity         25
#define XEN_DOMCTL_set_address_size        35
#define XEN_DOMCTL_assign_device           37
#define XEN_DOMCTL_test_assign_device      45
#define XEN_DOMCTL_deassign_device         47
#define XEN_DOMCTL_vm_event_op             56
#define XEN_DOMCTL_setnodeaffinity         68
#define XEN_DOMCTL_getnodeaffinity         69
#define XEN_DOMCTL_cacheflush              71
#define XEN_DOMCTL_get_paging_mempool_size 85
#define XEN_DOMCTL_set_paging_mempool_size 86

/* A bitmap the caller owns: a guest pointer to bytes, and how many bits it holds. */
struct xenctl_bitmap {
	uint64_t bitmap;	/* guest handle: uint8_t[] */
	uint32_t nr_bits;
};

/* Xen's arm xen_arch_domainconfig (xen/include/public/arch-arm.h). */
#define XEN_DOMCTL_CONFIG_GIC_NATIVE 0
#define XEN_DOMCTL_CONFIG_GIC_V2     1
#define XEN_DOMCTL_CONFIG_GIC_V3     2
struct xen_arch_domainconfig {
	uint8_t gic_version;
	uint16_t tee_type;
	uint32_t nr_spis;
	uint32_t clock_frequency;
};

/* XEN_DOMCTL_getdomaininfo (and each entry of sysctl getdomaininfolist). */
#define XEN_DOMINF_dying          (1u << 0)
#define XEN_DOMINF_hvm_guest      (1u << 1)
#define XEN_DOMINF_shutdown       (1u << 2)
#define XEN_DOMINF_paused         (1u << 3)
#define XEN_DOMINF_blocked        (1u << 4)
#define XEN_DOMINF_running        (1u << 5)
#define XEN_DOMINF_debugged       (1u << 6)
#define XEN_DOMINF_xs_domain      (1u << 7)
#define XEN_DOMINF_hap            (1u << 8)
#define XEN_DOMINF_shutdownshift  16	/* the whole shutdown code goes here, shifted */
#define XEN_INVALID_MAX_VCPU_ID   (~0u)

struct xen_domctl_getdomaininfo {
	domid_t domain;
	uint16_t pad1;
	uint32_t flags;			/* XEN_DOMINF_* */
	uint64_t tot_pages;
	uint64_t max_pages;
	uint64_t outstanding_pages;
	uint64_t shr_pages;
	uint64_t paged_pages;
	uint64_t shared_info_frame;	/* on Arm: the machine frame of its shared_info page */
	uint64_t cpu_time;		/* ns */
	uint32_t nr_online_vcpus;
	uint32_t max_vcpu_id;
	uint32_t ssidref;
	uint8_t handle[16];
	uint32_t cpupool;
	uint8_t gpaddr_bits;
	uint8_t pad2[7];
	struct xen_arch_domainconfig arch_config;
};

/* XEN_DOMCTL_createdomain */
#define XEN_DOMCTL_CDF_hvm       (1u << 0)
#define XEN_DOMCTL_CDF_hap       (1u << 1)
#define XEN_DOMCTL_CDF_s3_integrity (1u << 2)
#define XEN_DOMCTL_CDF_oos_off   (1u << 3)
#define XEN_DOMCTL_CDF_xs_domain (1u << 4)
#define XEN_DOMCTL_CDF_iommu     (1u << 5)
#define XEN_DOMCTL_CDF_nested_virt (1u << 6)
#define XEN_DOMCTL_CDF_vpmu      (1u << 7)
#define XEN_DOMCTL_CDF_MAX       XEN_DOMCTL_CDF_vpmu
#define XEN_DOMCTL_IOMMU_MAX     (1u << 0)
#define XEN_DOMCTL_GRANT_version_mask 0xf
#define XEN_DOMCTL_GRANT_MAX     0xf	/* 4.17 has no other grant option bit */

struct xen_domctl_createdomain {
	uint32_t ssidref;
	uint8_t handle[16];
	uint32_t flags;			/* XEN_DOMCTL_CDF_* */
	uint32_t iommu_opts;
	uint32_t max_vcpus;
	uint32_t max_evtchn_port;
	int32_t max_grant_frames;	/* < 0: Xen's default */
	int32_t max_maptrack_frames;
	uint32_t grant_opts;		/* low 4 bits: grant table version */
	uint32_t vmtrace_size;
	uint32_t cpupool_id;
	struct xen_arch_domainconfig arch;
};

/* XEN_DOMCTL_max_vcpus */
struct xen_domctl_max_vcpus {
	uint32_t max;
};

/* XEN_DOMCTL_setvcpucontext: ctxt points to the architecture's struct vcpu_guest_context. */
struct xen_domctl_vcpucontext {
	uint32_t vcpu;
	uint64_t ctxt;			/* guest handle: struct vcpu_guest_context */
};

/* XEN_DOMCTL_set_address_size */
struct xen_domctl_address_size {
	uint32_t size;
};

/* XEN_DOMCTL_setnodeaffinity, XEN_DOMCTL_getnodeaffinity */
struct xen_domctl_nodeaffinity {
	struct xenctl_bitmap nodemap;
};

/* XEN_DOMCTL_cacheflush */
struct xen_domctl_cacheflush {
	uint64_t start_pfn, nr_pfns;
};

/* XEN_DOMCTL_{get,set}_paging_mempool_size */
struct xen_domctl_paging_mempool {
	uint64_t size;			/* bytes */
};

/* XEN_DOMCTL_max_mem */
struct xen_domctl_max_mem {
	uint64_t max_memkb;
};

/* XEN_DOMCTL_setdomainhandle */
struct xen_domctl_setdomainhandle {
	uint8_t handle[16];		/* xen_domain_handle_t: the toolstack's UUID */
};

/* XEN_DOMCTL_getvcpuinfo */
struct xen_domctl_getvcpuinfo {
	uint32_t vcpu;
	uint8_t online;
	uint8_t blocked;
	uint8_t running;
	uint64_t cpu_time;		/* ns */
	uint32_t cpu;
};

/* XEN_DOMCTL_setvcpuaffinity, XEN_DOMCTL_getvcpuaffinity */
#define XEN_VCPUAFFINITY_HARD  (1u << 0)
#define XEN_VCPUAFFINITY_SOFT  (1u << 1)
#define XEN_VCPUAFFINITY_FORCE (1u << 2)
struct xen_domctl_vcpuaffinity {
	uint32_t vcpu;
	uint32_t flags;
	struct xenctl_bitmap cpumap_hard;
	struct xenctl_bitmap cpumap_soft;
};

/* XEN_DOMCTL_scheduler_op */
#define XEN_SCHEDULER_CREDIT   5
#define XEN_SCHEDULER_CREDIT2  6
#define XEN_SCHEDULER_ARINC653 7
#define XEN_SCHEDULER_RTDS     8
#define XEN_SCHEDULER_NULL     9

#define XEN_DOMCTL_SCHEDOP_putinfo     0
#define XEN_DOMCTL_SCHEDOP_getinfo     1
#define XEN_DOMCTL_SCHEDOP_putvcpuinfo 2
#define XEN_DOMCTL_SCHEDOP_getvcpuinfo 3

struct xen_domctl_sched_credit {
	uint16_t weight;
	uint16_t cap;			/* percent of one CPU; 0 = none; putinfo: 0xffff = unchanged */
};

struct xen_domctl_scheduler_op {
	uint32_t sched_id;		/* XEN_SCHEDULER_* */
	uint32_t cmd;			/* XEN_DOMCTL_SCHEDOP_* */
	union {
		struct xen_domctl_sched_credit credit;
		struct {
			uint64_t vcpus;	/* guest handle: per-vCPU parameters */
			uint32_t nr_vcpus;
			uint32_t padding;
		} v;
	} u;
};

struct xen_domctl {
	uint32_t cmd;
	uint32_t interface_version;	/* XEN_DOMCTL_INTERFACE_VERSION */
	domid_t domain;
	uint16_t pad[3];
	union {
		struct xen_domctl_createdomain createdomain;
		struct xen_domctl_getdomaininfo getdomaininfo;
		struct xen_domctl_max_vcpus max_vcpus;
		struct xen_domctl_vcpucontext vcpucontext;
		struct xen_domctl_address_size address_size;
		struct xen_domctl_nodeaffinity nodeaffinity;
		struct xen_domctl_cacheflush cacheflush;
		struct xen_domctl_paging_mempool paging_mempool;
		struct xen_domctl_max_mem max_mem;
		struct xen_domctl_setdomainhandle setdomainhandle;
		struct xen_domctl_getvcpuinfo getvcpuinfo;
		struct xen_domctl_vcpuaffinity vcpuaffinity;
		struct xen_domctl_scheduler_op scheduler_op;
		uint8_t pad[128];
	} u;
};

_Static_assert(sizeof(struct xen_arch_domainconfig) == 12, "xen_arch_domainconfig layout");
_Static_assert(sizeof(struct xen_domctl_getdomaininfo) == 120, "xen_domctl_getdomaininfo layout");
_Static_assert(offsetof(struct xen_domctl_getdomaininfo, handle) == 76, "getdomaininfo handle");
_Static_assert(offsetof(struct xen_domctl_getdomaininfo, arch_config) == 104,
	       "getdomaininfo arch_config");
_Static_assert(sizeof(struct xen_domctl_createdomain) == 68 &&
	       offsetof(struct xen_domctl_createdomain, arch) == 56, "xen_domctl_createdomain layout");
_Static_assert(sizeof(struct xen_domctl_vcpucontext) == 16, "xen_domctl_vcpucontext layout");
_Static_assert(sizeof(struct xen_domctl_nodeaffinity) == 16, "xen_domctl_nodeaffinity layout");
_Static_assert(sizeof(struct xen_domctl_getvcpuinfo) == 24, "xen_domctl_getvcpuinfo layout");
_Static_assert(sizeof(struct xen_domctl_vcpuaffinity) == 40, "xen_domctl_vcpuaffinity layout");
_Static_assert(sizeof(struct xen_domctl_scheduler_op) == 24, "xen_domctl_scheduler_op layout");
_Static_assert(offsetof(struct xen_domctl, u) == 16 && sizeof(struct xen_domctl) == 144,
	       "xen_domctl layout");

#endif
