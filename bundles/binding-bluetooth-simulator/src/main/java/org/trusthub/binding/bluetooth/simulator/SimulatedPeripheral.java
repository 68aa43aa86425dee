package org.trusthub.binding.bluetooth.simulator;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trusthub.binding.bluetooth.spi.AttPdu;
import org.trusthub.binding.bluetooth.spi.Gatt;
import org.trusthub.security.link.ble.BleAddress;
import org.trusthub.security.link.ble.BleSecurityException;
import org.trusthub.security.link.ble.DataPdu;
import org.trusthub.security.link.ble.EncryptionStart;
import org.trusthub.security.link.ble.L2capFrame;
import org.trusthub.security.link.ble.LeCrypto;
import org.trusthub.security.link.ble.LinkCipher;
import org.trusthub.security.link.ble.LinkSession;
import org.trusthub.security.link.ble.LlControlPdu;
import org.trusthub.security.link.ble.SmpPdu;

/**
 * A SIMULATED Bluetooth LE temperature sensor: it advertises with resolvable private addresses made from its IRK,
 * pairs (LE Secure Connections, or legacy only if built so), keeps its bond in its simulated flash, encrypts its link
 * layer with the same AES-CCM as a real controller, and serves temperature (read, notify) and a writable measurement
 * interval over ATT, only on an encrypted link.
 */
public final class SimulatedPeripheral {

    private static final Logger LOG = LoggerFactory.getLogger(SimulatedPeripheral.class);

    private final String name;
    private final boolean secureConnections;
    private final BleAddress identity;
    private final byte[] irk;
    private final SimulatedFlash flash;
    private final SecureRandom random;
    private byte[] ltk;
    private double temperature = 21.5;
    private int interval = 60;
    private BleAddress advertised;
    private Connection connection;
    private long refused;

    SimulatedPeripheral(String name, boolean secureConnections, BleAddress identity, SimulatedFlash flash,
            SecureRandom random) {
        this.name = name;
        this.secureConnections = secureConnections;
        this.flash = flash;
        this.random = random;
        Properties p = flash.load(name).orElse(null);
        if (p != null && p.getProperty("identity") != null) {
            this.identity = BleAddress.parse(p.getProperty("identity"), true);
            this.irk = SimulatedFlash.unhex(p.getProperty("irk"));
            this.ltk = SimulatedFlash.unhex(p.getProperty("ltk"));
            this.interval = Integer.parseInt(p.getProperty("interval", "60"));
        } else {
            this.identity = identity;
            this.irk = new byte[16];
            random.nextBytes(irk);
            persist();
        }
        this.advertised = BleAddress.resolvable(irk, random);
    }

    public String name() {
        return name;
    }

    public boolean supportsSecureConnections() {
        return secureConnections;
    }

    public BleAddress identity() {
        return identity;
    }

    public synchronized boolean isBonded() {
        return ltk != null;
    }

    /** Frames this peripheral refused (MIC failures, replays, malformed) since it started. */
    public synchronized long refused() {
        return refused;
    }

    public synchronized int interval() {
        return interval;
    }

    /** A new resolvable private address, as a real device rotates them. */
    synchronized BleAddress advertise() {
        advertised = BleAddress.resolvable(irk, random);
        return advertised;
    }

    synchronized BleAddress advertised() {
        return advertised;
    }

    /**
     * Whether a private address was made with this device's IRK: a connection request to one of its recent private
     * addresses reaches it (the simulated radio does not model the rotation window).
     */
    synchronized boolean owns(BleAddress address) {
        return address.resolvesWith(irk);
    }

    /** The address this device answers a connection request at: that private address, else its current one. */
    synchronized BleAddress answerAt(BleAddress address) {
        if (owns(address)) {
            advertised = address;
        }
        return advertised;
    }

    /** Forgets the bond, as a factory reset does. */
    public synchronized void forgetBond() {
        if (ltk != null) {
            Arrays.fill(ltk, (byte) 0);
        }
        ltk = null;
        persist();
    }

    /** A new measurement; notified to the hub when it subscribed on the current encrypted connection. */
    public void setTemperature(double celsius) {
        byte[] pdu = null;
        Consumer<byte[]> sink = null;
        synchronized (this) {
            temperature = celsius;
            Connection c = connection;
            if (c != null && c.session != null && c.notify && c.sink != null) {
                pdu = c.session.send(DataPdu.LLID_START, new L2capFrame(L2capFrame.CID_ATT,
                        new AttPdu(AttPdu.NOTIFY, Gatt.TEMPERATURE, Gatt.temperature(celsius)).encode()).encode());
                sink = c.sink;
            }
        }
        if (sink != null) {
            sink.accept(pdu);
        }
    }

    synchronized Connection connect(BleAddress central) {
        connection = new Connection(central);
        return connection;
    }

    synchronized void disconnect(Connection c) {
        if (connection == c) {
            connection = null;
        }
    }

    private void persist() {
        Properties p = new Properties();
        p.setProperty("simulated", "true");
        p.setProperty("identity", identity.toString());
        p.setProperty("irk", SimulatedFlash.hex(irk));
        p.setProperty("ltk", SimulatedFlash.hex(ltk));
        p.setProperty("interval", Integer.toString(interval));
        flash.store(name, p);
    }

    /** One connection's link layer, SMP and ATT as the peripheral runs them. */
    final class Connection {
        private final BleAddress central;
        private final BleAddress own = advertised;
        private SmpResponder smp;
        private LinkSession session;
        private boolean justPaired;
        private boolean notify;
        private Consumer<byte[]> sink;

        Connection(BleAddress central) {
            this.central = central;
        }

        void onUnsolicited(Consumer<byte[]> sink) {
            synchronized (SimulatedPeripheral.this) {
                this.sink = sink;
            }
        }

        List<byte[]> receive(byte[] raw) {
            synchronized (SimulatedPeripheral.this) {
                try {
                    DataPdu pdu = session == null ? DataPdu.parse(raw) : session.receive(raw);
                    List<byte[]> out = new ArrayList<>();
                    if (pdu.llid() == DataPdu.LLID_CONTROL) {
                        control(LlControlPdu.parse(pdu.payload()), out);
                    } else if (pdu.llid() == DataPdu.LLID_START) {
                        L2capFrame frame = L2capFrame.parse(pdu.payload());
                        if (frame.cid() == L2capFrame.CID_SMP) {
                            smp(SmpPdu.parse(frame.payload()), out);
                        } else if (frame.cid() == L2capFrame.CID_ATT) {
                            att(AttPdu.parse(frame.payload()), out);
                        }
                    }
                    return out;
                } catch (BleSecurityException e) {
                    refused++;
                    LOG.debug("SIMULATED peripheral {} refused a frame: {}", name, e.getMessage());
                    return List.of();
                }
            }
        }

        private void control(LlControlPdu c, List<byte[]> out) {
            switch (c.opcode()) {
                case ENC_REQ -> {
                    byte[] key = smp != null && smp.pairingKey() != null ? smp.pairingKey() : ltk;
                    if (key == null) {
                        out.add(plain(DataPdu.LLID_CONTROL, LlControlPdu.reject(LlControlPdu.ERROR_KEY_MISSING)
                                .encode()));
                        return;
                    }
                    justPaired = smp != null && smp.pairingKey() != null;
                    byte[] skds = new byte[8];
                    byte[] ivs = new byte[4];
                    random.nextBytes(skds);
                    random.nextBytes(ivs);
                    LlControlPdu rsp = LlControlPdu.encRsp(skds, ivs);
                    EncryptionStart start = EncryptionStart.of(c, rsp);
                    out.add(plain(DataPdu.LLID_CONTROL, rsp.encode()));
                    out.add(plain(DataPdu.LLID_CONTROL, LlControlPdu.of(LlControlPdu.Opcode.START_ENC_REQ).encode()));
                    // from here on the peripheral only accepts encrypted PDUs
                    session = new LinkSession(LinkCipher.fromLtk(key, start, LinkCipher.Role.PERIPHERAL), null);
                }
                case START_ENC_RSP -> {
                    if (session == null) {
                        return;
                    }
                    out.add(session.send(DataPdu.LLID_CONTROL, LlControlPdu.of(LlControlPdu.Opcode.START_ENC_RSP)
                            .encode()));
                    if (justPaired) {
                        distributeKeys(out);
                        justPaired = false;
                    }
                }
                case TERMINATE_IND -> disconnect(this);
                default -> { }
            }
        }

        private void distributeKeys(List<byte[]> out) {
            byte[] newLtk;
            if (smp.isSecureConnections()) {
                newLtk = smp.pairingKey().clone();
            } else {
                newLtk = new byte[16];
                random.nextBytes(newLtk);
                out.add(smpOut(SmpPdu.ofValue(SmpPdu.Code.ENCRYPTION_INFORMATION, newLtk)));
                out.add(smpOut(SmpPdu.of(SmpPdu.Code.CENTRAL_IDENTIFICATION, new byte[10])));
            }
            out.add(smpOut(SmpPdu.ofValue(SmpPdu.Code.IDENTITY_INFORMATION, irk)));
            byte[] addr = new byte[7];
            addr[0] = 1;
            System.arraycopy(LeCrypto.reverse(identity.octets()), 0, addr, 1, 6);
            out.add(smpOut(SmpPdu.of(SmpPdu.Code.IDENTITY_ADDRESS_INFORMATION, addr)));
            ltk = newLtk;
            smp = null;
            persist();
            LOG.info("SIMULATED peripheral {} bonded with the hub", name);
        }

        private byte[] smpOut(SmpPdu pdu) {
            return session.send(DataPdu.LLID_START, new L2capFrame(L2capFrame.CID_SMP, pdu.encode()).encode());
        }

        private void smp(SmpPdu pdu, List<byte[]> out) {
            if (pdu.code() == SmpPdu.Code.PAIRING_REQUEST) {
                smp = new SmpResponder(secureConnections, own, central, random);
            }
            if (smp == null) {
                return;
            }
            for (SmpPdu reply : smp.onPdu(pdu)) {
                out.add(send(DataPdu.LLID_START, new L2capFrame(L2capFrame.CID_SMP, reply.encode()).encode()));
            }
        }

        private void att(AttPdu req, List<byte[]> out) {
            AttPdu rsp;
            if (session == null) {
                rsp = AttPdu.error(req.opcode(), req.handle(), AttPdu.ERR_INSUFFICIENT_ENCRYPTION);
            } else if (req.opcode() == AttPdu.READ_REQ) {
                rsp = switch (req.handle()) {
                    case Gatt.TEMPERATURE -> new AttPdu(AttPdu.READ_RSP, 0, Gatt.temperature(temperature));
                    case Gatt.TEMPERATURE_CCCD -> new AttPdu(AttPdu.READ_RSP, 0, Gatt.uint16(notify ? 1 : 0));
                    case Gatt.INTERVAL -> new AttPdu(AttPdu.READ_RSP, 0, Gatt.uint16(interval));
                    default -> AttPdu.error(req.opcode(), req.handle(), AttPdu.ERR_INVALID_HANDLE);
                };
            } else if (req.opcode() == AttPdu.WRITE_REQ) {
                byte[] v = req.value();
                if (req.handle() == Gatt.TEMPERATURE_CCCD || req.handle() == Gatt.INTERVAL) {
                    if (v.length != 2) {
                        rsp = AttPdu.error(req.opcode(), req.handle(), AttPdu.ERR_INVALID_LENGTH);
                    } else {
                        int value = (v[0] & 0xFF) | (v[1] & 0xFF) << 8;
                        if (req.handle() == Gatt.TEMPERATURE_CCCD) {
                            notify = (value & 1) != 0;
                        } else {
                            interval = value;
                            persist();
                        }
                        rsp = new AttPdu(AttPdu.WRITE_RSP, 0, null);
                    }
                } else {
                    rsp = AttPdu.error(req.opcode(), req.handle(), AttPdu.ERR_WRITE_NOT_PERMITTED);
                }
            } else {
                rsp = AttPdu.error(req.opcode(), req.handle(), AttPdu.ERR_REQUEST_NOT_SUPPORTED);
            }
            out.add(send(DataPdu.LLID_START, new L2capFrame(L2capFrame.CID_ATT, rsp.encode()).encode()));
        }

        private byte[] send(int llid, byte[] payload) {
            return session == null ? plain(llid, payload) : session.send(llid, payload);
        }

        private byte[] plain(int llid, byte[] payload) {
            return DataPdu.of(llid, payload).encode();
        }
    }

    @Override
    public String toString() {
        return "SimulatedPeripheral[" + name + ", identity " + identity + (secureConnections ? "" : ", legacy only")
                + "]";
    }
}
