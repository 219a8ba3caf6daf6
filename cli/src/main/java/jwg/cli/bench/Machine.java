package jwg.cli.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Where the figures were measured: CPU model, AVX-512 or not, cores, and the load average at the start. */
record Machine(String cpu, boolean avx512, int cores, String loadAverage) {

    static Machine here() {
        String model = "unknown";
        boolean avx512 = false;
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc/cpuinfo"));
            for (String l : lines) {
                if (l.startsWith("model name") && model.equals("unknown"))
                    model = l.substring(l.indexOf(':') + 1).strip();
                if (l.startsWith("flags") && l.contains(" avx512f")) avx512 = true;
            }
        } catch (IOException e) {
            // not Linux: leave unknown
        }
        String load = "unknown";
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).strip().split(" ");
            load = f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | ArrayIndexOutOfBoundsException e) {
            // leave unknown
        }
        return new Machine(model, avx512, Runtime.getRuntime().availableProcessors(), load);
    }
}
