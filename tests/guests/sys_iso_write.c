/*
 * sys_iso_write: domain A of the isolation probe (tests/system/
 * test_isolation.py; also used by test_lifecycle.py and test_sched.py; not a
 * test by itself).  It writes the sys_iso_pattern.h pattern into every
 * 4 KiB page of its RAM above its own image, checks it reads back, then stays
 * alive (asleep in WFI on its timer) for HOLD_US while sys_iso_scan (domain B)
 * searches its own RAM for the pattern, and prints its verdict.
 */
#include "guest.h"
#include "sys_iso_pattern.h"

#define HOLD_US     6000000
#define PAGE        4096UL

extern char _end[];
static volatile unsigned int fired;

static void on_irq(unsigned int cpu, unsigned int intid)
{
    (void)cpu;
    if (intid == INTID_VTIMER) {
        write_sysreg(0, cntv_ctl_el0);
        isb();
        fired = 1;
    }
}

void test_main(void)
{
    struct mem_bank banks[4];
    unsigned int n = fdt_memory(banks, ARRAY_SIZE(banks));
    u64 from = ((u64)_end + 0x100000) & ~(PAGE - 1);       /* past image, stacks, DTB margin */
    u64 dtb = boot_dtb & ~(PAGE - 1), dtb_end = boot_dtb + fdt_totalsize();
    unsigned long copies = 0, bad = 0;

    CHECK(n > 0, "no /memory in the device tree");
    for (unsigned int b = 0; b < n; b++) {
        for (u64 a = banks[b].base; a + PAGE <= banks[b].base + banks[b].size; a += PAGE) {
            if (a < from || (a + PAGE > dtb && a < dtb_end))
                continue;
            volatile u64 *p = (volatile u64 *)a;
            for (unsigned int k = 0; k < ISO_WORDS; k++)
                p[k] = iso_word(k);
            copies++;
        }
    }
    dsb_sy();
    for (unsigned int b = 0; b < n; b++)
        for (u64 a = banks[b].base; a + PAGE <= banks[b].base + banks[b].size; a += PAGE)
            if (a >= from && !(a + PAGE > dtb && a < dtb_end) && !iso_match((volatile u64 *)a))
                bad++;
    printf("iso_write: pattern written to %lu pages\n", copies);
    CHECK(copies > 0, "no page to write the pattern to");
    CHECK(bad == 0, "%lu pages did not read the pattern back", bad);

    irq_set_handler(on_irq);
    gic_dist_init();
    gic_cpu_init();
    gic_enable_ppi(INTID_VTIMER);
    write_sysreg(ticks_from_us(HOLD_US), cntv_tval_el0);
    write_sysreg(CNT_CTL_ENABLE, cntv_ctl_el0);
    isb();
    wfi_until(&fired, 1);
    finish();
}
