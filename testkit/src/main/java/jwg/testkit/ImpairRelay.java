package jwg.testkit;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayDeque;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A userspace UDP relay that impairs what it forwards: loss, duplication and reordering, the
 * way netem would on a bad link (this machine has no netem). It stands between two WireGuard
 * peers whose {@code Endpoint}s point at it: datagrams arriving on the A-facing socket leave the
 * B-facing socket for B's real endpoint, and the other way round; each peer therefore sees the
 * relay as its peer (roaming keeps pointing there).
 *
 * <p>Per datagram and direction, from a {@link SplittableRandom} seeded per direction (same
 * seed, same decisions for the n-th datagram: a failure reproduces): with probability
 * {@code loss} it is dropped; else with probability {@code reorder} it is held back and released
 * after 1–3 later datagrams of its direction have gone out (or after {@link #MAX_HOLD_NANOS}, so
 * that the last packet of a burst is late, never lost); whatever goes out is sent a second time
 * with probability {@code duplicate}. Every decision is counted ({@link Counts}).
 *
 * <p>In-process ({@link #start}) for tests on loopback; {@link #main} runs it inside a network
 * namespace for ITs and the bench scripts:
 *
 * <pre>
 *   java -cp testkit.jar jwg.testkit.ImpairRelay LISTEN_A TO_A LISTEN_B TO_B [--loss P] [--dup P]
 *        [--reorder P] [--seed N] [--stats SECONDS]
 * </pre>
 *
 * (addresses as {@code host:port}; P a fraction, e.g. 0.05). It prints {@code listening}, a
 * {@link Counts#toString counts line} per direction every {@code --stats} seconds (0: never) and
 * once more when it ends (SIGTERM), with the namespace's UDP receive errors (datagrams the kernel
 * dropped before the relay could read them: the relay's own losses, which should stay 0).
 */
public final class ImpairRelay implements AutoCloseable {
    /** The longest a reordered datagram is held when no later one comes to overtake it. */
    static final long MAX_HOLD_NANOS = 5_000_000;

    private static final int MAX_DATAGRAM = 65_535;
    private static final int HELD_POOL = 256;

    /** What to do to the traffic; probabilities in [0, 1]. */
    public record Impairment(double loss, double duplicate, double reorder, long seed) {
        public Impairment {
            for (double p : new double[] {loss, duplicate, reorder}) {
                if (!(p >= 0 && p <= 1)) throw new IllegalArgumentException("probability out of [0, 1]: " + p);
            }
        }

        public static Impairment none() {
            return new Impairment(0, 0, 0, 1);
        }
    }

    /**
     * One direction's counters: datagrams in, out (duplicates included), dropped (the loss
     * decision), duplicated, reordered (held back), and not sent because the relay's own send
     * buffer was full ({@code overflow}, not an impairment: it should stay 0).
     */
    public record Counts(long received, long forwarded, long dropped, long duplicated, long reordered, long overflow) {
        @Override
        public String toString() {
            return "received=" + received + " forwarded=" + forwarded + " dropped=" + dropped + " duplicated="
                    + duplicated + " reordered=" + reordered + " overflow=" + overflow;
        }
    }

    private final DatagramChannel facingA;
    private final DatagramChannel facingB;
    private final Direction aToB;
    private final Direction bToA;
    private final Selector selector;
    private final Thread thread;
    private volatile boolean running = true;

    private ImpairRelay(
            DatagramChannel facingA,
            DatagramChannel facingB,
            InetSocketAddress toA,
            InetSocketAddress toB,
            Impairment impairment)
            throws IOException {
        this.facingA = facingA;
        this.facingB = facingB;
        this.aToB = new Direction(facingB, toB, impairment, new SplittableRandom(impairment.seed()));
        this.bToA = new Direction(facingA, toA, impairment, new SplittableRandom(impairment.seed() ^ 0x5DEECE66DL));
        this.selector = Selector.open();
        facingA.register(selector, SelectionKey.OP_READ, aToB);
        facingB.register(selector, SelectionKey.OP_READ, bToA);
        this.thread = Thread.ofPlatform().daemon().name("impair-relay").unstarted(this::loop);
    }

    /**
     * Binds {@code listenA} (where A sends; A's Endpoint) and {@code listenB} (B's Endpoint) and
     * starts forwarding: what arrives on listenA goes to {@code toB}, what arrives on listenB to
     * {@code toA}. A port 0 binds any free port ({@link #listenA()}, {@link #listenB()}).
     */
    public static ImpairRelay start(
            InetSocketAddress listenA,
            InetSocketAddress toA,
            InetSocketAddress listenB,
            InetSocketAddress toB,
            Impairment impairment)
            throws IOException {
        DatagramChannel a = open(listenA);
        DatagramChannel b;
        try {
            b = open(listenB);
        } catch (IOException e) {
            a.close();
            throw e;
        }
        ImpairRelay relay = new ImpairRelay(a, b, toA, toB, impairment);
        relay.thread.start();
        return relay;
    }

    private static DatagramChannel open(InetSocketAddress at) throws IOException {
        DatagramChannel ch = DatagramChannel.open();
        try {
            // As large as the kernel allows (net.core.rmem_max): a jwg peer sends GSO bursts of 64.
            ch.setOption(StandardSocketOptions.SO_RCVBUF, 8 << 20);
            ch.setOption(StandardSocketOptions.SO_SNDBUF, 8 << 20);
            ch.bind(at);
            ch.configureBlocking(false);
            return ch;
        } catch (IOException e) {
            ch.close();
            throw e;
        }
    }

    public InetSocketAddress listenA() throws IOException {
        return (InetSocketAddress) facingA.getLocalAddress();
    }

    public InetSocketAddress listenB() throws IOException {
        return (InetSocketAddress) facingB.getLocalAddress();
    }

    /** Datagrams from A towards B. */
    public Counts aToB() {
        return aToB.counts();
    }

    /** Datagrams from B towards A. */
    public Counts bToA() {
        return bToA.counts();
    }

    private void loop() {
        try {
            while (running) {
                long wait = Math.min(aToB.nextDeadline(), bToA.nextDeadline()) - System.nanoTime();
                if (wait <= 0) selector.selectNow();
                else selector.select(Math.max(1, Math.min(100, wait / 1_000_000)));
                for (SelectionKey k : selector.selectedKeys()) {
                    Direction d = (Direction) k.attachment();
                    d.drain((DatagramChannel) k.channel());
                }
                selector.selectedKeys().clear();
                long now = System.nanoTime();
                aToB.releaseExpired(now);
                bToA.releaseExpired(now);
            }
        } catch (IOException e) {
            if (running) System.err.println("impair-relay: " + e);
        }
    }

    @Override
    public void close() throws IOException {
        running = false;
        selector.wakeup();
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        selector.close();
        facingA.close();
        facingB.close();
    }

    /** One direction: where it sends, its random decisions, its held-back datagrams and counters. */
    private static final class Direction {
        private static final int RECEIVED = 0, FORWARDED = 1, DROPPED = 2, DUPLICATED = 3, REORDERED = 4, OVERFLOW = 5;
        private final DatagramChannel out;
        private final InetSocketAddress to;
        private final Impairment imp;
        private final SplittableRandom random;
        private final ByteBuffer buf = ByteBuffer.allocateDirect(MAX_DATAGRAM);
        private final ArrayDeque<Held> held = new ArrayDeque<>();
        private final ArrayDeque<Held> pool = new ArrayDeque<>();
        private final AtomicLongArray counts = new AtomicLongArray(6);

        Direction(DatagramChannel out, InetSocketAddress to, Impairment imp, SplittableRandom random) {
            this.out = out;
            this.to = to;
            this.imp = imp;
            this.random = random;
            for (int i = 0; i < HELD_POOL; i++) pool.add(new Held(ByteBuffer.allocateDirect(MAX_DATAGRAM)));
        }

        void drain(DatagramChannel in) throws IOException {
            for (int i = 0; i < 256; i++) {
                buf.clear();
                if (in.receive(buf) == null) return;
                buf.flip();
                counts.incrementAndGet(RECEIVED);
                // Four draws per datagram, always: the n-th datagram's fate depends on the seed only.
                double lossDraw = random.nextDouble(), reorderDraw = random.nextDouble();
                boolean dup = random.nextDouble() < imp.duplicate();
                int overtakers = 1 + random.nextInt(3);
                if (lossDraw < imp.loss()) {
                    counts.incrementAndGet(DROPPED);
                    continue;
                }
                if (reorderDraw < imp.reorder() && !pool.isEmpty()) {
                    Held h = pool.poll();
                    h.data.clear();
                    h.data.put(buf).flip();
                    h.overtakers = overtakers;
                    h.duplicate = dup;
                    h.deadline = System.nanoTime() + MAX_HOLD_NANOS;
                    held.add(h);
                    counts.incrementAndGet(REORDERED);
                    continue;
                }
                send(buf, dup);
                // every datagram that went out ahead of held ones overtook them
                for (Held h : held) h.overtakers--;
                while (!held.isEmpty() && held.peek().overtakers <= 0) release(held.poll());
            }
        }

        long nextDeadline() {
            Held h = held.peek();
            return h == null ? Long.MAX_VALUE : h.deadline;
        }

        void releaseExpired(long now) throws IOException {
            while (!held.isEmpty() && held.peek().deadline - now <= 0) release(held.poll());
        }

        private void release(Held h) throws IOException {
            send(h.data, h.duplicate);
            pool.add(h);
        }

        private void send(ByteBuffer b, boolean duplicate) throws IOException {
            int start = b.position();
            sendOnce(b);
            if (duplicate) {
                b.position(start);
                sendOnce(b);
                counts.incrementAndGet(DUPLICATED);
            }
        }

        private void sendOnce(ByteBuffer b) throws IOException {
            if (out.send(b, to) > 0) counts.incrementAndGet(FORWARDED);
            else counts.incrementAndGet(OVERFLOW);
        }

        Counts counts() {
            return new Counts(
                    counts.get(RECEIVED),
                    counts.get(FORWARDED),
                    counts.get(DROPPED),
                    counts.get(DUPLICATED),
                    counts.get(REORDERED),
                    counts.get(OVERFLOW));
        }

        private static final class Held {
            final ByteBuffer data;
            int overtakers;
            boolean duplicate;
            long deadline;

            Held(ByteBuffer data) {
                this.data = data;
            }
        }
    }

    /** The counters of both directions, as {@link #main} prints them. */
    public String countsLine() {
        return "a->b " + aToB() + " | b->a " + bToA();
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 4) usage(System.err);
        double loss = 0, dup = 0, reorder = 0;
        long seed = 1;
        int statsSeconds = 0;
        for (int i = 4; i < args.length; i += 2) {
            if (i + 1 >= args.length) usage(System.err);
            String v = args[i + 1];
            switch (args[i]) {
                case "--loss" -> loss = Double.parseDouble(v);
                case "--dup" -> dup = Double.parseDouble(v);
                case "--reorder" -> reorder = Double.parseDouble(v);
                case "--seed" -> seed = Long.parseLong(v);
                case "--stats" -> statsSeconds = Integer.parseInt(v);
                default -> usage(System.err);
            }
        }
        Impairment imp = new Impairment(loss, dup, reorder, seed);
        ImpairRelay relay = start(address(args[0]), address(args[1]), address(args[2]), address(args[3]), imp);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("final " + relay.countsLine() + " | kernel " + udpReceiveErrors());
            System.out.flush();
        }));
        System.out.printf(
                Locale.ROOT,
                "listening %s (A) %s (B) loss=%s dup=%s reorder=%s seed=%d%n",
                relay.listenA(),
                relay.listenB(),
                loss,
                dup,
                reorder,
                seed);
        System.out.flush();
        while (true) {
            Thread.sleep(statsSeconds > 0 ? statsSeconds * 1000L : Long.MAX_VALUE / 2);
            System.out.println("counts " + relay.countsLine());
            System.out.flush();
        }
    }

    /**
     * The namespace's UDP receive-side losses before the relay read them ({@code RcvbufErrors}
     * and {@code InErrors} of /proc/net/snmp; the whole namespace's, so meaningful when the relay
     * runs in its own): losses that are the relay's, not the impairment's.
     */
    static String udpReceiveErrors() {
        try {
            var lines = java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/net/snmp")).stream()
                    .filter(l -> l.startsWith("Udp: "))
                    .toList();
            if (lines.size() < 2) return "udp-errors=unknown";
            String[] names = lines.get(0).split(" "), values = lines.get(1).split(" ");
            StringBuilder sb = new StringBuilder();
            for (int i = 1; i < names.length && i < values.length; i++) {
                if (names[i].equals("RcvbufErrors") || names[i].equals("InErrors")) {
                    sb.append(sb.isEmpty() ? "" : " ")
                            .append("udp-")
                            .append(names[i])
                            .append('=')
                            .append(values[i]);
                }
            }
            return sb.toString();
        } catch (IOException e) {
            return "udp-errors=unknown";
        }
    }

    private static InetSocketAddress address(String hostPort) throws IOException {
        int colon = hostPort.lastIndexOf(':');
        if (colon < 0) throw new IllegalArgumentException("not host:port: " + hostPort);
        String host = hostPort.substring(0, colon).replace("[", "").replace("]", "");
        return new InetSocketAddress(InetAddress.getByName(host), Integer.parseInt(hostPort.substring(colon + 1)));
    }

    private static void usage(PrintStream err) {
        err.println(
                "usage: ImpairRelay LISTEN_A TO_A LISTEN_B TO_B [--loss P] [--dup P] [--reorder P] [--seed N] [--stats SECONDS]");
        System.exit(2);
    }
}
