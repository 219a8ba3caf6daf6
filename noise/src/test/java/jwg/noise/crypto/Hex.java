package jwg.noise.crypto;

import java.nio.charset.StandardCharsets;

/** Test helper: hex text (spaces, colons and newlines ignored) to bytes, and back. */
final class Hex {
    private Hex() {}

    static byte[] bytes(String hex) {
        String s = hex.replaceAll("[\\s:]", "");
        if (s.length() % 2 != 0) throw new IllegalArgumentException("odd hex length");
        byte[] out = new byte[s.length() / 2];
        for (int i = 0; i < out.length; i++) out[i] = (byte) Integer.parseInt(s.substring(2 * i, 2 * i + 2), 16);
        return out;
    }

    static String of(byte[] b) {
        StringBuilder sb = new StringBuilder();
        for (byte x : b) sb.append(String.format("%02x", x & 0xff));
        return sb.toString();
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Little-endian 32-bit word i of a 12-byte nonce. */
    static int word(byte[] nonce, int i) {
        return (nonce[4 * i] & 0xff)
                | (nonce[4 * i + 1] & 0xff) << 8
                | (nonce[4 * i + 2] & 0xff) << 16
                | (nonce[4 * i + 3] & 0xff) << 24;
    }
}
