/*
 * hypfs_op: Xen's hypervisor file system, for the control domain only
 * (-EPERM for others, before anything else), with Xen 4.17's paths, entry
 * records, checks and errno values.  Domus publishes what Xen 4.17 on Arm
 * does, as far as Domus has it:
 *
 *   /buildinfo/changeset, compileinfo/{compile_by,compile_date,
 *              compile_domain,compiler}, version/{extra,major,minor}
 *   /cpupool/<id>/sched-gran                   "cpu": the only granularity
 *   /params/<name>                             the runtime parameters
 *                                              (core/params.c), writable:
 *                                              xl set-parameters
 *
 * The tree is made as it is walked, each directory listing its entries in
 * name order, so nothing is kept between calls.
 */
#include <xen/hypercall.h>
#include <xen/pv.h>
#include <xen/guest_access.h>
#include <xen/toolstack.h>
#include <domus/cpupool.h>
#include <domus/domain.h>
#include <domus/params.h>
#include <public/errno.h>

#define MAX_ENTRIES   MAX_CPUPOOLS	/* the most a directory has: /cpupool */
#define CONTENT_MAX   PARAM_VALUE_MAX	/* the longest leaf */
#define GRAN_NAME_MAX 8			/* Xen's SCHED_GRAN_NAME_LEN */
#define NAME_OFF      offsetof(struct xen_hypfs_dirlistentry, name)
#define DIRENTRY_SIZE(name_len) (NAME_OFF + ALIGN_UP((name_len) + 1, 4))

struct node;

struct node_ops {
	/* A directory's entries, in name order: how many. */
	unsigned (*list)(const struct node *dir, struct node *out);
	/* A leaf's contents: their length. */
	unsigned (*read)(const struct node *leaf, char *buf);
	/* New contents for a leaf (len bytes, a string's NUL-terminated): 0 or an errno. */
	int64_t (*write)(const struct node *leaf, const char *buf, unsigned len);
	unsigned max_write;
};

struct node {
	char name[24];
	uint8_t type;
	unsigned arg;		/* which parameter, pool or string it is */
	const struct node_ops *ops;
};

/* Whether len bytes are one string and its NUL, as Xen takes a path or a written value. */
static bool one_string(const char *buf, uint64_t len)
{
	return len && memchr(buf, 0, len) == buf + len - 1;
}

static unsigned string_leaf(char *buf, const char *s)
{
	size_t n = strlen(s) + 1;

	memcpy(buf, s, n);
	return (unsigned)n;
}

/* ---- /buildinfo ---- */

static const char *const build_strings[] = {
	XEN_CHANGESET, xen_compile_info.compile_by, xen_compile_info.compile_date,
	xen_compile_info.compile_domain, xen_compile_info.compiler, XEN_EXTRAVERSION,
};
enum { CHANGESET, COMPILE_BY, COMPILE_DATE, COMPILE_DOMAIN, COMPILER, EXTRA };

static unsigned read_build_string(const struct node *leaf, char *buf)
{
	return string_leaf(buf, build_strings[leaf->arg]);
}

static unsigned read_version_number(const struct node *leaf, char *buf)
{
	uint32_t n = leaf->arg;

	memcpy(buf, &n, sizeof(n));
	return sizeof(n);
}

static const struct node_ops build_string_ops = { .read = read_build_string };
static const struct node_ops version_number_ops = { .read = read_version_number };

/*
 * The directories whose entries never change, each a table: a node's arg
 * says which.  Their entries are in name order.
 */
enum { ROOT, BUILDINFO, COMPILEINFO, VERSION };
static const struct node_ops static_dir_ops;
static const struct node_ops cpupools_ops;
static const struct node_ops params_ops;

static const struct node root_entries[] = {
	{ "buildinfo", XEN_HYPFS_TYPE_DIR, BUILDINFO, &static_dir_ops },
	{ "cpupool", XEN_HYPFS_TYPE_DIR, 0, &cpupools_ops },
	{ "params", XEN_HYPFS_TYPE_DIR, 0, &params_ops },
};
static const struct node buildinfo_entries[] = {
	{ "changeset", XEN_HYPFS_TYPE_STRING, CHANGESET, &build_string_ops },
	{ "compileinfo", XEN_HYPFS_TYPE_DIR, COMPILEINFO, &static_dir_ops },
	{ "version", XEN_HYPFS_TYPE_DIR, VERSION, &static_dir_ops },
};
static const struct node compileinfo_entries[] = {
	{ "compile_by", XEN_HYPFS_TYPE_STRING, COMPILE_BY, &build_string_ops },
	{ "compile_date", XEN_HYPFS_TYPE_STRING, COMPILE_DATE, &build_string_ops },
	{ "compile_domain", XEN_HYPFS_TYPE_STRING, COMPILE_DOMAIN, &build_string_ops },
	{ "compiler", XEN_HYPFS_TYPE_STRING, COMPILER, &build_string_ops },
};
static const struct node version_entries[] = {
	{ "extra", XEN_HYPFS_TYPE_STRING, EXTRA, &build_string_ops },
	{ "major", XEN_HYPFS_TYPE_UINT, XEN_VERSION_MAJOR, &version_number_ops },
	{ "minor", XEN_HYPFS_TYPE_UINT, XEN_VERSION_MINOR, &version_number_ops },
};
static const struct {
	const struct node *entries;
	unsigned n;
} static_dirs[] = {
	[ROOT] = { root_entries, ARRAY_SIZE(root_entries) },
	[BUILDINFO] = { buildinfo_entries, ARRAY_SIZE(buildinfo_entries) },
	[COMPILEINFO] = { compileinfo_entries, ARRAY_SIZE(compileinfo_entries) },
	[VERSION] = { version_entries, ARRAY_SIZE(version_entries) },
};

static unsigned list_static(const struct node *dir, struct node *out)
{
	unsigned n = static_dirs[dir->arg].n;

	memcpy(out, static_dirs[dir->arg].entries, n * sizeof(*out));
	return n;
}

static const struct node_ops static_dir_ops = { .list = list_static };

/* ---- /cpupool ---- */

static unsigned read_gran(const struct node *leaf, char *buf)
{
	(void)leaf;
	return string_leaf(buf, "cpu");
}

/* As Xen: only a pool without domains may change, and "cpu" is all there is here. */
static int64_t write_gran(const struct node *leaf, const char *buf, unsigned len)
{
	struct cpupool_info info;

	if (len > GRAN_NAME_MAX)
		return -XEN_ENOSPC;
	if (!one_string(buf, len) || strcmp(buf, "cpu"))
		return -XEN_EINVAL;
	if (!cpupool_info(leaf->arg, &info) || info.id != leaf->arg)
		return -XEN_ENOENT;
	return info.n_dom ? -XEN_EBUSY : 0;
}

static const struct node_ops gran_ops = { .read = read_gran, .write = write_gran,
					  .max_write = GRAN_NAME_MAX };

static unsigned list_pool(const struct node *dir, struct node *out)
{
	out[0] = (struct node){ "sched-gran", XEN_HYPFS_TYPE_STRING, dir->arg, &gran_ops };
	return 1;
}

static const struct node_ops pool_ops = { .list = list_pool };

/* Pool ids as names, in name order as Xen lists them ("10" before "2"). */
static unsigned list_cpupools(const struct node *dir, struct node *out)
{
	struct cpupool_info info;
	unsigned n = 0;

	(void)dir;
	for (uint32_t id = 0; n < MAX_ENTRIES && cpupool_info(id, &info); id = info.id + 1) {
		struct node pool = { .type = XEN_HYPFS_TYPE_DIR, .arg = info.id, .ops = &pool_ops };
		unsigned at = n++;

		snprintf(pool.name, sizeof(pool.name), "%u", info.id);
		for (; at && strcmp(out[at - 1].name, pool.name) > 0; at--)
			out[at] = out[at - 1];
		out[at] = pool;
	}
	return n;
}

/* ---- /params ---- */

static unsigned read_param(const struct node *leaf, char *buf)
{
	const struct runtime_param *p = &runtime_params[leaf->arg];

	p->show(p, buf, CONTENT_MAX);
	return (unsigned)strlen(buf) + 1;
}

static int64_t write_param(const struct node *leaf, const char *buf, unsigned len)
{
	if (len > PARAM_VALUE_MAX)
		return -XEN_ENOSPC;
	if (!one_string(buf, len))
		return -XEN_EDOM;
	return runtime_params[leaf->arg].set(&runtime_params[leaf->arg], buf) ? 0 : -XEN_EINVAL;
}

static const struct node_ops param_ops = { .read = read_param, .write = write_param,
					   .max_write = PARAM_VALUE_MAX };

static unsigned list_params(const struct node *dir, struct node *out)
{
	(void)dir;
	for (unsigned i = 0; i < nr_runtime_params; i++) {
		out[i] = (struct node){ .type = XEN_HYPFS_TYPE_STRING, .arg = i, .ops = &param_ops };
		snprintf(out[i].name, sizeof(out[i].name), "%s", runtime_params[i].name);
	}
	return nr_runtime_params;
}

static const struct node_ops cpupools_ops = { .list = list_cpupools };
static const struct node_ops params_ops = { .list = list_params };

/* ---- the operations ---- */

/* The entry at an absolute path; a directory's may end in '/'. */
static int64_t lookup(const char *path, struct node *at)
{
	struct node entries[MAX_ENTRIES];

	if (*path++ != '/')
		return -XEN_EINVAL;
	*at = (struct node){ "", XEN_HYPFS_TYPE_DIR, ROOT, &static_dir_ops };
	while (*path) {
		const char *end = strchr(path, '/');
		size_t len = end ? (size_t)(end - path) : strlen(path);
		unsigned n = at->ops->list(at, entries), i;

		for (i = 0; i < n; i++)
			if (strlen(entries[i].name) == len && !strncmp(entries[i].name, path, len))
				break;
		if (i == n)
			return -XEN_ENOENT;
		*at = entries[i];
		if (end && at->type != XEN_HYPFS_TYPE_DIR)
			return -XEN_ENOENT;	/* "leaf/" */
		path += len + (end != NULL);
	}
	return 0;
}

/* A directory's contents are its entries' records, each with its name. */
static unsigned content_len(const struct node *e)
{
	struct node entries[MAX_ENTRIES];
	char leaf[CONTENT_MAX];
	unsigned n, size = 0;

	if (e->type != XEN_HYPFS_TYPE_DIR)
		return e->ops->read(e, leaf);
	n = e->ops->list(e, entries);
	for (unsigned i = 0; i < n; i++)
		size += DIRENTRY_SIZE(strlen(entries[i].name));
	return size;
}

/* The record of an entry whose contents are len bytes. */
static struct xen_hypfs_direntry record_of(const struct node *e, unsigned len)
{
	return (struct xen_hypfs_direntry){ .type = e->type, .encoding = XEN_HYPFS_ENC_PLAIN,
					    .content_len = len, .max_write_len = e->ops->max_write };
}

static struct xen_hypfs_direntry record(const struct node *e)
{
	return record_of(e, content_len(e));
}

static unsigned contents(const struct node *e, char *buf)
{
	struct node entries[MAX_ENTRIES];
	unsigned n, size = 0;

	if (e->type != XEN_HYPFS_TYPE_DIR)
		return e->ops->read(e, buf);
	n = e->ops->list(e, entries);
	for (unsigned i = 0; i < n; i++) {
		size_t name_len = strlen(entries[i].name);
		struct xen_hypfs_dirlistentry d = {
			.e = record(&entries[i]),
			.off_next = i + 1 < n ? (uint16_t)DIRENTRY_SIZE(name_len) : 0,
		};

		memset(buf + size, 0, DIRENTRY_SIZE(name_len));
		memcpy(buf + size, &d, NAME_OFF);
		memcpy(buf + size + NAME_OFF, entries[i].name, name_len + 1);
		size += DIRENTRY_SIZE(name_len);
	}
	return size;
}

static int64_t hypfs_read(struct vcpu *v, const struct node *e, uint64_t buf, uint64_t size)
{
	char data[MAX_ENTRIES * DIRENTRY_SIZE(sizeof(e->name))];
	struct xen_hypfs_direntry r;
	unsigned len;

	if (size < sizeof(r))
		return -XEN_EINVAL;
	len = contents(e, data);
	r = record_of(e, len);
	if (copy_to_guest(v, buf, &r, sizeof(r)))
		return -XEN_EFAULT;
	if (size < sizeof(r) + len)
		return -XEN_ENOBUFS;
	return copy_to_guest(v, buf + sizeof(r), data, len) ? -XEN_EFAULT : 0;
}

static int64_t hypfs_write(struct vcpu *v, const struct node *e, uint64_t buf, uint64_t size)
{
	char data[CONTENT_MAX];

	if (e->type == XEN_HYPFS_TYPE_DIR || !e->ops->write)
		return -XEN_EACCES;
	if (size > sizeof(data))
		return -XEN_ENOSPC;
	if (copy_from_guest(v, data, buf, size))
		return -XEN_EFAULT;
	return e->ops->write(e, data, (unsigned)size);
}

int64_t do_hypfs_op(struct vcpu *v, uint64_t cmd, uint64_t path, uint64_t len, uint64_t buf,
		    uint64_t size)
{
	char name[XEN_HYPFS_MAX_PATHLEN];
	struct node e;
	int64_t ret;

	if (xsm_control(v->dom))
		return -XEN_EPERM;
	if (cmd == XEN_HYPFS_OP_get_version)
		return path || len || buf || size ? -XEN_EINVAL : XEN_HYPFS_VERSION;
	if (!len || len > sizeof(name))
		return -XEN_EINVAL;
	if (copy_from_guest(v, name, path, len))
		return -XEN_EFAULT;
	if (!one_string(name, len))
		return -XEN_EINVAL;
	if ((ret = lookup(name, &e)))
		return ret;
	if (cmd == XEN_HYPFS_OP_read)
		return hypfs_read(v, &e, buf, size);
	if (cmd == XEN_HYPFS_OP_write_contents)
		return hypfs_write(v, &e, buf, size);
	return -XEN_EOPNOTSUPP;
}
