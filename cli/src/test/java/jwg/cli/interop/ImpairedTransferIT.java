package jwg.cli.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import jwg.cli.interop.Lab.Impl;
import jwg.cli.interop.Lab.Transfer;
import jwg.testkit.ImpairRelay.Impairment;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * 30 MiB of TCP through a WireGuard tunnel whose UDP goes through an {@link jwg.testkit.ImpairRelay}
 * losing 5 %, duplicating 2 % and reordering 5 % of the datagrams in each direction: jwg ↔ jwg,
 * jwg → wireguard-go, wireguard-go → jwg (and wireguard-go ↔ wireguard-go, the reference; the
 * modern wireguard-go where installed). Every byte arrives, SHA-256 equal at both ends, the
 * relay's counters show it really impaired the path, and a jwg receiver dropped the duplicates as
 * replays and nothing else (the reordered datagrams were accepted). The transfer time is printed, not asserted
 * (speed lives in bench/e2e/impair-bench.sh).
 */
class ImpairedTransferIT {
    static final long BYTES = 30L << 20;
    static final Impairment IMPAIRMENT = new Impairment(0.05, 0.02, 0.05, 20261202);
    private static final Pattern COUNTS = Pattern.compile(
            "received=(\\d+) forwarded=(\\d+) dropped=(\\d+) duplicated=(\\d+) reordered=(\\d+) overflow=(\\d+)");

    static Stream<Arguments> pairs() {
        return Stream.of(
                Arguments.of(Impl.JWG, Impl.JWG),
                Arguments.of(Impl.JWG, Impl.WIREGUARD_GO),
                Arguments.of(Impl.WIREGUARD_GO, Impl.JWG),
                Arguments.of(Impl.WIREGUARD_GO, Impl.WIREGUARD_GO),
                Arguments.of(Impl.JWG, Impl.MODERN_WIREGUARD_GO));
    }

    /** One of a jwg node's counters ({@code jwg-counters=1} over its UAPI socket; {@code jwg show IF counters}). */
    static long counter(Lab.Node n, String name) {
        Lab.Result r = n.exec(Lab.jwgLauncher().toString(), "show", n.ifname, "counters")
                .check("jwg show counters");
        return r.out()
                .lines()
                .filter(l -> l.startsWith(name + " "))
                .mapToLong(l -> Long.parseLong(l.substring(name.length() + 1)))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no counter " + name + " in:\n" + r.out()));
    }

    @ParameterizedTest(name = "A={0} sends to B={1}")
    @MethodSource("pairs")
    @Timeout(300)
    void transferThroughImpairedPath(Impl implA, Impl implB) {
        try (Lab lab = Lab.upImpaired(implA, implB, IMPAIRMENT)) {
            lab.a.ping(lab.b.tun4, 3, 20); // handshake, itself through the impaired path
            Transfer t = lab.transfer(lab.a, lab.b, lab.b.tun4, BYTES, Duration.ofSeconds(180));
            String counts = lab.stopRelay();
            System.out.printf(
                    "impaired transfer %s -> %s: %d bytes in %d ms (%.1f Mbit/s); relay %s%n",
                    lab.a, lab.b, t.receivedBytes(), t.elapsed().toMillis(), t.mbitPerSecond(), counts);
            assertEquals(BYTES, t.sentBytes(), "sender sent everything");
            assertEquals(BYTES, t.receivedBytes(), "receiver got every byte");
            assertEquals(t.sentSha256(), t.receivedSha256(), "SHA-256 of what was sent and what was received");

            // the data direction (A -> B) was really impaired, and the relay itself lost nothing
            Matcher m = COUNTS.matcher(counts);
            assertTrue(m.find(), "relay counts: " + counts);
            long received = Long.parseLong(m.group(1));
            assertTrue(received > BYTES / 1500, "the data went through the relay: " + counts);
            for (int g : new int[] {3, 4, 5})
                assertTrue(Long.parseLong(m.group(g)) > received / 200, "impaired: " + counts);
            assertEquals(0, Long.parseLong(m.group(6)), "the relay's own send buffer never overflowed: " + counts);

            // a jwg receiver drops every duplicate as a replay, and nothing else: reordered
            // datagrams are inside the replay window and get through (a few duplicated handshake
            // messages are dropped for other reasons)
            if (implB.isJwg()) {
                long duplicated = Long.parseLong(m.group(4));
                long replayed = counter(lab.b, "protocol_drop_replayed_counter");
                assertTrue(
                        replayed <= duplicated && replayed >= duplicated - 10,
                        "B dropped " + replayed + " replays for " + duplicated + " duplicates: " + counts);
            }
        }
    }
}
