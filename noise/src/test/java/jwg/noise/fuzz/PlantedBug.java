package jwg.noise.fuzz;

/**
 * A test-only parser with a planted bug, to prove that fuzzing is coverage-guided: a 4-byte magic
 * compared one byte at a time (each matching byte is a new branch, so a guided fuzzer climbs it in
 * a few thousand executions, where blind random input needs about 2^32), then a throw.
 */
final class PlantedBug {
    static final class Planted extends RuntimeException {
        Planted() {
            super("planted bug reached");
        }
    }

    private PlantedBug() {}

    /** Returns the length of a "frame"; throws {@link Planted} for input starting with "JWG!". */
    static int parse(byte[] b) {
        if (b.length < 4) return -1;
        if (b[0] == 'J') {
            if (b[1] == 'W') {
                if (b[2] == 'G') {
                    if (b[3] == '!') throw new Planted();
                }
            }
        }
        return b.length;
    }
}
