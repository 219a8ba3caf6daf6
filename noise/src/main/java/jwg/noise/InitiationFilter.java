package jwg.noise;

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
 */
public final class InitiationFilter {
    private final ProtocolCore device;
    private final HandshakeState hs;
    private final byte[] msg = new byte[Messages.INITIATION_LENGTH];
    private final PublicKey probe = new PublicKey(new byte[32]);
    private final byte[] reply = new byte[Messages.COOKIE_REPLY_LENGTH];

    InitiationFilter(ProtocolCore device) {
        this.device = device;
        this.hs = HandshakeState.reusable(device.staticPrivate.rawBytes(), device.staticPublic.rawBytes());
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
        if (len != Messages.INITIATION_LENGTH || data[0] != Messages.TYPE_INITIATION) {
            device.counters.drop(Drop.INVALID_LENGTH);
            return false;
        }
        System.arraycopy(data, 0, msg, 0, len);
        try {
            hs.resetResponder(device.responderInitial);
            if (!hs.readMessage1Static(msg, Messages.INIT_NOISE)) {
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
