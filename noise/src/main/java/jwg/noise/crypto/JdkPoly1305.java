package jwg.noise.crypto;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.ByteOrder;

/**
 * Reaches the JDK's intrinsified Poly1305 block loop,
 * {@code com.sun.crypto.provider.Poly1305.processMultipleBlocks(byte[] in, int off, int len,
 * long[] a, long[] r)}, which C2 replaces with AVX-512 IFMA code when the JVM runs with
 * {@code UsePoly1305Intrinsics} (on by default where the CPU has AVX-512 IFMA; off on AVX2).
 * There it is about twice as fast as {@link Poly1305Vec}. Blocks are staged in a heap array
 * (the intrinsic reads {@code byte[]}) and run through the intrinsic when the MAC ends.
 *
 * <p>Needs {@code --add-opens java.base/com.sun.crypto.provider=ALL-UNNAMED} and
 * {@code --add-exports java.base/sun.security.util.math=ALL-UNNAMED} (for the limb arrays).
 * Without them, with the intrinsic off, or if the self-test fails, {@link #AVAILABLE} is false
 * and {@link Poly1305} keeps its own code. {@code -Djwg.crypto.noJdkPoly1305=true} forces that.
 * For tests, {@code -Djwg.crypto.jdkPoly1305Always=true} uses the JDK's loop even where it is not
 * intrinsified (it is then plain, slow Java), so that this class is checked on any CPU.
 *
 * <p>Contract (from the JDK source): {@code a} and {@code r} are the 26-bit limb arrays (five
 * each) of the JDK object's own accumulator and key, so the method's Java body (which uses the
 * object's fields and runs until C2 compiles the caller) and the intrinsic (which uses the
 * arrays) compute the same thing. Each 16-byte block gets the 2^128 bit. One JDK object is made
 * per instance, once; per MAC only the two arrays are rewritten, so nothing is allocated.
 */
final class JdkPoly1305 {
    private static final ValueLayout.OfLong LE64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final long M = 0x3ffffffL;
    /** Bytes staged before the intrinsic is called (a multiple of 16). */
    static final int STAGE = 4096;

    private static final MethodHandle NEW; // () -> Object: a keyed JDK Poly1305
    private static final MethodHandle A, R; // (Object) -> long[]: its accumulator / key limbs
    private static final MethodHandle BLOCKS; // (Object, byte[], int, int, long[], long[]) -> void
    static final boolean AVAILABLE;

    static {
        MethodHandle[] h = lookup();
        NEW = h[0];
        A = h[1];
        R = h[2];
        BLOCKS = h[3];
        AVAILABLE = BLOCKS != null && selfTest();
    }

    private final Object mac;
    private final long[] a, r;
    private final byte[] stage = new byte[STAGE];
    private final MemorySegment stageSeg = MemorySegment.ofArray(stage);
    private int staged;

    JdkPoly1305() {
        try {
            mac = NEW.invokeExact();
            a = (long[]) A.invokeExact(mac);
            r = (long[]) R.invokeExact(mac);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** Starts a MAC under the clamped key r1:r0. */
    void start(long r0, long r1) {
        Poly1305.toLimbs26(r, 0, 1, r0, r1, 0);
        java.util.Arrays.fill(a, 0);
        staged = 0;
    }

    /** Stages {@code len} bytes (a multiple of 16) of full blocks. */
    void blocks(MemorySegment m, long off, long len) {
        while (len > 0) {
            int n = (int) Math.min(len, STAGE - staged);
            MemorySegment.copy(m, off, stageSeg, staged, n);
            staged += n;
            off += n;
            len -= n;
            if (staged == STAGE) run();
        }
    }

    /** Runs {@code len} bytes (a multiple of 16) of full blocks of a heap array, after what was staged. */
    void blocks(byte[] in, int off, int len) {
        // the intrinsic does not check bounds (the JDK's caller does, before it): check here
        java.util.Objects.checkFromIndexSize(off, len, in.length);
        if ((len & 15) != 0) throw new IllegalArgumentException("not whole blocks: " + len);
        run();
        try {
            BLOCKS.invokeExact(mac, in, off, len, a, r);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** Stages one full block. */
    void block(long m0, long m1) {
        stageSeg.set(LE64, staged, m0);
        stageSeg.set(LE64, staged + 8, m1);
        staged += 16;
        if (staged == STAGE) run();
    }

    /** Runs the staged blocks through the intrinsic and writes the accumulator, fully carried, to {@code p}. */
    void finish(Poly1305 p) {
        run();
        toRadix64(a, p);
    }

    /**
     * The JDK's limbs are signed 26-bit digits (its carries round to nearest): carries them into
     * [0, 2^26), folding 2^130 = 5 (mod p), until the value is in [0, 2^130), and writes it to
     * p's radix-2^64 accumulator. Any value of five limbs below 2^62 in magnitude.
     */
    static void toRadix64(long[] limbs, Poly1305 p) {
        long l0 = limbs[0], l1 = limbs[1], l2 = limbs[2], l3 = limbs[3], l4 = limbs[4];
        for (int pass = 0; pass < 4; pass++) {
            l1 += l0 >> 26;
            l0 &= M;
            l2 += l1 >> 26;
            l1 &= M;
            l3 += l2 >> 26;
            l2 &= M;
            l4 += l3 >> 26;
            l3 &= M;
            long c = l4 >> 26; // negative when the value is: adds multiples of p then
            l4 &= M;
            l0 += 5 * c;
            if (l0 >= 0 && l0 <= M) break;
        }
        p.fromLimbs26(l0, l1, l2, l3, l4);
    }

    /**
     * Zeroes the key and accumulator limbs. The stage is not wiped: it holds only MAC input,
     * which in the AEAD is ciphertext (public).
     */
    void wipe() {
        java.util.Arrays.fill(a, 0);
        java.util.Arrays.fill(r, 0);
        staged = 0;
    }

    private void run() {
        if (staged == 0) return;
        try {
            BLOCKS.invokeExact(mac, stage, 0, staged, a, r);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
        staged = 0;
    }

    private static MethodHandle[] lookup() {
        MethodHandle[] none = new MethodHandle[4];
        if (Boolean.getBoolean("jwg.crypto.noJdkPoly1305")) return none;
        if (!Boolean.getBoolean("jwg.crypto.jdkPoly1305Always") && !intrinsicOn()) return none;
        try {
            Class<?> c = Class.forName("com.sun.crypto.provider.Poly1305");
            Class<?> element = Class.forName("sun.security.util.math.IntegerModuloP");
            MethodHandles.Lookup l = MethodHandles.privateLookupIn(c, MethodHandles.lookup());
            MethodHandle ctor = l.findConstructor(c, MethodType.methodType(void.class));
            MethodHandle init = l.findVirtual(
                    c,
                    "engineInit",
                    MethodType.methodType(
                            void.class, java.security.Key.class, java.security.spec.AlgorithmParameterSpec.class));
            MethodHandle limbs =
                    MethodHandles.lookup().findVirtual(element, "getLimbs", MethodType.methodType(long[].class));
            MethodHandle fa = l.findGetter(c, "a", Class.forName("sun.security.util.math.MutableIntegerModuloP"));
            MethodHandle fr = l.findGetter(c, "r", element);
            MethodHandle blocks = l.findVirtual(
                    c,
                    "processMultipleBlocks",
                    MethodType.methodType(void.class, byte[].class, int.class, int.class, long[].class, long[].class));
            // a keyed object (any non-zero r and s: the JDK refuses zero halves); its limbs are rewritten per MAC
            byte[] key = new byte[32];
            java.util.Arrays.fill(key, (byte) 1);
            MethodHandle newKeyed = MethodHandles.filterReturnValue(
                    ctor.asType(MethodType.methodType(Object.class)),
                    MethodHandles.foldArguments(
                            MethodHandles.identity(Object.class),
                            MethodHandles.insertArguments(
                                            init, 1, new javax.crypto.spec.SecretKeySpec(key, "Poly1305"), null)
                                    .asType(MethodType.methodType(void.class, Object.class))));
            return new MethodHandle[] {
                newKeyed,
                MethodHandles.filterReturnValue(
                        fa.asType(MethodType.methodType(fa.type().returnType(), Object.class)),
                        limbs.asType(
                                MethodType.methodType(long[].class, fa.type().returnType()))),
                MethodHandles.filterReturnValue(fr.asType(MethodType.methodType(element, Object.class)), limbs),
                blocks.asType(MethodType.methodType(
                        void.class, Object.class, byte[].class, int.class, int.class, long[].class, long[].class))
            };
        } catch (Throwable e) { // not opened/exported, renamed, or a different JDK: stay with our own code
            return none;
        }
    }

    /**
     * True when this JVM replaces the JDK's Poly1305 loop with its intrinsic (else that loop is
     * slow Java). HotSpot turns {@code UsePoly1305Intrinsics} on where the CPU has AVX-512 IFMA,
     * VL and BW and the JVM uses 512-bit vectors ({@code UseAVX=3}, {@code MaxVectorSize=64}).
     * The flag itself is diagnostic, readable only when unlocked (then it decides), so the CPU's
     * flags in /proc/cpuinfo and those two product flags decide. About 20 ms, once.
     */
    private static boolean intrinsicOn() {
        com.sun.management.HotSpotDiagnosticMXBean vm;
        try {
            vm = java.lang.management.ManagementFactory.getPlatformMXBean(
                    com.sun.management.HotSpotDiagnosticMXBean.class);
        } catch (Throwable t) { // no jdk.management in this runtime
            return false;
        }
        try {
            return Boolean.parseBoolean(vm.getVMOption("UsePoly1305Intrinsics").getValue());
        } catch (IllegalArgumentException locked) {
            // diagnostic option not unlocked: the usual case, decided below
        }
        try {
            if (Integer.parseInt(vm.getVMOption("UseAVX").getValue()) < 3) return false;
            if (Integer.parseInt(vm.getVMOption("MaxVectorSize").getValue()) < 64) return false;
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/cpuinfo"))) {
                if (!line.startsWith("flags")) continue;
                String f = " " + line.substring(line.indexOf(':') + 1).trim().replaceAll("\\s+", " ") + " ";
                return f.contains(" avx512ifma ") && f.contains(" avx512vl ") && f.contains(" avx512bw ");
            }
        } catch (Throwable t) {
            // not HotSpot on x86 Linux, or unreadable
        }
        return false;
    }

    /** Equal to the scalar Poly1305 for every length up to 600 and a few longer, under a maximal r. */
    private static boolean selfTest() {
        try {
            JdkPoly1305 j = new JdkPoly1305();
            Poly1305 s = new Poly1305(false);
            byte[] key = new byte[32], msg = new byte[STAGE + 200], t1 = new byte[16], t2 = new byte[16];
            long x = 0x2545f4914f6cdd1dL;
            for (int i = 0; i < msg.length; i++) {
                x ^= x << 13;
                x ^= x >>> 7;
                x ^= x << 17;
                msg[i] = (byte) x;
            }
            for (int i = 0; i < 32; i++) key[i] = (byte) (i < 16 ? 0xff : i * 5);
            MemorySegment m = MemorySegment.ofArray(msg);
            Poly1305 v = new Poly1305(j);
            for (int len = 0; len <= msg.length; len += (len < 600 ? 16 : 509 & ~15)) {
                s.init(key, 0);
                s.blocks(m, 0, len);
                s.finish(t1, 0);
                v.init(key, 0);
                v.blocks(m, 0, len);
                v.finish(t2, 0);
                if (!java.util.Arrays.equals(t1, t2)) return false;
            }
            return true;
        } catch (Throwable t) {
            return false;
        }
    }
}
