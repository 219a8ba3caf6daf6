package jwg.noise.crypto;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * BLAKE2s (RFC 7693) as WireGuard uses it: HASH = BLAKE2s-256, MAC = keyed BLAKE2s-128,
 * and the HMAC-BLAKE2s behind {@link Kdf}.
 *
 * <p>An instance is a reusable, re-keyable digest ({@link #init}, {@link #update},
 * {@link #doFinal}) that allocates nothing; not thread-safe. The static methods use one
 * instance per thread. {@link #doFinal} and {@link #wipe} zero the working state, so a key
 * does not outlive its MAC.
 */
public final class Blake2s {
    public static final int HASH_LENGTH = 32;
    public static final int MAC_LENGTH = 16;
    private static final int BLOCK = 64;
    private static final ThreadLocal<Blake2s> PER_THREAD = ThreadLocal.withInitial(Blake2s::new);
    private static final VarHandle LE = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

    private static final int IV0 = 0x6A09E667, IV1 = 0xBB67AE85, IV2 = 0x3C6EF372, IV3 = 0xA54FF53A;
    private static final int IV4 = 0x510E527F, IV5 = 0x9B05688C, IV6 = 0x1F83D9AB, IV7 = 0x5BE0CD19;
    private static final byte[] SIGMA = {
        0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
        14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3,
        11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4,
        7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8,
        9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13,
        2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9,
        12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11,
        13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10,
        6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5,
        10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0,
    };

    private final int[] h = new int[8];
    private final int[] m = new int[16];
    private final byte[] buf = new byte[BLOCK];
    private int bufLen;
    private long counter;
    private int outLen;

    public Blake2s() {
        init(HASH_LENGTH);
    }

    /** This thread's instance. */
    public static Blake2s perThread() {
        return PER_THREAD.get();
    }

    /** Starts an unkeyed hash with an {@code outLen}-byte output (1..32). */
    public Blake2s init(int outLen) {
        return init(null, 0, 0, outLen);
    }

    /** Starts a keyed hash (key of 0..32 bytes; null = unkeyed) with an {@code outLen}-byte output. */
    public Blake2s init(byte[] key, int keyOff, int keyLen, int outLen) {
        if (outLen < 1 || outLen > 32 || keyLen < 0 || keyLen > 32)
            throw new IllegalArgumentException("BLAKE2s parameters");
        this.outLen = outLen;
        h[0] = IV0 ^ 0x01010000 ^ (keyLen << 8) ^ outLen;
        h[1] = IV1;
        h[2] = IV2;
        h[3] = IV3;
        h[4] = IV4;
        h[5] = IV5;
        h[6] = IV6;
        h[7] = IV7;
        counter = 0;
        Arrays.fill(buf, (byte) 0);
        bufLen = 0;
        if (keyLen > 0) {
            System.arraycopy(key, keyOff, buf, 0, keyLen);
            bufLen = BLOCK; // the key block, zero-padded; compressed when more input (or the end) comes
        }
        return this;
    }

    public Blake2s update(byte[] in, int off, int len) {
        while (len > 0) {
            if (bufLen == BLOCK) { // only now is it known that this block is not the last
                counter += BLOCK;
                compress(buf, 0, false);
                bufLen = 0;
            }
            if (bufLen == 0) {
                while (len > BLOCK) { // whole blocks straight from the input, never the last one
                    counter += BLOCK;
                    compress(in, off, false);
                    off += BLOCK;
                    len -= BLOCK;
                }
            }
            int n = Math.min(BLOCK - bufLen, len);
            System.arraycopy(in, off, buf, bufLen, n);
            bufLen += n;
            off += n;
            len -= n;
        }
        return this;
    }

    /** Writes the {@code outLen}-byte digest to {@code out[off..]} and wipes the state. */
    public void doFinal(byte[] out, int off) {
        counter += bufLen;
        Arrays.fill(buf, bufLen, BLOCK, (byte) 0);
        compress(buf, 0, true);
        for (int i = 0; i < outLen; i++) out[off + i] = (byte) (h[i >>> 2] >>> ((i & 3) << 3));
        wipe();
    }

    /** Zeroes the chaining value, the buffer and the message words. */
    public void wipe() {
        Arrays.fill(h, 0);
        Arrays.fill(m, 0);
        Arrays.fill(buf, (byte) 0);
        bufLen = 0;
        counter = 0;
    }

    private void compress(byte[] block, int off, boolean last) {
        int[] m = this.m;
        for (int i = 0; i < 16; i++) m[i] = (int) LE.get(block, off + 4 * i);
        int v0 = h[0], v1 = h[1], v2 = h[2], v3 = h[3], v4 = h[4], v5 = h[5], v6 = h[6], v7 = h[7];
        int v8 = IV0, v9 = IV1, v10 = IV2, v11 = IV3;
        int v12 = IV4 ^ (int) counter, v13 = IV5 ^ (int) (counter >>> 32);
        int v14 = last ? ~IV6 : IV6, v15 = IV7;
        for (int r = 0; r < 10; r++) {
            int s = r * 16;
            // G(v0, v4, v8, v12)
            v0 += v4 + m[SIGMA[s]];
            v12 = Integer.rotateRight(v12 ^ v0, 16);
            v8 += v12;
            v4 = Integer.rotateRight(v4 ^ v8, 12);
            v0 += v4 + m[SIGMA[s + 1]];
            v12 = Integer.rotateRight(v12 ^ v0, 8);
            v8 += v12;
            v4 = Integer.rotateRight(v4 ^ v8, 7);
            // G(v1, v5, v9, v13)
            v1 += v5 + m[SIGMA[s + 2]];
            v13 = Integer.rotateRight(v13 ^ v1, 16);
            v9 += v13;
            v5 = Integer.rotateRight(v5 ^ v9, 12);
            v1 += v5 + m[SIGMA[s + 3]];
            v13 = Integer.rotateRight(v13 ^ v1, 8);
            v9 += v13;
            v5 = Integer.rotateRight(v5 ^ v9, 7);
            // G(v2, v6, v10, v14)
            v2 += v6 + m[SIGMA[s + 4]];
            v14 = Integer.rotateRight(v14 ^ v2, 16);
            v10 += v14;
            v6 = Integer.rotateRight(v6 ^ v10, 12);
            v2 += v6 + m[SIGMA[s + 5]];
            v14 = Integer.rotateRight(v14 ^ v2, 8);
            v10 += v14;
            v6 = Integer.rotateRight(v6 ^ v10, 7);
            // G(v3, v7, v11, v15)
            v3 += v7 + m[SIGMA[s + 6]];
            v15 = Integer.rotateRight(v15 ^ v3, 16);
            v11 += v15;
            v7 = Integer.rotateRight(v7 ^ v11, 12);
            v3 += v7 + m[SIGMA[s + 7]];
            v15 = Integer.rotateRight(v15 ^ v3, 8);
            v11 += v15;
            v7 = Integer.rotateRight(v7 ^ v11, 7);
            // G(v0, v5, v10, v15)
            v0 += v5 + m[SIGMA[s + 8]];
            v15 = Integer.rotateRight(v15 ^ v0, 16);
            v10 += v15;
            v5 = Integer.rotateRight(v5 ^ v10, 12);
            v0 += v5 + m[SIGMA[s + 9]];
            v15 = Integer.rotateRight(v15 ^ v0, 8);
            v10 += v15;
            v5 = Integer.rotateRight(v5 ^ v10, 7);
            // G(v1, v6, v11, v12)
            v1 += v6 + m[SIGMA[s + 10]];
            v12 = Integer.rotateRight(v12 ^ v1, 16);
            v11 += v12;
            v6 = Integer.rotateRight(v6 ^ v11, 12);
            v1 += v6 + m[SIGMA[s + 11]];
            v12 = Integer.rotateRight(v12 ^ v1, 8);
            v11 += v12;
            v6 = Integer.rotateRight(v6 ^ v11, 7);
            // G(v2, v7, v8, v13)
            v2 += v7 + m[SIGMA[s + 12]];
            v13 = Integer.rotateRight(v13 ^ v2, 16);
            v8 += v13;
            v7 = Integer.rotateRight(v7 ^ v8, 12);
            v2 += v7 + m[SIGMA[s + 13]];
            v13 = Integer.rotateRight(v13 ^ v2, 8);
            v8 += v13;
            v7 = Integer.rotateRight(v7 ^ v8, 7);
            // G(v3, v4, v9, v14)
            v3 += v4 + m[SIGMA[s + 14]];
            v14 = Integer.rotateRight(v14 ^ v3, 16);
            v9 += v14;
            v4 = Integer.rotateRight(v4 ^ v9, 12);
            v3 += v4 + m[SIGMA[s + 15]];
            v14 = Integer.rotateRight(v14 ^ v3, 8);
            v9 += v14;
            v4 = Integer.rotateRight(v4 ^ v9, 7);
        }
        h[0] ^= v0 ^ v8;
        h[1] ^= v1 ^ v9;
        h[2] ^= v2 ^ v10;
        h[3] ^= v3 ^ v11;
        h[4] ^= v4 ^ v12;
        h[5] ^= v5 ^ v13;
        h[6] ^= v6 ^ v14;
        h[7] ^= v7 ^ v15;
    }

    /** HASH(a || b || ...) = BLAKE2s-256 of the concatenation. */
    public static byte[] hash(byte[]... parts) {
        Blake2s d = PER_THREAD.get().init(HASH_LENGTH);
        for (byte[] p : parts) d.update(p, 0, p.length);
        byte[] out = new byte[HASH_LENGTH];
        d.doFinal(out, 0);
        return out;
    }

    /** Allocation-free HASH(a || b[bOff..bOff+bLen]) into out[0..32] (Noise MixHash). {@code out} may be {@code a}. */
    public static void hash(byte[] a, byte[] b, int bOff, int bLen, byte[] out) {
        Blake2s d = PER_THREAD.get().init(HASH_LENGTH);
        d.update(a, 0, a.length);
        d.update(b, bOff, bLen);
        d.doFinal(out, 0);
    }

    /** MAC(key, input[off..off+len]) = keyed BLAKE2s with a 16-byte output, into out[outOff..]. Allocation-free. */
    public static void mac(byte[] key, byte[] input, int off, int len, byte[] out, int outOff) {
        Blake2s d = PER_THREAD.get().init(key, 0, key.length, MAC_LENGTH);
        d.update(input, off, len);
        d.doFinal(out, outOff);
    }

    @Override
    public String toString() {
        return "Blake2s[state redacted]";
    }
}
