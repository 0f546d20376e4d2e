/*
 * The body of sys_iso_a and sys_iso_b (tests/system/test_isolation.py; not
 * tests by themselves): two domains started together, each with
 * ISO_SELF = its own pattern side and ISO_PEER = the other's.
 *
 * Phase 1: write the own pattern into every 4 KiB page of own RAM above
 * the image (and not over the DTB); then, at every 2 MiB step of IPA from 0
 * to 4 GiB outside own RAM and outside the PL011 page, try to store a full
 * copy of the pattern: every store must fault (EC 0x25).  Prints
 * "<name>: phase 1 done".
 * Phase 2 (after DELAY_US, when the peer is done with its phase 1 too; the
 * test checks the order of the lines): print "<name>: scanning", search
 * every 8-byte-aligned IPA of own RAM for the peer's pattern, check that
 * every own page still holds the own pattern, and read every 2 MiB step
 * of 0..4 GiB outside own RAM: each load must fault, except the PL011 page.
 * PASS when nothing of the peer was found and nothing outside RAM was
 * readable or writable.
 *
 * Faults alternate with a PSCI_VERSION call, so Domus's "faulting in a loop"
 * detector (every exit a reflected fault, 10000 in a row) is not tripped.
 */
#include "guest.h"
#include "sys_iso_pattern.h"

#define DELAY_US    3000000
#define PAGE        4096UL
#define STEP        0x200000UL
#define IPA_END     0x100000000UL

extern char _end[];

static struct mem_bank banks[4];
static unsigned int nbanks;
static u64 from, dtb, dtb_end;

static bool in_ram(u64 a)
{
    for (unsigned int b = 0; b < nbanks; b++)
        if (a >= banks[b].base && a < banks[b].base + banks[b].size)
            return true;
    return false;
}

static bool is_device(u64 a)
{
    return a >= UART_BASE && a < UART_BASE + PAGE;
}

static bool own_page(u64 a)
{
    return a >= from && !(a + PAGE > dtb && a < dtb_end);
}

static void store64(u64 a, u64 v)
{
    asm volatile("str %0, [%1]" : : "r"(v), "r"(a) : "memory");
}

static void unfault(void)
{
    psci_call(PSCI_VERSION, 0, 0, 0);   /* an exit that is not a fault */
}

static void iso_mutual_main(void)
{
    unsigned long pages = 0, wrote = 0, stores = 0, readable = 0, probes = 0;
    unsigned long peer = 0, lost = 0, peer_out = 0;
    u64 first_w = 0, first_r = 0, first_peer = 0, first_lost = 0;

    nbanks = fdt_memory(banks, ARRAY_SIZE(banks));
    from = ((u64)_end + 0x100000) & ~(PAGE - 1);
    dtb = boot_dtb & ~(PAGE - 1);
    dtb_end = boot_dtb + fdt_totalsize();
    CHECK(nbanks > 0, "no /memory in the device tree");

    /* Phase 1a: own RAM. */
    for (unsigned int b = 0; b < nbanks; b++)
        for (u64 a = banks[b].base; a + PAGE <= banks[b].base + banks[b].size; a += PAGE)
            if (own_page(a)) {
                for (unsigned int k = 0; k < ISO_WORDS; k++)
                    ((volatile u64 *)a)[k] = iso_side_word(ISO_SELF, k);
                pages++;
            }
    dsb_sy();
    /* Phase 1b: stores everywhere else must fault. */
    for (u64 a = 0; a < IPA_END; a += STEP) {
        if (in_ram(a) || is_device(a))
            continue;
        probes++;
        for (unsigned int k = 0; k < ISO_WORDS; k++) {
            fault_expect();
            store64(a + 8 * k, iso_side_word(ISO_SELF, k));
            if (!fault_taken()) {
                if (!wrote++)
                    first_w = a + 8 * k;
            } else if (fault_last()->ec != EC_DABT_CUR) {
                info("store to 0x%lx: EC 0x%x, not a data abort", a + 8 * k, fault_last()->ec);
            }
            stores++;
        }
        unfault();
    }
    printf("%s: filled %lu pages of own RAM; %lu stores at %lu IPAs outside RAM, %lu not "
           "faulting\n", test_name, pages, stores, probes, wrote);
    printf("%s: phase 1 done\n", test_name);

    udelay(DELAY_US);

    /* Phase 2. */
    printf("%s: scanning\n", test_name);
    u64 ram = 0;
    for (unsigned int b = 0; b < nbanks; b++) {
        peer += iso_scan(ISO_PEER, banks[b].base, banks[b].size, &first_peer);
        ram += banks[b].size;
        for (u64 a = banks[b].base; a + PAGE <= banks[b].base + banks[b].size; a += PAGE)
            if (own_page(a) && !iso_side_match(ISO_SELF, (volatile u64 *)a)) {
                if (!lost++)
                    first_lost = a;
            }
    }
    for (u64 a = 0; a < IPA_END; a += STEP) {
        if (in_ram(a))
            continue;
        fault_expect();
        (void)mmio_read32(a);
        if (fault_taken()) {
            unfault();
            continue;
        }
        if (is_device(a))
            continue;
        if (!readable++)
            first_r = a;
        bool all = true;
        for (unsigned int k = 0; k < ISO_WORDS && all; k++) {
            fault_expect();
            u64 w = mmio_read64(a + 8 * k);
            all = !fault_taken() && w == iso_side_word(ISO_PEER, k);
        }
        peer_out += all;
        unfault();
    }
    printf("%s: scanned %lu MiB of own RAM: %lu copies of the peer's pattern, %lu own pages "
           "changed; %lu IPAs outside RAM readable, %lu with the peer's pattern\n",
           test_name, ram >> 20, peer, lost, readable, peer_out);
    CHECK(pages > 1000, "only %lu pages of own RAM to fill", pages);
    CHECK(wrote == 0, "%lu stores outside RAM did not fault (first at IPA 0x%lx)", wrote, first_w);
    CHECK(peer == 0, "the peer's pattern is visible in own RAM at IPA 0x%lx (%lu copies)",
          first_peer, peer);
    CHECK(lost == 0, "%lu own pages lost the pattern (first at IPA 0x%lx)", lost, first_lost);
    CHECK(readable == 0, "%lu IPAs outside RAM are readable (first 0x%lx)", readable, first_r);
    CHECK(peer_out == 0, "the peer's pattern is readable outside own RAM");
    finish();
}
