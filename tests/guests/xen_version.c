/*
 * xen_version: XENVER_* answers of a PV (xen,enhanced) domain: version 4.17,
 * "domus" in the extraversion, feature submap 0 of a DomU (bits 0, 2, 14, 16,
 * not 11 = dom0), -EINVAL for submap 1, 4 KiB pages, "xen-3.0-aarch64".
 */
#include "guest.h"

static char buf[1024] __attribute__((aligned(8)));

void test_main(void)
{
    s64 r = HYPERCALL2(HYP_xen_version, XENVER_version, 0);
    CHECK(r == 0x40011, "XENVER_version = 0x%lx, want 0x40011", r);

    memset(buf, 0, sizeof(buf));
    r = HYPERCALL2(HYP_xen_version, XENVER_extraversion, buf);
    buf[15] = 0;
    info("extraversion \"%s\"", buf);
    bool found = false;
    for (unsigned int i = 0; buf[i]; i++)
        found |= !strncmp(buf + i, "domus", 5);
    CHECK(r == 0 && found, "XENVER_extraversion = %ld \"%s\", want 0 and \"domus\"", r, buf);

    struct { u32 idx, map; } fi = { 0, 0 };
    r = HYPERCALL2(HYP_xen_version, XENVER_get_features, &fi);
    info("features submap 0 = 0x%x", fi.map);
    CHECK(r == 0, "get_features(0) = %ld", r);
    for (unsigned int bit = 0; bit < 32; bit++) {
        bool want_set = bit == 0 || bit == 2 || bit == 14 || bit == 16;
        if (want_set || bit == 11)
            CHECK(!!(fi.map & (1U << bit)) == want_set, "feature bit %u is %s", bit,
                  want_set ? "clear" : "set (a DomU is not dom0)");
    }
    fi.idx = 1;
    fi.map = 0x1234;
    r = HYPERCALL2(HYP_xen_version, XENVER_get_features, &fi);
    CHECK(r == -XEN_EINVAL, "get_features(1) = %ld, want -22", r);

    r = HYPERCALL2(HYP_xen_version, XENVER_pagesize, 0);
    CHECK(r == 4096, "XENVER_pagesize = %ld", r);

    memset(buf, 0, sizeof(buf));
    r = HYPERCALL2(HYP_xen_version, XENVER_capabilities, buf);
    buf[sizeof(buf) - 1] = 0;
    info("capabilities \"%s\"", buf);
    CHECK(r == 0 && !strncmp(buf, "xen-3.0-aarch64", 15),
          "XENVER_capabilities = %ld \"%s\"", r, buf);
}
