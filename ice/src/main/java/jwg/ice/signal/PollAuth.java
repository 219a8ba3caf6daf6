package jwg.ice.signal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;
import jwg.noise.PrivateKey;
import jwg.noise.PublicKey;
import jwg.noise.crypto.Blake2s;
import jwg.noise.crypto.ConstantTime;
import jwg.noise.crypto.Kdf;
import jwg.noise.crypto.X25519;

/**
 * Proof that a poller owns its mailbox key. The server makes a fresh X25519 key pair each time it
 * starts ({@code GET /v1/key} answers its public key S in hex). A poll for mailbox P carries
 * <pre>
 *   Authorization: JWG-Poll COUNTER.MAC
 *   dh  = X25519(p, S) = X25519(s, P)          (all-zero refused)
 *   key = KDF1(HASH("jwg signal poll v1"), dh || P || S)
 *   MAC = hex(MAC(key, P || S || COUNTER as u64 big-endian))    (keyed BLAKE2s-128, WireGuard's MAC)
 * </pre>
 * COUNTER is the poller's microsecond clock, strictly increasing ({@link CounterClock}). The server
 * accepts it only if it is above the last one it accepted for P and within the freshness window
 * of its own clock; a restarted server has a new S, so polls seen by an earlier one never verify.
 */
final class PollAuth {
    static final String SCHEME = "JWG-Poll ";
    static final byte[] LABEL = Blake2s.hash("jwg signal poll v1".getBytes(StandardCharsets.US_ASCII));
    private static final HexFormat HEX = HexFormat.of();

    private PollAuth() {}

    /** The per-(poller, server) MAC key; throws IllegalArgumentException for an all-zero DH. */
    static byte[] key(PrivateKey priv, PublicKey poller, PublicKey server, PublicKey other) {
        byte[] dh = new byte[32];
        byte[] input = new byte[96];
        try {
            if (!X25519.sharedSecret(priv.rawBytes(), other.rawBytes(), dh))
                throw new IllegalArgumentException("all-zero shared secret");
            System.arraycopy(dh, 0, input, 0, 32);
            System.arraycopy(poller.rawBytes(), 0, input, 32, 32);
            System.arraycopy(server.rawBytes(), 0, input, 64, 32);
            byte[] key = new byte[32];
            Kdf.kdf(LABEL, input, key);
            return key;
        } finally {
            Arrays.fill(dh, (byte) 0);
            Arrays.fill(input, (byte) 0);
        }
    }

    static byte[] mac(byte[] key, PublicKey poller, PublicKey server, long counter) {
        byte[] in = ByteBuffer.allocate(72)
                .put(poller.rawBytes())
                .put(server.rawBytes())
                .putLong(counter)
                .array();
        byte[] out = new byte[16];
        Blake2s.mac(key, in, 0, in.length, out, 0);
        return out;
    }

    /** The header value for a poll. */
    static String header(byte[] key, PublicKey poller, PublicKey server, long counter) {
        return SCHEME + counter + "." + HEX.formatHex(mac(key, poller, server, counter));
    }

    /** A parsed header: the counter and MAC; empty if malformed. Never throws. */
    record Claim(long counter, byte[] mac) {
        boolean verifies(byte[] key, PublicKey poller, PublicKey server) {
            return ConstantTime.equals(mac, PollAuth.mac(key, poller, server, counter));
        }
    }

    static Optional<Claim> parse(String header) {
        if (header == null || header.length() > 80 || !header.startsWith(SCHEME)) return Optional.empty();
        String v = header.substring(SCHEME.length());
        int dot = v.indexOf('.');
        if (dot < 1 || dot > 19 || v.length() - dot - 1 != 32) return Optional.empty();
        String c = v.substring(0, dot);
        if (!c.chars().allMatch(ch -> ch >= '0' && ch <= '9')) return Optional.empty();
        try {
            return Optional.of(new Claim(Long.parseLong(c), HEX.parseHex(v.substring(dot + 1))));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
