/* C entry points of the boot and secondary vCPUs, and the verdict line. */
#include "guest.h"

u64 boot_dtb;
unsigned int checks_failed;
static char first_failure[160];
static volatile unsigned int verdict_printed;

static void __noreturn verdict(const char *word, const char *fmt, va_list *ap)
{
    char reason[200] = "";

    irq_disable();
    if (fmt)
        vsnprintf(reason, sizeof(reason), fmt, *ap);
    /* Only one verdict, even if a second vCPU fails at the same time. */
    if (verdict_printed++ == 0) {
        printf("domus-test: %s: %s%s%s\n", test_name, word, fmt ? " " : "", reason);
        psci_system_off();
    }
    for (;;)
        wfi();
}

void pass(void)
{
    verdict("PASS", NULL, NULL);
}

void fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    verdict("FAIL", fmt, &ap);
}

void skip(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    verdict("SKIP", fmt, &ap);
}

void finish(void)
{
    if (!checks_failed)
        pass();
    if (checks_failed == 1)
        fail("%s", first_failure);
    fail("%s (and %u more)", first_failure, checks_failed - 1);
}

static void record_failure(const char *tag, const char *file, int line,
                           const char *fmt, va_list ap)
{
    char msg[sizeof(first_failure)];
    vsnprintf(msg, sizeof(msg), fmt, ap);
    info("%s: %s (%s:%d)", tag, msg, file, line);
    if (tag[0] == 'F' && checks_failed++ == 0)
        memcpy(first_failure, msg, sizeof(msg));
}

void check_failed(const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    record_failure("FAILED", file, line, fmt, ap);
    va_end(ap);
}

void check_failed_hv(const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    record_failure(IS_BARE ? "ignored (bare)" : "FAILED", file, line, fmt, ap);
    va_end(ap);
}

void guest_start(u64 dtb)
{
    boot_dtb = dtb;
    if (!fdt_totalsize())
        info("no valid device tree at x0 = 0x%lx", dtb);
    info("%s: start, dtb 0x%lx, %u vCPU(s)%s", test_name, dtb, nr_cpus(),
         IS_BARE ? " (BARE build)" : "");
    test_main();
    finish();
}
