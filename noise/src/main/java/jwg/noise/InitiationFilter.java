package jwg.noise;

import java.util.Arrays;
import jwg.noise.crypto.X25519Batch;

/**
 * The expensive part of an initiation's admission, made to run beside the control thread: the
 * first Diffie-Hellman (es) and the decryption of the initiator's static key, then the look-up of
 * that key among the peers. A junk initiation with a valid MAC1 (anyone who knows our public key
 * can make one) costs exactly this and is refused here, so under a flood the control thread only
 * sees initiations whose static key is one of its peers'. wireguard-go spreads the same work over
 * one handshake worker per CPU.
 *
 * <p>Under load it answers instead ({@link #cookieReplyUnlessMac2}): an initiation without a
 * valid MAC2 gets a cookie reply from the worker, as in wireguard-go, and never reaches the
 * control thread.
 *
 * <p>One instance per thread and device ({@link ProtocolCore#initiationFilter}); it holds its own
 * handshake state, reads only what never changes after the device is made (the static key pair,
 * the initial hash) and the concurrent peer map, and counts refusals in the device's thread-safe
 * {@link Counters}. It decides nothing else: what it admits goes through
 * {@link ProtocolCore#decapsulate} as before (MAC1 again, MAC2 under load, the rate limit, the
 * whole handshake — the es DH is done twice for an admitted initiation, a cost only real peers
 * cause). Allocates nothing.
 *
 * <p>Under a flood several initiations wait: {@link #admitsAll} takes up to four and computes
 * their es DHs as one 4-lane vector ladder ({@link X25519Batch}; all under our static key), which
 * costs about half as much per DH as the scalar ladder; each then finishes as in {@link #admits}.
 */
public final class InitiationFilter {
    private final ProtocolCore device;
    private final HandshakeState hs;
    private final byte[] msg = new byte[Messages.INITIATION_LENGTH];
    private final PublicKey probe = new PublicKey(new byte[32]);
    private final byte[] reply = new byte[Messages.COOKIE_REPLY_LENGTH];
    // a batch: the initiations' ephemerals, their es DHs, which initiation each lane holds
    private final byte[] staticPrivate;
    private final byte[] ephemerals = new byte[32 * X25519Batch.LANES], es = new byte[32 * X25519Batch.LANES];
    private final int[] lane = new int[X25519Batch.LANES];
    private X25519Batch batch; // made at the first batch (not every worker sees one)

    InitiationFilter(ProtocolCore device) {
        this.device = device;
        this.staticPrivate = device.staticPrivate.rawBytes();
        this.hs = HandshakeState.reusable(staticPrivate, device.staticPublic.rawBytes());
    }

    /** The device this filter reads (a worker makes a new filter when the device changes). */
    public ProtocolCore device() {
        return device;
    }

    /**
     * True if {@code data[0, len)} is an initiation whose static key decrypts and belongs to one
     * of the device's peers; otherwise counts the refusal (INVALID_LENGTH, INVALID_INITIATION,
     * UNKNOWN_PEER) and returns false. MAC1 is the caller's to check first.
     */
    public boolean admits(byte[] data, int len) {
        if (!isInitiation(data, len)) return false;
        return admit(data, len, null, 0);
    }

    /**
     * How many initiations {@link #admitsAll} takes at once: {@link X25519Batch#LANES} where their
     * es DHs run side by side in one vector ladder ({@link X25519Batch#VECTORS}), else 1 (a batch
     * would gain nothing). The first call may run the vector code's self-test (a fraction of a
     * second, once per JVM), so a worker asks only once it has a second initiation in hand.
     */
    public static int batchSize() {
        return X25519Batch.VECTORS ? MAX_BATCH : 1;
    }

    /** The most {@link #batchSize} ever answers (a compile-time constant: reading it runs no self-test). */
    public static final int MAX_BATCH = X25519Batch.LANES;

    /**
     * {@link #admits} for the {@code n} initiations {@code data[j][0, len[j])}, j &lt; n ≤
     * {@link #batchSize}, with their es DHs computed together; each refusal is counted as there.
     * Returns a bit mask: bit j set when initiation j is admitted.
     */
    public int admitsAll(byte[][] data, int[] len, int n) {
        if (n < 1 || n > X25519Batch.LANES) throw new IllegalArgumentException("n = " + n);
        int k = 0;
        for (int j = 0; j < n; j++) {
            if (!isInitiation(data[j], len[j])) continue;
            System.arraycopy(data[j], Messages.INIT_NOISE, ephemerals, 32 * k, 32);
            lane[k++] = j;
        }
        int admitted = 0;
        try {
            if (k == 1) return admit(data[lane[0]], len[lane[0]], null, 0) ? 1 << lane[0] : 0;
            if (k > 1) {
                if (batch == null) batch = new X25519Batch();
                batch.agree(staticPrivate, ephemerals, 0, k, es, 0); // zero results are refused below
                for (int i = 0; i < k; i++) {
                    int j = lane[i];
                    if (admit(data[j], len[j], es, 32 * i)) admitted |= 1 << j;
                }
            }
            return admitted;
        } finally {
            Arrays.fill(es, (byte) 0);
        }
    }

    private boolean isInitiation(byte[] data, int len) {
        if (len != Messages.INITIATION_LENGTH || data[0] != Messages.TYPE_INITIATION) {
            device.counters.drop(Drop.INVALID_LENGTH);
            return false;
        }
        return true;
    }

    /** e, es (precomputed in {@code es[esOff, +32)} unless null), s, then the peer look-up. */
    private boolean admit(byte[] data, int len, byte[] es, int esOff) {
        System.arraycopy(data, 0, msg, 0, len);
        try {
            hs.resetResponder(device.responderInitial);
            if (!hs.readMessage1Static(msg, Messages.INIT_NOISE, es, esOff)) {
                device.counters.drop(Drop.INVALID_INITIATION);
                return false;
            }
            System.arraycopy(hs.rs, 0, probe.bytes, 0, 32);
            if (device.peer(probe) == null) {
                device.counters.drop(Drop.UNKNOWN_PEER);
                return false;
            }
            return true;
        } finally {
            hs.wipe();
        }
    }

    /**
     * Under load: if the initiation {@code data[0, len)} (MAC1 already checked) carries a valid
     * MAC2 for {@code from}, returns 0 (the caller hands it on: the rate limit and the handshake
     * follow on the control thread); otherwise writes a cookie reply for {@code from} into
     * {@code out[0, 64)}, counts it (COOKIE_REQUIRED, COOKIE_REPLY_SENT) and returns its length.
     * The cookie checker is shared and synchronized; nothing is allocated.
     */
    public int cookieReplyUnlessMac2(byte[] data, int len, SourceAddress from, long now, byte[] out) {
        if (len != Messages.INITIATION_LENGTH || data[0] != Messages.TYPE_INITIATION)
            throw new IllegalArgumentException("not an initiation");
        CookieChecker c = device.cookieChecker;
        if (c.checkMac2(data, Messages.INIT_MAC1 + 16, from, now)) return 0;
        c.createReply(data, Messages.INIT_SENDER, Messages.INIT_MAC1, from, now, reply);
        System.arraycopy(reply, 0, out, 0, Messages.COOKIE_REPLY_LENGTH);
        device.counters.drop(Drop.COOKIE_REQUIRED);
        device.counters.event(Counters.Event.COOKIE_REPLY_SENT);
        return Messages.COOKIE_REPLY_LENGTH;
    }
}
