package jwg.ice.signal;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Optional;
import jwg.noise.PublicKey;

/**
 * The envelope's wire layout (all integers big-endian):
 * <pre>
 *   version   1   (= 1)
 *   sender   32   sender's static WireGuard public key
 *   recipient 32  recipient's static WireGuard public key
 *   counter   8   sender's counter (microseconds since the epoch, strictly increasing)
 *   nonce    24   random XChaCha20 nonce
 *   sealed    n+16 XChaCha20-Poly1305(key(sender→recipient), nonce, aad = the 97 header bytes, message)
 * </pre>
 * The AAD is everything before the ciphertext, so version, both keys, the counter and the nonce are
 * all authenticated.
 */
record Envelope(byte version, PublicKey sender, PublicKey recipient, long counter, byte[] nonce, byte[] sealed) {
    static final byte VERSION = 1;
    static final int NONCE = 24;
    static final int TAG = 16;
    static final int HEADER = 1 + 32 + 32 + 8 + NONCE;
    static final int MAX_LENGTH = HEADER + MessageCodec.MAX_ENCODED + TAG;

    /** The header bytes that are the AEAD's associated data. */
    static byte[] header(PublicKey sender, PublicKey recipient, long counter, byte[] nonce) {
        return ByteBuffer.allocate(HEADER)
                .put(VERSION)
                .put(sender.rawBytes())
                .put(recipient.rawBytes())
                .putLong(counter)
                .put(nonce)
                .array();
    }

    /** Splits the wire form; empty if the length or version is wrong. Never throws. */
    static Optional<Envelope> parse(byte[] wire) {
        if (wire == null || wire.length < HEADER + TAG || wire.length > MAX_LENGTH || wire[0] != VERSION)
            return Optional.empty();
        ByteBuffer b = ByteBuffer.wrap(wire);
        byte version = b.get();
        PublicKey sender = new PublicKey(take(b, 32));
        PublicKey recipient = new PublicKey(take(b, 32));
        long counter = b.getLong();
        byte[] nonce = take(b, NONCE);
        return Optional.of(new Envelope(version, sender, recipient, counter, nonce, take(b, b.remaining())));
    }

    byte[] aad() {
        return header(sender, recipient, counter, nonce);
    }

    private static byte[] take(ByteBuffer b, int n) {
        byte[] out = new byte[n];
        b.get(out);
        return out;
    }

    static byte[] concat(byte[] header, byte[] sealed) {
        byte[] out = Arrays.copyOf(header, header.length + sealed.length);
        System.arraycopy(sealed, 0, out, header.length, sealed.length);
        return out;
    }
}
