package org.trusthub.benchmarks.zigbee;

import java.util.Random;
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
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.trusthub.security.link.ccm.CcmStar;
import org.trusthub.security.link.ccm.MicFailureException;
import org.trusthub.security.link.ieee802154.AuxSecurityHeader;
import org.trusthub.security.link.ieee802154.FrameCodec;
import org.trusthub.security.link.ieee802154.FrameSecurityException;
import org.trusthub.security.link.ieee802154.KeyIdMode;
import org.trusthub.security.link.ieee802154.MacAddress;
import org.trusthub.security.link.ieee802154.MacFrame;
import org.trusthub.security.link.ieee802154.SecurityLevel;
import org.trusthub.security.network.zigbee.KeyId;
import org.trusthub.security.network.zigbee.NwkHeader;
import org.trusthub.security.network.zigbee.ZigbeeAuxHeader;
import org.trusthub.security.network.zigbee.ZigbeeCodec;
import org.trusthub.security.network.zigbee.ZigbeeSecurityException;

/**
 * Frames per second through CCM* (ours, on the JDK's AES) and through raw Bouncy Castle AES-CCM, in one run, with a
 * typical IEEE 802.15.4 frame: 20-byte header authenticated, 80-byte payload encrypted, 8-byte MIC (level 6). Also
 * whole-frame work: an 802.15.4 MAC frame and a ZigBee NWK frame built and secured, opened and parsed, and the same
 * frame built without security, as the unprotected baseline.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar zigbee.CcmStarBenchmark -f 1 -wi 2 -i 3 -w 1s -r 2s}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class CcmStarBenchmark {

    private static final int MIC = 8;
    private static final long SENDER = 0x00124B0001ABCDEFL;

    private byte[] key;
    private byte[] nonce;
    private byte[] header;
    private byte[] payload;
    private CcmStar ccmStar;
    private CCMModeCipher bc;
    private KeyParameter bcKey;
    private byte[] ccmStarProtected;
    private byte[] bcProtected;
    private MacFrame plainFrame;
    private AuxSecurityHeader aux;
    private byte[] securedMacFrame;
    private NwkHeader nwkHeader;
    private byte[] securedNwkFrame;
    private long counter;

    @Setup
    public void setUp() throws Exception {
        Random r = new Random(42);
        key = new byte[16];
        nonce = new byte[13];
        header = new byte[20];
        payload = new byte[80];
        r.nextBytes(key);
        r.nextBytes(nonce);
        r.nextBytes(header);
        r.nextBytes(payload);
        ccmStar = new CcmStar(key);
        bc = CCMBlockCipher.newInstance(AESEngine.newInstance());
        bcKey = new KeyParameter(key);
        ccmStarProtected = ccmStar.protect(nonce, MIC, true, header, payload);
        bcProtected = bouncyCastle(true, nonce, payload);
        plainFrame = MacFrame.unsecured(MacFrame.Type.DATA, 1, 0x1234, MacAddress.shortAddress(0), 0x1234,
                MacAddress.extended(SENDER), new byte[0], payload);
        aux = new AuxSecurityHeader(SecurityLevel.ENC_MIC_64, KeyIdMode.INDEX, 5, 0, 1);
        securedMacFrame = FrameCodec.protect(plainFrame, aux, ccmStar, SENDER).encode();
        nwkHeader = NwkHeader.simple(0, false, 0, 0x1001, 30, 1, SENDER);
        securedNwkFrame = ZigbeeCodec.protectNwk(nwkHeader, new ZigbeeAuxHeader(KeyId.NETWORK_KEY, 5, SENDER, 1),
                payload, ccmStar);
    }

    // A fresh frame counter in the nonce for each protected frame, as on the air (Bouncy Castle refuses a reused
    // nonce); both implementations pay the same for it.
    private byte[] nextNonce() {
        long c = ++counter;
        byte[] n = nonce.clone();
        n[8] = (byte) (c >>> 24);
        n[9] = (byte) (c >>> 16);
        n[10] = (byte) (c >>> 8);
        n[11] = (byte) c;
        return n;
    }

    private byte[] bouncyCastle(boolean encrypt, byte[] in) throws InvalidCipherTextException {
        return bouncyCastle(encrypt, encrypt ? nextNonce() : nonce, in);
    }

    private byte[] bouncyCastle(boolean encrypt, byte[] n, byte[] in) throws InvalidCipherTextException {
        bc.init(encrypt, new AEADParameters(bcKey, MIC * 8, n, header));
        byte[] out = new byte[bc.getOutputSize(in.length)];
        int written = bc.processBytes(in, 0, in.length, out, 0);
        bc.doFinal(out, written);
        return out;
    }

    @Benchmark
    public byte[] ccmStarProtect() {
        return ccmStar.protect(nextNonce(), MIC, true, header, payload);
    }

    @Benchmark
    public byte[] ccmStarUnprotect() throws MicFailureException {
        return ccmStar.unprotect(nonce, MIC, true, header, ccmStarProtected);
    }

    @Benchmark
    public byte[] bouncyCastleCcmProtect() throws InvalidCipherTextException {
        return bouncyCastle(true, payload);
    }

    @Benchmark
    public byte[] bouncyCastleCcmUnprotect() throws InvalidCipherTextException {
        return bouncyCastle(false, bcProtected);
    }

    /** The unprotected baseline: the same MAC frame built and encoded, no security. */
    @Benchmark
    public byte[] macFrameUnprotected() {
        return MacFrame.unsecured(MacFrame.Type.DATA, 1, 0x1234, MacAddress.shortAddress(0), 0x1234,
                MacAddress.extended(SENDER), new byte[0], payload).encode();
    }

    @Benchmark
    public byte[] macFrameProtect() {
        AuxSecurityHeader a = new AuxSecurityHeader(SecurityLevel.ENC_MIC_64, KeyIdMode.INDEX, counter++ & 0xFFFFFFFL,
                0, 1);
        return FrameCodec.protect(plainFrame, a, ccmStar, SENDER).encode();
    }

    @Benchmark
    public MacFrame macFrameParseAndUnprotect() throws FrameSecurityException {
        return FrameCodec.unprotect(MacFrame.parse(securedMacFrame), ccmStar, SENDER);
    }

    @Benchmark
    public byte[] zigbeeNwkProtect() {
        return ZigbeeCodec.protectNwk(nwkHeader, new ZigbeeAuxHeader(KeyId.NETWORK_KEY, counter++ & 0xFFFFFFFL,
                SENDER, 1), payload, ccmStar);
    }

    @Benchmark
    public byte[] zigbeeNwkParseAndUnprotect() throws ZigbeeSecurityException {
        return ZigbeeCodec.openNwk(ZigbeeCodec.parseNwk(securedNwkFrame), ccmStar).payload();
    }
}
