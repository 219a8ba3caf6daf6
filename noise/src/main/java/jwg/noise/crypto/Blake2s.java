package jwg.noise.crypto;

import org.bouncycastle.crypto.digests.Blake2sDigest;

/**
 * BLAKE2s (RFC 7693) as WireGuard uses it: HASH = BLAKE2s-256, MAC = keyed BLAKE2s-128,
 * and the HMAC-BLAKE2s behind {@link Kdf}. The unkeyed hash reuses a per-thread digest;
 * keyed MACs need a fresh BC digest per key (BC cannot re-key one).
 */
public final class Blake2s {
    public static final int HASH_LENGTH = 32;
    public static final int MAC_LENGTH = 16;
    private static final ThreadLocal<Blake2sDigest> DIGEST = ThreadLocal.withInitial(() -> new Blake2sDigest(256));
    private Blake2s() {}

    /** HASH(a || b || ...) = BLAKE2s-256 of the concatenation. */
    public static byte[] hash(byte[]... parts) {
        Blake2sDigest d = DIGEST.get();
        d.reset();
        for (byte[] p : parts) d.update(p, 0, p.length);
        byte[] out = new byte[HASH_LENGTH];
        d.doFinal(out, 0);
        return out;
    }

    /** Allocation-free HASH(a || b[bOff..bOff+bLen]) into out[0..32] (Noise MixHash). {@code out} may be {@code a}. */
    public static void hash(byte[] a, byte[] b, int bOff, int bLen, byte[] out) {
        Blake2sDigest d = DIGEST.get();
        d.reset();
        d.update(a, 0, a.length);
        d.update(b, bOff, bLen);
        d.doFinal(out, 0);
    }

    /** MAC(key, input[off..off+len]) = keyed BLAKE2s with a 16-byte output, into out[outOff..]. */
    public static void mac(byte[] key, byte[] input, int off, int len, byte[] out, int outOff) {
        Blake2sDigest d = new Blake2sDigest(key, MAC_LENGTH, null, null);
        d.update(input, off, len);
        d.doFinal(out, outOff);
        d.reset();   // BC keeps a copy of the key for reset(); the object is garbage from here on
    }
}
