package jwg.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A network namespace a test creates with a unique name ({@code ip netns add}) and deletes in
 * {@link #close()} (with everything inside it: interfaces, veth ends, processes' sockets).
 * Use in try-with-resources so it goes away even when the test fails. Needs root: call
 * {@link Requires#root()} first.
 */
public final class Netns implements AutoCloseable {
    private final String name;
    private final List<String> peerLinks = new ArrayList<>();

    private Netns(String name) {
        this.name = name;
    }

    /** A fresh, unique name of at most 15 bytes: {@code prefix} plus random hex. */
    public static String uniqueName(String prefix) {
        String hex = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
        return (prefix + hex).substring(0, Math.min(15, prefix.length() + 10));
    }

    /** Creates a namespace named {@code prefix}+random hex, with its loopback up. */
    public static Netns create(String prefix) throws IOException {
        Netns ns = new Netns(uniqueName(prefix));
        run("ip", "netns", "add", ns.name);
        try {
            ns.exec("ip", "link", "set", "lo", "up");
        } catch (IOException | RuntimeException e) {
            ns.close();
            throw e;
        }
        return ns;
    }

    public String name() {
        return name;
    }

    /** The namespace file (for setns(2)). */
    public String path() {
        return "/run/netns/" + name;
    }

    /** Runs a command inside the namespace ({@code ip netns exec}) and returns its result. */
    public Result exec(String... command) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", name));
        cmd.addAll(List.of(command));
        return run(cmd.toArray(String[]::new));
    }

    /** Like {@link #exec} but returns the result without failing on a nonzero exit code. */
    public Result tryExec(String... command) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", name));
        cmd.addAll(List.of(command));
        return tryRun(cmd.toArray(String[]::new));
    }

    /**
     * Adds a veth pair: {@code insideName} in this namespace, {@code outsideName} in
     * {@code other} (or in the root namespace if null). Deleted with the namespace.
     */
    public void addVeth(String insideName, String outsideName, Netns other) throws IOException {
        run(
                "ip",
                "link",
                "add",
                insideName,
                "netns",
                name,
                "type",
                "veth",
                "peer",
                "name",
                outsideName,
                "netns",
                other == null ? "1" : other.name);
        if (other == null) peerLinks.add(outsideName);
    }

    /** What a command did. */
    public record Result(int exitCode, String output) {
        public boolean ok() {
            return exitCode == 0;
        }
    }

    /** Runs a command on the host, failing with its output if it exits nonzero. */
    public static Result run(String... command) throws IOException {
        Result r = tryRun(command);
        if (!r.ok())
            throw new IOException(String.join(" ", command) + " exited " + r.exitCode + ": " + r.output.strip());
        return r;
    }

    /** Runs a command on the host (stdout and stderr together), at most 60 s. */
    public static Result tryRun(String... command) throws IOException {
        java.nio.file.Path out = java.nio.file.Files.createTempFile("jwg-cmd-", ".out");
        try {
            Process p = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(out.toFile())
                    .start();
            try {
                p.getOutputStream().close();
                if (!p.waitFor(60, TimeUnit.SECONDS)) {
                    p.destroyForcibly().waitFor();
                    throw new IOException(String.join(" ", command) + " timed out after 60 s");
                }
                return new Result(p.exitValue(), java.nio.file.Files.readString(out, StandardCharsets.UTF_8));
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new IOException("interrupted: " + String.join(" ", command));
            }
        } finally {
            java.nio.file.Files.deleteIfExists(out);
        }
    }

    /** True if {@code ip netns list} still shows this namespace. */
    public boolean exists() throws IOException {
        return tryRun("ip", "netns", "list").output().lines().anyMatch(l -> l.split(" ")[0].equals(name));
    }

    /** Kills (by pid) every process still inside namespace {@code n}. */
    static void killAll(Netns n) throws IOException {
        for (int round = 0; round < 20; round++) {
            List<Long> pids = tryRun("ip", "netns", "pids", n.name())
                    .output()
                    .lines()
                    .map(String::strip)
                    .filter(s -> s.matches("\\d+"))
                    .map(Long::valueOf)
                    .toList();
            if (pids.isEmpty()) return;
            for (long pid : pids)
                ProcessHandle.of(pid).ifPresent(round < 5 ? ProcessHandle::destroy : ProcessHandle::destroyForcibly);
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    @Override
    public void close() throws IOException {
        for (String link : peerLinks) tryRun("ip", "link", "del", link);
        Result r = tryRun("ip", "netns", "del", name);
        if (!r.ok() && exists())
            throw new IOException("could not delete network namespace " + name + ": " + r.output.strip());
    }
}
