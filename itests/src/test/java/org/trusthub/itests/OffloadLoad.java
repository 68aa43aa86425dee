package org.trusthub.itests;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.trusthub.api.keystore.RootCredential;
import org.trusthub.api.offload.GroupKeyService;
import org.trusthub.api.offload.OffloadException;
import org.trusthub.api.offload.TokenService;
import org.trusthub.api.thing.ThingId;
import org.trusthub.api.thing.ThingRegistry;
import org.trusthub.api.thing.Transition;
import org.trusthub.offload.device.AcceptedToken;
import org.trusthub.offload.device.ConstrainedDevice;
import org.trusthub.offload.device.TokenGrant;
import org.trusthub.testkit.load.LoadChannel;
import org.trusthub.testkit.load.NonceLedger;

/**
 * Offload traffic for the load driver: things asking the hub's offload services for tokens and group keys, each
 * request a new authenticated one, each answer checked by the devices themselves (offline, as they would). The
 * service of the moment is looked up for each request: an update of the offload bundle registers a new one. Its
 * interfaces are the API's, which is never swapped.
 */
final class OffloadLoad {

    private OffloadLoad() {
    }

    /** Who asks: a token client and its audience (with the scope), a group and two members of it. */
    record Things(ThingId client, ThingId audience, String scope, String group, ThingId member,
            ThingId earlier) {
    }

    /**
     * Enrolls the things (OPERATIONAL), creates the group, lets {@code earlier} fetch its keys, and returns the token
     * and group-key channels. The token rule the policy needs is the caller's to add.
     */
    static List<LoadChannel> channels(BundleContext context, ThingRegistry registry, NonceLedger ledger,
            Things things) {
        ConstrainedDevice client = device(registry, things.client());
        ConstrainedDevice audience = device(registry, things.audience());
        ConstrainedDevice member = device(registry, things.member());
        ConstrainedDevice earlier = device(registry, things.earlier());
        call(context, GroupKeyService.class, g -> g.create(things.group(), Set.of(things.member(),
                things.earlier())));
        earlier.acceptGroupKeys(call(context, GroupKeyService.class,
                g -> g.requestGroupKeys(earlier.requestGroupKeys(things.group()))));
        return List.of(new Tokens(context, client, audience, things.scope(), ledger),
                new GroupKeys(context, member, earlier, things.group()));
    }

    /** An OPERATIONAL thing and the device that holds its root secret. */
    private static ConstrainedDevice device(ThingRegistry registry, ThingId thing) {
        byte[] root = new byte[32];
        SecureRandom random = new SecureRandom();
        random.nextBytes(root);
        registry.enroll(thing, "itest", RootCredential.secret(root));
        registry.transition(thing, Transition.BOOTSTRAP);
        registry.transition(thing, Transition.ACTIVATE);
        return ConstrainedDevice.bootstrap(thing, root, 1, Clock.systemUTC(), random);
    }

    /**
     * A client asks for a token to use {@code scope} at its audience ("offload-token"); acknowledged when the client
     * accepted the hub's answer and the audience accepted the token it posted. Each token's id goes into the ledger: a
     * hub that issued one id twice would have reused its counter.
     */
    static final class Tokens implements LoadChannel {
        private final BundleContext context;
        private final ConstrainedDevice client;
        private final ConstrainedDevice audience;
        private final String scope;
        private final NonceLedger ledger;
        private volatile byte[] acknowledged;

        Tokens(BundleContext context, ConstrainedDevice client, ConstrainedDevice audience, String scope,
                NonceLedger ledger) {
            this.context = context;
            this.client = client;
            this.audience = audience;
            this.scope = scope;
            this.ledger = ledger;
        }

        @Override
        public String protocol() {
            return "offload-token";
        }

        @Override
        public String thing() {
            return client.id().value();
        }

        @Override
        public boolean send(long sequence) {
            byte[] request = client.requestToken(audience.id(), scope);
            TokenGrant grant = client.acceptTokenResponse(
                    call(context, TokenService.class, s -> s.requestToken(request)));
            AcceptedToken accepted = audience.acceptPostedToken(client.postToken(grant));
            client.acceptTokenReply(grant, accepted.reply());
            ledger.record(client.id().value() + " token-id", grant.tokenId());
            acknowledged = request;
            return true;
        }

        /** The last acknowledged request again: accepted when the hub issues a token, refused when it refuses. */
        @Override
        public Boolean replay() {
            byte[] recorded = acknowledged;
            return recorded == null ? null
                    : replayed(() -> call(context, TokenService.class, s -> s.requestToken(recorded)));
        }
    }

    /**
     * A member of a group fetches the group's keys ("offload-group"); acknowledged when it accepted the answer and a
     * message it protects with the newest key opens for a member that fetched the keys before the first swap: the hub
     * hands out the group's same keys across swaps.
     */
    static final class GroupKeys implements LoadChannel {
        private final BundleContext context;
        private final ConstrainedDevice member;
        private final ConstrainedDevice earlier;
        private final String group;
        private volatile byte[] acknowledged;

        /** {@code earlier} has fetched the group's keys already. */
        GroupKeys(BundleContext context, ConstrainedDevice member, ConstrainedDevice earlier, String group) {
            this.context = context;
            this.member = member;
            this.earlier = earlier;
            this.group = group;
        }

        @Override
        public String protocol() {
            return "offload-group";
        }

        @Override
        public String thing() {
            return member.id().value();
        }

        @Override
        public boolean send(long sequence) {
            byte[] request = member.requestGroupKeys(group);
            member.acceptGroupKeys(call(context, GroupKeyService.class, s -> s.requestGroupKeys(request)));
            byte[] message = ("reading " + sequence).getBytes(StandardCharsets.UTF_8);
            if (!Arrays.equals(message, earlier.unprotectGroup(group, member.protectGroup(group, message)))) {
                throw new IllegalStateException("a group message did not open for the other member");
            }
            acknowledged = request;
            return true;
        }

        /** The last acknowledged request again: accepted when the hub answers, refused when it refuses. */
        @Override
        public Boolean replay() {
            byte[] recorded = acknowledged;
            return recorded == null ? null
                    : replayed(() -> call(context, GroupKeyService.class, s -> s.requestGroupKeys(recorded)));
        }
    }

    /**
     * Whether the hub took a replayed request: true when it answered, false when it refused it (REPLAYED, or any
     * other refusal: nothing was issued); throws while there is no service to ask.
     */
    static Boolean replayed(java.util.function.Supplier<byte[]> request) {
        try {
            request.get();
            return true;
        } catch (OffloadException e) {
            return false;
        }
    }

    /** Calls the service registered now; throws while there is none (the offload bundle is being swapped). */
    static <S, T> T call(BundleContext context, Class<S> type, java.util.function.Function<S, T> request) {
        ServiceReference<S> ref = context.getServiceReference(type);
        S service = ref == null ? null : context.getService(ref);
        if (service == null) {
            throw new IllegalStateException("no " + type.getSimpleName() + " (the offload bundle is being swapped)");
        }
        try {
            return request.apply(service);
        } finally {
            context.ungetService(ref);
        }
    }
}
