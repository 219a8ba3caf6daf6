package jwg.bench.crypto;

import java.math.BigInteger;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.spec.NamedParameterSpec;
import java.security.spec.XECPrivateKeySpec;
import java.security.spec.XECPublicKeySpec;
import java.util.concurrent.TimeUnit;
import javax.crypto.KeyAgreement;
import jwg.noise.crypto.X25519;
import org.openjdk.jmh.annotations.*;

/**
 * X25519 in one run: jwg's own ({@link X25519}: ladder for shared secrets, edwards25519 comb
 * for public keys) vs Bouncy Castle's rfc7748.X25519 vs the JDK's KeyAgreement("XDH").
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class X25519Bench {
    private byte[] priv, peerPub;
    private final byte[] shared = new byte[32];
    private final X25519 jwg = new X25519();
    private KeyAgreement jdk;
    private PrivateKey jdkPriv;
    private PublicKey jdkPub;

    @Setup
    public void setup() throws Exception {
        SecureRandom r = new SecureRandom();
        priv = X25519.generatePrivateKey(r);
        peerPub = X25519.publicKey(X25519.generatePrivateKey(r));
        KeyFactory kf = KeyFactory.getInstance("XDH");
        jdkPriv = kf.generatePrivate(new XECPrivateKeySpec(NamedParameterSpec.X25519, priv.clone()));
        byte[] be = new byte[32];
        for (int i = 0; i < 32; i++) be[i] = peerPub[31 - i]; // u-coordinate, little-endian on the wire
        jdkPub = kf.generatePublic(new XECPublicKeySpec(NamedParameterSpec.X25519, new BigInteger(1, be)));
        jdk = KeyAgreement.getInstance("XDH");
        byte[] a = sharedJdk(), b = new byte[32], c = new byte[32];
        jwg.agree(priv, peerPub, b);
        org.bouncycastle.math.ec.rfc7748.X25519.calculateAgreement(priv, 0, peerPub, 0, c, 0);
        if (!java.util.Arrays.equals(a, b) || !java.util.Arrays.equals(b, c))
            throw new IllegalStateException("jwg, BC and the JDK disagree");
    }

    @Benchmark
    public boolean sharedJwg() {
        return jwg.agree(priv, peerPub, shared);
    }

    @Benchmark
    public boolean sharedBc() {
        return org.bouncycastle.math.ec.rfc7748.X25519.calculateAgreement(priv, 0, peerPub, 0, shared, 0);
    }

    @Benchmark
    public byte[] sharedJdk() throws Exception {
        jdk.init(jdkPriv);
        jdk.doPhase(jdkPub, true);
        return jdk.generateSecret();
    }

    @Benchmark
    public byte[] publicKeyJwg() {
        jwg.scalarMultBase(priv, 0, shared, 0);
        return shared;
    }

    @Benchmark
    public byte[] publicKeyBc() {
        org.bouncycastle.math.ec.rfc7748.X25519.scalarMultBase(priv, 0, shared, 0);
        return shared;
    }
}
