package jwg.ice;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.net.spi.InetAddressResolver;
import java.net.spi.InetAddressResolverProvider;
import java.util.stream.Stream;

/**
 * The ice module's tests resolve names with the system resolver, except on a thread inside
 * {@link #offline}: there every name lookup fails at once, without asking DNS. Fuzz targets whose
 * parsers resolve host names (IceConfig) use it, so a fuzzer's random names never reach the network
 * (registered in META-INF/services).
 */
public final class OfflineResolver extends InetAddressResolverProvider {
    private static final ThreadLocal<Boolean> OFFLINE = ThreadLocal.withInitial(() -> false);

    /** Runs {@code r} with name lookups failing on this thread. */
    static <T, E extends Exception> T offline(ThrowingSupplier<T, E> r) throws E {
        OFFLINE.set(true);
        try {
            return r.get();
        } finally {
            OFFLINE.set(false);
        }
    }

    interface ThrowingSupplier<T, E extends Exception> {
        T get() throws E;
    }

    @Override
    public InetAddressResolver get(Configuration configuration) {
        InetAddressResolver system = configuration.builtinResolver();
        return new InetAddressResolver() {
            @Override
            public Stream<InetAddress> lookupByName(String host, LookupPolicy policy) throws UnknownHostException {
                if (OFFLINE.get()) throw new UnknownHostException(host + ": name lookups are off in this test");
                return system.lookupByName(host, policy);
            }

            @Override
            public String lookupByAddress(byte[] addr) throws UnknownHostException {
                if (OFFLINE.get()) throw new UnknownHostException("name lookups are off in this test");
                return system.lookupByAddress(addr);
            }
        };
    }

    @Override
    public String name() {
        return "jwg-test-offline";
    }
}
