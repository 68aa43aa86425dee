package org.trusthub.binding.dpws.internal;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.concurrent.TimeUnit;

/**
 * Gives each read of a socket only the time left until a deadline, so a peer trickling one byte at a time cannot
 * stretch a request or an answer past it.
 */
final class DeadlineInput extends FilterInputStream {
    private final Socket socket;
    private final long until;

    /** {@code until}: the deadline, in {@link System#nanoTime()} terms. */
    DeadlineInput(Socket socket, InputStream in, long until) {
        super(in);
        this.socket = socket;
        this.until = until;
    }

    private void arm() throws IOException {
        long left = TimeUnit.NANOSECONDS.toMillis(until - System.nanoTime());
        if (left <= 0) {
            throw new SocketTimeoutException("deadline passed");
        }
        socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, left));
    }

    @Override
    public int read() throws IOException {
        arm();
        return super.read();
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        arm();
        return super.read(b, off, len);
    }
}
