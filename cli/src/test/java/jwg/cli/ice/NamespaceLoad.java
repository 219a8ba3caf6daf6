package jwg.cli.ice;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jwg.testkit.Netns;

/**
 * Where a benchmark's CPU went, and which UDP receive buffers overflowed: a snapshot of every
 * thread's CPU time (utime + stime) of the processes in some namespaces and of each namespace's
 * {@code Udp: RcvbufErrors}; {@link #since} prints the difference as % of one core and as CPU µs per
 * datagram carried per process, % per busy thread (Java threads by name), and the drops per
 * namespace. The CPU per datagram is what a path costs whatever the load (the throughput is not).
 * Per process also the time its threads were runnable but waited for a CPU ({@code schedstat}'s
 * run_delay, ms per second of the window, summed over the threads): a process that had work and
 * got no CPU — starved, e.g. by a cgroup with more {@code cpu.shares} — shows there, not in its
 * CPU %. And the CPU of the machine's favoured cgroups (v1 {@code cpu.shares} above the root's
 * 1024: what takes the CPU from everything in the root cgroup when it runs).
 */
final class NamespaceLoad {
    /** A full-sized tunnel packet's payload for the per-datagram cost: MTU 1420 less IP and TCP headers. */
    static final int FULL_DATAGRAM = 1380;

    private static final double HZ = 100; // USER_HZ: /proc's clock ticks on Linux
    private final long nanos;
    private final Map<String, Map<String, Long>> ticks; // namespace -> "pid comm/thread #tid" -> ticks
    private final Map<String, Long> rcvbufErrors;
    /** "pid comm #tid" -> run_delay ns; favoured cgroup -> CPU ns of its tasks by tid. */
    private final Map<String, Long> waits;

    private final Map<String, Map<String, Long>> favoured;

    private NamespaceLoad(
            long nanos,
            Map<String, Map<String, Long>> ticks,
            Map<String, Long> rcvbufErrors,
            Map<String, Long> waits,
            Map<String, Map<String, Long>> favoured) {
        this.nanos = nanos;
        this.ticks = ticks;
        this.rcvbufErrors = rcvbufErrors;
        this.waits = waits;
        this.favoured = favoured;
    }

    static NamespaceLoad of(Map<String, Netns> namespaces) throws IOException {
        Map<String, Map<String, Long>> t = new LinkedHashMap<>();
        Map<String, Long> drops = new LinkedHashMap<>();
        Map<String, Long> waits = new LinkedHashMap<>();
        for (var e : namespaces.entrySet()) {
            Map<String, Long> threads = new LinkedHashMap<>();
            for (String pid : Netns.tryRun("ip", "netns", "pids", e.getValue().name())
                    .output()
                    .strip()
                    .split("\\s+")) {
                if (pid.isEmpty()) continue;
                Path proc = Path.of("/proc", pid);
                String comm = read(proc.resolve("comm"));
                try (var tasks = Files.list(proc.resolve("task"))) {
                    for (Path task : tasks.toList()) {
                        long v = cpuTicks(read(task.resolve("stat")));
                        if (v >= 0) // by thread id too: coturn's threads all have one name
                        threads.put(pid + " " + comm + "/" + read(task.resolve("comm")) + " #" + task.getFileName(), v);
                        waits.put(
                                pid + " " + comm + " #" + task.getFileName(),
                                schedstat(read(task.resolve("schedstat")), 1));
                    }
                } catch (IOException gone) {
                    // the process ended meanwhile
                }
            }
            t.put(e.getKey(), threads);
            drops.put(
                    e.getKey(),
                    rcvbufErrors(e.getValue().tryExec("cat", "/proc/net/snmp").output()));
        }
        return new NamespaceLoad(System.nanoTime(), t, drops, waits, favouredCgroups());
    }

    /** Each v1 cpu cgroup with more shares than the root's: its tasks' CPU ns (schedstat) by tid. */
    private static Map<String, Map<String, Long>> favouredCgroups() throws IOException {
        Map<String, Map<String, Long>> m = new LinkedHashMap<>();
        Path root = Path.of("/sys/fs/cgroup/cpu");
        if (!Files.isDirectory(root)) return m;
        try (var groups = Files.list(root)) {
            for (Path g : groups.filter(Files::isDirectory).toList()) {
                String shares = read(g.resolve("cpu.shares"));
                if (shares.isEmpty() || Long.parseLong(shares) <= 1024) continue;
                Map<String, Long> tasks = new LinkedHashMap<>();
                for (String tid : read(g.resolve("tasks")).split("\\s+"))
                    if (!tid.isEmpty()) tasks.put(tid, schedstat(read(Path.of("/proc", tid, "schedstat")), 0));
                m.put(g.getFileName() + " (shares " + shares + ")", tasks);
            }
        }
        return m;
    }

    /** Field {@code i} of a schedstat line (0: ns on a CPU, 1: ns runnable and waiting); 0 if unreadable. */
    static long schedstat(String line, int i) {
        String[] f = line.split(" ");
        return f.length > i && !f[i].isEmpty() ? Long.parseLong(f[i]) : 0;
    }

    /**
     * The CPU and drops from {@code before} to this snapshot, one line per namespace; {@code datagrams}
     * (the bytes carried ÷ {@link #FULL_DATAGRAM}) for the CPU µs per datagram.
     */
    String since(NamespaceLoad before, long datagrams) {
        double seconds = (nanos - before.nanos) / 1e9;
        StringBuilder sb = new StringBuilder();
        for (var ns : ticks.entrySet()) {
            Map<String, Long> old = before.ticks.getOrDefault(ns.getKey(), Map.of());
            Map<String, Double> perProcess = new LinkedHashMap<>();
            List<String> busyThreads = new ArrayList<>();
            for (var th : ns.getValue().entrySet()) {
                double pct = (th.getValue() - old.getOrDefault(th.getKey(), 0L)) / HZ / seconds * 100;
                String process = th.getKey().substring(0, th.getKey().indexOf('/'));
                perProcess.merge(process, pct, Double::sum);
                if (pct >= 5) busyThreads.add(String.format("%s %.0f%%", th.getKey(), pct));
            }
            sb.append(String.format(
                    "%s: UDP RcvbufErrors +%d; CPU %% of one core:",
                    ns.getKey(), rcvbufErrors.get(ns.getKey()) - before.rcvbufErrors.getOrDefault(ns.getKey(), 0L)));
            perProcess.forEach((p, pct) -> {
                long waited = 0; // over the threads seen at the end (one born in the window: all its wait)
                for (var w : waits.entrySet())
                    if (w.getKey().startsWith(p + " #"))
                        waited += w.getValue() - before.waits.getOrDefault(w.getKey(), 0L);
                if (pct >= 1 || waited > seconds * 10_000_000)
                    sb.append(String.format(
                            " [%s %.0f%% = %.1f µs/datagram, waited for a CPU %.0f ms/s]",
                            p, pct, pct / 100 * seconds * 1e6 / Math.max(1, datagrams), waited / 1e6 / seconds));
            });
            sb.append(" threads ≥5%: ").append(busyThreads).append('\n');
        }
        favoured.forEach((g, tasks) -> {
            Map<String, Long> old = before.favoured.getOrDefault(g, Map.of());
            long ns = 0;
            for (var t : tasks.entrySet())
                ns += t.getValue() - old.getOrDefault(t.getKey(), 0L); // a task born in the window: all its CPU
            if (!tasks.isEmpty())
                sb.append(String.format(
                        "cgroup %s: %d tasks, %.0f%% of one core%n", g, tasks.size(), ns / 1e7 / seconds));
        });
        return sb.toString();
    }

    private static String read(Path p) {
        try {
            return Files.readString(p).strip();
        } catch (IOException e) {
            return "";
        }
    }

    /** utime + stime (fields 14 and 15) of a /proc stat line; -1 if unreadable. */
    static long cpuTicks(String stat) {
        int close = stat.lastIndexOf(')');
        if (close < 0) return -1;
        String[] f = stat.substring(close + 2).split(" ");
        if (f.length < 13) return -1;
        return Long.parseLong(f[11]) + Long.parseLong(f[12]); // fields 14, 15 counted from 1 incl. pid, comm
    }

    /** The Udp RcvbufErrors counter of a /proc/net/snmp text; -1 if absent. */
    static long rcvbufErrors(String snmp) {
        String[] names = null;
        for (String line : snmp.lines().toList()) {
            if (!line.startsWith("Udp: ")) continue;
            String[] f = line.split("\\s+");
            if (names == null) {
                names = f;
                continue;
            }
            for (int i = 0; i < names.length && i < f.length; i++)
                if (names[i].equals("RcvbufErrors")) return Long.parseLong(f[i]);
        }
        return -1;
    }
}
