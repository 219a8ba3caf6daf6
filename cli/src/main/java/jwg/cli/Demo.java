package jwg.cli;

/** Placeholder until the in-memory demo lands (being written alongside the protocol core). */
final class Demo {
    private Demo() {}

    public static void main(String[] args) {
        System.out.println("demo: not built yet");
    }
}
