/*
 * The domain list: look-ups by id, the references that keep a domain from
 * being destroyed (domain_get()) or its structures from being freed
 * (domain_hold(), the toolstack's listed references), and domain ids.  A
 * domain's creation and shutdown are in domain.c, its destruction in
 * domain_reap.c; the list's state is shared with them (domain_list.h).
 */
#include <domus/domain_list.h>
#include <domus/page.h>

struct domain_list domains = {
	.lock = SPINLOCK_INIT,
	.reap_lock = SPINLOCK_INIT,
};

static unsigned rover;			/* the last id the toolstack was given (as Xen's) */

/* The listed domain with the lowest id at or above id; NULL if none. */
static struct domain *find_from(unsigned id)
{
	struct domain *best = NULL;

	for (unsigned i = 0; i < NR_SLOTS; i++) {
		struct domain *d = domains.slots[i];

		if (d && d->id >= id && (!best || d->id < best->id))
			best = d;
	}
	return best;
}

static struct domain *find(unsigned id)
{
	struct domain *d = find_from(id);

	return d && d->id == id ? d : NULL;
}

struct domain *domain_by_id(unsigned id)
{
	return find(id);
}

/* d, held (domain_get()) if it is not NULL; with domains.lock. */
static struct domain *held(struct domain *d)
{
	if (d)
		__atomic_add_fetch(&d->refs, 1, __ATOMIC_ACQUIRE);
	return d;
}

/* The listed hardware domain (Dom0), or NULL; the id is not looked at. */
static struct domain *find_hardware(unsigned id)
{
	(void)id;
	for (unsigned i = 0; i < NR_SLOTS; i++)
		if (domains.slots[i] && domains.slots[i]->hardware)
			return domains.slots[i];
	return NULL;
}

/* What lookup(id) finds, held, under the list's lock. */
static struct domain *get_by(struct domain *(*lookup)(unsigned), unsigned id)
{
	struct domain *d;

	spin_lock(&domains.lock);
	d = held(lookup(id));
	spin_unlock(&domains.lock);
	return d;
}

struct domain *domain_get(unsigned id)
{
	return get_by(find, id);
}

struct domain *domain_get_hardware(void)
{
	return get_by(find_hardware, 0);
}

struct domain *domain_get_from(unsigned id)
{
	return get_by(find_from, id);
}

void domain_put(struct domain *d)
{
	__atomic_sub_fetch(&d->refs, 1, __ATOMIC_RELEASE);
}

struct domain *domain_get_next(struct domain *d)
{
	struct domain *next = domain_get_from(d->id + 1);

	domain_put(d);
	return next;
}

/*
 * The lowest id at or above id among the listed domains, the one being torn
 * down and the destroyed ones still mapped (a listed domain first where two
 * share an id, as a restart under the same id does); with domains.lock.
 */
static struct domain *find_listed_from(unsigned id)
{
	struct domain *best = find_from(id);

	if (domains.tearing && domains.tearing->id >= id &&
	    (!best || domains.tearing->id < best->id))
		best = domains.tearing;
	for (struct domain *d = domains.destroyed; d; d = d->next_dead)
		if (d->id >= id && (!best || d->id < best->id) && domain_list_zombie(d))
			best = d;
	return best;
}

struct domain *domain_get_listed_from(unsigned id)
{
	struct domain *d;

	spin_lock(&domains.lock);
	d = find_listed_from(id);
	if (d)
		__atomic_add_fetch(d->state == DOMAIN_DEAD ? &d->list_refs : &d->refs, 1,
				   __ATOMIC_ACQUIRE);
	spin_unlock(&domains.lock);
	return d;
}

void domain_put_listed(struct domain *d)
{
	if (d->state != DOMAIN_DEAD) {
		domain_put(d);
	} else {
		__atomic_sub_fetch(&d->list_refs, 1, __ATOMIC_SEQ_CST);
		__atomic_store_n(&domains.unheld, true, __ATOMIC_SEQ_CST);
	}
}

uint64_t domain_pages_mapped_after_death(const struct domain *d)
{
	return __atomic_load_n(&d->map_refs, __ATOMIC_ACQUIRE) & ~MAP_REFS_DESTROYED;
}

/* The domain whose pages carry that serial, wherever it is in its life; with domains.lock. */
static struct domain *find_serial(uint32_t serial)
{
	for (unsigned i = 0; i < NR_SLOTS; i++)
		if (domains.slots[i] && domains.slots[i]->serial == serial)
			return domains.slots[i];
	if (domains.tearing && domains.tearing->serial == serial)
		return domains.tearing;
	for (struct domain *d = domains.destroyed; d; d = d->next_dead)
		if (d->serial == serial)
			return d;
	return NULL;
}

void domain_foreign_put(uint64_t pa)
{
	uint32_t serial = page_owner_serial(pa);
	struct domain *owner;

	spin_lock(&domains.lock);
	owner = find_serial(serial);
	spin_unlock(&domains.lock);
	if (!owner)
		panic("foreign mapping of %lx held no domain", pa);
	page_put(pa);
	domain_unhold(owner);
}

void domain_hold(struct domain *d)
{
	__atomic_add_fetch(&d->map_refs, 1, __ATOMIC_ACQUIRE);
}

/*
 * Only a destroyed domain waits for its last mapping to go: a live
 * granter's last unmap must not send the next exit into the reaper (whose
 * slow path unloads the running vCPU).  The flag and the count are one word,
 * so the last holder knows without reading d, which may be freed at once.
 */
void domain_unhold(struct domain *d)
{
	if (__atomic_sub_fetch(&d->map_refs, 1, __ATOMIC_SEQ_CST) == MAP_REFS_DESTROYED)
		__atomic_store_n(&domains.unheld, true, __ATOMIC_SEQ_CST);
}

struct domain *domain_next_alive(struct domain *after)
{
	struct domain *d = find_from(after ? after->id + 1 : 0);

	while (d && d->state != DOMAIN_RUNNING)
		d = find_from(d->id + 1);
	return d;
}

bool domain_list_add(struct domain *d)
{
	unsigned i;
	bool ok;

	spin_lock(&domains.lock);
	for (i = 0; i < NR_SLOTS && domains.slots[i]; i++)
		;
	ok = i < NR_SLOTS && !find(d->id);
	if (ok) {
		domains.slots[i] = d;
		domains.nr_alive++;
	}
	spin_unlock(&domains.lock);
	return ok;
}

/* Whether a domain has this id: listed, being destroyed or rebuilt, or destroyed but held. */
static bool id_taken(unsigned id)
{
	if (find(id) || (domains.tearing && domains.tearing->id == id) ||
	    (domains.building && domains.building->id == id))
		return true;
	for (struct domain *d = domains.destroyed; d; d = d->next_dead)
		if (d->id == id)
			return true;
	return false;
}

bool domain_destroy_pending(unsigned id)
{
	bool pending;

	spin_lock(&domains.lock);
	pending = find(id) || (domains.tearing && domains.tearing->id == id);
	spin_unlock(&domains.lock);
	return pending;
}

bool domain_pick_id(unsigned want, unsigned *id)
{
	bool ok = false;

	spin_lock(&domains.reap_lock);
	spin_lock(&domains.lock);
	if (want) {
		ok = !id_taken(want);
		*id = want;
	} else {
		for (unsigned n = 0; n < DOMAIN_ID_LIMIT - 1 && !ok; n++) {
			rover = rover + 1 >= DOMAIN_ID_LIMIT ? 1 : rover + 1;
			ok = !id_taken(rover);
		}
		*id = rover;
	}
	spin_unlock(&domains.lock);
	spin_unlock(&domains.reap_lock);
	return ok;
}
