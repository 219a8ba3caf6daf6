package jwg.ice.signal;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * A signaling server in its own JVM for {@link SignalFloodIT}: prints {@code port N}, then every
 * 200 ms {@code heap USED AFTER_GC QUEUED REFUSED} (bytes: heap in use, heap in use after the last
 * GC, queued envelopes charged to the budget; refusal counts); exits when stdin closes.
 */
public final class FloodServerMain {
    public static void main(String[] args) throws Exception {
        SignalServer s = SignalServer.start(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
        System.out.println("port " + s.address().getPort());
        System.out.flush();
        Thread.ofPlatform().daemon().start(() -> {
            Runtime rt = Runtime.getRuntime();
            while (true) {
                long afterGc = 0;
                for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
                    if (p.getType() == MemoryType.HEAP && p.getCollectionUsage() != null)
                        afterGc += p.getCollectionUsage().getUsed();
                }
                System.out.println("heap " + (rt.totalMemory() - rt.freeMemory()) + " " + afterGc + " "
                        + s.queuedBytes() + " " + s.stats().refused());
                System.out.flush();
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        while (System.in.read() >= 0) {}
        s.close();
        System.exit(0);
    }
}
