package jwg.dataplane;

/**
 * One of a device's threads (sender, receiver, conductor): a named platform daemon thread that
 * runs the subclass's loop, and a bounded join for shutdown.
 */
abstract class DeviceThread implements Runnable {
    private final String name;
    private Thread thread;

    DeviceThread(String name) {
        this.name = name;
    }

    void start() {
        thread = Thread.ofPlatform().name(name).daemon().start(this);
    }

    /** Waits up to 5 s for the loop to end (the device has already told it to). */
    void join() {
        try {
            if (thread != null) thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
