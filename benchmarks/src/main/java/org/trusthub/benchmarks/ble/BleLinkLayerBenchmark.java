package org.trusthub.benchmarks.ble;

import java.util.concurrent.TimeUnit;

import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.modes.CCMBlockCipher;
import org.bouncycastle.crypto.modes.CCMModeCipher;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.trusthub.security.link.ble.DataPdu;
import org.trusthub.security.link.ble.EncryptionStart;
import org.trusthub.security.link.ble.LeCrypto;
import org.trusthub.security.link.ble.LinkCipher;
import org.trusthub.security.link.ble.LinkSession;

/**
 * Bluetooth LE link-layer packets per second, one packet sent and received per operation (the central seals, the
 * peripheral checks and opens): protected by the hub's link layer (AES-CCM, counters, direction bit, sequence
 * numbers), unprotected (the same PDU framing without encryption), and raw Bouncy Castle AES-CCM with a 4-octet MIC
 * on the same payload, what a user would write without the link layer. Run:
 * {@code java -jar benchmarks/target/benchmarks.jar BleLinkLayer -f 1 -wi 2 -i 3 -w 1s -r 2s}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class BleLinkLayerBenchmark {

    /** 27 octets: the default LL payload; 251: the largest with Data Length Extension. */
    @Param({ "27", "251" })
    int payloadLength;

    private static final byte[] LTK = hex("4C68384139F574D836BCF34E9DFB01BF");
    private static final EncryptionStart START = new EncryptionStart(hex("ACBDCEDFE0F10213"), hex("BADCAB24"),
            hex("0213243546576879"), hex("DEAFBABE"));

    private byte[] payload;
    private LinkSession central;
    private LinkSession peripheral;
    private KeyParameter key;
    private CCMModeCipher bcEncrypt;
    private CCMModeCipher bcDecrypt;
    private byte[] nonce;
    private long counter;

    @Setup
    public void setUp() {
        payload = new byte[payloadLength];
        for (int i = 0; i < payload.length; i++) {
            payload[i] = (byte) i;
        }
        central = new LinkSession(LinkCipher.fromLtk(LTK, START, LinkCipher.Role.CENTRAL), null);
        peripheral = new LinkSession(LinkCipher.fromLtk(LTK, START, LinkCipher.Role.PERIPHERAL), null);
        key = new KeyParameter(LeCrypto.sessionKey(LTK, START.skdm(), START.skds()));
        bcEncrypt = CCMBlockCipher.newInstance(AESEngine.newInstance());
        bcDecrypt = CCMBlockCipher.newInstance(AESEngine.newInstance());
        nonce = new byte[13];
        System.arraycopy(START.iv(), 0, nonce, 5, 8);
    }

    @Benchmark
    public DataPdu protectedPacket() {
        return peripheral.receive(central.send(DataPdu.LLID_START, payload));
    }

    @Benchmark
    public DataPdu unprotectedPacket() {
        return DataPdu.parse(DataPdu.of(DataPdu.LLID_START, payload).encode());
    }

    @Benchmark
    public byte[] rawBouncyCastleCcm() throws InvalidCipherTextException {
        long c = counter++;
        nonce[0] = (byte) c;
        nonce[1] = (byte) (c >>> 8);
        nonce[2] = (byte) (c >>> 16);
        nonce[3] = (byte) (c >>> 24);
        byte[] aad = { 0x02 };
        bcEncrypt.init(true, new AEADParameters(key, 32, nonce, aad));
        byte[] sealed = new byte[payload.length + 4];
        int n = bcEncrypt.processBytes(payload, 0, payload.length, sealed, 0);
        bcEncrypt.doFinal(sealed, n);
        bcDecrypt.init(false, new AEADParameters(key, 32, nonce, aad));
        byte[] opened = new byte[payload.length];
        int m = bcDecrypt.processBytes(sealed, 0, sealed.length, opened, 0);
        bcDecrypt.doFinal(opened, m);
        return opened;
    }

    private static byte[] hex(String s) {
        return java.util.HexFormat.of().parseHex(s);
    }
}
