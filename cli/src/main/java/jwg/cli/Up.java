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
import jwg.dataplane.UapiSocket;
import jwg.dataplane.config.ConfFile;
import jwg.dataplane.config.ConfigException;
import jwg.dataplane.config.PeerConfig;
import jwg.dataplane.config.UapiException;
import jwg.dataplane.config.UapiProtocol;
import jwg.dataplane.config.WgQuickConfig;
import jwg.ice.Connectivity;
import jwg.ice.IceBind;
import jwg.ice.IceConfig;
import jwg.ice.StatusProtocol;
import jwg.ice.StunMux;
import jwg.tun.InterfaceName;
import jwg.tun.LinuxTun;
import jwg.tun.TunConfig;
import jwg.tun.TunOptions;
import jwg.tun.ip.IpPrefix;
import jwg.tun.rootless.RootlessTun;

/**
 * {@code jwg up [--rootless] [-f] CONF}: brings up the interface a wg-quick .conf file describes,
 * without wg-quick and with its semantics: Address, MTU, ListenPort, PrivateKey, FwMark, peers;
 * routes for every AllowedIPs prefix in the {@link RouteTable Table}, a default route through
 * wg-quick's policy routing ({@link FullTunnel}); {@link Dns DNS} through
 * resolvconf; the {@link Hooks} PreUp (before the interface exists) and PostUp (once it is up),
 * PreDown and PostDown around its removal; {@link SaveConfig}. The file is read and checked whole
 * before anything is created: a bad file is refused with its line and reason, and nothing is
 * half-applied — if a later step fails, a PostUp hook included, what was done is undone (the
 * interface removed, DNS taken back) and the command fails. Then, like {@code jwg IFNAME}, a
 * detached child serves the interface and the command returns once it is up and PostUp has run.
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
    static final String DOWN_USAGE =
            "usage: jwg down INTERFACE-NAME|CONFIG-FILE\n  takes an interface brought up by jwg down";
    static final String EXEC_USAGE =
            "usage: jwg exec INTERFACE-NAME -- COMMAND [ARGS...]\n  runs COMMAND inside a rootless interface's namespace";

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
            if (ice != null) ice = ice.withRelayOverride(System.getenv(IceConfig.RELAY_ENV));
            metrics = MetricsAddress.from(String.valueOf(a.conf().getFileName()), conf);
            InterfaceName.check(name);
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
            Files.deleteIfExists(upMarker(name));
            int status = Daemon.spawn(name, childArgs, upMarker(name), err);
            if (status == 0) {
                out.println("jwg: " + name + " is up"
                        + (a.rootless()
                                ? " in a private network namespace; run programs there with: jwg exec " + name
                                        + " -- COMMAND"
                                : ""));
            }
            return status;
        }
        return foreground(name, a.conf().toAbsolutePath(), conf, ice, metrics, a.rootless(), err);
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

    /** What jwg up cannot do here, refused up front rather than half-done. */
    static void check(WgQuickConfig conf) throws ConfigException {
        if (conf.device().privateKey() == null) throw new IllegalArgumentException("[Interface] has no PrivateKey");
        String noDns = Dns.unavailable(conf.dns(), conf.dnsSearch());
        if (noDns != null) throw new IllegalArgumentException(noDns);
        RouteTable.of(conf.table()); // an unknown Table name is refused here, before anything is created
    }

    /**
     * The interface with its addresses and MTU, and the routes if they go into the main table: with
     * Table auto the default routes (/0) go to {@link FullTunnel}'s table instead — except in the
     * rootless mode, whose private namespace holds no underlay to exempt.
     */
    static TunConfig tunConfig(String name, WgQuickConfig conf, boolean rootless) {
        RouteTable table = RouteTable.of(conf.table());
        List<IpPrefix> routes = !table.main() ? List.of() : rootless || !table.auto() ? routes(conf) : mainRoutes(conf);
        int mtu = conf.mtu() != null ? conf.mtu() : TunConfig.DEFAULT_MTU;
        return TunConfig.of(name).withMtu(mtu).withAddresses(conf.addresses()).withRoutes(routes);
    }

    private static List<IpPrefix> mainRoutes(WgQuickConfig conf) {
        List<IpPrefix> routes = new ArrayList<>();
        for (PeerConfig p : conf.device().peers()) {
            for (IpPrefix ip : p.allowedIps()) if (FullTunnel.inMainTable(ip)) routes.add(ip);
        }
        return routes;
    }

    private static List<IpPrefix> routes(WgQuickConfig conf) {
        List<IpPrefix> routes = new ArrayList<>();
        for (PeerConfig p : conf.device().peers()) {
            for (IpPrefix ip : p.allowedIps()) routes.add(ip);
        }
        return routes;
    }

    /** Present while the interface is up and its PostUp has run, until its PostDown has: what the parent and jwg down wait for. */
    static Path upMarker(String name) {
        return Daemon.uapiDirectory().resolve(name + ".up");
    }

    private static int foreground(
            String name,
            Path confFile,
            WgQuickConfig conf,
            IceConfig ice,
            InetSocketAddress metricsAddress,
            boolean rootless,
            PrintStream err)
            throws Exception {
        Hooks.Failure preUp = Hooks.run("PreUp", conf.preUp(), name, err);
        if (preUp != null) {
            err.println("jwg up: " + preUp + "; nothing was created");
            return 1;
        }
        Warmup.beforeStart();
        TunConfig tc = tunConfig(name, conf, rootless);
        RouteTable table = RouteTable.of(conf.table());
        RootlessTun rt = null;
        LinuxTun tun = null;
        FullTunnel full = null;
        try {
            TunOptions options = LinuxIo.options();
            if (rootless) {
                rt = RootlessTun.start(name, options);
                tun = rt.tun();
                tun.configure(tc);
            } else {
                tun = LinuxTun.open(tc.withOptions(options));
            }
            if (options.vnetHeader()) tun.enableOffloads(true);
            if (!table.off() && !table.main()) {
                for (IpPrefix r : routes(conf)) tun.addRoute(r, table.number());
            }
            if (!rootless) full = FullTunnel.plan(conf, table, tun.netlink().tablesInUse());
        } catch (IOException | RuntimeException e) {
            if (tun != null) tun.close();
            if (rt != null) rt.close();
            err.println("jwg up: " + e.getMessage());
            return 1;
        }
        RootlessTun helper = rt;
        StunMux mux = ice == null ? null : new StunMux();
        Device device = Device.start(
                Daemon.options(), tun, ice == null ? LinuxIo::bind : () -> new IceBind(LinuxIo.bind(), mux));
        FullTunnel fullTunnel = full;
        try {
            // wg-quick's order: the device is configured (with the table as its fwmark), then the rules go in
            device.configure(fullTunnel == null ? conf.strip() : conf.strip().withFwmark(fullTunnel.table()));
            if (fullTunnel != null) fullTunnel.apply(tun);
        } catch (UapiException | IOException | RuntimeException e) {
            err.println("jwg up: " + e.getMessage());
            device.close();
            if (helper != null) helper.close();
            return 1;
        }
        // ICE for the peers without an Endpoint (the .conf's '#! Ice...' keys)
        Connectivity connectivity = ice == null
                ? null
                : Connectivity.start(
                        device,
                        mux,
                        conf.device().privateKey(),
                        ice.forInterface(name),
                        jwg.ice.doctor.Doctor::natMapping);
        MetricsEndpoint metrics;
        try {
            metrics = Daemon.metrics(metricsAddress, device, connectivity, err);
        } catch (IOException e) {
            err.println("jwg up: " + e.getMessage());
            if (connectivity != null) connectivity.close();
            if (fullTunnel != null) fullTunnel.undo(err);
            device.close();
            if (helper != null) helper.close();
            return 1;
        }
        Path dir = Daemon.uapiDirectory();
        UapiSocket uapi;
        try {
            uapi = UapiSocket.listen(
                    dir,
                    name,
                    StatusProtocol.handler(
                            (in, o) -> new UapiProtocol(device).serve(in, o),
                            connectivity,
                            jwg.ice.doctor.Doctor::report));
        } catch (IOException e) {
            err.println("jwg up: " + e.getMessage());
            if (metrics != null) metrics.close();
            if (connectivity != null) connectivity.close();
            if (fullTunnel != null) fullTunnel.undo(err);
            device.close();
            if (helper != null) helper.close();
            return 1;
        }
        Runnable remove = () -> { // the interface goes with the device (or the rootless helper's namespace)
            uapi.close();
            if (metrics != null) metrics.close();
            if (connectivity != null) connectivity.close();
            if (fullTunnel != null) fullTunnel.undo(err); // as wg-quick's del_if: the rules, then the interface
            device.close();
            if (helper != null) helper.close();
        };
        boolean dns = !conf.dns().isEmpty() || !conf.dnsSearch().isEmpty();
        try {
            if (dns) Dns.set(name, conf.dns(), conf.dnsSearch(), err);
        } catch (IOException e) {
            err.println("jwg up: " + e.getMessage() + "; the interface is removed again");
            remove.run();
            return 1;
        }
        Hooks.Failure postUp = Hooks.run("PostUp", conf.postUp(), name, err);
        if (postUp != null) {
            err.println("jwg up: " + postUp + "; the interface is removed again");
            remove.run();
            if (dns) Dns.unset(name, err);
            return 1;
        }
        Path marker = upMarker(name);
        Files.deleteIfExists(marker);
        Files.writeString(marker, ProcessHandle.current().pid() + "\n"); // jwg down signals this process
        Runnable shutdown =
                new Runnable() { // wg-quick down's order; runs once (socket removed, interface deleted or SIGTERM)
                    private boolean done;

                    @Override
                    public synchronized void run() {
                        if (done) return;
                        done = true;
                        Hooks.Failure f = Hooks.run("PreDown", conf.preDown(), name, err);
                        if (f != null) err.println("jwg: " + f + "; going down anyway");
                        if (conf.saveConfig()) {
                            try {
                                SaveConfig.write(confFile, conf, device.configuration());
                            } catch (IOException | RuntimeException e) {
                                err.println("jwg: SaveConfig: cannot write " + confFile + ": " + e.getMessage());
                            }
                        }
                        remove.run();
                        if (dns) Dns.unset(name, err);
                        f = Hooks.run("PostDown", conf.postDown(), name, err);
                        if (f != null) err.println("jwg: " + f);
                        try {
                            Files.deleteIfExists(marker);
                        } catch (IOException ignored) {
                            // jwg down stops waiting after its timeout
                        }
                    }
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
        Path marker = upMarker(name);
        boolean hooks = Files.exists(marker); // a jwg up daemon: wait for its PreDown .. PostDown too
        // As wg-quick: PreDown runs while the interface and its UAPI socket still exist (it may call
        // `wg show %i`), so a jwg up daemon is sent SIGTERM; otherwise removing the socket ends it.
        if (!(hooks && terminate(marker))) Files.deleteIfExists(sock);
        long deadline = System.nanoTime() + (hooks ? 60_000_000_000L : 10_000_000_000L);
        while (System.nanoTime() < deadline) {
            if (!Daemon.interfaceExists(name) && !(hooks && Files.exists(marker))) {
                out.println("jwg: " + name + " is down");
                return 0;
            }
            Thread.sleep(50);
        }
        err.println(
                "jwg down: " + name + (Daemon.interfaceExists(name) ? " still exists" : "'s PostDown has not finished")
                        + " after " + (hooks ? 60 : 10) + " s");
        return 1;
    }

    /** Sends SIGTERM to the daemon whose pid the up marker holds; false if there is none alive. */
    private static boolean terminate(Path marker) {
        try {
            long pid = Long.parseLong(Files.readString(marker).strip());
            return ProcessHandle.of(pid)
                    .filter(ProcessHandle::isAlive)
                    .map(ProcessHandle::destroy)
                    .orElse(false);
        } catch (IOException | NumberFormatException e) {
            return false; // an older daemon's empty marker: the socket's removal ends it
        }
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
