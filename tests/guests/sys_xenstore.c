/*
 * sys_xenstore: a PV DomU beside Dom0 for tests/system/test_dom0.py, which
 * finds xenstore as Linux's late xenbus init does on Xen 4.17's dom0less:
 * its store port is there from the start and its store page "to come"
 * (HVM_PARAM_STORE_PFN = ~0); Dom0's init-dom0less populates the page, sets
 * the parameter and introduces the domain to xenstored, which notifies the
 * port.  It then speaks the xenstore protocol on the ring: reads its domid
 * and name, writes data/hello, and waits for Dom0 to write data/reply.
 * Last, its PV console, which is Dom0's xenconsoled's beside a Dom0: it
 * prints a tick there every half second until a 'q' comes back (`xl console`).
 */
#include "guest.h"
#include "evtchn_common.h"

#define HVM_PARAM_STORE_PFN    1
#define HVM_PARAM_STORE_EVTCHN 2
#define CONSOLE_WAIT_MS        240000
#define MAGIC_GFN              (0x39000000UL >> 12)
#define XS_READ                2
#define XS_WRITE               11
#define XS_ERROR               16
#define XS_RING                1024
#define XS_CONNECTED           0

struct xs_ring {
    char req[XS_RING];
    char rsp[XS_RING];
    volatile u32 req_cons, req_prod, rsp_cons, rsp_prod;
    u32 server_features;
    volatile u32 connection;
    u32 error;
};

struct xs_header { u32 type, req_id, tx_id, len; };

struct xencons {
    char in[1024];
    char out[2048];
    volatile u32 in_cons, in_prod, out_cons, out_prod;
};

static struct xs_ring *ring;
static u32 req_id;

static void put(const void *data, u32 len)
{
    const char *p = data;

    for (u32 i = 0; i < len; i++) {
        if (!RETRY_UNTIL(ring->req_prod - ring->req_cons < XS_RING, (void)0, 5000, 100))
            fail("the request ring stays full");
        ring->req[ring->req_prod % XS_RING] = p[i];
        dsb_sy();
        ring->req_prod++;
    }
}

static void get(void *data, u32 len)
{
    char *p = data;

    for (u32 i = 0; i < len; i++) {
        if (!RETRY_UNTIL(ring->rsp_prod != ring->rsp_cons, (void)0, 10000, 100))
            fail("no answer from xenstored");
        dsb_sy();
        p[i] = ring->rsp[ring->rsp_cons % XS_RING];
        ring->rsp_cons++;
    }
}

/* One request, one answer (at most `size` bytes of it in out, NUL-ended); its type. */
static u32 request(u32 type, const char *a, u32 alen, const char *b, u32 blen,
                   char *out, u32 size)
{
    struct xs_header h = { type, ++req_id, 0, alen + blen };
    char discard;

    put(&h, sizeof(h));
    put(a, alen);
    put(b, blen);
    evtchn_send(my_port);
    get(&h, sizeof(h));
    if (h.req_id != req_id)
        fail("answer to request %u, want %u", h.req_id, req_id);
    for (u32 i = 0; i < h.len; i++)
        get(i < size - 1 ? &out[i] : &discard, 1);
    out[h.len < size - 1 ? h.len : size - 1] = 0;
    return h.type;
}

static u32 xs_read(const char *path, char *out, u32 size)
{
    return request(XS_READ, path, strlen(path) + 1, "", 0, out, size);
}

/* Writes what fits of s to the console ring and signals it. */
static void console_write(struct xencons *c, u32 port, const char *s)
{
    for (; *s && c->out_prod - c->out_cons < sizeof(c->out); s++)
        c->out[c->out_prod % sizeof(c->out)] = *s, dsb_sy(), c->out_prod++;
    evtchn_send(port);
}

/* Whether a 'q' came in (what came before it is read and dropped). */
static bool console_quit(struct xencons *c)
{
    bool quit = false;

    while (c->in_cons != c->in_prod) {
        dsb_sy();
        quit |= c->in[c->in_cons % sizeof(c->in)] == 'q';
        c->in_cons++;
    }
    return quit;
}

static void console_until_quit(void)
{
    u64 pfn = 0, port = 0;
    struct xencons *c;
    char line[48];

    CHECK(xen_hvm_param(HVM_PARAM_CONSOLE_PFN, &pfn) == 0 &&
          xen_hvm_param(HVM_PARAM_CONSOLE_EVTCHN, &port) == 0 && pfn && port,
          "no PV console (0x%lx, port %lu)", pfn, port);
    c = (struct xencons *)(pfn << 12);
    info("console: ticking on port %lu until a 'q'", port);
    for (unsigned int tick = 0; !console_quit(c); tick++) {
        if (tick * 500 >= CONSOLE_WAIT_MS)
            fail("no 'q' on the PV console");
        snprintf(line, sizeof(line), "console: tick %u, type q to end\r\n", tick);
        console_write(c, (u32)port, line);
        usleep(500000);
    }
    info("console: got the 'q'");
}

void test_main(void)
{
    char domid[16], name[32], answer[32];
    u64 port = 0, pfn = 0;

    events_setup();
    CHECK(xen_hvm_param(HVM_PARAM_STORE_EVTCHN, &port) == 0 && port, "no store port");
    CHECK(xen_hvm_param(HVM_PARAM_STORE_PFN, &pfn) == 0 && pfn == ~0UL,
          "store page 0x%lx before Dom0 set it up, want ~0", pfn);
    my_port = (u32)port;
    CHECK(evtchn_unmask(my_port) == 0, "unmask of the store port failed");
    irq_enable();
    info("waiting for xenstore on port %u", my_port);
    if (!wait_flag(&received, 1, 240000))
        fail("xenstored never notified the store port");
    CHECK(xen_hvm_param(HVM_PARAM_STORE_PFN, &pfn) == 0 && pfn == MAGIC_GFN + 1,
          "store page 0x%lx, want 0x%lx", pfn, MAGIC_GFN + 1);
    ring = (struct xs_ring *)(pfn << 12);
    if (!RETRY_UNTIL(ring->connection == XS_CONNECTED, (void)0, 10000, 1000))
        fail("the ring stays in connection state %u", ring->connection);

    CHECK(xs_read("domid", domid, sizeof(domid)) == XS_READ, "read domid: %s", domid);
    CHECK(xs_read("name", name, sizeof(name)) == XS_READ, "read name: %s", name);
    info("xenstore: domid %s, name %s", domid, name);
    CHECK(!strncmp(name, "dom0less-", 9) && !strncmp(name + 9, domid, sizeof(domid)),
          "name %s is not init-dom0less's for domid %s", name, domid);
    CHECK(request(XS_WRITE, "data/hello", 11, "from-domU", 9, answer, sizeof(answer)) ==
          XS_WRITE, "write data/hello: %s", answer);
    info("xenstore: wrote data/hello, waiting for data/reply");
    if (!RETRY_UNTIL(xs_read("data/reply", answer, sizeof(answer)) == XS_READ, (void)0,
                     240000, 100000))
        fail("Dom0 never wrote data/reply");
    info("xenstore: data/reply = %s", answer);
    CHECK(!strncmp(answer, "from-dom0", sizeof(answer)), "data/reply is %s", answer);
    console_until_quit();
}
