package jwg.noise.crypto;

import org.bouncycastle.crypto.digests.Blake2sDigest;

/**
 * WireGuard's HMAC (HMAC-BLAKE2s, block 64, out 32) and KDF1..KDF3 (HKDF with HMAC-BLAKE2s):
 * <pre>
 *   tau0 = HMAC(key, input)
 *   tau1 = HMAC(tau0, 0x1)
 *   tau2 = HMAC(tau0, tau1 || 0x2)
 *   tau3 = HMAC(tau0, tau2 || 0x3)
 * </pre>
 */
public final class Kdf {
    private static final int BLOCK = 64;
    private Kdf() {}

    /** HMAC-BLAKE2s(key, input) into out (32 bytes). */
    public static void hmac(byte[] key, byte[] input, int off, int len, byte[] out) {
        byte[] k = new byte[BLOCK];
        if (key.length > BLOCK) {
            byte[] hk = Blake2s.hash(key);
            System.arraycopy(hk, 0, k, 0, hk.length);
        } else {
            System.arraycopy(key, 0, k, 0, key.length);
        }
        byte[] pad = new byte[BLOCK];
        for (int i = 0; i < BLOCK; i++) pad[i] = (byte) (k[i] ^ 0x36);
        Blake2sDigest d = new Blake2sDigest(256);
        d.update(pad, 0, BLOCK);
        d.update(input, off, len);
        byte[] inner = new byte[32];
        d.doFinal(inner, 0);
        for (int i = 0; i < BLOCK; i++) pad[i] = (byte) (k[i] ^ 0x5c);
        d.reset();
        d.update(pad, 0, BLOCK);
        d.update(inner, 0, inner.length);
        d.doFinal(out, 0);
        java.util.Arrays.fill(k, (byte) 0);
        java.util.Arrays.fill(pad, (byte) 0);
        java.util.Arrays.fill(inner, (byte) 0);
    }

    /**
     * KDF_n(key, input): writes n = outs.length 32-byte outputs (1..3). Any out may be null to
     * skip keeping it. Intermediate secrets are wiped.
     */
    public static void kdf(byte[] key, byte[] input, byte[]... outs) {
        int n = outs.length;
        if (n < 1 || n > 3) throw new IllegalArgumentException("KDF arity " + n);
        byte[] tau0 = new byte[32];
        hmac(key, input == null ? new byte[0] : input, 0, input == null ? 0 : input.length, tau0);
        byte[] prev = new byte[33];
        byte[] t = new byte[32];
        int prevLen = 0;
        for (int i = 1; i <= n; i++) {
            prev[prevLen] = (byte) i;
            hmac(tau0, prev, 0, prevLen + 1, t);
            if (outs[i - 1] != null) System.arraycopy(t, 0, outs[i - 1], 0, 32);
            System.arraycopy(t, 0, prev, 0, 32);
            prevLen = 32;
        }
        java.util.Arrays.fill(tau0, (byte) 0);
        java.util.Arrays.fill(prev, (byte) 0);
        java.util.Arrays.fill(t, (byte) 0);
    }
}
