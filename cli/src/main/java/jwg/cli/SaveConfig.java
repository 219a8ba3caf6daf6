package jwg.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import jwg.dataplane.config.ConfFile;
import jwg.dataplane.config.DeviceConfig;
import jwg.dataplane.config.PeerConfig;
import jwg.dataplane.config.WgQuickConfig;
import jwg.noise.PublicKey;

/**
 * wg-quick's {@code SaveConfig = true}: on down, the running configuration goes back into the
 * file, so that peers added or changed with {@code wg set} survive — the wg part as the device
 * has it now ({@code wg showconf}), the wg-quick part (Address, DNS, MTU, Table, hooks) and jwg's
 * {@code #!} keys as the file had them (a peer's keys stay with that peer; a removed peer's go).
 * Written to a 0600 file beside it, then renamed over it, so a crash leaves the old file whole.
 */
final class SaveConfig {
    private SaveConfig() {}

    static String text(WgQuickConfig file, DeviceConfig running) {
        List<WgQuickConfig.Extension> extensions = new ArrayList<>();
        List<PublicKey> before =
                file.device().peers().stream().map(PeerConfig::publicKey).toList();
        List<PublicKey> now =
                running.peers().stream().map(PeerConfig::publicKey).toList();
        for (WgQuickConfig.Extension e : file.extensions()) {
            if (e.peer() < 0) {
                extensions.add(e);
                continue;
            }
            int at = now.indexOf(before.get(e.peer()));
            if (at >= 0) extensions.add(new WgQuickConfig.Extension(at, e.key(), e.value()));
        }
        WgQuickConfig saved = new WgQuickConfig(
                running,
                file.addresses(),
                file.mtu(),
                file.dns(),
                file.dnsSearch(),
                file.table(),
                file.preUp(),
                file.postUp(),
                file.preDown(),
                file.postDown(),
                true,
                extensions);
        return ConfFile.format(saved, true);
    }

    static void write(Path conf, WgQuickConfig file, DeviceConfig running) throws IOException {
        Path tmp = conf.resolveSibling(conf.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(tmp, text(file, running));
        Files.move(tmp, conf, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
