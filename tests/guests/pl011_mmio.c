/*
 * pl011_mmio: MMIO emulation of the virtual PL011 at every access size.
 *  - 8/16/32-bit loads of FR and of the PrimeCell ID registers
 *  - IMSC written with a 32-bit store, read back at 8/16/32 bits
 *  - sign-extending loads (ldrsb/ldrsh/ldrsw, X and W forms)
 *  - 8/16-bit stores to DR print characters ("info: narrow-store: AB")
 *  - a 64-bit load: emulated or a data abort, either is fine
 *  - loads/stores the hypervisor cannot decode from ESR (writeback, pair,
 *    ISV=0): emulated correctly or a data abort, never garbage
 *  - all of x0-x30 other than the destination survive an emulated access,
 *    including destinations x0, x29, x30 and the zero register
 */
#include "guest.h"

#define U               UART_BASE
#define DR              0x000
#define FR              0x018
#define CR              0x030
#define IMSC            0x038
#define PERIPHID0       0xfe0
#define CELLID0         0xff0

static const u8 cellid[4] = { 0x0d, 0xf0, 0x05, 0xb1 };

#define LOAD(insn, off) ({                                                    \
    u64 __v = 0x5a5a5a5a5a5a5a5aUL;                                           \
    asm volatile(insn ", [%1]" : "+r"(__v) : "r"(U + (off)) : "memory");   \
    __v; })

static void id_registers(void)
{
    u32 pid[4];
    for (unsigned int i = 0; i < 4; i++) {
        pid[i] = mmio_read32(U + PERIPHID0 + 4 * i);
        u32 c = mmio_read32(U + CELLID0 + 4 * i);
        CHECK(c == cellid[i], "CellID%u = 0x%x, want 0x%02x", i, c, cellid[i]);
        u64 b = LOAD("ldrb %w0", CELLID0 + 4 * i);
        u64 h = LOAD("ldrh %w0", CELLID0 + 4 * i);
        CHECK(b == cellid[i] && h == cellid[i], "CellID%u: ldrb 0x%lx ldrh 0x%lx, want 0x%02x",
              i, b, h, cellid[i]);
    }
    info("PeriphID 0x%02x 0x%02x 0x%02x 0x%02x", pid[0], pid[1], pid[2], pid[3]);
    CHECK(pid[0] == 0x11, "PeriphID0 = 0x%x, want 0x11 (part 0x011)", pid[0]);
    CHECK(pid[1] == 0x10 && (pid[2] & 0xf) == 0x4,
          "PeriphID1/2 = 0x%x/0x%x: part[11:8] 0 and designer 0x41 expected", pid[1], pid[2]);
}

static void flag_register(void)
{
    u32 w = mmio_read32(U + FR);
    u64 h = LOAD("ldrh %w0", FR);
    u64 b = LOAD("ldrb %w0", FR);
    info("FR: 32-bit 0x%x, 16-bit 0x%lx, 8-bit 0x%lx", w, h, b);
    CHECK(!(w >> 9), "FR = 0x%x: reserved bits set", w);
    CHECK(!(h >> 9), "FR (16-bit) = 0x%lx: reserved bits set", h);
    CHECK(b <= 0xff, "FR (8-bit) = 0x%lx: not zero-extended", b);
    /* RXFE (bit 4): no input arrives during the test. */
    CHECK((w & 0x10) == (h & 0x10) && (w & 0x10) == (b & 0x10),
          "FR.RXFE differs between access sizes");
}

static void imsc_and_sign_extension(void)
{
    mmio_write32(U + IMSC, 0x50);       /* RXIM | RTIM: receive is idle, no IRQ */
    u32 w = mmio_read32(U + IMSC);
    u64 h = LOAD("ldrh %w0", IMSC), b = LOAD("ldrb %w0", IMSC);
    CHECK(w == 0x50 && h == 0x50 && b == 0x50, "IMSC read back 0x%x/0x%lx/0x%lx, want 0x50",
          w, h, b);

    struct { const char *name; u64 got, want; } sx[] = {
        { "ldrsb x", LOAD("ldrsb %0", CELLID0 + 12), 0xffffffffffffffb1UL },
        { "ldrsb w", LOAD("ldrsb %w0", CELLID0 + 12), 0x00000000ffffffb1UL },
        { "ldrsh x", LOAD("ldrsh %0", CELLID0 + 12), 0xb1 },
        { "ldrsh w", LOAD("ldrsh %w0", CELLID0 + 12), 0xb1 },
        { "ldrsw x", LOAD("ldrsw %0", CELLID0 + 12), 0xb1 },
        { "ldrsb x (positive)", LOAD("ldrsb %0", CELLID0), 0x0d },
    };
    for (unsigned int i = 0; i < ARRAY_SIZE(sx); i++)
        CHECK(sx[i].got == sx[i].want, "%s of CellID = 0x%lx, want 0x%lx", sx[i].name,
              sx[i].got, sx[i].want);
}

static void narrow_stores(void)
{
    puts_uart("info: narrow-store: ");
    while (mmio_read32(U + FR) & (1U << 5))
        ;
    asm volatile("strb %w0, [%1]" : : "r"('A'), "r"(U + DR) : "memory");
    while (mmio_read32(U + FR) & (1U << 5))
        ;
    asm volatile("strh %w0, [%1]" : : "r"('B'), "r"(U + DR) : "memory");
    putchar_uart('\n');
}

static void wide_load(void)
{
    fault_expect();
    u64 v = LOAD("ldr %0", FR);
    if (fault_taken()) {
        const struct fault_info *f = fault_last();
        info("64-bit load of FR: data abort EC 0x%x ESR 0x%lx", f->ec, f->esr);
        CHECK(f->ec == EC_DABT_CUR, "64-bit load of FR: EC 0x%x, want 0x25", f->ec);
        CHECK(v == 0x5a5a5a5a5a5a5a5aUL, "64-bit load aborted but wrote 0x%lx", v);
    } else {
        info("64-bit load of FR: emulated, 0x%lx", v);
    }
}

/*
 * Instructions with no valid syndrome for the hypervisor (ISV=0).  Each
 * either behaves exactly as on real memory, or aborts with its base and
 * destination registers untouched.
 */
static void undecodable(void)
{
    u64 base, val;

    /* Pre-index store with writeback: str w1, [x0, #4]! -> IMSC */
    mmio_write32(U + IMSC, 0);
    base = U + IMSC - 4;
    val = 0x50;
    fault_expect();
    asm volatile("str %w1, [%0, #4]!" : "+r"(base) : "r"(val) : "memory");
    if (fault_taken()) {
        info("str w, [x, #4]!: data abort EC 0x%x ESR 0x%lx", fault_last()->ec, fault_last()->esr);
        CHECK(fault_last()->ec == EC_DABT_CUR, "str pre-index: EC 0x%x", fault_last()->ec);
        CHECK(base == U + IMSC - 4, "str pre-index aborted but wrote back the base (0x%lx)", base);
        CHECK(mmio_read32(U + IMSC) == 0, "str pre-index aborted but IMSC changed");
    } else {
        info("str w, [x, #4]!: emulated");
        CHECK(base == U + IMSC, "str pre-index: base 0x%lx, want 0x%lx", base, U + IMSC);
        CHECK(mmio_read32(U + IMSC) == 0x50, "str pre-index: IMSC 0x%x, want 0x50",
              mmio_read32(U + IMSC));
    }
    mmio_write32(U + IMSC, 0);

    /* Post-index load: ldr w1, [x0], #4 <- CellID0 */
    base = U + CELLID0;
    val = 0x5a5a5a5a5a5a5a5aUL;
    fault_expect();
    asm volatile("ldr %w1, [%0], #4" : "+r"(base), "+r"(val) : : "memory");
    if (fault_taken()) {
        info("ldr w, [x], #4: data abort EC 0x%x", fault_last()->ec);
        CHECK(fault_last()->ec == EC_DABT_CUR, "ldr post-index: EC 0x%x", fault_last()->ec);
        CHECK(base == U + CELLID0 && val == 0x5a5a5a5a5a5a5a5aUL,
              "ldr post-index aborted but changed registers (0x%lx, 0x%lx)", base, val);
    } else {
        info("ldr w, [x], #4: emulated");
        CHECK(base == U + CELLID0 + 4 && val == 0x0d,
              "ldr post-index: base 0x%lx value 0x%lx, want 0x%lx 0xd", base, val,
              U + CELLID0 + 4);
    }

    /* Load pair: ldp w1, w2, [x0] <- CellID0, CellID1 */
    u64 v1 = 0x5a5a5a5a5a5a5a5aUL, v2 = v1;
    fault_expect();
    asm volatile("ldp %w0, %w1, [%2]" : "+r"(v1), "+r"(v2) : "r"(U + CELLID0) : "memory");
    if (fault_taken()) {
        info("ldp w, w, [x]: data abort EC 0x%x", fault_last()->ec);
        CHECK(fault_last()->ec == EC_DABT_CUR, "ldp: EC 0x%x", fault_last()->ec);
        CHECK(v1 == 0x5a5a5a5a5a5a5a5aUL && v2 == v1, "ldp aborted but loaded data");
    } else {
        info("ldp w, w, [x]: emulated");
        CHECK(v1 == 0x0d && v2 == 0xf0, "ldp: 0x%lx 0x%lx, want 0xd 0xf0", v1, v2);
    }
}

/*
 * regcheck_<name>(uart, out): fill x1..x30 with 0x5a00 + n, do one access
 * through x0 = uart, and store x0..x30 as they are afterwards into out[].
 */
#define REGCHECK(name, access)                                               \
    void regcheck_##name(uintptr_t uart, u64 out[31]);                       \
    asm(".pushsection .text\n"                                               \
        ".globl regcheck_" #name "\n"                                        \
        "regcheck_" #name ":\n"                                              \
        "   stp x29, x30, [sp, #-112]!\n"                                    \
        "   stp x19, x20, [sp, #16]\n"                                       \
        "   stp x21, x22, [sp, #32]\n"                                       \
        "   stp x23, x24, [sp, #48]\n"                                       \
        "   stp x25, x26, [sp, #64]\n"                                       \
        "   stp x27, x28, [sp, #80]\n"                                       \
        "   str x1, [sp, #96]\n"                                             \
        "   .irp n, 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,"     \
        "21,22,23,24,25,26,27,28,29,30\n"                                    \
        "   mov x\\n, #(0x5a00 + \\n)\n"                                     \
        "   .endr\n"                                                         \
        "   " access "\n"                                                    \
        "   sub sp, sp, #256\n"                                              \
        "   stp x0, x1, [sp, #0]\n"                                          \
        "   stp x2, x3, [sp, #16]\n"                                         \
        "   stp x4, x5, [sp, #32]\n"                                         \
        "   stp x6, x7, [sp, #48]\n"                                         \
        "   stp x8, x9, [sp, #64]\n"                                         \
        "   stp x10, x11, [sp, #80]\n"                                       \
        "   stp x12, x13, [sp, #96]\n"                                       \
        "   stp x14, x15, [sp, #112]\n"                                      \
        "   stp x16, x17, [sp, #128]\n"                                      \
        "   stp x18, x19, [sp, #144]\n"                                      \
        "   stp x20, x21, [sp, #160]\n"                                      \
        "   stp x22, x23, [sp, #176]\n"                                      \
        "   stp x24, x25, [sp, #192]\n"                                      \
        "   stp x26, x27, [sp, #208]\n"                                      \
        "   stp x28, x29, [sp, #224]\n"                                      \
        "   str x30, [sp, #240]\n"                                           \
        "   ldr x1, [sp, #256 + 96]\n"                                       \
        "   mov x2, #0\n"                                                    \
        "1: ldr x3, [sp, x2, lsl #3]\n"                                      \
        "   str x3, [x1, x2, lsl #3]\n"                                      \
        "   add x2, x2, #1\n"                                                \
        "   cmp x2, #31\n"                                                   \
        "   b.lo 1b\n"                                                       \
        "   add sp, sp, #256\n"                                              \
        "   ldp x19, x20, [sp, #16]\n"                                       \
        "   ldp x21, x22, [sp, #32]\n"                                       \
        "   ldp x23, x24, [sp, #48]\n"                                       \
        "   ldp x25, x26, [sp, #64]\n"                                       \
        "   ldp x27, x28, [sp, #80]\n"                                       \
        "   ldp x29, x30, [sp], #112\n"                                      \
        "   ret\n"                                                           \
        ".popsection\n")

REGCHECK(ld_x0, "ldr w0, [x0, #0xff0]");
REGCHECK(ld_x29, "ldr w29, [x0, #0xff4]");
REGCHECK(ld_x30, "ldr w30, [x0, #0xff8]");
REGCHECK(ld_xzr, "ldr wzr, [x0, #0xffc]");
REGCHECK(ldrsb_x7, "ldrsb x7, [x0, #0xffc]");
REGCHECK(ldrb_x18, "ldrb w18, [x0, #0xff4]");
REGCHECK(st_x30, "str w30, [x0, #0x38]");
REGCHECK(st_wzr, "str wzr, [x0, #0x38]");

static const struct {
    const char *name;
    void (*fn)(uintptr_t, u64 *);
    int dest;           /* -1: none */
    u64 value;
} regchecks[] = {
    { "ldr w0", regcheck_ld_x0, 0, 0x0d },
    { "ldr w29", regcheck_ld_x29, 29, 0xf0 },
    { "ldr w30", regcheck_ld_x30, 30, 0x05 },
    { "ldr wzr", regcheck_ld_xzr, -1, 0 },
    { "ldrsb x7", regcheck_ldrsb_x7, 7, 0xffffffffffffffb1UL },
    { "ldrb w18", regcheck_ldrb_x18, 18, 0xf0 },
    { "str w30", regcheck_st_x30, -1, 0 },
    { "str wzr", regcheck_st_wzr, -1, 0 },
};

static void register_preservation(void)
{
    for (unsigned int i = 0; i < ARRAY_SIZE(regchecks); i++) {
        u64 out[31];
        mmio_write32(U + IMSC, 0x50);
        regchecks[i].fn(U, out);
        for (int n = 0; n < 31; n++) {
            u64 want = n == regchecks[i].dest ? regchecks[i].value
                     : n == 0 ? (u64)U : 0x5a00 + (u64)n;
            CHECK(out[n] == want, "%s: x%d = 0x%lx afterwards, want 0x%lx", regchecks[i].name,
                  n, out[n], want);
        }
    }
    /* "str wzr" stores zero (not SP, not a stale register). */
    CHECK(mmio_read32(U + IMSC) == 0, "str wzr to IMSC left 0x%x", mmio_read32(U + IMSC));
    mmio_write32(U + IMSC, 0);
}

void test_main(void)
{
    id_registers();
    flag_register();
    imsc_and_sign_extension();
    narrow_stores();
    wide_load();
    undecodable();
    register_preservation();
    mmio_write32(U + IMSC, 0);
}
