package jwg.ice.punch;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import jwg.ice.stun.Stun;
import jwg.ice.stun.StunMessage;

/**
 * One birthday-paradox punch attempt, for either role; blocking, on the caller's thread (an
 * interrupt ends it as failed).
 *
 * <p>The protocol is ICE's connectivity check cut down: every probe is a STUN Binding request with
 * the session's USERNAME, MESSAGE-INTEGRITY and FINGERPRINT ({@link PunchAuth}). A valid request
 * is answered (Binding success with XOR-MAPPED-ADDRESS) from the socket it reached, and a request
 * of our own goes back from that socket to its source (a triggered check). The easy side picks the
 * pair, as ICE's controlling agent nominates: it has its pair when the first answer to one of its
 * requests comes back, and sends a request with USE-CANDIDATE (0x0025) on it three times; the hard
 * side has its pair when it answers such a request (answers to its own requests prove nothing it
 * decides on: two hits at nearly the same time must not leave the sides on different pairs — the
 * lab showed it once in 50 attempts). Anything else —
 * not STUN, wrong USERNAME, a bad MESSAGE-INTEGRITY or FINGERPRINT, an answer to no request of
 * this attempt — is dropped and counted, never answered.
 */
public final class BirthdayPunch {
    static final int USE_CANDIDATE = 0x0025;
    static final int NOMINATIONS = 3;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final PunchRole role;
    private final List<DatagramChannel> sockets;
    private final InetAddress easyTarget; // the hard side's public address (easy role)
    private final InetSocketAddress hardTarget; // the easy side's reflexive address (hard role)
    private final PunchAuth auth;
    private final PunchPlan plan;
    private final byte[] txBase = new byte[8];
    private final ByteBuffer buf = ByteBuffer.allocate(2048);
    private final Set<String> triggered = new HashSet<>();
    private final PunchSocket queued; // the easy side on the device's socket, else null
    private int txCounter, sent, answered, dropped;

    private BirthdayPunch(
            PunchRole role,
            List<DatagramChannel> sockets,
            InetAddress easyTarget,
            InetSocketAddress hardTarget,
            PunchAuth auth,
            PunchPlan plan,
            PunchSocket queued) {
        this.queued = queued;
        this.role = role;
        this.sockets = sockets;
        this.easyTarget = easyTarget;
        this.hardTarget = hardTarget;
        this.auth = auth;
        this.plan = plan;
        RANDOM.nextBytes(txBase);
    }

    /**
     * The easy side: sprays {@code hardPublic}'s ports from {@code socket} (the one whose reflexive
     * address the peer was given). The socket stays the caller's: never closed here, its blocking
     * mode restored.
     */
    public static PunchResult easy(DatagramChannel socket, InetAddress hardPublic, PunchAuth auth, PunchPlan plan) {
        return new BirthdayPunch(PunchRole.EASY, List.of(socket), hardPublic, null, auth, plan, null).run(false);
    }

    /**
     * The easy side on a socket it does not own as a channel (the device's port, {@link
     * PunchSocket}): the same spray and protocol, the punch reading from the socket's queue. A
     * {@link PunchResult.Punched} then has no socket of its own (null): the pair is this socket's.
     */
    public static PunchResult easy(PunchSocket socket, InetAddress hardPublic, PunchAuth auth, PunchPlan plan) {
        return new BirthdayPunch(PunchRole.EASY, List.of(), hardPublic, null, auth, plan, socket).runQueued();
    }

    /**
     * The hard side: sends from each of {@code sockets} (the punch's own from here on, see
     * {@link #openSockets}) to {@code easyReflexive}. Every socket but the winner is closed when
     * the attempt ends; the winner is returned in blocking mode.
     */
    public static PunchResult hard(
            List<DatagramChannel> sockets, InetSocketAddress easyReflexive, PunchAuth auth, PunchPlan plan) {
        if (sockets.isEmpty()) throw new IllegalArgumentException("no sockets");
        return new BirthdayPunch(PunchRole.HARD, List.copyOf(sockets), null, easyReflexive, auth, plan, null).run(true);
    }

    /** {@code n} UDP sockets on ephemeral ports of {@code bind} (null: the wildcard address); all or none. */
    public static List<DatagramChannel> openSockets(int n, InetAddress bind) throws IOException {
        List<DatagramChannel> out = new ArrayList<>(n);
        try {
            for (int i = 0; i < n; i++) {
                DatagramChannel c = DatagramChannel.open();
                out.add(c);
                c.bind(new InetSocketAddress(bind, 0));
            }
        } catch (IOException | RuntimeException e) {
            for (DatagramChannel c : out) closeQuietly(c);
            throw e;
        }
        return out;
    }

    private PunchResult run(boolean owned) {
        long start = System.nanoTime();
        long end = start + plan.deadline().toNanos();
        boolean[] wasBlocking = new boolean[sockets.size()];
        PunchResult result = null;
        DatagramChannel winner = null;
        Out[] outs = new Out[sockets.size()];
        for (int i = 0; i < outs.length; i++) {
            DatagramChannel c = sockets.get(i);
            outs[i] = (d, to) -> send(c, to, d);
        }
        try (Selector selector = Selector.open()) {
            for (int i = 0; i < sockets.size(); i++) {
                DatagramChannel c = sockets.get(i);
                wasBlocking[i] = c.isBlocking();
                c.configureBlocking(false);
                c.register(selector, SelectionKey.OP_READ, i);
            }
            int[] ports = role == PunchRole.EASY ? permutation() : null;
            int cursor = 0;
            long interval = plan.interval().toNanos();
            long nextSend = start, nextRound = start;
            while (result == null) {
                long now = System.nanoTime();
                if (Thread.currentThread().isInterrupted()) {
                    result = new PunchResult.Failed("interrupted", now - start, stats());
                    break;
                }
                if (now - end >= 0) {
                    result = new PunchResult.Failed(
                            "no probe got through in " + plan.deadline().toMillis() + " ms", now - start, stats());
                    break;
                }
                if (now - nextSend >= 0) {
                    if (role == PunchRole.EASY) {
                        for (int b = 0; b < plan.burst(); b++) {
                            if (cursor == ports.length) {
                                ports = permutation();
                                cursor = 0;
                            }
                            request(outs[0], new InetSocketAddress(easyTarget, ports[cursor++]), false);
                        }
                    } else if (now - nextRound >= 0) {
                        for (int b = 0; b < plan.burst() && cursor < sockets.size(); b++)
                            request(outs[cursor++], hardTarget, false);
                        if (cursor == sockets.size()) {
                            cursor = 0;
                            nextRound = now + plan.resend().toNanos();
                        }
                    }
                    nextSend = Math.max(nextSend + interval, now - interval);
                }
                long wake =
                        Math.min(end, role == PunchRole.HARD && cursor == 0 ? Math.max(nextSend, nextRound) : nextSend);
                long waitMs = Math.max(1, TimeUnit.NANOSECONDS.toMillis(wake - System.nanoTime()));
                selector.select(waitMs);
                for (SelectionKey key : selector.selectedKeys()) {
                    DatagramChannel c = (DatagramChannel) key.channel();
                    Out out = outs[(Integer) key.attachment()];
                    SocketAddress from;
                    while (result == null && (from = receive(c)) != null) {
                        InetSocketAddress remote = handle(out, buf.array(), buf.position(), (InetSocketAddress) from);
                        if (remote != null) {
                            winner = c;
                            result = new PunchResult.Punched(c, remote, System.nanoTime() - start, stats());
                        }
                    }
                    if (result != null) break;
                }
                selector.selectedKeys().clear();
            }
        } catch (IOException e) {
            result = new PunchResult.Failed("I/O error: " + e.getMessage(), System.nanoTime() - start, stats());
            winner = null;
        }
        finish(owned, wasBlocking, winner);
        if (!(result instanceof PunchResult.Punched p) || winner != null) return result;
        return new PunchResult.Failed("winner socket unusable", p.nanos(), p.stats());
    }

    /** The easy side's loop over a {@link PunchSocket}: spray on time, handle what the queue brings. */
    private PunchResult runQueued() {
        long start = System.nanoTime();
        long end = start + plan.deadline().toNanos();
        Out out = queued::send;
        int[] ports = permutation();
        int cursor = 0;
        long interval = plan.interval().toNanos();
        long nextSend = start;
        try {
            while (true) {
                long now = System.nanoTime();
                if (Thread.currentThread().isInterrupted())
                    return new PunchResult.Failed("interrupted", now - start, stats());
                if (now - end >= 0)
                    return new PunchResult.Failed(
                            "no probe got through in " + plan.deadline().toMillis() + " ms", now - start, stats());
                if (now - nextSend >= 0) {
                    for (int b = 0; b < plan.burst(); b++) {
                        if (cursor == ports.length) {
                            ports = permutation();
                            cursor = 0;
                        }
                        request(out, new InetSocketAddress(easyTarget, ports[cursor++]), false);
                    }
                    nextSend = Math.max(nextSend + interval, now - interval);
                }
                long wait = Math.max(0, Math.min(end, nextSend) - System.nanoTime());
                for (PunchSocket.Datagram d = queued.receive(wait); d != null; d = queued.receive(0)) {
                    InetSocketAddress remote = handle(out, d.data(), d.length(), d.from());
                    if (remote != null)
                        return new PunchResult.Punched(null, remote, System.nanoTime() - start, stats());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new PunchResult.Failed("interrupted", System.nanoTime() - start, stats());
        }
    }

    /** Where one socket's datagrams go out (a channel of the punch's, or the queued socket). */
    @FunctionalInterface
    private interface Out {
        void send(byte[] datagram, InetSocketAddress to);
    }

    /** Closes the spares (owned), restores blocking modes; the winner of an owned set ends blocking. */
    private void finish(boolean owned, boolean[] wasBlocking, DatagramChannel winner) {
        for (int i = 0; i < sockets.size(); i++) {
            DatagramChannel c = sockets.get(i);
            if (owned && c != winner) {
                closeQuietly(c);
                continue;
            }
            try {
                c.configureBlocking(owned || wasBlocking[i]);
            } catch (IOException | RuntimeException e) {
                // closed under us: the caller will see it on the socket
            }
        }
    }

    private SocketAddress receive(DatagramChannel c) throws IOException {
        buf.clear();
        SocketAddress from = c.receive(buf);
        return from;
    }

    /** Handles {@code data[0, length)} from {@code from}, received on {@code c}'s socket; the remote address once the pair is proven. */
    private InetSocketAddress handle(Out c, byte[] data, int length, InetSocketAddress from) {
        StunMessage m = StunMessage.parse(data, length);
        if (m == null || m.method() != Stun.BINDING || !m.fingerprintValid()) {
            dropped++;
            return null;
        }
        if (m.cls() == Stun.REQUEST) {
            if (!auth.fromPeer(m)) {
                dropped++;
                return null;
            }
            answer(c, from, m.transactionId());
            if (m.has(USE_CANDIDATE)) return from;
            if (triggered.add(System.identityHashCode(c) + "/" + from)) request(c, from, false);
            return null;
        }
        if (m.cls() == Stun.SUCCESS_RESPONSE && ours(m.transactionId()) && auth.answeredByPeer(m)) {
            if (role == PunchRole.HARD) return null; // the easy side picks the pair: two hits at once must not split it
            for (int i = 0; i < NOMINATIONS; i++) request(c, from, true);
            return from;
        }
        dropped++;
        return null;
    }

    private boolean ours(byte[] tx) {
        return Arrays.equals(tx, 0, txBase.length, txBase, 0, txBase.length);
    }

    private void request(Out c, InetSocketAddress to, boolean nominate) {
        byte[] tx = Arrays.copyOf(txBase, Stun.TRANSACTION_ID_LENGTH);
        int n = txCounter++;
        tx[8] = (byte) (n >>> 24);
        tx[9] = (byte) (n >>> 16);
        tx[10] = (byte) (n >>> 8);
        tx[11] = (byte) n;
        c.send(auth.request(tx, nominate), to);
        sent++;
    }

    private void answer(Out c, InetSocketAddress to, byte[] tx) {
        c.send(auth.answer(tx, to), to);
        answered++;
    }

    private static void send(DatagramChannel c, InetSocketAddress to, byte[] datagram) {
        try {
            c.send(ByteBuffer.wrap(datagram), to);
        } catch (IOException e) {
            // unroutable right now or the socket buffer is full: a lost probe, as on the wire
        }
    }

    /** The plan's port range in a random order, the first {@code probes} of it. */
    private int[] permutation() {
        int size = plan.lastPort() - plan.firstPort() + 1;
        int[] all = new int[size];
        for (int i = 0; i < size; i++) all[i] = plan.firstPort() + i;
        int k = Math.min(plan.probes(), size);
        for (int i = 0; i < k; i++) {
            int j = i + RANDOM.nextInt(size - i);
            int t = all[i];
            all[i] = all[j];
            all[j] = t;
        }
        return Arrays.copyOf(all, k);
    }

    private PunchStats stats() {
        return new PunchStats(sent, answered, dropped);
    }

    private static void closeQuietly(DatagramChannel c) {
        try {
            c.close();
        } catch (IOException e) {
            // nothing left to do
        }
    }
}
