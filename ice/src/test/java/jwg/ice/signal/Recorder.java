package jwg.ice.signal;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import jwg.noise.PublicKey;

/** A listener that records what it is told, for tests. */
final class Recorder implements SignalClient.Listener {
    record Received(PublicKey from, SignalMessage message) {}

    final LinkedBlockingQueue<Received> messages = new LinkedBlockingQueue<>();
    final Semaphore connects = new Semaphore(0);
    final Semaphore disconnects = new Semaphore(0);
    volatile int connectCount;

    @Override
    public void onMessage(PublicKey from, SignalMessage message) {
        messages.add(new Received(from, message));
    }

    @Override
    public void onConnected() {
        connectCount++;
        connects.release();
    }

    @Override
    public void onDisconnected(String reason) {
        disconnects.release();
    }

    Received next() throws InterruptedException {
        Received r = messages.poll(5, TimeUnit.SECONDS);
        if (r == null) throw new AssertionError("no message within 5 s");
        return r;
    }

    void awaitConnect() throws InterruptedException {
        if (!connects.tryAcquire(5, TimeUnit.SECONDS)) throw new AssertionError("no onConnected within 5 s");
    }

    void awaitDisconnect() throws InterruptedException {
        if (!disconnects.tryAcquire(5, TimeUnit.SECONDS)) throw new AssertionError("no onDisconnected within 5 s");
    }
}
