/* Debug keys: what Domus answers when console input is directed at it. */
#include <domus/debugkeys.h>
#include <domus/console.h>
#include <domus/domain.h>
#include <domus/page_alloc.h>
#include <asm/arch.h>

static void show_help(void);

static void show_domains(void)
{
	for (struct domain *d = domain_next_alive(NULL); d; d = domain_next_alive(d)) {
		pr_info("%s (d%u): %lu MiB RAM\n", d->name, d->id, d->ram_size / MiB);
		for (unsigned i = 0; i < d->nr_vcpus; i++) {
			struct vcpu *v = d->vcpu[i];
			pr_info("  vCPU %u on CPU%u: %s%s, ran %lu ms\n", i, v->pcpu,
				v->power == VCPU_ON ? "on" : "off", v->blocked ? " (blocked)" : "",
				v->runtime_ticks * 1000 / arch_counter_freq());
		}
	}
}

static void show_memory(void)
{
	pr_info("free: %lu KiB of %lu KiB\n", page_alloc_free_pages() * (PAGE_SIZE / KiB),
		page_alloc_total_pages() * (PAGE_SIZE / KiB));
	for (struct domain *d = domain_next_alive(NULL); d; d = domain_next_alive(d))
		pr_info("%s (d%u): %lu KiB\n", d->name, d->id, d->pages * (PAGE_SIZE / KiB));
}

static const struct {
	char key;
	const char *help;
	void (*fn)(void);
} keys[] = {
	{ 'h', "this help", show_help },
	{ 'q', "domains and vCPUs", show_domains },
	{ 'm', "memory use", show_memory },
};

static void show_help(void)
{
	for (unsigned i = 0; i < ARRAY_SIZE(keys); i++)
		pr_info("'%c': %s\n", keys[i].key, keys[i].help);
}

void debugkey_handle(char c)
{
	for (unsigned i = 0; i < ARRAY_SIZE(keys); i++)
		if (keys[i].key == c)
			keys[i].fn();
}
