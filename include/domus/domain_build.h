/* Building a domain from its boot description (dom0less node). */
#ifndef DOMUS_DOMAIN_BUILD_H
#define DOMUS_DOMAIN_BUILD_H

#include <domus/boot_dt.h>

struct domain;

/* Creates, loads and starts the domain; on failure says why and returns NULL. */
struct domain *domain_build(const struct boot_domain *cfg, unsigned id);
void domain_register(struct domain *d);
void domain_free_structs(struct domain *d);

#endif
