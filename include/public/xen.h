/*
 * Xen 4.17's guest ABI on arm64: hypercall numbers, sub-operations and the
 * structures they take (Xen's xen/include/public headers).  Layouts are for AArch64
 * (LP64, little endian); sizes are checked at compile time below.
 */
#ifndef PUBLIC_XEN_H
#define PUBLIC_XEN_H

#include <stddef.h>
#include <stdint.h>

#define XEN_VERSION_MAJOR          4
#define XEN_VERSION_MINOR          17

/* Hypercall numbers (x16). */
#define __HYPERVISOR_platform_op       7
#define __HYPERVISOR_memory_op         12
#define __HYPERVISOR_multicall         13
#define __HYPERVISOR_xen_version       17
#define __HYPERVISOR_console_io        18
#define __HYPERVISOR_grant_table_op    20
#define __HYPERVISOR_vm_assist         21
#define __HYPERVISOR_vcpu_op           24
#define __HYPERVISOR_xsm_op            27
#define __HYPERVISOR_sched_op          29
#define __HYPERVISOR_event_channel_op  32
#define __HYPERVISOR_physdev_op        33
#define __HYPERVISOR_hvm_op            34
#define __HYPERVISOR_sysctl            35
#define __HYPERVISOR_domctl            36
#define __HYPERVISOR_hypfs_op          42
#define NR_HYPERCALLS                  64
#define HYPERCALL_MAX_ARGS             6	/* also a multicall entry's */

typedef uint16_t domid_t;
#define DOMID_SELF     0x7ff0u
#define DOMID_FIRST_RESERVED 0x7ff0u
#define DOMID_IO       0x7ff1u
#define DOMID_INVALID  0x7ff4u

/* xen_version */
#define XENVER_version             0
#define XENVER_extraversion        1
#define XENVER_compile_info        2
#define XENVER_capabilities        3
#define XENVER_changeset           4
#define XENVER_platform_parameters 5
#define XENVER_get_features        6
#define XENVER_pagesize            7
#define XENVER_guest_handle        8
#define XENVER_commandline         9
#define XENVER_build_id            10

#define XENFEAT_writable_page_tables     0
#define XENFEAT_auto_translated_physmap  2
#define XENFEAT_dom0                     11
#define XENFEAT_memory_op_vnode_supported 13
#define XENFEAT_ARM_SMCCC_supported      14
#define XENFEAT_not_direct_mapped        16
#define XENFEAT_direct_mapped            17

struct xen_feature_info {
	uint32_t submap_idx;
	uint32_t submap;
};

struct xen_compile_info {
	char compiler[64];
	char compile_by[16];
	char compile_domain[32];
	char compile_date[32];
};

/* memory_op */
#define XENMEM_increase_reservation 0
#define XENMEM_decrease_reservation 1
#define XENMEM_current_reservation  3
#define XENMEM_maximum_reservation  4
#define XENMEM_populate_physmap     6
#define XENMEM_add_to_physmap       7
#define XENMEM_maximum_gpfn         14
#define XENMEM_remove_from_physmap  15
#define XENMEM_SUBOP_MASK           0x3f
#define XENMEM_EXTENT_SHIFT         6	/* cmd >> 6: where a continued reservation resumes */

#define XENMAPSPACE_shared_info     0
#define XENMAPSPACE_grant_table     1
#define XENMAPSPACE_gmfn_foreign    4	/* another domain's page: the toolstack's mappings */
#define XENMEM_add_to_physmap_batch 23	/* Linux's add_to_physmap_range */
#define XENMEM_get_sharing_freed_pages  18
#define XENMEM_get_sharing_shared_pages 19
#define XENMEM_claim_pages          24
#define XENMEM_acquire_resource     28

/* XENMEM_acquire_resource: frames of another domain's resource, for the toolstack. */
#define XENMEM_resource_ioreq_server 0
#define XENMEM_resource_grant_table  1
#define XENMEM_resource_vmtrace_buf  2
#define XENMEM_resource_grant_table_id_shared 0
#define XENMEM_resource_grant_table_id_status 1
struct xen_mem_acquire_resource {
	domid_t domid;
	uint16_t type;
	uint32_t id;
	uint32_t nr_frames;		/* 0 with a NULL frame_list: how many there are (OUT) */
	uint32_t pad;
	uint64_t frame;			/* the first one */
	uint64_t frame_list;		/* guest handle: a translated caller's gfns to map them at */
};

/* XENMEM_add_to_physmap_batch: size pages of `space`, idxs[i] mapped at gpfns[i]. */
struct xen_add_to_physmap_batch {
	domid_t domid;
	uint16_t space;
	uint16_t size;
	domid_t foreign_domid;	/* gmfn_foreign; 0 for the other spaces */
	uint64_t idxs;		/* guest handle: xen_ulong_t[] */
	uint64_t gpfns;		/* guest handle: xen_pfn_t[] */
	uint64_t errs;		/* guest handle: int[], each entry's result */
};

struct xen_memory_reservation {
	uint64_t extent_start;	/* guest handle: u64 frames */
	uint64_t nr_extents;
	uint32_t extent_order;
	uint32_t mem_flags;
	domid_t domid;
	uint16_t pad[3];
};

struct xen_add_to_physmap {
	domid_t domid;
	uint16_t size;
	uint32_t space;
	uint64_t idx;
	uint64_t gpfn;
};

struct xen_remove_from_physmap {
	domid_t domid;
	uint16_t pad[3];
	uint64_t gpfn;
};

/* shared_info and vcpu_info */
#define XEN_LEGACY_MAX_VCPUS  1
#define EVTCHN_2L_NR_WORDS    64
#define EVTCHN_2L_NR_PORTS    (EVTCHN_2L_NR_WORDS * 64)

struct vcpu_time_info {
	uint32_t version;
	uint32_t pad0;
	uint64_t tsc_timestamp;
	uint64_t system_time;
	uint32_t tsc_to_system_mul;
	int8_t tsc_shift;
	uint8_t flags;
	uint8_t pad1[2];
};

struct vcpu_info {
	uint8_t evtchn_upcall_pending;
	uint8_t evtchn_upcall_mask;
	uint8_t pad[6];
	uint64_t evtchn_pending_sel;
	struct vcpu_time_info time;
};

struct shared_info {
	struct vcpu_info vcpu_info[XEN_LEGACY_MAX_VCPUS];
	uint64_t evtchn_pending[EVTCHN_2L_NR_WORDS];
	uint64_t evtchn_mask[EVTCHN_2L_NR_WORDS];
	uint32_t wc_version;
	uint32_t wc_sec;
	uint32_t wc_nsec;
	uint32_t wc_sec_hi;
};

/* vcpu_op */
#define VCPUOP_register_runstate_memory_area 5
#define VCPUOP_register_vcpu_info           10

struct vcpu_register_vcpu_info {
	uint64_t mfn;		/* a gfn, on translated guests */
	uint32_t offset;
	uint32_t rsvd;
};

struct vcpu_runstate_info {
	int32_t state;
	uint32_t pad;
	uint64_t state_entry_time;
	uint64_t time[4];
};
#define RUNSTATE_running  0
#define RUNSTATE_runnable 1
#define RUNSTATE_blocked  2
#define RUNSTATE_offline  3

/* vm_assist */
#define VMASST_CMD_enable   0
#define VMASST_CMD_disable  1
#define VMASST_TYPE_runstate_update_flag 5

/* sched_op */
#define SCHEDOP_yield         0
#define SCHEDOP_block         1
#define SCHEDOP_shutdown      2
#define SCHEDOP_poll          3
#define SCHEDOP_remote_shutdown 4
#define SCHEDOP_shutdown_code 5
#define SCHEDOP_watchdog      6

#define SHUTDOWN_poweroff  0
#define SHUTDOWN_reboot    1
#define SHUTDOWN_suspend   2
#define SHUTDOWN_crash     3
#define SHUTDOWN_watchdog  4
/* No code given yet: Xen's own marker, which the toolstack sees in getdomaininfo's flags. */
#define SHUTDOWN_CODE_INVALID (~0u)

struct sched_shutdown {
	uint32_t reason;
};

struct sched_watchdog {
	uint32_t id;			/* 0: a new one; else the one SCHEDOP_watchdog gave */
	uint32_t timeout;		/* seconds; 0 with an id: that one stops */
};

struct sched_remote_shutdown {
	domid_t domain_id;
	uint32_t reason;		/* SHUTDOWN_* */
};

struct sched_poll {
	uint64_t ports;		/* guest handle: u32 ports */
	uint32_t nr_ports;
	uint32_t pad;
	uint64_t timeout;
};

/* console_io */
#define CONSOLEIO_write 0
#define CONSOLEIO_read  1

/* hvm_op */
#define HVMOP_set_param 0
#define HVMOP_get_param 1

#define HVM_PARAM_CALLBACK_IRQ    0
#define HVM_PARAM_STORE_PFN       1
#define HVM_PARAM_STORE_EVTCHN    2
#define HVM_PARAM_CONSOLE_PFN     17
#define HVM_PARAM_CONSOLE_EVTCHN  18
#define HVM_PARAM_MONITOR_RING_PFN 28
#define HVM_NR_PARAMS             39

struct xen_hvm_param {
	domid_t domid;
	uint16_t pad;
	uint32_t index;
	uint64_t value;
};

/* event_channel_op */
#define EVTCHNOP_bind_interdomain 0
#define EVTCHNOP_bind_virq        1
#define EVTCHNOP_close            3
#define EVTCHNOP_send             4
#define EVTCHNOP_status           5
#define EVTCHNOP_alloc_unbound    6
#define EVTCHNOP_bind_ipi         7
#define EVTCHNOP_bind_vcpu        8
#define EVTCHNOP_unmask           9
#define EVTCHNOP_reset            10
#define EVTCHNOP_init_control     11

#define VIRQ_TIMER    0
#define VIRQ_DEBUG    1
#define VIRQ_CONSOLE  2
#define VIRQ_DOM_EXC  3
#define NR_VIRQS      24

#define EVTCHNSTAT_closed       0
#define EVTCHNSTAT_unbound      1
#define EVTCHNSTAT_interdomain  2
#define EVTCHNSTAT_pirq         3
#define EVTCHNSTAT_virq         4
#define EVTCHNSTAT_ipi          5

struct evtchn_alloc_unbound { domid_t dom, remote_dom; uint32_t port; };
struct evtchn_bind_interdomain { domid_t remote_dom; uint16_t pad; uint32_t remote_port; uint32_t local_port; };
struct evtchn_bind_virq { uint32_t virq; uint32_t vcpu; uint32_t port; };
struct evtchn_bind_ipi { uint32_t vcpu; uint32_t port; };
struct evtchn_port_op { uint32_t port; };	/* close, send, unmask */
struct evtchn_bind_vcpu { uint32_t port; uint32_t vcpu; };
struct evtchn_reset { domid_t dom; };
struct evtchn_status {
	domid_t dom;
	uint16_t pad;
	uint32_t port;
	uint32_t status;
	uint32_t vcpu;
	union {
		struct { domid_t dom; } unbound;
		struct { domid_t dom; uint16_t pad; uint32_t port; } interdomain;
		uint32_t virq;
	} u;
};

/* grant_table_op */
#define GNTTABOP_map_grant_ref     0
#define GNTTABOP_unmap_grant_ref   1
#define GNTTABOP_setup_table       2
#define GNTTABOP_copy              5
#define GNTTABOP_query_size        6
#define GNTTABOP_set_version       8
#define GNTTABOP_get_status_frames 9
#define GNTTABOP_get_version       10

#define GNTST_okay             0
#define GNTST_general_error    (-1)
#define GNTST_bad_domain       (-2)
#define GNTST_bad_gntref       (-3)
#define GNTST_bad_handle       (-4)
#define GNTST_bad_virt_addr    (-5)
#define GNTST_bad_dev_addr     (-6)
#define GNTST_no_device_space  (-7)
#define GNTST_permission_denied (-8)
#define GNTST_bad_page         (-9)
#define GNTST_bad_copy_arg     (-10)

#define GTF_type_mask        3u
#define GTF_permit_access    1u
#define GTF_readonly         (1u << 2)
#define GTF_reading          (1u << 3)
#define GTF_writing          (1u << 4)

#define GNTMAP_host_map      (1u << 1)
#define GNTMAP_readonly      (1u << 2)
#define GNTCOPY_source_gref  (1u << 0)
#define GNTCOPY_dest_gref    (1u << 1)

struct grant_entry_v1 {
	uint16_t flags;
	domid_t domid;
	uint32_t frame;
};

struct gnttab_map_grant_ref {
	uint64_t host_addr;
	uint32_t flags;
	uint32_t ref;
	domid_t dom;
	int16_t status;
	uint32_t handle;
	uint64_t dev_bus_addr;
};

struct gnttab_unmap_grant_ref {
	uint64_t host_addr;
	uint64_t dev_bus_addr;
	uint32_t handle;
	int16_t status;
	uint16_t pad;
};

struct gnttab_setup_table {
	domid_t dom;
	uint16_t pad;
	uint32_t nr_frames;
	int16_t status;
	uint16_t pad2[3];
	uint64_t frame_list;
};

struct gnttab_copy_ptr {
	union {
		uint32_t ref;
		uint64_t gmfn;
	} u;
	domid_t domid;
	uint16_t offset;
	uint32_t pad;
};

struct gnttab_copy {
	struct gnttab_copy_ptr source;
	struct gnttab_copy_ptr dest;
	uint16_t len;
	uint16_t flags;
	int16_t status;
	uint16_t pad;
};

struct gnttab_query_size {
	domid_t dom;
	uint16_t pad;
	uint32_t nr_frames;
	uint32_t max_nr_frames;
	int16_t status;
	uint16_t pad2;
};

struct gnttab_set_version { uint32_t version; };
struct gnttab_get_version { domid_t dom; uint16_t pad; uint32_t version; };
struct gnttab_get_status_frames {
	uint32_t nr_frames;
	domid_t dom;
	int16_t status;
	uint64_t frame_list;
};

/* The PV console ring (xen/include/public/io/console.h). */
struct xencons_interface {
	char in[1024];
	char out[2048];
	uint32_t in_cons, in_prod;
	uint32_t out_cons, out_prod;
};

_Static_assert(sizeof(struct vcpu_info) == 48, "vcpu_info is 48 bytes on Arm");
_Static_assert(sizeof(struct shared_info) == 1088, "shared_info layout");
_Static_assert(sizeof(struct xen_add_to_physmap) == 24, "xen_add_to_physmap layout");
_Static_assert(sizeof(struct xen_mem_acquire_resource) == 32 &&
	       offsetof(struct xen_mem_acquire_resource, frame) == 16, "acquire_resource layout");
_Static_assert(sizeof(struct xen_add_to_physmap_batch) == 32 &&
	       offsetof(struct xen_add_to_physmap_batch, idxs) == 8, "add_to_physmap_batch layout");
_Static_assert(sizeof(struct xen_remove_from_physmap) == 16, "remove_from_physmap layout");
_Static_assert(sizeof(struct xen_memory_reservation) == 32, "xen_memory_reservation layout");
_Static_assert(sizeof(struct evtchn_status) == 24, "evtchn_status layout");
_Static_assert(sizeof(struct gnttab_map_grant_ref) == 32, "gnttab_map_grant_ref layout");
_Static_assert(sizeof(struct gnttab_unmap_grant_ref) == 24, "gnttab_unmap_grant_ref layout");
_Static_assert(sizeof(struct gnttab_setup_table) == 24, "gnttab_setup_table layout");
_Static_assert(sizeof(struct gnttab_copy) == 40, "gnttab_copy layout");
_Static_assert(sizeof(struct gnttab_query_size) == 16, "gnttab_query_size layout");
_Static_assert(sizeof(struct xen_hvm_param) == 16, "xen_hvm_param layout");
_Static_assert(sizeof(struct vcpu_runstate_info) == 48, "vcpu_runstate_info layout");
_Static_assert(sizeof(struct sched_poll) == 24, "sched_poll layout");

/* platform_op: Xen 4.17 on Arm has XENPF_settime64 alone. */
#define XENPF_INTERFACE_VERSION 0x03000001
#define XENPF_settime64         62
struct xenpf_settime64 {
	uint64_t secs;
	uint32_t nsecs;
	uint32_t mbz;
	uint64_t system_time;
};
struct xen_platform_op {
	uint32_t cmd;
	uint32_t interface_version;	/* XENPF_INTERFACE_VERSION */
	union {
		struct xenpf_settime64 settime64;
		uint8_t pad[128];
	} u;
};
_Static_assert(sizeof(struct xen_platform_op) == 136, "xen_platform_op layout");

/* hypfs_op(cmd, path, path length, buffer, buffer size) */
#define XEN_HYPFS_VERSION             1
#define XEN_HYPFS_MAX_PATHLEN         1024
#define XEN_HYPFS_OP_get_version      0
#define XEN_HYPFS_OP_read             1
#define XEN_HYPFS_OP_write_contents   2
#define XEN_HYPFS_TYPE_DIR            0
#define XEN_HYPFS_TYPE_BLOB           1
#define XEN_HYPFS_TYPE_STRING         2
#define XEN_HYPFS_TYPE_UINT           3
#define XEN_HYPFS_TYPE_INT            4
#define XEN_HYPFS_TYPE_BOOL           5
#define XEN_HYPFS_ENC_PLAIN           0

/* What a read returns first; the contents follow it. */
struct xen_hypfs_direntry {
	uint8_t type;
	uint8_t encoding;
	uint16_t pad;
	uint32_t content_len;
	uint32_t max_write_len;		/* 0: read-only */
};
_Static_assert(sizeof(struct xen_hypfs_direntry) == 12, "xen_hypfs_direntry layout");

/* A directory's contents: one per entry, each at a 4-byte multiple after the last. */
struct xen_hypfs_dirlistentry {
	struct xen_hypfs_direntry e;
	uint16_t off_next;		/* to the next entry; 0 for the last */
	char name[];			/* NUL-terminated */
};
_Static_assert(offsetof(struct xen_hypfs_dirlistentry, name) == 14, "xen_hypfs_dirlistentry layout");

#endif
