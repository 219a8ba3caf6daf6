package jwg.tun.rootless;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import jwg.sys.ErrnoException;
import jwg.tun.Echo;
import jwg.tun.LinuxTun;
import jwg.tun.TunConfig;

/**
 * Run by {@link RootlessTunIT} as an unprivileged user (setpriv): shows that creating a TUN
 * directly fails with a clear EPERM message, then does it the rootless way and pings through it.
 * Arguments: IFNAME [denied]. Prints lines the test checks; exits 0 on success.
 */
public final class RootlessSmoke {
    public static void main(String[] args) throws Exception {
        String name = args[0];
        if (args.length > 1 && args[1].equals("denied")) {
            try (RootlessTun rt = RootlessTun.start(name)) {
                System.out.println("UNEXPECTED: started");
                System.exit(2);
            } catch (IOException e) {
                System.out.println("DENIED: " + e.getMessage());
                System.exit(0);
            }
        }
        try (LinuxTun t = LinuxTun.create(name)) {
            System.out.println("UNEXPECTED: created a TUN without privileges");
            System.exit(2);
        } catch (ErrnoException e) {
            System.out.println("EPERM: " + e.getMessage());
        }
        try (RootlessTun bad = RootlessTun.open(TunConfig.of(name).withAddresses("192.0.2.1/24", "192.0.2.1/24"))) {
            System.out.println("UNEXPECTED: a duplicate address was accepted");
            System.exit(2);
        } catch (ErrnoException e) {
            System.out.println("DUP: " + e.getMessage());
            System.out.println("CLEAN " + !java.nio.file.Files.exists(RootlessTun.pidFile(name)));
        }
        // configured from this process, through the netlink socket of the private namespace
        try (RootlessTun rt = RootlessTun.open(
                TunConfig.of(name).withAddresses("192.0.2.1/24", "fd00:2::1/64").withRoutes("198.51.100.0/24"))) {
            LinuxTun tun = rt.tun();
            System.out.println("FD-ARRIVED: " + tun.name() + " index " + tun.index() + " helper pid " + rt.pid());
            Echo echo = new Echo(tun);
            Thread reader = echo.start();
            for (String dst : new String[] {"192.0.2.2", "198.51.100.7", "fd00:2::2"}) {
                String out = run(rt.execCommand(List.of("ping", "-c", "2", "-i", "0.2", "-W", "2", dst)));
                System.out.println("PING " + dst + ": "
                        + out.lines()
                                .filter(l -> l.contains("received"))
                                .findFirst()
                                .orElse(out));
            }
            // what `jwg exec IFACE -- command` does from another process
            System.out.println("EXEC: "
                    + run(RootlessTun.execCommand(name, List.of("ip", "-o", "addr", "show", "dev", name)))
                            .strip()
                            .replace('\n', '|'));
            System.out.println("REPLIES " + echo.replies.get());
            tun.close();
            reader.join(2000);
            System.out.println("READER-ENDED " + !reader.isAlive() + " " + echo.endResult);
        }
        System.out.println("ROOTLESS OK");
    }

    private static String run(List<String> cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return out;
    }
}
