package org.trusthub.security.transport.dtls.internal;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A UDP relay between one client and the server on loopback. It records what each side sends, and can swap the
 * socket it forwards from, so the server sees the client come from a new address (a NAT rebinding).
 */
final class Relay implements AutoCloseable {
    private final DatagramSocket front;
    private final InetSocketAddress server;
    private volatile DatagramSocket back;
    private volatile InetSocketAddress client;
    final List<byte[]> fromClient = new CopyOnWriteArrayList<>();
    final List<byte[]> fromServer = new CopyOnWriteArrayList<>();
    private volatile boolean open = true;

    Relay(InetSocketAddress server) throws SocketException {
        this.server = server;
        this.front = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        this.back = newBack();
        Thread t = new Thread(this::pumpFromClient, "relay-front");
        t.setDaemon(true);
        t.start();
    }

    InetSocketAddress address() {
        return (InetSocketAddress) front.getLocalSocketAddress();
    }

    /** From now on the server sees the client's datagrams coming from another port. */
    void rebind() throws SocketException {
        DatagramSocket old = back;
        back = newBack();
        old.close();
    }

    private DatagramSocket newBack() throws SocketException {
        DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        Thread t = new Thread(() -> pumpFromServer(s), "relay-back");
        t.setDaemon(true);
        t.start();
        return s;
    }

    private void pumpFromClient() {
        byte[] buffer = new byte[2048];
        while (open) {
            try {
                DatagramPacket p = new DatagramPacket(buffer, buffer.length);
                front.receive(p);
                client = (InetSocketAddress) p.getSocketAddress();
                byte[] data = java.util.Arrays.copyOf(p.getData(), p.getLength());
                fromClient.add(data);
                back.send(new DatagramPacket(data, data.length, server));
            } catch (IOException e) {
                if (!open) {
                    return;
                }
            }
        }
    }

    private void pumpFromServer(DatagramSocket socket) {
        byte[] buffer = new byte[2048];
        while (open && !socket.isClosed()) {
            try {
                DatagramPacket p = new DatagramPacket(buffer, buffer.length);
                socket.receive(p);
                fromServer.add(java.util.Arrays.copyOf(p.getData(), p.getLength()));
                front.send(new DatagramPacket(p.getData(), p.getLength(), client));
            } catch (IOException e) {
                return;
            }
        }
    }

    /** Sends raw bytes to the server as if from the client's current address. */
    void inject(byte[] datagram) throws IOException {
        back.send(new DatagramPacket(datagram, datagram.length, server));
    }

    @Override
    public void close() {
        open = false;
        front.close();
        back.close();
    }
}
