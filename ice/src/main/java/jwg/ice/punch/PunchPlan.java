package jwg.ice.punch;

import java.time.Duration;

/**
 * How hard one attempt tries. The easy side sends {@code probes} requests to distinct random ports in
 * [{@code firstPort}, {@code lastPort}] of the hard side's public address (then starts over with a
 * fresh permutation until the deadline), {@code burst} every {@code interval}; the hard side opens
 * {@code sockets} sockets and sends one request from each, {@code burst} every {@code interval}, again
 * every {@code resend}. With n mappings among P ports, k probes get through with probability
 * 1 - (1 - n/P)^k: 256 sockets and 1,024 probes over 64,512 ports ~98 %, 2,048 ~99.97 %.
 */
public record PunchPlan(
        int sockets,
        int probes,
        int firstPort,
        int lastPort,
        int burst,
        Duration interval,
        Duration resend,
        Duration deadline) {
    /** 256 sockets, 2,048 probes over Linux's fully-random range 1024-65535, 16 every 10 ms, 5 s. */
    public static final PunchPlan DEFAULT = new PunchPlan(
            256, 2048, 1024, 65535, 16, Duration.ofMillis(10), Duration.ofSeconds(1), Duration.ofSeconds(5));

    public PunchPlan {
        if (sockets < 1 || sockets > 1024) throw new IllegalArgumentException("sockets must be 1..1024: " + sockets);
        if (firstPort < 1 || lastPort > 65535 || firstPort > lastPort)
            throw new IllegalArgumentException("bad port range " + firstPort + "-" + lastPort);
        if (probes < 1 || probes > lastPort - firstPort + 1)
            throw new IllegalArgumentException("probes must be 1..the size of the port range: " + probes);
        if (burst < 1) throw new IllegalArgumentException("burst must be >= 1: " + burst);
        if (interval.isNegative() || interval.isZero() || resend.isNegative() || resend.isZero())
            throw new IllegalArgumentException("interval and resend must be positive");
        if (deadline.isNegative() || deadline.isZero()) throw new IllegalArgumentException("deadline must be positive");
    }

    /** The probability that {@code probes} random probes hit one of {@code sockets} mappings among the range's ports. */
    public double successOdds() {
        double ports = lastPort - firstPort + 1;
        return 1 - Math.pow(1 - sockets / ports, probes);
    }

    public PunchPlan withPorts(int first, int last, int probes) {
        return new PunchPlan(sockets, probes, first, last, burst, interval, resend, deadline);
    }

    public PunchPlan withSockets(int n) {
        return new PunchPlan(n, probes, firstPort, lastPort, burst, interval, resend, deadline);
    }

    public PunchPlan withDeadline(Duration d) {
        return new PunchPlan(sockets, probes, firstPort, lastPort, burst, interval, resend, d);
    }
}
