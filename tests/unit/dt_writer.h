/*
 * A small device-tree writer for the unit tests (libfdt's sequential-write
 * API): a QEMU-virt-like board and Xen's dom0less nodes.
 */
#ifndef UNIT_DT_WRITER_H
#define UNIT_DT_WRITER_H

#include <stdarg.h>
#include <libfdt.h>

#include "unit.h"

static char fdt_buf[64 * 1024];

#define FDT(call) REQUIRE((call) == 0)

/* The root node, with its cell sizes. */
static inline void dt_begin(unsigned ac, unsigned sc)
{
	FDT(fdt_create(fdt_buf, sizeof(fdt_buf)));
	FDT(fdt_finish_reservemap(fdt_buf));
	FDT(fdt_begin_node(fdt_buf, ""));
	FDT(fdt_property_u32(fdt_buf, "#address-cells", ac));
	FDT(fdt_property_u32(fdt_buf, "#size-cells", sc));
	FDT(fdt_property_string(fdt_buf, "compatible", "linux,dummy-virt"));
}

static inline const void *dt_end(void)
{
	FDT(fdt_end_node(fdt_buf));
	FDT(fdt_finish(fdt_buf));
	return fdt_buf;
}

static inline void dt_node(const char *name)
{
	FDT(fdt_begin_node(fdt_buf, name));
}

static inline void dt_end_node(void)
{
	FDT(fdt_end_node(fdt_buf));
}

static inline void dt_str(const char *name, const char *val)
{
	FDT(fdt_property_string(fdt_buf, name, val));
}

/* A string list: "a\0b" with its length (sizeof of the literal). */
static inline void dt_strs(const char *name, const char *list, size_t len)
{
	FDT(fdt_property(fdt_buf, name, list, (int)len));
}
#define DT_STRS(name, lit) dt_strs(name, lit, sizeof(lit))

static inline void dt_empty(const char *name)
{
	FDT(fdt_property(fdt_buf, name, NULL, 0));
}

/* A property of n 32-bit cells. */
static inline void dt_cells(const char *name, unsigned n, ...)
{
	fdt32_t cells[16];
	va_list ap;

	REQUIRE(n <= 16);
	va_start(ap, n);
	for (unsigned i = 0; i < n; i++)
		cells[i] = cpu_to_fdt32(va_arg(ap, uint32_t));
	va_end(ap);
	FDT(fdt_property(fdt_buf, name, cells, n * sizeof(fdt32_t)));
}

/* ---- pieces of a host tree, as QEMU's virt machine describes them (2/2 cells) ---- */

static inline void dt_memory(uint64_t base, uint64_t size)
{
	char name[32];

	snprintf(name, sizeof(name), "memory@%" PRIx64, base);
	dt_node(name);
	dt_str("device_type", "memory");
	dt_cells("reg", 4, (uint32_t)(base >> 32), (uint32_t)base, (uint32_t)(size >> 32),
		 (uint32_t)size);
	dt_end_node();
}

static inline void dt_cpus(unsigned n)
{
	dt_node("cpus");
	dt_cells("#address-cells", 1, 1);
	dt_cells("#size-cells", 1, 0);
	for (unsigned i = 0; i < n; i++) {
		char name[16];

		snprintf(name, sizeof(name), "cpu@%u", i);
		dt_node(name);
		dt_str("device_type", "cpu");
		dt_str("compatible", "arm,cortex-a57");
		dt_str("enable-method", "psci");
		dt_cells("reg", 1, i);
		dt_end_node();
	}
	dt_end_node();
}

static inline void dt_gic(void)
{
	dt_node("intc@8000000");
	dt_str("compatible", "arm,gic-v3");
	dt_empty("interrupt-controller");
	dt_cells("#interrupt-cells", 1, 3);
	dt_cells("reg", 8, 0, 0x8000000, 0, 0x10000, 0, 0x80a0000, 0, 0xf60000);
	dt_end_node();
}

static inline void dt_psci(const char *method)
{
	dt_node("psci");
	DT_STRS("compatible", "arm,psci-1.0\0arm,psci-0.2\0arm,psci");
	dt_str("method", method);
	dt_end_node();
}

static inline void dt_pl011(void)
{
	dt_node("pl011@9000000");
	DT_STRS("compatible", "arm,pl011\0arm,primecell");
	dt_cells("reg", 4, 0, 0x9000000, 0, 0x1000);
	dt_cells("interrupts", 3, 0, 1, 4);
	dt_end_node();
}

/* memory, cpus, GIC, PSCI (hvc) and a PL011: everything but /chosen. */
static inline void dt_board(unsigned nr_cpus)
{
	dt_memory(0x40000000, 2 * GiB);
	dt_cpus(nr_cpus);
	dt_gic();
	dt_psci("hvc");
	dt_pl011();
}

/* A dom0less module node under a domain with 1/1 cells. */
static inline void dt_module(const char *name, const char *compat, size_t compat_len, uint32_t base,
		      uint32_t size, const char *bootargs)
{
	dt_node(name);
	dt_strs("compatible", compat, compat_len);
	dt_cells("reg", 2, base, size);
	if (bootargs)
		dt_str("bootargs", bootargs);
	dt_end_node();
}
#define KERNEL_COMPAT  "multiboot,kernel\0multiboot,module"
#define RAMDISK_COMPAT "multiboot,ramdisk\0multiboot,module"
#define MODULE_COMPAT  "multiboot,module"

/* A domain node with 1/1 cells, left open for its modules. */
static inline void dt_domain(const char *name, uint32_t mem_kib, uint32_t cpus)
{
	dt_node(name);
	dt_str("compatible", "xen,domain");
	dt_cells("#address-cells", 1, 1);
	dt_cells("#size-cells", 1, 1);
	dt_cells("memory", 2, 0, mem_kib);
	if (cpus)
		dt_cells("cpus", 1, cpus);
}

#endif
