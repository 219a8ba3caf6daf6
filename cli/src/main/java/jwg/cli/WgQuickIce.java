package jwg.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import jwg.dataplane.config.ConfFile;
import jwg.dataplane.config.ConfigException;
import jwg.dataplane.config.WgQuickConfig;
import jwg.ice.IceConfig;

/**
 * jwg's {@code #!} keys (ICE) when wg-quick runs jwg as its userspace implementation: wg-quick
 * strips comments before {@code wg setconf}, so the daemon ({@code jwg IFNAME}) reads them from
 * the .conf itself — {@code $JWG_CONFIG} when set, else wg-quick's own place for the interface,
 * {@code /etc/wireguard/IFNAME.conf}, when it exists. The file's PrivateKey is the one ICE
 * signals with (wg setconf then sets the same key on the device).
 */
final class WgQuickIce {
    static final String ENV = "JWG_CONFIG";

    private WgQuickIce() {}

    /** The file and its ICE settings. */
    record Found(Path file, WgQuickConfig conf, IceConfig ice) {}

    /** The .conf to read for {@code ifname}, or null if none is named and wg-quick's place has none. */
    static Path file(String ifname) {
        String named = System.getenv(ENV);
        if (named != null && !named.isBlank()) return Path.of(named);
        Path usual = Path.of("/etc/wireguard", ifname + ".conf");
        return Files.isRegularFile(usual) ? usual : null;
    }

    /**
     * The file's ICE settings, or null if there is no file or it has no ICE keys. A file named by
     * {@code $JWG_CONFIG} that cannot be used is refused, naming it; wg-quick's usual place is only
     * a guess (wg-quick may have been given another file), so a problem there is reported on
     * {@code warn} and the daemon runs without ICE, as wireguard-go would.
     */
    static Found read(String ifname, java.io.PrintStream warn) throws IOException, ConfigException {
        Path f = file(ifname);
        if (f == null) return null;
        boolean named = System.getenv(ENV) != null && !System.getenv(ENV).isBlank();
        try {
            return parse(f, ifname);
        } catch (IOException | ConfigException | IllegalArgumentException e) {
            if (named) throw e;
            warn.println("jwg: ignoring the '#!' keys of " + f + ": " + e.getMessage());
            return null;
        }
    }

    private static Found parse(Path f, String ifname) throws IOException, ConfigException {
        WgQuickConfig conf;
        try {
            conf = ConfFile.read(f);
        } catch (IOException e) {
            throw new IOException(
                    "cannot read " + f + " (" + ENV + " or /etc/wireguard/" + ifname + ".conf): " + e.getMessage(), e);
        }
        IceConfig ice = IceConfig.from(String.valueOf(f.getFileName()), conf);
        if (ice == null) return null;
        ice = ice.withRelayOverride(System.getenv(IceConfig.RELAY_ENV));
        if (conf.device().privateKey() == null)
            throw new ConfigException(String.valueOf(f.getFileName()), 0, "ICE keys given but no PrivateKey");
        return new Found(f, conf, ice);
    }
}
