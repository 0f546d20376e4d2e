/*
 * The arm64 platform in the host device tree: the GICv3, the firmware's PSCI
 * conduit and the PL011 console UART.
 */
#include <asm/platform_dt.h>
#include <domus/boot_dt.h>
#include <libfdt.h>

static const char *find_gic(const void *fdt, struct platform *p)
{
	int node = fdt_node_offset_by_compatible(fdt, -1, "arm,gic-v3");

	if (node < 0)
		return "no GICv3 (compatible \"arm,gic-v3\"): Domus needs one";
	if (!boot_dt_read_reg(fdt, node, 0, &p->gicd, &p->gicd_size) ||
	    !boot_dt_read_reg(fdt, node, 1, &p->gicr, &p->gicr_size))
		return "GICv3 node has no distributor and redistributor regions";
	return NULL;
}

/* The firmware's PSCI conduit: SMC unless /psci says "hvc". */
static bool psci_uses_smc(const void *fdt)
{
	int node = fdt_path_offset(fdt, "/psci");
	const char *method = node >= 0 ? fdt_getprop(fdt, node, "method", NULL) : NULL;

	return !method || !strcmp(method, "smc");
}

const char *platform_dt_parse(const void *fdt, struct platform *p)
{
	memset(p, 0, sizeof(*p));
	p->psci_smc = psci_uses_smc(fdt);
	return find_gic(fdt, p);
}

static struct platform host;
static const void *host_fdt;
static uint64_t console_uart;

const char *platform_dt_init(const void *fdt)
{
	host_fdt = fdt;
	return platform_dt_parse(fdt, &host);
}

void platform_set_console(uint64_t base)
{
	console_uart = base;
}

uint64_t platform_console(void)
{
	return console_uart;
}

const struct platform *arm64_host(void)
{
	return &host;
}

const void *arm64_host_fdt(void)
{
	return host_fdt;
}

bool platform_dt_find_uart(const void *fdt, const char *name, uint64_t *base, uint32_t *intid)
{
	char path[128] = "";
	int node, len;
	uint64_t size;
	const fdt32_t *irq;

	if (name && name[0]) {
		snprintf(path, sizeof(path), "%s", name);
	} else {
		int chosen = fdt_path_offset(fdt, "/chosen");
		if (chosen >= 0)
			boot_dt_copy_string(fdt, chosen, "stdout-path", path, sizeof(path));
		if (strchr(path, ':'))
			*strchr(path, ':') = '\0';
	}
	node = path[0] == '/' ? fdt_path_offset(fdt, path) : -1;
	if (node < 0 && path[0]) {
		const char *alias = fdt_get_alias(fdt, path);
		node = alias ? fdt_path_offset(fdt, alias) : -1;
	}
	if (node < 0 && !(name && name[0]))
		node = fdt_node_offset_by_compatible(fdt, -1, "arm,pl011");
	if (node < 0 || fdt_node_check_compatible(fdt, node, "arm,pl011") ||
	    !boot_dt_read_reg(fdt, node, 0, base, &size))
		return false;
	irq = fdt_getprop(fdt, node, "interrupts", &len);
	*intid = irq && len >= 12 ? fdt32_to_cpu(irq[1]) + (fdt32_to_cpu(irq[0]) ? 16 : 32) : 0;
	return true;
}

/* The lowest address at or above `from` where a root-level node's reg or ranges begins. */
static uint64_t next_used(const void *fdt, uint64_t from, uint64_t limit)
{
	uint64_t next = limit, base, size;
	int node;

	fdt_for_each_subnode(node, fdt, 0) {
		for (int i = 0; boot_dt_read_reg(fdt, node, i, &base, &size); i++)
			if (base + size > from)
				next = MIN(next, MAX(base, from));
		for (int i = 0; boot_dt_read_range(fdt, node, i, &base, &size); i++)
			if (base + size > from)
				next = MIN(next, MAX(base, from));
	}
	return next;
}

bool platform_dt_free_above_ram(const void *fdt, uint64_t limit, uint64_t *base, uint64_t *size)
{
	uint64_t top = 0, b, sz;
	int node;

	fdt_for_each_subnode(node, fdt, 0) {
		const char *type = fdt_getprop(fdt, node, "device_type", NULL);
		for (int i = 0; type && !strcmp(type, "memory") &&
				boot_dt_read_reg(fdt, node, i, &b, &sz); i++)
			top = MAX(top, b + sz);
	}
	*base = ALIGN_UP(top, 2 * MiB);
	if (*base >= limit)
		return false;
	*size = ALIGN_DOWN(next_used(fdt, *base, limit), 2 * MiB);
	if (*size <= *base)
		return false;
	*size -= *base;
	return true;
}
