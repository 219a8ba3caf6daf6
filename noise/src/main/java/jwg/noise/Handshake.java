package jwg.noise;

import java.util.Arrays;
import jwg.noise.crypto.ConstantTime;
import jwg.noise.crypto.Tai64n;
import jwg.noise.crypto.X25519;

/**
 * One peer's WireGuard handshake (whitepaper 5.4.2–5.4.5): the Noise IKpsk2 exchange of
 * {@link HandshakeState} with WireGuard's framing around it — sender/receiver indices, the
 * TAI64N timestamp as payload 1 (replay protection), MAC1/MAC2 ({@link CookieGenerator}).
 *
 * <p>Control thread only. States follow wireguard-go: ZEROED → INITIATION_CREATED →
 * (response consumed) → ZEROED with a new keypair; or ZEROED → INITIATION_CONSUMED →
 * (response created) → ZEROED with a new keypair.
 */
final class Handshake {
    enum State {
        ZEROED,
        INITIATION_CREATED,
        INITIATION_CONSUMED
    }

    private final ProtocolCore device;
    private final Tunnel tunnel;
    final PublicKey remoteStatic;
    private volatile PresharedKey psk;
    /**
     * DH(Spriv_local, Spub_remote), precomputed (whitepaper: "may be precomputed") — on first
     * use, not when the peer is added: loading 10,000 peers then costs no X25519 at all, and a
     * peer that never handshakes never pays for one (wireguard-go computes it in NewPeer).
     */
    private final byte[] staticStatic = new byte[32];

    private static final byte SS_UNKNOWN = 0, SS_OK = 1, SS_ZERO = 2;
    /** Whether {@link #staticStatic} is computed yet, and whether it came out non-zero. */
    private byte staticStaticState = SS_UNKNOWN;
    /** The initial Noise state towards this peer as initiator (prologue + the peer's static key). */
    private final SymmetricState initiatorInitial;

    final CookieGenerator cookies;

    State state = State.ZEROED;
    /** The handshake in progress (null when none): {@link #own} or nothing. */
    private HandshakeState noise;
    /** Two reusable states: the pending one and the scratch copy a response is tried on. */
    private HandshakeState own, spare;
    /** Scratch for the decrypted TAI64N timestamp. */
    private final byte[] ts = new byte[Tai64n.LENGTH];
    /**
     * The initiation we sent last (public bytes: they went on the wire), kept so a cookie reply
     * to it can be answered at once ({@link #resendWithCookie}); and whether that may still
     * happen for this attempt (at most once: a cookie reply never makes us send more than one
     * extra message).
     */
    private final byte[] lastInitiation = new byte[Messages.INITIATION_LENGTH];

    private boolean cookieResendAllowed;

    private static final byte[] EMPTY = new byte[0];
    int localIndex;
    int remoteIndex;
    /** The greatest TAI64N timestamp accepted from this peer (replay protection). */
    private final byte[] latestTimestamp = new byte[Tai64n.LENGTH];
    /** When we last accepted an initiation from this peer (flood protection), and whether ever. */
    private long lastInitiationConsumed;

    private boolean anyInitiationConsumed;

    Handshake(ProtocolCore device, Tunnel tunnel, PublicKey remoteStatic, PresharedKey psk) {
        this.device = device;
        this.tunnel = tunnel;
        this.remoteStatic = remoteStatic;
        this.psk = psk == null ? PresharedKey.none() : psk;
        this.initiatorInitial = HandshakeState.initialState(
                Constants.IDENTIFIER.getBytes(java.nio.charset.StandardCharsets.US_ASCII), remoteStatic.rawBytes());
        this.cookies = new CookieGenerator(remoteStatic);
        this.own = HandshakeState.reusable(device.staticPrivate.rawBytes(), device.staticPublic.rawBytes());
        this.spare = HandshakeState.reusable(device.staticPrivate.rawBytes(), device.staticPublic.rawBytes());
    }

    /** Computes DH(Spriv_local, Spub_remote) once; false when it is all zeros (a low-order key). */
    private boolean staticStaticOk() {
        if (staticStaticState == SS_UNKNOWN) {
            boolean ok = X25519.sharedSecret(device.staticPrivate.rawBytes(), remoteStatic.rawBytes(), staticStatic);
            staticStaticState = ok ? SS_OK : SS_ZERO;
        }
        return staticStaticState == SS_OK;
    }

    void setPresharedKey(PresharedKey k) {
        this.psk = k == null ? PresharedKey.none() : k;
    }

    /**
     * Writes a 148-byte initiation into {@code msg}. {@code wallNanos} is the Unix time for the
     * TAI64N timestamp. Returns false if it cannot be made (zero DH with this peer's key).
     */
    boolean createInitiation(long now, long wallNanos, byte[] msg) {
        if (!staticStaticOk()) return false;
        clearPending();
        byte[] e = device.newEphemeral();
        try {
            noise = own.resetInitiator(initiatorInitial, remoteStatic.rawBytes());
            localIndex = device.indices.newIndex(tunnel);
            // msg.type = 1; msg.sender = I_i
            Arrays.fill(msg, 0, Messages.INITIATION_LENGTH, (byte) 0);
            Messages.putIntLE(msg, 0, Messages.TYPE_INITIATION);
            Messages.putIntLE(msg, Messages.INIT_SENDER, localIndex);
            // e, es, s, ss, {TAI64N timestamp}
            timestamp(wallNanos, ts);
            int n = noise.writeMessage1(e, ts, 0, ts.length, msg, Messages.INIT_NOISE);
            if (n != Messages.INIT_NOISE_LENGTH) {
                clearPending();
                return false;
            }
            // msg.mac1 = MAC(HASH(LABEL_MAC1 || Spub_r), msg_alpha); msg.mac2 = cookie ? MAC(cookie, msg_beta) : 0
            cookies.addMacs(msg, Messages.INIT_MAC1, now);
            System.arraycopy(msg, 0, lastInitiation, 0, Messages.INITIATION_LENGTH);
            cookieResendAllowed = true;
            state = State.INITIATION_CREATED;
            return true;
        } finally {
            Arrays.fill(e, (byte) 0);
        }
    }

    /**
     * A cookie reply addressed to {@code receiverIndex} was just consumed ({@link
     * CookieGenerator#consumeReply}): if it answers the initiation still in flight, and that
     * initiation was not resent yet, writes it again into {@code msg} — the same bytes (the same
     * ephemeral key, timestamp and sender index, so MAC1 is unchanged) with the MAC2 the new
     * cookie gives — and returns true. The responder answered the first copy with a cookie reply
     * instead of consuming it, so its timestamp is still new to it. Neither the whitepaper nor
     * wireguard-go resend here (they use the cookie at the next retransmission, REKEY_TIMEOUT
     * later); doing it once per attempt turns that 5 s into one round trip and cannot amplify:
     * one valid cookie reply (64 bytes, bound to our MAC1) gets at most one 148-byte initiation,
     * once per initiation we created. A forged reply (anyone who saw our initiation can make one)
     * costs nothing either: the resent copy is a replay to a responder that already consumed the
     * first, and the pending handshake is unchanged, so its response still completes it.
     */
    boolean resendWithCookie(int receiverIndex, long now, byte[] msg) {
        if (state != State.INITIATION_CREATED || receiverIndex != localIndex || !cookieResendAllowed) return false;
        cookieResendAllowed = false;
        System.arraycopy(lastInitiation, 0, msg, 0, Messages.INITIATION_LENGTH);
        cookies.addMacs(msg, Messages.INIT_MAC1, now);
        return true;
    }

    /**
     * TAI64N of {@code wallNanos} into {@code ts}, with the low 24 bits of the nanoseconds masked
     * off, as wireguard-go does ("whitening", so the timestamp reveals less about the host clock).
     */
    static void timestamp(long wallNanos, byte[] ts) {
        Tai64n.encode(wallNanos, ts, 0);
        ts[9] = 0;
        ts[10] = 0;
        ts[11] = 0;
    }

    /**
     * Second half of consuming an initiation, after {@link ProtocolCore} decrypted the static key
     * and found this peer: decrypts the timestamp, rejects replays (timestamp not newer) and
     * floods (less than 20 ms since the last accepted one). Returns null or the drop reason.
     * {@code hs} (the device's scratch) is copied into this handshake's own state, and wiped.
     */
    Drop consumeInitiation(HandshakeState hs, byte[] msg, long now) {
        if (!staticStaticOk()) {
            hs.wipe();
            return Drop.INVALID_INITIATION;
        }
        int n = hs.readMessage1Payload(msg, Messages.INIT_NOISE, Messages.INIT_NOISE_LENGTH, staticStatic, ts, 0);
        if (n != Tai64n.LENGTH) {
            hs.wipe();
            return Drop.INVALID_INITIATION;
        }
        // replay: timestamp must be strictly greater than the last one; flood: ≥ 20 ms apart
        boolean replay = Tai64n.compare(ts, 0, latestTimestamp, 0) <= 0;
        boolean flood = anyInitiationConsumed && now - lastInitiationConsumed <= Constants.HANDSHAKE_INITIATION_RATE;
        if (replay || flood) {
            hs.wipe();
            Arrays.fill(ts, (byte) 0);
            return replay ? Drop.REPLAYED_INITIATION : Drop.INITIATION_FLOOD;
        }
        clearPending();
        System.arraycopy(ts, 0, latestTimestamp, 0, ts.length);
        Arrays.fill(ts, (byte) 0);
        lastInitiationConsumed = now;
        anyInitiationConsumed = true;
        own.copyFrom(hs);
        hs.wipe();
        noise = own;
        remoteIndex = Messages.getIntLE(msg, Messages.INIT_SENDER);
        state = State.INITIATION_CONSUMED;
        return null;
    }

    /**
     * Writes the 92-byte response to the consumed initiation into {@code msg} and returns the
     * responder's new keypair (to be installed as "next"), or null.
     */
    Keypair createResponse(long now, byte[] msg) {
        if (state != State.INITIATION_CONSUMED) return null;
        byte[] e = device.newEphemeral();
        try {
            localIndex = device.indices.newIndex(tunnel);
            Arrays.fill(msg, 0, Messages.RESPONSE_LENGTH, (byte) 0);
            Messages.putIntLE(msg, 0, Messages.TYPE_RESPONSE);
            Messages.putIntLE(msg, Messages.RESP_SENDER, localIndex);
            Messages.putIntLE(msg, Messages.RESP_RECEIVER, remoteIndex);
            // e, ee, se, psk, {}
            int n = noise.writeMessage2(e, psk.rawBytes(), EMPTY, 0, 0, msg, Messages.RESP_NOISE);
            if (n != Messages.RESP_NOISE_LENGTH) {
                clearPending();
                return null;
            }
            cookies.addMacs(msg, Messages.RESP_MAC1, now);
            return derive(now, false);
        } finally {
            Arrays.fill(e, (byte) 0);
        }
    }

    /**
     * Consumes a response (MAC1 already checked) to our initiation. Returns the initiator's new
     * keypair, or null if it does not match or verify.
     */
    Keypair consumeResponse(byte[] msg, long now) {
        if (state != State.INITIATION_CREATED) return null;
        if (Messages.getIntLE(msg, Messages.RESP_RECEIVER) != localIndex) return null;
        // Work on a copy so a forged response cannot corrupt the pending handshake.
        HandshakeState attempt = spare.resetInitiator(initiatorInitial, remoteStatic.rawBytes());
        copyPending(attempt);
        int n = attempt.readMessage2(msg, Messages.RESP_NOISE, Messages.RESP_NOISE_LENGTH, psk.rawBytes(), EMPTY, 0);
        if (n != 0) {
            attempt.wipe();
            return null;
        }
        noise.wipe();
        spare = own;
        own = attempt;
        noise = attempt;
        remoteIndex = Messages.getIntLE(msg, Messages.RESP_SENDER);
        return derive(now, true);
    }

    private void copyPending(HandshakeState to) {
        to.sym.copyFrom(noise.sym);
        noise.copyEphemeralTo(to);
    }

    /** Split into a keypair; the local index now points at it. The handshake state is zeroed. */
    private Keypair derive(long now, boolean initiator) {
        byte[] send = new byte[32]; // owned by the new keypair
        byte[] recv = new byte[32];
        noise.split(send, recv);
        Keypair kp = new Keypair(
                tunnel, send, recv, localIndex, remoteIndex, now, initiator, tunnel.keypairs.freshWindow(now));
        device.indices.setKeypair(localIndex, kp);
        noise.wipe();
        noise = null;
        state = State.ZEROED;
        return kp;
    }

    /** Forgets a handshake in progress (and its index, if no keypair took it over). */
    void clearPending() {
        cookieResendAllowed = false;
        if (noise != null) {
            noise.wipe();
            noise = null;
        }
        if (state == State.INITIATION_CREATED || (state == State.INITIATION_CONSUMED && localIndex != 0)) {
            device.indices.remove(localIndex, null);
        }
        state = State.ZEROED;
    }

    /**
     * Zeroes everything secret (3 × REJECT_AFTER_TIME without a session, or peer removal),
     * the precomputed static-static DH too: the next handshake computes it again.
     */
    void wipe() {
        clearPending();
        Arrays.fill(staticStatic, (byte) 0);
        staticStaticState = SS_UNKNOWN;
    }

    /** The latest accepted TAI64N timestamp as Unix nanoseconds (tests, status). */
    long latestTimestampUnixNanos() {
        return Tai64n.decode(latestTimestamp, 0);
    }

    boolean constantTimeIsPeer(byte[] staticPub) {
        return ConstantTime.equals(staticPub, 0, remoteStatic.rawBytes(), 0, 32);
    }

    @Override
    public String toString() {
        return "Handshake[" + state + ", peer=" + remoteStatic + ", secrets redacted]";
    }
}
