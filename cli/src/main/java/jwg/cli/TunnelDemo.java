package jwg.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import jwg.noise.PrivateKey;

/**
 * {@code jwg demo}: a real tunnel on this machine, no root needed. Two jwg peers are brought up
 * in rootless mode — each TUN in its own private network namespace, their UDP sockets on this
 * host's loopback — then: a handshake, pings both ways, a short iperf3 run (if iperf3 is
 * installed), the status of both interfaces, and everything torn down again.
 */
final class TunnelDemo {
    private final PrintStream out;
    private final String a;
    private final String b;

    private TunnelDemo(PrintStream out, String suffix) {
        this.out = out;
        this.a = "jdemoa" + suffix;
        this.b = "jdemob" + suffix;
    }

    static int run(PrintStream out, PrintStream err) throws Exception {
        String why = Requirements.rootlessProblem();
        if (why != null) {
            out.println("The tunnel demo needs " + why + "; showing the in-memory demo instead.\n");
            MemoryDemo.run(out);
            return 0;
        }
        String suffix = Integer.toHexString(new SecureRandom().nextInt(0x10000));
        return new TunnelDemo(out, suffix).go(err);
    }

    private int go(PrintStream err) throws Exception {
        Path dir = Files.createTempDirectory("jwg-demo-");
        try {
            SecureRandom rnd = new SecureRandom();
            PrivateKey ka = PrivateKey.generate(rnd), kb = PrivateKey.generate(rnd);
            int pa = freeUdpPort(), pb = freeUdpPort();
            step("1. Two peers, two fresh key pairs:");
            out.println("   " + a + ": 192.0.2.1, public key " + ka.publicKey() + ", UDP 127.0.0.1:" + pa);
            out.println("   " + b + ": 192.0.2.2, public key " + kb.publicKey() + ", UDP 127.0.0.1:" + pb);
            Path ca = write(dir, a, ka, "192.0.2.1", pa, kb, pb, "192.0.2.2");
            Path cb = write(dir, b, kb, "192.0.2.2", pb, ka, pa, "192.0.2.1");
            ka.wipe();
            kb.wipe();
            step("2. jwg up --rootless (each TUN in a private user+network namespace):");
            if (jwg(err, "up", "--rootless", ca.toString()) != 0 || jwg(err, "up", "--rootless", cb.toString()) != 0) {
                err.println("demo: bringing the interfaces up failed");
                return 1;
            }
            step("3. Ping " + b + " from inside " + a + "'s namespace (the first packet starts the handshake):");
            int p1 = jwg(err, "exec", a, "--", "ping", "-c", "3", "-i", "0.2", "-W", "5", "192.0.2.2");
            step("4. And the other way:");
            int p2 = jwg(err, "exec", b, "--", "ping", "-c", "3", "-i", "0.2", "-W", "5", "192.0.2.1");
            if (Requirements.onPath("iperf3")) {
                step("5. Three seconds of TCP through the tunnel (iperf3):");
                jwg(err, "exec", b, "--", "iperf3", "-s", "-1", "-D", "-B", "192.0.2.2");
                Thread.sleep(500);
                jwg(err, "exec", a, "--", "iperf3", "-c", "192.0.2.2", "-t", "3", "-f", "m");
            } else {
                step("5. (iperf3 is not installed: skipping the throughput run)");
            }
            step("6. Status (the `wg show` view):");
            jwg(err, "show", a);
            out.println();
            jwg(err, "show", b);
            boolean ok = p1 == 0 && p2 == 0;
            step(ok ? "Pings went through both ways." : "Some pings failed (see above).");
            return ok ? 0 : 1;
        } finally {
            step("7. Tearing down:");
            jwg(err, "down", a);
            jwg(err, "down", b);
            try (var s = Files.list(dir)) {
                for (Path p : s.toList()) Files.deleteIfExists(p);
            }
            Files.deleteIfExists(dir);
        }
    }

    private void step(String s) {
        out.println();
        out.println(s);
        out.flush();
    }

    private static Path write(
            Path dir,
            String name,
            PrivateKey key,
            String addr,
            int port,
            PrivateKey peer,
            int peerPort,
            String peerAddr)
            throws IOException {
        Path f = dir.resolve(name + ".conf");
        Files.writeString(
                f, """
                [Interface]
                PrivateKey = %s
                Address = %s/24
                ListenPort = %d

                [Peer]
                PublicKey = %s
                Endpoint = 127.0.0.1:%d
                AllowedIPs = %s/32
                """.formatted(key.toBase64(), addr, port, peer.publicKey().toBase64(), peerPort, peerAddr));
        Files.setPosixFilePermissions(f, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        return f;
    }

    private static int freeUdpPort() throws IOException {
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** Runs {@code jwg ARGS...} as a child process, its output shown indented. */
    private int jwg(PrintStream err, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(Daemon.selfCommand());
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try (var r = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream()))) {
            for (String line; (line = r.readLine()) != null; ) {
                // the child JVM's startup notice for --add-modules jdk.incubator.vector (SIMD Poly1305)
                if (line.equals("WARNING: Using incubator modules: jdk.incubator.vector")) continue;
                out.println("   " + line);
            }
        }
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return -1;
        }
        return p.exitValue();
    }
}
