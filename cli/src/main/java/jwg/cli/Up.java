package jwg.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import jwg.cli.metrics.MetricsAddress;
import jwg.cli.metrics.MetricsEndpoint;
import jwg.dataplane.Device;
import jwg.dataplane.IpPrefix;
import jwg.dataplane.UapiSocket;
import jwg.dataplane.bind.LinuxUdpBind;
import jwg.dataplane.config.ConfFile;
import jwg.dataplane.config.ConfigException;
import jwg.dataplane.config.InterfaceAddress;
import jwg.dataplane.config.PeerConfig;
import jwg.dataplane.config.UapiException;
import jwg.dataplane.config.UapiProtocol;
import jwg.dataplane.config.WgQuickConfig;
import jwg.ice.Connectivity;
import jwg.ice.IceBind;
import jwg.ice.IceConfig;
import jwg.ice.StatusProtocol;
import jwg.ice.StunMux;
import jwg.tun.LinuxTun;
import jwg.tun.TunConfig;
import jwg.tun.TunOptions;
import jwg.tun.rootless.RootlessTun;

/**
 * {@code jwg up [--rootless] [-f] CONF}: brings up the interface a wg-quick .conf file describes
 * (Address, MTU, ListenPort, PrivateKey, peers; routes for every AllowedIPs prefix unless
 * Table = off), without wg-quick. The file is read and checked whole before anything is created:
 * a bad file is refused with its line and reason, and nothing is half-applied — if any later
 * step fails the interface is removed again. Then, like {@code jwg IFNAME}, a detached child
 * serves the interface and the command returns once it is up.
 */
final class Up {
    private Up() {}

    record Args(Path conf, boolean rootless, boolean foreground) {}

    static final String USAGE = """
            usage: jwg up [--rootless] [-f] CONFIG-FILE
              brings up the interface a wg-quick .conf describes (named after the file: wg0.conf is wg0)
              --rootless  no root: the interface lives in a private user+network namespace
              -f          stay in the foreground
            """;
    static final String DOWN_USAGE = "usage: jwg down INTERFACE-NAME|CONFIG-FILE\n  takes an interface brought up by jwg down";
    static final String EXEC_USAGE = "usage: jwg exec INTERFACE-NAME -- COMMAND [ARGS...]\n  runs COMMAND inside a rootless interface's namespace";

    static int run(String[] args, PrintStream out, PrintStream err) throws Exception {
        Args a = parse(args, err);
        if (a == null) return Command.usageError(err, USAGE, null);
        WgQuickConfig conf;
        IceConfig ice;
        InetSocketAddress metrics;
        String name = interfaceName(a.conf());
        try {
            conf = ConfFile.read(a.conf());
            check(conf);
            ice = IceConfig.from(String.valueOf(a.conf().getFileName()), conf);
            metrics = MetricsAddress.from(String.valueOf(a.conf().getFileName()), conf);
            LinuxTun.checkName(name);
        } catch (ConfigException | IllegalArgumentException e) {
            err.println("jwg up: " + e.getMessage());
            return 1;
        } catch (IOException e) {
            err.println("jwg up: cannot read " + a.conf() + ": " + e.getMessage());
            return 1;
        }
        if (!a.foreground() && System.getenv(Daemon.CHILD_ENV) == null) {
            List<String> childArgs = new ArrayList<>(List.of("up", "-f"));
            if (a.rootless()) childArgs.add("--rootless");
            childArgs.add(a.conf().toAbsolutePath().toString());
            int status = Daemon.spawn(name, childArgs, err);
            if (status == 0) {
                out.println("jwg: " + name + " is up" + (a.rootless()
                        ? " in a private network namespace; run programs there with: jwg exec " + name + " -- COMMAND" : ""));
            }
            return status;
        }
        return foreground(name, conf, ice, metrics, a.rootless(), err);
    }

    private static Args parse(String[] args, PrintStream err) {
        boolean rootless = false, foreground = false;
        Path conf = null;
        for (String s : args) {
            switch (s) {
                case "--rootless" -> rootless = true;
                case "-f", "--foreground" -> foreground = true;
                default -> {
                    if (s.startsWith("-") || conf != null) {
                        err.println("jwg up: unexpected argument '" + s + "'");
                        return null;
                    }
                    conf = Path.of(s);
                }
            }
        }
        if (conf == null) {
            err.println("jwg up: which configuration file?");
            return null;
        }
        return new Args(conf, rootless, foreground);
    }

    /** wg-quick's rule: the interface is named after the file (wg0.conf → wg0). */
    static String interfaceName(Path conf) {
        String f = conf.getFileName().toString();
        return f.endsWith(".conf") ? f.substring(0, f.length() - 5) : f;
    }

    /** What jwg up does not do (yet), refused up front rather than half-done. */
    static void check(WgQuickConfig conf) throws ConfigException {
        if (conf.device().privateKey() == null) throw new IllegalArgumentException("[Interface] has no PrivateKey");
        if (!"off".equalsIgnoreCase(conf.table() == null ? "" : conf.table())) {
            for (PeerConfig p : conf.device().peers()) {
                for (IpPrefix ip : p.allowedIps()) {
                    if (ip.length() == 0) {
                        throw new IllegalArgumentException("AllowedIPs " + ip + " (a default route) needs policy routing, which jwg up does not set up;"
                                + " use wg-quick with WG_QUICK_USERSPACE_IMPLEMENTATION=jwg, or Table = off");
                    }
                }
            }
        }
    }

    static TunConfig tunConfig(String name, WgQuickConfig conf) {
        List<String> addresses = new ArrayList<>();
        for (InterfaceAddress ia : conf.addresses()) addresses.add(ia.toString());
        List<String> routes = new ArrayList<>();
        if (!"off".equalsIgnoreCase(conf.table() == null ? "" : conf.table())) {
            for (PeerConfig p : conf.device().peers()) {
                for (IpPrefix ip : p.allowedIps()) routes.add(ip.toString());
            }
        }
        int mtu = conf.mtu() != null ? conf.mtu() : TunConfig.DEFAULT_MTU;
        return TunConfig.of(name).withMtu(mtu).withAddresses(addresses.toArray(String[]::new)).withRoutes(routes.toArray(String[]::new));
    }

    private static int foreground(String name, WgQuickConfig conf, IceConfig ice, InetSocketAddress metricsAddress, boolean rootless,
                                  PrintStream err) throws Exception {
        Warmup.beforeStart();
        if (!conf.dns().isEmpty()) err.println("jwg up: DNS is not applied (no resolvconf integration); use wg-quick for that");
        TunConfig tc = tunConfig(name, conf);
        RootlessTun rt = null;
        LinuxTun tun;
        try {
            TunOptions options = Tuns.options();
            if (rootless) {
                rt = RootlessTun.start(name, options);
                tun = rt.tun();
                tun.configure(tc);
            } else {
                tun = LinuxTun.open(tc.withOptions(options));
            }
            if (options.vnetHeader()) tun.enableOffloads(true);
        } catch (IOException | RuntimeException e) {
            if (rt != null) rt.close();
            err.println("jwg up: " + e.getMessage());
            return 1;
        }
        RootlessTun helper = rt;
        StunMux mux = ice == null ? null : new StunMux();
        Device device = Device.start(Daemon.options(), tun, ice == null ? Tuns::bind : () -> new IceBind(Tuns.bind(), mux));
        try {
            device.configure(conf.strip());
        } catch (UapiException e) {
            err.println("jwg up: " + e.getMessage());
            device.close();
            if (helper != null) helper.close();
            return 1;
        }
        // ICE for the peers without an Endpoint (the .conf's '#! Ice...' keys)
        Connectivity connectivity = ice == null ? null : Connectivity.start(device, mux, conf.device().privateKey(), ice.settings(name));
        MetricsEndpoint metrics;
        try {
            metrics = Daemon.metrics(metricsAddress, device, connectivity, err);
        } catch (IOException e) {
            err.println("jwg up: " + e.getMessage());
            if (connectivity != null) connectivity.close();
            device.close();
            if (helper != null) helper.close();
            return 1;
        }
        Path dir = Daemon.uapiDirectory();
        UapiSocket uapi;
        try {
            uapi = UapiSocket.listen(dir, name, StatusProtocol.handler((in, o) -> new UapiProtocol(device).serve(in, o), connectivity,
                    jwg.ice.doctor.Doctor::report));
        } catch (IOException e) {
            err.println("jwg up: " + e.getMessage());
            if (metrics != null) metrics.close();
            if (connectivity != null) connectivity.close();
            device.close();
            if (helper != null) helper.close();
            return 1;
        }
        Runnable shutdown = () -> {
            uapi.close();
            if (metrics != null) metrics.close();
            if (connectivity != null) connectivity.close();
            device.close();
            if (helper != null) helper.close();
        };
        return Daemon.serve(name, device, uapi, shutdown, err);
    }

    /** {@code jwg down IFNAME}: asks the daemon to stop (its socket goes) and waits until it has. */
    static int down(String[] args, PrintStream out, PrintStream err) throws Exception {
        if (args.length != 1) return Command.usageError(err, DOWN_USAGE, null);
        String name = args[0].endsWith(".conf") ? interfaceName(Path.of(args[0])) : args[0];
        Path sock = UapiSocket.pathFor(Daemon.uapiDirectory(), name);
        if (!Files.exists(sock)) {
            err.println("jwg down: " + name + " is not a jwg interface of this user (no " + sock + ")");
            return 1;
        }
        Files.deleteIfExists(sock); // the daemon notices, shuts the device down and removes the interface
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (!Daemon.interfaceExists(name)) {
                out.println("jwg: " + name + " is down");
                return 0;
            }
            Thread.sleep(50);
        }
        err.println("jwg down: " + name + " still exists after 10 s");
        return 1;
    }

    /** {@code jwg exec IFNAME -- COMMAND...}: runs a command inside a rootless interface's namespace. */
    static int exec(String[] args, PrintStream err) throws Exception {
        int dash = List.of(args).indexOf("--");
        if (args.length < 3 || dash != 1) return Command.usageError(err, EXEC_USAGE, null);
        List<String> cmd;
        try {
            cmd = RootlessTun.execCommand(args[0], List.of(args).subList(2, args.length));
        } catch (IOException e) {
            err.println("jwg exec: " + e.getMessage());
            return 1;
        }
        return new ProcessBuilder(cmd).inheritIO().start().waitFor();
    }
}
