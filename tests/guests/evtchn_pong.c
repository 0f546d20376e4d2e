/*
 * evtchn_pong (domain 2, peer of evtchn_ping): allocates an unbound port for
 * domain 1, answers each of 100 notifications with one of its own, then
 * closes its port (which makes ping's port unbound again).
 */
#include "guest.h"
#include "evtchn_common.h"

void test_main(void)
{
    events_setup();
    s64 port = evtchn_alloc_unbound(PING_DOM);
    if (port != PONG_PORT)
        fail("alloc_unbound(remote 1) = %ld, want port %u", port, PONG_PORT);
    my_port = (u32)port;
    struct evtchn_status st;
    /* Unbound for domain 1, or already bound by it (both name dom 1 at offset 16). */
    CHECK(evtchn_status(my_port, &st) == 0 &&
          (st.status == EVTCHNSTAT_unbound || st.status == EVTCHNSTAT_interdomain) &&
          st.u.unbound_dom == PING_DOM, "status of the new port: %u dom %u", st.status,
          st.u.unbound_dom);
    CHECK(evtchn_unmask(my_port) == 0, "unmask failed");
    irq_enable();

    /* Ping binds when it gets there: allow it time for the first one. */
    for (unsigned int i = 1; i <= ROUNDS; i++) {
        if (!wait_flag(&received, i, i == 1 ? 30000 : 5000))
            fail("notification %u of %u never came (got %u)", i, ROUNDS, received);
        CHECK(evtchn_send(my_port) == 0, "send %u failed", i);
    }
    CHECK(evtchn_status(my_port, &st) == 0 && st.status == EVTCHNSTAT_interdomain &&
          st.u.interdomain.dom == PING_DOM, "status while bound: %u dom %u", st.status,
          st.u.interdomain.dom);
    udelay(100000);
    irq_disable();
    CHECK(received == ROUNDS, "received %u notifications, want %u", received, ROUNDS);
    CHECK(!wrong_port, "%u events on other ports", wrong_port);
    CHECK(evtchn_close(my_port) == 0, "close failed");
    CHECK(evtchn_send(my_port) == -XEN_EINVAL, "send on a closed port != -EINVAL");
    info("pong: %u upcalls", xen_upcalls[0]);
}
