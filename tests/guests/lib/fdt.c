/* Just enough flattened device tree parsing: /memory banks and /cpus. */
#include "guest.h"

#define FDT_MAGIC       0xd00dfeed
#define FDT_BEGIN_NODE  1
#define FDT_END_NODE    2
#define FDT_PROP        3
#define FDT_NOP         4
#define FDT_END         9

static u32 be32(const void *p)
{
    const u8 *b = p;    /* byte loads: the DT may be anywhere, MMU is off */
    return (u32)b[0] << 24 | (u32)b[1] << 16 | (u32)b[2] << 8 | b[3];
}

static const u8 *fdt(void)
{
    const u8 *f = (const u8 *)(uintptr_t)boot_dtb;
    if (!f || ((uintptr_t)f & 7) || be32(f) != FDT_MAGIC)
        return NULL;
    return f;
}

u32 fdt_totalsize(void)
{
    return fdt() ? be32(fdt() + 4) : 0;
}

struct walker {
    /* Called for each property: depth of its node, node name, property. */
    void (*prop)(struct walker *w, int depth, const char *node,
                 const char *name, const u8 *val, u32 len);
    /* Called at each node start. */
    void (*node)(struct walker *w, int depth, const char *node);
};

static bool fdt_walk(struct walker *w)
{
    const u8 *f = fdt();
    if (!f)
        return false;
    const u8 *p = f + be32(f + 8);
    const char *strings = (const char *)f + be32(f + 12);
    const u8 *end = f + be32(f + 4);
    const char *names[8] = { "" };
    int depth = -1;

    while (p < end) {
        u32 tok = be32(p);
        p += 4;
        switch (tok) {
        case FDT_BEGIN_NODE: {
            const char *name = (const char *)p;
            depth++;
            if (depth < 8)
                names[depth] = name;
            if (w->node)
                w->node(w, depth, name);
            p += (strlen(name) + 1 + 3) & ~3UL;
            break;
        }
        case FDT_END_NODE:
            depth--;
            break;
        case FDT_PROP: {
            u32 len = be32(p), nameoff = be32(p + 4);
            if (w->prop && depth >= 0 && depth < 8)
                w->prop(w, depth, names[depth], strings + nameoff, p + 8, len);
            p += 8 + ((len + 3) & ~3U);
            break;
        }
        case FDT_NOP:
            break;
        case FDT_END:
            return true;
        default:
            return false;
        }
    }
    return false;
}

struct mem_walker {
    struct walker w;
    u32 addr_cells, size_cells;
    struct mem_bank *banks;
    unsigned int max, n;
};

static u64 cells(const u8 *p, u32 n)
{
    u64 v = 0;
    while (n--) {
        v = v << 32 | be32(p);
        p += 4;
    }
    return v;
}

static void mem_prop(struct walker *w, int depth, const char *node,
                     const char *name, const u8 *val, u32 len)
{
    struct mem_walker *m = (struct mem_walker *)w;

    if (depth == 0 && !strncmp(name, "#address-cells", 15))
        m->addr_cells = be32(val);
    else if (depth == 0 && !strncmp(name, "#size-cells", 12))
        m->size_cells = be32(val);
    else if (depth == 1 && !strncmp(node, "memory", 6) &&
             (node[6] == '\0' || node[6] == '@') && !strncmp(name, "reg", 4)) {
        u32 stride = 4 * (m->addr_cells + m->size_cells);
        for (u32 off = 0; stride && off + stride <= len && m->n < m->max; off += stride) {
            m->banks[m->n].base = cells(val + off, m->addr_cells);
            m->banks[m->n].size = cells(val + off + 4 * m->addr_cells, m->size_cells);
            m->n++;
        }
    }
}

unsigned int fdt_memory(struct mem_bank *banks, unsigned int max)
{
    struct mem_walker m = {
        .w = { .prop = mem_prop },
        .addr_cells = 2, .size_cells = 1,       /* DT spec defaults */
        .banks = banks, .max = max,
    };
    if (!fdt_walk(&m.w))
        return 0;
    return m.n;
}

struct cpu_walker {
    struct walker w;
    bool in_cpus;
    unsigned int n;
};

static void cpu_node(struct walker *w, int depth, const char *node)
{
    struct cpu_walker *c = (struct cpu_walker *)w;

    if (depth == 1)
        c->in_cpus = !strncmp(node, "cpus", 5);
    else if (depth == 2 && c->in_cpus && !strncmp(node, "cpu@", 4))
        c->n++;
}

unsigned int fdt_cpu_count(void)
{
    struct cpu_walker c = { .w = { .node = cpu_node } };
    if (!fdt_walk(&c.w))
        return 0;
    return c.n;
}

struct uart_walker {
    struct walker w;
    bool found;
};

static void uart_node(struct walker *w, int depth, const char *node)
{
    struct uart_walker *u = (struct uart_walker *)w;

    if (depth == 1 && (!strncmp(node, "sbsa-uart@", 10) || !strncmp(node, "pl011@", 6)))
        u->found = true;
}

bool fdt_has_uart(void)
{
    struct uart_walker u = { .w = { .node = uart_node } };
    return fdt_walk(&u.w) && u.found;
}
