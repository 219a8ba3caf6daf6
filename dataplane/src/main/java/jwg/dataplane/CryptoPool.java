package jwg.dataplane;

import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.locks.LockSupport;
import java.util.logging.Level;
import java.util.logging.Logger;
import jwg.noise.crypto.ChaCha20Poly1305;
import org.jctools.queues.atomic.MpmcAtomicArrayQueue;

/**
 * The crypto worker pool: seals and opens run in parallel while each batch still leaves in
 * order. An I/O thread submits the jobs of a batch, then {@link #await}s them in slot order —
 * helping with queued jobs instead of waiting idle, so the pool can never stall a batch (and
 * with zero workers everything runs inline on the I/O thread).
 *
 * <p>Workers spin briefly for new work, then park; a submit wakes a parked worker.
 */
final class CryptoPool implements AutoCloseable {
    /** One seal or open: filled by the I/O thread, run by whoever takes it, done published last. */
    abstract static class Job {
        volatile boolean done;

        /** Does the cryptography with the running thread's AEAD instance. */
        abstract void run(ChaCha20Poly1305 aead);

        /** Records that {@link #run} threw (a bug): the job completes as failed, the worker lives on. */
        abstract void failed();

        final void runSafely(ChaCha20Poly1305 aead) {
            try {
                run(aead);
            } catch (RuntimeException | Error e) {
                failed();
                LOG.log(Level.SEVERE, "crypto job failed", e);
            } finally {
                done = true;
            }
        }
    }

    private static final Logger LOG = Logger.getLogger(CryptoPool.class.getName());

    private static final long SPIN_NANOS = 50_000;
    private final MpmcAtomicArrayQueue<Job> queue = new MpmcAtomicArrayQueue<>(4096);
    private final Thread[] workers;
    private final AtomicIntegerArray parked;
    private volatile boolean running = true;

    CryptoPool(int workers, String name) {
        this.workers = new Thread[workers];
        this.parked = new AtomicIntegerArray(workers);
        for (int i = 0; i < workers; i++) {
            int id = i;
            this.workers[i] = Thread.ofPlatform()
                    .daemon()
                    .name("jwg-crypto-" + name + "-" + i)
                    .start(() -> work(id));
        }
    }

    int size() {
        return workers.length;
    }

    /** Queues a job (runs it at once on the caller when there are no workers or the queue is full). */
    void submit(Job job, ChaCha20Poly1305 callerAead) {
        job.done = false;
        if (workers.length == 0 || !queue.offer(job)) {
            job.runSafely(callerAead);
            return;
        }
        for (int i = 0; i < workers.length; i++) {
            if (parked.get(i) == 1) {
                LockSupport.unpark(workers[i]);
                break;
            }
        }
    }

    /** Waits for {@code job}, running queued jobs on the calling thread meanwhile. */
    void await(Job job, ChaCha20Poly1305 callerAead) {
        while (!job.done) {
            Job other = queue.relaxedPoll();
            if (other != null) {
                other.runSafely(callerAead);
            } else {
                Thread.onSpinWait();
            }
        }
    }

    private void work(int id) {
        ChaCha20Poly1305 aead = new ChaCha20Poly1305();
        long idleSince = 0;
        while (running) {
            Job job = queue.relaxedPoll();
            if (job != null) {
                job.runSafely(aead);
                idleSince = 0;
                continue;
            }
            long now = System.nanoTime();
            if (idleSince == 0) idleSince = now;
            if (now - idleSince < SPIN_NANOS) {
                Thread.onSpinWait();
                continue;
            }
            parked.set(id, 1);
            if (queue.isEmpty() && running) LockSupport.parkNanos(1_000_000);
            parked.set(id, 0);
        }
    }

    @Override
    public void close() {
        running = false;
        for (Thread t : workers) LockSupport.unpark(t);
        for (Thread t : workers) {
            try {
                t.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
