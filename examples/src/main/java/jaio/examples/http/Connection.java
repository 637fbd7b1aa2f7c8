package jaio.examples.http;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import jaio.IoFile;
import jaio.IoSocket;
import jaio.Opcode;
import jaio.Request;

/**
 * One client connection of the {@link HttpFileServer}, used only by the server's loop thread:
 * its socket, its buffers and its three reusable requests (a receive, a send of the response
 * head, a sendfile of the body linked after it). At most one receive, or one response, is in
 * flight at a time; {@link #inFlight} counts its requests so that the socket is closed only
 * once none of its events is still to come.
 */
final class Connection {
    private static final int IN_SIZE = 16 * 1024;
    private static final int OUT_SIZE = 1024;

    final IoSocket socket;
    final ByteBuffer in = ByteBuffer.allocateDirect(IN_SIZE);
    /** Bytes received and not yet consumed, from in[0]. */
    int inLen;
    final ByteBuffer out = ByteBuffer.allocateDirect(OUT_SIZE);
    final HttpHead head = new HttpHead();
    final Request recv;
    final Request send;
    final Request sendfile;
    /** [send, sendfile], submitted as one chain. */
    final Request[] chain;
    /** Requests of this connection whose events are still to come. */
    int inFlight;
    /** Whether the response in flight leaves the connection open. */
    boolean keepAlive;
    /** The response in flight has a body sent by {@link #sendfile}, of this many bytes. */
    long bodyLength = -1;
    /** Set once the connection is being closed: no new request is started. */
    boolean closing;

    Connection(IoSocket socket) {
        this.socket = socket;
        this.recv = Request.recv(socket, in).attachment(this);
        this.send = Request.send(socket, out).attachment(this);
        this.sendfile = Request.noop().attachment(this);
        this.chain = new Request[] {send, sendfile};
    }

    /** Prepares the receive into the free part of {@link #in}. */
    Request prepRecv() {
        ByteBuffer free = in.duplicate().position(inLen).limit(in.capacity());
        return recv.prepSocketData(Opcode.RECV, socket, free);
    }

    /** Whether the input buffer has room left to receive into. */
    boolean inFull() {
        return inLen == in.capacity();
    }

    /** Drops the first {@code n} received bytes (the request just answered), keeping what follows. */
    void consume(int n) {
        ByteBuffer rest = in.duplicate().position(n).limit(inLen);
        in.put(0, rest, n, inLen - n);
        inLen -= n;
    }

    /** A response head's bytes. */
    static byte[] headBytes(String status, long contentLength, String type, boolean keep) {
        String h = "HTTP/1.1 " + status + "\r\nServer: jaio\r\nContent-Length: " + contentLength
                + "\r\nContent-Type: " + type + "\r\nConnection: " + (keep ? "keep-alive" : "close") + "\r\n\r\n";
        return h.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Writes a response head into {@link #out} and prepares {@link #send} for it. */
    void head(String status, long contentLength, String type, boolean keep) {
        head(headBytes(status, contentLength, type, keep));
    }

    /** Writes a response head made before into {@link #out} and prepares {@link #send} for it. */
    void head(byte[] bytes) {
        out.clear();
        out.put(bytes);
        out.flip();
        send.prepSocketData(Opcode.SEND, socket, out.duplicate());
    }

    /** Adds a small body after the head in {@link #out} (error pages), and prepares the send again. */
    void body(String text) {
        int headEnd = out.limit();
        out.limit(out.capacity()).position(headEnd);
        out.put(text.getBytes(StandardCharsets.ISO_8859_1));
        out.flip();
        send.prepSocketData(Opcode.SEND, socket, out.duplicate());
    }

    /** Prepares the body: {@code length} bytes of {@code file} by sendfile, linked after the head. */
    void prepBody(IoFile file, long length) {
        sendfile.prepSendfile(file, 0, length, socket);
        bodyLength = length;
    }
}
