package jwg.cli.bench;

/** What one bench row compares: {@code sender} runs in namespace A (iperf3 client), {@code receiver} in B. */
record Pair(String name, Implementation sender, Implementation receiver) {}
