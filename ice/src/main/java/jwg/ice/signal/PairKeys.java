package jwg.ice.signal;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import jwg.noise.PrivateKey;
import jwg.noise.PublicKey;
import jwg.noise.crypto.Blake2s;
import jwg.noise.crypto.Kdf;
import jwg.noise.crypto.X25519;

/**
 * The two envelope keys between this side and one peer, from their static keys:
 * {@code dh = X25519(self, peer)}, and for each direction
 * {@code key(s→r) = KDF1(HASH("jwg signal envelope v1"), dh || s || r)} (HMAC-BLAKE2s as in
 * WireGuard's KDF). Binding the ordered key pair makes the keys direction-specific, so an envelope
 * cannot be reflected back to its sender. Secret: wiped by {@link #wipe()}.
 */
final class PairKeys {
    static final byte[] LABEL = Blake2s.hash("jwg signal envelope v1".getBytes(StandardCharsets.US_ASCII));

    final byte[] send = new byte[32];
    final byte[] receive = new byte[32];

    private PairKeys() {}

    /** Derives the keys; throws IllegalArgumentException for a low-order peer key (all-zero DH). */
    static PairKeys derive(PrivateKey self, PublicKey selfPublic, PublicKey peer) {
        byte[] dh = new byte[32];
        try {
            if (!X25519.sharedSecret(self.rawBytes(), peer.rawBytes(), dh))
                throw new IllegalArgumentException("peer key gives an all-zero shared secret");
            PairKeys k = new PairKeys();
            directional(dh, selfPublic, peer, k.send);
            directional(dh, peer, selfPublic, k.receive);
            return k;
        } finally {
            Arrays.fill(dh, (byte) 0);
        }
    }

    private static void directional(byte[] dh, PublicKey sender, PublicKey recipient, byte[] out) {
        byte[] input = new byte[96];
        System.arraycopy(dh, 0, input, 0, 32);
        System.arraycopy(sender.rawBytes(), 0, input, 32, 32);
        System.arraycopy(recipient.rawBytes(), 0, input, 64, 32);
        try {
            Kdf.kdf(LABEL, input, out);
        } finally {
            Arrays.fill(input, (byte) 0);
        }
    }

    void wipe() {
        Arrays.fill(send, (byte) 0);
        Arrays.fill(receive, (byte) 0);
    }

    @Override
    public String toString() {
        return "PairKeys[redacted]";
    }
}
