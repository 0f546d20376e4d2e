/*
 * evtchn_ping (domain 1; evtchn_pong runs as domain 2): binds to pong's
 * unbound port 2 (retrying until pong has allocated it), exchanges 100
 * notifications each way in lock step, each exactly once, then waits for
 * pong to close its end: EVTCHNOP_status shows this port unbound again.
 */
#include "guest.h"
#include "evtchn_common.h"

void test_main(void)
{
    s64 port = 0;

    events_setup();
    bool bound = RETRY_UNTIL(port > 0, port = evtchn_bind_interdomain(PONG_DOM, PONG_PORT),
                             30000, 10000);
    if (!bound)
        fail("bind_interdomain(2, %u) = %ld after 30 s", PONG_PORT, port);
    CHECK(port == 2, "bound local port %ld, want 2", port);
    my_port = (u32)port;
    /* Xen marks the new local port pending at bind time. */
    CHECK(evtchn_pending(my_port), "local port %u not pending after bind", my_port);
    evtchn_clear(my_port);
    struct evtchn_status st;
    CHECK(evtchn_status(my_port, &st) == 0 && st.status == EVTCHNSTAT_interdomain &&
          st.u.interdomain.dom == PONG_DOM && st.u.interdomain.port == PONG_PORT,
          "status: %u dom %u port %u", st.status, st.u.interdomain.dom, st.u.interdomain.port);
    CHECK(evtchn_unmask(my_port) == 0, "unmask failed");
    irq_enable();

    for (unsigned int i = 1; i <= ROUNDS; i++) {
        CHECK(evtchn_send(my_port) == 0, "send %u failed", i);
        if (!wait_flag(&received, i, 5000))
            fail("answer %u of %u never came (got %u)", i, ROUNDS, received);
    }
    udelay(100000);
    CHECK(received == ROUNDS, "received %u notifications, want %u", received, ROUNDS);
    CHECK(!wrong_port, "%u events on other ports", wrong_port);
    info("ping: %u upcalls", xen_upcalls[0]);

    bool unbound = RETRY_UNTIL(st.status == EVTCHNSTAT_unbound, evtchn_status(my_port, &st),
                               10000, 10000);
    CHECK(unbound && st.u.unbound_dom == PONG_DOM,
          "after pong closed: status %u (dom %u), want unbound (1) for dom 2", st.status,
          st.u.unbound_dom);
    irq_disable();
}
