package jaio.examples.http;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The head of one HTTP/1.1 request, parsed from the bytes a connection received: the method,
 * the target's path, whether the connection stays open afterwards. Not thread safe; each
 * connection owns one and reuses it.
 */
final class HttpHead {
    /** {@link #parse}: the head is not complete yet. */
    static final int INCOMPLETE = 0;
    /** {@link #parse}: a request was parsed; {@link #length} bytes were its head. */
    static final int OK = 1;
    /** {@link #parse}: the bytes are not an HTTP/1.x request the server takes (answer 400). */
    static final int BAD = 2;

    String method;
    String path;
    boolean keepAlive;
    /** Bytes of the head, the blank line included. */
    int length;

    /** Parses the head at the start of {@code buf[0, limit)}: INCOMPLETE, OK or BAD. */
    int parse(ByteBuffer buf, int limit) {
        int end = -1;
        for (int i = 3; i < limit; i++) {
            if (buf.get(i) == '\n' && buf.get(i - 1) == '\r' && buf.get(i - 2) == '\n' && buf.get(i - 3) == '\r') {
                end = i + 1;
                break;
            }
        }
        if (end < 0) {
            return INCOMPLETE;
        }
        byte[] raw = new byte[end];
        buf.get(0, raw);
        String head = new String(raw, StandardCharsets.ISO_8859_1);
        length = end;
        String[] lines = head.split("\r\n");
        String[] first = lines[0].split(" ");
        if (first.length != 3 || !first[2].startsWith("HTTP/1.") || first[1].isEmpty() || first[1].charAt(0) != '/') {
            return BAD;
        }
        method = first[0];
        path = first[1];
        boolean http11 = first[2].equals("HTTP/1.1");
        keepAlive = http11;
        for (int i = 1; i < lines.length; i++) {
            String l = lines[i];
            int colon = l.indexOf(':');
            if (colon <= 0) {
                return BAD;
            }
            String name = l.substring(0, colon).trim();
            String value = l.substring(colon + 1).trim();
            if (name.equalsIgnoreCase("connection")) {
                if (value.equalsIgnoreCase("close")) {
                    keepAlive = false;
                } else if (value.equalsIgnoreCase("keep-alive")) {
                    keepAlive = true;
                }
            } else if (name.equalsIgnoreCase("content-length") && !value.equals("0")) {
                // GET and HEAD carry no body; one would be read as the next request.
                return BAD;
            } else if (name.equalsIgnoreCase("transfer-encoding")) {
                return BAD;
            }
        }
        return OK;
    }
}
