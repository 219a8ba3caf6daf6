package jwg.noise;

import static org.junit.jupiter.api.Assertions.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link Tunnel#nextDeadline} against a tick loop, under a fake clock: two cores exchange traffic
 * over a lossy, delayed in-memory network with outages, persistent keepalives, rekeys, give-ups
 * and key zeroing. The same random scenario runs twice — once ticking both tunnels every 1 ms,
 * once ticking a tunnel only at its {@code nextDeadline} — and both must send the same messages at
 * the same times.
 *
 * <p>The deadline-driven run ticks at the first 1 ms grid point at or after the deadline (a timer
 * wheel's slot), so the two runs see the same clock values and must agree exactly. Without the
 * grid, the 1 ms loop's own rounding compounds along a chain of retransmissions (each is timed
 * from the previous one), so "same message, within 1 ms" would only hold for the first of them.
 */
class NextDeadlineTest {
    static final long S = 1_000_000_000L;
    static final long MS = 1_000_000L;
    static final long T0 = 7_000 * S;

    enum Mode {
        EVERY_MS,
        AT_DEADLINE
    }

    /** Data packets: {@code count} from side {@code side} every {@code spacing}, from {@code start}. */
    record Burst(int side, long start, int count, long spacing) {}

    record Scenario(long seed, long duration, int[] keepalive, double loss, long[][] outages, List<Burst> bursts) {
        @Override
        public String toString() {
            return "seed " + seed + ": " + duration / S + " s, keepalive " + keepalive[0] + "/" + keepalive[1]
                    + " s, loss " + loss + ", " + outages.length + " outages, " + bursts.size() + " bursts";
        }
    }

    static Scenario scenario(long seed) {
        java.util.SplittableRandom r =
                new java.util.SplittableRandom(seed); // (java.util.Random: small seeds start alike)
        boolean longQuiet = r.nextInt(4) == 0; // traffic early, then 540 s of silence: keys zeroed
        long duration = longQuiet ? 720 * S : (60 + r.nextInt(260)) * S;
        int[][] keepalives = {{0, 0, 0, 1, 5, 25}, {0, 0, 0, 2, 25}};
        int[] ka = {keepalives[0][r.nextInt(6)], keepalives[1][r.nextInt(5)]};
        if (longQuiet) ka = new int[] {0, 0};
        double[] losses = {0, 0, 0.1, 0.4};
        double loss = losses[r.nextInt(4)];
        boolean peerGone = !longQuiet && r.nextInt(4) == 0; // 130 s without a network: handshakes given up
        if (peerGone) duration = Math.max(duration, 200 * S);
        long[][] outages = new long[r.nextInt(4) + (peerGone ? 1 : 0)][];
        for (int i = 0; i < outages.length; i++) {
            long start = (long) (r.nextDouble() * duration);
            outages[i] = new long[] {start, start + (1 + r.nextInt(100)) * S};
        }
        List<Burst> bursts = new ArrayList<>();
        if (peerGone) {
            outages[0] = new long[] {30 * S, 160 * S};
            bursts.add(new Burst(r.nextInt(2), 40 * S + 500_000, 3, 1000 * MS));
        }
        int n = 1 + r.nextInt(12);
        for (int i = 0; i < n; i++) {
            long horizon = longQuiet ? 60 * S : duration;
            long start =
                    (long) (r.nextDouble() * horizon) / MS * MS + 300_000 + r.nextInt(400_000); // off the 1 ms grid
            if (r.nextInt(6) == 0)
                bursts.add(new Burst(r.nextInt(2), start, 150 + r.nextInt(100), 1000 * MS)); // a long one-way stream
            else bursts.add(new Burst(r.nextInt(2), start, 1 + r.nextInt(20), (1 + r.nextInt(3000)) * MS));
        }
        return new Scenario(seed, duration, ka, loss, outages, bursts);
    }

    /** One run of a scenario: both cores, the network, the log of everything sent. */
    static final class Sim implements AutoCloseable {
        private record Event(long at, long seq, int side, byte[] data) {} // data == null: a data packet to send

        final Mode mode;
        final Scenario sc;
        final Arena arena = Arena.ofConfined();
        long now = T0;
        final ProtocolCore[] dev = new ProtocolCore[2];
        final Tunnel[] tun = new Tunnel[2];
        final InetSocketAddress[] addr = {
            new InetSocketAddress("192.0.2.1", 51820), new InetSocketAddress("192.0.2.2", 51821)
        };
        final List<ArrayDeque<byte[]>> staged = List.of(new ArrayDeque<>(), new ArrayDeque<>());
        final long[] nextTick = new long[2];
        final List<String> log = new ArrayList<>();
        final Random net;
        private final PriorityQueue<Event> events =
                new PriorityQueue<>((x, y) -> x.at != y.at ? Long.compare(x.at, y.at) : Long.compare(x.seq, y.seq));
        private long seq;
        long ticks, ticksThatSent;
        private final MemorySegment in = arena.allocate(4096);
        private final Result out = new Result(arena.allocate(4096), 0, 4096);
        private int packetSeed;

        Sim(Scenario sc, Mode mode) {
            this.sc = sc;
            this.mode = mode;
            this.net = new Random(sc.seed() * 31 + 7);
            long wallOffset = 1_795_370_000L * S - T0;
            PrivateKey[] keys = {PrivateKey.generate(seeded(sc.seed(), 1)), PrivateKey.generate(seeded(sc.seed(), 2))};
            for (int i = 0; i < 2; i++)
                dev[i] = new ProtocolCore(keys[i], seeded(sc.seed(), 3 + i), () -> wallOffset + now);
            PresharedKey psk = PresharedKey.generate(seeded(sc.seed(), 5));
            for (int i = 0; i < 2; i++) {
                tun[i] = dev[i].addPeer(keys[1 - i].publicKey(), psk);
                tun[i].setPersistentKeepalive(sc.keepalive()[i]);
            }
            for (Burst b : sc.bursts()) {
                for (int k = 0; k < b.count(); k++) schedule(T0 + b.start() + k * b.spacing(), b.side(), null);
            }
        }

        static SecureRandom seeded(long seed, int stream) {
            try {
                SecureRandom r = SecureRandom.getInstance("SHA1PRNG"); // deterministic when seeded before first use
                r.setSeed(seed * 1_000_003L + stream);
                return r;
            } catch (NoSuchAlgorithmException e) {
                throw new AssertionError(e);
            }
        }

        private void schedule(long at, int side, byte[] data) {
            events.add(new Event(at, seq++, side, data));
        }

        static long ceilGrid(long t) {
            if (t == Long.MAX_VALUE) return t;
            return T0 + Math.ceilDiv(t - T0, MS) * MS;
        }

        void run() {
            long end = T0 + sc.duration();
            for (int s = 0; s < 2; s++) nextTick[s] = mode == Mode.EVERY_MS ? T0 : ceilGrid(tun[s].nextDeadline(now));
            while (true) {
                long tickAt = Math.min(nextTick[0], nextTick[1]);
                Event e = events.peek();
                long eventAt = e == null ? Long.MAX_VALUE : e.at;
                if (Math.min(tickAt, eventAt) > end) break;
                if (eventAt <= tickAt) { // at the same time, the outside world goes first (both modes)
                    events.poll();
                    now = e.at;
                    handle(e);
                    if (mode == Mode.AT_DEADLINE) {
                        for (int s = 0; s < 2; s++) nextTick[s] = ceilGrid(tun[s].nextDeadline(now));
                    }
                } else {
                    now = tickAt;
                    for (int side = 0; side < 2; side++) {
                        final int s = side;
                        if (nextTick[s] != now) continue;
                        tickUntilDone(s);
                        if (mode == Mode.EVERY_MS) {
                            nextTick[s] = now + MS;
                        } else {
                            long d = tun[s].nextDeadline(now);
                            assertTrue(
                                    d > now,
                                    () -> "after a tick, the next deadline is later (" + sc + ", side " + s + ")");
                            nextTick[s] = ceilGrid(d);
                        }
                    }
                }
            }
        }

        private void tickUntilDone(int s) {
            for (int guard = 0; guard < 16; guard++) {
                Action a = tun[s].tick(now, out).action();
                ticks++;
                if (out.dropStaged()) {
                    staged.get(s).clear();
                    log.add((now - T0) + " " + s + " gave-up");
                }
                if (a != Action.WRITE_TO_NETWORK) break;
                if (guard == 0) ticksThatSent++;
                emit(s, "tick");
            }
            // as the dataplane's conductor does after a tick
            if (!staged.get(s).isEmpty() && tun[s].hasSession(now)) flush(s);
        }

        private void handle(Event e) {
            int s = e.side;
            Tunnel t = tun[s];
            boolean dataPath = e.data == null
                    || Messages.type(MemorySegment.ofArray(e.data), 0, e.data.length) == Messages.TYPE_TRANSPORT;
            long before = mode == Mode.AT_DEADLINE && dataPath ? t.nextDeadline(now) : 0;
            if (e.data == null) {
                byte[] p = TestNet.ipv4(40 + (packetSeed % 9) * 100, packetSeed++);
                if (!staged.get(s).isEmpty()) staged.get(s).addLast(p); // keep order behind staged packets
                else send(s, p, true);
            } else {
                MemorySegment.copy(MemorySegment.ofArray(e.data), 0, in, 0, e.data.length);
                Action a = dev[s].decapsulate(now, in, 0, e.data.length, addr[1 - s], out)
                        .action();
                boolean flush = out.flushStaged();
                if (a == Action.WRITE_TO_NETWORK) emit(s, "reply");
                if (flush) flush(s);
            }
            if (mode == Mode.AT_DEADLINE && dataPath) {
                // the data path brings the deadline no closer than REKEY_TIMEOUT, except by wanting a
                // handshake (which wakes the control thread): a caller that re-asks when woken and once
                // a second misses nothing
                long after = t.nextDeadline(now);
                assertTrue(
                        after >= Math.min(before, now + Constants.REKEY_TIMEOUT) || t.handshakeWanted(),
                        () -> "data path moved the deadline from " + (before - now) + " to " + (after - now)
                                + " ns ahead (" + sc + ")");
            }
        }

        /** Encapsulates; false if it had to be staged. */
        private boolean send(int s, byte[] p, boolean stageAtEnd) {
            MemorySegment.copy(MemorySegment.ofArray(p), 0, in, 16, p.length);
            Action a = tun[s].encapsulate(now, in, 16, p.length, out).action();
            if (a == Action.STAGE_PACKET) {
                if (out.length() > 0) emit(s, "stage");
                if (stageAtEnd) staged.get(s).addLast(p);
                else staged.get(s).addFirst(p);
                return false;
            }
            assertEquals(Action.WRITE_TO_NETWORK, a);
            emit(s, "data");
            return true;
        }

        private void flush(int s) {
            ArrayDeque<byte[]> q = staged.get(s);
            byte[] p;
            while ((p = q.pollFirst()) != null) {
                if (!send(s, p, false)) return;
            }
        }

        private void emit(int s, String why) {
            byte[] d = out.toArray();
            int type = Messages.type(out.segment(), out.offset(), d.length);
            String name = switch (type) {
                case Messages.TYPE_INITIATION -> "initiation";
                case Messages.TYPE_RESPONSE -> "response";
                case Messages.TYPE_COOKIE_REPLY -> "cookie";
                default -> d.length == Messages.TRANSPORT_MIN_LENGTH ? "keepalive" : "data";
            };
            log.add((now - T0) + " " + s + " " + name + " " + d.length + " " + why);
            boolean lost = net.nextDouble() < sc.loss();
            for (long[] o : sc.outages()) if (now - T0 >= o[0] && now - T0 < o[1]) lost = true;
            long latency = (1 + net.nextInt(80)) * MS + net.nextInt(1_000_000);
            if (!lost) schedule(now + latency, 1 - s, d);
        }

        @Override
        public void close() {
            arena.close();
        }
    }

    @Test
    void tickingAtNextDeadlineSendsWhatTickingEveryMillisecondSends() {
        int scenarios = 30;
        long[] totals = new long[4];
        java.util.Set<String> kinds = new java.util.TreeSet<>();
        for (long seed = 1; seed <= scenarios; seed++) {
            Scenario sc = scenario(seed);
            try (Sim fine = new Sim(sc, Mode.EVERY_MS);
                    Sim wheel = new Sim(sc, Mode.AT_DEADLINE)) {
                fine.run();
                wheel.run();
                int diff = firstDifference(fine.log, wheel.log);
                if (diff >= 0) {
                    fail(sc + ": logs differ at entry " + diff + ": every 1 ms " + around(fine.log, diff)
                            + " vs at deadline " + around(wheel.log, diff));
                }
                for (int s = 0; s < 2; s++) {
                    assertEquals(
                            fine.dev[s].counters().toString(),
                            wheel.dev[s].counters().toString(),
                            sc + ": counters of side " + s);
                }
                // not wasteful: a handful of ticks per thing done, against a tick every millisecond
                assertTrue(
                        wheel.ticks <= 3 * wheel.ticksThatSent + 4 * fine.log.size() + 10,
                        sc + ": " + wheel.ticks + " ticks for " + wheel.ticksThatSent + " sent by ticks, "
                                + fine.log.size() + " messages");
                totals[0] += fine.ticks;
                totals[1] += wheel.ticks;
                totals[2] += wheel.log.size();
                totals[3] += wheel.ticksThatSent;
                for (String line : wheel.log) {
                    String[] f = line.split(" ");
                    kinds.add(f.length > 3 ? f[2] + "/" + f[4] : f[2]);
                }
                for (int s = 0; s < 2; s++) {
                    if (wheel.dev[s].counters().get(Counters.Event.KEYS_ZEROED) > 0) kinds.add("keys-zeroed");
                }
            }
        }
        System.out.printf(
                "nextDeadline: %d scenarios, %d messages (%d by ticks); ticks every 1 ms: %d, at deadlines: %d; seen: %s%n",
                scenarios, totals[2], totals[3], totals[0], totals[1], kinds);
        // the scenarios exercise every timer
        for (String k :
                List.of("initiation/tick", "keepalive/tick", "gave-up", "keys-zeroed", "data/data", "response/reply")) {
            assertTrue(kinds.contains(k), "scenarios cover " + k + " (seen " + kinds + ")");
        }
    }

    /** Index of the first entry where the logs differ, or -1. */
    static int firstDifference(List<String> x, List<String> y) {
        for (int i = 0; i < Math.min(x.size(), y.size()); i++) if (!x.get(i).equals(y.get(i))) return i;
        return x.size() == y.size() ? -1 : Math.min(x.size(), y.size());
    }

    static List<String> around(List<String> log, int i) {
        return log.subList(Math.max(0, i - 3), Math.min(log.size(), i + 3));
    }

    @Test
    void nothingPendingIsMaxValueAndEachTimerHasItsDeadline() {
        try (TestNet n = new TestNet()) {
            assertEquals(Long.MAX_VALUE, n.a.nextDeadline(n.now), "a fresh peer has no timer");
            n.a.setPersistentKeepalive(25);
            assertEquals(n.now, n.a.nextDeadline(n.now), "persistent keepalive never sent: due now");
            n.a.setPersistentKeepalive(0);
            // a wanted handshake is due now
            TestNet.Res staged = n.send(n.a, TestNet.ipv4(40, 1));
            long sentAt = n.now;
            assertEquals(Messages.INITIATION_LENGTH, staged.length());
            long retransmit = n.a.nextDeadline(n.now);
            assertTrue(
                    retransmit >= sentAt + Constants.REKEY_TIMEOUT
                            && retransmit < sentAt + Constants.REKEY_TIMEOUT + Constants.REKEY_TIMEOUT_JITTER_MAX,
                    "retransmission at 5 s + jitter");
            n.now = retransmit - 1;
            assertEquals(Action.DONE, n.tick(n.a).action(), "1 ns early: nothing");
            assertEquals(retransmit, n.a.nextDeadline(n.now));
            n.now = retransmit;
            assertEquals(Action.WRITE_TO_NETWORK, n.tick(n.a).action(), "on time: the retransmission");
            assertEquals(Action.DONE, n.tick(n.a).action());
            long next = n.a.nextDeadline(n.now);
            assertTrue(
                    next >= n.now + Constants.REKEY_TIMEOUT
                            && next < n.now + Constants.REKEY_TIMEOUT + Constants.REKEY_TIMEOUT_JITTER_MAX,
                    "the next retransmission 5 s + jitter later");
        }
    }

    @Test
    void keepaliveAndNewHandshakeDeadlines() {
        try (TestNet n = new TestNet()) {
            n.handshake(n.a);
            long zero = n.a.nextDeadline(n.now);
            assertEquals(
                    n.now + 3 * Constants.REJECT_AFTER_TIME, zero, "only the key zeroing is pending after a handshake");
            n.roundTrip(n.a, TestNet.ipv4(40, 1)); // A sent data, B received it
            assertEquals(n.now + Constants.KEEPALIVE_TIMEOUT, n.b.nextDeadline(n.now), "B owes a keepalive in 10 s");
            long newHs = n.a.nextDeadline(n.now);
            assertTrue(
                    newHs >= n.now + 15 * S && newHs < n.now + 15 * S + Constants.REKEY_TIMEOUT_JITTER_MAX,
                    "A expects an answer within 15 s + jitter");
            n.now += Constants.KEEPALIVE_TIMEOUT;
            TestNet.Res ka = n.tick(n.b);
            assertEquals(Action.WRITE_TO_NETWORK, ka.action());
            assertEquals(Messages.TRANSPORT_MIN_LENGTH, ka.length());
            assertTrue(n.b.nextDeadline(n.now) > n.now);
            n.deliver(n.devA, ka.data());
            assertEquals(zero, n.a.nextDeadline(n.now), "answered: only the key zeroing is left");
            n.a.setPersistentKeepalive(7);
            assertEquals(n.now + 7 * S, n.a.nextDeadline(n.now), "persistent keepalive 7 s after the last packet");
        }
    }
}
