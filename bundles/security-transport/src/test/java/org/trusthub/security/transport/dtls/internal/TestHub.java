package org.trusthub.security.transport.dtls.internal;

import java.nio.file.Path;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;

import org.trusthub.api.keystore.RootCredential;
import org.trusthub.api.thing.ThingId;
import org.trusthub.api.thing.Transition;
import org.trusthub.keystore.internal.FileThingKeyStore;
import org.trusthub.lifecycle.internal.LifecycleEventSink;
import org.trusthub.lifecycle.internal.ThingRegistryCore;

/** The hub's real keystore and registry in a temporary directory. */
final class TestHub implements AutoCloseable {
    final FileThingKeyStore keys;
    final ThingRegistryCore registry;

    TestHub(Path dir) throws Exception {
        keys = FileThingKeyStore.open(dir.resolve("keys"), dir.resolve("etc/master.key"));
        registry = new ThingRegistryCore(dir.resolve("registry"), keys, LifecycleEventSink.NONE,
                java.time.Clock.systemUTC());
    }

    /** An operational thing enrolled with a random root secret. */
    ThingId secretThing(String id) {
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        return operational(id, RootCredential.secret(secret));
    }

    /** An operational thing enrolled with a certificate for its key pair. */
    ThingId certificateThing(String id, X509Certificate certificate) {
        return operational(id, RootCredential.certificate(certificate));
    }

    private ThingId operational(String id, RootCredential root) {
        ThingId thing = ThingId.of(id);
        registry.enroll(thing, "tester", root);
        registry.transition(thing, Transition.BOOTSTRAP);
        registry.transition(thing, Transition.ACTIVATE);
        return thing;
    }

    static KeyPair ecKeyPair() throws Exception {
        return Certificates.ec();
    }

    @Override
    public void close() {
        registry.close();
        keys.close();
    }
}
