/*
 * Reading the host device tree: RAM, CPUs, the hypervisor command line and
 * the dom0less domain nodes, as Xen's docs/misc/arm/device-tree/booting.txt
 * describes them.  The interrupt controller, firmware and console UART are
 * the architecture's to find (arch_platform_init(), arch_console_init()).
 */
#include <domus/boot_dt.h>
#include <libfdt.h>

static uint64_t read_cells(const fdt32_t *p, int cells)
{
	uint64_t v = 0;

	for (int i = 0; i < cells; i++)
		v = (v << 32) | fdt32_to_cpu(p[i]);
	return v;
}

bool boot_dt_read_reg(const void *fdt, int node, int idx, uint64_t *base, uint64_t *size)
{
	int parent = fdt_parent_offset(fdt, node);
	int ac = parent >= 0 ? fdt_address_cells(fdt, parent) : 2;
	int sc = parent >= 0 ? fdt_size_cells(fdt, parent) : 1;
	int len;
	const fdt32_t *reg = fdt_getprop(fdt, node, "reg", &len);

	if (!reg || ac < 1 || ac > 2 || sc < 0 || sc > 2 ||
	    len < (idx + 1) * (ac + sc) * 4)
		return false;
	reg += idx * (ac + sc);
	*base = read_cells(reg, ac);
	*size = read_cells(reg + ac, sc);
	return true;
}

bool boot_dt_read_range(const void *fdt, int node, int idx, uint64_t *parent, uint64_t *size)
{
	int pnode = fdt_parent_offset(fdt, node);
	int ac = pnode >= 0 ? fdt_address_cells(fdt, pnode) : 2;
	int cac = fdt_address_cells(fdt, node), csc = fdt_size_cells(fdt, node), len;
	const fdt32_t *r = fdt_getprop(fdt, node, "ranges", &len);
	int step = cac + ac + csc;

	if (!r || ac < 1 || ac > 2 || cac < 1 || cac > 3 || csc < 1 || csc > 2 ||
	    len < (idx + 1) * step * 4)
		return false;
	r += idx * step;
	*parent = read_cells(r + cac, ac);
	*size = read_cells(r + cac + ac, csc);
	return true;
}

void boot_dt_copy_string(const void *fdt, int node, const char *name, char *dst, size_t size)
{
	int len;
	const char *s = fdt_getprop(fdt, node, name, &len);

	if (!s || len <= 0)
		return;
	len = (int)strnlen(s, MIN((size_t)len, size - 1));
	memcpy(dst, s, len);
	dst[len] = '\0';
}

static const char *parse_memory(const void *fdt, struct boot_info *bi)
{
	int node;

	fdt_for_each_subnode(node, fdt, 0) {
		const char *type = fdt_getprop(fdt, node, "device_type", NULL);
		uint64_t base, size;

		if (!type || strcmp(type, "memory"))
			continue;
		for (int i = 0; boot_dt_read_reg(fdt, node, i, &base, &size); i++) {
			if (!size)
				continue;
			if (bi->nr_ram == BOOT_MAX_RAM_BANKS)
				return "too many RAM banks";
			bi->ram[bi->nr_ram++] = (struct boot_module){ base, size };
		}
	}
	return bi->nr_ram ? NULL : "no memory node";
}

/* The hardware id of a CPU node (device_type "cpu"): its reg. */
static bool cpu_hwid(const void *fdt, int node, uint64_t *hwid)
{
	const char *type = fdt_getprop(fdt, node, "device_type", NULL);
	const fdt32_t *reg;
	uint64_t unused;
	int len;

	if (!type || strcmp(type, "cpu"))
		return false;
	if (boot_dt_read_reg(fdt, node, 0, hwid, &unused))
		return true;
	reg = fdt_getprop(fdt, node, "reg", &len);
	if (!reg || len < 4)
		return false;
	*hwid = read_cells(reg, len >= 8 ? 2 : 1);
	return true;
}

static const char *parse_cpus(const void *fdt, struct boot_info *bi)
{
	int cpus = fdt_path_offset(fdt, "/cpus"), node;

	if (cpus < 0)
		return "no /cpus node";
	fdt_for_each_subnode(node, fdt, cpus) {
		uint64_t hwid;

		if (bi->nr_cpus < NR_CPUS && cpu_hwid(fdt, node, &hwid))
			bi->cpu_hwid[bi->nr_cpus++] = hwid;
	}
	return bi->nr_cpus ? NULL : "no CPU in /cpus";
}

static bool module_is(const void *fdt, int node, const char *compat)
{
	return fdt_node_check_compatible(fdt, node, compat) == 0;
}

/* Xen's module compatibles, with the older names of kernel and ramdisk. */
static bool is_module(const void *fdt, int node)
{
	return module_is(fdt, node, "multiboot,module") || module_is(fdt, node, "multiboot,kernel") ||
	       module_is(fdt, node, "multiboot,ramdisk") || module_is(fdt, node, "xen,multiboot-module") ||
	       module_is(fdt, node, "xen,linux-zimage") || module_is(fdt, node, "xen,linux-initrd");
}

static void set_error(struct boot_domain *bd, const char *msg)
{
	if (!bd->error[0])
		snprintf(bd->error, sizeof(bd->error), "%s", msg);
}

/* A command line: one NUL-ended string that fits, or the domain's error, naming the property. */
static void copy_bootargs(const void *fdt, int node, const char *name, struct boot_domain *bd)
{
	char msg[96];
	int len;
	const char *s = fdt_getprop(fdt, node, name, &len);

	if (!s)
		return;
	if (len <= 0 || s[len - 1] || strnlen(s, (size_t)len) != (size_t)len - 1)
		snprintf(msg, sizeof(msg), "%s is not one NUL-ended string", name);
	else if ((size_t)len > sizeof(bd->bootargs))
		snprintf(msg, sizeof(msg), "%s is longer than %u bytes", name,
			 (unsigned)sizeof(bd->bootargs) - 1);
	else {
		memcpy(bd->bootargs, s, (size_t)len);
		return;
	}
	set_error(bd, msg);
}

static void parse_module(const void *fdt, int node, struct boot_domain *bd, unsigned index)
{
	struct boot_module m;
	bool kernel = module_is(fdt, node, "multiboot,kernel") || module_is(fdt, node, "xen,linux-zimage");
	bool ramdisk = module_is(fdt, node, "multiboot,ramdisk") ||
		       module_is(fdt, node, "xen,linux-initrd");

	if (!is_module(fdt, node))
		return;
	/* A module that names no role is the kernel if first, the ramdisk if second. */
	if (!kernel && !ramdisk) {
		kernel = index == 0;
		ramdisk = index == 1;
	}
	if (!boot_dt_read_reg(fdt, node, 0, &m.base, &m.size) || !m.size) {
		set_error(bd, "a module has no valid reg property");
		return;
	}
	if (kernel) {
		bd->kernel = m;
		copy_bootargs(fdt, node, "bootargs", bd);
	} else if (ramdisk) {
		bd->ramdisk = m;
	}
}

static void parse_action(const void *fdt, int node, const char *name,
			 enum domain_action *out, struct boot_domain *bd)
{
	static const char *const names[] = { "destroy", "restart", "preserve" };
	const char *v = fdt_getprop(fdt, node, name, NULL);
	char msg[96];

	if (!v)
		return;
	for (unsigned i = 0; i < ARRAY_SIZE(names); i++) {
		if (!strcmp(v, names[i])) {
			*out = (enum domain_action)i;
			return;
		}
	}
	snprintf(msg, sizeof(msg), "%s must be \"destroy\", \"restart\" or \"preserve\"", name);
	set_error(bd, msg);
}

/* Weight 256 (Xen's) and every CPU, unless the node says otherwise. */
static void default_scheduling(struct boot_domain *bd)
{
	bd->weight = 256;
	for (unsigned i = 0; i < MAX_VCPUS; i++)
		bd->affinity[i] = ~0ull;
}

static void parse_scheduling(const void *fdt, int node, struct boot_domain *bd)
{
	int len;
	const fdt32_t *p;

	default_scheduling(bd);
	p = fdt_getprop(fdt, node, "domus,weight", &len);
	if (p && len == 4 && fdt32_to_cpu(*p) >= 1 && fdt32_to_cpu(*p) <= 65535)
		bd->weight = fdt32_to_cpu(*p);
	else if (p)
		set_error(bd, "domus,weight must be one cell between 1 and 65535");
	p = fdt_getprop(fdt, node, "domus,cap", &len);
	if (p && len == 4)
		bd->cap = fdt32_to_cpu(*p);
	else if (p)
		set_error(bd, "domus,cap must be one cell (percent of one CPU)");
	p = fdt_getprop(fdt, node, "domus,vcpu-affinity", &len);
	if (p && len >= 4 && len % 4 == 0) {
		/* One CPU mask per vCPU; the last one applies to the vCPUs after it. */
		for (unsigned i = 0; i < MAX_VCPUS; i++)
			bd->affinity[i] = fdt32_to_cpu(p[MIN(i, (unsigned)len / 4 - 1)]);
	} else if (p) {
		set_error(bd, "domus,vcpu-affinity must be a list of CPU masks");
	}
	parse_action(fdt, node, "domus,on-poweroff", &bd->on_poweroff, bd);
	bd->on_reboot = ACTION_RESTART;
	parse_action(fdt, node, "domus,on-reboot", &bd->on_reboot, bd);
	parse_action(fdt, node, "domus,on-crash", &bd->on_crash, bd);
}

static void parse_domain(const void *fdt, int node, struct boot_domain *bd)
{
	int len, sub;
	unsigned index = 0;
	const fdt32_t *p;
	const char *name = fdt_get_name(fdt, node, NULL);

	snprintf(bd->name, sizeof(bd->name), "%s", name ? name : "domU");
	bd->cpus = 1;
	p = fdt_getprop(fdt, node, "memory", &len);
	if (p && (len == 4 || len == 8))
		bd->mem_kib = read_cells(p, len / 4);
	else
		set_error(bd, "no valid \"memory\" property (KiB)");
	p = fdt_getprop(fdt, node, "cpus", &len);
	if (p && len == 4)
		bd->cpus = fdt32_to_cpu(*p);
	else if (p)
		set_error(bd, "malformed \"cpus\" property");
	bd->vpl011 = fdt_getprop(fdt, node, "vpl011", NULL) != NULL;
	bd->xen_enhanced = fdt_getprop(fdt, node, "xen,enhanced", NULL) != NULL;
	parse_scheduling(fdt, node, bd);
	copy_bootargs(fdt, node, "bootargs", bd);
	fdt_for_each_subnode(sub, fdt, node) {
		if (is_module(fdt, sub))
			parse_module(fdt, sub, bd, index++);
	}
	if (!bd->kernel.size)
		set_error(bd, "no kernel module (compatible \"multiboot,kernel\")");
	if (!bd->cpus)
		set_error(bd, "\"cpus\" is 0");
}

/*
 * Dom0: the modules directly under /chosen, as a boot loader hands Xen its
 * Dom0.  Its command line is xen,dom0-bootargs, else the kernel module's
 * bootargs, else /chosen/bootargs when that is not Domus's own.
 */
static void parse_dom0(const void *fdt, int chosen, struct boot_info *bi)
{
	struct boot_domain *bd = &bi->dom0;
	unsigned index = 0;
	int node;

	fdt_for_each_subnode(node, fdt, chosen)
		if (is_module(fdt, node))
			parse_module(fdt, node, bd, index++);
	if (!index)
		return;
	bi->has_dom0 = true;
	bd->dom0 = bd->xen_enhanced = true;
	snprintf(bd->name, sizeof(bd->name), "Domain-0");
	default_scheduling(bd);
	if (!bd->bootargs[0] && fdt_getprop(fdt, chosen, "xen,xen-bootargs", NULL))
		copy_bootargs(fdt, chosen, "bootargs", bd);
	copy_bootargs(fdt, chosen, "xen,dom0-bootargs", bd);
	if (!bd->kernel.size)
		set_error(bd, "no kernel module (compatible \"multiboot,kernel\")");
}

/* Whether a boot-time pool read so far (the one being read too) has this CPU. */
static bool in_a_pool(const struct boot_info *bi, uint64_t hwid)
{
	for (unsigned k = 0; k <= bi->nr_cpupools && k < NR_CPUS; k++)
		for (unsigned i = 0; i < bi->cpupools[k].nr_cpus; i++)
			if (bi->cpupools[k].cpu_hwid[i] == hwid)
				return true;
	return false;
}

const char *boot_cpupool_error(const struct boot_cpupool *p, const char *what)
{
	static char msg[96];

	snprintf(msg, sizeof(msg), "/chosen/%s: %s", p->node, what);
	return msg;
}

static const char *parse_cpupool(const void *fdt, int node, struct boot_info *bi)
{
	struct boot_cpupool *p = &bi->cpupools[bi->nr_cpupools];
	const fdt32_t *cells;
	int len;

	snprintf(p->node, sizeof(p->node), "%s", fdt_get_name(fdt, node, NULL));
	boot_dt_copy_string(fdt, node, "cpupool-sched", p->sched, sizeof(p->sched));
	cells = fdt_getprop(fdt, node, "cpupool-cpus", &len);
	if (!cells || len < 4 || len % 4)
		return boot_cpupool_error(p, "cpupool-cpus is missing or empty");
	for (int i = 0; i < len / 4; i++) {
		int cpu = fdt_node_offset_by_phandle(fdt, fdt32_to_cpu(cells[i]));
		uint64_t hwid;

		if (cpu < 0 || !cpu_hwid(fdt, cpu, &hwid))
			return boot_cpupool_error(p, "cpupool-cpus names a node that is not a CPU");
		if (in_a_pool(bi, hwid))
			return boot_cpupool_error(p, "a CPU of cpupool-cpus is in a pool already");
		if (p->nr_cpus == NR_CPUS)
			return boot_cpupool_error(p, "more CPUs than Domus runs on");
		p->cpu_hwid[p->nr_cpus++] = hwid;
	}
	bi->nr_cpupools++;
	return NULL;
}

/* domain-cpupool: which pool node (a child of /chosen) the domain starts in. */
static void parse_domain_pool(const void *fdt, int node, int chosen,
			      const struct boot_info *bi, struct boot_domain *bd)
{
	const fdt32_t *p = fdt_getprop(fdt, node, "domain-cpupool", NULL);
	int pool = p ? fdt_node_offset_by_phandle(fdt, fdt32_to_cpu(*p)) : -1;
	const char *name = pool >= 0 ? fdt_get_name(fdt, pool, NULL) : NULL;

	bd->dt_cpupool = -1;
	if (!p)
		return;
	for (unsigned k = 0; name && fdt_parent_offset(fdt, pool) == chosen && k < bi->nr_cpupools;
	     k++)
		if (!strcmp(bi->cpupools[k].node, name))
			bd->dt_cpupool = (int)k;
	if (bd->dt_cpupool < 0)
		set_error(bd, "domain-cpupool does not name a xen,cpupool node of /chosen");
}

static const char *parse_chosen(const void *fdt, struct boot_info *bi)
{
	int chosen = fdt_path_offset(fdt, "/chosen"), node;
	const char *err;

	if (chosen < 0)
		return NULL;
	boot_dt_copy_string(fdt, chosen, "bootargs", bi->cmdline, sizeof(bi->cmdline));
	boot_dt_copy_string(fdt, chosen, "xen,xen-bootargs", bi->cmdline, sizeof(bi->cmdline));
	parse_dom0(fdt, chosen, bi);
	bi->dom0.dt_cpupool = -1;
	fdt_for_each_subnode(node, fdt, chosen) {
		if (fdt_node_check_compatible(fdt, node, "xen,cpupool"))
			continue;
		if (bi->nr_cpupools == NR_CPUS)
			return "more xen,cpupool nodes in /chosen than Domus runs on CPUs";
		if ((err = parse_cpupool(fdt, node, bi)))
			return err;
	}
	fdt_for_each_subnode(node, fdt, chosen) {
		struct boot_domain *bd = &bi->domains[bi->nr_domains];

		if (fdt_node_check_compatible(fdt, node, "xen,domain"))
			continue;
		if (bi->nr_domains == MAX_DOMAINS)
			break;
		parse_domain(fdt, node, bd);
		parse_domain_pool(fdt, node, chosen, bi, bd);
		bi->nr_domains++;
	}
	return NULL;
}

const char *boot_dt_parse(const void *fdt, struct boot_info *bi)
{
	const char *err;

	memset(bi, 0, sizeof(*bi));
	if (fdt_check_header(fdt))
		return "not a valid flattened device tree";
	if ((err = parse_memory(fdt, bi)) || (err = parse_cpus(fdt, bi)))
		return err;
	return parse_chosen(fdt, bi);
}
