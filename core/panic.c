/* A fatal error in Domus: say so and stop this CPU. */
#include <domus/console.h>
#include <domus/arch.h>

void panic(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	printk(LOG_ERR, "PANIC: ");
	vprintk(LOG_ERR, fmt, ap);
	printk(LOG_ERR, "\n");
	va_end(ap);
	arch_halt();
}
