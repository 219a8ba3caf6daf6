package jwg.noise.crypto;

import java.math.BigInteger;

/**
 * The fixed-base table for {@link X25519#scalarMultBase}: for i = 0..31 and j = 1..8 the point
 * j * 256^i * B of edwards25519 (B the base point, whose Montgomery u is 9), in ref10's
 * "precomputed" form (y + x, y - x, 2dxy), each coordinate as five canonical 51-bit limbs.
 * Laid out flat: entry (i, j) starts at ((i * 8) + j - 1) * 15. Computed once at class
 * initialisation with affine BigInteger arithmetic (public data; a few milliseconds).
 */
final class BaseTable {
    private BaseTable() {}

    static final BigInteger P = BigInteger.ONE.shiftLeft(255).subtract(BigInteger.valueOf(19));
    /** d = -121665 / 121666 */
    static final BigInteger D = BigInteger.valueOf(-121665)
            .multiply(BigInteger.valueOf(121666).modInverse(P))
            .mod(P);
    /** RFC 8032 section 5.1: the base point B. */
    static final BigInteger BX =
            new BigInteger("15112221349535400772501151409588531511454012693041857206046113283949847762202");

    static final BigInteger BY =
            new BigInteger("46316835694926478169428394003475163141307993866256225615783033603165251855960");

    static final long[] TABLE = build();

    private static long[] build() {
        long[] t = new long[32 * 8 * 15];
        BigInteger[] q = {BX, BY};
        BigInteger d2 = D.shiftLeft(1).mod(P);
        for (int i = 0; i < 32; i++) {
            BigInteger[] r = q;
            for (int j = 1; j <= 8; j++) {
                int o = (i * 8 + j - 1) * 15;
                BigInteger x = r[0], y = r[1];
                limbs(y.add(x).mod(P), t, o);
                limbs(y.subtract(x).mod(P), t, o + 5);
                limbs(d2.multiply(x).multiply(y).mod(P), t, o + 10);
                r = add(r, q);
            }
            for (int k = 0; k < 8; k++) q = add(q, q); // q *= 256
        }
        return t;
    }

    /** Affine addition on -x^2 + y^2 = 1 + d x^2 y^2 (complete: no exceptional cases). */
    static BigInteger[] add(BigInteger[] a, BigInteger[] b) {
        BigInteger x1 = a[0], y1 = a[1], x2 = b[0], y2 = b[1];
        BigInteger t = D.multiply(x1).multiply(x2).multiply(y1).multiply(y2).mod(P);
        BigInteger x3 = x1.multiply(y2)
                .add(y1.multiply(x2))
                .multiply(BigInteger.ONE.add(t).modInverse(P))
                .mod(P);
        BigInteger y3 = y1.multiply(y2)
                .add(x1.multiply(x2))
                .multiply(BigInteger.ONE.subtract(t).mod(P).modInverse(P))
                .mod(P);
        return new BigInteger[] {x3, y3};
    }

    private static void limbs(BigInteger v, long[] t, int o) {
        BigInteger m = BigInteger.ONE.shiftLeft(51).subtract(BigInteger.ONE);
        for (int i = 0; i < 5; i++) t[o + i] = v.shiftRight(51 * i).and(m).longValueExact();
    }
}
