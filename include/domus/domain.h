/* Domains and their virtual CPUs. */
#ifndef DOMUS_DOMAIN_H
#define DOMUS_DOMAIN_H

#include <domus/config.h>
#include <domus/console.h>
#include <domus/lib.h>
#include <domus/mmio.h>
#include <domus/sched_policy.h>
#include <public/xen.h>
#include <domus/vgic.h>
#include <domus/vpl011.h>
#include <asm/spinlock.h>
#include <asm/vcpu.h>

struct boot_domain;
struct xen_pv;

enum vcpu_power { VCPU_OFF, VCPU_ON };

struct vcpu {
	struct arch_vcpu arch;		/* first: the world switch uses its registers */
	unsigned id;
	struct domain *dom;
	volatile enum vcpu_power power;
	volatile bool blocked;		/* waiting in WFI for an interrupt */
	volatile bool polling;		/* in SCHEDOP_poll: any event of its domain wakes it */
	volatile bool reset_pending;	/* CPU_ON gave it a new entry point */
	uint64_t reset_pc, reset_ctx;
	unsigned pcpu;			/* the physical CPU it runs on */
	volatile int loaded_on;		/* CPU holding its registers, or -1 */
	uint64_t timer_deadline;	/* when unloaded: counter value its timers fire at */
	uint64_t runtime_ticks;
	uint64_t faults_reflected;	/* exceptions Domus delivered to it */
	unsigned fault_streak;		/* ... in a row, with nothing else in between */
	struct sched_vcpu sched;
	struct vcpu_runstate_info runstate;	/* PV guests: Xen runstate accounting */
	struct vgic_cpu vgic;
};

enum domain_state { DOMAIN_RUNNING, DOMAIN_DYING, DOMAIN_PRESERVED, DOMAIN_DEAD };

struct domain {
	unsigned id;
	char name[16];
	volatile bool alive;
	enum domain_state state;
	unsigned nr_vcpus;
	struct vcpu *vcpu[MAX_VCPUS];
	uint64_t ram_base;		/* guest physical */
	uint64_t ram_size;
	uint64_t pages;			/* host pages it holds, tables included */
	uint64_t ram_pages;		/* guest RAM pages populated now */
	uint64_t max_pages;		/* ... and the most it may have */
	struct mmio_region mmio[8];
	unsigned nr_mmio;
	struct vgic_dist vgic;
	struct vpl011 *uart;
	struct vpl011 uart_dev;
	struct xen_pv *pv;		/* NULL unless built with xen,enhanced */
	struct console_ring console;
	struct arch_domain arch;
	spinlock_t lock;
	bool reboot;			/* rebuild it once it is destroyed */
	unsigned weight;		/* scheduling: share relative to other domains */
	unsigned cap;			/* scheduling: most CPU it gets, % of one CPU; 0 = none */
	unsigned sched_round;		/* credit accounting bookkeeping */
	unsigned sched_active_vcpus;
	const struct boot_domain *cfg;	/* what it was built from */
};

/* MPIDR affinity of vCPU n, as Xen numbers them (Aff0 = n % 16, Aff1 = n / 16). */
static inline uint64_t vcpu_affinity(unsigned n)
{
	return (n % 16) | ((uint64_t)((n / 16) & 0xff) << 8);
}

/* The vCPU whose MPIDR affinity is aff, or NULL. */
struct vcpu *domain_vcpu_by_affinity(struct domain *d, uint64_t aff);
bool domain_ipa_is_ram(const struct domain *d, uint64_t ipa, uint64_t size);
struct domain *domain_next_alive(struct domain *after);
struct domain *domain_by_id(unsigned id);
/* Frees domains that died once no CPU holds their state; powers off when none is left. */
void domain_reap(void);
/* From now on, Domus powers off once no domain is left to run. */
void domain_boot_done(void);
void sched_remove_domain(struct domain *d);

/* Scheduling hooks the common code calls; the scheduler implements them. */
void vcpu_kick(struct vcpu *v);
void vcpu_wake(struct vcpu *v);

#endif
