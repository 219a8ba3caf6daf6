package jwg.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Random;
import jwg.dataplane.config.ConfFile;
import jwg.dataplane.config.DeviceConfig;
import jwg.dataplane.config.PeerConfig;
import jwg.dataplane.config.WgQuickConfig;
import jwg.noise.PrivateKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SaveConfig: the running peers with the file's wg-quick keys, hooks and #! keys (each with its peer), 0600. */
class SaveConfigTest {
    @TempDir
    Path dir;

    static String key(int seed) {
        byte[] b = new byte[32];
        new Random(seed).nextBytes(b);
        return new PrivateKey(b).toBase64();
    }

    static String pub(int seed) {
        return PrivateKey.fromBase64(key(seed)).publicKey().toBase64();
    }

    @Test
    void runningPeersWithTheFilesOwnKeys() throws Exception {
        String file =
                "[Interface]\nPrivateKey = " + key(1) + "\nAddress = 192.0.2.1/24\nDNS = 192.0.2.53\nTable = 1234\n"
                        + "PostUp = echo up %i\nPreDown = echo down %i\nSaveConfig = true\n#! IceSignal = http://192.0.2.9:8443/\n"
                        + "[Peer]\nPublicKey = " + pub(2) + "\nAllowedIPs = 198.51.100.2/32\n#! IceLazy = off\n"
                        + "[Peer]\nPublicKey = " + pub(3) + "\nAllowedIPs = 198.51.100.3/32\n#! IceLazy = on\n";
        WgQuickConfig q = ConfFile.parseWgQuick("wg0.conf", file);
        // running: peer 2 removed, a new peer 4 added (wg set), peer 3 kept
        List<PeerConfig> peers = List.of(
                q.device().peers().get(1),
                ConfFile.parseSetconf("x", "[Peer]\nPublicKey = " + pub(4) + "\nAllowedIPs = 203.0.113.4/32\n")
                        .peers()
                        .get(0));
        DeviceConfig running = new DeviceConfig(q.device().privateKey(), 51820, 0, peers);
        Path conf = dir.resolve("wg0.conf");
        Files.writeString(conf, file);
        SaveConfig.write(conf, q, running);
        WgQuickConfig saved = ConfFile.read(conf);
        assertEquals(
                List.of(pub(3), pub(4)),
                saved.device().peers().stream()
                        .map(p -> p.publicKey().toBase64())
                        .toList());
        assertEquals(51820, saved.device().listenPort());
        assertEquals(q.device().privateKey(), saved.device().privateKey());
        assertEquals(
                List.of(
                        new WgQuickConfig.Extension(-1, "IceSignal", "http://192.0.2.9:8443/"),
                        new WgQuickConfig.Extension(0, "IceLazy", "on")),
                saved.extensions(),
                "the removed peer's key went with it; peer 3's stayed with it");
        assertEquals(q.addresses(), saved.addresses());
        assertEquals(q.dns(), saved.dns());
        assertEquals("1234", saved.table());
        assertEquals(List.of("echo up %i"), saved.postUp());
        assertEquals(List.of("echo down %i"), saved.preDown());
        assertTrue(saved.saveConfig());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(conf)));
        assertFalse(Files.exists(dir.resolve("wg0.conf.tmp")));
    }
}
