package jwg.noise;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;
import jwg.noise.crypto.ChaCha20Poly1305;

/**
 * One session's transport keys (whitepaper 5.4.5: T_send, T_recv), derived at the end of a
 * handshake. Immutable except for the send counter (atomic) and the receive replay window
 * (ordered receive side only), so {@link #seal} and {@link #open} may run on any worker thread
 * in parallel, each with its own {@link ChaCha20Poly1305}.
 *
 * <p>Keys are wiped when the session dies ({@link #wipe()}); a worker racing with the wipe
 * produces a packet that fails authentication at the peer, nothing worse.
 */
public final class Keypair {
    private static final VarHandle SEND_COUNTER;

    static {
        try {
            SEND_COUNTER = MethodHandles.lookup().findVarHandle(Keypair.class, "sendCounter", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private static final ValueLayout.OfLong ZERO_LONG = ValueLayout.JAVA_LONG_UNALIGNED;

    private final byte[] sendKey;
    private final byte[] receiveKey;
    /** Our index: the peer puts it in the receiver field of packets to us. */
    final int localIndex;
    /** The peer's index: we put it in the receiver field of packets we send. */
    final int remoteIndex;
    /** When the handshake that made this keypair completed (caller's nanos). */
    final long createdAt;
    /** True if we initiated the handshake (only the initiator rekeys on age). */
    final boolean initiator;

    final Tunnel tunnel;
    /** Fresh, or a retired keypair's recycled by {@link Keypairs#freshWindow} (reset to empty). */
    final ReplayWindow replay;

    @SuppressWarnings("unused")
    private volatile long sendCounter;

    private volatile boolean wiped;

    Keypair(
            Tunnel tunnel,
            byte[] sendKey,
            byte[] receiveKey,
            int localIndex,
            int remoteIndex,
            long createdAt,
            boolean initiator) {
        this(tunnel, sendKey, receiveKey, localIndex, remoteIndex, createdAt, initiator, new ReplayWindow());
    }

    Keypair(
            Tunnel tunnel,
            byte[] sendKey,
            byte[] receiveKey,
            int localIndex,
            int remoteIndex,
            long createdAt,
            boolean initiator,
            ReplayWindow replay) {
        this.replay = replay;
        this.tunnel = tunnel;
        this.sendKey = sendKey;
        this.receiveKey = receiveKey;
        this.localIndex = localIndex;
        this.remoteIndex = remoteIndex;
        this.createdAt = createdAt;
        this.initiator = initiator;
    }

    /**
     * A keypair bound to no peer that seals and opens with one random key (both directions), for
     * warming the JIT on the exact packet path before real traffic; {@link #wipe} it after.
     */
    public static Keypair throwaway(java.security.SecureRandom random) {
        byte[] key = new byte[32];
        random.nextBytes(key);
        return new Keypair(null, key, key.clone(), 0, 0, 0, false);
    }

    /** Zeroes both keys (a throwaway keypair when its warm-up is done). */
    public void destroy() {
        wipe();
    }

    public int localIndex() {
        return localIndex;
    }

    public int remoteIndex() {
        return remoteIndex;
    }

    public long createdAt() {
        return createdAt;
    }

    public boolean isInitiator() {
        return initiator;
    }

    public Tunnel tunnel() {
        return tunnel;
    }

    /**
     * Reserves the next send counter (atomic; call on the peer's ordered send side). Returns -1
     * once the counter reached REJECT_AFTER_MESSAGES: the keypair must not send any more.
     * Counters are unsigned 64-bit: test for {@code == -1}, not {@code < 0}.
     */
    public long nextSendCounter() {
        long c = (long) SEND_COUNTER.getAndAdd(this, 1L);
        if (Long.compareUnsigned(c, Constants.REJECT_AFTER_MESSAGES) >= 0) {
            SEND_COUNTER.setVolatile(this, Constants.REJECT_AFTER_MESSAGES);
            return -1;
        }
        return c;
    }

    /** The next counter that would be used (unsigned). */
    public long sendCounter() {
        return (long) SEND_COUNTER.getVolatile(this);
    }

    /** Test hook: jump the send counter (e.g. near REKEY/REJECT_AFTER_MESSAGES). */
    void setSendCounter(long c) {
        SEND_COUNTER.setVolatile(this, c);
    }

    /** True if this keypair is older than REJECT_AFTER_TIME at {@code now}: unusable both ways. */
    public boolean expired(long now) {
        return wiped || now - createdAt >= Constants.REJECT_AFTER_TIME;
    }

    /**
     * Seals a transport message (thread-safe). The plaintext ({@code len} bytes at
     * {@code src[srcOff]}) is zero-padded to a multiple of 16 (never past {@code mtu}); the
     * datagram — header, ciphertext, tag — is written at {@code dst[dstOff]}. In-place sealing
     * works when {@code srcOff == dstOff + 16} in the same segment (16 bytes of headroom).
     * {@code dst} needs room for 16 + padded + 16 bytes. Returns the datagram length.
     */
    public int seal(
            ChaCha20Poly1305 aead,
            long counter,
            MemorySegment src,
            long srcOff,
            int len,
            MemorySegment dst,
            long dstOff,
            int mtu) {
        int padded = Messages.paddedLength(len, mtu);
        long pOff = dstOff + Messages.TRANSPORT_PACKET;
        if (!(src == dst && srcOff == pOff) && len > 0) MemorySegment.copy(src, srcOff, dst, pOff, len);
        if (padded > len) {
            // The zero padding (1..15 bytes) as two 8-byte stores, not a loop: a loop of 0..15 turns
            // deoptimized again and again as packet lengths vary. Bytes past the padding fall where
            // the tag goes (dst has room for it), and are overwritten by it.
            dst.set(ZERO_LONG, pOff + len, 0L);
            dst.set(ZERO_LONG, pOff + len + 8, 0L);
        }
        Messages.writeTransportHeader(dst, dstOff, remoteIndex, counter);
        int c = aead.seal(sendKey, counter, null, dst, pOff, padded, dst, pOff);
        return Messages.TRANSPORT_HEADER_LENGTH + c;
    }

    /**
     * Opens a transport message (thread-safe; does NOT touch the replay window — call
     * {@link Tunnel#receivedData} on the ordered side afterwards). The plaintext
     * ({@code len - 32} bytes, still padded) goes to {@code dst[dstOff]}; may be in place at
     * {@code datagramOff + 16}. Returns false if the tag does not verify.
     */
    public boolean open(
            ChaCha20Poly1305 aead, MemorySegment datagram, long off, int len, MemorySegment dst, long dstOff) {
        long counter = Messages.transportCounter(datagram, off);
        return aead.open(
                receiveKey,
                counter,
                null,
                datagram,
                off + Messages.TRANSPORT_PACKET,
                len - Messages.TRANSPORT_HEADER_LENGTH,
                dst,
                dstOff);
    }

    void wipe() {
        wiped = true;
        Arrays.fill(sendKey, (byte) 0);
        Arrays.fill(receiveKey, (byte) 0);
    }

    boolean isWiped() {
        return wiped;
    }

    @Override
    public String toString() {
        return "Keypair[local=" + Integer.toUnsignedString(localIndex) + ", remote="
                + Integer.toUnsignedString(remoteIndex) + (initiator ? ", initiator" : ", responder")
                + ", keys redacted]";
    }
}
