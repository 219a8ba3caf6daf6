package jwg.ice;

/**
 * When a relayed peer's TURN state must be refreshed (RFC 8656): the allocation (Refresh, before
 * the lifetime the server granted runs out), the permission for the peer's address
 * (CreatePermission, 300 s lifetime) and the channel binding (ChannelBind, 600 s). Each is
 * refreshed a margin before it expires; a refresh that fails is retried after {@link #RETRY_MS}
 * until the thing expires, and then the relay is gone ({@link #expired}). Pure: every method takes
 * the time (ms on any monotonic clock), so tests drive it with a fake clock.
 */
final class TurnSchedule {
    /** What is due. */
    enum Action {
        REFRESH,
        PERMISSION,
        CHANNEL,
        NONE
    }

    /** RFC 8656 §9: a permission lives 300 s; §12: a channel binding 600 s. */
    static final long PERMISSION_LIFETIME_MS = 300_000, CHANNEL_LIFETIME_MS = 600_000;
    /** A failed refresh is tried again after this long. */
    static final long RETRY_MS = 1_000;

    /** Not tracked (never set): never due, never expires. One schedule may track any of the three. */
    private static final long NEVER = Long.MAX_VALUE / 4;

    private final long permissionLifetimeMs, channelLifetimeMs;
    private long allocationExpires = NEVER, permissionExpires = NEVER, channelExpires = NEVER;
    private long nextRefresh = NEVER, nextPermission = NEVER, nextChannel = NEVER;

    TurnSchedule() {
        this(PERMISSION_LIFETIME_MS, CHANNEL_LIFETIME_MS);
    }

    /** Lifetimes other than the RFC's: for a server configured with shorter ones (tests). */
    TurnSchedule(long permissionLifetimeMs, long channelLifetimeMs) {
        if (permissionLifetimeMs < 2 * RETRY_MS || channelLifetimeMs < 2 * RETRY_MS)
            throw new IllegalArgumentException("lifetimes under " + 2 * RETRY_MS + " ms");
        this.permissionLifetimeMs = permissionLifetimeMs;
        this.channelLifetimeMs = channelLifetimeMs;
    }

    /** Refresh when this much of a lifetime is left: a fifth of it, at most 60 s. */
    static long margin(long lifetimeMs) {
        return Math.min(60_000, lifetimeMs / 5);
    }

    /** The allocation was created or refreshed at {@code now} with the server's LIFETIME. */
    void allocated(long now, long lifetimeSeconds) {
        long ms = Math.max(2 * RETRY_MS, lifetimeSeconds * 1000);
        allocationExpires = now + ms;
        nextRefresh = allocationExpires - margin(ms);
    }

    /** The permission was installed or refreshed at {@code now} (by CreatePermission or ChannelBind). */
    void permitted(long now) {
        permissionExpires = now + permissionLifetimeMs;
        nextPermission = permissionExpires - margin(permissionLifetimeMs);
    }

    /** The channel was bound or its binding refreshed at {@code now} (which refreshes the permission too). */
    void channelBound(long now) {
        channelExpires = now + channelLifetimeMs;
        nextChannel = channelExpires - margin(channelLifetimeMs);
        permitted(now);
    }

    /** Stops tracking the channel (it was unbound: the server lets it time out). */
    void channelDropped() {
        channelExpires = nextChannel = NEVER;
    }

    /** A refresh of {@code a} failed at {@code now}: try again in {@link #RETRY_MS}. */
    void failed(Action a, long now) {
        switch (a) {
            case REFRESH -> nextRefresh = now + RETRY_MS;
            case PERMISSION -> nextPermission = now + RETRY_MS;
            case CHANNEL -> nextChannel = now + RETRY_MS;
            case NONE -> {}
        }
    }

    /** The first thing due at {@code now}, allocation first. */
    Action due(long now) {
        if (now - nextRefresh >= 0) return Action.REFRESH;
        if (now - nextPermission >= 0) return Action.PERMISSION;
        if (now - nextChannel >= 0) return Action.CHANNEL;
        return Action.NONE;
    }

    /** When the next thing falls due. */
    long nextDeadline() {
        return Math.min(nextRefresh, Math.min(nextPermission, nextChannel));
    }

    /** True once the allocation, the permission or the channel has lapsed: the relay no longer carries data. */
    boolean expired(long now) {
        return now - allocationExpires >= 0 || now - permissionExpires >= 0 || now - channelExpires >= 0;
    }
}
