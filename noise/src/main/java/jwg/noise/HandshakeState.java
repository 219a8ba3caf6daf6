package jwg.noise;

import java.util.Arrays;
import jwg.noise.crypto.X25519;

/**
 * The bare Noise pattern IKpsk2 over 25519/ChaChaPoly/BLAKE2s, with arbitrary prologue and
 * payloads (so it can be checked against the cacophony vectors). WireGuard's {@link Handshake}
 * drives it with prologue = {@link Constants#IDENTIFIER}, payload 1 = TAI64N timestamp and an
 * empty payload 2, then puts indices and MAC1/MAC2 around it ({@link Messages}).
 *
 * <pre>
 * IKpsk2:
 *   &lt;- s
 *   ...
 *   -&gt; e, es, s, ss
 *   &lt;- e, ee, se, psk
 * </pre>
 *
 * Not thread-safe; handshakes run on one control thread. Secrets are wiped by {@link #wipe()}.
 * Instances are reused ({@link #resetInitiator}, {@link #resetResponder}, {@link #copyFrom}):
 * a handshake allocates nothing here.
 */
final class HandshakeState {
    static final int KEY = 32;
    static final int TAG = 16;

    final SymmetricState sym = new SymmetricState();
    boolean initiator;
    private final byte[] s; // local static private key
    private final byte[] sPub; // local static public key
    final byte[] rs = new byte[KEY]; // remote static public key (responder learns it from message 1)
    private final byte[] e = new byte[KEY];
    final byte[] ePub = new byte[KEY];
    final byte[] re = new byte[KEY];
    /** Scratch for one DH result; wiped after each use. */
    private final byte[] dh = new byte[KEY];

    private HandshakeState(boolean initiator, byte[] s, byte[] sPub) {
        this.initiator = initiator;
        this.s = s;
        this.sPub = sPub;
    }

    /**
     * The state after Initialize(): h = HASH(protocol name), ck = h, MixHash(prologue), and the
     * pre-message {@code <- s}: MixHash(responder's static public key).
     * Whitepaper: Ci = HASH(CONSTRUCTION); Hi = HASH(Ci || IDENTIFIER); Hi = HASH(Hi || Spub_r).
     */
    static SymmetricState initialState(byte[] prologue, byte[] responderStaticPub) {
        SymmetricState st = new SymmetricState();
        st.initialize(Constants.CONSTRUCTION);
        st.mixHash(prologue);
        st.mixHash(responderStaticPub);
        return st;
    }

    static HandshakeState initiator(SymmetricState initial, byte[] s, byte[] sPub, byte[] rs) {
        return new HandshakeState(true, s, sPub).resetInitiator(initial, rs);
    }

    static HandshakeState responder(SymmetricState initial, byte[] s, byte[] sPub) {
        return new HandshakeState(false, s, sPub).resetResponder(initial);
    }

    /** An empty state for the local static key pair, to be reset before use. */
    static HandshakeState reusable(byte[] s, byte[] sPub) {
        return new HandshakeState(false, s, sPub);
    }

    /** This state, wiped and started again as the initiator towards {@code rs}. */
    HandshakeState resetInitiator(SymmetricState initial, byte[] rs) {
        wipe();
        initiator = true;
        sym.copyFrom(initial);
        System.arraycopy(rs, 0, this.rs, 0, KEY);
        return this;
    }

    /** This state, wiped and started again as the responder. */
    HandshakeState resetResponder(SymmetricState initial) {
        wipe();
        initiator = false;
        sym.copyFrom(initial);
        return this;
    }

    /** Becomes a copy of {@code o} (same local static key pair). */
    void copyFrom(HandshakeState o) {
        initiator = o.initiator;
        sym.copyFrom(o.sym);
        System.arraycopy(o.rs, 0, rs, 0, KEY);
        System.arraycopy(o.e, 0, e, 0, KEY);
        System.arraycopy(o.ePub, 0, ePub, 0, KEY);
        System.arraycopy(o.re, 0, re, 0, KEY);
    }

    /** Length of message 1 with a payload of {@code payloadLen} bytes. */
    static int message1Length(int payloadLen) {
        return KEY + KEY + TAG + payloadLen + TAG;
    }

    static int message2Length(int payloadLen) {
        return KEY + payloadLen + TAG;
    }

    /**
     * -&gt; e, es, s, ss, payload. {@code ephemeral} is the new ephemeral private key (the caller
     * generates it, which lets tests inject known ones). Returns the message length, or -1 if a
     * DH result is zero (a low-order remote key).
     */
    int writeMessage1(byte[] ephemeral, byte[] payload, int pOff, int pLen, byte[] out, int off) {
        byte[] dh = this.dh;
        try {
            // e:  Ei = DH-Generate(); msg.ephemeral = Epub_i; Ci = KDF1(Ci, Epub_i); Hi = HASH(Hi || Epub_i)
            System.arraycopy(ephemeral, 0, e, 0, KEY);
            X25519.publicKey(e, ePub);
            System.arraycopy(ePub, 0, out, off, KEY);
            sym.mixHash(ePub);
            sym.mixKey(ePub); // psk modifier: the e token also mixes the key
            // es: (Ci, k) = KDF2(Ci, DH(Epriv_i, Spub_r))
            if (!X25519.sharedSecret(e, rs, dh)) return -1;
            sym.mixKey(dh);
            // s:  msg.static = AEAD(k, 0, Spub_i, Hi); Hi = HASH(Hi || msg.static)
            int n = KEY;
            n += sym.encryptAndHash(sPub, 0, KEY, out, off + n);
            // ss: (Ci, k) = KDF2(Ci, DH(Spriv_i, Spub_r))
            if (!X25519.sharedSecret(s, rs, dh)) return -1;
            sym.mixKey(dh);
            // payload: msg.timestamp = AEAD(k, 0, TAI64N(), Hi); Hi = HASH(Hi || msg.timestamp)
            n += sym.encryptAndHash(payload, pOff, pLen, out, off + n);
            return n;
        } finally {
            Arrays.fill(dh, (byte) 0);
        }
    }

    /**
     * First half of reading message 1 (e, es, s): afterwards {@link #rs} holds the initiator's
     * static key, so the caller can find the peer before finishing. False if it does not decrypt.
     */
    boolean readMessage1Static(byte[] in, int off) {
        return readMessage1Static(in, off, null, 0);
    }

    /**
     * {@link #readMessage1Static(byte[], int)} with es = DH(Spriv_r, Epub_i) precomputed in
     * {@code es[esOff, +32)} (null: compute it here), e.g. by an X25519 batch of several
     * initiations' ephemerals under our static key. An all-zero es is refused as the DH would be.
     */
    boolean readMessage1Static(byte[] in, int off, byte[] es, int esOff) {
        byte[] dh = this.dh;
        try {
            // e
            System.arraycopy(in, off, re, 0, KEY);
            sym.mixHash(re);
            sym.mixKey(re);
            // es (responder side: DH(Spriv_r, Epub_i))
            if (es != null) {
                System.arraycopy(es, esOff, dh, 0, KEY);
                if (jwg.noise.crypto.ConstantTime.isZero(dh, 0, KEY)) return false;
            } else if (!X25519.sharedSecret(s, re, dh)) {
                return false;
            }
            sym.mixKey(dh);
            // s
            return sym.decryptAndHash(in, off + KEY, KEY + TAG, rs, 0);
        } finally {
            Arrays.fill(dh, (byte) 0);
        }
    }

    /**
     * Second half of reading message 1 (ss, payload). {@code staticStatic} may be a precomputed
     * DH(Spriv_r, Spub_i) for this peer (null: compute it). Returns the payload length or -1.
     */
    int readMessage1Payload(byte[] in, int off, int len, byte[] staticStatic, byte[] payloadOut, int pOff) {
        byte[] dh = this.dh;
        try {
            if (staticStatic != null) {
                System.arraycopy(staticStatic, 0, dh, 0, KEY);
                if (jwg.noise.crypto.ConstantTime.isZero(dh, 0, KEY)) return -1;
            } else if (!X25519.sharedSecret(s, rs, dh)) {
                return -1;
            }
            sym.mixKey(dh);
            int cOff = off + KEY + KEY + TAG;
            int cLen = len - (KEY + KEY + TAG);
            if (cLen < TAG) return -1;
            if (!sym.decryptAndHash(in, cOff, cLen, payloadOut, pOff)) return -1;
            return cLen - TAG;
        } finally {
            Arrays.fill(dh, (byte) 0);
        }
    }

    /**
     * &lt;- e, ee, se, psk, payload. Returns the message length, or -1 on a zero DH.
     * {@code psk} is 32 bytes (all zeros when no preshared key is configured).
     */
    int writeMessage2(byte[] ephemeral, byte[] psk, byte[] payload, int pOff, int pLen, byte[] out, int off) {
        byte[] dh = this.dh;
        try {
            // e:  Er = DH-Generate(); Cr = KDF1(Cr, Epub_r); Hr = HASH(Hr || Epub_r)
            System.arraycopy(ephemeral, 0, e, 0, KEY);
            X25519.publicKey(e, ePub);
            System.arraycopy(ePub, 0, out, off, KEY);
            sym.mixHash(ePub);
            sym.mixKey(ePub);
            // ee: Cr = KDF1(Cr, DH(Epriv_r, Epub_i))
            if (!X25519.sharedSecret(e, re, dh)) return -1;
            sym.mixKey(dh);
            // se: Cr = KDF1(Cr, DH(Epriv_r, Spub_i))
            if (!X25519.sharedSecret(e, rs, dh)) return -1;
            sym.mixKey(dh);
            // psk: (Cr, tau, k) = KDF3(Cr, Q); Hr = HASH(Hr || tau)
            sym.mixKeyAndHash(psk);
            // payload: msg.empty = AEAD(k, 0, empty, Hr); Hr = HASH(Hr || msg.empty)
            return KEY + sym.encryptAndHash(payload, pOff, pLen, out, off + KEY);
        } finally {
            Arrays.fill(dh, (byte) 0);
        }
    }

    /** Reads message 2 as the initiator; returns the payload length or -1 if it does not verify. */
    int readMessage2(byte[] in, int off, int len, byte[] psk, byte[] payloadOut, int pOff) {
        if (len < KEY + TAG) return -1;
        byte[] dh = this.dh;
        try {
            // e
            System.arraycopy(in, off, re, 0, KEY);
            sym.mixHash(re);
            sym.mixKey(re);
            // ee: DH(Epriv_i, Epub_r)
            if (!X25519.sharedSecret(e, re, dh)) return -1;
            sym.mixKey(dh);
            // se: DH(Spriv_i, Epub_r)
            if (!X25519.sharedSecret(s, re, dh)) return -1;
            sym.mixKey(dh);
            // psk
            sym.mixKeyAndHash(psk);
            if (!sym.decryptAndHash(in, off + KEY, len - KEY, payloadOut, pOff)) return -1;
            return len - KEY - TAG;
        } finally {
            Arrays.fill(dh, (byte) 0);
        }
    }

    /**
     * Split: T_send_i = T_recv_r, T_recv_i = T_send_r = KDF2(C, empty). Writes this side's
     * sending and receiving keys.
     */
    void split(byte[] sendKey, byte[] receiveKey) {
        if (initiator) sym.split(sendKey, receiveKey);
        else sym.split(receiveKey, sendKey);
    }

    /** Copies the ephemeral private/public key (to retry reading message 2 on a scratch copy). */
    void copyEphemeralTo(HandshakeState o) {
        System.arraycopy(e, 0, o.e, 0, KEY);
        System.arraycopy(ePub, 0, o.ePub, 0, KEY);
    }

    /** The handshake hash h (for tests and channel binding). */
    byte[] handshakeHash() {
        return sym.h.clone();
    }

    void wipe() {
        sym.wipe();
        Arrays.fill(dh, (byte) 0);
        Arrays.fill(e, (byte) 0);
        Arrays.fill(ePub, (byte) 0);
        Arrays.fill(re, (byte) 0);
    }

    @Override
    public String toString() {
        return "HandshakeState[redacted]";
    }
}
