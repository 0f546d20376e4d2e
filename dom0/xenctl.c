/*
 * xenctl: Dom0's small probe of Domus's toolstack interface, through
 * Linux's privcmd driver as libxenctrl reaches it (IOCTL_PRIVCMD_HYPERCALL,
 * with pointers into this process's memory).  Built static for arm64 and put
 * in Dom0's initramfs: its init reads the boot-time DomUs' console
 * parameters with it (what Xen 4.17's init-dom0less does not publish), and
 * the tests probe Domus with it (tests/system/test_dom0.py).
 *
 *   xenctl physinfo        sysctl physinfo: CPUs, memory, capabilities
 *   xenctl list            sysctl getdomaininfolist: one line per domain
 *   xenctl info DOMID      domctl getdomaininfo: the first domain >= DOMID
 *   xenctl dmesg           sysctl readconsole: the console history
 *   xenctl peek DOMID GFN  maps the domain's page GFN (privcmd MMAPBATCH_V2:
 *                          XENMEM_add_to_physmap_range, gmfn_foreign) and
 *                          prints the text at its start; unmapping it is
 *                          XENMEM_remove_from_physmap
 *   xenctl peekat DOMID GFN GPFN
 *                          maps the domain's page GFN at Dom0's own GPFN
 *                          (XENMEM_add_to_physmap_batch, gmfn_foreign),
 *                          prints the text at its start, read through
 *                          /dev/mem, and unmaps it (XENMEM_remove_from_physmap)
 *   xenctl param DOMID IDX HVMOP_get_param: the domain's HVM parameter IDX
 *
 * Errors print "error: <call>: <errno name> (<n>)" and exit 1.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <public/sysctl.h>

#define HYPERVISOR_memory_op 12
#define HYPERVISOR_hvm_op 34
#define HYPERVISOR_sysctl 35
#define HYPERVISOR_domctl 36


/* Linux's include/uapi/xen/privcmd.h */
struct privcmd_hypercall {
	uint64_t op;
	uint64_t arg[5];
};
#define IOCTL_PRIVCMD_HYPERCALL _IOC(_IOC_NONE, 'P', 0, sizeof(struct privcmd_hypercall))

struct privcmd_mmapbatch_v2 {
	unsigned int num;
	domid_t dom;
	uint64_t addr;
	const uint64_t *arr;
	int *err;
};
#define IOCTL_PRIVCMD_MMAPBATCH_V2 _IOC(_IOC_NONE, 'P', 4, sizeof(struct privcmd_mmapbatch_v2))

static int privcmd;

/* Buffers the hypervisor reads or writes must be present: locked, and touched. */
static void *locked(size_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED || mlock(p, size)) {
		perror("mmap/mlock");
		exit(1);
	}
	memset(p, 0, size);
	return p;
}

static long hypercall2(const char *what, uint64_t op, uint64_t a0, uint64_t a1)
{
	struct privcmd_hypercall h = { op, { a0, a1 } };
	long r = ioctl(privcmd, IOCTL_PRIVCMD_HYPERCALL, &h);

	if (r < 0) {
		printf("error: %s: %s (%d)\n", what, strerror(errno), errno);
		exit(1);
	}
	return r;
}

static long hypercall(const char *what, uint64_t op, void *arg)
{
	return hypercall2(what, op, (uint64_t)(uintptr_t)arg, 0);
}

static struct xen_sysctl *sysctl(uint32_t cmd)
{
	static struct xen_sysctl *s;

	if (!s)
		s = locked(4096);
	memset(s, 0, sizeof(*s));
	s->cmd = cmd;
	s->interface_version = XEN_SYSCTL_INTERFACE_VERSION;
	return s;
}

static void print_domain(const struct xen_domctl_getdomaininfo *i)
{
	printf("dom %u tot_kib %lu max_kib %lu vcpus %u flags %#x\n", i->domain,
	       (unsigned long)i->tot_pages * 4, (unsigned long)i->max_pages * 4,
	       i->nr_online_vcpus, i->flags);
}

static int physinfo(void)
{
	struct xen_sysctl *s = sysctl(XEN_SYSCTL_physinfo);

	hypercall("sysctl physinfo", HYPERVISOR_sysctl, s);
	printf("nr_cpus %u cpu_khz %u caps %#x total_kib %lu free_kib %lu\n",
	       s->u.physinfo.nr_cpus, s->u.physinfo.cpu_khz, s->u.physinfo.capabilities,
	       (unsigned long)s->u.physinfo.total_pages * 4,
	       (unsigned long)s->u.physinfo.free_pages * 4);
	return 0;
}

static int list(void)
{
	struct xen_domctl_getdomaininfo *info = locked(64 * sizeof(*info));
	struct xen_sysctl *s = sysctl(XEN_SYSCTL_getdomaininfolist);

	s->u.getdomaininfolist.max_domains = 64;
	s->u.getdomaininfolist.buffer = (uint64_t)(uintptr_t)info;
	hypercall("sysctl getdomaininfolist", HYPERVISOR_sysctl, s);
	for (uint32_t i = 0; i < s->u.getdomaininfolist.num_domains; i++)
		print_domain(&info[i]);
	return 0;
}

static int info(const char *id)
{
	struct xen_domctl *d = locked(4096);

	d->cmd = XEN_DOMCTL_getdomaininfo;
	d->interface_version = XEN_DOMCTL_INTERFACE_VERSION;
	d->domain = (domid_t)strtoul(id, NULL, 0);
	hypercall("domctl getdomaininfo", HYPERVISOR_domctl, d);
	print_domain(&d->u.getdomaininfo);
	return 0;
}

static int dmesg(void)
{
	char *buf = locked(16384);
	struct xen_sysctl *s = sysctl(XEN_SYSCTL_readconsole);

	s->u.readconsole.buffer = (uint64_t)(uintptr_t)buf;
	s->u.readconsole.count = 16384;
	hypercall("sysctl readconsole", HYPERVISOR_sysctl, s);
	fwrite(buf, 1, s->u.readconsole.count, stdout);
	return 0;
}

static int peek(const char *dom, const char *gfn)
{
	uint64_t frame = strtoull(gfn, NULL, 0);
	int err = 0;
	char *page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, privcmd, 0);
	struct privcmd_mmapbatch_v2 m = { 1, (domid_t)strtoul(dom, NULL, 0),
					  (uint64_t)(uintptr_t)page, &frame, &err };

	if (page == MAP_FAILED) {
		printf("error: mmap of privcmd: %s\n", strerror(errno));
		return 1;
	}
	if (ioctl(privcmd, IOCTL_PRIVCMD_MMAPBATCH_V2, &m) < 0 || err) {
		printf("error: mmapbatch: %s (%d), entry %d\n", strerror(errno), errno, err);
		return 1;
	}
	printf("%.64s\n", page);
	return munmap(page, 4096) ? 1 : 0;
}

/* Dom0's own frame gpfn becomes the domain's page gfn, is read, and is unmapped. */
static int peek_at(const char *dom, const char *gfn, const char *gpfn)
{
	struct xen_add_to_physmap_batch *b = locked(4096);
	struct xen_remove_from_physmap *r = (void *)(b + 1);
	uint64_t *idx = (void *)(r + 1), *at = idx + 1;
	int *err = (void *)(at + 1), mem;
	char *page;

	*idx = strtoull(gfn, NULL, 0);
	*at = strtoull(gpfn, NULL, 0);
	*b = (struct xen_add_to_physmap_batch){ .domid = DOMID_SELF, .space = XENMAPSPACE_gmfn_foreign,
		.size = 1, .foreign_domid = (domid_t)strtoul(dom, NULL, 0),
		.idxs = (uint64_t)(uintptr_t)idx, .gpfns = (uint64_t)(uintptr_t)at,
		.errs = (uint64_t)(uintptr_t)err };
	hypercall2("memory_op add_to_physmap_batch", HYPERVISOR_memory_op,
		   XENMEM_add_to_physmap_batch, (uint64_t)(uintptr_t)b);
	if (*err) {
		printf("error: add_to_physmap_batch: entry %d\n", *err);
		return 1;
	}
	mem = open("/dev/mem", O_RDONLY | O_SYNC);
	page = mem < 0 ? MAP_FAILED : mmap(NULL, 4096, PROT_READ, MAP_SHARED, mem, (off_t)(*at << 12));
	if (page == MAP_FAILED)
		printf("error: /dev/mem at %#lx: %s\n", (unsigned long)(*at << 12), strerror(errno));
	else
		printf("%.64s\n", page);
	*r = (struct xen_remove_from_physmap){ .domid = DOMID_SELF, .gpfn = *at };
	hypercall2("memory_op remove_from_physmap", HYPERVISOR_memory_op,
		   XENMEM_remove_from_physmap, (uint64_t)(uintptr_t)r);
	return page == MAP_FAILED;
}

static int param(const char *dom, const char *index)
{
	struct xen_hvm_param *p = locked(4096);

	p->domid = (domid_t)strtoul(dom, NULL, 0);
	p->index = (uint32_t)strtoul(index, NULL, 0);
	hypercall2("hvm_op get_param", HYPERVISOR_hvm_op, HVMOP_get_param, (uint64_t)(uintptr_t)p);
	printf("%lu\n", (unsigned long)p->value);
	return 0;
}

int main(int argc, char **argv)
{
	privcmd = open("/dev/xen/privcmd", O_RDWR);
	if (privcmd < 0) {
		printf("error: /dev/xen/privcmd: %s\n", strerror(errno));
		return 1;
	}
	if (argc == 2 && !strcmp(argv[1], "physinfo"))
		return physinfo();
	if (argc == 2 && !strcmp(argv[1], "list"))
		return list();
	if (argc == 3 && !strcmp(argv[1], "info"))
		return info(argv[2]);
	if (argc == 2 && !strcmp(argv[1], "dmesg"))
		return dmesg();
	if (argc == 4 && !strcmp(argv[1], "peek"))
		return peek(argv[2], argv[3]);
	if (argc == 5 && !strcmp(argv[1], "peekat"))
		return peek_at(argv[2], argv[3], argv[4]);
	if (argc == 4 && !strcmp(argv[1], "param"))
		return param(argv[2], argv[3]);
	fprintf(stderr, "usage: xenctl physinfo | list | info DOMID | dmesg | peek DOMID GFN | "
		"peekat DOMID GFN GPFN | "
		"param DOMID IDX\n");
	return 2;
}
