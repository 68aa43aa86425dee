package org.trusthub.benchmarks.offload;

import java.security.KeyPair;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import javax.crypto.KeyAgreement;

import org.trusthub.offload.device.AcceptedToken;
import org.trusthub.offload.device.ConstrainedDevice;
import org.trusthub.offload.wire.CryptoKind;
import org.trusthub.offload.wire.OpCounter;
import org.trusthub.offload.wire.OpCounts;
import org.trusthub.offload.device.PairGrant;
import org.trusthub.offload.device.SecureChannel;
import org.trusthub.offload.device.TokenGrant;
import org.trusthub.offload.device.Verdict;
import org.trusthub.offload.device.SctGrant;
import org.trusthub.offload.device.WsTrustClient;
import org.trusthub.offload.internal.dpws.StsService;
import java.time.Duration;

/**
 * What each offloaded task costs a device, with the hub and without it, counted (not timed): public-key, symmetric
 * and hash operations and bytes sent and received, from the constrained-device model (with the hub) and from the same
 * work done with Bouncy Castle by the device itself (without). Run:
 * {@code java -cp benchmarks/target/benchmarks.jar org.trusthub.benchmarks.offload.DeviceCostRun}.
 *
 * <p>Ends with the check the issue asks for: after bootstrapping, no device that uses the hub performed a public-key
 * operation (it exits non-zero otherwise).
 */
public final class DeviceCostRun {

    private record Row(String task, String side, OpCounts withHub, OpCounts without) {
    }

    private final List<Row> rows = new ArrayList<>();

    public static void main(String[] args) throws Exception {
        new DeviceCostRun().run();
    }

    private void run() throws Exception {
        try (OffloadBench b = new OffloadBench()) {
            ConstrainedDevice client = b.operational("cost-client");
            ConstrainedDevice server = b.operational("cost-server");
            ConstrainedDevice member3 = b.operational("cost-member-3");
            ConstrainedDevice member4 = b.operational("cost-member-4");
            List<ConstrainedDevice> all = List.of(client, server, member3, member4);
            OpCounts boot = client.counter().snapshot();
            all.forEach(d -> d.counter().reset());

            // 1. A session with a peer: ACE token + OSCORE context vs a signed ECDH handshake with certificates.
            OpCounts c0 = client.counter().snapshot();
            OpCounts s0 = server.counter().snapshot();
            TokenGrant grant = client.acceptTokenResponse(b.hub.requestToken(client.requestToken(server.id(),
                    "write")));
            AcceptedToken accepted = server.acceptPostedToken(client.postToken(grant));
            SecureChannel ch = client.acceptTokenReply(grant, accepted.reply());
            OpCounter[] hs = signedEcdh(b);
            rows.add(new Row("session setup (token, tasks 4 5 8 9 10)", "client",
                    client.counter().snapshot().minus(c0), hs[0].snapshot()));
            rows.add(new Row("session setup (token, tasks 4 5 8 9 10)", "server",
                    server.counter().snapshot().minus(s0), hs[1].snapshot()));

            // 2. Authenticating one 64-byte message: AEAD under the hub-issued key vs ECDSA signing and verifying.
            byte[] msg = new byte[64];
            c0 = client.counter().snapshot();
            s0 = server.counter().snapshot();
            accepted.channel().unprotect(ch.protect(msg));
            OpCounter signer = new OpCounter();
            OpCounter verifier = new OpCounter();
            byte[] sig = OffloadBench.sign(b.signerKeys.getPrivate(), msg);
            signer.count(CryptoKind.PUBLIC_KEY);
            signer.sent(msg.length + sig.length);
            java.security.Signature v = java.security.Signature.getInstance("SHA256withECDSA", OffloadBench.BC);
            v.initVerify(b.signerKeys.getPublic());
            v.update(msg);
            check(v.verify(sig), "baseline signature");
            verifier.count(CryptoKind.PUBLIC_KEY);
            verifier.received(msg.length + sig.length);
            rows.add(new Row("one message (tasks 4 5)", "sender", client.counter().snapshot().minus(c0),
                    signer.snapshot()));
            rows.add(new Row("one message (tasks 4 5)", "receiver", server.counter().snapshot().minus(s0),
                    verifier.snapshot()));

            // 3. A foreign signature and its chain: verdict from the hub vs PKIX + CRL + signature on the device.
            c0 = client.counter().snapshot();
            Verdict verdict = client.acceptVerdict(b.hub.verify(client.requestVerification("SHA256withECDSA",
                    OffloadBench.FIRMWARE, b.signature, List.of(b.signer))));
            check(verdict.valid(), "hub verdict");
            OpCounts withHub = client.counter().snapshot().minus(c0);
            c0 = client.counter().snapshot();
            Verdict alone = client.verifyAlone("SHA256withECDSA", OffloadBench.FIRMWARE, b.signature,
                    List.of(b.signer), Set.of(new TrustAnchor(b.ca, null)), List.of(b.crl),
                    OffloadBenchDefaults.ALGORITHMS);
            check(alone.valid(), "device's own verification");
            OpCounts aloneCost = client.counter().snapshot().minus(c0);
            // Without the hub the device also has to fetch the chain and the CRL: count their bytes as received.
            OpCounter fetched = new OpCounter();
            fetched.received(b.signer.getEncoded().length + b.crl.getEncoded().length);
            rows.add(new Row("foreign signature + chain, 1 KiB image sent (tasks 5 6 12)", "device", withHub,
                    plus(aloneCost, fetched.snapshot())));
            c0 = client.counter().snapshot();
            check(client.acceptVerdict(b.hub.verify(client.requestVerificationOfDigest("SHA256withECDSA",
                    OffloadBench.FIRMWARE, b.signature, List.of(b.signer)))).valid(), "hub verdict over a digest");
            rows.add(new Row("foreign signature + chain, digest sent (tasks 5 6 12)", "device",
                    client.counter().snapshot().minus(c0), plus(aloneCost, fetched.snapshot())));
            all.forEach(d -> d.counter().reset()); // verifyAlone's public-key work is the baseline, not the hub path

            // 4. A pairwise key: Kerberos-style envelope and ticket vs a signed ECDH handshake.
            c0 = client.counter().snapshot();
            s0 = server.counter().snapshot();
            PairGrant ga = client.acceptPairwiseKey(b.hub.requestPairwiseKey(client.requestPairwiseKey(server.id())));
            PairGrant gb = server.acceptTicket(client.forwardTicket(ga));
            gb.channel().unprotect(ga.channel().protect(msg));
            hs = signedEcdh(b);
            OpCounts aSide = client.counter().snapshot().minus(c0);
            OpCounts bSide = server.counter().snapshot().minus(s0);
            rows.add(new Row("pairwise key + first message (tasks 7 9 10)", "A", aSide, hs[0].snapshot()));
            rows.add(new Row("pairwise key + first message (tasks 7 9 10)", "B", bSide, hs[1].snapshot()));

            // 5. A group of 4 re-keyed: each member fetches the new epoch key vs the initiator running a signed
            // handshake with each other member and sending the key over it.
            b.hub.create("cost-group", Set.of(client.id(), server.id(), member3.id(), member4.id()));
            List<OpCounts> before = all.stream().map(d -> d.counter().snapshot()).toList();
            for (ConstrainedDevice d : all) {
                d.acceptGroupKeys(b.hub.requestGroupKeys(d.requestGroupKeys("cost-group")));
            }
            OpCounter initiator = new OpCounter();
            OpCounter member = new OpCounter();
            for (int i = 0; i < 3; i++) {
                OpCounter[] h = signedEcdh(b);
                merge(initiator, h[0].snapshot());
                if (i == 0) {
                    merge(member, h[1].snapshot());
                }
                initiator.count(CryptoKind.SYMMETRIC); // the group key sealed for this member
                initiator.sent(16 + 8 + 13);
                if (i == 0) {
                    member.count(CryptoKind.SYMMETRIC);
                    member.received(16 + 8 + 13);
                }
            }
            rows.add(new Row("group of 4 re-keyed (task 11)", "initiator", client.counter().snapshot()
                    .minus(before.get(0)), initiator.snapshot()));
            rows.add(new Row("group of 4 re-keyed (task 11)", "member", server.counter().snapshot()
                    .minus(before.get(1)), member.snapshot()));

            // 6. DPWS in the WS-Trust manner: a security context token from the hub (RST/RSTR), then SOAP invokes signed
            // with its proof key (HMAC-SHA256, WSS4J) vs the same invokes signed with the sender's own X.509 key
            // (ECDSA P-256, certificate in every message, WSS4J on both sides).
            Duration ttl = Duration.ofMinutes(5);
            WsTrustClient clientSide = new WsTrustClient(client, ttl);
            WsTrustClient serverSide = new WsTrustClient(server, ttl);
            StsService sts = new StsService(b.hub);
            SoapMessages x509 = new SoapMessages(b);
            c0 = client.counter().snapshot();
            s0 = server.counter().snapshot();
            SctGrant sct = clientSide.acceptResponse(sts.issue(clientSide.requestSecurityToken(server.id(),
                    "invoke")));
            // The audience opens the token (one AEAD, one HKDF) with the first message; that is setup, not per message.
            OpCounts m0 = client.counter().snapshot();
            OpCounts r0 = server.counter().snapshot();
            check(serverSide.receive(clientSide.sign(SoapMessages.invoke(), sct, ttl)).sender().equals(client.id()),
                    "first SCT-signed invoke");
            OpCounts firstReceive = server.counter().snapshot().minus(r0);
            OpCounts setupClient = m0.minus(c0);
            // Without the hub there is no setup message; the receiver checks the sender's certificate path once
            // (the CA's signature and the CRL's: 2 public-key operations) after fetching chain and CRL.
            OpCounter pathOnce = new OpCounter();
            pathOnce.count(CryptoKind.PUBLIC_KEY);
            pathOnce.count(CryptoKind.PUBLIC_KEY);
            pathOnce.received(b.ca.getEncoded().length + b.crl.getEncoded().length);
            c0 = client.counter().snapshot();
            s0 = server.counter().snapshot();
            check(serverSide.receive(clientSide.sign(SoapMessages.invoke(), sct, ttl)).sender().equals(client.id()),
                    "SCT-signed invoke");
            OpCounts sctSend = client.counter().snapshot().minus(c0);
            OpCounts sctReceive = server.counter().snapshot().minus(s0);
            // The server's setup is what its first message cost beyond a later one: opening the token.
            OpCounts setupServer = firstReceive.minus(sctReceive);
            rows.add(new Row("DPWS WS-Trust SCT setup (tasks 8 9)", "client", setupClient, new OpCounter().snapshot()));
            rows.add(new Row("DPWS WS-Trust SCT setup (tasks 8 9)", "server", setupServer, pathOnce.snapshot()));
            org.w3c.dom.Document plain = SoapMessages.invoke();
            int digests = x509.signX509(plain);
            String wire = SoapMessages.text(plain);
            check(x509.verifyX509(SoapMessages.parse(wire)), "X.509-signed invoke");
            OpCounter x509Sender = new OpCounter();
            OpCounter x509Receiver = new OpCounter();
            x509Sender.count(CryptoKind.PUBLIC_KEY);
            // WSS4J checks the signature and, per message, the certificate's path to the trusted CA.
            x509Receiver.count(CryptoKind.PUBLIC_KEY);
            x509Receiver.count(CryptoKind.PUBLIC_KEY);
            for (int i = 0; i < digests; i++) {
                x509Sender.count(CryptoKind.HASH);
                x509Receiver.count(CryptoKind.HASH);
            }
            x509Sender.sent(wire.getBytes(java.nio.charset.StandardCharsets.UTF_8).length);
            x509Receiver.received(wire.getBytes(java.nio.charset.StandardCharsets.UTF_8).length);
            rows.add(new Row("one DPWS SOAP invoke: SCT + HMAC-SHA256 vs X.509 ECDSA (tasks 4 5)", "sender", sctSend,
                    x509Sender.snapshot()));
            rows.add(new Row("one DPWS SOAP invoke: SCT + HMAC-SHA256 vs X.509 ECDSA (tasks 4 5)", "receiver",
                    sctReceive, x509Receiver.snapshot()));

            // 7. The hosted thing's answer to that invoke: signed with the token's proof key (the hub, for a thing it
            // hosts) and checked by the client, vs signed with the hub's X.509 key and checked by the client (one
            // ECDSA verification and the certificate's path to the CA: 2 public-key operations, as the receiver above).
            String identifier = sct.securityContextToken().getElementsByTagNameNS(
                    org.trusthub.offload.wstrust.SctFormat.WSC, "Identifier").item(0).getTextContent();
            org.trusthub.security.wss.sct.SecurityContext hosted = new org.trusthub.offload.internal.dpws
                    .AudienceContexts(b.keystore).resolve(identifier, server.id());
            byte[] proof = hosted.key();
            org.w3c.dom.Document reply = SoapMessages.reply("urn:uuid:1");
            org.trusthub.security.wss.sct.SctSigner.signReply(reply, identifier, proof, ttl,
                    java.time.Clock.systemUTC());
            java.util.Arrays.fill(proof, (byte) 0);
            hosted.destroy();
            c0 = client.counter().snapshot();
            clientSide.receiveReply(SoapMessages.text(reply), sct, "urn:uuid:1");
            OpCounts sctReply = client.counter().snapshot().minus(c0);
            org.w3c.dom.Document x509Reply = SoapMessages.reply("urn:uuid:1");
            int replyDigests = x509.signX509(x509Reply);
            String x509ReplyWire = SoapMessages.text(x509Reply);
            check(x509.verifyX509(SoapMessages.parse(x509ReplyWire)), "X.509-signed reply");
            OpCounter x509ReplyReceiver = new OpCounter();
            x509ReplyReceiver.count(CryptoKind.PUBLIC_KEY);
            x509ReplyReceiver.count(CryptoKind.PUBLIC_KEY);
            for (int i = 0; i < replyDigests; i++) {
                x509ReplyReceiver.count(CryptoKind.HASH);
            }
            x509ReplyReceiver.received(x509ReplyWire.getBytes(java.nio.charset.StandardCharsets.UTF_8).length);
            rows.add(new Row("the hosted thing's reply: proof-key HMAC vs X.509 ECDSA (tasks 4 5)", "client",
                    sctReply, x509ReplyReceiver.snapshot()));

            print(boot);
            long publicKey = 0;
            for (ConstrainedDevice d : all) {
                publicKey += d.counter().snapshot().publicKey();
            }
            for (Row r : rows) {
                publicKey += r.withHub().publicKey();
            }
            System.out.println();
            System.out.println("Public-key operations by devices using the hub after bootstrapping: " + publicKey);
            if (publicKey != 0) {
                System.exit(1);
            }
        }
    }

    /**
     * The baseline handshake both sides of a session run without a hub (as DTLS ECDHE-ECDSA or WS-SecureConversation
     * with X.509 tokens do): each side makes an ephemeral P-256 key, signs it, sends it with its certificate; each
     * checks the peer's certificate (signature and CRL), its signature, agrees, and derives keys.
     */
    private static OpCounter[] signedEcdh(OffloadBench b) throws Exception {
        OpCounter[] sides = {new OpCounter(), new OpCounter()};
        KeyPair[] eph = new KeyPair[2];
        byte[][] sigs = new byte[2][];
        X509Certificate cert = b.signer;
        int certBytes = cert.getEncoded().length;
        int crlBytes = b.crl.getEncoded().length;
        for (int i = 0; i < 2; i++) {
            eph[i] = OffloadBench.ec();
            sides[i].count(CryptoKind.PUBLIC_KEY);
            sigs[i] = OffloadBench.sign(b.signerKeys.getPrivate(), eph[i].getPublic().getEncoded());
            sides[i].count(CryptoKind.PUBLIC_KEY);
            int sent = certBytes + eph[i].getPublic().getEncoded().length + sigs[i].length;
            sides[i].sent(sent);
            sides[1 - i].received(sent + crlBytes);
        }
        for (int i = 0; i < 2; i++) {
            int peer = 1 - i;
            cert.verify(b.ca.getPublicKey(), OffloadBench.BC);
            sides[i].count(CryptoKind.PUBLIC_KEY);
            b.crl.verify(b.ca.getPublicKey(), OffloadBench.BC);
            sides[i].count(CryptoKind.PUBLIC_KEY);
            java.security.Signature v = java.security.Signature.getInstance("SHA256withECDSA", OffloadBench.BC);
            v.initVerify(cert.getPublicKey());
            v.update(eph[peer].getPublic().getEncoded());
            check(v.verify(sigs[peer]), "handshake signature");
            sides[i].count(CryptoKind.PUBLIC_KEY);
            KeyAgreement ka = KeyAgreement.getInstance("ECDH", OffloadBench.BC);
            ka.init(eph[i].getPrivate());
            ka.doPhase(eph[peer].getPublic(), true);
            ka.generateSecret();
            sides[i].count(CryptoKind.PUBLIC_KEY);
            for (int k = 0; k < 3; k++) {
                sides[i].count(CryptoKind.SYMMETRIC); // HKDF: two keys and an IV, as the hub path derives
            }
            // and the first message each way under the agreed key
            sides[i].count(CryptoKind.SYMMETRIC);
        }
        return sides;
    }

    private static OpCounts plus(OpCounts a, OpCounts b) {
        return new OpCounts(a.publicKey() + b.publicKey(), a.symmetric() + b.symmetric(), a.hash() + b.hash(),
                a.bytesSent() + b.bytesSent(), a.bytesReceived() + b.bytesReceived());
    }

    private static void merge(OpCounter into, OpCounts c) {
        for (long i = 0; i < c.publicKey(); i++) {
            into.count(CryptoKind.PUBLIC_KEY);
        }
        for (long i = 0; i < c.symmetric(); i++) {
            into.count(CryptoKind.SYMMETRIC);
        }
        for (long i = 0; i < c.hash(); i++) {
            into.count(CryptoKind.HASH);
        }
        into.sent((int) c.bytesSent());
        into.received((int) c.bytesReceived());
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            throw new IllegalStateException(what + " failed");
        }
    }

    private void print(OpCounts boot) {
        System.out.println("Bootstrapping (once per device, from its root secret): " + boot);
        System.out.println();
        System.out.println("| task | device | with hub: PK / sym / hash / sent B / recv B "
                + "| without hub: PK / sym / hash / sent B / recv B |");
        System.out.println("|---|---|---|---|");
        for (Row r : rows) {
            System.out.println("| " + r.task() + " | " + r.side() + " | " + cells(r.withHub()) + " | "
                    + cells(r.without()) + " |");
        }
    }

    private static String cells(OpCounts c) {
        return c.publicKey() + " / " + c.symmetric() + " / " + c.hash() + " / " + c.bytesSent() + " / "
                + c.bytesReceived();
    }
}
