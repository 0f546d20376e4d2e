/* What Domus learns from the device tree the boot loader hands it. */
#ifndef DOMUS_BOOT_DT_H
#define DOMUS_BOOT_DT_H

#include <domus/config.h>
#include <domus/lib.h>

#define BOOT_MAX_RAM_BANKS 4
#define BOOTARGS_MAX       1024

/* What happens when a domain powers off, reboots or crashes (Xen's on_* settings). */
enum domain_action { ACTION_DESTROY, ACTION_RESTART, ACTION_PRESERVE };

struct boot_module {
	uint64_t base;
	uint64_t size;
};

/* One dom0less domain node (/chosen/<name>, compatible "xen,domain"). */
struct boot_domain {
	char name[16];
	uint64_t mem_kib;
	unsigned cpus;
	bool vpl011;
	bool xen_enhanced;	/* a PV guest: Xen hypercalls, /hypervisor node */
	bool dom0;		/* the privileged domain: id 0, RAM mapped 1:1 */
	bool toolstack;		/* made by XEN_DOMCTL_createdomain: no images, RAM later */
	struct boot_module kernel;
	struct boot_module ramdisk;
	char bootargs[BOOTARGS_MAX];
	unsigned weight;	/* domus,weight (default 256) */
	unsigned cpupool;	/* the CPU pool it starts in (0 unless the toolstack says) */
	int dt_cpupool;		/* domain-cpupool: index in boot_info.cpupools, -1 if none */
	unsigned cap;		/* domus,cap: % of one CPU, 0 = none */
	uint64_t affinity[MAX_VCPUS];	/* domus,vcpu-affinity: CPU mask per vCPU */
	enum domain_action on_poweroff, on_reboot, on_crash;
	char error[160];	/* non-empty: the node is unusable, and why */
};

/* A boot-time CPU pool (/chosen/<name>, compatible "xen,cpupool"), as Xen 4.17's. */
struct boot_cpupool {
	char node[32];		/* its node's name, for messages */
	char sched[16];		/* cpupool-sched; empty: the default (sched=) */
	unsigned nr_cpus;
	uint64_t cpu_hwid[NR_CPUS];	/* cpupool-cpus: the hardware ids of its CPUs */
};

struct boot_info {
	struct boot_module ram[BOOT_MAX_RAM_BANKS];
	unsigned nr_ram;
	char cmdline[BOOTARGS_MAX];
	unsigned nr_domains;
	struct boot_domain domains[MAX_DOMAINS];
	bool has_dom0;		/* /chosen has modules of its own: they are Dom0's */
	struct boot_domain dom0;	/* memory and vCPUs come from the command line */
	unsigned nr_cpus;
	uint64_t cpu_hwid[NR_CPUS];	/* each /cpus node's reg: the CPU's hardware id */
	unsigned nr_cpupools;
	struct boot_cpupool cpupools[NR_CPUS];
};

/* Parses the host DT.  Returns NULL on success or a message saying what is wrong. */
const char *boot_dt_parse(const void *fdt, struct boot_info *bi);
/* reg entry idx of node, with the parent's cell sizes. */
bool boot_dt_read_reg(const void *fdt, int node, int idx, uint64_t *base, uint64_t *size);
/* ranges entry idx of a bus node: the window in its parent's addresses, and its size. */
bool boot_dt_read_range(const void *fdt, int node, int idx, uint64_t *parent, uint64_t *size);
/* A broken pool node stops the boot, as on Xen: the message names it (one buffer, reused). */
const char *boot_cpupool_error(const struct boot_cpupool *p, const char *what);
/* A string property, truncated to size; dst is left alone if there is none. */
void boot_dt_copy_string(const void *fdt, int node, const char *name, char *dst, size_t size);

#endif
