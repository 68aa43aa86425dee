package org.trusthub.security.oscore.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;

import org.eclipse.californium.core.coap.Token;
import org.eclipse.californium.oscore.OSCoreCtx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trusthub.api.keystore.RootCredential;
import org.trusthub.api.thing.ThingId;
import org.trusthub.api.thing.Transition;
import org.trusthub.keystore.internal.FileThingKeyStore;
import org.trusthub.lifecycle.internal.LifecycleEventSink;
import org.trusthub.lifecycle.internal.ThingRegistryCore;
import org.trusthub.security.oscore.OscoreIds;

/** The database's tokens: which context answers an exchange, kept only while the exchange is under way. */
class ThingContextDbTokensTest {
    static final int CAPACITY = 1000;

    @TempDir
    Path dir;
    FileThingKeyStore keys;
    ThingRegistryCore registry;
    ThingContextDb db;

    @BeforeEach
    void open() throws Exception {
        keys = FileThingKeyStore.open(dir.resolve("keys"), dir.resolve("etc/master.key"));
        registry = new ThingRegistryCore(dir.resolve("registry"), keys, LifecycleEventSink.NONE, Clock.systemUTC());
        db = new ThingContextDb(keys, registry, (thing, reason) -> {
        }, CAPACITY);
    }

    @AfterEach
    void close() {
        db.dropAll();
        registry.close();
        keys.close();
    }

    private OSCoreCtx contextOf(String id) {
        ThingId thing = ThingId.of(id);
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        registry.enroll(thing, "tester", RootCredential.secret(secret));
        registry.transition(thing, Transition.BOOTSTRAP);
        registry.transition(thing, Transition.ACTIVATE);
        return db.getContext(OscoreIds.thingSenderId(thing));
    }

    private static Token token(long n) {
        return new Token(ByteBuffer.allocate(8).putLong(n).array());
    }

    @Test
    void aThingCannotTakeOverATokenAnotherThingsExchangeHolds() {
        OSCoreCtx victim = contextOf("lamp-1");
        OSCoreCtx attacker = contextOf("meter-1");
        Token observed = token(42);
        db.addContext(observed, victim);
        assertThrows(IllegalStateException.class, () -> db.addContext(observed, attacker));
        assertSame(victim, db.getContextByToken(observed), "the victim's responses stay under its own context");
        db.addContext(observed, victim);
        assertSame(victim, db.getContextByToken(observed), "the same thing may use its token again");
        db.removeToken(observed);
        db.addContext(observed, attacker);
        assertSame(attacker, db.getContextByToken(observed), "a token no exchange holds is anyone's");
    }

    @Test
    void aTokenIsForgottenWhenItsResponseIsDoneSoRequestsLeaveNothingBehind() {
        OSCoreCtx lamp = contextOf("lamp-1");
        // What cf-oscore does per request: add the token once it decrypted, look it up and remove it to respond.
        for (long n = 0; n < 20_000; n++) {
            Token t = token(n);
            db.addContext(t, lamp);
            assertSame(lamp, db.getContextByToken(t));
            db.removeToken(t);
        }
        assertFalse(db.tokenExist(token(0)));
        assertFalse(db.tokenExist(token(19_999)));
        assertEquals(0, db.tokenCount());
    }

    @Test
    void exchangesThatNeverGetAResponseAreBoundedAndTheNewestAreKept() {
        OSCoreCtx lamp = contextOf("lamp-2");
        for (long n = 0; n < 10L * CAPACITY; n++) {
            db.addContext(token(n), lamp);
        }
        assertFalse(db.tokenExist(token(0)), "the oldest is forgotten");
        assertNull(db.getContextByToken(token(0)), "its response finds no context and fails closed");
        assertSame(lamp, db.getContextByToken(token(10L * CAPACITY - 1)));
        assertEquals(CAPACITY, db.tokenCount());
    }

    @Test
    void anObservationInUseOutlivesExchangesThatWentAway() {
        OSCoreCtx lamp = contextOf("lamp-3");
        Token observation = token(-1);
        db.addContext(observation, lamp);
        for (long n = 0; n < 10L * CAPACITY; n++) {
            db.addContext(token(n), lamp);
            if (n % (CAPACITY / 2) == 0) {
                // A notification: cf-oscore looks its context up by the observation's token.
                assertSame(lamp, db.getContextByToken(observation));
            }
        }
        assertTrue(db.tokenExist(observation));
        assertEquals(CAPACITY, db.tokenCount());
    }

    @Test
    void droppingAThingForgetsItsTokens() {
        OSCoreCtx lamp = contextOf("lamp-4");
        OSCoreCtx other = contextOf("lamp-5");
        db.addContext(token(1), lamp);
        db.addContext(token(2), other);
        db.drop(ThingId.of("lamp-4"));
        assertFalse(db.tokenExist(token(1)), "no response is protected with a dropped context");
        assertSame(other, db.getContextByToken(token(2)));
    }

    @Test
    void aRequestFinishingAfterItsThingWasDroppedDoesNotBringTheDroppedContextBack() {
        OSCoreCtx lamp = contextOf("lamp-6");
        db.drop(ThingId.of("lamp-6"));
        // A request that decrypted under the old context just before the drop is associated with it afterwards.
        db.addContext(token(3), lamp);
        OSCoreCtx reopened = db.getContext(OscoreIds.thingSenderId(ThingId.of("lamp-6")));
        assertNotNull(reopened);
        assertNotSame(lamp, reopened, "the next request gets a context made afresh from the keystore");
    }
}
