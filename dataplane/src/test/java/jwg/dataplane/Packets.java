package jwg.dataplane;

/** Builds small IP packets for tests (dataplane's test-jar: the ICE tests use it too). */
public final class Packets {
    private Packets() {}

    /** An IPv4/UDP packet from {@code src} to {@code dst} (dotted quads) carrying {@code payload}. */
    public static byte[] ipv4(String src, String dst, byte[] payload) {
        int len = 20 + 8 + payload.length;
        byte[] p = new byte[len];
        p[0] = 0x45;
        p[2] = (byte) (len >> 8);
        p[3] = (byte) len;
        p[8] = 64;
        p[9] = 17;
        System.arraycopy(addr(src), 0, p, 12, 4);
        System.arraycopy(addr(dst), 0, p, 16, 4);
        int sum = 0;
        for (int i = 0; i < 20; i += 2) sum += ((p[i] & 0xff) << 8) | (p[i + 1] & 0xff);
        while ((sum >> 16) != 0) sum = (sum & 0xffff) + (sum >> 16);
        p[10] = (byte) (~sum >> 8);
        p[11] = (byte) ~sum;
        p[20] = 0x30;
        p[21] = 0x39;
        p[22] = 0x30;
        p[23] = 0x39; // ports 12345
        p[24] = (byte) ((8 + payload.length) >> 8);
        p[25] = (byte) (8 + payload.length);
        System.arraycopy(payload, 0, p, 28, payload.length);
        return p;
    }

    static byte[] addr(String dotted) {
        String[] s = dotted.split("\\.");
        byte[] b = new byte[4];
        for (int i = 0; i < 4; i++) b[i] = (byte) Integer.parseInt(s[i]);
        return b;
    }
}
