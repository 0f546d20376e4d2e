/*
 * no_hv_data: the guest's RAM holds nothing of the hypervisor's.
 *
 * Domus embeds the ASCII signature "DOMUS-HV-SIGNATURE" in its image; no
 * 16-byte prefix of it ("DOMUS-HV-SIGNATU") may appear anywhere in guest
 * RAM (banks from the device tree).  The needle is kept XOR-encoded so that
 * neither this binary nor its memory ever contains it in clear.  The 64
 * bytes at the load address must also be this guest's own Image header.
 */
#include "guest.h"

#define KEY 0xa5
#define NEEDLE_LEN 16

/* "DOMUS-HV-SIGNATU" ^ 0xa5 */
static volatile u8 needle_x[NEEDLE_LEN] = {
    'D' ^ KEY, 'O' ^ KEY, 'M' ^ KEY, 'U' ^ KEY, 'S' ^ KEY, '-' ^ KEY, 'H' ^ KEY, 'V' ^ KEY,
    '-' ^ KEY, 'S' ^ KEY, 'I' ^ KEY, 'G' ^ KEY, 'N' ^ KEY, 'A' ^ KEY, 'T' ^ KEY, 'U' ^ KEY,
};

extern char _start[], _image_size[];

static bool match_at(const volatile u8 *p)
{
    for (unsigned int i = 0; i < NEEDLE_LEN; i++)
        if ((u8)(p[i] ^ KEY) != needle_x[i])
            return false;
    return true;
}

/* Returns the address of the first match in [base, base+size), or 0. */
static u64 scan(u64 base, u64 size)
{
    const u64 ones = 0x0101010101010101UL, highs = 0x8080808080808080UL;
    const u64 first = (u64)(u8)(needle_x[0] ^ KEY) * ones;
    u64 end = base + size;

    for (u64 a = base; a < end; a += 8) {
        u64 v = *(volatile u64 *)a ^ first;
        if (!((v - ones) & ~v & highs))
            continue;                   /* no byte equal to the first needle byte */
        for (u64 p = a; p < a + 8; p++)
            if (p + NEEDLE_LEN <= end && match_at((const volatile u8 *)p))
                return p;
    }
    return 0;
}

static void check_header(void)
{
    uintptr_t h = LOAD_ADDR;
    u32 w[16];

    for (unsigned int i = 0; i < 16; i++)
        w[i] = mmio_read32(h + 4 * i);
    u64 text_offset = w[2] | (u64)w[3] << 32;
    u64 image_size = w[4] | (u64)w[5] << 32;
    u64 flags = w[6] | (u64)w[7] << 32;
    info("header at 0x%lx: code0 0x%08x text_offset 0x%lx image_size 0x%lx flags 0x%lx magic 0x%08x",
         (u64)h, w[0], text_offset, image_size, flags, w[14]);

    CHECK((uintptr_t)_start == LOAD_ADDR, "linked at 0x%lx, loaded at 0x%lx",
          (u64)(uintptr_t)_start, (u64)LOAD_ADDR);
    CHECK(w[14] == 0x644d5241, "magic 0x%08x, want 0x644d5241", w[14]);
    CHECK((w[0] & 0xfc000000) == 0x14000000, "code0 0x%08x is not a branch", w[0]);
    CHECK(text_offset == 0, "text_offset 0x%lx, want 0", text_offset);
    CHECK(image_size == (uintptr_t)_image_size, "image_size 0x%lx, want ours 0x%lx", image_size,
          (u64)(uintptr_t)_image_size);
    CHECK(flags == 0xa, "flags 0x%lx, want 0xa", flags);
}

void test_main(void)
{
    struct mem_bank b[4];
    unsigned int n = fdt_memory(b, 4);

    check_header();
    if (!n)
        fail("no /memory node in the device tree");

    /* Self-test of the scanner on a planted (encoded, then decoded) copy. */
    static volatile u8 plant[64];
    for (unsigned int i = 0; i < NEEDLE_LEN; i++)
        plant[19 + i] = needle_x[i] ^ KEY;
    u64 hit = scan((uintptr_t)plant, sizeof(plant));
    CHECK(hit == (uintptr_t)plant + 19, "scanner self-test failed (0x%lx)", hit);
    for (unsigned int i = 0; i < NEEDLE_LEN; i++)
        plant[19 + i] = 0;

    u64 total = 0;
    for (unsigned int i = 0; i < n; i++) {
        u64 t0 = now_us();
        hit = scan(b[i].base, b[i].size);
        info("scanned 0x%lx-0x%lx in %lu ms", b[i].base, b[i].base + b[i].size - 1,
             (now_us() - t0) / 1000);
        CHECK(!hit, "hypervisor signature found in guest RAM at 0x%lx", hit);
        total += b[i].size;
    }
    info("%lu MiB of guest RAM scanned", total >> 20);
}
