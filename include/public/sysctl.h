/*
 * sysctl (hypercall 35): the toolstack's questions about the whole machine,
 * as Xen 4.17 defines them for arm64 (xen/include/public/sysctl.h,
 * interface version 0x15).  Only the commands Domus answers have their
 * structures here.  Layouts are checked at compile time below.
 */
#ifndef PUBLIC_SYSCTL_H
#define PUBLIC_SYSCTL_H

#include <public/domctl.h>

#define XEN_SYSCTL_INTERFACE_VERSION 0x15

#define XEN_SYSCTL_readconsole        1
#define XEN_SYSCTL_physinfo           3
#define XEN_SYSCTL_sched_id           4
#define XEN_SYSCTL_getdomaininfolist  6
#define XEN_SYSCTL_debug_keys         7
#define XEN_SYSCTL_cputopoinfo       16
#define XEN_SYSCTL_numainfo          17
#define XEN_SYSCTL_cpupool_op        18
#define XEN_SYSCTL_scheduler_op      19
#define XEN_SYSCTL_pcitopoinfo       22

/* XEN_SYSCTL_debug_keys: keys as if typed at the hypervisor's console (xl debug-keys). */
struct xen_sysctl_debug_keys {
	uint64_t keys;			/* guest handle: the characters */
	uint32_t nr_keys;
};

/* XEN_SYSCTL_readconsole: the hypervisor's console history (xl dmesg). */
struct xen_sysctl_readconsole {
	uint8_t clear;			/* forget what was read */
	uint8_t incremental;		/* start at index (if still kept) */
	uint8_t pad0, pad1;
	uint32_t index;			/* in: where to start; out: where the read stopped */
	uint64_t buffer;		/* guest handle: char[] */
	uint32_t count;			/* in: buffer size; out: bytes written */
};

/* XEN_SYSCTL_physinfo */
#define XEN_SYSCTL_PHYSCAP_hvm        (1u << 0)
#define XEN_SYSCTL_PHYSCAP_pv         (1u << 1)
#define XEN_SYSCTL_PHYSCAP_directio   (1u << 2)
#define XEN_SYSCTL_PHYSCAP_hap        (1u << 3)
#define XEN_SYSCTL_PHYSCAP_shadow     (1u << 4)
#define XEN_SYSCTL_PHYSCAP_iommu_hap_pt_share (1u << 5)
#define XEN_SYSCTL_PHYSCAP_vmtrace    (1u << 6)
#define XEN_SYSCTL_PHYSCAP_vpmu       (1u << 7)
#define XEN_SYSCTL_PHYSCAP_gnttab_v1  (1u << 8)
#define XEN_SYSCTL_PHYSCAP_gnttab_v2  (1u << 9)

struct xen_sysctl_physinfo {
	uint32_t threads_per_core;
	uint32_t cores_per_socket;
	uint32_t nr_cpus;		/* online */
	uint32_t max_cpu_id;
	uint32_t nr_nodes;
	uint32_t max_node_id;
	uint32_t cpu_khz;
	uint32_t capabilities;		/* XEN_SYSCTL_PHYSCAP_* */
	uint32_t arch_capabilities;
	uint32_t pad;
	uint64_t total_pages;
	uint64_t free_pages;
	uint64_t scrub_pages;
	uint64_t outstanding_pages;
	uint64_t max_mfn;
	uint32_t hw_cap[8];
};

/* XEN_SYSCTL_sched_id */
struct xen_sysctl_sched_id {
	uint32_t sched_id;		/* XEN_SCHEDULER_* */
};

/* XEN_SYSCTL_getdomaininfolist */
struct xen_sysctl_getdomaininfolist {
	domid_t first_domain;
	uint32_t max_domains;
	uint64_t buffer;		/* guest handle: struct xen_domctl_getdomaininfo[] */
	uint32_t num_domains;
};

/* XEN_SYSCTL_cputopoinfo: a NULL cputopo handle asks how many CPUs there are. */
#define XEN_INVALID_CORE_ID   (~0u)
#define XEN_INVALID_SOCKET_ID (~0u)
#define XEN_INVALID_NODE_ID   (~0u)
struct xen_sysctl_cputopo {
	uint32_t core;
	uint32_t socket;
	uint32_t node;
};

struct xen_sysctl_cputopoinfo {
	uint32_t num_cpus;
	uint64_t cputopo;		/* guest handle: struct xen_sysctl_cputopo[] */
};

/* XEN_SYSCTL_numainfo: both handles NULL asks how many nodes there are. */
struct xen_sysctl_meminfo {
	uint64_t memsize;
	uint64_t memfree;
};

struct xen_sysctl_numainfo {
	uint32_t num_nodes;
	uint64_t meminfo;		/* guest handle: struct xen_sysctl_meminfo[] */
	uint64_t distance;		/* guest handle: uint32_t[num_nodes * num_nodes] */
};

/* XEN_SYSCTL_cpupool_op */
#define XEN_SYSCTL_CPUPOOL_OP_CREATE     1
#define XEN_SYSCTL_CPUPOOL_OP_DESTROY    2
#define XEN_SYSCTL_CPUPOOL_OP_INFO       3
#define XEN_SYSCTL_CPUPOOL_OP_ADDCPU     4
#define XEN_SYSCTL_CPUPOOL_OP_RMCPU      5
#define XEN_SYSCTL_CPUPOOL_OP_MOVEDOMAIN 6
#define XEN_SYSCTL_CPUPOOL_OP_FREEINFO   7
struct xen_sysctl_cpupool_op {
	uint32_t op;
	uint32_t cpupool_id;
	uint32_t sched_id;
	uint32_t domid;
	uint32_t cpu;
	uint32_t n_dom;
	struct xenctl_bitmap cpumap;
};

/* XEN_SYSCTL_scheduler_op */
#define XEN_SYSCTL_SCHEDOP_putinfo 0
#define XEN_SYSCTL_SCHEDOP_getinfo 1
#define XEN_SYSCTL_SCHED_RATELIMIT_MAX 500000
#define XEN_SYSCTL_SCHED_RATELIMIT_MIN 100
#define XEN_SYSCTL_CSCHED_TSLICE_MAX   1000
#define XEN_SYSCTL_CSCHED_TSLICE_MIN   1
#define XEN_SYSCTL_CSCHED_MGR_DLY_MAX_US (100 * 1000)

struct xen_sysctl_credit_schedule {
	uint32_t tslice_ms;
	uint32_t ratelimit_us;		/* 0: no rate limit */
	uint32_t vcpu_migr_delay_us;
};

struct xen_sysctl_scheduler_op {
	uint32_t cpupool_id;
	uint32_t sched_id;		/* XEN_SCHEDULER_* */
	uint32_t cmd;			/* XEN_SYSCTL_SCHEDOP_* */
	union {
		uint64_t sched_arinc653;	/* guest handle; sets the union's alignment */
		struct xen_sysctl_credit_schedule sched_credit;
	} u;
};

struct xen_sysctl {
	uint32_t cmd;
	uint32_t interface_version;	/* XEN_SYSCTL_INTERFACE_VERSION */
	union {
		struct xen_sysctl_readconsole readconsole;
		struct xen_sysctl_physinfo physinfo;
		struct xen_sysctl_sched_id sched_id;
		struct xen_sysctl_getdomaininfolist getdomaininfolist;
		struct xen_sysctl_debug_keys debug_keys;
		struct xen_sysctl_cputopoinfo cputopoinfo;
		struct xen_sysctl_numainfo numainfo;
		struct xen_sysctl_cpupool_op cpupool_op;
		struct xen_sysctl_scheduler_op scheduler_op;
		uint8_t pad[128];
	} u;
};

_Static_assert(sizeof(struct xen_sysctl_debug_keys) == 16 &&
	       offsetof(struct xen_sysctl_debug_keys, nr_keys) == 8, "xen_sysctl_debug_keys layout");
_Static_assert(sizeof(struct xen_sysctl_readconsole) == 24 &&
	       offsetof(struct xen_sysctl_readconsole, count) == 16, "xen_sysctl_readconsole layout");
_Static_assert(sizeof(struct xen_sysctl_physinfo) == 112 &&
	       offsetof(struct xen_sysctl_physinfo, total_pages) == 40, "xen_sysctl_physinfo layout");
_Static_assert(sizeof(struct xen_sysctl_getdomaininfolist) == 24,
	       "xen_sysctl_getdomaininfolist layout");
_Static_assert(sizeof(struct xen_sysctl_cputopoinfo) == 16 &&
	       sizeof(struct xen_sysctl_cputopo) == 12, "xen_sysctl_cputopoinfo layout");
_Static_assert(sizeof(struct xen_sysctl_numainfo) == 24, "xen_sysctl_numainfo layout");
_Static_assert(sizeof(struct xen_sysctl_cpupool_op) == 40, "xen_sysctl_cpupool_op layout");
_Static_assert(sizeof(struct xen_sysctl_scheduler_op) == 32 &&
	       offsetof(struct xen_sysctl_scheduler_op, u) == 16, "xen_sysctl_scheduler_op layout");
_Static_assert(offsetof(struct xen_sysctl, u) == 8 && sizeof(struct xen_sysctl) == 136,
	       "xen_sysctl layout");

#endif
