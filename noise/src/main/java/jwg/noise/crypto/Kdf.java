package jwg.noise.crypto;

import java.util.Arrays;

/**
 * WireGuard's HMAC (HMAC-BLAKE2s, block 64, out 32; RFC 2104) and KDF1..KDF3 (HKDF with
 * HMAC-BLAKE2s, WireGuard paper section 5.4):
 * <pre>
 *   tau0 = HMAC(key, input)
 *   tau1 = HMAC(tau0, 0x1)
 *   tau2 = HMAC(tau0, tau1 || 0x2)
 *   tau3 = HMAC(tau0, tau2 || 0x3)
 * </pre>
 * Thread-safe: each thread reuses its own digest and scratch buffers (no allocation after the
 * first call), and every intermediate secret is wiped before returning.
 */
public final class Kdf {
    private static final int BLOCK = 64;
    private static final int OUT = Blake2s.HASH_LENGTH;
    private static final byte[] EMPTY = new byte[0];
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private Kdf() {}

    /** Per-thread working state; all of it is secret and wiped after each call. */
    private static final class Scratch {
        final Blake2s digest = new Blake2s();
        final byte[] pad = new byte[BLOCK];
        final byte[] inner = new byte[OUT];
        final byte[] tau0 = new byte[OUT];
        final byte[] prev = new byte[OUT + 1];
        final byte[] t = new byte[OUT];

        void wipe() {
            digest.wipe();
            Arrays.fill(pad, (byte) 0);
            Arrays.fill(inner, (byte) 0);
            Arrays.fill(tau0, (byte) 0);
            Arrays.fill(prev, (byte) 0);
            Arrays.fill(t, (byte) 0);
        }
    }

    /** HMAC-BLAKE2s(key, input[off..off+len]) into out[0..32]. */
    public static void hmac(byte[] key, byte[] input, int off, int len, byte[] out) {
        Scratch s = SCRATCH.get();
        try {
            hmac(s, key, key.length, input, off, len, out);
        } finally {
            s.wipe();
        }
    }

    private static void hmac(Scratch s, byte[] key, int keyLen, byte[] input, int off, int len, byte[] out) {
        Blake2s d = s.digest;
        byte[] pad = s.pad;
        // RFC 2104: K0 = key (hashed first if longer than the block), zero-padded to 64 bytes.
        Arrays.fill(pad, (byte) 0);
        if (keyLen > BLOCK) {
            d.init(OUT);
            d.update(key, 0, keyLen);
            d.doFinal(pad, 0);
        } else {
            System.arraycopy(key, 0, pad, 0, keyLen);
        }
        // inner = H((K0 ^ ipad) || text)
        for (int i = 0; i < BLOCK; i++) pad[i] ^= 0x36;
        d.init(OUT);
        d.update(pad, 0, BLOCK);
        d.update(input, off, len);
        d.doFinal(s.inner, 0);
        // out = H((K0 ^ opad) || inner); (x ^ 0x36) ^ 0x6a == x ^ 0x5c
        for (int i = 0; i < BLOCK; i++) pad[i] ^= 0x36 ^ 0x5c;
        d.init(OUT);
        d.update(pad, 0, BLOCK);
        d.update(s.inner, 0, OUT);
        d.doFinal(out, 0);
    }

    /**
     * KDF_n(key, input): writes n = outs.length 32-byte outputs (1..3). Any out may be null to
     * skip keeping it. Intermediate secrets are wiped.
     */
    public static void kdf(byte[] key, byte[] input, byte[]... outs) {
        int n = outs.length;
        if (n < 1 || n > 3) throw new IllegalArgumentException("KDF arity " + n);
        kdf(key, input, n, outs[0], n > 1 ? outs[1] : null, n > 2 ? outs[2] : null);
    }

    /** Allocation-free KDF_n (n = 1..3) with the outputs named; null outputs are not kept. */
    public static void kdf(byte[] key, byte[] input, int n, byte[] out1, byte[] out2, byte[] out3) {
        if (n < 1 || n > 3) throw new IllegalArgumentException("KDF arity " + n);
        Scratch s = SCRATCH.get();
        try {
            byte[] in = input == null ? EMPTY : input;
            hmac(s, key, key.length, in, 0, in.length, s.tau0);
            int prevLen = 0;
            for (int i = 1; i <= n; i++) {
                s.prev[prevLen] = (byte) i;
                hmac(s, s.tau0, OUT, s.prev, 0, prevLen + 1, s.t);
                byte[] dst = i == 1 ? out1 : i == 2 ? out2 : out3;
                if (dst != null) System.arraycopy(s.t, 0, dst, 0, OUT);
                System.arraycopy(s.t, 0, s.prev, 0, OUT);
                prevLen = OUT;
            }
        } finally {
            s.wipe();
        }
    }
}
