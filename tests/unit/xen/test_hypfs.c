/*
 * hypfs_op's tree (xen/hypfs.c): Xen 4.17's entry records and directory
 * listings, /buildinfo, /cpupool and the writable /params that xl
 * set-parameters uses, with Xen's errno values.
 */
#include "hypercall.h"
#include <domus/console.h>
#include <domus/cpupool.h>
#include <public/domctl.h>
#include <public/errno.h>
#include <public/xen.h>

#define PATH 0
#define DATA 4096

static struct vcpu *v;

static int64_t op(uint64_t cmd, const char *path, const void *data, uint64_t size)
{
	memcpy(arg_ptr(v->dom, PATH), path, strlen(path) + 1);
	if (data)
		memcpy(arg_ptr(v->dom, DATA), data, size);
	else
		memset(arg_ptr(v->dom, DATA), 0xa5, 2048);
	v->arch.regs[7] = __HYPERVISOR_hypfs_op;
	v->arch.regs[0] = cmd;
	v->arch.regs[1] = arg_gva(v->dom, PATH);
	v->arch.regs[2] = strlen(path) + 1;
	v->arch.regs[3] = arg_gva(v->dom, DATA);
	v->arch.regs[4] = size;
	hypercall_dispatch(v);
	return v->arch.ret;
}

static int64_t rd(const char *path, uint64_t size)
{
	return op(XEN_HYPFS_OP_read, path, NULL, size);
}

static int64_t wr(const char *path, const char *val, uint64_t size)
{
	return op(XEN_HYPFS_OP_write_contents, path, val, size);
}

static const struct xen_hypfs_direntry *record(void)
{
	return arg_ptr(v->dom, DATA);
}

static const char *content(void)
{
	return (const char *)arg_ptr(v->dom, DATA) + sizeof(struct xen_hypfs_direntry);
}

static void setup(void)
{
	v = fake_hardware_domain(1)->vcpu[0];
}

/*
 * Entry i of a directory's listing (records sit at 14 + 4n byte offsets, not
 * aligned: read them by copy); false past the last.
 */
static bool entry(unsigned i, struct xen_hypfs_direntry *e, const char **name)
{
	const char *p = content(), *end = p + record()->content_len;
	uint16_t next = 0;

	for (unsigned k = 0; k <= i; k++, p += next) {
		if (k && !next)
			return false;
		REQUIRE(p + 14 < end);
		memcpy(e, p, sizeof(*e));
		memcpy(&next, p + 12, 2);
		*name = p + 14;
		if (next)
			CHECK_EQ(next, 14 + ((strlen(*name) + 4) & ~3u));
		else
			CHECK(p + 14 + ((strlen(*name) + 4) & ~3u) == end);
		if (k == i)
			return true;
	}
	return false;
}

/* The names a directory lists, space-separated. */
static const char *names(void)
{
	static char out[256];
	struct xen_hypfs_direntry e;
	const char *name;

	out[0] = '\0';
	for (unsigned i = 0; entry(i, &e, &name); i++) {
		strcat(out, i ? " " : "");
		strcat(out, name);
	}
	return out;
}

TEST(the_root_lists_buildinfo_cpupool_and_params)
{
	setup();
	REQUIRE(rd("/", 2048) == 0);
	CHECK_EQ(record()->type, XEN_HYPFS_TYPE_DIR);
	CHECK_EQ(record()->max_write_len, 0);
	CHECK_STR(names(), "buildinfo cpupool params");
	REQUIRE(rd("/buildinfo/", 2048) == 0);
	CHECK_STR(names(), "changeset compileinfo version");
	REQUIRE(rd("/buildinfo/compileinfo", 2048) == 0);
	CHECK_STR(names(), "compile_by compile_date compile_domain compiler");
	REQUIRE(rd("/params", 2048) == 0);
	CHECK_STR(names(), "console_timestamps guest_loglvl loglvl");
	/* A directory entry's record is the entry's own. */
	struct xen_hypfs_direntry e;
	const char *name;
	REQUIRE(entry(2, &e, &name));
	CHECK_STR(name, "loglvl");
	CHECK_EQ(e.type, XEN_HYPFS_TYPE_STRING);
	CHECK_EQ(e.max_write_len, 128);
	CHECK_EQ(e.content_len, strlen("info/info") + 1);
}

TEST(buildinfo_says_xen_4_17)
{
	uint32_t n;

	setup();
	REQUIRE(rd("/buildinfo/version/major", 64) == 0);
	CHECK_EQ(record()->type, XEN_HYPFS_TYPE_UINT);
	CHECK_EQ(record()->content_len, 4);
	memcpy(&n, content(), 4);
	CHECK_EQ(n, 4);
	REQUIRE(rd("/buildinfo/version/minor", 64) == 0);
	memcpy(&n, content(), 4);
	CHECK_EQ(n, 17);
	REQUIRE(rd("/buildinfo/version/extra", 64) == 0);
	CHECK_EQ(record()->type, XEN_HYPFS_TYPE_STRING);
	CHECK_EQ(record()->content_len, 7);
	CHECK_STR(content(), "-domus");
	CHECK_EQ(wr("/buildinfo/version/extra", "x", 2), -XEN_EACCES);
}

TEST(paths_are_checked_as_xen_checks_them)
{
	setup();
	CHECK_EQ(rd("params", 2048), -XEN_EINVAL);
	CHECK_EQ(rd("/nope", 2048), -XEN_ENOENT);
	CHECK_EQ(rd("/params/loglvl/", 2048), -XEN_ENOENT);
	CHECK_EQ(rd("//params", 2048), -XEN_ENOENT);
	CHECK_EQ(rd("/param", 2048), -XEN_ENOENT);
	CHECK_EQ(rd("/params/loglvl", 11), -XEN_EINVAL);		/* not even a record */
	/* Too small for the contents: ENOBUFS, with the record saying how much. */
	CHECK_EQ(rd("/params/loglvl", 12), -XEN_ENOBUFS);
	CHECK_EQ(record()->content_len, strlen("info/info") + 1);
	CHECK_EQ((uint8_t)content()[0], 0xa5);
}

TEST(xl_set_parameters_changes_the_log_level_at_once)
{
	setup();
	REQUIRE(rd("/params/loglvl", 2048) == 0);
	CHECK_STR(content(), "info/info");
	CHECK_EQ(wr("/params/loglvl", "warning", 8), 0);
	CHECK_EQ(console_loglevel(), LOG_WARN);
	REQUIRE(rd("/params/loglvl", 2048) == 0);
	CHECK_STR(content(), "warning/warning");
	CHECK_EQ(wr("/params/loglvl", "error/all", 10), 0);
	CHECK_EQ(console_loglevel(), LOG_DEBUG);
	/* A bad value, no NUL at the end, too long, nothing: refused, nothing changes. */
	CHECK_EQ(wr("/params/loglvl", "loud", 5), -XEN_EINVAL);
	CHECK_EQ(wr("/params/loglvl", "warning", 7), -XEN_EDOM);
	static char long_value[129] = "warning";
	CHECK_EQ(wr("/params/loglvl", long_value, sizeof(long_value)), -XEN_ENOSPC);
	CHECK_EQ(wr("/params/loglvl", "", 0), -XEN_EDOM);
	CHECK_EQ(console_loglevel(), LOG_DEBUG);
	CHECK_EQ(wr("/params", "x", 2), -XEN_EACCES);
	CHECK_EQ(wr("/params/console_timestamps", "boot", 5), 0);
	CHECK_EQ(console_timestamps(), TS_BOOT);
	REQUIRE(rd("/params/console_timestamps", 2048) == 0);
	CHECK_STR(content(), "boot");
	CHECK_EQ(wr("/params/guest_loglvl", "all", 4), 0);
	CHECK(console_guest_debug_shown());
	console_set_loglevel(LOG_INFO);
	console_set_timestamps(TS_NONE);
	console_set_guest_loglevel(LOG_WARN);
}

TEST(each_cpu_pool_has_its_granularity)
{
	uint32_t id = 10, two = 2;

	setup();
	REQUIRE(cpupool_create(&id, XEN_SCHEDULER_CREDIT) == 0);
	REQUIRE(cpupool_create(&two, XEN_SCHEDULER_NULL) == 0);
	REQUIRE(rd("/cpupool", 2048) == 0);
	CHECK_STR(names(), "0 10 2");
	REQUIRE(rd("/cpupool/10/sched-gran", 2048) == 0);
	CHECK_STR(content(), "cpu");
	CHECK_EQ(wr("/cpupool/10/sched-gran", "cpu", 4), 0);
	CHECK_EQ(wr("/cpupool/0/sched-gran", "cpu", 4), -XEN_EBUSY);	/* Dom0 is in it */
	CHECK_EQ(wr("/cpupool/10/sched-gran", "core", 5), -XEN_EINVAL);
	CHECK_EQ(wr("/cpupool/10/sched-gran", "socket123", 10), -XEN_ENOSPC);
	CHECK_EQ(rd("/cpupool/3", 2048), -XEN_ENOENT);
}

TEST(a_domu_can_read_and_write_nothing)
{
	struct domain *u;

	setup();
	u = fake_pv_domain(1);
	v = u->vcpu[0];
	CHECK_EQ(rd("/", 2048), -XEN_EPERM);
	CHECK_EQ(wr("/params/loglvl", "all", 4), -XEN_EPERM);
	CHECK_EQ(console_loglevel(), LOG_INFO);
}
