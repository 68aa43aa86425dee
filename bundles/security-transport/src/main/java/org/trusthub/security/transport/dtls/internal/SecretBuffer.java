package org.trusthub.security.transport.dtls.internal;

import java.io.OutputStream;
import java.util.Arrays;

/**
 * An output stream for serialized session secrets: unlike a ByteArrayOutputStream it zeroes every array it leaves
 * behind, on growth and when its content is taken, so no copy of a master secret is left to the garbage collector.
 */
final class SecretBuffer extends OutputStream {
    byte[] buf;
    private int count;

    SecretBuffer(int initialSize) {
        buf = new byte[Math.max(16, initialSize)];
    }

    @Override
    public void write(int b) {
        ensure(1);
        buf[count++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) {
        java.util.Objects.checkFromIndexSize(off, len, b.length);
        ensure(len);
        System.arraycopy(b, off, buf, count, len);
        count += len;
    }

    private void ensure(int more) {
        if (count + more > buf.length) {
            byte[] grown = Arrays.copyOf(buf, Math.max(buf.length * 2, count + more));
            Arrays.fill(buf, (byte) 0);
            buf = grown;
        }
    }

    /** The content, whose zeroing is then the caller's; this buffer is left zeroed and empty. */
    byte[] take() {
        byte[] out = Arrays.copyOf(buf, count);
        wipe();
        return out;
    }

    /** Zeroes and empties the buffer. */
    void wipe() {
        Arrays.fill(buf, (byte) 0);
        count = 0;
    }

    @Override
    public void close() {
        wipe();
    }
}
