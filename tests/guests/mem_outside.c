/*
 * mem_outside: loads and stores to IPAs that are neither guest RAM nor an
 * emulated device must come back as a synchronous data abort (EC 0x25) at
 * the guest's vector, and a load must return no data.  Among them are the
 * host's physical UART and GIC distributor addresses, which must not reach
 * the real devices.
 *
 * The end of RAM comes from the /memory node of the device tree at x0.
 */
#include "guest.h"

#define SENTINEL 0x5eeded5eeded5eedUL

static u64 ram_end(void)
{
    struct mem_bank b[4];
    unsigned int n = fdt_memory(b, 4);

    if (!n)
        fail("no /memory node in the device tree");
    for (unsigned int i = 0; i < n; i++)
        if (b[i].base == GUEST_RAM_BASE)
            return b[i].base + b[i].size;
    fail("no memory bank at 0x%lx", GUEST_RAM_BASE);
}

static void probe_read(u64 addr)
{
    u64 v = SENTINEL;

    fault_expect();
    asm volatile("ldr %0, [%1]" : "+r"(v) : "r"(addr) : "memory");
    bool taken = fault_taken();
    const struct fault_info *f = fault_last();

    if (!taken) {
        check_failed(__FILE__, __LINE__, "read 0x%lx did not fault (got 0x%lx)", addr, v);
        return;
    }
    info("read  0x%09lx: EC 0x%x DFSC 0x%02lx FAR 0x%lx", addr, f->ec, ESR_DABT_DFSC(f->esr),
         f->far);
    CHECK(f->ec == EC_DABT_CUR, "read 0x%lx: EC 0x%x, want 0x25", addr, f->ec);
    CHECK((f->esr & ESR_DABT_FNV) || f->far == addr, "read 0x%lx: FAR 0x%lx", addr, f->far);
    CHECK(v == SENTINEL, "read 0x%lx faulted but loaded 0x%lx", addr, v);
}

static void probe_write(u64 addr)
{
    fault_expect();
    asm volatile("str %w0, [%1]" : : "r"('X'), "r"(addr) : "memory");
    bool taken = fault_taken();
    const struct fault_info *f = fault_last();

    CHECK(taken, "write 0x%lx did not fault", addr);
    if (!taken)
        return;
    info("write 0x%09lx: EC 0x%x DFSC 0x%02lx WnR %lu", addr, f->ec, ESR_DABT_DFSC(f->esr),
         (f->esr & ESR_DABT_WNR) >> 6);
    CHECK(f->ec == EC_DABT_CUR, "write 0x%lx: EC 0x%x, want 0x25", addr, f->ec);
}

void test_main(void)
{
    u64 end = ram_end();
    info("guest RAM 0x%lx-0x%lx", GUEST_RAM_BASE, end - 1);

#ifdef BARE
    /* Plain QEMU virt has flash, GIC, UART and PCIe below RAM: probe the holes. */
    const u64 reads[] = { end, 0xc0000000UL, 0x100000000UL };
    const u64 writes[] = { end, 0x100000000UL };
#else
    const u64 reads[] = {
        0x0,            /* below everything */
        0x09000000,     /* the host's physical PL011 */
        0x08000000,     /* the host's physical GICD */
        0x10000000,     /* host PCIe window */
        end,            /* just past guest RAM */
        0xc0000000,
        0x100000000UL,
    };
    const u64 writes[] = { 0x09000000, 0x08000000, end };
#endif
    for (unsigned int i = 0; i < ARRAY_SIZE(reads); i++)
        probe_read(reads[i]);
    for (unsigned int i = 0; i < ARRAY_SIZE(writes); i++)
        probe_write(writes[i]);
}
