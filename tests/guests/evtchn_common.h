/* Shared by evtchn_ping (domain 1) and evtchn_pong (domain 2). */
#define PING_DOM    1
#define PONG_DOM    2
#define PONG_PORT   2           /* pong's first allocation (port 1 is the console) */
#define ROUNDS      100
#define SI_GFN      0x42000UL

static volatile unsigned int received;
static volatile unsigned int wrong_port;
static u32 my_port;

static void on_port(unsigned int cpu, u32 port)
{
    (void)cpu;
    if (port == my_port)
        received++;
    else
        wrong_port++;
}

static void events_setup(void)
{
    gic_dist_init();
    gic_cpu_init();
    xen_events_init(on_port);
    gic_enable_ppi(XEN_EVTCHN_PPI);
    if (xen_map_shared_info(SI_GFN))
        fail("cannot map shared_info");
}
