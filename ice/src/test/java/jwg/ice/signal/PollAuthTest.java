package jwg.ice.signal;

import static org.junit.jupiter.api.Assertions.*;

import java.security.SecureRandom;
import jwg.noise.PrivateKey;
import jwg.noise.PublicKey;
import org.junit.jupiter.api.Test;

class PollAuthTest {
    /** The header a poller holding {@code owner} sends to a server with key {@code server}. */
    static String header(PrivateKey owner, PublicKey server, long counter) {
        return PollAuth.header(
                PollAuth.key(owner, owner.publicKey(), server, server), owner.publicKey(), server, counter);
    }

    @Test
    void bothSidesDeriveTheSameKeyAndTheMacBindsEverything() {
        SecureRandom r = new SecureRandom();
        PrivateKey poller = PrivateKey.generate(r), server = PrivateKey.generate(r);
        PublicKey p = poller.publicKey(), s = server.publicKey();
        byte[] mine = PollAuth.key(poller, p, s, s), theirs = PollAuth.key(server, p, s, p);
        assertArrayEquals(mine, theirs);
        PollAuth.Claim c = PollAuth.parse(PollAuth.header(mine, p, s, 42)).orElseThrow();
        assertEquals(42, c.counter());
        assertTrue(c.verifies(theirs, p, s));
        assertFalse(new PollAuth.Claim(43, c.mac()).verifies(theirs, p, s));
        assertFalse(c.verifies(theirs, PrivateKey.generate(r).publicKey(), s));
        assertThrows(
                IllegalArgumentException.class,
                () -> PollAuth.key(poller, p, new PublicKey(new byte[32]), new PublicKey(new byte[32])));
        for (String bad : new String[] {
            null,
            "",
            "Basic x",
            "JWG-Poll 1",
            "JWG-Poll -1." + "0".repeat(32),
            "JWG-Poll 1." + "0".repeat(31),
            "JWG-Poll 99999999999999999999." + "0".repeat(32),
            "JWG-Poll 1." + "g".repeat(32)
        }) {
            assertTrue(PollAuth.parse(bad).isEmpty(), bad);
        }
    }
}
